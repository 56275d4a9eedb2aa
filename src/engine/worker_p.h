// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEWORKER_P_H
#define QASYNCSQLITEWORKER_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

// The worker: one thread that owns the handle, its FIFO queue and the
// request that runs (doc/architecture.md). One class whose methods live in
// the file of their concern: engine/worker.cpp (thread, queue, open, close),
// engine/jobs.cpp (the running request), engine/statements.cpp,
// engine/transactions.cpp, engine/hooks.cpp, and features/*.cpp.

#include "hooks_p.h"
#include "jobs_p.h"
#include "leases_p.h"
#include "logging_p.h"
#include "pool_p.h"
#include "statements_p.h"
#include "sync_p.h"

#include <QAsyncSqlite/qasyncsqliteconnection.h>

#include <QtCore/qmutex.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtCore/qwaitcondition.h>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

namespace QAsyncSqlite::Detail {

// What a cursor or a blob keeps open on the handle between requests. It
// registers with its worker (QAsyncSqliteWorker::adopt()), which ends it
// before closing the handle.
class OpenResource
{
public:
    enum Kind {
        Cursor,
        Blob
    };
    virtual ~OpenResource() = default;
    // The connection closes (worker thread): finalize or close what is open.
    virtual void closeWithConnection() = 0;
};

// The connection as other threads reach it: its workers post their signals
// through this, and so do its setters when called off its thread. Every
// worker a connection starts shares one link, so that the destructor's one
// detach() stops them all from touching the connection, a worker still
// closing after a reopen included.
class ConnectionLink
{
public:
    explicit ConnectionLink(QAsyncSqliteConnection *connection) : m_connection(connection) { }
    // Runs \a fn on the connection's thread, unless the connection is gone by then.
    void post(std::function<void(QAsyncSqliteConnection *)> fn);
    // The connection is being destroyed: nothing posted from now on reaches it.
    void detach();

private:
    QMutex m_mutex;
    QAsyncSqliteConnection *m_connection;
};

} // namespace QAsyncSqlite::Detail

class QAsyncSqliteWorker : public QThread, public std::enable_shared_from_this<QAsyncSqliteWorker>
{
public:
    using Job = QAsyncSqlite::Detail::Job;
    using Params = QAsyncSqlite::Detail::Params;

    // The only way to make a worker; its thread starts at once. The last
    // owner may let go on any thread, the worker's own included, and never
    // waits: a worker whose run() still runs then deletes itself through a
    // reaper thread when run() ends. \a previous: the connection's worker
    // before a reopen, maybe still closing; the new one runs nothing before
    // that one closed its handle.
    static std::shared_ptr<QAsyncSqliteWorker> create(std::shared_ptr<QAsyncSqlite::Detail::ConnectionLink> link,
                                                      const QString &database, const QAsyncSqliteOptions &options,
                                                      const QAsyncSqlite::Detail::Settings &settings,
                                                      std::shared_ptr<QAsyncSqliteWorker> previous);
    ~QAsyncSqliteWorker() override;

    // --- any thread ---
    // Queues \a job, or fails it at once when the worker no longer accepts
    // work. \a awaited: the caller may block on it, so it must not come from
    // user code on this worker (a deadlock); a handle's closing rollback is not.
    void enqueue(std::unique_ptr<Job> job, bool awaited = true);
    // Stops accepting work and queues the close; idempotent. The future ends
    // after the handle is closed, as the thread finishes; its continuations
    // without a context run on this thread.
    QFuture<void> requestClose();
    // Whether, by \a deadline, every request ran and the handle is closed;
    // the thread may still be running close()'s continuations then.
    bool waitClosed(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever))
    {
        return m_handleClosed.wait(deadline);
    }
    // Destructor fallback: fail what is still queued and stop the running
    // statement, here and in a previous worker this one still waits for.
    void abandon();
    void interrupt();
    // QThread::wait() that ThreadSanitizer understands: a thread that had
    // finished before wait() is joined inside libQt6Core, out of TSan's
    // sight, and everything the worker wrote would look racy to the joiner.
    bool join(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever));
    bool isAccepting() const;
    bool inTransaction() const { return m_inTransaction.load(std::memory_order_acquire); }
    qint64 totalChanges() const { return m_totalChanges.load(std::memory_order_acquire); }
    QString database() const { return m_database; }
    const QAsyncSqliteOptions &options() const { return m_options; }
    // Makes this worker the writer of \a pool (QAsyncSqliteOptions::readers);
    // set before the first request is queued.
    void setPool(std::shared_ptr<QAsyncSqlite::Detail::ReaderPool> pool) { m_pool = std::move(pool); }
    // Posts \a fn to the connection's thread, unless the connection is gone.
    void post(std::function<void(QAsyncSqliteConnection *)> fn) { m_link->post(std::move(fn)); }

    // --- worker thread only ---
    sqlite3 *db() const { return m_db; }
    void open();
    QVariantList execute(const QString &sql, const Params &params);
    // execute() with its own binding and row handling (typed rows).
    void execute(const QString &sql, QAsyncSqlite::Detail::ParamBinder &binder, QAsyncSqlite::Detail::RowSink &sink);
    qint64 executeInsert(const QString &sql, const Params &params);
    // Returns Python's rowcount; with \a shape, also describes the statement's columns.
    qint64 executeMany(const QString &sql, const QList<QVariantList> &paramSets,
                       QAsyncSqlite::Detail::ResultShape *shape = nullptr);
    // executeMany() over \a count parameter sets that \a bind(stmt, i) binds.
    qint64 executeMany(const QString &sql, qsizetype count,
                       const std::function<void(sqlite3_stmt *stmt, qsizetype i)> &bind,
                       QAsyncSqlite::Detail::ResultShape *shape = nullptr);
    void executeScript(const QString &script);
    // Runs every statement of \a script as is, in the current transaction
    // state; \a check(text) may veto a statement by throwing before it runs.
    void runScript(const QString &script, const std::function<void(const QString &text)> &check = {});
    // QAsyncSqliteConnection::migrate() (features/migrations.cpp); returns the final version.
    int migrate(const QList<QAsyncSqliteMigration> &steps);
    // Runs a statement that returns no rows (BEGIN, COMMIT, …).
    void exec(const QString &sql);
    // The one step-to-end loop: steps \a stmt until SQLite is done, handing
    // each row to \a onRow(stmt), and throws the handle's error for \a sql
    // if a step fails. Returns whether any row came.
    template<typename OnRow>
    bool stepToEnd(sqlite3_stmt *stmt, const QString &sql, OnRow &&onRow)
    {
        bool rows = false;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            rows = true;
            onRow(stmt);
        }
        if (rc != SQLITE_DONE)
            throwError(rc, sql);
        return rows;
    }
    bool stepToEnd(sqlite3_stmt *stmt, const QString &sql)
    {
        return stepToEnd(stmt, sql, [](sqlite3_stmt *) {});
    }
    void commit();
    void rollback();
    // Every setting but the isolation level, which setIsolationLevel() sets.
    void setSettings(const QAsyncSqlite::Detail::Settings &settings);
    // Setting Autocommit commits, as Python's assignment of None does.
    void setIsolationLevel(QAsyncSqlite::IsolationLevel level);

    void createFunction(const QString &name, int nArgs, const QAsyncSqlite::Function &fn,
                        QAsyncSqlite::FunctionFlags flags);
    void createAggregate(const QString &name, int nArgs, const QVariant &initialState,
                         const QAsyncSqlite::AggregateStep &step, const QAsyncSqlite::AggregateFinal &finalize,
                         QAsyncSqlite::FunctionFlags flags);
    void createWindowFunction(const QString &name, int nArgs, const QVariant &initialState,
                              const QAsyncSqlite::AggregateStep &step, const QAsyncSqlite::AggregateStep &inverse,
                              const QAsyncSqlite::WindowValue &value, const QAsyncSqlite::AggregateFinal &finalize,
                              QAsyncSqlite::FunctionFlags flags);
    void createCollation(const QString &name, const QAsyncSqlite::Collation &fn);
    void setAuthorizer(const QAsyncSqlite::Authorizer &fn);
    void setProgressHandler(const QAsyncSqlite::ProgressHandler &fn, int n);
    void setTraceCallback(const QAsyncSqlite::TraceCallback &fn);
    // (Re)installs the one sqlite3_trace_v2() callback that serves both
    // setTraceCallback() and the qasyncsqlite.sql category (when enabled).
    void installTrace();
    // Follows the category being switched on or off at run time: one
    // relaxed load per request when it is off.
    void updateSqlLogging()
    {
        if (m_db && lcQAsyncSqliteSql().isDebugEnabled() != m_sqlLogging)
            installTrace();
    }

    // The statement API of cursors and features (engine/statements.cpp).
    const QAsyncSqlite::Detail::Settings &settings() const { return m_settings; }
    QAsyncSqlite::Detail::PreparedStatement prepare(const QString &sql, bool cached);
    void bindAll(sqlite3_stmt *stmt, const Params &params, const QString &sql);
    void bindValue(sqlite3_stmt *stmt, int index, const QVariant &value, const QString &sql);
    // Python's implicit BEGIN, before a DML statement in autocommit mode.
    void beginImplicitTransaction(sqlite3_stmt *stmt);
    // Updates the snapshots; with \a flush, posts the signals they imply.
    void publishState(bool flush);
    // The hook that tells which tables change (installHooks()).
    void installChangeHook(bool enabled);
    // The hooks' view of changes: a row of \a table changed.
    void noteChange(const char *table);
    // Registers \a resource to be ended, by kind in the order they came,
    // before the handle closes (closeDatabase()); forget() unregisters it.
    void adopt(QAsyncSqlite::Detail::OpenResource::Kind kind,
               std::shared_ptr<QAsyncSqlite::Detail::OpenResource> resource);
    void forget(QAsyncSqlite::Detail::OpenResource::Kind kind, const QAsyncSqlite::Detail::OpenResource *resource);

    // Transaction handles (engine/leases.cpp): opens one, nested in
    // \a parent if any, for \a caller (the thread that asked), and ends one
    // with those nested in it.
    QAsyncSqliteTransactionHandle beginLease(const std::shared_ptr<QAsyncSqlite::Detail::Lease> &parent,
                                             const QAsyncSqliteTransactionOptions &options, QThread *caller);
    void endLease(const std::shared_ptr<QAsyncSqlite::Detail::Lease> &lease, bool commit);

    void iterDump(QFutureInterface<QString> &out);
    void backupTo(QAsyncSqliteWorker *target, const QAsyncSqliteBackupOptions &options);
    void backupToPath(const QString &path, const QAsyncSqliteBackupOptions &options);

    // Throws the QAsyncSqliteError for \a rc with the handle's message.
    [[noreturn]] void throwError(int rc, const QString &sql = {}) const;
    // Whether the running request was canceled or interrupted: SQLite should
    // stop it now.
    bool currentRequestCanceled() const;
    // Whether another request waits behind the running one, which can pause
    // and queue its rest (a stream). Never inside an open handle: a resumed
    // job would have to wait for the handle to end.
    bool hasWaitingWork() const
    {
        return !m_lease && (!m_pending.empty() || m_hasWork.load(std::memory_order_acquire));
    }
    // While alive, the cancel check of the running request follows \a source.
    struct CancelSource
    {
        CancelSource(QAsyncSqliteWorker &worker, QFutureInterfaceBase *source);
        ~CancelSource();
        QAsyncSqliteWorker &worker;
        QFutureInterfaceBase *previous;
    };
    // Numbers the request running while alive, for interrupt(), and makes
    // \a future the one its progress goes to.
    struct RunningRequest
    {
        RunningRequest(QAsyncSqliteWorker &worker, QFutureInterfaceBase &future);
        ~RunningRequest();
        QAsyncSqliteWorker &worker;
    };
    // Progress of the running request (backup(), a transaction's callable),
    // in its future as QPromise reports it: watchers get it as queued
    // progressRangeChanged()/progressValueChanged() (doc/backup-dump-blobs.md,
    // doc/transactions.md).
    void setRequestProgressRange(int minimum, int maximum);
    void setRequestProgressValue(int value);
    // Marks user code running on this worker; the connection rejects
    // requests made from inside it instead of deadlocking.
    struct UserCodeScope
    {
        explicit UserCodeScope(QAsyncSqliteWorker &worker);
        ~UserCodeScope();
        QAsyncSqliteWorker *previous;
    };
    static bool isInUserCodeOf(const QAsyncSqliteWorker *worker);
    int progressTick();
    void installProgressHandler();

protected:
    void run() override;

private:
    QAsyncSqliteWorker(std::shared_ptr<QAsyncSqlite::Detail::ConnectionLink> link, const QString &database,
                       const QAsyncSqliteOptions &options, const QAsyncSqlite::Detail::Settings &settings,
                       std::shared_ptr<QAsyncSqliteWorker> previous);

    // The queue as the worker takes from it: FIFO, except that while a
    // transaction handle is open only its requests run (engine/leases.cpp).
    bool isRunnable(const Job &job) const;
    bool hasRunnable() const;
    std::unique_ptr<Job> takeRunnable();
    // When the open handle times out; with \a wake, or when the worker
    // should look for a deadlock first.
    QDeadlineTimer leaseDeadline(bool wake = false) const;
    std::chrono::steady_clock::time_point leaseSuspectTime() const;
    void endTransactionOf(QAsyncSqlite::Detail::Lease &lease, bool commit, QAsyncSqlite::Detail::Lease::State state);
    // Rolls back every open handle (idle timeout, close, destruction).
    void abortLeases(QAsyncSqlite::Detail::Lease::State why);
    void failEndedLeaseJob(Job &job);
    void noteQueuedByLeaseHolder(Job &job) const;
    void warnIfLeaseLooksDeadlocked();
    void process(Job &job, bool lastInBatch);
    // Polls for new work for a few microseconds before the worker sleeps.
    void spinForWork() const;
    // A read transaction shared by the queries of one batch, in autocommit
    // mode: one snapshot instead of one per query.
    void beginSharedRead();
    void endSharedRead();
    // Rolls back whatever transaction is open, retrying through interrupts.
    void abandonTransaction();
    void failJob(Job &job, const QAsyncSqliteError &error);
    void openDatabase();
    void closeDatabase();
    void installHooks();

    // Set at construction, read-only afterwards.
    const QString m_database;
    const QAsyncSqliteOptions m_options;

    // Queue (any thread).
    mutable QMutex m_queueMutex;
    QWaitCondition m_queueNotEmpty;
    std::deque<std::unique_ptr<Job>> m_queue;
    bool m_accepting = true;
    std::atomic<bool> m_hasWork{false}; // set with the queue, read lock-free while spinning
    bool m_closeQueued = false;
    bool m_workerSleeping = false; // run() waits on m_queueNotEmpty: enqueue() must wake it
    std::atomic<bool> m_abandoned{false}; // also read by progressTick() without the lock
    const Job *m_closeJob = nullptr;
    QFutureInterface<void> m_closed;
    QAsyncSqlite::Detail::Latch m_handleClosed; // released by run() before m_closed finishes
    std::shared_ptr<QAsyncSqliteWorker> m_previous; // reset by run() once it closed (under m_queueMutex)
    bool m_ownerGone = false; // the last owner let go (see create())
    bool m_runEnded = false; // run() is past its last user code

    const std::shared_ptr<QAsyncSqlite::Detail::ConnectionLink> m_link;

    // interrupt(): requests are numbered as they run (worker thread).
    std::atomic<quint64> m_runningRequest{0}; // 0 between requests
    std::atomic<quint64> m_interruptedRequest{0};
    quint64 m_requestSequence = 0;

    std::atomic<bool> m_inTransaction{false};
    std::atomic<qint64> m_totalChanges{0};

    // Transaction handles: the outermost open one and the thread that began
    // it (for noteQueuedByLeaseHolder()).
    const QAsyncSqlite::Detail::Lease *m_leaseRoot = nullptr;
    QThread *m_leaseThread = nullptr;

    // Worker thread only.
    sqlite3 *m_db = nullptr;
    // Taken from m_queue and not run yet: what waits behind an open handle.
    std::deque<std::unique_ptr<Job>> m_pending;
    std::shared_ptr<QAsyncSqlite::Detail::Lease> m_lease; // the innermost open handle
    std::chrono::steady_clock::time_point m_leaseIdleSince; // its last request ended
    bool m_leaseWarned = false; // warnIfLeaseLooksDeadlocked() warned about it
    QAsyncSqlite::Detail::Settings m_settings;
    std::unique_ptr<QAsyncSqlite::Detail::StatementCache> m_cache;
    QFutureInterfaceBase *m_cancelSource = nullptr;
    QFutureInterfaceBase *m_requestFuture = nullptr; // of the running request (RunningRequest)
    bool m_stopAfterBatch = false;
    bool m_wasOpened = false;
    std::unique_ptr<QAsyncSqliteError> m_openError;
    // Open cursors, then open blobs (adopt()), each in the order they came:
    // closeDatabase() ends them in that order, as Python's close() does, and
    // the order decides whether pending autocommit writes commit (the last
    // write statement to end does it, or rolls back if it had failed).
    std::vector<std::shared_ptr<QAsyncSqlite::Detail::OpenResource>> m_openResources[2]; // by Kind
    // Hook bookkeeping (installHooks()), published after each request.
    QAsyncSqlite::Detail::ChangeTracker m_changes;
    bool m_postedInTransaction = false;
    qint64 m_postedTotalChanges = 0;
    std::size_t m_jobsQueuedBehind = 0;
    bool m_currentJobSharesReads = false;
    bool m_sharedRead = false;
    int m_sharedReadQueries = 0;
    std::chrono::steady_clock::time_point m_sharedReadStart;
    bool m_rollbackFailed = false; // the open transaction must not commit (installHooks())
    // Progress handler.
    QAsyncSqlite::ProgressHandler m_progressHandler;
    int m_progressPeriod = 1000;
    int m_progressEvery = 0;
    int m_progressCount = 0;
    QAsyncSqlite::TraceCallback m_traceCallback;
    bool m_sqlLogging = false; // qasyncsqlite.sql was enabled at the last installTrace()
    std::unordered_map<sqlite3_stmt *, std::chrono::steady_clock::time_point> m_statementStarts;
    QAsyncSqlite::Authorizer m_authorizer;
    int m_savepointCounter = 0;
    std::shared_ptr<QAsyncSqlite::Detail::ReaderPool> m_pool; // set by setPool(), then constant

    friend class QAsyncSqliteTransaction;
    friend class QAsyncSqlite::Detail::ReaderPool; // reads the callbacks and the shared-read state
};

#endif // QASYNCSQLITEWORKER_P_H
