// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEBLOB_H
#define QASYNCSQLITEBLOB_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qfuture.h>
#include <QtCore/qobject.h>
#include <QtCore/qscopedpointer.h>

class QAsyncSqliteBlobPrivate;

/*!
    \class QAsyncSqliteBlob
    \brief Incremental I/O on one BLOB value (Python's \c sqlite3.Blob).

    Returned by QAsyncSqliteConnection::blobOpen(); the caller owns it. Reads
    and writes are queued on the connection like every other request and move
    a position like a file. A blob cannot change size: writing past its end
    fails with QAsyncSqliteProgrammingError. Destroying the object closes it.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteBlob : public QObject
{
    Q_OBJECT
public:
    /*! Closes the handle if close() was not called (queued like a request). */
    ~QAsyncSqliteBlob() override;

    /*! The size in bytes, fixed while the handle is valid; 0 once an
        operation found that its row changed (as SQLite and Python report
        an expired handle), as of the last finished request. */
    qint64 size() const;
    /*! The current position, as of the last finished read, write or seek. */
    qint64 tell() const;
    /*! Reads up to \a length bytes (the rest when negative) from the position
        and moves past them; at the end it gives an empty array. A handle whose
        row was changed since it was opened fails with
        QAsyncSqliteOperationalError (SQLITE_ABORT), and then reads as empty. */
    QFuture<QByteArray> read(qint64 length = -1);
    /*! Writes \a data at the position and moves past it. Data reaching past
        the end fails with QAsyncSqliteProgrammingError; a blob opened
        read-only fails with QAsyncSqliteOperationalError (SQLITE_READONLY). */
    QFuture<void> write(const QByteArray &data);
    /*! Moves the position; out-of-range targets fail with
        QAsyncSqliteProgrammingError. Returns the new position. */
    QFuture<qint64> seek(qint64 offset, QAsyncSqlite::SeekOrigin origin = QAsyncSqlite::SeekOrigin::Begin);
    /*! Closes the handle; later requests fail with QAsyncSqliteProgrammingError.
        Idempotent. Closing the connection closes its blobs too. In
        autocommit mode closing commits what was written, and a failure of
        that commit (e.g. SQLITE_BUSY) is reported; errors of earlier
        operations are not repeated (Python ignores them all). */
    QFuture<void> close();

private:
    QAsyncSqliteBlob();
    friend class QAsyncSqliteBlobPrivate; // makes it, for QAsyncSqliteConnection::blobOpen()
    Q_DECLARE_PRIVATE(QAsyncSqliteBlob)
    QScopedPointer<QAsyncSqliteBlobPrivate> d_ptr;
};

#endif // QASYNCSQLITEBLOB_H
