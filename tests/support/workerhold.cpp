// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "workerhold.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>

#include <QtCore/qsemaphore.h>

struct WorkerHold::State
{
    QSemaphore held; // released by the worker on entering the hold
    QSemaphore released; // released by the test
};

WorkerHold::WorkerHold(QAsyncSqliteConnection &db) : m_state(std::make_shared<State>())
{
    m_future = db.run([state = m_state](sqlite3 *) {
        state->held.release();
        return state->released.tryAcquire(1, int(holdLimit.count()));
    });
}

WorkerHold::~WorkerHold()
{
    release();
}

bool WorkerHold::waitUntilHeld(std::chrono::milliseconds timeout)
{
    return m_state->held.tryAcquire(1, int(timeout.count()));
}

void WorkerHold::release()
{
    if (m_released)
        return;
    m_released = true;
    m_state->released.release();
}
