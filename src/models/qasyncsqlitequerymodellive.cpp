// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Live refresh of QAsyncSqliteQueryModel: learning which tables the query
// reads, reloading when one of them changes on the model's connection
// (tablesChanged()), and polling PRAGMA data_version for commits by other
// connections, throttling the refreshes that changes cause. See
// doc/models.md#live-refresh.
#include "qasyncsqlitequerymodel_p.h"

#include <sqlite3.h>

using QAsyncSqlite::Detail::whenFinished;

namespace {

// The tables a query reads: the root pages its OpenRead opcodes open,
// mapped back through the schema (views and indexes resolve to tables).
QStringList tablesReadBy(sqlite3 *db, const QString &query)
{
    QStringList tables;
    sqlite3_stmt *explain = nullptr;
    const QByteArray sql = "EXPLAIN " + query.toUtf8();
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &explain, nullptr) != SQLITE_OK)
        return tables;
    QList<std::pair<int, int>> pages; // (schema index, root page)
    while (sqlite3_step(explain) == SQLITE_ROW) {
        if (qstrcmp(reinterpret_cast<const char *>(sqlite3_column_text(explain, 1)), "OpenRead") == 0)
            pages.append({sqlite3_column_int(explain, 4), sqlite3_column_int(explain, 3)});
    }
    sqlite3_finalize(explain);
    for (const auto &[schemaIndex, page] : pages) {
        if (schemaIndex > 1)
            continue; // attached databases: their schema tables are not tracked
        const char *lookup = schemaIndex == 1 ? "SELECT tbl_name FROM sqlite_temp_schema WHERE rootpage = ?"
                                              : "SELECT tbl_name FROM sqlite_schema WHERE rootpage = ?";
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(db, lookup, -1, &stmt, nullptr) != SQLITE_OK)
            continue;
        sqlite3_bind_int(stmt, 1, page);
        if (sqlite3_step(stmt) == SQLITE_ROW) {
            const QString table = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
            if (!tables.contains(table))
                tables.append(table);
        }
        sqlite3_finalize(stmt);
    }
    return tables;
}

} // namespace

void QAsyncSqliteQueryModelPrivate::updateLiveSources()
{
    for (const auto &c : std::as_const(connectionSignals))
        QObject::disconnect(c);
    connectionSignals.clear();
    pollTimer.stop();
    throttleTimer.stop();
    changePending = false;
    dataVersion = -1;
    if (!connection)
        return;
    // Loads wait for the connection to be open.
    connectionSignals.append(QObject::connect(connection, &QAsyncSqliteConnection::openChanged, q, [this] {
        if (connection && connection->isOpen())
            scheduleReload(false);
    }));
    if (!live)
        return;
    connectionSignals.append(
            QObject::connect(connection, &QAsyncSqliteConnection::tablesChanged, q, [this](const QStringList &changed) {
                // Tables not known yet (e.g. the query failed because its table
                // did not exist): any change may be the one it waits for.
                if (tables.isEmpty()) {
                    liveChange();
                    return;
                }
                for (const QString &table : changed) {
                    if (tables.contains(table, Qt::CaseInsensitive)) {
                        liveChange();
                        return;
                    }
                }
            }));
    if (pollInterval > 0)
        pollTimer.start(pollInterval);
    learnTables();
}

void QAsyncSqliteQueryModelPrivate::learnTables()
{
    if (!connection || query.isEmpty() || !connection->isOpen())
        return;
    const quint64 current = generation;
    const QFuture<QStringList> learned = connection->run([sql = query](sqlite3 *db) {
        return tablesReadBy(db, sql);
    });
    whenFinished(q, learned, [this, current](const QFuture<QStringList> &future) {
        if (current == generation && !QAsyncSqlite::errorOf(future))
            tables = future.result();
    });
}

void QAsyncSqliteQueryModelPrivate::poll(bool baseline)
{
    // PRAGMA data_version changes when another connection commits.
    if ((polling && !baseline) || !connection || !connection->isOpen())
        return;
    polling = true;
    const quint64 current = generation;
    const QFuture<QVariantList> read = connection->execute(QStringLiteral("PRAGMA data_version"));
    whenFinished(q, read, [this, current, baseline](const QFuture<QVariantList> &future) {
        polling = false;
        if (current != generation) {
            dataVersion = -1; // measured against an older load: take a new baseline
            return;
        }
        if (QAsyncSqlite::errorOf(future) || future.result().isEmpty())
            return;
        const QVariantList values = valuesOf(future.result().constFirst(), {QStringLiteral("data_version")});
        const qint64 version = values.value(0).toLongLong();
        if (!baseline && dataVersion >= 0 && version != dataVersion)
            liveChange();
        dataVersion = version;
    });
}

void QAsyncSqliteQueryModelPrivate::liveChange()
{
    // A reload still to be started sees this change already (its query is
    // queued behind the commit), and 0 keeps the unthrottled behaviour.
    if (throttle <= 0 || reloadQueued) {
        scheduleReload(true);
        return;
    }
    changePending = true;
    refreshIfDue();
}

void QAsyncSqliteQueryModelPrivate::refreshIfDue()
{
    if (!changePending || !live)
        return;
    // Like sqlite_async's watch(): never cancel a running refresh to start
    // another (a query slower than the interval would never show anything
    // during a long burst); run one more when it ends (setLoading()).
    if (loading && !fetching)
        return;
    if (throttleTimer.isActive())
        return;
    if (throttle > 0 && lastLiveRefresh.isValid()) {
        const qint64 remaining = throttle - lastLiveRefresh.elapsed();
        if (remaining > 0) {
            throttleTimer.start(int(remaining)); // the trailing edge
            return;
        }
    }
    changePending = false;
    lastLiveRefresh.start();
    scheduleReload(true);
}

int QAsyncSqliteQueryModel::throttle() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->throttle;
}

void QAsyncSqliteQueryModel::setThrottle(int milliseconds)
{
    Q_D(QAsyncSqliteQueryModel);
    milliseconds = qMax(0, milliseconds);
    if (d->throttle == milliseconds)
        return;
    d->throttle = milliseconds;
    // A pending refresh waits for the new interval, not the old one.
    d->throttleTimer.stop();
    d->refreshIfDue();
    Q_EMIT throttleChanged();
}
