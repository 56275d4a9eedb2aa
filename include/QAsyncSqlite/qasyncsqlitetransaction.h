// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITETRANSACTION_H
#define QASYNCSQLITETRANSACTION_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>
#include <QAsyncSqlite/qasyncsqlitetyped.h>

#include <QtCore/qlist.h>
#include <QtCore/qvariant.h>

class QAsyncSqliteTransactionPrivate;
class QAsyncSqliteWorker;

/*!
    \class QAsyncSqliteTransaction
    \brief The synchronous view of a connection that
    QAsyncSqliteConnection::transaction() hands to its callable.

    It lives on the worker thread for the duration of the callable only. Its
    methods run at once (they are already on the worker) and throw
    QAsyncSqliteError subclasses on failure. Returning from the callable
    commits (or releases the savepoint when nested); throwing rolls back.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteTransaction
{
    Q_DISABLE_COPY_MOVE(QAsyncSqliteTransaction)
public:
    /*! Rolls back unless commit() was called. */
    ~QAsyncSqliteTransaction();

    /*! Runs one statement with positional parameters and returns its rows,
        shaped by the connection's row factory. */
    QVariantList execute(const QString &sql, const QVariantList &params = {});
    /*! Runs one statement with \c :name parameters. */
    QVariantList execute(const QString &sql, const QVariantMap &params);
    /*! Runs an INSERT and returns the last insert rowid. */
    qint64 executeInsert(const QString &sql, const QVariantList &params = {});
    /*! Runs an INSERT with \c :name parameters and returns the last insert rowid. */
    qint64 executeInsert(const QString &sql, const QVariantMap &params);
    /*! Runs a DML statement once per parameter set; returns the rows changed. */
    qint64 executeMany(const QString &sql, const QList<QVariantList> &paramSets);
    /*! Runs one statement and returns its rows read into \a T, a
        QAsyncSqlite::TypedRow (doc/typed-rows.md). */
    template<QAsyncSqlite::TypedRow T>
    QList<T> execute(const QString &sql, const QVariantList &params = {})
    {
        QList<T> rows;
        QAsyncSqlite::Detail::executeTyped(worker(), sql, QAsyncSqlite::Detail::Params(params),
                                           QAsyncSqlite::Detail::rowLayout<T>(), &rows);
        return rows;
    }
    /*! Runs a DML statement once per element of \a paramSets, each a
        QAsyncSqlite::TypedRow bound as in doc/typed-rows.md; returns the
        rows changed. */
    template<QAsyncSqlite::TypedRow P>
    qint64 executeMany(const QString &sql, const QList<P> &paramSets)
    {
        return QAsyncSqlite::Detail::executeManyTyped(worker(), sql, QAsyncSqlite::Detail::rowLayout<P>(),
                                                      paramSets.constData(), paramSets.size(), qsizetype(sizeof(P)));
    }
    /*! The raw handle, for SQLite calls QAsyncSqlite does not wrap. */
    sqlite3 *handle() const;

    /*! Sets the progress range of the future that transaction() returned to
        \a minimum … \a maximum and its value to \a minimum, as
        QPromise::setProgressRange() does: a QFutureWatcher emits
        progressRangeChanged() and can drive a QProgressBar. */
    void setProgressRange(int minimum, int maximum);
    /*! Sets the progress value of the future that transaction() returned, as
        QPromise::setProgressValue() does: ignored unless \a value is within
        the range and above the last value, or once the future is canceled.
        Watchers get at most about 25 values a second, always the maximum. */
    void setProgressValue(int value);

    /*! Commits (or releases the savepoint). Called by transaction() when the
        callable returns. */
    void commit();

private:
    // Made by QAsyncSqliteConnection::transaction() only, around an open
    // transaction or savepoint that \a d owns.
    explicit QAsyncSqliteTransaction(QAsyncSqliteTransactionPrivate &d);
    friend class QAsyncSqliteTransactionPrivate;
    // For the typed templates (src/typed/typedrows.cpp).
    QAsyncSqliteWorker &worker() const;
    QAsyncSqliteTransactionPrivate &d;
};

#endif // QASYNCSQLITETRANSACTION_H
