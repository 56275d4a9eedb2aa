// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// The database as bytes (serialize(), deserialize()), run-time limits and
// extension loading: requests that call one sqlite3_* function of the handle.
#include "../engine/worker_p.h"

#include <cstring>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

QFuture<QByteArray> QAsyncSqliteConnection::serialize(const QString &schema)
{
    return submit<QByteArray>([schema](QAsyncSqliteWorker &w) {
        sqlite3_int64 size = 0;
        unsigned char *data = sqlite3_serialize(w.db(), schema.toUtf8().constData(), &size, 0);
        if (!data) {
            if (sqlite3_db_filename(w.db(), schema.toUtf8().constData()) == nullptr) {
                throw QAsyncSqliteOperationalError(SQLITE_ERROR, QStringLiteral("unknown database %1").arg(schema));
            }
            if (size == 0)
                return QByteArray("", 0); // no pages, not even the first (doc/backup-dump-blobs.md)
            w.throwError(SQLITE_NOMEM);
        }
        QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
        sqlite3_free(data);
        return bytes;
    });
}

QFuture<void> QAsyncSqliteConnection::deserialize(const QByteArray &data, const QString &schema)
{
    return submit<void>([data, schema](QAsyncSqliteWorker &w) {
        // SQLite 3.40 replaces the schema under a statement that is still
        // reading it (an open cursor or blob), which then crashes when
        // finalized: refuse instead.
        for (sqlite3_stmt *stmt = sqlite3_next_stmt(w.db(), nullptr); stmt; stmt = sqlite3_next_stmt(w.db(), stmt)) {
            if (sqlite3_stmt_busy(stmt)) {
                throw QAsyncSqliteOperationalError(
                        SQLITE_BUSY,
                        QStringLiteral("Cannot deserialize while a cursor or blob is still reading the "
                                                "database; close it first."));
            }
        }
        // SQLite takes ownership of a buffer from its own allocator.
        auto *buffer = static_cast<unsigned char *>(sqlite3_malloc64(sqlite3_uint64(qMax<qsizetype>(1, data.size()))));
        if (!buffer)
            w.throwError(SQLITE_NOMEM);
        memcpy(buffer, data.constData(), size_t(data.size()));
        const int rc = sqlite3_deserialize(w.db(), schema.toUtf8().constData(), buffer, data.size(), data.size(),
                                           SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
        if (rc != SQLITE_OK)
            w.throwError(rc);
    });
}

QFuture<int> QAsyncSqliteConnection::limit(int category)
{
    return setLimit(category, -1);
}

QFuture<int> QAsyncSqliteConnection::setLimit(int category, int value)
{
    return submit<int>([category, value](QAsyncSqliteWorker &w) {
        const int previous = sqlite3_limit(w.db(), category, value);
        if (previous < 0) {
            throw QAsyncSqliteProgrammingError(SQLITE_RANGE,
                                               QStringLiteral("Limit category %1 is out of bounds.").arg(category));
        }
        return previous;
    });
}

QFuture<void> QAsyncSqliteConnection::enableLoadExtension(bool enabled)
{
    return submit<void>([enabled](QAsyncSqliteWorker &w) {
        const int rc = sqlite3_enable_load_extension(w.db(), enabled ? 1 : 0);
        if (rc != SQLITE_OK)
            w.throwError(rc);
    });
}

QFuture<void> QAsyncSqliteConnection::loadExtension(const QString &path, const QString &entryPoint)
{
    return submit<void>([path, entryPoint](QAsyncSqliteWorker &w) {
        char *message = nullptr;
        const QByteArray entry = entryPoint.toUtf8();
        const int rc = sqlite3_load_extension(w.db(), path.toUtf8().constData(),
                                              entryPoint.isEmpty() ? nullptr : entry.constData(), &message);
        if (rc != SQLITE_OK) {
            const QString text = message ? QString::fromUtf8(message) : QString::fromUtf8(sqlite3_errstr(rc));
            sqlite3_free(message);
            QAsyncSqliteError::throwForCode(rc, text);
        }
    });
}
