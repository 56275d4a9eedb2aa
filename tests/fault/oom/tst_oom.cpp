// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Out of memory: main() installs a counting allocator with
// sqlite3_config(SQLITE_CONFIG_MALLOC) before SQLite initializes; the test
// fails the n-th allocation (transient: only that one; persistent: that one
// and every later one) while a workload runs (open, create, insert through
// transaction() and through the implicit transaction, select, a cursor,
// close), for n = 1, 2, … until the workload completes untouched. For every n:
//  - every request ends within a bound, with a result or a typed
//    QAsyncSqliteError whose class follows the code mapping (SQLITE_NOMEM:
//    QAsyncSqliteOperationalError); an SQLITE_NOMEM only reaches a request
//    during which an allocation failed, and the first failure only reaches
//    such a request;
//  - after a transient failure, rollback() and the failed step again succeed;
//  - after close, sqlite3_memory_used() is back at its baseline (nothing
//    leaked on any error path), and so are threads and fds;
//  - reopened, the file passes integrity_check, every acknowledged
//    transaction is present and none is partial.
// rollbackUnderMemoryPressure: a ROLLBACK that cannot run for lack of memory
// never lets the next COMMIT persist the writes it was meant to discard.
#include "faultcommon.h"
#include "resourcebaseline.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qcoreapplication.h>
#include <QtTest/QtTest>

#include <atomic>
#include <optional>
#include <typeinfo>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// --- The counting allocator ------------------------------------------------

sqlite3_mem_methods g_real;
std::atomic<bool> g_armed{false};
std::atomic<int> g_count{0};
std::atomic<int> g_failAt{0};
std::atomic<bool> g_persistent{false};
std::atomic<int> g_injected{0};
int g_configResult = -1;

bool shouldFail()
{
    if (!g_armed.load(std::memory_order_acquire))
        return false;
    const int n = ++g_count;
    const int at = g_failAt.load();
    if (n == at || (g_persistent.load() && n > at)) {
        ++g_injected;
        return true;
    }
    return false;
}

void *countingMalloc(int size)
{
    return shouldFail() ? nullptr : g_real.xMalloc(size);
}

void countingFree(void *p)
{
    g_real.xFree(p);
}

void *countingRealloc(void *p, int size)
{
    return shouldFail() ? nullptr : g_real.xRealloc(p, size);
}

int countingSize(void *p)
{
    return g_real.xSize(p);
}

int countingRoundup(int size)
{
    return g_real.xRoundup(size);
}

int countingInit(void *appData)
{
    return g_real.xInit(appData);
}

void countingShutdown(void *appData)
{
    g_real.xShutdown(appData);
}

void installAllocator()
{
    int rc = sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_real);
    static sqlite3_mem_methods counting;
    counting = g_real;
    counting.xMalloc = countingMalloc;
    counting.xFree = countingFree;
    counting.xRealloc = countingRealloc;
    counting.xSize = countingSize;
    counting.xRoundup = countingRoundup;
    counting.xInit = countingInit;
    counting.xShutdown = countingShutdown;
    if (rc == SQLITE_OK)
        rc = sqlite3_config(SQLITE_CONFIG_MALLOC, &counting);
    if (rc == SQLITE_OK)
        rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
    if (rc == SQLITE_OK)
        rc = sqlite3_initialize();
    g_configResult = rc;
}

void arm(int n, bool persistent)
{
    g_count = 0;
    g_injected = 0;
    g_failAt = n;
    g_persistent = persistent;
    g_armed.store(true, std::memory_order_release);
}

void disarm()
{
    g_armed.store(false, std::memory_order_release);
}

// --- Checking requests --------------------------------------------------------

using Fault::expectedClass;
using Fault::requestTimeout;

struct Stats
{
    int runs = 0;
    int injected = 0;
    int failedRequests = 0;
    QMap<QString, int> codes;
};

class Run
{
public:
    Run(const QString &journalMode, Stats &stats) : m_journalMode(journalMode), m_stats(stats) { }

    QString exec(int n, bool persistent);

private:
    // "" or a violation; \a failed tells whether the request failed (validly).
    template<typename T>
    QString request(const QString &what, const QFuture<T> &future, bool &failed)
    {
        failed = false;
        const int before = m_injectedBefore;
        const bool finished = QAsyncSqliteTest::waitForFinished(future, requestTimeout);
        const int after = g_injected.load();
        m_injectedBefore = after;
        if (!finished)
            return what + u": did not finish within %1 ms"_s.arg(requestTimeout.count());
        try {
            QFuture<T>(future).waitForFinished();
        } catch (const QAsyncSqliteError &e) {
            failed = true;
            ++m_stats.failedRequests;
            m_stats.codes[e.errorName()] += 1;
            m_lastError = what + u": "_s + QString::fromUtf8(e.what());
            if (typeid(e) != expectedClass(e.extendedCode()))
                return what + u": %1 arrived as %2"_s.arg(QString::fromUtf8(e.what()), QLatin1String(typeid(e).name()));
            const bool injectedHere = after > before;
            if (e.code() == SQLITE_NOMEM && !injectedHere)
                return what + u": SQLITE_NOMEM although no allocation failed while it ran"_s;
            if (!m_anyFailed && !injectedHere)
                return what + u": failed before any injected fault could cause it: "_s + QString::fromUtf8(e.what());
            m_anyFailed = true;
            return {};
        } catch (const std::exception &e) {
            return what + u": untyped exception: "_s + QString::fromUtf8(e.what());
        } catch (...) {
            return what + u": unknown exception"_s;
        }
        if (future.isCanceled())
            return what + u": canceled without an error"_s;
        return {};
    }

    Fault::Txn nextTxn(int rows)
    {
        Fault::Txn txn;
        txn.id = ++m_nextId;
        for (int i = 0; i < rows; ++i) {
            txn.values.append(txn.id * 100 + i);
            txn.payloadSizes.append(50 + 10 * i);
        }
        return txn;
    }

    QAsyncSqliteTest::TemporaryDatabase m_tmp;
    const QString m_journalMode;
    Stats &m_stats;
    QSet<qint64> m_acknowledged;
    qint64 m_nextId = 0;
    int m_injectedBefore = 0;
    bool m_anyFailed = false;
    QString m_lastError;
};

QString Run::exec(int n, bool persistent)
{
    if (!m_tmp.isValid())
        return u"no temporary directory"_s;
    QAsyncSqliteConnection db;
    bool opened = false;
    using Step = std::function<QString(bool &failed)>;
    const QList<std::pair<QString, Step>> steps = {
            {u"open"_s,
             [&](bool &failed) {
                 QAsyncSqliteOptions options;
                 options.pragmas = {u"synchronous=OFF"_s, u"journal_mode="_s + m_journalMode};
                 const QString failure = request(u"open"_s, db.open(m_tmp.path(), options), failed);
                 opened = failure.isEmpty() && !failed;
                 return failure;
             }},
            {u"schema"_s,
             [&](bool &failed) {
                 return request(u"schema"_s, db.execute(Fault::schemaSql()), failed);
             }},
            {u"transaction"_s,
             [&](bool &failed) {
                 const Fault::Txn txn = nextTxn(10);
                 const QString failure = request(u"transaction"_s, db.transaction([txn](QAsyncSqliteTransaction &tx) {
                     tx.executeMany(Fault::insertDataSql(), txn.dataParams());
                     tx.execute(Fault::insertChecksumSql(), txn.checksumParams());
                 }),
                                                 failed);
                 if (failure.isEmpty() && !failed)
                     m_acknowledged.insert(txn.id);
                 return failure;
             }},
            {u"implicit transaction"_s,
             [&](bool &failed) {
                 const Fault::Txn txn = nextTxn(6);
                 QString failure =
                         request(u"executeMany"_s, db.executeMany(Fault::insertDataSql(), txn.dataParams()), failed);
                 if (failure.isEmpty() && !failed)
                     failure = request(u"checksum"_s,
                                       db.executeInsert(Fault::insertChecksumSql(), txn.checksumParams()), failed);
                 if (failure.isEmpty() && !failed) {
                     failure = request(u"commit"_s, db.commit(), failed);
                     if (failure.isEmpty() && !failed)
                         m_acknowledged.insert(txn.id);
                 }
                 return failure;
             }},
            {u"select"_s,
             [&](bool &failed) {
                 return request(u"select"_s,
                                db.execute(u"SELECT txn, seq, kind, value, payload FROM rows ORDER BY txn, seq"_s),
                                failed);
             }},
            {u"cursor"_s,
             [&](bool &failed) {
                 std::unique_ptr<QAsyncSqliteCursor> cursor(db.cursor());
                 QString failure = request(u"cursor execute"_s,
                                           cursor->execute(u"SELECT txn, value FROM rows WHERE kind = 'd'"_s), failed);
                 if (failure.isEmpty() && !failed)
                     failure = request(u"cursor fetchAll"_s, cursor->fetchAll(), failed);
                 if (failure.isEmpty()) {
                     bool closeFailed = false;
                     failure = request(u"cursor close"_s, cursor->close(), closeFailed);
                     failed = failed || closeFailed;
                 }
                 return failure;
             }},
    };

    arm(n, persistent);
    for (const auto &[name, step] : steps) {
        if (name != u"open"_s && !opened)
            break;
        bool failed = false;
        QString failure = step(failed);
        if (!failure.isEmpty())
            return failure;
        if (!failed || persistent)
            continue; // under a persistent fault, the rest just has to end typed
        // Transient: one allocation failed; rolled back, the step succeeds again.
        if (opened) {
            failure = request(u"rollback after "_s + name, db.rollback(), failed);
            if (!failure.isEmpty() || failed)
                return failure.isEmpty() ? u"rollback after a transient failure in %1 failed"_s.arg(name) : failure;
        }
        m_anyFailed = false; // from now on, every failure must be injected again
        failure = step(failed);
        if (!failure.isEmpty() || failed)
            return failure.isEmpty() ? u"%1 failed again after a transient failure: %2"_s.arg(name, m_lastError)
                                     : failure;
    }
    // close() ends on every path, a failed open included.
    bool failed = false;
    const QString failure = request(u"close"_s, db.close(), failed);
    disarm();
    if (!failure.isEmpty())
        return failure;
    const int injected = g_injected.load();
    m_stats.injected += injected;
    ++m_stats.runs;
    if (n == 1 && injected == 0)
        return u"the first allocation was never made: the allocator is not in use"_s;
    return Fault::verifyDatabase(m_tmp.path(), m_acknowledged);
}

QString summary(const Stats &stats)
{
    QStringList codes;
    for (auto it = stats.codes.cbegin(); it != stats.codes.cend(); ++it)
        codes.append(u"%1 x%2"_s.arg(it.key()).arg(*it));
    return u"%1 runs, %2 allocations failed, %3 requests failed (%4)"_s.arg(stats.runs)
            .arg(stats.injected)
            .arg(stats.failedRequests)
            .arg(codes.join(u", "_s));
}

} // namespace

class tst_FaultOom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void allocatorInUse();
    void rollbackUnderMemoryPressure_data();
    void rollbackUnderMemoryPressure();
    void failNthAllocation_data();
    void failNthAllocation();
    void baselines();

private:
    QString memoryAtBaseline() const;

    sqlite3_int64 m_memory = 0;
    int m_threads = 0;
    int m_fds = 0;
};

void tst_FaultOom::initTestCase()
{
    // Installed in main() before anything could initialize SQLite.
    QCOMPARE(g_configResult, SQLITE_OK);
    // Before any connection: a joined worker's thread may linger in
    // /proc/self/task for a moment (QThread threads are detached).
    m_threads = Fault::threadCount();
    // Warm up: SQLite's and Qt's one-time allocations happen before the baseline.
    Stats stats;
    Run warmUp(u"wal"_s, stats);
    const QString failure = warmUp.exec(0, false);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    m_memory = sqlite3_memory_used();
    QCOMPARE(Fault::settle(Fault::threadCount, m_threads), m_threads);
    m_fds = Fault::fdCount();
}

// The allocator really is SQLite's: failing every allocation fails open()
// with SQLITE_NOMEM.
void tst_FaultOom::allocatorInUse()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    arm(1, true);
    auto open = db.open(tmp.path());
    const bool finished = QAsyncSqliteTest::waitForFinished(open);
    disarm();
    QVERIFY(finished);
    std::optional<QAsyncSqliteOperationalError> error;
    const QString failure = QAsyncSqliteTest::awaitError(open, error);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(error->code(), SQLITE_NOMEM);
    QVERIFY(g_injected.load() > 0);
    QVERIFY(!db.isOpen());
    QASYNCSQLITE_AWAIT(db.close());
    QString memory = memoryAtBaseline();
    QVERIFY2(memory.isEmpty(), qPrintable(memory));

    // Memory statistics are on: an open connection uses some.
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT_RESULT(used, db.run([](sqlite3 *) {
        return qint64(sqlite3_memory_used());
    }));
    QVERIFY2(used > m_memory, qPrintable(QString::number(used)));
    QASYNCSQLITE_AWAIT(db.close());
    memory = memoryAtBaseline();
    QVERIFY2(memory.isEmpty(), qPrintable(memory));
}

// transaction(fn) promises a rollback when fn throws, rollback() one when it
// is called. If memory runs out just then, the ROLLBACK cannot even be
// prepared and the transaction stays open with writes that were meant to be
// discarded: the next commit() must not make them durable (it is vetoed and
// rolls back instead, with a typed error), and new work succeeds after that.
void tst_FaultOom::rollbackUnderMemoryPressure_data()
{
    QTest::addColumn<bool>("explicitRollback");
    QTest::newRow("transaction(fn) throws") << false;
    QTest::newRow("rollback()") << true;
}

void tst_FaultOom::rollbackUnderMemoryPressure()
{
    QFETCH(bool, explicitRollback);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QSet<qint64> acknowledged;
    int vetoed = 0;
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"synchronous=OFF"_s}}));
        QASYNCSQLITE_AWAIT(db.execute(Fault::schemaSql()));
        Fault::Txn partial;
        partial.id = 1;
        partial.values = {1, 2, 3};
        partial.payloadSizes = {10, 10, 10};
        if (explicitRollback) {
            // The implicit transaction's data rows, not its checksum row.
            QASYNCSQLITE_AWAIT(db.executeMany(Fault::insertDataSql(), partial.dataParams()));
            arm(1, true);
            auto rollback = db.rollback();
            const bool finished = QAsyncSqliteTest::waitForFinished(rollback);
            disarm();
            QVERIFY(finished);
            QASYNCSQLITE_AWAIT_ERROR(error, rollback, QAsyncSqliteOperationalError);
            QCOMPARE(error.code(), SQLITE_NOMEM);
        } else {
            auto failed = db.transaction([partial](QAsyncSqliteTransaction &tx) {
                tx.executeMany(Fault::insertDataSql(), partial.dataParams());
                arm(1, true); // every allocation fails from here: the ROLLBACK's too
                throw std::runtime_error("the application gives up");
            });
            const bool finished = QAsyncSqliteTest::waitForFinished(failed);
            disarm();
            QVERIFY(finished);
            QVERIFY(failed.isCanceled()); // failed
        }
        QVERIFY(g_injected.load() > 0);
        // The application carries on, unaware (the failed transaction's writes
        // are still pending in the open transaction).
        for (qint64 id = 2; id <= 3; ++id) {
            Fault::Txn next;
            next.id = id;
            next.values = {4, 5};
            next.payloadSizes = {10, 10};
            QASYNCSQLITE_AWAIT(db.executeMany(Fault::insertDataSql(), next.dataParams()));
            QASYNCSQLITE_AWAIT(db.executeInsert(Fault::insertChecksumSql(), next.checksumParams()));
            std::optional<QAsyncSqliteError> commitError;
            auto commit = db.commit();
            QVERIFY(QAsyncSqliteTest::waitForFinished(commit));
            if (QAsyncSqliteTest::awaitError(commit, commitError).isEmpty()) {
                QCOMPARE(commitError->extendedCode(), SQLITE_CONSTRAINT_COMMITHOOK);
                ++vetoed;
            } else {
                QASYNCSQLITE_AWAIT(commit); // succeeded: acknowledged
                acknowledged.insert(id);
            }
        }
        QASYNCSQLITE_AWAIT(db.close());
    }
    QSet<qint64> present;
    const QString failure = Fault::verifyDatabase(tmp.path(), acknowledged, {}, &present);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY2(!present.contains(1), "the writes of a rolled-back transaction were committed");
    QCOMPARE(present, acknowledged);
    // The first commit took the doomed transaction down; the next one works.
    QCOMPARE(vetoed, 1);
    QCOMPARE(acknowledged, QSet<qint64>({3}));
    const QString memory = memoryAtBaseline();
    QVERIFY2(memory.isEmpty(), qPrintable(memory));
}

void tst_FaultOom::failNthAllocation_data()
{
    QTest::addColumn<QString>("journalMode");
    QTest::addColumn<bool>("persistent");
    QTest::newRow("delete-transient") << u"delete"_s << false;
    QTest::newRow("delete-persistent") << u"delete"_s << true;
    QTest::newRow("wal-transient") << u"wal"_s << false;
    QTest::newRow("wal-persistent") << u"wal"_s << true;
}

void tst_FaultOom::failNthAllocation()
{
    QFETCH(QString, journalMode);
    QFETCH(bool, persistent);
    Stats stats;
    for (int n = 1;; ++n) {
        QVERIFY2(n < 100000, "the workload never completed");
        Run run(journalMode, stats);
        const int injectedBefore = stats.injected;
        const QString failure = run.exec(n, persistent);
        disarm();
        QVERIFY2(failure.isEmpty(), qPrintable(u"n = %1: %2"_s.arg(n).arg(failure)));
        const QString memory = memoryAtBaseline();
        QVERIFY2(memory.isEmpty(), qPrintable(u"n = %1: %2"_s.arg(n).arg(memory)));
        if (stats.injected == injectedBefore)
            break; // the workload completed without reaching the n-th allocation
    }
    qInfo("%s", qPrintable(summary(stats)));
    QVERIFY(stats.codes.value(u"SQLITE_NOMEM"_s) > 0);
}

void tst_FaultOom::baselines()
{
    QCOMPARE(Fault::settle(Fault::threadCount, m_threads), m_threads);
    QCOMPARE(Fault::settle(Fault::fdCount, m_fds), m_fds);
    const QString memory = memoryAtBaseline();
    QVERIFY2(memory.isEmpty(), qPrintable(memory));
}

QString tst_FaultOom::memoryAtBaseline() const
{
    const int used = Fault::settle(
            [] {
                return int(sqlite3_memory_used());
            },
            int(m_memory));
    if (used == m_memory)
        return {};
    return u"sqlite3_memory_used() is %1 bytes, %2 at the baseline (%3 leaked)"_s.arg(used).arg(m_memory).arg(
            used - m_memory);
}

int main(int argc, char **argv)
{
    installAllocator(); // before QTest, before any connection: SQLite is not initialized yet
    QCoreApplication app(argc, argv);
    tst_FaultOom test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_oom.moc"
