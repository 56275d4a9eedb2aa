// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLCONNECTION_H
#define QASYNCSQLITEQMLCONNECTION_H

#include <QAsyncSqlite/qasyncsqliteconnection.h>
#include <QAsyncSqlite/qasyncsqlitequerymodel.h>

#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>
#include <QtQml/qqmlparserstatus.h>

/*!
    \qmltype AsyncSqlite
    \inqmlmodule QAsyncSqlite
    \brief An SQLite database whose queries never block the UI.

    Opens \l database when the component is complete (and again whenever it
    changes). Every asynchronous method returns a JavaScript \c Promise that
    settles exactly once, on the engine's thread, and never after this item
    is destroyed.

    \qml
    AsyncSqlite {
        id: db
        database: "notes.db"
        options: ({ pragmas: ["journal_mode=WAL"] })
        onOpened: db.execute("SELECT count(*) AS n FROM notes").then(rows => console.log(rows[0].n))
    }
    \endqml

    Values: SQL NULL is \c null, INTEGER a number (a string beyond ±2^53, so
    no digit is lost), REAL a number, TEXT a string, BLOB an \c ArrayBuffer.
    Parameters take the same types plus booleans and \c Date. Rejections are
    \c Error objects with \c code (SQLite's extended result code), \c name
    (e.g. \c "SQLITE_CONSTRAINT_UNIQUE"), \c message and \c sql. A call with
    arguments of the wrong type, or with too few or too many, throws a
    \c TypeError at once and queues nothing.

    It is a QAsyncSqliteConnection, so \c AsyncSqliteQueryModel takes it as
    its \c connection, and the connection's signals (\c opened, \c closed,
    \c committed, \c rolledBack, \c tablesChanged(tables)) and properties
    (\c inTransaction, \c totalChanges) are available.
*/
class QAsyncSqliteQmlConnection : public QAsyncSqliteConnection, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(AsyncSqlite)
    /*! The database path (relative to the working directory), \c ":memory:",
        or a \c file: URI with \c options.uri. */
    Q_PROPERTY(QString database READ databaseName WRITE setDatabaseName NOTIFY databaseNameChanged)
    /*! Open options: \c busyTimeout (ms), \c isolationLevel (\c "deferred",
        \c "immediate", \c "exclusive", \c "autocommit"), \c pragmas (array of
        strings), \c readOnly, \c create (default true), \c uri,
        \c cachedStatements. Applied at the next open. */
    Q_PROPERTY(QVariantMap options READ qmlOptions WRITE setQmlOptions NOTIFY qmlOptionsChanged)
    /*! True between \c opened and \c closed. */
    Q_PROPERTY(bool ready READ isReady NOTIFY readyChanged)
    /*! The last error as {code, name, message, sql}, or an empty object. */
    Q_PROPERTY(QVariantMap lastError READ lastError NOTIFY lastErrorChanged)

public:
    explicit QAsyncSqliteQmlConnection(QObject *parent = nullptr);
    ~QAsyncSqliteQmlConnection() override;

    QString databaseName() const { return m_databaseName; }
    void setDatabaseName(const QString &name);
    QVariantMap qmlOptions() const { return m_options; }
    void setQmlOptions(const QVariantMap &options);
    bool isReady() const { return m_ready; }
    QVariantMap lastError() const { return m_lastError; }

    // Every argument has a default so that a missing one reaches our own
    // checks (a TypeError) instead of the engine's overload error; the
    // trailing `extra` catches one argument too many (also a TypeError).

    /*! Runs one statement; resolves to an array of row objects keyed by
        column name. \a params is an array (for \c ?) or an object (for
        \c :name). */
    Q_INVOKABLE QJSValue execute(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                  const QJSValue &extra = QJSValue());
    /*! Runs an INSERT; resolves to the new rowid. */
    Q_INVOKABLE QJSValue executeInsert(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                        const QJSValue &extra = QJSValue());
    /*! Runs one DML statement per element of \a paramSets (an array of
        arrays or objects); resolves to the number of rows changed. */
    Q_INVOKABLE QJSValue executeMany(const QJSValue &sql = QJSValue(), const QJSValue &paramSets = QJSValue(),
                                      const QJSValue &extra = QJSValue());
    /*! Runs an SQL script; resolves to \c undefined. */
    Q_INVOKABLE QJSValue executeScript(const QJSValue &script = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Runs \a statements (an array of {sql, params}) atomically: all or
        nothing. Resolves to an array with each statement's rows. */
    Q_INVOKABLE QJSValue transaction(const QJSValue &statements = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Commits the open transaction, if any. */
    Q_INVOKABLE QJSValue commit(const QJSValue &extra = QJSValue());
    /*! Rolls back the open transaction, if any. */
    Q_INVOKABLE QJSValue rollback(const QJSValue &extra = QJSValue());
    /*! Closes after everything queued before it; resolves when closed. */
    Q_INVOKABLE QJSValue close(const QJSValue &extra = QJSValue());
    /*! Copies the database to the file at \a path. */
    Q_INVOKABLE QJSValue backup(const QJSValue &path = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Stops the statement running now; its promise rejects with
        SQLITE_INTERRUPT. */
    Q_INVOKABLE void interrupt(const QJSValue &extra = QJSValue());

    void classBegin() override {}
    void componentComplete() override;

Q_SIGNALS:
    void databaseNameChanged();
    void qmlOptionsChanged();
    void readyChanged();
    void lastErrorChanged();
    /*! A request failed; \a err is the same Error object its promise rejects with. */
    void error(const QJSValue &err);

private:
    struct Deferred
    {
        QJSValue promise;
        QJSValue resolve;
        QJSValue reject;
    };
    QJSValue helpers();
    Deferred makeDeferred();
    // Settles a new promise from \a future with \a toJs(result) or its error.
    template <typename T, typename ToJs>
    QJSValue promiseFor(const QFuture<T> &future, ToJs &&toJs);
    QJSValue promiseFor(const QFuture<void> &future);
    QJSValue rejectionFor(const QFuture<void> &future) const;
    QJSValue errorObject(const QAsyncSqliteError &error);
    QJSValue typeError(const QString &message);
    bool tooManyArguments(const QString &method, const QJSValue &extra);
    void reopen();
    void setReady(bool ready);

    QString m_databaseName;
    QVariantMap m_options;
    QVariantMap m_lastError;
    QJSValue m_helpers;   // JS functions evaluated once in our engine
    bool m_complete = false;
    bool m_ready = false;
};

// Registers the C++ model under its QML name.
struct QAsyncSqliteQueryModelForeign
{
    Q_GADGET
    QML_FOREIGN(QAsyncSqliteQueryModel)
    QML_NAMED_ELEMENT(AsyncSqliteQueryModel)
};

#endif // QASYNCSQLITEQMLCONNECTION_H
