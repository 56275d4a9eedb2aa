// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "pythonerrorclass.h"

QString pythonErrorClass(const QAsyncSqliteError &e)
{
    // Most derived first.
    if (dynamic_cast<const QAsyncSqliteDataError *>(&e))
        return QStringLiteral("DataError");
    if (dynamic_cast<const QAsyncSqliteOperationalError *>(&e))
        return QStringLiteral("OperationalError");
    if (dynamic_cast<const QAsyncSqliteIntegrityError *>(&e))
        return QStringLiteral("IntegrityError");
    if (dynamic_cast<const QAsyncSqliteInternalError *>(&e))
        return QStringLiteral("InternalError");
    if (dynamic_cast<const QAsyncSqliteProgrammingError *>(&e))
        return QStringLiteral("ProgrammingError");
    if (dynamic_cast<const QAsyncSqliteNotSupportedError *>(&e))
        return QStringLiteral("NotSupportedError");
    if (dynamic_cast<const QAsyncSqliteDatabaseError *>(&e))
        return QStringLiteral("DatabaseError");
    if (dynamic_cast<const QAsyncSqliteInterfaceError *>(&e))
        return QStringLiteral("InterfaceError");
    if (dynamic_cast<const QAsyncSqliteWarning *>(&e))
        return QStringLiteral("Warning");
    return QStringLiteral("Error");
}
