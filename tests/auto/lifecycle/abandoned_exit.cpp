// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// The child process of tst_lifecycle::exitWaitsForAbandonedWorker: destroys a
// connection whose run() body outlives shutdownTimeout(), then returns from
// main() at once. QCoreApplication's teardown must wait for the abandoned
// worker, so the body's line comes out before the process exits (and, under
// LeakSanitizer, the worker has been deleted by then).
#include <QAsyncSqlite/QAsyncSqliteConnection>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qsemaphore.h>
#include <QtCore/qthread.h>

#include <cstdio>

using namespace std::chrono_literals;

namespace {

void say(const char *line)
{
    std::puts(line);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    auto *db = new QAsyncSqliteConnection;
    db->setShutdownTimeout(50ms);
    db->open(QStringLiteral(":memory:")).waitForFinished();
    QSemaphore started;
    db->run([&started](sqlite3 *) {
        started.release();
        QThread::msleep(500);
        say("body finished");
    });
    started.acquire();
    delete db;
    say("connection destroyed");
    return 0;
}
