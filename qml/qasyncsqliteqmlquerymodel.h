// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLQUERYMODEL_H
#define QASYNCSQLITEQMLQUERYMODEL_H

#include <QAsyncSqlite/qasyncsqlitequerymodel.h>

#include <QtCore/qpointer.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>

class QAsyncSqliteQmlConnection;

/*!
    \qmltype AsyncSqliteQueryModel
    \inqmlmodule QAsyncSqlite
    \brief QAsyncSqliteQueryModel in QML: a list model over one SELECT.

    The C++ model, except for properties that QML sees differently (the
    C++ accessors of the base class stay as they are):
    \list
    \li \c connection takes an \c AsyncSqlite element (the model queries
        its AsyncSqlite::connection) or a QAsyncSqliteConnection;
    \li \c parameters takes JavaScript values, converted as AsyncSqlite
        converts its parameters (a \c Date binds as ISO 8601 text …);
    \li \c lastError (and \c error, its former name) is a \c var, so that
        tools accept \c model.lastError.message (Qt 6.4's know no members of
        a QVariantMap); its shape is AsyncSqlite::lastError's.
    \endlist
    See doc/qml.md.
*/
class QAsyncSqliteQmlQueryModel : public QAsyncSqliteQueryModel
{
    Q_OBJECT
    QML_NAMED_ELEMENT(AsyncSqliteQueryModel)
    /*! The \c AsyncSqlite to query (or a QAsyncSqliteConnection); not owned. */
    Q_PROPERTY(QObject *connection READ qmlConnection WRITE setQmlConnection NOTIFY connectionChanged)
    /*! An array for \c ? or an object for \c :name; setting it reloads. */
    Q_PROPERTY(QJSValue parameters READ qmlParameters WRITE setQmlParameters NOTIFY parametersChanged)
    /*! \c {className, code, name, message, sql} of the last failed load; \c {}
        after a successful one. */
    Q_PROPERTY(QVariant lastError READ qmlLastError NOTIFY lastErrorChanged)
    /*! The former name of \c lastError. */
    Q_PROPERTY(QVariant error READ qmlLastError NOTIFY errorChanged)

public:
    using QAsyncSqliteQueryModel::QAsyncSqliteQueryModel;

    QObject *qmlConnection() const;
    void setQmlConnection(QObject *connection);
    QJSValue qmlParameters() const;
    void setQmlParameters(const QJSValue &parameters);
    QVariant qmlLastError() const { return lastError(); }

private:
    // The element set as `connection`, which reads back as it was set.
    QPointer<QAsyncSqliteQmlConnection> m_element;
};

#endif // QASYNCSQLITEQMLQUERYMODEL_H
