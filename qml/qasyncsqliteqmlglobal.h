// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLGLOBAL_H
#define QASYNCSQLITEQMLGLOBAL_H

#include <QtCore/qloggingcategory.h>

// The QML module's warnings (category "qasyncsqlite.qml", see doc/qml.md).
Q_DECLARE_LOGGING_CATEGORY(lcQml)

#endif // QASYNCSQLITEQMLGLOBAL_H
