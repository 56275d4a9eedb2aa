// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITECURSOR_P_H
#define QASYNCSQLITECURSOR_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include "engine/jobs_p.h"
#include "engine/statements_p.h"
#include "engine/worker_p.h"

#include <QAsyncSqlite/qasyncsqlitecursor.h>

#include "typed/typedrows_p.h"

#include <QtCore/qmutex.h>

#include <atomic>
#include <memory>
#include <optional>

// A cursor's row factory: a built-in one, or a callable when set.
struct QAsyncSqliteCursorRowFactory
{
    QAsyncSqlite::RowFactory factory = QAsyncSqlite::RowFactory::Tuple;
    QAsyncSqlite::RowFactoryFunction function;
};

// Worker-side state of a QAsyncSqliteCursor, and the requests that run on it
// (worker thread).
struct QAsyncSqliteCursorState final : QAsyncSqlite::Detail::OpenResource,
                                       std::enable_shared_from_this<QAsyncSqliteCursorState>
{
    void execute(QAsyncSqliteWorker &worker, const QString &sql, const QAsyncSqlite::Detail::Params &params);
    void executeMany(QAsyncSqliteWorker &worker, const QString &sql, const QList<QVariantList> &paramSets);
    // Rows shaped by \a rowFactory, the cursor's when the fetch was queued.
    QVariantList fetch(QAsyncSqliteWorker &worker, qint64 maxRows, const QAsyncSqliteCursorRowFactory &rowFactory);
    // Up to \a maxRows rows (all when negative) read into a QList of \a layout's type.
    void fetchTyped(QAsyncSqliteWorker &worker, qint64 maxRows, const QAsyncSqlite::Detail::RowLayout &layout,
                    void *rows);
    // The one stepping loop of fetches: hands each row to \a onRow(stmt).
    void fetchRows(QAsyncSqliteWorker &worker, qint64 maxRows, const std::function<void(sqlite3_stmt *)> &onRow);
    // The snapshot for the caller's getters (lastRowId kept when not given).
    void setResult(const QList<QAsyncSqliteColumn> &description, qint64 rowCount,
                   std::optional<qint64> lastRowId = std::nullopt);
    void close(QAsyncSqliteWorker &worker);
    // Finalizes the statement (ending a stream) but keeps the cursor usable.
    void reset();
    // Fails a running stream with \a error.
    void endStream(const QAsyncSqliteError &error);
    // Delivers the stream's next chunks, until the end or back-pressure.
    void pumpStream(QAsyncSqliteWorker &worker);
    void closeWithConnection() override;

    // Touched by the worker thread only.
    sqlite3_stmt *stmt = nullptr;
    QString sql;
    bool dml = false; // rowCount counts its changes (isDml())
    bool hasRow = false;
    bool closed = false;
    QAsyncSqlite::Detail::ResultShape shape;
    std::unique_ptr<QAsyncSqlite::Detail::TypedReader> typedReader; // of the statement's last typed fetch
    QFutureInterface<void> stream; // valid while stream() runs
    bool streaming = false;
    // What the running stream was started with (its chunks span several jobs).
    QAsyncSqliteCursorRowFactory streamRowFactory;
    int streamChunkSize = 64;

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

class QAsyncSqliteCursorPrivate
{
public:
    using CursorFunction = std::function<void(QAsyncSqliteWorker &, const std::shared_ptr<QAsyncSqliteCursorState> &)>;

    // The error of a request on a closed cursor.
    static QAsyncSqliteProgrammingError closedCursorError();

    // Queues \a fn for this cursor's state; fails at once on a closed cursor.
    template<typename R>
    QFuture<R> submit(std::function<R(QAsyncSqliteWorker &, const std::shared_ptr<QAsyncSqliteCursorState> &)> fn)
    {
        if (closed)
            return QAsyncSqlite::Detail::makeFailedFuture<R>(closedCursorError());
        return QAsyncSqlite::Detail::submit<R>(worker, [state = state, fn = std::move(fn)](QAsyncSqliteWorker &w) -> R {
            if (state->closed)
                throw closedCursorError();
            return fn(w, state);
        });
    }
    // An execute() or executeMany(): as Python's, it first clears
    // description() and sets rowCount() to -1, which is what remains when it
    // fails; on a closed cursor only rowCount() changes, and that reset
    // still takes its place in the queue, behind the requests before it.
    QFuture<void> submitExecute(CursorFunction fn);
    // The row factory a fetch queued now uses.
    QAsyncSqliteCursorRowFactory currentRowFactory() const
    {
        QMutexLocker locker(&rowFactoryMutex);
        return rowFactory;
    }

    QAsyncSqliteConnection *connection = nullptr;
    std::shared_ptr<QAsyncSqliteWorker> worker; // null when the connection was not open
    std::shared_ptr<QAsyncSqliteCursorState> state = std::make_shared<QAsyncSqliteCursorState>();
    std::atomic<int> arraySize{1};
    std::atomic<int> iterChunkSize{64};
    mutable QMutex rowFactoryMutex; // guards rowFactory, set from any thread
    QAsyncSqliteCursorRowFactory rowFactory;
    std::atomic<bool> closed{false};
};

#endif // QASYNCSQLITECURSOR_P_H
