// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLARGS_H
#define QASYNCSQLITEQMLARGS_H

#include <QtCore/qfuture.h>
#include <QtCore/qstring.h>
#include <QtQml/qjsvalue.h>

#include <functional>

class QAsyncSqliteQmlAbortSignal;

// Checks of the option objects the element's newer methods take
// ({chunkSize, signal}, {pages, onProgress, …}): one wording for their
// TypeErrors.
namespace QAsyncSqliteQml {

// Whether \a value is a number without a fractional part.
bool isWholeNumber(const QJSValue &value);

// Calls \a read(key, value) for each key of \a options, a plain object or
// undefined. Returns why \a options is not acceptable, prefixed with
// "method(): ": not an object (\a shape describes the expected one), or
// what \a read returned for the first key it refused (an unknown key, a
// value of the wrong type); empty when it is.
QString readOptions(const QString &method, const QJSValue &options, const QString &shape,
                    const std::function<QString(const QString &key, const QJSValue &value)> &read);

// The \c signal option: an AsyncSqliteAbortSignal or its controller, into
// \a out; undefined leaves it null. Returns why not, or an empty string.
QString abortSignalOption(const QJSValue &value, QAsyncSqliteQmlAbortSignal *&out);

// A finished, canceled future: what a request given an aborted signal
// becomes, without being queued (errorOf() reports it as SQLITE_ABORT).
QFuture<void> canceledFuture();

} // namespace QAsyncSqliteQml

#endif // QASYNCSQLITEQMLARGS_H
