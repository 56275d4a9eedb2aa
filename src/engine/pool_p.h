// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_POOL_P_H
#define QASYNCSQLITE_POOL_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

// Readers in parallel (QAsyncSqliteOptions::readers, doc/readers.md): the
// connection's worker stays the writer; N more workers hold read-only
// connections on the same WAL file, and the plain queries a caller may run
// there without seeing anything a single connection would not show it go
// to them. Everything here is decided on the submitting thread (route()) or
// published by the writer after each request (publish()).

#include "jobs_p.h"

#include <QtCore/qhash.h>
#include <QtCore/qmutex.h>
#include <QtCore/qthread.h>
#include <QtCore/qwaitcondition.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

struct sqlite3;

namespace QAsyncSqlite::Detail {

class ConnectionLink;

class ReaderPool : public std::enable_shared_from_this<ReaderPool>
{
public:
    ReaderPool(int readers, std::shared_ptr<ConnectionLink> link);
    ~ReaderPool();

    // --- writer thread ---
    // Switches the writer to WAL and opens the readers (open()); throws
    // what prevents either, which fails open().
    void openReaders(QAsyncSqliteWorker &writer);
    // Closes the readers after their queues ran (close(), on the writer
    // before its own handle closes, so the writer's close checkpoints).
    void closeReaders();
    // Whether requests may go to readers now, after each writer request.
    void publish(QAsyncSqliteWorker &writer, bool inHandle);
    // Records whether \a sql, just run by the writer, may run on a reader.
    void learn(QAsyncSqliteWorker &writer, const QString &sql);
    // Before a writer request runs: the reads its thread queued before it
    // end first, so a write never overtakes an earlier read.
    void waitForEarlierReads(const Job &job);

    // --- any thread ---
    // A writer request is being queued from the current thread (enqueue()).
    void noteWriterJob(Job &job);
    // Queues execute(\a sql) on a reader and sets \a future, when it may
    // run there; otherwise returns false: queue it on the writer.
    bool submitQuery(const QString &sql, const Params &params, QFuture<QVariantList> *future);
    // Runs \a fn on every reader's queue (settings, functions, collations).
    void broadcast(const std::function<void(QAsyncSqliteWorker &)> &fn);
    void abandonReaders();
    void interruptReaders();
    int readerCount() const { return m_readerCount; }
    qint64 readsOnReaders() const { return m_readsOnReaders.load(std::memory_order_relaxed); }

private:
    struct ThreadState
    {
        int writerJobs = 0; // queued or running on the writer
        int readsInFlight = 0; // queued or running on readers
    };
    class Ticket;
    class ReadJob;
    friend class Ticket;
    friend class ReadJob;
    void release(Qt::HANDLE thread, bool writer, int reader);
    bool privateState(QAsyncSqliteWorker &writer);
    bool tempSchemaUsed(sqlite3 *db);
    void restartWal(QAsyncSqliteWorker &writer);

    const int m_readerCount;
    const std::shared_ptr<ConnectionLink> m_link;
    std::atomic<bool> m_routable{false}; // written by the writer in publish()
    std::atomic<qint64> m_readsOnReaders{0};

    mutable QMutex m_mutex; // guards everything below
    QWaitCondition m_readsDone;
    std::vector<std::shared_ptr<QAsyncSqliteWorker>> m_readers;
    std::vector<int> m_readerLoad; // queued or running requests, by reader
    std::weak_ptr<QAsyncSqliteWorker> m_writer;
    QHash<Qt::HANDLE, ThreadState> m_threads;

    // Writer thread only.
    QByteArray m_mainFile; // sqlite3_db_filename() at open: deserialize() replaces it
    std::vector<int> m_limits; // the readers' limits (sqlite3_limit())
    int m_schemaUsed = -1; // SQLITE_DBSTATUS_SCHEMA_USED at the last temp check
    bool m_tempSchema = false;
    std::chrono::steady_clock::time_point m_walChecked; // restartWal()
};

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_POOL_P_H
