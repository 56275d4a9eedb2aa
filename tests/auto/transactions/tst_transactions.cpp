// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Transactions (doc/transactions.md): Python's legacy implicit
// transactions, commit()/rollback(), isolation levels, executeScript(),
// transaction(fn) (atomic, nested as SAVEPOINT, no interleaving), failed
// COMMIT, the state properties and signals, and run().

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "scalar.h"
#include "watchedprogress.h"
#include "workerhold.h"

#include <QtCore/qmutex.h>
#include <QtCore/qpoint.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qsemaphore.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// Collects the statements a connection runs (trace callback, on the worker).
struct Trace
{
    QMutex mutex;
    QStringList statements;
    QAsyncSqlite::TraceCallback callback()
    {
        return [this](const QString &sql) {
            QMutexLocker locker(&mutex);
            statements.append(sql);
        };
    }
    QStringList take()
    {
        QMutexLocker locker(&mutex);
        return std::exchange(statements, {});
    }
};

} // namespace

class tst_Transactions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void implicitTransaction_data();
    void implicitTransaction();
    void implicitTransactionOtherApis();
    void prepareErrorOpensNoTransaction_data();
    void prepareErrorOpensNoTransaction();
    void commitRollbackWithoutTransaction();
    void commitAndRollback();
    void autocommitNeverOpens();
    void switchToAutocommitCommits();
    void isolationLevelLocks_data();
    void isolationLevelLocks();
    void transactionModes_data();
    void transactionModes();
    void executeScriptCommitsPending();
    void transactionCommitsOnReturn();
    void transactionReturnsValue();
    void transactionReportsProgress();
    void transactionRollsBackOnThrow_data();
    void transactionRollsBackOnThrow();
    void nestedTransactionIsSavepoint_data();
    void nestedTransactionIsSavepoint();
    void noInterleavingAcrossThreads();
    void failedCommitKeepsTransaction_data();
    void failedCommitKeepsTransaction();
    void failedCommitInTransactionFn();
    void signalsAndTotalChanges();
    void tablesChangedPerAutocommitStatement();
    void tablesChangedSeesEveryCommittedChange_data();
    void tablesChangedSeesEveryCommittedChange();
    void committedPerAutocommitExecuteManyRow();
    void isolationLevelProperty();
    void runGivesRawHandle();
};

void tst_Transactions::implicitTransaction_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("opens");

    QTest::newRow("INSERT") << u"INSERT INTO t VALUES(9)"_s << true;
    QTest::newRow("insert lower case") << u"insert into t values(9)"_s << true;
    QTest::newRow("INSERT after comments") << u"  -- c\n/* c */ INSERT INTO t VALUES(9)"_s << true;
    QTest::newRow("INSERT OR REPLACE") << u"INSERT OR REPLACE INTO t VALUES(9)"_s << true;
    QTest::newRow("UPDATE") << u"UPDATE t SET v = v + 1"_s << true;
    QTest::newRow("DELETE") << u"DELETE FROM t"_s << true;
    QTest::newRow("DELETE nothing") << u"DELETE FROM t WHERE 0"_s << true;
    QTest::newRow("REPLACE") << u"REPLACE INTO t VALUES(9)"_s << true;
    QTest::newRow("SELECT") << u"SELECT * FROM t"_s << false;
    QTest::newRow("CREATE TABLE") << u"CREATE TABLE u(x)"_s << false;
    QTest::newRow("CREATE INDEX") << u"CREATE INDEX i ON t(v)"_s << false;
    QTest::newRow("DROP TABLE") << u"DROP TABLE t"_s << false;
    QTest::newRow("PRAGMA") << u"PRAGMA user_version = 3"_s << false;
    // Python's legacy rule looks at the first keyword only.
    QTest::newRow("WITH ... INSERT") << u"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"_s << false;
}

void tst_Transactions::implicitTransaction()
{
    QFETCH(QString, sql);
    QFETCH(bool, opens);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QCOMPARE(db.isolationLevel(), QAsyncSqlite::IsolationLevel::Deferred);
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(v); INSERT INTO t VALUES(1);"_s));
    QVERIFY(!db.inTransaction());
    Trace trace;
    QASYNCSQLITE_AWAIT(db.setTraceCallback(trace.callback()));

    QASYNCSQLITE_AWAIT(db.execute(sql));
    QCOMPARE(db.inTransaction(), opens);
    const QStringList statements = trace.take();
    QCOMPARE(statements.contains(u"BEGIN DEFERRED"_s), opens);
    QCOMPARE(statements.last(), sql);
    if (opens) {
        QCOMPARE(statements.first(), u"BEGIN DEFERRED"_s); // before the statement
        QASYNCSQLITE_AWAIT(db.rollback());
        QVERIFY(!db.inTransaction());
    }
}

void tst_Transactions::implicitTransactionOtherApis()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QVERIFY(!db.inTransaction());
    QASYNCSQLITE_AWAIT(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {1}));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.commit());
    QVERIFY(!db.inTransaction());
    QASYNCSQLITE_AWAIT_RESULT(changed, db.executeMany(u"INSERT INTO t VALUES(?)"_s, {{2}, {3}}));
    QCOMPARE(changed, 2);
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.commit());
    QASYNCSQLITE_AWAIT(db.executeInsert(u"INSERT INTO t VALUES(:v)"_s, QVariantMap{{u"v"_s, 4}}));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.rollback());
    SCALAR(count, db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 3);
}

void tst_Transactions::prepareErrorOpensNoTransaction_data()
{
    // As Python's sqlite3: the statement is prepared before the implicit
    // BEGIN (a statement that cannot be prepared opens nothing), and bound
    // after it (a binding error leaves the transaction open). Checked with
    // Python 3.11's in_transaction.
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("params");
    QTest::addColumn<bool>("opens");
    QTest::newRow("missing table") << u"INSERT INTO nope VALUES(1)"_s << QVariantList{} << false;
    QTest::newRow("syntax") << u"INSERT INTO t VALUE(1)"_s << QVariantList{} << false;
    QTest::newRow("two statements") << u"INSERT INTO t VALUES(1); INSERT INTO t VALUES(2)"_s << QVariantList{} << false;
    QTest::newRow("wrong count") << u"INSERT INTO t VALUES(?)"_s << QVariantList{} << true;
    QTest::newRow("unbindable") << u"INSERT INTO t VALUES(?)"_s << QVariantList{QPoint(1, 1)} << true;
}

void tst_Transactions::prepareErrorOpensNoTransaction()
{
    QFETCH(QString, sql);
    QFETCH(QVariantList, params);
    QFETCH(bool, opens);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql, params), QAsyncSqliteDatabaseError);
    QCOMPARE(db.inTransaction(), opens);
    QASYNCSQLITE_AWAIT(db.rollback());
    QASYNCSQLITE_AWAIT_ERROR(manyError, db.executeMany(sql, {params}), QAsyncSqliteDatabaseError);
    QCOMPARE(db.inTransaction(), opens);
    QCOMPARE(manyError.message(), error.message());
}

void tst_Transactions::commitRollbackWithoutTransaction()
{
    for (const auto level : {QAsyncSqlite::IsolationLevel::Deferred, QAsyncSqlite::IsolationLevel::Autocommit}) {
        QAsyncSqliteTest::TemporaryDatabase tmp;
        QAsyncSqliteConnection db;
        QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
        QSignalSpy rolledBack(&db, &QAsyncSqliteConnection::rolledBack);
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = level}));
        Trace trace;
        QASYNCSQLITE_AWAIT(db.setTraceCallback(trace.callback()));
        QASYNCSQLITE_AWAIT(db.commit());
        QASYNCSQLITE_AWAIT(db.rollback());
        QASYNCSQLITE_AWAIT(db.commit());
        QASYNCSQLITE_AWAIT(db.execute(u"SELECT 1"_s));
        QCoreApplication::processEvents();
        QVERIFY(!db.inTransaction());
        QCOMPARE(committed.size(), 0);
        QCOMPARE(rolledBack.size(), 0);
        // Nothing was sent to SQLite for them.
        QCOMPARE(trace.take(), QStringList{u"SELECT 1"_s});
    }
}

void tst_Transactions::commitAndRollback()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(tmp.path()));
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy rolledBack(&db, &QAsyncSqliteConnection::rolledBack);

    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s));
    QVERIFY(db.inTransaction());
    SCALAR(before, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(before, 0); // not visible before the commit
    QASYNCSQLITE_AWAIT(db.commit());
    QVERIFY(!db.inTransaction());
    QTRY_COMPARE(committed.size(), 1);
    SCALAR(after, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(after, 1);

    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(2)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"UPDATE t SET v = 10"_s));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.rollback());
    QVERIFY(!db.inTransaction());
    QTRY_COMPARE(rolledBack.size(), 1);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v FROM t"_s));
    QCOMPARE(rows, QVariantList{QVariantList{qint64(1)}});
    QCOMPARE(committed.size(), 1);
}

void tst_Transactions::autocommitNeverOpens()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QCOMPARE(db.isolationLevel(), QAsyncSqlite::IsolationLevel::Autocommit);
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s));
    QVERIFY(!db.inTransaction());
    QASYNCSQLITE_AWAIT(db.executeMany(u"INSERT INTO t VALUES(?)"_s, {{2}, {3}}));
    QVERIFY(!db.inTransaction());
    QASYNCSQLITE_AWAIT(db.execute(u"UPDATE t SET v = v + 1"_s));
    QVERIFY(!db.inTransaction());
    SCALAR(visible, other, u"SELECT sum(v) FROM t"_s);
    QCOMPARE(visible, 9); // every statement was committed on its own

    // An explicit BEGIN still works, and commit() ends it.
    QASYNCSQLITE_AWAIT(db.execute(u"BEGIN"_s));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.execute(u"DELETE FROM t"_s));
    SCALAR(stillThere, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(stillThere, 3);
    QASYNCSQLITE_AWAIT(db.commit());
    QVERIFY(!db.inTransaction());
    SCALAR(gone, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(gone, 0);
}

void tst_Transactions::switchToAutocommitCommits()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s)); // commits on its own (autocommit DDL)
    QCoreApplication::processEvents();
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy levelChanged(&db, &QAsyncSqliteConnection::isolationLevelChanged);
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s));
    QVERIFY(db.inTransaction());

    // Another non-autocommit level does not commit (Python neither).
    db.setIsolationLevel(QAsyncSqlite::IsolationLevel::Immediate);
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 1"_s));
    QVERIFY(db.inTransaction());
    QCOMPARE(committed.size(), 0);

    db.setIsolationLevel(QAsyncSqlite::IsolationLevel::Autocommit);
    QCOMPARE(db.isolationLevel(), QAsyncSqlite::IsolationLevel::Autocommit);
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 1"_s));
    QVERIFY(!db.inTransaction());
    QTRY_COMPARE(committed.size(), 1);
    SCALAR(count, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 1);
    QCOMPARE(levelChanged.size(), 2);
    QCOMPARE(levelChanged.at(1).at(0).value<QAsyncSqlite::IsolationLevel>(), QAsyncSqlite::IsolationLevel::Autocommit);

    // And from now on nothing opens a transaction.
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(2)"_s));
    QVERIFY(!db.inTransaction());
}

void tst_Transactions::isolationLevelLocks_data()
{
    QTest::addColumn<QAsyncSqlite::IsolationLevel>("level");
    QTest::addColumn<QString>("begin");
    QTest::addColumn<bool>("readersBlocked");
    QTest::newRow("Deferred") << QAsyncSqlite::IsolationLevel::Deferred << u"BEGIN DEFERRED"_s << false;
    QTest::newRow("Immediate") << QAsyncSqlite::IsolationLevel::Immediate << u"BEGIN IMMEDIATE"_s << false;
    QTest::newRow("Exclusive") << QAsyncSqlite::IsolationLevel::Exclusive << u"BEGIN EXCLUSIVE"_s << true;
}

void tst_Transactions::isolationLevelLocks()
{
    QFETCH(QAsyncSqlite::IsolationLevel, level);
    QFETCH(QString, begin);
    QFETCH(bool, readersBlocked);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = level})); // rollback journal (not WAL)
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(tmp.path(), {.busyTimeout = 0ms}));
    Trace trace;
    QASYNCSQLITE_AWAIT(db.setTraceCallback(trace.callback()));

    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s));
    QVERIFY(db.inTransaction());
    QCOMPARE(trace.take(), (QStringList{begin, u"INSERT INTO t VALUES(1)"_s}));

    // The write lock is held: a second writer cannot begin.
    QASYNCSQLITE_AWAIT_ERROR(busy, other.execute(u"BEGIN IMMEDIATE"_s), QAsyncSqliteOperationalError);
    QCOMPARE(busy.code(), SQLITE_BUSY);
    QVERIFY(!other.inTransaction());
    // EXCLUSIVE also keeps readers out (rollback-journal mode).
    const QFuture<QVariantList> read = other.execute(u"SELECT count(*) FROM t"_s);
    QVERIFY(QAsyncSqliteTest::waitForFinished(read));
    if (readersBlocked) {
        QASYNCSQLITE_AWAIT_ERROR(readBusy, read, QAsyncSqliteOperationalError);
        QCOMPARE(readBusy.code(), SQLITE_BUSY);
    } else {
        QASYNCSQLITE_AWAIT_RESULT(rows, read);
        QCOMPARE(rows, QVariantList{QVariantList{qint64(0)}});
    }
    QASYNCSQLITE_AWAIT(db.commit());
    // Released: the second connection can write now.
    QASYNCSQLITE_AWAIT(other.execute(u"BEGIN IMMEDIATE"_s));
    QASYNCSQLITE_AWAIT(other.rollback());
}

void tst_Transactions::transactionModes_data()
{
    QTest::addColumn<QAsyncSqlite::TransactionMode>("mode");
    QTest::addColumn<int>("otherBeginRc");
    QTest::addColumn<int>("otherReadRc");
    QTest::newRow("Deferred") << QAsyncSqlite::TransactionMode::Deferred << SQLITE_OK << SQLITE_OK;
    QTest::newRow("Immediate") << QAsyncSqlite::TransactionMode::Immediate << SQLITE_BUSY << SQLITE_OK;
    QTest::newRow("Exclusive") << QAsyncSqlite::TransactionMode::Exclusive << SQLITE_BUSY << SQLITE_BUSY;
}

void tst_Transactions::transactionModes()
{
    QFETCH(QAsyncSqlite::TransactionMode, mode);
    QFETCH(int, otherBeginRc);
    QFETCH(int, otherReadRc);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    const QByteArray path = tmp.path().toUtf8();
    // Inside fn, before any statement of its own, probe the locks with a
    // second raw handle (busy timeout 0).
    QASYNCSQLITE_AWAIT_RESULT(
            rcs,
            db.transaction(
                    [path](QAsyncSqliteTransaction &tx) {
                        QList<int> result;
                        result.append(sqlite3_get_autocommit(tx.handle()));
                        sqlite3 *probe = nullptr;
                        sqlite3_open_v2(path.constData(), &probe, SQLITE_OPEN_READWRITE, nullptr);
                        result.append(sqlite3_exec(probe, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr));
                        sqlite3_exec(probe, "ROLLBACK", nullptr, nullptr, nullptr);
                        result.append(sqlite3_exec(probe, "SELECT count(*) FROM t", nullptr, nullptr, nullptr));
                        sqlite3_close(probe);
                        return result;
                    },
                    mode));
    QCOMPARE(rcs, (QList<int>{0, otherBeginRc, otherReadRc}));
    QVERIFY(!db.inTransaction());
}

void tst_Transactions::executeScriptCommitsPending()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(tmp.path()));
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.executeScript(u"INSERT INTO t VALUES(2); INSERT INTO t VALUES(3);"_s));
    QVERIFY(!db.inTransaction()); // the script ran as is: no implicit BEGIN
    SCALAR(count, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 3);
    QTRY_VERIFY(committed.size() >= 1);

    // The pending transaction is committed even if the script then fails.
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(4)"_s));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT_ERROR(error, db.executeScript(u"INSERT INTO t VALUES(5); SELEC;"_s),
                             QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_ERROR);
    QVERIFY(!db.inTransaction());
    SCALAR(after, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(after, 5);

    // A script may manage its own transaction.
    QASYNCSQLITE_AWAIT(db.executeScript(u"BEGIN; INSERT INTO t VALUES(6);"_s));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.rollback());
    SCALAR(final, db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(final, 5);
}

void tst_Transactions::transactionCommitsOnReturn()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy rolledBack(&db, &QAsyncSqliteConnection::rolledBack);
    Trace trace;
    QASYNCSQLITE_AWAIT(db.setTraceCallback(trace.callback()));
    std::atomic<bool> wasInTransaction{false};
    QASYNCSQLITE_AWAIT(db.transaction([&](QAsyncSqliteTransaction &tx) {
        tx.execute(u"INSERT INTO t VALUES(?)"_s, {1});
        tx.executeMany(u"INSERT INTO t VALUES(?)"_s, {{2}, {3}});
        wasInTransaction = sqlite3_get_autocommit(tx.handle()) == 0;
    }));
    QVERIFY(wasInTransaction);
    QVERIFY(!db.inTransaction());
    SCALAR(count, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 3);
    QTRY_COMPARE(committed.size(), 1);
    QCOMPARE(rolledBack.size(), 0);
    const QStringList statements = trace.take();
    QCOMPARE(statements.first(), u"BEGIN IMMEDIATE"_s); // the default mode
    QCOMPARE(statements.last(), u"COMMIT"_s);
    // The statements inside do not open implicit transactions of their own.
    QCOMPARE(statements.filter(u"BEGIN"_s).size(), 1);
}

void tst_Transactions::transactionReturnsValue()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)"_s));
    QASYNCSQLITE_AWAIT_RESULT(id, db.transaction([](QAsyncSqliteTransaction &tx) {
        tx.executeInsert(u"INSERT INTO t(name) VALUES('a')"_s);
        return tx.executeInsert(u"INSERT INTO t(name) VALUES(?)"_s, {u"b"_s});
    }));
    static_assert(std::is_same_v<decltype(id), qint64>);
    QCOMPARE(id, 2);
    QASYNCSQLITE_AWAIT_RESULT(named, db.transaction([](QAsyncSqliteTransaction &tx) {
        return tx.executeInsert(u"INSERT INTO t(name) VALUES(:name)"_s, QVariantMap{{u"name"_s, u"c"_s}});
    }));
    QCOMPARE(named, 3);
    QASYNCSQLITE_AWAIT(db.execute(u"DELETE FROM t WHERE id = 3"_s));
    QASYNCSQLITE_AWAIT(db.commit());
    QASYNCSQLITE_AWAIT_RESULT(names,
                              db.transaction(
                                      [](QAsyncSqliteTransaction &tx) {
                                          QStringList result;
                                          for (const QVariant &row : tx.execute(u"SELECT name FROM t ORDER BY id"_s))
                                              result.append(row.toList().first().toString());
                                          return result;
                                      },
                                      QAsyncSqlite::TransactionMode::Deferred));
    QCOMPARE(names, (QStringList{u"a"_s, u"b"_s}));
    QVERIFY(!db.inTransaction());
}

void tst_Transactions::transactionReportsProgress()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    // The worker waits until the watcher is connected.
    WorkerHold hold(db);
    const QFuture<int> future = db.transaction([](QAsyncSqliteTransaction &tx) {
        tx.setProgressRange(0, 4);
        for (int i = 1; i <= 4; ++i) {
            tx.execute(u"INSERT INTO t VALUES(?)"_s, {i});
            tx.setProgressValue(i);
        }
        tx.setProgressValue(9); // outside the range: ignored, as by QPromise
        tx.setProgressValue(2); // not above the last value: ignored
        return 4;
    });
    const WatchedProgress progress = watchProgress(future, hold);
    QASYNCSQLITE_AWAIT(future);
    QVERIFY(progress.finished);

    QCOMPARE(future.progressMaximum(), 4);
    QCOMPARE(future.progressValue(), 4);
    QCOMPARE(progress.minimum, 0);
    QCOMPARE(progress.maximum, 4);
    const QList<int> &seen = progress.values;
    // 0 when the watcher connected, then the first value and the maximum,
    // which Qt always delivers; 2 and 3 may be dropped (25 a second at most).
    QVERIFY2(seen.size() >= 3, qPrintable(QDebug::toString(seen)));
    QCOMPARE(seen.first(), 0);
    QCOMPARE(seen.at(1), 1);
    QCOMPARE(seen.last(), 4);
    QVERIFY2(progress.strictlyIncreasing(), qPrintable(QDebug::toString(seen)));
}

void tst_Transactions::transactionRollsBackOnThrow_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("std::runtime_error") << u"runtime"_s;
    QTest::newRow("IntegrityError from SQLite") << u"integrity"_s;
    QTest::newRow("ProgrammingError thrown by fn") << u"programming"_s;
}

void tst_Transactions::transactionRollsBackOnThrow()
{
    QFETCH(QString, kind);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v UNIQUE)"_s));
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy rolledBack(&db, &QAsyncSqliteConnection::rolledBack);
    QFuture<int> future = db.transaction([kind](QAsyncSqliteTransaction &tx) -> int {
        tx.execute(u"INSERT INTO t VALUES(1)"_s);
        tx.execute(u"INSERT INTO t VALUES(2)"_s);
        if (kind == u"runtime"_s)
            throw std::runtime_error("boom");
        if (kind == u"integrity"_s)
            tx.execute(u"INSERT INTO t VALUES(1)"_s);
        if (kind == u"programming"_s)
            throw QAsyncSqliteProgrammingError(SQLITE_MISUSE, u"mine"_s);
        return 0;
    });
    QVERIFY(QAsyncSqliteTest::waitForFinished(future));
    QString caught;
    try {
        (void)future.result();
    } catch (const std::runtime_error &e) {
        caught = u"runtime:"_s + QString::fromUtf8(e.what());
    } catch (const QAsyncSqliteIntegrityError &e) {
        caught = u"integrity:"_s + e.errorName();
    } catch (const QAsyncSqliteProgrammingError &e) {
        caught = u"programming:"_s + e.message();
    } catch (...) {
        caught = u"other"_s;
    }
    const QString expected = kind == u"runtime"_s ? u"runtime:boom"_s
            : kind == u"integrity"_s              ? u"integrity:SQLITE_CONSTRAINT_UNIQUE"_s
                                                  : u"programming:mine"_s;
    QCOMPARE(caught, expected);
    QVERIFY(!db.inTransaction());
    SCALAR(count, db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 0);
    QTRY_COMPARE(rolledBack.size(), 1);
    QCOMPARE(committed.size(), 0);
}

void tst_Transactions::nestedTransactionIsSavepoint_data()
{
    QTest::addColumn<bool>("outerCommits");
    QTest::newRow("outer commit") << true;
    QTest::newRow("outer rollback") << false;
}

void tst_Transactions::nestedTransactionIsSavepoint()
{
    QFETCH(bool, outerCommits);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    Trace trace;
    QASYNCSQLITE_AWAIT(db.setTraceCallback(trace.callback()));

    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s)); // implicit transaction open
    QVERIFY(db.inTransaction());

    // Inner throw: only the inner part is undone; the outer stays open.
    QFuture<void> failing = db.transaction([](QAsyncSqliteTransaction &tx) {
        tx.execute(u"INSERT INTO t VALUES(2)"_s);
        throw std::runtime_error("inner");
    });
    QVERIFY(QAsyncSqliteTest::waitForFinished(failing));
    bool threw = false;
    try {
        failing.waitForFinished();
    } catch (const std::runtime_error &) {
        threw = true;
    }
    QVERIFY(threw);
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT_RESULT(afterFailure, db.execute(u"SELECT v FROM t ORDER BY v"_s));
    QCOMPARE(afterFailure, QVariantList{QVariantList{qint64(1)}});

    // Inner return: released into the outer transaction, not committed.
    QASYNCSQLITE_AWAIT(db.transaction([](QAsyncSqliteTransaction &tx) {
        tx.execute(u"INSERT INTO t VALUES(3)"_s);
    }));
    QVERIFY(db.inTransaction());
    SCALAR(outside, other, u"SELECT count(*) FROM t"_s);
    QCOMPARE(outside, 0);
    const QStringList statements = trace.take();
    QCOMPARE(statements.filter(u"SAVEPOINT"_s).size(), 2);
    QVERIFY(statements.filter(u"ROLLBACK TO"_s).size() == 1);
    QVERIFY(!statements.contains(u"COMMIT"_s));
    QVERIFY(!statements.contains(u"BEGIN IMMEDIATE"_s));

    // The outer transaction decides.
    QASYNCSQLITE_AWAIT(outerCommits ? db.commit() : db.rollback());
    QVERIFY(!db.inTransaction());
    QASYNCSQLITE_AWAIT_RESULT(rows, other.execute(u"SELECT v FROM t ORDER BY v"_s));
    QCOMPARE(rows, outerCommits ? (QVariantList{QVariantList{qint64(1)}, QVariantList{qint64(3)}}) : QVariantList{});
}

void tst_Transactions::noInterleavingAcrossThreads()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(who TEXT)"_s));
    QASYNCSQLITE_AWAIT(db.commit());

    QSemaphore started;
    QSemaphore proceed;
    const auto release = qScopeGuard([&proceed] {
        proceed.release();
    });
    QFuture<QList<qint64>> txFuture;
    // Submitted from another thread.
    std::thread submitter([&] {
        txFuture = db.transaction([&](QAsyncSqliteTransaction &tx) {
            QList<qint64> seen;
            tx.execute(u"INSERT INTO t VALUES('tx')"_s);
            started.release();
            // The main thread queues its requests now; none may run inside.
            const bool released = proceed.tryAcquire(1, 10000);
            seen.append(released ? 1 : 0);
            seen.append(tx.execute(u"SELECT count(*) FROM t"_s).first().toList().first().toLongLong());
            tx.execute(u"INSERT INTO t VALUES('tx')"_s);
            seen.append(
                    tx.execute(u"SELECT count(*) FROM t WHERE who = 'main'"_s).first().toList().first().toLongLong());
            return seen;
        });
    });
    submitter.join();
    QVERIFY(started.tryAcquire(1, 10000)); // fn runs on the worker now

    QFuture<qint64> mainInsert = db.executeInsert(u"INSERT INTO t VALUES('main')"_s);
    QFuture<QVariantList> mainRead = db.execute(u"SELECT who FROM t ORDER BY rowid"_s);
    QFuture<void> mainCommit = db.commit();
    proceed.release();

    QASYNCSQLITE_AWAIT_RESULT(seen, txFuture);
    QCOMPARE(seen, (QList<qint64>{1, 1, 0})); // fn saw only its own rows
    QASYNCSQLITE_AWAIT(mainInsert);
    QASYNCSQLITE_AWAIT_RESULT(order, mainRead);
    // The main thread's requests ran after the whole transaction.
    QCOMPARE(order, (QVariantList{QVariantList{u"tx"_s}, QVariantList{u"tx"_s}, QVariantList{u"main"_s}}));
    QASYNCSQLITE_AWAIT(mainCommit);
    QVERIFY(!db.inTransaction());
}

void tst_Transactions::failedCommitKeepsTransaction_data()
{
    QTest::addColumn<bool>("fix");
    QTest::newRow("then rollback") << false;
    QTest::newRow("then fix and commit") << true;
}

void tst_Transactions::failedCommitKeepsTransaction()
{
    QFETCH(bool, fix);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"foreign_keys=ON"_s}}));
    QASYNCSQLITE_AWAIT(
            db.executeScript(u"CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                             "CREATE TABLE child(pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"_s));
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy rolledBack(&db, &QAsyncSqliteConnection::rolledBack);
    QSignalSpy tables(&db, &QAsyncSqliteConnection::tablesChanged);
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO child VALUES(7)"_s)); // deferred: no error yet
    QVERIFY(db.inTransaction());

    QASYNCSQLITE_AWAIT_ERROR(error, db.commit(), QAsyncSqliteIntegrityError);
    QCOMPARE(error.extendedCode(), SQLITE_CONSTRAINT_FOREIGNKEY);
    QCOMPARE(error.sql(), u"COMMIT"_s);
    QVERIFY(db.inTransaction()); // still open, as SQLite leaves it
    QASYNCSQLITE_AWAIT_RESULT(pending, db.execute(u"SELECT pid FROM child"_s));
    QCOMPARE(pending, QVariantList{QVariantList{qint64(7)}});
    QCoreApplication::processEvents();
    QCOMPARE(committed.size(), 0);

    if (fix) {
        QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO parent VALUES(7)"_s));
        QASYNCSQLITE_AWAIT(db.commit());
        QVERIFY(!db.inTransaction());
        QTRY_COMPARE(committed.size(), 1);
        QTRY_COMPARE(tables.size(), 1);
        QCOMPARE(tables.first().first().toStringList(), (QStringList{u"child"_s, u"parent"_s}));
        SCALAR(count, db, u"SELECT count(*) FROM child"_s);
        QCOMPARE(count, 1);
    } else {
        QASYNCSQLITE_AWAIT(db.rollback());
        QVERIFY(!db.inTransaction());
        QTRY_COMPARE(rolledBack.size(), 1);
        SCALAR(count, db, u"SELECT count(*) FROM child"_s);
        QCOMPARE(count, 0);
        QCOMPARE(tables.size(), 0);
    }
}

void tst_Transactions::failedCommitInTransactionFn()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"foreign_keys=ON"_s}}));
    QASYNCSQLITE_AWAIT(
            db.executeScript(u"CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                             "CREATE TABLE child(pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"_s));
    // transaction(fn) is atomic as a unit: a COMMIT that fails rolls it back.
    QASYNCSQLITE_AWAIT_ERROR(error, db.transaction([](QAsyncSqliteTransaction &tx) {
        tx.execute(u"INSERT INTO child VALUES(7)"_s);
    }),
                             QAsyncSqliteIntegrityError);
    QCOMPARE(error.extendedCode(), SQLITE_CONSTRAINT_FOREIGNKEY);
    QVERIFY(!db.inTransaction());
    SCALAR(count, db, u"SELECT count(*) FROM child"_s);
    QCOMPARE(count, 0);
}

void tst_Transactions::signalsAndTotalChanges()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QSignalSpy inTx(&db, &QAsyncSqliteConnection::inTransactionChanged);
    QSignalSpy total(&db, &QAsyncSqliteConnection::totalChangesChanged);
    QCOMPARE(db.totalChanges(), 0);
    QVERIFY(!db.inTransaction());
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE b(v); CREATE TABLE a(v); CREATE TABLE c(v);"_s));
    QCOMPARE(db.totalChanges(), 0);
    QCoreApplication::processEvents(); // the DDL's own commits are not counted below
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy tables(&db, &QAsyncSqliteConnection::tablesChanged);

    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO b VALUES(1)"_s));
    QASYNCSQLITE_AWAIT(db.executeMany(u"INSERT INTO a VALUES(?)"_s, {{1}, {2}, {3}}));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO b VALUES(2)"_s));
    QCOMPARE(db.totalChanges(), 5);
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.commit());
    QVERIFY(!db.inTransaction());

    QTRY_COMPARE(committed.size(), 1);
    QTRY_COMPARE(tables.size(), 1);
    // Coalesced per commit, sorted, each table once; c was not written.
    QCOMPARE(tables.first().first().toStringList(), (QStringList{u"a"_s, u"b"_s}));
    QTRY_COMPARE(inTx.size(), 2);
    QCOMPARE(inTx.at(0).at(0).toBool(), true);
    QCOMPARE(inTx.at(1).at(0).toBool(), false);
    QTRY_COMPARE(total.size(), 3);
    QCOMPARE(total.at(0).at(0).toLongLong(), 1);
    QCOMPARE(total.at(1).at(0).toLongLong(), 4);
    QCOMPARE(total.at(2).at(0).toLongLong(), 5);

    // A rolled back transaction reports no tables; its changes still count
    // in totalChanges() (as sqlite3_total_changes and Python's total_changes).
    QSignalSpy rolledBack(&db, &QAsyncSqliteConnection::rolledBack);
    QASYNCSQLITE_AWAIT(db.execute(u"UPDATE a SET v = 0"_s));
    QASYNCSQLITE_AWAIT(db.rollback());
    QTRY_COMPARE(rolledBack.size(), 1);
    QCOMPARE(db.totalChanges(), 8);
    // Through the Q_PROPERTYs as well.
    QCOMPARE(db.property("totalChanges").toLongLong(), 8);
    QCOMPARE(db.property("inTransaction").toBool(), false);
    QASYNCSQLITE_AWAIT(db.execute(u"DELETE FROM c"_s)); // no rows: no change
    QASYNCSQLITE_AWAIT(db.commit());
    QTRY_COMPARE(committed.size(), 2);
    QCoreApplication::processEvents();
    QCOMPARE(tables.size(), 1);
    QCOMPARE(db.totalChanges(), 8);
    QCOMPARE(inTx.size(), 6);
}

void tst_Transactions::tablesChangedPerAutocommitStatement()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE x(v); CREATE TABLE y(v);"_s));
    QSignalSpy tables(&db, &QAsyncSqliteConnection::tablesChanged);
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO y VALUES(1)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO x VALUES(1)"_s));
    QTRY_COMPARE(tables.size(), 2);
    QCOMPARE(tables.at(0).at(0).toStringList(), QStringList{u"y"_s});
    QCOMPARE(tables.at(1).at(0).toStringList(), QStringList{u"x"_s});
    QCOMPARE(committed.size(), 2);
    // transaction(fn) coalesces everything it wrote into one signal.
    QASYNCSQLITE_AWAIT(db.transaction([](QAsyncSqliteTransaction &tx) {
        tx.execute(u"INSERT INTO y VALUES(2)"_s);
        tx.execute(u"INSERT INTO x VALUES(2)"_s);
        tx.execute(u"INSERT INTO y VALUES(3)"_s);
    }));
    QTRY_COMPARE(tables.size(), 3);
    QCOMPARE(tables.at(2).at(0).toStringList(), (QStringList{u"x"_s, u"y"_s}));
    QCOMPARE(committed.size(), 3);
}

void tst_Transactions::tablesChangedSeesEveryCommittedChange_data()
{
    // Changes SQLite's update hook does not see, and a request that commits
    // one transaction and rolls back the next. Autocommit isolation: every
    // statement outside BEGIN commits on its own.
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("tables");
    QTest::addColumn<int>("commits");
    QTest::addColumn<int>("rollbacks");
    QTest::newRow("DELETE without WHERE (truncate)") << u"DELETE FROM r"_s << QStringList{u"r"_s} << 1 << 0;
    QTest::newRow("WITHOUT ROWID insert") << u"INSERT INTO w VALUES('c', 3)"_s << QStringList{u"w"_s} << 1 << 0;
    QTest::newRow("WITHOUT ROWID update") << u"UPDATE w SET v = 9"_s << QStringList{u"w"_s} << 1 << 0;
    QTest::newRow("WITHOUT ROWID delete") << u"DELETE FROM w WHERE k = 'a'"_s << QStringList{u"w"_s} << 1 << 0;
    QTest::newRow("REPLACE deletes the conflicting row")
            << u"REPLACE INTO w VALUES('a', 5)"_s << QStringList{u"w"_s} << 1 << 0;
    QTest::newRow("commit a, then roll back b")
            << u"INSERT INTO r VALUES(3); BEGIN; INSERT INTO w VALUES('z', 1); ROLLBACK;"_s << QStringList{u"r"_s} << 1
            << 1;
    QTest::newRow("commit a, then roll back an empty transaction")
            << u"INSERT INTO r VALUES(3); BEGIN; ROLLBACK;"_s << QStringList{u"r"_s} << 1 << 1;
    QTest::newRow("commit a, then a failing statement")
            << u"INSERT INTO r VALUES(3); INSERT INTO w VALUES('a', 1);"_s << QStringList{u"r"_s} << 1 << 1;
    QTest::newRow("rolled back only") << u"BEGIN; DELETE FROM r; INSERT INTO w VALUES('z', 1); ROLLBACK;"_s
                                      << QStringList{} << 0 << 1;
    QTest::newRow("three commits") << u"INSERT INTO r VALUES(3); DELETE FROM w; UPDATE r SET x = 0;"_s
                                   << QStringList{u"r"_s, u"w"_s} << 3 << 0;
}

void tst_Transactions::tablesChangedSeesEveryCommittedChange()
{
    QFETCH(QString, script);
    QFETCH(QStringList, tables);
    QFETCH(int, commits);
    QFETCH(int, rollbacks);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE r(x); INSERT INTO r VALUES(1), (2);"
                                        "CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;"
                                        "INSERT INTO w VALUES('a', 1), ('b', 2);"_s));
    QCoreApplication::processEvents();
    QSignalSpy changed(&db, &QAsyncSqliteConnection::tablesChanged);
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy rolledBack(&db, &QAsyncSqliteConnection::rolledBack);
    const auto run = db.executeScript(script);
    QVERIFY(QAsyncSqliteTest::waitForFinished(run));
    QASYNCSQLITE_AWAIT(db.close()); // its signals arrive before closed()
    QCoreApplication::processEvents();
    QSet<QString> reported;
    for (const QList<QVariant> &emission : changed) {
        for (const QString &table : emission.first().toStringList())
            reported.insert(table);
    }
    QCOMPARE(reported, QSet<QString>(tables.cbegin(), tables.cend()));
    QCOMPARE(committed.size(), commits);
    QCOMPARE(rolledBack.size(), rollbacks);
}

void tst_Transactions::committedPerAutocommitExecuteManyRow()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE r(x)"_s));
    QCoreApplication::processEvents();
    QSignalSpy committed(&db, &QAsyncSqliteConnection::committed);
    QSignalSpy changed(&db, &QAsyncSqliteConnection::tablesChanged);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.executeMany(u"INSERT INTO r VALUES(?)"_s, {{1}, {2}, {3}, {4}}));
    QCOMPARE(rows, 4);
    QTRY_COMPARE(committed.size(), 4); // each row committed on its own
    QCOMPARE(changed.size(), 1); // coalesced per request
    QCOMPARE(changed.first().first().toStringList(), QStringList{u"r"_s});
}

void tst_Transactions::isolationLevelProperty()
{
    QAsyncSqliteConnection db;
    QSignalSpy changed(&db, &QAsyncSqliteConnection::isolationLevelChanged);
    QCOMPARE(db.isolationLevel(), QAsyncSqlite::IsolationLevel::Deferred);
    QCOMPARE(db.property("isolationLevel").value<QAsyncSqlite::IsolationLevel>(),
             QAsyncSqlite::IsolationLevel::Deferred);
    QVERIFY(db.setProperty("isolationLevel", QVariant::fromValue(QAsyncSqlite::IsolationLevel::Exclusive)));
    QCOMPARE(db.isolationLevel(), QAsyncSqlite::IsolationLevel::Exclusive);
    QCOMPARE(changed.size(), 1);
    db.setIsolationLevel(QAsyncSqlite::IsolationLevel::Exclusive); // same value: no signal
    QCOMPARE(changed.size(), 1);

    // open() takes the level from the options.
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.isolationLevel = QAsyncSqlite::IsolationLevel::Immediate}));
    QCOMPARE(db.isolationLevel(), QAsyncSqlite::IsolationLevel::Immediate);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.at(1).at(0).value<QAsyncSqlite::IsolationLevel>(), QAsyncSqlite::IsolationLevel::Immediate);
    Trace trace;
    QASYNCSQLITE_AWAIT(db.setTraceCallback(trace.callback()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s));
    QCOMPARE(trace.take(), (QStringList{u"CREATE TABLE t(v)"_s, u"BEGIN IMMEDIATE"_s, u"INSERT INTO t VALUES(1)"_s}));
    QASYNCSQLITE_AWAIT(db.commit());
}

void tst_Transactions::runGivesRawHandle()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s)); // implicit transaction open
    QASYNCSQLITE_AWAIT_RESULT(result, db.run([](sqlite3 *handle) {
        QList<qint64> r;
        r.append(sqlite3_get_autocommit(handle));
        r.append(sqlite3_exec(handle, "INSERT INTO t VALUES(2); INSERT INTO t VALUES(3)", nullptr, nullptr, nullptr));
        r.append(sqlite3_changes64(handle));
        r.append(QString::fromUtf8(sqlite3_db_filename(handle, "main")).endsWith(u"test.sqlite"_s) ? 1 : 0);
        return r;
    }));
    QCOMPARE(result, (QList<qint64>{0, SQLITE_OK, 1, 1}));
    // The raw writes are part of the same transaction and of the published state.
    QVERIFY(db.inTransaction());
    QCOMPARE(db.totalChanges(), 3);
    QASYNCSQLITE_AWAIT(db.rollback());
    SCALAR(count, db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(count, 0);

    // A raw COMMIT/BEGIN is reflected in inTransaction() too.
    QASYNCSQLITE_AWAIT(db.run([](sqlite3 *handle) {
        sqlite3_exec(handle, "BEGIN", nullptr, nullptr, nullptr);
    }));
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.run([](sqlite3 *handle) {
        sqlite3_exec(handle, "COMMIT", nullptr, nullptr, nullptr);
    }));
    QVERIFY(!db.inTransaction());

    // Exceptions from fn reach the future with their type.
    QFuture<int> throwing = db.run([](sqlite3 *) -> int {
        throw std::runtime_error("raw");
    });
    QVERIFY(QAsyncSqliteTest::waitForFinished(throwing));
    QString what;
    try {
        (void)throwing.result();
    } catch (const std::runtime_error &e) {
        what = QString::fromUtf8(e.what());
    }
    QCOMPARE(what, u"raw"_s);
}

QTEST_GUILESS_MAIN(tst_Transactions)
#include "tst_transactions.moc"
