// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Races and teardown under load: "nothing lost" (doc/cancellation.md, close protocol
// and cancellation). Every future reaches exactly one terminal state within a
// bound, nothing is delivered to a destroyed context, and threads, fds and
// sqlite3_memory_used() return to their baseline. tests/auto/lifecycle covers
// the single-threaded, small cases; this file adds the load, the races and the
// process exit.
#include "faultcommon.h"
#include "longquery.h"
#include "resourcebaseline.h"
#include "workerhold.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteBlob>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qpointer.h>
#include <QtCore/qprocess.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qsemaphore.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Fault::countRows;
using Fault::terminalState;

namespace {

// Counts warnings that contain a text, forwarding every message.
class WarningCounter
{
public:
    explicit WarningCounter(const char *text) : m_text(text)
    {
        s_self = this;
        m_previous = qInstallMessageHandler(&handler);
    }
    ~WarningCounter()
    {
        qInstallMessageHandler(m_previous);
        s_self = nullptr;
    }
    int count() const { return m_count.load(); }

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        WarningCounter *self = s_self;
        if (self && type == QtWarningMsg && message.contains(QLatin1String(self->m_text))) {
            self->m_count.fetch_add(1);
            return; // counted, not printed: there are thousands
        }
        if (self && self->m_previous)
            self->m_previous(type, context, message);
    }
    static inline WarningCounter *s_self = nullptr;
    const char *m_text;
    std::atomic<int> m_count{0};
    QtMessageHandler m_previous = nullptr;
};

// A QObject whose slot closes a connection; invoked on the worker thread.
class Closer : public QObject
{
    Q_OBJECT
public:
    explicit Closer(QAsyncSqliteConnection *db) : m_db(db) { }
    QFuture<void> result;
    QThread *ranOn = nullptr;

Q_SIGNALS:
    void trigger();

public Q_SLOTS:
    void closeNow()
    {
        ranOn = QThread::currentThread();
        result = m_db->close();
    }

private:
    QAsyncSqliteConnection *m_db;
};

// --- the child process of appQuitsWithConnectionsOpen ----------------------

struct StaticHolder
{
    QAsyncSqliteConnection first;
    QAsyncSqliteConnection second;
};

// Queues writes and a commit on every connection of \a connections, quits
// the application at once and returns from main() without closing anything.
int childMain(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString mode = QString::fromLocal8Bit(argv[2]);
    const QString dir = QString::fromLocal8Bit(argv[3]);
    QList<QAsyncSqliteConnection *> connections;
    if (mode == u"static"_s || mode == u"both"_s) {
        // Function-local static: destroyed by exit(), after main() returned
        // and after QCoreApplication is gone.
        static StaticHolder holder;
        connections << &holder.first << &holder.second;
    }
    if (mode == u"app-child"_s || mode == u"both"_s) {
        // Destroyed by ~QObject of the application (its children), when
        // QCoreApplication::instance() is already null.
        connections << new QAsyncSqliteConnection(&app) << new QAsyncSqliteConnection(&app);
    }
    int index = 0;
    for (QAsyncSqliteConnection *db : std::as_const(connections)) {
        const QString path = u"%1/db%2.sqlite"_s.arg(dir).arg(index++);
        db->open(path, {.busyTimeout = 5s, .isolationLevel = QAsyncSqlite::IsolationLevel::Deferred});
        db->execute(u"CREATE TABLE t(i INTEGER, v TEXT)"_s);
        db->commit();
        for (int i = 0; i < 2000; ++i)
            db->executeInsert(u"INSERT INTO t VALUES(?, ?)"_s, {i, QString(100, QLatin1Char('x'))});
        db->commit();
        // A write after the commit, left in an open implicit transaction:
        // the close rolls it back, the committed rows stay.
        db->executeInsert(u"INSERT INTO t VALUES(-1, 'uncommitted')"_s);
    }
    QTimer::singleShot(0, &app, &QCoreApplication::quit);
    return app.exec();
}

} // namespace

class tst_Races : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void destroyWith10kQueuedDuringLongQuery();
    void closeConcurrentlyFromTwoThreads();
    void closeFromCallerContinuation();
    void closeFromSlotOnWorker_data();
    void closeFromSlotOnWorker();
    void callsWhileAndAfterClosing();
    void cursorAndBlobAfterClose();
    void cancelOpen();
    void cancelRunningKinds_data();
    void cancelRunningKinds();
    void cancelFinishedUndelivered();
    void cancelTransactionSteps_data();
    void cancelTransactionSteps();
    void cancelDuringCommitRace();
    void interruptRacingClose();
    void contextDeletedBeforeResult_data();
    void contextDeletedBeforeResult();
    void connectionDeletedWithSignalsPending();
    void appQuitsWithConnectionsOpen_data();
    void appQuitsWithConnectionsOpen();
};

void tst_Races::initTestCase()
{
    Fault::warmUp();
}

void tst_Races::destroyWith10kQueuedDuringLongQuery()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    QSemaphore started;
    QFuture<QVariantList> running;
    QList<QFuture<qint64>> queued;
    qint64 destructorMs = 0;
    const auto shutdownTimeout = 300ms;
    int dropWarnings = 0;
    {
        WarningCounter dropped("dropping a queued request");
        {
            QAsyncSqliteConnection db;
            db.setShutdownTimeout(shutdownTimeout);
            QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
            QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
            QASYNCSQLITE_AWAIT(installStarted(db, &started));
            running = db.execute(longQuery);
            queued.reserve(10000);
            for (int i = 0; i < 10000; ++i)
                queued.append(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {i}));
            QVERIFY(waitStarted(started));
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"destroyed while"_s));
            QElapsedTimer timer;
            timer.start();
            // ~QAsyncSqliteConnection: waits shutdownTimeout, interrupts, fails the rest.
            QObject::connect(&db, &QObject::destroyed, [&timer, &destructorMs] {
                destructorMs = timer.elapsed();
            });
        }
        // The destructor gives the worker only a short grace after the
        // interrupt: failing 10k requests may take longer (under TSan). The
        // last one fails last.
        QVERIFY(QAsyncSqliteTest::waitForFinished(queued.last()));
        dropWarnings = dropped.count();
    }
    // Bounded: the destructor did not wait for the query (minutes) nor run
    // the 10k inserts one by one after its timeout.
    QVERIFY2(destructorMs < shutdownTimeout.count() + 5000, qPrintable(QString::number(destructorMs)));
    QCOMPARE(terminalState(running), u"error:SQLITE_INTERRUPT"_s);
    int aborted = 0;
    for (const auto &f : std::as_const(queued)) {
        const QString state = terminalState(f);
        QVERIFY2(state == u"error:SQLITE_ABORT"_s, qPrintable(state)); // never pending, never silent
        ++aborted;
    }
    QCOMPARE(aborted, 10000);
    // Each dropped write was reported ("never loses a queued write silently").
    QCOMPARE(dropWarnings, 10000);
    QCOMPARE(countRows(tmp.path()), 0);
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::closeConcurrentlyFromTwoThreads()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    for (int round = 0; round < 100; ++round) {
        QAsyncSqliteConnection db;
        QSignalSpy closed(&db, &QAsyncSqliteConnection::closed);
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
        if (round == 0)
            QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
        QList<QFuture<qint64>> inserts;
        for (int i = 0; i < 20; ++i)
            inserts.append(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {i}));
        QSemaphore ready, go;
        QFuture<void> a, b;
        std::thread ta([&] {
            ready.release();
            go.acquire();
            a = db.close();
        });
        std::thread tb([&] {
            ready.release();
            go.acquire();
            b = db.close();
        });
        const bool bothReady = ready.tryAcquire(2, 20000);
        go.release(2); // both call close() at once
        ta.join();
        tb.join();
        QVERIFY(bothReady);
        QCOMPARE(QAsyncSqliteTest::awaitSuccess(a), QString());
        QCOMPARE(QAsyncSqliteTest::awaitSuccess(b), QString());
        for (const auto &f : std::as_const(inserts))
            QCOMPARE(terminalState(f), u"result"_s); // queued before close: ran
        QVERIFY(!db.isOpen());
        QTRY_COMPARE(closed.size(), 1);
        QCoreApplication::processEvents();
        QCOMPARE(closed.size(), 1); // one close, one closed()
    }
    QCOMPARE(countRows(tmp.path()), 100 * 20);
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::closeFromCallerContinuation()
{
    // then(this, …) on the caller's thread closes while a thousand requests
    // are still queued behind the one it continues. synchronous=OFF: the
    // close waits for the thousand autocommit INSERTs, and an fsync each took
    // longer than that wait on a busy disk.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(
                tmp.path(),
                {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit, .pragmas = {u"synchronous=OFF"_s}}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
        QFuture<void> closeFuture;
        // Hold the worker: were SELECT 1 finished before then() attaches,
        // Qt would run the continuation right inside then(), before the
        // inserts below are queued.
        WorkerHold hold(db);
        QFuture<void> continuation = db.execute(u"SELECT 1"_s).then(this, [&](const QVariantList &) {
            closeFuture = db.close();
        });
        QList<QFuture<qint64>> queued;
        for (int i = 0; i < 1000; ++i)
            queued.append(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {i}));
        hold.release();
        QASYNCSQLITE_AWAIT(continuation);
        QASYNCSQLITE_AWAIT(closeFuture);
        for (const auto &f : std::as_const(queued))
            QCOMPARE(terminalState(f), u"result"_s);
        // After the close: rejected at once.
        QFuture<QVariantList> late = db.execute(u"SELECT 1"_s);
        QVERIFY(late.isFinished());
        QCOMPARE(terminalState(late), u"error:SQLITE_MISUSE"_s);
    }
    QCOMPARE(countRows(tmp.path()), 1000);
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::closeFromSlotOnWorker_data()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("run() body") << u"run"_s;
    QTest::newRow("user function mid-statement") << u"function"_s;
    QTest::newRow("trace callback") << u"trace"_s;
    QTest::newRow("transaction() body") << u"transaction"_s;
}

void tst_Races::closeFromSlotOnWorker()
{
    // A slot connected with Qt::DirectConnection runs on the worker when the
    // signal is emitted from code running there: close() must neither
    // deadlock nor lose what was queued before it.
    QFETCH(QString, where);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        Closer closer(&db);
        connect(&closer, &Closer::trigger, &closer, &Closer::closeNow, Qt::DirectConnection);
        QSignalSpy closedSpy(&db, &QAsyncSqliteConnection::closed);
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
        auto fire = std::make_shared<std::atomic<bool>>(false);
        auto once = [&closer, fire] {
            if (!fire->exchange(true))
                Q_EMIT closer.trigger();
        };
        if (where == u"function"_s) {
            QASYNCSQLITE_AWAIT(db.createFunction(u"closer"_s, 0, [once](const QVariantList &) {
                once();
                return QVariant(1);
            }));
        } else if (where == u"trace"_s) {
            QASYNCSQLITE_AWAIT(db.setTraceCallback([once](const QString &sql) {
                if (sql.contains(u"fire"_s))
                    once();
            }));
        }
        // Hold the worker until the requests below are queued, so that they
        // are queued before the slot's close() whatever the timing.
        WorkerHold hold(db);
        QFuture<void> outer;
        if (where == u"run"_s) {
            outer = db.run([once](sqlite3 *) {
                once();
            });
        } else if (where == u"function"_s) {
            outer = QFuture<void>(db.execute(u"SELECT closer() FROM (SELECT 1 UNION ALL SELECT 2)"_s));
        } else if (where == u"trace"_s) {
            outer = QFuture<void>(db.execute(u"SELECT 'fire'"_s));
        } else {
            outer = db.transaction([once](QAsyncSqliteTransaction &tx) {
                tx.execute(u"INSERT INTO t VALUES(-1)"_s);
                once();
            });
        }
        QList<QFuture<qint64>> before; // queued before the slot's close()
        for (int i = 0; i < 100; ++i)
            before.append(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {i}));
        hold.release();
        QASYNCSQLITE_AWAIT(outer);
        QVERIFY(fire->load());
        QVERIFY(closer.ranOn != QThread::currentThread()); // really on the worker
        QVERIFY(closer.result.isValid());
        QASYNCSQLITE_AWAIT(closer.result);
        // The slot ran while those were already queued: they all ran.
        for (const auto &f : std::as_const(before))
            QCOMPARE(terminalState(f), u"result"_s);
        QVERIFY(!db.isOpen());
        QTRY_COMPARE(closedSpy.size(), 1);
    }
    QCOMPARE(countRows(tmp.path(), u"SELECT count(*) FROM t WHERE i >= 0"_s), 100);
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::callsWhileAndAfterClosing()
{
    // Requests from four threads race a close(): each one either runs (it
    // was queued before the close) or is rejected with SQLITE_MISUSE; none
    // is left pending, and what ran is in the file. synchronous=OFF: up to
    // 800 autocommit INSERTs run before the close, and waiting for an fsync
    // each took longer than the wait for the close on a busy disk.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    for (int round = 0; round < 20; ++round) {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(
                tmp.path(),
                {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit, .pragmas = {u"synchronous=OFF"_s}}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE IF NOT EXISTS t(i)"_s));
        QASYNCSQLITE_AWAIT(db.execute(u"DELETE FROM t"_s));
        constexpr int Threads = 4, PerThread = 200;
        std::vector<QList<QFuture<qint64>>> futures(Threads);
        QSemaphore go;
        std::vector<std::thread> threads;
        for (int t = 0; t < Threads; ++t) {
            threads.emplace_back([&, t] {
                go.acquire();
                for (int i = 0; i < PerThread; ++i)
                    futures[t].append(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {t * 1000 + i}));
            });
        }
        go.release(Threads);
        QThread::usleep(200);
        QFuture<void> closed = db.close();
        for (auto &thread : threads)
            thread.join();
        QASYNCSQLITE_AWAIT(closed);
        int ran = 0;
        for (const auto &list : futures) {
            for (const auto &f : list) {
                const QString state = terminalState(f);
                QVERIFY2(state == u"result"_s || state == u"error:SQLITE_MISUSE"_s, qPrintable(state));
                ran += state == u"result"_s;
            }
        }
        QCOMPARE(countRows(tmp.path()), qint64(ran));
        // Everything is rejected now, at once.
        QCOMPARE(terminalState(db.execute(u"SELECT 1"_s)), u"error:SQLITE_MISUSE"_s);
        QCOMPARE(terminalState(db.commit()), u"error:SQLITE_MISUSE"_s);
        db.setIsolationLevel(QAsyncSqlite::IsolationLevel::Immediate); // no worker: just stored
        db.setRowFactory(QAsyncSqlite::RowFactory::Map);
        QVERIFY(!db.inTransaction());
        db.interrupt();
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::cursorAndBlobAfterClose()
{
    // Objects created while open, used after the connection closed.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path()));
        QASYNCSQLITE_AWAIT(
                db.executeScript(u"CREATE TABLE t(i, b BLOB); "
                                 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500) "
                                 "INSERT INTO t SELECT x, zeroblob(100) FROM c;"_s));
        QAsyncSqliteCursor *halfRead = db.cursor(u"SELECT i FROM t"_s);
        QASYNCSQLITE_AWAIT_RESULT(some, halfRead->fetchMany(10));
        QCOMPARE(some.size(), 10);
        QAsyncSqliteCursor *streaming = db.cursor(u"SELECT i FROM t"_s);
        QFuture<void> stream = streaming->stream(); // bounded read-ahead: parks without a consumer
        QASYNCSQLITE_AWAIT_RESULT(blob, db.blobOpen(u"t"_s, u"b"_s, 1));
        QVERIFY(blob);
        std::unique_ptr<QAsyncSqliteBlob> blobOwner(blob);
        QASYNCSQLITE_AWAIT(db.close());
        QVERIFY(QAsyncSqliteTest::waitForFinished(stream));
        // Ended (delivered in full while the test waited, or cut by the close), not pending.
        const QString streamState = terminalState(stream);
        QVERIFY2(streamState == u"result"_s || streamState.startsWith(u"error:"_s), qPrintable(streamState));

        const QList<std::function<QString()>> calls = {
                [&] {
                    return terminalState(halfRead->fetchOne());
                },
                [&] {
                    return terminalState(halfRead->fetchMany(5));
                },
                [&] {
                    return terminalState(halfRead->fetchAll());
                },
                [&] {
                    return terminalState(halfRead->execute(u"SELECT 1"_s));
                },
                [&] {
                    return terminalState(halfRead->executeMany(u"INSERT INTO t(i) VALUES(?)"_s, {{1}}));
                },
                [&] {
                    return terminalState(halfRead->executeScript(u"SELECT 1;"_s));
                },
                [&] {
                    return terminalState(halfRead->stream());
                },
                [&] {
                    return terminalState(streaming->fetchAll());
                },
                [&] {
                    return terminalState(blob->read(10));
                },
                [&] {
                    return terminalState(blob->write(QByteArray(10, 'x')));
                },
                [&] {
                    return terminalState(blob->seek(5));
                },
        };
        for (int i = 0; i < calls.size(); ++i) {
            const QString state = calls.at(i)();
            QVERIFY2(state == u"error:SQLITE_MISUSE"_s, qPrintable(u"call %1: %2"_s.arg(i).arg(state)));
        }
        const QString cursorClose = terminalState(halfRead->close());
        QVERIFY2(cursorClose == u"result"_s || cursorClose == u"error:SQLITE_MISUSE"_s, qPrintable(cursorClose));
        const QString blobClose = terminalState(blob->close());
        QVERIFY2(blobClose == u"result"_s || blobClose == u"error:SQLITE_MISUSE"_s, qPrintable(blobClose));
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::cancelOpen()
{
    // open()'s future canceled before the worker ran it: the connection
    // must not go on with a null handle (found by tests/fuzz: a later
    // setLimit() called sqlite3_limit(nullptr)). Every request behind it
    // ends with a typed error and the worker ends; a later open() works.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    int hits = 0;
    for (int round = 0; round < 100; ++round) {
        QAsyncSqliteConnection db;
        QFuture<void> open = db.open(tmp.path());
        open.cancel(); // almost always before the new thread got to it
        QList<QFuture<void>> after{
                QFuture<void>(db.setLimit(SQLITE_LIMIT_LENGTH, 1000)),
                QFuture<void>(db.execute(u"SELECT 1"_s)),
                db.commit(),
                db.rollback(),
                QFuture<void>(db.run([](sqlite3 *h) {
                    return sqlite3_get_autocommit(h);
                })),
                db.setProgressHandler(
                        [] {
                            return 0;
                        },
                        100),
                QFuture<void>(db.serialize()),
                QFuture<void>(db.iterDump()),
                QFuture<void>(db.cursor(u"SELECT 1"_s)->fetchAll()),
        };
        QVERIFY(QAsyncSqliteTest::waitForFinished(open));
        const QString openState = terminalState(open);
        for (const auto &f : std::as_const(after))
            QVERIFY(QAsyncSqliteTest::waitForFinished(f));
        // QFuture::cancel() also marks an already finished future canceled:
        // then open() had won the race and the connection is open, so every
        // request behind it runs. Otherwise none may run.
        const bool openWon = terminalState(after.first()) == u"result"_s;
        for (const auto &f : std::as_const(after)) {
            const QString state = terminalState(f);
            if (openState == u"canceled"_s && !openWon)
                QVERIFY2(state.startsWith(u"error:SQLITE_"_s), qPrintable(state));
            else if (openState == u"canceled"_s)
                QVERIFY2(state == u"result"_s, qPrintable(state));
            else
                QVERIFY2(state == u"result"_s || state.startsWith(u"error:SQLITE_"_s), qPrintable(state));
        }
        if (openState == u"canceled"_s && !openWon) {
            ++hits;
            QTRY_VERIFY(!db.isOpen());
            QASYNCSQLITE_AWAIT(db.open(tmp.path())); // usable again
            QASYNCSQLITE_AWAIT(db.execute(u"SELECT 1"_s));
        }
    }
    QVERIFY2(hits > 0, "no cancel landed before the open ran");
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::cancelRunningKinds_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("executeMany") << u"executeMany"_s;
    QTest::newRow("cursor fetchAll") << u"fetchAll"_s;
    QTest::newRow("run() with SQL") << u"run"_s;
    QTest::newRow("executeScript") << u"executeScript"_s;
    QTest::newRow("iterDump") << u"iterDump"_s;
}

void tst_Races::cancelRunningKinds()
{
    // tests/auto/lifecycle cancels a running execute() and transaction();
    // the other long-running request kinds must stop as promptly.
    QFETCH(QString, kind);
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QSemaphore started;
        QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
        QASYNCSQLITE_AWAIT(installStarted(db, &started));
        QFuture<void> running;
        if (kind == u"executeMany"_s) {
            QList<QVariantList> sets;
            for (int i = 0; i < 10000; ++i)
                sets.append(QVariantList{i});
            // Each row takes 5 ms in C++ (no progress handler there): 50 s in all.
            QASYNCSQLITE_AWAIT(db.createFunction(u"slow"_s, 1, [&started](const QVariantList &args) {
                started.release();
                QThread::msleep(5);
                return args.value(0);
            }));
            running = QFuture<void>(db.executeMany(u"INSERT INTO t VALUES(slow(?))"_s, sets));
        } else if (kind == u"fetchAll"_s) {
            QAsyncSqliteCursor *cursor =
                    db.cursor(QString(longQuery).replace(u"SELECT count(*) FROM c"_s, u"SELECT x FROM c"_s));
            running = QFuture<void>(cursor->fetchAll());
        } else if (kind == u"run"_s) {
            running = QFuture<void>(db.run([](sqlite3 *h) {
                return sqlite3_exec(h, longQuery.toUtf8().constData(), nullptr, nullptr, nullptr);
            }));
        } else if (kind == u"executeScript"_s) {
            running = db.executeScript(u"SELECT 1; "_s + longQuery + u"; SELECT 2;"_s);
        } else {
            // A table whose dump is long: many rows, each formatted.
            QASYNCSQLITE_AWAIT(
                    db.execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) "
                               "INSERT INTO t SELECT x FROM c"_s));
            QFuture<QString> dump = db.iterDump();
            running = QFuture<void>(dump);
            // Running once it has reported its first statements.
            for (int i = 0; i < 20000 && dump.resultCount() < 3 && !dump.isFinished(); ++i)
                QThread::msleep(1);
            QVERIFY(!dump.isFinished());
            started.release();
        }
        QFuture<QVariantList> next = db.execute(u"SELECT 'next'"_s);
        QVERIFY(waitStarted(started));
        running.cancel();
        QASYNCSQLITE_AWAIT_RESULT(rows, next); // bounded: the default test timeout
        QCOMPARE(rows, (QVariantList{QVariantList{u"next"_s}}));
        QVERIFY(running.isFinished());
        QVERIFY(running.isCanceled());
        QVERIFY(db.isOpen());
        // The cancel does not stick to later requests.
        QASYNCSQLITE_AWAIT_RESULT(
                sum,
                db.execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                           "SELECT sum(x) FROM c"_s));
        QCOMPARE(sum, (QVariantList{QVariantList{200010000LL}}));
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::cancelFinishedUndelivered()
{
    // The request ran and its future finished on the worker, but the
    // then(this, …) continuation and the watcher's signals are still queued
    // to this thread when cancel() comes. Qt 6.4: cancel() on a finished
    // future sets Canceled anyway; the queued continuation then sees a
    // canceled parent and its own future ends canceled without running the
    // body. Either way: exactly one terminal state for each future, one
    // finished() per watcher, and the write is durable (a late cancel does
    // not undo what already ran).
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
        for (int round = 0; round < 50; ++round) {
            QFuture<qint64> insert = db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {round});
            QFutureWatcher<qint64> watcher;
            int finishedSignals = 0;
            connect(&watcher, &QFutureWatcherBase::finished, this, [&finishedSignals] {
                ++finishedSignals;
            });
            watcher.setFuture(insert);
            int bodyRuns = 0;
            QFuture<int> continuation = insert.then(this, [&bodyRuns](qint64) {
                return ++bodyRuns;
            });
            insert.waitForFinished(); // no event loop: nothing delivered yet
            QVERIFY(insert.isFinished());
            insert.cancel();
            QVERIFY(QAsyncSqliteTest::waitForFinished(continuation));
            const QString state = terminalState(continuation);
            QVERIFY2((state == u"canceled"_s && bodyRuns == 0) || (state == u"result"_s && bodyRuns == 1),
                     qPrintable(u"%1, body ran %2 times"_s.arg(state).arg(bodyRuns)));
            QTRY_COMPARE(finishedSignals, 1);
            QCoreApplication::processEvents();
            QCOMPARE(finishedSignals, 1);
            QCOMPARE(bodyRuns <= 1, true);
        }
        QASYNCSQLITE_AWAIT_RESULT(count, db.execute(u"SELECT count(*) FROM t"_s));
        QCOMPARE(count, (QVariantList{QVariantList{50LL}}));
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::cancelTransactionSteps_data()
{
    QTest::addColumn<QString>("step");
    QTest::newRow("before BEGIN (queued)") << u"queued"_s;
    QTest::newRow("inside fn, in a statement") << u"statement"_s;
    QTest::newRow("inside fn, between statements") << u"between"_s;
    QTest::newRow("at the end of fn, before COMMIT") << u"end"_s;
    QTest::newRow("nested savepoint, at the end of fn") << u"nested"_s;
}

void tst_Races::cancelTransactionSteps()
{
    // A canceled transaction() leaves nothing behind: its writes are rolled
    // back, no lock is held (a second connection can BEGIN IMMEDIATE at
    // once), and the connection takes the next request.
    QFETCH(QString, step);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QAsyncSqliteConnection other;
        QSemaphore started, proceed;
        auto releaseAll = qScopeGuard([&] {
            proceed.release(100);
        });
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"journal_mode=WAL"_s}}));
        QASYNCSQLITE_AWAIT(other.open(tmp.path(), {.busyTimeout = 0ms}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(i)"_s));
        QASYNCSQLITE_AWAIT(db.commit());
        QASYNCSQLITE_AWAIT(installStarted(db, &started));
        auto self = std::make_shared<QFuture<void>>();
        QFuture<void> tx;
        QFuture<void> gate;
        if (step == u"queued"_s) {
            gate = db.run([&](sqlite3 *) {
                started.release();
                proceed.acquire();
            });
            tx = db.transaction([](QAsyncSqliteTransaction &t) {
                t.execute(u"INSERT INTO t VALUES(1)"_s);
            });
        } else if (step == u"statement"_s) {
            tx = db.transaction([](QAsyncSqliteTransaction &t) {
                t.execute(u"INSERT INTO t VALUES(1)"_s);
                t.execute(longQuery);
            });
        } else if (step == u"between"_s) {
            tx = db.transaction([&](QAsyncSqliteTransaction &t) {
                t.execute(u"INSERT INTO t VALUES(1)"_s);
                started.release();
                proceed.acquire(); // the test cancels meanwhile
                t.execute(u"INSERT INTO t VALUES(2)"_s);
            });
        } else if (step == u"end"_s) {
            tx = db.transaction([&](QAsyncSqliteTransaction &t) {
                t.execute(u"INSERT INTO t VALUES(1)"_s);
                started.release();
                proceed.acquire(); // the test cancels meanwhile; fn returns normally
            });
        } else {
            // An outer transaction is open: transaction() nests as a savepoint.
            QASYNCSQLITE_AWAIT(db.execute(u"BEGIN"_s));
            QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(100)"_s));
            tx = db.transaction([&](QAsyncSqliteTransaction &t) {
                t.execute(u"INSERT INTO t VALUES(1)"_s);
                started.release();
                proceed.acquire();
            });
        }
        QFuture<QVariantList> next = db.execute(u"SELECT count(*) FROM t"_s);
        QVERIFY(waitStarted(started));
        tx.cancel();
        proceed.release();
        QASYNCSQLITE_AWAIT_RESULT(rows, next);
        QCOMPARE(terminalState(tx), u"canceled"_s);
        if (step == u"nested"_s) {
            // The savepoint's row is gone, the outer transaction's stays.
            QCOMPARE(rows, (QVariantList{QVariantList{1LL}}));
            QVERIFY(db.inTransaction());
            QASYNCSQLITE_AWAIT(db.rollback());
        } else {
            QCOMPARE(rows, (QVariantList{QVariantList{0LL}})); // rolled back (or never begun)
        }
        QVERIFY(!db.inTransaction());
        // No lock left behind: the other connection gets the write lock at
        // once (busy timeout 0).
        QASYNCSQLITE_AWAIT(other.execute(u"BEGIN IMMEDIATE"_s));
        QASYNCSQLITE_AWAIT(other.execute(u"INSERT INTO t VALUES(3)"_s));
        QASYNCSQLITE_AWAIT(other.commit());
        QASYNCSQLITE_AWAIT_RESULT(after, db.execute(u"SELECT count(*) FROM t"_s));
        QCOMPARE(after, (QVariantList{QVariantList{1LL}}));
        QVERIFY(gate.isFinished() || !gate.isValid());
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::cancelDuringCommitRace()
{
    // The cancel lands at an arbitrary moment around COMMIT. Whatever the
    // timing, the outcome is all or nothing: either every row of the
    // transaction is in the file or none is, no lock is held afterwards, and
    // a future that reports a result means committed.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QAsyncSqliteConnection other;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"journal_mode=WAL"_s, u"synchronous=FULL"_s}}));
        QASYNCSQLITE_AWAIT(other.open(tmp.path(), {.busyTimeout = 0ms}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(round, i, pad)"_s));
        QASYNCSQLITE_AWAIT(db.commit());
        int committed = 0, rolledBack = 0;
        for (int round = 0; round < 60; ++round) {
            std::atomic<bool> bodyDone{false};
            QFuture<void> tx = db.transaction([round, &bodyDone](QAsyncSqliteTransaction &t) {
                QList<QVariantList> rows;
                for (int i = 0; i < 200; ++i)
                    rows.append({round, i, QByteArray(512, 'p')});
                t.executeMany(u"INSERT INTO t VALUES(?, ?, ?)"_s, rows);
                bodyDone = true;
            });
            while (!bodyDone.load())
                QThread::yieldCurrentThread();
            QThread::usleep(unsigned(round * 37 % 2000)); // sweep the cancel across the COMMIT
            tx.cancel();
            QVERIFY(QAsyncSqliteTest::waitForFinished(tx));
            QASYNCSQLITE_AWAIT_RESULT(count, db.execute(u"SELECT count(*) FROM t WHERE round = ?"_s, {round}));
            const qint64 n = count.value(0).toList().value(0).toLongLong();
            QVERIFY2(n == 0 || n == 200, qPrintable(QString::number(n)));
            const QString state = terminalState(tx);
            QVERIFY2(state == u"canceled"_s || state == u"result"_s, qPrintable(state));
            if (state == u"result"_s)
                QCOMPARE(n, 200);
            (n == 200 ? committed : rolledBack)++;
            QVERIFY(!db.inTransaction());
            QASYNCSQLITE_AWAIT(other.execute(u"BEGIN IMMEDIATE"_s));
            QASYNCSQLITE_AWAIT(other.rollback());
        }
        qDebug() << "committed" << committed << "rolled back" << rolledBack;
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::interruptRacingClose()
{
    // interrupt() is the one call that touches the handle from another
    // thread (doc/threading.md): 10,000+ calls from two threads race the close
    // of the handle, cycle after cycle.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    std::atomic<qint64> calls{0};
    for (int cycle = 0; cycle < 50; ++cycle) {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
        if (cycle == 0)
            QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(cycle, i)"_s));
        QList<QFuture<QVariantList>> work;
        QList<QFuture<qint64>> writes;
        for (int i = 0; i < 20; ++i) {
            work.append(db.execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) "
                                   "SELECT count(*) FROM c"_s));
            writes.append(db.executeInsert(u"INSERT INTO t VALUES(?, ?)"_s, {cycle, i}));
        }
        std::atomic<bool> stop{false};
        auto hammer = [&] {
            qint64 n = 0;
            while (!stop.load() || n < 100) {
                db.interrupt();
                ++n;
            }
            calls += n;
        };
        std::thread a(hammer);
        std::thread b(hammer);
        QFuture<void> closed = db.close();
        const QString closeFailure = QAsyncSqliteTest::awaitSuccess(closed);
        stop = true;
        a.join();
        b.join();
        QCOMPARE(closeFailure, QString());
        for (const auto &f : std::as_const(work)) {
            const QString state = terminalState(f);
            QVERIFY2(state == u"result"_s || state == u"error:SQLITE_INTERRUPT"_s, qPrintable(state));
        }
        // Autocommit: every write that reported success is in the file,
        // whatever the interrupts hit (a statement, or the library's own
        // BEGIN/COMMIT around it).
        qint64 succeeded = 0;
        for (const auto &f : std::as_const(writes)) {
            const QString state = terminalState(f);
            QVERIFY2(state == u"result"_s || state == u"error:SQLITE_INTERRUPT"_s, qPrintable(state));
            succeeded += state == u"result"_s;
        }
        QCOMPARE(countRows(tmp.path(), u"SELECT count(*) FROM t WHERE cycle = %1"_s.arg(cycle)), succeeded);
    }
    QVERIFY2(calls.load() >= 10000, qPrintable(QString::number(calls.load())));
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::contextDeletedBeforeResult_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::newRow("QFutureWatcher owned by the context") << u"watcher"_s;
    QTest::newRow("QPointer guard in a worker continuation") << u"qpointer"_s;
}

void tst_Races::contextDeletedBeforeResult()
{
    // The object that wanted the result is deleted while the request runs.
    // then(ctx, …) with a dead ctx is not testable on Qt 6.4: in a build
    // without QT_NO_DEBUG (ours: Debug) its inline code asserts
    // (ASSERT: "context" in qfuture_impl.h) — doc/threading.md. The supported
    // patterns are tested instead: a QFutureWatcher child of the context
    // (deleted with it, so its signals never fire), or a QPointer checked in
    // a context-free continuation. Nothing is delivered to the dead object;
    // the future itself still ends.
    QFETCH(QString, pattern);
    Fault::Baseline baseline;
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
        WorkerHold hold(db);
        std::atomic<int> deliveries{0};
        QList<QFuture<QVariantList>> futures;
        QFuture<void> tail;
        for (int i = 0; i < 100; ++i) {
            auto *ctx = new QObject;
            QFuture<QVariantList> f = db.execute(u"SELECT ?"_s, {i});
            futures.append(f);
            if (pattern == u"watcher"_s) {
                auto *watcher = new QFutureWatcher<QVariantList>(ctx);
                connect(watcher, &QFutureWatcherBase::finished, ctx, [&deliveries] {
                    ++deliveries;
                });
                watcher->setFuture(f);
            } else {
                QPointer<QObject> guard(ctx);
                tail = f.then([guard, &deliveries](const QVariantList &) {
                    // Runs on the worker: only looks at the guard, and would
                    // hop to the object's thread to use it.
                    if (guard)
                        QMetaObject::invokeMethod(guard.data(), [&deliveries] {
                            ++deliveries;
                        });
                });
            }
            delete ctx; // before the result: the worker is held
        }
        QVERIFY(hold.waitUntilHeld());
        hold.release();
        for (const auto &f : std::as_const(futures))
            QVERIFY(QAsyncSqliteTest::waitForFinished(f));
        for (const auto &f : std::as_const(futures))
            QCOMPARE(terminalState(f), u"result"_s);
        if (tail.isValid())
            QASYNCSQLITE_AWAIT(tail);
        QCoreApplication::processEvents();
        QCOMPARE(deliveries.load(), 0);
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::connectionDeletedWithSignalsPending()
{
    // The worker posts signals (committed, tablesChanged, inTransactionChanged,
    // totalChangesChanged, rowsReady, closed) to the connection's thread.
    // Deleting the connection before that thread's event loop runs must
    // drop them, not deliver them to freed memory (ASan would report it).
    QAsyncSqliteTest::TemporaryDatabase tmp;
    Fault::Baseline baseline;
    for (int round = 0; round < 20; ++round) {
        auto *db = new QAsyncSqliteConnection;
        int received = 0;
        auto count = [&received] {
            ++received;
        };
        connect(db, &QAsyncSqliteConnection::committed, this, count);
        connect(db, &QAsyncSqliteConnection::tablesChanged, this, count);
        connect(db, &QAsyncSqliteConnection::totalChangesChanged, this, count);
        connect(db, &QAsyncSqliteConnection::closed, this, count);
        connect(db, &QAsyncSqliteConnection::rowsReady, this, count);
        db->open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit});
        db->execute(u"CREATE TABLE IF NOT EXISTS t(i)"_s);
        QList<QFuture<qint64>> inserts;
        for (int i = 0; i < 50; ++i)
            inserts.append(db->executeInsert(u"INSERT INTO t VALUES(?)"_s, {i}));
        QAsyncSqliteCursor *cursor = db->cursor(u"SELECT i FROM t"_s);
        cursor->stream();
        inserts.last().waitForFinished(); // signals are queued, none delivered
        delete db; // runs and closes the rest, then goes
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents();
        QCOMPARE(received, 0);
        for (const auto &f : std::as_const(inserts))
            QCOMPARE(terminalState(f), u"result"_s);
    }
    FAULT_VERIFY_BASELINE(baseline);
}

void tst_Races::appQuitsWithConnectionsOpen_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("connections");
    QTest::newRow("static-lifetime object") << u"static"_s << 2;
    QTest::newRow("heap objects parented to the app") << u"app-child"_s << 2;
    QTest::newRow("both") << u"both"_s << 4;
}

void tst_Races::appQuitsWithConnectionsOpen()
{
    QFETCH(QString, mode);
    QFETCH(int, connections);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(), {u"--quit-child"_s, mode, dir.path()});
    QVERIFY(child.waitForStarted(20000));
    // Bounded: the process exits (one default destructor timeout is 10 s).
    const bool exited = child.waitForFinished(60000);
    if (!exited) {
        child.kill();
        child.waitForFinished(5000);
    }
    QVERIFY2(exited, "the child process hung on exit");
    QCOMPARE(child.exitStatus(), QProcess::NormalExit); // no crash, no sanitizer abort
    QCOMPARE(child.exitCode(), 0);
    for (int i = 0; i < connections; ++i) {
        const QString path = u"%1/db%2.sqlite"_s.arg(dir.path()).arg(i);
        QVERIFY2(QFile::exists(path), qPrintable(path));
        // Committed rows are all there, the uncommitted one is not, and
        // the file is sound (no hot journal left to recover).
        QCOMPARE(countRows(path, u"SELECT count(*) FROM t WHERE i >= 0"_s), 2000);
        QCOMPARE(countRows(path, u"SELECT count(*) FROM t WHERE i < 0"_s), 0);
        QAsyncSqliteConnection check;
        QASYNCSQLITE_AWAIT(check.open(path));
        QASYNCSQLITE_AWAIT_RESULT(integrity, check.execute(u"PRAGMA integrity_check"_s));
        QCOMPARE(integrity, (QVariantList{QVariantList{u"ok"_s}}));
        QVERIFY(!QFile::exists(path + u"-journal"_s));
    }
}

int main(int argc, char **argv)
{
    if (argc >= 4 && qstrcmp(argv[1], "--quit-child") == 0)
        return childMain(argc, argv);
    QCoreApplication app(argc, argv);
    tst_Races test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_races.moc"
