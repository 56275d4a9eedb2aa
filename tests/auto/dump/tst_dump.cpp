// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "workerhold.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qprocess.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace {

// Debian's Python, whose sqlite3 module links the same libsqlite3 as we do.
const QString PythonPath = u"/usr/bin/python3"_s;

// Python's iterdump() of the database at \a path. JSON keeps statements that
// span several lines intact.
QStringList pythonDump(const QString &path, QString *error)
{
    QProcess python;
    python.start(PythonPath,
                 {u"-c"_s,
                  u"import json, sqlite3, sys\n"
                  "sys.stdout.write(json.dumps(list(sqlite3.connect(sys.argv[1]).iterdump())))"_s,
                  path});
    if (!python.waitForFinished(60000) || python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0) {
        *error = u"python failed: "_s + QString::fromUtf8(python.readAllStandardError()) + python.errorString();
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(python.readAllStandardOutput(), &parseError);
    if (!json.isArray()) {
        *error = u"bad python output: "_s + parseError.errorString();
        return {};
    }
    QStringList lines;
    for (const QJsonValue &line : json.array())
        lines.append(line.toString());
    return lines;
}

} // namespace

class tst_Dump : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matchesPython_data();
    void matchesPython();
    void restoreReproducesDump_data();
    void restoreReproducesDump();
    void singleQuoteInTableName();
    void cancelWhileQueued();
    void cancelWhileRunning();
    void failsAfterSomeLines();
    void closedConnection();

private:
    void addCases(bool restorableOnly);
};

void tst_Dump::initTestCase()
{
    QVERIFY2(QFile::exists(PythonPath), "the reference needs /usr/bin/python3 (apt-get install python3)");
}

void tst_Dump::addCases(bool restorableOnly)
{
    QTest::addColumn<QString>("script");

    QTest::newRow("empty") << QString();
    QTest::newRow("integers, text, NULL")
            << u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER);"
               "INSERT INTO t VALUES(1, 'one', NULL), (2, NULL, -9223372036854775808), (3, '', 0);"_s;
    QTest::newRow("double quotes in names")
            << u"CREATE TABLE \"we\"\"ird\"(\"col\"\"umn\" TEXT, \"it's\" INTEGER, \"sp ace\" REAL);"
               "INSERT INTO \"we\"\"ird\" VALUES('a\"b', 1, 2.5);"_s;
    QTest::newRow("keywords as names")
            << u"CREATE TABLE \"order\"(\"select\", \"from\");INSERT INTO \"order\" VALUES('where', 'group');"_s;
    QTest::newRow("single quotes in values")
            << u"CREATE TABLE q(v TEXT);INSERT INTO q VALUES('it''s'), ('''quoted'''), ('line1\nline2');"_s;
    QTest::newRow("reals") << u"CREATE TABLE r(x REAL, y);"
                              "INSERT INTO r VALUES(0.1, 1.0), (-2.5, 1e300), (3.0e-10, 123456789.123456789),"
                              "(1e16, -0.0), (2.2250738585072014e-308, 100);"_s;
    QTest::newRow("blobs")
            << u"CREATE TABLE b(data BLOB);"
               "INSERT INTO b VALUES(X'00FF10'), (X''), (X'0000'), (zeroblob(5)), (CAST('text' AS BLOB));"_s;
    QTest::newRow("unicode") << u"CREATE TABLE \"tàble ✓\"(\"naïve\" TEXT);"
                                "INSERT INTO \"tàble ✓\" VALUES('héllo wörld'), ('日本語'), ('emoji 😀 ok');"_s;
    QTest::newRow("autoincrement")
            << u"CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v);"
               "CREATE TABLE z(id INTEGER PRIMARY KEY AUTOINCREMENT, v);"
               "INSERT INTO a(v) VALUES('x'), ('y');INSERT INTO z(v) VALUES(1);DELETE FROM a WHERE v = 'y';"_s;
    QTest::newRow("index, view, trigger")
            << u"CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT UNIQUE, score REAL);"
               "CREATE TABLE log(msg TEXT);"
               "CREATE INDEX p_score ON p(score DESC);"
               "CREATE VIEW top AS SELECT name FROM p WHERE score > 1;"
               "CREATE TRIGGER p_ins AFTER INSERT ON p BEGIN INSERT INTO log VALUES('added ' || new.name); END;"
               "INSERT INTO p(name, score) VALUES('a', 1.5), ('b', 0.5);"_s;
    QTest::newRow("multi-line schema")
            << u"CREATE TABLE m(\n  a INTEGER NOT NULL DEFAULT 0, -- comment\n  b TEXT CHECK (b <> 'x')\n);"
               "INSERT INTO m VALUES(1, 'y');"_s;
    QTest::newRow("without rowid")
            << u"CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID;INSERT INTO w VALUES('b', 2), ('a', 1);"_s;
    QTest::newRow("analyze") << u"CREATE TABLE s(a, b);CREATE INDEX s_a ON s(a);"
                                "INSERT INTO s VALUES(1, 2), (1, 3), (2, 4);ANALYZE;"_s;
    QTest::newRow("many rows") << u"CREATE TABLE big(i INTEGER, t TEXT);"
                                  "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000) "
                                  "INSERT INTO big SELECT i, 'row ' || i FROM c;"_s;
    if (!restorableOnly) {
        // Python leaves generated columns out of the INSERTs: a dump that
        // does not restore, but the text must still match.
        QTest::newRow("generated column") << u"CREATE TABLE g(a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) STORED);"
                                             "INSERT INTO g(a) VALUES(21);"_s;
        // Python formats sqlite_sequence values with str(): floats, None and
        // bytes come out as Python literals.
        QString sequence;
        const QStringList values{u"1.5"_s,
                                 u"NULL"_s,
                                 u"1e20"_s,
                                 u"1e16"_s,
                                 u"1e15"_s,
                                 u"0.0001"_s,
                                 u"1e-05"_s,
                                 u"-3.0"_s,
                                 u"0.1"_s,
                                 u"X'00412722'"_s,
                                 u"X'27'"_s,
                                 u"'text'"_s,
                                 u"123456789012345678.0"_s,
                                 u"1e308 * 10"_s};
        for (qsizetype i = 0; i < values.size(); ++i) {
            sequence += u"CREATE TABLE s%1(id INTEGER PRIMARY KEY AUTOINCREMENT);"
                        "INSERT INTO s%1 DEFAULT VALUES;"
                        "UPDATE sqlite_sequence SET seq = %2 WHERE name = 's%1';"_s.arg(i)
                                .arg(values.at(i));
        }
        QTest::newRow("odd sqlite_sequence values") << sequence;
    }
}

void tst_Dump::matchesPython_data()
{
    addCases(false);
}

void tst_Dump::matchesPython()
{
    QFETCH(QString, script);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.executeScript(script));

    QFuture<QString> dump = db.iterDump();
    QASYNCSQLITE_AWAIT(dump);
    const QStringList ours = dump.results();

    QString error;
    const QStringList expected = pythonDump(tmp.path(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(expected.size() >= 2);
    QCOMPARE(ours, expected);
}

void tst_Dump::restoreReproducesDump_data()
{
    addCases(true);
}

void tst_Dump::restoreReproducesDump()
{
    QFETCH(QString, script);
    QAsyncSqliteConnection source;
    QASYNCSQLITE_AWAIT(source.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(source.executeScript(script));
    QFuture<QString> first = source.iterDump();
    QASYNCSQLITE_AWAIT(first);

    QAsyncSqliteConnection restored;
    QASYNCSQLITE_AWAIT(restored.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(restored.executeScript(first.results().join(u'\n')));
    QFuture<QString> second = restored.iterDump();
    QASYNCSQLITE_AWAIT(second);
    QCOMPARE(second.results(), first.results());
}

void tst_Dump::singleQuoteInTableName()
{
    // Python 3.11 fails on this database; the dump doubles the quote inside
    // string literals instead (as later Python versions do) so it restores.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.executeScript(
            u"CREATE TABLE \"it's\"(id INTEGER PRIMARY KEY AUTOINCREMENT, v);INSERT INTO \"it's\"(v) VALUES('x');"_s));
    QFuture<QString> dump = db.iterDump();
    QASYNCSQLITE_AWAIT(dump);
    const QStringList expected{
            u"BEGIN TRANSACTION;"_s,
            u"CREATE TABLE \"it's\"(id INTEGER PRIMARY KEY AUTOINCREMENT, v);"_s,
            u"INSERT INTO \"it's\" VALUES(1,'x');"_s,
            u"DELETE FROM \"sqlite_sequence\";"_s,
            u"INSERT INTO \"sqlite_sequence\" VALUES('it''s',1);"_s,
            u"COMMIT;"_s,
    };
    QCOMPARE(dump.results(), expected);

    QAsyncSqliteConnection restored;
    QASYNCSQLITE_AWAIT(restored.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(restored.executeScript(dump.results().join(u'\n')));
    QASYNCSQLITE_AWAIT_RESULT(rows, restored.execute(u"SELECT seq FROM sqlite_sequence WHERE name = 'it''s'"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{1LL}}));
}

void tst_Dump::cancelWhileQueued()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x)"_s));
    // Hold the worker so that the dump is still queued when canceled.
    WorkerHold hold(db);
    QFuture<QString> dump = db.iterDump();
    dump.cancel();
    hold.release();
    QASYNCSQLITE_AWAIT(hold.future());
    QVERIFY(QAsyncSqliteTest::waitForFinished(dump));
    QVERIFY(dump.isCanceled());
    QCOMPARE(dump.resultCount(), 0);
    // The next request is untouched.
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{0LL}}));
}

void tst_Dump::failsAfterSomeLines()
{
    // A dump that fails after delivering lines ends with the error, and the
    // lines already stored are freed (a QFutureInterfaceBase cannot free
    // them: LeakSanitizer checks this test in the asan run).
    constexpr int Rows = 20000;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.executeScript(
            u"CREATE TABLE big(i);WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %1) "
            "INSERT INTO big SELECT i FROM c;"_s.arg(Rows)));
    // The progress handler stops the dump once it has delivered lines.
    auto dumpHolder = std::make_shared<QFuture<QString>>();
    QASYNCSQLITE_AWAIT(db.setProgressHandler(
            [dumpHolder] {
                return dumpHolder->isValid() && dumpHolder->resultCount() > 0;
            },
            100));
    WorkerHold hold(db);
    *dumpHolder = db.iterDump(); // set before the worker can run the dump
    const QFuture<QString> dump = *dumpHolder;
    hold.release();
    QASYNCSQLITE_AWAIT(hold.future());
    QASYNCSQLITE_AWAIT_ERROR(error, dump, QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_INTERRUPT);
    QASYNCSQLITE_AWAIT(db.setProgressHandler({}, 0));
    dumpHolder.reset();
}

void tst_Dump::cancelWhileRunning()
{
    constexpr int Rows = 20000;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.executeScript(
            u"CREATE TABLE big(i);WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %1) "
            "INSERT INTO big SELECT i FROM c;"_s.arg(Rows)));

    // The progress handler runs on the worker while the dump steps: it
    // cancels the dump as soon as the first batch has been delivered.
    auto dumpHolder = std::make_shared<QFuture<QString>>();
    QASYNCSQLITE_AWAIT(db.setProgressHandler(
            [dumpHolder] {
                if (dumpHolder->isValid() && dumpHolder->resultCount() > 0)
                    dumpHolder->cancel();
                return 0;
            },
            100));
    WorkerHold hold(db);
    *dumpHolder = db.iterDump(); // set before the worker can run the dump
    const QFuture<QString> dump = *dumpHolder;
    hold.release();
    QASYNCSQLITE_AWAIT(hold.future());
    QVERIFY(QAsyncSqliteTest::waitForFinished(dump));
    QVERIFY(dump.isCanceled());
    QVERIFY(dump.resultCount() > 0);
    QVERIFY2(dump.resultCount() < Rows + 3, qPrintable(QString::number(dump.resultCount())));

    QASYNCSQLITE_AWAIT(db.setProgressHandler({}, 0));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT count(*) FROM big"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{qint64(Rows)}}));
}

void tst_Dump::closedConnection()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT_ERROR(neverOpened, db.iterDump(), QAsyncSqliteProgrammingError);
    QCOMPARE(neverOpened.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.close());
    QASYNCSQLITE_AWAIT_ERROR(closed, db.iterDump(), QAsyncSqliteProgrammingError);
    QCOMPARE(closed.code(), SQLITE_MISUSE);
}

QTEST_GUILESS_MAIN(tst_Dump)
#include "tst_dump.moc"
