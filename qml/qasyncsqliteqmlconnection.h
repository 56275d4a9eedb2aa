// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLCONNECTION_H
#define QASYNCSQLITEQMLCONNECTION_H

#include "qasyncsqliteqmlabort.h"
#include "qasyncsqliteqmlargs.h"
#include "qasyncsqliteqmloptions.h"
#include "qasyncsqliteqmlpromises.h"

#include <QAsyncSqlite/qasyncsqliteconnection.h>

#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>
#include <QtQml/qqmlparserstatus.h>

#include <QtCore/qset.h>

/* The enumerations AsyncSqlite's properties take, for QML as
   AsyncSqlite.Immediate …: copies of QAsyncSqlite's (checked below), because
   QML would register all of that namespace's names unscoped too, where
   OpenMode::ReadOnly and BlobMode::ReadOnly clash. */
namespace QAsyncSqliteQmlEnums {
Q_NAMESPACE
enum class IsolationLevel {
    Deferred,
    Immediate,
    Exclusive,
    Autocommit
};
Q_ENUM_NS(IsolationLevel)
enum class RowFactory {
    Tuple,
    Row,
    Map
};
Q_ENUM_NS(RowFactory)
enum class TextFactory {
    String,
    Bytes
};
Q_ENUM_NS(TextFactory)
// SQLite's run-time limit categories (SQLITE_LIMIT_*), for limit() and
// setLimit(): AsyncSqlite.LimitLength … Their values are SQLite's.
enum class Limit {
    LimitLength,
    LimitSqlLength,
    LimitColumn,
    LimitExprDepth,
    LimitCompoundSelect,
    LimitVdbeOp,
    LimitFunctionArg,
    LimitAttached,
    LimitLikePatternLength,
    LimitVariableNumber,
    LimitTriggerDepth,
    LimitWorkerThreads
};
Q_ENUM_NS(Limit)
} // namespace QAsyncSqliteQmlEnums

static_assert(int(QAsyncSqliteQmlEnums::IsolationLevel::Deferred) == int(QAsyncSqlite::IsolationLevel::Deferred)
              && int(QAsyncSqliteQmlEnums::IsolationLevel::Immediate) == int(QAsyncSqlite::IsolationLevel::Immediate)
              && int(QAsyncSqliteQmlEnums::IsolationLevel::Exclusive) == int(QAsyncSqlite::IsolationLevel::Exclusive)
              && int(QAsyncSqliteQmlEnums::IsolationLevel::Autocommit) == int(QAsyncSqlite::IsolationLevel::Autocommit)
              && int(QAsyncSqliteQmlEnums::RowFactory::Tuple) == int(QAsyncSqlite::RowFactory::Tuple)
              && int(QAsyncSqliteQmlEnums::RowFactory::Row) == int(QAsyncSqlite::RowFactory::Row)
              && int(QAsyncSqliteQmlEnums::RowFactory::Map) == int(QAsyncSqlite::RowFactory::Map)
              && int(QAsyncSqliteQmlEnums::TextFactory::String) == int(QAsyncSqlite::TextFactory::String)
              && int(QAsyncSqliteQmlEnums::TextFactory::Bytes) == int(QAsyncSqlite::TextFactory::Bytes));

// Describes QAsyncSqlite's enumerations to tools, as the types of the
// properties of AsyncSqlite.connection (isolationLevel …) and of the
// element's own that forward them; QML code uses the copies above.
// The class info QML_ANONYMOUS stands for: from Qt 6.5 on the macro also
// declares friends, which a namespace cannot.
namespace QAsyncSqliteForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(QAsyncSqlite)
Q_CLASSINFO("QML.Element", "anonymous")
} // namespace QAsyncSqliteForeign

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
        options.pragmas: ["journal_mode=WAL"]
        onOpened: db.execute("SELECT count(*) AS n FROM notes").then(rows => console.log(rows[0].n))
    }
    \endqml

    Values: SQL NULL is \c null, INTEGER a number (a string beyond ±2^53, so
    no digit is lost), REAL a number, TEXT a string, BLOB an \c ArrayBuffer.
    Parameters take the same types plus booleans and \c Date (bound as
    ISO 8601 text with its UTC offset). Rejections are \c Error objects with
    \c code (SQLite's extended result code), \c name (e.g.
    \c "SQLITE_CONSTRAINT_UNIQUE"), \c message and \c sql. A call with
    arguments of the wrong type, or with too few or too many, throws a
    \c TypeError at once and queues nothing.

    It owns a QAsyncSqliteConnection, \l connection, whose signals
    (\c opened, \c closed, \c committed, \c rolledBack,
    \c tablesChanged(tables)) and properties (\c inTransaction,
    \c isolationLevel …) it forwards. \c AsyncSqliteQueryModel takes the
    element as its \c connection. C++ code reaches the connection itself
    through connection(), e.g. to register a function. See doc/qml.md.
*/
class QAsyncSqliteQmlConnection : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(AsyncSqlite)
    QML_EXTENDED_NAMESPACE(QAsyncSqliteQmlEnums)
    /*! The database: a path (relative to the working directory), a \c file:
        URL (what \c StandardPaths.writableLocation() gives), \c ":memory:",
        or an SQLite \c file: URI with \c options.uri. */
    Q_PROPERTY(QString database READ databaseName WRITE setDatabaseName NOTIFY databaseNameChanged)
    /*! Open options, applied at the next open. */
    Q_PROPERTY(QAsyncSqliteQmlOptions options READ qmlOptions WRITE setQmlOptions NOTIFY qmlOptionsChanged)
    /*! True between \c opened and \c closed. */
    Q_PROPERTY(bool ready READ isReady NOTIFY readyChanged)
    /*! The last error as {code, name, message, sql}, or an empty object.
        (A \c var, unlike QVariantMap, lets tools accept \c lastError.code.) */
    Q_PROPERTY(QVariant lastError READ lastError NOTIFY lastErrorChanged)
    /*! The connection the element opens and forwards to (owned, never null). */
    Q_PROPERTY(QAsyncSqliteConnection *connection READ connection CONSTANT)
    /*! QAsyncSqliteConnection::inTransaction. */
    Q_PROPERTY(bool inTransaction READ inTransaction NOTIFY inTransactionChanged)
    /*! QAsyncSqliteConnection::totalChanges as a JS number: Qt 6.4's
        tools do not know \c qint64. */
    Q_PROPERTY(double totalChanges READ totalChanges NOTIFY totalChangesChanged)
    /*! QAsyncSqliteConnection::isolationLevel; each open sets it from
        \c options.isolationLevel. */
    Q_PROPERTY(QAsyncSqlite::IsolationLevel isolationLevel READ isolationLevel WRITE setIsolationLevel NOTIFY
                       isolationLevelChanged)
    /*! QAsyncSqliteConnection::rowFactory (the element sets \c Row). */
    Q_PROPERTY(QAsyncSqlite::RowFactory rowFactory READ rowFactory WRITE setRowFactory NOTIFY rowFactoryChanged)
    /*! QAsyncSqliteConnection::textFactory. */
    Q_PROPERTY(QAsyncSqlite::TextFactory textFactory READ textFactory WRITE setTextFactory NOTIFY textFactoryChanged)
    /*! Schema steps run at each open, before \c opened and \c ready (see
        migrate()): an array of SQL scripts or {name, sql} objects. A failing
        step fails the open. */
    Q_PROPERTY(QJSValue migrations READ migrations WRITE setMigrations NOTIFY migrationsChanged)

public:
    explicit QAsyncSqliteQmlConnection(QObject *parent = nullptr);
    ~QAsyncSqliteQmlConnection() override;

    /*! The connection this element opens, closes and runs its requests on;
        it lives as long as the element. C++ code may use its whole API,
        e.g. register functions or collations (see doc/qml.md). */
    QAsyncSqliteConnection *connection() const { return m_connection; }

    QString databaseName() const { return m_databaseName; }
    void setDatabaseName(const QString &name);
    QAsyncSqliteQmlOptions qmlOptions() const { return m_options; }
    void setQmlOptions(const QAsyncSqliteQmlOptions &options);
    bool isReady() const { return m_ready; }
    QVariant lastError() const { return m_lastError; }
    bool inTransaction() const { return m_connection->inTransaction(); }
    double totalChanges() const { return double(m_connection->totalChanges()); }
    QAsyncSqlite::IsolationLevel isolationLevel() const { return m_connection->isolationLevel(); }
    void setIsolationLevel(QAsyncSqlite::IsolationLevel level) { m_connection->setIsolationLevel(level); }
    QAsyncSqlite::RowFactory rowFactory() const { return m_connection->rowFactory(); }
    void setRowFactory(QAsyncSqlite::RowFactory factory) { m_connection->setRowFactory(factory); }
    QAsyncSqlite::TextFactory textFactory() const { return m_connection->textFactory(); }
    void setTextFactory(QAsyncSqlite::TextFactory factory) { m_connection->setTextFactory(factory); }
    QJSValue migrations() const { return m_migrations; }
    void setMigrations(const QJSValue &steps);

    // Every argument has a default so that a missing one reaches our own
    // checks (a TypeError) instead of the engine's overload error; the
    // trailing `extra` catches one argument too many (also a TypeError).

    /*! Opens \c database with \c options unless it is open; resolves once
        it is (at once if it already was), rejects if opening fails. Opens
        the same file again after close(). */
    Q_INVOKABLE QJSValue open(const QJSValue &extra = QJSValue());
    /*! Runs one statement; resolves to an array of row objects keyed by
        column name. \a params is an array (for \c ?) or an object (for
        \c :name). */
    Q_INVOKABLE QJSValue execute(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                 const QJSValue &options = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Runs an INSERT; resolves to the new rowid. */
    Q_INVOKABLE QJSValue executeInsert(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                       const QJSValue &options = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Runs one DML statement per element of \a paramSets (an array of
        parameter arrays); resolves to the number of rows changed. */
    Q_INVOKABLE QJSValue executeMany(const QJSValue &sql = QJSValue(), const QJSValue &paramSets = QJSValue(),
                                     const QJSValue &options = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Runs an SQL script; resolves to \c undefined. */
    Q_INVOKABLE QJSValue executeScript(const QJSValue &script = QJSValue(), const QJSValue &options = QJSValue(),
                                       const QJSValue &extra = QJSValue());
    /*! With a function, runs \a fn(tx) in a transaction that spans its
        awaits (an AsyncSqliteTransaction; the element's other requests wait
        behind it): commits when the promise \a fn returns resolves, and
        resolves to its value; rolls back and rejects when \a fn throws, its
        promise rejects or a request made through \a tx failed. The second
        argument may be \c {mode: "deferred"|"immediate"|"exclusive",
        idleTimeout: ms}.
        With an array of {sql, params}, runs them atomically, all or
        nothing, and resolves to an array with each statement's rows;
        the second argument may then be \c {signal}. */
    Q_INVOKABLE QJSValue transaction(const QJSValue &statements = QJSValue(), const QJSValue &options = QJSValue(),
                                     const QJSValue &extra = QJSValue());
    /*! Runs \a fn(tx) in a read-only transaction (\c BEGIN \c DEFERRED,
        writes refused with SQLITE_READONLY), as transaction(fn) runs it.
        \a options: \c {idleTimeout} in ms. */
    Q_INVOKABLE QJSValue readTransaction(const QJSValue &fn = QJSValue(), const QJSValue &options = QJSValue());
    /*! Commits the open transaction, if any. */
    Q_INVOKABLE QJSValue commit(const QJSValue &extra = QJSValue());
    /*! Rolls back the open transaction, if any. */
    Q_INVOKABLE QJSValue rollback(const QJSValue &extra = QJSValue());
    /*! Closes after everything queued before it; resolves when closed. */
    Q_INVOKABLE QJSValue close(const QJSValue &extra = QJSValue());
    /*! Copies the database into \a target: a file path (or \c file: URL),
        created or replaced, or another open AsyncSqlite. \a options may
        hold \c pages (pages per step, default all), \c name (the schema,
        default \c "main"), \c sleep (ms before retrying a busy step),
        \c signal (an AsyncSqliteAbortController's) and \c onProgress,
        called on the engine's thread as \c onProgress(remaining, total).
        Defined in qasyncsqliteqmlfeatures.cpp. */
    Q_INVOKABLE QJSValue backup(const QJSValue &target = QJSValue(), const QJSValue &options = QJSValue(),
                                const QJSValue &extra = QJSValue());
    /*! Runs \a sql through a cursor and calls \a onChunk(rows) with each
        chunk of up to \c options.chunkSize rows (default: the connection's
        iterChunkSize, 64). The next chunk is fetched only once \a onChunk
        has returned, or the promise it returned has fulfilled
        (back-pressure). Resolves to the number of rows delivered; rejects
        with the SQL error, with what \a onChunk threw (or its promise
        rejected with), or with SQLITE_ABORT when \c options.signal aborts.
        \a params may be left out: \c stream(sql, onChunk, options).
        Defined in qasyncsqliteqmlstream.cpp. */
    Q_INVOKABLE QJSValue stream(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                const QJSValue &onChunk = QJSValue(), const QJSValue &options = QJSValue(),
                                const QJSValue &extra = QJSValue());
    /*! Runs \a sql (with \a params, as for execute()) on a new cursor;
        resolves to an AsyncSqliteCursor once the statement ran, whose
        fetchOne(), fetchMany(), fetchAll() and close() return promises.
        \a options may hold \c signal, which also cancels the cursor's
        fetches. Defined in qasyncsqliteqmlcursor.cpp. */
    Q_INVOKABLE QJSValue cursor(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                const QJSValue &options = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Resolves to the database as an array of SQL statements (Python's
        \c iterdump()). \a options may hold \c signal. */
    Q_INVOKABLE QJSValue iterDump(const QJSValue &options = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Resolves to the database \a schema (default \c "main") as the
        \c ArrayBuffer of a database file. */
    Q_INVOKABLE QJSValue serialize(const QJSValue &schema = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Replaces \a schema (default \c "main") with the database file in
        \a data, an \c ArrayBuffer. */
    Q_INVOKABLE QJSValue deserialize(const QJSValue &data = QJSValue(), const QJSValue &schema = QJSValue(),
                                     const QJSValue &extra = QJSValue());
    /*! Resolves to the current value of the run-time limit \a category
        (AsyncSqlite.LimitLength …). */
    Q_INVOKABLE QJSValue limit(const QJSValue &category = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Sets the limit \a category to \a value; resolves to the previous value. */
    Q_INVOKABLE QJSValue setLimit(const QJSValue &category = QJSValue(), const QJSValue &value = QJSValue(),
                                  const QJSValue &extra = QJSValue());
    /*! Runs the schema steps \a steps (as \l migrations) that the database
        has not run yet, each atomic with its `PRAGMA user_version` bump;
        resolves to the final version (QAsyncSqliteConnection::migrate()). */
    Q_INVOKABLE QJSValue migrate(const QJSValue &steps = QJSValue(), const QJSValue &extra = QJSValue());
    /*! Stops the statement running now; its promise rejects with
        SQLITE_INTERRUPT. */
    Q_INVOKABLE void interrupt(const QJSValue &extra = QJSValue());

    void classBegin() override { }
    void componentComplete() override;

Q_SIGNALS:
    void databaseNameChanged();
    void qmlOptionsChanged();
    void readyChanged();
    void lastErrorChanged();
    // Forwarded from connection().
    void opened();
    void closed();
    void committed();
    void rolledBack();
    void tablesChanged(const QStringList &tables);
    void inTransactionChanged(bool inTransaction);
    void totalChangesChanged();
    void isolationLevelChanged(QAsyncSqlite::IsolationLevel level);
    void rowFactoryChanged();
    void textFactoryChanged();
    void migrationsChanged();
    /*! A request failed; \a err is the same Error object its promise rejects with. */
    void error(const QJSValue &err);

private:
    friend class QAsyncSqliteQmlCursor;
    friend class QAsyncSqliteQmlStream;
    friend class QAsyncSqliteQmlTransaction; // its requests report and convert as ours do
    // transaction(fn) and readTransaction(fn).
    QJSValue transactionWith(const QString &method, const QJSValue &fn, const QJSValue &options, bool readOnly);
    void reportFailure(const QAsyncSqliteError &failure, const QJSValue &jsError);
    // The {signal} option of \a method into \a signal; false, with a
    // TypeError thrown, when \a options is not such an object.
    bool readSignalOption(const QString &method, const QJSValue &options, QAsyncSqliteQmlAbortSignal *&signal);
    // The promise of the request \a start() makes, which \a signal cancels;
    // canceled without being queued once \a signal aborted.
    template<typename Start, typename... ToJs>
    QJSValue abortable(QAsyncSqliteQmlAbortSignal *signal, Start &&start, ToJs &&...toJs)
    {
        if (signal && signal->isAborted())
            return m_promises.promiseFor(QAsyncSqliteQml::canceledFuture());
        const auto future = start();
        if (signal)
            signal->watch(future);
        return m_promises.promiseFor(future, std::forward<ToJs>(toJs)...);
    }
    QJSValue typeError(const QString &message);
    bool tooManyArguments(const QString &method, const QJSValue &extra);
    QJSValue rowsToJs(const QString &sql, const QVariantList &rows);
    void openDatabase();
    // open() with the options and migrations (qasyncsqliteqmlmigrations.cpp).
    QFuture<void> openConnection(const QString &path);
    void reopen();
    void settleOpenWaiters(const QJSValue &rejection);
    void setReady(bool ready);

    QAsyncSqliteConnection *m_connection; // our child
    QString m_databaseName;
    QAsyncSqliteQmlOptions m_options;
    QJSValue m_migrations; // as set; converted at each open
    QVariantMap m_lastError;
    QAsyncSqliteQml::Promises m_promises;
    QFuture<void> m_opening; // the last open; finished once it succeeded or failed
    quint64 m_openGeneration = 0; // which open m_openWaiters wait for
    QList<QAsyncSqliteQml::Promises::Deferred> m_openWaiters; // open() promises waiting for m_opening
    QSet<QString> m_duplicateColumnsWarned; // SQL texts already warned about
    bool m_complete = false;
    bool m_ready = false;
};

#endif // QASYNCSQLITEQMLCONNECTION_H
