// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// The worker thread: its lifetime, queue and batch loop, opening and
// closing the handle, and posting back to the connection (doc/architecture.md).
#include "worker_p.h"
#include "orphans_p.h"

#include <algorithm>

Q_LOGGING_CATEGORY(lcQAsyncSqlite, "qasyncsqlite")
// Debug only, and off unless enabled (QT_LOGGING_RULES="qasyncsqlite.sql.debug=true").
Q_LOGGING_CATEGORY(lcQAsyncSqliteSql, "qasyncsqlite.sql", QtInfoMsg)

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

std::shared_ptr<QAsyncSqliteWorker> QAsyncSqliteWorker::create(std::shared_ptr<ConnectionLink> link,
                                                               const QString &database,
                                                               const QAsyncSqliteOptions &options,
                                                               const Settings &settings,
                                                               std::shared_ptr<QAsyncSqliteWorker> previous)
{
    std::shared_ptr<QAsyncSqliteWorker> worker(
            new QAsyncSqliteWorker(std::move(link), database, options, settings, std::move(previous)),
            [](QAsyncSqliteWorker *w) {
                // Whichever of this and the end of run() comes second deletes the
                // worker: the last owner never waits for user code still running
                // on it, and a thread never joins itself.
                bool runEnded;
                {
                    QMutexLocker locker(&w->m_queueMutex);
                    w->m_ownerGone = true;
                    runEnded = w->m_runEnded;
                }
                if (runEnded)
                    delete w; // only QThread's own exit is left: a short join
                else
                    Orphans::instance().adopt();
            });
    worker->start();
    if (!worker->isRunning()) {
        // The thread could not be created (QThread warned): no run() will end.
        QMutexLocker locker(&worker->m_queueMutex);
        worker->m_runEnded = true;
    }
    return worker;
}

QAsyncSqliteWorker::QAsyncSqliteWorker(std::shared_ptr<ConnectionLink> link, const QString &database,
                                       const QAsyncSqliteOptions &options, const Settings &settings,
                                       std::shared_ptr<QAsyncSqliteWorker> previous)
    : m_database(database),
      m_options(options),
      m_previous(std::move(previous)),
      m_link(std::move(link)),
      m_settings(settings)
{
    m_closed.reportStarted();
    setObjectName(QStringLiteral("QAsyncSqlite ") + database);
}

QAsyncSqliteWorker::~QAsyncSqliteWorker()
{
    join();
    // Requests that never reached the worker (it was never started).
    for (auto &job : m_queue)
        job->fail(closedConnectionError());
    if (!m_closed.isFinished())
        finishFuture(m_closed);
}

bool QAsyncSqliteWorker::isAccepting() const
{
    QMutexLocker locker(&m_queueMutex);
    return m_accepting;
}

void QAsyncSqliteWorker::enqueue(std::unique_ptr<Job> job, bool awaited)
{
    if (awaited && isInUserCodeOf(this)) {
        // A blocking wait on this request would deadlock the worker.
        job->fail(QAsyncSqliteProgrammingError(
                SQLITE_MISUSE,
                QStringLiteral("Cannot queue a request from code running on the connection's own worker "
                           "(a user function, callback, run() or transaction() body); use the handle "
                           "or QAsyncSqliteTransaction given to it instead.")));
        return;
    }
    if (m_pool)
        m_pool->noteWriterJob(*job);
    QMutexLocker locker(&m_queueMutex);
    if (!m_accepting) {
        locker.unlock();
        job->fail(closedConnectionError()); // closed, or failed to open: a call on a closed connection
        return;
    }
    if (m_leaseThread)
        noteQueuedByLeaseHolder(*job);
    m_queue.push_back(std::move(job));
    m_hasWork.store(true, std::memory_order_release);
    // A busy or spinning worker finds the job without a wake-up.
    if (m_workerSleeping)
        m_queueNotEmpty.wakeOne();
}

void QAsyncSqliteWorker::spinForWork() const
{
    // Waking a sleeping thread costs 5-80 µs here, more than a query: after a
    // batch, watch the queue briefly before sleeping, so that a caller
    // awaiting one request after another pays one wake-up per round trip,
    // not two. Bounded, so an idle connection costs nothing.
    constexpr auto spin = std::chrono::microseconds(50);
    const auto deadline = std::chrono::steady_clock::now() + spin;
    while (!m_hasWork.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

QFuture<void> QAsyncSqliteWorker::requestClose()
{
    QMutexLocker locker(&m_queueMutex);
    if (!m_closeQueued && m_accepting) {
        m_closeQueued = true;
        m_accepting = false;
        m_queue.push_back(std::make_unique<CallableJob<void>>([](QAsyncSqliteWorker &worker) {
            worker.closeDatabase();
            worker.m_stopAfterBatch = true;
        }));
        m_closeJob = m_queue.back().get();
        if (m_workerSleeping)
            m_queueNotEmpty.wakeOne();
    }
    return m_closed.future();
}

void QAsyncSqliteWorker::abandon()
{
    std::shared_ptr<QAsyncSqliteWorker> previous;
    {
        QMutexLocker locker(&m_queueMutex);
        m_abandoned = true;
        previous = m_previous;
    }
    interrupt();
    if (m_pool)
        m_pool->abandonReaders();
    // What the worker before a reopen still runs was queued on the same,
    // now destroyed, connection (tst_lifecycle::destroyIsBounded).
    if (previous)
        previous->abandon();
}

void QAsyncSqliteWorker::interrupt()
{
    // Stops the request running now, through the progress handler
    // (progressTick()), and nothing else. sqlite3_interrupt() would also fail
    // every statement started until all active ones end, and a half-read
    // cursor, a parked stream or an open blob keeps one active between
    // requests (tst_cursor::interruptWhileIdle). A request that ends before
    // the next tick has nothing left to stop.
    if (const quint64 running = m_runningRequest.load(std::memory_order_acquire))
        m_interruptedRequest.store(running, std::memory_order_release);
}

void ConnectionLink::post(std::function<void(QAsyncSqliteConnection *)> fn)
{
    // Posted under the lock: the connection cannot be destroyed meanwhile,
    // and ~QObject removes what it did not deliver yet.
    QMutexLocker locker(&m_mutex);
    if (QAsyncSqliteConnection *target = m_connection) {
        QMetaObject::invokeMethod(
                target,
                [target, fn = std::move(fn)] {
                    fn(target);
                },
                Qt::QueuedConnection);
    }
}

void ConnectionLink::detach()
{
    QMutexLocker locker(&m_mutex);
    m_connection = nullptr;
}

void QAsyncSqliteWorker::run()
{
    if (m_previous) {
        // FIFO across a reopen, without blocking open(): what was queued
        // before close() runs, and the old handle closes, before anything of
        // ours (tst_lifecycle::reopenDoesNotWaitForOldWorker).
        m_previous->waitClosed();
        std::shared_ptr<QAsyncSqliteWorker> previous; // dropped after the unlock, never under our lock
        QMutexLocker locker(&m_queueMutex);
        previous.swap(m_previous);
    }
    const Job *closeJob = nullptr;
    while (!m_stopAfterBatch) {
        if (!hasRunnable())
            spinForWork();
        bool closeQueued;
        bool abandoned;
        {
            QMutexLocker locker(&m_queueMutex);
            while (m_queue.empty() && !hasRunnable()) {
                // An open transaction handle waits for its next request
                // until its idle timeout, or until close() or the
                // destructor ends it.
                m_workerSleeping = true;
                bool woken;
                if (!m_lease)
                    woken = waitAnnotated(m_queueNotEmpty, m_queueMutex);
                else
                    woken = !m_closeQueued && !m_abandoned
                            && waitAnnotated(m_queueNotEmpty, m_queueMutex, leaseDeadline(true));
                m_workerSleeping = false;
                if (!woken)
                    break;
            }
            std::move(m_queue.begin(), m_queue.end(), std::back_inserter(m_pending));
            m_queue.clear();
            m_hasWork.store(false, std::memory_order_relaxed);
            closeQueued = m_closeQueued;
            abandoned = m_abandoned;
            // The close job, if queued, is among the jobs taken by now.
            closeJob = m_closeJob;
        }
        if (m_lease && !hasRunnable()) {
            warnIfLeaseLooksDeadlocked();
            if (abandoned || closeQueued)
                abortLeases(Lease::State::Closed);
            else if (leaseDeadline().hasExpired())
                abortLeases(Lease::State::TimedOut);
        }
        // Drain everything runnable per wake-up: a wake costs far more than a query.
        while (std::unique_ptr<Job> job = takeRunnable()) {
            m_jobsQueuedBehind = m_lease ? 0 : m_pending.size(); // shared reads never start inside a handle
            // No lock per job: the caller's thread takes it for every request.
            abandoned = m_abandoned.load(std::memory_order_acquire);
            if (m_openError) {
                job->fail(*m_openError);
            } else if (abandoned && job.get() != closeJob) {
                abortLeases(Lease::State::Closed);
                qCWarning(lcQAsyncSqlite)
                        << "QAsyncSqliteConnection destroyed: dropping a queued request on" << m_database;
                job->fail(QAsyncSqliteOperationalError(
                        SQLITE_ABORT, QStringLiteral("The connection was destroyed before this request could run.")));
            } else if (job->lease() && !job->lease()->transaction) {
                failEndedLeaseJob(*job);
            } else {
                process(*job, !hasRunnable());
                if (m_lease)
                    m_leaseIdleSince = std::chrono::steady_clock::now();
            }
            if (m_openError && !m_stopAfterBatch) {
                // A failed open ends the worker: no thread is left behind.
                QMutexLocker locker(&m_queueMutex);
                m_accepting = false;
                m_stopAfterBatch = true;
            }
            if (m_stopAfterBatch)
                break;
        }
    }
    abortLeases(Lease::State::Closed);
    // Nothing can be queued any more; fail what slipped in after the last batch.
    std::deque<std::unique_ptr<Job>> rest = std::move(m_pending);
    {
        QMutexLocker locker(&m_queueMutex);
        m_accepting = false;
        std::move(m_queue.begin(), m_queue.end(), std::back_inserter(rest));
        m_queue.clear();
    }
    for (auto &job : rest) {
        if (m_openError)
            job->fail(*m_openError);
        else
            job->fail(closedConnectionError());
    }
    rest.clear();
    if (m_db)
        closeDatabase();
    publishState(true);
    post([opened = m_wasOpened](QAsyncSqliteConnection *c) {
        if (opened)
            Q_EMIT c->closed();
        Q_EMIT c->openChanged();
    });
    m_handleClosed.release(); // after the post: a successor's opened() comes after our closed()
    // Runs close().then(fn) continuations on this thread: nothing on the
    // connection's thread may wait for them
    // (tst_lifecycle::closeContinuationDoesNotBlockEventLoop).
    finishFuture(m_closed);
    bool ownerGone;
    {
        QMutexLocker locker(&m_queueMutex);
        m_runEnded = true;
        ownerGone = m_ownerGone;
    }
    if (ownerGone)
        Orphans::instance().reap(this); // joins us once this returns
    QtTsan::futexRelease(this); // the last statement: pairs with join()
}

bool QAsyncSqliteWorker::join(QDeadlineTimer deadline)
{
    if (!wait(deadline))
        return false;
    QtTsan::futexAcquire(this);
    return true;
}

void QAsyncSqliteWorker::process(Job &job, bool lastInBatch)
{
    QFutureInterfaceBase &fi = job.futureInterface();
    if (fi.isCanceled()) {
        // Canceled while queued: never runs.
        if (!m_db && !m_wasOpened && !m_openError) {
            // That was open() (always the first job): with no handle nothing
            // after it may run (fuzz_requests found sqlite3_limit(nullptr));
            // end the worker as a failed open does
            // (tst_fault_races::cancelOpen).
            QMutexLocker locker(&m_queueMutex);
            m_openError = std::make_unique<QAsyncSqliteOperationalError>(
                    SQLITE_ABORT, QStringLiteral("open() was canceled before it ran"));
            m_accepting = false;
        }
        if (lastInBatch) {
            endSharedRead();
            publishState(true);
        }
        finishFuture(fi);
        return;
    }
    updateSqlLogging();
    if (m_pool)
        m_pool->waitForEarlierReads(job); // a write never overtakes its thread's reads (tst_pool::writeAfterRead)
    m_currentJobSharesReads = job.sharesReads();
    if (!m_currentJobSharesReads)
        endSharedRead();
    {
        CancelSource cancel(*this, &fi);
        UserCodeScope userCode(*this);
        const RunningRequest running(*this, fi);
        try {
            job.run(*this);
        } catch (const QAsyncSqliteError &error) {
            if (!fi.isCanceled()) {
                // Through the job: a dump may have reported lines before it
                // failed, which QFutureInterfaceBase would leak.
                job.reportException(std::current_exception());
                // A clone keeps the subclass (a copy would slice it to
                // QAsyncSqliteError): a slot can still dynamic_cast it.
                post([error = std::shared_ptr<const QAsyncSqliteError>(error.clone())](QAsyncSqliteConnection *c) {
                    Q_EMIT c->errorOccurred(*error);
                });
            }
        } catch (...) {
            job.reportException(std::current_exception());
        }
    }
    // Snapshots and signals first, so continuations see the new state.
    if (lastInBatch)
        endSharedRead();
    publishState(lastInBatch);
    job.setPoolTicket({}); // before the future ends: its awaiter's next read may go to a reader
    if (!job.isHandedOff())
        finishFuture(fi);
}

// ---------------------------------------------------------------------------
// Open, close and hooks

void QAsyncSqliteWorker::open()
{
    try {
        openDatabase();
    } catch (const QAsyncSqliteError &error) {
        closeDatabase();
        {
            // Before open()'s future fails: a caller reacting to the failure
            // may call open() again at once, which must not find the
            // connection still "open" (tst_fault_vfs::reopenRightAfterFailedOpen).
            QMutexLocker locker(&m_queueMutex);
            m_openError.reset(error.clone());
            m_accepting = false;
        }
        throw;
    }
}

void QAsyncSqliteWorker::openDatabase()
{
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    switch (m_options.openMode) {
    case OpenMode::ReadWriteCreate:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    case OpenMode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case OpenMode::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    }
    QString name = m_database;
    if (m_options.uri)
        flags |= SQLITE_OPEN_URI;
    else if (name.startsWith(QLatin1String("file:")))
        name.prepend(QLatin1String("./")); // a plain path, even where SQLite enables URIs globally

    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(name.toUtf8().constData(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const int code = db ? sqlite3_extended_errcode(db) : rc;
        const QString message = db ? fromUtf8(sqlite3_errmsg(db)) : fromUtf8(sqlite3_errstr(rc));
        sqlite3_close(db);
        QAsyncSqliteError::throwForCode(
                code, QStringLiteral("unable to open database file %1: %2") .arg(m_database, message));
    }
    m_db = db;
    sqlite3_extended_result_codes(m_db, 1);
    // Extension loading starts disabled until enableLoadExtension(true):
    // Debian's libsqlite3 enables the C API by default (tst_functions::loadExtensionDisabled).
    sqlite3_db_config(m_db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_busy_timeout(m_db, int(qBound<qint64>(0, qint64(m_options.busyTimeout.count()), qint64(INT_MAX))));
    m_cache = std::make_unique<StatementCache>(m_options.cachedStatements);
    installHooks();
    // Read the schema now, so that a file that is not a database fails
    // open() with SQLITE_NOTADB instead of the first query.
    exec(QStringLiteral("SELECT count(*) FROM sqlite_schema"));
    for (const QString &pragma : m_options.pragmas)
        exec(QStringLiteral("PRAGMA ") + pragma);
    if (!m_options.migrations.isEmpty())
        migrate(m_options.migrations); // before opened(): nothing else sees the old schema
    if (m_pool)
        m_pool->openReaders(*this);
    if (currentRequestCanceled()) {
        // Canceled while opening: its future reads canceled, so the
        // connection must not go on as open either (tst_fault_races::cancelOpen).
        throw QAsyncSqliteOperationalError(SQLITE_ABORT, QStringLiteral("open() was canceled"));
    }
    m_wasOpened = true;
    // Posted before open()'s future finishes, so it reaches the caller first.
    post([](QAsyncSqliteConnection *c) {
        Q_EMIT c->opened();
    });
}

void QAsyncSqliteWorker::closeDatabase()
{
    if (m_pool)
        m_pool->closeReaders(); // first: the writer's close then checkpoints the WAL
    if (!m_db)
        return;
    for (auto &resources : m_openResources) {
        for (const auto &resource : resources)
            resource->closeWithConnection();
        resources.clear();
    }
    m_cache.reset();
    m_changes.settleCommit(m_db); // closing a blob or a cursor may have committed its writes
    if (!sqlite3_get_autocommit(m_db))
        qCWarning(lcQAsyncSqlite) << "Closing" << m_database << "with an open transaction: it is rolled back";
    if (sqlite3_close(m_db) != SQLITE_OK) {
        // Statements prepared through run() and never finalized: let SQLite
        // close the handle when they go.
        qCWarning(lcQAsyncSqlite) << "Closing" << m_database << ":" << sqlite3_errmsg(m_db)
                                  << "- deferring the close until those statements are finalized";
        sqlite3_close_v2(m_db);
    }
    m_db = nullptr;
}

void QAsyncSqliteWorker::adopt(OpenResource::Kind kind, std::shared_ptr<OpenResource> resource)
{
    auto &resources = m_openResources[kind];
    if (std::find(resources.begin(), resources.end(), resource) == resources.end())
        resources.push_back(std::move(resource));
}

void QAsyncSqliteWorker::forget(OpenResource::Kind kind, const OpenResource *resource)
{
    auto &resources = m_openResources[kind];
    const auto it = std::find_if(resources.begin(), resources.end(), [resource](const auto &entry) {
        return entry.get() == resource;
    });
    if (it != resources.end())
        resources.erase(it);
}
