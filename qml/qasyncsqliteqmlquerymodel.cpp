// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlquerymodel.h"

#include "qasyncsqliteqmlconnection.h"
#include "qasyncsqliteqmlglobal.h"
#include "qasyncsqliteqmlvalues.h"

#include <QtQml/qjsengine.h>

using namespace Qt::StringLiterals;

QObject *QAsyncSqliteQmlQueryModel::qmlConnection() const
{
    if (m_element && m_element->connection() == connection())
        return m_element;
    return connection();
}

void QAsyncSqliteQmlQueryModel::setQmlConnection(QObject *object)
{
    m_element = qobject_cast<QAsyncSqliteQmlConnection *>(object);
    QAsyncSqliteConnection *queried =
            m_element ? m_element->connection() : qobject_cast<QAsyncSqliteConnection *>(object);
    if (object && !queried)
        qCWarning(lcQml) << "AsyncSqliteQueryModel: connection must be an AsyncSqlite, not" << object;
    setConnection(queried);
}

QJSValue QAsyncSqliteQmlQueryModel::qmlParameters() const
{
    const QVariant current = parameters();
    QJSEngine *engine = qjsEngine(this);
    if (!current.isValid() || !engine)
        return {};
    return QAsyncSqliteQml::toJs(engine, current);
}

// The C++ model takes a QVariantList or a QVariantMap; JS values become
// those here, by AsyncSqlite's rules, so that the core knows nothing of QML.
void QAsyncSqliteQmlQueryModel::setQmlParameters(const QJSValue &parameters)
{
    if (parameters.isUndefined() || parameters.isNull()) {
        setParameters(QVariant());
        return;
    }
    QAsyncSqliteQml::Params params;
    const QString problem = QAsyncSqliteQml::paramsFromJs(u"AsyncSqliteQueryModel.parameters"_s, parameters, params);
    if (!problem.isEmpty()) {
        // No exception to throw from a property: say why, and let the load
        // fail on what the C++ model cannot bind (it reports it in `lastError`).
        qCWarning(lcQml).noquote() << problem;
    }
    setParameters(std::visit(
            [](const auto &p) {
                return QVariant(p);
            },
            params));
}
