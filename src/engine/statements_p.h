// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_STATEMENTS_P_H
#define QASYNCSQLITE_STATEMENTS_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

// Statements: the cache of prepared statements, how a statement's columns
// become row values, and the one reading of an SQLite value as a QVariant
// (engine/statements.cpp; the worker's prepare/bind/step are there too).

#include <QAsyncSqlite/qasyncsqlitecursor.h>
#include <QAsyncSqlite/qasyncsqliteoptions.h>
#include <QAsyncSqlite/qasyncsqlitetypes.h>

#include <QtCore/qhash.h>
#include <QtCore/qstringlist.h>

#include <sqlite3.h>

#include <list>
#include <utility>

namespace QAsyncSqlite::Detail {

// \a text as a QString; null for a null pointer.
inline QString fromUtf8(const char *text)
{
    return text ? QString::fromUtf8(text) : QString();
}

// Python's legacy rule: an implicit BEGIN precedes INSERT, UPDATE, DELETE and
// REPLACE, judged by the statement's first keyword after white space and
// comments; rowcount counts changes for these only. \a sql is UTF-8, e.g.
// sqlite3_sql() of the prepared statement.
bool isDml(const char *sql);

// The one reading of an SQLite value as a QVariant, for result columns and
// user function arguments alike: NULL is a null QVariant, INTEGER a qint64,
// REAL a double, TEXT a QString (UTF-8 bytes with TextFactory::Bytes), BLOB
// a QByteArray.
QVariant columnValue(sqlite3_stmt *stmt, int column, TextFactory textFactory);
QVariant argumentValue(sqlite3_value *value);

// Parameter \a index holds an unsigned \a value above INT64_MAX, which no
// SQLite INTEGER holds: the QAsyncSqliteDataError every binding throws for it.
[[noreturn]] void throwIntegerTooLarge(int index, quint64 value, const QString &sql);

// The settings a request reads, copied to the worker in FIFO order.
struct Settings
{
    IsolationLevel isolationLevel = IsolationLevel::Deferred;
    RowFactory rowFactory = RowFactory::Tuple;
    RowFactoryFunction rowFactoryFunction;
    TextFactory textFactory = TextFactory::String;
};

// How the columns of one prepared statement become row values.
class ResultShape
{
public:
    // \a describe: also collect the description (names and declared types).
    void prepare(sqlite3_stmt *stmt, const Settings &settings, DetectTypes detectTypes, bool describe);
    QVariant readRow(sqlite3_stmt *stmt) const;
    QList<QAsyncSqliteColumn> description() const { return m_description; }
    // Python reads the connection's text factory at each fetch, not at execute.
    void setTextFactory(TextFactory factory) { m_settings.textFactory = factory; }
    // A cursor's own row factory, also read at each fetch (Python's
    // Cursor.row_factory).
    void setRowFactory(RowFactory factory, const RowFactoryFunction &function)
    {
        m_settings.rowFactory = factory;
        m_settings.rowFactoryFunction = function;
    }

private:
    QVariant readValue(sqlite3_stmt *stmt, int column) const;

    QStringList m_names;
    QList<QAsyncSqliteColumn> m_description;
    QList<Converter> m_converters;
    Settings m_settings;
    int m_columnCount = 0;
    bool m_hasConverters = false;
};

// What the one execute path does with a statement's parameters and rows:
// QVariant rows (QAsyncSqliteWorker::execute()) and typed rows
// (src/typed/typedrows.cpp) share its preparing, transactions, stepping and
// errors and differ only here.
class ParamBinder
{
public:
    virtual void bind(sqlite3_stmt *stmt) = 0;

protected:
    ~ParamBinder() = default;
};

class RowSink
{
public:
    // Each row as the statement stands on it.
    virtual void row(sqlite3_stmt *stmt) = 0;

protected:
    ~RowSink() = default;
};

// Statement cache: LRU of prepared statements keyed by SQL text. A statement
// in use is marked so, and nested use of the same SQL prepares a second one.
class StatementCache
{
public:
    struct Entry
    {
        QString sql;
        sqlite3_stmt *stmt;
        bool inUse;
    };

    explicit StatementCache(int capacity) : m_capacity(qMax(0, capacity)) { }
    ~StatementCache() { clear(); }
    Q_DISABLE_COPY_MOVE(StatementCache)

    // The cached statement for \a sql, marked in use and made most recent;
    // null if there is none or it is in use (nested use prepares another).
    Entry *take(const QString &sql)
    {
        const auto it = m_index.constFind(sql);
        if (it == m_index.cend() || (*it)->inUse)
            return nullptr;
        m_lru.splice(m_lru.begin(), m_lru, *it); // no allocation on the hot path
        Entry *entry = &*m_lru.begin();
        entry->inUse = true;
        return entry;
    }

    // Keeps a freshly prepared \a stmt for later, or finalizes it.
    void adopt(const QString &sql, sqlite3_stmt *stmt)
    {
        if (m_capacity == 0 || m_index.contains(sql)) {
            sqlite3_finalize(stmt);
            return;
        }
        m_lru.push_front({sql, stmt, false});
        m_index.insert(sql, m_lru.begin());
        for (auto it = m_lru.end(); qsizetype(m_lru.size()) > m_capacity && it != m_lru.begin();) {
            --it;
            if (it->inUse)
                continue;
            m_index.remove(it->sql);
            sqlite3_finalize(it->stmt);
            it = m_lru.erase(it);
        }
    }

    void clear()
    {
        for (auto &entry : m_lru)
            sqlite3_finalize(entry.stmt);
        m_lru.clear();
        m_index.clear();
    }

private:
    qsizetype m_capacity;
    std::list<Entry> m_lru; // most recent first
    QHash<QString, std::list<Entry>::iterator> m_index;
};

// A prepared statement on loan: reset and handed back to the cache (or
// finalized) when it goes out of scope, on every path.
struct PreparedStatement
{
    sqlite3_stmt *stmt = nullptr;
    StatementCache::Entry *entry = nullptr; // set when it came from the cache
    StatementCache *cache = nullptr; // set when it should go into it
    QString key;

    PreparedStatement() = default;
    PreparedStatement(PreparedStatement &&other) noexcept
        : stmt(std::exchange(other.stmt, nullptr)), entry(other.entry), cache(other.cache), key(std::move(other.key))
    {
    }
    PreparedStatement &operator=(PreparedStatement &&) = delete;
    ~PreparedStatement()
    {
        if (!stmt)
            return;
        if (entry || cache) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
        }
        if (entry)
            entry->inUse = false;
        else if (cache)
            cache->adopt(key, stmt);
        else
            sqlite3_finalize(stmt);
    }
    sqlite3_stmt *release() { return std::exchange(stmt, nullptr); }
};

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_STATEMENTS_P_H
