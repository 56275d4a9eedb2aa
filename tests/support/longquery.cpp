// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "longquery.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>

#include <QtCore/qsemaphore.h>

QFuture<void> installStarted(QAsyncSqliteConnection &db, QSemaphore *semaphore)
{
    return db.createFunction(QStringLiteral("started"), 0, [semaphore](const QVariantList &) {
        semaphore->release();
        return QVariant(qint64(1));
    });
}

bool waitStarted(QSemaphore &semaphore)
{
    return semaphore.tryAcquire(1, 20000);
}
