// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEWORKER_P_H
#define QASYNCSQLITEWORKER_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include <QAsyncSqlite/qasyncsqliteconnection.h>
#include <QAsyncSqlite/qasyncsqlitecursor.h>

#include <QtCore/qloggingcategory.h>
#include <QtCore/qmutex.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtCore/qhash.h>
#include <QtCore/qwaitcondition.h>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <unordered_map>
#include <deque>
#include <list>
#include <optional>
#include <variant>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcQAsyncSqlite)
// "qasyncsqlite.sql": every statement the worker runs, with its duration (debug, off by default).
Q_DECLARE_LOGGING_CATEGORY(lcQAsyncSqliteSql)

namespace QAsyncSqlite::Detail {

using Params = std::variant<QVariantList, QVariantMap>;

// A finished QFuture<void>. Qt 6.6 added makeReadyVoidFuture() and later
// versions deprecate makeReadyFuture(), the only spelling Qt 6.4 has.
inline QFuture<void> readyVoidFuture()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 6, 0)
    return QtFuture::makeReadyVoidFuture();
#else
    return QtFuture::makeReadyFuture();
#endif
}

// A job whose function reports into its future itself: several results
// (iterDump) or a future that outlives the job (cursor streams).
template<typename R>
class InterfaceJob final : public Job
{
public:
    using Function = std::function<void(QAsyncSqliteWorker &, QFutureInterface<R> &, Job &self)>;
    explicit InterfaceJob(Function fn) : m_fn(std::move(fn)) { m_interface.reportStarted(); }
    ~InterfaceJob() override { finishIfPending(); }
    void run(QAsyncSqliteWorker &worker) override { m_fn(worker, m_interface, *this); }
    QFutureInterfaceBase &futureInterface() override { return m_interface; }
    void reportException(const std::exception_ptr &error) override { m_interface.reportException(error); }
    QFuture<R> future() { return m_interface.future(); }

private:
    QFutureInterface<R> m_interface;
    Function m_fn;
};

// Python's legacy rule: an implicit BEGIN precedes INSERT, UPDATE, DELETE and
// REPLACE, judged by the statement's first keyword after white space and
// comments; rowcount counts changes for these only. \a sql is UTF-8, e.g.
// sqlite3_sql() of the prepared statement.
bool isDml(const char *sql);

// QWaitCondition::wait() that ThreadSanitizer understands. Debian's Qt is not
// built with TSan: the wait unlocks and relocks the QMutex inside
// libQt6Core, out of sight of the inline annotations of qtsan_impl.h, so
// TSan would report a double lock (and miss the ordering) on the next
// lock. Announce the unlock/relock here; no-ops in a normal build.
template<typename... Deadline>
bool waitAnnotated(QWaitCondition &condition, QMutex &mutex, Deadline... deadline)
{
    QtTsan::mutexPreUnlock(&mutex, 0u);
    QtTsan::mutexPostUnlock(&mutex, 0u);
    const bool woken = condition.wait(&mutex, deadline...);
    QtTsan::mutexPreLock(&mutex, 0u);
    QtTsan::mutexPostLock(&mutex, 0u, 0);
    return woken;
}

// A one-way gate: closed until release(), open for good afterwards.
class Latch
{
public:
    void release()
    {
        QMutexLocker locker(&m_mutex);
        m_released = true;
        m_condition.wakeAll();
    }
    // Whether it was released by \a deadline.
    bool wait(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever))
    {
        QMutexLocker locker(&m_mutex);
        while (!m_released && waitAnnotated(m_condition, m_mutex, deadline)) { }
        return m_released;
    }

private:
    QMutex m_mutex;
    QWaitCondition m_condition;
    bool m_released = false;
};

// Finishes every future the library hands out.
// - QFutureInterfaceBase::reportFinished() does not run then() continuations
//   (only the typed QFutureInterface<T>::reportFinished() does), so without
//   the cast they would never run and their futures stay pending forever
//   (tst_lifecycle::closeFromWorkerContinuation).
// - The TSan release pairs with tsanAcquireFinished() on the consumer's side.
inline void finishFuture(QFutureInterfaceBase &fi)
{
#ifdef QT_BUILDING_UNDER_TSAN
    QtTsan::futexRelease(&fi.mutex());
#endif
    QFutureInterface<void>(fi).reportFinished();
}

template<typename R>
QFuture<R> makeFailedFuture(const QAsyncSqliteError &error)
{
    QFutureInterface<R> fi;
    fi.reportStarted();
    fi.reportException(error);
    finishFuture(fi);
    return fi.future();
}

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

// The settings a request reads, copied to the worker in FIFO order.
struct Settings
{
    IsolationLevel isolationLevel = IsolationLevel::Deferred;
    RowFactory rowFactory = RowFactory::Tuple;
    RowFactoryFunction rowFactoryFunction;
    TextFactory textFactory = TextFactory::String;
};

// How the columns of one prepared statement become row values.
class ResultShape
{
public:
    // \a describe: also collect the description (names and declared types).
    void prepare(sqlite3_stmt *stmt, const Settings &settings, DetectTypes detectTypes, bool describe);
    QVariant readRow(sqlite3_stmt *stmt) const;
    QList<QAsyncSqliteColumn> description() const { return m_description; }
    // Python reads the connection's text factory at each fetch, not at execute.
    void setTextFactory(TextFactory factory) { m_settings.textFactory = factory; }

private:
    QVariant readValue(sqlite3_stmt *stmt, int column) const;

    QStringList m_names;
    QList<QAsyncSqliteColumn> m_description;
    QList<Converter> m_converters;
    Settings m_settings;
    int m_columnCount = 0;
    bool m_hasConverters = false;
};

} // namespace QAsyncSqlite::Detail

// Worker-side state of a QAsyncSqliteCursor.
struct QAsyncSqliteCursorState
{
    // Touched by the worker thread only.
    sqlite3_stmt *stmt = nullptr;
    QString sql;
    bool dml = false; // rowCount counts its changes (isDml())
    bool hasRow = false;
    bool closed = false;
    QAsyncSqlite::Detail::ResultShape shape;
    QFutureInterface<void> stream; // valid while stream() runs
    bool streaming = false;

    // Back-pressure between the worker and the consumer's thread.
    std::atomic<int> chunksInFlight{0};
    std::atomic<bool> parked{false};

    // Snapshot for the caller's getters.
    mutable QMutex mutex;
    QList<QAsyncSqliteColumn> description;
    qint64 lastRowId = 0;
    qint64 rowCount = -1;

    // Set and cleared (in ~QAsyncSqliteCursor) on the cursor's thread, read
    // there only. A plain pointer rather than a QPointer: the state may die on
    // the worker, and a QPointer's weak reference would then be released on
    // a thread that does not own the cursor.
    QAsyncSqliteCursor *cursor = nullptr;
};

// Worker-side state of a QAsyncSqliteBlob.
struct QAsyncSqliteBlobState
{
    // Worker thread only.
    sqlite3_blob *blob = nullptr;
    QByteArray table;
    bool written = false; // closing it in autocommit mode commits
    std::atomic<qint64> size{0};
    std::atomic<qint64> position{0};
};

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
    // Queues \a job, or fails it at once when the worker no longer accepts work.
    void enqueue(std::unique_ptr<Job> job);
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
    // Posts \a fn to the connection's thread, unless the connection is gone.
    void post(std::function<void(QAsyncSqliteConnection *)> fn) { m_link->post(std::move(fn)); }
    // The error a request gets once this worker stopped accepting work.
    static QAsyncSqliteProgrammingError rejection();
    // The error of a request on a closed cursor.
    static QAsyncSqliteProgrammingError closedCursor();

    // --- worker thread only ---
    sqlite3 *db() const { return m_db; }
    void open();
    QVariantList execute(const QString &sql, const Params &params);
    qint64 executeInsert(const QString &sql, const Params &params);
    // Returns Python's rowcount; with \a shape, also describes the statement's columns.
    qint64 executeMany(const QString &sql, const QList<QVariantList> &paramSets,
                       QAsyncSqlite::Detail::ResultShape *shape = nullptr);
    void executeScript(const QString &script);
    // Runs a statement that returns no rows (BEGIN, COMMIT, …).
    void exec(const QString &sql);
    void commit();
    void rollback();
    // Every setting but the isolation level, which setIsolationLevel() sets.
    void setSettings(const QAsyncSqlite::Detail::Settings &settings);
    // Setting Autocommit commits, as Python's assignment of None does.
    void setIsolationLevel(QAsyncSqlite::IsolationLevel level);

    void cursorExecute(const std::shared_ptr<QAsyncSqliteCursorState> &cursor, const QString &sql,
                       const Params &params);
    void cursorExecuteMany(const std::shared_ptr<QAsyncSqliteCursorState> &cursor, const QString &sql,
                           const QList<QVariantList> &paramSets);
    QVariantList cursorFetch(QAsyncSqliteCursorState &cursor, qint64 maxRows);
    // The cursor's snapshot for its getters (lastRowId kept when not given).
    void setCursorResult(QAsyncSqliteCursorState &cursor, const QList<QAsyncSqliteColumn> &description, qint64 rowCount,
                         std::optional<qint64> lastRowId = std::nullopt);
    void cursorClose(QAsyncSqliteCursorState &cursor);
    // Finalizes the cursor's statement (ending a stream) but keeps it usable.
    void cursorReset(QAsyncSqliteCursorState &cursor);
    void streamPump(const std::shared_ptr<QAsyncSqliteCursorState> &cursor);

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

    void iterDump(QFutureInterface<QString> &out);
    void backupTo(QAsyncSqliteWorker *target, const QAsyncSqliteBackupOptions &options);
    void backupToPath(const QString &path, const QAsyncSqliteBackupOptions &options);
    std::shared_ptr<QAsyncSqliteBlobState> blobOpen(const QString &table, const QString &column, qint64 rowid,
                                                    QAsyncSqlite::BlobMode mode, const QString &schema);
    qint64 blobSize(QAsyncSqliteBlobState &blob);
    QByteArray blobRead(QAsyncSqliteBlobState &blob, qint64 length);
    void blobWrite(QAsyncSqliteBlobState &blob, const QByteArray &data);
    void blobClose(QAsyncSqliteBlobState &blob);

    // Throws the QAsyncSqliteError for \a rc with the handle's message.
    [[noreturn]] void throwError(int rc, const QString &sql = {}) const;
    // Whether the running request was canceled or interrupted: SQLite should
    // stop it now.
    bool currentRequestCanceled() const;
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

    class StatementCache;
    struct PreparedStatement;
    PreparedStatement prepare(const QString &sql, bool cached);
    void bindAll(sqlite3_stmt *stmt, const Params &params, const QString &sql);
    void bindValue(sqlite3_stmt *stmt, int index, const QVariant &value, const QString &sql);
    // Python's implicit BEGIN, before a DML statement in autocommit mode.
    void beginImplicitTransaction(sqlite3_stmt *stmt);
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
    // Updates the snapshots; with \a flush, posts the signals they imply.
    void publishState(bool flush);
    void openDatabase();
    void closeDatabase();
    void installHooks();
    // The hook that tells which tables change (installHooks()).
    void installChangeHook(bool enabled);
    // The hooks' view of changes: a row of \a table changed.
    void noteChange(const char *table);
    // Decides a commit whose hook fired: it succeeded unless its transaction
    // is still open (a COMMIT that failed with SQLITE_BUSY). Called when the
    // next statement starts, at the next hook and after each request; a
    // commit that fails otherwise rolls back before any of these
    // (tst_transactions::tablesChangedSeesEveryCommittedChange).
    void settleCommit();

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

    // Worker thread only.
    sqlite3 *m_db = nullptr;
    QAsyncSqlite::Detail::Settings m_settings;
    std::unique_ptr<StatementCache> m_cache;
    QFutureInterfaceBase *m_cancelSource = nullptr;
    QFutureInterfaceBase *m_requestFuture = nullptr; // of the running request (RunningRequest)
    bool m_stopAfterBatch = false;
    bool m_wasOpened = false;
    std::unique_ptr<QAsyncSqliteError> m_openError;
    // Open cursors and blobs, in the order they came: closeDatabase() ends
    // them in that order, as Python's close() does, and the order decides
    // whether pending autocommit writes commit (the last write statement to
    // end does it, or rolls back if it had failed).
    std::vector<std::shared_ptr<QAsyncSqliteCursorState>> m_cursors;
    std::vector<std::shared_ptr<QAsyncSqliteBlobState>> m_blobs;
    // Hook bookkeeping (installHooks()), published after each request.
    QSet<QString> m_changedTables; // by the open transaction
    QSet<QString> m_committingTables; // by the transaction whose commit hook fired, until settled
    bool m_commitInFlight = false;
    QSet<QString> m_committedTables; // committed, not yet signalled
    int m_pendingCommits = 0;
    int m_pendingRollbacks = 0;
    bool m_postedInTransaction = false;
    qint64 m_postedTotalChanges = 0;
    std::size_t m_jobsQueuedBehind = 0;
    bool m_currentJobSharesReads = false;
    bool m_sharedRead = false;
    int m_sharedReadQueries = 0;
    std::chrono::steady_clock::time_point m_sharedReadStart;
    QByteArray m_lastChangedTable;
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

    friend class QAsyncSqliteTransaction;
};

// Statement cache: LRU of prepared statements keyed by SQL text. A statement
// in use is marked so, and nested use of the same SQL prepares a second one.
class QAsyncSqliteWorker::StatementCache
{
public:
    struct Entry
    {
        QString sql;
        sqlite3_stmt *stmt;
        bool inUse;
    };

    explicit StatementCache(int capacity) : m_capacity(qMax(0, capacity)) { }
    ~StatementCache() { clear(); }

    // The cached statement for \a sql, marked in use and made most recent;
    // null if there is none or it is in use (nested use prepares another).
    Entry *take(const QString &sql)
    {
        const auto it = m_index.constFind(sql);
        if (it == m_index.cend() || (*it)->inUse)
            return nullptr;
        m_lru.splice(m_lru.begin(), m_lru, *it); // no allocation on the hot path
        Entry *entry = &*m_lru.begin();
        entry->inUse = true;
        return entry;
    }

    // Keeps a freshly prepared \a stmt for later, or finalizes it.
    void adopt(const QString &sql, sqlite3_stmt *stmt)
    {
        if (m_capacity == 0 || m_index.contains(sql)) {
            sqlite3_finalize(stmt);
            return;
        }
        m_lru.push_front({sql, stmt, false});
        m_index.insert(sql, m_lru.begin());
        for (auto it = m_lru.end(); qsizetype(m_lru.size()) > m_capacity && it != m_lru.begin();) {
            --it;
            if (it->inUse)
                continue;
            m_index.remove(it->sql);
            sqlite3_finalize(it->stmt);
            it = m_lru.erase(it);
        }
    }

    void clear()
    {
        for (auto &entry : m_lru)
            sqlite3_finalize(entry.stmt);
        m_lru.clear();
        m_index.clear();
    }

private:
    qsizetype m_capacity;
    std::list<Entry> m_lru; // most recent first
    QHash<QString, std::list<Entry>::iterator> m_index;
};

// A prepared statement on loan: reset and handed back to the cache (or
// finalized) when it goes out of scope, on every path.
struct QAsyncSqliteWorker::PreparedStatement
{
    sqlite3_stmt *stmt = nullptr;
    StatementCache::Entry *entry = nullptr; // set when it came from the cache
    StatementCache *cache = nullptr; // set when it should go into it
    QString key;

    PreparedStatement() = default;
    PreparedStatement(PreparedStatement &&other) noexcept
        : stmt(std::exchange(other.stmt, nullptr)), entry(other.entry), cache(other.cache), key(std::move(other.key))
    {
    }
    PreparedStatement &operator=(PreparedStatement &&) = delete;
    ~PreparedStatement()
    {
        if (!stmt)
            return;
        if (entry || cache) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
        }
        if (entry)
            entry->inUse = false;
        else if (cache)
            cache->adopt(key, stmt);
        else
            sqlite3_finalize(stmt);
    }
    sqlite3_stmt *release() { return std::exchange(stmt, nullptr); }
};

#endif // QASYNCSQLITEWORKER_P_H
