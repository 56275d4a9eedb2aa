// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_LEASES_P_H
#define QASYNCSQLITE_LEASES_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

// A transaction handle's state, shared by the handle (any thread) and the
// worker: while a handle is open the worker runs only its requests (and
// those of the handles nested in it) and keeps every other request waiting
// in order (doc/architecture.md, "Transaction handles").

#include "transactions_p.h"

#include <QAsyncSqlite/qasyncsqliteconnection_impl.h>
#include <QAsyncSqlite/qasyncsqlitetransactionhandle.h>

#include <QtCore/qthread.h>

#include <atomic>
#include <memory>

namespace QAsyncSqlite::Detail {

class Lease
{
public:
    enum class State {
        Open,
        Committed,
        RolledBack, // by rollback(), or because the handle was destroyed open
        TimedOut,
        Closed // by close() or the connection's destructor
    };

    Lease(std::weak_ptr<QAsyncSqliteWorker> worker, std::shared_ptr<Lease> parent,
          const QAsyncSqliteTransactionOptions &options)
        : worker(std::move(worker)), parent(std::move(parent)), options(options)
    {
    }

    static QAsyncSqliteTransactionHandle handleFor(std::shared_ptr<Lease> lease)
    {
        return QAsyncSqliteTransactionHandle(std::move(lease));
    }
    // The outermost handle's lease: its options and idle timer rule them all.
    const Lease &root() const { return parent ? parent->root() : *this; }
    // Whether \a job runs inside this lease or one it is nested in.
    bool covers(const Lease *other) const
    {
        for (const Lease *l = this; l; l = l->parent.get()) {
            if (l == other)
                return true;
        }
        return false;
    }
    // Queues \a fn as a request of this transaction.
    template<typename R>
    QFuture<R> submit(typename CallableJob<R>::Function fn, const std::shared_ptr<Lease> &self)
    {
        auto job = std::make_unique<CallableJob<R>>(std::move(fn));
        job->setLease(self);
        QFuture<R> future = job->future();
        enqueue(worker.lock(), std::move(job));
        return future;
    }

    // --- any thread ---
    const std::weak_ptr<QAsyncSqliteWorker> worker; // weak: the worker holds its open lease
    const std::shared_ptr<Lease> parent;
    const QAsyncSqliteTransactionOptions options;
    std::atomic<State> state{State::Open}; // written by the worker
    std::atomic<bool> endRequested{false}; // commit() or rollback() was called and has not failed

    // --- worker thread only ---
    // The open transaction or savepoint; null once ended (always by the
    // worker: its destructor runs SQL).
    std::unique_ptr<QAsyncSqliteTransactionPrivate> transactionData;
    std::unique_ptr<QAsyncSqliteTransaction> transaction;
    int previousQueryOnly = 0; // readOnly: the PRAGMA query_only to restore
};

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_LEASES_P_H
