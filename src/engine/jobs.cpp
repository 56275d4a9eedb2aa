// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Jobs and the running request: ending a job's future, the one request
// path (Detail::enqueue()), and what the worker knows of the request it
// runs (cancel, interrupt, progress, user code).
#include "jobs_p.h"
#include "worker_p.h"

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

thread_local QAsyncSqliteWorker *t_userCodeOf = nullptr;

} // namespace

Job::~Job() = default;

void Job::fail(const QAsyncSqliteError &error)
{
    QFutureInterfaceBase &fi = futureInterface();
    fi.reportException(error);
    finishFuture(fi);
}

void Job::finishIfPending()
{
    if (m_handedOff)
        return;
    QFutureInterfaceBase &fi = futureInterface();
    if (!fi.isFinished()) {
        fi.reportCanceled();
        finishFuture(fi);
    }
}

sqlite3 *QAsyncSqlite::Detail::handle(QAsyncSqliteWorker &worker)
{
    return worker.db();
}

void QAsyncSqlite::Detail::enqueue(const std::shared_ptr<QAsyncSqliteWorker> &worker, std::unique_ptr<Job> job)
{
    if (worker)
        worker->enqueue(std::move(job));
    else
        job->fail(closedConnectionError());
}

QAsyncSqliteProgrammingError QAsyncSqlite::Detail::closedConnectionError()
{
    return QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("Cannot operate on a closed database."));
}

bool QAsyncSqliteWorker::isInUserCodeOf(const QAsyncSqliteWorker *worker)
{
    return t_userCodeOf && t_userCodeOf == worker;
}

QAsyncSqliteWorker::CancelSource::CancelSource(QAsyncSqliteWorker &w, QFutureInterfaceBase *source)
    : worker(w), previous(std::exchange(w.m_cancelSource, source))
{
}

QAsyncSqliteWorker::CancelSource::~CancelSource()
{
    worker.m_cancelSource = previous;
}

QAsyncSqliteWorker::UserCodeScope::UserCodeScope(QAsyncSqliteWorker &worker)
    : previous(std::exchange(t_userCodeOf, &worker))
{
}

QAsyncSqliteWorker::UserCodeScope::~UserCodeScope()
{
    t_userCodeOf = previous;
}

bool QAsyncSqliteWorker::currentRequestCanceled() const
{
    if (!m_cancelSource)
        return false;
    const quint64 running = m_runningRequest.load(std::memory_order_relaxed);
    return m_cancelSource->isCanceled() || (running && m_interruptedRequest.load(std::memory_order_acquire) == running);
}

QAsyncSqliteWorker::RunningRequest::RunningRequest(QAsyncSqliteWorker &w, QFutureInterfaceBase &future) : worker(w)
{
    worker.m_runningRequest.store(++worker.m_requestSequence, std::memory_order_release);
    worker.m_requestFuture = &future;
}

QAsyncSqliteWorker::RunningRequest::~RunningRequest()
{
    worker.m_requestFuture = nullptr;
    worker.m_runningRequest.store(0, std::memory_order_release);
}

// QFutureInterfaceBase guards its progress with its own mutex and posts it to
// watchers; it drops a value outside the range, one not above the last, and
// any once the future is canceled or finished.
void QAsyncSqliteWorker::setRequestProgressRange(int minimum, int maximum)
{
    if (m_requestFuture)
        m_requestFuture->setProgressRange(minimum, maximum);
}

void QAsyncSqliteWorker::setRequestProgressValue(int value)
{
    if (m_requestFuture)
        m_requestFuture->setProgressValue(value);
}
