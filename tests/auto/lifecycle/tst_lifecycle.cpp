// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Open, close, destroy, cancel and interrupt: the lifecycle of a connection and
// of its worker thread (doc/threading.md, doc/cancellation.md).
#include "faultcommon.h"
#include "longquery.h"
#include "resourcebaseline.h"
#include "workerhold.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qsemaphore.h>
#include <QtCore/qthread.h>
#include <QtTest/QtTest>

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

using Fault::countRows;
using Fault::threadCount;

namespace {

QString threadName(qint64 tid)
{
    QFile comm(u"/proc/self/task/%1/comm"_s.arg(tid));
    if (!comm.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(comm.readAll()).trimmed();
}

// Whether \a future already holds a ProgrammingError (finished, not pending).
template<typename T>
QString rejectedAtOnce(const QFuture<T> &future)
{
    if (!future.isFinished())
        return u"the future is pending instead of finished"_s;
    std::optional<QAsyncSqliteProgrammingError> error;
    const QString failure = QAsyncSqliteTest::awaitError(future, error, 1s);
    if (!failure.isEmpty())
        return failure;
    if (error->code() != SQLITE_MISUSE)
        return u"unexpected code %1"_s.arg(error->code());
    return {};
}

} // namespace

class tst_Lifecycle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void closeRunsQueuedWork_data();
    void closeRunsQueuedWork();
    void closeTwice();
    void closeWithoutOpen();
    void closeFromAnotherThread();
    void closeFromWorkerContinuation();
    void closeContinuationDoesNotBlockEventLoop();
    void openTwice();
    void reopenAfterClose();
    void reopenDoesNotWaitForOldWorker_data();
    void reopenDoesNotWaitForOldWorker();
    void callsAfterClose_data();
    void callsAfterClose();
    void destroyWithPendingWork_data();
    void destroyWithPendingWork();
    void destroyWhileLongQueryRuns();
    void destroyBeforeStatementStarts();
    void destroyIsBounded_data();
    void destroyIsBounded();
    void exitWaitsForAbandonedWorker();
    void cancelQueued_data();
    void cancelQueued();
    void cancelRunning_data();
    void cancelRunning();
    void interruptRunaway();
    void interruptIdle();
    void openCloseSignals();
    void notifySignalsOnConnectionThread();
    void failedOpenSignals();
    void threadCountReturnsToBaseline_data();
    void threadCountReturnsToBaseline();
    void failedOpenLeavesNoThread();
    void workerThreadName_data();
    void workerThreadName();
    void requestFromUserCode_data();
    void requestFromUserCode();
    void deleteFromWorkerContinuation();
};

void tst_Lifecycle::closeRunsQueuedWork_data()
{
    QTest::addColumn<QAsyncSqlite::IsolationLevel>("level");
    QTest::addColumn<bool>("commit");
    QTest::newRow("autocommit") << QAsyncSqlite::IsolationLevel::Autocommit << false;
    QTest::newRow("deferred+commit") << QAsyncSqlite::IsolationLevel::Deferred << true;
    QTest::newRow("immediate+commit") << QAsyncSqlite::IsolationLevel::Immediate << true;
}

void tst_Lifecycle::closeRunsQueuedWork()
{
    QFETCH(QAsyncSqlite::IsolationLevel, level);
    QFETCH(bool, commit);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection db;
    // Nothing is awaited: open, the inserts, commit and close all queue at once.
    QList<QFuture<qint64>> inserts;
    QFuture<void> opened = db.open(tmp.path(), {.isolationLevel = level, .pragmas = {u"synchronous=OFF"_s}});
    db.execute(u"CREATE TABLE t(i INTEGER)"_s);
    // Hold the worker so that every request below is really queued at close().
    WorkerHold hold(db);
    for (int i = 0; i < 1000; ++i)
        inserts.append(db.executeInsert(u"INSERT INTO t(i) VALUES(?)"_s, {i}));
    if (commit)
        db.commit();
    QFuture<void> closed = db.close();
    QVERIFY(!closed.isFinished());
    hold.release();
    QASYNCSQLITE_AWAIT(closed);
    QVERIFY(opened.isFinished());
    for (int i = 0; i < inserts.size(); ++i) {
        QVERIFY2(inserts.at(i).isFinished(), qPrintable(QString::number(i)));
        QCOMPARE(QAsyncSqliteTest::awaitSuccess(inserts.at(i)), QString());
        QCOMPARE(inserts.at(i).result(), qint64(i + 1));
    }
    QVERIFY(!db.isOpen());
    QCOMPARE(countRows(tmp.path()), 1000);
}

void tst_Lifecycle::closeTwice()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QSignalSpy closedSpy(&db, &QAsyncSqliteConnection::closed);
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QFuture<void> first = db.close();
    QFuture<void> second = db.close(); // while the first is still in progress
    QASYNCSQLITE_AWAIT(first);
    QASYNCSQLITE_AWAIT(second);
    QFuture<void> third = db.close(); // after it finished
    QVERIFY(third.isFinished());
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(third), QString());
    QTRY_COMPARE(closedSpy.size(), 1);
    // No second closed() arrives later.
    QASYNCSQLITE_AWAIT(db.close());
    QCoreApplication::processEvents();
    QCOMPARE(closedSpy.size(), 1);
    QVERIFY(!db.isOpen());
}

void tst_Lifecycle::closeWithoutOpen()
{
    QAsyncSqliteConnection db;
    QSignalSpy closedSpy(&db, &QAsyncSqliteConnection::closed);
    QFuture<void> f = db.close();
    QVERIFY(f.isFinished());
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(f), QString());
    QCoreApplication::processEvents();
    QCOMPARE(closedSpy.size(), 0);
}

void tst_Lifecycle::closeFromAnotherThread()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const int baseline = threadCount();
    QAsyncSqliteConnection db;
    QSignalSpy closedSpy(&db, &QAsyncSqliteConnection::closed);
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
    QFuture<qint64> insert;
    QFuture<void> closed;
    std::thread([&] {
        insert = db.executeInsert(u"INSERT INTO t VALUES(1)"_s);
        closed = db.close();
    }).join();
    QASYNCSQLITE_AWAIT(closed);
    QASYNCSQLITE_AWAIT(insert);
    QVERIFY(!db.isOpen());
    QTRY_COMPARE(closedSpy.size(), 1);
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
    QCOMPARE(countRows(tmp.path()), 1);
}

void tst_Lifecycle::closeFromWorkerContinuation()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const int baseline = threadCount();
    QAsyncSqliteConnection db;
    QSignalSpy closedSpy(&db, &QAsyncSqliteConnection::closed);
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
    WorkerHold hold(db);

    auto holder = std::make_shared<QFuture<void>>();
    std::atomic<bool> onWorker{false};
    QThread *testThread = QThread::currentThread();
    // No context: the continuation runs on the worker, which closes itself.
    QFuture<void> continuation =
            db.execute(u"SELECT 1"_s).then([&db, holder, &onWorker, testThread](const QVariantList &) {
                onWorker = QThread::currentThread() != testThread;
                *holder = db.close();
            });
    // Queued before the continuation calls close(): must still run.
    QFuture<qint64> after = db.executeInsert(u"INSERT INTO t VALUES(7)"_s);
    hold.release();
    QASYNCSQLITE_AWAIT(continuation);
    QVERIFY(onWorker);
    QVERIFY(holder->isValid());
    QASYNCSQLITE_AWAIT(*holder);
    QASYNCSQLITE_AWAIT(after);
    QVERIFY(!db.isOpen());
    QTRY_COMPARE(closedSpy.size(), 1);
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
    QCOMPARE(countRows(tmp.path()), 1);
}

void tst_Lifecycle::closeContinuationDoesNotBlockEventLoop()
{
    // A continuation without a context runs on the worker and may take its
    // time; the connection's thread must keep turning meanwhile.
    QAsyncSqliteConnection db;
    QSignalSpy closedSpy(&db, &QAsyncSqliteConnection::closed);
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    WorkerHold hold(db); // close() stays pending while then() attaches
    QFuture<void> continuation = db.close().then([] {
        QThread::msleep(500);
    });
    QElapsedTimer sinceTick;
    qint64 longestGap = 0;
    QTimer ticker;
    ticker.setInterval(10ms);
    connect(&ticker, &QTimer::timeout, this, [&] {
        longestGap = qMax(longestGap, sinceTick.restart());
    });
    sinceTick.start();
    ticker.start();
    hold.release();
    QVERIFY(QAsyncSqliteTest::waitForFinished(continuation));
    longestGap = qMax(longestGap, sinceTick.elapsed());
    ticker.stop();
    qInfo("longest event loop gap while the 500 ms continuation ran: %lld ms", longestGap);
    QVERIFY2(longestGap < 250, qPrintable(QString::number(longestGap)));
    QTRY_COMPARE(closedSpy.size(), 1);
}

void tst_Lifecycle::openTwice()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QFuture<void> first = db.open(tmp.path());
    QFuture<void> second = db.open(tmp.path()); // the first is still pending or just done
    QCOMPARE(rejectedAtOnce(second), QString());
    QASYNCSQLITE_AWAIT(first);
    QCOMPARE(rejectedAtOnce(db.open(tmp.filePath(u"other.sqlite"_s))), QString());
    // The first connection is untouched.
    QVERIFY(db.isOpen());
    QCOMPARE(db.database(), tmp.path());
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{1LL}}));
}

void tst_Lifecycle::reopenAfterClose()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QSignalSpy openedSpy(&db, &QAsyncSqliteConnection::opened);
    QSignalSpy closedSpy(&db, &QAsyncSqliteConnection::closed);
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(v); INSERT INTO t VALUES('first');"_s));
    QASYNCSQLITE_AWAIT(db.close());
    QVERIFY(!db.isOpen());

    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QVERIFY(db.isOpen());
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{u"first"_s}}));
    QASYNCSQLITE_AWAIT(db.close());

    // Another file this time.
    const QString other = tmp.filePath(u"other.sqlite"_s);
    QASYNCSQLITE_AWAIT(db.open(other));
    QCOMPARE(db.database(), other);
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELECT v FROM t"_s), QAsyncSqliteOperationalError);
    QVERIFY(error.message().contains(u"no such table"_s));
    QASYNCSQLITE_AWAIT(db.close());
    QTRY_COMPARE(openedSpy.size(), 3);
    QTRY_COMPARE(closedSpy.size(), 3);
}

void tst_Lifecycle::reopenDoesNotWaitForOldWorker_data()
{
    QTest::addColumn<bool>("slowContinuation");
    QTest::newRow("slow run() body before close()") << false;
    QTest::newRow("slow close() continuation") << true;
}

void tst_Lifecycle::reopenDoesNotWaitForOldWorker()
{
    QFETCH(bool, slowContinuation);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    // The old handle keeps an exclusive lock until it is closed: a new handle
    // reading the file before that fails with SQLITE_BUSY at once.
    QASYNCSQLITE_AWAIT(db.open(
            tmp.path(),
            {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit, .pragmas = {u"locking_mode=EXCLUSIVE"_s}}));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));

    // The old worker blocks on this for a second (a blocking open() still
    // returns then, instead of deadlocking the test).
    auto slowGate = std::make_shared<QSemaphore>();
    std::thread releaser([slowGate] {
        std::this_thread::sleep_for(1s);
        slowGate->release();
    });
    auto joinReleaser = qScopeGuard([&releaser] {
        releaser.join();
    });
    std::optional<WorkerHold> hold; // keeps close() pending while then() attaches
    QFuture<void> slow;
    if (!slowContinuation)
        slow = db.run([slowGate](sqlite3 *) {
            slowGate->acquire();
        });
    else
        hold.emplace(db);
    QFuture<qint64> before = db.executeInsert(u"INSERT INTO t VALUES(1)"_s);
    QFuture<void> closed = db.close();
    if (slowContinuation) {
        slow = closed.then([slowGate] {
            slowGate->acquire();
        });
        hold->release();
    }

    QElapsedTimer timer;
    timer.start();
    QFuture<void> reopened =
            db.open(tmp.path(), {.busyTimeout = 0ms, .isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit});
    const qint64 openMs = timer.elapsed();
    QFuture<QVariantList> after = db.execute(u"SELECT count(*) FROM t"_s);
    qInfo("open() after close() returned in %lld ms", openMs);
    QVERIFY2(openMs < 200, qPrintable(QString::number(openMs)));
    QVERIFY(db.isOpen());

    // FIFO across the reopen: what was queued before close() ran first, and
    // the new handle opened only after the old one was closed.
    QASYNCSQLITE_AWAIT(reopened);
    QASYNCSQLITE_AWAIT_RESULT(rows, after);
    QCOMPARE(rows, (QVariantList{QVariantList{1LL}}));
    QVERIFY(before.isFinished());
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(before), QString());
    QASYNCSQLITE_AWAIT(closed);
    QASYNCSQLITE_AWAIT(slow);
}

void tst_Lifecycle::callsAfterClose_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<bool>("everOpened");
    const QStringList operations = {
            u"execute"_s,
            u"executeNamed"_s,
            u"executeInsert"_s,
            u"executeMany"_s,
            u"executeScript"_s,
            u"commit"_s,
            u"rollback"_s,
            u"transaction"_s,
            u"run"_s,
            u"backupPath"_s,
            u"backupConnection"_s,
            u"createFunction"_s,
            u"createAggregate"_s,
            u"createWindowFunction"_s,
            u"createCollation"_s,
            u"setAuthorizer"_s,
            u"setProgressHandler"_s,
            u"setTraceCallback"_s,
            u"iterDump"_s,
            u"enableLoadExtension"_s,
            u"loadExtension"_s,
            u"blobOpen"_s,
            u"serialize"_s,
            u"deserialize"_s,
            u"limit"_s,
            u"setLimit"_s,
            u"cursorExecute"_s,
            u"cursorWithSql"_s,
    };
    for (const QString &op : operations) {
        QTest::addRow("%s/closed", qPrintable(op)) << op << true;
        QTest::addRow("%s/never-opened", qPrintable(op)) << op << false;
    }
}

void tst_Lifecycle::callsAfterClose()
{
    QFETCH(QString, operation);
    QFETCH(bool, everOpened);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(u":memory:"_s));
    if (everOpened) {
        QASYNCSQLITE_AWAIT(db.open(tmp.path()));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(b BLOB)"_s));
        QASYNCSQLITE_AWAIT(db.close());
    }
    QVERIFY(!db.isOpen());
    using namespace QAsyncSqlite;
    const QHash<QString, std::function<QString()>> calls = {
            {u"execute"_s,
             [&] {
                 return rejectedAtOnce(db.execute(u"SELECT 1"_s));
             }},
            {u"executeNamed"_s,
             [&] {
                 return rejectedAtOnce(db.execute(u"SELECT :a"_s, QVariantMap{{u"a"_s, 1}}));
             }},
            {u"executeInsert"_s,
             [&] {
                 return rejectedAtOnce(db.executeInsert(u"INSERT INTO t VALUES(1)"_s));
             }},
            {u"executeMany"_s,
             [&] {
                 return rejectedAtOnce(db.executeMany(u"INSERT INTO t VALUES(?)"_s, {{1}, {2}}));
             }},
            {u"executeScript"_s,
             [&] {
                 return rejectedAtOnce(db.executeScript(u"SELECT 1;"_s));
             }},
            {u"commit"_s,
             [&] {
                 return rejectedAtOnce(db.commit());
             }},
            {u"rollback"_s,
             [&] {
                 return rejectedAtOnce(db.rollback());
             }},
            {u"transaction"_s,
             [&] {
                 return rejectedAtOnce(db.transaction([](QAsyncSqliteTransaction &) {
                     return 1;
                 }));
             }},
            {u"run"_s,
             [&] {
                 return rejectedAtOnce(db.run([](sqlite3 *) {
                     return 1;
                 }));
             }},
            {u"backupPath"_s,
             [&] {
                 return rejectedAtOnce(db.backup(tmp.filePath(u"copy.sqlite"_s)));
             }},
            {u"backupConnection"_s,
             [&] {
                 return rejectedAtOnce(db.backup(&other));
             }},
            {u"createFunction"_s,
             [&] {
                 return rejectedAtOnce(db.createFunction(u"f"_s, 0, [](const QVariantList &) {
                     return QVariant();
                 }));
             }},
            {u"createAggregate"_s,
             [&] {
                 return rejectedAtOnce(db.createAggregate(u"a"_s, 1, 0, [](const QVariant &s, const QVariantList &) {
                     return s;
                 }));
             }},
            {u"createWindowFunction"_s,
             [&] {
                 const AggregateStep keep = [](const QVariant &s, const QVariantList &) {
                     return s;
                 };
                 return rejectedAtOnce(db.createWindowFunction(u"w"_s, 1, 0, keep, keep, {}));
             }},
            {u"createCollation"_s,
             [&] {
                 return rejectedAtOnce(db.createCollation(u"c"_s, [](const QString &, const QString &) {
                     return 0;
                 }));
             }},
            {u"setAuthorizer"_s,
             [&] {
                 return rejectedAtOnce(db.setAuthorizer({}));
             }},
            {u"setProgressHandler"_s,
             [&] {
                 return rejectedAtOnce(db.setProgressHandler(
                         [] {
                             return 0;
                         },
                         10));
             }},
            {u"setTraceCallback"_s,
             [&] {
                 return rejectedAtOnce(db.setTraceCallback({}));
             }},
            {u"iterDump"_s,
             [&] {
                 return rejectedAtOnce(db.iterDump());
             }},
            {u"enableLoadExtension"_s,
             [&] {
                 return rejectedAtOnce(db.enableLoadExtension(true));
             }},
            {u"loadExtension"_s,
             [&] {
                 return rejectedAtOnce(db.loadExtension(u"/nonexistent.so"_s));
             }},
            {u"blobOpen"_s,
             [&] {
                 return rejectedAtOnce(db.blobOpen(u"t"_s, u"b"_s, 1));
             }},
            {u"serialize"_s,
             [&] {
                 return rejectedAtOnce(db.serialize());
             }},
            {u"deserialize"_s,
             [&] {
                 return rejectedAtOnce(db.deserialize(QByteArray()));
             }},
            {u"limit"_s,
             [&] {
                 return rejectedAtOnce(db.limit(SQLITE_LIMIT_LENGTH));
             }},
            {u"setLimit"_s,
             [&] {
                 return rejectedAtOnce(db.setLimit(SQLITE_LIMIT_LENGTH, 1000));
             }},
            {u"cursorExecute"_s,
             [&] {
                 return rejectedAtOnce(db.cursor()->execute(u"SELECT 1"_s));
             }},
            {u"cursorWithSql"_s,
             [&] {
                 return rejectedAtOnce(db.cursor(u"SELECT 1"_s)->fetchAll());
             }},
    };
    QVERIFY2(calls.contains(operation), qPrintable(operation));
    QCOMPARE(calls.value(operation)(), QString());
    db.interrupt(); // a no-op on a closed connection
    QVERIFY(!db.isOpen());
}

void tst_Lifecycle::destroyWithPendingWork_data()
{
    QTest::addColumn<QAsyncSqlite::IsolationLevel>("level");
    QTest::addColumn<bool>("commit");
    QTest::newRow("autocommit") << QAsyncSqlite::IsolationLevel::Autocommit << false;
    QTest::newRow("deferred+commit") << QAsyncSqlite::IsolationLevel::Deferred << true;
}

void tst_Lifecycle::destroyWithPendingWork()
{
    QFETCH(QAsyncSqlite::IsolationLevel, level);
    QFETCH(bool, commit);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const int baseline = threadCount();
    QList<QFuture<qint64>> inserts;
    QFuture<void> commitFuture;
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = level, .pragmas = {u"synchronous=OFF"_s}}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i INTEGER)"_s));
        WorkerHold hold(db);
        for (int i = 0; i < 1000; ++i)
            inserts.append(db.executeInsert(u"INSERT INTO t(i) VALUES(?)"_s, {i}));
        if (commit)
            commitFuture = db.commit();
        QVERIFY(!inserts.last().isFinished());
        hold.release();
        // ~QAsyncSqliteConnection runs all of it.
    }
    for (const auto &f : inserts) {
        QVERIFY(f.isFinished());
        QCOMPARE(QAsyncSqliteTest::awaitSuccess(f), QString());
    }
    if (commit)
        QCOMPARE(QAsyncSqliteTest::awaitSuccess(commitFuture), QString());
    QCOMPARE(countRows(tmp.path()), 1000);
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
}

void tst_Lifecycle::destroyWhileLongQueryRuns()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const int baseline = threadCount();
    QSemaphore started;
    QFuture<QVariantList> running;
    QList<QFuture<QVariantList>> queued;
    QFuture<qint64> queuedInsert;
    {
        QAsyncSqliteConnection db;
        db.setShutdownTimeout(200ms);
        QCOMPARE(db.shutdownTimeout(), 200ms);
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
        QASYNCSQLITE_AWAIT(installStarted(db, &started));
        running = db.execute(longQuery);
        for (int i = 0; i < 5; ++i)
            queued.append(db.execute(u"SELECT ?"_s, {i}));
        queuedInsert = db.executeInsert(u"INSERT INTO t VALUES(1)"_s);
        QVERIFY(waitStarted(started));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"destroyed while"_s));
        for (int i = 0; i < 6; ++i)
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropping a queued request"_s));
    }
    // The destructor returned: nothing is left pending.
    QVERIFY(running.isFinished());
    QASYNCSQLITE_AWAIT_ERROR(interrupted, running, QAsyncSqliteOperationalError);
    QCOMPARE(interrupted.code(), SQLITE_INTERRUPT);
    for (const auto &f : queued) {
        QVERIFY(f.isFinished());
        QASYNCSQLITE_AWAIT_ERROR(error, f, QAsyncSqliteOperationalError);
        QCOMPARE(error.code(), SQLITE_ABORT);
    }
    QVERIFY(queuedInsert.isFinished());
    QASYNCSQLITE_AWAIT_ERROR(insertError, queuedInsert, QAsyncSqliteOperationalError);
    QCOMPARE(insertError.code(), SQLITE_ABORT);
    QCOMPARE(countRows(tmp.path()), 0);
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
}

void tst_Lifecycle::destroyBeforeStatementStarts()
{
    // The destructor gives up while the running request is between
    // statements (here: still in C++ code): the statement it starts later
    // must be stopped too, not run to its end.
    QSemaphore started;
    QFuture<int> running;
    {
        QAsyncSqliteConnection db;
        db.setShutdownTimeout(100ms);
        QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
        running = db.run([&started](sqlite3 *h) {
            started.release();
            QThread::msleep(800); // the destructor's timeout passes meanwhile
            return sqlite3_exec(h,
                                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) "
                                "SELECT count(*) FROM c",
                                nullptr, nullptr, nullptr);
        });
        QVERIFY(waitStarted(started));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"destroyed while"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"left to finish on its own"_s));
    }
    // The destructor returned while the body still sleeps (destroyIsBounded).
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(running), QString());
    QCOMPARE(running.result(), SQLITE_INTERRUPT);
}

void tst_Lifecycle::destroyIsBounded_data()
{
    QTest::addColumn<bool>("reopened");
    QTest::newRow("slow run() body") << false;
    QTest::newRow("slow run() body, closed and reopened") << true;
}

void tst_Lifecycle::destroyIsBounded()
{
    // A run() body outlives shutdownTimeout(): the destructor returns soon
    // after it anyway, and the worker finishes on its own without touching
    // the destroyed connection.
    QFETCH(bool, reopened);
    Fault::warmUp();
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const Fault::Baseline baseline;
    auto started = std::make_shared<QSemaphore>();
    auto *db = new QAsyncSqliteConnection;
    db->setShutdownTimeout(200ms);
    QASYNCSQLITE_AWAIT(db->open(tmp.path()));
    QFuture<void> body = db->run([started](sqlite3 *) {
        started->release();
        QThread::msleep(3000);
    });
    QList<QFuture<void>> dropped; // every request the destructor must fail
    for (int i = 0; i < 3; ++i)
        dropped.append(QFuture<void>(db->execute(u"SELECT ?"_s, {i})));
    QFuture<void> closed;
    if (reopened) {
        // The new worker waits for the old one, which is still in the body.
        closed = db->close();
        dropped.append(db->open(tmp.path()));
        dropped.append(QFuture<void>(db->execute(u"SELECT 1"_s)));
    }
    QVERIFY(waitStarted(*started));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"destroyed while"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"left to finish on its own"_s));
    for (qsizetype i = 0; i < dropped.size(); ++i)
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropping a queued request"_s));

    QElapsedTimer timer;
    timer.start();
    delete db;
    const qint64 destroyMs = timer.elapsed();
    qInfo("the destructor returned after %lld ms (shutdownTimeout 200 ms, body 3000 ms)", destroyMs);
    QVERIFY2(destroyMs < 500, qPrintable(QString::number(destroyMs)));
    QVERIFY(!body.isFinished());

    // The body ends normally; everything queued behind it fails.
    QVERIFY(QAsyncSqliteTest::waitForFinished(body, 20s));
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(body), QString());
    for (const QFuture<void> &future : std::as_const(dropped)) {
        QASYNCSQLITE_AWAIT_ERROR(error, future, QAsyncSqliteOperationalError);
        QCOMPARE(error.code(), SQLITE_ABORT);
    }
    if (reopened)
        QASYNCSQLITE_AWAIT(closed);
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Lifecycle::exitWaitsForAbandonedWorker()
{
    // The child destroys a connection whose body outlives the timeout and
    // returns from main() at once: the process must not exit under the body.
    QProcess child;
    child.start(QStringLiteral(QASYNCSQLITE_ABANDONED_EXIT), {});
    QVERIFY2(child.waitForFinished(60000), QASYNCSQLITE_ABANDONED_EXIT);
    const QByteArray errors = child.readAllStandardError();
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.exitCode() == 0, errors.constData());
    QCOMPARE(child.readAllStandardOutput(), QByteArray("connection destroyed\nbody finished\n"));
}

void tst_Lifecycle::cancelQueued_data()
{
    QTest::addColumn<QString>("operation");
    QTest::newRow("execute") << u"execute"_s;
    QTest::newRow("executeInsert") << u"executeInsert"_s;
    QTest::newRow("executeMany") << u"executeMany"_s;
    QTest::newRow("executeScript") << u"executeScript"_s;
    QTest::newRow("transaction") << u"transaction"_s;
    QTest::newRow("run") << u"run"_s;
}

void tst_Lifecycle::cancelQueued()
{
    QFETCH(QString, operation);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
    WorkerHold hold(db);

    std::atomic<bool> ran{false};
    QFuture<void> victim;
    if (operation == u"execute"_s)
        victim = QFuture<void>(db.execute(u"INSERT INTO t VALUES(1)"_s));
    else if (operation == u"executeInsert"_s)
        victim = QFuture<void>(db.executeInsert(u"INSERT INTO t VALUES(1)"_s));
    else if (operation == u"executeMany"_s)
        victim = QFuture<void>(db.executeMany(u"INSERT INTO t VALUES(?)"_s, {{1}, {2}}));
    else if (operation == u"executeScript"_s)
        victim = db.executeScript(u"INSERT INTO t VALUES(1); INSERT INTO t VALUES(2);"_s);
    else if (operation == u"transaction"_s)
        victim = db.transaction([&ran](QAsyncSqliteTransaction &tx) {
            ran = true;
            tx.execute(u"INSERT INTO t VALUES(1)"_s);
        });
    else
        victim = db.run([&ran](sqlite3 *h) {
            ran = true;
            sqlite3_exec(h, "INSERT INTO t VALUES(1)", nullptr, nullptr, nullptr);
        });
    QFuture<QVariantList> next = db.execute(u"SELECT 42"_s);
    QVERIFY(!victim.isFinished());
    victim.cancel();
    hold.release();
    QASYNCSQLITE_AWAIT(hold.future());
    QASYNCSQLITE_AWAIT_RESULT(rows, next);
    QCOMPARE(rows, (QVariantList{QVariantList{42LL}}));
    QVERIFY(victim.isFinished());
    QVERIFY(victim.isCanceled());
    QVERIFY(!ran);
    QASYNCSQLITE_AWAIT_RESULT(count, db.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(count, (QVariantList{QVariantList{0LL}}));
}

void tst_Lifecycle::cancelRunning_data()
{
    QTest::addColumn<bool>("inTransaction");
    QTest::newRow("execute") << false;
    QTest::newRow("transaction") << true;
}

void tst_Lifecycle::cancelRunning()
{
    QFETCH(bool, inTransaction);
    QAsyncSqliteConnection db;
    QSemaphore started;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
    QASYNCSQLITE_AWAIT(installStarted(db, &started));
    QFuture<void> running;
    if (inTransaction) {
        running = db.transaction([](QAsyncSqliteTransaction &tx) {
            tx.execute(u"INSERT INTO t VALUES(1)"_s);
            tx.execute(longQuery);
        });
    } else {
        running = QFuture<void>(db.execute(longQuery));
    }
    QFuture<QVariantList> next = db.execute(u"SELECT count(*) FROM t"_s);
    QVERIFY(waitStarted(started));
    running.cancel();
    QASYNCSQLITE_AWAIT_RESULT(rows, next);
    QCOMPARE(rows, (QVariantList{QVariantList{0LL}})); // the transaction was rolled back
    QVERIFY(running.isFinished());
    QVERIFY(running.isCanceled());
    QVERIFY(!db.inTransaction());
    // The progress handler does not keep cancelling later requests.
    QASYNCSQLITE_AWAIT_RESULT(
            sum,
            db.execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                       "SELECT sum(x) FROM c"_s));
    QCOMPARE(sum, (QVariantList{QVariantList{200010000LL}}));
}

void tst_Lifecycle::interruptRunaway()
{
    QAsyncSqliteConnection db;
    QSemaphore started;
    QSignalSpy errors(&db, &QAsyncSqliteConnection::errorOccurred);
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(installStarted(db, &started));
    QFuture<QVariantList> running = db.execute(longQuery);
    QFuture<QVariantList> next = db.execute(u"SELECT 'after'"_s);
    QVERIFY(waitStarted(started));
    db.interrupt();
    QASYNCSQLITE_AWAIT_ERROR(error, running, QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_INTERRUPT);
    QCOMPARE(error.errorName(), u"SQLITE_INTERRUPT"_s);
    QASYNCSQLITE_AWAIT_RESULT(rows, next);
    QCOMPARE(rows, (QVariantList{QVariantList{u"after"_s}}));
    QVERIFY(db.isOpen());
    QTRY_COMPARE(errors.size(), 1);
}

void tst_Lifecycle::interruptIdle()
{
    QAsyncSqliteConnection never;
    never.interrupt(); // never opened: nothing happens
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    for (int i = 0; i < 3; ++i) {
        db.interrupt();
        QASYNCSQLITE_AWAIT_RESULT(
                rows,
                db.execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) "
                           "SELECT count(*) FROM c"_s));
        QCOMPARE(rows, (QVariantList{QVariantList{5000LL}}));
    }
    QASYNCSQLITE_AWAIT(db.close());
    db.interrupt(); // closed: nothing happens
}

void tst_Lifecycle::openCloseSignals()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QSignalSpy opened(&db, &QAsyncSqliteConnection::opened);
    QSignalSpy closed(&db, &QAsyncSqliteConnection::closed);
    QSignalSpy openChanged(&db, &QAsyncSqliteConnection::openChanged);
    QVERIFY(!db.isOpen());
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QTRY_COMPARE(opened.size(), 1);
    QVERIFY(openChanged.size() >= 1);
    QVERIFY(db.isOpen());
    QCOMPARE(closed.size(), 0);
    const qsizetype changesWhileOpen = openChanged.size();
    QASYNCSQLITE_AWAIT(db.close());
    QTRY_COMPARE(closed.size(), 1);
    QVERIFY(openChanged.size() > changesWhileOpen);
    QCOMPARE(opened.size(), 1);
    QVERIFY(!db.isOpen());
}

void tst_Lifecycle::notifySignalsOnConnectionThread()
{
    QAsyncSqliteConnection db;
    QStringList emitted; // in order, by the slots below
    QStringList offThread; // those emitted on another thread than db's
    const auto record = [&](const QString &name) {
        // Direct: the slot runs on whichever thread emits.
        return [&db, &emitted, &offThread, name] {
            emitted.append(name);
            if (QThread::currentThread() != db.thread())
                offThread.append(name);
        };
    };
    connect(&db, &QAsyncSqliteConnection::isolationLevelChanged, &db, record(u"isolationLevel"_s),
            Qt::DirectConnection);
    connect(&db, &QAsyncSqliteConnection::rowFactoryChanged, &db, record(u"rowFactory"_s), Qt::DirectConnection);
    connect(&db, &QAsyncSqliteConnection::textFactoryChanged, &db, record(u"textFactory"_s), Qt::DirectConnection);
    connect(&db, &QAsyncSqliteConnection::openChanged, &db, record(u"open"_s), Qt::DirectConnection);

    std::thread([&db] {
        db.setIsolationLevel(QAsyncSqlite::IsolationLevel::Immediate);
        db.setRowFactory(QAsyncSqlite::RowFactory::Map);
        db.setRowFactory([](const QAsyncSqliteRow &row) {
            return QVariant(row.toList());
        });
        db.setTextFactory(QAsyncSqlite::TextFactory::Bytes);
        db.open(u":memory:"_s, {.isolationLevel = QAsyncSqlite::IsolationLevel::Exclusive});
    }).join();
    const QStringList expected = {u"isolationLevel"_s, u"rowFactory"_s,     u"rowFactory"_s,
                                  u"textFactory"_s,    u"isolationLevel"_s, u"open"_s};
    QTRY_COMPARE(emitted, expected);
    QCOMPARE(offThread, QStringList());

    // On the connection's own thread the signal comes at once, so that a
    // binding sees the new value synchronously.
    emitted.clear();
    db.setTextFactory(QAsyncSqlite::TextFactory::String);
    QCOMPARE(emitted, QStringList{u"textFactory"_s});

    // A queued emission never reaches a connection destroyed before it ran.
    auto *doomed = new QAsyncSqliteConnection;
    std::thread([doomed] {
        doomed->setTextFactory(QAsyncSqlite::TextFactory::Bytes);
    }).join();
    delete doomed;
    QCoreApplication::processEvents();
}

void tst_Lifecycle::failedOpenSignals()
{
    QAsyncSqliteConnection db;
    QSignalSpy opened(&db, &QAsyncSqliteConnection::opened);
    QSignalSpy closed(&db, &QAsyncSqliteConnection::closed);
    QSignalSpy openChanged(&db, &QAsyncSqliteConnection::openChanged);
    QASYNCSQLITE_AWAIT_ERROR(error, db.open(u"/nonexistent-dir/sub/x.sqlite"_s), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_CANTOPEN);
    QTRY_VERIFY(openChanged.size() >= 2); // open() and the failure
    QVERIFY(!db.isOpen());
    QCoreApplication::processEvents();
    QCOMPARE(opened.size(), 0);
    QCOMPARE(closed.size(), 0);
}

void tst_Lifecycle::threadCountReturnsToBaseline_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("close") << u"close"_s;
    QTest::newRow("destructor") << u"destructor"_s;
    QTest::newRow("reopen-then-close") << u"reopen"_s;
}

void tst_Lifecycle::threadCountReturnsToBaseline()
{
    QFETCH(QString, how);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    // Worker threads of earlier tests (and their reapers, which carry their
    // names) may still be on their way out.
    Fault::waitForWorkersToEnd();
    const int baseline = threadCount();
    auto db = std::make_unique<QAsyncSqliteConnection>();
    QASYNCSQLITE_AWAIT(db->open(tmp.path()));
    QCOMPARE(threadCount(), baseline + 1);
    if (how == u"close"_s) {
        QASYNCSQLITE_AWAIT(db->close());
    } else if (how == u"destructor"_s) {
        db.reset();
    } else {
        QASYNCSQLITE_AWAIT(db->close());
        QASYNCSQLITE_AWAIT(db->open(tmp.path()));
        QTRY_COMPARE(threadCount(), baseline + 1);
        QASYNCSQLITE_AWAIT(db->close());
    }
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
}

void tst_Lifecycle::failedOpenLeavesNoThread()
{
    const int baseline = threadCount();
    QAsyncSqliteConnection db;
    QFuture<void> open = db.open(u"/nonexistent-dir/sub/x.sqlite"_s);
    QFuture<QVariantList> queued = db.execute(u"SELECT 1"_s);
    QASYNCSQLITE_AWAIT_ERROR(error, open, QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_CANTOPEN);
    // A request queued behind the failed open fails too, instead of pending.
    QVERIFY(QAsyncSqliteTest::waitForFinished(queued));
    QASYNCSQLITE_AWAIT_ERROR(queuedError, queued, QAsyncSqliteError);
    QVERIFY(!queuedError.message().isEmpty());
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
    QVERIFY(!db.isOpen());
    // And later requests fail at once.
    QCOMPARE(rejectedAtOnce(db.execute(u"SELECT 1"_s)), QString());
    // The connection can still be opened properly afterwards.
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.close());
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
}

void tst_Lifecycle::workerThreadName_data()
{
    QTest::addColumn<bool>("memory");
    QTest::newRow("file") << false;
    QTest::newRow(":memory:") << true;
}

void tst_Lifecycle::workerThreadName()
{
    QFETCH(bool, memory);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const QString database = memory ? u":memory:"_s : tmp.path();
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(database));
    QASYNCSQLITE_AWAIT_RESULT(tid, db.run([](sqlite3 *) {
        return qint64(gettid());
    }));
    QVERIFY(tid != qint64(gettid()));
    // Linux keeps the first 15 bytes of a thread name.
    const QString expected = (u"QAsyncSqlite "_s + database).left(15);
    QCOMPARE(threadName(tid), expected);
}

void tst_Lifecycle::requestFromUserCode_data()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("function") << u"function"_s;
    QTest::newRow("aggregate") << u"aggregate"_s;
    QTest::newRow("window inverse") << u"window inverse"_s;
    QTest::newRow("window value") << u"window value"_s;
    QTest::newRow("collation") << u"collation"_s;
    QTest::newRow("run") << u"run"_s;
    QTest::newRow("transaction") << u"transaction"_s;
    QTest::newRow("authorizer") << u"authorizer"_s;
    QTest::newRow("progress") << u"progress"_s;
    QTest::newRow("trace") << u"trace"_s;
    QTest::newRow("rowFactory") << u"rowFactory"_s;
    QTest::newRow("cursor") << u"cursor"_s;
}

void tst_Lifecycle::requestFromUserCode()
{
    QFETCH(QString, where);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(v TEXT); INSERT INTO t VALUES('a'), ('b');"_s));

    // Set by the user code (on the worker), read after the outer request.
    auto outcome = std::make_shared<QString>();
    auto attempts = std::make_shared<std::atomic<int>>(0);
    auto tryNested = [&db, outcome, attempts] {
        if (attempts->fetch_add(1) > 0)
            return; // once is enough
        QFuture<QVariantList> nested = db.execute(u"SELECT 1"_s);
        if (!nested.isFinished()) {
            *outcome = u"pending"_s; // would deadlock anyone waiting for it here
            return;
        }
        try {
            nested.waitForFinished();
            *outcome = u"succeeded"_s;
        } catch (const QAsyncSqliteProgrammingError &e) {
            *outcome = u"ProgrammingError:"_s + e.errorName();
        } catch (const QAsyncSqliteError &e) {
            *outcome = u"other:"_s + e.errorName();
        }
    };

    QFuture<void> outer;
    if (where == u"function"_s) {
        QASYNCSQLITE_AWAIT(db.createFunction(u"nested"_s, 0, [tryNested](const QVariantList &) {
            tryNested();
            return QVariant(1);
        }));
        outer = QFuture<void>(db.execute(u"SELECT nested()"_s));
    } else if (where == u"aggregate"_s) {
        QASYNCSQLITE_AWAIT(
                db.createAggregate(u"nestedagg"_s, 1, 0, [tryNested](const QVariant &s, const QVariantList &) {
                    tryNested();
                    return s;
                }));
        outer = QFuture<void>(db.execute(u"SELECT nestedagg(v) FROM t"_s));
    } else if (where.startsWith(u"window"_s)) {
        const bool inInverse = where == u"window inverse"_s;
        QASYNCSQLITE_AWAIT(db.createWindowFunction(
                u"nestedwin"_s, 1, 0,
                [](const QVariant &s, const QVariantList &) {
                    return s;
                },
                [tryNested, inInverse](const QVariant &s, const QVariantList &) {
                    if (inInverse)
                        tryNested();
                    return s;
                },
                [tryNested, inInverse](const QVariant &s) {
                    if (!inInverse)
                        tryNested();
                    return s;
                }));
        // A one-row frame: every row after the first takes one out.
        outer = QFuture<void>(db.execute(u"SELECT nestedwin(v) OVER (ROWS CURRENT ROW) FROM t"_s));
    } else if (where == u"collation"_s) {
        QASYNCSQLITE_AWAIT(db.createCollation(u"nestedcoll"_s, [tryNested](const QString &a, const QString &b) {
            tryNested();
            return a.compare(b);
        }));
        outer = QFuture<void>(db.execute(u"SELECT v FROM t ORDER BY v COLLATE nestedcoll"_s));
    } else if (where == u"run"_s) {
        outer = db.run([tryNested](sqlite3 *) {
            tryNested();
        });
    } else if (where == u"transaction"_s) {
        outer = db.transaction([tryNested](QAsyncSqliteTransaction &) {
            tryNested();
        });
    } else if (where == u"authorizer"_s) {
        QASYNCSQLITE_AWAIT(
                db.setAuthorizer([tryNested](int, const QString &, const QString &, const QString &, const QString &) {
                    tryNested();
                    return SQLITE_OK;
                }));
        outer = QFuture<void>(db.execute(u"SELECT v FROM t"_s));
    } else if (where == u"progress"_s) {
        QASYNCSQLITE_AWAIT(db.setProgressHandler(
                [tryNested] {
                    tryNested();
                    return 0;
                },
                10));
        outer = QFuture<void>(
                db.execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) "
                           "SELECT count(*) FROM c"_s));
    } else if (where == u"trace"_s) {
        QASYNCSQLITE_AWAIT(db.setTraceCallback([tryNested](const QString &) {
            tryNested();
        }));
        outer = QFuture<void>(db.execute(u"SELECT v FROM t"_s));
    } else if (where == u"rowFactory"_s) {
        db.setRowFactory([tryNested](const QAsyncSqliteRow &row) {
            tryNested();
            return QVariant(row.toList());
        });
        outer = QFuture<void>(db.execute(u"SELECT v FROM t"_s));
    } else {
        QASYNCSQLITE_AWAIT(db.createFunction(u"nested"_s, 0, [tryNested](const QVariantList &) {
            tryNested();
            return QVariant(1);
        }));
        QAsyncSqliteCursor *cursor = db.cursor(u"SELECT nested() FROM t"_s);
        outer = QFuture<void>(cursor->fetchAll());
    }
    QASYNCSQLITE_AWAIT(outer);
    QVERIFY(attempts->load() >= 1);
    QCOMPARE(*outcome, u"ProgrammingError:SQLITE_MISUSE"_s);
    // The connection still works from the outside.
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows.size(), 1);
}

void tst_Lifecycle::deleteFromWorkerContinuation()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QTRY_VERIFY(threadCount() > 0);
    const int baseline = threadCount();
    auto *db = new QAsyncSqliteConnection;
    std::atomic<bool> destroyed{false};
    connect(
            db, &QObject::destroyed, db,
            [&destroyed] {
                destroyed = true;
            },
            Qt::DirectConnection);
    QASYNCSQLITE_AWAIT(db->open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db->execute(u"CREATE TABLE t(i)"_s));
    WorkerHold hold(*db);
    QFuture<qint64> before = db->executeInsert(u"INSERT INTO t VALUES(1)"_s);
    QFuture<void> deleter = db->execute(u"SELECT 1"_s).then([db](const QVariantList &) {
        delete db;
    });
    QFuture<qint64> after = db->executeInsert(u"INSERT INTO t VALUES(2)"_s);
    hold.release();
    // Don't run the event loop while the worker deletes the object: wait
    // for the deletion without touching the connection.
    for (int i = 0; i < 2000 && !destroyed; ++i)
        QThread::msleep(10);
    QVERIFY(destroyed);
    QVERIFY(QAsyncSqliteTest::waitForFinished(deleter));
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(deleter), QString());
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(before), QString());
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(after), QString());
    QTRY_VERIFY2(threadCount() <= baseline,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
    QCOMPARE(countRows(tmp.path()), 2);
}

QTEST_GUILESS_MAIN(tst_Lifecycle)
#include "tst_lifecycle.moc"
