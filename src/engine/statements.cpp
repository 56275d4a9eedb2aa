// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Statements on the worker: prepare (with the cache), bind, step to the
// end, shape the rows; the connection's execute*() and the handle's errors.
#include "statements_p.h"
#include "worker_p.h"
#include "../qasyncsqlitetypes_p.h"

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

// Skips white space and comments the way Python's sqlite3 does (lstrip_sql
// in CPython 3.11): both its "one statement at a time" check and its
// classification of DML look past them, and neither skips a ';'.
const char *skipSpaceAndComments(const char *p, const char *end)
{
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
            ++p;
        } else if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n')
                ++p;
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            p += 2;
            while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
                ++p;
            p = p + 1 < end ? p + 2 : end;
        } else {
            break;
        }
    }
    return p;
}

} // namespace

bool QAsyncSqlite::Detail::isDml(const char *sql)
{
    if (!sql)
        return false;
    const char *p = skipSpaceAndComments(sql, sql + qstrlen(sql));
    return qstrnicmp(p, "insert", 6) == 0 || qstrnicmp(p, "update", 6) == 0 || qstrnicmp(p, "delete", 6) == 0
            || qstrnicmp(p, "replace", 7) == 0;
}

PreparedStatement QAsyncSqliteWorker::prepare(const QString &sql, bool cached)
{
    PreparedStatement prepared;
    if (cached && m_cache) {
        if ((prepared.entry = m_cache->take(sql))) {
            prepared.stmt = prepared.entry->stmt;
            return prepared;
        }
        prepared.cache = m_cache.get();
        prepared.key = sql;
    }
    const QByteArray utf8 = sql.toUtf8();
    const char *tail = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()), cached ? SQLITE_PREPARE_PERSISTENT : 0,
                                      &prepared.stmt, &tail);
    if (rc != SQLITE_OK)
        throwError(rc, sql);
    if (tail && skipSpaceAndComments(tail, utf8.constData() + utf8.size()) != utf8.constData() + utf8.size()) {
        // Not into the cache: a later call with the same text would find the
        // statement there and run its first part without this check.
        // Guarded by tst_errors::multipleStatements.
        sqlite3_finalize(prepared.release());
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                           QStringLiteral("You can only execute one statement at a time."), sql);
    }
    return prepared;
}

void QAsyncSqliteWorker::bindAll(sqlite3_stmt *stmt, const Params &params, const QString &sql)
{
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (const auto *list = std::get_if<QVariantList>(&params)) {
        if (list->size() != expected) {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_RANGE,
                    QStringLiteral("Incorrect number of bindings supplied. The current statement uses %1, "
                               "and there are %2 supplied.")
                                           .arg(expected)
                                           .arg(list->size()),
                                   sql);
        }
        for (int i = 0; i < expected; ++i)
            bindValue(stmt, i + 1, list->at(i), sql);
        return;
    }
    const QVariantMap &map = std::get<QVariantMap>(params);
    for (int i = 1; i <= expected; ++i) {
        const char *name = sqlite3_bind_parameter_name(stmt, i);
        if (!name || name[0] == '?') {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_RANGE,
                    QStringLiteral("Binding %1 has no name, but you supplied a dictionary (which has only "
                               "names).")
                                           .arg(i),
                                   sql);
        }
        const auto it = map.constFind(QString::fromUtf8(name + 1));
        if (it == map.cend()) {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_RANGE,
                    QStringLiteral("You did not supply a value for binding parameter %1.").arg(fromUtf8(name)), sql);
        }
        bindValue(stmt, i, *it, sql);
    }
}

void QAsyncSqlite::Detail::throwIntegerTooLarge(int index, quint64 value, const QString &sql)
{
    throw QAsyncSqliteDataError(
            SQLITE_MISMATCH,
            QStringLiteral("Error binding parameter %1: %2 is too large for SQLite's 64-bit INTEGER.") .arg(index).arg(value),
                    sql);
}

void QAsyncSqliteWorker::bindValue(sqlite3_stmt *stmt, int index, const QVariant &original, const QString &sql)
{
    const SqlValue value = toSqlValue(original, NullValues::QtSql);
    int rc = SQLITE_OK;
    switch (value.kind) {
    case SqlValue::Null:
        rc = sqlite3_bind_null(stmt, index);
        break;
    case SqlValue::Integer:
        rc = sqlite3_bind_int64(stmt, index, value.integer);
        break;
    case SqlValue::Real:
        rc = sqlite3_bind_double(stmt, index, value.real);
        break;
    case SqlValue::Text:
        // A null pointer would bind NULL: an empty string must stay ''.
        rc = sqlite3_bind_text64(stmt, index, value.data(), sqlite3_uint64(value.bytes.size()), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
        break;
    case SqlValue::Blob:
        rc = sqlite3_bind_blob64(stmt, index, value.data(), sqlite3_uint64(value.bytes.size()), SQLITE_TRANSIENT);
        break;
    case SqlValue::TooLarge:
        throwIntegerTooLarge(index, original.toULongLong(), sql);
    case SqlValue::Unsupported:
        throw QAsyncSqliteProgrammingError(
                SQLITE_MISMATCH,
                QStringLiteral("Error binding parameter %1: type '%2' is not supported.") .arg(index).arg(
                                       QLatin1String(original.metaType().name())),
                               sql);
    }
    if (rc != SQLITE_OK)
        QAsyncSqliteError::throwForCode(rc, QString::fromUtf8(sqlite3_errstr(rc)), sql);
}

void ResultShape::prepare(sqlite3_stmt *stmt, const Settings &settings, DetectTypes detectTypes, bool describe)
{
    m_settings = settings;
    m_columnCount = sqlite3_column_count(stmt);
    m_names.clear();
    m_description.clear();
    m_converters.clear();
    m_hasConverters = false;
    // Per execution, so only compute what this result needs: plain tuples
    // without type detection need no column metadata at all.
    const bool needNames = describe || settings.rowFactory != RowFactory::Tuple || settings.rowFactoryFunction
            || detectTypes.testFlag(ColumnNames);
    const bool needDeclared = describe || detectTypes.testFlag(DeclaredTypes);
    if (!needNames && !needDeclared)
        return;
    m_names.reserve(m_columnCount);
    for (int i = 0; i < m_columnCount; ++i) {
        QString name = needNames ? fromUtf8(sqlite3_column_name(stmt, i)) : QString();
        const QString declared = needDeclared ? fromUtf8(sqlite3_column_decltype(stmt, i)) : QString();
        Converter converter;
        if (detectTypes.testFlag(ColumnNames)) {
            // "expr AS "name [type]"": the bracket selects the converter and
            // is stripped from the column name, as in Python.
            const qsizetype open = name.indexOf(QLatin1Char('['));
            const qsizetype close = name.indexOf(QLatin1Char(']'), open + 1);
            if (open >= 0 && close > open) {
                converter = converterFor(name.mid(open + 1, close - open - 1).trimmed());
                name = name.left(open).trimmed();
            }
        }
        if (!converter && detectTypes.testFlag(DeclaredTypes) && !declared.isEmpty()) {
            qsizetype end = 0;
            while (end < declared.size() && declared.at(end) != QLatin1Char(' ')
                   && declared.at(end) != QLatin1Char('('))
                ++end;
            converter = converterFor(declared.left(end));
        }
        m_hasConverters = m_hasConverters || bool(converter);
        m_converters.append(converter);
        m_names.append(name);
        if (describe)
            m_description.append({name, declared});
    }
}

namespace {

// Where a value is read from: SQLite has one family of accessors for result
// columns and one for sqlite3_value (function arguments).
struct Column
{
    sqlite3_stmt *stmt;
    int column;
    int type() const { return sqlite3_column_type(stmt, column); }
    qint64 integer() const { return sqlite3_column_int64(stmt, column); }
    double real() const { return sqlite3_column_double(stmt, column); }
    const char *text() const { return reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)); }
    const char *blob() const { return static_cast<const char *>(sqlite3_column_blob(stmt, column)); }
    int bytes() const { return sqlite3_column_bytes(stmt, column); } // after text() or blob()
};

struct Argument
{
    sqlite3_value *value;
    int type() const { return sqlite3_value_type(value); }
    qint64 integer() const { return sqlite3_value_int64(value); }
    double real() const { return sqlite3_value_double(value); }
    const char *text() const { return reinterpret_cast<const char *>(sqlite3_value_text(value)); }
    const char *blob() const { return static_cast<const char *>(sqlite3_value_blob(value)); }
    int bytes() const { return sqlite3_value_bytes(value); } // after text() or blob()
};

template<typename Source>
QVariant toVariant(const Source &source, TextFactory textFactory)
{
    switch (source.type()) {
    case SQLITE_NULL:
        return {};
    case SQLITE_INTEGER:
        return QVariant(source.integer());
    case SQLITE_FLOAT:
        return QVariant(source.real());
    case SQLITE_TEXT: {
        const char *text = source.text();
        const int size = source.bytes();
        if (textFactory == TextFactory::Bytes)
            return QVariant(QByteArray(text ? text : "", size));
        return QVariant(QString::fromUtf8(text, size));
    }
    default: {
        const char *data = source.blob();
        return QVariant(QByteArray(data ? data : "", source.bytes()));
    }
    }
}

} // namespace

QVariant QAsyncSqlite::Detail::columnValue(sqlite3_stmt *stmt, int column, TextFactory textFactory)
{
    return toVariant(Column{stmt, column}, textFactory);
}

QVariant QAsyncSqlite::Detail::argumentValue(sqlite3_value *value)
{
    return toVariant(Argument{value}, TextFactory::String);
}

QVariant ResultShape::readValue(sqlite3_stmt *stmt, int column) const
{
    if (m_hasConverters && m_converters.at(column) && sqlite3_column_type(stmt, column) != SQLITE_NULL) {
        const auto *data = static_cast<const char *>(sqlite3_column_blob(stmt, column));
        return m_converters.at(column)(QByteArray(data ? data : "", sqlite3_column_bytes(stmt, column)));
    }
    return columnValue(stmt, column, m_settings.textFactory);
}

QVariant ResultShape::readRow(sqlite3_stmt *stmt) const
{
    const int columns = m_columnCount;
    QVariantList values;
    values.reserve(columns);
    for (int i = 0; i < columns; ++i)
        values.append(readValue(stmt, i));
    if (m_settings.rowFactoryFunction)
        return m_settings.rowFactoryFunction(QAsyncSqliteRow(m_names, values));
    switch (m_settings.rowFactory) {
    case RowFactory::Row:
        return QVariant::fromValue(QAsyncSqliteRow(m_names, values));
    case RowFactory::Map: {
        QVariantMap map;
        for (int i = 0; i < columns; ++i)
            map.insert(m_names.at(i), values.at(i));
        return map;
    }
    case RowFactory::Tuple:
        break;
    }
    return values;
}

void QAsyncSqliteWorker::throwError(int rc, const QString &sql) const
{
    const int extended = m_db ? sqlite3_extended_errcode(m_db) : rc;
    // The handle's code can lag behind for some API errors: trust rc's primary code.
    const int code = (extended & 0xff) == (rc & 0xff) ? extended : rc;
    const QString message = m_db ? fromUtf8(sqlite3_errmsg(m_db)) : fromUtf8(sqlite3_errstr(rc));
    QAsyncSqliteError::throwForCode(code, message, sql);
}

void QAsyncSqliteWorker::exec(const QString &sql)
{
    PreparedStatement prepared = prepare(sql, true);
    if (prepared.stmt)
        stepToEnd(prepared.stmt, sql);
}

QVariantList QAsyncSqliteWorker::execute(const QString &sql, const Params &params)
{
    struct : ParamBinder, RowSink
    {
        void bind(sqlite3_stmt *stmt) override { worker->bindAll(stmt, *params, *sql); }
        void row(sqlite3_stmt *stmt) override
        {
            if (!shaped) {
                shape.prepare(stmt, worker->settings(), worker->options().detectTypes, false);
                shaped = true;
            }
            rows.append(shape.readRow(stmt));
        }
        QAsyncSqliteWorker *worker;
        const Params *params;
        const QString *sql;
        QVariantList rows;
        ResultShape shape;
        bool shaped = false;
    } io;
    io.worker = this;
    io.params = &params;
    io.sql = &sql;
    execute(sql, io, io);
    return std::move(io.rows);
}

void QAsyncSqliteWorker::execute(const QString &sql, ParamBinder &binder, RowSink &sink)
{
    // Prepare first, as Python does: a statement that fails to prepare (bad
    // SQL, several statements) opens no implicit transaction.
    // Guarded by tst_transactions::prepareErrorOpensNoTransaction.
    PreparedStatement prepared = prepare(sql, true);
    if (!prepared.stmt)
        return;
    // Queries (read-only, with a result) may share one read transaction with
    // the queries queued behind them; anything else ends it first.
    const bool query = sqlite3_stmt_readonly(prepared.stmt) && sqlite3_column_count(prepared.stmt) > 0;
    if (query)
        beginSharedRead();
    else
        endSharedRead();
    beginImplicitTransaction(prepared.stmt);
    binder.bind(prepared.stmt);
    stepToEnd(prepared.stmt, sql, [&sink](sqlite3_stmt *stmt) {
        sink.row(stmt);
    });
}

qint64 QAsyncSqliteWorker::executeInsert(const QString &sql, const Params &params)
{
    execute(sql, params);
    return sqlite3_last_insert_rowid(m_db);
}

qint64 QAsyncSqliteWorker::executeMany(const QString &sql, const QList<QVariantList> &paramSets, ResultShape *shape)
{
    return executeMany(
            sql, paramSets.size(),
            [&](sqlite3_stmt *stmt, qsizetype i) {
                bindAll(stmt, paramSets.at(i), sql);
            },
            shape);
}

qint64 QAsyncSqliteWorker::executeMany(const QString &sql, qsizetype count,
                                       const std::function<void(sqlite3_stmt *stmt, qsizetype i)> &bind,
                                       ResultShape *shape)
{
    // As Python: prepare, refuse a statement that cannot write (its
    // sqlite3_stmt_readonly(), so WITH … INSERT and DDL pass), then the
    // implicit BEGIN, which only DML gets.
    PreparedStatement prepared = prepare(sql, true);
    if (!prepared.stmt)
        return -1;
    if (sqlite3_stmt_readonly(prepared.stmt)) {
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                           QStringLiteral("executeMany() can only execute DML statements."), sql);
    }
    beginImplicitTransaction(prepared.stmt);
    // Python's rowcount: the changes of DML statements, -1 for others.
    const bool dml = isDml(sqlite3_sql(prepared.stmt));
    qint64 rowCount = dml ? 0 : -1;
    for (qsizetype i = 0; i < count; ++i) {
        if (currentRequestCanceled())
            throwError(SQLITE_INTERRUPT, sql);
        bind(prepared.stmt, i);
        // Python counts the changes of a statement that returns no rows: a
        // RETURNING clause leaves rowcount alone, though its writes happen.
        const bool returnedRows = stepToEnd(prepared.stmt, sql);
        if (dml && !returnedRows)
            rowCount += sqlite3_changes64(m_db);
        sqlite3_reset(prepared.stmt);
        if (shape && i == 0) // described once it ran, as in Python
            shape->prepare(prepared.stmt, m_settings, m_options.detectTypes, true);
    }
    return rowCount;
}

void QAsyncSqliteWorker::executeScript(const QString &script)
{
    commit();
    runScript(script);
}

void QAsyncSqliteWorker::runScript(const QString &script, const std::function<void(const QString &text)> &check)
{
    const QByteArray utf8 = script.toUtf8();
    const char *p = utf8.constData();
    const char *const end = p + utf8.size();
    while (p < end) {
        sqlite3_stmt *stmt = nullptr;
        const char *tail = nullptr;
        // + 1: the terminating NUL that QByteArray guarantees. Without it
        // SQLite copies the whole rest of the script for every statement,
        // quadratic in the script's size (tst_fault_badinput::sqlTextSizes).
        const int rc = sqlite3_prepare_v2(m_db, p, int(end - p) + 1, &stmt, &tail);
        const QString text = QString::fromUtf8(p, tail ? tail - p : end - p).trimmed();
        if (rc != SQLITE_OK)
            throwError(rc, text);
        PreparedStatement owner; // finalizes on every path
        owner.stmt = stmt;
        if (stmt && check)
            check(text);
        if (stmt)
            stepToEnd(stmt, text);
        if (!tail || tail == p)
            break;
        p = tail;
    }
}

void QAsyncSqliteWorker::setSettings(const Settings &settings)
{
    // The isolation level changes only through setIsolationLevel(), which
    // also commits.
    const IsolationLevel level = m_settings.isolationLevel;
    m_settings = settings;
    m_settings.isolationLevel = level;
}
