// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TESTS_WATCHEDPROGRESS_H
#define QASYNCSQLITE_TESTS_WATCHEDPROGRESS_H

#include "workerhold.h"

#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qfuturewatcher.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <tuple>

// What a QFutureWatcher, the way an app shows progress, reported for a future.
struct WatchedProgress
{
    bool finished = false; // finished() arrived (progress signals come before it)
    int minimum = -1; // the last progressRangeChanged()
    int maximum = -1;
    QList<int> values; // every progressValueChanged(), in order

    bool strictlyIncreasing() const
    {
        return std::adjacent_find(values.cbegin(), values.cend(), std::greater_equal<int>()) == values.cend();
    }
};

// Watches \a future from before the worker starts it: \a hold, queued
// before \a future, is released once the watcher is connected, so that every
// step is seen from the first. Returns after finished() or the test timeout.
template<typename T>
WatchedProgress watchProgress(const QFuture<T> &future, WorkerHold &hold)
{
    WatchedProgress progress;
    QFutureWatcher<T> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::progressRangeChanged, [&progress](int minimum, int maximum) {
        progress.minimum = minimum;
        progress.maximum = maximum;
    });
    QObject::connect(&watcher, &QFutureWatcherBase::progressValueChanged, [&progress](int value) {
        progress.values.append(value);
    });
    QObject::connect(&watcher, &QFutureWatcherBase::finished, [&progress] {
        progress.finished = true;
    });
    watcher.setFuture(future);
    hold.release();
    std::ignore = QTest::qWaitFor(
            [&progress] {
                return progress.finished;
            },
            int(QAsyncSqliteTest::defaultTimeout().count()));
    return progress;
}

#endif // QASYNCSQLITE_TESTS_WATCHEDPROGRESS_H
