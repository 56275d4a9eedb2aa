#!/usr/bin/env python3
# ctest docs_qch (doc/CMakeLists.txt): reads the Qt help file (an SQLite
# database) as Qt Creator does and checks what registering it gives: the
# namespace, every page with its content, and keyword ids in qdoc's form
# ("Class", "Class::member"), which F1 looks up, for every public class.
#   check-qch.py <file.qch> <namespace> <include/QAsyncSqlite>
import pathlib
import re
import sqlite3
import sys

qch, namespace, include_dir = sys.argv[1:4]
problems = []
db = sqlite3.connect(f"file:{qch}?mode=ro", uri=True)

namespaces = [name for (name,) in db.execute("SELECT Name FROM NamespaceTable")]
if namespaces != [namespace]:
    problems.append(f"namespaces {namespaces}, expected [{namespace!r}]")

# (qhelpgenerator writes an empty, nameless first row.)
files = dict(db.execute(
    "SELECT FileNameTable.Name, length(FileDataTable.Data) FROM FileNameTable "
    "LEFT JOIN FileDataTable ON FileDataTable.Id = FileNameTable.FileId WHERE FileNameTable.Name != ''"))
if "index.html" not in files:
    problems.append("no index.html")
problems += [f"{name} has no content" for name, size in files.items() if not size]

ids = {}
for identifier, file_name in db.execute(
        "SELECT Identifier, FileNameTable.Name FROM IndexTable "
        "LEFT JOIN FileNameTable ON FileNameTable.FileId = IndexTable.FileId"):
    ids[identifier] = file_name
    if file_name is None:
        problems.append(f"keyword {identifier} points to no page")
    if re.search(r"(_a[0-9a-f]{32}|_)$", identifier):
        problems.append(f"keyword id {identifier} is not in qdoc's form")

# Every exported class, error class and struct of the public headers, the
# QML types, and a member of several kinds.
classes = set()
for header in pathlib.Path(include_dir).glob("*.h"):
    text = header.read_text(encoding="utf-8")
    classes.update(re.findall(r"^class QASYNCSQLITE_EXPORT (QAsyncSqlite\w+)\b", text, re.M))
    classes.update(re.findall(r"^struct (QAsyncSqlite\w+)\s*$", text, re.M))
    classes.update(re.findall(r"^QASYNCSQLITE_DECLARE_ERROR\((\w+),", text, re.M))
if len(classes) < 10:
    problems.append(f"only {sorted(classes)} found in {include_dir}")
expected = sorted(classes) + ["AsyncSqlite", "AsyncSqliteQueryModel", "QAsyncSqliteConnection::backup", "QAsyncSqliteTransaction::setProgressValue",
                              "QAsyncSqliteRow::swap", "QAsyncSqliteError::errorName"]
problems += [f"no keyword id {name}" for name in expected if name not in ids]

print(f"{qch}: {len(files)} files, {len(ids)} keyword ids, {len(classes)} public classes checked")
for problem in problems:
    print("error:", problem)
sys.exit(1 if problems else 0)
