// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TESTS_LONGQUERY_H
#define QASYNCSQLITE_TESTS_LONGQUERY_H

#include <QtCore/qfuture.h>
#include <QtCore/qstring.h>

class QAsyncSqliteConnection;
class QSemaphore;

// A query that runs for minutes unless interrupted or canceled. Its first
// row calls the user function started() (installStarted()), which tells the
// test that the statement is really stepping.
inline const QString longQuery =
        QStringLiteral("WITH RECURSIVE c(x) AS (SELECT started() UNION ALL SELECT x + 1 FROM c WHERE x < 4000000000) "
                       "SELECT count(*) FROM c");

// Registers started() on \a db: it releases \a semaphore every time it runs.
QFuture<void> installStarted(QAsyncSqliteConnection &db, QSemaphore *semaphore);

// Waits (without an event loop) until started() ran once; false after 20 s.
bool waitStarted(QSemaphore &semaphore);

#endif // QASYNCSQLITE_TESTS_LONGQUERY_H
