// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Transaction handles (QAsyncSqliteConnection::begin(), doc/transactions.md):
// a transaction across awaited requests, with every other request waiting
// behind it, from any thread; commit, rollback, destruction, the idle
// timeout, savepoints, read-only, close, and the errors of an ended handle.

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qregularexpression.h>
#include <QtCore/qscopeguard.h>
#include <QtTest/QtTest>

#include "scalar.h"

#include <sqlite3.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class tst_Handles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(u".*"_s)); } // every warning is expected
    void init();
    void cleanup();

    void commitKeepsEverything();
    void rollbackDropsEverything();
    void othersWaitBehindItFromAnyThread();
    void nothingInterleavesUnderLoad();
    void destroyedOpenRollsBack();
    void idleTimeoutRollsBackAndFreesTheQueue();
    void awaitingTheConnectionInsideIsDetected();
    void nestedHandlesAreSavepoints();
    void endingTheParentEndsTheNested();
    void readOnlyRefusesWrites();
    void failedCommitStaysOpen();
    void endedHandleFails();
    void closeRollsBackOpenHandle();
    void destroyingTheConnectionDoesNotHang();

private:
    QAsyncSqliteTest::TemporaryDatabase *m_tmp = nullptr;
    QAsyncSqliteConnection *m_db = nullptr;
};

void tst_Handles::init()
{
    m_tmp = new QAsyncSqliteTest::TemporaryDatabase;
    m_db = new QAsyncSqliteConnection;
    QASYNCSQLITE_AWAIT(m_db->open(m_tmp->path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT);"_s));
}

void tst_Handles::cleanup()
{
    delete m_db;
    m_db = nullptr;
    delete m_tmp;
    m_tmp = nullptr;
}

void tst_Handles::commitKeepsEverything()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
    QVERIFY(tx.isValid());
    QVERIFY(tx.isActive());
    QVERIFY(!tx.isNested());
    QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(who) VALUES('tx')"_s));
    QASYNCSQLITE_AWAIT_RESULT(id,
                              tx.executeInsert(u"INSERT INTO t(who) VALUES(:who)"_s, QVariantMap{{u"who"_s, u"tx"_s}}));
    QCOMPARE(id, 2);
    QASYNCSQLITE_AWAIT_RESULT(changed, tx.executeMany(u"INSERT INTO t(who) VALUES(?)"_s, {{u"a"_s}, {u"b"_s}}));
    QCOMPARE(changed, 2);
    QASYNCSQLITE_AWAIT_RESULT(inside, tx.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(inside.first().toList().first().toInt(), 4);
    QVERIFY(m_db->inTransaction());
    QASYNCSQLITE_AWAIT(tx.commit());
    QVERIFY(!tx.isActive());
    QVERIFY(!m_db->inTransaction());

    // Committed for real: another connection sees it.
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(m_tmp->path()));
    SCALAR(count, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 4);
}

void tst_Handles::rollbackDropsEverything()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin(QAsyncSqlite::TransactionMode::Deferred));
    QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(who) VALUES('tx')"_s));
    QASYNCSQLITE_AWAIT(tx.rollback());
    QVERIFY(!tx.isActive());
    SCALAR(count, *m_db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 0);
}

void tst_Handles::othersWaitBehindItFromAnyThread()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
    // Queued from another thread while the handle is open: runs after it.
    QFuture<QVariantList> plainInsert;
    QFuture<QVariantList> plainCount;
    std::thread([&] {
        plainInsert = m_db->execute(u"INSERT INTO t(who) VALUES('plain')"_s);
        plainCount = m_db->execute(u"SELECT group_concat(who, ',') FROM (SELECT who FROM t ORDER BY id)"_s);
    }).join();
    for (int i = 0; i < 3; ++i) {
        QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(who) VALUES('tx')"_s));
        QVERIFY(!plainInsert.isFinished());
    }
    QASYNCSQLITE_AWAIT(tx.commit());
    QASYNCSQLITE_AWAIT(plainInsert);
    QASYNCSQLITE_AWAIT(plainCount);
    QCOMPARE(plainCount.result().first().toList().first().toString(), u"tx,tx,tx,plain"_s);
}

void tst_Handles::nothingInterleavesUnderLoad()
{
    // Writers on other threads insert all along; the rows of each handle
    // must still be consecutive, and a rolled back one must leave nothing.
    QASYNCSQLITE_AWAIT(m_db->execute(u"PRAGMA synchronous = OFF"_s)); // order is tested here, not durability
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
        writers.emplace_back([&] {
            while (!stop.load()) {
                QFuture<QVariantList> insert = m_db->execute(u"INSERT INTO t(who) VALUES('plain')"_s);
                insert.waitForFinished();
                QAsyncSqlite::Detail::tsanAcquireFinished(insert);
                if (QAsyncSqlite::errorOf(insert))
                    ++failures;
            }
        });
    }
    const auto joinWriters = qScopeGuard([&] {
        stop = true;
        for (auto &writer : writers)
            writer.join();
    });
    for (int round = 0; round < 10; ++round) {
        QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
        const QString who = u"tx%1"_s.arg(round);
        for (int i = 0; i < 4; ++i)
            QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(who) VALUES(?)"_s, {who}));
        QASYNCSQLITE_AWAIT(round % 3 == 2 ? tx.rollback() : tx.commit());
    }
    stop = true;
    for (auto &writer : writers)
        writer.join();
    writers.clear();
    QCOMPARE(failures.load(), 0);
    SCALAR(plainRows, *m_db, u"SELECT count(*) FROM t WHERE who = 'plain'"_s);
    QVERIFY(plainRows > 0);
    QASYNCSQLITE_AWAIT_RESULT(rows,
                              m_db->execute(u"SELECT who, min(id), max(id), count(*) FROM t "
                                            "WHERE who LIKE 'tx%' GROUP BY who ORDER BY who"_s));
    QCOMPARE(rows.size(), 7); // rounds 2, 5 and 8 rolled back
    for (const QVariant &row : rows) {
        const QVariantList r = row.toList();
        QVERIFY2(r.at(1).toInt() + 3 == r.at(2).toInt(), qPrintable(r.at(0).toString()));
        QCOMPARE(r.at(3).toInt(), 4);
        QVERIFY(!r.at(0).toString().endsWith(u'2') && !r.at(0).toString().endsWith(u'5'));
    }
}

void tst_Handles::destroyedOpenRollsBack()
{
    {
        QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
        QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(who) VALUES('tx')"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"destroyed without commit\\(\\) or rollback\\(\\)"_s));
    }
    SCALAR(count, *m_db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 0);
    QVERIFY(!m_db->inTransaction());
}

void tst_Handles::idleTimeoutRollsBackAndFreesTheQueue()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin({.idleTimeout = 200ms}));
    QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(who) VALUES('tx')"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"waited more than 200 ms for a request: rolled back"_s));
    QFuture<QVariantList> plain;
    std::thread([&] {
        plain = m_db->execute(u"SELECT count(*) FROM t"_s);
    }).join();
    QASYNCSQLITE_AWAIT(plain); // ran once the handle timed out, without its row
    QCOMPARE(plain.result().first().toList().first().toInt(), 0);
    QVERIFY(!tx.isActive());
    QASYNCSQLITE_AWAIT_ERROR(late, tx.execute(u"INSERT INTO t(who) VALUES('late')"_s), QAsyncSqliteOperationalError);
    QCOMPARE(late.extendedCode(), SQLITE_ABORT_ROLLBACK);
    QASYNCSQLITE_AWAIT_ERROR(lateCommit, tx.commit(), QAsyncSqliteOperationalError);
    QCOMPARE(lateCommit.extendedCode(), SQLITE_ABORT_ROLLBACK);
    SCALAR(count, *m_db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 0);
}

void tst_Handles::awaitingTheConnectionInsideIsDetected()
{
    // The deadlock users hit first: inside the transaction, awaiting a
    // request made on the connection. It is warned about at once, and the
    // idle timeout ends it.
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin({.idleTimeout = 300ms}));
    QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(u"is idle while a request that the thread holding it queued on the connection waits"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"waited more than 300 ms"_s));
    QElapsedTimer timer;
    timer.start();
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t(who) VALUES('plain')"_s));
    QVERIFY(timer.elapsed() >= 250); // it did wait for the handle
    QVERIFY(!tx.isActive());
    // Only once per handle.
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT 1"_s));
}

void tst_Handles::nestedHandlesAreSavepoints()
{
    QASYNCSQLITE_AWAIT_RESULT(outer, m_db->begin());
    QASYNCSQLITE_AWAIT(outer.execute(u"INSERT INTO t(who) VALUES('outer')"_s));
    {
        QASYNCSQLITE_AWAIT_RESULT(inner, outer.begin());
        QVERIFY(inner.isNested());
        QASYNCSQLITE_AWAIT(inner.execute(u"INSERT INTO t(who) VALUES('dropped')"_s));
        QASYNCSQLITE_AWAIT(inner.rollback());
    }
    {
        QASYNCSQLITE_AWAIT_RESULT(inner, outer.begin());
        QASYNCSQLITE_AWAIT(inner.execute(u"INSERT INTO t(who) VALUES('kept')"_s));
        // The outer handle's requests run inside the savepoint meanwhile.
        QASYNCSQLITE_AWAIT(outer.execute(u"INSERT INTO t(who) VALUES('outer2')"_s));
        QASYNCSQLITE_AWAIT(inner.commit());
    }
    QASYNCSQLITE_AWAIT(outer.commit());
    QASYNCSQLITE_AWAIT_RESULT(rows,
                              m_db->execute(u"SELECT group_concat(who, ',') FROM (SELECT who FROM t ORDER BY id)"_s));
    QCOMPARE(rows.first().toList().first().toString(), u"outer,kept,outer2"_s);
}

void tst_Handles::endingTheParentEndsTheNested()
{
    QASYNCSQLITE_AWAIT_RESULT(outer, m_db->begin());
    QASYNCSQLITE_AWAIT_RESULT(inner, outer.begin());
    QASYNCSQLITE_AWAIT(inner.execute(u"INSERT INTO t(who) VALUES('inner')"_s));
    QASYNCSQLITE_AWAIT(outer.rollback());
    QVERIFY(!inner.isActive());
    QASYNCSQLITE_AWAIT_ERROR(error, inner.execute(u"SELECT 1"_s), QAsyncSqliteProgrammingError);
    QCOMPARE(error.message(), u"Cannot operate on a finished transaction."_s);
    SCALAR(count, *m_db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 0);
}

void tst_Handles::readOnlyRefusesWrites()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin({.readOnly = true}));
    QASYNCSQLITE_AWAIT_ERROR(error, tx.execute(u"INSERT INTO t(who) VALUES('tx')"_s), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_READONLY);
    QASYNCSQLITE_AWAIT(tx.execute(u"SELECT count(*) FROM t"_s));
    QASYNCSQLITE_AWAIT(tx.commit());
    // query_only is restored afterwards.
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t(who) VALUES('plain')"_s));
}

void tst_Handles::failedCommitStaysOpen()
{
    QASYNCSQLITE_AWAIT(
            m_db->executeScript(u"PRAGMA foreign_keys = ON;"
                                "CREATE TABLE child(p INTEGER REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED);"_s));
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
    QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO child VALUES(42)"_s)); // checked at COMMIT
    QASYNCSQLITE_AWAIT_ERROR(error, tx.commit(), QAsyncSqliteIntegrityError);
    QCOMPARE(error.extendedCode(), SQLITE_CONSTRAINT_FOREIGNKEY);
    QVERIFY(tx.isActive());
    QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(id, who) VALUES(42, 'parent')"_s));
    QASYNCSQLITE_AWAIT(tx.commit());
    SCALAR(count, *m_db, u"SELECT count(*) FROM child"_s);
    QCOMPARE(count, 1);
}

void tst_Handles::endedHandleFails()
{
    QAsyncSqliteTransactionHandle none;
    QVERIFY(!none.isValid());
    QASYNCSQLITE_AWAIT_ERROR(noTx, none.execute(u"SELECT 1"_s), QAsyncSqliteProgrammingError);
    QVERIFY(noTx.message().contains(u"no transaction"_s));
    QASYNCSQLITE_AWAIT_ERROR(noCommit, none.commit(), QAsyncSqliteProgrammingError);
    QCOMPARE(noCommit.message(), noTx.message());

    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
    QAsyncSqliteTransactionHandle moved = std::move(tx);
    QVERIFY(!tx.isValid());
    QVERIFY(moved.isActive());
    QASYNCSQLITE_AWAIT(moved.commit());
    QASYNCSQLITE_AWAIT_ERROR(again, moved.commit(), QAsyncSqliteProgrammingError);
    QCOMPARE(again.message(), u"Cannot operate on a finished transaction."_s);
    QASYNCSQLITE_AWAIT_ERROR(after, moved.execute(u"SELECT 1"_s), QAsyncSqliteProgrammingError);
    QCOMPARE(after.message(), u"Cannot operate on a finished transaction."_s);
    QASYNCSQLITE_AWAIT_ERROR(nested, moved.begin(), QAsyncSqliteProgrammingError);
    QCOMPARE(nested.message(), u"Cannot operate on a finished transaction."_s);
}

void tst_Handles::closeRollsBackOpenHandle()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
    QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(who) VALUES('tx')"_s));
    const QFuture<QVariantList> queuedBefore = m_db->execute(u"SELECT count(*) FROM t"_s);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"with a transaction handle open: it is rolled back"_s));
    QASYNCSQLITE_AWAIT(m_db->close());
    QASYNCSQLITE_AWAIT(queuedBefore); // what was queued before close() still ran, after the rollback
    QCOMPARE(queuedBefore.result().first().toList().first().toInt(), 0);
    QVERIFY(!tx.isActive());
    QASYNCSQLITE_AWAIT_ERROR(error, tx.execute(u"SELECT 1"_s), QAsyncSqliteProgrammingError);
    QCOMPARE(error.message(), u"Cannot operate on a closed database."_s);
    QASYNCSQLITE_AWAIT(m_db->open(m_tmp->path()));
    SCALAR(count, *m_db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 0);
}

void tst_Handles::destroyingTheConnectionDoesNotHang()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin({.idleTimeout = 0ms})); // no timeout would end it
    const QFuture<QVariantList> waiting = m_db->execute(u"SELECT 1"_s);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"with a transaction handle open: it is rolled back"_s));
    QElapsedTimer timer;
    timer.start();
    delete m_db;
    m_db = nullptr;
    QVERIFY(timer.elapsed() < 5000);
    QVERIFY(QAsyncSqliteTest::waitForFinished(waiting));
    QASYNCSQLITE_AWAIT_ERROR(error, tx.execute(u"SELECT 1"_s), QAsyncSqliteProgrammingError);
    QCOMPARE(error.message(), u"Cannot operate on a closed database."_s);
}

QTEST_GUILESS_MAIN(tst_Handles)
#include "tst_handles.moc"
