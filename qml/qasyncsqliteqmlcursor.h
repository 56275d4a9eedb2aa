// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLCURSOR_H
#define QASYNCSQLITEQMLCURSOR_H

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qstringlist.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>

class QAsyncSqliteCursor;
class QAsyncSqliteQmlAbortSignal;
class QAsyncSqliteQmlConnection;

/*!
    \qmltype AsyncSqliteCursor
    \inqmlmodule QAsyncSqlite
    \brief A statement and its pending rows (C++ QAsyncSqliteCursor), given
    by AsyncSqlite::cursor().

    \qml
    db.cursor("SELECT id, title FROM notes ORDER BY id").then(cursor =>
        cursor.fetchMany(100).then(rows => { show(rows); return cursor.close() }))
    \endqml

    Its requests queue on the element's connection like any other. Rows are
    objects as AsyncSqlite::execute() gives them. The signal given to
    cursor() cancels the cursor's requests too. Once closed (or once the
    element is gone) every method rejects. Garbage collection closes a
    cursor that was not closed.
*/
class QAsyncSqliteQmlCursor : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(AsyncSqliteCursor)
    QML_UNCREATABLE("An AsyncSqliteCursor comes from AsyncSqlite.cursor().")
    /*! The result's column names. */
    Q_PROPERTY(QStringList columns READ columns CONSTANT)
    /*! Rows fetchMany() fetches when called without a size (1). */
    Q_PROPERTY(int arraySize READ arraySize WRITE setArraySize NOTIFY arraySizeChanged)

public:
    QAsyncSqliteQmlCursor(QAsyncSqliteQmlConnection *element, QAsyncSqliteCursor *cursor, const QString &sql,
                          QAsyncSqliteQmlAbortSignal *signal);
    // Closes the C++ cursor (queued), unless close() did.
    ~QAsyncSqliteQmlCursor() override;

    QStringList columns() const;
    int arraySize() const;
    void setArraySize(int size);

    /*! Resolves to the next row, or \c null after the last. */
    Q_INVOKABLE QJSValue fetchOne(const QJSValue &extra = QJSValue());
    /*! Resolves to an array of up to \a size rows (default arraySize; 0: all
        remaining). */
    Q_INVOKABLE QJSValue fetchMany(const QJSValue &size = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Resolves to an array of all remaining rows. */
    Q_INVOKABLE QJSValue fetchAll(const QJSValue &extra = QJSValue());
    /*! Finalizes the statement; resolves to \c undefined. Later requests reject. */
    Q_INVOKABLE QJSValue close(const QJSValue &extra = QJSValue());

Q_SIGNALS:
    void arraySizeChanged();

private:
    // Throws a TypeError (returns true) for an argument too many.
    bool tooManyArguments(const QString &method, const QJSValue &extra);
    QJSValue rows(const QVariantList &rows);

    QPointer<QAsyncSqliteQmlConnection> m_element;
    QPointer<QAsyncSqliteCursor> m_cursor; // a child of the element's connection
    QString m_sql;
    QPointer<QAsyncSqliteQmlAbortSignal> m_signal;
};

#endif // QASYNCSQLITEQMLCURSOR_H
