// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_SYNC_P_H
#define QASYNCSQLITE_SYNC_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qmutex.h>
#include <QtCore/qwaitcondition.h>

namespace QAsyncSqlite::Detail {

// QWaitCondition::wait() that ThreadSanitizer understands. Debian's Qt is not
// built with TSan: the wait unlocks and relocks the QMutex inside
// libQt6Core, out of sight of the inline annotations of qtsan_impl.h, so
// TSan would report a double lock (and miss the ordering) on the next
// lock. Announce the unlock/relock here; no-ops in a normal build.
template<typename... Deadline>
bool waitAnnotated(QWaitCondition &condition, QMutex &mutex, Deadline... deadline)
{
    QtTsan::mutexPreUnlock(&mutex, 0u);
    QtTsan::mutexPostUnlock(&mutex, 0u);
    const bool woken = condition.wait(&mutex, deadline...);
    QtTsan::mutexPreLock(&mutex, 0u);
    QtTsan::mutexPostLock(&mutex, 0u, 0);
    return woken;
}

// A one-way gate: closed until release(), open for good afterwards.
class Latch
{
public:
    void release()
    {
        QMutexLocker locker(&m_mutex);
        m_released = true;
        m_condition.wakeAll();
    }
    // Whether it was released by \a deadline.
    bool wait(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever))
    {
        QMutexLocker locker(&m_mutex);
        while (!m_released && waitAnnotated(m_condition, m_mutex, deadline)) { }
        return m_released;
    }

private:
    QMutex m_mutex;
    QWaitCondition m_condition;
    bool m_released = false;
};

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_SYNC_P_H
