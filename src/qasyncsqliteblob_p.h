// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEBLOB_P_H
#define QASYNCSQLITEBLOB_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include "qasyncsqliteworker_p.h"

#include <QAsyncSqlite/qasyncsqliteblob.h>

class QAsyncSqliteBlobPrivate
{
public:
    static QAsyncSqliteProgrammingError closedError()
    {
        return QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("Cannot operate on a closed blob."));
    }

    // Queues \a fn on the worker; fails at once on a closed blob or connection.
    template<typename R>
    QFuture<R> submit(std::function<R(QAsyncSqliteWorker &, QAsyncSqliteBlobState &)> fn)
    {
        if (closed.load())
            return QAsyncSqlite::Detail::makeFailedFuture<R>(closedError());
        auto job = std::make_unique<QAsyncSqlite::Detail::CallableJob<R>>(
                [state = state, fn = std::move(fn)](QAsyncSqliteWorker &w) -> R {
                    // Null once closed, also by the connection's close.
                    if (!state->blob)
                        throw closedError();
                    return fn(w, *state);
                });
        QFuture<R> future = job->future();
        enqueue(std::move(job));
        return future;
    }

    void enqueue(std::unique_ptr<QAsyncSqlite::Detail::Job> job)
    {
        if (worker) {
            worker->enqueue(std::move(job));
            return;
        }
        job->fail(QAsyncSqliteWorker::rejection());
    }

    // Keeps the worker object alive; a closed worker rejects every job.
    std::shared_ptr<QAsyncSqliteWorker> worker;
    std::shared_ptr<QAsyncSqliteBlobState> state;
    std::atomic<bool> closed{false};
};

#endif // QASYNCSQLITEBLOB_P_H
