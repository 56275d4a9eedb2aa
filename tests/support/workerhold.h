// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TESTS_WORKERHOLD_H
#define QASYNCSQLITE_TESTS_WORKERHOLD_H

#include <QtCore/qfuture.h>

#include <chrono>
#include <memory>

class QAsyncSqliteConnection;

// Keeps a connection's worker busy inside one run() request until release(),
// so that everything the test queues meanwhile is really queued (one batch,
// still cancelable, continuations attached before any of it ends):
//
//     WorkerHold hold(db);
//     QFuture<…> a = db.execute(…); // queued behind the hold
//     hold.release();
//
// Destroying the hold releases it, so a test that fails early never leaves a
// worker blocked. The worker gives up after holdLimit by itself (future()
// then yields false), so that a forgotten release fails the test instead of
// hanging it.
class WorkerHold
{
public:
    static constexpr std::chrono::milliseconds holdLimit{60000};

    // Queues the holding request on \a db.
    explicit WorkerHold(QAsyncSqliteConnection &db);
    ~WorkerHold();
    WorkerHold(const WorkerHold &) = delete;
    WorkerHold &operator=(const WorkerHold &) = delete;

    // Waits (without an event loop) until the worker is inside the hold;
    // false after \a timeout. Call it once, and only when the test must know
    // that the worker has left what was queued before the hold.
    [[nodiscard]] bool waitUntilHeld(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));

    // Lets the worker go on; later calls do nothing.
    void release();

    // The holding request: true once the worker left it because of
    // release(), false if holdLimit passed first.
    QFuture<bool> future() const { return m_future; }

private:
    struct State;
    std::shared_ptr<State> m_state; // shared with the request: the worker may still be inside it
    QFuture<bool> m_future;
    bool m_released = false;
};

#endif // QASYNCSQLITE_TESTS_WORKERHOLD_H
