// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteconnection_p.h"
#include "qasyncsqlitecursor_p.h"
#include "engine/pool_p.h"
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
// QAsyncSqliteOptions::readers: a thread each; more than the cores of any
// machine buys nothing.
constexpr int maxReaders = 64;

// The job of execute() and executeInsert(), the requests users make most: the
// statement and parameters are members, not captures of a std::function (too
// big for its inline buffer), and the result moves into the future.
template<typename R, R (QAsyncSqliteWorker::*Run)(const QString &, const Params &)>
class StatementJob : public Job
{
public:
    StatementJob(const QString &sql, const Params &params) : m_sql(sql), m_params(params)
    {
        m_interface.reportStarted();
    }
    ~StatementJob() override { finishIfPending(); }
    void run(QAsyncSqliteWorker &worker) override { m_interface.reportAndMoveResult((worker.*Run)(m_sql, m_params)); }
    QFutureInterfaceBase &futureInterface() override { return m_interface; }
    void reportException(const std::exception_ptr &error) override { m_interface.reportException(error); }
    QFuture<R> future() { return m_interface.future(); }

protected:
    QFutureInterface<R> m_interface;
    const QString m_sql;
    const Params m_params;
};

using InsertJob = StatementJob<qint64, &QAsyncSqliteWorker::executeInsert>;

// execute() on the writer, which then judges whether readers may run the
// statement (after it ran: a failed one is never judged).
class QueryJob final : public StatementJob<QVariantList, &QAsyncSqliteWorker::execute>
{
public:
    QueryJob(const QString &sql, const Params &params, std::shared_ptr<ReaderPool> pool)
        : StatementJob(sql, params), m_pool(std::move(pool))
    {
    }
    void run(QAsyncSqliteWorker &worker) override
    {
        QVariantList rows = worker.execute(m_sql, m_params);
        if (m_pool)
            m_pool->learn(worker, m_sql);
        m_interface.reportAndMoveResult(std::move(rows));
    }

private:
    const std::shared_ptr<ReaderPool> m_pool;
};

} // namespace

void QAsyncSqliteConnectionPrivate::pushSettings()
{
    // Called with the mutex held: go to the worker directly, not through q.
    if (worker) {
        const auto apply = [copy = settings](QAsyncSqliteWorker &w) {
            w.setSettings(copy);
        };
        if (pool)
            pool->broadcast(apply);
        submit<void>(worker, apply);
    }
}

void QAsyncSqliteConnectionPrivate::forEachReader(const QAsyncSqliteConnection *q,
                                                  const std::function<void(QAsyncSqliteWorker &)> &fn)
{
    std::shared_ptr<ReaderPool> pool;
    {
        QMutexLocker locker(&q->d_func()->mutex);
        pool = q->d_func()->pool;
    }
    if (pool)
        pool->broadcast(fn);
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
        if (options.readers < 0 || options.readers > maxReaders) {
            return makeFailedFuture<void>(QAsyncSqliteProgrammingError(
                    SQLITE_MISUSE,
                    QStringLiteral("QAsyncSqliteOptions::readers must be between 0 and %1, not %2.")
                                           .arg(maxReaders)
                                           .arg(options.readers)));
        }
        d->database = database;
        d->options = options;
        isolationChanged = d->settings.isolationLevel != options.isolationLevel;
        d->settings.isolationLevel = options.isolationLevel;
        // A close (or failed open) may still be under way: the new worker
        // waits for it on its own thread, never here.
        d->worker = QAsyncSqliteWorker::create(d->link, database, options, d->settings, std::move(d->worker));
        d->pool = options.readers > 0 ? std::make_shared<ReaderPool>(options.readers, d->link) : nullptr;
        if (d->pool)
            d->worker->setPool(d->pool);
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
    std::shared_ptr<QAsyncSqliteWorker> worker;
    std::shared_ptr<ReaderPool> pool;
    {
        QMutexLocker locker(&q->d_func()->mutex);
        worker = q->d_func()->worker;
        pool = q->d_func()->pool;
    }
    QFuture<QVariantList> future;
    if (pool && pool->submitQuery(sql, params, &future))
        return future;
    auto job = std::make_unique<QueryJob>(sql, params, std::move(pool));
    job->setSharesReads();
    return submit(worker, std::move(job));
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
    return QAsyncSqlite::Detail::submit(currentWorker(), std::make_unique<InsertJob>(sql, params));
}

QFuture<qint64> QAsyncSqliteConnection::executeInsert(const QString &sql, const QVariantMap &params)
{
    return QAsyncSqlite::Detail::submit(currentWorker(), std::make_unique<InsertJob>(sql, params));
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
    std::shared_ptr<ReaderPool> pool;
    {
        QMutexLocker locker(&d->mutex);
        pool = d->pool;
    }
    if (pool)
        pool->interruptReaders();
}

qint64 QAsyncSqliteConnection::readsOnReaders() const
{
    Q_D(const QAsyncSqliteConnection);
    QMutexLocker locker(&d->mutex);
    return d->pool ? d->pool->readsOnReaders() : 0;
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
