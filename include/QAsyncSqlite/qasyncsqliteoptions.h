// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEOPTIONS_H
#define QASYNCSQLITEOPTIONS_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>
#include <QAsyncSqlite/qasyncsqlitemigration.h>

#include <QtCore/qlist.h>
#include <QtCore/qstringlist.h>

#include <chrono>
#include <functional>

/*!
    \struct QAsyncSqliteOptions
    \brief How QAsyncSqliteConnection::open() opens a database (the keyword
    arguments of Python's \c sqlite3.connect()).

    An aggregate, so designated initialisers work:
    \code
    db.open(path, {.busyTimeout = 2s, .pragmas = {"journal_mode=WAL"}});
    \endcode
*/
struct QAsyncSqliteOptions
{
    /*! How long a statement waits for a lock held by another connection
        before failing with SQLITE_BUSY (sqlite3_busy_timeout()). */
    std::chrono::milliseconds busyTimeout{5000};
    /*! The initial QAsyncSqliteConnection::isolationLevel. */
    QAsyncSqlite::IsolationLevel isolationLevel = QAsyncSqlite::IsolationLevel::Deferred;
    /*! Which converters registered with QAsyncSqlite::registerConverter() apply. */
    QAsyncSqlite::DetectTypes detectTypes = {};
    /*! The size of the prepared-statement cache (LRU); 0 disables it. */
    int cachedStatements = 128;
    /*! Rows per QAsyncSqliteCursor::rowsReady() chunk. */
    int iterChunkSize = 64;
    /*! Interpret the database name as a \c file: URI (SQLITE_OPEN_URI). */
    bool uri = false;
    /*! Read-write-create (default), read-write of an existing file, or read-only. */
    QAsyncSqlite::OpenMode openMode = QAsyncSqlite::OpenMode::ReadWriteCreate;
    /*! PRAGMA statements run in order right after opening, without the
        \c PRAGMA keyword, e.g. \c "journal_mode=WAL". */
    QStringList pragmas = {}; // an initializer, so that designated initialisers may omit it under -Wextra
    /*! Schema steps run by open() after \l pragmas, as
        QAsyncSqliteConnection::migrate() runs them, before opened() is
        emitted: requests queued meanwhile run after them, and a failing step
        fails open() (and those requests) as a file that cannot be opened
        does. */
    QList<QAsyncSqliteMigration> migrations = {};
    /*! Read-only connections opened next to the connection's own, on the
        same file in WAL mode, that run plain read-only queries in parallel
        with it (doc/readers.md). 0 (the default): one connection, as in
        Python. With readers, open() switches the file to WAL and fails
        (QAsyncSqliteNotSupportedError) where it cannot, e.g. \c :memory:. */
    int readers = 0;
};

/*!
    \struct QAsyncSqliteBackupOptions
    \brief Parameters of QAsyncSqliteConnection::backup() (Python's
    \c Connection.backup() keywords).
*/
struct QAsyncSqliteBackupOptions
{
    /*! Pages copied per step; -1 (or 0) copies everything in one step. */
    int pages = -1;
    /*! Called on the worker thread after every step with the step's status
        (an SQLite result code), the pages remaining and the total page count.
        The future of backup() reports the same progress to watchers on any
        thread (QFuture::progressValue()). */
    std::function<void(int status, int remaining, int total)> progress{};
    /*! The schema to back up: \c "main", \c "temp" or an attached name. */
    QString name = QStringLiteral("main");
    /*! How long to wait before retrying a step that met SQLITE_BUSY or
        SQLITE_LOCKED. */
    std::chrono::milliseconds sleep{250};
};

#endif // QASYNCSQLITEOPTIONS_H
