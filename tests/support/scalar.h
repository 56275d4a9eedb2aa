// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TESTS_SCALAR_H
#define QASYNCSQLITE_TESTS_SCALAR_H

#include <QAsyncSqlite/QAsyncSqliteTest>

// Declares qint64 \a var = the single integer \a sql returns on \a conn
// (fails the test unless it returns exactly one row).
#define SCALAR(var, conn, sql)                                                                                         \
    QASYNCSQLITE_AWAIT_RESULT(var##_rows, (conn).execute(sql));                                                        \
    QCOMPARE(var##_rows.size(), 1);                                                                                    \
    const qint64 var = var##_rows.first().toList().value(0).toLongLong()

#endif // QASYNCSQLITE_TESTS_SCALAR_H
