// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// libFuzzer target: the input bytes are a small program over the request API
// of one or two connections sharing a database file — SQL built from a
// dictionary and from raw bytes, parameters of every type, and interleavings
// of cancel, close, destroy, interrupt, cursors and transactions.
//
// The oracle, besides ASan/UBSan/LSan: "nothing lost". Once both connections
// are destroyed, every future the program obtained must end (result, error
// or cancel) within a few seconds, and every error must be a
// QAsyncSqliteError. A violation aborts, which libFuzzer reports as a crash
// with the input saved.
//
// Build: scripts/test-sanitizers (Clang, -DQASYNCSQLITE_FUZZ=ON). Run by hand:
//   build-fuzz/tests/fuzz/fuzz_requests -max_total_time=300 tests/fuzz/corpus
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qdir.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qloggingcategory.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>

#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QCoreApplication *app = nullptr;
QTemporaryDir *dir = nullptr;

class Input
{
public:
    Input(const uint8_t *data, size_t size) : m_data(data), m_size(size) { }
    bool atEnd() const { return m_pos >= m_size; }
    uint8_t byte() { return atEnd() ? 0 : m_data[m_pos++]; }
    quint64 u64()
    {
        quint64 v = 0;
        for (int i = 0; i < 8; ++i)
            v = (v << 8) | byte();
        return v;
    }
    QByteArray bytes(int max)
    {
        const int n = qMin<int>(byte() % (max + 1), int(m_size - qMin(m_pos, m_size)));
        QByteArray out(reinterpret_cast<const char *>(m_data + m_pos), n);
        m_pos += size_t(n);
        return out;
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_pos = 0;
};

const char *const fragments[] = {
        "SELECT",
        "INSERT INTO t VALUES(?, ?)",
        "INSERT INTO t(a) VALUES(:a)",
        "UPDATE t SET b = ?",
        "DELETE FROM t",
        "FROM",
        "t",
        "u",
        "WHERE",
        "a",
        "b",
        "=",
        "?",
        ":a",
        "@b",
        "$c",
        "?3",
        ",",
        "(",
        ")",
        "*",
        "1",
        "-1",
        "9223372036854775807",
        "0x7fffffffffffffff",
        "1e308",
        "'x'",
        "X'00ff'",
        "NULL",
        "||",
        "+",
        "/",
        "%",
        "count(*)",
        "sum(a)",
        "group_concat(b)",
        "length(b)",
        "zeroblob(100)",
        "randomblob(8)",
        "typeof(a)",
        "ORDER BY",
        "GROUP BY",
        "LIMIT",
        "OFFSET",
        "UNION ALL",
        "JOIN",
        "ON",
        "AS",
        "CREATE TABLE IF NOT EXISTS",
        "CREATE INDEX IF NOT EXISTS i ON t(b)",
        "DROP TABLE IF EXISTS u",
        "BEGIN",
        "BEGIN IMMEDIATE",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT s",
        "RELEASE s",
        "ROLLBACK TO s",
        "PRAGMA journal_mode=WAL",
        "PRAGMA user_version",
        "PRAGMA integrity_check",
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "VACUUM",
        "ANALYZE",
        "REINDEX",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c",
        ("CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN UPDATE t SET b = b || 'x' WHERE rowid = new.rowid; "
         "END"),
        "RETURNING *",
        "STRICT",
        "--",
        "/*",
        "*/",
        ";",
        "; SELECT 2",
        "\"",
        "'",
        "CAST(? AS TEXT)",
        "json('[1]')",
        "printf('%s', ?)",
        "substr(b, 2)",
        "abs(?)",
        "upper(?)",
        "INSERT INTO t SELECT a + 1, b FROM t LIMIT 50",
};
constexpr int fragmentCount = int(sizeof(fragments) / sizeof(fragments[0]));

QString makeSql(Input &in)
{
    const uint8_t mode = in.byte();
    if (mode % 5 == 0) // raw bytes, valid UTF-8 or not
        return QString::fromUtf8(in.bytes(120));
    QByteArray sql;
    const int words = 1 + in.byte() % 12;
    for (int i = 0; i < words; ++i) {
        sql += fragments[in.byte() % fragmentCount];
        sql += ' ';
    }
    return QString::fromUtf8(sql);
}

QVariant makeValue(Input &in)
{
    switch (in.byte() % 16) {
    case 0:
        return QVariant();
    case 1:
        return QVariant::fromValue(nullptr);
    case 2:
        return QVariant(qint64(in.u64()));
    case 3:
        return QVariant(int(in.byte()) - 128);
    case 4: {
        const quint64 bits = in.u64();
        double d;
        memcpy(&d, &bits, sizeof d);
        return QVariant(d);
    }
    case 5:
        return QVariant(QString::fromUtf8(in.bytes(40)));
    case 6:
        return QVariant(in.bytes(40));
    case 7:
        return QVariant(bool(in.byte() & 1));
    case 8:
        return QVariant(quint64(in.u64())); // above INT64_MAX: a DataError
    case 9:
        return QVariant(QDate(1900 + in.byte(), 1 + in.byte() % 12, 1 + in.byte() % 28));
    case 10:
        return QVariant(QDateTime(QDate(2000, 1, 1), QTime(in.byte() % 24, in.byte() % 60)));
    case 11:
        return QVariant(QStringList{u"unbindable"_s});
    case 12:
        return QVariant(float(int(in.byte()) / 7.0));
    case 13:
        return QVariant(QString(QChar(0xD800 + in.byte()))); // lone surrogate
    case 14:
        return QVariant(QVariantList{1, 2});
    default:
        return QVariant(std::numeric_limits<double>::quiet_NaN());
    }
}

QVariantList makeParams(Input &in)
{
    QVariantList params;
    const int n = in.byte() % 5;
    for (int i = 0; i < n; ++i)
        params.append(makeValue(in));
    return params;
}

[[noreturn]] void fail(const char *what)
{
    fprintf(stderr, "fuzz_requests: invariant violated: %s\n", what);
    abort();
}

// Every error must be a QAsyncSqliteError; nothing else may escape. A
// destroyed connection's worker may still be finishing (a close() future
// ends on it right after the destructor returns; a busy worker is left to
// finish on its own after shutdownTimeout()): give it time, not forever.
void checkFinished(const QFuture<void> &future)
{
    const QDeadlineTimer deadline(10s);
    while (!future.isFinished() && !deadline.hasExpired())
        QThread::msleep(1);
    if (!future.isFinished())
        fail("a future is still pending 10 s after its connection was destroyed");
    try {
        QFuture<void>(future).waitForFinished();
    } catch (const QAsyncSqliteError &) {
    } catch (...) {
        fail("a future failed with something other than a QAsyncSqliteError");
    }
}

struct Slot
{
    std::unique_ptr<QAsyncSqliteConnection> db;
    QList<QPointer<QAsyncSqliteCursor>> cursors;
};

void openSlot(Slot &slot, const QString &path, Input &in, QList<QFuture<void>> &futures)
{
    slot.db = std::make_unique<QAsyncSqliteConnection>();
    slot.db->setShutdownTimeout(std::chrono::milliseconds(in.byte() % 2 ? 0 : 200));
    const auto level = QAsyncSqlite::IsolationLevel(in.byte() % 4);
    futures << slot.db->open(path, {.busyTimeout = 20ms, .isolationLevel = level, .iterChunkSize = 1 + in.byte() % 8});
    // Bounds: no runaway statement, no huge value, no ATTACHed files.
    futures << QFuture<void>(slot.db->setLimit(SQLITE_LIMIT_LENGTH, 1 << 20));
    futures << QFuture<void>(slot.db->setLimit(SQLITE_LIMIT_ATTACHED, 0));
    auto started = std::make_shared<QElapsedTimer>();
    started->start();
    futures << slot.db->setProgressHandler(
            [started] {
                return started->elapsed() > 3000 ? 1 : 0;
            },
            1000);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static int qtArgc = 1;
    static char *qtArgv[] = {(*argv)[0], nullptr};
    Q_UNUSED(argc);
    app = new QCoreApplication(qtArgc, qtArgv);
    dir = new QTemporaryDir;
    // The destructor warns for every request it drops: thousands here.
    QLoggingCategory::setFilterRules(u"qasyncsqlite.warning=false"_s);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input in(data, size);
    const QString path = dir->filePath(u"fuzz.sqlite"_s);
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QLatin1String(suffix));
    QList<QFuture<void>> futures;
    Slot slots[2];
    openSlot(slots[0], path, in, futures);
    futures << QFuture<void>(slots[0].db->execute(u"CREATE TABLE IF NOT EXISTS t(a, b)"_s));

    for (int step = 0; step < 48 && !in.atEnd(); ++step) {
        const uint8_t op = in.byte() % 18;
        Slot &slot = slots[in.byte() & 1];
        if (!slot.db) {
            openSlot(slot, path, in, futures);
            continue;
        }
        QAsyncSqliteConnection &db = *slot.db;
        switch (op) {
        case 0:
        case 1:
            futures << QFuture<void>(db.execute(makeSql(in), makeParams(in)));
            break;
        case 2: {
            QVariantMap named;
            for (const char *key : {"a", "b", "c"})
                named.insert(QLatin1String(key), makeValue(in));
            futures << QFuture<void>(db.execute(makeSql(in), named));
            break;
        }
        case 3:
            futures << QFuture<void>(db.executeInsert(makeSql(in), makeParams(in)));
            break;
        case 4: {
            QList<QVariantList> sets;
            const int n = in.byte() % 6;
            for (int i = 0; i < n; ++i)
                sets << makeParams(in);
            futures << QFuture<void>(db.executeMany(makeSql(in), sets));
            break;
        }
        case 5:
            futures << db.executeScript(makeSql(in) + u";"_s + makeSql(in));
            break;
        case 6:
            if (!futures.isEmpty())
                futures[in.byte() % futures.size()].cancel();
            break;
        case 7:
            futures << db.close();
            break;
        case 8:
            slot.db.reset(); // destroy with whatever is queued
            break;
        case 9:
            db.interrupt();
            break;
        case 10:
            futures << (in.byte() & 1 ? db.commit() : db.rollback());
            break;
        case 11: {
            const QString a = makeSql(in), b = makeSql(in);
            const QVariantList p = makeParams(in);
            const bool doThrow = in.byte() & 1;
            const auto mode = QAsyncSqlite::TransactionMode(in.byte() % 3);
            futures << db.transaction(
                    [a, b, p, doThrow](QAsyncSqliteTransaction &tx) {
                        tx.execute(a, p);
                        if (doThrow)
                            throw QAsyncSqliteOperationalError(SQLITE_ABORT, u"fuzz"_s);
                        tx.execute(b);
                    },
                    mode);
            break;
        }
        case 12: {
            QAsyncSqliteCursor *cursor = db.cursor(makeSql(in), makeParams(in));
            slot.cursors << cursor;
            futures << QFuture<void>(cursor->fetchMany(in.byte() % 10));
            break;
        }
        case 13: {
            if (slot.cursors.isEmpty())
                break;
            QPointer<QAsyncSqliteCursor> cursor = slot.cursors[in.byte() % slot.cursors.size()];
            if (!cursor)
                break;
            switch (in.byte() % 5) {
            case 0:
                futures << QFuture<void>(cursor->fetchOne());
                break;
            case 1:
                futures << QFuture<void>(cursor->fetchAll());
                break;
            case 2:
                futures << cursor->stream();
                break;
            case 3:
                futures << cursor->close();
                break;
            default:
                delete cursor.data();
                break;
            }
            break;
        }
        case 14:
            QCoreApplication::processEvents();
            break;
        case 15:
            switch (in.byte() % 4) {
            case 0:
                db.setIsolationLevel(QAsyncSqlite::IsolationLevel(in.byte() % 4));
                break;
            case 1:
                db.setRowFactory(QAsyncSqlite::RowFactory(in.byte() % 3));
                break;
            case 2:
                db.setTextFactory(QAsyncSqlite::TextFactory(in.byte() % 2));
                break;
            default:
                db.setRowFactory([](const QAsyncSqliteRow &row) {
                    return QVariant(row.count());
                });
                break;
            }
            break;
        case 16:
            futures << QFuture<void>(db.run([](sqlite3 *h) {
                return sqlite3_changes(h);
            }));
            break;
        default:
            futures << QFuture<void>(db.iterDump());
            break;
        }
    }

    slots[0].db.reset();
    slots[1].db.reset();
    for (const auto &f : std::as_const(futures))
        checkFinished(f);
    // Posted signals to the destroyed connections are dropped, not delivered.
    QCoreApplication::processEvents();
    return 0;
}
