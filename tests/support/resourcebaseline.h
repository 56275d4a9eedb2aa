// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// The "nothing lost" checks that the fault suites (and tst_lifecycle) end
// with: threads, file descriptors and SQLite's heap return to what they were
// before the test.
#ifndef QASYNCSQLITE_TESTS_RESOURCEBASELINE_H
#define QASYNCSQLITE_TESTS_RESOURCEBASELINE_H

#include <QtCore/qstring.h>
#include <QtTest/qtestcase.h>

#include <sqlite3.h>

#include <functional>

namespace Fault {

// Threads of this process (/proc/self/task).
int threadCount();
// Open file descriptors of this process (/proc/self/fd).
int fdCount();
// Worker threads ("QAsyncSqlite <database>") still alive in this process.
int workerThreadCount();

// Polls \a value() until it equals \a expected or \a timeoutMs passes (threads
// leave /proc/self/task asynchronously); returns the last value seen.
int settle(const std::function<int()> &value, int expected, int timeoutMs = 5000);

// Waits (up to 10 s) until the workers of earlier tests have ended.
void waitForWorkersToEnd();

// Opens and closes one connection so that SQLite's and Qt's one-time global
// allocations (VFS, mutexes, thread pool, logging) happen before a Baseline.
void warmUp();

// Threads, fds and sqlite3_memory_used() at construction (once the workers
// of earlier tests have ended); compare() tells what differs now ("" when
// all are back).
struct Baseline
{
    Baseline();
    QString compare() const;

    int threads = 0;
    int fds = 0;
    sqlite3_int64 memory = 0;
};

} // namespace Fault

// Fails the test unless threads, fds and SQLite's heap are back to \a baseline
// (polling up to 10 s: a closing worker thread may still be on its way out).
#define FAULT_VERIFY_BASELINE(baseline)                                                                                \
    do {                                                                                                               \
        QTRY_COMPARE_WITH_TIMEOUT((baseline).compare(), QString(), 10000);                                             \
    } while (false)

#endif // QASYNCSQLITE_TESTS_RESOURCEBASELINE_H
