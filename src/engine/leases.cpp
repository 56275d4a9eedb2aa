// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Transaction handles on the worker: which queued request may run while one
// is open, opening and ending them, and the idle timeout
// (doc/architecture.md, "Transaction handles"; doc/transactions.md).
#include "leases_p.h"
#include "worker_p.h"

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

bool QAsyncSqliteWorker::isRunnable(const Job &job) const
{
    if (!m_lease)
        return true;
    // A request of an ended handle may run too: it fails at once.
    const Lease *lease = job.lease().get();
    return lease && (m_lease->covers(lease) || !lease->transaction);
}

bool QAsyncSqliteWorker::hasRunnable() const
{
    if (!m_lease)
        return !m_pending.empty();
    return std::any_of(m_pending.begin(), m_pending.end(), [this](const auto &job) {
        return isRunnable(*job);
    });
}

std::unique_ptr<Job> QAsyncSqliteWorker::takeRunnable()
{
    // FIFO, skipping what waits for the open handle to end.
    const auto it = std::find_if(m_pending.begin(), m_pending.end(), [this](const auto &job) {
        return isRunnable(*job);
    });
    if (it == m_pending.end())
        return {};
    std::unique_ptr<Job> job = std::move(*it);
    m_pending.erase(it);
    return job;
}

QDeadlineTimer QAsyncSqliteWorker::leaseDeadline(bool wake) const
{
    const auto timeout = m_lease->root().options.idleTimeout;
    QDeadlineTimer deadline(QDeadlineTimer::Forever);
    if (timeout > std::chrono::milliseconds::zero())
        deadline = QDeadlineTimer(m_leaseIdleSince + timeout);
    // Wake up to look for a deadlock too (warnIfLeaseLooksDeadlocked()).
    if (const auto suspect = leaseSuspectTime(); wake && !m_leaseWarned && std::chrono::steady_clock::now() < suspect)
        deadline = std::min(deadline, QDeadlineTimer(suspect));
    return deadline;
}

QAsyncSqliteTransactionHandle QAsyncSqliteWorker::beginLease(const std::shared_ptr<Lease> &parent,
                                                             const QAsyncSqliteTransactionOptions &options,
                                                             QThread *caller)
{
    auto lease = std::make_shared<Lease>(weak_from_this(), parent, options);
    lease->transactionData = std::make_unique<QAsyncSqliteTransactionPrivate>(*this, options.mode);
    lease->transaction = lease->transactionData->open(); // BEGIN, or SAVEPOINT when nested
    try {
        if (!parent && options.readOnly) {
            const QVariantList rows = execute(QStringLiteral("PRAGMA query_only"), QVariantList());
            lease->previousQueryOnly = rows.value(0).toList().value(0).toInt();
            exec(QStringLiteral("PRAGMA query_only = 1"));
        }
        if (currentRequestCanceled()) // no one would receive the handle to end it
            throw QAsyncSqliteOperationalError(SQLITE_ABORT, QStringLiteral("begin() was canceled"));
    } catch (...) {
        endTransactionOf(*lease, false, Lease::State::RolledBack);
        throw;
    }
    m_lease = lease;
    m_leaseIdleSince = std::chrono::steady_clock::now();
    if (!parent)
        m_leaseWarned = false;
    if (!parent) {
        QMutexLocker locker(&m_queueMutex);
        m_leaseRoot = lease.get();
        m_leaseThread = caller;
    }
    return Lease::handleFor(std::move(lease));
}

void QAsyncSqliteWorker::endTransactionOf(Lease &lease, bool commit, Lease::State state)
{
    if (commit)
        lease.transaction->commit(); // throws, leaving it open, if COMMIT fails
    lease.transaction.reset(); // rolls back unless committed
    lease.transactionData.reset();
    if (!lease.parent && lease.options.readOnly) {
        try {
            exec(QStringLiteral("PRAGMA query_only = %1").arg(lease.previousQueryOnly));
        } catch (const QAsyncSqliteError &error) {
            qCWarning(lcQAsyncSqlite) << "Restoring PRAGMA query_only after a read-only transaction failed:"
                                      << error.what();
        }
    }
    lease.state.store(state, std::memory_order_release);
}

void QAsyncSqliteWorker::endLease(const std::shared_ptr<Lease> &lease, bool commit)
{
    const Lease::State state = commit ? Lease::State::Committed : Lease::State::RolledBack;
    // Handles nested in it end with it, innermost first.
    while (m_lease && m_lease != lease) {
        endTransactionOf(*m_lease, commit, state);
        m_lease = m_lease->parent;
    }
    if (!m_lease)
        return; // already ended (a parent ended it, or the worker did)
    endTransactionOf(*m_lease, commit, state);
    m_lease = m_lease->parent;
    if (!m_lease) {
        QMutexLocker locker(&m_queueMutex);
        m_leaseRoot = nullptr;
        m_leaseThread = nullptr;
    }
}

void QAsyncSqliteWorker::abortLeases(Lease::State why)
{
    if (!m_lease)
        return;
    if (why == Lease::State::TimedOut) {
        qCWarning(lcQAsyncSqlite).nospace()
                << "A transaction handle on " << m_database << " waited more than "
                << m_lease->root().options.idleTimeout.count() << " ms for a request: rolled back. If its code "
                << "awaited a request made on the connection instead of the handle, that was a deadlock "
                   "(doc/transactions.md).";
    } else {
        qCWarning(lcQAsyncSqlite) << "Closing" << m_database << "with a transaction handle open: it is rolled back";
    }
    while (m_lease) {
        endTransactionOf(*m_lease, false, why);
        m_lease = m_lease->parent;
    }
    {
        QMutexLocker locker(&m_queueMutex);
        m_leaseRoot = nullptr;
        m_leaseThread = nullptr;
    }
    publishState(true);
}

void QAsyncSqliteWorker::failEndedLeaseJob(Job &job)
{
    switch (job.lease()->state.load(std::memory_order_acquire)) {
    case Lease::State::TimedOut: {
        const qint64 timeout = job.lease()->root().options.idleTimeout.count();
        job.fail(QAsyncSqliteOperationalError(
                SQLITE_ABORT_ROLLBACK,
                QStringLiteral("The transaction was rolled back: it waited more than %1 ms for a request.").arg(
                        timeout)));
        break;
    }
    case Lease::State::Closed:
        job.fail(closedConnectionError());
        break;
    case Lease::State::Open: // ended by a failed begin: cannot have requests
    case Lease::State::Committed:
    case Lease::State::RolledBack:
        job.fail(endedTransactionError());
        break;
    }
}

void QAsyncSqliteWorker::noteQueuedByLeaseHolder(Job &job) const
{
    // Under m_queueMutex. (Not once the handle is ending: its commit or
    // rollback is queued already, so nothing can wait for long.)
    if (!job.lease() && m_leaseThread == QThread::currentThread()
        && !m_leaseRoot->endRequested.load(std::memory_order_acquire)) {
        job.setQueuedByLeaseHolder();
    }
}

std::chrono::steady_clock::time_point QAsyncSqliteWorker::leaseSuspectTime() const
{
    // A request queued by the thread that holds the open handle, waiting
    // while the handle has been idle this long, is most likely awaited by
    // the handle's own code: each waits for the other until the idle timeout.
    constexpr auto after = std::chrono::milliseconds(1000);
    const auto timeout = m_lease->root().options.idleTimeout;
    return m_leaseIdleSince + (timeout > std::chrono::milliseconds::zero() ? std::min(after, timeout / 2) : after);
}

void QAsyncSqliteWorker::warnIfLeaseLooksDeadlocked()
{
    if (!m_lease || m_leaseWarned || std::chrono::steady_clock::now() < leaseSuspectTime())
        return;
    const bool suspect = std::any_of(m_pending.begin(), m_pending.end(), [](const auto &job) {
        return job->isQueuedByLeaseHolder();
    });
    if (!suspect)
        return;
    m_leaseWarned = true;
    qCWarning(lcQAsyncSqlite).nospace()
            << "A transaction handle on " << m_database << " is idle while a request that the thread holding "
            << "it queued on the connection waits for it to end. If the transaction's code awaits that request, "
            << "this is a deadlock until the idle timeout: make the request through the handle "
               "(doc/transactions.md).";
}

QAsyncSqliteProgrammingError QAsyncSqlite::Detail::endedTransactionError()
{
    return QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("Cannot operate on a finished transaction."));
}
