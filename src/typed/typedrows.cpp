// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Typed rows on the worker: SQLite values straight into members (and
// members straight into parameters), by the rules of doc/typed-rows.md.
// Longer than 500 lines: one table of member types (typeOps()) drives both
// reading and binding, and keeping it with both sides keeps the type list
// in one place.
#include "typedrows_p.h"
#include "../engine/transactions_p.h"
#include "../engine/worker_p.h"
#include "../qasyncsqlitetypes_p.h"

#include <QAsyncSqlite/qasyncsqliteerror.h>

#include <QtCore/qmetaobject.h>

#include <cmath>
#include <limits>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

QString typeName(FieldType type, bool optional)
{
    static const char *const names[] = {"?",          "bool",          "qint8",     "quint8", "qint16",
                                        "quint16",    "int",           "uint",      "qint64", "quint64",
                                        "long",       "unsigned long", "float",     "double", "QString",
                                        "QByteArray", "QVariant",      "QDateTime", "QDate",  "QTime"};
    static_assert(std::size(names) == std::size_t(FieldType::Time) + 1);
    const QString name = QLatin1String(names[int(type)]);
    return optional ? QStringLiteral("std::optional<%1>").arg(name) : name;
}

QString memberName(const RowLayout &layout, int member)
{
    switch (layout.kind) {
    case RowLayout::Gadget:
        return QStringLiteral("property '%1'").arg(QLatin1String(layout.metaObject->property(member).name()));
    case RowLayout::Tuple:
        return QStringLiteral("element %1").arg(member);
    case RowLayout::Aggregate:
        break;
    }
    return QStringLiteral("member %1").arg(member);
}

QString storageClass(int type)
{
    switch (type) {
    case SQLITE_INTEGER:
        return QStringLiteral("INTEGER");
    case SQLITE_FLOAT:
        return QStringLiteral("REAL");
    case SQLITE_TEXT:
        return QStringLiteral("TEXT");
    case SQLITE_BLOB:
        return QStringLiteral("BLOB");
    default:
        return QStringLiteral("NULL");
    }
}

// A value that does not fit its member: QAsyncSqliteDataError naming both.
[[noreturn]] void mismatch(const ColumnTarget &t, sqlite3_stmt *stmt, const QString &reason)
{
    throw QAsyncSqliteDataError(
            SQLITE_MISMATCH,
            QStringLiteral("Cannot read column %1 (\"%2\", %3) into %4 (%5) of %6: %7.") .arg(t.column).arg(
                                   fromUtf8(sqlite3_column_name(stmt, t.column)),
                                   storageClass(sqlite3_column_type(stmt, t.column)), memberName(*t.layout, t.member),
                                   typeName(t.type, t.optional), QLatin1String(t.layout->typeName), reason),
                           *t.sql);
}

QString notA(int type, const char *what)
{
    return QStringLiteral("%1 is not %2").arg(storageClass(type), QLatin1String(what));
}

template<typename X>
void readInteger(const ColumnTarget &t, sqlite3_stmt *stmt, sqlite3_value *v, int type, X &out)
{
    qint64 value;
    if (type == SQLITE_INTEGER) {
        value = sqlite3_value_int64(v);
    } else if (type == SQLITE_FLOAT) {
        // Lossless only: an integral REAL within qint64's range.
        const double real = sqlite3_value_double(v);
        if (!(real >= -0x1p63 && real < 0x1p63) || std::trunc(real) != real)
            mismatch(t, stmt, QStringLiteral("%1 is not exactly an integer").arg(real));
        value = qint64(real);
    } else {
        mismatch(t, stmt, notA(type, "an integer"));
    }
    if constexpr (std::is_same_v<X, bool>) {
        if (value != 0 && value != 1)
            mismatch(t, stmt, QStringLiteral("%1 is neither 0 nor 1").arg(value));
        out = value == 1;
    } else if constexpr (std::is_signed_v<X>) {
        if (value < qint64(std::numeric_limits<X>::min()) || value > qint64(std::numeric_limits<X>::max()))
            mismatch(t, stmt, QStringLiteral("%1 is out of range").arg(value));
        out = X(value);
    } else {
        if (value < 0 || quint64(value) > quint64(std::numeric_limits<X>::max()))
            mismatch(t, stmt, QStringLiteral("%1 is out of range").arg(value));
        out = X(value);
    }
}

template<typename X>
void readReal(const ColumnTarget &t, sqlite3_stmt *stmt, sqlite3_value *v, int type, X &out)
{
    if (type == SQLITE_FLOAT) {
        const double real = sqlite3_value_double(v);
        if constexpr (std::is_same_v<X, float>) {
            if (std::isfinite(real) && std::abs(real) > double(std::numeric_limits<float>::max()))
                mismatch(t, stmt, QStringLiteral("%1 is out of range").arg(real));
        }
        out = X(real);
    } else if (type == SQLITE_INTEGER) {
        // Lossless only: an INTEGER the floating type holds exactly.
        const qint64 value = sqlite3_value_int64(v);
        const X real = X(value);
        if (!(double(real) >= -0x1p63 && double(real) < 0x1p63) || qint64(real) != value)
            mismatch(t, stmt, QStringLiteral("%1 is not exactly representable").arg(value));
        out = real;
    } else {
        mismatch(t, stmt, notA(type, "a number"));
    }
}

template<typename X>
X readDateTime(const ColumnTarget &t, sqlite3_stmt *stmt, sqlite3_value *v, int type)
{
    if (type != SQLITE_TEXT)
        mismatch(t, stmt, notA(type, "text"));
    // The library's converters, as detectTypes applies them.
    static const Converter convert = converterFor(std::is_same_v<X, QDateTime> ? QStringLiteral("timestamp")
                                                                               : std::is_same_v<X, QDate>
                                                  ? QStringLiteral("date")
                                                  : QStringLiteral("time"));
    const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(v));
    const X value = convert(QByteArray(text, sqlite3_value_bytes(v))).template value<X>();
    if (!value.isValid())
        mismatch(t, stmt,
                 QStringLiteral("'%1' is not a valid %2").arg(QString::fromUtf8(text), typeName(t.type, false)));
    return value;
}

// Reads a value that is not NULL (or a QVariant) into \a out.
template<typename X>
void readValue(const ColumnTarget &t, sqlite3_stmt *stmt, sqlite3_value *v, int type, X &out)
{
    if constexpr (std::is_integral_v<X>) {
        readInteger(t, stmt, v, type, out);
    } else if constexpr (std::is_floating_point_v<X>) {
        readReal(t, stmt, v, type, out);
    } else if constexpr (std::is_same_v<X, QString>) {
        if (type != SQLITE_TEXT)
            mismatch(t, stmt, notA(type, "text"));
        const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(v));
        out = QString::fromUtf8(text, sqlite3_value_bytes(v));
    } else if constexpr (std::is_same_v<X, QByteArray>) {
        if (type != SQLITE_TEXT && type != SQLITE_BLOB)
            mismatch(t, stmt, notA(type, "text or a BLOB"));
        const auto *data = static_cast<const char *>(sqlite3_value_blob(v));
        out = QByteArray(data ? data : "", sqlite3_value_bytes(v));
    } else if constexpr (std::is_same_v<X, QVariant>) {
        out = columnValue(stmt, t.column, t.textFactory);
    } else {
        out = readDateTime<X>(t, stmt, v, type);
    }
}

template<typename X, bool Optional>
void decode(const ColumnTarget &t, sqlite3_stmt *stmt, std::conditional_t<Optional, std::optional<X>, X> &out)
{
    // One sqlite3_column_value() per value, then the cheap sqlite3_value_*()
    // accessors: each sqlite3_column_*() call repeats the column lookup and
    // the malloc-failure check (about 100 instructions for a type). The
    // value is unprotected, which only matters for handles shared between
    // threads; the worker alone uses this one (opened SQLITE_OPEN_NOMUTEX).
    sqlite3_value *v = sqlite3_column_value(stmt, t.column);
    const int type = sqlite3_value_type(v);
    if constexpr (Optional) {
        if (type == SQLITE_NULL)
            out.reset();
        else
            readValue(t, stmt, v, type, out.emplace());
    } else {
        if (type == SQLITE_NULL && !std::is_same_v<X, QVariant>)
            mismatch(t, stmt, QStringLiteral("NULL needs a std::optional or QVariant member"));
        readValue(t, stmt, v, type, out);
    }
}

// As QMetaProperty::writeOnGadget() does, with a pointer to a typed value
// instead of a QVariant.
void gadgetCall(const QMetaObject *owner, QMetaObject::Call call, int relativeIndex, void *gadget, void *value)
{
    int status = -1;
    int flags = 0;
    void *argv[] = {value, nullptr, &status, &flags};
    owner->d.static_metacall(reinterpret_cast<QObject *>(gadget), call, relativeIndex, argv);
}

template<typename X, bool Optional>
void storeMember(const ColumnTarget &t, sqlite3_stmt *stmt, void *row)
{
    decode<X, Optional>(t, stmt,
                        *reinterpret_cast<std::conditional_t<Optional, std::optional<X>, X> *>(static_cast<char *>(row)
                                                                                               + t.offset));
}

template<typename X, bool Optional>
void storeProperty(const ColumnTarget &t, sqlite3_stmt *stmt, void *row)
{
    std::conditional_t<Optional, std::optional<X>, X> value{};
    decode<X, Optional>(t, stmt, value);
    gadgetCall(t.owner, QMetaObject::WriteProperty, t.relativeIndex, row, &value);
}

// Every supported type, once as a plain and once as an optional member.
template<typename Fn>
void forEachType(Fn &&fn)
{
    const auto both = [&](auto tag) {
        using X = typename decltype(tag)::type;
        fn(std::type_identity<X>(), std::false_type());
        if constexpr (!std::is_same_v<X, QVariant>)
            fn(std::type_identity<X>(), std::true_type());
    };
    both(std::type_identity<bool>());
    both(std::type_identity<qint8>());
    both(std::type_identity<quint8>());
    both(std::type_identity<qint16>());
    both(std::type_identity<quint16>());
    both(std::type_identity<qint32>());
    both(std::type_identity<quint32>());
    both(std::type_identity<qint64>());
    both(std::type_identity<quint64>());
    both(std::type_identity<long>());
    both(std::type_identity<unsigned long>());
    both(std::type_identity<float>());
    both(std::type_identity<double>());
    both(std::type_identity<QString>());
    both(std::type_identity<QByteArray>());
    both(std::type_identity<QVariant>());
    both(std::type_identity<QDateTime>());
    both(std::type_identity<QDate>());
    both(std::type_identity<QTime>());
}

// Room for any member type, to read a gadget property into (typeOps() checks).
constexpr std::size_t GadgetValueSize = 64;

using BindFn = void (*)(QAsyncSqliteWorker &worker, sqlite3_stmt *stmt, int index, const void *value,
                        const QString &sql);

struct TypeOps
{
    QMetaType metaType; // of the member (for gadget properties)
    FieldType type;
    bool optional;
    ColumnTarget::Store storeMember;
    ColumnTarget::Store storeProperty;
    BindFn bind;
    void (*construct)(void *where);
    void (*destroy)(void *where);
};

template<typename X>
void bindPlain(QAsyncSqliteWorker &worker, sqlite3_stmt *stmt, int index, const X &value, const QString &sql)
{
    int rc;
    if constexpr (std::is_integral_v<X>) {
        if constexpr (std::is_unsigned_v<X> && sizeof(X) == 8) {
            if (value > quint64(std::numeric_limits<qint64>::max()))
                throwIntegerTooLarge(index, value, sql);
        }
        rc = sqlite3_bind_int64(stmt, index, qint64(value));
    } else if constexpr (std::is_floating_point_v<X>) {
        rc = sqlite3_bind_double(stmt, index, double(value));
    } else if constexpr (std::is_same_v<X, QString>) {
        // Always TEXT ('' for a null QString): only std::nullopt binds NULL.
        const QByteArray utf8 = value.toUtf8();
        rc = sqlite3_bind_text64(stmt, index, utf8.constData() ? utf8.constData() : "", sqlite3_uint64(utf8.size()),
                                 SQLITE_TRANSIENT, SQLITE_UTF8);
    } else if constexpr (std::is_same_v<X, QByteArray>) {
        rc = sqlite3_bind_blob64(stmt, index, value.constData() ? value.constData() : "", sqlite3_uint64(value.size()),
                                 SQLITE_TRANSIENT);
    } else {
        // QVariant, dates and times: the normal conversion (adapters).
        worker.bindValue(stmt, index, QVariant::fromValue(value), sql);
        return;
    }
    if (rc != SQLITE_OK)
        QAsyncSqliteError::throwForCode(rc, QString::fromUtf8(sqlite3_errstr(rc)), sql);
}

template<typename X, bool Optional>
void bindMember(QAsyncSqliteWorker &worker, sqlite3_stmt *stmt, int index, const void *value, const QString &sql)
{
    if constexpr (Optional) {
        const auto &optional = *static_cast<const std::optional<X> *>(value);
        if (!optional) {
            const int rc = sqlite3_bind_null(stmt, index);
            if (rc != SQLITE_OK)
                QAsyncSqliteError::throwForCode(rc, QString::fromUtf8(sqlite3_errstr(rc)), sql);
            return;
        }
        bindPlain(worker, stmt, index, *optional, sql);
    } else {
        bindPlain(worker, stmt, index, *static_cast<const X *>(value), sql);
    }
}

const std::vector<TypeOps> &typeOps()
{
    static const std::vector<TypeOps> ops = [] {
        std::vector<TypeOps> result;
        forEachType([&](auto tag, auto optional) {
            using X = typename decltype(tag)::type;
            constexpr bool O = decltype(optional)::value;
            using M = std::conditional_t<O, std::optional<X>, X>;
            static_assert(sizeof(M) <= GadgetValueSize && alignof(M) <= alignof(std::max_align_t));
            result.push_back({QMetaType::fromType<M>(), fieldTypeOf<X>(), O, &storeMember<X, O>, &storeProperty<X, O>,
                              &bindMember<X, O>,
                              [](void *where) {
                                  new (where) M();
                              },
                              [](void *where) {
                                  static_cast<M *>(where)->~M();
                              }});
        });
        return result;
    }();
    return ops;
}

const TypeOps *opsFor(FieldType type, bool optional)
{
    for (const TypeOps &op : typeOps()) {
        if (op.type == type && op.optional == optional)
            return &op;
    }
    return nullptr;
}

const TypeOps *opsFor(QMetaType metaType)
{
    for (const TypeOps &op : typeOps()) {
        if (op.metaType == metaType)
            return &op;
    }
    return nullptr;
}

// The property of \a meta a column or parameter called \a name maps to:
// the same name, or else the same name but for case (SQL's identifiers
// ignore case); -1 if none.
int propertyFor(const QMetaObject *meta, const QString &name)
{
    int loose = -1;
    for (int i = 0; i < meta->propertyCount(); ++i) {
        const QLatin1String property(meta->property(i).name());
        if (property == name)
            return i;
        if (loose < 0 && name.compare(property, Qt::CaseInsensitive) == 0)
            loose = i;
    }
    return loose;
}

[[noreturn]] void unsupportedProperty(const RowLayout &layout, const QMetaProperty &property, const QString &sql)
{
    throw QAsyncSqliteProgrammingError(SQLITE_MISMATCH,
                                       QStringLiteral("Property '%1' of %2 has type %3, which typed rows do not "
                                                      "support.")
                                                              .arg(QLatin1String(property.name()),
                                                                   QLatin1String(layout.typeName),
                                                                   QLatin1String(property.metaType().name())),
                                                      sql);
}

} // namespace

void TypedReader::prepare(sqlite3_stmt *stmt)
{
    const int columns = sqlite3_column_count(stmt);
    m_targets.assign(std::size_t(columns), ColumnTarget());
    const RowLayout &layout = *m_layout;
    if (layout.kind != RowLayout::Gadget && columns != layout.fieldCount) {
        throw QAsyncSqliteProgrammingError(SQLITE_MISMATCH,
                                           QStringLiteral("The statement returns %1 columns, but %2 has %3 %4.")
                                                                  .arg(columns)
                                                                  .arg(QLatin1String(layout.typeName))
                                                                  .arg(layout.fieldCount)
                                                                  .arg(layout.kind == RowLayout::Tuple ? QStringLiteral("elements") : QStringLiteral("members")),
                                                                       m_sql);
    }
    for (int column = 0; column < columns; ++column) {
        ColumnTarget &target = m_targets[std::size_t(column)];
        target.column = column;
        target.layout = m_layout;
        target.sql = &m_sql;
        target.textFactory = m_textFactory;
        if (layout.kind != RowLayout::Gadget) {
            const Field &field = layout.fields[column];
            const TypeOps *ops = opsFor(field.type, field.optional);
            Q_ASSERT(ops); // TypedRow admits only supported members
            target.store = ops->storeMember;
            target.type = field.type;
            target.optional = field.optional;
            target.offset = field.offset;
            target.member = column;
            continue;
        }
        // A column without a property is an error (its value would be lost);
        // a property without a column keeps its default (doc/typed-rows.md).
        const QString name = fromUtf8(sqlite3_column_name(stmt, column));
        const int index = propertyFor(layout.metaObject, name);
        const QMetaProperty property = layout.metaObject->property(index);
        if (index < 0 || !property.isWritable()) {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_MISMATCH,
                    QStringLiteral("Column %1 (\"%2\") has no writable property of that name in %3.") .arg(column).arg(
                                           name, QLatin1String(layout.typeName)),
                                   m_sql);
        }
        for (int earlier = 0; earlier < column; ++earlier) {
            if (m_targets[std::size_t(earlier)].member == index) {
                throw QAsyncSqliteProgrammingError(
                        SQLITE_MISMATCH,
                        QStringLiteral("Columns %1 and %2 both map to property '%3' of %4.")
                                               .arg(earlier)
                                               .arg(column)
                                               .arg(QLatin1String(property.name()), QLatin1String(layout.typeName)),
                                       m_sql);
            }
        }
        const TypeOps *ops = opsFor(property.metaType());
        if (!ops)
            unsupportedProperty(layout, property, m_sql);
        target.store = ops->storeProperty;
        target.type = ops->type;
        target.optional = ops->optional;
        target.member = index;
        target.owner = property.enclosingMetaObject();
        target.relativeIndex = property.relativePropertyIndex();
    }
    m_prepared = true;
}

void TypedBinder::prepare(sqlite3_stmt *stmt)
{
    const int count = sqlite3_bind_parameter_count(stmt);
    m_params.clear();
    if (m_layout.kind != RowLayout::Gadget) {
        if (count != m_layout.fieldCount) {
            throw QAsyncSqliteProgrammingError(
                    SQLITE_RANGE,
                    QStringLiteral("Incorrect number of bindings supplied. The current statement uses %1, and %2 "
                                   "has %3.")
                                           .arg(count)
                                           .arg(QLatin1String(m_layout.typeName))
                                           .arg(m_layout.fieldCount),
                                   m_sql);
        }
        for (int i = 0; i < count; ++i) {
            const Field &field = m_layout.fields[i];
            m_params.push_back({opsFor(field.type, field.optional), field.offset, nullptr, -1});
        }
    } else {
        for (int i = 1; i <= count; ++i) {
            const char *name = sqlite3_bind_parameter_name(stmt, i);
            if (!name || name[0] == '?') {
                throw QAsyncSqliteProgrammingError(
                        SQLITE_RANGE,
                        QStringLiteral("Binding %1 has no name, but %2 binds by property name.") .arg(i).arg(
                                               QLatin1String(m_layout.typeName)),
                                       m_sql);
            }
            const int index = propertyFor(m_layout.metaObject, QString::fromUtf8(name + 1));
            if (index < 0) {
                throw QAsyncSqliteProgrammingError(
                        SQLITE_RANGE,
                        QStringLiteral("You did not supply a value for binding parameter %1: %2 has no such "
                                       "property.")
                                               .arg(fromUtf8(name), QLatin1String(m_layout.typeName)),
                                       m_sql);
            }
            const QMetaProperty property = m_layout.metaObject->property(index);
            const TypeOps *ops = opsFor(property.metaType());
            if (!ops)
                unsupportedProperty(m_layout, property, m_sql);
            m_params.push_back({ops, 0, property.enclosingMetaObject(), property.relativePropertyIndex()});
        }
    }
    m_prepared = true;
}

void TypedBinder::bind(sqlite3_stmt *stmt, const void *object)
{
    if (!m_prepared)
        prepare(stmt);
    int index = 0;
    for (const Param &param : m_params) {
        const auto *ops = static_cast<const TypeOps *>(param.ops);
        ++index;
        if (!param.owner) {
            ops->bind(m_worker, stmt, index, static_cast<const char *>(object) + param.offset, m_sql);
            continue;
        }
        // Read through the static metacall into a typed local, then bind it.
        alignas(std::max_align_t) char storage[GadgetValueSize];
        ops->construct(storage);
        struct Destroy
        {
            const TypeOps *ops;
            void *where;
            ~Destroy() { ops->destroy(where); }
        } destroy{ops, storage};
        gadgetCall(param.owner, QMetaObject::ReadProperty, param.relativeIndex, const_cast<void *>(object), storage);
        ops->bind(m_worker, stmt, index, storage, m_sql);
    }
}

namespace {

struct TypedIo : ParamBinder, RowSink
{
    TypedIo(QAsyncSqliteWorker &worker, const QString &sql, const RowLayout &layout, void *rows)
        : reader(layout, sql, worker.settings().textFactory), rows(rows)
    {
    }
    void row(sqlite3_stmt *stmt) override
    {
        if (!reader.isPrepared())
            reader.prepare(stmt);
        reader.read(stmt, rows);
    }
    TypedReader reader;
    void *rows;
};

} // namespace

void QAsyncSqlite::Detail::executeTyped(QAsyncSqliteWorker &worker, const QString &sql, const Params &params,
                                        const RowLayout &layout, void *rows)
{
    struct Io : TypedIo
    {
        using TypedIo::TypedIo;
        void bind(sqlite3_stmt *stmt) override { worker->bindAll(stmt, *params, *sql); }
        QAsyncSqliteWorker *worker;
        const Params *params;
        const QString *sql;
    } io(worker, sql, layout, rows);
    io.worker = &worker;
    io.params = &params;
    io.sql = &sql;
    worker.execute(sql, io, io);
}

void QAsyncSqlite::Detail::executeTyped(QAsyncSqliteWorker &worker, const QString &sql, const RowLayout &paramLayout,
                                        const void *paramObject, const RowLayout &layout, void *rows)
{
    struct Io : TypedIo
    {
        Io(QAsyncSqliteWorker &worker, const QString &sql, const RowLayout &paramLayout, const void *object,
           const RowLayout &layout, void *rows)
            : TypedIo(worker, sql, layout, rows), binder(worker, paramLayout, sql), object(object)
        {
        }
        void bind(sqlite3_stmt *stmt) override { binder.bind(stmt, object); }
        TypedBinder binder;
        const void *object;
    } io(worker, sql, paramLayout, paramObject, layout, rows);
    worker.execute(sql, io, io);
}

qint64 QAsyncSqlite::Detail::executeManyTyped(QAsyncSqliteWorker &worker, const QString &sql,
                                              const RowLayout &paramLayout, const void *first, qsizetype count,
                                              qsizetype stride)
{
    TypedBinder binder(worker, paramLayout, sql);
    return worker.executeMany(sql, count, [&](sqlite3_stmt *stmt, qsizetype i) {
        binder.bind(stmt, static_cast<const char *>(first) + i * stride);
    });
}

QAsyncSqliteWorker &QAsyncSqliteTransaction::worker() const
{
    return d.worker;
}
