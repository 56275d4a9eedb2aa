// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlconnection.h"

#include <QAsyncSqlite/qasyncsqliterow.h>

#include <QtCore/qdatetime.h>
#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qloggingcategory.h>
#include <QtCore/qurl.h>
#include <QtQml/qjsengine.h>
#include <QtQml/qjsvalueiterator.h>

#include <sqlite3.h>

#include <cmath>
#include <variant>

using namespace Qt::StringLiterals;
using namespace QAsyncSqlite;

Q_LOGGING_CATEGORY(lcQml, "qasyncsqlite.qml")

namespace {

// Beyond 2^53 a JS number cannot hold every integer: such values become
// strings so no digit is lost.
constexpr qint64 MaxSafeInteger = (qint64(1) << 53);

QJSValue toJs(QJSEngine *engine, const QVariant &value);

QJSValue rowToJs(QJSEngine *engine, const QStringList &keys, const QVariantList &values)
{
    QJSValue object = engine->newObject();
    for (qsizetype i = 0; i < keys.size(); ++i)
        object.setProperty(keys.at(i), toJs(engine, values.value(i)));
    return object;
}

QJSValue toJs(QJSEngine *engine, const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        return QJSValue(QJSValue::NullValue);
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::ULongLong: {
        const qint64 n = value.toLongLong();
        if (n > MaxSafeInteger || n < -MaxSafeInteger)
            return QJSValue(QString::number(n));
        return QJSValue(double(n));
    }
    case QMetaType::Double:
        return QJSValue(value.toDouble());
    case QMetaType::Bool:
        return QJSValue(value.toBool());
    case QMetaType::QString:
        return QJSValue(value.toString());
    case QMetaType::QVariantList: {
        const QVariantList list = value.toList();
        QJSValue array = engine->newArray(uint(list.size()));
        for (qsizetype i = 0; i < list.size(); ++i)
            array.setProperty(quint32(i), toJs(engine, list.at(i)));
        return array;
    }
    case QMetaType::QVariantMap: {
        const QVariantMap map = value.toMap();
        return rowToJs(engine, map.keys(), map.values());
    }
    default:
        if (value.metaType() == QMetaType::fromType<QAsyncSqliteRow>()) {
            const auto row = value.value<QAsyncSqliteRow>();
            return rowToJs(engine, row.keys(), row.toList());
        }
        return engine->toScriptValue(value); // QByteArray -> ArrayBuffer, dates -> Date
    }
}

// One JS parameter to a bindable value; false for types SQLite cannot take.
bool fromJs(const QJSValue &value, QVariant &out)
{
    if (value.isNull() || value.isUndefined()) {
        out = QVariant();
    } else if (value.isBool()) {
        out = value.toBool();
    } else if (value.isNumber()) {
        const double d = value.toNumber();
        if (std::isfinite(d) && d == std::trunc(d) && std::abs(d) <= double(MaxSafeInteger))
            out = qint64(d);
        else
            out = d;
    } else if (value.isString()) {
        out = value.toString();
    } else if (value.isDate()) {
        // ISO 8601 with the local UTC offset ("2024-05-01T12:34:56.789+02:00"):
        // the exact instant, as SQLite's date functions read it. See doc/qml.md.
        const QDateTime local = value.toDateTime().toLocalTime();
        out = local.toOffsetFromUtc(local.offsetFromUtc()).toString(Qt::ISODateWithMs);
    } else {
        const QVariant variant = value.toVariant();
        if (variant.metaType().id() != QMetaType::QByteArray)
            return false; // ArrayBuffer is the only object SQLite stores
        out = variant;
    }
    return true;
}

QString typeName(const QJSValue &value)
{
    if (value.isUndefined())
        return u"undefined"_s;
    if (value.isNull())
        return u"null"_s;
    if (value.isArray())
        return u"array"_s;
    if (value.isNumber())
        return u"number"_s;
    if (value.isBool())
        return u"boolean"_s;
    return value.isString() ? u"string"_s : u"object"_s;
}

std::optional<IsolationLevel> isolationFromString(const QString &name)
{
    const QString level = name.toLower();
    if (level == u"deferred"_s || level.isEmpty())
        return IsolationLevel::Deferred;
    if (level == u"immediate"_s)
        return IsolationLevel::Immediate;
    if (level == u"exclusive"_s)
        return IsolationLevel::Exclusive;
    if (level == u"autocommit"_s)
        return IsolationLevel::Autocommit;
    return std::nullopt;
}

QAsyncSqliteOptions toOptions(const QAsyncSqliteQmlOptions &qml)
{
    QAsyncSqliteOptions options;
    options.busyTimeout = std::chrono::milliseconds(qml.busyTimeout);
    if (const auto level = isolationFromString(qml.isolationLevel))
        options.isolationLevel = *level;
    else
        qCWarning(lcQml) << "AsyncSqlite: unknown isolationLevel" << qml.isolationLevel;
    options.pragmas = qml.pragmas;
    if (qml.readOnly)
        options.openMode = OpenMode::ReadOnly;
    else if (!qml.create)
        options.openMode = OpenMode::ReadWrite;
    options.uri = qml.uri;
    options.cachedStatements = qml.cachedStatements;
    return options;
}

// Reads the documented keys of a JS object into options, warning about the
// keys it does not know and the values of the wrong type, which it leaves out.
QAsyncSqliteQmlOptions optionsFromMap(const QVariantMap &map)
{
    QAsyncSqliteQmlOptions options;
    const QMetaObject &meta = QAsyncSqliteQmlOptions::staticMetaObject;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const int index = meta.indexOfProperty(it.key().toUtf8().constData());
        if (index < 0) {
            qCWarning(lcQml).noquote() << "AsyncSqlite: unknown option" << it.key();
            continue;
        }
        const QMetaProperty property = meta.property(index);
        QVariant value = *it;
        if (!value.convert(property.metaType()) || !property.writeOnGadget(&options, value))
            qCWarning(lcQml).noquote() << "AsyncSqlite: option" << it.key() << "cannot be" << it->toString();
    }
    return options;
}

// Qt 6.4 has no constructible value types: the engine converts a JS object
// assigned to `options` with these.
[[maybe_unused]] const bool optionsConvertersRegistered =
        QMetaType::registerConverter<QVariantMap, QAsyncSqliteQmlOptions>(optionsFromMap)
        && QMetaType::registerConverter<QJSValue, QAsyncSqliteQmlOptions>([](const QJSValue &object) {
               return QAsyncSqliteQmlOptions(object);
           });

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

QAsyncSqliteQmlOptions::QAsyncSqliteQmlOptions(const QJSValue &object)
    : QAsyncSqliteQmlOptions(optionsFromMap(object.toVariant().toMap()))
{
}

QAsyncSqliteQmlConnection::QAsyncSqliteQmlConnection(QObject *parent) : QAsyncSqliteConnection(parent)
{
    // Rows keep their column order on their way to JS objects.
    setRowFactory(RowFactory::Row);
    // A successor's opened() always comes after its predecessor's closed().
    connect(this, &QAsyncSqliteConnection::opened, this, [this] {
        setReady(true);
    });
    connect(this, &QAsyncSqliteConnection::closed, this, [this] {
        setReady(false);
    });
    connect(this, &QAsyncSqliteConnection::openChanged, this, [this] {
        if (!isOpen())
            setReady(false);
    });
    connect(this, &QAsyncSqliteConnection::totalChangesChanged, this,
            &QAsyncSqliteQmlConnection::qmlTotalChangesChanged);
}

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
    if (!isOpen() && !m_databaseName.isEmpty()) // open() may have come first
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
    QAsyncSqliteConnection::close();
    if (!m_databaseName.isEmpty()) {
        openDatabase();
    } else {
        ++m_openGeneration;
        settleOpenWaiters(errorObject(noDatabaseError()));
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
        m_opening = QAsyncSqliteConnection::open(path, toOptions(m_options));
    }
    auto *watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        const QJSValue failure = rejectionFor(watcher->future());
        if (!failure.isUndefined())
            qCWarning(lcQml) << "AsyncSqlite: cannot open" << m_databaseName << ":" << m_lastError;
        if (generation == m_openGeneration)
            settleOpenWaiters(failure);
    });
    watcher->setFuture(m_opening);
}

void QAsyncSqliteQmlConnection::settleOpenWaiters(const QJSValue &rejection)
{
    const QList<Deferred> waiters = std::exchange(m_openWaiters, {});
    for (const Deferred &waiter : waiters) {
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
    Deferred deferred = makeDeferred();
    if (deferred.promise.isUndefined())
        return {};
    const bool pending = m_opening.isValid() && !m_opening.isFinished();
    if (isOpen() && !pending) {
        deferred.resolve.call();
        return deferred.promise;
    }
    m_openWaiters.append(deferred);
    if (!isOpen()) {
        m_complete = true; // called before completion: no second open then
        openDatabase();
    }
    return deferred.promise;
}

QJSValue QAsyncSqliteQmlConnection::helpers()
{
    QJSEngine *engine = qjsEngine(this);
    if (engine && !m_helpers.isObject()) {
        // Qt 6.4 has Promise but no way to create one from C++: keep the
        // executor's resolve/reject to settle it later. Error objects are
        // built in JS too; V4 (6.4) ignores a plain assignment to an Error's
        // `name`, hence defineProperty.
        m_helpers = engine->evaluate(
                u"({"
                " deferred: function () { var d = {}; d.promise = new Promise(function (resolve, reject)"
                "   { d.resolve = resolve; d.reject = reject; }); return d; },"
                " error: function (message, code, name, sql) { var e = new Error(message);"
                "   e.code = code; e.sql = sql;"
                "   Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true });"
                "   return e; }"
                "})"_s);
    }
    return m_helpers;
}

QAsyncSqliteQmlConnection::Deferred QAsyncSqliteQmlConnection::makeDeferred()
{
    const QJSValue d = helpers().property(u"deferred"_s).call();
    if (!d.isObject())
        return {};
    return {d.property(u"promise"_s), d.property(u"resolve"_s), d.property(u"reject"_s)};
}

QJSValue QAsyncSqliteQmlConnection::errorObject(const QAsyncSqliteError &error)
{
    return helpers().property(u"error"_s).call({error.message(), error.extendedCode(), error.errorName(), error.sql()});
}

QJSValue QAsyncSqliteQmlConnection::rejectionFor(const QFuture<void> &future)
{
    QJSEngine *engine = qjsEngine(this);
    if (!engine)
        return {};
    QAsyncSqlite::Detail::tsanAcquireFinished(future);
    QJSValue rejection;
    try {
        QFuture<void>(future).waitForFinished();
        if (future.isCanceled()) {
            rejection = errorObject(QAsyncSqliteOperationalError(SQLITE_ABORT, u"The request was canceled."_s));
        }
    } catch (const QAsyncSqliteError &e) {
        rejection = errorObject(e);
    } catch (const std::exception &e) {
        rejection = errorObject(QAsyncSqliteError(SQLITE_ERROR, QString::fromUtf8(e.what())));
    }
    if (!rejection.isUndefined()) {
        m_lastError = {{u"code"_s, rejection.property(u"code"_s).toInt()},
                       {u"name"_s, rejection.property(u"name"_s).toString()},
                       {u"message"_s, rejection.property(u"message"_s).toString()},
                       {u"sql"_s, rejection.property(u"sql"_s).toString()}};
        Q_EMIT lastErrorChanged();
        Q_EMIT error(rejection);
    }
    return rejection;
}

template<typename T, typename ToJs>
QJSValue QAsyncSqliteQmlConnection::promiseFor(const QFuture<T> &future, ToJs &&toJs)
{
    Deferred deferred = makeDeferred();
    if (deferred.promise.isUndefined())
        return {};
    // The watcher is our child: if we go first, the promise simply never
    // settles, and no callback reaches a dead item or engine.
    auto *watcher = new QFutureWatcher<T>(this);
    connect(watcher, &QFutureWatcherBase::finished, this,
            [this, watcher, deferred, toJs = std::forward<ToJs>(toJs)]() mutable {
                watcher->deleteLater();
                const QFuture<T> done = watcher->future();
                const QJSValue rejection = rejectionFor(QFuture<void>(done));
                if (!rejection.isUndefined())
                    deferred.reject.call({rejection});
                else
                    deferred.resolve.call({toJs(done)});
            });
    watcher->setFuture(future);
    return deferred.promise;
}

QJSValue QAsyncSqliteQmlConnection::promiseFor(const QFuture<void> &future)
{
    return promiseFor(future, [](const QFuture<void> &) {
        return QJSValue();
    });
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

bool QAsyncSqliteQmlConnection::tooManyArguments(const QString &method, const QJSValue &extra)
{
    if (extra.isUndefined())
        return false;
    typeError(u"%1(): too many arguments"_s.arg(method));
    return true;
}

// Positional or named parameters. Not wrapped in a QVariant: a QVariant
// would release its copy of the list or map inside libQt6Core, where
// ThreadSanitizer (Debian's Qt is not instrumented) cannot see the atomic
// reference count ordering that release after the worker's last read.
using Parameters = std::variant<QVariantList, QVariantMap>;

// Converts (sql, params) or reports why not; \a params may be undefined,
// an array (positional) or a plain object (named).
static QString convertStatement(const QString &method, const QJSValue &sql, const QJSValue &params, QString &outSql,
                                Parameters &outParams)
{
    if (!sql.isString())
        return u"%1(): the SQL must be a string, not %2"_s.arg(method, typeName(sql));
    outSql = sql.toString();
    if (params.isUndefined() || params.isNull()) {
        outParams = QVariantList();
        return {};
    }
    if (params.isArray()) {
        QVariantList list;
        const int length = params.property(u"length"_s).toInt();
        for (int i = 0; i < length; ++i) {
            QVariant value;
            if (!fromJs(params.property(quint32(i)), value)) {
                return u"%1(): parameter %2 has an unsupported type (%3)"_s.arg(method).arg(i + 1).arg(
                        typeName(params.property(quint32(i))));
            }
            list.append(value);
        }
        outParams = list;
        return {};
    }
    if (params.isObject() && !params.isDate() && params.toVariant().metaType().id() != QMetaType::QByteArray) {
        QVariantMap map;
        QJSValueIterator it(params);
        while (it.hasNext()) {
            it.next();
            QVariant value;
            if (!fromJs(it.value(), value))
                return u"%1(): parameter '%2' has an unsupported type"_s.arg(method, it.name());
            map.insert(it.name(), value);
        }
        outParams = map;
        return {};
    }
    return u"%1(): the parameters must be an array or an object, not %2"_s.arg(method, typeName(params));
}

QJSValue QAsyncSqliteQmlConnection::execute(const QJSValue &sql, const QJSValue &params, const QJSValue &extra)
{
    if (tooManyArguments(u"execute"_s, extra))
        return {};
    QString text;
    Parameters bound;
    if (const QString problem = convertStatement(u"execute"_s, sql, params, text, bound); !problem.isEmpty())
        return typeError(problem);
    const QFuture<QVariantList> future = std::visit(
            [&](const auto &p) {
                return QAsyncSqliteConnection::execute(text, p);
            },
            bound);
    return promiseFor(future, [this, text](const QFuture<QVariantList> &f) {
        return rowsToJs(text, f.result());
    });
}

QJSValue QAsyncSqliteQmlConnection::executeInsert(const QJSValue &sql, const QJSValue &params, const QJSValue &extra)
{
    if (tooManyArguments(u"executeInsert"_s, extra))
        return {};
    QString text;
    Parameters bound;
    if (const QString problem = convertStatement(u"executeInsert"_s, sql, params, text, bound); !problem.isEmpty())
        return typeError(problem);
    QJSEngine *engine = qjsEngine(this);
    const QFuture<qint64> future = std::visit(
            [&](const auto &p) {
                return QAsyncSqliteConnection::executeInsert(text, p);
            },
            bound);
    return promiseFor(future, [engine](const QFuture<qint64> &f) {
        return toJs(engine, f.result());
    });
}

QJSValue QAsyncSqliteQmlConnection::executeMany(const QJSValue &sql, const QJSValue &paramSets, const QJSValue &extra)
{
    if (tooManyArguments(u"executeMany"_s, extra))
        return {};
    if (!sql.isString())
        return typeError(u"executeMany(): the SQL must be a string, not %1"_s.arg(typeName(sql)));
    if (!paramSets.isArray())
        return typeError(u"executeMany(): the parameter sets must be an array, not %1"_s.arg(typeName(paramSets)));
    QList<QVariantList> sets;
    const int length = paramSets.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i) {
        const QJSValue set = paramSets.property(quint32(i));
        if (!set.isArray())
            return typeError(u"executeMany(): parameter set %1 must be an array, not %2"_s.arg(i).arg(typeName(set)));
        QString ignored;
        Parameters bound;
        if (const QString problem = convertStatement(u"executeMany"_s, sql, set, ignored, bound); !problem.isEmpty())
            return typeError(problem);
        sets.append(std::get<QVariantList>(std::move(bound)));
    }
    QJSEngine *engine = qjsEngine(this);
    return promiseFor(QAsyncSqliteConnection::executeMany(sql.toString(), sets), [engine](const QFuture<qint64> &f) {
        return toJs(engine, f.result());
    });
}

QJSValue QAsyncSqliteQmlConnection::executeScript(const QJSValue &script, const QJSValue &extra)
{
    if (tooManyArguments(u"executeScript"_s, extra))
        return {};
    if (!script.isString())
        return typeError(u"executeScript(): the script must be a string, not %1"_s.arg(typeName(script)));
    return promiseFor(QAsyncSqliteConnection::executeScript(script.toString()));
}

QJSValue QAsyncSqliteQmlConnection::transaction(const QJSValue &statements, const QJSValue &extra)
{
    if (tooManyArguments(u"transaction"_s, extra))
        return {};
    if (!statements.isArray())
        return typeError(u"transaction(): expects an array of {sql, params}, not %1"_s.arg(typeName(statements)));
    QList<std::pair<QString, Parameters>> batch;
    const int length = statements.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i) {
        const QJSValue statement = statements.property(quint32(i));
        if (!statement.isObject() || statement.isArray())
            return typeError(u"transaction(): statement %1 must be an object {sql, params}"_s.arg(i));
        QString sql;
        Parameters params;
        const QString problem = convertStatement(u"transaction"_s, statement.property(u"sql"_s),
                                                 statement.property(u"params"_s), sql, params);
        if (!problem.isEmpty())
            return typeError(problem);
        batch.append({sql, params});
    }
    const QFuture<QVariantList> future = QAsyncSqliteConnection::transaction([batch](QAsyncSqliteTransaction &tx) {
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
    return promiseFor(future, [this, batch](const QFuture<QVariantList> &f) {
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
    return promiseFor(QAsyncSqliteConnection::commit());
}

QJSValue QAsyncSqliteQmlConnection::rollback(const QJSValue &extra)
{
    if (tooManyArguments(u"rollback"_s, extra))
        return {};
    return promiseFor(QAsyncSqliteConnection::rollback());
}

QJSValue QAsyncSqliteQmlConnection::close(const QJSValue &extra)
{
    if (tooManyArguments(u"close"_s, extra))
        return {};
    return promiseFor(QAsyncSqliteConnection::close());
}

namespace {

// backup()'s onProgress: the worker reports each step into a QFutureInterface
// of its own; a QFutureWatcher brings the steps to the engine's thread (at
// most about 25 a second, as QFuture throttles progress, first and last
// always) and calls onProgress(remaining, total) there.
struct BackupProgress
{
    QFutureInterface<void> steps;
    QJSValue onProgress;
    int lastRemaining = -1;
    int lastTotal = -1;

    ~BackupProgress() { steps.reportFinished(); } // ends the watcher too

    void deliver(int remaining, int total)
    {
        if (remaining == lastRemaining && total == lastTotal)
            return;
        lastRemaining = remaining;
        lastTotal = total;
        const QJSValue result = onProgress.call({remaining, total});
        if (result.isError())
            qCWarning(lcQml).noquote() << "AsyncSqlite: backup()'s onProgress threw" << result.toString();
    }
    // The last step, if throttling held it back, before the promise resolves.
    void deliverLast() { deliver(steps.progressMaximum() - steps.progressValue(), steps.progressMaximum()); }
};

} // namespace

QJSValue QAsyncSqliteQmlConnection::backup(const QJSValue &path, const QJSValue &options, const QJSValue &extra)
{
    if (tooManyArguments(u"backup"_s, extra))
        return {};
    if (!path.isString())
        return typeError(u"backup(): the path must be a string, not %1"_s.arg(typeName(path)));
    QAsyncSqliteBackupOptions backupOptions;
    QJSValue onProgress;
    if (!options.isUndefined()) {
        if (!options.isObject() || options.isArray() || options.isCallable())
            return typeError(
                    u"backup(): the options must be an object {pages, onProgress}, not %1"_s.arg(typeName(options)));
        QJSValueIterator it(options);
        while (it.hasNext()) {
            it.next();
            const QJSValue value = it.value();
            if (it.name() == u"pages"_s) {
                if (!value.isNumber() || value.toNumber() != std::trunc(value.toNumber()))
                    return typeError(u"backup(): pages must be a whole number, not %1"_s.arg(typeName(value)));
                backupOptions.pages = value.toInt();
            } else if (it.name() == u"onProgress"_s) {
                if (!value.isCallable() && !value.isUndefined())
                    return typeError(u"backup(): onProgress must be a function, not %1"_s.arg(typeName(value)));
                onProgress = value;
            } else {
                return typeError(u"backup(): unknown option %1"_s.arg(it.name()));
            }
        }
    }
    if (!onProgress.isCallable())
        return promiseFor(QAsyncSqliteConnection::backup(localPath(path.toString()), backupOptions));

    auto progress = std::make_shared<BackupProgress>();
    progress->onProgress = onProgress;
    progress->steps.reportStarted();
    backupOptions.progress = [steps = progress->steps, total = -1](int, int remaining, int pageCount) mutable {
        if (pageCount != total) { // also resets the value
            total = pageCount;
            steps.setProgressRange(0, total);
        }
        steps.setProgressValue(total - remaining);
    };
    auto *stepWatcher = new QFutureWatcher<void>(this);
    connect(stepWatcher, &QFutureWatcherBase::progressValueChanged, this,
            [stepWatcher, weak = std::weak_ptr(progress)](int value) {
                // 0 is the state before the first step (a watcher gets it at once).
                if (const auto p = weak.lock(); p && value > 0)
                    p->deliver(stepWatcher->progressMaximum() - value, stepWatcher->progressMaximum());
            });
    connect(stepWatcher, &QFutureWatcherBase::finished, stepWatcher, &QObject::deleteLater);
    stepWatcher->setFuture(progress->steps.future());
    // `progress` lives as long as the promise's handler: until it settles,
    // or until this element (the handler's watcher's parent) goes.
    return promiseFor(QAsyncSqliteConnection::backup(localPath(path.toString()), backupOptions),
                      [progress](const QFuture<void> &) {
                          progress->deliverLast();
                          return QJSValue();
                      });
}

void QAsyncSqliteQmlConnection::interrupt(const QJSValue &extra)
{
    if (tooManyArguments(u"interrupt"_s, extra))
        return;
    QAsyncSqliteConnection::interrupt();
}
