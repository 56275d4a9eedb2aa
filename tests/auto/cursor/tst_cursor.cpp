// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// QAsyncSqliteCursor: DB-API fetching, metadata, close, and streaming with
// back-pressure (doc/cursors.md).
#include <QAsyncSqlite/QAsyncSqliteBlob>
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteRow>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qpointer.h>
#include <QtCore/qsemaphore.h>
#include <QtCore/qthread.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <numeric>
#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QVariantList intRows(int from, int to) // [[from], …, [to - 1]]
{
    QVariantList rows;
    for (int i = from; i < to; ++i)
        rows.append(QVariant(QVariantList{qint64(i)}));
    return rows;
}

template<typename T>
QString rejectedAtOnce(const QFuture<T> &future)
{
    if (!future.isFinished())
        return u"the future is pending instead of finished"_s;
    std::optional<QAsyncSqliteProgrammingError> error;
    return QAsyncSqliteTest::awaitError(future, error, 1s);
}

// The integers 0 … count-1, each selected as \a column (an expression of x).
QString seriesSql(int count, QStringView column = u"x")
{
    return u"WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x + 1 < %1) "
           "SELECT %2 FROM c WHERE x < %1"_s.arg(count)
                   .arg(column);
}

} // namespace

class tst_Cursor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void fetchOneManyAll();
    void cursorWithSql_data();
    void cursorWithSql();
    void fetchMany_data();
    void fetchMany();
    void description_data();
    void description();
    void rowCountAndLastRowId_data();
    void rowCountAndLastRowId();
    void executeManyOnCursor();
    void executeScriptOnCursor();
    void reExecuteReplacesStatement();
    void connectionAccessor();
    void callsAfterClose_data();
    void callsAfterClose();
    void cursorOfClosedConnection();
    void cursorBeforeOpen();
    void cursorAfterConnectionClosed();
    void stream_data();
    void stream();
    void streamBoundedReadAhead();
    void streamCancel();
    void streamConnectionClosed();
    void streamYieldsToOtherRequests();
    void cursorDeletedMidStream();
    void streamRowFactoryThrows();
    void cursorRowFactory();
    void iterChunkSizePerCursor();
    void interruptWhileIdle_data();
    void interruptWhileIdle();

private:
    std::unique_ptr<QAsyncSqliteConnection> m_db;
};

void tst_Cursor::init()
{
    m_db = std::make_unique<QAsyncSqliteConnection>();
    QASYNCSQLITE_AWAIT(m_db->open(u":memory:"_s,
                                  {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit, .iterChunkSize = 8}));
    QASYNCSQLITE_AWAIT(
            m_db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB);"
                                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) "
                                "INSERT INTO t(id, name, score, data) SELECT x, 'n' || x, x * 0.5, NULL FROM c;"_s));
}

void tst_Cursor::cleanup()
{
    m_db.reset();
}

void tst_Cursor::fetchOneManyAll()
{
    QAsyncSqliteCursor *c = m_db->cursor();
    QVERIFY(c);
    QCOMPARE(c->parent(), m_db.get());
    QCOMPARE(c->arraySize(), 1);
    QASYNCSQLITE_AWAIT(c->execute(u"SELECT id FROM t ORDER BY id"_s));
    QASYNCSQLITE_AWAIT_RESULT(one, c->fetchOne());
    QCOMPARE(one, QVariant(QVariantList{1LL}));
    QASYNCSQLITE_AWAIT_RESULT(many, c->fetchMany()); // arraySize 1
    QCOMPARE(many, intRows(2, 3));
    QASYNCSQLITE_AWAIT_RESULT(three, c->fetchMany(3));
    QCOMPARE(three, intRows(3, 6));
    QASYNCSQLITE_AWAIT_RESULT(rest, c->fetchAll());
    QCOMPARE(rest, intRows(6, 11));
    QASYNCSQLITE_AWAIT_RESULT(end, c->fetchOne());
    QVERIFY(!end.isValid());
    QASYNCSQLITE_AWAIT_RESULT(none, c->fetchAll());
    QVERIFY(none.isEmpty());
    QASYNCSQLITE_AWAIT_RESULT(noneMany, c->fetchMany(5));
    QVERIFY(noneMany.isEmpty());
    // Queued without awaiting: FIFO order still holds.
    QASYNCSQLITE_AWAIT(c->execute(u"SELECT id FROM t WHERE id > ? ORDER BY id"_s, {8}));
    auto a = c->fetchOne();
    auto b = c->fetchOne();
    auto d = c->fetchOne();
    QASYNCSQLITE_AWAIT(d);
    QCOMPARE(a.result(), QVariant(QVariantList{9LL}));
    QCOMPARE(b.result(), QVariant(QVariantList{10LL}));
    QVERIFY(!d.result().isValid());
}

void tst_Cursor::cursorWithSql_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("params");
    QTest::addColumn<QVariantList>("expected");
    QTest::newRow("no params") << u"SELECT id FROM t WHERE id <= 3 ORDER BY id"_s << QVariantList() << intRows(1, 4);
    QTest::newRow("params") << u"SELECT id FROM t WHERE id BETWEEN ? AND ? ORDER BY id"_s << QVariantList{4, 6}
                            << intRows(4, 7);
    QTest::newRow("empty") << u"SELECT id FROM t WHERE id > 100"_s << QVariantList() << QVariantList();
}

void tst_Cursor::cursorWithSql()
{
    QFETCH(QString, sql);
    QFETCH(QVariantList, params);
    QFETCH(QVariantList, expected);
    QAsyncSqliteCursor *c = m_db->cursor(sql, params);
    QASYNCSQLITE_AWAIT_RESULT(rows, c->fetchAll());
    QCOMPARE(rows, expected);
}

void tst_Cursor::fetchMany_data()
{
    QTest::addColumn<int>("arraySize");
    QTest::addColumn<int>("size");
    QTest::addColumn<QList<int>>("batches"); // sizes of consecutive fetchMany() results
    QTest::newRow("default") << 0 << -1 << QList<int>{1, 1, 1};
    QTest::newRow("arraySize 4") << 4 << -1 << QList<int>{4, 4, 2, 0};
    QTest::newRow("explicit 3") << 0 << 3 << QList<int>{3, 3, 3, 1, 0};
    QTest::newRow("explicit overrides arraySize") << 5 << 2 << QList<int>{2, 2, 2, 2, 2, 0};
    QTest::newRow("bigger than result") << 0 << 100 << QList<int>{10, 0};
    // Python 3.11's fetchmany(0) returns every remaining row (its loop stops
    // when the count reaches the size, which 0 never does).
    QTest::newRow("zero means all") << 0 << 0 << QList<int>{10, 0};
    QTest::newRow("arraySize clamps to 1") << -3 << -1 << QList<int>{1, 1};
}

void tst_Cursor::fetchMany()
{
    QFETCH(int, arraySize);
    QFETCH(int, size);
    QFETCH(QList<int>, batches);
    QAsyncSqliteCursor *c = m_db->cursor(u"SELECT id FROM t ORDER BY id"_s);
    if (arraySize != 0) {
        c->setArraySize(arraySize);
        QCOMPARE(c->arraySize(), qMax(1, arraySize));
    } else {
        QCOMPARE(c->arraySize(), 1);
    }
    int next = 1;
    for (int expected : batches) {
        QASYNCSQLITE_AWAIT_RESULT(rows, c->fetchMany(size));
        QCOMPARE(rows.size(), expected);
        QCOMPARE(rows, intRows(next, next + expected));
        next += expected;
    }
}

void tst_Cursor::description_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QList<QAsyncSqliteColumn>>("expected");
    QTest::newRow("table") << u"SELECT id, name, score, data FROM t"_s
                           << QList<QAsyncSqliteColumn>{{u"id"_s, u"INTEGER"_s},
                                                        {u"name"_s, u"TEXT"_s},
                                                        {u"score"_s, u"REAL"_s},
                                                        {u"data"_s, u"BLOB"_s}};
    QTest::newRow("aliases and expressions")
            << u"SELECT id AS key, id + 1 AS next, 'x' FROM t"_s
            << QList<QAsyncSqliteColumn>{{u"key"_s, u"INTEGER"_s}, {u"next"_s, QString()}, {u"'x'"_s, QString()}};
    QTest::newRow("empty result keeps columns")
            << u"SELECT name FROM t WHERE 0"_s << QList<QAsyncSqliteColumn>{{u"name"_s, u"TEXT"_s}};
    QTest::newRow("DML has none") << u"UPDATE t SET score = score"_s << QList<QAsyncSqliteColumn>{};
}

void tst_Cursor::description()
{
    QFETCH(QString, sql);
    QFETCH(QList<QAsyncSqliteColumn>, expected);
    QAsyncSqliteCursor *c = m_db->cursor();
    QVERIFY(c->description().isEmpty());
    QASYNCSQLITE_AWAIT(c->execute(sql));
    const QList<QAsyncSqliteColumn> columns = c->description();
    QCOMPARE(columns.size(), expected.size());
    for (qsizetype i = 0; i < columns.size(); ++i) {
        QCOMPARE(columns.at(i).name, expected.at(i).name);
        QCOMPARE(columns.at(i).declaredType, expected.at(i).declaredType);
    }
}

void tst_Cursor::rowCountAndLastRowId_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("params");
    QTest::addColumn<qint64>("rowCount");
    QTest::addColumn<qint64>("lastRowId"); // -1: not checked
    QTest::newRow("insert") << u"INSERT INTO t(id, name) VALUES(?, ?)"_s << QVariantList{42, u"x"_s} << 1LL << 42LL;
    QTest::newRow("insert select") << u"INSERT INTO t(name) SELECT name FROM t WHERE id <= 3"_s << QVariantList() << 3LL
                                   << 13LL;
    QTest::newRow("update") << u"UPDATE t SET score = 0 WHERE id > ?"_s << QVariantList{7} << 3LL << -1LL;
    QTest::newRow("update none") << u"UPDATE t SET score = 0 WHERE id > 100"_s << QVariantList() << 0LL << -1LL;
    QTest::newRow("delete") << u"DELETE FROM t WHERE id % 2 = 0"_s << QVariantList() << 5LL << -1LL;
    QTest::newRow("replace") << u"REPLACE INTO t(id, name) VALUES(1, 'r')"_s << QVariantList() << 1LL << 1LL;
    QTest::newRow("select") << u"SELECT * FROM t"_s << QVariantList() << -1LL << -1LL;
    QTest::newRow("ddl") << u"CREATE TABLE u(x)"_s << QVariantList() << -1LL << -1LL;
}

void tst_Cursor::rowCountAndLastRowId()
{
    QFETCH(QString, sql);
    QFETCH(QVariantList, params);
    QFETCH(qint64, rowCount);
    QFETCH(qint64, lastRowId);
    QAsyncSqliteCursor *c = m_db->cursor();
    QCOMPARE(c->rowCount(), -1);
    QASYNCSQLITE_AWAIT(c->execute(sql, params));
    QCOMPARE(c->rowCount(), rowCount);
    if (lastRowId >= 0)
        QCOMPARE(c->lastRowId(), lastRowId);
}

void tst_Cursor::executeManyOnCursor()
{
    QAsyncSqliteCursor *c = m_db->cursor();
    QASYNCSQLITE_AWAIT(c->executeMany(u"INSERT INTO t(name) VALUES(?)"_s, {{u"a"_s}, {u"b"_s}, {u"c"_s}}));
    QCOMPARE(c->rowCount(), 3);
    QVERIFY(c->description().isEmpty());
    QASYNCSQLITE_AWAIT(c->executeMany(u"UPDATE t SET score = ? WHERE id <= ?"_s, {{1.0, 2}, {2.0, 5}}));
    QCOMPARE(c->rowCount(), 7); // 2 + 5
    QASYNCSQLITE_AWAIT_ERROR(error, c->executeMany(u"SELECT ?"_s, {{1}}), QAsyncSqliteProgrammingError);
    Q_UNUSED(error);
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{13LL}}));
}

void tst_Cursor::executeScriptOnCursor()
{
    QAsyncSqliteCursor *c = m_db->cursor(u"SELECT id FROM t ORDER BY id"_s);
    QASYNCSQLITE_AWAIT_RESULT(first, c->fetchOne());
    QASYNCSQLITE_AWAIT(c->executeScript(u"CREATE TABLE s(x); INSERT INTO s VALUES(1); INSERT INTO s VALUES(2);"_s));
    // As Python's Cursor.executescript(): the cursor's own query goes on
    // where it was (Python 3.11 fetches the rest after a script too).
    QASYNCSQLITE_AWAIT_RESULT(rows, c->fetchAll());
    QCOMPARE(rows, intRows(2, 11));
    QCOMPARE(c->description().size(), 1);
    QASYNCSQLITE_AWAIT(c->execute(u"SELECT sum(x) FROM s"_s));
    QASYNCSQLITE_AWAIT_RESULT(sum, c->fetchOne());
    QCOMPARE(sum, QVariant(QVariantList{3LL}));
    QASYNCSQLITE_AWAIT_ERROR(error, c->executeScript(u"CREATE TABLE s(x);"_s), QAsyncSqliteOperationalError);
    QVERIFY(error.message().contains(u"already exists"_s));
}

void tst_Cursor::reExecuteReplacesStatement()
{
    QAsyncSqliteCursor *c = m_db->cursor(u"SELECT id FROM t ORDER BY id"_s);
    QASYNCSQLITE_AWAIT_RESULT(first, c->fetchOne());
    QCOMPARE(first, QVariant(QVariantList{1LL}));
    QASYNCSQLITE_AWAIT(c->execute(u"SELECT name FROM t WHERE id = 5"_s));
    QASYNCSQLITE_AWAIT_RESULT(rows, c->fetchAll());
    QCOMPARE(rows, (QVariantList{QVariantList{u"n5"_s}}));
    QASYNCSQLITE_AWAIT(c->execute(u"SELECT :a + :b"_s, QVariantMap{{u"a"_s, 2}, {u"b"_s, 3}}));
    QASYNCSQLITE_AWAIT_RESULT(named, c->fetchOne());
    QCOMPARE(named, QVariant(QVariantList{5LL}));
    QASYNCSQLITE_AWAIT_ERROR(error, c->execute(u"SELECT nope FROM t"_s), QAsyncSqliteOperationalError);
    Q_UNUSED(error);
    // A failed execute leaves a usable cursor with nothing to fetch.
    QASYNCSQLITE_AWAIT_RESULT(after, c->fetchAll());
    QVERIFY(after.isEmpty());
}

void tst_Cursor::connectionAccessor()
{
    QAsyncSqliteCursor *c = m_db->cursor();
    QCOMPARE(c->connection(), m_db.get());
}

void tst_Cursor::callsAfterClose_data()
{
    QTest::addColumn<QString>("operation");
    for (const char *op :
         {"execute", "executeNamed", "executeMany", "executeScript", "fetchOne", "fetchMany", "fetchAll", "stream"}) {
        QTest::newRow(op) << QString::fromLatin1(op);
    }
}

void tst_Cursor::callsAfterClose()
{
    QFETCH(QString, operation);
    QAsyncSqliteCursor *c = m_db->cursor(u"UPDATE t SET score = score"_s);
    QASYNCSQLITE_AWAIT(c->close());
    QCOMPARE(c->rowCount(), 10);
    QFuture<void> again = c->close(); // idempotent
    QVERIFY(again.isFinished());
    // An execute must still set rowCount() to -1 in its place in the queue
    // (as Python does): it is rejected once that happened, not at once.
    const auto rejectedInTurn = [c](const QFuture<void> &future) {
        std::optional<QAsyncSqliteProgrammingError> error;
        const QString failure = QAsyncSqliteTest::awaitError(future, error);
        if (failure.isEmpty() && c->rowCount() != -1)
            return u"rowCount() is %1, not -1"_s.arg(c->rowCount());
        return failure.isEmpty() && error->message() != u"Cannot operate on a closed cursor."_s ? error->message()
                                                                                                : failure;
    };
    const QHash<QString, std::function<QString()>> calls = {
            {u"execute"_s,
             [=] {
                 return rejectedInTurn(c->execute(u"SELECT 1"_s));
             }},
            {u"executeNamed"_s,
             [=] {
                 return rejectedInTurn(c->execute(u"SELECT :a"_s, QVariantMap{{u"a"_s, 1}}));
             }},
            {u"executeMany"_s,
             [=] {
                 return rejectedInTurn(c->executeMany(u"INSERT INTO t(name) VALUES(?)"_s, {{1}}));
             }},
            {u"executeScript"_s,
             [c] {
                 return rejectedAtOnce(c->executeScript(u"SELECT 1;"_s));
             }},
            {u"fetchOne"_s,
             [c] {
                 return rejectedAtOnce(c->fetchOne());
             }},
            {u"fetchMany"_s,
             [c] {
                 return rejectedAtOnce(c->fetchMany(2));
             }},
            {u"fetchAll"_s,
             [c] {
                 return rejectedAtOnce(c->fetchAll());
             }},
            {u"stream"_s,
             [c] {
                 return rejectedAtOnce(c->stream());
             }},
    };
    QVERIFY(calls.contains(operation));
    QCOMPARE(calls.value(operation)(), QString());
    // Nothing ran: the table is unchanged.
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{10LL}}));
}

void tst_Cursor::cursorOfClosedConnection()
{
    QASYNCSQLITE_AWAIT(m_db->close());
    QAsyncSqliteCursor *c = m_db->cursor();
    QVERIFY(c);
    QCOMPARE(rejectedAtOnce(c->execute(u"SELECT 1"_s)), QString());
    QCOMPARE(rejectedAtOnce(c->fetchAll()), QString());
    QCOMPARE(rejectedAtOnce(c->stream()), QString());
    QAsyncSqliteCursor *withSql = m_db->cursor(u"SELECT 1"_s);
    QCOMPARE(rejectedAtOnce(withSql->fetchOne()), QString());
}

void tst_Cursor::cursorBeforeOpen()
{
    QAsyncSqliteConnection db;
    QAsyncSqliteCursor *c = db.cursor();
    QCOMPARE(c->parent(), &db);
    QCOMPARE(rejectedAtOnce(c->execute(u"SELECT 1"_s)), QString());
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    // A cursor made while the connection was closed stays unusable; a new one works.
    QCOMPARE(rejectedAtOnce(c->fetchAll()), QString());
    QAsyncSqliteCursor *fresh = db.cursor(u"SELECT 7"_s);
    QASYNCSQLITE_AWAIT_RESULT(rows, fresh->fetchAll());
    QCOMPARE(rows, (QVariantList{QVariantList{7LL}}));
}

void tst_Cursor::cursorAfterConnectionClosed()
{
    QAsyncSqliteCursor *c = m_db->cursor(u"SELECT id FROM t ORDER BY id"_s);
    QASYNCSQLITE_AWAIT_RESULT(first, c->fetchOne());
    QCOMPARE(first, QVariant(QVariantList{1LL}));
    QASYNCSQLITE_AWAIT(m_db->close());
    QCOMPARE(rejectedAtOnce(c->fetchAll()), QString());
    QCOMPARE(rejectedAtOnce(c->execute(u"SELECT 1"_s)), QString());
    // After a reopen the old cursor still refuses (its session is over).
    QASYNCSQLITE_AWAIT(m_db->open(u":memory:"_s));
    QCOMPARE(rejectedAtOnce(c->fetchOne()), QString());
}

void tst_Cursor::stream_data()
{
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("chunkSize");
    QTest::newRow("empty") << 0 << 4;
    QTest::newRow("one") << 1 << 4;
    QTest::newRow("exact chunks") << 64 << 16;
    QTest::newRow("partial last") << 100 << 7;
    QTest::newRow("chunk 1") << 20 << 1;
    QTest::newRow("many") << 5000 << 64;
}

void tst_Cursor::stream()
{
    QFETCH(int, total);
    QFETCH(int, chunkSize);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.iterChunkSize = chunkSize}));
    QAsyncSqliteCursor *c = db.cursor();
    QASYNCSQLITE_AWAIT(c->execute(seriesSql(total)));
    QList<QVariantList> chunks;
    QList<QPair<QAsyncSqliteCursor *, QVariantList>> connectionChunks;
    int finished = 0;
    bool finishedAfterRows = true;
    connect(c, &QAsyncSqliteCursor::rowsReady, this, [&](const QVariantList &rows) {
        chunks.append(rows);
        if (finished)
            finishedAfterRows = false;
    });
    connect(c, &QAsyncSqliteCursor::finished, this, [&] {
        ++finished;
    });
    connect(&db, &QAsyncSqliteConnection::rowsReady, this, [&](QAsyncSqliteCursor *cursor, const QVariantList &rows) {
        connectionChunks.append({cursor, rows});
    });
    QFuture<void> streamed = c->stream();
    QASYNCSQLITE_AWAIT(streamed);
    QTRY_COMPARE(finished, 1);
    QVariantList all;
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        if (i + 1 < chunks.size())
            QCOMPARE(chunks.at(i).size(), chunkSize);
        else
            QVERIFY(chunks.at(i).size() >= 1 && chunks.at(i).size() <= chunkSize);
        all += chunks.at(i);
    }
    QCOMPARE(chunks.size(), (total + chunkSize - 1) / chunkSize);
    QCOMPARE(all, intRows(0, total));
    QVERIFY(finishedAfterRows);
    QCOMPARE(connectionChunks.size(), chunks.size());
    for (qsizetype i = 0; i < connectionChunks.size(); ++i) {
        QCOMPARE(connectionChunks.at(i).first, c);
        QCOMPARE(connectionChunks.at(i).second, chunks.at(i));
    }
    // Exactly once, even later.
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 1"_s));
    QCoreApplication::processEvents();
    QCOMPARE(finished, 1);
    // The stream consumed the cursor.
    QASYNCSQLITE_AWAIT_RESULT(rest, c->fetchAll());
    QVERIFY(rest.isEmpty());
}

void tst_Cursor::streamBoundedReadAhead()
{
    const int total = 3000;
    const int chunkSize = 10;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.iterChunkSize = chunkSize}));
    // stepped() counts the rows SQLite produced on the worker.
    auto stepped = std::make_shared<std::atomic<qint64>>(0);
    QASYNCSQLITE_AWAIT(db.createFunction(u"stepped"_s, 1, [stepped](const QVariantList &args) {
        stepped->fetch_add(1);
        return args.value(0);
    }));
    QAsyncSqliteCursor *c = db.cursor(seriesSql(total, u"stepped(x)"));
    qint64 consumed = 0;
    qint64 maxAhead = 0;
    int chunks = 0;
    connect(c, &QAsyncSqliteCursor::rowsReady, this, [&](const QVariantList &rows) {
        // Rows produced but not yet consumed, counting this chunk as pending.
        maxAhead = qMax(maxAhead, stepped->load() - consumed);
        QThread::usleep(500); // a slow consumer
        consumed += rows.size();
        ++chunks;
    });
    QFuture<void> streamed = c->stream();
    QASYNCSQLITE_AWAIT(streamed);
    QTRY_COMPARE(consumed, qint64(total));
    QCOMPARE(chunks, total / chunkSize);
    // MaxChunksInFlight chunks waiting, one being built, one row of look-ahead:
    // a small bound, far below the result size.
    QVERIFY2(maxAhead <= 8 * chunkSize, qPrintable(u"read ahead %1 rows"_s.arg(maxAhead)));
}

void tst_Cursor::streamCancel()
{
    const int total = 100000;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.iterChunkSize = 16}));
    QAsyncSqliteCursor *c = db.cursor();
    QASYNCSQLITE_AWAIT(c->execute(seriesSql(total)));
    QVariantList received;
    int finished = 0;
    QFuture<void> streamed;
    connect(c, &QAsyncSqliteCursor::rowsReady, this, [&](const QVariantList &rows) {
        received += rows;
        streamed.cancel(); // after the first chunk (and for any later in flight)
    });
    connect(c, &QAsyncSqliteCursor::finished, this, [&] {
        ++finished;
    });
    streamed = c->stream();
    QVERIFY(QAsyncSqliteTest::waitForFinished(streamed));
    QVERIFY(streamed.isCanceled());
    // The connection is usable, and the requests queued after run normally.
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 5"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{5LL}}));
    QCoreApplication::processEvents();
    QVERIFY(!received.isEmpty());
    QVERIFY2(received.size() < total, qPrintable(QString::number(received.size())));
    QCOMPARE(finished, 0);
    // Stepping stopped where the stream did: between chunks the rest is
    // still there, in order; inside a chunk the statement was interrupted.
    // Either way nothing is delivered twice or out of order.
    QASYNCSQLITE_AWAIT_RESULT(rest, c->fetchAll());
    const QVariantList seen = received + rest;
    QVERIFY(seen.size() == total || rest.isEmpty());
    QCOMPARE(seen, intRows(0, int(seen.size())));
    // A new stream works after a canceled one.
    QASYNCSQLITE_AWAIT(c->execute(seriesSql(40)));
    disconnect(c, &QAsyncSqliteCursor::rowsReady, this, nullptr);
    QVariantList again;
    connect(c, &QAsyncSqliteCursor::rowsReady, this, [&](const QVariantList &r) {
        again += r;
    });
    QASYNCSQLITE_AWAIT(c->stream());
    QTRY_COMPARE(finished, 1);
    QCOMPARE(again, intRows(0, 40));
}

void tst_Cursor::streamConnectionClosed()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.iterChunkSize = 4}));
    QAsyncSqliteCursor *c = db.cursor();
    QASYNCSQLITE_AWAIT(c->execute(seriesSql(100000)));
    int finished = 0;
    connect(c, &QAsyncSqliteCursor::finished, this, [&] {
        ++finished;
    });
    // No event loop between: the stream fills its read-ahead and parks.
    QFuture<void> streamed = c->stream();
    QFuture<void> closed = db.close();
    QASYNCSQLITE_AWAIT(closed);
    QVERIFY(QAsyncSqliteTest::waitForFinished(streamed));
    QASYNCSQLITE_AWAIT_ERROR(error, streamed, QAsyncSqliteError);
    QVERIFY(!error.message().isEmpty());
    QCoreApplication::processEvents();
    QCOMPARE(finished, 0);
    QCOMPARE(rejectedAtOnce(c->fetchAll()), QString());
}

void tst_Cursor::streamYieldsToOtherRequests()
{
    // A request queued while a stream runs does not wait for the whole result
    // when the consumer keeps up (the stream never parks): it runs at the next
    // chunk, as it would between aiosqlite's per-chunk fetches.
    const int total = 20000;
    const int chunkSize = 100;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.iterChunkSize = chunkSize}));
    auto stepped = std::make_shared<std::atomic<qint64>>(0);
    auto queued = std::make_shared<QSemaphore>();
    QASYNCSQLITE_AWAIT(db.createFunction(u"stepped"_s, 1, [stepped, queued](const QVariantList &args) {
        // In the second chunk, wait until the consumer has queued its request.
        if (stepped->fetch_add(1) == chunkSize + chunkSize / 2)
            queued->acquire();
        return args.value(0);
    }));
    QASYNCSQLITE_AWAIT(db.createFunction(u"steppedSoFar"_s, 0, [stepped](const QVariantList &) {
        return QVariant(stepped->load());
    }));
    QAsyncSqliteCursor *c = db.cursor(seriesSql(total, u"stepped(x)"));
    QFuture<QVariantList> other;
    qint64 consumed = 0;
    connect(c, &QAsyncSqliteCursor::rowsReady, this, [&](const QVariantList &rows) {
        if (consumed == 0) {
            other = db.execute(u"SELECT steppedSoFar()"_s);
            queued->release();
        }
        consumed += rows.size();
    });
    QFuture<void> streamed = c->stream();
    QASYNCSQLITE_AWAIT(streamed);
    QTRY_COMPARE(consumed, qint64(total));
    QASYNCSQLITE_AWAIT_RESULT(rows, other);
    const qint64 seen = rows.value(0).toList().value(0).toLongLong();
    QVERIFY2(seen > 0 && seen <= 3 * chunkSize + 1,
             qPrintable(u"the request ran after %1 of %2 streamed rows"_s.arg(seen).arg(total)));
}

void tst_Cursor::cursorDeletedMidStream()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.iterChunkSize = 4}));
    QPointer<QAsyncSqliteCursor> c = db.cursor();
    QASYNCSQLITE_AWAIT(c->execute(seriesSql(10000)));
    int chunks = 0;
    int orphanChunks = 0;
    connect(c, &QAsyncSqliteCursor::rowsReady, this, [&] {
        if (++chunks == 2)
            delete c.data();
    });
    bool danglingCursor = false;
    connect(&db, &QAsyncSqliteConnection::rowsReady, this, [&](QAsyncSqliteCursor *cursor, const QVariantList &) {
        if (!cursor)
            ++orphanChunks;
        else if (cursor != c.data())
            danglingCursor = true; // the connection signal named a deleted cursor
    });
    QFuture<void> streamed = c->stream();
    QVERIFY(QAsyncSqliteTest::waitForFinished(streamed));
    QTRY_VERIFY(c.isNull());
    QCOMPARE(chunks, 2);
    // The stream ended (with an error or canceled), it did not run to the end.
    QVERIFY(streamed.isCanceled());
    // The connection is fine afterwards.
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1"_s));
    QCOMPARE(rows.size(), 1);
    QVERIFY(orphanChunks < 10000 / 4);
    QVERIFY(!danglingCursor);
}

void tst_Cursor::streamRowFactoryThrows()
{
    // A row factory may throw anything: the stream ends with that exception
    // (it does not hang), and the cursor can stream again.
    m_db->setRowFactory([](const QAsyncSqliteRow &row) -> QVariant {
        if (row.value(0).toLongLong() == 3)
            throw std::runtime_error("no threes");
        return row.toList();
    });
    QAsyncSqliteCursor *c = m_db->cursor(u"SELECT id FROM t ORDER BY id"_s);
    const QFuture<void> streamed = c->stream();
    QVERIFY(QAsyncSqliteTest::waitForFinished(streamed, 5s));
    try {
        QFuture<void>(streamed).waitForFinished();
        QFAIL("the stream succeeded");
    } catch (const std::runtime_error &e) {
        QCOMPARE(e.what(), "no threes");
    }
    m_db->setRowFactory(QAsyncSqlite::RowFactory::Tuple);
    QSignalSpy rows(c, &QAsyncSqliteCursor::rowsReady);
    QASYNCSQLITE_AWAIT(c->execute(u"SELECT id FROM t WHERE id > 8 ORDER BY id"_s));
    QASYNCSQLITE_AWAIT(c->stream());
    QTRY_COMPARE(rows.size(), 1);
    QCOMPARE(rows.first().first().toList(), intRows(9, 11));
}

void tst_Cursor::interruptWhileIdle_data()
{
    QTest::addColumn<QString>("active"); // what stays active between requests
    QTest::newRow("half-read cursor") << u"cursor"_s;
    QTest::newRow("parked stream") << u"stream"_s;
    QTest::newRow("open blob") << u"blob"_s;
}

void tst_Cursor::interruptWhileIdle()
{
    // interrupt() stops the request running now; with none running it does
    // nothing. SQLite's own sqlite3_interrupt() would instead fail every
    // statement started until all active ones end, and a cursor, stream or
    // blob keeps one active between requests.
    QFETCH(QString, active);
    QAsyncSqliteCursor *c = m_db->cursor();
    std::unique_ptr<QAsyncSqliteBlob> blob;
    QFuture<void> streamed;
    if (active == u"blob") {
        QASYNCSQLITE_AWAIT(m_db->execute(u"UPDATE t SET data = zeroblob(4) WHERE id = 1"_s));
        QASYNCSQLITE_AWAIT_RESULT(opened, m_db->blobOpen(u"t"_s, u"data"_s, 1));
        blob.reset(opened);
    } else {
        QASYNCSQLITE_AWAIT(c->execute(seriesSql(1000)));
        if (active == u"cursor") {
            QASYNCSQLITE_AWAIT(c->fetchOne());
        } else {
            // No event loop until the stream has filled its read-ahead and parked.
            streamed = c->stream();
            m_db->run([](sqlite3 *) {}).waitForFinished();
            QVERIFY(!streamed.isFinished());
        }
    }
    m_db->interrupt();
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT 1"_s));
    QCOMPARE(rows, QVariantList{QVariant(QVariantList{1LL})});
    if (active == u"blob") {
        QASYNCSQLITE_AWAIT_RESULT(data, blob->read());
        QCOMPARE(data, QByteArray(4, '\0'));
    } else if (active == u"cursor") {
        QASYNCSQLITE_AWAIT_RESULT(rest, c->fetchAll());
        QCOMPARE(rest.size(), 999);
    } else {
        QASYNCSQLITE_AWAIT(streamed);
    }
}

void tst_Cursor::cursorRowFactory()
{
    // Python's Cursor.row_factory: the cursor's own, overriding the
    // connection's, read at each fetch. Here "at each fetch" is at the time
    // the fetch is queued, as the connection's settings apply in FIFO order.
    m_db->setRowFactory(QAsyncSqlite::RowFactory::Map);
    QAsyncSqliteCursor *c = m_db->cursor(u"SELECT id FROM t ORDER BY id"_s);
    QCOMPARE(c->rowFactory(), QAsyncSqlite::RowFactory::Map); // the connection's at creation
    m_db->setRowFactory(QAsyncSqlite::RowFactory::Tuple);
    QCOMPARE(c->rowFactory(), QAsyncSqlite::RowFactory::Map); // and only then
    QSignalSpy changed(c, &QAsyncSqliteCursor::rowFactoryChanged);
    const QFuture<QVariant> asMap = c->fetchOne();
    c->setRowFactory(QAsyncSqlite::RowFactory::Row); // set between two queued fetches
    const QFuture<QVariant> asRow = c->fetchOne();
    c->setRowFactory(QAsyncSqlite::RowFactory::Row); // unchanged: no signal
    QCOMPARE(changed.size(), 1);
    QASYNCSQLITE_AWAIT_RESULT(first, asMap);
    QCOMPARE(first, QVariant(QVariantMap{{u"id"_s, 1LL}}));
    QASYNCSQLITE_AWAIT_RESULT(second, asRow);
    QCOMPARE(second.metaType(), QMetaType::fromType<QAsyncSqliteRow>());
    QCOMPARE(second.value<QAsyncSqliteRow>().value(u"ID"_s), QVariant(2LL));
    // The connection's requests keep the connection's factory.
    QASYNCSQLITE_AWAIT_RESULT(plain, m_db->execute(u"SELECT 7"_s));
    QCOMPARE(plain, QVariantList{QVariant(QVariantList{7LL})});

    // A callable, on the worker; streamed rows are shaped by it too.
    c->setRowFactory([](const QAsyncSqliteRow &row) {
        return QVariant(row.value(0).toLongLong() * 100);
    });
    QCOMPARE(changed.size(), 2);
    QVERIFY(c->rowFactoryFunction());
    QCOMPARE(c->rowFactory(), QAsyncSqlite::RowFactory::Tuple);
    QASYNCSQLITE_AWAIT_RESULT(callable, c->fetchMany(2));
    QCOMPARE(callable, (QVariantList{300LL, 400LL}));
    QVariantList streamed;
    connect(c, &QAsyncSqliteCursor::rowsReady, this, [&](const QVariantList &rows) {
        streamed += rows;
    });
    QASYNCSQLITE_AWAIT(c->stream());
    QTRY_COMPARE(streamed, (QVariantList{500LL, 600LL, 700LL, 800LL, 900LL, 1000LL}));
    // An empty function restores Tuple.
    c->setRowFactory(QAsyncSqlite::RowFactoryFunction());
    QVERIFY(!c->rowFactoryFunction());
    QASYNCSQLITE_AWAIT(c->execute(u"SELECT id FROM t ORDER BY id"_s));
    QASYNCSQLITE_AWAIT_RESULT(tuple, c->fetchOne());
    QCOMPARE(tuple, QVariant(QVariantList{1LL}));
}

void tst_Cursor::iterChunkSizePerCursor()
{
    // aiosqlite's Cursor.iter_chunk_size: the connection's at creation (8 in
    // init()), then the cursor's own.
    QAsyncSqliteCursor *c = m_db->cursor(seriesSql(20));
    QAsyncSqliteCursor *other = m_db->cursor(seriesSql(20));
    QCOMPARE(c->iterChunkSize(), 8);
    QSignalSpy changed(c, &QAsyncSqliteCursor::iterChunkSizeChanged);
    c->setIterChunkSize(7);
    c->setIterChunkSize(7);
    QCOMPARE(changed.size(), 1);
    c->setIterChunkSize(0); // at least one row per chunk, as arraySize
    QCOMPARE(c->iterChunkSize(), 1);
    c->setIterChunkSize(7);
    QCOMPARE(other->iterChunkSize(), 8);
    QList<int> sizes[2];
    QAsyncSqliteCursor *cursors[2] = {c, other};
    for (int i = 0; i < 2; ++i) {
        connect(cursors[i], &QAsyncSqliteCursor::rowsReady, this, [&sizes, i](const QVariantList &rows) {
            sizes[i].append(int(rows.size()));
        });
        QASYNCSQLITE_AWAIT(cursors[i]->stream());
        QTRY_COMPARE(std::accumulate(sizes[i].cbegin(), sizes[i].cend(), 0), 20);
    }
    QCOMPARE(sizes[0], (QList<int>{7, 7, 6}));
    QCOMPARE(sizes[1], (QList<int>{8, 8, 4}));
}

QTEST_GUILESS_MAIN(tst_Cursor)
#include "tst_cursor.moc"
