// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_LOGGING_P_H
#define QASYNCSQLITE_LOGGING_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include <QtCore/qloggingcategory.h>

// "qasyncsqlite": warnings about the library's own decisions (defined in engine/worker.cpp).
Q_DECLARE_LOGGING_CATEGORY(lcQAsyncSqlite)
// "qasyncsqlite.sql": every statement the worker runs, with its duration (debug, off by default).
Q_DECLARE_LOGGING_CATEGORY(lcQAsyncSqliteSql)

#endif // QASYNCSQLITE_LOGGING_P_H
