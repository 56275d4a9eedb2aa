# Copyright (C) 2026 The QAsyncSqlite Authors
# SPDX-License-Identifier: MIT
"""Python side of the differential test: runs programs on Python's sqlite3.

The contract (transport, value encoding, operations, observations and the
canonical text of the final database) is tests/differential/PROTOCOL.md;
this file implements it and nothing else.

    /usr/bin/python3 reference.py              JSON lines on stdin -> stdout
    /usr/bin/python3 reference.py --canonical PATH
                                               print the canonical text of
                                               an existing database file
                                               (its sha256sum is "content")

Standard library only, for Debian's /usr/bin/python3 (3.11, SQLite 3.40).
"""

import hashlib
import json
import sqlite3
import struct
import sys
import traceback


class ProgramBug(Exception):
    """The program itself is wrong (e.g. an id never created): fatal."""


class StepFailed(Exception):
    """Carries an exception raised by sqlite3 (or by a step) to its observation."""


class _Step:
    """`with STEP:` around the part of an op that is the step's operation.

    Whatever that part raises is the step's error; anything raised outside
    it (parsing the step, encoding results) is a bug of this executor and
    ends up as {"fatal": ...}."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, Exception) and not isinstance(exc, (ProgramBug, StepFailed)):
            raise StepFailed(exc) from None
        return False


STEP = _Step()


# --- Values (PROTOCOL.md, "Values") ---------------------------------------

def decode(value):
    if value is None:
        return None
    if isinstance(value, dict) and len(value) == 1:
        (tag, payload), = value.items()
        if tag == "i":
            return int(payload)
        if tag == "r":
            return float(payload)   # reads "inf", "-inf" and "nan" too
        if tag == "t":
            return payload
        if tag == "b":
            return bytes.fromhex(payload)
    raise ValueError(f"not a tagged value: {value!r}")


def decode_params(params):
    if isinstance(params, dict):
        return {name: decode(v) for name, v in params.items()}
    if isinstance(params, list):
        return [decode(v) for v in params]
    return params   # e.g. null: passed on as is, sqlite3 says what it thinks


def encode(value):
    if value is None:
        return None
    if isinstance(value, int):
        return {"i": str(value)}
    if isinstance(value, float):
        return {"r": repr(value)}   # shortest round-trip form; 'inf', 'nan'
    if isinstance(value, str):
        return {"t": value}
    if isinstance(value, bytes):   # BLOBs, and TEXT under text_factory = bytes
        return {"b": value.hex()}
    raise TypeError(f"unexpected value from sqlite3: {value!r}")


def encode_row(row):
    return None if row is None else [encode(v) for v in row]


def encode_rows(rows):
    return [encode_row(r) for r in rows]


def plain_int(value):
    """Step fields such as rowid or offset: a JSON number (tagged accepted)."""
    return decode(value) if isinstance(value, dict) else value


def error_object(e):
    return {"class": type(e).__name__,
            # Only errors that come from SQLite carry these attributes.
            "code": getattr(e, "sqlite_errorcode", None),
            "name": getattr(e, "sqlite_errorname", None),
            "message": str(e)}


# --- Functions created at every open -------------------------------------

def qa_echo(x):
    return x


def qa_typeof(x):
    # Arguments arrive as int/float/str/bytes/None whatever the text factory.
    return {int: "integer", float: "real", str: "text", bytes: "blob"}.get(type(x), "null")


def qa_fail(x):
    raise ValueError("qa_fail")


class QaCount:
    def __init__(self):
        self.n = 0

    def step(self, x):
        if x is not None:
            self.n += 1

    def finalize(self):
        return self.n


class QaWcount:
    def __init__(self):
        self.n = 0

    def step(self, x):
        if x is not None:
            self.n += 1

    def inverse(self, x):
        if x is not None:
            self.n -= 1

    def value(self):
        return self.n

    def finalize(self):
        return self.n


# --- The executor ----------------------------------------------------------

class NoBlob(Exception):
    """A blob step whose blobOpen failed: a made-up error that the C++
    executor reports too (class "NoBlob", message "no blob")."""


class Failed:
    """Stands for a cursor or blob whose creation failed. Every method
    raises (inside the step, so it is the step's error, not a fatal): a
    blob NoBlob, a cursor what Python raises for a closed one."""

    def __init__(self, kind):
        self.kind = kind

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            if self.kind == "blob":
                raise NoBlob("no blob")
            raise sqlite3.ProgrammingError(f"Cannot operate on a closed {self.kind}.")
        return fail


class Executor:
    def __init__(self, path, options):
        self.path = path
        self.journal = options["journal"]
        self.isolation = options["isolation"]   # None: autocommit
        self.cached = options["cachedStatements"]
        self.text_factory = str   # survives reopen (PROTOCOL.md, "Program")
        self.cursors = {}         # id -> Cursor, or None if cursor() failed
        self.blobs = {}           # id -> Blob, or None if blobopen() failed
        self.open_blobs = set()   # ids whose blob is "open" for the observation
        self.conn = None
        self.open()

    def open(self):
        conn = sqlite3.connect(self.path, isolation_level=self.isolation,
                               cached_statements=self.cached)
        try:
            conn.execute(f"PRAGMA journal_mode={self.journal}").fetchall()
            conn.create_function("qa_echo", 1, qa_echo)
            conn.create_function("qa_typeof", 1, qa_typeof)
            conn.create_function("qa_fail", 1, qa_fail)
            conn.create_aggregate("qa_count", 1, QaCount)
            conn.create_window_function("qa_wcount", 1, QaWcount)
        except BaseException:
            conn.close()   # an open that fails leaves no connection behind
            raise
        conn.text_factory = self.text_factory
        self.conn = conn
        self.savepoint = 1   # qasyncsqlite_<n> numbering restarts per open

    # Objects named by id. A replaced object is closed and dropped first.

    def replace(self, table, ident):
        old = table.pop(ident, None)
        if table is self.blobs:
            self.open_blobs.discard(ident)
        if old is not None:
            try:
                old.close()
            except Exception:
                pass   # e.g. its connection is already closed

    def lookup(self, table, ident, kind):
        if ident not in table:
            raise ProgramBug(f"{kind} {ident} was never created")
        obj = table[ident]
        return Failed(kind) if obj is None else obj   # None: creation failed

    def cursor(self, s):
        return self.lookup(self.cursors, s["id"], "cursor")

    def blob(self, s):
        return self.lookup(self.blobs, s["id"], "blob")

    def close_all(self):
        """Closes cursors, blobs and the connection; errors are ignored."""
        for table in (self.cursors, self.blobs):
            for obj in table.values():
                try:
                    if obj is not None:
                        obj.close()
                except Exception:
                    pass
            # Dropping them also finalizes their statements, without which
            # sqlite3_close_v2() would leave a zombie holding locks.
            table.clear()
        self.open_blobs.clear()
        try:
            self.conn.close()
        except Exception:
            pass

    # Observations

    def observe(self, s, ok, result, error):
        conn = self.conn
        # After a failed reopen the connection may be closed, and then these
        # attributes raise ProgrammingError: report "no transaction, 0".
        try:
            in_tx = conn.in_transaction
        except Exception:
            in_tx = False
        try:
            total = conn.total_changes
        except Exception:
            total = 0
        obs = {"ok": ok, "result": result, "error": error, "inTx": in_tx, "total": total}
        op = s["op"]
        if op in CURSOR_OPS:
            cur = self.cursors.get(s["id"])
            obs["cursor"] = None if cur is None else {
                "rowcount": cur.rowcount,
                "lastrowid": cur.lastrowid,
                "description": None if cur.description is None else [d[0] for d in cur.description],
            }
        if op in BLOB_OPS:
            tell = None
            if s["id"] in self.open_blobs:
                try:
                    tell = {"tell": self.blobs[s["id"]].tell()}
                except Exception:
                    tell = None   # cannot happen while open; never die here
            obs["blob"] = tell
        return obs

    def step(self, s):
        op = OPS[s["op"]]   # KeyError: unknown op, a generator bug (fatal)
        try:
            result = op(self, s)
        except StepFailed as failed:
            return self.observe(s, False, None, error_object(failed.args[0]))
        return self.observe(s, True, result, None)

    def final(self):
        try:
            with STEP:
                dump = list(self.conn.iterdump())
        except StepFailed as failed:
            dump = {"error": error_object(failed.args[0])}
        self.close_all()
        text, parts = canonical(self.path)
        return {"dump": dump,
                "content": hashlib.sha256(text).hexdigest(),
                "tables": {name: hashlib.sha256(part).hexdigest() for name, part in parts}}


# --- Operations (PROTOCOL.md, "Steps"): one function each ------------------

def op_execute(ex, s):
    sql, params = s["sql"], decode_params(s["params"])
    with STEP:
        rows = ex.conn.execute(sql, params).fetchall()
    return encode_rows(rows)


def op_execute_insert(ex, s):
    sql, params = s["sql"], decode_params(s["params"])
    with STEP:
        cur = ex.conn.execute(sql, params)
        cur.fetchall()
        rowid = cur.lastrowid
    return encode(rowid)


def op_execute_many(ex, s):
    sql, sets = s["sql"], [decode_params(p) for p in s["paramSets"]]
    with STEP:
        count = ex.conn.executemany(sql, sets).rowcount
    return encode(count)


def op_execute_script(ex, s):
    with STEP:
        ex.conn.executescript(s["sql"])


def op_commit(ex, s):
    with STEP:
        ex.conn.commit()


def op_rollback(ex, s):
    with STEP:
        ex.conn.rollback()


def op_set_isolation(ex, s):
    level = s["level"]
    with STEP:
        # Note: 3.11 commits an open transaction when this is set to None.
        ex.conn.isolation_level = level


def op_set_text_factory(ex, s):
    factory = {"str": str, "bytes": bytes}[s["factory"]]
    with STEP:
        ex.conn.text_factory = factory
    ex.text_factory = factory


def op_transaction(ex, s):
    mode, fail = s["mode"], s["fail"]
    statements = [(st["sql"], decode_params(st["params"])) for st in s["statements"]]
    with STEP:
        conn = ex.conn
        if not conn.in_transaction:
            conn.execute(f"BEGIN {mode}")
            finish, undo = "COMMIT", ["ROLLBACK"]
        else:
            name = f"qasyncsqlite_{ex.savepoint}"
            ex.savepoint += 1   # taken even if SAVEPOINT fails
            conn.execute(f"SAVEPOINT {name}")
            finish, undo = f"RELEASE {name}", [f"ROLLBACK TO {name}", f"RELEASE {name}"]
        try:
            results = [conn.execute(sql, params).fetchall() for sql, params in statements]
            if fail:
                raise Exception("qa abort")
            conn.execute(finish)
        except Exception:
            for sql in undo:   # each tried on its own, errors ignored
                try:
                    conn.execute(sql)
                except Exception:
                    pass
            raise   # the original exception is the step's error
    return [encode_rows(rows) for rows in results]


def op_dump(ex, s):
    with STEP:
        lines = list(ex.conn.iterdump())
    return lines   # plain JSON strings (PROTOCOL.md: "array of strings")


def op_reopen(ex, s):
    ex.open_blobs.clear()   # no blob is open after a reopen, even a failed one
    # QAsyncSqliteConnection::close() finalizes every statement; in Python
    # that is closing every cursor. conn.close() alone (3.11) closes blobs
    # but not cursors, and a cursor stopped in the middle of its rows would
    # keep the old connection alive (an sqlite3_close_v2 zombie) with its
    # locks and its open transaction. The generator forgets cursor ids at a
    # reopen, so no later step sees the difference.
    for ident in list(ex.cursors):
        ex.replace(ex.cursors, ident)
    with STEP:
        ex.conn.close()
        ex.open()


def op_cursor(ex, s):
    ident = s["id"]
    ex.replace(ex.cursors, ident)
    ex.cursors[ident] = None   # known id, even if cursor() fails
    with STEP:
        ex.cursors[ident] = ex.conn.cursor()


def op_cursor_execute(ex, s):
    cur, sql, params = ex.cursor(s), s["sql"], decode_params(s["params"])
    with STEP:
        cur.execute(sql, params)


def op_cursor_execute_many(ex, s):
    cur, sql, sets = ex.cursor(s), s["sql"], [decode_params(p) for p in s["paramSets"]]
    with STEP:
        cur.executemany(sql, sets)


def op_cursor_execute_script(ex, s):
    cur = ex.cursor(s)
    with STEP:
        cur.executescript(s["sql"])


def op_fetch_one(ex, s):
    cur = ex.cursor(s)
    with STEP:
        row = cur.fetchone()
    return encode_row(row)


def op_fetch_many(ex, s):
    cur, n = ex.cursor(s), s["n"]
    with STEP:
        rows = cur.fetchmany() if n is None else cur.fetchmany(plain_int(n))
    return encode_rows(rows)


def op_fetch_all(ex, s):
    cur = ex.cursor(s)
    with STEP:
        rows = cur.fetchall()
    return encode_rows(rows)


op_stream = op_fetch_all   # Python has no streaming: all rows, in order


def op_cursor_close(ex, s):
    cur = ex.cursor(s)
    with STEP:
        cur.close()


def op_blob_open(ex, s):
    ident, rowid = s["id"], plain_int(s["rowid"])
    ex.replace(ex.blobs, ident)
    ex.blobs[ident] = None   # known id, even if blobopen() fails
    with STEP:
        ex.blobs[ident] = ex.conn.blobopen(s["table"], s["column"], rowid,
                                           readonly=bool(s["readonly"]))
    ex.open_blobs.add(ident)


def op_blob_read(ex, s):
    blob, n = ex.blob(s), plain_int(s["n"])
    with STEP:
        data = blob.read(n)
    return encode(data)


def op_blob_write(ex, s):
    blob, data = ex.blob(s), bytes.fromhex(s["data"])
    with STEP:
        blob.write(data)


def op_blob_seek(ex, s):
    blob, offset, origin = ex.blob(s), plain_int(s["offset"]), s["origin"]
    with STEP:
        blob.seek(offset, origin)


def op_blob_close(ex, s):
    blob = ex.blob(s)
    ex.open_blobs.discard(s["id"])   # closed "whatever that returns"
    with STEP:
        blob.close()


OPS = {
    "execute": op_execute,
    "executeInsert": op_execute_insert,
    "executeMany": op_execute_many,
    "executeScript": op_execute_script,
    "commit": op_commit,
    "rollback": op_rollback,
    "setIsolation": op_set_isolation,
    "setTextFactory": op_set_text_factory,
    "transaction": op_transaction,
    "dump": op_dump,
    "reopen": op_reopen,
    "cursor": op_cursor,
    "cursorExecute": op_cursor_execute,
    "cursorExecuteMany": op_cursor_execute_many,
    "cursorExecuteScript": op_cursor_execute_script,
    "fetchOne": op_fetch_one,
    "fetchMany": op_fetch_many,
    "fetchAll": op_fetch_all,
    "stream": op_stream,
    "cursorClose": op_cursor_close,
    "blobOpen": op_blob_open,
    "blobRead": op_blob_read,
    "blobWrite": op_blob_write,
    "blobSeek": op_blob_seek,
    "blobClose": op_blob_close,
}
CURSOR_OPS = {"cursor", "cursorExecute", "cursorExecuteMany", "cursorExecuteScript",
              "fetchOne", "fetchMany", "fetchAll", "stream", "cursorClose"}
BLOB_OPS = {"blobOpen", "blobRead", "blobWrite", "blobSeek", "blobClose"}


# --- Canonical text (PROTOCOL.md, "Final") ---------------------------------

def quote(name):
    return '"' + name.replace('"', '""') + '"'


def canonical_value(value, kind):
    if kind == b"null":
        return b"n"
    if kind == b"integer":
        return b"i:%d" % value
    if kind == b"real":
        return b"r:" + struct.pack(">d", value).hex().encode()
    if kind == b"text":   # bytes here: the connection's factory is bytes
        return b"t:" + value.hex().encode()
    return b"b:" + value.hex().encode()


def canonical(path):
    """(canonical text, [(table name, its part)]) of the database at path.

    Works in bytes throughout: with text_factory = bytes, names and TEXT
    arrive exactly as stored."""
    conn = sqlite3.connect(path)
    try:
        conn.text_factory = bytes
        text = [b"schema\n"]
        for kind, name, table, sql in conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"):
            text.append(b"|".join([kind, name, table, b"n" if sql is None else sql.hex().encode()]) + b"\n")
        parts = []
        tables = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").fetchall()
        for (name,) in tables:
            table = quote(name.decode())
            columns = [quote(info[1].decode()) for info in conn.execute(f"PRAGMA table_info({table})")]
            n = len(columns)
            # The values, then their types (under the bytes factory text and
            # blob both arrive as bytes); ORDER BY the values only.
            query = (f"SELECT {', '.join(columns)}, {', '.join(f'typeof({c})' for c in columns)}"
                     f" FROM {table} ORDER BY {', '.join(str(i) for i in range(1, n + 1))}")
            part = [b"table " + name + b"\n"]
            for row in conn.execute(query):
                part.append(b"|".join(canonical_value(row[i], row[n + i]) for i in range(n)) + b"\n")
            part = b"".join(part)
            parts.append((name.decode(), part))
            text.append(part)
        return b"".join(text), parts
    finally:
        conn.close()


# --- Transport -------------------------------------------------------------

def run(request):
    program = request["program"]
    ex = Executor(request["path"], program["options"])
    try:
        steps = [ex.step(s) for s in program["steps"]]
        return {"python": list(sys.version_info[:3]), "steps": steps, "final": ex.final()}
    finally:
        ex.close_all()   # also after a fatal: leave no lock on the file


def main():
    if sys.argv[1:2] == ["--canonical"]:
        if len(sys.argv) != 3:
            sys.exit("usage: reference.py --canonical PATH")
        path = sys.argv[2]
        try:
            open(path, "rb").close()   # connect() would create a missing file
        except OSError as e:
            sys.exit(str(e))
        sys.stdout.buffer.write(canonical(path)[0])
        return
    # Bytes in, decoded here: the locale's encoding plays no part, and an
    # undecodable line is that request's fatal, not the end of the loop.
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        try:
            response = run(json.loads(raw.decode("utf-8")))
        except Exception:
            response = {"fatal": traceback.format_exc()}
        # ensure_ascii (the default): output is ASCII whatever the locale.
        sys.stdout.write(json.dumps(response, allow_nan=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
