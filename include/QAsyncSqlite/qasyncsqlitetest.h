// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITETEST_H
#define QASYNCSQLITETEST_H

/*!
    \file qasyncsqlitetest.h
    \brief Qt Test helpers for code that uses QAsyncSqlite
    (\c <QAsyncSqlite/QAsyncSqliteTest>). Header-only: link
    QAsyncSqlite::Test (or QAsyncSqlite::QAsyncSqlite and Qt6::Test).
*/

#include <QAsyncSqlite/qasyncsqliteconnection.h> // QAsyncSqlite::Detail::tsanAcquireFinished()
#include <QAsyncSqlite/qasyncsqliteerror.h>

#include <QtCore/qeventloop.h>
#include <QtCore/qfuture.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qstring.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qtimer.h>
#include <QtTest/qtest.h>

#include <chrono>
#include <exception>
#include <optional>

/*!
    \namespace QAsyncSqliteTest
    \brief Awaiting futures inside Qt Test functions, and a temporary database.

    \code
    void tst_Users::insert()
    {
        QAsyncSqliteTest::TemporaryDatabase tmp;
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path()));
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1"_s));
        QCOMPARE(rows.size(), 1);
        QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELEC"_s), QAsyncSqliteOperationalError);
        QCOMPARE(error.code(), SQLITE_ERROR);
    }
    \endcode

    The event loop keeps running while a test waits, so queued signals and
    \c then(this, …) continuations are delivered. A future that does not
    finish within the timeout fails the test instead of hanging it.
*/
namespace QAsyncSqliteTest {

/*! The default time a helper waits for a future (10 s; override with the
    environment variable QASYNCSQLITE_TEST_TIMEOUT_MS). */
inline std::chrono::milliseconds defaultTimeout()
{
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("QASYNCSQLITE_TEST_TIMEOUT_MS", &ok);
    return std::chrono::milliseconds(ok && ms > 0 ? ms : 10000);
}

/*! Runs the event loop until \a future finishes or \a timeout passes;
    returns whether it finished. */
template<typename T>
[[nodiscard]] bool waitForFinished(const QFuture<T> &future, std::chrono::milliseconds timeout = defaultTimeout())
{
    if (!future.isFinished()) {
        QEventLoop loop;
        QFutureWatcher<T> watcher;
        QTimer timer;
        timer.setSingleShot(true);
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        watcher.setFuture(future);
        timer.start(timeout);
        if (!future.isFinished())
            loop.exec();
        if (!future.isFinished())
            return false;
    }
    QAsyncSqlite::Detail::tsanAcquireFinished(future);
    return true;
}

/*! Waits for \a future and returns an empty string if it succeeded, or a
    description of how it did not: a timeout, or the error
    QAsyncSqlite::errorOf() gives (a cancel included). */
template<typename T>
QString awaitSuccess(const QFuture<T> &future, std::chrono::milliseconds timeout = defaultTimeout())
{
    if (!waitForFinished(future, timeout))
        return QStringLiteral("the future did not finish within %1 ms").arg(timeout.count());
    if (const auto failure = QAsyncSqlite::errorOf(future))
        return QStringLiteral("the future failed: %1").arg(QString::fromUtf8(failure->what()));
    return {};
}

/*! Waits for \a future and stores in \a error the error of type \a E that
    QAsyncSqlite::errorOf() gives for it (so a canceled future counts as
    QAsyncSqliteOperationalError, \c SQLITE_ABORT); returns an empty string
    on success or a description of what happened instead. An exception that
    is not a QAsyncSqliteError never counts as \a E: a test that awaits an
    error means one of QAsyncSqlite's. */
template<typename E, typename T>
QString awaitError(const QFuture<T> &future, std::optional<E> &error,
                   std::chrono::milliseconds timeout = defaultTimeout())
{
    if (!waitForFinished(future, timeout))
        return QStringLiteral("the future did not finish within %1 ms").arg(timeout.count());
    try {
        QFuture<T>(future).waitForFinished(); // finished: only rethrows the stored exception
    } catch (const QAsyncSqliteError &) {
        // judged below, like a cancel
    } catch (const std::exception &e) {
        return QStringLiteral("the future failed with another exception: %1").arg(QString::fromUtf8(e.what()));
    } catch (...) {
        return QStringLiteral("the future failed with an unknown exception");
    }
    const auto failure = QAsyncSqlite::errorOf(future);
    if (!failure)
        return QStringLiteral("the future succeeded, but an error was expected");
    if (const auto *expected = dynamic_cast<const E *>(failure.get())) {
        error = *expected;
        return {};
    }
    return QStringLiteral("the future failed with another error: %1").arg(QString::fromUtf8(failure->what()));
}

/*!
    \class QAsyncSqliteTest::TemporaryDatabase
    \brief A database path in a fresh temporary directory, removed with the
    object (together with its -wal, -shm and -journal files).
*/
class TemporaryDatabase
{
public:
    /*! Creates the temporary directory; path() is \a fileName inside it. */
    explicit TemporaryDatabase(const QString &fileName = QStringLiteral("test.sqlite")) : m_fileName(fileName) { }
    /*! Whether the temporary directory could be created. */
    bool isValid() const { return m_dir.isValid(); }
    /*! The database path. */
    QString path() const { return m_dir.filePath(m_fileName); }
    /*! Another path in the same directory, e.g. for a backup target. */
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    /*! The directory. */
    QString directory() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    QString m_fileName;
};

/*! The first result of the finished \a future; taken out of it when \a T
    is move-only (a QAsyncSqliteTransactionHandle). */
template<typename T>
T resultOf(QFuture<T> &future)
{
    if constexpr (std::is_copy_constructible_v<T>)
        return future.result();
    else
        return future.takeResult();
}

} // namespace QAsyncSqliteTest

/*! Waits for the future \a expr (event loop running); fails the test on
    timeout, error or cancel. */
#define QASYNCSQLITE_AWAIT(expr)                                                                                       \
    do {                                                                                                               \
        const QString qasyncsqlite_failure = QAsyncSqliteTest::awaitSuccess(expr);                                     \
        if (!qasyncsqlite_failure.isEmpty())                                                                           \
            QFAIL(qPrintable(QStringLiteral(#expr ": ") + qasyncsqlite_failure));                                      \
    } while (false)

/*! Declares \a var holding the result of the future \a expr; fails the test
    on timeout, error or cancel. */
#define QASYNCSQLITE_AWAIT_RESULT(var, expr)                                                                           \
    auto var##_future = (expr);                                                                                        \
    QASYNCSQLITE_AWAIT(var##_future);                                                                                  \
    auto var = QAsyncSqliteTest::resultOf(var##_future)

/*! Declares \a var as the error of type \a ErrorType that the future \a expr
    must fail with; fails the test otherwise. */
#define QASYNCSQLITE_AWAIT_ERROR(var, expr, ErrorType)                                                                 \
    std::optional<ErrorType> var##_holder;                                                                             \
    do {                                                                                                               \
        const QString qasyncsqlite_failure = QAsyncSqliteTest::awaitError((expr), var##_holder);                       \
        if (!qasyncsqlite_failure.isEmpty())                                                                           \
            QFAIL(qPrintable(QStringLiteral(#expr ": ") + qasyncsqlite_failure));                                      \
    } while (false);                                                                                                   \
    const ErrorType &var = *var##_holder

#endif // QASYNCSQLITETEST_H
