// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlconnection.h"

#include "qasyncsqliteqmlglobal.h"
#include "qasyncsqliteqmlvalues.h"

#include <QAsyncSqlite/qasyncsqliterow.h>

#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qurl.h>
#include <QtQml/qjsengine.h>

#include <sqlite3.h>

#include <variant>

using namespace Qt::StringLiterals;
using namespace QAsyncSqlite;
using QAsyncSqliteQml::Params;
using QAsyncSqliteQml::toJs;
using QAsyncSqliteQml::typeName;

Q_LOGGING_CATEGORY(lcQml, "qasyncsqlite.qml")

namespace {

QFuture<void> failedFuture(const QAsyncSqliteError &error)
{
    QFutureInterface<void> promise;
    promise.reportStarted();
    promise.reportException(error);
    promise.reportFinished();
    return promise.future();
}

// A file: URL (StandardPaths, Qt.resolvedUrl()) as a local path; anything
// else as it is.
QString localPath(const QString &name)
{
    return name.startsWith(u"file:"_s, Qt::CaseInsensitive) ? QUrl(name).toLocalFile() : name;
}

QAsyncSqliteProgrammingError noDatabaseError()
{
    return QAsyncSqliteProgrammingError(SQLITE_MISUSE, u"AsyncSqlite: no database is set"_s);
}

} // namespace

QAsyncSqliteQmlConnection::QAsyncSqliteQmlConnection(QObject *parent)
    : QObject(parent),
      m_connection(new QAsyncSqliteConnection(this)),
      m_promises(this, [this](const QAsyncSqliteError &failure, const QJSValue &jsError) {
          reportFailure(failure, jsError);
      })
{
    // Rows keep their column order on their way to JS objects.
    m_connection->setRowFactory(RowFactory::Row);
    // Connected before the forwarding below: `ready` is already true in
    // onOpened. A successor's opened() always comes after its predecessor's
    // closed().
    connect(m_connection, &QAsyncSqliteConnection::opened, this, [this] {
        setReady(true);
    });
    connect(m_connection, &QAsyncSqliteConnection::closed, this, [this] {
        setReady(false);
    });
    connect(m_connection, &QAsyncSqliteConnection::openChanged, this, [this] {
        if (!m_connection->isOpen())
            setReady(false);
    });
    using Connection = QAsyncSqliteConnection;
    using Element = QAsyncSqliteQmlConnection;
    connect(m_connection, &Connection::opened, this, &Element::opened);
    connect(m_connection, &Connection::closed, this, &Element::closed);
    connect(m_connection, &Connection::committed, this, &Element::committed);
    connect(m_connection, &Connection::rolledBack, this, &Element::rolledBack);
    connect(m_connection, &Connection::tablesChanged, this, &Element::tablesChanged);
    connect(m_connection, &Connection::inTransactionChanged, this, &Element::inTransactionChanged);
    connect(m_connection, &Connection::totalChangesChanged, this, &Element::totalChangesChanged);
    connect(m_connection, &Connection::isolationLevelChanged, this, &Element::isolationLevelChanged);
    connect(m_connection, &Connection::rowFactoryChanged, this, &Element::rowFactoryChanged);
    connect(m_connection, &Connection::textFactoryChanged, this, &Element::textFactoryChanged);
}

// The connection, our child, is destroyed (and closes, see
// ~QAsyncSqliteConnection()) after the element's members, with the watchers
// of the pending promises, which then never settle.
QAsyncSqliteQmlConnection::~QAsyncSqliteQmlConnection() = default;

void QAsyncSqliteQmlConnection::setDatabaseName(const QString &name)
{
    if (m_databaseName == name)
        return;
    m_databaseName = name;
    Q_EMIT databaseNameChanged();
    reopen();
}

void QAsyncSqliteQmlConnection::setQmlOptions(const QAsyncSqliteQmlOptions &options)
{
    if (m_options == options)
        return;
    m_options = options;
    Q_EMIT qmlOptionsChanged();
}

void QAsyncSqliteQmlConnection::componentComplete()
{
    m_complete = true;
    if (!m_connection->isOpen() && !m_databaseName.isEmpty()) // open() may have come first
        openDatabase();
}

void QAsyncSqliteQmlConnection::setReady(bool ready)
{
    if (m_ready != ready) {
        m_ready = ready;
        Q_EMIT readyChanged();
    }
}

void QAsyncSqliteQmlConnection::reopen()
{
    if (!m_complete)
        return;
    // The new worker waits for the old one to finish its queue and close,
    // so requests made from now on queue behind the new open.
    m_connection->close();
    if (!m_databaseName.isEmpty()) {
        openDatabase();
    } else {
        ++m_openGeneration;
        settleOpenWaiters(m_promises.errorObject(noDatabaseError()));
    }
}

void QAsyncSqliteQmlConnection::openDatabase()
{
    const quint64 generation = ++m_openGeneration;
    // With options.uri a file: name is an SQLite URI, which SQLite reads.
    const QString path = m_options.uri ? m_databaseName : localPath(m_databaseName);
    const bool needsDirectory =
            m_options.createDirectories && !m_options.uri && !path.isEmpty() && path != u":memory:"_s;
    if (path.isEmpty()) {
        m_opening = failedFuture(noDatabaseError());
    } else if (needsDirectory && !QDir().mkpath(QFileInfo(path).absolutePath())) {
        m_opening = failedFuture(QAsyncSqliteOperationalError(
                SQLITE_CANTOPEN, u"Cannot create the directory %1"_s.arg(QFileInfo(path).absolutePath())));
    } else {
        m_opening = openConnection(path);
    }
    m_promises.whenFinished(m_opening, [this, generation](const QFuture<void> &opening) {
        const QJSValue failure = m_promises.rejectionFor(opening);
        if (!failure.isUndefined())
            qCWarning(lcQml) << "AsyncSqlite: cannot open" << m_databaseName << ":" << m_lastError;
        if (generation == m_openGeneration)
            settleOpenWaiters(failure);
    });
}

void QAsyncSqliteQmlConnection::settleOpenWaiters(const QJSValue &rejection)
{
    const auto waiters = std::exchange(m_openWaiters, {});
    for (const auto &waiter : waiters) {
        if (rejection.isUndefined())
            waiter.resolve.call();
        else
            waiter.reject.call({rejection});
    }
}

QJSValue QAsyncSqliteQmlConnection::open(const QJSValue &extra)
{
    if (tooManyArguments(u"open"_s, extra))
        return {};
    const QAsyncSqliteQml::Promises::Deferred deferred = m_promises.defer();
    if (deferred.promise.isUndefined())
        return {};
    const bool pending = m_opening.isValid() && !m_opening.isFinished();
    if (m_connection->isOpen() && !pending) {
        deferred.resolve.call();
        return deferred.promise;
    }
    m_openWaiters.append(deferred);
    if (!m_connection->isOpen()) {
        m_complete = true; // called before completion: no second open then
        openDatabase();
    }
    return deferred.promise;
}

void QAsyncSqliteQmlConnection::reportFailure(const QAsyncSqliteError &failure, const QJSValue &jsError)
{
    m_lastError = failure.toVariantMap();
    Q_EMIT lastErrorChanged();
    Q_EMIT error(jsError);
}

QJSValue QAsyncSqliteQmlConnection::rowsToJs(const QString &sql, const QVariantList &rows)
{
    // Like QtQuick.LocalStorage, a row object keeps the last of several
    // columns with the same name; unlike it, we say so. See doc/qml.md.
    if (!rows.isEmpty() && !m_duplicateColumnsWarned.contains(sql)) {
        const QStringList keys = rows.constFirst().value<QAsyncSqliteRow>().keys();
        QStringList duplicates;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            if (keys.indexOf(keys.at(i)) < i && !duplicates.contains(keys.at(i)))
                duplicates.append(keys.at(i));
        }
        if (!duplicates.isEmpty()) {
            m_duplicateColumnsWarned.insert(sql);
            qCWarning(lcQml).noquote() << u"AsyncSqlite: more than one column is named %1 in \"%2\"; "
                                          u"each row object keeps the last of them (rename them with AS)"_s.arg(
                                                  duplicates.join(u", "_s), sql);
        }
    }
    return toJs(qjsEngine(this), rows);
}

QJSValue QAsyncSqliteQmlConnection::typeError(const QString &message)
{
    if (QJSEngine *engine = qjsEngine(this))
        engine->throwError(QJSValue::TypeError, message);
    return {};
}

bool QAsyncSqliteQmlConnection::readSignalOption(const QString &method, const QJSValue &options,
                                                 QAsyncSqliteQmlAbortSignal *&signal)
{
    const QString problem = QAsyncSqliteQml::readOptions(
            method, options, u"{signal}"_s, [&signal](const QString &key, const QJSValue &value) {
                if (key == u"signal"_s)
                    return QAsyncSqliteQml::abortSignalOption(value, signal);
                return u"unknown option %1 (it takes {signal})"_s.arg(key);
            });
    if (problem.isEmpty())
        return true;
    typeError(problem);
    return false;
}

bool QAsyncSqliteQmlConnection::tooManyArguments(const QString &method, const QJSValue &extra)
{
    if (extra.isUndefined())
        return false;
    typeError(u"%1(): too many arguments"_s.arg(method));
    return true;
}

QJSValue QAsyncSqliteQmlConnection::execute(const QJSValue &sql, const QJSValue &params, const QJSValue &options,
                                            const QJSValue &extra)
{
    if (tooManyArguments(u"execute"_s, extra))
        return {};
    QString text;
    Params bound;
    if (const QString problem = QAsyncSqliteQml::statementFromJs(u"execute"_s, sql, params, text, bound);
        !problem.isEmpty()) {
        return typeError(problem);
    }
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    if (!readSignalOption(u"execute"_s, options, signal))
        return {};
    const auto start = [&] {
        return std::visit(
                [&](const auto &p) {
                    return m_connection->execute(text, p);
                },
                bound);
    };
    return abortable(signal, start, [this, text](const QFuture<QVariantList> &f) {
        return rowsToJs(text, f.result());
    });
}

QJSValue QAsyncSqliteQmlConnection::executeInsert(const QJSValue &sql, const QJSValue &params, const QJSValue &options,
                                                  const QJSValue &extra)
{
    if (tooManyArguments(u"executeInsert"_s, extra))
        return {};
    QString text;
    Params bound;
    if (const QString problem = QAsyncSqliteQml::statementFromJs(u"executeInsert"_s, sql, params, text, bound);
        !problem.isEmpty()) {
        return typeError(problem);
    }
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    if (!readSignalOption(u"executeInsert"_s, options, signal))
        return {};
    const auto start = [&] {
        return std::visit(
                [&](const auto &p) {
                    return m_connection->executeInsert(text, p);
                },
                bound);
    };
    return abortable(signal, start, [engine = qjsEngine(this)](const QFuture<qint64> &f) {
        return toJs(engine, f.result());
    });
}

QJSValue QAsyncSqliteQmlConnection::executeMany(const QJSValue &sql, const QJSValue &paramSets, const QJSValue &options,
                                                const QJSValue &extra)
{
    if (tooManyArguments(u"executeMany"_s, extra))
        return {};
    QList<QVariantList> sets;
    if (const QString problem = QAsyncSqliteQml::paramSetsFromJs(u"executeMany"_s, sql, paramSets, sets);
        !problem.isEmpty()) {
        return typeError(problem);
    }
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    if (!readSignalOption(u"executeMany"_s, options, signal))
        return {};
    const auto start = [&] {
        return m_connection->executeMany(sql.toString(), sets);
    };
    return abortable(signal, start, [engine = qjsEngine(this)](const QFuture<qint64> &f) {
        return toJs(engine, f.result());
    });
}

QJSValue QAsyncSqliteQmlConnection::executeScript(const QJSValue &script, const QJSValue &options,
                                                  const QJSValue &extra)
{
    if (tooManyArguments(u"executeScript"_s, extra))
        return {};
    if (!script.isString())
        return typeError(u"executeScript(): the script must be a string, not %1"_s.arg(typeName(script)));
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    if (!readSignalOption(u"executeScript"_s, options, signal))
        return {};
    return abortable(signal, [&] {
        return m_connection->executeScript(script.toString());
    });
}

QJSValue QAsyncSqliteQmlConnection::transaction(const QJSValue &statements, const QJSValue &options,
                                                const QJSValue &extra)
{
    if (tooManyArguments(u"transaction"_s, extra))
        return {};
    if (statements.isCallable())
        return transactionWith(u"transaction"_s, statements, options, false);
    if (!statements.isArray()) {
        return typeError(
                u"transaction(): expects a function or an array of {sql, params}, not %1"_s.arg(typeName(statements)));
    }
    QList<std::pair<QString, Params>> batch;
    const int length = statements.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i) {
        const QJSValue statement = statements.property(quint32(i));
        if (!statement.isObject() || statement.isArray())
            return typeError(u"transaction(): statement %1 must be an object {sql, params}"_s.arg(i));
        QString sql;
        Params params;
        const QString problem = QAsyncSqliteQml::statementFromJs(u"transaction"_s, statement.property(u"sql"_s),
                                                                 statement.property(u"params"_s), sql, params);
        if (!problem.isEmpty())
            return typeError(problem);
        batch.append({sql, params});
    }
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    if (!readSignalOption(u"transaction"_s, options, signal))
        return {};
    const auto start = [&] {
        return m_connection->transaction([batch](QAsyncSqliteTransaction &tx) {
            QVariantList results;
            for (const auto &statement : batch) {
                results.append(QVariant(std::visit(
                        [&](const auto &p) {
                            return tx.execute(statement.first, p);
                        },
                        statement.second)));
            }
            return results;
        });
    };
    return abortable(signal, start, [this, batch](const QFuture<QVariantList> &f) {
        const QVariantList results = f.result();
        QJSValue array = qjsEngine(this)->newArray(uint(results.size()));
        for (qsizetype i = 0; i < results.size(); ++i)
            array.setProperty(quint32(i), rowsToJs(batch.at(i).first, results.at(i).toList()));
        return array;
    });
}

QJSValue QAsyncSqliteQmlConnection::commit(const QJSValue &extra)
{
    if (tooManyArguments(u"commit"_s, extra))
        return {};
    return m_promises.promiseFor(m_connection->commit());
}

QJSValue QAsyncSqliteQmlConnection::rollback(const QJSValue &extra)
{
    if (tooManyArguments(u"rollback"_s, extra))
        return {};
    return m_promises.promiseFor(m_connection->rollback());
}

QJSValue QAsyncSqliteQmlConnection::close(const QJSValue &extra)
{
    if (tooManyArguments(u"close"_s, extra))
        return {};
    return m_promises.promiseFor(m_connection->close());
}

void QAsyncSqliteQmlConnection::interrupt(const QJSValue &extra)
{
    if (tooManyArguments(u"interrupt"_s, extra))
        return;
    m_connection->interrupt();
}
