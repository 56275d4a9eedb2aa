// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// AsyncSqlite's schema migrations: the `migrations` property, run by every
// open before `opened`, and migrate() (doc/migrations.md).
#include "qasyncsqliteqmlconnection.h"

#include "qasyncsqliteqmlvalues.h"

#include <QtQml/qjsvalueiterator.h>

using namespace Qt::StringLiterals;
using QAsyncSqliteQml::typeName;

namespace {

// Converts \a steps (an array of SQL strings or {name, sql} objects) into
// \a out; returns why it cannot, prefixed with \a context, or an empty string.
QString migrationsFromJs(const QString &context, const QJSValue &steps, QList<QAsyncSqliteMigration> &out)
{
    if (!QAsyncSqliteQml::isList(steps))
        return u"%1: expects an array of SQL scripts or {name, sql} objects, not %2"_s.arg(context, typeName(steps));
    const int length = steps.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i) {
        const QJSValue step = steps.property(quint32(i));
        if (step.isString()) {
            out.append({.name = {}, .sql = step.toString()});
            continue;
        }
        const QString problem = u"%1: step %2 must be an SQL string or an object {name, sql}, not %3"_s.arg(
                context, QString::number(i + 1), typeName(step));
        if (!step.isObject() || step.isArray() || step.isCallable())
            return problem;
        QAsyncSqliteMigration migration;
        QJSValueIterator it(step);
        while (it.hasNext()) {
            it.next();
            if (it.name() == u"name"_s && it.value().isString())
                migration.name = it.value().toString();
            else if (it.name() == u"sql"_s && it.value().isString())
                migration.sql = it.value().toString();
            else
                return problem;
        }
        out.append(migration);
    }
    return {};
}

} // namespace

void QAsyncSqliteQmlConnection::setMigrations(const QJSValue &steps)
{
    // Checked now, so that a mistake shows where it is made rather than as
    // a failed open.
    QList<QAsyncSqliteMigration> ignored;
    if (!steps.isUndefined() && !steps.isNull()) {
        if (const QString problem = migrationsFromJs(u"migrations"_s, steps, ignored); !problem.isEmpty()) {
            typeError(problem);
            return;
        }
    }
    if (m_migrations.strictlyEquals(steps))
        return;
    m_migrations = steps;
    Q_EMIT migrationsChanged();
}

QFuture<void> QAsyncSqliteQmlConnection::openConnection(const QString &path)
{
    QAsyncSqliteOptions options = m_options.toConnectionOptions();
    if (!m_migrations.isUndefined() && !m_migrations.isNull())
        migrationsFromJs(u"migrations"_s, m_migrations, options.migrations); // checked by setMigrations()
    return m_connection->open(path, options);
}

QJSValue QAsyncSqliteQmlConnection::migrate(const QJSValue &steps, const QJSValue &extra)
{
    if (tooManyArguments(u"migrate"_s, extra))
        return {};
    QList<QAsyncSqliteMigration> migrations;
    if (const QString problem = migrationsFromJs(u"migrate()"_s, steps, migrations); !problem.isEmpty())
        return typeError(problem);
    return m_promises.promiseFor(m_connection->migrate(migrations), [](const QFuture<int> &f) {
        return QJSValue(f.result());
    });
}
