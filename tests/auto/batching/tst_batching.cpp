// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// What batching must not change: requests queued together share a read
// transaction and their signals are coalesced, yet every caller observes
// exactly what one-at-a-time execution would give. A WorkerHold keeps the
// worker busy while a test queues, so that what it queues forms one batch.
#include "workerhold.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QAsyncSqlite/QAsyncSqliteBlob>
#include <QAsyncSqlite/QAsyncSqliteCursor>

#include <QtTest/QtTest>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

using namespace Qt::StringLiterals;
using QAsyncSqlite::IsolationLevel;

class tst_Batching : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void queriesAroundAWrite_data();
    void queriesAroundAWrite();
    void sharedReadIsUsed();
    void sharedReadNeverVisible();
    void traceSeesNoExtraStatements();
    void commitsElsewhereBeforeQueueingAreSeen();
    void signalsCoalescedPerBatch();
    void cancelInsideSharedRead();
    void sharedReadKeepsActiveWrites_data();
    void sharedReadKeepsActiveWrites();
    void sharedReadLetsWritersIn_data();
    void sharedReadLetsWritersIn();

private:
    std::unique_ptr<QAsyncSqliteTest::TemporaryDatabase> m_tmp;
    std::unique_ptr<QAsyncSqliteConnection> m_db;
    sqlite3 *m_autocommitProbe = nullptr; // written and read on the worker only
};

void tst_Batching::init()
{
    m_tmp = std::make_unique<QAsyncSqliteTest::TemporaryDatabase>();
    m_db = std::make_unique<QAsyncSqliteConnection>();
    QASYNCSQLITE_AWAIT(m_db->open(m_tmp->path(), {.pragmas = {u"journal_mode=WAL"_s}}));
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(1);"_s));
}

void tst_Batching::cleanup()
{
    m_db.reset();
    m_tmp.reset();
}

void tst_Batching::queriesAroundAWrite_data()
{
    QTest::addColumn<IsolationLevel>("level");
    QTest::newRow("deferred") << IsolationLevel::Deferred;
    QTest::newRow("autocommit") << IsolationLevel::Autocommit;
}

void tst_Batching::queriesAroundAWrite()
{
    QFETCH(IsolationLevel, level);
    m_db->setIsolationLevel(level);
    WorkerHold hold(*m_db);
    QVERIFY(hold.waitUntilHeld());
    const auto before = m_db->execute(u"SELECT count(*) FROM t"_s);
    const auto insert = m_db->execute(u"INSERT INTO t VALUES(2)"_s);
    const auto after = m_db->execute(u"SELECT count(*) FROM t"_s);
    const auto more = m_db->execute(u"SELECT sum(x) FROM t"_s);
    hold.release();
    QASYNCSQLITE_AWAIT(more);
    QCOMPARE(before.result().value(0).toList().value(0).toLongLong(), 1);
    QCOMPARE(after.result().value(0).toList().value(0).toLongLong(), 2);
    QCOMPARE(more.result().value(0).toList().value(0).toLongLong(), 3);
    // The write opened its implicit transaction as usual (Deferred) or
    // committed at once (Autocommit); the shared reads left no trace.
    QCOMPARE(m_db->inTransaction(), level == IsolationLevel::Deferred);
    QASYNCSQLITE_AWAIT(m_db->commit());
    QVERIFY(!m_db->inTransaction());
}

void tst_Batching::sharedReadIsUsed()
{
    // Within one batch, the queries after the first run inside one read
    // transaction: autocommit is off while they step.
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"autocommit"_s, 0, [this](const QVariantList &) {
        return QVariant(m_autocommitProbe ? sqlite3_get_autocommit(m_autocommitProbe) : -1);
    }));
    QASYNCSQLITE_AWAIT(m_db->run([this](sqlite3 *db) {
        m_autocommitProbe = db;
    }));
    QASYNCSQLITE_AWAIT_RESULT(alone, m_db->execute(u"SELECT autocommit()"_s));
    QCOMPARE(alone.value(0).toList().value(0).toLongLong(), 1); // a lone query pays no BEGIN
    WorkerHold hold(*m_db);
    QVERIFY(hold.waitUntilHeld());
    const auto first = m_db->execute(u"SELECT autocommit()"_s);
    const auto second = m_db->execute(u"SELECT autocommit()"_s);
    hold.release();
    QASYNCSQLITE_AWAIT(second);
    QCOMPARE(first.result().value(0).toList().value(0).toLongLong(), 0);
    QCOMPARE(second.result().value(0).toList().value(0).toLongLong(), 0);
    QVERIFY(!m_db->inTransaction());
    QASYNCSQLITE_AWAIT_RESULT(afterwards, m_db->run([](sqlite3 *db) {
        return sqlite3_get_autocommit(db);
    }));
    QCOMPARE(afterwards, 1); // ended with the batch
}

void tst_Batching::sharedReadNeverVisible()
{
    // inTransaction() stays false and other connections can write while a
    // batch of queries runs.
    QSignalSpy inTransactionChanged(m_db.get(), &QAsyncSqliteConnection::inTransactionChanged);
    WorkerHold hold(*m_db);
    QVERIFY(hold.waitUntilHeld());
    QList<QFuture<QVariantList>> reads;
    for (int i = 0; i < 50; ++i)
        reads.append(m_db->execute(u"SELECT x FROM t"_s));
    hold.release();
    QASYNCSQLITE_AWAIT(reads.last());
    QVERIFY(!m_db->inTransaction());
    QCOMPARE(inTransactionChanged.size(), 0);
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(m_tmp->path(), {.busyTimeout = std::chrono::milliseconds(0)}));
    QASYNCSQLITE_AWAIT(other.transaction([](QAsyncSqliteTransaction &tx) {
        tx.execute(u"INSERT INTO t VALUES(5)"_s);
    }));
}

void tst_Batching::traceSeesNoExtraStatements()
{
    QStringList traced;
    QMutex mutex;
    QASYNCSQLITE_AWAIT(m_db->setTraceCallback([&](const QString &sql) {
        QMutexLocker locker(&mutex);
        traced.append(sql);
    }));
    WorkerHold hold(*m_db);
    QVERIFY(hold.waitUntilHeld());
    m_db->execute(u"SELECT 1"_s);
    const auto last = m_db->execute(u"SELECT 2"_s);
    hold.release();
    QASYNCSQLITE_AWAIT(last);
    QASYNCSQLITE_AWAIT(m_db->setTraceCallback({}));
    QMutexLocker locker(&mutex);
    QCOMPARE(traced, (QStringList{u"SELECT 1"_s, u"SELECT 2"_s}));
}

void tst_Batching::commitsElsewhereBeforeQueueingAreSeen()
{
    // A query queued after another connection's commit sees that commit,
    // even when it joins the batch of an earlier query.
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(m_tmp->path(), {.isolationLevel = IsolationLevel::Autocommit}));
    WorkerHold hold(*m_db);
    QVERIFY(hold.waitUntilHeld());
    const auto early = m_db->execute(u"SELECT count(*) FROM t"_s);
    QASYNCSQLITE_AWAIT(other.execute(u"INSERT INTO t VALUES(7)"_s));
    const auto late = m_db->execute(u"SELECT count(*) FROM t"_s);
    hold.release();
    QASYNCSQLITE_AWAIT(late);
    // The batch's snapshot starts when it runs, after both were queued.
    QCOMPARE(late.result().value(0).toList().value(0).toLongLong(), 2);
    QVERIFY(early.result().value(0).toList().value(0).toLongLong() >= 1);
}

void tst_Batching::signalsCoalescedPerBatch()
{
    m_db->setIsolationLevel(IsolationLevel::Autocommit);
    QSignalSpy committed(m_db.get(), &QAsyncSqliteConnection::committed);
    QSignalSpy tablesChanged(m_db.get(), &QAsyncSqliteConnection::tablesChanged);
    QSignalSpy totalChanged(m_db.get(), &QAsyncSqliteConnection::totalChangesChanged);
    QASYNCSQLITE_AWAIT(m_db->execute(u"CREATE TABLE u(y)"_s));
    committed.clear();
    WorkerHold hold(*m_db);
    QVERIFY(hold.waitUntilHeld());
    QFuture<QVariantList> last;
    for (int i = 0; i < 100; ++i)
        last = m_db->execute(i % 2 ? u"INSERT INTO t VALUES(?)"_s : u"INSERT INTO u VALUES(?)"_s, {i});
    hold.release();
    QASYNCSQLITE_AWAIT(last);
    QTRY_COMPARE(committed.size(), 100); // one per commit
    QCOMPARE(tablesChanged.size(), 1); // the union, once for the batch
    QCOMPARE(tablesChanged.first().first().toStringList(), (QStringList{u"t"_s, u"u"_s}));
    QCOMPARE(totalChanged.last().first().toLongLong(), m_db->totalChanges());
    QCOMPARE(m_db->totalChanges(), 101);
}

void tst_Batching::cancelInsideSharedRead()
{
    WorkerHold hold(*m_db);
    QVERIFY(hold.waitUntilHeld());
    const auto first = m_db->execute(u"SELECT x FROM t"_s);
    auto canceled =
            m_db->execute(u"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c"_s);
    const auto after = m_db->execute(u"SELECT count(*) FROM t"_s);
    canceled.cancel();
    hold.release();
    QASYNCSQLITE_AWAIT(after);
    QVERIFY(canceled.isCanceled());
    QCOMPARE(after.result().value(0).toList().value(0).toLongLong(), 1);
    QVERIFY(!m_db->inTransaction());
}

void tst_Batching::sharedReadKeepsActiveWrites_data()
{
    QTest::addColumn<QString>("writer");
    QTest::newRow("blob written, still open") << u"blob"_s;
    QTest::newRow("INSERT ... RETURNING half fetched") << u"returning"_s;
}

void tst_Batching::sharedReadKeepsActiveWrites()
{
    // A statement that has written and is still active holds its writes in
    // an autocommit transaction that commits when it ends. Queries batched
    // behind it must not wrap that in a shared read whose COMMIT fails
    // ("SQL statements in progress") and whose ROLLBACK then discards the
    // writes the caller was told had succeeded. Default options: a
    // rollback-journal file, Deferred.
    QFETCH(QString, writer);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(
            tmp.path(), {.isolationLevel = writer == u"blob" ? IsolationLevel::Deferred : IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);"
                                        "INSERT INTO t VALUES(1, zeroblob(4));"_s));
    std::unique_ptr<QAsyncSqliteBlob> blob;
    QAsyncSqliteCursor *cursor = nullptr;
    if (writer == u"blob") {
        QASYNCSQLITE_AWAIT_RESULT(opened, db.blobOpen(u"t"_s, u"b"_s, 1, QAsyncSqlite::BlobMode::ReadWrite));
        blob.reset(opened);
        QASYNCSQLITE_AWAIT(blob->write("xy"));
    } else {
        cursor = db.cursor(u"INSERT INTO t(b) VALUES(X'01'), (X'02') RETURNING id"_s);
        QASYNCSQLITE_AWAIT_RESULT(first, cursor->fetchOne());
        QCOMPARE(first.toList().value(0).toLongLong(), 2);
    }
    WorkerHold hold(db);
    QVERIFY(hold.waitUntilHeld());
    const auto first = db.execute(u"SELECT count(*) FROM t"_s);
    const auto second = db.execute(u"SELECT count(*) FROM t"_s);
    const auto closed = blob ? blob->close() : cursor->close();
    const auto committed = db.commit();
    hold.release();
    QASYNCSQLITE_AWAIT(first);
    QASYNCSQLITE_AWAIT(second);
    QASYNCSQLITE_AWAIT(closed);
    QASYNCSQLITE_AWAIT(committed);
    QASYNCSQLITE_AWAIT(db.close());

    // What another connection finds on disk.
    QAsyncSqliteConnection reader;
    QASYNCSQLITE_AWAIT(reader.open(tmp.path()));
    QASYNCSQLITE_AWAIT_RESULT(rows, reader.execute(u"SELECT id, hex(b) FROM t ORDER BY id"_s));
    if (writer == u"blob") {
        QCOMPARE(rows, (QVariantList{QVariantList{qint64(1), u"78790000"_s}}));
    } else {
        QCOMPARE(rows,
                 (QVariantList{QVariantList{qint64(1), u"00000000"_s}, QVariantList{qint64(2), u"01"_s},
                               QVariantList{qint64(3), u"02"_s}}));
    }
}

void tst_Batching::sharedReadLetsWritersIn_data()
{
    QTest::addColumn<QString>("journal");
    QTest::newRow("rollback journal") << u"delete"_s;
    QTest::newRow("WAL") << u"wal"_s;
}

void tst_Batching::sharedReadLetsWritersIn()
{
    // One batch of queries that runs for seconds. A shared read spanning it
    // would hold SHARED (rollback journal: another connection's COMMIT gets
    // SQLITE_BUSY) or one snapshot (WAL: no checkpoint can finish) for all
    // of it. Bounded, it lets a writer with a 1 s busy timeout in every time.
    QFETCH(QString, journal);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"journal_mode="_s + journal}}));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(1);"_s));

    WorkerHold hold(db);
    QVERIFY(hold.waitUntilHeld());
    // Each query reads t (so it takes the read lock) and counts for a while.
    const QString slow = u"SELECT (SELECT count(*) FROM t) + (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL "
                         "SELECT n + 1 FROM c WHERE n < 20000) SELECT count(*) FROM c)"_s;
    QList<QFuture<QVariantList>> reads;
    for (int i = 0; i < 800; ++i)
        reads.append(db.execute(slow));

    // A few writes spread over the batch (each lets the reader wait in turn:
    // with a rollback journal a pending writer keeps new readers out).
    // WAL: within the writer's 1 s budget after each write, a checkpoint must
    // reach the end of the log, which it cannot while a reader keeps an older
    // snapshot: a bounded shared read lets go after the query it is in (one
    // query may take long under TSan), an unbounded one only after the batch.
    int writes = 0;
    QStringList failures; // written by the writer thread, read after join
    std::thread writer([&] {
        sqlite3 *other = nullptr;
        sqlite3_open(tmp.path().toUtf8().constData(), &other);
        sqlite3_busy_timeout(other, 1000);
        const auto run = [&](const char *sql, const std::function<void(sqlite3_stmt *)> &row = {}) {
            sqlite3_stmt *stmt = nullptr;
            int rc = sqlite3_prepare_v2(other, sql, -1, &stmt, nullptr);
            if (rc == SQLITE_OK) {
                while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                    if (row)
                        row(stmt);
                }
            }
            if (rc != SQLITE_DONE)
                failures.append(QString::fromUtf8(sql) + u": "_s + QString::fromUtf8(sqlite3_errstr(rc)));
            sqlite3_finalize(stmt);
        };
        for (; writes < 8; ++writes) {
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            run("INSERT INTO t VALUES(2)");
            if (journal != u"wal")
                continue;
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
            bool checkpointed = false;
            while (!checkpointed && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                run("PRAGMA wal_checkpoint(PASSIVE)", [&](sqlite3_stmt *stmt) {
                    // (busy, frames in the log, frames checkpointed)
                    checkpointed = sqlite3_column_int(stmt, 1) == sqlite3_column_int(stmt, 2);
                });
            }
            if (!checkpointed)
                failures.append(u"a reader held the checkpoint back for 1 s"_s);
        }
        sqlite3_close(other);
    });
    hold.release();
    writer.join();
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u", "_s)));
    QVERIFY2(!reads.last().isFinished(), "the writes did not overlap the batch: make the batch longer");
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(reads.last(), std::chrono::minutes(2)), QString());
}

QTEST_GUILESS_MAIN(tst_Batching)
#include "tst_batching.moc"
