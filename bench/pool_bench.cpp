// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// W5 with QAsyncSqliteOptions::readers (doc/readers.md): one connection with
// a writer and two readers. Included by qasyncsqlite_bench.cpp inside its
// anonymous namespace, after the helpers it uses (Config, report(),
// whenFinished(), sampleRates(), …); not a translation unit of its own.
//
// A writer thread commits 100-row transactions back to back through
// transaction() (awaiting each); the main thread keeps two batches of 256
// point SELECTs in flight on the same connection. Four phases:
//   single  — readers = 0: one connection does both (the baseline)
//   mixed   — readers = 2, with the writer
//   writer  — the writer's rows/s during `mixed`, against
//   solo    — the same writer alone on the pool
// plus SQLITE_BUSY/LOCKED surfaced (errorOccurred) and the largest WAL seen.

struct PoolResult
{
    std::vector<double> singleReads, singleWriter, mixedReads, writerRows, soloRows;
    qint64 busy = 0;
    qint64 errors = 0;
    double walMaxMb = 0;
};

// One phase on \a db: \a reading the main thread's SELECTs, \a writing the
// writer thread's transactions; the rates of each sampling interval.
void poolPhase(const Config &c, QAsyncSqliteConnection &db, bool reading, bool writing, PoolResult &result,
               std::vector<double> *readRates, std::vector<double> *writeRates)
{
    constexpr int Batch = 256;
    QObject context;
    std::atomic<qint64> reads{0}, written{0};
    std::atomic<bool> stop{false};
    int inFlight = 0;
    qint64 k = 0;
    std::function<void()> readBatch = [&] {
        ++inFlight;
        QFuture<QVariantList> last;
        for (int i = 0; i < Batch; ++i)
            last = db.execute(PointSql, {pointId(k++, c.rows)});
        whenFinished(last, &context, [&](QFuture<QVariantList>) {
            --inFlight;
            reads += Batch;
            if (!stop)
                readBatch();
        });
    };
    std::thread writer;
    if (writing) {
        writer = std::thread([&] {
            QList<QVariantList> rows;
            for (int i = 0; i < 100; ++i)
                rows.append(rowParams(i));
            while (!stop.load(std::memory_order_relaxed)) {
                QFuture<void> f = db.transaction([&rows](QAsyncSqliteTransaction &tx) {
                    tx.executeMany(u"INSERT INTO w5(a, b, c) VALUES(?, ?, ?)"_s, rows);
                });
                try {
                    f.waitForFinished();
                } catch (...) {
                    continue; // counted through errorOccurred
                }
                written += 100;
            }
        });
    }
    if (reading) {
        readBatch();
        readBatch();
    }
    const QString wal = c.db + u"-wal"_s;
    // sampleRates() samples its first counter always, its second when asked.
    sampleRates(c, reading ? reads : written, written, reading ? readRates : writeRates, reading ? writeRates : nullptr,
                [&](double seconds) {
                    QEventLoop loop;
                    QTimer sample;
                    QObject::connect(&sample, &QTimer::timeout, &loop, [&] {
                        result.walMaxMb = std::max(result.walMaxMb, double(QFileInfo(wal).size()) / (1 << 20));
                    });
                    sample.start(50);
                    QTimer::singleShot(std::chrono::milliseconds(qint64(seconds * 1000)), &loop, &QEventLoop::quit);
                    loop.exec();
                });
    stop = true;
    if (writer.joinable())
        writer.join();
    spinUntil([&] {
        return inFlight == 0;
    });
}

PoolResult w5PoolRun(const Config &c)
{
    PoolResult result;
    QObject context;
    const auto open = [&](QAsyncSqliteConnection &db, int readers) {
        QAsyncSqliteOptions options = asyncOptions();
        options.readers = readers;
        awaitFuture(db.open(c.db, options));
        QObject::connect(&db, &QAsyncSqliteConnection::errorOccurred, &context, [&](const QAsyncSqliteError &e) {
            ++result.errors;
            if (e.code() == SQLITE_BUSY || e.code() == SQLITE_LOCKED)
                ++result.busy;
        });
        recreate(db, u"w5"_s);
        awaitFuture(db.execute(PointSql, {1})); // judged once: later ones may go to readers
    };
    {
        QAsyncSqliteConnection single;
        open(single, 0);
        poolPhase(c, single, true, true, result, &result.singleReads, &result.singleWriter);
        recreate(single, u"w5"_s);
        awaitFuture(single.close());
    }
    QAsyncSqliteConnection pool;
    open(pool, 2);
    poolPhase(c, pool, false, true, result, nullptr, &result.soloRows);
    recreate(pool, u"w5"_s);
    poolPhase(c, pool, true, true, result, &result.mixedReads, &result.writerRows);
    recreate(pool, u"w5"_s);
    return result;
}

void w5Pool(const Config &c)
{
    guarded(u"W5.pool"_s, u"qasyncsqlite"_s, [&] {
        const PoolResult r = w5PoolRun(c);
        const QString peer = u"qasyncsqlite"_s;
        report(u"W5.pool.single"_s, peer, u"reads/s"_s, r.singleReads,
               u"readers = 0: one connection reads and writes"_s);
        report(u"W5.pool.singleWriter"_s, peer, u"rows/s"_s, r.singleWriter,
               u"readers = 0: the writer's rows meanwhile"_s);
        report(u"W5.pool.mixed"_s, peer, u"reads/s"_s, r.mixedReads, u"readers = 2, writer committing"_s);
        report(u"W5.pool.writer"_s, peer, u"rows/s"_s, r.writerRows, u"readers = 2, reads running"_s);
        report(u"W5.pool.solo"_s, peer, u"rows/s"_s, r.soloRows, u"the same writer, no reads"_s);
        report(u"W5.pool.busy"_s, peer, u"errors"_s, {double(r.busy)},
               u"SQLITE_BUSY/LOCKED surfaced (%1 errors in all)"_s.arg(r.errors));
        report(u"W5.pool.wal"_s, peer, u"MB"_s, {r.walMaxMb}, u"largest -wal file seen"_s);
    });
}
