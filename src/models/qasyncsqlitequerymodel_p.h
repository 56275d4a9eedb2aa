// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQUERYMODEL_P_H
#define QASYNCSQLITEQUERYMODEL_P_H

// The query model's private class, shared by its two files: loading and
// fetching (qasyncsqlitequerymodel.cpp) and live refresh, learning the
// query's tables and polling data_version (qasyncsqlitequerymodellive.cpp).

#include <QAsyncSqlite/qasyncsqliteconnection.h>
#include <QAsyncSqlite/qasyncsqlitecursor.h>
#include <QAsyncSqlite/qasyncsqlitequerymodel.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfuture.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtimer.h>

class QAsyncSqliteQueryModelPrivate
{
public:
    explicit QAsyncSqliteQueryModelPrivate(QAsyncSqliteQueryModel *model) : q(model) { }

    // The values of one result row whatever the connection's row factory.
    static QVariantList valuesOf(const QVariant &row, const QStringList &columns);

    void scheduleReload(bool keepRows);
    void reload(bool keepRows);
    void apply(QList<QVariantList> newRows, const QStringList &newColumns);
    void appendRows(const QList<QVariantList> &more);
    void setLoading(bool loading);
    void setAtEnd(bool atEnd);
    void setLastError(const QVariantMap &error);
    void dropCursor();
    QList<QVariantList> toRows(const QVariantList &raw, const QStringList &columns) const;

    // Live refresh (qasyncsqlitequerymodellive.cpp).
    void updateLiveSources();
    void learnTables();
    // Reads PRAGMA data_version; a change since the baseline reloads.
    void poll(bool baseline);
    // A table the query reads changed: refresh, throttled.
    void liveChange();
    // Starts the pending live refresh if no refresh runs and the throttle
    // interval has passed; otherwise arranges to be called again then.
    void refreshIfDue();

    QAsyncSqliteQueryModel *q;
    QPointer<QAsyncSqliteConnection> connection;
    QList<QMetaObject::Connection> connectionSignals;
    QString query;
    QVariant parameters;
    int chunkSize = 256;
    bool live = false;
    int pollInterval = 250;

    QList<QVariantList> rows;
    QStringList columns;
    QStringList tables; // what the query reads, for live refresh
    QPointer<QAsyncSqliteCursor> cursor;
    // The requests of the current load or fetch: a newer load cancels them,
    // so that a superseded query stops instead of delaying the new one.
    QFuture<void> pendingExecute;
    QFuture<QVariantList> pendingFetch;
    quint64 generation = 0; // results of an older load are ignored
    bool loading = false;
    bool fetching = false;
    bool fetchPending = false; // a view asked for more during a reload
    bool atEnd = true;
    QVariantMap lastError; // QAsyncSqliteError::toVariantMap() of errorOf()

    QTimer pollTimer;
    qint64 dataVersion = -1;
    bool polling = false;
    bool reloadQueued = false;
    bool reloadKeepsRows = true;

    int throttle = 30;
    QTimer throttleTimer; // single shot: the end of the current interval
    QElapsedTimer lastLiveRefresh; // when the last live refresh was started
    bool changePending = false; // a change no started refresh has seen
};

#endif // QASYNCSQLITEQUERYMODEL_P_H
