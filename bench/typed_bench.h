// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TYPED_BENCH_H
#define QASYNCSQLITE_TYPED_BENCH_H

#include <QtCore/qstring.h>

#include <vector>

// W4c (bench/README.md): the full scan of t read into typed rows, by
// QAsyncSqliteConnection::execute<Row>() and by a raw sqlite3_step loop
// filling the same structs; rows/s per run, in alternating order.
struct TypedScanRates
{
    std::vector<double> typed;
    std::vector<double> raw;
};
TypedScanRates typedScan(const QString &db, qint64 rows, int runs);

#endif // QASYNCSQLITE_TYPED_BENCH_H
