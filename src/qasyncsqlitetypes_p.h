// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITETYPES_P_H
#define QASYNCSQLITETYPES_P_H

#include <QAsyncSqlite/qasyncsqlitetypes.h>

// Lookups into the process-wide adapter and converter registries.
namespace QAsyncSqlite::Detail {
// The registered adapter for \a type, or an empty function.
Adapter adapterFor(QMetaType type);
// The converter for \a typeName (case-insensitive), or an empty function.
Converter converterFor(const QString &typeName);
// Text forms of the built-in date/time adapters (Python's isoformat(" ")).
QString dateTimeToSql(const QVariant &value);
} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITETYPES_P_H
