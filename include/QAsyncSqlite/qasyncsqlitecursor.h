// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITECURSOR_H
#define QASYNCSQLITECURSOR_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>
#include <QAsyncSqlite/qasyncsqlitetyped.h>

#include <QtCore/qfuture.h>
#include <QtCore/qobject.h>
#include <QtCore/qscopedpointer.h>

class QAsyncSqliteConnection;
class QAsyncSqliteCursorPrivate;

/*!
    \struct QAsyncSqliteColumn
    \brief One entry of QAsyncSqliteCursor::description(): a result column's
    name and declared type (empty for expressions).
*/
struct QAsyncSqliteColumn
{
    /*! The column's name (its alias, if any). */
    QString name;
    /*! The declared type of the table column, e.g. \c "INTEGER"; empty for
        an expression. */
    QString declaredType;
    friend bool operator==(const QAsyncSqliteColumn &a, const QAsyncSqliteColumn &b)
    {
        return a.name == b.name && a.declaredType == b.declaredType;
    }
};

/*!
    \class QAsyncSqliteCursor
    \brief A statement and its pending rows (aiosqlite's \c Cursor).

    Created by QAsyncSqliteConnection::cursor() as a child of the connection.
    Its requests share the connection's FIFO queue. After execute(), rows are
    read with fetchOne(), fetchMany() and fetchAll(), or streamed with
    stream(): rowsReady() then delivers chunks of iterChunkSize() rows with
    bounded read-ahead (at most a few chunks wait for the consumer, whatever
    the result size), and finished() follows the last one.

    As in Python, a cursor has its own row factory (\c Cursor.row_factory),
    which starts as the connection's when the cursor is created and shapes
    the rows of every fetch queued after it is set, also rows of a statement
    executed before; and, as in aiosqlite, its own iterChunkSize()
    (\c Cursor.iter_chunk_size), which starts as the connection's
    QAsyncSqliteOptions::iterChunkSize.

    Every request on a closed cursor, or on a cursor whose connection is
    closed, fails with QAsyncSqliteProgrammingError.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteCursor : public QObject
{
    Q_OBJECT
    /*! Rows fetchMany() returns by default. */
    Q_PROPERTY(int arraySize READ arraySize WRITE setArraySize)
    /*! The rowid of the last row inserted through this cursor. */
    Q_PROPERTY(qint64 lastRowId READ lastRowId)
    /*! Rows changed by the last DML statement, -1 otherwise. */
    Q_PROPERTY(qint64 rowCount READ rowCount)
    /*! How fetched rows are shaped (Python's \c Cursor.row_factory);
        starts as the connection's. */
    Q_PROPERTY(QAsyncSqlite::RowFactory rowFactory READ rowFactory WRITE setRowFactory NOTIFY rowFactoryChanged)
    /*! Rows per chunk of stream() (aiosqlite's \c Cursor.iter_chunk_size). */
    Q_PROPERTY(int iterChunkSize READ iterChunkSize WRITE setIterChunkSize NOTIFY iterChunkSizeChanged)

public:
    /*! Closes the cursor unless close() was called (queued like a request). */
    ~QAsyncSqliteCursor() override;

    /*! Prepares and runs \a sql with positional \a params, replacing any
        previous statement of this cursor. */
    QFuture<void> execute(const QString &sql, const QVariantList &params = {});
    /*! Prepares and runs \a sql with named \a params. */
    QFuture<void> execute(const QString &sql, const QVariantMap &params);
    /*! Runs a DML statement once per parameter set. */
    QFuture<void> executeMany(const QString &sql, const QList<QVariantList> &paramSets);
    /*! Runs a script (see QAsyncSqliteConnection::executeScript()). As in
        Python, the cursor's own statement, pending rows, description(),
        rowCount() and lastRowId() stay as they were. */
    QFuture<void> executeScript(const QString &script);

    /*! The next row, or an invalid QVariant when there are no more. */
    QFuture<QVariant> fetchOne();
    /*! Up to \a size rows: arraySize() when \a size is negative, every
        remaining row when it is 0 (as Python's \c fetchmany(0)). */
    QFuture<QVariantList> fetchMany(int size = -1);
    /*! All remaining rows. */
    QFuture<QVariantList> fetchAll();
    /*! Up to \a size rows (as fetchMany()) read into \a T, a
        QAsyncSqlite::TypedRow, as QAsyncSqliteConnection::execute<T>()
        reads them: repeated calls stream a large result in typed chunks. */
    template<QAsyncSqlite::TypedRow T>
    QFuture<QList<T>> fetchMany(int size = -1)
    {
        return enqueueTypedFetch(QAsyncSqlite::Detail::typedFetchJob<T>(typedFetch(size)));
    }
    /*! All remaining rows read into \a T (see fetchMany<T>()). */
    template<QAsyncSqlite::TypedRow T>
    QFuture<QList<T>> fetchAll()
    {
        return enqueueTypedFetch(QAsyncSqlite::Detail::typedFetchJob<T>(typedFetch(0)));
    }
    /*! Delivers all remaining rows through rowsReady() in chunks, then emits
        finished(). The future finishes with the last chunk; cancelling it
        stops stepping within one chunk. */
    QFuture<void> stream();
    /*! Finalizes the statement; later requests fail with
        QAsyncSqliteProgrammingError. */
    QFuture<void> close();

    /*! Rows fetchMany() returns by default (1, as in DB-API). */
    int arraySize() const;
    /*! Sets the default row count of fetchMany() to \a size. */
    void setArraySize(int size);
    /*! The built-in row factory of this cursor's fetches; \c Tuple while a
        callable is set (see rowFactoryFunction()). Starts as the
        connection's QAsyncSqliteConnection::rowFactory() at the cursor's
        creation; the connection's later changes do not reach it (Python). */
    QAsyncSqlite::RowFactory rowFactory() const;
    /*! The callable row factory of this cursor, or an empty function. */
    QAsyncSqlite::RowFactoryFunction rowFactoryFunction() const;
    /*! Sets the row factory of this cursor to \a factory, overriding the
        connection's. It shapes the rows of the fetches (and stream())
        queued after the call, including rows of a statement executed
        before, as Python reads \c Cursor.row_factory at each fetch. */
    void setRowFactory(QAsyncSqlite::RowFactory factory);
    /*! Sets a callable row factory, \a factory, for this cursor; it runs on
        the worker thread, as the connection's does. An empty function
        restores \c Tuple. */
    void setRowFactory(const QAsyncSqlite::RowFactoryFunction &factory);
    /*! Rows per rowsReady() chunk of stream() (and per fetch of
        QAsyncSqlite::rows() over this cursor when arraySize() is 1). Starts
        as the connection's QAsyncSqliteOptions::iterChunkSize. */
    int iterChunkSize() const;
    /*! Sets the rows per streamed chunk to \a size (at least 1), for the
        stream() calls made after it. */
    void setIterChunkSize(int size);
    /*! The columns of the last executed statement. */
    QList<QAsyncSqliteColumn> description() const;
    /*! The rowid of the last row inserted through this cursor. */
    qint64 lastRowId() const;
    /*! Rows changed by the last DML statement (summed for executeMany), -1
        otherwise. */
    qint64 rowCount() const;
    /*! The connection this cursor belongs to. */
    QAsyncSqliteConnection *connection() const;

Q_SIGNALS:
    /*! A chunk of rows from stream(). */
    void rowsReady(const QVariantList &rows);
    /*! stream() delivered its last chunk. */
    void finished();
    /*! rowFactory() or rowFactoryFunction() changed. */
    void rowFactoryChanged();
    /*! iterChunkSize() changed. */
    void iterChunkSizeChanged();

private:
    explicit QAsyncSqliteCursor(QAsyncSqliteConnection *connection);
    template<typename T>
    QFuture<QList<T>> enqueueTypedFetch(std::unique_ptr<QAsyncSqlite::Detail::CallableJob<QList<T>>> job)
    {
        QFuture<QList<T>> future = job->future();
        enqueueTypedJob(std::move(job));
        return future;
    }
    // The typed fetch of \a size rows (as fetchMany()) on this cursor's statement.
    QAsyncSqlite::Detail::TypedFetch typedFetch(int size) const;
    // Queues \a job, or fails it at once on a closed cursor.
    void enqueueTypedJob(std::unique_ptr<QAsyncSqlite::Detail::Job> job);
    friend class QAsyncSqliteConnection;
    Q_DECLARE_PRIVATE(QAsyncSqliteCursor)
    QScopedPointer<QAsyncSqliteCursorPrivate> d_ptr;
};

// Two QStrings: moving one in memory (as QList does) is safe.
Q_DECLARE_TYPEINFO(QAsyncSqliteColumn, Q_RELOCATABLE_TYPE);

#ifndef QT_NO_DEBUG_STREAM
QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE
/*! \relates QAsyncSqliteColumn
    Writes \a column to \a debug as its name and declared type, e.g.
    `QAsyncSqliteColumn("id", "INTEGER")`. */
QASYNCSQLITE_EXPORT QDebug operator<<(QDebug debug, const QAsyncSqliteColumn &column);
#endif

Q_DECLARE_METATYPE(QAsyncSqliteColumn)

#endif // QASYNCSQLITECURSOR_H
