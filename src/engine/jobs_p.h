// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_JOBS_P_H
#define QASYNCSQLITE_JOBS_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

// The job type itself is in <QAsyncSqlite/qasyncsqliteconnection_impl.h>:
// the public templates make jobs. This is the library's side of futures.

#include <QAsyncSqlite/qasyncsqliteconnection_impl.h>
#include <QAsyncSqlite/qasyncsqliteerror.h>

namespace QAsyncSqlite::Detail {

// A finished QFuture<void>. Qt 6.6 added makeReadyVoidFuture() and later
// versions deprecate makeReadyFuture(), the only spelling Qt 6.4 has.
inline QFuture<void> readyVoidFuture()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 6, 0)
    return QtFuture::makeReadyVoidFuture();
#else
    return QtFuture::makeReadyFuture();
#endif
}

// Finishes every future the library hands out.
// - QFutureInterfaceBase::reportFinished() does not run then() continuations
//   (only the typed QFutureInterface<T>::reportFinished() does), so without
//   the cast they would never run and their futures stay pending forever
//   (tst_lifecycle::closeFromWorkerContinuation).
// - The TSan release pairs with tsanAcquireFinished() on the consumer's side.
inline void finishFuture(QFutureInterfaceBase &fi)
{
#ifdef QT_BUILDING_UNDER_TSAN
    QtTsan::futexRelease(&fi.mutex());
#endif
    QFutureInterface<void>(fi).reportFinished();
}

template<typename R>
QFuture<R> makeFailedFuture(const QAsyncSqliteError &error)
{
    QFutureInterface<R> fi;
    fi.reportStarted();
    fi.reportException(error);
    finishFuture(fi);
    return fi.future();
}

// The error of a request on a closed (or never opened) connection.
QAsyncSqliteProgrammingError closedConnectionError();
// The error of a request on a committed or rolled back transaction handle.
QAsyncSqliteProgrammingError endedTransactionError();

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_JOBS_P_H
