// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteworker_p.h"
#include "qasyncsqlitetypes_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qhash.h>

#include <thread>

Q_LOGGING_CATEGORY(lcQAsyncSqlite, "qasyncsqlite")
// Debug only, and off unless enabled (QT_LOGGING_RULES="qasyncsqlite.sql.debug=true").
Q_LOGGING_CATEGORY(lcQAsyncSqliteSql, "qasyncsqlite.sql", QtInfoMsg)

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

thread_local QAsyncSqliteWorker *t_userCodeOf = nullptr;

QString fromUtf8(const char *text)
{
    return text ? QString::fromUtf8(text) : QString();
}

// Skips white space and comments the way Python's sqlite3 does (lstrip_sql
// in CPython 3.11): both its "one statement at a time" check and its
// classification of DML look past them, and neither skips a ';'.
const char *skipSpaceAndComments(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
            ++p;
        } else if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n')
                ++p;
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            p += 2;
            while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
                ++p;
            p = p + 1 < end ? p + 2 : end;
        } else {
            break;
        }
    }
    return p;
}

} // namespace

bool QAsyncSqlite::Detail::isDml(const char *sql)
{
    if (!sql)
        return false;
    const char *p = skipSpaceAndComments(sql, sql + qstrlen(sql));
    return qstrnicmp(p, "insert", 6) == 0 || qstrnicmp(p, "update", 6) == 0 || qstrnicmp(p, "delete", 6) == 0
            || qstrnicmp(p, "replace", 7) == 0;
}

namespace {

QString beginStatement(IsolationLevel level)
{
    switch (level) {
    case IsolationLevel::Immediate:
        return QStringLiteral("BEGIN IMMEDIATE");
    case IsolationLevel::Exclusive:
        return QStringLiteral("BEGIN EXCLUSIVE");
    case IsolationLevel::Deferred:
    case IsolationLevel::Autocommit:
        break;
    }
    return QStringLiteral("BEGIN DEFERRED");
}

// A shared read ends after this many queries or this long, whichever comes
// first (beginSharedRead()).
constexpr int MaxSharedReadQueries = 64;
constexpr auto MaxSharedReadTime = std::chrono::milliseconds(10);

} // namespace

// ---------------------------------------------------------------------------
// Jobs

Job::~Job() = default;

void Job::fail(const QAsyncSqliteError &error)
{
    QFutureInterfaceBase &fi = futureInterface();
    fi.reportException(error);
    finishFuture(fi);
}

void Job::finishIfPending()
{
    if (m_handedOff)
        return;
    QFutureInterfaceBase &fi = futureInterface();
    if (!fi.isFinished()) {
        fi.reportCanceled();
        finishFuture(fi);
    }
}

sqlite3 *QAsyncSqlite::Detail::handle(QAsyncSqliteWorker &worker)
{
    return worker.db();
}

QAsyncSqliteWorker::PreparedStatement QAsyncSqliteWorker::prepare(const QString &sql, bool cached)
{
    PreparedStatement prepared;
    if (cached && m_cache) {
        if ((prepared.entry = m_cache->take(sql))) {
            prepared.stmt = prepared.entry->stmt;
            return prepared;
        }
        prepared.cache = m_cache.get();
        prepared.key = sql;
    }
    const QByteArray utf8 = sql.toUtf8();
    const char *tail = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()), cached ? SQLITE_PREPARE_PERSISTENT : 0,
                                      &prepared.stmt, &tail);
    if (rc != SQLITE_OK)
        throwError(rc, sql);
    if (tail && skipSpaceAndComments(tail, utf8.constData() + utf8.size()) != utf8.constData() + utf8.size()) {
        // Not into the cache: a later call with the same text would find the
        // statement there and run its first part without this check.
        // Guarded by tst_errors::multipleStatements.
        sqlite3_finalize(prepared.release());
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                           QStringLiteral("You can only execute one statement at a time."), sql);
    }
    return prepared;
}

// ---------------------------------------------------------------------------
// Values

void QAsyncSqliteWorker::bindAll(sqlite3_stmt *stmt, const Params &params, const QString &sql)
{
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (const auto *list = std::get_if<QVariantList>(&params)) {
        if (list->size() != expected) {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_RANGE,
                    QStringLiteral("Incorrect number of bindings supplied. The current statement uses %1, "
                               "and there are %2 supplied.")
                                           .arg(expected)
                                           .arg(list->size()),
                                   sql);
        }
        for (int i = 0; i < expected; ++i)
            bindValue(stmt, i + 1, list->at(i), sql);
        return;
    }
    const QVariantMap &map = std::get<QVariantMap>(params);
    for (int i = 1; i <= expected; ++i) {
        const char *name = sqlite3_bind_parameter_name(stmt, i);
        if (!name || name[0] == '?') {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_RANGE,
                    QStringLiteral("Binding %1 has no name, but you supplied a dictionary (which has only "
                               "names).")
                                           .arg(i),
                                   sql);
        }
        const auto it = map.constFind(QString::fromUtf8(name + 1));
        if (it == map.cend()) {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_RANGE,
                    QStringLiteral("You did not supply a value for binding parameter %1.").arg(fromUtf8(name)), sql);
        }
        bindValue(stmt, i, *it, sql);
    }
}

void QAsyncSqliteWorker::bindValue(sqlite3_stmt *stmt, int index, const QVariant &original, const QString &sql)
{
    const SqlValue value = toSqlValue(original, NullValues::QtSql);
    int rc = SQLITE_OK;
    switch (value.kind) {
    case SqlValue::Null:
        rc = sqlite3_bind_null(stmt, index);
        break;
    case SqlValue::Integer:
        rc = sqlite3_bind_int64(stmt, index, value.integer);
        break;
    case SqlValue::Real:
        rc = sqlite3_bind_double(stmt, index, value.real);
        break;
    case SqlValue::Text:
        // A null pointer would bind NULL: an empty string must stay ''.
        rc = sqlite3_bind_text64(stmt, index, value.data(), sqlite3_uint64(value.bytes.size()), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
        break;
    case SqlValue::Blob:
        rc = sqlite3_bind_blob64(stmt, index, value.data(), sqlite3_uint64(value.bytes.size()), SQLITE_TRANSIENT);
        break;
    case SqlValue::TooLarge:
        throw QAsyncSqliteDataError(
                SQLITE_MISMATCH,
                QStringLiteral("Error binding parameter %1: %2 is too large for SQLite's 64-bit INTEGER.")
                                       .arg(index)
                                       .arg(original.toULongLong()),
                               sql);
    case SqlValue::Unsupported:
        throw QAsyncSqliteProgrammingError(
                SQLITE_MISMATCH,
                QStringLiteral("Error binding parameter %1: type '%2' is not supported.") .arg(index).arg(
                                       QLatin1String(original.metaType().name())),
                               sql);
    }
    if (rc != SQLITE_OK)
        QAsyncSqliteError::throwForCode(rc, QString::fromUtf8(sqlite3_errstr(rc)), sql);
}

void ResultShape::prepare(sqlite3_stmt *stmt, const Settings &settings, DetectTypes detectTypes, bool describe)
{
    m_settings = settings;
    m_columnCount = sqlite3_column_count(stmt);
    m_names.clear();
    m_description.clear();
    m_converters.clear();
    m_hasConverters = false;
    // Per execution, so only compute what this result needs: plain tuples
    // without type detection need no column metadata at all.
    const bool needNames = describe || settings.rowFactory != RowFactory::Tuple || settings.rowFactoryFunction
            || detectTypes.testFlag(ColumnNames);
    const bool needDeclared = describe || detectTypes.testFlag(DeclaredTypes);
    if (!needNames && !needDeclared)
        return;
    m_names.reserve(m_columnCount);
    for (int i = 0; i < m_columnCount; ++i) {
        QString name = needNames ? fromUtf8(sqlite3_column_name(stmt, i)) : QString();
        const QString declared = needDeclared ? fromUtf8(sqlite3_column_decltype(stmt, i)) : QString();
        Converter converter;
        if (detectTypes.testFlag(ColumnNames)) {
            // "expr AS "name [type]"": the bracket selects the converter and
            // is stripped from the column name, as in Python.
            const qsizetype open = name.indexOf(QLatin1Char('['));
            const qsizetype close = name.indexOf(QLatin1Char(']'), open + 1);
            if (open >= 0 && close > open) {
                converter = converterFor(name.mid(open + 1, close - open - 1).trimmed());
                name = name.left(open).trimmed();
            }
        }
        if (!converter && detectTypes.testFlag(DeclaredTypes) && !declared.isEmpty()) {
            qsizetype end = 0;
            while (end < declared.size() && declared.at(end) != QLatin1Char(' ')
                   && declared.at(end) != QLatin1Char('('))
                ++end;
            converter = converterFor(declared.left(end));
        }
        m_hasConverters = m_hasConverters || bool(converter);
        m_converters.append(converter);
        m_names.append(name);
        if (describe)
            m_description.append({name, declared});
    }
}

QVariant ResultShape::readValue(sqlite3_stmt *stmt, int column) const
{
    const int type = sqlite3_column_type(stmt, column);
    if (type == SQLITE_NULL)
        return {};
    if (m_hasConverters && m_converters.at(column)) {
        const auto *data = static_cast<const char *>(sqlite3_column_blob(stmt, column));
        return m_converters.at(column)(QByteArray(data ? data : "", sqlite3_column_bytes(stmt, column)));
    }
    switch (type) {
    case SQLITE_INTEGER:
        return QVariant(qint64(sqlite3_column_int64(stmt, column)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(stmt, column));
    case SQLITE_TEXT: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, column));
        const int size = sqlite3_column_bytes(stmt, column);
        if (m_settings.textFactory == TextFactory::Bytes)
            return QVariant(QByteArray(text ? text : "", size));
        return QVariant(QString::fromUtf8(text, size));
    }
    default: {
        const auto *data = static_cast<const char *>(sqlite3_column_blob(stmt, column));
        return QVariant(QByteArray(data ? data : "", sqlite3_column_bytes(stmt, column)));
    }
    }
}

QVariant ResultShape::readRow(sqlite3_stmt *stmt) const
{
    const int columns = m_columnCount;
    QVariantList values;
    values.reserve(columns);
    for (int i = 0; i < columns; ++i)
        values.append(readValue(stmt, i));
    if (m_settings.rowFactoryFunction)
        return m_settings.rowFactoryFunction(QAsyncSqliteRow(m_names, values));
    switch (m_settings.rowFactory) {
    case RowFactory::Row:
        return QVariant::fromValue(QAsyncSqliteRow(m_names, values));
    case RowFactory::Map: {
        QVariantMap map;
        for (int i = 0; i < columns; ++i)
            map.insert(m_names.at(i), values.at(i));
        return map;
    }
    case RowFactory::Tuple:
        break;
    }
    return values;
}

// ---------------------------------------------------------------------------
// Lifetime and queue

namespace {

// Workers whose last owner let go while run() still ran (close()'s
// continuations, or a body the connection's destructor gave up on). Each is
// joined and deleted by a detached reaper thread once run() ends.
// QCoreApplication's teardown waits for all of them (a post routine), so that
// the process never exits under a running worker
// (tst_lifecycle::exitWaitsForAbandonedWorker).
class Orphans
{
public:
    static Orphans &instance()
    {
        static auto *orphans = new Orphans; // never destroyed: a reaper may outlive static destruction
        return *orphans;
    }

    void adopt()
    {
        QMutexLocker locker(&m_mutex);
        ++m_count;
        if (!m_waitAtTeardown) {
            m_waitAtTeardown = true;
            qAddPostRoutine(&Orphans::waitAtTeardown);
        }
    }

    // Called at the end of run(): the reaper carries the worker's thread name.
    void reap(QAsyncSqliteWorker *worker)
    {
        std::thread([this, worker] {
            delete worker; // ~QAsyncSqliteWorker joins the thread
            QMutexLocker locker(&m_mutex);
            if (--m_count == 0)
                m_reaped.wakeAll();
        }).detach();
    }

private:
    static void waitAtTeardown()
    {
        Orphans &self = instance();
        QMutexLocker locker(&self.m_mutex);
        self.m_waitAtTeardown = false;
        while (self.m_count > 0)
            waitAnnotated(self.m_reaped, self.m_mutex);
    }

    QMutex m_mutex;
    QWaitCondition m_reaped;
    int m_count = 0;
    bool m_waitAtTeardown = false; // the post routine is registered
};

} // namespace

std::shared_ptr<QAsyncSqliteWorker> QAsyncSqliteWorker::create(std::shared_ptr<ConnectionLink> link,
                                                               const QString &database,
                                                               const QAsyncSqliteOptions &options,
                                                               const Settings &settings,
                                                               std::shared_ptr<QAsyncSqliteWorker> previous)
{
    std::shared_ptr<QAsyncSqliteWorker> worker(
            new QAsyncSqliteWorker(std::move(link), database, options, settings, std::move(previous)),
            [](QAsyncSqliteWorker *w) {
                // Whichever of this and the end of run() comes second deletes the
                // worker: the last owner never waits for user code still running
                // on it, and a thread never joins itself.
                bool runEnded;
                {
                    QMutexLocker locker(&w->m_queueMutex);
                    w->m_ownerGone = true;
                    runEnded = w->m_runEnded;
                }
                if (runEnded)
                    delete w; // only QThread's own exit is left: a short join
                else
                    Orphans::instance().adopt();
            });
    worker->start();
    if (!worker->isRunning()) {
        // The thread could not be created (QThread warned): no run() will end.
        QMutexLocker locker(&worker->m_queueMutex);
        worker->m_runEnded = true;
    }
    return worker;
}

QAsyncSqliteWorker::QAsyncSqliteWorker(std::shared_ptr<ConnectionLink> link, const QString &database,
                                       const QAsyncSqliteOptions &options, const Settings &settings,
                                       std::shared_ptr<QAsyncSqliteWorker> previous)
    : m_database(database),
      m_options(options),
      m_previous(std::move(previous)),
      m_link(std::move(link)),
      m_settings(settings)
{
    m_closed.reportStarted();
    setObjectName(QStringLiteral("QAsyncSqlite ") + database);
}

QAsyncSqliteWorker::~QAsyncSqliteWorker()
{
    join();
    // Requests that never reached the worker (it was never started).
    for (auto &job : m_queue)
        job->fail(rejection());
    if (!m_closed.isFinished())
        finishFuture(m_closed);
}

bool QAsyncSqliteWorker::isAccepting() const
{
    QMutexLocker locker(&m_queueMutex);
    return m_accepting;
}

QAsyncSqliteProgrammingError QAsyncSqliteWorker::rejection()
{
    return QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("Cannot operate on a closed database."));
}

QAsyncSqliteProgrammingError QAsyncSqliteWorker::closedCursor()
{
    return QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("Cannot operate on a closed cursor."));
}

bool QAsyncSqliteWorker::isInUserCodeOf(const QAsyncSqliteWorker *worker)
{
    return t_userCodeOf && t_userCodeOf == worker;
}

void QAsyncSqliteWorker::enqueue(std::unique_ptr<Job> job)
{
    if (isInUserCodeOf(this)) {
        // A blocking wait on this request would deadlock the worker.
        job->fail(QAsyncSqliteProgrammingError(
                SQLITE_MISUSE,
                QStringLiteral("Cannot queue a request from code running on the connection's own worker "
                           "(a user function, callback, run() or transaction() body); use the handle "
                           "or QAsyncSqliteTransaction given to it instead.")));
        return;
    }
    QMutexLocker locker(&m_queueMutex);
    if (!m_accepting) {
        locker.unlock();
        job->fail(rejection()); // closed, or failed to open: a call on a closed connection
        return;
    }
    m_queue.push_back(std::move(job));
    m_hasWork.store(true, std::memory_order_release);
    // The worker only sleeps on an empty queue.
    if (m_queue.size() == 1)
        m_queueNotEmpty.wakeOne();
}

void QAsyncSqliteWorker::spinForWork() const
{
    // Waking a sleeping thread costs 5-80 µs here, more than a query: after a
    // batch, watch the queue briefly before sleeping, so that a caller
    // awaiting one request after another pays one wake-up per round trip,
    // not two. Bounded, so an idle connection costs nothing.
    constexpr auto spin = std::chrono::microseconds(50);
    const auto deadline = std::chrono::steady_clock::now() + spin;
    while (!m_hasWork.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

QFuture<void> QAsyncSqliteWorker::requestClose()
{
    QMutexLocker locker(&m_queueMutex);
    if (!m_closeQueued && m_accepting) {
        m_closeQueued = true;
        m_accepting = false;
        m_queue.push_back(std::make_unique<CallableJob<void>>([](QAsyncSqliteWorker &worker) {
            worker.closeDatabase();
            worker.m_stopAfterBatch = true;
        }));
        m_closeJob = m_queue.back().get();
        if (m_queue.size() == 1)
            m_queueNotEmpty.wakeOne();
    }
    return m_closed.future();
}

void QAsyncSqliteWorker::abandon()
{
    std::shared_ptr<QAsyncSqliteWorker> previous;
    {
        QMutexLocker locker(&m_queueMutex);
        m_abandoned = true;
        previous = m_previous;
    }
    interrupt();
    // What the worker before a reopen still runs was queued on the same,
    // now destroyed, connection (tst_lifecycle::destroyIsBounded).
    if (previous)
        previous->abandon();
}

void QAsyncSqliteWorker::interrupt()
{
    // Stops the request running now, through the progress handler
    // (progressTick()), and nothing else. sqlite3_interrupt() would also fail
    // every statement started until all active ones end, and a half-read
    // cursor, a parked stream or an open blob keeps one active between
    // requests (tst_cursor::interruptWhileIdle). A request that ends before
    // the next tick has nothing left to stop.
    if (const quint64 running = m_runningRequest.load(std::memory_order_acquire))
        m_interruptedRequest.store(running, std::memory_order_release);
}

void ConnectionLink::post(std::function<void(QAsyncSqliteConnection *)> fn)
{
    // Posted under the lock: the connection cannot be destroyed meanwhile,
    // and ~QObject removes what it did not deliver yet.
    QMutexLocker locker(&m_mutex);
    if (QAsyncSqliteConnection *target = m_connection) {
        QMetaObject::invokeMethod(
                target,
                [target, fn = std::move(fn)] {
                    fn(target);
                },
                Qt::QueuedConnection);
    }
}

void ConnectionLink::detach()
{
    QMutexLocker locker(&m_mutex);
    m_connection = nullptr;
}

void QAsyncSqliteWorker::run()
{
    if (m_previous) {
        // FIFO across a reopen, without blocking open(): what was queued
        // before close() runs, and the old handle closes, before anything of
        // ours (tst_lifecycle::reopenDoesNotWaitForOldWorker).
        m_previous->waitClosed();
        std::shared_ptr<QAsyncSqliteWorker> previous; // dropped after the unlock, never under our lock
        QMutexLocker locker(&m_queueMutex);
        previous.swap(m_previous);
    }
    while (!m_stopAfterBatch) {
        std::deque<std::unique_ptr<Job>> batch;
        spinForWork();
        {
            QMutexLocker locker(&m_queueMutex);
            while (m_queue.empty())
                waitAnnotated(m_queueNotEmpty, m_queueMutex);
            batch.swap(m_queue);
            m_hasWork.store(false, std::memory_order_relaxed);
        }
        // Drain everything queued per wake-up: a wake costs far more than a query.
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto &job = batch[i];
            m_jobsQueuedBehind = batch.size() - i - 1;
            bool abandoned;
            const Job *closeJob;
            {
                QMutexLocker locker(&m_queueMutex);
                abandoned = m_abandoned;
                closeJob = m_closeJob;
            }
            if (m_openError) {
                job->fail(*m_openError);
            } else if (abandoned && job.get() != closeJob) {
                qCWarning(lcQAsyncSqlite)
                        << "QAsyncSqliteConnection destroyed: dropping a queued request on" << m_database;
                job->fail(QAsyncSqliteOperationalError(
                        SQLITE_ABORT, QStringLiteral("The connection was destroyed before this request could run.")));
            } else {
                process(*job, m_jobsQueuedBehind == 0);
            }
            if (m_openError && !m_stopAfterBatch) {
                // A failed open ends the worker: no thread is left behind.
                QMutexLocker locker(&m_queueMutex);
                m_accepting = false;
                m_stopAfterBatch = true;
            }
        }
    }
    // Nothing can be queued any more; fail what slipped in after the last batch.
    std::deque<std::unique_ptr<Job>> rest;
    {
        QMutexLocker locker(&m_queueMutex);
        m_accepting = false;
        rest.swap(m_queue);
    }
    for (auto &job : rest) {
        if (m_openError)
            job->fail(*m_openError);
        else
            job->fail(rejection());
    }
    rest.clear();
    if (m_db)
        closeDatabase();
    publishState(true);
    post([opened = m_wasOpened](QAsyncSqliteConnection *c) {
        if (opened)
            Q_EMIT c->closed();
        Q_EMIT c->openChanged();
    });
    m_handleClosed.release(); // after the post: a successor's opened() comes after our closed()
    // Runs close().then(fn) continuations on this thread: nothing on the
    // connection's thread may wait for them
    // (tst_lifecycle::closeContinuationDoesNotBlockEventLoop).
    finishFuture(m_closed);
    bool ownerGone;
    {
        QMutexLocker locker(&m_queueMutex);
        m_runEnded = true;
        ownerGone = m_ownerGone;
    }
    if (ownerGone)
        Orphans::instance().reap(this); // joins us once this returns
    QtTsan::futexRelease(this); // the last statement: pairs with join()
}

bool QAsyncSqliteWorker::join(QDeadlineTimer deadline)
{
    if (!wait(deadline))
        return false;
    QtTsan::futexAcquire(this);
    return true;
}

void QAsyncSqliteWorker::process(Job &job, bool lastInBatch)
{
    QFutureInterfaceBase &fi = job.futureInterface();
    if (fi.isCanceled()) {
        // Canceled while queued: never runs.
        if (!m_db && !m_wasOpened && !m_openError) {
            // That was open() (always the first job): with no handle nothing
            // after it may run (fuzz_requests found sqlite3_limit(nullptr));
            // end the worker as a failed open does
            // (tst_fault_races::cancelOpen).
            QMutexLocker locker(&m_queueMutex);
            m_openError = std::make_unique<QAsyncSqliteOperationalError>(
                    SQLITE_ABORT, QStringLiteral("open() was canceled before it ran"));
            m_accepting = false;
        }
        if (lastInBatch) {
            endSharedRead();
            publishState(true);
        }
        finishFuture(fi);
        return;
    }
    updateSqlLogging();
    m_currentJobSharesReads = job.sharesReads();
    if (!m_currentJobSharesReads)
        endSharedRead();
    {
        CancelSource cancel(*this, &fi);
        UserCodeScope userCode(*this);
        const RunningRequest running(*this, fi);
        try {
            job.run(*this);
        } catch (const QAsyncSqliteError &error) {
            if (!fi.isCanceled()) {
                // Through the job: a dump may have reported lines before it
                // failed, which QFutureInterfaceBase would leak.
                job.reportException(std::current_exception());
                // A clone keeps the subclass (a copy would slice it to
                // QAsyncSqliteError): a slot can still dynamic_cast it.
                post([error = std::shared_ptr<const QAsyncSqliteError>(error.clone())](QAsyncSqliteConnection *c) {
                    Q_EMIT c->errorOccurred(*error);
                });
            }
        } catch (...) {
            job.reportException(std::current_exception());
        }
    }
    // Snapshots and signals first, so continuations see the new state.
    if (lastInBatch)
        endSharedRead();
    publishState(lastInBatch);
    if (!job.isHandedOff())
        finishFuture(fi);
}

QAsyncSqliteWorker::CancelSource::CancelSource(QAsyncSqliteWorker &w, QFutureInterfaceBase *source)
    : worker(w), previous(std::exchange(w.m_cancelSource, source))
{
}

QAsyncSqliteWorker::CancelSource::~CancelSource()
{
    worker.m_cancelSource = previous;
}

QAsyncSqliteWorker::UserCodeScope::UserCodeScope(QAsyncSqliteWorker &worker)
    : previous(std::exchange(t_userCodeOf, &worker))
{
}

QAsyncSqliteWorker::UserCodeScope::~UserCodeScope()
{
    t_userCodeOf = previous;
}

bool QAsyncSqliteWorker::currentRequestCanceled() const
{
    if (!m_cancelSource)
        return false;
    const quint64 running = m_runningRequest.load(std::memory_order_relaxed);
    return m_cancelSource->isCanceled() || (running && m_interruptedRequest.load(std::memory_order_acquire) == running);
}

QAsyncSqliteWorker::RunningRequest::RunningRequest(QAsyncSqliteWorker &w, QFutureInterfaceBase &future) : worker(w)
{
    worker.m_runningRequest.store(++worker.m_requestSequence, std::memory_order_release);
    worker.m_requestFuture = &future;
}

QAsyncSqliteWorker::RunningRequest::~RunningRequest()
{
    worker.m_requestFuture = nullptr;
    worker.m_runningRequest.store(0, std::memory_order_release);
}

// QFutureInterfaceBase guards its progress with its own mutex and posts it to
// watchers; it drops a value outside the range, one not above the last, and
// any once the future is canceled or finished.
void QAsyncSqliteWorker::setRequestProgressRange(int minimum, int maximum)
{
    if (m_requestFuture)
        m_requestFuture->setProgressRange(minimum, maximum);
}

void QAsyncSqliteWorker::setRequestProgressValue(int value)
{
    if (m_requestFuture)
        m_requestFuture->setProgressValue(value);
}

void QAsyncSqliteWorker::throwError(int rc, const QString &sql) const
{
    const int extended = m_db ? sqlite3_extended_errcode(m_db) : rc;
    // The handle's code can lag behind for some API errors: trust rc's primary code.
    const int code = (extended & 0xff) == (rc & 0xff) ? extended : rc;
    const QString message = m_db ? fromUtf8(sqlite3_errmsg(m_db)) : fromUtf8(sqlite3_errstr(rc));
    QAsyncSqliteError::throwForCode(code, message, sql);
}

// ---------------------------------------------------------------------------
// Open, close and hooks

void QAsyncSqliteWorker::open()
{
    try {
        openDatabase();
    } catch (const QAsyncSqliteError &error) {
        closeDatabase();
        {
            // Before open()'s future fails: a caller reacting to the failure
            // may call open() again at once, which must not find the
            // connection still "open" (tst_fault_vfs::reopenRightAfterFailedOpen).
            QMutexLocker locker(&m_queueMutex);
            m_openError.reset(error.clone());
            m_accepting = false;
        }
        throw;
    }
}

void QAsyncSqliteWorker::openDatabase()
{
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    switch (m_options.openMode) {
    case OpenMode::ReadWriteCreate:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    case OpenMode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case OpenMode::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    }
    QString name = m_database;
    if (m_options.uri)
        flags |= SQLITE_OPEN_URI;
    else if (name.startsWith(QLatin1String("file:")))
        name.prepend(QLatin1String("./")); // a plain path, even where SQLite enables URIs globally

    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(name.toUtf8().constData(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const int code = db ? sqlite3_extended_errcode(db) : rc;
        const QString message = db ? fromUtf8(sqlite3_errmsg(db)) : fromUtf8(sqlite3_errstr(rc));
        sqlite3_close(db);
        QAsyncSqliteError::throwForCode(
                code, QStringLiteral("unable to open database file %1: %2") .arg(m_database, message));
    }
    m_db = db;
    sqlite3_extended_result_codes(m_db, 1);
    // Extension loading starts disabled until enableLoadExtension(true):
    // Debian's libsqlite3 enables the C API by default (tst_functions::loadExtensionDisabled).
    sqlite3_db_config(m_db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_busy_timeout(m_db, int(qBound<qint64>(0, qint64(m_options.busyTimeout.count()), qint64(INT_MAX))));
    m_cache = std::make_unique<StatementCache>(m_options.cachedStatements);
    installHooks();
    // Read the schema now, so that a file that is not a database fails
    // open() with SQLITE_NOTADB instead of the first query.
    exec(QStringLiteral("SELECT count(*) FROM sqlite_schema"));
    for (const QString &pragma : m_options.pragmas)
        exec(QStringLiteral("PRAGMA ") + pragma);
    if (currentRequestCanceled()) {
        // Canceled while opening: its future reads canceled, so the
        // connection must not go on as open either (tst_fault_races::cancelOpen).
        throw QAsyncSqliteOperationalError(SQLITE_ABORT, QStringLiteral("open() was canceled"));
    }
    m_wasOpened = true;
    // Posted before open()'s future finishes, so it reaches the caller first.
    post([](QAsyncSqliteConnection *c) {
        Q_EMIT c->opened();
    });
}

void QAsyncSqliteWorker::installHooks()
{
    sqlite3_commit_hook(
            m_db,
            [](void *self) {
                auto *worker = static_cast<QAsyncSqliteWorker *>(self);
                // A transaction whose rollback failed (e.g. out of memory) holds
                // writes that were meant to be discarded: it must never commit.
                // Non-zero turns the COMMIT into a rollback
                // (SQLITE_CONSTRAINT_COMMITHOOK). Guarded by
                // tst_fault_oom::rollbackUnderMemoryPressure.
                if (worker->m_rollbackFailed)
                    return 1;
                worker->settleCommit();
                worker->m_committingTables = std::exchange(worker->m_changedTables, {});
                worker->m_commitInFlight = true;
                worker->m_lastChangedTable.clear();
                return 0;
            },
            this);
    sqlite3_rollback_hook(
            m_db,
            [](void *self) {
                auto *worker = static_cast<QAsyncSqliteWorker *>(self);
                // Also the end of a commit that failed after its hook.
                worker->m_commitInFlight = false;
                worker->m_committingTables.clear();
                worker->m_changedTables.clear();
                worker->m_lastChangedTable.clear();
                ++worker->m_pendingRollbacks;
                worker->m_rollbackFailed = false;
            },
            this);
    installChangeHook(true);
    installProgressHandler();
    installTrace();
}

void QAsyncSqliteWorker::installChangeHook(bool enabled)
{
#ifdef QASYNCSQLITE_HAVE_PREUPDATE_HOOK
    using Hook = void (*)(void *, sqlite3 *, int, const char *, const char *, sqlite3_int64, sqlite3_int64);
    const Hook hook = [](void *self, sqlite3 *, int, const char *, const char *table, sqlite3_int64, sqlite3_int64) {
        static_cast<QAsyncSqliteWorker *>(self)->noteChange(table);
    };
    sqlite3_preupdate_hook(m_db, enabled ? hook : nullptr, this);
#else
    // Misses WITHOUT ROWID tables, REPLACE's deletes and DELETE without
    // WHERE (doc/python-compatibility.md).
    using Hook = void (*)(void *, int, const char *, const char *, sqlite3_int64);
    const Hook hook = [](void *self, int, const char *, const char *table, sqlite3_int64) {
        static_cast<QAsyncSqliteWorker *>(self)->noteChange(table);
    };
    sqlite3_update_hook(m_db, enabled ? hook : nullptr, this);
#endif
}

void QAsyncSqliteWorker::noteChange(const char *table)
{
    settleCommit();
    // Called per row: only convert a table name when it changes.
    if (m_lastChangedTable != table) {
        m_lastChangedTable = table;
        m_changedTables.insert(QString::fromUtf8(table));
    }
}

void QAsyncSqliteWorker::settleCommit()
{
    if (!m_commitInFlight)
        return;
    m_commitInFlight = false;
    if (sqlite3_get_autocommit(m_db)) {
        m_committedTables.unite(m_committingTables);
        ++m_pendingCommits;
    } else {
        m_changedTables.unite(m_committingTables);
    }
    m_committingTables.clear();
}

int QAsyncSqliteWorker::progressTick()
{
    if (currentRequestCanceled())
        return 1;
    // abandon() stops the request running at that moment; stop any statement
    // started later, too (tst_lifecycle::destroyBeforeStatementStarts).
    if (m_abandoned.load(std::memory_order_relaxed))
        return 1;
    if (m_progressHandler) {
        m_progressCount += m_progressPeriod;
        if (m_progressCount >= m_progressEvery) {
            m_progressCount = 0;
            UserCodeScope scope(*this);
            try {
                return m_progressHandler() != 0 ? 1 : 0;
            } catch (...) {
                return 1;
            }
        }
    }
    return 0;
}

void QAsyncSqliteWorker::closeDatabase()
{
    if (!m_db)
        return;
    const QAsyncSqliteOperationalError closedError(
            SQLITE_ABORT, QStringLiteral("The connection was closed before the stream finished."));
    for (const auto &cursor : m_cursors) {
        if (cursor->streaming) {
            cursor->stream.reportException(closedError);
            finishFuture(cursor->stream);
            cursor->streaming = false;
        }
        sqlite3_finalize(std::exchange(cursor->stmt, nullptr));
        cursor->hasRow = false;
        cursor->closed = true;
    }
    m_cursors.clear();
    for (const auto &blob : m_blobs)
        sqlite3_blob_close(std::exchange(blob->blob, nullptr));
    m_blobs.clear();
    m_cache.reset();
    settleCommit(); // closing a blob or a cursor may have committed its writes
    if (!sqlite3_get_autocommit(m_db))
        qCWarning(lcQAsyncSqlite) << "Closing" << m_database << "with an open transaction: it is rolled back";
    if (sqlite3_close(m_db) != SQLITE_OK) {
        // Statements prepared through run() and never finalized: let SQLite
        // close the handle when they go.
        qCWarning(lcQAsyncSqlite) << "Closing" << m_database << ":" << sqlite3_errmsg(m_db)
                                  << "- deferring the close until those statements are finalized";
        sqlite3_close_v2(m_db);
    }
    m_db = nullptr;
}

void QAsyncSqliteWorker::publishState(bool flush)
{
    // The snapshots change at once, before the request's future finishes.
    const bool inTx = m_db && !sqlite3_get_autocommit(m_db) && !m_sharedRead;
    const qint64 total = m_db ? sqlite3_total_changes64(m_db) : m_totalChanges.load();
    m_inTransaction.store(inTx, std::memory_order_release);
    m_totalChanges.store(total, std::memory_order_release);
    if (m_db)
        settleCommit();
    // The signals go out once per batch of queued requests: a burst of
    // writes costs one cross-thread event, not several per request.
    if (!flush)
        return;
    const bool txChanged = inTx != m_postedInTransaction;
    const bool totalChanged = total != m_postedTotalChanges;
    if (!txChanged && !totalChanged && !m_pendingCommits && !m_pendingRollbacks)
        return;
    m_postedInTransaction = inTx;
    m_postedTotalChanges = total;
    QStringList tables(m_committedTables.cbegin(), m_committedTables.cend());
    tables.sort();
    m_committedTables.clear();
    post([txChanged, inTx, totalChanged, total, rollbacks = std::exchange(m_pendingRollbacks, 0),
          commits = std::exchange(m_pendingCommits, 0), tables](QAsyncSqliteConnection *c) {
        if (txChanged)
            Q_EMIT c->inTransactionChanged(inTx);
        if (totalChanged)
            Q_EMIT c->totalChangesChanged(total);
        for (int i = 0; i < rollbacks; ++i)
            Q_EMIT c->rolledBack();
        for (int i = 0; i < commits; ++i)
            Q_EMIT c->committed();
        if (!tables.isEmpty())
            Q_EMIT c->tablesChanged(tables);
    });
}

void QAsyncSqliteWorker::beginSharedRead()
{
    if (m_sharedRead) {
        // Bounded: while it lasts it holds SHARED (rollback journal: another
        // connection's COMMIT waits for it) or one snapshot (WAL: no
        // checkpoint can pass it). Guarded by tst_batching::sharedReadLetsWritersIn.
        if (++m_sharedReadQueries < MaxSharedReadQueries
            && std::chrono::steady_clock::now() - m_sharedReadStart < MaxSharedReadTime) {
            return;
        }
        endSharedRead();
    }
    // Worth it only with more queued behind this request, and invisible only
    // when no trace callback or authorizer would see the extra BEGIN/COMMIT.
    if (!m_currentJobSharesReads || m_jobsQueuedBehind == 0 || m_traceCallback || m_authorizer
        || !sqlite3_get_autocommit(m_db)) {
        return;
    }
    // A statement that wrote and is still active (an open blob, a half-read
    // INSERT … RETURNING) commits when it ends. Inside a shared read its
    // writes would only commit with it, and that COMMIT fails while the
    // statement is active ("SQL statements in progress"): wait for it to end.
    // Guarded by tst_batching::sharedReadKeepsActiveWrites.
    if (sqlite3_txn_state(m_db, nullptr) == SQLITE_TXN_WRITE)
        return;
    try {
        exec(QStringLiteral("BEGIN"));
    } catch (const QAsyncSqliteError &) {
        // An interrupt can fail BEGIN after it took effect: never leave that
        // transaction behind to swallow later autocommit writes.
        abandonTransaction();
        throw;
    }
    m_sharedRead = true;
    m_sharedReadQueries = 1;
    m_sharedReadStart = std::chrono::steady_clock::now();
}

void QAsyncSqliteWorker::abandonTransaction()
{
    // Not cancelable, so neither a cancel nor interrupt() stops it; retried
    // in case a ROLLBACK fails for want of memory.
    CancelSource notCancelable(*this, nullptr);
    for (int attempt = 0; attempt < 1000 && !sqlite3_get_autocommit(m_db); ++attempt)
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

void QAsyncSqliteWorker::endSharedRead()
{
    if (!m_sharedRead)
        return;
    m_sharedRead = false;
    CancelSource notCancelable(*this, nullptr);
    try {
        exec(QStringLiteral("COMMIT"));
    } catch (const QAsyncSqliteError &error) {
        // Only read-only queries ran inside it (anything else ends it first)
        // and none began while a write was pending (beginSharedRead()), so
        // ending it cannot lose data; never leave it open.
        if (error.code() != SQLITE_INTERRUPT)
            qCWarning(lcQAsyncSqlite) << "Ending a shared read transaction failed:" << error.what();
        abandonTransaction();
    }
}

// ---------------------------------------------------------------------------
// Statements

void QAsyncSqliteWorker::beginImplicitTransaction(sqlite3_stmt *stmt)
{
    if (m_settings.isolationLevel != IsolationLevel::Autocommit && sqlite3_get_autocommit(m_db)
        && isDml(sqlite3_sql(stmt))) {
        exec(beginStatement(m_settings.isolationLevel));
    }
}

void QAsyncSqliteWorker::exec(const QString &sql)
{
    PreparedStatement prepared = prepare(sql, true);
    if (!prepared.stmt)
        return;
    int rc;
    while ((rc = sqlite3_step(prepared.stmt)) == SQLITE_ROW) { }
    if (rc != SQLITE_DONE)
        throwError(rc, sql);
}

QVariantList QAsyncSqliteWorker::execute(const QString &sql, const Params &params)
{
    // Prepare first, as Python does: a statement that fails to prepare (bad
    // SQL, several statements) opens no implicit transaction.
    // Guarded by tst_transactions::prepareErrorOpensNoTransaction.
    PreparedStatement prepared = prepare(sql, true);
    if (!prepared.stmt)
        return {};
    // Queries (read-only, with a result) may share one read transaction with
    // the queries queued behind them; anything else ends it first.
    const bool query = sqlite3_stmt_readonly(prepared.stmt) && sqlite3_column_count(prepared.stmt) > 0;
    if (query)
        beginSharedRead();
    else
        endSharedRead();
    beginImplicitTransaction(prepared.stmt);
    bindAll(prepared.stmt, params, sql);
    QVariantList rows;
    ResultShape shape;
    bool shaped = false;
    for (;;) {
        const int rc = sqlite3_step(prepared.stmt);
        if (rc == SQLITE_ROW) {
            if (!shaped) {
                shape.prepare(prepared.stmt, m_settings, m_options.detectTypes, false);
                shaped = true;
            }
            rows.append(shape.readRow(prepared.stmt));
        } else if (rc == SQLITE_DONE) {
            return rows;
        } else {
            throwError(rc, sql);
        }
    }
}

qint64 QAsyncSqliteWorker::executeInsert(const QString &sql, const Params &params)
{
    execute(sql, params);
    return sqlite3_last_insert_rowid(m_db);
}

qint64 QAsyncSqliteWorker::executeMany(const QString &sql, const QList<QVariantList> &paramSets, ResultShape *shape)
{
    // As Python: prepare, refuse a statement that cannot write (its
    // sqlite3_stmt_readonly(), so WITH … INSERT and DDL pass), then the
    // implicit BEGIN, which only DML gets.
    PreparedStatement prepared = prepare(sql, true);
    if (!prepared.stmt)
        return -1;
    if (sqlite3_stmt_readonly(prepared.stmt)) {
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                           QStringLiteral("executeMany() can only execute DML statements."), sql);
    }
    beginImplicitTransaction(prepared.stmt);
    // Python's rowcount: the changes of DML statements, -1 for others.
    const bool dml = isDml(sqlite3_sql(prepared.stmt));
    qint64 rowCount = dml ? 0 : -1;
    for (const QVariantList &params : paramSets) {
        if (currentRequestCanceled())
            throwError(SQLITE_INTERRUPT, sql);
        bindAll(prepared.stmt, params, sql);
        int rc = sqlite3_step(prepared.stmt);
        // Python counts the changes of a statement that returns no rows: a
        // RETURNING clause leaves rowcount alone, though its writes happen.
        const bool counts = dml && rc == SQLITE_DONE;
        while (rc == SQLITE_ROW)
            rc = sqlite3_step(prepared.stmt);
        if (rc != SQLITE_DONE)
            throwError(rc, sql);
        if (counts)
            rowCount += sqlite3_changes64(m_db);
        sqlite3_reset(prepared.stmt);
        if (shape && &params == &paramSets.first()) // described once it ran, as in Python
            shape->prepare(prepared.stmt, m_settings, m_options.detectTypes, true);
    }
    return rowCount;
}

void QAsyncSqliteWorker::executeScript(const QString &script)
{
    commit();
    const QByteArray utf8 = script.toUtf8();
    const char *p = utf8.constData();
    const char *const end = p + utf8.size();
    while (p < end) {
        sqlite3_stmt *stmt = nullptr;
        const char *tail = nullptr;
        // + 1: the terminating NUL that QByteArray guarantees. Without it
        // SQLite copies the whole rest of the script for every statement,
        // quadratic in the script's size (tst_fault_badinput::sqlTextSizes).
        int rc = sqlite3_prepare_v2(m_db, p, int(end - p) + 1, &stmt, &tail);
        const QString text = QString::fromUtf8(p, tail ? tail - p : end - p).trimmed();
        if (rc != SQLITE_OK)
            throwError(rc, text);
        PreparedStatement owner; // finalizes on every path
        owner.stmt = stmt;
        if (stmt) {
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) { }
            if (rc != SQLITE_DONE)
                throwError(rc, text);
        }
        if (!tail || tail == p)
            break;
        p = tail;
    }
}

void QAsyncSqliteWorker::commit()
{
    if (!sqlite3_get_autocommit(m_db))
        exec(QStringLiteral("COMMIT"));
}

void QAsyncSqliteWorker::rollback()
{
    if (sqlite3_get_autocommit(m_db))
        return;
    CancelSource notCancelable(*this, nullptr); // a canceled request must still be able to roll back
    try {
        exec(QStringLiteral("ROLLBACK"));
    } catch (const QAsyncSqliteError &) {
        m_rollbackFailed = !sqlite3_get_autocommit(m_db); // see installHooks()
        throw;
    }
}

void QAsyncSqliteWorker::setSettings(const Settings &settings)
{
    // The isolation level changes only through setIsolationLevel(), which
    // also commits.
    const IsolationLevel level = m_settings.isolationLevel;
    m_settings = settings;
    m_settings.isolationLevel = level;
}

void QAsyncSqliteWorker::setIsolationLevel(IsolationLevel level)
{
    m_settings.isolationLevel = level;
    // Python commits whenever isolation_level is set to None (after setting
    // it: a COMMIT that fails leaves the level None).
    if (level == IsolationLevel::Autocommit && m_db)
        commit();
}

// ---------------------------------------------------------------------------
// QAsyncSqliteTransaction

QAsyncSqliteTransaction::QAsyncSqliteTransaction(QAsyncSqliteWorker &worker, TransactionMode mode) : m_worker(worker)
{
    if (sqlite3_get_autocommit(worker.db())) {
        const QString begin = mode == TransactionMode::Deferred ? QStringLiteral("BEGIN DEFERRED")
                                                                : mode == TransactionMode::Exclusive
                ? QStringLiteral("BEGIN EXCLUSIVE")
                : QStringLiteral("BEGIN IMMEDIATE");
        try {
            worker.exec(begin);
        } catch (const QAsyncSqliteError &) {
            // Interrupted after taking effect: no destructor will roll it back.
            worker.abandonTransaction();
            throw;
        }
    } else {
        // Nested inside an open transaction: a savepoint keeps it atomic.
        m_savepoint = QStringLiteral("qasyncsqlite_%1").arg(++worker.m_savepointCounter);
        worker.exec(QStringLiteral("SAVEPOINT ") + m_savepoint);
    }
}

QAsyncSqliteTransaction::~QAsyncSqliteTransaction()
{
    if (m_done)
        return;
    QAsyncSqliteWorker::CancelSource notCancelable(m_worker, nullptr);
    bool rolledBack = false;
    try {
        if (m_savepoint.isEmpty()) {
            if (!sqlite3_get_autocommit(m_worker.db()))
                m_worker.exec(QStringLiteral("ROLLBACK"));
            rolledBack = true;
        } else {
            m_worker.exec(QStringLiteral("ROLLBACK TO ") + m_savepoint);
            rolledBack = true;
            m_worker.exec(QStringLiteral("RELEASE ") + m_savepoint);
        }
    } catch (const QAsyncSqliteError &error) {
        qCWarning(lcQAsyncSqlite) << "transaction(): rollback failed:" << error.what();
        // Could not run (out of memory, I/O): still open with fn's writes in
        // it, so the next COMMIT is vetoed and becomes a rollback (see
        // installHooks()). SQLITE_ERROR ("no such savepoint") means fn ended
        // the transaction itself: what is open now is not ours to veto, and
        // Python's commit() would commit it (the differential regression
        // "transaction() whose fn rolled back").
        if (!rolledBack && !sqlite3_get_autocommit(m_worker.db()) && error.code() != SQLITE_ERROR)
            m_worker.m_rollbackFailed = true;
    }
}

QVariantList QAsyncSqliteTransaction::execute(const QString &sql, const QVariantList &params)
{
    return m_worker.execute(sql, params);
}

QVariantList QAsyncSqliteTransaction::execute(const QString &sql, const QVariantMap &params)
{
    return m_worker.execute(sql, params);
}

qint64 QAsyncSqliteTransaction::executeInsert(const QString &sql, const QVariantList &params)
{
    return m_worker.executeInsert(sql, params);
}

qint64 QAsyncSqliteTransaction::executeInsert(const QString &sql, const QVariantMap &params)
{
    return m_worker.executeInsert(sql, params);
}

qint64 QAsyncSqliteTransaction::executeMany(const QString &sql, const QList<QVariantList> &paramSets)
{
    return m_worker.executeMany(sql, paramSets);
}

sqlite3 *QAsyncSqliteTransaction::handle() const
{
    return m_worker.db();
}

void QAsyncSqliteTransaction::setProgressRange(int minimum, int maximum)
{
    m_worker.setRequestProgressRange(minimum, maximum);
}

void QAsyncSqliteTransaction::setProgressValue(int value)
{
    m_worker.setRequestProgressValue(value);
}

void QAsyncSqliteTransaction::commit()
{
    // Canceled while fn ran (its last statements may have been too short for
    // the progress handler to notice): roll back rather than commit under a
    // future that reads canceled (tst_fault_races::cancelTransactionSteps).
    if (m_worker.currentRequestCanceled())
        throw QAsyncSqliteOperationalError(SQLITE_INTERRUPT,
                                           QStringLiteral("interrupted: the transaction was canceled"));
    if (m_savepoint.isEmpty())
        m_worker.exec(QStringLiteral("COMMIT"));
    else
        m_worker.exec(QStringLiteral("RELEASE ") + m_savepoint);
    m_done = true;
}
