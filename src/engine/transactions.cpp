// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Transactions: Python's implicit BEGIN, the read transaction shared by a
// batch of queries, commit/rollback, abandoning a transaction, and
// QAsyncSqliteTransaction (doc/architecture.md, doc/transactions.md).
#include "transactions_p.h"
#include "worker_p.h"

#include <QAsyncSqlite/qasyncsqlitetransaction.h>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

// The one BEGIN for each mode: transaction() names the mode, Python's
// implicit BEGIN takes it from the isolation level (modeOf()).
QString beginStatement(TransactionMode mode)
{
    switch (mode) {
    case TransactionMode::Immediate:
        return QStringLiteral("BEGIN IMMEDIATE");
    case TransactionMode::Exclusive:
        return QStringLiteral("BEGIN EXCLUSIVE");
    case TransactionMode::Deferred:
        break;
    }
    return QStringLiteral("BEGIN DEFERRED");
}

TransactionMode modeOf(IsolationLevel level)
{
    switch (level) {
    case IsolationLevel::Immediate:
        return TransactionMode::Immediate;
    case IsolationLevel::Exclusive:
        return TransactionMode::Exclusive;
    case IsolationLevel::Deferred:
    case IsolationLevel::Autocommit:
        break;
    }
    return TransactionMode::Deferred;
}

// A shared read ends after this many queries or this long, whichever comes
// first (beginSharedRead()).
constexpr int MaxSharedReadQueries = 64;
constexpr auto MaxSharedReadTime = std::chrono::milliseconds(10);

} // namespace

void QAsyncSqliteWorker::beginSharedRead()
{
    if (m_sharedRead) {
        // Bounded: while it lasts it holds SHARED (rollback journal: another
        // connection's COMMIT waits for it) or one snapshot (WAL: no
        // checkpoint can pass it). Guarded by tst_batching::sharedReadLetsWritersIn.
        if (++m_sharedReadQueries < MaxSharedReadQueries
            && std::chrono::steady_clock::now() - m_sharedReadStart < MaxSharedReadTime) {
            return;
        }
        endSharedRead();
    }
    // Worth it only with more queued behind this request, and invisible only
    // when no trace callback or authorizer would see the extra BEGIN/COMMIT.
    if (!m_currentJobSharesReads || m_jobsQueuedBehind == 0 || m_traceCallback || m_authorizer
        || !sqlite3_get_autocommit(m_db)) {
        return;
    }
    // A statement that wrote and is still active (an open blob, a half-read
    // INSERT … RETURNING) commits when it ends. Inside a shared read its
    // writes would only commit with it, and that COMMIT fails while the
    // statement is active ("SQL statements in progress"): wait for it to end.
    // Guarded by tst_batching::sharedReadKeepsActiveWrites.
    if (sqlite3_txn_state(m_db, nullptr) == SQLITE_TXN_WRITE)
        return;
    try {
        exec(QStringLiteral("BEGIN"));
    } catch (const QAsyncSqliteError &) {
        // An interrupt can fail BEGIN after it took effect: never leave that
        // transaction behind to swallow later autocommit writes.
        abandonTransaction();
        throw;
    }
    m_sharedRead = true;
    m_sharedReadQueries = 1;
    m_sharedReadStart = std::chrono::steady_clock::now();
}

void QAsyncSqliteWorker::abandonTransaction()
{
    // Not cancelable, so neither a cancel nor interrupt() stops it; retried
    // in case a ROLLBACK fails for want of memory.
    CancelSource notCancelable(*this, nullptr);
    for (int attempt = 0; attempt < 1000 && !sqlite3_get_autocommit(m_db); ++attempt)
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

void QAsyncSqliteWorker::endSharedRead()
{
    if (!m_sharedRead)
        return;
    m_sharedRead = false;
    CancelSource notCancelable(*this, nullptr);
    try {
        exec(QStringLiteral("COMMIT"));
    } catch (const QAsyncSqliteError &error) {
        // Only read-only queries ran inside it (anything else ends it first)
        // and none began while a write was pending (beginSharedRead()), so
        // ending it cannot lose data; never leave it open.
        if (error.code() != SQLITE_INTERRUPT)
            qCWarning(lcQAsyncSqlite) << "Ending a shared read transaction failed:" << error.what();
        abandonTransaction();
    }
}

void QAsyncSqliteWorker::beginImplicitTransaction(sqlite3_stmt *stmt)
{
    if (m_settings.isolationLevel != IsolationLevel::Autocommit && sqlite3_get_autocommit(m_db)
        && isDml(sqlite3_sql(stmt))) {
        exec(beginStatement(modeOf(m_settings.isolationLevel)));
    }
}

void QAsyncSqliteWorker::commit()
{
    if (!sqlite3_get_autocommit(m_db))
        exec(QStringLiteral("COMMIT"));
}

void QAsyncSqliteWorker::rollback()
{
    if (sqlite3_get_autocommit(m_db))
        return;
    CancelSource notCancelable(*this, nullptr); // a canceled request must still be able to roll back
    try {
        exec(QStringLiteral("ROLLBACK"));
    } catch (const QAsyncSqliteError &) {
        m_rollbackFailed = !sqlite3_get_autocommit(m_db); // see installHooks()
        throw;
    }
}

void QAsyncSqliteWorker::setIsolationLevel(IsolationLevel level)
{
    m_settings.isolationLevel = level;
    // Python commits whenever isolation_level is set to None (after setting
    // it: a COMMIT that fails leaves the level None).
    if (level == IsolationLevel::Autocommit && m_db)
        commit();
}

// ---------------------------------------------------------------------------
// QAsyncSqliteTransaction

void QAsyncSqlite::Detail::runTransaction(QAsyncSqliteWorker &worker, TransactionMode mode,
                                          const std::function<void(QAsyncSqliteTransaction &)> &body)
{
    QAsyncSqliteTransactionPrivate(worker, mode).run(body);
}

QAsyncSqliteTransaction::QAsyncSqliteTransaction(QAsyncSqliteTransactionPrivate &d) : d(d)
{
    QAsyncSqliteWorker &worker = d.worker;
    if (sqlite3_get_autocommit(worker.db())) {
        try {
            worker.exec(beginStatement(d.mode));
        } catch (const QAsyncSqliteError &) {
            // Interrupted after taking effect: no destructor will roll it back.
            worker.abandonTransaction();
            throw;
        }
    } else {
        // Nested inside an open transaction: a savepoint keeps it atomic.
        d.savepoint = QStringLiteral("qasyncsqlite_%1").arg(++worker.m_savepointCounter);
        worker.exec(QStringLiteral("SAVEPOINT ") + d.savepoint);
    }
}

QAsyncSqliteTransaction::~QAsyncSqliteTransaction()
{
    if (d.done)
        return;
    QAsyncSqliteWorker &worker = d.worker;
    QAsyncSqliteWorker::CancelSource notCancelable(worker, nullptr);
    bool rolledBack = false;
    try {
        if (d.savepoint.isEmpty()) {
            if (!sqlite3_get_autocommit(worker.db()))
                worker.exec(QStringLiteral("ROLLBACK"));
            rolledBack = true;
        } else {
            worker.exec(QStringLiteral("ROLLBACK TO ") + d.savepoint);
            rolledBack = true;
            worker.exec(QStringLiteral("RELEASE ") + d.savepoint);
        }
    } catch (const QAsyncSqliteError &error) {
        qCWarning(lcQAsyncSqlite) << "transaction(): rollback failed:" << error.what();
        // Could not run (out of memory, I/O): still open with fn's writes in
        // it, so the next COMMIT is vetoed and becomes a rollback (see
        // installHooks()). SQLITE_ERROR ("no such savepoint") means fn ended
        // the transaction itself: what is open now is not ours to veto, and
        // Python's commit() would commit it (the differential regression
        // "transaction() whose fn rolled back").
        if (!rolledBack && !sqlite3_get_autocommit(worker.db()) && error.code() != SQLITE_ERROR)
            worker.m_rollbackFailed = true;
    }
}

QVariantList QAsyncSqliteTransaction::execute(const QString &sql, const QVariantList &params)
{
    return d.worker.execute(sql, params);
}

QVariantList QAsyncSqliteTransaction::execute(const QString &sql, const QVariantMap &params)
{
    return d.worker.execute(sql, params);
}

qint64 QAsyncSqliteTransaction::executeInsert(const QString &sql, const QVariantList &params)
{
    return d.worker.executeInsert(sql, params);
}

qint64 QAsyncSqliteTransaction::executeInsert(const QString &sql, const QVariantMap &params)
{
    return d.worker.executeInsert(sql, params);
}

qint64 QAsyncSqliteTransaction::executeMany(const QString &sql, const QList<QVariantList> &paramSets)
{
    return d.worker.executeMany(sql, paramSets);
}

sqlite3 *QAsyncSqliteTransaction::handle() const
{
    return d.worker.db();
}

void QAsyncSqliteTransaction::setProgressRange(int minimum, int maximum)
{
    d.worker.setRequestProgressRange(minimum, maximum);
}

void QAsyncSqliteTransaction::setProgressValue(int value)
{
    d.worker.setRequestProgressValue(value);
}

void QAsyncSqliteTransaction::commit()
{
    // Canceled while fn ran (its last statements may have been too short for
    // the progress handler to notice): roll back rather than commit under a
    // future that reads canceled (tst_fault_races::cancelTransactionSteps).
    if (d.worker.currentRequestCanceled())
        throw QAsyncSqliteOperationalError(SQLITE_INTERRUPT,
                                           QStringLiteral("interrupted: the transaction was canceled"));
    if (d.savepoint.isEmpty())
        d.worker.exec(QStringLiteral("COMMIT"));
    else
        d.worker.exec(QStringLiteral("RELEASE ") + d.savepoint);
    d.done = true;
}
