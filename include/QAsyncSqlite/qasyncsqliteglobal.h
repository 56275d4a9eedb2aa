// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEGLOBAL_H
#define QASYNCSQLITEGLOBAL_H

#include <QtCore/qglobal.h>
#include <QtCore/qflags.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <functional>

#if defined(QASYNCSQLITE_STATIC)
#define QASYNCSQLITE_EXPORT
#elif defined(QASYNCSQLITE_BUILD_LIBRARY)
#define QASYNCSQLITE_EXPORT Q_DECL_EXPORT
#else
#define QASYNCSQLITE_EXPORT Q_DECL_IMPORT
#endif

struct sqlite3;
class QAsyncSqliteRow;

/*!
    \namespace QAsyncSqlite
    \brief Enumerations, callable types and free functions of QAsyncSqlite.
*/
namespace QAsyncSqlite {
Q_NAMESPACE_EXPORT(QASYNCSQLITE_EXPORT)

/*! How implicit transactions are opened before INSERT/UPDATE/DELETE/REPLACE
    (Python sqlite3 legacy semantics). \c Autocommit never opens one. */
enum class IsolationLevel {
    Deferred,
    Immediate,
    Exclusive,
    Autocommit
};
Q_ENUM_NS(IsolationLevel)

/*! The BEGIN flavour used by QAsyncSqliteConnection::transaction(). */
enum class TransactionMode {
    Deferred,
    Immediate,
    Exclusive
};
Q_ENUM_NS(TransactionMode)

/*! How the database file is opened. */
enum class OpenMode {
    ReadWriteCreate,
    ReadWrite,
    ReadOnly
};
Q_ENUM_NS(OpenMode)

/*! The built-in shapes of a result row: \c Tuple gives a QVariantList,
    \c Row a QAsyncSqliteRow, \c Map a QVariantMap keyed by column name. */
enum class RowFactory {
    Tuple,
    Row,
    Map
};
Q_ENUM_NS(RowFactory)

/*! How TEXT columns are returned: \c String as QString, \c Bytes as the raw
    UTF-8 QByteArray. */
enum class TextFactory {
    String,
    Bytes
};
Q_ENUM_NS(TextFactory)

/*! Whether blobOpen() gives read-only or read-write access. */
enum class BlobMode {
    ReadOnly,
    ReadWrite
};
Q_ENUM_NS(BlobMode)

/*! Where QAsyncSqliteBlob::seek() counts from (as Python's \c os.SEEK_*). */
enum class SeekOrigin {
    Begin,
    Current,
    End
};
Q_ENUM_NS(SeekOrigin)

/*! Which converters apply to result columns (Python's \c detect_types):
    \c DeclaredTypes uses the column's declared type, \c ColumnNames a
    \c "name [type]" alias. */
enum DetectType {
    DeclaredTypes = 0x1,
    ColumnNames = 0x2
};
/*! A combination of DetectType values (QFlags). */
Q_DECLARE_FLAGS(DetectTypes, DetectType)
Q_FLAG_NS(DetectTypes)

/*! Flags of user functions, mapped to SQLITE_DETERMINISTIC, SQLITE_DIRECTONLY
    and SQLITE_INNOCUOUS. */
enum FunctionFlag {
    Deterministic = 0x1,
    DirectOnly = 0x2,
    Innocuous = 0x4
};
/*! A combination of FunctionFlag values (QFlags). */
Q_DECLARE_FLAGS(FunctionFlags, FunctionFlag)
Q_FLAG_NS(FunctionFlags)

/*! A custom row factory; runs on the worker thread for every row. */
using RowFactoryFunction = std::function<QVariant(const QAsyncSqliteRow &)>;
/*! A scalar SQL function; runs on the worker thread. Throwing makes the SQL
    statement fail with the exception's message. */
using Function = std::function<QVariant(const QVariantList &args)>;
/*! An aggregate step: receives the current state and the row's arguments and
    returns the new state. A window function's inverse has the same shape: it
    returns the state without the row. */
using AggregateStep = std::function<QVariant(const QVariant &state, const QVariantList &args)>;
/*! An aggregate finalizer: turns the final state into the SQL result. */
using AggregateFinal = std::function<QVariant(const QVariant &state)>;
/*! A window function's value: the current result of a frame, from its state
    (which stays in use for the next rows). */
using WindowValue = std::function<QVariant(const QVariant &state)>;
/*! A collation: negative, zero or positive like \c strcmp. */
using Collation = std::function<int(const QString &, const QString &)>;
/*! Called every N virtual machine instructions; non-zero aborts the statement. */
using ProgressHandler = std::function<int()>;
/*! Receives the text of every statement as it starts (expanded parameters). */
using TraceCallback = std::function<void(const QString &sql)>;
/*! sqlite3_set_authorizer() callback; returns SQLITE_OK, SQLITE_DENY or
    SQLITE_IGNORE. A throwing authorizer denies. */
using Authorizer = std::function<int(int action, const QString &arg1, const QString &arg2, const QString &database,
                                     const QString &trigger)>;
/*! Turns a bound value into something SQLite stores (see registerAdapter()). */
using Adapter = std::function<QVariant(const QVariant &value)>;
/*! Turns the raw bytes of a column into a value (see registerConverter()). */
using Converter = std::function<QVariant(const QByteArray &raw)>;

} // namespace QAsyncSqlite

Q_DECLARE_OPERATORS_FOR_FLAGS(QAsyncSqlite::DetectTypes)
Q_DECLARE_OPERATORS_FOR_FLAGS(QAsyncSqlite::FunctionFlags)

#endif // QASYNCSQLITEGLOBAL_H
