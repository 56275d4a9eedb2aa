// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_TYPEDROWS_P_H
#define QASYNCSQLITE_TYPEDROWS_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

// Typed rows on the worker (doc/typed-rows.md): reading a statement's
// columns into the members of a TypedRow and binding its parameters from
// one, without a QVariant per value.

#include "../engine/statements_p.h"

#include <QAsyncSqlite/qasyncsqlitetyped.h>

#include <sqlite3.h>

#include <vector>

class QAsyncSqliteWorker;

namespace QAsyncSqlite::Detail {

// Where one column goes: chosen once per statement, then one call per value.
struct ColumnTarget
{
    using Store = void (*)(const ColumnTarget &target, sqlite3_stmt *stmt, void *row);
    Store store = nullptr;
    int column = 0;
    FieldType type = FieldType::Unsupported;
    bool optional = false;
    std::size_t offset = 0; // aggregates and tuples: the member in the row
    const QMetaObject *owner = nullptr; // gadgets: the class that declares the property
    int relativeIndex = -1;
    int member = 0; // its position (aggregates, tuples) or property index (gadgets)
    TextFactory textFactory = TextFactory::String; // for a QVariant member, as execute() reads
    const RowLayout *layout = nullptr;
    const QString *sql = nullptr;
};

// Reads the rows of one statement into a QList of a layout's type.
class TypedReader
{
public:
    TypedReader(const RowLayout &layout, const QString &sql, TextFactory textFactory)
        : m_layout(&layout), m_sql(sql), m_textFactory(textFactory)
    {
    }
    const RowLayout *layout() const { return m_layout; }
    // Maps the columns of \a stmt to members (once per statement); throws
    // QAsyncSqliteProgrammingError when they do not fit.
    void prepare(sqlite3_stmt *stmt);
    bool isPrepared() const { return m_prepared; }
    // Appends the row \a stmt stands on to \a rows.
    void read(sqlite3_stmt *stmt, void *rows) const
    {
        void *row = m_layout->append(rows);
        for (const ColumnTarget &target : m_targets)
            target.store(target, stmt, row);
    }

private:
    const RowLayout *m_layout;
    QString m_sql;
    TextFactory m_textFactory;
    std::vector<ColumnTarget> m_targets;
    bool m_prepared = false;
};

// Binds the parameters of a statement from objects of a layout's type.
class TypedBinder
{
public:
    TypedBinder(QAsyncSqliteWorker &worker, const RowLayout &layout, const QString &sql)
        : m_worker(worker), m_layout(layout), m_sql(sql)
    {
    }
    // Binds every parameter of \a stmt from \a object; the mapping is made at the first call.
    void bind(sqlite3_stmt *stmt, const void *object);

private:
    void prepare(sqlite3_stmt *stmt);

    QAsyncSqliteWorker &m_worker;
    const RowLayout &m_layout;
    const QString &m_sql;
    struct Param
    {
        const void *ops; // the member type's operations (typedrows.cpp)
        std::size_t offset; // aggregates and tuples: the member in the object
        const QMetaObject *owner; // gadgets: the class that declares the property
        int relativeIndex;
    };
    std::vector<Param> m_params; // by parameter index - 1
    bool m_prepared = false;
};

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_TYPEDROWS_P_H
