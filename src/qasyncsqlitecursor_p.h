// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITECURSOR_P_H
#define QASYNCSQLITECURSOR_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include "qasyncsqliteworker_p.h"

class QAsyncSqliteCursorPrivate
{
public:
    using CursorFunction = std::function<void(QAsyncSqliteWorker &, const std::shared_ptr<QAsyncSqliteCursorState> &)>;

    // Queues \a fn for this cursor's state; fails at once on a closed cursor.
    template<typename R>
    QFuture<R> submit(std::function<R(QAsyncSqliteWorker &, const std::shared_ptr<QAsyncSqliteCursorState> &)> fn)
    {
        if (closed) {
            return QAsyncSqlite::Detail::makeFailedFuture<R>(QAsyncSqliteWorker::closedCursor());
        }
        auto job = std::make_unique<QAsyncSqlite::Detail::CallableJob<R>>(
                [state = state, fn = std::move(fn)](QAsyncSqliteWorker &w) -> R {
                    if (state->closed)
                        throw QAsyncSqliteWorker::closedCursor();
                    return fn(w, state);
                });
        QFuture<R> future = job->future();
        enqueue(std::move(job));
        return future;
    }
    // An execute() or executeMany(): as Python's, it first clears
    // description() and sets rowCount() to -1, which is what remains when it
    // fails; on a closed cursor only rowCount() changes, and that reset
    // still takes its place in the queue, behind the requests before it.
    QFuture<void> submitExecute(CursorFunction fn);
    void enqueue(std::unique_ptr<QAsyncSqlite::Detail::Job> job);

    QAsyncSqliteConnection *connection = nullptr;
    std::shared_ptr<QAsyncSqliteWorker> worker; // null when the connection was not open
    std::shared_ptr<QAsyncSqliteCursorState> state = std::make_shared<QAsyncSqliteCursorState>();
    std::atomic<int> arraySize{1};
    std::atomic<bool> closed{false};
};

#endif // QASYNCSQLITECURSOR_P_H
