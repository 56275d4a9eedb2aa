// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlcursor.h"

#include "qasyncsqliteqmlabort.h"
#include "qasyncsqliteqmlargs.h"
#include "qasyncsqliteqmlconnection.h"
#include "qasyncsqliteqmlvalues.h"

#include <QAsyncSqlite/qasyncsqlitecursor.h>

#include <QtQml/qjsengine.h>

#include <variant>

using namespace Qt::StringLiterals;
using QAsyncSqliteQml::typeName;

QAsyncSqliteQmlCursor::QAsyncSqliteQmlCursor(QAsyncSqliteQmlConnection *element, QAsyncSqliteCursor *cursor,
                                             const QString &sql, QAsyncSqliteQmlAbortSignal *signal)
    : m_element(element), m_cursor(cursor), m_sql(sql), m_signal(signal)
{
}

QAsyncSqliteQmlCursor::~QAsyncSqliteQmlCursor()
{
    delete m_cursor.data(); // its destructor queues close() unless we did
}

QStringList QAsyncSqliteQmlCursor::columns() const
{
    QStringList names;
    if (m_cursor) {
        for (const QAsyncSqliteColumn &column : m_cursor->description())
            names.append(column.name);
    }
    return names;
}

int QAsyncSqliteQmlCursor::arraySize() const
{
    return m_cursor ? m_cursor->arraySize() : 1;
}

void QAsyncSqliteQmlCursor::setArraySize(int size)
{
    if (m_cursor && size != m_cursor->arraySize()) {
        m_cursor->setArraySize(size);
        Q_EMIT arraySizeChanged();
    }
}

bool QAsyncSqliteQmlCursor::tooManyArguments(const QString &method, const QJSValue &extra)
{
    QJSEngine *engine = qjsEngine(this);
    if (!engine)
        return true;
    if (!m_element || !m_cursor) {
        // No element, no promises: its engine-side settling went with it.
        engine->throwError(u"AsyncSqliteCursor.%1(): its AsyncSqlite was destroyed"_s.arg(method));
        return true;
    }
    if (extra.isUndefined())
        return false;
    engine->throwError(QJSValue::TypeError, u"%1(): too many arguments"_s.arg(method));
    return true;
}

QJSValue QAsyncSqliteQmlCursor::rows(const QVariantList &rows)
{
    return m_element ? m_element->rowsToJs(m_sql, rows) : QJSValue();
}

QJSValue QAsyncSqliteQmlCursor::fetchOne(const QJSValue &extra)
{
    if (tooManyArguments(u"fetchOne"_s, extra))
        return {};
    const QFuture<QVariant> row = m_cursor->fetchOne();
    if (m_signal)
        m_signal->watch(row);
    return m_element->m_promises.promiseFor(row, [self = QPointer(this)](const QFuture<QVariant> &done) {
        const QVariant value = done.result();
        if (!value.isValid() || !self)
            return QJSValue(QJSValue::NullValue);
        return self->rows({value}).property(0);
    });
}

QJSValue QAsyncSqliteQmlCursor::fetchMany(const QJSValue &size, const QJSValue &extra)
{
    if (tooManyArguments(u"fetchMany"_s, extra))
        return {};
    if (!size.isUndefined() && (!QAsyncSqliteQml::isWholeNumber(size) || size.toNumber() < 0)) {
        qjsEngine(this)->throwError(
                QJSValue::TypeError,
                u"fetchMany(): the size must be a whole number from 0 on, not %1"_s.arg(size.toString()));
        return {};
    }
    const QFuture<QVariantList> chunk = m_cursor->fetchMany(size.isUndefined() ? -1 : size.toInt());
    if (m_signal)
        m_signal->watch(chunk);
    return m_element->m_promises.promiseFor(chunk, [self = QPointer(this)](const QFuture<QVariantList> &done) {
        return self ? self->rows(done.result()) : QJSValue();
    });
}

QJSValue QAsyncSqliteQmlCursor::fetchAll(const QJSValue &extra)
{
    if (tooManyArguments(u"fetchAll"_s, extra))
        return {};
    const QFuture<QVariantList> all = m_cursor->fetchAll();
    if (m_signal)
        m_signal->watch(all);
    return m_element->m_promises.promiseFor(all, [self = QPointer(this)](const QFuture<QVariantList> &done) {
        return self ? self->rows(done.result()) : QJSValue();
    });
}

QJSValue QAsyncSqliteQmlCursor::close(const QJSValue &extra)
{
    if (tooManyArguments(u"close"_s, extra))
        return {};
    return m_element->m_promises.promiseFor(m_cursor->close());
}

QJSValue QAsyncSqliteQmlConnection::cursor(const QJSValue &sql, const QJSValue &params, const QJSValue &options,
                                           const QJSValue &extra)
{
    if (tooManyArguments(u"cursor"_s, extra))
        return {};
    QString text;
    QAsyncSqliteQml::Params bound;
    if (const QString problem = QAsyncSqliteQml::statementFromJs(u"cursor"_s, sql, params, text, bound);
        !problem.isEmpty()) {
        return typeError(problem);
    }
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    const QString problem = QAsyncSqliteQml::readOptions(
            u"cursor"_s, options, u"{signal}"_s, [&signal](const QString &key, const QJSValue &value) {
                if (key == u"signal"_s)
                    return QAsyncSqliteQml::abortSignalOption(value, signal);
                return u"unknown option %1"_s.arg(key);
            });
    if (!problem.isEmpty())
        return typeError(problem);
    if (signal && signal->isAborted()) // queue nothing
        return m_promises.promiseFor(QAsyncSqliteQml::canceledFuture());

    QAsyncSqliteCursor *cursor = m_connection->cursor();
    const QFuture<void> executed = std::visit(
            [&](const auto &p) {
                return cursor->execute(text, p);
            },
            bound);
    if (signal)
        signal->watch(executed);
    // Owned by this element until it is handed to JS (whose garbage
    // collector then owns it), so a pending cursor goes with the element.
    auto *wrapper = new QAsyncSqliteQmlCursor(this, cursor, text, signal);
    wrapper->setParent(this);
    const QAsyncSqliteQml::Promises::Deferred deferred = m_promises.defer();
    if (deferred.promise.isUndefined()) {
        delete wrapper;
        return {};
    }
    m_promises.whenFinished(executed, [this, wrapper, deferred](const QFuture<void> &done) {
        if (const QJSValue failure = m_promises.rejectionFor(done); !failure.isUndefined()) {
            delete wrapper;
            deferred.reject.call({failure});
            return;
        }
        wrapper->setParent(nullptr);
        QJSEngine *engine = qjsEngine(this);
        QJSEngine::setObjectOwnership(wrapper, QJSEngine::JavaScriptOwnership);
        deferred.resolve.call({engine->newQObject(wrapper)});
    });
    return deferred.promise;
}
