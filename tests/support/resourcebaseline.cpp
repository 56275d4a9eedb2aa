// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "resourcebaseline.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qthread.h>
#include <QtCore/qthreadpool.h>

namespace Fault {

int threadCount()
{
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

int fdCount()
{
    // The listing's own descriptor is counted every time, so counts compare.
    return int(QDir(
            QStringLiteral("/proc/self/fd")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size());
}

int workerThreadCount()
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

int settle(const std::function<int()> &value, int expected, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    int v = value();
    while (v != expected && !deadline.hasExpired()) {
        QThread::msleep(5);
        v = value();
    }
    return v;
}

void waitForWorkersToEnd()
{
    for (int i = 0; i < 1000 && workerThreadCount() > 0; ++i)
        QThread::msleep(10);
}

void warmUp()
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

Baseline::Baseline()
{
    waitForWorkersToEnd();
    threads = threadCount();
    fds = fdCount();
    memory = sqlite3_memory_used();
}

QString Baseline::compare() const
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

} // namespace Fault
