// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TRANSACTIONS_P_H
#define QASYNCSQLITE_TRANSACTIONS_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include <QAsyncSqlite/qasyncsqliteglobal.h>
#include <QAsyncSqlite/qasyncsqlitetransaction.h>

#include <QtCore/qstring.h>

#include <functional>
#include <memory>

class QAsyncSqliteWorker;

// What a QAsyncSqliteTransaction works on: runTransaction() keeps it on its
// stack around the public object for one request, a transaction handle
// (engine/leases.cpp) on the heap across requests. Worker thread only.
class QAsyncSqliteTransactionPrivate
{
public:
    QAsyncSqliteTransactionPrivate(QAsyncSqliteWorker &worker, QAsyncSqlite::TransactionMode mode)
        : worker(worker), mode(mode)
    {
    }

    void run(const std::function<void(QAsyncSqliteTransaction &)> &body)
    {
        QAsyncSqliteTransaction tx(*this);
        body(tx);
        tx.commit();
    }
    // BEGIN (or SAVEPOINT when a transaction is open); destroying the result
    // rolls back unless its commit() succeeded.
    std::unique_ptr<QAsyncSqliteTransaction> open()
    {
        return std::unique_ptr<QAsyncSqliteTransaction>(new QAsyncSqliteTransaction(*this));
    }

    QAsyncSqliteWorker &worker;
    const QAsyncSqlite::TransactionMode mode;
    QString savepoint; // set when nested inside an open transaction
    bool done = false;
};

#endif // QASYNCSQLITE_TRANSACTIONS_P_H
