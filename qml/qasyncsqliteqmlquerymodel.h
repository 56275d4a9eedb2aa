// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLQUERYMODEL_H
#define QASYNCSQLITEQMLQUERYMODEL_H

#include <QAsyncSqlite/qasyncsqlitequerymodel.h>

#include <QtQml/qqml.h>

/*!
    \qmltype AsyncSqliteQueryModel
    \inqmlmodule QAsyncSqlite
    \brief QAsyncSqliteQueryModel in QML: a list model over one SELECT.

    The C++ model as is, except that \c error is a \c var, so that tools
    accept \c model.error.message (Qt 6.4's know no members of a QVariantMap).
    See doc/qml.md.
*/
class QAsyncSqliteQmlQueryModel : public QAsyncSqliteQueryModel
{
    Q_OBJECT
    QML_NAMED_ELEMENT(AsyncSqliteQueryModel)
    /*! \c {code, name, message} of the last failed load; \c {} after a successful one. */
    Q_PROPERTY(QVariant error READ qmlError NOTIFY errorChanged)

public:
    using QAsyncSqliteQueryModel::QAsyncSqliteQueryModel;
    QVariant qmlError() const { return error(); }
};

#endif // QASYNCSQLITEQMLQUERYMODEL_H
