// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlargs.h"

#include "qasyncsqliteqmlabort.h"
#include "qasyncsqliteqmlvalues.h"

#include <QtQml/qjsvalueiterator.h>

#include <cmath>

using namespace Qt::StringLiterals;

namespace QAsyncSqliteQml {

bool isWholeNumber(const QJSValue &value)
{
    return value.isNumber() && std::isfinite(value.toNumber()) && value.toNumber() == std::trunc(value.toNumber());
}

QString readOptions(const QString &method, const QJSValue &options, const QString &shape,
                    const std::function<QString(const QString &key, const QJSValue &value)> &read)
{
    if (options.isUndefined())
        return {};
    if (!options.isObject() || options.isArray() || options.isCallable() || options.isQObject())
        return u"%1(): the options must be an object %2, not %3"_s.arg(method, shape, typeName(options));
    QJSValueIterator it(options);
    while (it.hasNext()) {
        it.next();
        if (const QString problem = read(it.name(), it.value()); !problem.isEmpty())
            return u"%1(): %2"_s.arg(method, problem);
    }
    return {};
}

QString abortSignalOption(const QJSValue &value, QAsyncSqliteQmlAbortSignal *&out)
{
    out = nullptr;
    if (value.isUndefined())
        return {};
    out = QAsyncSqliteQmlAbortSignal::fromJs(value);
    if (!out)
        return u"signal must be an AsyncSqliteAbortController's signal, not %1"_s.arg(typeName(value));
    return {};
}

QFuture<void> canceledFuture()
{
    QFutureInterface<void> canceled;
    canceled.reportStarted();
    canceled.cancel();
    canceled.reportFinished();
    return canceled.future();
}

} // namespace QAsyncSqliteQml
