// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// The C++ side of the side-by-side benchmark (bench/run): QAsyncSqlite, the
// raw sqlite3 C API on one thread (the limit) and QtSql's QSQLITE used
// synchronously, on the same database file with the same pragmas.
//
//   qasyncsqlite_bench prepare --db FILE --rows N
//   qasyncsqlite_bench run --db FILE --workload W1..W8 (W2.then, W2.last: one variant alone) [--runs R] [sizes…]
//   qasyncsqlite_bench smoke                      (ctest bench_smoke)
//
// `run` prints one JSON object per line: {"key", "peer", "unit", "values",
// "note"} (or "error"); bench/report.py turns them into the table. Every
// workload runs in its own process so that one workload's heap (W4 keeps a
// million rows) does not hide another's memory growth (W7).

#include <QAsyncSqlite/QAsyncSqlite>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdir.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfile.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtSql/qsqldatabase.h>
#include <QtSql/qsqlerror.h>
#include <QtSql/qsqlquery.h>

#include "typed_bench.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

// ---------------------------------------------------------------------------
// Configuration and output

struct Config
{
    QString db;
    qint64 rows = 1'000'000; // rows of t
    int w1 = 50'000; // sequential point SELECTs
    int w2 = 100'000; // pipelined point SELECTs
    int w3 = 1'000'000; // bulk-inserted rows
    double w5Seconds = 10; // per W5 phase
    qint64 w7Rows = 10'000'000; // streamed by W7
    int w8 = 20'000; // small write transactions
    int runs = 5;
    int w6Repeat = 6; // W6a: the aggregate scans t this many times
    bool smoke = false;
};

Config g_config;
bool g_failed = false;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double microsSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

void output(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void report(const QString &key, const QString &peer, const QString &unit, const std::vector<double> &values,
            const QString &note = {})
{
    QJsonArray array;
    for (double v : values)
        array.append(v);
    QJsonObject object{{u"key"_s, key}, {u"peer"_s, peer}, {u"unit"_s, unit}, {u"values"_s, array}};
    if (!note.isEmpty())
        object.insert(u"note"_s, note);
    output(object);
}

void reportError(const QString &key, const QString &peer, const QString &error)
{
    g_failed = true;
    output(QJsonObject{{u"key"_s, key}, {u"peer"_s, peer}, {u"error"_s, error}});
    std::fprintf(stderr, "error: %s/%s: %s\n", qPrintable(key), qPrintable(peer), qPrintable(error));
}

// One figure of one peer: a value per run, printed as one JSON line by
// print(). The workloads keep their clock reads where they were: addRate()
// and addSecondsSince() end a measured region (the clock is their first
// read), add() comes after one; none is ever called inside one.
class Series
{
public:
    Series(const QString &key, const QString &peer, const QString &unit) : m_key(key), m_peer(peer), m_unit(unit) { }

    void add(double value) { m_values.push_back(value); }
    // \a count items per second since \a start.
    void addRate(double count, Clock::time_point start) { add(count / secondsSince(start)); }
    void addSecondsSince(Clock::time_point start) { add(secondsSince(start)); }
    void print(const QString &note = {}) const { report(m_key, m_peer, m_unit, m_values, note); }

private:
    QString m_key;
    QString m_peer;
    QString m_unit;
    std::vector<double> m_values;
};

// Uses a value a measured loop computed from the rows (after the loop), so
// that the compiler cannot drop the reads.
void keep(qint64 sink)
{
    if (sink == 42)
        std::fputs("", stderr);
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size())));
    return values[index];
}

// The k-th point-query id: the same sequence in every peer (see peers/*).
qint64 pointId(qint64 k, qint64 rows)
{
    return (k * 7919) % rows + 1;
}

const QString PointSql = u"SELECT a, b, c FROM t WHERE id = ?"_s;
const QString ScanSql = u"SELECT id, a, b, c FROM t"_s;
const char *const Pragmas[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"};

QAsyncSqliteOptions asyncOptions(QAsyncSqlite::IsolationLevel level = QAsyncSqlite::IsolationLevel::Deferred)
{
    QAsyncSqliteOptions options;
    options.isolationLevel = level;
    options.pragmas = {u"journal_mode=WAL"_s, u"synchronous=NORMAL"_s};
    return options;
}

// A consumer that touches every value of a row, so that no peer gets away
// with converting lazily.
struct Touch
{
    qint64 ints = 0;
    double reals = 0;
    qint64 chars = 0;
    qint64 rows = 0;
    void row(const QVariantList &row)
    {
        ++rows;
        for (const QVariant &v : row) {
            switch (v.metaType().id()) {
            case QMetaType::LongLong:
                ints += v.toLongLong();
                break;
            case QMetaType::Double:
                reals += v.toDouble();
                break;
            case QMetaType::QString:
                chars += v.toString().size();
                break;
            default:
                break;
            }
        }
    }
    void rows_(const QVariantList &rows)
    {
        for (const QVariant &r : rows)
            row(r.toList());
    }
};

// ---------------------------------------------------------------------------
// Waiting on the event loop

// Calls fn(future) on context's thread once the future finished. A
// QFutureWatcher rather than then(context, …): Qt 6.4.2 can run a then()
// continuation twice when it is attached while the worker finishes the
// future (setContinuation runs it and stores it, runContinuation runs it
// again), which crashes; watchers have no such race.
template<typename T, typename Fn>
void whenFinished(const QFuture<T> &future, QObject *context, Fn &&fn)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, fn = std::forward<Fn>(fn)]() mutable {
        watcher->deleteLater();
        fn(watcher->future());
    });
    watcher->setFuture(future);
}

template<typename T>
T awaitFuture(QFuture<T> future)
{
    if (!future.isFinished()) {
        QEventLoop loop;
        QObject context;
        bool done = false;
        whenFinished(future, &context, [&](QFuture<T>) {
            done = true;
            loop.quit();
        });
        if (!done)
            loop.exec();
    }
    future.waitForFinished(); // rethrows the request's error
    if constexpr (!std::is_void_v<T>) {
        if (future.resultCount() == 0)
            throw std::runtime_error("the request was canceled");
        return future.result();
    } else if (future.isCanceled()) {
        throw std::runtime_error("the request was canceled");
    }
}

// Runs the event loop until done() (checked after every event batch).
// A 20 ms timer wakes the loop so that state set by other threads is seen.
void spinUntil(const std::function<bool()> &done)
{
    QTimer poll;
    poll.start(20);
    while (!done())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

// ---------------------------------------------------------------------------
// Raw sqlite3

class Raw
{
public:
    explicit Raw(const QString &path)
    {
        if (sqlite3_open_v2(path.toUtf8().constData(), &m_db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr)
            != SQLITE_OK)
            throw std::runtime_error("cannot open " + path.toStdString());
        sqlite3_busy_timeout(m_db, 5000);
        for (const char *pragma : Pragmas)
            exec(pragma);
    }
    ~Raw()
    {
        for (auto *stmt : m_stmts)
            sqlite3_finalize(stmt);
        sqlite3_close(m_db);
    }
    Raw(const Raw &) = delete;
    Raw &operator=(const Raw &) = delete;

    void exec(const char *sql)
    {
        char *error = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = std::string(sql) + ": " + (error ? error : "?");
            sqlite3_free(error);
            throw std::runtime_error(message);
        }
    }
    sqlite3_stmt *prepare(const char *sql)
    {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(m_db));
        m_stmts.push_back(stmt);
        return stmt;
    }
    void check(int rc, const char *what)
    {
        if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
            throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(m_db));
    }
    sqlite3 *db() const { return m_db; }

private:
    sqlite3 *m_db = nullptr;
    std::vector<sqlite3_stmt *> m_stmts;
};

// The c column of row i (also used for inserted rows).
QString textFor(qint64 i)
{
    return u"text-%1-%2"_s.arg(i * 7919 % 100000).arg(i % 97);
}

void insertRowRaw(sqlite3_stmt *stmt, qint64 i, const QByteArray &text)
{
    sqlite3_bind_int64(stmt, 1, (i * 2654435761LL) % 1000000);
    sqlite3_bind_double(stmt, 2, double(i) * 0.25);
    sqlite3_bind_text(stmt, 3, text.constData(), int(text.size()), SQLITE_STATIC);
}

QVariantList rowParams(qint64 i)
{
    return {QVariant(qint64((i * 2654435761LL) % 1000000)), QVariant(double(i) * 0.25), QVariant(textFor(i))};
}

void prepareDatabase(const Config &config)
{
    QFile::remove(config.db);
    QFile::remove(config.db + u"-wal"_s);
    QFile::remove(config.db + u"-shm"_s);
    Raw raw(config.db);
    raw.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT)");
    raw.exec("BEGIN");
    sqlite3_stmt *insert = raw.prepare("INSERT INTO t(id, a, b, c) VALUES(?4, ?1, ?2, ?3)");
    for (qint64 i = 1; i <= config.rows; ++i) {
        const QByteArray text = textFor(i).toUtf8();
        insertRowRaw(insert, i, text);
        sqlite3_bind_int64(insert, 4, i);
        raw.check(sqlite3_step(insert), "insert");
        sqlite3_reset(insert);
    }
    raw.exec("COMMIT");
    raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

// ---------------------------------------------------------------------------
// QtSql

class QtSql
{
public:
    explicit QtSql(const QString &path)
    {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name());
            db.setDatabaseName(path);
            if (!db.open())
                throw std::runtime_error("QSQLITE: " + db.lastError().text().toStdString());
            QSqlQuery q(db);
            for (const char *pragma : Pragmas)
                exec(q, QString::fromLatin1(pragma));
        }
    }
    ~QtSql()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(name(), false);
            db.close();
        }
        QSqlDatabase::removeDatabase(name());
    }
    QtSql(const QtSql &) = delete;
    QtSql &operator=(const QtSql &) = delete;
    static QString name() { return u"bench"_s; }
    static QSqlDatabase db() { return QSqlDatabase::database(name(), false); }
    static void exec(QSqlQuery &q, const QString &sql)
    {
        if (!q.exec(sql))
            throw std::runtime_error("QSQLITE: " + q.lastError().text().toStdString());
    }
    static void exec(QSqlQuery &q)
    {
        if (!q.exec())
            throw std::runtime_error("QSQLITE: " + q.lastError().text().toStdString());
    }
};

// A workload section that reports an error instead of aborting the others.
void guarded(const QString &key, const QString &peer, const std::function<void()> &fn)
{
    try {
        fn();
    } catch (const QAsyncSqliteError &error) {
        reportError(key, peer, error.errorName() + u": "_s + error.message());
    } catch (const std::exception &error) {
        reportError(key, peer, QString::fromUtf8(error.what()));
    }
}

void recreate(QAsyncSqliteConnection &db, const QString &table)
{
    awaitFuture(db.executeScript(u"DROP TABLE IF EXISTS %1; CREATE TABLE %1(id INTEGER PRIMARY KEY, a INTEGER, "
                                 "b REAL, c TEXT);"_s.arg(table)));
}

void recreateRaw(Raw &raw, const char *table)
{
    raw.exec((std::string("DROP TABLE IF EXISTS ") + table).c_str());
    raw.exec((std::string("CREATE TABLE ") + table + "(id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT)").c_str());
}

// ---------------------------------------------------------------------------
// W1: sequential awaited point SELECTs, and the Qt cross-thread hop floor

void w1(const Config &c)
{
    const QString peer = u"qasyncsqlite"_s;
    guarded(u"W1"_s, peer, [&] {
        QAsyncSqliteConnection db;
        awaitFuture(db.open(c.db, asyncOptions()));
        Series p50(u"W1.p50"_s, peer, u"µs"_s), p99(u"W1.p99"_s, peer, u"µs"_s);
        Series hop50(u"W1.hop.p50"_s, peer, u"µs"_s), hop99(u"W1.hop.p99"_s, peer, u"µs"_s);
        Series over(u"W1.over"_s, peer, u"µs"_s);
        for (int run = 0; run < c.runs; ++run) {
            std::vector<double> latencies;
            latencies.reserve(size_t(c.w1));
            QObject context;
            Touch touch;
            int k = 0;
            bool done = false;
            const int total = c.w1 + std::min(c.w1 / 10, 1000); // the first ones warm up
            Clock::time_point t0;
            std::function<void()> next = [&] {
                t0 = Clock::now();
                whenFinished(db.execute(PointSql, {pointId(k, c.rows)}), &context, [&](QFuture<QVariantList> f) {
                    const double us = microsSince(t0);
                    touch.rows_(f.result());
                    if (k >= total - c.w1)
                        latencies.push_back(us);
                    if (++k < total)
                        next();
                    else
                        done = true;
                });
            };
            next();
            spinUntil([&] {
                return done;
            });
            const double latencyP50 = percentile(latencies, 50);
            p50.add(latencyP50);
            p99.add(percentile(latencies, 99));

            // The hop floor: a functor to a QThread's event loop and back.
            QThread thread;
            QObject remote;
            remote.moveToThread(&thread);
            thread.start();
            latencies.clear();
            k = 0;
            done = false;
            std::function<void()> hop = [&] {
                t0 = Clock::now();
                QMetaObject::invokeMethod(
                        &remote,
                        [&] {
                            QMetaObject::invokeMethod(
                                    &context,
                                    [&] {
                                        const double us = microsSince(t0);
                                        if (k >= total - c.w1)
                                            latencies.push_back(us);
                                        if (++k < total)
                                            hop();
                                        else
                                            done = true;
                                    },
                                    Qt::QueuedConnection);
                        },
                        Qt::QueuedConnection);
            };
            hop();
            spinUntil([&] {
                return done;
            });
            thread.quit();
            thread.wait();
            const double hopP50 = percentile(latencies, 50);
            hop50.add(hopP50);
            hop99.add(percentile(latencies, 99));
            over.add(latencyP50 - hopP50);
        }
        p50.print();
        p99.print();
        hop50.print(u"QThread event loop and back, invokeMethod"_s);
        hop99.print();
        over.print(u"per run: W1 p50 minus the hop floor p50 measured right after it"_s);
    });

    guarded(u"W1"_s, u"raw"_s, [&] {
        Raw raw(c.db);
        sqlite3_stmt *stmt = raw.prepare("SELECT a, b, c FROM t WHERE id = ?");
        Series p50(u"W1.p50"_s, u"raw"_s, u"µs"_s), p99(u"W1.p99"_s, u"raw"_s, u"µs"_s);
        for (int run = 0; run < c.runs; ++run) {
            std::vector<double> latencies;
            latencies.reserve(size_t(c.w1));
            qint64 sink = 0;
            for (int k = 0; k < c.w1; ++k) {
                const auto t0 = Clock::now();
                sqlite3_bind_int64(stmt, 1, pointId(k, c.rows));
                while (sqlite3_step(stmt) == SQLITE_ROW)
                    sink += sqlite3_column_int64(stmt, 0) + sqlite3_column_bytes(stmt, 2);
                sqlite3_reset(stmt);
                latencies.push_back(microsSince(t0));
            }
            p50.add(percentile(latencies, 50));
            p99.add(percentile(latencies, 99));
            keep(sink);
        }
        p50.print(u"synchronous, no hop"_s);
        p99.print();
    });

    guarded(u"W1"_s, u"qtsql"_s, [&] {
        QtSql qtsql(c.db);
        Series p50(u"W1.p50"_s, u"qtsql"_s, u"µs"_s), p99(u"W1.p99"_s, u"qtsql"_s, u"µs"_s);
        {
            QSqlQuery q(QtSql::db());
            q.prepare(PointSql);
            for (int run = 0; run < c.runs; ++run) {
                std::vector<double> latencies;
                latencies.reserve(size_t(c.w1));
                Touch touch;
                for (int k = 0; k < c.w1; ++k) {
                    const auto t0 = Clock::now();
                    q.addBindValue(pointId(k, c.rows));
                    QtSql::exec(q);
                    while (q.next())
                        touch.row({q.value(0), q.value(1), q.value(2)});
                    latencies.push_back(microsSince(t0));
                }
                p50.add(percentile(latencies, 50));
                p99.add(percentile(latencies, 99));
            }
        }
        p50.print(u"synchronous, blocks the caller"_s);
        p99.print();
    });
}

// ---------------------------------------------------------------------------
// W2: pipelined point SELECTs

// How the main thread learns of each result (bench/README.md, W2).
enum class W2Variant {
    Last, // await only the last future (FIFO), then read every result
    Then, // then(&context, …) on every future: what users write
    Watcher, // a QFutureWatcher per future: the race-free alternative on Qt 6.4
};

struct W2VariantInfo
{
    W2Variant variant;
    const char *key;
    const char *note;
};

const W2VariantInfo W2Variants[] = {
        {W2Variant::Last, "W2", "all submitted, await the last (FIFO), then read all"},
        {W2Variant::Then, "W2.then", "all submitted, then(&context, …) on every future"},
        {W2Variant::Watcher, "W2.watcher", "all submitted, a QFutureWatcher per future"},
};

// One W2 run of \a variant on \a db: queries per second.
double w2Async(QAsyncSqliteConnection &db, const Config &c, W2Variant variant)
{
    Touch touch;
    const auto t0 = Clock::now();
    if (variant == W2Variant::Last) {
        std::vector<QFuture<QVariantList>> futures;
        futures.reserve(size_t(c.w2));
        for (int k = 0; k < c.w2; ++k)
            futures.push_back(db.execute(PointSql, {pointId(k, c.rows)}));
        // FIFO: when the last one's continuation runs, every earlier future
        // has finished; then consume every result (timed too).
        awaitFuture(futures.back());
        for (auto &f : futures)
            touch.rows_(f.result());
    } else {
        // Each result is consumed on the main thread as it arrives.
        // then(context) attaches right after submitting, the pattern Qt
        // 6.4.2 races on (bench/README.md).
        QEventLoop loop;
        QObject context;
        int done = 0;
        const auto onRows = [&](const QVariantList &rows) {
            touch.rows_(rows);
            if (++done == c.w2)
                loop.quit();
        };
        for (int k = 0; k < c.w2; ++k) {
            QFuture<QVariantList> future = db.execute(PointSql, {pointId(k, c.rows)});
            if (variant == W2Variant::Then) {
                future.then(&context, onRows);
            } else {
                whenFinished(future, &context, [&onRows](const QFuture<QVariantList> &f) {
                    onRows(f.result());
                });
            }
        }
        if (done < c.w2) // a future already finished runs its then() at once
            loop.exec();
    }
    const double s = secondsSince(t0);
    if (touch.rows != c.w2)
        throw std::runtime_error("W2: wrong row count");
    return c.w2 / s;
}

// QAsyncSqlite's W2 variants, alternating run by run (only \a only if set:
// `--workload W2.then` profiles one variant alone, e.g. under callgrind).
void w2Library(const Config &c, std::optional<W2Variant> only = {})
{
    guarded(u"W2"_s, u"qasyncsqlite"_s, [&] {
        QAsyncSqliteConnection db;
        awaitFuture(db.open(c.db, asyncOptions()));
        awaitFuture(db.execute(PointSql, {1}));
        std::vector<std::pair<const W2VariantInfo *, Series>> series;
        for (const W2VariantInfo &info : W2Variants) {
            if (!only || *only == info.variant)
                series.emplace_back(&info, Series(QLatin1String(info.key), u"qasyncsqlite"_s, u"q/s"_s));
        }
        for (int run = 0; run < c.runs; ++run) {
            for (auto &[info, qps] : series)
                qps.add(w2Async(db, c, info->variant));
        }
        for (const auto &[info, qps] : series)
            qps.print(QString::fromUtf8(info->note));
    });
}

void w2Then(const Config &c)
{
    w2Library(c, W2Variant::Then);
}

void w2Last(const Config &c)
{
    w2Library(c, W2Variant::Last);
}

void w2(const Config &c)
{
    w2Library(c);
    guarded(u"W2"_s, u"raw"_s, [&] {
        Raw raw(c.db);
        sqlite3_stmt *stmt = raw.prepare("SELECT a, b, c FROM t WHERE id = ?");
        Series qps(u"W2"_s, u"raw"_s, u"q/s"_s);
        for (int run = 0; run < c.runs; ++run) {
            qint64 sink = 0;
            const auto t0 = Clock::now();
            for (int k = 0; k < c.w2; ++k) {
                sqlite3_bind_int64(stmt, 1, pointId(k, c.rows));
                while (sqlite3_step(stmt) == SQLITE_ROW)
                    sink += sqlite3_column_int64(stmt, 0) + qint64(sqlite3_column_double(stmt, 1))
                            + sqlite3_column_bytes(stmt, 2);
                sqlite3_reset(stmt);
            }
            qps.addRate(c.w2, t0);
            keep(sink);
        }
        qps.print(u"synchronous autocommit, one thread"_s);
    });
    guarded(u"W2"_s, u"qtsql"_s, [&] {
        QtSql qtsql(c.db);
        Series qps(u"W2"_s, u"qtsql"_s, u"q/s"_s);
        {
            QSqlQuery q(QtSql::db());
            q.prepare(PointSql);
            for (int run = 0; run < c.runs; ++run) {
                Touch touch;
                const auto t0 = Clock::now();
                for (int k = 0; k < c.w2; ++k) {
                    q.addBindValue(pointId(k, c.rows));
                    QtSql::exec(q);
                    while (q.next())
                        touch.row({q.value(0), q.value(1), q.value(2)});
                }
                qps.addRate(c.w2, t0);
            }
        }
        qps.print(u"synchronous"_s);
    });
}

// ---------------------------------------------------------------------------
// W3: bulk insert in one transaction

void w3(const Config &c)
{
    guarded(u"W3"_s, u"qasyncsqlite"_s, [&] {
        QAsyncSqliteConnection db;
        awaitFuture(db.open(c.db, asyncOptions()));
        Series many(u"W3a"_s, u"qasyncsqlite"_s, u"rows/s"_s), single(u"W3b"_s, u"qasyncsqlite"_s, u"rows/s"_s);
        qint64 signalsW3b = 0;
        bool countSignals = false;
        QObject::connect(&db, &QAsyncSqliteConnection::totalChangesChanged, &db, [&] {
            signalsW3b += countSignals;
        });
        QList<QVariantList> paramSets;
        paramSets.reserve(c.w3);
        for (qint64 i = 0; i < c.w3; ++i)
            paramSets.append(rowParams(i));
        const QString insert = u"INSERT INTO w3(a, b, c) VALUES(?, ?, ?)"_s;
        for (int run = 0; run < c.runs; ++run) {
            recreate(db, u"w3"_s);
            // (a) executeMany (its implicit BEGIN) + commit(); parameters built beforehand.
            auto t0 = Clock::now();
            db.executeMany(insert, paramSets);
            awaitFuture(db.commit());
            many.addRate(c.w3, t0);

            recreate(db, u"w3"_s);
            // (b) BEGIN, one un-awaited execute() per row, COMMIT: await only the commit.
            t0 = Clock::now();
            countSignals = true;
            db.execute(u"BEGIN"_s);
            for (qint64 i = 0; i < c.w3; ++i)
                db.execute(insert, rowParams(i));
            awaitFuture(db.commit());
            single.addRate(c.w3, t0);
            countSignals = false;
            const qint64 count =
                    awaitFuture(db.execute(u"SELECT count(*) FROM w3"_s)).at(0).toList().at(0).toLongLong();
            if (count != c.w3)
                throw std::runtime_error("W3: wrong row count");
        }
        many.print(u"executeMany + commit(); params prebuilt"_s);
        single.print(
                u"un-awaited execute() per row, params built per call; %1 totalChangesChanged signals posted per row"_s
                        .arg(double(signalsW3b) / (double(c.w3) * c.runs), 0, 'f', 2));
        recreate(db, u"w3"_s);
    });
    guarded(u"W3"_s, u"raw"_s, [&] {
        Raw raw(c.db);
        Series rate(u"W3a"_s, u"raw"_s, u"rows/s"_s), sameLoop(u"W3b"_s, u"raw"_s, u"rows/s"_s);
        for (int run = 0; run < c.runs; ++run) {
            recreateRaw(raw, "w3");
            sqlite3_stmt *stmt = raw.prepare("INSERT INTO w3(a, b, c) VALUES(?, ?, ?)");
            const auto t0 = Clock::now();
            raw.exec("BEGIN");
            for (qint64 i = 0; i < c.w3; ++i) {
                const QByteArray text = textFor(i).toUtf8();
                insertRowRaw(stmt, i, text);
                raw.check(sqlite3_step(stmt), "insert");
                sqlite3_reset(stmt);
            }
            raw.exec("COMMIT");
            const double rowsPerSecond = c.w3 / secondsSince(t0);
            rate.add(rowsPerSecond);
            sameLoop.add(rowsPerSecond);
        }
        rate.print(u"prepared insert loop in BEGIN/COMMIT"_s);
        sameLoop.print(u"same loop as W3a"_s);
        recreateRaw(raw, "w3");
    });
    guarded(u"W3"_s, u"qtsql"_s, [&] {
        QtSql qtsql(c.db);
        Series batch(u"W3a"_s, u"qtsql"_s, u"rows/s"_s), single(u"W3b"_s, u"qtsql"_s, u"rows/s"_s);
        {
            QSqlDatabase db = QtSql::db();
            QSqlQuery q(db);
            const QString reset = u"DROP TABLE IF EXISTS w3"_s;
            const QString create = u"CREATE TABLE w3(id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT)"_s;
            QVariantList as, bs, cs;
            for (qint64 i = 0; i < c.w3; ++i) {
                const QVariantList p = rowParams(i);
                as.append(p[0]);
                bs.append(p[1]);
                cs.append(p[2]);
            }
            for (int run = 0; run < c.runs; ++run) {
                QtSql::exec(q, reset);
                QtSql::exec(q, create);
                auto t0 = Clock::now();
                db.transaction();
                q.prepare(u"INSERT INTO w3(a, b, c) VALUES(?, ?, ?)"_s);
                q.addBindValue(as);
                q.addBindValue(bs);
                q.addBindValue(cs);
                if (!q.execBatch())
                    throw std::runtime_error("QSQLITE execBatch: " + q.lastError().text().toStdString());
                db.commit();
                batch.addRate(c.w3, t0);

                QtSql::exec(q, reset);
                QtSql::exec(q, create);
                t0 = Clock::now();
                db.transaction();
                q.prepare(u"INSERT INTO w3(a, b, c) VALUES(?, ?, ?)"_s);
                for (qint64 i = 0; i < c.w3; ++i) {
                    const QVariantList p = rowParams(i);
                    q.addBindValue(p[0]);
                    q.addBindValue(p[1]);
                    q.addBindValue(p[2]);
                    QtSql::exec(q);
                }
                db.commit();
                single.addRate(c.w3, t0);
            }
            QtSql::exec(q, reset);
        }
        batch.print(u"execBatch(); columns prebuilt"_s);
        single.print(u"exec() per row"_s);
    });
}

// ---------------------------------------------------------------------------
// W4: full scan delivered as rows

// Streams ScanSql through a cursor; returns rows/s. \a perChunk runs on every chunk.
double streamScan(QAsyncSqliteConnection &db, qint64 expected,
                  const std::function<void(const QVariantList &)> &perChunk)
{
    QAsyncSqliteCursor *cursor = db.cursor(ScanSql);
    Touch touch;
    bool finished = false;
    QObject::connect(cursor, &QAsyncSqliteCursor::rowsReady, cursor, [&](const QVariantList &rows) {
        touch.rows_(rows);
        if (perChunk)
            perChunk(rows);
    });
    QObject::connect(cursor, &QAsyncSqliteCursor::finished, cursor, [&] {
        finished = true;
    });
    const auto t0 = Clock::now();
    QFuture<void> stream = cursor->stream();
    spinUntil([&] {
        return finished || (stream.isFinished() && stream.isCanceled());
    });
    const double s = secondsSince(t0);
    awaitFuture(stream);
    delete cursor;
    if (touch.rows != expected)
        throw std::runtime_error("stream: wrong row count " + std::to_string(touch.rows));
    return double(expected) / s;
}

void w4(const Config &c)
{
    guarded(u"W4"_s, u"qasyncsqlite"_s, [&] {
        Series all(u"W4a"_s, u"qasyncsqlite"_s, u"rows/s"_s), streamed(u"W4b"_s, u"qasyncsqlite"_s, u"rows/s"_s);
        Series streamed1k(u"W4b.1k"_s, u"qasyncsqlite"_s, u"rows/s"_s);
        {
            QAsyncSqliteConnection db;
            awaitFuture(db.open(c.db, asyncOptions()));
            awaitFuture(db.execute(u"SELECT count(*) FROM t"_s));
            for (int run = 0; run < c.runs; ++run) {
                Touch touch;
                const auto t0 = Clock::now();
                touch.rows_(awaitFuture(db.execute(ScanSql)));
                all.addRate(double(touch.rows), t0);
                if (touch.rows != c.rows)
                    throw std::runtime_error("W4a: wrong row count");
                streamed.add(streamScan(db, c.rows, {}));
            }
        }
        QAsyncSqliteConnection db;
        QAsyncSqliteOptions options = asyncOptions();
        options.iterChunkSize = 1024;
        awaitFuture(db.open(c.db, options));
        for (int run = 0; run < c.runs; ++run)
            streamed1k.add(streamScan(db, c.rows, {}));
        all.print(u"execute() returning all rows"_s);
        streamed.print(u"cursor stream(), iterChunkSize 64"_s);
        streamed1k.print(u"cursor stream(), iterChunkSize 1024"_s);
    });
    guarded(u"W4"_s, u"raw"_s, [&] {
        Raw raw(c.db);
        sqlite3_stmt *stmt = raw.prepare("SELECT id, a, b, c FROM t");
        Series native(u"W4a"_s, u"raw"_s, u"rows/s"_s), variant(u"W4b"_s, u"raw"_s, u"rows/s"_s);
        for (int run = 0; run < c.runs; ++run) {
            qint64 ints = 0, chars = 0, rows = 0;
            double reals = 0;
            auto t0 = Clock::now();
            while (sqlite3_step(stmt) == SQLITE_ROW) {
                ints += sqlite3_column_int64(stmt, 0) + sqlite3_column_int64(stmt, 1);
                reals += sqlite3_column_double(stmt, 2);
                const unsigned char *text = sqlite3_column_text(stmt, 3);
                chars += sqlite3_column_bytes(stmt, 3) + (text ? text[0] : 0);
                ++rows;
            }
            sqlite3_reset(stmt);
            native.addRate(double(rows), t0);

            // Each row as a QVariantList of QVariants (what any QVariant API
            // must build), 64 rows to a chunk, each chunk touched.
            Touch touch;
            QVariantList chunk;
            t0 = Clock::now();
            while (sqlite3_step(stmt) == SQLITE_ROW) {
                QVariantList row;
                row.reserve(4);
                row.append(QVariant(qint64(sqlite3_column_int64(stmt, 0))));
                row.append(QVariant(qint64(sqlite3_column_int64(stmt, 1))));
                row.append(QVariant(sqlite3_column_double(stmt, 2)));
                row.append(QVariant(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 3)),
                                                      sqlite3_column_bytes(stmt, 3))));
                chunk.append(QVariant(std::move(row)));
                if (chunk.size() == 64) {
                    touch.rows_(chunk);
                    chunk.clear();
                }
            }
            touch.rows_(chunk);
            sqlite3_reset(stmt);
            variant.addRate(double(touch.rows), t0);
            keep(ints + chars + qint64(reals));
        }
        native.print(u"sqlite3_step loop, native values"_s);
        variant.print(u"raw-with-QVariant: step → QVariantList rows, 64-row chunks"_s);
    });
    guarded(u"W4"_s, u"qtsql"_s, [&] {
        QtSql qtsql(c.db);
        Series rate(u"W4b"_s, u"qtsql"_s, u"rows/s"_s);
        {
            QSqlQuery q(QtSql::db());
            q.setForwardOnly(true);
            for (int run = 0; run < c.runs; ++run) {
                Touch touch;
                const auto t0 = Clock::now();
                QtSql::exec(q, ScanSql);
                while (q.next())
                    touch.row({q.value(0), q.value(1), q.value(2), q.value(3)});
                rate.addRate(double(touch.rows), t0);
            }
        }
        rate.print(u"forward-only QSqlQuery::next(), synchronous"_s);
    });
    guarded(u"W4c"_s, u"qasyncsqlite"_s, [&] {
        const TypedScanRates rates = typedScan(c.db, c.rows, c.runs);
        report(u"W4c"_s, u"qasyncsqlite"_s, u"rows/s"_s, rates.typed, u"execute<Row>() typed rows"_s);
        report(u"W4c"_s, u"raw"_s, u"rows/s"_s, rates.raw, u"sqlite3_step loop filling the same structs"_s);
    });
}

// ---------------------------------------------------------------------------
// W5: one writer and two readers in WAL

struct W5Result
{
    std::vector<double> oneReader, twoReaders, mixedReads, writerRows;
    qint64 busy = 0;
    qint64 errors = 0;
};

// One phase, once its readers and writer run: c.runs intervals of
// c.w5Seconds / c.runs each, waited by wait(seconds) while other threads
// count \a reads and \a written; the rates of each interval.
template<typename Wait>
void sampleRates(const Config &c, const std::atomic<qint64> &reads, const std::atomic<qint64> &written,
                 std::vector<double> *readRates, std::vector<double> *writeRates, Wait wait)
{
    const double interval = c.w5Seconds / c.runs;
    for (int run = 0; run < c.runs; ++run) {
        const qint64 r0 = reads, w0 = written;
        const auto t0 = Clock::now();
        wait(interval);
        const double s = secondsSince(t0);
        readRates->push_back(double(reads - r0) / s);
        if (writeRates)
            writeRates->push_back(double(written - w0) / s);
    }
}

// QAsyncSqlite: each reader keeps two batches of point SELECTs in flight
// (awaiting a batch's last future, FIFO); the writer chains executeMany(100
// rows) + commit(). The main thread only submits.
W5Result w5Async(const Config &c)
{
    constexpr int Batch = 256;
    W5Result result;
    QObject context;
    std::vector<std::unique_ptr<QAsyncSqliteConnection>> readers;
    for (int i = 0; i < 2; ++i) {
        readers.push_back(std::make_unique<QAsyncSqliteConnection>());
        awaitFuture(readers.back()->open(c.db, asyncOptions()));
    }
    QAsyncSqliteConnection writer;
    awaitFuture(writer.open(c.db, asyncOptions()));
    recreate(writer, u"w5"_s);
    for (QAsyncSqliteConnection *conn : {readers[0].get(), readers[1].get(), &writer}) {
        QObject::connect(conn, &QAsyncSqliteConnection::errorOccurred, &context, [&](const QAsyncSqliteError &e) {
            ++result.errors;
            if (e.code() == SQLITE_BUSY || e.code() == SQLITE_LOCKED)
                ++result.busy;
        });
    }
    std::atomic<qint64> reads{0}, written{0};
    bool stop = false;
    int inFlight = 0;
    qint64 k = 0;
    std::function<void(QAsyncSqliteConnection *)> readBatch = [&](QAsyncSqliteConnection *db) {
        ++inFlight;
        QFuture<QVariantList> last;
        for (int i = 0; i < Batch; ++i)
            last = db->execute(PointSql, {pointId(k++, c.rows)});
        whenFinished(last, &context, [&, db](QFuture<QVariantList>) {
            --inFlight;
            reads += Batch;
            if (!stop)
                readBatch(db);
        });
    };
    QList<QVariantList> rows;
    for (int i = 0; i < 100; ++i)
        rows.append(rowParams(i));
    std::function<void()> writeBatch = [&] {
        ++inFlight;
        writer.executeMany(u"INSERT INTO w5(a, b, c) VALUES(?, ?, ?)"_s, rows);
        whenFinished(writer.commit(), &context, [&](QFuture<void>) {
            --inFlight;
            written += 100;
            if (!stop)
                writeBatch();
        });
    };
    // One phase: start, then sample every interval; rates per interval.
    const auto phase = [&](int readerCount, bool withWriter, std::vector<double> *readRates,
                           std::vector<double> *writeRates) {
        stop = false;
        for (int r = 0; r < readerCount; ++r) {
            readBatch(readers[size_t(r)].get());
            readBatch(readers[size_t(r)].get());
        }
        if (withWriter)
            writeBatch();
        sampleRates(c, reads, written, readRates, writeRates, [](double seconds) {
            QEventLoop loop;
            QTimer::singleShot(std::chrono::milliseconds(qint64(seconds * 1000)), &loop, &QEventLoop::quit);
            loop.exec();
        });
        stop = true;
        spinUntil([&] {
            return inFlight == 0;
        });
    };
    phase(1, false, &result.oneReader, nullptr);
    phase(2, false, &result.twoReaders, nullptr);
    phase(2, true, &result.mixedReads, &result.writerRows);
    recreate(writer, u"w5"_s);
    return result;
}

// Raw: one thread per connection, each looping synchronously.
W5Result w5Raw(const Config &c)
{
    W5Result result;
    {
        Raw setup(c.db);
        recreateRaw(setup, "w5");
    }
    std::atomic<qint64> reads{0}, written{0}, busy{0};
    const auto phase = [&](int readerCount, bool withWriter, std::vector<double> *readRates,
                           std::vector<double> *writeRates) {
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int r = 0; r < readerCount; ++r) {
            threads.emplace_back([&, r] {
                Raw raw(c.db);
                sqlite3_stmt *stmt = raw.prepare("SELECT a, b, c FROM t WHERE id = ?");
                qint64 k = r * 1000003;
                qint64 sink = 0;
                while (!stop.load(std::memory_order_relaxed)) {
                    sqlite3_bind_int64(stmt, 1, pointId(k++, c.rows));
                    int rc;
                    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
                        sink += sqlite3_column_int64(stmt, 0) + sqlite3_column_bytes(stmt, 2);
                    if (rc == SQLITE_BUSY)
                        ++busy;
                    sqlite3_reset(stmt);
                    reads.fetch_add(1, std::memory_order_relaxed);
                }
                keep(sink);
            });
        }
        if (withWriter) {
            threads.emplace_back([&] {
                Raw raw(c.db);
                sqlite3_stmt *stmt = raw.prepare("INSERT INTO w5(a, b, c) VALUES(?, ?, ?)");
                const QByteArray text = textFor(1).toUtf8();
                while (!stop.load(std::memory_order_relaxed)) {
                    if (sqlite3_exec(raw.db(), "BEGIN", nullptr, nullptr, nullptr) == SQLITE_BUSY)
                        ++busy;
                    for (int i = 0; i < 100; ++i) {
                        insertRowRaw(stmt, i, text);
                        if (sqlite3_step(stmt) == SQLITE_BUSY)
                            ++busy;
                        sqlite3_reset(stmt);
                    }
                    if (sqlite3_exec(raw.db(), "COMMIT", nullptr, nullptr, nullptr) == SQLITE_BUSY)
                        ++busy;
                    written += 100;
                }
            });
        }
        sampleRates(c, reads, written, readRates, writeRates, [](double seconds) {
            std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        });
        stop = true;
        for (auto &t : threads)
            t.join();
    };
    phase(1, false, &result.oneReader, nullptr);
    phase(2, false, &result.twoReaders, nullptr);
    phase(2, true, &result.mixedReads, &result.writerRows);
    result.busy = busy;
    Raw cleanup(c.db);
    recreateRaw(cleanup, "w5");
    return result;
}

#include "pool_bench.cpp" // W5 with readers: w5Pool()

void w5(const Config &c)
{
    const auto emitResult = [](const QString &peer, const W5Result &r, const QString &note) {
        report(u"W5.one"_s, peer, u"reads/s"_s, r.oneReader, note);
        report(u"W5.two"_s, peer, u"reads/s"_s, r.twoReaders);
        report(u"W5.mixed"_s, peer, u"reads/s"_s, r.mixedReads);
        report(u"W5.writer"_s, peer, u"rows/s"_s, r.writerRows, u"100-row transactions, back to back"_s);
        report(u"W5.busy"_s, peer, u"errors"_s, {double(r.busy)},
               u"SQLITE_BUSY/LOCKED surfaced (%1 errors in all)"_s.arg(r.errors));
    };
    guarded(u"W5"_s, u"qasyncsqlite"_s, [&] {
        emitResult(u"qasyncsqlite"_s, w5Async(c), u"2 batches of 256 in flight per reader"_s);
    });
    guarded(u"W5"_s, u"raw"_s, [&] {
        emitResult(u"raw"_s, w5Raw(c), u"one thread per connection"_s);
    });
    w5Pool(c);
}

// ---------------------------------------------------------------------------
// W6: GUI stall under a 1 ms timer

struct GapRecorder
{
    QTimer timer;
    std::vector<double> gaps;
    Clock::time_point last;
    GapRecorder()
    {
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(1);
        QObject::connect(&timer, &QTimer::timeout, &timer, [this] {
            const auto now = Clock::now();
            gaps.push_back(std::chrono::duration<double, std::milli>(now - last).count());
            last = now;
        });
    }
    void start()
    {
        gaps.clear();
        last = Clock::now();
        timer.start();
    }
    void stop()
    {
        timer.stop();
        gaps.push_back(std::chrono::duration<double, std::milli>(Clock::now() - last).count());
    }
    double longest() const { return gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end()); }
    double p99() const { return percentile(gaps, 99); }
};

void settle(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

QString aggregateSql(const Config &c)
{
    return u"SELECT count(*), sum(x.a * y.k), avg(x.b), max(length(x.c)) FROM t AS x, "
           "(WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r WHERE k < %1) SELECT k FROM r) AS y"_s.arg(
                   c.w6Repeat);
}

void w6(const Config &c)
{
    guarded(u"W6"_s, u"qasyncsqlite"_s, [&] {
        QAsyncSqliteConnection db;
        awaitFuture(db.open(c.db, asyncOptions()));
        awaitFuture(db.execute(u"SELECT count(*) FROM t"_s));
        const QString peer = u"qasyncsqlite"_s;
        Series idleLongest(u"W6.idle"_s, peer, u"ms"_s), idleP99(u"W6.idle.p99"_s, peer, u"ms"_s);
        Series aLongest(u"W6a.longest"_s, peer, u"ms"_s), aP99(u"W6a.p99"_s, peer, u"ms"_s);
        Series aDuration(u"W6a.duration"_s, peer, u"s"_s);
        Series bLongest(u"W6b.longest"_s, peer, u"ms"_s), bP99(u"W6b.p99"_s, peer, u"ms"_s);
        GapRecorder gaps;
        for (int run = 0; run < c.runs; ++run) {
            // The machine's own noise: the same timer with nothing running.
            gaps.start();
            settle(500);
            gaps.stop();
            idleLongest.add(gaps.longest());
            idleP99.add(gaps.p99());

            gaps.start();
            settle(20);
            const auto t0 = Clock::now();
            awaitFuture(db.execute(aggregateSql(c)));
            aDuration.addSecondsSince(t0);
            settle(20);
            gaps.stop();
            aLongest.add(gaps.longest());
            aP99.add(gaps.p99());

            gaps.start();
            settle(20);
            streamScan(db, c.rows, {});
            settle(20);
            gaps.stop();
            bLongest.add(gaps.longest());
            bP99.add(gaps.p99());
        }
        idleLongest.print(u"same timer for 500 ms with nothing running"_s);
        idleP99.print();
        aLongest.print(u"1 ms PreciseTimer on the main thread"_s);
        aP99.print();
        aDuration.print();
        bLongest.print(u"stream(), chunk 64, consumer touches rows"_s);
        bP99.print();
    });
    guarded(u"W6"_s, u"raw"_s, [&] {
        Raw raw(c.db);
        const QByteArray sql = aggregateSql(c).toUtf8();
        sqlite3_stmt *stmt = raw.prepare(sql.constData());
        Series duration(u"W6a.duration"_s, u"raw"_s, u"s"_s);
        for (int run = 0; run < c.runs; ++run) {
            const auto t0 = Clock::now();
            while (sqlite3_step(stmt) == SQLITE_ROW) { }
            sqlite3_reset(stmt);
            duration.addSecondsSince(t0);
        }
        duration.print(u"the same aggregate, synchronously"_s);
    });
    guarded(u"W6"_s, u"qtsql"_s, [&] {
        QtSql qtsql(c.db);
        const QString peer = u"qtsql"_s;
        Series aLongest(u"W6a.longest"_s, peer, u"ms"_s), aP99(u"W6a.p99"_s, peer, u"ms"_s);
        Series aDuration(u"W6a.duration"_s, peer, u"s"_s);
        Series bLongest(u"W6b.longest"_s, peer, u"ms"_s), bP99(u"W6b.p99"_s, peer, u"ms"_s);
        {
            GapRecorder gaps;
            QSqlQuery q(QtSql::db());
            q.setForwardOnly(true);
            for (int run = 0; run < c.runs; ++run) {
                gaps.start();
                settle(20);
                auto t0 = Clock::now();
                QtSql::exec(q, aggregateSql(c));
                while (q.next())
                    (void)q.value(0);
                aDuration.addSecondsSince(t0);
                settle(20);
                gaps.stop();
                aLongest.add(gaps.longest());
                aP99.add(gaps.p99());

                gaps.start();
                settle(20);
                Touch touch;
                QtSql::exec(q, ScanSql);
                while (q.next())
                    touch.row({q.value(0), q.value(1), q.value(2), q.value(3)});
                settle(20);
                gaps.stop();
                bLongest.add(gaps.longest());
                bP99.add(gaps.p99());
            }
        }
        aLongest.print(u"synchronous on the GUI thread"_s);
        aP99.print();
        aDuration.print();
        bLongest.print(u"forward-only scan on the GUI thread"_s);
        bP99.print();
    });
}

// ---------------------------------------------------------------------------
// W7: memory while streaming 10M rows to a slow consumer; cancel latency

qint64 procStatusKb(const char *field)
{
    QFile file(u"/proc/self/status"_s);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

void resetPeakRss()
{
    QFile file(u"/proc/self/clear_refs"_s);
    if (file.open(QIODevice::WriteOnly))
        file.write("5");
}

std::atomic<qint64> g_ticks{0};
std::atomic<qint64> g_lastTickNs{0};

void busyWait(double micros)
{
    const auto until = Clock::now() + std::chrono::duration<double, std::micro>(micros);
    while (Clock::now() < until) { }
}

void w7(const Config &c)
{
    guarded(u"W7"_s, u"qasyncsqlite"_s, [&] {
        QAsyncSqliteConnection db;
        awaitFuture(db.open(c.db, asyncOptions()));
        awaitFuture(db.createFunction(u"tick"_s, 1, [](const QVariantList &args) {
            g_ticks.fetch_add(1, std::memory_order_relaxed);
            g_lastTickNs.store(nowNs(), std::memory_order_relaxed);
            return args.value(0);
        }));
        const QString series =
                u"WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < %1) "_s.arg(c.w7Rows);
        // Memory: the consumer busy-waits per chunk, so it is slower than the
        // producer and read-ahead must park the worker.
        {
            const double spinPerChunk = c.smoke ? 5 : 60;
            QAsyncSqliteCursor *cursor = db.cursor(series + u"SELECT x, x * 0.5, 'value-' || x FROM r"_s);
            Touch touch;
            qint64 maxRss = 0;
            qint64 chunks = 0;
            bool finished = false;
            QObject::connect(cursor, &QAsyncSqliteCursor::rowsReady, cursor, [&](const QVariantList &rows) {
                touch.rows_(rows);
                busyWait(spinPerChunk);
                if (++chunks % 256 == 0)
                    maxRss = std::max(maxRss, procStatusKb("VmRSS"));
            });
            QObject::connect(cursor, &QAsyncSqliteCursor::finished, cursor, [&] {
                finished = true;
            });
            settle(50);
            const qint64 baseline = procStatusKb("VmRSS");
            resetPeakRss();
            const auto t0 = Clock::now();
            QFuture<void> stream = cursor->stream();
            spinUntil([&] {
                return finished || (stream.isFinished() && stream.isCanceled());
            });
            const double s = secondsSince(t0);
            awaitFuture(stream);
            const qint64 peak = procStatusKb("VmHWM");
            delete cursor;
            if (touch.rows != c.w7Rows)
                throw std::runtime_error("W7: wrong row count");
            report(u"W7.rss"_s, u"qasyncsqlite"_s, u"MB"_s, {double(peak - baseline) / 1024.0},
                   u"VmHWM - VmRSS before; sampled VmRSS max growth %1 MB; %2 rows in %3 s, consumer spins %4 µs/chunk"_s
                           .arg(double(maxRss - baseline) / 1024.0, 0, 'f', 1)
                           .arg(c.w7Rows)
                           .arg(s, 0, 'f', 1)
                           .arg(spinPerChunk));
        }
        // Cancel: a fast consumer (the worker is stepping), cancel after a
        // few chunks; tick() stamps every row the worker steps.
        Series latencyMs(u"W7.cancel"_s, u"qasyncsqlite"_s, u"ms"_s);
        Series rowsAfter(u"W7.cancelRows"_s, u"qasyncsqlite"_s, u"rows"_s);
        const int chunkSize = db.options().iterChunkSize;
        for (int run = 0; run < c.runs; ++run) {
            QAsyncSqliteCursor *cursor = db.cursor(series + u"SELECT tick(x), x * 0.5 FROM r"_s);
            QFuture<void> stream;
            qint64 chunks = 0, cancelNs = 0, ticksAtCancel = 0;
            QObject::connect(cursor, &QAsyncSqliteCursor::rowsReady, cursor, [&](const QVariantList &) {
                if (++chunks == 20) {
                    ticksAtCancel = g_ticks.load();
                    cancelNs = nowNs();
                    stream.cancel();
                }
            });
            stream = cursor->stream();
            spinUntil([&] {
                return stream.isFinished();
            });
            settle(100); // stepping has stopped long before: nothing may tick now
            const qint64 lastNs = g_lastTickNs.load();
            latencyMs.add(std::max<qint64>(0, lastNs - cancelNs) / 1e6);
            rowsAfter.add(double(g_ticks.load() - ticksAtCancel));
            delete cursor;
            if (cancelNs == 0)
                throw std::runtime_error("W7: the stream ended before the cancel");
        }
        latencyMs.print(u"QFuture::cancel() → last row stepped (a user function stamps each row)"_s);
        rowsAfter.print(u"rows stepped after cancel(); one chunk = %1 rows"_s.arg(chunkSize));
    });
}

// ---------------------------------------------------------------------------
// W8: small autocommit write transactions

void w8(const Config &c)
{
    const QString insert = u"INSERT INTO w8(a, b, c) VALUES(?, ?, ?)"_s;
    guarded(u"W8"_s, u"qasyncsqlite"_s, [&] {
        QAsyncSqliteConnection db;
        awaitFuture(db.open(c.db, asyncOptions(QAsyncSqlite::IsolationLevel::Autocommit)));
        Series sequential(u"W8.seq"_s, u"qasyncsqlite"_s, u"rows/s"_s);
        Series pipelined(u"W8.pipe"_s, u"qasyncsqlite"_s, u"rows/s"_s);
        QObject context;
        qint64 posted = 0;
        for (auto signal : {&QAsyncSqliteConnection::committed})
            QObject::connect(&db, signal, &context, [&] {
                ++posted;
            });
        QObject::connect(&db, &QAsyncSqliteConnection::totalChangesChanged, &context, [&] {
            ++posted;
        });
        QObject::connect(&db, &QAsyncSqliteConnection::tablesChanged, &context, [&] {
            ++posted;
        });
        for (int run = 0; run < c.runs; ++run) {
            recreate(db, u"w8"_s);
            int k = 0;
            bool done = false;
            auto t0 = Clock::now();
            std::function<void()> next = [&] {
                whenFinished(db.execute(insert, rowParams(k)), &context, [&](QFuture<QVariantList> f) {
                    f.waitForFinished();
                    if (++k < c.w8)
                        next();
                    else
                        done = true;
                });
            };
            next();
            spinUntil([&] {
                return done;
            });
            sequential.addRate(c.w8, t0);

            recreate(db, u"w8"_s);
            t0 = Clock::now();
            QFuture<QVariantList> last;
            for (int i = 0; i < c.w8; ++i)
                last = db.execute(insert, rowParams(i));
            awaitFuture(last);
            pipelined.addRate(c.w8, t0);
        }
        sequential.print(u"each awaited on the caller's loop"_s);
        pipelined.print(u"all submitted, await the last; %1 connection signals (committed, tablesChanged, "
                        "totalChangesChanged) per row"_s.arg(double(posted) / (2.0 * c.w8 * c.runs), 0, 'f', 2));
        recreate(db, u"w8"_s);
    });
    guarded(u"W8"_s, u"raw"_s, [&] {
        Raw raw(c.db);
        Series rate(u"W8.seq"_s, u"raw"_s, u"rows/s"_s), sameLoop(u"W8.pipe"_s, u"raw"_s, u"rows/s"_s);
        for (int run = 0; run < c.runs; ++run) {
            recreateRaw(raw, "w8");
            sqlite3_stmt *stmt = raw.prepare("INSERT INTO w8(a, b, c) VALUES(?, ?, ?)");
            const auto t0 = Clock::now();
            for (int i = 0; i < c.w8; ++i) {
                const QByteArray text = textFor(i).toUtf8();
                insertRowRaw(stmt, i, text);
                raw.check(sqlite3_step(stmt), "insert");
                sqlite3_reset(stmt);
            }
            const double rowsPerSecond = c.w8 / secondsSince(t0);
            rate.add(rowsPerSecond);
            sameLoop.add(rowsPerSecond);
        }
        rate.print(u"autocommit insert loop"_s);
        sameLoop.print(u"same loop"_s);
        recreateRaw(raw, "w8");
    });
    guarded(u"W8"_s, u"qtsql"_s, [&] {
        QtSql qtsql(c.db);
        Series rate(u"W8.seq"_s, u"qtsql"_s, u"rows/s"_s);
        {
            QSqlQuery q(QtSql::db());
            for (int run = 0; run < c.runs; ++run) {
                QtSql::exec(q, u"DROP TABLE IF EXISTS w8"_s);
                QtSql::exec(q, u"CREATE TABLE w8(id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT)"_s);
                q.prepare(insert);
                const auto t0 = Clock::now();
                for (int i = 0; i < c.w8; ++i) {
                    const QVariantList p = rowParams(i);
                    q.addBindValue(p[0]);
                    q.addBindValue(p[1]);
                    q.addBindValue(p[2]);
                    QtSql::exec(q);
                }
                rate.addRate(c.w8, t0);
            }
            QtSql::exec(q, u"DROP TABLE IF EXISTS w8"_s);
        }
        rate.print(u"synchronous exec() per row"_s);
    });
}

// ---------------------------------------------------------------------------

bool runWorkload(const QString &name, const Config &c)
{
    // W2.then and W2.last: one QAsyncSqlite variant alone, for profiling.
    static const std::pair<const char *, void (*)(const Config &)> workloads[] = {
            {"W1", w1}, {"W2", w2}, {"W3", w3}, {"W4", w4},          {"W5", w5},
            {"W6", w6}, {"W7", w7}, {"W8", w8}, {"W2.then", w2Then}, {"W2.last", w2Last}};
    for (const auto &[id, fn] : workloads) {
        if (name == QLatin1String(id)) {
            fn(c);
            return true;
        }
    }
    return false;
}

int usage()
{
    std::fputs("usage: qasyncsqlite_bench prepare|run|smoke|version [--db FILE] [--workload W1..W8|W2.then|W2.last] "
               "[--runs N]\n"
               "       [--rows N] [--w1 N] [--w2 N] [--w3 N] [--w5-seconds S] [--w6-repeat N]\n"
               "       [--w7-rows N] [--w8 N]\n",
               stderr);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2)
        return usage();
    const QString command = args.at(1);
    Config &c = g_config;
    QString workload;
    for (qsizetype i = 2; i + 1 < args.size(); i += 2) {
        const QString &key = args.at(i);
        const QString &value = args.at(i + 1);
        if (key == u"--db")
            c.db = value;
        else if (key == u"--workload")
            workload = value;
        else if (key == u"--runs")
            c.runs = qMax(1, value.toInt());
        else if (key == u"--rows")
            c.rows = value.toLongLong();
        else if (key == u"--w1")
            c.w1 = value.toInt();
        else if (key == u"--w2")
            c.w2 = value.toInt();
        else if (key == u"--w3")
            c.w3 = value.toInt();
        else if (key == u"--w5-seconds")
            c.w5Seconds = value.toDouble();
        else if (key == u"--w6-repeat")
            c.w6Repeat = value.toInt();
        else if (key == u"--w7-rows")
            c.w7Rows = value.toLongLong();
        else if (key == u"--w8")
            c.w8 = value.toInt();
        else
            return usage();
    }

    try {
        if (command == u"prepare") {
            if (c.db.isEmpty())
                return usage();
            prepareDatabase(c);
            return 0;
        }
        if (command == u"version") {
            const QString versions = u"QAsyncSqlite %1, Qt %2, SQLite %3"_s.arg(
                    QLatin1String(QASYNCSQLITE_BENCH_VERSION), QLatin1String(qVersion()),
                    QLatin1String(sqlite3_libversion()));
            for (const QString &peer : {u"qasyncsqlite"_s, u"raw"_s, u"qtsql"_s})
                output(QJsonObject{{u"key"_s, u"*"_s}, {u"peer"_s, peer}, {u"version"_s, versions}});
            return 0;
        }
        if (command == u"run") {
            if (c.db.isEmpty() || !runWorkload(workload, c))
                return usage();
            return g_failed ? 1 : 0;
        }
        if (command == u"smoke") {
            // Every workload once on tiny sizes: that the harness still runs.
            QTemporaryDir dir;
            c.db = dir.filePath(u"smoke.db"_s);
            c.rows = 3000;
            c.w1 = 200;
            c.w2 = 500;
            c.w3 = 2000;
            c.w5Seconds = 0.3;
            c.w6Repeat = 1;
            c.w7Rows = 20000;
            c.w8 = 200;
            c.runs = 1;
            c.smoke = true;
            prepareDatabase(c);
            for (const char *w : {"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"})
                runWorkload(QLatin1String(w), c);
            return g_failed ? 1 : 0;
        }
    } catch (const std::exception &error) {
        std::fprintf(stderr, "error: %s\n", error.what());
        return 1;
    }
    return usage();
}
