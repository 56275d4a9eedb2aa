// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITECONNECTION_P_H
#define QASYNCSQLITECONNECTION_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include "engine/jobs_p.h"
#include "engine/statements_p.h"

#include <QAsyncSqlite/qasyncsqliteconnection.h>

#include <QtCore/qmutex.h>

#include <chrono>
#include <memory>

namespace QAsyncSqlite::Detail {
class ConnectionLink;
class ReaderPool;
}

class QAsyncSqliteConnectionPrivate
{
public:
    std::shared_ptr<QAsyncSqliteWorker> currentWorker() const
    {
        QMutexLocker locker(&mutex);
        return worker;
    }
    // Queues a settings change so it applies in FIFO order (on the readers too).
    void pushSettings();
    // Queues \a fn on every reader (functions and collations: doc/readers.md).
    static void forEachReader(const QAsyncSqliteConnection *q, const std::function<void(QAsyncSqliteWorker &)> &fn);
    // Emits a NOTIFY signal of \a q on q's thread: at once when called there,
    // so that a binding sees the change synchronously, queued otherwise
    // (tst_lifecycle::notifySignalsOnConnectionThread).
    void notify(QAsyncSqliteConnection *q, std::function<void(QAsyncSqliteConnection *)> emitSignal);
    // execute()'s job: a plain query, which may share a read transaction.
    static QFuture<QVariantList> submitQuery(QAsyncSqliteConnection *q, const QString &sql,
                                             const QAsyncSqlite::Detail::Params &params);

    std::shared_ptr<QAsyncSqlite::Detail::ConnectionLink> link; // set by the constructor, then constant
    mutable QMutex mutex; // guards everything below
    std::shared_ptr<QAsyncSqliteWorker> worker;
    std::shared_ptr<QAsyncSqlite::Detail::ReaderPool> pool; // with QAsyncSqliteOptions::readers, else null
    QString database;
    QAsyncSqliteOptions options;
    QAsyncSqlite::Detail::Settings settings;
    std::chrono::milliseconds shutdownTimeout{10000};
};

#endif // QASYNCSQLITECONNECTION_P_H
