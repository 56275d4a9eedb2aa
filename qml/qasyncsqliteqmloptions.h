// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLOPTIONS_H
#define QASYNCSQLITEQMLOPTIONS_H

#include <QAsyncSqlite/qasyncsqliteoptions.h>

#include <QtCore/qstringlist.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>

/*!
    \qmlvaluetype asyncSqliteOptions
    \inqmlmodule QAsyncSqlite
    \brief How AsyncSqlite opens its database (AsyncSqlite::options).

    Set it member by member, with completion in tools:
    \qml
    AsyncSqlite {
        options.busyTimeout: 2000
        options.pragmas: ["journal_mode=WAL"]
    }
    \endqml
    or as a JavaScript object, where keys left out keep their defaults:
    \c{options: ({ busyTimeout: 2000, pragmas: ["journal_mode=WAL"] })}.
*/
class QAsyncSqliteQmlOptions
{
    Q_GADGET
    QML_VALUE_TYPE(asyncSqliteOptions)
#ifdef QML_STRUCTURED_VALUE
    // Qt >= 6.5: tools know the members of an object literal, and the engine
    // builds the value with the JS-object constructor below, which warns
    // about unknown keys (its structured construction drops them silently).
    QML_STRUCTURED_VALUE
    QML_CONSTRUCTIBLE_VALUE
#endif
    /*! Milliseconds a statement waits for another connection's lock (default 5000). */
    Q_PROPERTY(int busyTimeout MEMBER busyTimeout)
    /*! \c "deferred" (default), \c "immediate", \c "exclusive" or \c "autocommit". */
    Q_PROPERTY(QString isolationLevel MEMBER isolationLevel)
    /*! PRAGMAs run right after opening, e.g. \c "journal_mode=WAL". */
    Q_PROPERTY(QStringList pragmas MEMBER pragmas)
    /*! Open read-only. */
    Q_PROPERTY(bool readOnly MEMBER readOnly)
    /*! Create the file if it is missing (default true). */
    Q_PROPERTY(bool create MEMBER create)
    /*! Create the missing parent directories of the file (default false). */
    Q_PROPERTY(bool createDirectories MEMBER createDirectories)
    /*! \c database is an SQLite \c file: URI. */
    Q_PROPERTY(bool uri MEMBER uri)
    /*! Prepared statements kept (default 128). */
    Q_PROPERTY(int cachedStatements MEMBER cachedStatements)
    /*! Read-only connections next to the element's own, on the same WAL
        file, that run read-only queries in parallel (default 0;
        QAsyncSqliteOptions::readers, doc/readers.md). */
    Q_PROPERTY(int readers MEMBER readers)

public:
    QAsyncSqliteQmlOptions() = default;
    /*! From a JS object such as \c{{ busyTimeout: 2000 }}; warns about keys it
        does not know and values of the wrong type, and leaves those out. */
    Q_INVOKABLE QAsyncSqliteQmlOptions(const QJSValue &object);

    /*! The connection's open options (all but createDirectories, which the
        element applies itself); warns about an unknown isolationLevel. */
    QAsyncSqliteOptions toConnectionOptions() const;

    int busyTimeout = 5000;
    QString isolationLevel = QStringLiteral("deferred");
    QStringList pragmas;
    bool readOnly = false;
    bool create = true;
    bool createDirectories = false;
    bool uri = false;
    int cachedStatements = 128;
    int readers = 0;

    friend bool operator==(const QAsyncSqliteQmlOptions &, const QAsyncSqliteQmlOptions &) = default;
};

#endif // QASYNCSQLITEQMLOPTIONS_H
