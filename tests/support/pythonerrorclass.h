// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TESTS_PYTHONERRORCLASS_H
#define QASYNCSQLITE_TESTS_PYTHONERRORCLASS_H

#include <QAsyncSqlite/QAsyncSqliteError>

// The Python name of the most derived class of \a e: QAsyncSqliteIntegrityError
// is Python's IntegrityError, and so on. For tests that compare with Python.
QString pythonErrorClass(const QAsyncSqliteError &e);

#endif // QASYNCSQLITE_TESTS_PYTHONERRORCLASS_H
