// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Shared by the tests under tests/fault: the "nothing lost" checks that every
// fault test ends with — threads, file descriptors and SQLite's heap return
// to what they were before the test.
#ifndef QASYNCSQLITE_RESOURCEBASELINE_H
#define QASYNCSQLITE_RESOURCEBASELINE_H

#include "faultcommon.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qthread.h>
#include <QtCore/qstring.h>
#include <QtCore/qthreadpool.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

namespace FaultTest {

using Fault::fdCount;
using Fault::threadCount;

// Worker threads ("QAsyncSqlite <database>") still alive in this process.
inline int workerThreadCount()
{
    int n = 0;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().startsWith("QAsyncSqlite"))
            ++n;
    }
    return n;
}

// Waits (up to 10 s) until the workers of earlier tests have ended.
inline int settle()
{
    for (int i = 0; i < 1000 && workerThreadCount() > 0; ++i)
        QThread::msleep(10);
    return 0;
}

// Threads, fds and sqlite3_memory_used() at construction; compare() tells
// what differs now ("" when all are back).
struct Baseline
{
    int settled = settle();
    int threads = threadCount();
    int fds = fdCount();
    sqlite3_int64 memory = sqlite3_memory_used();

    QString compare() const
    {
        QStringList diffs;
        if (threadCount() != threads)
            diffs << QStringLiteral("threads %1 -> %2").arg(threads).arg(threadCount());
        if (fdCount() != fds)
            diffs << QStringLiteral("fds %1 -> %2").arg(fds).arg(fdCount());
        if (sqlite3_memory_used() != memory)
            diffs << QStringLiteral("sqlite3_memory_used %1 -> %2").arg(memory).arg(sqlite3_memory_used());
        return diffs.join(QStringLiteral(", "));
    }
};

// Opens and closes one connection so that SQLite's and Qt's one-time global
// allocations (VFS, mutexes, thread pool, logging) happen before a Baseline.
inline void warmUp()
{
    // Idle QThreadPool threads expire after 30 s: keep them, so that the
    // thread count only moves with connections.
    QThreadPool::globalInstance()->setExpiryTimeout(-1);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    (void)QAsyncSqliteTest::awaitSuccess(db.open(tmp.path(), {.pragmas = {QStringLiteral("journal_mode=WAL")}}));
    (void)QAsyncSqliteTest::awaitSuccess(db.execute(QStringLiteral("CREATE TABLE IF NOT EXISTS w(x)")));
    (void)QAsyncSqliteTest::awaitSuccess(db.close());
}

// The terminal state a finished future reached: "result", "error:<name>",
// "canceled", or "pending" (a bug: every future must end).
template<typename T>
QString terminalState(const QFuture<T> &future)
{
    if (!future.isFinished())
        return QStringLiteral("pending");
    try {
        QFuture<T>(future).waitForFinished();
    } catch (const QAsyncSqliteError &e) {
        return QStringLiteral("error:") + e.errorName();
    } catch (const std::exception &e) {
        return QStringLiteral("foreign-exception:") + QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("foreign-exception");
    }
    return future.isCanceled() ? QStringLiteral("canceled") : QStringLiteral("result");
}

} // namespace FaultTest

// Fails the test unless threads, fds and SQLite's heap are back to \a baseline
// (polling up to 10 s: a closing worker thread may still be on its way out).
#define FAULT_VERIFY_BASELINE(baseline)                                                                                \
    do {                                                                                                               \
        QTRY_COMPARE_WITH_TIMEOUT((baseline).compare(), QString(), 10000);                                             \
    } while (false)

#endif // QASYNCSQLITE_RESOURCEBASELINE_H
