// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// W4c: typed rows against a raw step loop filling the same structs.
#include "typed_bench.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>

#include <QtCore/qlist.h>

#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace {

using Clock = std::chrono::steady_clock;

struct Row
{
    qint64 id;
    qint64 a;
    double b;
    QString c;
};

double rate(qint64 rows, Clock::time_point start)
{
    return double(rows) / std::chrono::duration<double>(Clock::now() - start).count();
}

// Touches every value, as W4's consumers do, so no side gets away with less.
qint64 touch(const QList<Row> &rows)
{
    qint64 sum = 0;
    for (const Row &row : rows)
        sum += row.id + row.a + qint64(row.b) + row.c.size();
    return sum;
}

template<typename T>
T await(QFuture<T> future)
{
    future.waitForFinished(); // the worker finishes it (rethrowing its error): no event loop needed
    if constexpr (!std::is_void_v<T>)
        return future.result();
}

// The same structs from a plain sqlite3_step loop on its own handle.
QList<Row> rawScan(sqlite3_stmt *stmt)
{
    QList<Row> rows;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        Row &row = rows.emplaceBack();
        row.id = sqlite3_column_int64(stmt, 0);
        row.a = sqlite3_column_int64(stmt, 1);
        row.b = sqlite3_column_double(stmt, 2);
        row.c = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 3)),
                                  sqlite3_column_bytes(stmt, 3));
    }
    sqlite3_reset(stmt);
    return rows;
}

} // namespace

TypedScanRates typedScan(const QString &path, qint64 expected, int runs)
{
    const QString sql = QStringLiteral("SELECT id, a, b, c FROM t");
    QAsyncSqliteConnection db;
    QAsyncSqliteOptions options;
    options.pragmas = {QStringLiteral("journal_mode=WAL"), QStringLiteral("synchronous=NORMAL")};
    await(db.open(path, options));
    sqlite3 *raw = nullptr;
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr)
                != SQLITE_OK
        || sqlite3_prepare_v3(raw, sql.toUtf8().constData(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr)
                != SQLITE_OK) {
        const std::string error = sqlite3_errmsg(raw);
        sqlite3_close(raw);
        throw std::runtime_error("W4c raw: " + error);
    }
    TypedScanRates rates;
    qint64 sink = 0;
    try {
        await(db.execute<Row>(sql)); // warm both sides' caches once
        sink += touch(rawScan(stmt));
        for (int run = 0; run < runs; ++run) {
            auto t0 = Clock::now();
            const QList<Row> typed = await(db.execute<Row>(sql));
            sink += touch(typed);
            rates.typed.push_back(rate(typed.size(), t0));
            t0 = Clock::now();
            const QList<Row> plain = rawScan(stmt);
            sink += touch(plain);
            rates.raw.push_back(rate(plain.size(), t0));
            if (typed.size() != expected || plain.size() != expected)
                throw std::runtime_error("W4c: wrong row count");
        }
    } catch (...) {
        sqlite3_finalize(stmt);
        sqlite3_close(raw);
        throw;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    if (sink == 42)
        std::fputs("", stderr);
    return rates;
}
