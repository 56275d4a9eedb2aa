// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITETYPES_H
#define QASYNCSQLITETYPES_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qmetatype.h>

namespace QAsyncSqlite {

/*! Registers \a adapter for values of metatype \a type: when such a value is
    bound, \a adapter turns it into a value SQLite stores (integer, real,
    text, blob or null). Process-wide and thread-safe; replaces an earlier
    adapter of the same type, and takes precedence over the built-in QDate,
    QTime and QDateTime adapters. An empty \a adapter removes it. */
QASYNCSQLITE_EXPORT void registerAdapter(QMetaType type, const Adapter &adapter);

/*! Typed convenience: registerAdapter<QPoint>([](const QPoint &p) { … }). */
template<typename T, typename Fn>
void registerAdapter(Fn &&fn)
{
    registerAdapter(QMetaType::fromType<T>(), [fn = std::forward<Fn>(fn)](const QVariant &v) {
        return QVariant(fn(v.value<T>()));
    });
}

/*! Registers \a converter for columns of type \a typeName (case-insensitive),
    applied when QAsyncSqliteOptions::detectTypes asks for it: with
    DeclaredTypes the first word of the declared type selects it, with
    ColumnNames an alias such as \c "d [date]". It receives the raw bytes of
    non-NULL values. Built in: \c date (QDate), \c time (QTime) and
    \c timestamp / \c datetime (QDateTime). An empty \a converter removes it. */
QASYNCSQLITE_EXPORT void registerConverter(const QString &typeName, const Converter &converter);

} // namespace QAsyncSqlite

#endif // QASYNCSQLITETYPES_H
