// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "faultvfs.h"

#include <QtCore/qmutex.h>

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace {

struct State
{
    std::atomic<int> calls[FaultVfs::OpCount] = {};
    std::atomic<int> injected{0};
    // Fault plan, guarded by mutex (read on every counted call).
    QMutex mutex;
    int armedOp = -1;
    int armedN = 0;
    bool persistent = false;
    qint64 quota = -1; // -1: none
    qint64 grown = 0;
};

State &state()
{
    static State s;
    return s;
}

sqlite3_vfs *g_real = nullptr;
sqlite3_vfs g_vfs;

// Counts a call of \a op; returns the error to inject, or SQLITE_OK.
int count(FaultVfs::Op op)
{
    State &s = state();
    const int n = ++s.calls[int(op)];
    QMutexLocker locker(&s.mutex);
    if (s.armedOp != int(op))
        return SQLITE_OK;
    if (n == s.armedN || (s.persistent && n > s.armedN)) {
        ++s.injected;
        return FaultVfs::errorCode(op);
    }
    return SQLITE_OK;
}

struct FaultFile
{
    sqlite3_file base;
    sqlite3_file *real;
};

sqlite3_file *realOf(sqlite3_file *f)
{
    return reinterpret_cast<FaultFile *>(f)->real;
}

int fileClose(sqlite3_file *f)
{
    sqlite3_file *real = realOf(f);
    int rc = SQLITE_OK;
    if (real->pMethods)
        rc = real->pMethods->xClose(real);
    f->pMethods = nullptr;
    return rc;
}

int fileRead(sqlite3_file *f, void *buffer, int amount, sqlite3_int64 offset)
{
    if (const int rc = count(FaultVfs::Op::Read))
        return rc;
    sqlite3_file *real = realOf(f);
    return real->pMethods->xRead(real, buffer, amount, offset);
}

int fileWrite(sqlite3_file *f, const void *buffer, int amount, sqlite3_int64 offset)
{
    if (const int rc = count(FaultVfs::Op::Write))
        return rc;
    sqlite3_file *real = realOf(f);
    State &s = state();
    {
        QMutexLocker locker(&s.mutex);
        if (s.quota >= 0) {
            sqlite3_int64 size = 0;
            if (const int rc = real->pMethods->xFileSize(real, &size))
                return rc;
            const qint64 growth = qMax<qint64>(0, offset + amount - size);
            if (s.grown + growth > s.quota) {
                ++s.injected;
                return SQLITE_FULL;
            }
            s.grown += growth;
        }
    }
    return real->pMethods->xWrite(real, buffer, amount, offset);
}

int fileTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    if (const int rc = count(FaultVfs::Op::Truncate))
        return rc;
    sqlite3_file *real = realOf(f);
    return real->pMethods->xTruncate(real, size);
}

int fileSync(sqlite3_file *f, int)
{
    // Counted (and failed on demand), not performed: see faultvfs.h.
    Q_UNUSED(f);
    return count(FaultVfs::Op::Sync);
}

int fileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    sqlite3_file *real = realOf(f);
    return real->pMethods->xFileSize(real, size);
}

int fileLock(sqlite3_file *f, int level)
{
    if (const int rc = count(FaultVfs::Op::Lock))
        return rc;
    sqlite3_file *real = realOf(f);
    return real->pMethods->xLock(real, level);
}

int fileUnlock(sqlite3_file *f, int level)
{
    sqlite3_file *real = realOf(f);
    return real->pMethods->xUnlock(real, level);
}

int fileCheckReservedLock(sqlite3_file *f, int *result)
{
    sqlite3_file *real = realOf(f);
    return real->pMethods->xCheckReservedLock(real, result);
}

int fileControl(sqlite3_file *f, int op, void *arg)
{
    sqlite3_file *real = realOf(f);
    if (op == SQLITE_FCNTL_VFSNAME) {
        // Let SQLite report the whole stack: "faultvfs/unix".
        const int rc = real->pMethods->xFileControl(real, op, arg);
        if (rc == SQLITE_OK) {
            char **name = static_cast<char **>(arg);
            char *stacked = sqlite3_mprintf("%s/%z", FaultVfs::name, *name);
            *name = stacked;
        }
        return rc;
    }
    return real->pMethods->xFileControl(real, op, arg);
}

int fileSectorSize(sqlite3_file *f)
{
    sqlite3_file *real = realOf(f);
    return real->pMethods->xSectorSize(real);
}

int fileDeviceCharacteristics(sqlite3_file *f)
{
    sqlite3_file *real = realOf(f);
    return real->pMethods->xDeviceCharacteristics(real);
}

int fileShmMap(sqlite3_file *f, int page, int pageSize, int extend, void volatile **out)
{
    sqlite3_file *real = realOf(f);
    if (real->pMethods->iVersion < 2)
        return SQLITE_IOERR_SHMMAP;
    return real->pMethods->xShmMap(real, page, pageSize, extend, out);
}

int fileShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    sqlite3_file *real = realOf(f);
    if (real->pMethods->iVersion < 2)
        return SQLITE_IOERR_SHMLOCK;
    return real->pMethods->xShmLock(real, offset, n, flags);
}

void fileShmBarrier(sqlite3_file *f)
{
    sqlite3_file *real = realOf(f);
    if (real->pMethods->iVersion >= 2)
        real->pMethods->xShmBarrier(real);
}

int fileShmUnmap(sqlite3_file *f, int deleteFlag)
{
    sqlite3_file *real = realOf(f);
    if (real->pMethods->iVersion < 2)
        return SQLITE_OK;
    return real->pMethods->xShmUnmap(real, deleteFlag);
}

int fileFetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out)
{
    sqlite3_file *real = realOf(f);
    if (real->pMethods->iVersion < 3) {
        *out = nullptr;
        return SQLITE_OK;
    }
    return real->pMethods->xFetch(real, offset, amount, out);
}

int fileUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *p)
{
    sqlite3_file *real = realOf(f);
    if (real->pMethods->iVersion < 3)
        return SQLITE_OK;
    return real->pMethods->xUnfetch(real, offset, p);
}

const sqlite3_io_methods g_methods = {
        3,
        fileClose,
        fileRead,
        fileWrite,
        fileTruncate,
        fileSync,
        fileSize,
        fileLock,
        fileUnlock,
        fileCheckReservedLock,
        fileControl,
        fileSectorSize,
        fileDeviceCharacteristics,
        fileShmMap,
        fileShmLock,
        fileShmBarrier,
        fileShmUnmap,
        fileFetch,
        fileUnfetch,
};

int vfsOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags)
{
    auto *file = reinterpret_cast<FaultFile *>(f);
    file->base.pMethods = nullptr;
    file->real = reinterpret_cast<sqlite3_file *>(reinterpret_cast<char *>(f) + sizeof(FaultFile));
    std::memset(file->real, 0, size_t(g_real->szOsFile));
    const int rc = g_real->xOpen(g_real, name, file->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (file->real->pMethods)
            file->real->pMethods->xClose(file->real);
        return rc;
    }
    file->base.pMethods = &g_methods;
    return SQLITE_OK;
}

int vfsDelete(sqlite3_vfs *, const char *name, int)
{
    return g_real->xDelete(g_real, name, 0); // no directory fsync, as for xSync
}

int vfsAccess(sqlite3_vfs *, const char *name, int flags, int *result)
{
    return g_real->xAccess(g_real, name, flags, result);
}

int vfsFullPathname(sqlite3_vfs *, const char *name, int size, char *out)
{
    return g_real->xFullPathname(g_real, name, size, out);
}

void *vfsDlOpen(sqlite3_vfs *, const char *name)
{
    return g_real->xDlOpen(g_real, name);
}

void vfsDlError(sqlite3_vfs *, int size, char *out)
{
    g_real->xDlError(g_real, size, out);
}

void (*vfsDlSym(sqlite3_vfs *, void *handle, const char *symbol))(void)
{
    return g_real->xDlSym(g_real, handle, symbol);
}

void vfsDlClose(sqlite3_vfs *, void *handle)
{
    g_real->xDlClose(g_real, handle);
}

int vfsRandomness(sqlite3_vfs *, int size, char *out)
{
    return g_real->xRandomness(g_real, size, out);
}

int vfsSleep(sqlite3_vfs *, int microseconds)
{
    return g_real->xSleep(g_real, microseconds);
}

int vfsCurrentTime(sqlite3_vfs *, double *out)
{
    return g_real->xCurrentTime(g_real, out);
}

int vfsGetLastError(sqlite3_vfs *, int size, char *out)
{
    return g_real->xGetLastError ? g_real->xGetLastError(g_real, size, out) : 0;
}

int vfsCurrentTimeInt64(sqlite3_vfs *, sqlite3_int64 *out)
{
    return g_real->xCurrentTimeInt64(g_real, out);
}

} // namespace

int FaultVfs::install()
{
    static const int rc = [] {
        g_real = sqlite3_vfs_find(nullptr);
        if (!g_real)
            return SQLITE_ERROR;
        std::memset(&g_vfs, 0, sizeof g_vfs);
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = int(sizeof(FaultFile)) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = FaultVfs::name;
        g_vfs.xOpen = vfsOpen;
        g_vfs.xDelete = vfsDelete;
        g_vfs.xAccess = vfsAccess;
        g_vfs.xFullPathname = vfsFullPathname;
        g_vfs.xDlOpen = vfsDlOpen;
        g_vfs.xDlError = vfsDlError;
        g_vfs.xDlSym = vfsDlSym;
        g_vfs.xDlClose = vfsDlClose;
        g_vfs.xRandomness = vfsRandomness;
        g_vfs.xSleep = vfsSleep;
        g_vfs.xCurrentTime = vfsCurrentTime;
        g_vfs.xGetLastError = vfsGetLastError;
        g_vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
        return sqlite3_vfs_register(&g_vfs, 0);
    }();
    return rc;
}

void FaultVfs::arm(Op op, int n, bool persistent)
{
    State &s = state();
    QMutexLocker locker(&s.mutex);
    for (auto &c : s.calls)
        c = 0;
    s.injected = 0;
    s.armedOp = int(op);
    s.armedN = n;
    s.persistent = persistent;
    s.quota = -1;
}

void FaultVfs::armQuota(qint64 bytes)
{
    State &s = state();
    QMutexLocker locker(&s.mutex);
    for (auto &c : s.calls)
        c = 0;
    s.injected = 0;
    s.armedOp = -1;
    s.quota = bytes;
    s.grown = 0;
}

void FaultVfs::disarm()
{
    State &s = state();
    QMutexLocker locker(&s.mutex);
    s.armedOp = -1;
    s.quota = -1;
}

int FaultVfs::calls(Op op)
{
    return state().calls[int(op)];
}

int FaultVfs::injected()
{
    return state().injected;
}

int FaultVfs::errorCode(Op op)
{
    switch (op) {
    case Op::Read:
        return SQLITE_IOERR_READ;
    case Op::Write:
        return SQLITE_IOERR_WRITE;
    case Op::Sync:
        return SQLITE_IOERR_FSYNC;
    case Op::Truncate:
        return SQLITE_IOERR_TRUNCATE;
    case Op::Lock:
        return SQLITE_IOERR_LOCK;
    }
    return SQLITE_IOERR;
}
