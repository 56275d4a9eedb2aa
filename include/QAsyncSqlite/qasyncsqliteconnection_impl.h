// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITECONNECTION_IMPL_H
#define QASYNCSQLITECONNECTION_IMPL_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API: it holds what the templates
//  of qasyncsqliteconnection.h (run(), transaction()) expand to and what the
//  query model and the QML module share, and may change without notice.
//  Include <QAsyncSqlite/QAsyncSqliteConnection>.

#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qfuture.h>
#include <QtCore/qfutureinterface.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qvariant.h>

#include <exception>
#include <functional>
#include <memory>
#include <type_traits>
#include <variant>

class QAsyncSqliteError;
class QAsyncSqliteTransaction;
class QAsyncSqliteWorker;

namespace QAsyncSqlite::Detail {

class Lease;

/* Statement parameters: positional or named. */
using Params = std::variant<QVariantList, QVariantMap>;

/* ThreadSanitizer and QFuture. Debian's Qt is not built with TSan, so the
   handshake inside QFutureInterfaceBase that orders everything before a
   future's completion with everything after it being seen is invisible to
   TSan. The library announces a release on the future's state right before
   it finishes one (finishFuture() in src/engine/jobs_p.h), and code that has
   seen it finished announces the acquire with this. No-ops in other builds. */
template<typename T>
inline void tsanAcquireFinished([[maybe_unused]] const QFuture<T> &future)
{
#ifdef QT_BUILDING_UNDER_TSAN
    QtTsan::futexAcquire(&QFutureInterfaceBase::get(future).mutex());
#endif
}

/* Calls \a onFinished(future) on \a owner's thread once \a future has
   finished, unless \a owner is destroyed first: the QFutureWatcher is its
   child (Qt 6.4's then(context) asserts when the context dies first), and
   the TSan acquire comes before anything reads the future. */
template<typename T, typename OnFinished>
void whenFinished(QObject *owner, const QFuture<T> &future, OnFinished &&onFinished)
{
    auto *watcher = new QFutureWatcher<T>(owner);
    QObject::connect(watcher, &QFutureWatcherBase::finished, owner,
                     [watcher, onFinished = std::forward<OnFinished>(onFinished)]() mutable {
                         watcher->deleteLater();
                         tsanAcquireFinished(watcher->future());
                         onFinished(watcher->future());
                     });
    watcher->setFuture(future);
}

/* A queued request: the worker runs it in FIFO order (doc/architecture.md). */
class QASYNCSQLITE_EXPORT Job
{
public:
    virtual ~Job();
    /* Runs on the worker thread; reports a result or throws. */
    virtual void run(QAsyncSqliteWorker &worker) = 0;
    virtual QFutureInterfaceBase &futureInterface() = 0;
    /* Stores \a error in the future, dropping results reported before it
       (only the typed interface can free them). */
    virtual void reportException(const std::exception_ptr &error) = 0;
    /* Ends the future with \a error without running. */
    void fail(const QAsyncSqliteError &error);
    /* run() passed the future on to someone who will finish it later. */
    void handOff() { m_handedOff = true; }
    bool isHandedOff() const { return m_handedOff; }
    /* A plain query may share a read transaction with its batch neighbours. */
    void setSharesReads() { m_sharesReads = true; }
    bool sharesReads() const { return m_sharesReads; }
    /* Runs inside a transaction handle's transaction (engine/leases_p.h). */
    void setLease(std::shared_ptr<Lease> lease) { m_lease = std::move(lease); }
    const std::shared_ptr<Lease> &lease() const { return m_lease; }
    /* Queued, outside it, by the thread that holds a transaction handle. */
    void setQueuedByLeaseHolder() { m_queuedByLeaseHolder = true; }
    bool isQueuedByLeaseHolder() const { return m_queuedByLeaseHolder; }
    /* The reader pool's mark of a writer request (src/engine/pool_p.h),
       released with the job. */
    void setPoolTicket(std::shared_ptr<void> ticket) { m_poolTicket = std::move(ticket); }
    const std::shared_ptr<void> &poolTicket() const { return m_poolTicket; }

protected:
    /* RAII: a job dropped on any path still ends its future. */
    void finishIfPending();

private:
    bool m_handedOff = false;
    bool m_sharesReads = false;
    bool m_queuedByLeaseHolder = false;
    std::shared_ptr<Lease> m_lease;
    std::shared_ptr<void> m_poolTicket;
};

/* The one job type: a function run on the worker, whose value becomes the
   future's result, or (Reporter) that reports into the future itself:
   several results (iterDump()), or a future handed on to be finished later
   (a cursor's stream()). */
template<typename R>
class CallableJob final : public Job
{
public:
    using Function = std::function<R(QAsyncSqliteWorker &)>;
    using Reporter = std::function<void(QAsyncSqliteWorker &, QFutureInterface<R> &, Job &self)>;

    explicit CallableJob(Function fn) : m_fn(std::move(fn)) { m_interface.reportStarted(); }
    explicit CallableJob(Reporter fn) : m_reporter(std::move(fn)) { m_interface.reportStarted(); }
    ~CallableJob() override { finishIfPending(); }
    void run(QAsyncSqliteWorker &worker) override
    {
        if (m_reporter)
            m_reporter(worker, m_interface, *this);
        else if constexpr (std::is_void_v<R>)
            m_fn(worker);
        else
            m_interface.reportResult(m_fn(worker));
    }
    QFutureInterfaceBase &futureInterface() override { return m_interface; }
    void reportException(const std::exception_ptr &error) override { m_interface.reportException(error); }
    QFuture<R> future() { return m_interface.future(); }

private:
    QFutureInterface<R> m_interface;
    Function m_fn;
    Reporter m_reporter;
};

/* The one request path (doc/architecture.md): queues \a job on \a worker,
   or fails it at once with the closed connection's error when there is no
   worker or it no longer accepts work. */
QASYNCSQLITE_EXPORT void enqueue(const std::shared_ptr<QAsyncSqliteWorker> &worker, std::unique_ptr<Job> job);

/* Queues \a job (a CallableJob, or any Job with a typed future()) and returns its future. */
template<typename JobType>
auto submit(const std::shared_ptr<QAsyncSqliteWorker> &worker, std::unique_ptr<JobType> job)
{
    auto future = job->future();
    enqueue(worker, std::move(job));
    return future;
}

template<typename R>
QFuture<R> submit(const std::shared_ptr<QAsyncSqliteWorker> &worker, typename CallableJob<R>::Function fn)
{
    return submit(worker, std::make_unique<CallableJob<R>>(std::move(fn)));
}

/* The raw handle of a worker, for QAsyncSqliteConnection::run(). */
QASYNCSQLITE_EXPORT sqlite3 *handle(QAsyncSqliteWorker &worker);

/* Runs \a body on \a worker inside BEGIN (\a mode) … COMMIT, or a savepoint
   when a transaction is open; rolls back if it throws. */
QASYNCSQLITE_EXPORT void runTransaction(QAsyncSqliteWorker &worker, TransactionMode mode,
                                        const std::function<void(QAsyncSqliteTransaction &)> &body);

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITECONNECTION_IMPL_H
