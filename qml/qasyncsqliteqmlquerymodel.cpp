// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlquerymodel.h"

#include "qasyncsqliteqmlconnection.h"
#include "qasyncsqliteqmlglobal.h"

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
