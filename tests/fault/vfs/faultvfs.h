// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// An I/O fault-injection VFS for the fault tests: registered as "faultvfs"
// (never the default), it delegates every call to the default VFS and can
// fail the n-th read, write, sync, truncate or lock (transient: only that
// call; persistent: that call and every later one of its kind), or refuse
// writes that grow the files beyond a byte quota with SQLITE_FULL.
//
// Open a database through it with a URI: file:/path/db?vfs=faultvfs.
// xSync is counted but not passed on (the tests need no power-loss
// durability, and fsync would dominate their run time).
#ifndef QASYNCSQLITE_FAULTVFS_H
#define QASYNCSQLITE_FAULTVFS_H

#include <QtCore/qglobal.h>

namespace FaultVfs {

enum class Op {
    Read,
    Write,
    Sync,
    Truncate,
    Lock
};
constexpr int OpCount = 5;

/* Registers the VFS (idempotent); returns an SQLite result code. */
int install();
/* The name to put into the URI. */
constexpr const char *name = "faultvfs";

/* Counters restart; the \a n-th call (1-based) of \a op from now fails
   (and, when \a persistent, every later one too). */
void arm(Op op, int n, bool persistent);
/* Counters restart; writes that would make the files opened through the VFS
   grow by more than \a bytes in total fail with SQLITE_FULL, from now on. */
void armQuota(qint64 bytes);
/* No more failures (counters keep counting). */
void disarm();
/* Calls of \a op seen since the last arm. */
int calls(Op op);
/* Failures injected since the last arm. */
int injected();
/* The SQLite result code a failed \a op returns. */
int errorCode(Op op);

} // namespace FaultVfs

#endif // QASYNCSQLITE_FAULTVFS_H
