// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// QAsyncSqliteTransactionHandle and QAsyncSqliteConnection::begin(): the
// caller's side of transaction handles; the worker's is engine/leases.cpp.
#include "engine/leases_p.h"
#include "engine/worker_p.h"

#include <QAsyncSqlite/qasyncsqlitetransactionhandle.h>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

QAsyncSqliteProgrammingError noTransactionError()
{
    return QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                        QStringLiteral("The transaction handle has no transaction (moved from?)."));
}

} // namespace

QFuture<QAsyncSqliteTransactionHandle> QAsyncSqliteConnection::begin(TransactionMode mode)
{
    return begin(QAsyncSqliteTransactionOptions{.mode = mode});
}

QFuture<QAsyncSqliteTransactionHandle> QAsyncSqliteConnection::begin(const QAsyncSqliteTransactionOptions &options)
{
    return submit<QAsyncSqliteTransactionHandle>(
            [options, caller = QThread::currentThread()](QAsyncSqliteWorker &worker) {
                return worker.beginLease(nullptr, options, caller);
            });
}

QAsyncSqliteTransactionHandle::QAsyncSqliteTransactionHandle() noexcept = default;

QAsyncSqliteTransactionHandle::QAsyncSqliteTransactionHandle(std::shared_ptr<Lease> lease) noexcept
    : d(std::move(lease))
{
}

QAsyncSqliteTransactionHandle::QAsyncSqliteTransactionHandle(QAsyncSqliteTransactionHandle &&other) noexcept = default;

QAsyncSqliteTransactionHandle &QAsyncSqliteTransactionHandle::operator=(QAsyncSqliteTransactionHandle &&other) noexcept
{
    if (this != &other) {
        release();
        d = std::move(other.d);
    }
    return *this;
}

QAsyncSqliteTransactionHandle::~QAsyncSqliteTransactionHandle()
{
    release();
}

void QAsyncSqliteTransactionHandle::release()
{
    const std::shared_ptr<Lease> lease = std::exchange(d, nullptr);
    if (!lease || lease->state.load(std::memory_order_acquire) != Lease::State::Open
        || lease->endRequested.exchange(true)) {
        return;
    }
    qCWarning(lcQAsyncSqlite) << "A QAsyncSqliteTransactionHandle was destroyed without commit() or rollback():"
                              << "rolling back";
    // Not awaited by anyone, so it may be queued from the worker's own code
    // (a handle dropped in a continuation, or by a canceled future).
    auto job = std::make_unique<CallableJob<void>>([lease](QAsyncSqliteWorker &worker) {
        worker.endLease(lease, false);
    });
    job->setLease(lease);
    if (const std::shared_ptr<QAsyncSqliteWorker> worker = lease->worker.lock())
        worker->enqueue(std::move(job), false);
}

bool QAsyncSqliteTransactionHandle::isValid() const
{
    return d != nullptr;
}

bool QAsyncSqliteTransactionHandle::isActive() const
{
    return d && d->state.load(std::memory_order_acquire) == Lease::State::Open
            && !d->endRequested.load(std::memory_order_acquire);
}

bool QAsyncSqliteTransactionHandle::isNested() const
{
    return d && d->parent;
}

namespace {

// A request of \a lease, or its failure when the handle cannot make one
// (\a ending: commit() or rollback(), which claimed the end already).
template<typename R>
QFuture<R> request(const std::shared_ptr<Lease> &lease, typename CallableJob<R>::Function fn, bool ending = false)
{
    if (!lease)
        return makeFailedFuture<R>(noTransactionError());
    if (!ending && lease->endRequested.load(std::memory_order_acquire))
        return makeFailedFuture<R>(endedTransactionError());
    return lease->submit<R>(std::move(fn), lease);
}

} // namespace

QFuture<QVariantList> QAsyncSqliteTransactionHandle::execute(const QString &sql, const QVariantList &params)
{
    return request<QVariantList>(d, [sql, params](QAsyncSqliteWorker &worker) {
        return worker.execute(sql, params);
    });
}

QFuture<QVariantList> QAsyncSqliteTransactionHandle::execute(const QString &sql, const QVariantMap &params)
{
    return request<QVariantList>(d, [sql, params](QAsyncSqliteWorker &worker) {
        return worker.execute(sql, params);
    });
}

QFuture<qint64> QAsyncSqliteTransactionHandle::executeInsert(const QString &sql, const QVariantList &params)
{
    return request<qint64>(d, [sql, params](QAsyncSqliteWorker &worker) {
        return worker.executeInsert(sql, params);
    });
}

QFuture<qint64> QAsyncSqliteTransactionHandle::executeInsert(const QString &sql, const QVariantMap &params)
{
    return request<qint64>(d, [sql, params](QAsyncSqliteWorker &worker) {
        return worker.executeInsert(sql, params);
    });
}

QFuture<qint64> QAsyncSqliteTransactionHandle::executeMany(const QString &sql, const QList<QVariantList> &paramSets)
{
    return request<qint64>(d, [sql, paramSets](QAsyncSqliteWorker &worker) {
        return worker.executeMany(sql, paramSets);
    });
}

void QAsyncSqliteTransactionHandle::enqueueTypedJob(std::unique_ptr<Job> job) const
{
    // request()'s checks, for a job a typed template made.
    if (!d)
        return job->fail(noTransactionError());
    if (d->endRequested.load(std::memory_order_acquire))
        return job->fail(endedTransactionError());
    job->setLease(d);
    enqueue(d->worker.lock(), std::move(job));
}

QFuture<QAsyncSqliteTransactionHandle> QAsyncSqliteTransactionHandle::begin()
{
    return request<QAsyncSqliteTransactionHandle>(
            d, [lease = d, caller = QThread::currentThread()](QAsyncSqliteWorker &worker) {
                return worker.beginLease(lease, lease->options, caller);
            });
}

QFuture<void> QAsyncSqliteTransactionHandle::commit()
{
    if (d && d->endRequested.exchange(true))
        return makeFailedFuture<void>(endedTransactionError());
    return request<void>(
            d,
            [lease = d](QAsyncSqliteWorker &worker) {
                try {
                    worker.endLease(lease, true);
                } catch (...) {
                    lease->endRequested.store(false, std::memory_order_release); // still open: may be retried
                    throw;
                }
            },
            true);
}

QFuture<void> QAsyncSqliteTransactionHandle::rollback()
{
    if (d && d->endRequested.exchange(true))
        return makeFailedFuture<void>(endedTransactionError());
    return request<void>(
            d,
            [lease = d](QAsyncSqliteWorker &worker) {
                worker.endLease(lease, false);
            },
            true);
}
