// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// QAsyncSqlite::Coro: co_await on requests, errors as exceptions (never an
// empty canceled future), rows as a QCoro::AsyncGenerator, and toFuture()
// (doc/coroutines.md).
//
// Every coroutine test body is a QCoro::Task<> that owns its state (so a
// timeout can never leave it pointing at a dead stack frame) and is driven
// with QAsyncSqlite::toFuture() + QASYNCSQLITE_AWAIT, which waits with a
// timeout: QCoro::waitFor would hang on a task that throws (QCoro 0.8).
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCoro>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qpointer.h>
#include <QtCore/qsemaphore.h>
#include <QtCore/qtimer.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using QAsyncSqlite::await;

// QVERIFY/QCOMPARE for coroutines (which must co_return, not return).
#define CO_VERIFY(cond)                                                                                                \
    do {                                                                                                               \
        if (!QTest::qVerify(static_cast<bool>(cond), #cond, "", __FILE__, __LINE__))                                   \
            co_return;                                                                                                 \
    } while (false)
#define CO_COMPARE(actual, expected)                                                                                   \
    do {                                                                                                               \
        if (!QTest::qCompare(actual, expected, #actual, #expected, __FILE__, __LINE__))                                \
            co_return;                                                                                                 \
    } while (false)
#define CO_FAIL(message)                                                                                               \
    do {                                                                                                               \
        QTest::qFail(message, __FILE__, __LINE__);                                                                     \
        co_return;                                                                                                     \
    } while (false)

// Runs the coroutine task \a task to its end with a timeout; fails the test
// on timeout or on an exception escaping the task.
#define RUN_CORO(task)                                                                                                 \
    do {                                                                                                               \
        QASYNCSQLITE_AWAIT(QAsyncSqlite::toFuture(task));                                                              \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

namespace {

QString seriesSql(int count) // rows [0], [1], …, [count - 1]
{
    return u"WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x + 1 < %1) "
           "SELECT x FROM c WHERE x < %1"_s.arg(count);
}

// The most derived QAsyncSqliteError class of \a e, by name.
QString errorClass(const QAsyncSqliteError &e)
{
    if (dynamic_cast<const QAsyncSqliteIntegrityError *>(&e))
        return u"IntegrityError"_s;
    if (dynamic_cast<const QAsyncSqliteProgrammingError *>(&e))
        return u"ProgrammingError"_s;
    if (dynamic_cast<const QAsyncSqliteOperationalError *>(&e))
        return u"OperationalError"_s;
    if (dynamic_cast<const QAsyncSqliteInterfaceError *>(&e))
        return u"InterfaceError"_s;
    if (dynamic_cast<const QAsyncSqliteDataError *>(&e))
        return u"DataError"_s;
    if (dynamic_cast<const QAsyncSqliteDatabaseError *>(&e))
        return u"DatabaseError"_s;
    return u"Error"_s;
}

// co_await through QAsyncSqlite::await() or directly (QCoro's QFuture support).
template<typename T>
QCoro::Task<T> get(QFuture<T> future, bool wrapped)
{
    if (wrapped)
        co_return co_await await(future);
    co_return co_await future;
}

QCoro::Task<> get(QFuture<void> future, bool wrapped)
{
    if (wrapped)
        co_await await(future);
    else
        co_await future;
}

QCoro::Task<std::unique_ptr<QAsyncSqliteConnection>> openMemory(const QAsyncSqliteOptions &options = {})
{
    auto db = std::make_unique<QAsyncSqliteConnection>();
    co_await await(db->open(u":memory:"_s, options));
    co_return db;
}

struct CaughtError
{
    bool caught = false;
    QString errorClass;
    int code = 0;
    int extendedCode = 0;
    QString message;
};

} // namespace

class tst_Coro : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void results_data();
    void results();
    void errors_data();
    void errors();
    void canceledFutureThrows_data();
    void canceledFutureThrows();
    void foreignExceptionPassesThrough();
    void toFuture();
    void generatorYieldsAll_data();
    void generatorYieldsAll();
    void generatorNamedParameters();
    void generatorError();
    void generatorErrorMidway();
    void generatorEarlyBreak_data();
    void generatorEarlyBreak();
    void generatorEarlyBreakDeletesOwnCursor();
    void generatorConnectionClosed();
    void generatorCursorDeleted();

private:
    QCoro::Task<> coResults(bool wrapped);
    QCoro::Task<CaughtError> coError(QString scenario, bool wrapped);
    QCoro::Task<CaughtError> coCanceled(QString scenario);
    QCoro::Task<QVariantList> coCollect(QString source, int count, int chunk, int arraySize, int iterChunkSize);
    QCoro::Task<> coEarlyBreak(QString source, int breakAfter, std::shared_ptr<QPointer<QAsyncSqliteConnection>> seen);
};

// ---------------------------------------------------------------------------

void tst_Coro::results_data()
{
    QTest::addColumn<bool>("wrapped");
    QTest::newRow("QAsyncSqlite::await") << true;
    QTest::newRow("plain co_await") << false;
}

QCoro::Task<> tst_Coro::coResults(bool wrapped)
{
    // (Parameter lists are named locals: GCC 12 miscompiles braced lists of
    // temporaries inside a co_await expression.)
    QAsyncSqliteConnection db;
    co_await get(db.open(u":memory:"_s), wrapped);
    const QVariantList created =
            co_await get(db.execute(u"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"_s), wrapped);
    CO_VERIFY(created.isEmpty());

    const QVariantList aliceParams{u"Alice"_s, 30};
    const qint64 alice =
            co_await get(db.executeInsert(u"INSERT INTO users(name, age) VALUES(?, ?)"_s, aliceParams), wrapped);
    CO_COMPARE(alice, qint64(1));
    CO_VERIFY(db.inTransaction()); // implicit transaction (Python sqlite3 semantics)
    const QVariantMap bobParams{{u"name"_s, u"Bob"_s}, {u"age"_s, 24}};
    const qint64 bob =
            co_await get(db.executeInsert(u"INSERT INTO users(name, age) VALUES(:name, :age)"_s, bobParams), wrapped);
    CO_COMPARE(bob, qint64(2));
    const QList<QVariantList> moreParams{{u"Carol"_s, 41}, {u"Dave"_s, 19}};
    const qint64 changed =
            co_await get(db.executeMany(u"INSERT INTO users(name, age) VALUES(?, ?)"_s, moreParams), wrapped);
    CO_COMPARE(changed, qint64(2));
    co_await get(db.commit(), wrapped);
    CO_VERIFY(!db.inTransaction());

    const QVariantList ageParams{25};
    const QVariantList older =
            co_await get(db.execute(u"SELECT name FROM users WHERE age > ? ORDER BY id"_s, ageParams), wrapped);
    const QVariantList expectedOlder{QVariantList{u"Alice"_s}, QVariantList{u"Carol"_s}};
    CO_COMPARE(older, expectedOlder);

    // transaction(): the callable runs atomically on the worker; its result comes back.
    auto sumAges = [](QAsyncSqliteTransaction &tx) {
        tx.execute(u"UPDATE users SET age = age + 1"_s);
        return tx.execute(u"SELECT sum(age) FROM users"_s).value(0).toList().value(0).toLongLong();
    };
    const qint64 total = co_await get(db.transaction(sumAges), wrapped);
    CO_COMPARE(total, qint64(30 + 24 + 41 + 19 + 4));
    auto deleteYoung = [](QAsyncSqliteTransaction &tx) {
        tx.execute(u"DELETE FROM users WHERE age < 25"_s);
    };
    co_await get(db.transaction(deleteYoung), wrapped);
    const QVariantList count = co_await get(db.execute(u"SELECT count(*) FROM users"_s), wrapped);
    const QVariantList expectedCount{QVariantList{3LL}};
    CO_COMPARE(count, expectedCount);

    co_await get(db.close(), wrapped);
    CO_VERIFY(!db.isOpen());
}

void tst_Coro::results()
{
    QFETCH(bool, wrapped);
    RUN_CORO(coResults(wrapped));
}

// ---------------------------------------------------------------------------

void tst_Coro::errors_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<bool>("wrapped");
    QTest::addColumn<QString>("errorClass");
    QTest::addColumn<int>("extendedCode");

    const struct
    {
        const char *scenario;
        const char *errorClass;
        int extendedCode;
    } cases[] = {
            {"unique", "IntegrityError", SQLITE_CONSTRAINT_UNIQUE},
            {"syntax", "OperationalError", SQLITE_ERROR},
            {"after close", "ProgrammingError", SQLITE_MISUSE},
            {"commit after close", "ProgrammingError", SQLITE_MISUSE},
            {"transaction", "IntegrityError", SQLITE_CONSTRAINT_UNIQUE},
            {"closed cursor", "ProgrammingError", SQLITE_MISUSE},
    };
    for (const auto &c : cases) {
        for (bool wrapped : {true, false}) {
            QTest::addRow("%s, %s", c.scenario, wrapped ? "await()" : "plain")
                    << QString::fromLatin1(c.scenario) << wrapped << QString::fromLatin1(c.errorClass)
                    << c.extendedCode;
        }
    }
}

QCoro::Task<CaughtError> tst_Coro::coError(QString scenario, bool wrapped)
{
    CaughtError result;
    QAsyncSqliteConnection db;
    co_await await(db.open(u":memory:"_s));
    co_await await(db.execute(u"CREATE TABLE u(x UNIQUE)"_s));
    co_await await(db.execute(u"INSERT INTO u VALUES(1)"_s));
    co_await await(db.commit());
    try {
        if (scenario == u"unique"_s) {
            const QVariantList params{1};
            co_await get(db.executeInsert(u"INSERT INTO u VALUES(?)"_s, params), wrapped);
        } else if (scenario == u"syntax"_s) {
            co_await get(db.execute(u"SELEC 1"_s), wrapped);
        } else if (scenario == u"after close"_s) {
            co_await await(db.close());
            co_await get(db.execute(u"SELECT 1"_s), wrapped);
        } else if (scenario == u"commit after close"_s) {
            co_await await(db.close());
            co_await get(db.commit(), wrapped);
        } else if (scenario == u"transaction"_s) {
            co_await get(db.transaction([](QAsyncSqliteTransaction &tx) {
                tx.execute(u"INSERT INTO u VALUES(2)"_s);
                tx.execute(u"INSERT INTO u VALUES(1)"_s); // UNIQUE: rolls the whole callable back
            }),
                         wrapped);
        } else if (scenario == u"closed cursor"_s) {
            QAsyncSqliteCursor *cursor = db.cursor(u"SELECT x FROM u"_s);
            co_await await(cursor->close());
            co_await get(cursor->fetchMany(5), wrapped);
        }
    } catch (const QAsyncSqliteError &e) {
        result = {true, errorClass(e), e.code(), e.extendedCode(), e.message()};
    }
    if (db.isOpen()) {
        // Nothing of a failed request or transaction was kept.
        const QVariantList rows = co_await await(db.execute(u"SELECT x FROM u ORDER BY x"_s));
        if (rows != QVariantList{QVariantList{1LL}})
            result.message = u"unexpected table contents after the error"_s;
    }
    co_return result;
}

void tst_Coro::errors()
{
    QFETCH(QString, scenario);
    QFETCH(bool, wrapped);
    QFETCH(QString, errorClass);
    QFETCH(int, extendedCode);

    auto future = QAsyncSqlite::toFuture(coError(scenario, wrapped));
    QASYNCSQLITE_AWAIT(future);
    const CaughtError caught = future.result();
    QVERIFY2(caught.caught, "no exception was thrown");
    QCOMPARE(caught.errorClass, errorClass);
    QCOMPARE(caught.extendedCode, extendedCode);
    QVERIFY(caught.message != u"unexpected table contents after the error"_s);
}

// ---------------------------------------------------------------------------

void tst_Coro::canceledFutureThrows_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::newRow("canceled and finished before co_await") << u"ready"_s;
    QTest::newRow("canceled while awaited") << u"pending"_s;
    QTest::newRow("void, canceled while awaited") << u"pending void"_s;
    QTest::newRow("default-constructed QFuture") << u"default"_s;
    QTest::newRow("queued request canceled") << u"queued request"_s;
    QTest::newRow("failed future keeps its error") << u"exception"_s;
}

QCoro::Task<CaughtError> tst_Coro::coCanceled(QString scenario)
{
    CaughtError result;
    std::unique_ptr<QAsyncSqliteConnection> db;
    try {
        if (scenario == u"ready"_s) {
            QFutureInterface<int> fi;
            fi.reportStarted();
            fi.cancel();
            fi.reportFinished();
            co_await await(fi.future());
        } else if (scenario == u"pending"_s || scenario == u"pending void"_s) {
            QFutureInterface<int> fi;
            fi.reportStarted();
            QTimer::singleShot(20ms, [fi]() mutable {
                fi.cancel();
                fi.reportFinished();
            });
            if (scenario == u"pending"_s)
                co_await await(fi.future());
            else
                co_await await(QFuture<void>(fi.future()));
        } else if (scenario == u"default"_s) {
            co_await await(QFuture<QVariantList>());
        } else if (scenario == u"queued request"_s) {
            db = co_await openMemory();
            auto gate = std::make_shared<QSemaphore>();
            QFuture<void> blocker = db->run([gate](sqlite3 *) {
                gate->acquire();
            });
            QFuture<QVariantList> canceled = db->execute(u"SELECT 1"_s);
            canceled.cancel();
            gate->release();
            co_await await(blocker);
            co_await await(canceled);
        } else if (scenario == u"exception"_s) {
            QFutureInterface<int> fi;
            fi.reportStarted();
            fi.reportException(QAsyncSqliteIntegrityError(SQLITE_CONSTRAINT_CHECK, u"check"_s));
            fi.reportFinished();
            co_await await(fi.future());
        }
    } catch (const QAsyncSqliteError &e) {
        result = {true, errorClass(e), e.code(), e.extendedCode(), e.message()};
    }
    if (db) {
        // The connection is untouched by the canceled request.
        const QVariantList rows = co_await await(db->execute(u"SELECT 2"_s));
        if (rows != QVariantList{QVariantList{2LL}})
            result.message = u"the connection misbehaves after the cancel"_s;
    }
    co_return result;
}

void tst_Coro::canceledFutureThrows()
{
    QFETCH(QString, scenario);
    auto future = QAsyncSqlite::toFuture(coCanceled(scenario));
    QASYNCSQLITE_AWAIT(future);
    const CaughtError caught = future.result();
    QVERIFY2(caught.caught, "no exception was thrown");
    if (scenario == u"exception"_s) {
        QCOMPARE(caught.errorClass, u"IntegrityError"_s);
        QCOMPARE(caught.extendedCode, SQLITE_CONSTRAINT_CHECK);
        QCOMPARE(caught.message, u"check"_s);
    } else {
        QCOMPARE(caught.errorClass, u"OperationalError"_s);
        QCOMPARE(caught.extendedCode, SQLITE_ABORT);
        QCOMPARE(caught.message, u"The request was canceled."_s); // QAsyncSqlite::errorOf()'s rule
    }
}

// A non-QAsyncSqlite exception from transaction() reaches the coroutine as is.
void tst_Coro::foreignExceptionPassesThrough()
{
    auto body = []() -> QCoro::Task<QString> {
        auto db = co_await openMemory();
        try {
            co_await await(db->transaction([](QAsyncSqliteTransaction &) -> int {
                throw std::runtime_error("boom");
            }));
        } catch (const std::exception &e) {
            co_return QString::fromUtf8(e.what());
        }
        co_return QString();
    };
    auto future = QAsyncSqlite::toFuture(body());
    QASYNCSQLITE_AWAIT(future);
    QVERIFY2(future.result().contains(u"boom"_s), qPrintable(future.result()));
}

// ---------------------------------------------------------------------------

void tst_Coro::toFuture()
{
    // A value.
    auto value = []() -> QCoro::Task<int> {
        auto db = co_await openMemory();
        const QVariantList rows = co_await await(db->execute(u"SELECT 6 * 7"_s));
        co_return rows.value(0).toList().value(0).toInt();
    };
    QASYNCSQLITE_AWAIT_RESULT(answer, QAsyncSqlite::toFuture(value()));
    QCOMPARE(answer, 42);

    // A task that finishes synchronously.
    auto immediate = []() -> QCoro::Task<QString> {
        co_return u"now"_s;
    };
    QASYNCSQLITE_AWAIT_RESULT(now, QAsyncSqlite::toFuture(immediate()));
    QCOMPARE(now, u"now"_s);

    // An error keeps its class (QCoro::waitFor would hang here in QCoro 0.8).
    auto failing = []() -> QCoro::Task<> {
        auto db = co_await openMemory();
        co_await await(db->execute(u"CREATE TABLE t(x PRIMARY KEY)"_s));
        co_await await(db->execute(u"INSERT INTO t VALUES(1)"_s));
        co_await await(db->execute(u"INSERT INTO t VALUES(1)"_s));
    };
    QASYNCSQLITE_AWAIT_ERROR(error, QAsyncSqlite::toFuture(failing()), QAsyncSqliteIntegrityError);
    QCOMPARE(error.extendedCode(), SQLITE_CONSTRAINT_PRIMARYKEY);

    // An exception thrown before the first suspension.
    auto early = []() -> QCoro::Task<int> {
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE, u"early"_s);
        co_return 0;
    };
    QASYNCSQLITE_AWAIT_ERROR(earlyError, QAsyncSqlite::toFuture(early()), QAsyncSqliteProgrammingError);
    QCOMPARE(earlyError.message(), u"early"_s);
}

// ---------------------------------------------------------------------------

void tst_Coro::generatorYieldsAll_data()
{
    QTest::addColumn<QString>("source"); // rows(cursor) or rows(connection, sql)
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("chunk"); // rows()'s chunkSize argument
    QTest::addColumn<int>("arraySize"); // the cursor's, when positive
    QTest::addColumn<int>("iterChunkSize"); // the option, when positive

    for (const QString &source : {u"cursor"_s, u"connection"_s}) {
        const QByteArray s = source.toLatin1();
        // Explicit chunk size of 8.
        for (int count : {0, 1, 7, 8, 9, 16, 17, 83})
            QTest::addRow("%s, chunk 8, %d rows", s.constData(), count) << source << count << 8 << 0 << 0;
        // The default: iterChunkSize (64).
        for (int count : {0, 1, 63, 64, 65, 5000})
            QTest::addRow("%s, default chunk, %d rows", s.constData(), count) << source << count << -1 << 0 << 0;
        // iterChunkSize from the options.
        for (int count : {4, 5, 6, 51})
            QTest::addRow("%s, iterChunkSize 5, %d rows", s.constData(), count) << source << count << -1 << 0 << 5;
    }
    // The cursor's arraySize when above 1.
    for (int count : {0, 1, 6, 7, 8, 50})
        QTest::addRow("cursor, arraySize 7, %d rows", count) << u"cursor"_s << count << -1 << 7 << 0;
    // chunk 1: one row per fetch.
    QTest::addRow("cursor, chunk 1, 5 rows") << u"cursor"_s << 5 << 1 << 0 << 0;
}

QCoro::Task<QVariantList> tst_Coro::coCollect(QString source, int count, int chunk, int arraySize, int iterChunkSize)
{
    QAsyncSqliteOptions options;
    if (iterChunkSize > 0)
        options.iterChunkSize = iterChunkSize;
    auto db = co_await openMemory(options);
    QVariantList seen;
    if (source == u"cursor"_s) {
        QAsyncSqliteCursor *cursor = db->cursor(seriesSql(count));
        if (arraySize > 0)
            cursor->setArraySize(arraySize);
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(cursor, chunk))
        {
            seen.append(row);
        }
        // The cursor stays open and is exhausted.
        const QVariantList rest = co_await await(cursor->fetchAll());
        if (!rest.isEmpty())
            seen.append(u"rows left in the cursor"_s);
    } else {
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(db.get(), seriesSql(count), {}, chunk))
        {
            seen.append(row);
        }
    }
    co_return seen;
}

void tst_Coro::generatorYieldsAll()
{
    QFETCH(QString, source);
    QFETCH(int, count);
    QFETCH(int, chunk);
    QFETCH(int, arraySize);
    QFETCH(int, iterChunkSize);

    QVariantList expected;
    for (int i = 0; i < count; ++i)
        expected.append(QVariant(QVariantList{qint64(i)}));
    QASYNCSQLITE_AWAIT_RESULT(seen, QAsyncSqlite::toFuture(coCollect(source, count, chunk, arraySize, iterChunkSize)));
    QCOMPARE(seen.size(), expected.size());
    QCOMPARE(seen, expected);
}

void tst_Coro::generatorNamedParameters()
{
    auto body = []() -> QCoro::Task<QVariantList> {
        auto db = co_await openMemory();
        db->setRowFactory(QAsyncSqlite::RowFactory::Map);
        QVariantList seen;
        QCORO_FOREACH(const QVariant &row,
                      QAsyncSqlite::rows(db.get(), u"SELECT x FROM (%1) WHERE x >= :low"_s.arg(seriesSql(10)),
                                         QVariantMap{{u"low"_s, 7}}))
        {
            seen.append(row.toMap().value(u"x"_s));
        }
        co_return seen;
    };
    QASYNCSQLITE_AWAIT_RESULT(seen, QAsyncSqlite::toFuture(body()));
    QCOMPARE(seen, (QVariantList{7LL, 8LL, 9LL}));
}

// A statement that fails to prepare: the error comes out of the loop.
void tst_Coro::generatorError()
{
    auto body = []() -> QCoro::Task<int> {
        auto db = co_await openMemory();
        int n = 0;
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(db.get(), u"SELEC x"_s))
        {
            Q_UNUSED(row);
            ++n;
        }
        co_return n;
    };
    QASYNCSQLITE_AWAIT_ERROR(error, QAsyncSqlite::toFuture(body()), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_ERROR);

    // A null cursor or connection is a ProgrammingError, not a crash.
    auto nullCursor = []() -> QCoro::Task<> {
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(static_cast<QAsyncSqliteCursor *>(nullptr)))
        {
            Q_UNUSED(row);
        }
    };
    QASYNCSQLITE_AWAIT_ERROR(nullError, QAsyncSqlite::toFuture(nullCursor()), QAsyncSqliteProgrammingError);
    QCOMPARE(nullError.code(), SQLITE_MISUSE);
    auto nullConnection = []() -> QCoro::Task<> {
        QCORO_FOREACH(const QVariant &row,
                      QAsyncSqlite::rows(static_cast<QAsyncSqliteConnection *>(nullptr), u"SELECT 1"_s))
        {
            Q_UNUSED(row);
        }
    };
    QASYNCSQLITE_AWAIT_ERROR(nullError2, QAsyncSqlite::toFuture(nullConnection()), QAsyncSqliteProgrammingError);
    QCOMPARE(nullError2.code(), SQLITE_MISUSE);
}

// A statement that fails at row 100: the rows before the failing chunk arrive
// in order, then the error.
void tst_Coro::generatorErrorMidway()
{
    auto seen = std::make_shared<QVariantList>();
    auto body = [](std::shared_ptr<QVariantList> seen) -> QCoro::Task<> {
        auto db = co_await openMemory();
        const QString sql = u"SELECT CASE WHEN x = 100 THEN abs(-9223372036854775807 - 1) ELSE x END FROM (%1)"_s.arg(
                seriesSql(300));
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(db.get(), sql, {}, 10))
        {
            seen->append(row.toList().value(0));
        }
    };
    QASYNCSQLITE_AWAIT_ERROR(error, QAsyncSqlite::toFuture(body(seen)), QAsyncSqliteError);
    QVERIFY2(error.message().contains(u"overflow"_s), qPrintable(error.message()));
    // The cursor steps one row ahead (as Python's sqlite3 does), so the step
    // onto row 100 fails the fetch of rows 90..99: every complete chunk
    // before it arrives, in order, and nothing after it.
    QVERIFY2(seen->size() == 90 || seen->size() == 100, qPrintable(QString::number(seen->size())));
    for (int i = 0; i < seen->size(); ++i)
        QCOMPARE(seen->at(i).toLongLong(), qint64(i));
}

// ---------------------------------------------------------------------------

void tst_Coro::generatorEarlyBreak_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("breakAfter");
    for (const QString &source : {u"cursor"_s, u"connection"_s}) {
        const QByteArray s = source.toLatin1();
        for (int n : {1, 3, 8, 9, 20}) // chunk is 8
            QTest::addRow("%s, break after %d", s.constData(), n) << source << n;
    }
}

QCoro::Task<> tst_Coro::coEarlyBreak(QString source, int breakAfter,
                                     std::shared_ptr<QPointer<QAsyncSqliteConnection>> seen)
{
    auto db = co_await openMemory();
    *seen = db.get();
    co_await await(db->execute(u"CREATE TABLE t(x)"_s));
    co_await await(db->executeMany(u"INSERT INTO t VALUES(?)"_s, [] {
        QList<QVariantList> sets;
        for (int i = 0; i < 1000; ++i)
            sets.append(QVariantList{i});
        return sets;
    }()));
    co_await await(db->commit());

    QAsyncSqliteCursor *cursor = source == u"cursor"_s ? db->cursor(u"SELECT x FROM t ORDER BY x"_s) : nullptr;
    int n = 0;
    {
        QCoro::AsyncGenerator<QVariant> generator = cursor
                ? QAsyncSqlite::rows(cursor, 8)
                : QAsyncSqlite::rows(db.get(), u"SELECT x FROM t ORDER BY x"_s, {}, 8);
        QCORO_FOREACH(const QVariant &row, generator)
        {
            CO_COMPARE(row.toList().value(0).toLongLong(), qint64(n));
            if (++n == breakAfter)
                break; // abandons the generator with a fetch possibly in flight
        }
    } // the generator is destroyed here
    CO_COMPARE(n, breakAfter);

    if (cursor) {
        // The caller's cursor is still usable: it can be closed, or executed again.
        co_await await(cursor->execute(u"SELECT count(*) FROM t"_s));
        const QVariantList count = co_await await(cursor->fetchAll());
        CO_COMPARE(count, (QVariantList{QVariantList{1000LL}}));
        co_await await(cursor->close());
    }
    // The connection is fine: writes and commits work (no statement left
    // running), and a new iteration starts from the beginning.
    co_await await(db->execute(u"DELETE FROM t WHERE x >= 10"_s));
    co_await await(db->commit());
    QVariantList all;
    QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(db.get(), u"SELECT x FROM t ORDER BY x"_s))
    {
        all.append(row.toList().value(0));
    }
    CO_COMPARE(all.size(), 10);
    co_await await(db->close());
}

void tst_Coro::generatorEarlyBreak()
{
    QFETCH(QString, source);
    QFETCH(int, breakAfter);
    auto seen = std::make_shared<QPointer<QAsyncSqliteConnection>>();
    RUN_CORO(coEarlyBreak(source, breakAfter, seen));
    // The connection (and with it every cursor) is gone with the coroutine.
    QVERIFY(seen->isNull());
}

// rows(connection, …) closes and deletes the cursor it created when the
// consumer stops early.
void tst_Coro::generatorEarlyBreakDeletesOwnCursor()
{
    auto body = []() -> QCoro::Task<QString> {
        auto db = co_await openMemory();
        QPointer<QAsyncSqliteCursor> own;
        {
            QCoro::AsyncGenerator<QVariant> generator = QAsyncSqlite::rows(db.get(), seriesSql(1000), {}, 8);
            QCORO_FOREACH(const QVariant &row, generator)
            {
                Q_UNUSED(row);
                const auto cursors = db->findChildren<QAsyncSqliteCursor *>();
                if (cursors.size() != 1)
                    co_return u"expected one cursor during the iteration, found %1"_s.arg(cursors.size());
                own = cursors.first();
                break;
            }
        }
        if (!own)
            co_return u"the cursor is gone too early"_s;
        // Deleted with deleteLater(): gone after a few event-loop turns.
        for (int i = 0; i < 50 && own; ++i)
            co_await await(db->execute(u"SELECT 1"_s));
        if (own)
            co_return u"the cursor was not deleted"_s;
        co_return QString();
    };
    QASYNCSQLITE_AWAIT_RESULT(failure, QAsyncSqlite::toFuture(body()));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

// ---------------------------------------------------------------------------

// The connection closes during the iteration: the loop ends with an error.
void tst_Coro::generatorConnectionClosed()
{
    auto body = []() -> QCoro::Task<int> {
        auto db = co_await openMemory();
        QAsyncSqliteCursor *cursor = db->cursor(seriesSql(1000));
        int n = 0;
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(cursor, 10))
        {
            Q_UNUSED(row);
            if (++n == 1)
                db->close();
        }
        co_return n;
    };
    QASYNCSQLITE_AWAIT_ERROR(error, QAsyncSqlite::toFuture(body()), QAsyncSqliteProgrammingError);
    QCOMPARE(error.code(), SQLITE_MISUSE);
}

// The cursor is deleted during the iteration: the loop ends with an error.
void tst_Coro::generatorCursorDeleted()
{
    auto body = []() -> QCoro::Task<int> {
        auto db = co_await openMemory();
        QAsyncSqliteCursor *cursor = db->cursor(seriesSql(1000));
        int n = 0;
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(cursor, 10))
        {
            Q_UNUSED(row);
            if (++n == 1)
                delete cursor;
        }
        co_return n;
    };
    QASYNCSQLITE_AWAIT_ERROR(error, QAsyncSqlite::toFuture(body()), QAsyncSqliteProgrammingError);
    QCOMPARE(error.code(), SQLITE_MISUSE);
}

QTEST_GUILESS_MAIN(tst_Coro)
#include "tst_coro.moc"
