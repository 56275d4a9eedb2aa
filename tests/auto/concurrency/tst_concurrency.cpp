// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// One connection used from many threads, many connections on one file, and
// the FIFO order of requests (doc/threading.md: "requests from all threads
// form one FIFO queue").
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtConcurrent/qtconcurrentrun.h>
#include <QtCore/qmutex.h>
#include <QtCore/qthread.h>
#include <QtCore/qwaitcondition.h>
#include <QtTest/QtTest>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <sqlite3.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QAsyncSqliteOptions optionsWith(QAsyncSqlite::IsolationLevel level, const QStringList &pragmas = {},
                                std::chrono::milliseconds busyTimeout = 20s)
{
    QAsyncSqliteOptions options;
    options.isolationLevel = level;
    options.pragmas = pragmas;
    options.busyTimeout = busyTimeout;
    return options;
}

// What one submitting thread queued, checked on the test thread afterwards.
struct Submissions
{
    QList<QFuture<qint64>> inserts;
    QList<QFuture<QVariantList>> selects;
    QList<QFuture<int>> runs;
};

} // namespace

class tst_Concurrency : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneConnectionManyThreads_data();
    void oneConnectionManyThreads();
    void manyConnectionsOneFile_data();
    void manyConnectionsOneFile();
    void fifoAcrossThreadChain();
    void concurrentCloseAndRequests();
};

void tst_Concurrency::oneConnectionManyThreads_data()
{
    QTest::addColumn<QAsyncSqlite::IsolationLevel>("level");
    QTest::addColumn<bool>("useQtConcurrent");
    QTest::newRow("autocommit/QThread") << QAsyncSqlite::IsolationLevel::Autocommit << false;
    QTest::newRow("deferred/QThread") << QAsyncSqlite::IsolationLevel::Deferred << false;
    QTest::newRow("autocommit/QtConcurrent") << QAsyncSqlite::IsolationLevel::Autocommit << true;
}

void tst_Concurrency::oneConnectionManyThreads()
{
    QFETCH(QAsyncSqlite::IsolationLevel, level);
    QFETCH(bool, useQtConcurrent);
    constexpr int Threads = 4;
    constexpr int PerThread = 300;
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), optionsWith(level, {u"synchronous=OFF"_s})));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE log(thread INTEGER, seq INTEGER)"_s));

    std::vector<Submissions> submissions(Threads);
    // The worker records the order in which run() requests execute.
    QMutex orderMutex;
    QList<QPair<int, int>> runOrder;
    QSemaphore go; // all threads start together, for real interleaving
    // Counted last by each submitter and read after the joins: besides the
    // check, it makes the joins visible to ThreadSanitizer (Debian's Qt is not
    // instrumented, so QThread::wait() and a pool future order nothing for it).
    std::atomic<int> submittersDone{0};
    auto submitter = [&](int thread) {
        go.acquire();
        Submissions &mine = submissions[size_t(thread)];
        for (int seq = 0; seq < PerThread; ++seq) {
            switch (seq % 3) {
            case 0:
            case 1:
                mine.inserts.append(db.executeInsert(u"INSERT INTO log(thread, seq) VALUES(?, ?)"_s, {thread, seq}));
                break;
            case 2:
                mine.selects.append(db.execute(u"SELECT ?, ?"_s, {thread, seq}));
                mine.runs.append(db.run([&orderMutex, &runOrder, thread, seq](sqlite3 *) {
                    QMutexLocker locker(&orderMutex);
                    runOrder.append({thread, seq});
                    return seq;
                }));
                break;
            }
        }
        ++submittersDone;
    };
    if (useQtConcurrent) {
        QThreadPool pool;
        pool.setMaxThreadCount(Threads);
        QList<QFuture<void>> done;
        for (int t = 0; t < Threads; ++t)
            done.append(QtConcurrent::run(&pool, submitter, t));
        go.release(Threads);
        for (auto &f : done)
            f.waitForFinished();
    } else {
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < Threads; ++t) {
            threads.emplace_back(QThread::create(submitter, t));
            threads.back()->start();
        }
        go.release(Threads);
        for (auto &thread : threads)
            QVERIFY(thread->wait(60000));
    }
    QCOMPARE(submittersDone.load(), Threads);
    if (level != QAsyncSqlite::IsolationLevel::Autocommit)
        QASYNCSQLITE_AWAIT(db.commit());

    for (int t = 0; t < Threads; ++t) {
        const Submissions &mine = submissions[size_t(t)];
        qint64 lastRowId = 0;
        for (const auto &f : mine.inserts) {
            QCOMPARE(QAsyncSqliteTest::awaitSuccess(f), QString());
            // Per-thread FIFO: each insert of a thread got a later rowid.
            QVERIFY(f.result() > lastRowId);
            lastRowId = f.result();
        }
        int i = 0;
        for (const auto &f : mine.selects) {
            QCOMPARE(QAsyncSqliteTest::awaitSuccess(f), QString());
            QCOMPARE(f.result(), (QVariantList{QVariantList{qint64(t), qint64(i * 3 + 2)}}));
            ++i;
        }
        i = 0;
        for (const auto &f : mine.runs) {
            QCOMPARE(QAsyncSqliteTest::awaitSuccess(f), QString());
            QCOMPARE(f.result(), i * 3 + 2);
            ++i;
        }
    }
    // Per-thread FIFO in the table: ordered by rowid, each thread's sequence
    // numbers ascend with no gap.
    for (int t = 0; t < Threads; ++t) {
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT seq FROM log WHERE thread = ? ORDER BY rowid"_s, {t}));
        QList<qint64> expected;
        for (int seq = 0; seq < PerThread; ++seq) {
            if (seq % 3 != 2)
                expected.append(seq);
        }
        QList<qint64> actual;
        for (const QVariant &r : rows)
            actual.append(r.toList().value(0).toLongLong());
        QCOMPARE(actual, expected);
    }
    // The worker ran each thread's run() requests in that thread's order.
    QMutexLocker locker(&orderMutex);
    QCOMPARE(runOrder.size(), Threads * (PerThread / 3));
    QList<int> lastSeq(Threads, -1);
    for (const auto &entry : std::as_const(runOrder)) {
        QVERIFY(entry.second > lastSeq[entry.first]);
        lastSeq[entry.first] = entry.second;
    }
}

void tst_Concurrency::manyConnectionsOneFile_data()
{
    QTest::addColumn<QString>("journalMode");
    QTest::addColumn<QAsyncSqlite::IsolationLevel>("level");
    QTest::newRow("WAL/autocommit") << u"WAL"_s << QAsyncSqlite::IsolationLevel::Autocommit;
    QTest::newRow("WAL/immediate") << u"WAL"_s << QAsyncSqlite::IsolationLevel::Immediate;
    QTest::newRow("DELETE/autocommit") << u"DELETE"_s << QAsyncSqlite::IsolationLevel::Autocommit;
    QTest::newRow("DELETE/deferred") << u"DELETE"_s << QAsyncSqlite::IsolationLevel::Deferred;
}

void tst_Concurrency::manyConnectionsOneFile()
{
    QFETCH(QString, journalMode);
    QFETCH(QAsyncSqlite::IsolationLevel, level);
    constexpr int Connections = 10;
    constexpr int Batches = 5;
    constexpr int PerBatch = 20;
    QAsyncSqliteTest::TemporaryDatabase tmp;
    {
        QAsyncSqliteConnection setup;
        QASYNCSQLITE_AWAIT(setup.open(tmp.path(), optionsWith(QAsyncSqlite::IsolationLevel::Autocommit)));
        QASYNCSQLITE_AWAIT_RESULT(mode, setup.execute(u"PRAGMA journal_mode=%1"_s.arg(journalMode)));
        QCOMPARE(mode.value(0).toList().value(0).toString().toUpper(), journalMode);
        QASYNCSQLITE_AWAIT(setup.execute(u"CREATE TABLE t(conn INTEGER, n INTEGER)"_s));
    }
    std::vector<std::unique_ptr<QAsyncSqliteConnection>> connections;
    QList<QFuture<void>> opens;
    for (int c = 0; c < Connections; ++c) {
        connections.push_back(std::make_unique<QAsyncSqliteConnection>());
        opens.append(connections.back()->open(tmp.path(), optionsWith(level, {u"synchronous=OFF"_s})));
    }
    for (const auto &f : opens)
        QASYNCSQLITE_AWAIT(f);
    // Everything is queued at once on all ten workers: they contend for the
    // write lock, and the busy timeout must absorb that.
    QList<QFuture<qint64>> inserts;
    QList<QFuture<void>> commits;
    for (int b = 0; b < Batches; ++b) {
        for (int c = 0; c < Connections; ++c) {
            QAsyncSqliteConnection &db = *connections[size_t(c)];
            for (int i = 0; i < PerBatch; ++i)
                inserts.append(db.executeInsert(u"INSERT INTO t(conn, n) VALUES(?, ?)"_s, {c, b * PerBatch + i}));
            if (level != QAsyncSqlite::IsolationLevel::Autocommit)
                commits.append(db.commit());
        }
    }
    for (const auto &f : inserts)
        QCOMPARE(QAsyncSqliteTest::awaitSuccess(f, 60s), QString());
    for (const auto &f : commits)
        QCOMPARE(QAsyncSqliteTest::awaitSuccess(f, 60s), QString());
    for (auto &db : connections)
        QASYNCSQLITE_AWAIT(db->close());
    connections.clear();

    QAsyncSqliteConnection check;
    QASYNCSQLITE_AWAIT(check.open(tmp.path()));
    QASYNCSQLITE_AWAIT_RESULT(total, check.execute(u"SELECT count(*), count(DISTINCT conn) FROM t"_s));
    QCOMPARE(total, (QVariantList{QVariantList{qint64(Connections * Batches * PerBatch), qint64(Connections)}}));
    QASYNCSQLITE_AWAIT_RESULT(perConnection,
                              check.execute(u"SELECT conn, count(*), min(n), max(n) FROM t GROUP BY conn"_s));
    QCOMPARE(perConnection.size(), Connections);
    for (const QVariant &r : perConnection) {
        const QVariantList values = r.toList();
        QCOMPARE(values.value(1).toLongLong(), qint64(Batches * PerBatch));
        QCOMPARE(values.value(2).toLongLong(), 0LL);
        QCOMPARE(values.value(3).toLongLong(), qint64(Batches * PerBatch - 1));
    }
}

void tst_Concurrency::fifoAcrossThreadChain()
{
    // A token passes round four threads; whoever holds it submits the next
    // request and hands the token on. The submissions are ordered by that
    // happens-before chain, so the worker must run them in exactly that order.
    constexpr int Threads = 4;
    constexpr int Total = 400;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, optionsWith(QAsyncSqlite::IsolationLevel::Autocommit)));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE log(seq INTEGER, thread INTEGER)"_s));
    // std:: primitives: ThreadSanitizer sees them (Debian's Qt is not instrumented).
    std::mutex mutex;
    std::condition_variable turnChanged;
    int turn = 0;
    QList<QFuture<qint64>> futures(Total);
    QList<int> executed; // written on the worker only
    QList<QFuture<void>> runs(Total);
    auto member = [&](int thread) {
        for (;;) {
            std::unique_lock locker(mutex);
            turnChanged.wait(locker, [&] {
                return turn >= Total || turn % Threads == thread;
            });
            if (turn >= Total)
                return;
            const int seq = turn;
            // Alternate request kinds: a statement and a callable.
            if (seq % 2 == 0)
                futures[seq] = db.executeInsert(u"INSERT INTO log(seq, thread) VALUES(?, ?)"_s, {seq, thread});
            else
                runs[seq] = db.run([&executed, seq](sqlite3 *h) {
                    executed.append(seq);
                    sqlite3_exec(h,
                                 QByteArray("INSERT INTO log(seq, thread) VALUES(" + QByteArray::number(seq) + ", -1)")
                                         .constData(),
                                 nullptr, nullptr, nullptr);
                });
            ++turn;
            turnChanged.notify_all();
        }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < Threads; ++t)
        threads.emplace_back(member, t);
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(turn, Total);
    for (int seq = 0; seq < Total; ++seq) {
        if (seq % 2 == 0)
            QCOMPARE(QAsyncSqliteTest::awaitSuccess(futures[seq]), QString());
        else
            QCOMPARE(QAsyncSqliteTest::awaitSuccess(runs[seq]), QString());
    }
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT seq FROM log ORDER BY rowid"_s));
    QCOMPARE(rows.size(), Total);
    for (int seq = 0; seq < Total; ++seq)
        QCOMPARE(rows.at(seq).toList().value(0).toLongLong(), qint64(seq));
    QCOMPARE(executed.size(), Total / 2);
    for (qsizetype i = 0; i < executed.size(); ++i)
        QCOMPARE(executed.at(i), int(i * 2 + 1));
    // And the rowids of the statement requests ascend with seq.
    for (int seq = 2; seq < Total; seq += 2)
        QVERIFY(futures[seq].result() > futures[seq - 2].result());
}

void tst_Concurrency::concurrentCloseAndRequests()
{
    // Threads keep submitting while another closes: every future finishes
    // (success before the close, ProgrammingError after), none stays pending.
    constexpr int Threads = 3;
    constexpr int PerThread = 300;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, optionsWith(QAsyncSqlite::IsolationLevel::Autocommit)));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x)"_s));
    std::vector<QList<QFuture<qint64>>> futures(Threads);
    QSemaphore go;
    std::vector<std::thread> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back([&, t] {
            go.acquire();
            for (int i = 0; i < PerThread; ++i)
                futures[size_t(t)].append(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {i}));
        });
    }
    go.release(Threads);
    QFuture<void> closed = db.close();
    for (auto &thread : threads)
        thread.join();
    QASYNCSQLITE_AWAIT(closed);
    for (int t = 0; t < Threads; ++t) {
        bool rejected = false;
        for (const auto &f : futures[size_t(t)]) {
            QVERIFY(QAsyncSqliteTest::waitForFinished(f));
            std::optional<QAsyncSqliteProgrammingError> error;
            const QString failure = QAsyncSqliteTest::awaitError(f, error);
            if (failure.isEmpty()) {
                rejected = true;
                QCOMPARE(error->code(), SQLITE_MISUSE);
            } else {
                // Succeeded: only possible before the first rejection (per-thread FIFO).
                QVERIFY2(!rejected, qPrintable(failure));
                QCOMPARE(QAsyncSqliteTest::awaitSuccess(f), QString());
            }
        }
    }
}

QTEST_GUILESS_MAIN(tst_Concurrency)
#include "tst_concurrency.moc"
