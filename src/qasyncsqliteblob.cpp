// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteblob_p.h"

#include <QtCore/qnumeric.h>

#include <algorithm>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

// ---------------------------------------------------------------------------
// Caller side

QAsyncSqliteBlob::QAsyncSqliteBlob() : d_ptr(new QAsyncSqliteBlobPrivate) { }

QAsyncSqliteBlob *QAsyncSqliteBlob::create(std::shared_ptr<QAsyncSqliteWorker> worker,
                                           std::shared_ptr<QAsyncSqliteBlobState> state, QThread *owner)
{
    // Runs on the worker: the object must live where the caller does.
    auto *blob = new QAsyncSqliteBlob;
    blob->d_func()->worker = std::move(worker);
    blob->d_func()->state = std::move(state);
    if (owner)
        blob->moveToThread(owner);
    return blob;
}

QAsyncSqliteBlob::~QAsyncSqliteBlob()
{
    Q_D(QAsyncSqliteBlob);
    if (d->closed.exchange(true) || !d->worker)
        return;
    if (QThread::currentThread() == d->worker.get()) {
        // Destroyed on the worker itself (e.g. inside run()): a queued job
        // would be refused there, but this thread may touch the handle.
        try {
            d->worker->blobClose(*d->state);
        } catch (const QAsyncSqliteError &error) {
            qCWarning(lcQAsyncSqlite) << "QAsyncSqliteBlob destroyed: closing failed:" << error.what();
        }
        return;
    }
    // Fire and forget: runs in FIFO order after the reads and writes queued before.
    d->enqueue(std::make_unique<CallableJob<void>>([state = d->state](QAsyncSqliteWorker &w) {
        w.blobClose(*state);
    }));
}

qint64 QAsyncSqliteBlob::size() const
{
    Q_D(const QAsyncSqliteBlob);
    return d->state ? d->state->size.load() : 0;
}

qint64 QAsyncSqliteBlob::tell() const
{
    Q_D(const QAsyncSqliteBlob);
    return d->state ? d->state->position.load() : 0;
}

QFuture<QByteArray> QAsyncSqliteBlob::read(qint64 length)
{
    Q_D(QAsyncSqliteBlob);
    return d->submit<QByteArray>([length](QAsyncSqliteWorker &w, QAsyncSqliteBlobState &state) {
        return w.blobRead(state, length);
    });
}

QFuture<void> QAsyncSqliteBlob::write(const QByteArray &data)
{
    Q_D(QAsyncSqliteBlob);
    return d->submit<void>([data](QAsyncSqliteWorker &w, QAsyncSqliteBlobState &state) {
        w.blobWrite(state, data);
    });
}

QFuture<qint64> QAsyncSqliteBlob::seek(qint64 offset, SeekOrigin origin)
{
    Q_D(QAsyncSqliteBlob);
    // Computed on the worker, so that it sees the position left by the reads
    // and writes queued before it.
    return d->submit<qint64>([offset, origin](QAsyncSqliteWorker &w, QAsyncSqliteBlobState &state) {
        const qint64 size = w.blobSize(state);
        qint64 base = 0;
        switch (origin) {
        case SeekOrigin::Begin:
            break;
        case SeekOrigin::Current:
            base = state.position.load();
            break;
        case SeekOrigin::End:
            base = size;
            break;
        }
        qint64 target = 0;
        if (qAddOverflow(base, offset, &target) || target < 0 || target > size) {
            throw QAsyncSqliteProgrammingError(SQLITE_RANGE,
                                               QStringLiteral("Offset out of blob range: %1 from %2 in a %3-byte blob.")
                                                                      .arg(offset)
                                                                      .arg(base)
                                                                      .arg(size));
        }
        state.position.store(target);
        return target;
    });
}

QFuture<void> QAsyncSqliteBlob::close()
{
    Q_D(QAsyncSqliteBlob);
    // Idempotent, as Python's Blob.close().
    if (d->closed.exchange(true))
        return readyVoidFuture();
    auto job = std::make_unique<CallableJob<void>>([state = d->state](QAsyncSqliteWorker &w) {
        w.blobClose(*state);
    });
    QFuture<void> future = job->future();
    d->enqueue(std::move(job));
    return future;
}

// ---------------------------------------------------------------------------
// Worker side

std::shared_ptr<QAsyncSqliteBlobState> QAsyncSqliteWorker::blobOpen(const QString &table, const QString &column,
                                                                    qint64 rowid, BlobMode mode, const QString &schema)
{
    auto state = std::make_shared<QAsyncSqliteBlobState>();
    const int rc =
            sqlite3_blob_open(m_db, schema.toUtf8().constData(), table.toUtf8().constData(),
                              column.toUtf8().constData(), rowid, mode == BlobMode::ReadWrite ? 1 : 0, &state->blob);
    if (rc != SQLITE_OK) {
        sqlite3_blob_close(std::exchange(state->blob, nullptr)); // null-safe
        throwError(rc);
    }
    state->size.store(sqlite3_blob_bytes(state->blob));
    state->table = table.toUtf8();
    // Registered so that closeDatabase() closes it before sqlite3_close().
    m_blobs.push_back(state);
    return state;
}

qint64 QAsyncSqliteWorker::blobSize(QAsyncSqliteBlobState &blob)
{
    // 0 once SQLite found the handle expired, as Python reads it before
    // each operation: reads then give nothing, writes and seeks are out of
    // range.
    blob.size.store(sqlite3_blob_bytes(blob.blob));
    return blob.size.load();
}

QByteArray QAsyncSqliteWorker::blobRead(QAsyncSqliteBlobState &blob, qint64 length)
{
    const qint64 position = blob.position.load();
    const qint64 remaining = qMax<qint64>(0, blobSize(blob) - position);
    const qint64 count = length < 0 || length > remaining ? remaining : length;
    QByteArray data(count, Qt::Uninitialized);
    if (count > 0) {
        // Blobs never exceed SQLITE_MAX_LENGTH (< 2 GiB), so ints suffice.
        const int rc = sqlite3_blob_read(blob.blob, data.data(), int(count), int(position));
        if (rc != SQLITE_OK)
            throwError(rc); // SQLITE_ABORT ("query aborted"): the row changed under the handle
    }
    blob.position.store(position + count);
    return data;
}

void QAsyncSqliteWorker::blobWrite(QAsyncSqliteBlobState &blob, const QByteArray &data)
{
    const qint64 position = blob.position.load();
    if (data.size() > blobSize(blob) - position) {
        throw QAsyncSqliteProgrammingError(
                SQLITE_RANGE,
                QStringLiteral("Data longer than blob length: %1 bytes at offset %2 of a %3-byte blob.")
                                       .arg(data.size())
                                       .arg(position)
                                       .arg(blob.size.load()));
    }
    // Even an empty write reaches SQLite, as in Python: it fails on a handle
    // that expired (SQLITE_ABORT). SQLite 3.40 calls the preupdate hook from
    // here before checking the handle, and then reads the freed schema of an
    // expired one (tst_blob::writeToExpiredHandle): write without the hook,
    // and tell tablesChanged() ourselves.
    installChangeHook(false);
    const int rc =
            sqlite3_blob_write(blob.blob, data.isNull() ? "" : data.constData(), int(data.size()), int(position));
    installChangeHook(true);
    if (rc != SQLITE_OK)
        throwError(rc); // SQLITE_ABORT ("query aborted"): the row changed under the handle
    noteChange(blob.table.constData());
    blob.written = true;
    blob.position.store(position + data.size());
}

void QAsyncSqliteWorker::blobClose(QAsyncSqliteBlobState &blob)
{
    if (!blob.blob)
        return; // closed already, or by closeDatabase()
    // In autocommit mode closing commits the writes, and that can fail
    // (SQLITE_BUSY): then the writes are lost, and the caller is told.
    // Python ignores what sqlite3_blob_close() returns; so do we otherwise,
    // when it only repeats the error of an earlier operation, such as the
    // SQLITE_ABORT of a handle that expired (whatever ended it decided the
    // fate of the writes).
    const bool commits = blob.written && sqlite3_get_autocommit(m_db);
    const int rc = sqlite3_blob_close(std::exchange(blob.blob, nullptr));
    const auto it = std::find_if(m_blobs.begin(), m_blobs.end(), [&blob](const auto &entry) {
        return entry.get() == &blob;
    });
    if (it != m_blobs.end())
        m_blobs.erase(it);
    if (rc != SQLITE_OK && commits && (rc & 0xff) != SQLITE_ABORT)
        throwError(rc);
}
