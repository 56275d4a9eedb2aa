// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// AsyncSqlite.transaction(fn) / readTransaction(fn): a transaction handle
// (QAsyncSqliteTransactionHandle) driven by a JS function and its promise.
#include "qasyncsqliteqmltransaction.h"
#include "qasyncsqliteqmlconnection.h"
#include "qasyncsqliteqmlvalues.h"

#include <QtCore/qhash.h>
#include <QtQml/qjsengine.h>

#include <cmath>

using namespace Qt::StringLiterals;
using QAsyncSqlite::Detail::Params;

QAsyncSqliteQmlTransaction::QAsyncSqliteQmlTransaction(QAsyncSqliteQmlConnection *owner,
                                                       QAsyncSqliteTransactionHandle handle, bool readOnly)
    : QObject(owner),
      m_owner(owner),
      m_handle(std::move(handle)),
      m_promises(this,
                 [owner = QPointer(owner)](const QAsyncSqliteError &failure, const QJSValue &jsError) {
                     if (owner)
                         owner->reportFailure(failure, jsError);
                 }),
      m_readOnly(readOnly)
{
    // Collectable once it ended and no script holds it (ended() unparents it).
    QJSEngine::setObjectOwnership(this, QJSEngine::JavaScriptOwnership);
}

QAsyncSqliteQmlTransaction::~QAsyncSqliteQmlTransaction() = default; // an open handle rolls back, with a warning

QJSValue QAsyncSqliteQmlTransaction::run(QAsyncSqliteQmlConnection *owner, QFuture<QAsyncSqliteTransactionHandle> begun,
                                         const QJSValue &fn, bool readOnly)
{
    QAsyncSqliteQml::Promises &promises = owner->m_promises;
    const QAsyncSqliteQml::Promises::Deferred outer = promises.defer();
    if (outer.promise.isUndefined())
        return {};
    promises.whenFinished(begun, [owner, outer, fn, readOnly](QFuture<QAsyncSqliteTransactionHandle> done) {
        if (const auto failure = QAsyncSqlite::errorOf(done)) {
            outer.reject.call({owner->m_promises.rejection(*failure)});
            return;
        }
        auto *tx = new QAsyncSqliteQmlTransaction(owner, done.takeResult(), readOnly);
        const QJSValue jsTx = qjsEngine(owner)->newQObject(tx);
        outer.resolve.call({owner->m_promises.runTransaction(fn, jsTx, jsTx.property(u"finish"_s))});
    });
    return outer.promise;
}

bool QAsyncSqliteQmlTransaction::refuses(const QString &method, const QJSValue &extra)
{
    if (!m_owner) {
        if (QJSEngine *engine = qjsEngine(this))
            engine->throwError(u"AsyncSqliteTransaction.%1(): its AsyncSqlite was destroyed"_s.arg(method));
        return true;
    }
    return m_owner->tooManyArguments(method, extra);
}

template<typename T>
void QAsyncSqliteQmlTransaction::track(const QFuture<T> &future)
{
    ++m_pending;
    m_promises.whenFinished(future, [this](const QFuture<T> &done) {
        --m_pending;
        if (const auto failure = QAsyncSqlite::errorOf(done); failure && !m_firstFailure)
            m_firstFailure = failure;
        settle();
    });
}

QJSValue QAsyncSqliteQmlTransaction::execute(const QJSValue &sql, const QJSValue &params, const QJSValue &extra)
{
    if (refuses(u"execute"_s, extra))
        return {};
    QString text;
    Params bound;
    if (const QString problem = QAsyncSqliteQml::statementFromJs(u"execute"_s, sql, params, text, bound);
        !problem.isEmpty()) {
        return m_owner->typeError(problem);
    }
    const QFuture<QVariantList> future = std::visit(
            [&](const auto &p) {
                return m_handle.execute(text, p);
            },
            bound);
    track(future);
    return m_promises.promiseFor(future, [owner = m_owner, text](const QFuture<QVariantList> &f) {
        return owner ? owner->rowsToJs(text, f.result()) : QJSValue();
    });
}

QJSValue QAsyncSqliteQmlTransaction::executeInsert(const QJSValue &sql, const QJSValue &params, const QJSValue &extra)
{
    if (refuses(u"executeInsert"_s, extra))
        return {};
    QString text;
    Params bound;
    if (const QString problem = QAsyncSqliteQml::statementFromJs(u"executeInsert"_s, sql, params, text, bound);
        !problem.isEmpty()) {
        return m_owner->typeError(problem);
    }
    const QFuture<qint64> future = std::visit(
            [&](const auto &p) {
                return m_handle.executeInsert(text, p);
            },
            bound);
    track(future);
    return m_promises.promiseFor(future, [engine = qjsEngine(this)](const QFuture<qint64> &f) {
        return QAsyncSqliteQml::toJs(engine, f.result());
    });
}

QJSValue QAsyncSqliteQmlTransaction::executeMany(const QJSValue &sql, const QJSValue &paramSets, const QJSValue &extra)
{
    if (refuses(u"executeMany"_s, extra))
        return {};
    QList<QVariantList> sets;
    if (const QString problem = QAsyncSqliteQml::paramSetsFromJs(u"executeMany"_s, sql, paramSets, sets);
        !problem.isEmpty()) {
        return m_owner->typeError(problem);
    }
    const QFuture<qint64> future = m_handle.executeMany(sql.toString(), sets);
    track(future);
    return m_promises.promiseFor(future, [engine = qjsEngine(this)](const QFuture<qint64> &f) {
        return QAsyncSqliteQml::toJs(engine, f.result());
    });
}

QJSValue QAsyncSqliteQmlTransaction::transaction(const QJSValue &fn, const QJSValue &extra)
{
    if (refuses(u"transaction"_s, extra))
        return {};
    if (!fn.isCallable())
        return m_owner->typeError(u"transaction(): expects a function, not %1"_s.arg(QAsyncSqliteQml::typeName(fn)));
    const QFuture<QAsyncSqliteTransactionHandle> begun = m_handle.begin();
    track(begun);
    return run(m_owner, begun, fn, m_readOnly);
}

QJSValue QAsyncSqliteQmlTransaction::finish(bool ok, const QJSValue &value)
{
    if (m_finishing) { // only the driver calls this, once
        const QAsyncSqliteQml::Promises::Deferred again = m_promises.defer();
        again.reject.call({value});
        return again.promise;
    }
    m_finished = m_promises.defer();
    const QJSValue promise = m_finished.promise; // settle() may take m_finished at once
    m_finishing = true;
    m_finishOk = ok;
    m_finishValue = value;
    Q_EMIT activeChanged();
    settle();
    return promise;
}

void QAsyncSqliteQmlTransaction::settle()
{
    // Decided once fn is done and every request made through it finished.
    if (!m_finishing || m_pending > 0 || !m_finished.promise.isObject())
        return;
    const QAsyncSqliteQml::Promises::Deferred finished = std::exchange(m_finished, {});
    if (m_finishOk && !m_firstFailure) {
        m_promises.whenFinished(m_handle.commit(), [this, finished](const QFuture<void> &committed) {
            if (const auto failure = QAsyncSqlite::errorOf(committed)) {
                m_handle.rollback(); // a failed COMMIT leaves it open
                finished.reject.call({m_promises.rejection(*failure)});
            } else {
                finished.resolve.call({m_finishValue});
            }
            ended();
        });
        return;
    }
    // fn's own failure, else the first failed request's (reported already).
    const QJSValue reason = m_finishOk ? m_promises.errorObject(*m_firstFailure) : m_finishValue;
    m_promises.whenFinished(m_handle.rollback(), [this, finished, reason](const QFuture<void> &) {
        finished.reject.call({reason});
        ended();
    });
}

void QAsyncSqliteQmlTransaction::ended()
{
    m_finishValue = QJSValue();
    setParent(nullptr); // now the script's, or garbage
}

// ---------------------------------------------------------------------------
// AsyncSqlite's side

QJSValue QAsyncSqliteQmlConnection::readTransaction(const QJSValue &fn, const QJSValue &options)
{
    return transactionWith(u"readTransaction"_s, fn, options, true);
}

QJSValue QAsyncSqliteQmlConnection::transactionWith(const QString &method, const QJSValue &fn, const QJSValue &options,
                                                    bool readOnly)
{
    if (!fn.isCallable())
        return typeError(u"%1(): expects a function, not %2"_s.arg(method, QAsyncSqliteQml::typeName(fn)));
    QAsyncSqliteTransactionOptions converted{.readOnly = readOnly};
    if (readOnly)
        converted.mode = QAsyncSqlite::TransactionMode::Deferred; // no write lock for readers
    if (!options.isUndefined()) {
        if (!options.isObject() || options.isArray() || options.isCallable())
            return typeError(
                    u"%1(): the options must be an object, not %2"_s.arg(method, QAsyncSqliteQml::typeName(options)));
        const QJSValue mode = options.property(u"mode"_s);
        if (!mode.isUndefined()) {
            static const QHash<QString, QAsyncSqlite::TransactionMode> modes{
                    {u"deferred"_s, QAsyncSqlite::TransactionMode::Deferred},
                    {u"immediate"_s, QAsyncSqlite::TransactionMode::Immediate},
                    {u"exclusive"_s, QAsyncSqlite::TransactionMode::Exclusive}};
            if (!mode.isString() || !modes.contains(mode.toString()))
                return typeError(u"%1(): mode must be \"deferred\", \"immediate\" or \"exclusive\""_s.arg(method));
            converted.mode = modes.value(mode.toString());
        }
        const QJSValue idle = options.property(u"idleTimeout"_s);
        if (!idle.isUndefined()) {
            if (!idle.isNumber() || !std::isfinite(idle.toNumber()))
                return typeError(u"%1(): idleTimeout must be a number of milliseconds"_s.arg(method));
            converted.idleTimeout = std::chrono::milliseconds(qint64(idle.toNumber()));
        }
    }
    return QAsyncSqliteQmlTransaction::run(this, m_connection->begin(converted), fn, readOnly);
}
