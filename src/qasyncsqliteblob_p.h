// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEBLOB_P_H
#define QASYNCSQLITEBLOB_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include "engine/jobs_p.h"
#include "engine/worker_p.h"

#include <QAsyncSqlite/qasyncsqliteblob.h>

#include <sqlite3.h>

#include <atomic>
#include <memory>

// Worker-side state of a QAsyncSqliteBlob, and the requests that run on it
// (worker thread).
struct QAsyncSqliteBlobState final : QAsyncSqlite::Detail::OpenResource
{
    static std::shared_ptr<QAsyncSqliteBlobState> open(QAsyncSqliteWorker &worker, const QString &table,
                                                       const QString &column, qint64 rowid, QAsyncSqlite::BlobMode mode,
                                                       const QString &schema);
    qint64 currentSize();
    QByteArray read(QAsyncSqliteWorker &worker, qint64 length);
    void write(QAsyncSqliteWorker &worker, const QByteArray &data);
    void close(QAsyncSqliteWorker &worker);
    void closeWithConnection() override;

    // Worker thread only.
    sqlite3_blob *blob = nullptr;
    QByteArray table;
    bool written = false; // closing it in autocommit mode commits
    std::atomic<qint64> size{0};
    std::atomic<qint64> position{0};
};

class QAsyncSqliteBlobPrivate
{
public:
    // The error of a request on a closed blob.
    static QAsyncSqliteProgrammingError closedBlobError()
    {
        return QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("Cannot operate on a closed blob."));
    }

    // The QAsyncSqliteBlob for \a state, opened on \a worker; made on the
    // worker, it moves to \a owner, the caller's thread.
    static QAsyncSqliteBlob *create(std::shared_ptr<QAsyncSqliteWorker> worker,
                                    std::shared_ptr<QAsyncSqliteBlobState> state, QThread *owner);

    // Queues \a fn on the worker; fails at once on a closed blob or connection.
    template<typename R>
    QFuture<R> submit(std::function<R(QAsyncSqliteWorker &, QAsyncSqliteBlobState &)> fn)
    {
        if (closed.load())
            return QAsyncSqlite::Detail::makeFailedFuture<R>(closedBlobError());
        return QAsyncSqlite::Detail::submit<R>(worker, [state = state, fn = std::move(fn)](QAsyncSqliteWorker &w) -> R {
            // Null once closed, also by the connection's close.
            if (!state->blob)
                throw closedBlobError();
            return fn(w, *state);
        });
    }

    // Keeps the worker object alive; a closed worker rejects every job.
    std::shared_ptr<QAsyncSqliteWorker> worker;
    std::shared_ptr<QAsyncSqliteBlobState> state;
    std::atomic<bool> closed{false};
};

#endif // QASYNCSQLITEBLOB_P_H
