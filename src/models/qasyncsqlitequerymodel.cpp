// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqlitequerymodel_p.h"

using QAsyncSqlite::Detail::whenFinished;

namespace {

// SQL NULL through the named roles and get(): a null QVariant reads as
// `undefined` in QML, QVariant::fromValue(nullptr) as `null`.
QVariant nullForQml(const QVariant &value)
{
    return value.isValid() ? value : QVariant::fromValue(nullptr);
}

// Empty if \a future succeeded, else what went wrong (errorOf()'s rule).
QVariantMap failureOf(const QFuture<void> &future)
{
    const auto error = QAsyncSqlite::errorOf(future);
    return error ? error->toVariantMap() : QVariantMap();
}

} // namespace

QVariantList QAsyncSqliteQueryModelPrivate::valuesOf(const QVariant &row, const QStringList &columns)
{
    if (row.metaType() == QMetaType::fromType<QAsyncSqliteRow>())
        return row.value<QAsyncSqliteRow>().toList();
    if (row.metaType().id() == QMetaType::QVariantMap) {
        const QVariantMap map = row.toMap();
        QVariantList values;
        for (const QString &column : columns)
            values.append(map.value(column));
        return values;
    }
    if (row.metaType().id() == QMetaType::QVariantList)
        return row.toList();
    return {row}; // a callable row factory's value: shown as one column
}

QList<QVariantList> QAsyncSqliteQueryModelPrivate::toRows(const QVariantList &raw, const QStringList &names) const
{
    QList<QVariantList> result;
    result.reserve(raw.size());
    for (const QVariant &row : raw)
        result.append(valuesOf(row, names));
    return result;
}

void QAsyncSqliteQueryModelPrivate::scheduleReload(bool keepRows)
{
    // Property changes come in bursts (QML sets several at creation): load once.
    reloadKeepsRows = reloadKeepsRows && keepRows;
    if (reloadQueued)
        return;
    reloadQueued = true;
    QTimer::singleShot(0, q, [this] {
        reloadQueued = false;
        const bool keep = std::exchange(reloadKeepsRows, true);
        reload(keep);
    });
}

void QAsyncSqliteQueryModelPrivate::dropCursor()
{
    // Queued: never runs; running: stops with SQLITE_INTERRUPT (per request).
    pendingExecute.cancel();
    pendingFetch.cancel();
    if (QAsyncSqliteCursor *old = cursor.data()) {
        old->close();
        old->deleteLater();
    }
    cursor = nullptr;
}

void QAsyncSqliteQueryModelPrivate::reload(bool keepRows)
{
    const quint64 current = ++generation;
    dropCursor();
    // A chunk being fetched or asked for is folded into this load.
    const bool wantMore = keepRows && (fetching || fetchPending);
    fetching = false;
    fetchPending = false;
    if (!connection || query.isEmpty() || !connection->isOpen()) {
        apply({}, {});
        setAtEnd(true);
        setLoading(false);
        return;
    }
    setLoading(true);
    const int wanted = keepRows ? qMax(chunkSize, int(rows.size()) + (wantMore ? chunkSize : 0)) : chunkSize;
    QAsyncSqliteCursor *c = connection->cursor();
    cursor = c;
    // Both requests are queued at once; FIFO order runs them back to back.
    const QFuture<void> executed = parameters.metaType().id() == QMetaType::QVariantMap
            ? c->execute(query, parameters.toMap())
            : c->execute(query, parameters.toList());
    const QFuture<QVariantList> fetched = c->fetchMany(wanted);
    pendingExecute = executed;
    pendingFetch = fetched;
    if (live)
        poll(true); // queued right behind the load: the baseline matches what we show
    whenFinished(q, fetched, [this, current, executed, wanted, c](const QFuture<QVariantList> &future) {
        if (current != generation)
            return;
        QVariantMap failure = failureOf(executed);
        if (failure.isEmpty())
            failure = failureOf(QFuture<void>(future));
        if (!failure.isEmpty()) {
            setLastError(failure);
            apply({}, {});
            setAtEnd(true);
            setLoading(false);
            return;
        }
        QStringList names;
        for (const QAsyncSqliteColumn &column : c->description())
            names.append(column.name);
        const QVariantList raw = future.result();
        setLastError({});
        apply(toRows(raw, names), names);
        setAtEnd(raw.size() < wanted);
        setLoading(false);
        Q_EMIT q->refreshed();
        if (live && tables.isEmpty())
            learnTables();
        if (std::exchange(fetchPending, false))
            q->fetchMore();
    });
}

void QAsyncSqliteQueryModelPrivate::apply(QList<QVariantList> newRows, const QStringList &newColumns)
{
    const int oldCount = int(rows.size());
    if (newColumns != columns) {
        q->beginResetModel();
        rows = std::move(newRows);
        columns = newColumns;
        q->endResetModel();
        Q_EMIT q->columnsChanged();
    } else {
        // Same shape: update in place so views keep their state.
        const int common = qMin(oldCount, int(newRows.size()));
        int first = -1;
        for (int i = 0; i <= common; ++i) {
            const bool changed = i < common && rows.at(i) != newRows.at(i);
            if (changed) {
                rows[i] = newRows.at(i);
                if (first < 0)
                    first = i;
            } else if (first >= 0) {
                Q_EMIT q->dataChanged(q->index(first, 0), q->index(i - 1, qMax(0, int(columns.size()) - 1)));
                first = -1;
            }
        }
        if (newRows.size() > oldCount) {
            q->beginInsertRows({}, oldCount, int(newRows.size()) - 1);
            rows.append(newRows.mid(oldCount));
            q->endInsertRows();
        } else if (newRows.size() < oldCount) {
            q->beginRemoveRows({}, int(newRows.size()), oldCount - 1);
            rows.resize(newRows.size());
            q->endRemoveRows();
        }
    }
    if (rows.size() != oldCount)
        Q_EMIT q->countChanged();
}

void QAsyncSqliteQueryModelPrivate::appendRows(const QList<QVariantList> &more)
{
    if (more.isEmpty())
        return;
    q->beginInsertRows({}, int(rows.size()), int(rows.size() + more.size()) - 1);
    rows.append(more);
    q->endInsertRows();
    Q_EMIT q->countChanged();
}

void QAsyncSqliteQueryModelPrivate::setLoading(bool value)
{
    if (loading != value) {
        loading = value;
        Q_EMIT q->loadingChanged();
        if (!value)
            refreshIfDue(); // a change that came during the load refreshes now
    }
}

void QAsyncSqliteQueryModelPrivate::setAtEnd(bool value)
{
    if (atEnd != value) {
        atEnd = value;
        Q_EMIT q->atEndChanged();
    }
}

void QAsyncSqliteQueryModelPrivate::setLastError(const QVariantMap &value)
{
    if (lastError != value) {
        lastError = value;
        Q_EMIT q->lastErrorChanged();
        Q_EMIT q->errorChanged();
    }
}

QAsyncSqliteQueryModel::QAsyncSqliteQueryModel(QObject *parent)
    : QAbstractTableModel(parent), d_ptr(new QAsyncSqliteQueryModelPrivate(this))
{
    Q_D(QAsyncSqliteQueryModel);
    connect(&d->pollTimer, &QTimer::timeout, this, [d] {
        d->poll(false);
    });
    d->throttleTimer.setSingleShot(true);
    connect(&d->throttleTimer, &QTimer::timeout, this, [d] {
        d->refreshIfDue();
    });
}

QAsyncSqliteQueryModel::~QAsyncSqliteQueryModel()
{
    Q_D(QAsyncSqliteQueryModel);
    d->dropCursor();
}

QAsyncSqliteConnection *QAsyncSqliteQueryModel::connection() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->connection;
}

void QAsyncSqliteQueryModel::setConnection(QAsyncSqliteConnection *connection)
{
    Q_D(QAsyncSqliteQueryModel);
    if (d->connection == connection)
        return;
    d->dropCursor();
    d->connection = connection;
    d->tables.clear();
    d->updateLiveSources();
    d->scheduleReload(false);
    Q_EMIT connectionChanged();
}

QString QAsyncSqliteQueryModel::query() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->query;
}

void QAsyncSqliteQueryModel::setQuery(const QString &query)
{
    Q_D(QAsyncSqliteQueryModel);
    if (d->query == query)
        return;
    d->query = query;
    d->tables.clear();
    if (d->live)
        d->learnTables();
    d->scheduleReload(false);
    Q_EMIT queryChanged();
}

QVariant QAsyncSqliteQueryModel::parameters() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->parameters;
}

// One map type for named parameters, one list type for positional ones.
static QVariant normalizedParameters(const QVariant &parameters)
{
    switch (parameters.metaType().id()) {
    case QMetaType::QVariantHash: {
        const QVariantHash hash = parameters.toHash();
        QVariantMap map;
        for (auto it = hash.cbegin(); it != hash.cend(); ++it)
            map.insert(it.key(), it.value());
        return map;
    }
    case QMetaType::QStringList:
        return parameters.toList();
    default:
        return parameters;
    }
}

void QAsyncSqliteQueryModel::setParameters(const QVariant &value)
{
    Q_D(QAsyncSqliteQueryModel);
    const QVariant parameters = normalizedParameters(value);
    if (d->parameters == parameters)
        return;
    d->parameters = parameters;
    d->scheduleReload(false);
    Q_EMIT parametersChanged();
}

int QAsyncSqliteQueryModel::chunkSize() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->chunkSize;
}

void QAsyncSqliteQueryModel::setChunkSize(int size)
{
    Q_D(QAsyncSqliteQueryModel);
    size = qMax(1, size);
    if (d->chunkSize == size)
        return;
    d->chunkSize = size;
    Q_EMIT chunkSizeChanged();
}

bool QAsyncSqliteQueryModel::isLive() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->live;
}

void QAsyncSqliteQueryModel::setLive(bool live)
{
    Q_D(QAsyncSqliteQueryModel);
    if (d->live == live)
        return;
    d->live = live;
    d->updateLiveSources();
    Q_EMIT liveChanged();
}

int QAsyncSqliteQueryModel::pollInterval() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->pollInterval;
}

void QAsyncSqliteQueryModel::setPollInterval(int milliseconds)
{
    Q_D(QAsyncSqliteQueryModel);
    milliseconds = qMax(0, milliseconds);
    if (d->pollInterval == milliseconds)
        return;
    d->pollInterval = milliseconds;
    d->updateLiveSources();
    Q_EMIT pollIntervalChanged();
}

int QAsyncSqliteQueryModel::count() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return int(d->rows.size());
}

bool QAsyncSqliteQueryModel::isLoading() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->loading;
}

bool QAsyncSqliteQueryModel::isAtEnd() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->atEnd;
}

QVariantMap QAsyncSqliteQueryModel::lastError() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->lastError;
}

QVariantMap QAsyncSqliteQueryModel::error() const
{
    return lastError();
}

QStringList QAsyncSqliteQueryModel::columns() const
{
    Q_D(const QAsyncSqliteQueryModel);
    return d->columns;
}

void QAsyncSqliteQueryModel::refresh()
{
    Q_D(QAsyncSqliteQueryModel);
    d->reload(true);
}

QVariantMap QAsyncSqliteQueryModel::get(int row) const
{
    Q_D(const QAsyncSqliteQueryModel);
    QVariantMap map;
    if (row < 0 || row >= d->rows.size())
        return map;
    const QVariantList &values = d->rows.at(row);
    for (qsizetype i = 0; i < d->columns.size() && i < values.size(); ++i)
        map.insert(d->columns.at(i), nullForQml(values.at(i)));
    return map;
}

int QAsyncSqliteQueryModel::rowCount(const QModelIndex &parent) const
{
    Q_D(const QAsyncSqliteQueryModel);
    return parent.isValid() ? 0 : int(d->rows.size());
}

int QAsyncSqliteQueryModel::columnCount(const QModelIndex &parent) const
{
    Q_D(const QAsyncSqliteQueryModel);
    return parent.isValid() ? 0 : int(d->columns.size());
}

QVariant QAsyncSqliteQueryModel::data(const QModelIndex &index, int role) const
{
    Q_D(const QAsyncSqliteQueryModel);
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QVariantList &values = d->rows.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::EditRole)
        return values.value(index.column());
    const int column = role - (Qt::UserRole + 1);
    if (column >= 0 && column < values.size())
        return nullForQml(values.at(column));
    return {};
}

QVariant QAsyncSqliteQueryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    Q_D(const QAsyncSqliteQueryModel);
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal)
        return d->columns.value(section);
    return section + 1;
}

QHash<int, QByteArray> QAsyncSqliteQueryModel::roleNames() const
{
    Q_D(const QAsyncSqliteQueryModel);
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    for (qsizetype i = 0; i < d->columns.size(); ++i)
        names.insert(Qt::UserRole + 1 + int(i), d->columns.at(i).toUtf8());
    return names;
}

bool QAsyncSqliteQueryModel::canFetchMore(const QModelIndex &parent) const
{
    Q_D(const QAsyncSqliteQueryModel);
    // True during a (live) reload too: a view asks only once, when it shows
    // the last row, so fetchMore() then remembers the request (see below).
    return !parent.isValid() && !d->atEnd && !d->fetching && d->cursor;
}

void QAsyncSqliteQueryModel::fetchMore(const QModelIndex &parent)
{
    Q_D(QAsyncSqliteQueryModel);
    if (!canFetchMore(parent))
        return;
    if (d->loading) { // a reload runs: fetch once it has delivered its rows
        d->fetchPending = true;
        return;
    }
    d->fetching = true;
    d->setLoading(true);
    const quint64 current = d->generation;
    const int wanted = d->chunkSize;
    d->pendingFetch = d->cursor->fetchMany(wanted);
    whenFinished(this, d->pendingFetch, [d, current, wanted](const QFuture<QVariantList> &future) {
        if (current != d->generation)
            return;
        d->fetching = false;
        const QVariantMap failure = failureOf(QFuture<void>(future));
        d->setLastError(failure);
        if (failure.isEmpty()) {
            const QVariantList raw = future.result();
            d->appendRows(d->toRows(raw, d->columns));
            d->setAtEnd(raw.size() < wanted);
        } else {
            d->setAtEnd(true);
        }
        d->setLoading(false);
    });
}
