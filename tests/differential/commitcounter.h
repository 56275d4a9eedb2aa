// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef DIFFERENTIAL_COMMITCOUNTER_H
#define DIFFERENTIAL_COMMITCOUNTER_H

// Counts the transactions committed to each database file, seen from below
// SQLite: a VFS shim, made the default VFS, that counts
// SQLITE_FCNTL_COMMIT_PHASETWO (sent once per committed write transaction,
// in every journal mode). Independent of the commit hook that the library
// itself uses for committed().

#include <QtCore/qstring.h>

namespace Differential {

// Registers the shim as the default VFS (once per process).
void installCommitCounter();
// Commits seen so far on the database file \a path (as passed to open).
qint64 commitCount(const QString &path);

} // namespace Differential

#endif // DIFFERENTIAL_COMMITCOUNTER_H
