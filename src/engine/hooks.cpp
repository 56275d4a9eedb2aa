// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Hooks: what SQLite tells the worker while statements run (commit,
// rollback and update hooks, progress, trace, authorizer) and the state the
// worker publishes to the connection from it after each request.
#include "worker_p.h"

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

void QAsyncSqliteWorker::installHooks()
{
    sqlite3_commit_hook(
            m_db,
            [](void *self) {
                auto *worker = static_cast<QAsyncSqliteWorker *>(self);
                // A transaction whose rollback failed (e.g. out of memory) holds
                // writes that were meant to be discarded: it must never commit.
                // Non-zero turns the COMMIT into a rollback
                // (SQLITE_CONSTRAINT_COMMITHOOK). Guarded by
                // tst_fault_oom::rollbackUnderMemoryPressure.
                if (worker->m_rollbackFailed)
                    return 1;
                worker->m_changes.commitStarted(worker->m_db);
                return 0;
            },
            this);
    sqlite3_rollback_hook(
            m_db,
            [](void *self) {
                auto *worker = static_cast<QAsyncSqliteWorker *>(self);
                worker->m_changes.rolledBack();
                worker->m_rollbackFailed = false;
            },
            this);
    installChangeHook(true);
    installProgressHandler();
    installTrace();
}

void QAsyncSqliteWorker::installChangeHook(bool enabled)
{
#ifdef QASYNCSQLITE_HAVE_PREUPDATE_HOOK
    using Hook = void (*)(void *, sqlite3 *, int, const char *, const char *, sqlite3_int64, sqlite3_int64);
    const Hook hook = [](void *self, sqlite3 *, int, const char *, const char *table, sqlite3_int64, sqlite3_int64) {
        static_cast<QAsyncSqliteWorker *>(self)->noteChange(table);
    };
    sqlite3_preupdate_hook(m_db, enabled ? hook : nullptr, this);
#else
    // Misses WITHOUT ROWID tables, REPLACE's deletes and DELETE without
    // WHERE (doc/python-compatibility.md).
    using Hook = void (*)(void *, int, const char *, const char *, sqlite3_int64);
    const Hook hook = [](void *self, int, const char *, const char *table, sqlite3_int64) {
        static_cast<QAsyncSqliteWorker *>(self)->noteChange(table);
    };
    sqlite3_update_hook(m_db, enabled ? hook : nullptr, this);
#endif
}

void QAsyncSqliteWorker::noteChange(const char *table)
{
    m_changes.noteChange(m_db, table);
}

void ChangeTracker::noteChange(sqlite3 *db, const char *table)
{
    settleCommit(db);
    // Called per row: only convert a table name when it changes.
    if (m_lastChangedTable != table) {
        m_lastChangedTable = table;
        m_changedTables.insert(QString::fromUtf8(table));
    }
}

void ChangeTracker::commitStarted(sqlite3 *db)
{
    settleCommit(db);
    m_committingTables = std::exchange(m_changedTables, {});
    m_commitInFlight = true;
    m_lastChangedTable.clear();
}

void ChangeTracker::rolledBack()
{
    m_commitInFlight = false;
    m_committingTables.clear();
    m_changedTables.clear();
    m_lastChangedTable.clear();
    ++m_pendingRollbacks;
}

void ChangeTracker::settleCommit(sqlite3 *db)
{
    if (!m_commitInFlight)
        return;
    m_commitInFlight = false;
    if (sqlite3_get_autocommit(db)) {
        m_committedTables.unite(m_committingTables);
        ++m_pendingCommits;
    } else {
        m_changedTables.unite(m_committingTables);
    }
    m_committingTables.clear();
}

ChangeTracker::Pending ChangeTracker::takePending()
{
    Pending pending{std::exchange(m_pendingCommits, 0), std::exchange(m_pendingRollbacks, 0),
                    QStringList(m_committedTables.cbegin(), m_committedTables.cend())};
    pending.tables.sort();
    m_committedTables.clear();
    return pending;
}

int QAsyncSqliteWorker::progressTick()
{
    if (currentRequestCanceled())
        return 1;
    // abandon() stops the request running at that moment; stop any statement
    // started later, too (tst_lifecycle::destroyBeforeStatementStarts).
    if (m_abandoned.load(std::memory_order_relaxed))
        return 1;
    if (m_progressHandler) {
        m_progressCount += m_progressPeriod;
        if (m_progressCount >= m_progressEvery) {
            m_progressCount = 0;
            UserCodeScope scope(*this);
            try {
                return m_progressHandler() != 0 ? 1 : 0;
            } catch (...) {
                return 1;
            }
        }
    }
    return 0;
}

void QAsyncSqliteWorker::publishState(bool flush)
{
    // The snapshots change at once, before the request's future finishes.
    const bool inTx = m_db && !sqlite3_get_autocommit(m_db) && !m_sharedRead;
    const qint64 total = m_db ? sqlite3_total_changes64(m_db) : m_totalChanges.load();
    m_inTransaction.store(inTx, std::memory_order_release);
    m_totalChanges.store(total, std::memory_order_release);
    if (m_pool)
        m_pool->publish(*this, m_lease != nullptr);
    if (m_db)
        m_changes.settleCommit(m_db);
    // The signals go out once per batch of queued requests: a burst of
    // writes costs one cross-thread event, not several per request.
    if (!flush)
        return;
    const bool txChanged = inTx != m_postedInTransaction;
    const bool totalChanged = total != m_postedTotalChanges;
    if (!txChanged && !totalChanged && !m_changes.hasPending())
        return;
    m_postedInTransaction = inTx;
    m_postedTotalChanges = total;
    post([txChanged, inTx, totalChanged, total, pending = m_changes.takePending()](QAsyncSqliteConnection *c) {
        if (txChanged)
            Q_EMIT c->inTransactionChanged(inTx);
        if (totalChanged)
            Q_EMIT c->totalChangesChanged(total);
        for (int i = 0; i < pending.rollbacks; ++i)
            Q_EMIT c->rolledBack();
        for (int i = 0; i < pending.commits; ++i)
            Q_EMIT c->committed();
        if (!pending.tables.isEmpty())
            Q_EMIT c->tablesChanged(pending.tables);
    });
}

void QAsyncSqliteWorker::setAuthorizer(const Authorizer &fn)
{
    // Authorizer decisions are compiled into prepared statements, and SQLite
    // expires them only when an authorizer is installed, not when it is
    // removed: drop the cached ones (tst_functions::authorizerRemoved).
    if (m_cache)
        m_cache->clear();
    m_authorizer = fn;
    int rc;
    if (!fn) {
        rc = sqlite3_set_authorizer(m_db, nullptr, nullptr);
    } else {
        rc = sqlite3_set_authorizer(
                m_db,
                [](void *self, int action, const char *a, const char *b, const char *database, const char *trigger) {
                    auto *worker = static_cast<QAsyncSqliteWorker *>(self);
                    try {
                        UserCodeScope scope(*worker);
                        const int result =
                                worker->m_authorizer(action, QString::fromUtf8(a), QString::fromUtf8(b),
                                                     QString::fromUtf8(database), QString::fromUtf8(trigger));
                        if (result == SQLITE_OK || result == SQLITE_DENY || result == SQLITE_IGNORE)
                            return result;
                    } catch (...) {
                    }
                    return SQLITE_DENY; // a throwing or confused authorizer denies
                },
                this);
    }
    if (rc != SQLITE_OK)
        throwError(rc);
}

void QAsyncSqliteWorker::setProgressHandler(const ProgressHandler &fn, int n)
{
    // One SQLite progress handler serves both per-request cancellation and the
    // user's handler: it ticks every min(n, 1000) instructions.
    m_progressHandler = n > 0 ? fn : ProgressHandler();
    m_progressEvery = qMax(1, n);
    m_progressPeriod = m_progressHandler ? qMin(m_progressEvery, 1000) : 1000;
    m_progressCount = 0;
    installProgressHandler();
}

void QAsyncSqliteWorker::installProgressHandler()
{
    sqlite3_progress_handler(
            m_db, m_progressPeriod,
            [](void *self) {
                return static_cast<QAsyncSqliteWorker *>(self)->progressTick();
            },
            this);
}

void QAsyncSqliteWorker::setTraceCallback(const TraceCallback &fn)
{
    m_traceCallback = fn;
    installTrace();
}

void QAsyncSqliteWorker::installTrace()
{
    // One trace callback for three clients: the start of every statement
    // settles the commit before it (settleCommit()), the user's callback
    // (SQLITE_TRACE_STMT) and the qasyncsqlite.sql category (statement start
    // and SQLITE_TRACE_PROFILE). Profiling costs nothing while not wanted.
    m_sqlLogging = lcQAsyncSqliteSql().isDebugEnabled();
    m_statementStarts.clear();
    unsigned mask = SQLITE_TRACE_STMT;
    if (m_sqlLogging)
        mask |= SQLITE_TRACE_PROFILE;
    sqlite3_trace_v2(
            m_db, mask,
            [](unsigned event, void *self, void *p, void *x) {
                auto *worker = static_cast<QAsyncSqliteWorker *>(self);
                auto *stmt = static_cast<sqlite3_stmt *>(p);
                if (event == SQLITE_TRACE_PROFILE) {
                    // SQLite's own estimate has millisecond resolution on Unix:
                    // time from the statement's start instead.
                    qint64 micros = *static_cast<const qint64 *>(x) / 1000;
                    const auto it = worker->m_statementStarts.find(stmt);
                    if (it != worker->m_statementStarts.end()) {
                        micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now()
                                                                                       - it->second)
                                         .count();
                        worker->m_statementStarts.erase(it);
                    }
                    const char *sql = sqlite3_sql(stmt);
                    qCDebug(lcQAsyncSqliteSql, "%s (%lld \u00b5s)", sql ? sql : "", static_cast<long long>(micros));
                    return 0;
                }
                worker->m_changes.settleCommit(worker->m_db);
                const char *unexpanded = static_cast<const char *>(x);
                // Statements inside triggers arrive as "-- comment": report those as is.
                const bool subprogram = unexpanded && qstrncmp(unexpanded, "--", 2) == 0;
                if (worker->m_sqlLogging && !subprogram)
                    worker->m_statementStarts.insert_or_assign(stmt, std::chrono::steady_clock::now());
                if (!worker->m_traceCallback)
                    return 0;
                char *expanded = subprogram ? nullptr : sqlite3_expanded_sql(stmt);
                const QString sql = QString::fromUtf8(expanded ? expanded : unexpanded);
                sqlite3_free(expanded);
                try {
                    UserCodeScope scope(*worker);
                    worker->m_traceCallback(sql);
                } catch (...) {
                }
                return 0;
            },
            this);
}
