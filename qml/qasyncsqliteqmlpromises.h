// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLPROMISES_H
#define QASYNCSQLITEQMLPROMISES_H

#include <QAsyncSqlite/qasyncsqliteconnection.h> // QAsyncSqlite::Detail::whenFinished()
#include <QAsyncSqlite/qasyncsqliteerror.h>

#include <QtCore/qfuture.h>
#include <QtCore/qvariant.h>
#include <QtQml/qjsvalue.h>

#include <functional>
#include <memory>

// JavaScript promises settled from QFutures, on the QML engine's thread.
namespace QAsyncSqliteQml {

// Makes the promises of one QML object, its \e owner: each is settled from a
// QFuture on the owner's thread by a QFutureWatcher that is the owner's
// child, so nothing settles after the owner is destroyed (the promise then
// never settles, and no handler reaches a dead item or engine).
class Promises
{
public:
    struct Deferred
    {
        QJSValue promise; // undefined without an engine
        QJSValue resolve;
        QJSValue reject;
    };
    // Called with every failure a promise rejects with, and its JS Error.
    using RejectionHandler = std::function<void(const QAsyncSqliteError &error, const QJSValue &jsError)>;

    Promises(QObject *owner, RejectionHandler onRejected);

    // A pending promise and the functions that settle it.
    Deferred defer();
    // The JS Error a promise rejects with: an Error with className, code,
    // name, message and sql.
    QJSValue errorObject(const QAsyncSqliteError &error);
    // The JS Error a promise rejects with for \a failure, reported to the
    // rejection handler first; undefined (and not reported) once the owner
    // has no engine.
    QJSValue rejection(const QAsyncSqliteError &failure);
    // rejection() for the finished \a future's failure; undefined if it
    // succeeded.
    QJSValue rejectionFor(const QFuture<void> &future);

    // Calls \a onFinished(future) on the owner's thread once \a future has
    // finished, unless the owner is destroyed first. Every future the QML
    // module reads is read here.
    template<typename T, typename OnFinished>
    void whenFinished(const QFuture<T> &future, OnFinished &&onFinished)
    {
        QAsyncSqlite::Detail::whenFinished(m_owner, future, std::forward<OnFinished>(onFinished));
    }

    // A new promise that resolves with \a toJs(future) or rejects with the
    // future's error.
    template<typename T, typename ToJs>
    QJSValue promiseFor(const QFuture<T> &future, ToJs &&toJs)
    {
        Deferred deferred = defer();
        if (deferred.promise.isUndefined())
            return {};
        whenFinished(future, [this, deferred, toJs = std::forward<ToJs>(toJs)](const QFuture<T> &done) mutable {
            if (const std::shared_ptr<const QAsyncSqliteError> failure = QAsyncSqlite::errorOf(done))
                deferred.reject.call({rejection(*failure)});
            else
                deferred.resolve.call({toJs(done)});
        });
        return deferred.promise;
    }
    // A new promise that resolves with undefined or rejects with the future's error.
    QJSValue promiseFor(const QFuture<void> &future);

    // Calls \a fn(\a arg); once it returned, or the promise it returned
    // settled, returns finish(true, value) or, if it threw or rejected,
    // finish(false, error): the promise of a transaction(fn).
    QJSValue runTransaction(const QJSValue &fn, const QJSValue &arg, const QJSValue &finish);

private:
    QJSValue helpers();

    QObject *m_owner;
    RejectionHandler m_onRejected;
    QJSValue m_helpers; // JS functions evaluated once in the owner's engine
};

} // namespace QAsyncSqliteQml

#endif // QASYNCSQLITEQMLPROMISES_H
