// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqlitecursor_p.h"
#include "qasyncsqliteconnection_p.h"

#include <QtCore/qdebug.h>

#include <algorithm>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

using CursorStatePtr = std::shared_ptr<QAsyncSqliteCursorState>;

namespace {
// Chunks a stream may have in flight to a slow consumer before the worker
// stops stepping; bounds memory whatever the result size.
constexpr int MaxChunksInFlight = 4;
} // namespace

// ---------------------------------------------------------------------------
// Caller side

QAsyncSqliteCursor::QAsyncSqliteCursor(QAsyncSqliteConnection *connection) : d_ptr(new QAsyncSqliteCursorPrivate)
{
    Q_D(QAsyncSqliteCursor);
    d->connection = connection;
    d->worker = connection->d_func()->currentWorker();
    d->state->cursor = this;
}

QAsyncSqliteCursor::~QAsyncSqliteCursor()
{
    Q_D(QAsyncSqliteCursor);
    if (!d->closed)
        close();
    d->state->cursor = nullptr;
}

void QAsyncSqliteCursorPrivate::enqueue(std::unique_ptr<Job> job)
{
    if (worker) {
        worker->enqueue(std::move(job));
        return;
    }
    job->fail(QAsyncSqliteWorker::rejection());
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
            return makeFailedFuture<void>(QAsyncSqliteWorker::closedCursor());
        }
        auto job = std::make_unique<CallableJob<void>>([reset](QAsyncSqliteWorker &) {
            reset();
            throw QAsyncSqliteWorker::closedCursor();
        });
        QFuture<void> future = job->future();
        enqueue(std::move(job));
        return future;
    }
    auto job = std::make_unique<CallableJob<void>>([s = state, fn = std::move(fn)](QAsyncSqliteWorker &w) {
        w.setCursorResult(*s, {}, -1);
        if (s->closed)
            throw QAsyncSqliteWorker::closedCursor();
        fn(w, s);
    });
    QFuture<void> future = job->future();
    enqueue(std::move(job));
    return future;
}

QFuture<void> QAsyncSqliteCursor::execute(const QString &sql, const QVariantList &params)
{
    Q_D(QAsyncSqliteCursor);
    return d->submitExecute([sql, params](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        w.cursorExecute(state, sql, params);
    });
}

QFuture<void> QAsyncSqliteCursor::execute(const QString &sql, const QVariantMap &params)
{
    Q_D(QAsyncSqliteCursor);
    return d->submitExecute([sql, params](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        w.cursorExecute(state, sql, params);
    });
}

QFuture<void> QAsyncSqliteCursor::executeMany(const QString &sql, const QList<QVariantList> &paramSets)
{
    Q_D(QAsyncSqliteCursor);
    return d->submitExecute([sql, paramSets](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        w.cursorExecuteMany(state, sql, paramSets);
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
    return d->submit<QVariant>([](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        const QVariantList rows = w.cursorFetch(*state, 1);
        return rows.isEmpty() ? QVariant() : rows.first();
    });
}

QFuture<QVariantList> QAsyncSqliteCursor::fetchMany(int size)
{
    Q_D(QAsyncSqliteCursor);
    // 0 fetches every remaining row, as Python's fetchmany(0) does.
    const int count = size < 0 ? d->arraySize.load() : size == 0 ? -1 : size;
    return d->submit<QVariantList>([count](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        return w.cursorFetch(*state, count);
    });
}

QFuture<QVariantList> QAsyncSqliteCursor::fetchAll()
{
    Q_D(QAsyncSqliteCursor);
    return d->submit<QVariantList>([](QAsyncSqliteWorker &w, const CursorStatePtr &state) {
        return w.cursorFetch(*state, -1);
    });
}

QFuture<void> QAsyncSqliteCursor::stream()
{
    Q_D(QAsyncSqliteCursor);
    if (d->closed) {
        return makeFailedFuture<void>(QAsyncSqliteWorker::closedCursor());
    }
    // The job's future is the stream's: the pump finishes it after the last chunk.
    auto job = std::make_unique<InterfaceJob<void>>([state = d->state](QAsyncSqliteWorker &w,
                                                                       QFutureInterface<void> &stream, Job &self) {
        if (state->closed)
            throw QAsyncSqliteWorker::closedCursor();
        if (state->streaming)
            throw QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("The cursor is already streaming."));
        state->stream = stream;
        state->streaming = true;
        self.handOff(); // the pump finishes the future from here on
        w.streamPump(state);
    });
    QFuture<void> future = job->future();
    d->enqueue(std::move(job));
    return future;
}

QFuture<void> QAsyncSqliteCursor::close()
{
    Q_D(QAsyncSqliteCursor);
    if (d->closed.exchange(true))
        return readyVoidFuture();
    auto job = std::make_unique<CallableJob<void>>([state = d->state](QAsyncSqliteWorker &w) {
        w.cursorClose(*state);
    });
    QFuture<void> future = job->future();
    d->enqueue(std::move(job));
    return future;
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

void QAsyncSqliteWorker::setCursorResult(QAsyncSqliteCursorState &c, const QList<QAsyncSqliteColumn> &description,
                                         qint64 rowCount, std::optional<qint64> lastRowId)
{
    QMutexLocker locker(&c.mutex);
    c.description = description;
    c.rowCount = rowCount;
    if (lastRowId)
        c.lastRowId = *lastRowId;
}

void QAsyncSqliteWorker::cursorExecute(const CursorStatePtr &cursor, const QString &sql, const Params &params)
{
    QAsyncSqliteCursorState &c = *cursor;
    cursorReset(c);
    if (std::find(m_cursors.begin(), m_cursors.end(), cursor) == m_cursors.end())
        m_cursors.push_back(cursor);
    c.shape = {};
    c.sql = sql;
    PreparedStatement prepared = prepare(sql, false);
    if (!prepared.stmt)
        return;
    c.dml = isDml(sqlite3_sql(prepared.stmt));
    beginImplicitTransaction(prepared.stmt); // after prepare, as Python does (see execute())
    bindAll(prepared.stmt, params, sql);
    c.shape.prepare(prepared.stmt, m_settings, m_options.detectTypes, true);
    const int rc = sqlite3_step(prepared.stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        throwError(rc, sql);
    c.hasRow = rc == SQLITE_ROW;
    if (!c.hasRow)
        sqlite3_reset(prepared.stmt); // releases its read lock now
    c.stmt = prepared.release();
    // Python's rowcount counts a DML statement's changes once it is done
    // (INSERT … RETURNING: after its last row is fetched).
    setCursorResult(c, c.shape.description(), c.dml ? (c.hasRow ? 0 : sqlite3_changes64(m_db)) : -1,
                    sqlite3_last_insert_rowid(m_db));
}

void QAsyncSqliteWorker::cursorExecuteMany(const CursorStatePtr &cursor, const QString &sql,
                                           const QList<QVariantList> &paramSets)
{
    QAsyncSqliteCursorState &c = *cursor;
    cursorReset(c);
    c.shape = {};
    c.sql = sql;
    ResultShape shape;
    try {
        const qint64 rowCount = executeMany(sql, paramSets, &shape);
        setCursorResult(c, shape.description(), rowCount);
    } catch (...) {
        // As Python: described once a parameter set ran, even if a later one fails.
        setCursorResult(c, shape.description(), -1);
        throw;
    }
}

QVariantList QAsyncSqliteWorker::cursorFetch(QAsyncSqliteCursorState &c, qint64 maxRows)
{
    c.shape.setTextFactory(m_settings.textFactory);
    QVariantList rows;
    while (c.hasRow && (maxRows < 0 || rows.size() < maxRows)) {
        rows.append(c.shape.readRow(c.stmt));
        const int rc = sqlite3_step(c.stmt);
        if (rc == SQLITE_ROW)
            continue;
        c.hasRow = false;
        if (rc != SQLITE_DONE)
            throwError(rc, c.sql);
        sqlite3_reset(c.stmt);
        if (c.dml) {
            QMutexLocker locker(&c.mutex);
            c.rowCount = sqlite3_changes64(m_db);
        }
    }
    return rows;
}

void QAsyncSqliteWorker::cursorClose(QAsyncSqliteCursorState &c)
{
    cursorReset(c);
    c.closed = true;
    for (auto it = m_cursors.begin(); it != m_cursors.end(); ++it) {
        if (it->get() == &c) {
            m_cursors.erase(it);
            break;
        }
    }
}

void QAsyncSqliteWorker::cursorReset(QAsyncSqliteCursorState &c)
{
    if (c.streaming) {
        c.stream.reportException(QAsyncSqliteProgrammingError(
                SQLITE_MISUSE, QStringLiteral("The cursor was closed before the stream finished.")));
        finishFuture(c.stream);
        c.streaming = false;
    }
    sqlite3_finalize(std::exchange(c.stmt, nullptr));
    c.hasRow = false;
}

void QAsyncSqliteWorker::streamPump(const CursorStatePtr &cursor)
{
    QAsyncSqliteCursorState &c = *cursor;
    if (!c.streaming)
        return;
    CancelSource cancel(*this, &c.stream);
    const int chunkSize = qMax(1, m_options.iterChunkSize);
    // The stream's future is not the job's: publish the snapshots before it
    // finishes, as process() does for every other request, so that whoever
    // waits on it sees totalChanges() and inTransaction() after it.
    const auto end = [&] {
        c.streaming = false;
        publishState(false);
        finishFuture(c.stream);
    };
    try {
        for (;;) {
            if (c.stream.isCanceled()) {
                end();
                return;
            }
            if (!c.hasRow) {
                post([cursor](QAsyncSqliteConnection *) {
                    if (QAsyncSqliteCursor *object = cursor->cursor)
                        Q_EMIT object->finished();
                });
                end();
                return;
            }
            if (c.chunksInFlight.load() >= MaxChunksInFlight) {
                // Park; the consumer resumes us when it has caught up. Whoever
                // clears the flag first resumes, so exactly one side does.
                c.parked.store(true);
                if (c.chunksInFlight.load() < MaxChunksInFlight && c.parked.exchange(false))
                    continue;
                return;
            }
            QVariantList rows = cursorFetch(c, chunkSize);
            c.chunksInFlight.fetch_add(1);
            std::weak_ptr<QAsyncSqliteWorker> self = weak_from_this();
            post([cursor, rows = std::move(rows), self](QAsyncSqliteConnection *connection) {
                QAsyncSqliteCursor *object = cursor->cursor;
                if (object)
                    Q_EMIT object->rowsReady(rows);
                // A slot may have deleted the cursor: read the pointer again
                // rather than pass a dangling pointer on
                // (tst_cursor::cursorDeletedMidStream).
                Q_EMIT connection->rowsReady(cursor->cursor, rows);
                if (cursor->chunksInFlight.fetch_sub(1) - 1 < MaxChunksInFlight && cursor->parked.exchange(false)) {
                    if (auto worker = self.lock()) {
                        worker->enqueue(std::make_unique<CallableJob<void>>([cursor](QAsyncSqliteWorker &w) {
                            w.streamPump(cursor);
                        }));
                    }
                }
            });
        }
    } catch (...) {
        // An SQLite error, or anything a row factory throws
        // (tst_cursor::streamRowFactoryThrows): the stream ends with it.
        c.stream.reportException(std::current_exception());
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
