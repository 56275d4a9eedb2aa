// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/qasyncsqlitecoro.h>
#include <QAsyncSqlite/qasyncsqliteoptions.h>

#include <QtCore/qpointer.h>

#include <sqlite3.h>

void QAsyncSqlite::Detail::throwNoResult()
{
    throw QAsyncSqliteOperationalError(SQLITE_ABORT, QStringLiteral("the future finished without a result"));
}

namespace {

int chunkSizeFor(const QAsyncSqliteCursor *cursor, int requested)
{
    if (requested > 0)
        return requested;
    if (cursor->arraySize() > 1)
        return cursor->arraySize();
    return cursor->iterChunkSize(); // the connection's unless set on the cursor
}

[[noreturn]] void throwCursorGone()
{
    throw QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("The cursor was destroyed during the iteration."));
}

// Closes and deletes a cursor that rows(connection, …) created, however the
// generator ends (finished, failed, or destroyed by a consumer that stopped).
class OwnedCursor
{
    Q_DISABLE_COPY_MOVE(OwnedCursor)
public:
    explicit OwnedCursor(QAsyncSqliteCursor *cursor) : m_cursor(cursor) { }
    ~OwnedCursor()
    {
        if (m_cursor) {
            m_cursor->close(); // queued; its outcome is of no interest
            m_cursor->deleteLater(); // in the cursor's thread (the connection's)
        }
    }
    QAsyncSqliteCursor *get() const { return m_cursor; }

private:
    QPointer<QAsyncSqliteCursor> m_cursor;
};

} // namespace

QCoro::AsyncGenerator<QVariant> QAsyncSqlite::rows(QAsyncSqliteCursor *cursor, int chunkSize)
{
    const QPointer<QAsyncSqliteCursor> guard(cursor);
    if (!guard)
        throwCursorGone();
    const int size = chunkSizeFor(cursor, chunkSize);
    QFuture<QVariantList> next = cursor->fetchMany(size);
    for (;;) {
        QVariantList chunk = co_await QAsyncSqlite::await(next);
        const bool last = chunk.size() < size;
        if (!last) {
            if (!guard)
                throwCursorGone();
            next = cursor->fetchMany(size); // read-ahead while the consumer works
        }
        for (QVariant &row : chunk)
            co_yield row;
        if (last)
            co_return;
    }
}

namespace {

// Not a template: GCC 12 cannot compile `co_await ++it` in a template coroutine.
QCoro::AsyncGenerator<QVariant> rowsOfStatement(QAsyncSqliteConnection *connection,
                                                std::function<QFuture<void>(QAsyncSqliteCursor *)> execute,
                                                int chunkSize)
{
    if (!connection)
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("rows(): no connection."));
    OwnedCursor cursor(connection->cursor());
    co_await QAsyncSqlite::await(execute(cursor.get()));
    QCoro::AsyncGenerator<QVariant> inner = QAsyncSqlite::rows(cursor.get(), chunkSize);
    for (auto it = co_await inner.begin(); it != inner.end(); co_await ++it)
        co_yield *it;
}

} // namespace

QCoro::AsyncGenerator<QVariant> QAsyncSqlite::rows(QAsyncSqliteConnection *connection, QString sql, QVariantList params,
                                                   int chunkSize)
{
    return rowsOfStatement(
            connection,
            [sql = std::move(sql), params = std::move(params)](QAsyncSqliteCursor *cursor) {
                return cursor->execute(sql, params);
            },
            chunkSize);
}

QCoro::AsyncGenerator<QVariant> QAsyncSqlite::Detail::rowsNamed(QAsyncSqliteConnection *connection, QString sql,
                                                                QVariantMap params, int chunkSize)
{
    return rowsOfStatement(
            connection,
            [sql = std::move(sql), params = std::move(params)](QAsyncSqliteCursor *cursor) {
                return cursor->execute(sql, params);
            },
            chunkSize);
}
