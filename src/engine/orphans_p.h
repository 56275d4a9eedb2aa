// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_ORPHANS_P_H
#define QASYNCSQLITE_ORPHANS_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include <QtCore/qmutex.h>
#include <QtCore/qwaitcondition.h>

class QAsyncSqliteWorker;

namespace QAsyncSqlite::Detail {

// Workers whose last owner let go while run() still ran (close()'s
// continuations, or a body the connection's destructor gave up on). Each is
// joined and deleted by a detached reaper thread once run() ends.
// QCoreApplication's teardown waits for all of them (a post routine), so that
// the process never exits under a running worker
// (tst_lifecycle::exitWaitsForAbandonedWorker).
class Orphans
{
public:
    static Orphans &instance();
    // The last owner let go of a worker whose run() has not ended.
    void adopt();
    // Called at the end of run(): the reaper carries the worker's thread name.
    void reap(QAsyncSqliteWorker *worker);

private:
    Orphans() = default;
    static void waitAtTeardown();

    QMutex m_mutex;
    QWaitCondition m_reaped;
    int m_count = 0;
    bool m_waitAtTeardown = false; // the post routine is registered
};

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_ORPHANS_P_H
