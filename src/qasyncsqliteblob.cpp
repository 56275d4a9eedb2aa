// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteblob_p.h"
#include "engine/worker_p.h"

#include <QtCore/qnumeric.h>

#include <algorithm>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

// ---------------------------------------------------------------------------
// Caller side

QAsyncSqliteBlob::QAsyncSqliteBlob() : d_ptr(new QAsyncSqliteBlobPrivate) { }

QAsyncSqliteBlob *QAsyncSqliteBlobPrivate::create(std::shared_ptr<QAsyncSqliteWorker> worker,
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
            d->state->close(*d->worker);
        } catch (const QAsyncSqliteError &error) {
            qCWarning(lcQAsyncSqlite) << "QAsyncSqliteBlob destroyed: closing failed:" << error.what();
        }
        return;
    }
    // Fire and forget: runs in FIFO order after the reads and writes queued before.
    submit<void>(d->worker, [state = d->state](QAsyncSqliteWorker &w) {
        state->close(w);
    });
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
        return state.read(w, length);
    });
}

QFuture<void> QAsyncSqliteBlob::write(const QByteArray &data)
{
    Q_D(QAsyncSqliteBlob);
    return d->submit<void>([data](QAsyncSqliteWorker &w, QAsyncSqliteBlobState &state) {
        state.write(w, data);
    });
}

QFuture<qint64> QAsyncSqliteBlob::seek(qint64 offset, SeekOrigin origin)
{
    Q_D(QAsyncSqliteBlob);
    // Computed on the worker, so that it sees the position left by the reads
    // and writes queued before it.
    return d->submit<qint64>([offset, origin](QAsyncSqliteWorker &, QAsyncSqliteBlobState &state) {
        const qint64 size = state.currentSize();
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
    return submit<void>(d->worker, [state = d->state](QAsyncSqliteWorker &w) {
        state->close(w);
    });
}

// ---------------------------------------------------------------------------
// Worker side

std::shared_ptr<QAsyncSqliteBlobState> QAsyncSqliteBlobState::open(QAsyncSqliteWorker &worker, const QString &table,
                                                                   const QString &column, qint64 rowid, BlobMode mode,
                                                                   const QString &schema)
{
    auto state = std::make_shared<QAsyncSqliteBlobState>();
    const int rc =
            sqlite3_blob_open(worker.db(), schema.toUtf8().constData(), table.toUtf8().constData(),
                              column.toUtf8().constData(), rowid, mode == BlobMode::ReadWrite ? 1 : 0, &state->blob);
    if (rc != SQLITE_OK) {
        sqlite3_blob_close(std::exchange(state->blob, nullptr)); // null-safe
        worker.throwError(rc);
    }
    state->size.store(sqlite3_blob_bytes(state->blob));
    state->table = table.toUtf8();
    // Registered so that closing the connection closes it before sqlite3_close().
    worker.adopt(OpenResource::Blob, state);
    return state;
}

qint64 QAsyncSqliteBlobState::currentSize()
{
    // 0 once SQLite found the handle expired, as Python reads it before
    // each operation: reads then give nothing, writes and seeks are out of
    // range.
    size.store(sqlite3_blob_bytes(blob));
    return size.load();
}

QByteArray QAsyncSqliteBlobState::read(QAsyncSqliteWorker &worker, qint64 length)
{
    const qint64 start = position.load();
    const qint64 remaining = qMax<qint64>(0, currentSize() - start);
    const qint64 count = length < 0 || length > remaining ? remaining : length;
    QByteArray data(count, Qt::Uninitialized);
    if (count > 0) {
        // Blobs never exceed SQLITE_MAX_LENGTH (< 2 GiB), so ints suffice.
        const int rc = sqlite3_blob_read(blob, data.data(), int(count), int(start));
        if (rc != SQLITE_OK)
            worker.throwError(rc); // SQLITE_ABORT ("query aborted"): the row changed under the handle
    }
    position.store(start + count);
    return data;
}

void QAsyncSqliteBlobState::write(QAsyncSqliteWorker &worker, const QByteArray &data)
{
    const qint64 start = position.load();
    if (data.size() > currentSize() - start) {
        throw QAsyncSqliteProgrammingError(
                SQLITE_RANGE,
                QStringLiteral("Data longer than blob length: %1 bytes at offset %2 of a %3-byte blob.")
                                       .arg(data.size())
                                       .arg(start)
                                       .arg(size.load()));
    }
    // Even an empty write reaches SQLite, as in Python: it fails on a handle
    // that expired (SQLITE_ABORT). SQLite 3.40 calls the preupdate hook from
    // here before checking the handle, and then reads the freed schema of an
    // expired one (tst_blob::writeToExpiredHandle): write without the hook,
    // and tell tablesChanged() ourselves.
    worker.installChangeHook(false);
    const int rc = sqlite3_blob_write(blob, data.isNull() ? "" : data.constData(), int(data.size()), int(start));
    worker.installChangeHook(true);
    if (rc != SQLITE_OK)
        worker.throwError(rc); // SQLITE_ABORT ("query aborted"): the row changed under the handle
    worker.noteChange(table.constData());
    written = true;
    position.store(start + data.size());
}

void QAsyncSqliteBlobState::close(QAsyncSqliteWorker &worker)
{
    if (!blob)
        return; // closed already, or by the connection's close
    // In autocommit mode closing commits the writes, and that can fail
    // (SQLITE_BUSY): then the writes are lost, and the caller is told.
    // Python ignores what sqlite3_blob_close() returns; so do we otherwise,
    // when it only repeats the error of an earlier operation, such as the
    // SQLITE_ABORT of a handle that expired (whatever ended it decided the
    // fate of the writes).
    const bool commits = written && sqlite3_get_autocommit(worker.db());
    const int rc = sqlite3_blob_close(std::exchange(blob, nullptr));
    worker.forget(OpenResource::Blob, this);
    if (rc != SQLITE_OK && commits && (rc & 0xff) != SQLITE_ABORT)
        worker.throwError(rc);
}

void QAsyncSqliteBlobState::closeWithConnection()
{
    sqlite3_blob_close(std::exchange(blob, nullptr));
}

// ---------------------------------------------------------------------------
// The request

QFuture<QAsyncSqliteBlob *> QAsyncSqliteConnection::blobOpen(const QString &table, const QString &column, qint64 rowid,
                                                             BlobMode mode, const QString &schema)
{
    std::weak_ptr<QAsyncSqliteWorker> weakWorker = currentWorker();
    QThread *owner = thread();
    return submit<QAsyncSqliteBlob *>([=](QAsyncSqliteWorker &w) {
        return QAsyncSqliteBlobPrivate::create(
                weakWorker.lock(), QAsyncSqliteBlobState::open(w, table, column, rowid, mode, schema), owner);
    });
}
