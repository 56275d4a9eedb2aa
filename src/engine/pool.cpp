// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Readers in parallel (doc/readers.md): opening and closing the reader
// workers, deciding which queries may run on them, and keeping each
// thread's requests in submission order across the writer and the readers.
#include "pool_p.h"
#include "worker_p.h"

#include <QtCore/qfileinfo.h>

#include <algorithm>
#include <optional>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

// Functions whose result is the state of the connection that runs them: a
// reader would answer for itself, not for the writer.
bool isConnectionStateFunction(const char *name)
{
    return name
            && (!sqlite3_stricmp(name, "last_insert_rowid") || !sqlite3_stricmp(name, "changes")
                || !sqlite3_stricmp(name, "total_changes"));
}

// The authorizer installed while the writer prepares a statement once more
// to judge it (ReaderPool::learn()); \a writerOnly is a bool.
int judge(void *writerOnly, int action, const char *, const char *name, const char *database, const char *)
{
    switch (action) {
    case SQLITE_PRAGMA: // connection state, whatever sqlite3_stmt_readonly() says
        *static_cast<bool *>(writerOnly) = true; // (tst_pool::pragmasAndConnectionFunctions)
        break;
    case SQLITE_FUNCTION:
        if (isConnectionStateFunction(name))
            *static_cast<bool *>(writerOnly) = true;
        break;
    case SQLITE_READ: // a temp or attached table exists only on the writer (tst_pool::tempTables)
        if (database && qstrcmp(database, "main") != 0)
            *static_cast<bool *>(writerOnly) = true;
        break;
    default:
        break;
    }
    return SQLITE_OK;
}

// SQL text → whether it may run on a reader, for every connection of the
// process: the verdict depends on the statement, not on the data, and what
// depends on one connection's schema (temp tables, attached databases) turns
// reader routing off altogether (ReaderPool::privateState()). So a reopened
// connection, or a second one, need not judge its queries again.
class Verdicts
{
public:
    std::optional<bool> value(const QString &sql) const
    {
        QMutexLocker locker(&m_mutex);
        const auto it = m_verdicts.constFind(sql);
        return it == m_verdicts.cend() ? std::nullopt : std::optional<bool>(*it);
    }
    void insert(const QString &sql, bool reader)
    {
        QMutexLocker locker(&m_mutex);
        if (m_verdicts.size() > 4096) // bounded: programs that build SQL text
            m_verdicts.clear();
        m_verdicts.insert(sql, reader);
    }

private:
    mutable QMutex m_mutex;
    QHash<QString, bool> m_verdicts;
};

// Never destroyed, so a worker still finishing at exit finds it; and not a
// Q_GLOBAL_STATIC, whose destructor's fence GCC refuses under -fsanitize=thread.
Verdicts &verdicts()
{
    static auto *const instance = new Verdicts;
    return *instance;
}

} // namespace

// A writer request's mark in its thread's count, dropped with the job.
class ReaderPool::Ticket
{
public:
    Ticket(std::weak_ptr<ReaderPool> pool, Qt::HANDLE thread) : pool(std::move(pool)), thread(thread) { }
    ~Ticket()
    {
        if (auto p = pool.lock())
            p->release(thread, true, -1);
    }
    const std::weak_ptr<ReaderPool> pool;
    const Qt::HANDLE thread;
};

// execute() on a reader. Its future is the caller's; if the reader cannot
// even prepare the statement (a function registered through run() or an
// extension exists only on the writer), the writer runs it instead.
class ReaderPool::ReadJob final : public Job
{
public:
    ReadJob(std::weak_ptr<ReaderPool> pool, Qt::HANDLE thread, int reader, QString sql, Params params,
            QFutureInterface<QVariantList> fi)
        : m_pool(std::move(pool)),
          m_thread(thread),
          m_reader(reader),
          m_sql(std::move(sql)),
          m_params(std::move(params)),
          m_interface(std::move(fi))
    {
    }
    ~ReadJob() override
    {
        finishIfPending();
        if (auto pool = m_pool.lock())
            pool->release(m_thread, false, m_reader);
    }
    void run(QAsyncSqliteWorker &reader) override
    {
        if (m_forward) {
            m_interface.reportResult(reader.execute(m_sql, m_params));
            return;
        }
        try {
            reader.prepare(m_sql, true);
        } catch (const QAsyncSqliteError &) {
            if (forwardToWriter())
                return;
        }
        try {
            m_interface.reportResult(reader.execute(m_sql, m_params));
        } catch (const QAsyncSqliteError &error) {
            // Readers post nothing themselves: the connection still hears
            // of the failure, as it would from the writer.
            if (auto pool = m_pool.lock(); pool && !m_interface.isCanceled()) {
                pool->m_link->post(
                        [e = std::shared_ptr<const QAsyncSqliteError>(error.clone())](QAsyncSqliteConnection *c) {
                            Q_EMIT c->errorOccurred(*e);
                        });
            }
            throw;
        }
    }
    QFutureInterfaceBase &futureInterface() override { return m_interface; }
    void reportException(const std::exception_ptr &error) override { m_interface.reportException(error); }

private:
    bool forwardToWriter()
    {
        auto pool = m_pool.lock();
        std::shared_ptr<QAsyncSqliteWorker> writer;
        if (pool) {
            verdicts().insert(m_sql, false);
            QMutexLocker locker(&pool->m_mutex);
            writer = pool->m_writer.lock();
        }
        if (!writer)
            return false; // closing: the reader's own error will do
        auto job = std::make_unique<ReadJob>(std::weak_ptr<ReaderPool>(), m_thread, -1, m_sql, m_params, m_interface);
        job->m_forward = true;
        handOff();
        writer->enqueue(std::move(job), false);
        return true;
    }

    const std::weak_ptr<ReaderPool> m_pool; // empty for a forwarded job
    const Qt::HANDLE m_thread;
    const int m_reader;
    const QString m_sql;
    const Params m_params;
    QFutureInterface<QVariantList> m_interface;
    bool m_forward = false;
};

ReaderPool::ReaderPool(int readers, std::shared_ptr<ConnectionLink> link)
    : m_readerCount(readers), m_link(std::move(link))
{
}

ReaderPool::~ReaderPool() = default;

void ReaderPool::openReaders(QAsyncSqliteWorker &writer)
{
    sqlite3 *db = writer.db();
    sqlite3_stmt *stmt = nullptr;
    QString mode;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr) != SQLITE_OK)
        writer.throwError(sqlite3_extended_errcode(db));
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        mode = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW)
        writer.throwError(sqlite3_extended_errcode(db));
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        throw QAsyncSqliteNotSupportedError(
                SQLITE_ERROR,
                QStringLiteral("QAsyncSqliteOptions::readers needs WAL mode, but %1 stays in journal "
                                             "mode '%2' (an in-memory or temporary database has no WAL file)")
                                       .arg(writer.database(), mode));
    }

    // The readers see what the writer sees: same file, URI flag, busy
    // timeout, statement cache and type detection; no migrations (the
    // writer ran them) and none of the pragmas that would change the file's
    // journal or lock it.
    QAsyncSqliteOptions options = writer.options();
    options.migrations.clear();
    options.readers = 0;
    if (options.openMode == OpenMode::ReadWriteCreate)
        options.openMode = OpenMode::ReadWrite;
    options.pragmas.removeIf([](const QString &pragma) {
        const QString name = pragma.section(QLatin1Char('='), 0, 0).trimmed().toLower();
        return name.endsWith(QLatin1String("journal_mode")) || name.endsWith(QLatin1String("locking_mode"))
                || name.endsWith(QLatin1String("wal_autocheckpoint"));
    });
    options.pragmas.append(QStringLiteral("query_only=1"));

    std::vector<std::shared_ptr<QAsyncSqliteWorker>> readers;
    std::vector<QFuture<void>> opened;
    for (int i = 0; i < m_readerCount; ++i) {
        // A link to no connection: a reader posts no signals of its own.
        readers.push_back(QAsyncSqliteWorker::create(std::make_shared<ConnectionLink>(nullptr), writer.database(),
                                                     options, writer.settings(), nullptr));
        opened.push_back(submit<void>(readers.back(), [](QAsyncSqliteWorker &reader) {
            reader.open();
        }));
    }
    {
        QMutexLocker locker(&m_mutex);
        m_readers = readers; // closeReaders() ends them if one fails to open
        m_readerLoad.assign(readers.size(), 0);
        m_writer = writer.weak_from_this();
    }
    for (QFuture<void> &future : opened) {
        try {
            future.waitForFinished(); // rethrows the reader's error
        } catch (const QAsyncSqliteError &error) {
            QAsyncSqliteError::throwForCode(error.extendedCode(),
                                            QStringLiteral("opening a reader: %1").arg(error.message()));
        }
        tsanAcquireFinished(future);
        if (future.isCanceled())
            throw QAsyncSqliteOperationalError(SQLITE_ABORT, QStringLiteral("opening a reader was canceled"));
    }
    m_mainFile = sqlite3_db_filename(db, "main");
    m_limits.clear();
    for (int i = 0; i <= SQLITE_LIMIT_WORKER_THREADS; ++i)
        m_limits.push_back(sqlite3_limit(db, i, -1));
    m_schemaUsed = -1;
}

void ReaderPool::closeReaders()
{
    m_routable.store(false, std::memory_order_release);
    std::vector<std::shared_ptr<QAsyncSqliteWorker>> readers;
    {
        QMutexLocker locker(&m_mutex);
        readers.swap(m_readers);
        m_readerLoad.clear();
    }
    // Their queues run first: a read queued before close() still answers.
    for (const auto &reader : readers)
        reader->requestClose();
    for (const auto &reader : readers)
        reader->waitClosed();
    // The reader threads end on their own; the last owner never waits.
}

void ReaderPool::abandonReaders()
{
    QMutexLocker locker(&m_mutex);
    for (const auto &reader : m_readers)
        reader->abandon();
}

void ReaderPool::interruptReaders()
{
    QMutexLocker locker(&m_mutex);
    for (const auto &reader : m_readers)
        reader->interrupt();
}

void ReaderPool::broadcast(const std::function<void(QAsyncSqliteWorker &)> &fn)
{
    std::vector<std::shared_ptr<QAsyncSqliteWorker>> readers;
    {
        QMutexLocker locker(&m_mutex);
        readers = m_readers;
    }
    for (const auto &reader : readers)
        submit<void>(reader, fn);
}

void ReaderPool::noteWriterJob(Job &job)
{
    const Qt::HANDLE thread = QThread::currentThreadId();
    {
        QMutexLocker locker(&m_mutex);
        ++m_threads[thread].writerJobs;
    }
    job.setPoolTicket(std::make_shared<Ticket>(weak_from_this(), thread));
}

void ReaderPool::release(Qt::HANDLE thread, bool writer, int reader)
{
    QMutexLocker locker(&m_mutex);
    const auto it = m_threads.find(thread);
    if (it == m_threads.end())
        return;
    if (writer) {
        --it->writerJobs;
    } else {
        --it->readsInFlight;
        if (reader >= 0 && std::size_t(reader) < m_readerLoad.size())
            --m_readerLoad[reader];
        m_readsDone.wakeAll();
    }
    if (!it->writerJobs && !it->readsInFlight)
        m_threads.erase(it);
}

void ReaderPool::waitForEarlierReads(const Job &job)
{
    const auto *ticket = static_cast<const Ticket *>(job.poolTicket().get());
    if (!ticket)
        return;
    // Reads queued by this thread after the job go to the writer (its
    // writerJobs count is not 0), so every read in flight came before it.
    QMutexLocker locker(&m_mutex);
    for (;;) {
        const auto it = m_threads.constFind(ticket->thread);
        if (it == m_threads.cend() || !it->readsInFlight)
            return;
        waitAnnotated(m_readsDone, m_mutex);
    }
}

bool ReaderPool::submitQuery(const QString &sql, const Params &params, QFuture<QVariantList> *future)
{
    if (!m_routable.load(std::memory_order_acquire))
        return false;
    if (!verdicts().value(sql).value_or(false))
        return false;
    const Qt::HANDLE thread = QThread::currentThreadId();
    std::shared_ptr<QAsyncSqliteWorker> reader;
    int index = -1;
    {
        QMutexLocker locker(&m_mutex);
        if (m_readers.empty())
            return false;
        // User code on one of the connection's threads must fail as it
        // would on the writer, not wait for a reader.
        const QThread *current = QThread::currentThread();
        for (const auto &r : m_readers) {
            if (r.get() == current)
                return false;
        }
        if (auto writer = m_writer.lock(); !writer || writer.get() == current)
            return false;
        ThreadState &state = m_threads[thread];
        if (state.writerJobs) // read-your-writes: they have not all finished
            return false;
        index = int(std::min_element(m_readerLoad.begin(), m_readerLoad.end()) - m_readerLoad.begin());
        ++m_readerLoad[index];
        ++state.readsInFlight;
        reader = m_readers[index];
    }
    QFutureInterface<QVariantList> fi;
    fi.reportStarted();
    *future = fi.future();
    m_readsOnReaders.fetch_add(1, std::memory_order_relaxed);
    // Queued outside the lock: a job failed at once releases its count.
    reader->enqueue(std::make_unique<ReadJob>(weak_from_this(), thread, index, sql, params, fi));
    return true;
}

void ReaderPool::learn(QAsyncSqliteWorker &writer, const QString &sql)
{
    sqlite3 *db = writer.db();
    // An authorizer of the user's would see the extra prepare (and routing
    // is off while one is set anyway).
    if (!db || writer.m_authorizer)
        return;
    if (verdicts().value(sql))
        return;
    bool writerOnly = false;
    sqlite3_set_authorizer(db, judge, &writerOnly);
    sqlite3_stmt *stmt = nullptr;
    const QByteArray text = sql.toUtf8();
    const int rc = sqlite3_prepare_v2(db, text.constData(), int(text.size()), &stmt, nullptr);
    sqlite3_set_authorizer(db, nullptr, nullptr);
    // Queries only: BEGIN and COMMIT are read-only too, but have no columns.
    const bool reader =
            rc == SQLITE_OK && stmt && sqlite3_stmt_readonly(stmt) && sqlite3_column_count(stmt) > 0 && !writerOnly;
    sqlite3_finalize(stmt);
    verdicts().insert(sql, reader);
}

void ReaderPool::publish(QAsyncSqliteWorker &writer, bool inHandle)
{
    sqlite3 *db = writer.db();
    if (!db || m_limits.empty()) {
        m_routable.store(false, std::memory_order_release);
        return;
    }
    // A transaction of the connection's own (implicit BEGIN, BEGIN through
    // execute()) is shared by every caller, as on one connection; a handle's
    // is private to its holder, whose own requests go through the handle.
    // An autocommit write not ended yet (an open blob, a half-read INSERT …
    // RETURNING) is visible to the writer's own reads only.
    const bool sharedTransaction = (!sqlite3_get_autocommit(db) && !writer.m_sharedRead && !inHandle)
            || (sqlite3_txn_state(db, nullptr) == SQLITE_TXN_WRITE && !inHandle);
    m_routable.store(!sharedTransaction && !privateState(writer), std::memory_order_release);
    if (sqlite3_txn_state(db, nullptr) == SQLITE_TXN_NONE)
        restartWal(writer);
}

void ReaderPool::restartWal(QAsyncSqliteWorker &writer)
{
    // SQLite's automatic checkpoint (PASSIVE, after commits) copies the WAL
    // into the file but can start the WAL over only at a moment no reader
    // uses it, which readers that always have a query running never leave:
    // the WAL then grows without bound (W5 saw 100 MB in 12 s). So, at most
    // every 100 ms, when it is past walLimit, a RESTART checkpoint waits
    // briefly for the readers' running statements (new ones read the file)
    // and the next commit writes the WAL from its start again.
    constexpr qint64 walLimit = 16 << 20;
    constexpr auto every = std::chrono::milliseconds(100);
    constexpr int wait = 50; // ms for readers to finish the statement they run
    const auto now = std::chrono::steady_clock::now();
    if (now - m_walChecked < every)
        return;
    m_walChecked = now;
    sqlite3 *db = writer.db();
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
    if (!wal || QFileInfo(QString::fromUtf8(wal)).size() < walLimit)
        return;
    sqlite3_busy_timeout(db, wait);
    sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_RESTART, nullptr, nullptr); // may be busy: next time
    sqlite3_busy_timeout(db, int(qBound<qint64>(0, qint64(writer.options().busyTimeout.count()), qint64(INT_MAX))));
}

bool ReaderPool::privateState(QAsyncSqliteWorker &writer)
{
    // Callbacks that must see every statement the connection runs.
    if (writer.m_authorizer || writer.m_traceCallback || writer.m_progressHandler) {
        m_schemaUsed = -1; // looked at again once they are gone
        return true;
    }
    sqlite3 *db = writer.db();
#if SQLITE_VERSION_NUMBER >= 3039000
    if (sqlite3_db_name(db, 2)) // an attached database
        return true;
#endif
    if (m_mainFile != sqlite3_db_filename(db, "main")) // deserialize()d
        return true;
    for (int i = 0; i < int(m_limits.size()); ++i) {
        if (sqlite3_limit(db, i, -1) != m_limits[i])
            return true;
    }
    return tempSchemaUsed(db);
}

bool ReaderPool::tempSchemaUsed(sqlite3 *db)
{
    // The schema's memory changes with every CREATE or DROP (and ATTACH):
    // only then is the temp schema read again.
    int used = 0;
    int highwater = 0;
    sqlite3_db_status(db, SQLITE_DBSTATUS_SCHEMA_USED, &used, &highwater, 0);
    if (used == m_schemaUsed)
        return m_tempSchema;
    m_schemaUsed = used;
    sqlite3_stmt *stmt = nullptr;
    m_tempSchema = true; // if it cannot be read, assume the worst
    const char *sql = "SELECT (SELECT count(*) FROM temp.sqlite_schema)"
                      " + (SELECT count(*) FROM pragma_database_list WHERE seq > 1)";
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        m_tempSchema = sqlite3_column_int(stmt, 0) > 0;
    sqlite3_finalize(stmt);
    return m_tempSchema;
}
