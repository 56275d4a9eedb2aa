// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// What batching must not change: requests queued together share a read
// transaction and their signals are coalesced, yet every caller observes
// exactly what one-at-a-time execution would give.
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qsemaphore.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

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

private:
    // Holds the worker inside a run() until release(), so that everything
    // queued meanwhile forms one batch.
    void holdWorker();
    void release() { m_release.release(); }

    std::unique_ptr<QAsyncSqliteTest::TemporaryDatabase> m_tmp;
    std::unique_ptr<QAsyncSqliteConnection> m_db;
    QSemaphore m_held;
    QSemaphore m_release;
    sqlite3 *m_autocommitProbe = nullptr;   // written and read on the worker only
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

void tst_Batching::holdWorker()
{
    m_db->run([this](sqlite3 *) {
        m_held.release();
        m_release.acquire();
    });
    QVERIFY(m_held.tryAcquire(1, 5000));
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
    holdWorker();
    const auto before = m_db->execute(u"SELECT count(*) FROM t"_s);
    const auto insert = m_db->execute(u"INSERT INTO t VALUES(2)"_s);
    const auto after = m_db->execute(u"SELECT count(*) FROM t"_s);
    const auto more = m_db->execute(u"SELECT sum(x) FROM t"_s);
    release();
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
    QASYNCSQLITE_AWAIT(m_db->run([this](sqlite3 *db) { m_autocommitProbe = db; }));
    QASYNCSQLITE_AWAIT_RESULT(alone, m_db->execute(u"SELECT autocommit()"_s));
    QCOMPARE(alone.value(0).toList().value(0).toLongLong(), 1);   // a lone query pays no BEGIN
    holdWorker();
    const auto first = m_db->execute(u"SELECT autocommit()"_s);
    const auto second = m_db->execute(u"SELECT autocommit()"_s);
    release();
    QASYNCSQLITE_AWAIT(second);
    QCOMPARE(first.result().value(0).toList().value(0).toLongLong(), 0);
    QCOMPARE(second.result().value(0).toList().value(0).toLongLong(), 0);
    QVERIFY(!m_db->inTransaction());
    QASYNCSQLITE_AWAIT_RESULT(afterwards, m_db->run([](sqlite3 *db) { return sqlite3_get_autocommit(db); }));
    QCOMPARE(afterwards, 1);   // ended with the batch
}

void tst_Batching::sharedReadNeverVisible()
{
    // inTransaction() stays false and other connections can write while a
    // batch of queries runs.
    QSignalSpy inTransactionChanged(m_db.get(), &QAsyncSqliteConnection::inTransactionChanged);
    holdWorker();
    QList<QFuture<QVariantList>> reads;
    for (int i = 0; i < 50; ++i)
        reads.append(m_db->execute(u"SELECT x FROM t"_s));
    release();
    QASYNCSQLITE_AWAIT(reads.last());
    QVERIFY(!m_db->inTransaction());
    QCOMPARE(inTransactionChanged.size(), 0);
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(m_tmp->path(), {.busyTimeout = std::chrono::milliseconds(0)}));
    QASYNCSQLITE_AWAIT(other.transaction([](QAsyncSqliteTransaction &tx) { tx.execute(u"INSERT INTO t VALUES(5)"_s); }));
}

void tst_Batching::traceSeesNoExtraStatements()
{
    QStringList traced;
    QMutex mutex;
    QASYNCSQLITE_AWAIT(m_db->setTraceCallback([&](const QString &sql) {
        QMutexLocker locker(&mutex);
        traced.append(sql);
    }));
    holdWorker();
    m_db->execute(u"SELECT 1"_s);
    const auto last = m_db->execute(u"SELECT 2"_s);
    release();
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
    holdWorker();
    const auto early = m_db->execute(u"SELECT count(*) FROM t"_s);
    QASYNCSQLITE_AWAIT(other.execute(u"INSERT INTO t VALUES(7)"_s));
    const auto late = m_db->execute(u"SELECT count(*) FROM t"_s);
    release();
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
    holdWorker();
    QFuture<QVariantList> last;
    for (int i = 0; i < 100; ++i)
        last = m_db->execute(i % 2 ? u"INSERT INTO t VALUES(?)"_s : u"INSERT INTO u VALUES(?)"_s, {i});
    release();
    QASYNCSQLITE_AWAIT(last);
    QTRY_COMPARE(committed.size(), 100);               // one per commit
    QCOMPARE(tablesChanged.size(), 1);                  // the union, once for the batch
    QCOMPARE(tablesChanged.first().first().toStringList(), (QStringList{u"t"_s, u"u"_s}));
    QCOMPARE(totalChanged.last().first().toLongLong(), m_db->totalChanges());
    QCOMPARE(m_db->totalChanges(), 101);
}

void tst_Batching::cancelInsideSharedRead()
{
    holdWorker();
    const auto first = m_db->execute(u"SELECT x FROM t"_s);
    auto canceled = m_db->execute(u"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c"_s);
    const auto after = m_db->execute(u"SELECT count(*) FROM t"_s);
    canceled.cancel();
    release();
    QASYNCSQLITE_AWAIT(after);
    QVERIFY(canceled.isCanceled());
    QCOMPARE(after.result().value(0).toList().value(0).toLongLong(), 1);
    QVERIFY(!m_db->inTransaction());
}

QTEST_GUILESS_MAIN(tst_Batching)
#include "tst_batching.moc"
