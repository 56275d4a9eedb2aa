// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// I/O faults: a workload runs against a database opened through "faultvfs"
// (file:…?vfs=faultvfs), which fails the n-th read, write, sync, truncate or
// lock, transiently or persistently, or refuses growth beyond a byte quota
// (SQLITE_FULL). n goes forward until the workload completes untouched. For
// every n:
//  - every request ends (bounded wait) with a result or a typed
//    QAsyncSqliteError whose class follows the code mapping, and a failure
//    only ever reaches the request during which a fault was injected, with an
//    SQLITE_IOERR_* or SQLITE_FULL code;
//  - after a transient fault, rollback() and then the failed request again
//    succeed, and the rest of the workload succeeds;
//  - after a persistent fault is lifted, rollback() and new requests succeed;
//  - at the end, integrity_check is ok, every acknowledged transaction is
//    fully present, no transaction is partial, acknowledged deletions stay
//    deleted; threads and fds return to their baseline.
#include "faultcommon.h"
#include "resourcebaseline.h"
#include "faultvfs.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qfile.h>
#include <QtCore/qurl.h>
#include <QtTest/QtTest>

#include <optional>
#include <typeinfo>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

using Fault::expectedClass;
using Fault::requestTimeout;

// How one request ended.
struct Outcome
{
    bool ok = false;
    std::optional<QAsyncSqliteError> error;
    QString problem; // not a terminal state the contract allows
};

template<typename T>
Outcome awaitOutcome(const QFuture<T> &future)
{
    Outcome outcome;
    if (!QAsyncSqliteTest::waitForFinished(future, requestTimeout)) {
        outcome.problem = u"did not finish within %1 ms"_s.arg(requestTimeout.count());
        return outcome;
    }
    try {
        QFuture<T>(future).waitForFinished();
    } catch (const QAsyncSqliteError &e) {
        outcome.error = e;
        if (typeid(e) != expectedClass(e.extendedCode()))
            outcome.problem = u"%1 arrived as %2, not as the class its code maps to"_s.arg(
                    QString::fromUtf8(e.what()), QLatin1String(typeid(e).name()));
        return outcome;
    } catch (const std::exception &e) {
        outcome.problem = u"untyped exception: "_s + QString::fromUtf8(e.what());
        return outcome;
    } catch (...) {
        outcome.problem = u"unknown exception"_s;
        return outcome;
    }
    if (future.isCanceled())
        outcome.problem = u"canceled without an error"_s;
    else
        outcome.ok = true;
    return outcome;
}

struct Stats
{
    int iterations = 0;
    int injected = 0;
    int failedRequests = 0;
    int absorbed = 0; // injections that no request reported
    QMap<QString, int> codes;
    QMap<QString, int> absorbedIn; // request kind -> injections it did not report
};

// One run of the workload against a fresh database, with the fault armed.
class Run
{
public:
    Run(const QString &journalMode, bool persistent, Stats &stats)
        : m_journalMode(journalMode), m_persistent(persistent), m_stats(stats)
    {
    }

    // Arms the fault (\a arm) and runs the workload; returns "" or the
    // first contract violation.
    QString exec(const std::function<void()> &arm);

private:
    using Step = std::function<QString(bool &failed)>;

    QString uri() const
    {
        return QUrl::fromLocalFile(m_tmp.path()).toString(QUrl::FullyEncoded) + u"?vfs="_s
                + QLatin1String(FaultVfs::name);
    }

    // Awaits one request; "" or a violation. \a failed tells whether it
    // failed (validly).
    template<typename T>
    QString request(const QString &what, const QFuture<T> &future, bool &failed, bool mayFailUninjected = false)
    {
        const int before = m_injectedBefore;
        const Outcome outcome = awaitOutcome(future);
        const int after = FaultVfs::injected();
        m_injectedBefore = after;
        if (!outcome.problem.isEmpty())
            return what + u": "_s + outcome.problem;
        if (outcome.ok) {
            failed = false;
            if (after > before) {
                // sqlite3_close() swallows the errors of its final WAL
                // checkpoint by design (the WAL stays, nothing is lost);
                // every other request must report a fault injected into it.
                m_stats.absorbedIn[what.section(u' ', 0, 0)] += after - before;
                if (what != u"close"_s && !mayFailUninjected)
                    return what + u": succeeded although a fault was injected while it ran"_s;
            }
            return {};
        }
        failed = true;
        ++m_stats.failedRequests;
        const QAsyncSqliteError &e = *outcome.error;
        m_lastError = what + u": "_s + QString::fromUtf8(e.what());
        m_stats.codes[e.errorName()] += 1;
        if (mayFailUninjected)
            return {};
        if (after == before) {
            return what + u": failed although no fault was injected while it ran: "_s + QString::fromUtf8(e.what());
        }
        if (e.code() != SQLITE_IOERR && e.code() != SQLITE_FULL)
            return what + u": the injected fault arrived as "_s + QString::fromUtf8(e.what());
        m_reported = after;
        return {};
    }

    QString open(bool &failed)
    {
        QAsyncSqliteOptions options;
        options.uri = true;
        options.pragmas = {u"journal_mode="_s + m_journalMode, u"cache_size=8"_s};
        return request(u"open"_s, m_db->open(uri(), options), failed);
    }

    // A checksummed transaction through transaction(fn).
    QString insertUnit(int rows, int payload, bool &failed)
    {
        Fault::Txn txn;
        txn.id = ++m_nextId;
        for (int i = 0; i < rows; ++i) {
            txn.values.append(txn.id * 100 + i);
            txn.payloadSizes.append(payload);
        }
        const QString failure =
                request(u"transaction %1"_s.arg(txn.id), m_db->transaction([txn](QAsyncSqliteTransaction &tx) {
                    tx.executeMany(Fault::insertDataSql(), txn.dataParams());
                    tx.execute(Fault::insertChecksumSql(), txn.checksumParams());
                }),
                        failed);
        if (failure.isEmpty() && !failed)
            m_acknowledged.insert(txn.id);
        return failure;
    }

    // The same through the implicit transaction and commit().
    QString implicitUnit(int rows, int payload, bool &failed)
    {
        Fault::Txn txn;
        txn.id = ++m_nextId;
        for (int i = 0; i < rows; ++i) {
            txn.values.append(txn.id * 100 + i);
            txn.payloadSizes.append(payload);
        }
        QString failure = request(u"executeMany %1"_s.arg(txn.id),
                                  m_db->executeMany(Fault::insertDataSql(), txn.dataParams()), failed);
        if (!failure.isEmpty() || failed)
            return failure;
        failure = request(u"checksum %1"_s.arg(txn.id),
                          m_db->executeInsert(Fault::insertChecksumSql(), txn.checksumParams()), failed);
        if (!failure.isEmpty() || failed)
            return failure;
        failure = request(u"commit %1"_s.arg(txn.id), m_db->commit(), failed);
        if (failure.isEmpty() && !failed)
            m_acknowledged.insert(txn.id);
        return failure;
    }

    QString deleteUnit(qint64 id, bool &failed)
    {
        const QString failure = request(u"delete %1"_s.arg(id), m_db->transaction([id](QAsyncSqliteTransaction &tx) {
            tx.execute(u"DELETE FROM rows WHERE txn = ?"_s, {id});
        }),
                                        failed);
        if (failure.isEmpty() && !failed)
            m_deleted.insert(id);
        return failure;
    }

    QString select(bool &failed)
    {
        return request(u"select"_s, m_db->execute(u"SELECT txn, seq, length(payload) FROM rows ORDER BY txn, seq"_s),
                       failed);
    }

    QAsyncSqliteTest::TemporaryDatabase m_tmp;
    std::unique_ptr<QAsyncSqliteConnection> m_db;
    const QString m_journalMode;
    const bool m_persistent;
    Stats &m_stats;
    QSet<qint64> m_acknowledged;
    QSet<qint64> m_deleted;
    qint64 m_nextId = 0;
    int m_injectedBefore = 0;
    int m_reported = 0;
    QString m_lastError;
};

QString Run::exec(const std::function<void()> &arm)
{
    if (!m_tmp.isValid())
        return u"no temporary directory"_s;
    m_db = std::make_unique<QAsyncSqliteConnection>();
    qint64 firstUnit = 0;
    // Steps are re-runnable: a retry of an insert writes a new transaction.
    const QList<std::pair<QString, Step>> steps = {
            {u"open"_s,
             [this](bool &failed) {
                 return open(failed);
             }},
            {u"schema"_s,
             [this](bool &failed) {
                 return request(u"schema"_s, m_db->execute(Fault::schemaSql()), failed);
             }},
            {u"insert"_s,
             [this, &firstUnit](bool &failed) {
                 const QString f = insertUnit(12, 300, failed);
                 firstUnit = m_nextId;
                 return f;
             }},
            {u"implicit insert"_s,
             [this](bool &failed) {
                 return implicitUnit(8, 200, failed);
             }},
            {u"select"_s,
             [this](bool &failed) {
                 return select(failed);
             }},
            {u"update"_s,
             [this, &firstUnit](bool &failed) {
                 return request(u"update"_s, m_db->transaction([id = firstUnit](QAsyncSqliteTransaction &tx) {
                     tx.execute(u"UPDATE rows SET payload = randomblob(900) WHERE txn = ? AND kind = 'd'"_s, {id});
                 }),
                                failed);
             }},
            {u"delete"_s,
             [this, &firstUnit](bool &failed) {
                 return deleteUnit(firstUnit, failed);
             }},
            {u"vacuum"_s,
             [this](bool &failed) {
                 return request(u"vacuum"_s, m_db->execute(u"VACUUM"_s), failed);
             }},
            {u"checkpoint"_s,
             [this](bool &failed) {
                 return request(u"checkpoint"_s, m_db->execute(u"PRAGMA wal_checkpoint(TRUNCATE)"_s), failed);
             }},
            {u"big insert"_s,
             [this](bool &failed) {
                 return insertUnit(20, 1500, failed);
             }},
            {u"select all"_s,
             [this](bool &failed) {
                 return select(failed);
             }},
    };

    arm();
    m_injectedBefore = FaultVfs::injected();
    bool opened = false;
    for (const auto &[name, step] : steps) {
        bool failed = false;
        QString failure = step(failed);
        if (!failure.isEmpty())
            return failure;
        if (name == u"open"_s && !failed)
            opened = true;
        if (!failed)
            continue;
        if (m_persistent) {
            // One more request while the fault lasts: it must end, too.
            bool ignored = false;
            if (opened) {
                failure = request(u"select under the fault"_s, m_db->execute(u"SELECT count(*) FROM rows"_s), ignored,
                                  true);
                if (!failure.isEmpty())
                    return failure;
            }
            FaultVfs::disarm();
            m_injectedBefore = FaultVfs::injected();
            if (!opened) {
                failure = open(failed);
                if (!failure.isEmpty() || failed)
                    return u"open after the fault was lifted: "_s + (failed ? m_lastError : failure);
            } else {
                failure = request(u"rollback after the fault was lifted"_s, m_db->rollback(), failed);
                if (!failure.isEmpty() || failed)
                    return failure.isEmpty() ? m_lastError : failure;
            }
            failure = request(u"schema"_s, m_db->execute(Fault::schemaSql()), failed);
            if (!failure.isEmpty() || failed)
                return failure.isEmpty() ? m_lastError : failure;
            failure = insertUnit(5, 100, failed);
            if (!failure.isEmpty() || failed)
                return failure.isEmpty() ? m_lastError : failure;
            failure = select(failed);
            if (!failure.isEmpty() || failed)
                return failure.isEmpty() ? m_lastError : failure;
            break;
        }
        // Transient: the connection recovers, the step succeeds when retried.
        if (opened) {
            failure = request(u"rollback after "_s + name, m_db->rollback(), failed);
            if (!failure.isEmpty() || failed)
                return failure.isEmpty() ? m_lastError : failure;
        }
        failure = step(failed);
        if (!failure.isEmpty() || failed)
            return failure.isEmpty() ? u"again after a transient fault: "_s + m_lastError : failure;
        if (name == u"open"_s)
            opened = true;
    }
    if (opened) {
        bool failed = false;
        const QString failure = request(u"close"_s, m_db->close(), failed);
        if (!failure.isEmpty() || failed)
            return failure.isEmpty() ? m_lastError : failure;
    }
    m_db.reset();
    const int injected = FaultVfs::injected();
    FaultVfs::disarm();
    m_stats.injected += injected;
    if (injected > m_reported)
        m_stats.absorbed += injected - m_reported;
    ++m_stats.iterations;
    const QString failure = Fault::verifyDatabase(m_tmp.path(), m_acknowledged, m_deleted);
    if (!failure.isEmpty())
        return u"after the workload: "_s + failure;
    return {};
}

QString summary(const Stats &stats)
{
    QStringList codes;
    for (auto it = stats.codes.cbegin(); it != stats.codes.cend(); ++it)
        codes.append(u"%1 x%2"_s.arg(it.key()).arg(*it));
    QStringList absorbed;
    for (auto it = stats.absorbedIn.cbegin(); it != stats.absorbedIn.cend(); ++it)
        absorbed.append(u"%1 x%2"_s.arg(it.key()).arg(*it));
    return u"%1 runs, %2 faults injected, %3 requests failed (%4), %5 injections absorbed by SQLite (%6)"_s
            .arg(stats.iterations)
            .arg(stats.injected)
            .arg(stats.failedRequests)
            .arg(codes.join(u", "_s))
            .arg(stats.absorbed)
            .arg(absorbed.join(u", "_s));
}

} // namespace

class tst_FaultVfs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void passThrough();
    void reopenRightAfterFailedOpen();
    void injectedFaults_data();
    void injectedFaults();
    void diskFull_data();
    void diskFull();
    void baselines();

private:
    int m_threads = 0;
    int m_fds = 0;
};

void tst_FaultVfs::initTestCase()
{
    QCOMPARE(FaultVfs::install(), SQLITE_OK);
    QVERIFY(sqlite3_vfs_find(FaultVfs::name));
    QVERIFY(sqlite3_vfs_find(nullptr) != sqlite3_vfs_find(FaultVfs::name));
    m_threads = Fault::threadCount();
    m_fds = Fault::fdCount();
}

// The shim is really in the path: a query through it counts calls, and
// SQLite reports the stacked VFS name.
void tst_FaultVfs::passThrough()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    FaultVfs::arm(FaultVfs::Op::Read, 1000000, false);
    const QString uri = QUrl::fromLocalFile(tmp.path()).toString(QUrl::FullyEncoded) + u"?vfs=faultvfs"_s;
    QASYNCSQLITE_AWAIT(db.open(uri, {.uri = true}));
    QASYNCSQLITE_AWAIT(db.execute(Fault::schemaSql()));
    QASYNCSQLITE_AWAIT_RESULT(name, db.run([](sqlite3 *h) {
        char *vfsName = nullptr;
        sqlite3_file_control(h, "main", SQLITE_FCNTL_VFSNAME, &vfsName);
        const QString result = QString::fromUtf8(vfsName);
        sqlite3_free(vfsName);
        return result;
    }));
    QVERIFY2(name.startsWith(u"faultvfs/"_s), qPrintable(name));
    QVERIFY(FaultVfs::calls(FaultVfs::Op::Write) > 0);
    QVERIFY(FaultVfs::calls(FaultVfs::Op::Lock) > 0);
    QCOMPARE(FaultVfs::injected(), 0);
    QASYNCSQLITE_AWAIT(db.close());
    FaultVfs::disarm();
    QVERIFY(QFile::exists(tmp.path()));
}

// A caller that reacts to a failed open() by opening again at once must not
// find the connection still "open": isOpen() is false as soon as open()'s
// future has failed. (The worker used to stop accepting requests only after
// finishing the future: "The connection is already open".)
void tst_FaultVfs::reopenRightAfterFailedOpen()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const QString uri = QUrl::fromLocalFile(tmp.path()).toString(QUrl::FullyEncoded) + u"?vfs=faultvfs"_s;
    QAsyncSqliteConnection db;
    for (int i = 0; i < 50; ++i) {
        FaultVfs::arm(FaultVfs::Op::Lock, 1, true);
        QASYNCSQLITE_AWAIT_ERROR(error, db.open(uri, {.uri = true}), QAsyncSqliteOperationalError);
        QCOMPARE(error.extendedCode(), SQLITE_IOERR_LOCK);
        QVERIFY(!db.isOpen());
        FaultVfs::disarm();
        QASYNCSQLITE_AWAIT(db.open(uri, {.uri = true}));
        QVERIFY(db.isOpen());
        QASYNCSQLITE_AWAIT(db.execute(u"SELECT count(*) FROM sqlite_schema"_s));
        QASYNCSQLITE_AWAIT(db.close());
    }
}

void tst_FaultVfs::injectedFaults_data()
{
    QTest::addColumn<QString>("journalMode");
    QTest::addColumn<int>("op");
    QTest::addColumn<bool>("persistent");
    const std::pair<FaultVfs::Op, const char *> ops[] = {
            {FaultVfs::Op::Read, "read"},         {FaultVfs::Op::Write, "write"}, {FaultVfs::Op::Sync, "sync"},
            {FaultVfs::Op::Truncate, "truncate"}, {FaultVfs::Op::Lock, "lock"},
    };
    for (const QString &mode : {u"delete"_s, u"wal"_s}) {
        for (const auto &[op, name] : ops) {
            for (bool persistent : {false, true}) {
                QTest::addRow("%s-%s-%s", qPrintable(mode), name, persistent ? "persistent" : "transient")
                        << mode << int(op) << persistent;
            }
        }
    }
}

void tst_FaultVfs::injectedFaults()
{
    QFETCH(QString, journalMode);
    QFETCH(int, op);
    QFETCH(bool, persistent);
    Stats stats;
    for (int n = 1;; ++n) {
        QVERIFY2(n < 5000, "the workload never completed");
        Run run(journalMode, persistent, stats);
        const QString failure = run.exec([&] {
            FaultVfs::arm(FaultVfs::Op(op), n, persistent);
        });
        FaultVfs::disarm();
        QVERIFY2(failure.isEmpty(), qPrintable(u"n = %1: %2"_s.arg(n).arg(failure)));
        if (stats.injected == 0 && n == 1)
            QFAIL("the workload never reaches the first call: the fault is not injected at all");
        if (FaultVfs::calls(FaultVfs::Op(op)) < n)
            break; // completed without reaching the n-th call
    }
    qInfo("%s", qPrintable(summary(stats)));
    QVERIFY(stats.failedRequests > 0);
}

void tst_FaultVfs::diskFull_data()
{
    QTest::addColumn<QString>("journalMode");
    QTest::newRow("delete") << u"delete"_s;
    QTest::newRow("wal") << u"wal"_s;
}

// A quota on file growth: SQLITE_FULL until space is freed (the quota
// lifted), then rollback and new requests succeed.
void tst_FaultVfs::diskFull()
{
    QFETCH(QString, journalMode);
    Stats stats;
    for (qint64 quota = 0;; quota += 2048) {
        QVERIFY2(quota < 10 * 1024 * 1024, "the workload never completed");
        const int injectedBefore = stats.injected;
        Run run(journalMode, true, stats);
        const QString failure = run.exec([&] {
            FaultVfs::armQuota(quota);
        });
        FaultVfs::disarm();
        QVERIFY2(failure.isEmpty(), qPrintable(u"quota %1: %2"_s.arg(quota).arg(failure)));
        if (stats.injected == injectedBefore)
            break;
    }
    qInfo("%s", qPrintable(summary(stats)));
    QVERIFY(stats.codes.value(u"SQLITE_FULL"_s) > 0);
}

void tst_FaultVfs::baselines()
{
    QCOMPARE(Fault::settle(Fault::threadCount, m_threads), m_threads);
    QCOMPARE(Fault::settle(Fault::fdCount, m_fds), m_fds);
}

QTEST_GUILESS_MAIN(tst_FaultVfs)
#include "tst_vfs.moc"
