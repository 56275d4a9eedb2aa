// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlpromises.h"

#include <QtQml/qjsengine.h>

using namespace Qt::StringLiterals;

namespace QAsyncSqliteQml {

Promises::Promises(QObject *owner, RejectionHandler onRejected)
    : m_owner(owner), m_onRejected(std::move(onRejected)) { }

QJSValue Promises::helpers()
{
    QJSEngine *engine = qjsEngine(m_owner);
    if (engine && !m_helpers.isObject()) {
        // Qt 6.4 has Promise but no way to create one from C++: keep the
        // executor's resolve/reject to settle it later. Error objects are
        // built in JS too; V4 (6.4) ignores a plain assignment to an Error's
        // `name`, hence defineProperty.
        m_helpers = engine->evaluate(
                u"({"
                " deferred: function () { var d = {}; d.promise = new Promise(function (resolve, reject)"
                "   { d.resolve = resolve; d.reject = reject; }); return d; },"
                " error: function (message, code, name, sql, className) { var e = new Error(message);"
                "   e.className = className; e.code = code; e.sql = sql;"
                "   Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true });"
                "   return e; },"
                " runTransaction: function (fn, arg, finish) { var result;"
                "   try { result = fn(arg); } catch (e) { return finish(false, e); }"
                "   return Promise.resolve(result).then(function (v) { return finish(true, v); },"
                "                                       function (e) { return finish(false, e); }); }"
                "})"_s);
    }
    return m_helpers;
}

Promises::Deferred Promises::defer()
{
    const QJSValue d = helpers().property(u"deferred"_s).call();
    if (!d.isObject())
        return {};
    return {d.property(u"promise"_s), d.property(u"resolve"_s), d.property(u"reject"_s)};
}

QJSValue Promises::errorObject(const QAsyncSqliteError &error)
{
    return helpers()
            .property(u"error"_s)
            .call({error.message(), error.extendedCode(), error.errorName(), error.sql(),
                   error.toVariantMap().value(u"className"_s).toString()});
}

QJSValue Promises::rejection(const QAsyncSqliteError &failure)
{
    if (!qjsEngine(m_owner))
        return {};
    const QJSValue error = errorObject(failure);
    m_onRejected(failure, error);
    return error;
}

QJSValue Promises::rejectionFor(const QFuture<void> &future)
{
    const std::shared_ptr<const QAsyncSqliteError> failure = QAsyncSqlite::errorOf(future);
    return failure ? rejection(*failure) : QJSValue();
}

QJSValue Promises::runTransaction(const QJSValue &fn, const QJSValue &arg, const QJSValue &finish)
{
    return helpers().property(u"runTransaction"_s).call({fn, arg, finish});
}

QJSValue Promises::promiseFor(const QFuture<void> &future)
{
    return promiseFor(future, [](const QFuture<void> &) {
        return QJSValue();
    });
}

} // namespace QAsyncSqliteQml
