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

// A QVariant as SQLite stores it, after adapters: the one conversion behind
// bound parameters and user function results.
struct SqlValue
{
    enum Kind {
        Null,
        Integer,
        Real,
        Text,
        Blob,
        TooLarge,
        Unsupported
    };
    Kind kind = Null;
    qint64 integer = 0;
    double real = 0;
    QByteArray bytes; // Text (UTF-8) and Blob; never a null pointer

    const char *data() const { return bytes.constData() ? bytes.constData() : ""; }
};
// Which values are NULL: a null QVariant of any type always. Bound
// parameters also take Qt's null values as Qt's SQLite driver does (a null
// QString or QByteArray, an invalid date or time); a function's result
// keeps them as values ('' and an empty blob), as a Python str or bytes.
enum class NullValues {
    QtSql,
    VariantOnly
};
SqlValue toSqlValue(const QVariant &value, NullValues nulls);
} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITETYPES_P_H
