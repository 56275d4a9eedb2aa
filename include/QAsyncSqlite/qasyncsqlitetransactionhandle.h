// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITETRANSACTIONHANDLE_H
#define QASYNCSQLITETRANSACTIONHANDLE_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>
#include <QAsyncSqlite/qasyncsqlitetyped.h>

#include <QtCore/qfuture.h>
#include <QtCore/qlist.h>
#include <QtCore/qvariant.h>

#include <chrono>
#include <memory>

namespace QAsyncSqlite::Detail {
class Lease;
}

/*!
    \struct QAsyncSqliteTransactionOptions
    \brief How QAsyncSqliteConnection::begin() opens a transaction.
*/
struct QAsyncSqliteTransactionOptions
{
    /*! BEGIN DEFERRED, IMMEDIATE (the default: the write lock is taken at
        once, so no later statement fails with SQLITE_BUSY halfway) or
        EXCLUSIVE. Ignored when nested (a SAVEPOINT). */
    QAsyncSqlite::TransactionMode mode = QAsyncSqlite::TransactionMode::Immediate;
    /*! Refuse writes inside the transaction (\c PRAGMA \c query_only for its
        duration): a write fails with QAsyncSqliteOperationalError
        (SQLITE_READONLY). LocalStorage's \c readTransaction(). */
    bool readOnly = false;
    /*! How long the transaction may wait for its next request. Past it the
        worker rolls it back (with a warning), runs the requests waiting
        behind it, and fails the handle's later requests with
        QAsyncSqliteOperationalError (SQLITE_ABORT_ROLLBACK). Zero or less:
        no limit. */
    std::chrono::milliseconds idleTimeout = std::chrono::seconds(30);
};

/*!
    \class QAsyncSqliteTransactionHandle
    \brief A transaction that spans several awaited requests
    (QAsyncSqliteConnection::begin()).

    Requests made through the handle run inside the transaction. While it is
    open every other request on the connection, from any thread, waits in
    FIFO order behind it, so nothing interleaves with it. commit() or
    rollback() ends it; a handle destroyed without either rolls back (with a
    warning), and so does one that waits longer than
    QAsyncSqliteTransactionOptions::idleTimeout for its next request.

    \code
    QCoro::Task<> transfer(QAsyncSqliteConnection &db, qint64 from, qint64 to, double amount)
    {
        QAsyncSqliteTransactionHandle tx = co_await QAsyncSqlite::await(db.begin());
        const QVariantList debit{amount, from}, credit{amount, to};
        co_await QAsyncSqlite::await(tx.execute(u"UPDATE account SET balance = balance - ? WHERE id = ?"_s, debit));
        co_await QAsyncSqlite::await(tx.execute(u"UPDATE account SET balance = balance + ? WHERE id = ?"_s, credit));
        co_await QAsyncSqlite::await(tx.commit());
    }
    \endcode

    Awaiting a request made on the connection itself (not on the handle)
    while the handle is open waits for the handle to end: a deadlock until
    the idle timeout. The library warns when the thread that began the
    transaction queues such a request (doc/transactions.md).

    The handle is move-only; its methods may be called from any thread.
    Requests fail with QAsyncSqliteProgrammingError once commit() or
    rollback() was called, and on a default-constructed or moved-from handle.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteTransactionHandle
{
public:
    /*! A handle without a transaction (isValid() is false). */
    QAsyncSqliteTransactionHandle() noexcept;
    /*! Takes \a other's transaction; \a other is left without one. */
    QAsyncSqliteTransactionHandle(QAsyncSqliteTransactionHandle &&other) noexcept;
    /*! Rolls back this handle's transaction unless ended, then takes \a other's. */
    QAsyncSqliteTransactionHandle &operator=(QAsyncSqliteTransactionHandle &&other) noexcept;
    Q_DISABLE_COPY(QAsyncSqliteTransactionHandle)
    /*! Rolls back, with a warning, unless commit() or rollback() was called. */
    ~QAsyncSqliteTransactionHandle();

    /*! Whether the handle refers to a transaction (ended or not). */
    bool isValid() const;
    /*! Whether the transaction is open: neither commit() nor rollback() was
        called, and the worker has not rolled it back (idle timeout, close). */
    bool isActive() const;
    /*! Whether this is a SAVEPOINT inside another handle's transaction. */
    bool isNested() const;

    /*! Runs one statement inside the transaction; see QAsyncSqliteConnection::execute(). */
    QFuture<QVariantList> execute(const QString &sql, const QVariantList &params = {});
    /*! Runs one statement with named parameters inside the transaction. */
    QFuture<QVariantList> execute(const QString &sql, const QVariantMap &params);
    /*! Runs an INSERT inside the transaction and returns the rowid. */
    QFuture<qint64> executeInsert(const QString &sql, const QVariantList &params = {});
    /*! Runs an INSERT with named parameters inside the transaction. */
    QFuture<qint64> executeInsert(const QString &sql, const QVariantMap &params);
    /*! Runs a DML statement once per parameter set inside the transaction;
        returns the rows changed. */
    QFuture<qint64> executeMany(const QString &sql, const QList<QVariantList> &paramSets);
    /*! Typed rows inside the transaction; see QAsyncSqliteConnection::execute<T>(). */
    template<QAsyncSqlite::TypedRow T>
    QFuture<QList<T>> execute(const QString &sql, const QVariantList &params = {})
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedQueryJob<T>(sql, params));
    }
    /*! Typed rows with named parameters inside the transaction. */
    template<QAsyncSqlite::TypedRow T>
    QFuture<QList<T>> execute(const QString &sql, const QVariantMap &params)
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedQueryJob<T>(sql, params));
    }
    /*! Typed rows with typed parameters inside the transaction. */
    template<QAsyncSqlite::TypedRow T, QAsyncSqlite::TypedRow P>
    QFuture<QList<T>> execute(const QString &sql, const P &params)
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedQueryJob<T>(sql, params));
    }
    /*! executeMany() over typed parameter sets inside the transaction. */
    template<QAsyncSqlite::TypedRow P>
    QFuture<qint64> executeMany(const QString &sql, const QList<P> &paramSets)
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedManyJob(sql, paramSets));
    }

    /*! Opens a nested transaction (a SAVEPOINT). While it is open this
        handle's requests still run, inside the savepoint; ending this handle
        ends the nested one with it (commit() releases it, rollback() rolls it
        back). */
    QFuture<QAsyncSqliteTransactionHandle> begin();
    /*! Commits (releases the savepoint when nested). A COMMIT that fails
        leaves the transaction open: commit() or rollback() may follow. */
    QFuture<void> commit();
    /*! Rolls back (to the savepoint when nested, and releases it). */
    QFuture<void> rollback();

private:
    explicit QAsyncSqliteTransactionHandle(std::shared_ptr<QAsyncSqlite::Detail::Lease> lease) noexcept;
    void release();
    template<typename R>
    QFuture<R> enqueueTyped(std::unique_ptr<QAsyncSqlite::Detail::CallableJob<R>> job) const
    {
        QFuture<R> future = job->future();
        enqueueTypedJob(std::move(job));
        return future;
    }
    // Queues \a job inside this transaction, or fails it as execute() would.
    void enqueueTypedJob(std::unique_ptr<QAsyncSqlite::Detail::Job> job) const;
    friend class QAsyncSqlite::Detail::Lease;
    std::shared_ptr<QAsyncSqlite::Detail::Lease> d;
};

#endif // QASYNCSQLITETRANSACTIONHANDLE_H
