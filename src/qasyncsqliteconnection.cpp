// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteconnection_p.h"
#include "qasyncsqlitecursor_p.h"
#include "engine/worker_p.h"

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
        submit<void>(worker, [copy = settings](QAsyncSqliteWorker &w) {
            w.setSettings(copy);
        });
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
        future = QAsyncSqlite::Detail::submit<void>(d->worker, [](QAsyncSqliteWorker &w) {
            w.open();
        });
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

std::shared_ptr<QAsyncSqliteWorker> QAsyncSqliteConnection::currentWorker() const
{
    Q_D(const QAsyncSqliteConnection);
    return d->currentWorker();
}

QFuture<QVariantList> QAsyncSqliteConnectionPrivate::submitQuery(QAsyncSqliteConnection *q, const QString &sql,
                                                                 const Params &params)
{
    auto job = std::make_unique<CallableJob<QVariantList>>([sql, params](QAsyncSqliteWorker &w) {
        return w.execute(sql, params);
    });
    job->setSharesReads();
    return submit(q->currentWorker(), std::move(job));
}

void QAsyncSqliteConnection::enqueueTypedJob(std::unique_ptr<Job> job, bool query)
{
    if (query)
        job->setSharesReads(); // as submitQuery()
    enqueue(currentWorker(), std::move(job));
}

QFuture<QVariantList> QAsyncSqliteConnection::execute(const QString &sql, const QVariantList &params)
{
    return QAsyncSqliteConnectionPrivate::submitQuery(this, sql, params);
}

QFuture<QVariantList> QAsyncSqliteConnection::execute(const QString &sql, const QVariantMap &params)
{
    return QAsyncSqliteConnectionPrivate::submitQuery(this, sql, params);
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
            QAsyncSqlite::Detail::submit<void>(d->worker, [level](QAsyncSqliteWorker &w) {
                w.setIsolationLevel(level);
            });
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
