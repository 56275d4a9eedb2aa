// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Hostile and malformed input: injection attempts through binding, several
// statements where one is expected, overflow, unbindable types, invalid
// Unicode, values and SQL text beyond SQLite's limits, damaged database
// files, read-only files and URI handling. Every case ends in a result or a
// typed QAsyncSqliteError, never a crash, a hang or silent truncation.
// tests/auto/values and tests/auto/errors cover the well-formed cases and
// the basic error mapping; this file adds the hostile ones.
#include "faultcommon.h"
#include "resourcebaseline.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qrandom.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/quuid.h>
#include <QtTest/QtTest>

#include <sqlite3.h>
#include <unistd.h>

#include <limits>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Fault::terminalState;

namespace {

struct Custom
{
    int x = 0;
};

QVariantList firstRow(const QVariantList &rows)
{
    return rows.value(0).toList();
}

// A database of a few pages: a table with an index and some text.
QByteArray makeDatabase(const QString &path)
{
    {
        QAsyncSqliteConnection db;
        if (!QAsyncSqliteTest::awaitSuccess(db.open(path)).isEmpty())
            return {};
        (void)QAsyncSqliteTest::awaitSuccess(db.executeScript(
                u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, data BLOB); CREATE INDEX t_name ON t(name); "
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400) "
                "INSERT INTO t SELECT x, 'name ' || x, randomblob(50) FROM c;"_s));
        (void)QAsyncSqliteTest::awaitSuccess(db.close());
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile::remove(path);
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

Q_DECLARE_METATYPE(Custom)

class tst_BadInput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { Fault::warmUp(); }
    void injectionThroughBinding_data();
    void injectionThroughBinding();
    void hostileParameterNames();
    void multipleStatementsEverywhere_data();
    void multipleStatementsEverywhere();
    void integerOverflow();
    void unbindableTypes_data();
    void unbindableTypes();
    void invalidUtf8FromDatabase();
    void invalidUtf16Input();
    void valuesAboveLengthLimit_data();
    void valuesAboveLengthLimit();
    void sqlTextSizes();
    void corruptFiles_data();
    void corruptFiles();
    void randomByteFlips();
    void readOnlyFile();
    void uriOnlyWhenAsked_data();
    void uriOnlyWhenAsked();
};

void tst_BadInput::injectionThroughBinding_data()
{
    QTest::addColumn<QString>("payload");
    QTest::newRow("classic") << u"'); DROP TABLE t; --"_s;
    QTest::newRow("quote OR") << u"x' OR '1'='1"_s;
    QTest::newRow("double quote") << u"\"; DELETE FROM t; --"_s;
    QTest::newRow("comment") << u"/* */ DROP TABLE t /*"_s;
    QTest::newRow("attach") << u"'; ATTACH DATABASE '/tmp/qasyncsqlite-pwned.db' AS pwned; --"_s;
    QTest::newRow("pragma") << u"'; PRAGMA writable_schema = ON; --"_s;
    QTest::newRow("NUL inside") << QString(u"a\0'; DROP TABLE t; --"_s);
    QTest::newRow("printf") << u"%s%s%s%n%n%x"_s;
    QTest::newRow("parameter syntax") << u"?1 :a @b $c ?999999"_s;
    QTest::newRow("bidi override") << u"\u202Eelbat pord\u202C"_s;
    QTest::newRow("long") << (u"'); DROP TABLE t; --"_s.repeated(10000));
    QTest::newRow("backslashes") << u"\\'; DROP TABLE t; --\\"_s;
}

void tst_BadInput::injectionThroughBinding()
{
    // Bound values are data, never SQL: through every API that binds,
    // the payload comes back byte for byte and the schema is untouched.
    QFETCH(QString, payload);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path()));
        QASYNCSQLITE_AWAIT(
                db.executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE keep(x);"_s));
        QASYNCSQLITE_AWAIT(db.executeInsert(u"INSERT INTO t(v) VALUES(?)"_s, {payload}));
        QASYNCSQLITE_AWAIT(db.executeInsert(u"INSERT INTO t(v) VALUES(:v)"_s, QVariantMap{{u"v"_s, payload}}));
        QASYNCSQLITE_AWAIT(db.executeMany(u"INSERT INTO t(v) VALUES(?)"_s, {{payload}, {payload}}));
        QASYNCSQLITE_AWAIT(db.transaction([payload](QAsyncSqliteTransaction &tx) {
            tx.execute(u"INSERT INTO t(v) VALUES(?)"_s, {payload});
        }));
        QAsyncSqliteCursor *cursor = db.cursor();
        QASYNCSQLITE_AWAIT(cursor->execute(u"INSERT INTO t(v) VALUES(?)"_s, {payload}));
        QASYNCSQLITE_AWAIT(db.commit());
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v FROM t WHERE v = ?"_s, {payload}));
        QCOMPARE(rows.size(), 6);
        for (const QVariant &row : rows)
            QVERIFY(row.toList().value(0).toString() == payload);
        QASYNCSQLITE_AWAIT_RESULT(schema, db.execute(u"SELECT name FROM sqlite_schema ORDER BY name"_s));
        QCOMPARE(schema, (QVariantList{QVariantList{u"keep"_s}, QVariantList{u"t"_s}}));
        QASYNCSQLITE_AWAIT_RESULT(dbs, db.execute(u"SELECT count(*) FROM pragma_database_list"_s));
        QCOMPARE(firstRow(dbs), (QVariantList{1LL})); // nothing attached
    }
    QVERIFY(!QFile::exists(u"/tmp/qasyncsqlite-pwned.db"_s));
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_BadInput::hostileParameterNames()
{
    // Map keys are looked up, never spliced into SQL: a hostile key is just
    // a missing value (ProgrammingError), and extra keys are ignored.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT_ERROR(
            missing,
            db.execute(u"INSERT INTO t VALUES(:v)"_s, QVariantMap{{u"v); DROP TABLE t; --"_s, 1}, {u"\0v"_s, 2}}),
            QAsyncSqliteProgrammingError);
    QCOMPARE(missing.code(), SQLITE_RANGE);
    QASYNCSQLITE_AWAIT(
            db.execute(u"INSERT INTO t VALUES(:v)"_s, QVariantMap{{u"v"_s, 3}, {u"'; DROP TABLE t; --"_s, 4}}));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{3LL}}));
}

void tst_BadInput::multipleStatementsEverywhere_data()
{
    QTest::addColumn<QString>("api");
    // tests/auto/errors checks execute() and executeInsert(); the others:
    QTest::newRow("executeMany") << u"executeMany"_s;
    QTest::newRow("cursor execute") << u"cursor"_s;
    QTest::newRow("transaction execute") << u"transaction"_s;
    QTest::newRow("named execute") << u"named"_s;
}

void tst_BadInput::multipleStatementsEverywhere()
{
    // A second statement smuggled after the first never runs, on any API
    // that promises one statement; the first does not run either.
    QFETCH(QString, api);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(v); CREATE TABLE victim(x); INSERT INTO victim VALUES(1);"_s));
    const QString sql = u"INSERT INTO t VALUES(?); DROP TABLE victim"_s;
    const QString named = u"INSERT INTO t VALUES(:v); DROP TABLE victim"_s;
    QFuture<void> f;
    if (api == u"executeMany"_s)
        f = QFuture<void>(db.executeMany(sql, {{1}, {2}}));
    else if (api == u"cursor"_s)
        f = db.cursor()->execute(sql, {1});
    else if (api == u"transaction"_s)
        f = db.transaction([sql](QAsyncSqliteTransaction &tx) {
            tx.execute(sql, {1});
        });
    else
        f = QFuture<void>(db.execute(named, QVariantMap{{u"v"_s, 1}}));
    QASYNCSQLITE_AWAIT_ERROR(error, f, QAsyncSqliteProgrammingError);
    QVERIFY2(error.message().contains(u"one statement"_s), qPrintable(error.message()));
    QASYNCSQLITE_AWAIT_RESULT(victim, db.execute(u"SELECT count(*) FROM victim"_s));
    QCOMPARE(firstRow(victim), (QVariantList{1LL}));
    QASYNCSQLITE_AWAIT_RESULT(t, db.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(firstRow(t), (QVariantList{0LL}));
    // The same text again (statement cache) is still refused.
    QASYNCSQLITE_AWAIT_ERROR(again, db.execute(sql, {1}), QAsyncSqliteProgrammingError);
    Q_UNUSED(again);
}

void tst_BadInput::integerOverflow()
{
    // tests/auto/values: quint64 above INT64_MAX is refused when bound.
    // Here: overflow inside SQL is an error or a REAL, never a wrapped value.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    const qint64 max = std::numeric_limits<qint64>::max();
    const qint64 min = std::numeric_limits<qint64>::min();
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE n(v INTEGER);"_s));
    QASYNCSQLITE_AWAIT(db.executeMany(u"INSERT INTO n VALUES(?)"_s, {{max}, {max}}));
    QASYNCSQLITE_AWAIT_ERROR(sum, db.execute(u"SELECT sum(v) FROM n"_s), QAsyncSqliteOperationalError);
    QVERIFY2(sum.message().contains(u"integer overflow"_s), qPrintable(sum.message()));
    // total() is the float variant.
    QASYNCSQLITE_AWAIT_RESULT(total, db.execute(u"SELECT total(v) FROM n"_s));
    QCOMPARE(firstRow(total).value(0).typeId(), QMetaType::Double);
    // + and * overflow into REAL (SQLite's rule), not a wrapped integer.
    QASYNCSQLITE_AWAIT_RESULT(plus, db.execute(u"SELECT ? + 1, ? - 1, ? * 2"_s, {max, min, max}));
    for (const QVariant &v : firstRow(plus)) {
        QCOMPARE(v.typeId(), QMetaType::Double);
        QVERIFY(qAbs(v.toDouble()) >= 9.2e18);
    }
    // Literals beyond 64 bits read back as REAL.
    QASYNCSQLITE_AWAIT_RESULT(big, db.execute(u"SELECT 9223372036854775808, -9223372036854775809"_s));
    QCOMPARE(firstRow(big).value(0).typeId(), QMetaType::Double);
    QCOMPARE(firstRow(big).value(1).typeId(), QMetaType::Double);
    // The extremes themselves survive a round trip through binding.
    QASYNCSQLITE_AWAIT_RESULT(ends, db.execute(u"SELECT ?, ?, typeof(?)"_s, {max, min, quint64(max)}));
    QCOMPARE(firstRow(ends), (QVariantList{max, min, u"integer"_s}));
    // A refused bind in the middle of executeMany: typed error, nothing
    // half-applied by the failing set, the earlier sets are reported.
    QASYNCSQLITE_AWAIT_ERROR(
            data,
            db.executeMany(u"INSERT INTO n VALUES(?)"_s, {{1}, {quint64(std::numeric_limits<quint64>::max())}, {2}}),
            QAsyncSqliteDataError);
    QCOMPARE(data.code(), SQLITE_MISMATCH);
}

void tst_BadInput::unbindableTypes_data()
{
    // tests/auto/values covers QPoint, QSize, QUrl, QVariantList and
    // QVariantMap; more kinds of value a caller can hand over by mistake:
    QTest::addColumn<QVariant>("value");
    QTest::newRow("custom struct") << QVariant::fromValue(Custom{7});
    QTest::newRow("QStringList") << QVariant(QStringList{u"a"_s, u"b"_s});
    QTest::newRow("QUuid") << QVariant(QUuid::createUuid());
    QTest::newRow("QRegularExpression") << QVariant(QRegularExpression(u"x"_s));
    QTest::newRow("pointer") << QVariant::fromValue(static_cast<void *>(this));
    QTest::newRow("QObject pointer") << QVariant::fromValue(static_cast<QObject *>(this));
    QTest::newRow("nested QVariant list of lists") << QVariant(QVariantList{QVariantList{1}});
    QTest::newRow("QVariantHash") << QVariant(QVariantHash{{u"k"_s, 1}});
}

void tst_BadInput::unbindableTypes()
{
    QFETCH(QVariant, value);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT_ERROR(error, db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {value}),
                             QAsyncSqliteProgrammingError);
    QVERIFY2(error.message().contains(u"not supported"_s), qPrintable(error.message()));
    QASYNCSQLITE_AWAIT_ERROR(named, db.execute(u"SELECT :v"_s, QVariantMap{{u"v"_s, value}}),
                             QAsyncSqliteProgrammingError);
    Q_UNUSED(named);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(firstRow(rows), (QVariantList{0LL})); // never a silent NULL
}

void tst_BadInput::invalidUtf8FromDatabase()
{
    // TEXT that is not valid UTF-8 (written as a blob and cast, or by
    // another program): read as QString it is decoded with replacement
    // characters; TextFactory::Bytes gives the exact bytes; nothing crashes
    // and lengths are never read past.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    const QByteArray bad("\xff\xfe\xc3(\x80\xed\xa0\x80 ok \xf4\x90\x80\x80", 17);
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v TEXT)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(CAST(? AS TEXT))"_s, {bad}));
    QASYNCSQLITE_AWAIT(db.commit());
    QASYNCSQLITE_AWAIT_RESULT(asText, db.execute(u"SELECT v, typeof(v), length(CAST(v AS BLOB)) FROM t"_s));
    const QVariantList row = firstRow(asText);
    QCOMPARE(row.value(1).toString(), u"text"_s);
    QCOMPARE(row.value(2).toLongLong(), qint64(bad.size()));
    const QString decoded = row.value(0).toString();
    QVERIFY(decoded.contains(u" ok "_s));
    QVERIFY(decoded.contains(QChar::ReplacementCharacter));
    db.setTextFactory(QAsyncSqlite::TextFactory::Bytes);
    QASYNCSQLITE_AWAIT_RESULT(asBytes, db.execute(u"SELECT v FROM t"_s));
    QCOMPARE(firstRow(asBytes).value(0).toByteArray(), bad);
    db.setTextFactory(QAsyncSqlite::TextFactory::String);
    // SQL functions over it do not crash either.
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT upper(v), substr(v, 2, 3), instr(v, 'ok'), length(v), unicode(v) FROM t"_s));
}

void tst_BadInput::invalidUtf16Input()
{
    // Lone surrogates in SQL text, in identifiers and in parameter names:
    // converted to UTF-8 by Qt (a replacement), never undefined behaviour.
    // (A lone surrogate bound as a value: tests/auto/values::loneSurrogate.)
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    const QString lone = QString(QChar(0xD800)) + u"x"_s + QChar(0xDFFF);
    QASYNCSQLITE_AWAIT_RESULT(literal, db.execute(u"SELECT '"_s + lone + u"'"_s));
    QCOMPARE(firstRow(literal).size(), 1);
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE \""_s + lone + u"\"(\""_s + lone + u"\")"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO \""_s + lone + u"\" VALUES(1)"_s));
    QASYNCSQLITE_AWAIT_RESULT(back, db.execute(u"SELECT * FROM \""_s + lone + u"\""_s));
    QCOMPARE(back.size(), 1);
    const QString sql = u"SELECT :"_s + lone;
    QFuture<QVariantList> named = db.execute(sql, QVariantMap{{lone, 1}});
    QVERIFY(QAsyncSqliteTest::waitForFinished(named));
    const QString state = terminalState(named);
    QVERIFY2(state == u"result"_s || state.startsWith(u"error:SQLITE_"_s), qPrintable(state));
    // Iterating a dump with such names works too.
    QFuture<QString> dump = db.iterDump();
    QVERIFY(QAsyncSqliteTest::waitForFinished(dump));
    QCOMPARE(terminalState(dump), u"result"_s);
}

void tst_BadInput::valuesAboveLengthLimit_data()
{
    // tests/auto/values::lengthLimit: bound TEXT/BLOB at and above the limit.
    // Here: values that grow above it inside SQL, and the default limit.
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("params");
    QTest::newRow("concatenation") << u"SELECT ? || ?"_s << QVariantList{QString(600, u'a'), QString(600, u'b')};
    QTest::newRow("zeroblob") << u"SELECT zeroblob(5000)"_s << QVariantList{};
    QTest::newRow("randomblob") << u"SELECT randomblob(5000)"_s << QVariantList{};
    QTest::newRow("replace growth") << u"SELECT replace(?, 'a', 'aaaa')"_s << QVariantList{QString(400, u'a')};
    QTest::newRow("group_concat") << u"SELECT group_concat(v) FROM (SELECT ? AS v UNION ALL SELECT ?)"_s
                                  << QVariantList{QString(600, u'x'), QString(600, u'y')};
    QTest::newRow("blob concat") << u"SELECT CAST(? AS BLOB) || CAST(? AS BLOB)"_s
                                 << QVariantList{QByteArray(600, 'x'), QByteArray(600, 'y')};
}

void tst_BadInput::valuesAboveLengthLimit()
{
    QFETCH(QString, sql);
    QFETCH(QVariantList, params);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.setLimit(SQLITE_LIMIT_LENGTH, 1000));
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql, params), QAsyncSqliteDataError);
    QCOMPARE(error.code(), SQLITE_TOOBIG);
    QCOMPARE(error.errorName(), u"SQLITE_TOOBIG"_s);
    // Under the limit the same shape works in full (no silent truncation).
    QASYNCSQLITE_AWAIT(db.setLimit(SQLITE_LIMIT_LENGTH, 100000));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(sql, params));
    const QVariant v = firstRow(rows).value(0);
    const qsizetype size = v.typeId() == QMetaType::QByteArray ? v.toByteArray().size() : v.toString().size();
    QVERIFY2(size > 1000, qPrintable(QString::number(size)));
}

void tst_BadInput::sqlTextSizes()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    // A 10 MB statement (a literal) under the default limits runs.
    const int tenMb = 10 * 1024 * 1024;
    QASYNCSQLITE_AWAIT_RESULT(len, db.execute(u"SELECT length('"_s + QString(tenMb, u'x') + u"')"_s));
    QCOMPARE(firstRow(len), (QVariantList{qint64(tenMb)}));
    // A 10 MB comment around a tiny statement too.
    QASYNCSQLITE_AWAIT_RESULT(commented, db.execute(u"/*"_s + QString(tenMb, u'c') + u"*/ SELECT 42"_s));
    QCOMPARE(firstRow(commented), (QVariantList{42LL}));
    // A ~10 MB script of small statements.
    QString script = u"CREATE TABLE s(i, pad);"_s;
    script.reserve(tenMb + 100);
    for (int i = 0; script.size() < tenMb; ++i)
        script += u"INSERT INTO s VALUES(%1, '%2');"_s.arg(i).arg(QString(60, u'p'));
    QASYNCSQLITE_AWAIT(db.executeScript(script));
    QASYNCSQLITE_AWAIT_RESULT(count, db.execute(u"SELECT count(*) > 100000 FROM s"_s));
    QCOMPARE(firstRow(count), (QVariantList{1LL}));
    // Above SQLITE_LIMIT_SQL_LENGTH: SQLITE_TOOBIG, nothing runs.
    QASYNCSQLITE_AWAIT(db.setLimit(SQLITE_LIMIT_SQL_LENGTH, 1000));
    QASYNCSQLITE_AWAIT_ERROR(tooLong, db.execute(u"SELECT length('"_s + QString(2000, u'x') + u"')"_s),
                             QAsyncSqliteDataError);
    QCOMPARE(tooLong.code(), SQLITE_TOOBIG);
    QASYNCSQLITE_AWAIT_ERROR(tooLongScript,
                             db.executeScript(u"DELETE FROM s; SELECT '"_s + QString(2000, u'x') + u"';"_s),
                             QAsyncSqliteDataError);
    Q_UNUSED(tooLongScript);
    // A deep expression: a typed error, no stack overflow. Depends on the
    // SQLite version: before 3.46.0 the parser's stack has a fixed 100
    // entries ("parser stack overflow"); from 3.46.0 on it grows, and
    // SQLITE_LIMIT_EXPR_DEPTH stops the expression tree instead.
    const bool growingParserStack = sqlite3_libversion_number() >= 3046000;
    QASYNCSQLITE_AWAIT(db.setLimit(SQLITE_LIMIT_SQL_LENGTH, 1000000));
    QASYNCSQLITE_AWAIT_RESULT(maxDepth, db.limit(SQLITE_LIMIT_EXPR_DEPTH));
    const QString deep = u"SELECT "_s + u"1+("_s.repeated(5000) + u"1"_s + QString(5000, u')');
    QASYNCSQLITE_AWAIT_ERROR(depth, db.execute(deep), QAsyncSqliteOperationalError);
    QCOMPARE(depth.message(),
             growingParserStack ? u"Expression tree is too large (maximum depth %1)"_s.arg(maxDepth)
                                : u"parser stack overflow"_s);
    // Parentheses alone add no depth to the tree: on a growing stack 5000 of
    // them are just 1.
    const QString parenthesized = u"SELECT "_s + QString(5000, u'(') + u"1"_s + QString(5000, u')');
    if (growingParserStack) {
        QASYNCSQLITE_AWAIT_RESULT(one, db.execute(parenthesized));
        QCOMPARE(firstRow(one), (QVariantList{1LL}));
    } else {
        QASYNCSQLITE_AWAIT_ERROR(parser, db.execute(parenthesized), QAsyncSqliteOperationalError);
        QCOMPARE(parser.message(), u"parser stack overflow"_s);
    }
}

void tst_BadInput::corruptFiles_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QStringList>("allowed"); // error names an operation may end with
    // SQLITE_MISUSE: a request queued after a failed open() finished is
    // rejected as made on a closed connection.
    const QStringList notADb{u"SQLITE_NOTADB"_s, u"SQLITE_MISUSE"_s};
    // SQLITE_TOOBIG: a damaged record header can claim a value larger than
    // SQLite's length limit.
    const QStringList corrupt{u"SQLITE_CORRUPT"_s, u"SQLITE_NOTADB"_s, u"SQLITE_CORRUPT_INDEX"_s,
                              u"SQLITE_ERROR"_s,   u"SQLITE_MISUSE"_s, u"SQLITE_TOOBIG"_s};
    QTest::newRow("bad header magic") << u"magic"_s << notADb;
    QTest::newRow("bad page size") << u"pagesize"_s << notADb;
    QTest::newRow("flipped bytes in a table page") << u"page"_s << corrupt;
    QTest::newRow("zeroed schema page tail") << u"schema"_s << corrupt;
    QTest::newRow("truncated to half a page") << u"truncated"_s << corrupt;
    QTest::newRow("page count beyond the file") << u"pagecount"_s << corrupt;
    QTest::newRow("random bytes") << u"random"_s << notADb;
    QTest::newRow("ELF binary") << u"elf"_s << notADb;
}

void tst_BadInput::corruptFiles()
{
    // tests/auto/errors::notADatabase: a text file fails open() with NOTADB.
    // Damaged real databases: every request ends with a result or a typed
    // QAsyncSqliteDatabaseError subclass, and at least one of them reports
    // the damage; nothing crashes (ASan/UBSan builds run this too).
    QFETCH(QString, damage);
    QFETCH(QStringList, allowed);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    QByteArray bytes = makeDatabase(tmp.filePath(u"good.sqlite"_s));
    QVERIFY(bytes.size() >= 4 * 4096);
    QRandomGenerator rng(1234);
    if (damage == u"magic"_s) {
        bytes.replace(0, 16, QByteArray("Not SQLite fmt3\0", 16));
    } else if (damage == u"pagesize"_s) {
        bytes[16] = '\x03'; // 0x0301: not a power of two
        bytes[17] = '\x01';
    } else if (damage == u"page"_s) {
        for (int i = 0; i < 64; ++i)
            bytes[3 * 4096 + 8 + i] = char(bytes[3 * 4096 + 8 + i] ^ 0x5a);
    } else if (damage == u"schema"_s) {
        for (int i = 2048; i < 4096; ++i)
            bytes[i] = '\0';
        bytes[100 + 3] = '\x7f'; // cell count of the schema page
    } else if (damage == u"truncated"_s) {
        bytes.truncate(4096 + 2048);
    } else if (damage == u"pagecount"_s) {
        bytes[28] = '\x7f'; // in-header database size: far beyond the file
        bytes[92] = bytes[24]; // version-valid-for = change counter, so SQLite trusts it
        bytes[93] = bytes[25];
        bytes[94] = bytes[26];
        bytes[95] = bytes[27];
        bytes.truncate(4 * 4096);
    } else if (damage == u"random"_s) {
        for (char &c : bytes)
            c = char(rng.bounded(256));
    } else {
        QFile elf(QCoreApplication::applicationFilePath());
        QVERIFY(elf.open(QIODevice::ReadOnly));
        bytes = elf.read(64 * 1024);
    }
    QVERIFY(writeFile(tmp.path(), bytes));

    QStringList states;
    {
        QAsyncSqliteConnection db;
        QFuture<void> open = db.open(tmp.path(), {.busyTimeout = 0ms});
        QList<QFuture<QVariantList>> queries{
                db.execute(u"SELECT count(*) FROM sqlite_schema"_s),
                db.execute(u"SELECT * FROM t"_s),
                db.execute(u"SELECT name FROM t WHERE name > 'name 3' ORDER BY name"_s),
                db.execute(u"PRAGMA integrity_check"_s),
                db.execute(u"INSERT INTO t(name, data) VALUES('new', zeroblob(3000))"_s),
                db.execute(u"UPDATE t SET name = name || 'x'"_s),
        };
        QVERIFY(QAsyncSqliteTest::waitForFinished(open));
        states << terminalState(open);
        for (const auto &q : std::as_const(queries)) {
            QVERIFY(QAsyncSqliteTest::waitForFinished(q));
            states << terminalState(q);
        }
        // integrity_check reports damage as rows rather than an error.
        if (states.at(4) == u"result"_s) {
            const QString report = queries.at(3).result().value(0).toList().value(0).toString();
            if (report != u"ok"_s)
                states[4] = u"reported:"_s + report.left(40);
        }
        QFuture<void> rollback = db.rollback();
        QVERIFY(QAsyncSqliteTest::waitForFinished(rollback));
        QFuture<void> close = db.close();
        QVERIFY(QAsyncSqliteTest::waitForFinished(close));
        QCOMPARE(terminalState(close), u"result"_s);
    }
    qDebug() << damage << states;
    bool damageSeen = false;
    for (const QString &state : std::as_const(states)) {
        QVERIFY2(state == u"result"_s || state.startsWith(u"error:SQLITE_"_s) || state.startsWith(u"reported:"_s),
                 qPrintable(state));
        if (state.startsWith(u"error:"_s)) {
            const QString name = state.mid(6);
            QVERIFY2(allowed.contains(name), qPrintable(name));
            damageSeen = true;
        }
        damageSeen = damageSeen || state.startsWith(u"reported:"_s);
    }
    QVERIFY2(damageSeen, "the damage went unnoticed");
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_BadInput::randomByteFlips()
{
    // 1000 random byte flips in all: 200 copies of a database with 5 flips
    // each (a fixed seed, so a failure reproduces). Whatever SQLite makes
    // of them, every request ends with a result or a typed error.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    const QByteArray good = makeDatabase(tmp.filePath(u"good.sqlite"_s));
    QVERIFY(good.size() >= 4 * 4096);
    QRandomGenerator rng(20260101);
    int errors = 0, flips = 0;
    QMap<QString, int> histogram;
    for (int copy = 0; copy < 200; ++copy) {
        QByteArray bytes = good;
        for (int i = 0; i < 5; ++i, ++flips) {
            const auto at = qsizetype(rng.bounded(quint32(bytes.size())));
            bytes[at] = char(bytes[at] ^ char(1 + rng.bounded(255)));
        }
        const QString path = tmp.filePath(u"copy.sqlite"_s);
        QVERIFY(writeFile(path, bytes));
        QAsyncSqliteConnection db;
        QList<QFuture<void>> all;
        all << db.open(path, {.busyTimeout = 0ms});
        all << QFuture<void>(db.execute(u"SELECT * FROM t WHERE id % 7 = 0"_s));
        all << QFuture<void>(db.execute(u"SELECT count(*) FROM t WHERE name LIKE 'name 1%'"_s));
        all << QFuture<void>(db.execute(u"PRAGMA quick_check"_s));
        all << QFuture<void>(db.execute(u"DELETE FROM t WHERE id % 3 = 0"_s));
        all << db.commit();
        all << db.close();
        for (const auto &f : std::as_const(all)) {
            QVERIFY(QAsyncSqliteTest::waitForFinished(f));
            const QString state = terminalState(f);
            QVERIFY2(state == u"result"_s || state.startsWith(u"error:SQLITE_"_s), qPrintable(state));
            histogram[state]++;
            errors += state != u"result"_s;
        }
    }
    qDebug() << flips << "flips:" << histogram;
    QCOMPARE(flips, 1000);
    QVERIFY(errors > 0); // the corruption was noticed somewhere
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_BadInput::readOnlyFile()
{
    // A database file (and directory) without write permission, opened
    // ReadWriteCreate: SQLite falls back to read-only; reads work, writes
    // fail with a typed SQLITE_READONLY. Root ignores file permissions, so
    // as root the check runs in a child process (this executable) that
    // first drops to uid/gid 65534 (nobody).
    QAsyncSqliteTest::TemporaryDatabase tmp;
    makeDatabase(tmp.path());
    QFile::setPermissions(tmp.path(), QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
    QFile::setPermissions(tmp.directory(),
                          QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                  | QFile::ExeOther);
    auto restore = qScopeGuard([&] {
        QFile::setPermissions(tmp.directory(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile::setPermissions(tmp.path(), QFile::ReadOwner | QFile::WriteOwner);
    });
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(), {u"--readonly-child"_s, tmp.path()});
    QVERIFY(child.waitForStarted(20000));
    QVERIFY(child.waitForFinished(60000));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0); // the child's own checks passed
}

void tst_BadInput::uriOnlyWhenAsked_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("mode=ro") << u"file:x.db?mode=ro"_s;
    QTest::newRow("mode=memory") << u"file:y.db?mode=memory&cache=shared"_s;
    QTest::newRow("vfs") << u"file:z.db?vfs=nonexistent"_s;
}

void tst_BadInput::uriOnlyWhenAsked()
{
    // With uri = false a name that looks like a URI is a plain file name:
    // its parameters are not honoured and a file of that very name appears.
    QFETCH(QString, name);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(tmp.directory()));
    auto back = qScopeGuard([&] {
        QDir::setCurrent(previous);
    });
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(name));
        QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(v); INSERT INTO t VALUES(1);"_s)); // not read-only
        QASYNCSQLITE_AWAIT(db.close());
    }
    QVERIFY2(QFile::exists(tmp.filePath(name)), qPrintable(QDir(tmp.directory()).entryList().join(u", "_s)));
    const QString plain = name.mid(5, name.indexOf(u'?') - 5); // what the URI would have named
    QVERIFY(!QFile::exists(tmp.filePath(plain)));

    // With uri = true the parameters apply.
    if (name.contains(u"mode=ro"_s)) {
        QAsyncSqliteConnection missing;
        QASYNCSQLITE_AWAIT_ERROR(cantOpen, missing.open(name, {.uri = true}), QAsyncSqliteOperationalError);
        QCOMPARE(cantOpen.code(), SQLITE_CANTOPEN); // ro does not create
        {
            QAsyncSqliteConnection creator;
            QASYNCSQLITE_AWAIT(creator.open(plain));
            QASYNCSQLITE_AWAIT(creator.executeScript(u"CREATE TABLE t(v);"_s));
        }
        QAsyncSqliteConnection ro;
        QASYNCSQLITE_AWAIT(ro.open(name, {.uri = true}));
        QASYNCSQLITE_AWAIT_ERROR(readOnly, ro.execute(u"INSERT INTO t VALUES(1)"_s), QAsyncSqliteOperationalError);
        QCOMPARE(readOnly.code(), SQLITE_READONLY);
        QASYNCSQLITE_AWAIT(ro.rollback());
    } else if (name.contains(u"vfs="_s)) {
        QAsyncSqliteConnection noVfs;
        QASYNCSQLITE_AWAIT_ERROR(error, noVfs.open(name, {.uri = true}), QAsyncSqliteError);
        QVERIFY2(error.message().contains(u"vfs"_s), qPrintable(error.message()));
    } else {
        QAsyncSqliteConnection memory;
        QASYNCSQLITE_AWAIT(memory.open(name, {.uri = true}));
        QASYNCSQLITE_AWAIT(memory.execute(u"CREATE TABLE m(v)"_s));
        QASYNCSQLITE_AWAIT(memory.close());
        QVERIFY(!QFile::exists(tmp.filePath(plain))); // in memory, no file
    }
}

// The child of readOnlyFile(): returns 0 when every check passed.
static int readOnlyChild(int argc, char **argv)
{
    if (geteuid() == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0) {
            qCritical("cannot drop privileges");
            return 10;
        }
    }
    QCoreApplication app(argc, argv);
    const QString path = QString::fromLocal8Bit(argv[2]);
    auto check = [](bool ok, const char *what) {
        if (!ok)
            qCritical("readOnlyChild: %s", what);
        return ok;
    };
    QAsyncSqliteConnection db;
    if (!check(QAsyncSqliteTest::awaitSuccess(db.open(path)).isEmpty(), "open"))
        return 1;
    auto rows = db.execute(u"SELECT count(*) FROM t"_s);
    if (!check(QAsyncSqliteTest::awaitSuccess(rows).isEmpty() && rows.result().value(0).toList().value(0) == 400,
               "read"))
        return 2;
    std::optional<QAsyncSqliteOperationalError> error;
    if (!check(QAsyncSqliteTest::awaitError(db.execute(u"INSERT INTO t(name) VALUES('x')"_s), error).isEmpty(),
               "write did not fail with an OperationalError"))
        return 3;
    if (!check(error->code() == SQLITE_READONLY, qPrintable(u"write failed with "_s + error->errorName())))
        return 4;
    (void)QAsyncSqliteTest::awaitSuccess(db.rollback());
    // ReadWrite (no create) on the same file: the same fallback.
    QAsyncSqliteConnection rw;
    if (!check(QAsyncSqliteTest::awaitSuccess(rw.open(path, {.openMode = QAsyncSqlite::OpenMode::ReadWrite})).isEmpty(),
               "open ReadWrite"))
        return 5;
    std::optional<QAsyncSqliteOperationalError> ddl;
    if (!check(QAsyncSqliteTest::awaitError(rw.execute(u"CREATE TABLE u(v)"_s), ddl).isEmpty()
                       && ddl->code() == SQLITE_READONLY,
               "DDL"))
        return 6;
    // A new database in the read-only directory: SQLITE_CANTOPEN.
    QAsyncSqliteConnection fresh;
    std::optional<QAsyncSqliteOperationalError> cantOpen;
    if (!check(QAsyncSqliteTest::awaitError(fresh.open(path + u".new"_s), cantOpen).isEmpty()
                       && cantOpen->code() == SQLITE_CANTOPEN,
               "create in a read-only directory"))
        return 7;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && qstrcmp(argv[1], "--readonly-child") == 0)
        return readOnlyChild(argc, argv);
    QCoreApplication app(argc, argv);
    tst_BadInput test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_badinput.moc"
