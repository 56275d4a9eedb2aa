// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqlitecursor_p.h"
#include "qasyncsqliteconnection_p.h"
#include "engine/worker_p.h"

#include <QtCore/qdebug.h>

#include <algorithm>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

using CursorStatePtr = std::shared_ptr<QAsyncSqliteCursorState>;

namespace {
// Chunks a stream may have in flight to a slow consumer before the worker
// stops stepping; bounds memory whatever the result size.
constexpr int MaxChunksInFlight = 4;

// Queues the rest of \a state's stream; never awaited, so the worker may queue it too.
void queuePump(QAsyncSqliteWorker &worker, const CursorStatePtr &state)
{
    worker.enqueue(std::make_unique<CallableJob<void>>([state](QAsyncSqliteWorker &w) {
                       state->pumpStream(w);
                   }),
                   false);
}
} // namespace

// ---------------------------------------------------------------------------
// Caller side

QAsyncSqliteCursor::QAsyncSqliteCursor(QAsyncSqliteConnection *connection) : d_ptr(new QAsyncSqliteCursorPrivate)
{
    Q_D(QAsyncSqliteCursor);
    d->connection = connection;
    d->worker = connection->d_func()->currentWorker();
    d->state->cursor = this;
    // Python copies the connection's row factory into a new cursor, and
    // aiosqlite its iter_chunk_size; later changes of either side stay apart.
    const QAsyncSqliteConnectionPrivate *c = connection->d_func();
    QMutexLocker locker(&c->mutex);
    d->rowFactory = {c->settings.rowFactory, c->settings.rowFactoryFunction};
    d->iterChunkSize.store(qMax(1, c->options.iterChunkSize));
}

QAsyncSqliteCursor::~QAsyncSqliteCursor()
{
    Q_D(QAsyncSqliteCursor);
    if (!d->closed)
        close();
    d->state->cursor = nullptr;
}

QAsyncSqliteProgrammingError QAsyncSqliteCursorPrivate::closedCursorError()
{
    return QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("Cannot operate on a closed cursor."));
}

QFuture<void> QAsyncSqliteCursorPrivate::submitExecute(CursorFunction fn)
{
    if (closed) {
        // Python fails it before clearing the description, but after setting
        // rowcount to -1: that happens in its place in the queue, and the
        // future fails once it did.
        const auto reset = [s = state] {
            QMutexLocker locker(&s->mutex);
            s->rowCount = -1;
        };
        if (!worker || !worker->isAccepting()) { // the connection is closed: nothing runs before it
            reset();
            return makeFailedFuture<void>(closedCursorError());
        }
        return QAsyncSqlite::Detail::submit<void>(worker, [reset](QAsyncSqliteWorker &) {
            reset();
            throw closedCursorError();
        });
    }
    return QAsyncSqlite::Detail::submit<void>(worker, [s = state, fn = std::move(fn)](QAsyncSqliteWorker &w) {
        s->setResult({}, -1);
        if (s->closed)
            throw closedCursorError();
        fn(w, s);
    });
}

QFuture<void> QAsyncSqliteCursor::execute(const QString &sql, const QVariantList &params)
{
    Q_D(QAsyncSqliteCursor);
    return d->submitExecute([sql, params](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        state->execute(w, sql, params);
    });
}

QFuture<void> QAsyncSqliteCursor::execute(const QString &sql, const QVariantMap &params)
{
    Q_D(QAsyncSqliteCursor);
    return d->submitExecute([sql, params](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        state->execute(w, sql, params);
    });
}

QFuture<void> QAsyncSqliteCursor::executeMany(const QString &sql, const QList<QVariantList> &paramSets)
{
    Q_D(QAsyncSqliteCursor);
    return d->submitExecute([sql, paramSets](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        state->executeMany(w, sql, paramSets);
    });
}

QFuture<void> QAsyncSqliteCursor::executeScript(const QString &script)
{
    Q_D(QAsyncSqliteCursor);
    // As Python's Cursor.executescript(): the connection's, leaving this
    // cursor's statement, rows and attributes as they are.
    return d->submit<void>([script](QAsyncSqliteWorker &w, const CursorStatePtr &) {
        w.executeScript(script);
    });
}

QFuture<QVariant> QAsyncSqliteCursor::fetchOne()
{
    Q_D(QAsyncSqliteCursor);
    return d->submit<QVariant>([factory = d->currentRowFactory()](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        const QVariantList rows = state->fetch(w, 1, factory);
        return rows.isEmpty() ? QVariant() : rows.first();
    });
}

QFuture<QVariantList> QAsyncSqliteCursor::fetchMany(int size)
{
    Q_D(QAsyncSqliteCursor);
    // 0 fetches every remaining row, as Python's fetchmany(0) does.
    const int count = size < 0 ? d->arraySize.load() : size == 0 ? -1 : size;
    return d->submit<QVariantList>(
            [count, factory = d->currentRowFactory()](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
                return state->fetch(w, count, factory);
            });
}

QFuture<QVariantList> QAsyncSqliteCursor::fetchAll()
{
    Q_D(QAsyncSqliteCursor);
    return d->submit<QVariantList>(
            [factory = d->currentRowFactory()](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
                return state->fetch(w, -1, factory);
            });
}

TypedFetch QAsyncSqliteCursor::typedFetch(int size) const
{
    Q_D(const QAsyncSqliteCursor);
    // fetchMany()'s count: 0 fetches every remaining row.
    const qint64 count = size < 0 ? d->arraySize.load() : size == 0 ? -1 : size;
    return [state = d->state, count](QAsyncSqliteWorker &w, const RowLayout &layout, void *rows) {
        if (state->closed)
            throw QAsyncSqliteCursorPrivate::closedCursorError();
        state->fetchTyped(w, count, layout, rows);
    };
}

void QAsyncSqliteCursor::enqueueTypedJob(std::unique_ptr<Job> job)
{
    Q_D(QAsyncSqliteCursor);
    if (d->closed)
        return job->fail(QAsyncSqliteCursorPrivate::closedCursorError());
    enqueue(d->worker, std::move(job));
}

QFuture<void> QAsyncSqliteCursor::stream()
{
    Q_D(QAsyncSqliteCursor);
    if (d->closed)
        return makeFailedFuture<void>(QAsyncSqliteCursorPrivate::closedCursorError());
    // The job's future is the stream's: the pump finishes it after the last chunk.
    using StreamJob = CallableJob<void>;
    auto job = std::make_unique<StreamJob>(StreamJob::Reporter(
            [state = d->state, factory = d->currentRowFactory(),
             chunkSize = d->iterChunkSize.load()](QAsyncSqliteWorker &w, QFutureInterface<void> &stream, Job &self) {
                if (state->closed)
                    throw QAsyncSqliteCursorPrivate::closedCursorError();
                if (state->streaming)
                    throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                                       QStringLiteral("The cursor is already streaming."));
                state->stream = stream;
                state->streaming = true;
                state->streamRowFactory = factory;
                state->streamChunkSize = chunkSize;
                self.handOff(); // the pump finishes the future from here on
                state->pumpStream(w);
            }));
    return submit(d->worker, std::move(job));
}

QFuture<void> QAsyncSqliteCursor::close()
{
    Q_D(QAsyncSqliteCursor);
    if (d->closed.exchange(true))
        return readyVoidFuture();
    return submit<void>(d->worker, [state = d->state](QAsyncSqliteWorker &w) {
        state->close(w);
    });
}

int QAsyncSqliteCursor::arraySize() const
{
    Q_D(const QAsyncSqliteCursor);
    return d->arraySize.load();
}

void QAsyncSqliteCursor::setArraySize(int size)
{
    Q_D(QAsyncSqliteCursor);
    d->arraySize.store(qMax(1, size));
}

RowFactory QAsyncSqliteCursor::rowFactory() const
{
    Q_D(const QAsyncSqliteCursor);
    return d->currentRowFactory().factory;
}

RowFactoryFunction QAsyncSqliteCursor::rowFactoryFunction() const
{
    Q_D(const QAsyncSqliteCursor);
    return d->currentRowFactory().function;
}

void QAsyncSqliteCursor::setRowFactory(RowFactory factory)
{
    Q_D(QAsyncSqliteCursor);
    {
        QMutexLocker locker(&d->rowFactoryMutex);
        if (d->rowFactory.factory == factory && !d->rowFactory.function)
            return;
        d->rowFactory = {factory, {}};
    }
    Q_EMIT rowFactoryChanged();
}

void QAsyncSqliteCursor::setRowFactory(const RowFactoryFunction &factory)
{
    Q_D(QAsyncSqliteCursor);
    {
        QMutexLocker locker(&d->rowFactoryMutex);
        d->rowFactory = {RowFactory::Tuple, factory};
    }
    Q_EMIT rowFactoryChanged();
}

int QAsyncSqliteCursor::iterChunkSize() const
{
    Q_D(const QAsyncSqliteCursor);
    return d->iterChunkSize.load();
}

void QAsyncSqliteCursor::setIterChunkSize(int size)
{
    Q_D(QAsyncSqliteCursor);
    if (d->iterChunkSize.exchange(qMax(1, size)) != qMax(1, size))
        Q_EMIT iterChunkSizeChanged();
}

QList<QAsyncSqliteColumn> QAsyncSqliteCursor::description() const
{
    Q_D(const QAsyncSqliteCursor);
    QMutexLocker locker(&d->state->mutex);
    return d->state->description;
}

qint64 QAsyncSqliteCursor::lastRowId() const
{
    Q_D(const QAsyncSqliteCursor);
    QMutexLocker locker(&d->state->mutex);
    return d->state->lastRowId;
}

qint64 QAsyncSqliteCursor::rowCount() const
{
    Q_D(const QAsyncSqliteCursor);
    QMutexLocker locker(&d->state->mutex);
    return d->state->rowCount;
}

QAsyncSqliteConnection *QAsyncSqliteCursor::connection() const
{
    Q_D(const QAsyncSqliteCursor);
    return d->connection;
}

// ---------------------------------------------------------------------------
// Worker side

void QAsyncSqliteCursorState::setResult(const QList<QAsyncSqliteColumn> &newDescription, qint64 newRowCount,
                                        std::optional<qint64> newLastRowId)
{
    QMutexLocker locker(&mutex);
    description = newDescription;
    rowCount = newRowCount;
    if (newLastRowId)
        lastRowId = *newLastRowId;
}

void QAsyncSqliteCursorState::execute(QAsyncSqliteWorker &worker, const QString &newSql, const Params &params)
{
    reset();
    worker.adopt(OpenResource::Cursor, shared_from_this());
    shape = {};
    sql = newSql;
    PreparedStatement prepared = worker.prepare(sql, false);
    if (!prepared.stmt)
        return;
    dml = isDml(sqlite3_sql(prepared.stmt));
    worker.beginImplicitTransaction(prepared.stmt); // after prepare, as Python does (see execute())
    worker.bindAll(prepared.stmt, params, sql);
    shape.prepare(prepared.stmt, worker.settings(), worker.options().detectTypes, true);
    const int rc = sqlite3_step(prepared.stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        worker.throwError(rc, sql);
    hasRow = rc == SQLITE_ROW;
    if (!hasRow)
        sqlite3_reset(prepared.stmt); // releases its read lock now
    stmt = prepared.release();
    // Python's rowcount counts a DML statement's changes once it is done
    // (INSERT … RETURNING: after its last row is fetched).
    sqlite3 *db = worker.db();
    setResult(shape.description(), dml ? (hasRow ? 0 : sqlite3_changes64(db)) : -1, sqlite3_last_insert_rowid(db));
}

void QAsyncSqliteCursorState::executeMany(QAsyncSqliteWorker &worker, const QString &newSql,
                                          const QList<QVariantList> &paramSets)
{
    reset();
    shape = {};
    sql = newSql;
    ResultShape manyShape;
    try {
        const qint64 count = worker.executeMany(sql, paramSets, &manyShape);
        setResult(manyShape.description(), count);
    } catch (...) {
        // As Python: described once a parameter set ran, even if a later one fails.
        setResult(manyShape.description(), -1);
        throw;
    }
}

QVariantList QAsyncSqliteCursorState::fetch(QAsyncSqliteWorker &worker, qint64 maxRows,
                                            const QAsyncSqliteCursorRowFactory &rowFactory)
{
    shape.setTextFactory(worker.settings().textFactory);
    shape.setRowFactory(rowFactory.factory, rowFactory.function);
    QVariantList rows;
    fetchRows(worker, maxRows, [&](sqlite3_stmt *stmt) {
        rows.append(shape.readRow(stmt));
    });
    return rows;
}

void QAsyncSqliteCursorState::fetchTyped(QAsyncSqliteWorker &worker, qint64 maxRows, const RowLayout &layout,
                                         void *rows)
{
    // The column mapping is made once per statement and layout, not per fetch.
    if (!typedReader || typedReader->layout() != &layout)
        typedReader = std::make_unique<TypedReader>(layout, sql, worker.settings().textFactory);
    fetchRows(worker, maxRows, [&](sqlite3_stmt *stmt) {
        if (!typedReader->isPrepared())
            typedReader->prepare(stmt);
        typedReader->read(stmt, rows);
    });
}

void QAsyncSqliteCursorState::fetchRows(QAsyncSqliteWorker &worker, qint64 maxRows,
                                        const std::function<void(sqlite3_stmt *)> &onRow)
{
    for (qint64 count = 0; hasRow && (maxRows < 0 || count < maxRows); ++count) {
        onRow(stmt);
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            continue;
        hasRow = false;
        if (rc != SQLITE_DONE)
            worker.throwError(rc, sql);
        sqlite3_reset(stmt);
        if (dml) {
            QMutexLocker locker(&mutex);
            rowCount = sqlite3_changes64(worker.db());
        }
    }
}

void QAsyncSqliteCursorState::close(QAsyncSqliteWorker &worker)
{
    reset();
    closed = true;
    worker.forget(OpenResource::Cursor, this);
}

void QAsyncSqliteCursorState::reset()
{
    endStream(QAsyncSqliteProgrammingError(
            SQLITE_MISUSE, QStringLiteral("The cursor was closed or executed again before the stream finished.")));
    sqlite3_finalize(std::exchange(stmt, nullptr));
    typedReader.reset();
    hasRow = false;
}

void QAsyncSqliteCursorState::closeWithConnection()
{
    endStream(QAsyncSqliteOperationalError(SQLITE_ABORT,
                                           QStringLiteral("The connection was closed before the stream finished.")));
    reset();
    closed = true;
}

void QAsyncSqliteCursorState::endStream(const QAsyncSqliteError &error)
{
    if (!streaming)
        return;
    stream.reportException(error);
    finishFuture(stream);
    streaming = false;
}

void QAsyncSqliteCursorState::pumpStream(QAsyncSqliteWorker &worker)
{
    if (!streaming)
        return;
    const CursorStatePtr self = shared_from_this();
    QAsyncSqliteWorker::CancelSource cancel(worker, &stream);
    // The stream's future is not the job's: publish the snapshots before it
    // finishes, as process() does for every other request, so that whoever
    // waits on it sees totalChanges() and inTransaction() after it.
    const auto end = [&] {
        streaming = false;
        worker.publishState(false);
        finishFuture(stream);
    };
    bool chunkSent = false; // in this turn: at least one per turn, so that the stream progresses
    try {
        for (;;) {
            if (stream.isCanceled()) {
                end();
                return;
            }
            if (!hasRow) {
                worker.post([self](QAsyncSqliteConnection *) {
                    if (QAsyncSqliteCursor *object = self->cursor)
                        Q_EMIT object->finished();
                });
                end();
                return;
            }
            if (chunksInFlight.load() >= MaxChunksInFlight) {
                // Park; the consumer resumes us when it has caught up. Whoever
                // clears the flag first resumes, so exactly one side does.
                parked.store(true);
                if (chunksInFlight.load() < MaxChunksInFlight && parked.exchange(false))
                    continue;
                return;
            }
            if (chunkSent && worker.hasWaitingWork()) {
                // Requests queued meanwhile run between chunks, as between
                // aiosqlite's per-chunk fetches (doc/cursors.md).
                queuePump(worker, self);
                return;
            }
            chunkSent = true;
            QVariantList rows = fetch(worker, streamChunkSize, streamRowFactory);
            chunksInFlight.fetch_add(1);
            std::weak_ptr<QAsyncSqliteWorker> weakWorker = worker.weak_from_this();
            worker.post([self, rows = std::move(rows), weakWorker](QAsyncSqliteConnection *connection) {
                if (QAsyncSqliteCursor *object = self->cursor)
                    Q_EMIT object->rowsReady(rows);
                // A slot may have deleted the cursor: read the pointer again
                // rather than pass a dangling pointer on
                // (tst_cursor::cursorDeletedMidStream).
                Q_EMIT connection->rowsReady(self->cursor, rows);
                if (self->chunksInFlight.fetch_sub(1) - 1 < MaxChunksInFlight && self->parked.exchange(false)) {
                    if (auto resumed = weakWorker.lock())
                        queuePump(*resumed, self);
                }
            });
        }
    } catch (...) {
        // An SQLite error, or anything a row factory throws
        // (tst_cursor::streamRowFactoryThrows): the stream ends with it.
        stream.reportException(std::current_exception());
        end();
    }
}

#ifndef QT_NO_DEBUG_STREAM
QDebug operator<<(QDebug debug, const QAsyncSqliteColumn &column)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "QAsyncSqliteColumn(" << column.name << ", " << column.declaredType << ')';
    return debug;
}
#endif
