// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "commitcounter.h"

#include <QtCore/qfileinfo.h>
#include <QtCore/qhash.h>
#include <QtCore/qmutex.h>

#include <sqlite3.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace Differential {

namespace {

sqlite3_vfs *g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;
QMutex g_mutex;
QHash<QString, std::shared_ptr<std::atomic<qint64>>> g_counts; // canonical path -> commits

struct File
{
    sqlite3_file base;
    std::atomic<qint64> *commits; // main database files only
    sqlite3_file *real() { return reinterpret_cast<sqlite3_file *>(this + 1); }
};

File *fileOf(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f);
}

std::shared_ptr<std::atomic<qint64>> counterFor(const QString &path)
{
    QMutexLocker locker(&g_mutex);
    auto &counter = g_counts[QFileInfo(path).absoluteFilePath()];
    if (!counter)
        counter = std::make_shared<std::atomic<qint64>>(0);
    return counter;
}

// Forwards every method to the real file.
#define FORWARD(name, ...) fileOf(f)->real()->pMethods->name(fileOf(f)->real(), ##__VA_ARGS__)

int xClose(sqlite3_file *f)
{
    const int rc = FORWARD(xClose);
    f->pMethods = nullptr;
    return rc;
}
int xRead(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    return FORWARD(xRead, b, n, o);
}
int xWrite(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    return FORWARD(xWrite, b, n, o);
}
int xTruncate(sqlite3_file *f, sqlite3_int64 s)
{
    return FORWARD(xTruncate, s);
}
int xSync(sqlite3_file *f, int flags)
{
    return FORWARD(xSync, flags);
}
int xFileSize(sqlite3_file *f, sqlite3_int64 *s)
{
    return FORWARD(xFileSize, s);
}
int xLock(sqlite3_file *f, int l)
{
    return FORWARD(xLock, l);
}
int xUnlock(sqlite3_file *f, int l)
{
    return FORWARD(xUnlock, l);
}
int xCheckReservedLock(sqlite3_file *f, int *r)
{
    return FORWARD(xCheckReservedLock, r);
}
int xFileControl(sqlite3_file *f, int op, void *arg)
{
    if (op == SQLITE_FCNTL_COMMIT_PHASETWO && fileOf(f)->commits)
        ++*fileOf(f)->commits;
    return FORWARD(xFileControl, op, arg);
}
int xSectorSize(sqlite3_file *f)
{
    return FORWARD(xSectorSize);
}
int xDeviceCharacteristics(sqlite3_file *f)
{
    return FORWARD(xDeviceCharacteristics);
}
int xShmMap(sqlite3_file *f, int i, int s, int e, void volatile **p)
{
    return FORWARD(xShmMap, i, s, e, p);
}
int xShmLock(sqlite3_file *f, int o, int n, int flags)
{
    return FORWARD(xShmLock, o, n, flags);
}
void xShmBarrier(sqlite3_file *f)
{
    FORWARD(xShmBarrier);
}
int xShmUnmap(sqlite3_file *f, int d)
{
    return FORWARD(xShmUnmap, d);
}
int xFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p)
{
    return FORWARD(xFetch, o, n, p);
}
int xUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
    return FORWARD(xUnfetch, o, p);
}

#undef FORWARD

int xOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags)
{
    File *file = fileOf(f);
    file->commits = nullptr;
    const int rc = g_real->xOpen(g_real, name, file->real(), flags, outFlags);
    if (rc != SQLITE_OK) {
        f->pMethods = nullptr; // SQLite then does not call xClose
        return rc;
    }
    if ((flags & SQLITE_OPEN_MAIN_DB) && name)
        file->commits = counterFor(QString::fromUtf8(name)).get(); // counters live as long as the process
    f->pMethods = &g_methods;
    return rc;
}

} // namespace

void installCommitCounter()
{
    static std::once_flag once;
    std::call_once(once, [] {
        g_real = sqlite3_vfs_find(nullptr);
        g_methods = {3,
                     xClose,
                     xRead,
                     xWrite,
                     xTruncate,
                     xSync,
                     xFileSize,
                     xLock,
                     xUnlock,
                     xCheckReservedLock,
                     xFileControl,
                     xSectorSize,
                     xDeviceCharacteristics,
                     xShmMap,
                     xShmLock,
                     xShmBarrier,
                     xShmUnmap,
                     xFetch,
                     xUnfetch};
        g_vfs = *g_real;
        g_vfs.zName = "qasyncsqlite-commit-counter";
        g_vfs.szOsFile = int(sizeof(File)) + g_real->szOsFile;
        g_vfs.xOpen = xOpen;
        sqlite3_vfs_register(&g_vfs, 1);
    });
}

qint64 commitCount(const QString &path)
{
    return counterFor(path)->load();
}

} // namespace Differential
