// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlstream.h"

#include "qasyncsqliteqmlabort.h"
#include "qasyncsqliteqmlargs.h"
#include "qasyncsqliteqmlconnection.h"
#include "qasyncsqliteqmlvalues.h"

#include <QAsyncSqlite/qasyncsqlitecursor.h>

#include <QtQml/qjsengine.h>

#include <sqlite3.h>

#include <variant>

using namespace Qt::StringLiterals;
using QAsyncSqliteQml::typeName;

QAsyncSqliteQmlStream::QAsyncSqliteQmlStream(QAsyncSqliteQmlConnection *element, QAsyncSqliteCursor *cursor,
                                             Setup setup)
    : QObject(element), m_element(element), m_cursor(cursor), m_setup(std::move(setup))
{
    // Qt 6.4 cannot make a JS function of a C++ one: the callback's promise
    // reaches resume()/fail() through this object's JS wrapper.
    m_awaitThen = qjsEngine(element)->evaluate(
            u"(function (result, stream) {"
            " result.then(function () { stream.resume() }, function (e) { stream.fail(e) }) })"_s);
    if (m_setup.signal)
        connect(m_setup.signal, &QAsyncSqliteQmlAbortSignal::abort, this, &QAsyncSqliteQmlStream::onAbort);
}

void QAsyncSqliteQmlStream::start(const QFuture<void> &executed)
{
    m_fetching = true;
    if (m_setup.signal)
        m_setup.signal->watch(executed);
    m_element->m_promises.whenFinished(executed, [this](const QFuture<void> &done) {
        m_fetching = false;
        if (const QJSValue failure = failureOf(done); !failure.isUndefined())
            finish(failure);
        else
            fetch();
    });
}

void QAsyncSqliteQmlStream::fetch()
{
    if (m_done)
        return;
    if (!m_cursor) // the connection, its parent, is gone with the element
        return finish(QJSValue());
    const QFuture<QVariantList> chunk = m_cursor->fetchMany(m_setup.chunkSize);
    m_fetching = true;
    if (m_setup.signal)
        m_setup.signal->watch(chunk);
    m_element->m_promises.whenFinished(chunk, [this](const QFuture<QVariantList> &done) {
        m_fetching = false;
        if (const QJSValue failure = failureOf(QFuture<void>(done)); !failure.isUndefined())
            return finish(failure);
        deliver(done.result());
    });
}

void QAsyncSqliteQmlStream::deliver(const QVariantList &rows)
{
    if (rows.isEmpty())
        return finish(QJSValue());
    m_rows += double(rows.size());
    m_last = rows.size() < m_setup.chunkSize; // no need to ask for more
    const QJSValue result = m_setup.onChunk.call({m_element->rowsToJs(m_setup.sql, rows)});
    if (result.isError())
        return finish(result);
    if (result.isObject() && result.property(u"then"_s).isCallable())
        m_awaitThen.call({result, qjsEngine(m_element)->newQObject(this)});
    else
        resume();
}

void QAsyncSqliteQmlStream::resume()
{
    if (m_done)
        return;
    if (m_setup.signal && m_setup.signal->isAborted())
        return onAbort();
    if (m_last)
        return finish(QJSValue());
    fetch();
}

void QAsyncSqliteQmlStream::fail(const QJSValue &reason)
{
    if (!m_done)
        finish(reason.isUndefined() ? QJSValue(QJSValue::NullValue) : reason);
}

void QAsyncSqliteQmlStream::onAbort()
{
    // A request of ours in flight is canceled and ends the stream itself;
    // between requests (the callback's promise pending) we end it here.
    if (m_done || m_fetching)
        return;
    finish(failureOf(QAsyncSqliteQml::canceledFuture()));
}

QJSValue QAsyncSqliteQmlStream::failureOf(const QFuture<void> &future)
{
    return m_element->m_promises.rejectionFor(future);
}

void QAsyncSqliteQmlStream::finish(const QJSValue &rejection)
{
    if (std::exchange(m_done, true))
        return;
    if (m_cursor) {
        m_cursor->close();
        m_cursor->deleteLater();
    }
    if (rejection.isUndefined())
        m_setup.deferred.resolve.call({m_rows});
    else
        m_setup.deferred.reject.call({rejection});
    deleteLater();
}

QJSValue QAsyncSqliteQmlConnection::stream(const QJSValue &sql, const QJSValue &params, const QJSValue &onChunk,
                                           const QJSValue &options, const QJSValue &extra)
{
    // stream(sql, onChunk[, options]): the parameters may be left out.
    if (params.isCallable() && !onChunk.isCallable() && extra.isUndefined())
        return stream(sql, QJSValue(), params, onChunk, options);
    if (tooManyArguments(u"stream"_s, extra))
        return {};
    QString text;
    QAsyncSqliteQml::Params bound;
    if (const QString problem = QAsyncSqliteQml::statementFromJs(u"stream"_s, sql, params, text, bound);
        !problem.isEmpty()) {
        return typeError(problem);
    }
    if (!onChunk.isCallable())
        return typeError(u"stream(): the callback must be a function, not %1"_s.arg(typeName(onChunk)));
    QAsyncSqliteQmlStream::Setup setup;
    setup.sql = text;
    setup.onChunk = onChunk;
    setup.chunkSize = m_connection->options().iterChunkSize; // QAsyncSqliteCursor::stream()'s
    const QString problem = QAsyncSqliteQml::readOptions(
            u"stream"_s, options, u"{chunkSize, signal}"_s, [&setup](const QString &key, const QJSValue &value) {
                if (key == u"chunkSize"_s) {
                    if (!QAsyncSqliteQml::isWholeNumber(value) || value.toNumber() < 1 || value.toNumber() > 1e9)
                        return u"chunkSize must be a whole number from 1 on, not %1"_s.arg(value.toString());
                    setup.chunkSize = value.toInt();
                    return QString();
                }
                if (key == u"signal"_s)
                    return QAsyncSqliteQml::abortSignalOption(value, setup.signal);
                return u"unknown option %1"_s.arg(key);
            });
    if (!problem.isEmpty())
        return typeError(problem);
    setup.deferred = m_promises.defer();
    if (setup.deferred.promise.isUndefined())
        return {};
    const QJSValue promise = setup.deferred.promise;
    if (setup.signal && setup.signal->isAborted()) { // queue nothing
        setup.deferred.reject.call({m_promises.rejectionFor(QAsyncSqliteQml::canceledFuture())});
        return promise;
    }
    QAsyncSqliteCursor *cursor = m_connection->cursor();
    const QFuture<void> executed = std::visit(
            [&](const auto &p) {
                return cursor->execute(setup.sql, p);
            },
            bound);
    (new QAsyncSqliteQmlStream(this, cursor, std::move(setup)))->start(executed);
    return promise;
}
