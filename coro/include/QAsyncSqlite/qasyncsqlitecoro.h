// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITECORO_H
#define QASYNCSQLITECORO_H

// C++20 coroutine support for QAsyncSqlite, built on QCoro (an optional
// add-on: link QAsyncSqlite::Coro, which exists when QCoro6 was found).

#include <QAsyncSqlite/qasyncsqliteconnection.h>
#include <QAsyncSqlite/qasyncsqlitecursor.h>
#include <QAsyncSqlite/qasyncsqliteerror.h>

#include <QtCore/qfuture.h>
#include <QtCore/qfutureinterface.h>
#include <QtCore/qfuturewatcher.h>

#include <QCoro/QCoroAsyncGenerator>
#include <QCoro/QCoroFuture>
#include <QCoro/QCoroTask>

#include <coroutine>
#include <type_traits>
#include <utility>

#if defined(QASYNCSQLITE_STATIC)
#define QASYNCSQLITECORO_EXPORT
#elif defined(QASYNCSQLITECORO_BUILD_LIBRARY)
#define QASYNCSQLITECORO_EXPORT Q_DECL_EXPORT
#else
#define QASYNCSQLITECORO_EXPORT Q_DECL_IMPORT
#endif

/*!
    \page coroutines Coroutines (QAsyncSqlite::Coro)

    With QCoro, a request is awaited where it is made:

    \code
    #include <QAsyncSqlite/QAsyncSqliteCoro>

    QCoro::Task<> listUsers(QAsyncSqliteConnection &db)
    {
        using QAsyncSqlite::await;
        co_await await(db.open(u"app.db"_s));
        const QVariantList alice{u"Alice"_s};
        const qint64 id = co_await await(db.executeInsert(u"INSERT INTO users(name) VALUES(?)"_s, alice));
        co_await await(db.commit());
        QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(&db, u"SELECT * FROM users"_s)) {
            qDebug() << row;
        }
    }
    \endcode

    Including this header also makes a plain <tt>co_await db.execute(…)</tt>
    work inside a \c QCoro::Task (QCoro's own QFuture support): the result is
    returned and a QAsyncSqliteError is rethrown, because QAsyncSqlite ends
    its own failures (closed, interrupted, dropped at destruction) with
    exceptions, not bare cancels. A future canceled by the caller
    (QFuture::cancel()) however has neither a result nor an exception, and
    QCoro 0.8 crashes reading it; QAsyncSqlite::await() turns that case into
    a QAsyncSqliteOperationalError, so prefer it whenever a future may have
    been canceled, and in QCoro::AsyncGenerator coroutines (which cannot
    await a QFuture directly).

    GCC 12 (Debian 12's compiler) rejects a braced list such as \c {25}
    inside a \c co_await expression ("array used as initializer", a compiler
    bug): name the parameter list first, as above.

    A coroutine resumes in the thread that awaits, through that thread's
    event loop, which must be running (QCoreApplication::exec(), a
    QEventLoop, or a Qt Test helper). To hand a task to code that expects a
    QFuture, or to wait for it in a test, use QAsyncSqlite::toFuture().
*/

namespace QAsyncSqlite {

namespace Detail {
/* Throws the error await() gives for a finished future without a result. */
[[noreturn]] QASYNCSQLITECORO_EXPORT void throwNoResult();
} // namespace Detail

/*!
    \class QAsyncSqlite::FutureAwaiter
    \brief The awaitable that QAsyncSqlite::await() returns for a QFuture<T>.

    It suspends the awaiting coroutine until the future is finished and
    resumes it in the awaiting thread (through a QFutureWatcher, so that
    thread's event loop must run). It then gives the future's first result,
    rethrows the exception the future holds (whatever its class), or, for a
    future that was canceled without an exception, throws the error
    QAsyncSqlite::errorOf() gives for it: QAsyncSqliteOperationalError
    (SQLITE_ABORT, "The request was canceled."). A future that finished
    without being canceled and without any result (only possible for futures
    not made by QAsyncSqlite) throws QAsyncSqliteOperationalError
    (SQLITE_ABORT) too.
    It works in any coroutine type: QCoro::Task, QCoro::AsyncGenerator, or
    your own.
*/
template<typename T>
class FutureAwaiter
{
public:
    /*! Wraps \a future. */
    explicit FutureAwaiter(QFuture<T> future) : m_future(std::move(future)) { }

    /*! Always false: the coroutine resumes from the event loop even when the
        future has already finished. Resuming inline would let a consumer of
        rows() whose next chunk is already there recurse once per row until
        the stack overflows; one event-loop turn per await keeps the depth
        bounded by the chunk size. */
    bool await_ready() const noexcept { return false; }

    /*! Resumes \a awaiting from the event loop of the current thread once
        the future has finished. */
    void await_suspend(std::coroutine_handle<> awaiting)
    {
        auto *watcher = new QFutureWatcher<T>();
        QObject::connect(watcher, &QFutureWatcherBase::finished, watcher, [watcher, awaiting] {
            watcher->deleteLater();
            awaiting.resume();
        });
        watcher->setFuture(m_future);
    }

    /*! The result, or the exception (see the class description). */
    T await_resume()
    {
        QAsyncSqlite::Detail::tsanAcquireFinished(m_future);
        m_future.waitForFinished(); // finished: only rethrows the stored exception, as it is
        if (const auto canceled = errorOf(m_future))
            canceled->raise();
        if constexpr (!std::is_void_v<T>) {
            if (m_future.resultCount() < 1)
                Detail::throwNoResult();
            if constexpr (std::is_copy_constructible_v<T>)
                return m_future.result();
            else
                return m_future.takeResult(); // a QAsyncSqliteTransactionHandle
        }
    }

private:
    QFuture<T> m_future;
};

/*!
    Returns an awaitable for \a future that is safe in every state:
    <tt>co_await QAsyncSqlite::await(db.execute(sql))</tt> gives the rows,
    throws the QAsyncSqliteError subclass the request failed with, and turns
    a future canceled without an exception (for example by QFuture::cancel())
    into QAsyncSqliteOperationalError with code SQLITE_ABORT and the message
    "The request was canceled." (QAsyncSqlite::errorOf()'s rule), instead of
    the crash QCoro 0.8 gives for such a future. See FutureAwaiter.
*/
template<typename T>
[[nodiscard]] FutureAwaiter<T> await(const QFuture<T> &future)
{
    return FutureAwaiter<T>(future);
}

namespace Detail {
template<typename T>
QCoro::Task<> completeFrom(QCoro::Task<T> task, QFutureInterface<T> target)
{
    try {
        if constexpr (std::is_void_v<T>)
            co_await task;
        else
            target.reportResult(co_await task);
    } catch (const QException &e) {
        target.reportException(e);
    } catch (...) {
        target.reportException(std::current_exception());
    }
    target.reportFinished();
}
} // namespace Detail

/*!
    Returns a QFuture that finishes when \a task does, with its result or its
    exception (a QAsyncSqliteError keeps its class). Use it to hand a
    coroutine to code that expects a future: <tt>then(context, …)</tt>,
    QFutureWatcher, or the Qt Test helpers of \c QAsyncSqliteTest, which wait
    with a timeout (unlike \c QCoro::waitFor, which in QCoro 0.8 never
    returns for a task that throws):

    \code
    QASYNCSQLITE_AWAIT(QAsyncSqlite::toFuture(myCoroutine()));
    \endcode

    Canceling the returned future does not stop the task.
*/
template<typename T>
QFuture<T> toFuture(QCoro::Task<T> task)
{
    QFutureInterface<T> target;
    target.reportStarted();
    QFuture<T> future = target.future();
    Detail::completeFrom<T>(std::move(task), std::move(target));
    return future;
}

namespace Detail {
template<typename Task>
struct TaskValue;
template<typename T>
struct TaskValue<QCoro::Task<T>>
{
    using type = T;
};
} // namespace Detail

/*!
    Runs the coroutine \a body(tx) inside a transaction handle opened on
    \a db with \a options (QAsyncSqliteConnection::begin()): commits when
    \a body returns, rolls back and rethrows when it (or the COMMIT) throws.
    Returns what \a body returns. Room's \c withTransaction:

    \code
    const qint64 id = co_await QAsyncSqlite::withTransaction(db, [&](QAsyncSqliteTransactionHandle &tx)
                                                                     -> QCoro::Task<qint64> {
        const QVariantList order{customer};
        const qint64 orderId = co_await QAsyncSqlite::await(tx.executeInsert(u"INSERT INTO orders(customer) VALUES(?)"_s, order));
        const QVariantList line{orderId, item};
        co_await QAsyncSqlite::await(tx.execute(u"INSERT INTO lines(order_id, item) VALUES(?, ?)"_s, line));
        co_return orderId;
    });
    \endcode

    \a body is kept (by value) until the transaction ends, so a lambda's
    captures stay valid across its awaits. Requests made on \a db itself
    inside \a body wait until the transaction ends: use \a tx.
*/
template<typename Body>
auto withTransaction(QAsyncSqliteConnection &db, Body body, QAsyncSqliteTransactionOptions options = {})
        -> QCoro::Task<typename Detail::TaskValue<std::invoke_result_t<Body &, QAsyncSqliteTransactionHandle &>>::type>
{
    using T = typename Detail::TaskValue<std::invoke_result_t<Body &, QAsyncSqliteTransactionHandle &>>::type;
    QAsyncSqliteTransactionHandle tx = co_await await(db.begin(options));
    std::exception_ptr failure;
    try {
        if constexpr (std::is_void_v<T>) {
            co_await body(tx);
            co_await await(tx.commit());
            co_return;
        } else {
            T result = co_await body(tx);
            co_await await(tx.commit());
            co_return result;
        }
    } catch (...) {
        failure = std::current_exception();
    }
    if (tx.isActive()) { // no co_await inside a handler
        try {
            co_await await(tx.rollback());
        } catch (...) {
            // the body's failure is the one to report
        }
    }
    std::rethrow_exception(failure);
}

/*!
    Iterates the rows of \a cursor, which must have been executed, as an
    asynchronous generator (each value is one row, shaped by the row factory):

    \code
    QAsyncSqliteCursor *cursor = db.cursor(u"SELECT name FROM users"_s);
    QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(cursor)) { … }
    \endcode

    Rows are fetched with QAsyncSqliteCursor::fetchMany() in chunks of
    \a chunkSize rows; when \a chunkSize is not positive, of
    QAsyncSqliteCursor::arraySize() rows if that is above 1, else of
    QAsyncSqliteCursor::iterChunkSize() rows (the connection's
    QAsyncSqliteOptions::iterChunkSize, 64 by default, unless set on the
    cursor). While the
    consumer handles one chunk the next one is already being fetched (one
    chunk of read-ahead). A failing fetch is rethrown by the iteration, after
    the rows before it.

    The cursor stays owned by the caller and open: breaking out of the loop
    (destroying the generator) is safe at any point, but leaves the cursor at
    an unspecified position (up to two chunks past the last row seen); close
    it or execute it again. A cursor destroyed during the iteration ends it
    with QAsyncSqliteProgrammingError.
*/
QASYNCSQLITECORO_EXPORT QCoro::AsyncGenerator<QVariant> rows(QAsyncSqliteCursor *cursor, int chunkSize = -1);

/*!
    Runs \a sql with positional \a params on a cursor of its own and iterates
    its rows (see rows(QAsyncSqliteCursor *, int)). The statement is queued
    when the iteration begins. The cursor is closed and deleted when the
    generator ends or is destroyed, so breaking out of the loop early is
    safe and releases the statement.

    \code
    QCORO_FOREACH(const QVariant &row, QAsyncSqlite::rows(&db, u"SELECT * FROM t WHERE a > ?"_s, {25})) { … }
    \endcode
*/
QASYNCSQLITECORO_EXPORT QCoro::AsyncGenerator<QVariant> rows(QAsyncSqliteConnection *connection, QString sql,
                                                             QVariantList params = {}, int chunkSize = -1);

namespace Detail {
QASYNCSQLITECORO_EXPORT QCoro::AsyncGenerator<QVariant> rowsNamed(QAsyncSqliteConnection *connection, QString sql,
                                                                  QVariantMap params, int chunkSize);
} // namespace Detail

/*! Like the overload above, with named (\c :name) \a params, given as a
    QVariantMap (a template only so that <tt>rows(&db, sql, {}, 16)</tt>
    stays unambiguous):

    \code
    QAsyncSqlite::rows(&db, u"SELECT * FROM t WHERE a > :min"_s, QVariantMap{{u"min"_s, 25}})
    \endcode
*/
template<typename Map>
requires std::is_same_v<Map, QVariantMap> QCoro::AsyncGenerator<QVariant>
rows(QAsyncSqliteConnection *connection, QString sql, const Map &params, int chunkSize = -1)
{
    return Detail::rowsNamed(connection, std::move(sql), params, chunkSize);
}

} // namespace QAsyncSqlite

#endif // QASYNCSQLITECORO_H
