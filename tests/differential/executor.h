// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef DIFFERENTIAL_EXECUTOR_H
#define DIFFERENTIAL_EXECUTOR_H

// Runs a program (PROTOCOL.md) on QAsyncSqlite and records the same
// observations as reference.py, plus the invariants Python cannot check.

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qstringlist.h>

namespace Differential {

enum class Mode {
    Awaited, // each step's future is awaited before the next is submitted
    Pipelined, // every step is queued at once behind a gate, observed on the worker
    Readers, // awaited, with QAsyncSqliteOptions::readers = 2 (wal programs): doc/readers.md's promise
};

// The modes \a program runs in: Readers only where its journal is WAL.
QList<Mode> modesOf(const QJsonObject &program);
Mode modeNamed(const QString &name);

QString modeName(Mode mode);

struct Execution
{
    QJsonArray steps; // one observation per step
    QJsonObject final; // dump, content, tables
    QStringList violations; // broken invariants, each naming its step
    qint64 readsOnReaders = 0; // Mode::Readers: queries that ran on a reader
};

// Runs \a program on a new database at \a path (which must not exist).
// Needs a running QCoreApplication and installCommitCounter().
Execution execute(const QJsonObject &program, const QString &path, Mode mode);

} // namespace Differential

#endif // DIFFERENTIAL_EXECUTOR_H
