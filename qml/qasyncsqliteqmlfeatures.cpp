// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite's methods over src/features: backup, iterDump, serialize,
// deserialize, limits (declared in qasyncsqliteqmlconnection.h).
#include "qasyncsqliteqmlabort.h"
#include "qasyncsqliteqmlargs.h"
#include "qasyncsqliteqmlconnection.h"
#include "qasyncsqliteqmlglobal.h"
#include "qasyncsqliteqmlvalues.h"

#include <QtCore/qfuturewatcher.h>
#include <QtCore/qurl.h>
#include <QtQml/qjsengine.h>

#include <sqlite3.h>

#include <limits>

using namespace Qt::StringLiterals;
using QAsyncSqliteQml::isWholeNumber;
using QAsyncSqliteQml::readOptions;
using QAsyncSqliteQml::typeName;

namespace {

// A file: URL (StandardPaths, Qt.resolvedUrl()) as a local path, as the
// element reads `database`; anything else as it is.
QString localPath(const QString &name)
{
    return name.startsWith(u"file:"_s, Qt::CaseInsensitive) ? QUrl(name).toLocalFile() : name;
}

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

// SQLite's limit categories, SQLITE_LIMIT_LENGTH (0) … SQLITE_LIMIT_WORKER_THREADS.
bool isLimitCategory(const QJSValue &value)
{
    return isWholeNumber(value) && value.toNumber() >= SQLITE_LIMIT_LENGTH
            && value.toNumber() <= SQLITE_LIMIT_WORKER_THREADS;
}

} // namespace

QJSValue QAsyncSqliteQmlConnection::backup(const QJSValue &target, const QJSValue &options, const QJSValue &extra)
{
    if (tooManyArguments(u"backup"_s, extra))
        return {};
    auto *targetElement = qobject_cast<QAsyncSqliteQmlConnection *>(target.toQObject());
    if (!target.isString() && !targetElement)
        return typeError(u"backup(): the target must be a path or an AsyncSqlite, not %1"_s.arg(typeName(target)));
    QAsyncSqliteBackupOptions backupOptions;
    QJSValue onProgress;
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    const QString problem = readOptions(
            u"backup"_s, options, u"{pages, name, sleep, onProgress, signal}"_s,
            [&](const QString &key, const QJSValue &value) {
                if (key == u"pages"_s) {
                    if (!isWholeNumber(value))
                        return u"pages must be a whole number, not %1"_s.arg(typeName(value));
                    backupOptions.pages = value.toInt();
                } else if (key == u"name"_s) {
                    if (!value.isString())
                        return u"name must be a string, not %1"_s.arg(typeName(value));
                    backupOptions.name = value.toString();
                } else if (key == u"sleep"_s) {
                    if (!isWholeNumber(value) || value.toNumber() < 0)
                        return u"sleep must be a whole number of milliseconds, not %1"_s.arg(value.toString());
                    backupOptions.sleep = std::chrono::milliseconds(qint64(value.toNumber()));
                } else if (key == u"onProgress"_s) {
                    if (!value.isCallable() && !value.isUndefined())
                        return u"onProgress must be a function, not %1"_s.arg(typeName(value));
                    onProgress = value;
                } else if (key == u"signal"_s) {
                    return QAsyncSqliteQml::abortSignalOption(value, signal);
                } else {
                    return u"unknown option %1"_s.arg(key);
                }
                return QString();
            });
    if (!problem.isEmpty())
        return typeError(problem);
    if (signal && signal->isAborted())
        return m_promises.promiseFor(QAsyncSqliteQml::canceledFuture());
    const auto start = [&] {
        const QFuture<void> copy = targetElement ? m_connection->backup(targetElement->connection(), backupOptions)
                                                 : m_connection->backup(localPath(target.toString()), backupOptions);
        if (signal)
            signal->watch(copy);
        return copy;
    };
    if (!onProgress.isCallable())
        return m_promises.promiseFor(start());

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
    return m_promises.promiseFor(start(), [progress](const QFuture<void> &copy) {
        if (!copy.isCanceled())
            progress->deliverLast();
        return QJSValue();
    });
}

QJSValue QAsyncSqliteQmlConnection::iterDump(const QJSValue &options, const QJSValue &extra)
{
    if (tooManyArguments(u"iterDump"_s, extra))
        return {};
    QAsyncSqliteQmlAbortSignal *signal = nullptr;
    if (!readSignalOption(u"iterDump"_s, options, signal))
        return {};
    QJSEngine *engine = qjsEngine(this);
    return abortable(
            signal,
            [this] {
                return m_connection->iterDump();
            },
            [engine](const QFuture<QString> &done) {
                // A real Array (toScriptValue() would give a QStringList sequence).
                const QList<QString> statements = done.results();
                QJSValue array = engine->newArray(uint(statements.size()));
                for (qsizetype i = 0; i < statements.size(); ++i)
                    array.setProperty(quint32(i), statements.at(i));
                return array;
            });
}

QJSValue QAsyncSqliteQmlConnection::serialize(const QJSValue &schema, const QJSValue &extra)
{
    if (tooManyArguments(u"serialize"_s, extra))
        return {};
    if (!schema.isUndefined() && !schema.isString())
        return typeError(u"serialize(): the schema must be a string, not %1"_s.arg(typeName(schema)));
    QJSEngine *engine = qjsEngine(this);
    const QString name = schema.isUndefined() ? u"main"_s : schema.toString();
    return m_promises.promiseFor(m_connection->serialize(name), [engine](const QFuture<QByteArray> &done) {
        return engine->toScriptValue(done.result()); // an ArrayBuffer
    });
}

QJSValue QAsyncSqliteQmlConnection::deserialize(const QJSValue &data, const QJSValue &schema, const QJSValue &extra)
{
    if (tooManyArguments(u"deserialize"_s, extra))
        return {};
    const QVariant bytes = data.isObject() ? data.toVariant() : QVariant();
    if (bytes.typeId() != QMetaType::QByteArray)
        return typeError(u"deserialize(): the data must be an ArrayBuffer, not %1"_s.arg(typeName(data)));
    if (!schema.isUndefined() && !schema.isString())
        return typeError(u"deserialize(): the schema must be a string, not %1"_s.arg(typeName(schema)));
    const QString name = schema.isUndefined() ? u"main"_s : schema.toString();
    return m_promises.promiseFor(m_connection->deserialize(bytes.toByteArray(), name));
}

QJSValue QAsyncSqliteQmlConnection::limit(const QJSValue &category, const QJSValue &extra)
{
    if (tooManyArguments(u"limit"_s, extra))
        return {};
    if (!isLimitCategory(category))
        return typeError(u"limit(): the category must be one of AsyncSqlite.LimitLength … "
                         u"AsyncSqlite.LimitWorkerThreads, not %1"_s.arg(category.toString()));
    return m_promises.promiseFor(m_connection->limit(category.toInt()), [](const QFuture<int> &done) {
        return QJSValue(done.result());
    });
}

QJSValue QAsyncSqliteQmlConnection::setLimit(const QJSValue &category, const QJSValue &value, const QJSValue &extra)
{
    if (tooManyArguments(u"setLimit"_s, extra))
        return {};
    if (!isLimitCategory(category))
        return typeError(u"setLimit(): the category must be one of AsyncSqlite.LimitLength … "
                         u"AsyncSqlite.LimitWorkerThreads, not %1"_s.arg(category.toString()));
    // A negative value only reads the limit in SQLite; keep reads to limit().
    if (!isWholeNumber(value) || value.toNumber() < 0 || value.toNumber() > std::numeric_limits<int>::max())
        return typeError(u"setLimit(): the value must be a whole number from 0 on, not %1"_s.arg(value.toString()));
    return m_promises.promiseFor(m_connection->setLimit(category.toInt(), value.toInt()), [](const QFuture<int> &done) {
        return QJSValue(done.result());
    });
}

static_assert(int(QAsyncSqliteQmlEnums::Limit::LimitLength) == SQLITE_LIMIT_LENGTH
              && int(QAsyncSqliteQmlEnums::Limit::LimitSqlLength) == SQLITE_LIMIT_SQL_LENGTH
              && int(QAsyncSqliteQmlEnums::Limit::LimitColumn) == SQLITE_LIMIT_COLUMN
              && int(QAsyncSqliteQmlEnums::Limit::LimitExprDepth) == SQLITE_LIMIT_EXPR_DEPTH
              && int(QAsyncSqliteQmlEnums::Limit::LimitCompoundSelect) == SQLITE_LIMIT_COMPOUND_SELECT
              && int(QAsyncSqliteQmlEnums::Limit::LimitVdbeOp) == SQLITE_LIMIT_VDBE_OP
              && int(QAsyncSqliteQmlEnums::Limit::LimitFunctionArg) == SQLITE_LIMIT_FUNCTION_ARG
              && int(QAsyncSqliteQmlEnums::Limit::LimitAttached) == SQLITE_LIMIT_ATTACHED
              && int(QAsyncSqliteQmlEnums::Limit::LimitLikePatternLength) == SQLITE_LIMIT_LIKE_PATTERN_LENGTH
              && int(QAsyncSqliteQmlEnums::Limit::LimitVariableNumber) == SQLITE_LIMIT_VARIABLE_NUMBER
              && int(QAsyncSqliteQmlEnums::Limit::LimitTriggerDepth) == SQLITE_LIMIT_TRIGGER_DEPTH
              && int(QAsyncSqliteQmlEnums::Limit::LimitWorkerThreads) == SQLITE_LIMIT_WORKER_THREADS);
