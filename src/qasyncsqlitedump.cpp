#include "qasyncsqliteworker_p.h"
#include <QAsyncSqlite/qasyncsqliteblob.h>
class QAsyncSqliteBlobPrivate {};
QAsyncSqliteBlob::~QAsyncSqliteBlob() {}
void QAsyncSqliteWorker::iterDump(QFutureInterface<QString> &) { throw QAsyncSqliteNotSupportedError(1, QStringLiteral("todo")); }
void QAsyncSqliteWorker::backupTo(QAsyncSqliteWorker *, const QAsyncSqliteBackupOptions &) { throw QAsyncSqliteNotSupportedError(1, QStringLiteral("todo")); }
void QAsyncSqliteWorker::backupToPath(const QString &, const QAsyncSqliteBackupOptions &) { throw QAsyncSqliteNotSupportedError(1, QStringLiteral("todo")); }
std::shared_ptr<QAsyncSqliteBlobState> QAsyncSqliteWorker::blobOpen(const QString &, const QString &, qint64, QAsyncSqlite::BlobMode, const QString &) { throw QAsyncSqliteNotSupportedError(1, QStringLiteral("todo")); }
QAsyncSqliteBlob *QAsyncSqliteBlob::create(std::shared_ptr<QAsyncSqliteWorker>, std::shared_ptr<QAsyncSqliteBlobState>, QThread *) { return nullptr; }
