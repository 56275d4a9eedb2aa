// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteconnection_p.h"
#include "qasyncsqlitecursor_p.h"

#include <QAsyncSqlite/qasyncsqliteblob.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qpointer.h>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

// After abandon(): long enough for an interrupted statement to stop and a
// short queue to be failed, so that usually every future has ended when the
// destructor returns (tst_lifecycle::destroyWhileLongQueryRuns).
constexpr std::chrono::milliseconds abandonGrace{100};

} // namespace

void QAsyncSqliteConnectionPrivate::pushSettings()
{
    // Called with the mutex held: go to the worker directly, not through q.
    if (worker) {
        worker->enqueue(std::make_unique<CallableJob<void>>([copy = settings](QAsyncSqliteWorker &w) {
            w.setSettings(copy);
        }));
    }
}

void QAsyncSqliteConnectionPrivate::notify(QAsyncSqliteConnection *q,
                                           std::function<void(QAsyncSqliteConnection *)> emitSignal)
{
    if (QThread::currentThread() == q->thread())
        emitSignal(q);
    else
        link->post(std::move(emitSignal));
}

QAsyncSqliteConnection::QAsyncSqliteConnection(QObject *parent)
    : QObject(parent), d_ptr(new QAsyncSqliteConnectionPrivate)
{
    d_ptr->link = std::make_shared<ConnectionLink>(this);
}

QAsyncSqliteConnection::~QAsyncSqliteConnection()
{
    Q_D(QAsyncSqliteConnection);
    d->link->detach(); // whatever the workers still do, nothing reaches this object
    std::shared_ptr<QAsyncSqliteWorker> worker;
    std::chrono::milliseconds timeout;
    {
        QMutexLocker locker(&d->mutex);
        worker = std::move(d->worker);
        timeout = d->shutdownTimeout;
    }
    if (!worker)
        return;
    worker->requestClose();
    if (QThread::currentThread() == worker.get()) {
        // Deleted from a continuation on our own worker: it finishes the queue
        // after this returns.
        return;
    }
    QDeadlineTimer deadline(timeout);
    if (!worker->waitClosed(deadline)) {
        qCWarning(lcQAsyncSqlite) << "QAsyncSqliteConnection destroyed while" << worker->database()
                                  << "still had work after" << timeout.count()
                                  << "ms: interrupting it and failing the remaining requests";
        worker->abandon();
        deadline = QDeadlineTimer(abandonGrace);
        if (!worker->waitClosed(deadline)) {
            // In user code that no interrupt reaches (tst_lifecycle::destroyIsBounded).
            qCWarning(lcQAsyncSqlite) << "QAsyncSqliteConnection destroyed:" << worker->database()
                                      << "is still busy and left to finish on its own";
            return;
        }
    }
    // Only close()'s continuations may still run on the worker. With a
    // QCoreApplication, its teardown waits for the thread (see
    // QAsyncSqliteWorker::create()); without one (or after it, e.g. a
    // connection parented to it or a static), nothing would, so wait here.
    if (!QCoreApplication::instance())
        worker->join(deadline);
}

QFuture<void> QAsyncSqliteConnection::open(const QString &database, const QAsyncSqliteOptions &options)
{
    Q_D(QAsyncSqliteConnection);
    QFuture<void> future;
    bool isolationChanged = false;
    {
        QMutexLocker locker(&d->mutex);
        if (d->worker && d->worker->isAccepting()) {
            return makeFailedFuture<void>(QAsyncSqliteProgrammingError(
                    SQLITE_MISUSE, QStringLiteral("The connection is already open; close() it first.")));
        }
        d->database = database;
        d->options = options;
        isolationChanged = d->settings.isolationLevel != options.isolationLevel;
        d->settings.isolationLevel = options.isolationLevel;
        // A close (or failed open) may still be under way: the new worker
        // waits for it on its own thread, never here.
        d->worker = QAsyncSqliteWorker::create(d->link, database, options, d->settings, std::move(d->worker));
        auto job = std::make_unique<CallableJob<void>>([](QAsyncSqliteWorker &w) {
            w.open();
        });
        future = job->future();
        d->worker->enqueue(std::move(job));
    }
    if (isolationChanged) {
        d->notify(this, [level = options.isolationLevel](QAsyncSqliteConnection *c) {
            Q_EMIT c->isolationLevelChanged(level);
        });
    }
    d->notify(this, [](QAsyncSqliteConnection *c) {
        Q_EMIT c->openChanged();
    });
    return future;
}

QFuture<void> QAsyncSqliteConnection::close()
{
    Q_D(QAsyncSqliteConnection);
    if (auto worker = d->currentWorker())
        return worker->requestClose();
    return readyVoidFuture();
}

bool QAsyncSqliteConnection::isOpen() const
{
    Q_D(const QAsyncSqliteConnection);
    auto worker = d->currentWorker();
    return worker && worker->isAccepting();
}

QString QAsyncSqliteConnection::database() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->database;
}

QAsyncSqliteOptions QAsyncSqliteConnection::options() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->options;
}

void QAsyncSqliteConnection::enqueue(std::unique_ptr<Job> job)
{
    Q_D(QAsyncSqliteConnection);
    if (auto worker = d->currentWorker()) {
        worker->enqueue(std::move(job));
        return;
    }
    job->fail(QAsyncSqliteWorker::rejection());
}

QFuture<QVariantList> QAsyncSqliteConnection::submitQuery(std::function<QVariantList(QAsyncSqliteWorker &)> fn)
{
    auto job = std::make_unique<CallableJob<QVariantList>>(std::move(fn));
    job->setSharesReads();
    QFuture<QVariantList> future = job->future();
    enqueue(std::move(job));
    return future;
}

QFuture<QVariantList> QAsyncSqliteConnection::execute(const QString &sql, const QVariantList &params)
{
    return submitQuery([sql, params](QAsyncSqliteWorker &w) {
        return w.execute(sql, params);
    });
}

QFuture<QVariantList> QAsyncSqliteConnection::execute(const QString &sql, const QVariantMap &params)
{
    return submitQuery([sql, params](QAsyncSqliteWorker &w) {
        return w.execute(sql, params);
    });
}

QFuture<qint64> QAsyncSqliteConnection::executeInsert(const QString &sql, const QVariantList &params)
{
    return submit<qint64>([sql, params](QAsyncSqliteWorker &w) {
        return w.executeInsert(sql, params);
    });
}

QFuture<qint64> QAsyncSqliteConnection::executeInsert(const QString &sql, const QVariantMap &params)
{
    return submit<qint64>([sql, params](QAsyncSqliteWorker &w) {
        return w.executeInsert(sql, params);
    });
}

QFuture<qint64> QAsyncSqliteConnection::executeMany(const QString &sql, const QList<QVariantList> &paramSets)
{
    return submit<qint64>([sql, paramSets](QAsyncSqliteWorker &w) {
        return w.executeMany(sql, paramSets);
    });
}

QFuture<void> QAsyncSqliteConnection::executeScript(const QString &script)
{
    return submit<void>([script](QAsyncSqliteWorker &w) {
        w.executeScript(script);
    });
}

QAsyncSqliteCursor *QAsyncSqliteConnection::cursor()
{
    auto *cursor = new QAsyncSqliteCursor(this);
    if (QThread::currentThread() == thread()) {
        cursor->setParent(this);
    } else {
        // QObject parents must share a thread: adopt it from ours.
        cursor->moveToThread(thread());
        QMetaObject::invokeMethod(
                this,
                [this, c = QPointer<QAsyncSqliteCursor>(cursor)] {
                    if (c)
                        c->setParent(this);
                },
                Qt::QueuedConnection);
    }
    return cursor;
}

QAsyncSqliteCursor *QAsyncSqliteConnection::cursor(const QString &sql, const QVariantList &params)
{
    QAsyncSqliteCursor *c = cursor();
    c->execute(sql, params);
    return c;
}

QFuture<void> QAsyncSqliteConnection::commit()
{
    return submit<void>([](QAsyncSqliteWorker &w) {
        w.commit();
    });
}

QFuture<void> QAsyncSqliteConnection::rollback()
{
    return submit<void>([](QAsyncSqliteWorker &w) {
        w.rollback();
    });
}

QFuture<void> QAsyncSqliteConnection::backup(QAsyncSqliteConnection *target, const QAsyncSqliteBackupOptions &options)
{
    if (!target || target == this) {
        return makeFailedFuture<void>(QAsyncSqliteProgrammingError(
                SQLITE_MISUSE, QStringLiteral("backup() needs another open connection as its target.")));
    }
    std::weak_ptr<QAsyncSqliteWorker> targetWorker = target->d_func()->currentWorker();
    return submit<void>([targetWorker, options](QAsyncSqliteWorker &w) {
        const auto t = targetWorker.lock();
        if (!t || !t->isAccepting()) {
            throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                               QStringLiteral("The backup target is not an open connection."));
        }
        w.backupTo(t.get(), options);
    });
}

QFuture<void> QAsyncSqliteConnection::backup(const QString &path, const QAsyncSqliteBackupOptions &options)
{
    return submit<void>([path, options](QAsyncSqliteWorker &w) {
        w.backupToPath(path, options);
    });
}

QFuture<void> QAsyncSqliteConnection::createFunction(const QString &name, int nArgs, const Function &fn,
                                                     FunctionFlags flags)
{
    return submit<void>([=](QAsyncSqliteWorker &w) {
        w.createFunction(name, nArgs, fn, flags);
    });
}

QFuture<void> QAsyncSqliteConnection::createAggregate(const QString &name, int nArgs, const QVariant &initialState,
                                                      const AggregateStep &step, const AggregateFinal &finalize,
                                                      FunctionFlags flags)
{
    return submit<void>([=](QAsyncSqliteWorker &w) {
        w.createAggregate(name, nArgs, initialState, step, finalize, flags);
    });
}

QFuture<void> QAsyncSqliteConnection::createWindowFunction(const QString &name, int nArgs, const QVariant &initialState,
                                                           const AggregateStep &step, const AggregateStep &inverse,
                                                           const WindowValue &value, const AggregateFinal &finalize,
                                                           FunctionFlags flags)
{
    return submit<void>([=](QAsyncSqliteWorker &w) {
        w.createWindowFunction(name, nArgs, initialState, step, inverse, value, finalize, flags);
    });
}

QFuture<void> QAsyncSqliteConnection::createCollation(const QString &name, const Collation &fn)
{
    return submit<void>([=](QAsyncSqliteWorker &w) {
        w.createCollation(name, fn);
    });
}

QFuture<void> QAsyncSqliteConnection::setAuthorizer(const Authorizer &fn)
{
    return submit<void>([=](QAsyncSqliteWorker &w) {
        w.setAuthorizer(fn);
    });
}

QFuture<void> QAsyncSqliteConnection::setProgressHandler(const ProgressHandler &fn, int n)
{
    return submit<void>([=](QAsyncSqliteWorker &w) {
        w.setProgressHandler(fn, n);
    });
}

QFuture<void> QAsyncSqliteConnection::setTraceCallback(const TraceCallback &fn)
{
    return submit<void>([=](QAsyncSqliteWorker &w) {
        w.setTraceCallback(fn);
    });
}

void QAsyncSqliteConnection::interrupt()
{
    Q_D(QAsyncSqliteConnection);
    if (auto worker = d->currentWorker())
        worker->interrupt();
}

QFuture<QString> QAsyncSqliteConnection::iterDump()
{
    auto job =
            std::make_unique<InterfaceJob<QString>>([](QAsyncSqliteWorker &w, QFutureInterface<QString> &out, Job &) {
                w.iterDump(out);
            });
    QFuture<QString> future = job->future();
    enqueue(std::move(job));
    return future;
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

QFuture<QAsyncSqliteBlob *> QAsyncSqliteConnection::blobOpen(const QString &table, const QString &column, qint64 rowid,
                                                             BlobMode mode, const QString &schema)
{
    Q_D(QAsyncSqliteConnection);
    std::weak_ptr<QAsyncSqliteWorker> weakWorker = d->currentWorker();
    QThread *owner = thread();
    return submit<QAsyncSqliteBlob *>([=](QAsyncSqliteWorker &w) {
        return QAsyncSqliteBlob::create(weakWorker.lock(), w.blobOpen(table, column, rowid, mode, schema), owner);
    });
}

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

bool QAsyncSqliteConnection::inTransaction() const
{
    Q_D(const QAsyncSqliteConnection);
    auto worker = d->currentWorker();
    return worker && worker->inTransaction();
}

qint64 QAsyncSqliteConnection::totalChanges() const
{
    Q_D(const QAsyncSqliteConnection);
    auto worker = d->currentWorker();
    return worker ? worker->totalChanges() : 0;
}

IsolationLevel QAsyncSqliteConnection::isolationLevel() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->settings.isolationLevel;
}

void QAsyncSqliteConnection::setIsolationLevel(IsolationLevel level)
{
    Q_D(QAsyncSqliteConnection);
    bool changed;
    {
        QMutexLocker locker(&d->mutex);
        changed = d->settings.isolationLevel != level;
        // Setting Autocommit commits even when it is the level already, as
        // assigning None to Python's isolation_level does.
        if (!changed && level != IsolationLevel::Autocommit)
            return;
        d->settings.isolationLevel = level;
        // A COMMIT that fails reports through errorOccurred(); the level is
        // set all the same, as in Python.
        if (d->worker) {
            d->worker->enqueue(std::make_unique<CallableJob<void>>([level](QAsyncSqliteWorker &w) {
                w.setIsolationLevel(level);
            }));
        }
    }
    if (changed)
        d->notify(this, [level](QAsyncSqliteConnection *c) {
            Q_EMIT c->isolationLevelChanged(level);
        });
}

RowFactory QAsyncSqliteConnection::rowFactory() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->settings.rowFactory;
}

RowFactoryFunction QAsyncSqliteConnection::rowFactoryFunction() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->settings.rowFactoryFunction;
}

void QAsyncSqliteConnection::setRowFactory(RowFactory factory)
{
    Q_D(QAsyncSqliteConnection);
    {
        QMutexLocker locker(&d->mutex);
        // NOTIFY only on a change, like the other properties (tst_factories::notifySignals).
        if (d->settings.rowFactory == factory && !d->settings.rowFactoryFunction)
            return;
        d->settings.rowFactory = factory;
        d->settings.rowFactoryFunction = {};
        d->pushSettings();
    }
    d->notify(this, [](QAsyncSqliteConnection *c) {
        Q_EMIT c->rowFactoryChanged();
    });
}

void QAsyncSqliteConnection::setRowFactory(const RowFactoryFunction &factory)
{
    Q_D(QAsyncSqliteConnection);
    {
        QMutexLocker locker(&d->mutex);
        d->settings.rowFactory = RowFactory::Tuple;
        d->settings.rowFactoryFunction = factory;
        d->pushSettings();
    }
    d->notify(this, [](QAsyncSqliteConnection *c) {
        Q_EMIT c->rowFactoryChanged();
    });
}

TextFactory QAsyncSqliteConnection::textFactory() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->settings.textFactory;
}

void QAsyncSqliteConnection::setTextFactory(TextFactory factory)
{
    Q_D(QAsyncSqliteConnection);
    {
        QMutexLocker locker(&d->mutex);
        if (d->settings.textFactory == factory)
            return;
        d->settings.textFactory = factory;
        d->pushSettings();
    }
    d->notify(this, [](QAsyncSqliteConnection *c) {
        Q_EMIT c->textFactoryChanged();
    });
}

std::chrono::milliseconds QAsyncSqliteConnection::shutdownTimeout() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->shutdownTimeout;
}

void QAsyncSqliteConnection::setShutdownTimeout(std::chrono::milliseconds timeout)
{
    Q_D(QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    d->shutdownTimeout = timeout;
}
