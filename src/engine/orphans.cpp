// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "orphans_p.h"
#include "sync_p.h"
#include "worker_p.h"

#include <QtCore/qcoreapplication.h>

#include <thread>

using namespace QAsyncSqlite::Detail;

Orphans &Orphans::instance()
{
    static auto *orphans = new Orphans; // never destroyed: a reaper may outlive static destruction
    return *orphans;
}

void Orphans::adopt()
{
    QMutexLocker locker(&m_mutex);
    ++m_count;
    if (!m_waitAtTeardown) {
        m_waitAtTeardown = true;
        qAddPostRoutine(&Orphans::waitAtTeardown);
    }
}

void Orphans::reap(QAsyncSqliteWorker *worker)
{
    std::thread([this, worker] {
        delete worker; // ~QAsyncSqliteWorker joins the thread
        QMutexLocker locker(&m_mutex);
        if (--m_count == 0)
            m_reaped.wakeAll();
    }).detach();
}

void Orphans::waitAtTeardown()
{
    Orphans &self = instance();
    QMutexLocker locker(&self.m_mutex);
    self.m_waitAtTeardown = false;
    while (self.m_count > 0)
        waitAnnotated(self.m_reaped, self.m_mutex);
}
