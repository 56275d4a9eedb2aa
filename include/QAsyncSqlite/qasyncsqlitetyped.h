// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITETYPED_H
#define QASYNCSQLITETYPED_H

#include <QAsyncSqlite/qasyncsqliteconnection_impl.h>
#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qlist.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

struct QMetaObject;
class QAsyncSqliteWorker;

namespace QAsyncSqlite {

namespace Detail {

// The member types typed rows read and bind. The decoder
// (src/typed/typedrows.cpp) knows each by this tag and writes through a
// pointer to the member, so no QVariant stands between SQLite and it.
enum class FieldType : quint8 {
    Unsupported,
    Bool,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Long, // long and unsigned long: integers of their own type, whatever their size
    ULong,
    Float,
    Double,
    String,
    Bytes,
    Variant,
    DateTime,
    Date,
    Time
};

// Characters are not numbers here: a char member is more likely a mistake.
template<typename X, typename... Of>
inline constexpr bool isOneOf = (std::is_same_v<X, Of> || ...);
template<typename X>
inline constexpr bool isCharacter = isOneOf<X, char, wchar_t, char8_t, char16_t, char32_t>;

template<typename X>
constexpr FieldType fieldTypeOf()
{
    if constexpr (std::is_same_v<X, bool>) {
        return FieldType::Bool;
    } else if constexpr (std::is_same_v<X, long>) {
        return FieldType::Long;
    } else if constexpr (std::is_same_v<X, unsigned long>) {
        return FieldType::ULong;
    } else if constexpr (std::is_integral_v<X> && !isCharacter<X>) {
        constexpr bool s = std::is_signed_v<X>;
        if constexpr (sizeof(X) == 1)
            return s ? FieldType::Int8 : FieldType::UInt8;
        else if constexpr (sizeof(X) == 2)
            return s ? FieldType::Int16 : FieldType::UInt16;
        else if constexpr (sizeof(X) == 4)
            return s ? FieldType::Int32 : FieldType::UInt32;
        else if constexpr (sizeof(X) == 8)
            return s ? FieldType::Int64 : FieldType::UInt64;
        else
            return FieldType::Unsupported;
    } else if constexpr (std::is_same_v<X, float>) {
        return FieldType::Float;
    } else if constexpr (std::is_same_v<X, double>) {
        return FieldType::Double;
    } else if constexpr (std::is_same_v<X, QString>) {
        return FieldType::String;
    } else if constexpr (std::is_same_v<X, QByteArray>) {
        return FieldType::Bytes;
    } else if constexpr (std::is_same_v<X, QVariant>) {
        return FieldType::Variant;
    } else if constexpr (std::is_same_v<X, QDateTime>) {
        return FieldType::DateTime;
    } else if constexpr (std::is_same_v<X, QDate>) {
        return FieldType::Date;
    } else if constexpr (std::is_same_v<X, QTime>) {
        return FieldType::Time;
    } else {
        return FieldType::Unsupported;
    }
}

template<typename X>
struct OptionalOf
{
    using type = X;
    static constexpr bool value = false;
};
template<typename X>
struct OptionalOf<std::optional<X>>
{
    using type = X;
    static constexpr bool value = true;
};

// One member of an aggregate or tuple: its type and where it lives in the object.
struct Field
{
    FieldType type;
    bool optional; // a std::optional<X> of the type: NULL is std::nullopt
    std::size_t offset;
};

template<typename M>
constexpr bool isSupportedMember()
{
    using X = typename OptionalOf<M>::type;
    return fieldTypeOf<X>() != FieldType::Unsupported
            && !(OptionalOf<M>::value && std::is_same_v<X, QVariant>); // a QVariant holds NULL itself
}

// What the decoder knows of a row type T.
struct RowLayout
{
    enum Kind : quint8 {
        Aggregate,
        Tuple,
        Gadget
    };
    Kind kind;
    const char *typeName;
    const Field *fields; // Aggregate, Tuple
    int fieldCount;
    const QMetaObject *metaObject; // Gadget
    void *(*append)(void *list); // appends a default T to a QList<T>, returns it
};

// clang-format 14 mangles concepts.
// clang-format off
template<typename T>
concept GadgetRow = requires {
    typename T::QtGadgetHelper;
    T::staticMetaObject;
};

// clang-format on

template<typename T>
struct IsTuple : std::false_type
{
};
template<typename... E>
struct IsTuple<std::tuple<E...>> : std::true_type
{
};

// Aggregate reflection: the member count is the largest N for which T{a0,
// …, aN-1} compiles with placeholders that convert to anything; the members
// are then reached through a structured binding of that many names.
struct AnyMember
{
    template<typename U>
    operator U() const; // never defined: only named in unevaluated contexts
};
// clang-format off
template<typename T, typename... A>
concept BraceInitializable = requires { T{std::declval<A>()...}; };
// clang-format on
template<typename T, std::size_t... I>
constexpr bool initializableWith(std::index_sequence<I...>)
{
    return BraceInitializable<T, decltype((void)I, AnyMember{})...>;
}
inline constexpr std::size_t MaxAggregateMembers = 16;
template<typename T, std::size_t N = 0>
constexpr std::size_t memberCount()
{
    if constexpr (N < MaxAggregateMembers + 1 && initializableWith<T>(std::make_index_sequence<N + 1>()))
        return memberCount<T, N + 1>();
    else
        return N;
}

// Calls \a fn(members...) with references to the members of \a t.
template<typename T, typename Fn>
constexpr decltype(auto) visitMembers(T &t, Fn &&fn)
{
    constexpr std::size_t n = memberCount<std::remove_const_t<T>>();
    // clang-format off
    if constexpr (n == 1) { auto &[a] = t; return fn(a); }
    else if constexpr (n == 2) { auto &[a, b] = t; return fn(a, b); }
    else if constexpr (n == 3) { auto &[a, b, c] = t; return fn(a, b, c); }
    else if constexpr (n == 4) { auto &[a, b, c, d] = t; return fn(a, b, c, d); }
    else if constexpr (n == 5) { auto &[a, b, c, d, e] = t; return fn(a, b, c, d, e); }
    else if constexpr (n == 6) { auto &[a, b, c, d, e, f] = t; return fn(a, b, c, d, e, f); }
    else if constexpr (n == 7) { auto &[a, b, c, d, e, f, g] = t; return fn(a, b, c, d, e, f, g); }
    else if constexpr (n == 8) { auto &[a, b, c, d, e, f, g, h] = t; return fn(a, b, c, d, e, f, g, h); }
    else if constexpr (n == 9) { auto &[a, b, c, d, e, f, g, h, i] = t; return fn(a, b, c, d, e, f, g, h, i); }
    else if constexpr (n == 10) { auto &[a, b, c, d, e, f, g, h, i, j] = t; return fn(a, b, c, d, e, f, g, h, i, j); }
    else if constexpr (n == 11) { auto &[a, b, c, d, e, f, g, h, i, j, k] = t; return fn(a, b, c, d, e, f, g, h, i, j, k); }
    else if constexpr (n == 12) { auto &[a, b, c, d, e, f, g, h, i, j, k, l] = t; return fn(a, b, c, d, e, f, g, h, i, j, k, l); }
    else if constexpr (n == 13) { auto &[a, b, c, d, e, f, g, h, i, j, k, l, m] = t; return fn(a, b, c, d, e, f, g, h, i, j, k, l, m); }
    else if constexpr (n == 14) { auto &[a, b, c, d, e, f, g, h, i, j, k, l, m, o] = t; return fn(a, b, c, d, e, f, g, h, i, j, k, l, m, o); }
    else if constexpr (n == 15) { auto &[a, b, c, d, e, f, g, h, i, j, k, l, m, o, p] = t; return fn(a, b, c, d, e, f, g, h, i, j, k, l, m, o, p); }
    else if constexpr (n == 16) { auto &[a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q] = t; return fn(a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q); }
    else static_assert(n >= 1 && n <= MaxAggregateMembers, "typed rows: an aggregate needs 1 to 16 members");
    // clang-format on
}

template<typename T>
concept AggregateRow = std::is_class_v<T> && std::is_aggregate_v<T> && !GadgetRow<T> && !IsTuple<T>::value
        && std::is_default_constructible_v<T> && memberCount<T>() >= 1 && memberCount<T>() <= MaxAggregateMembers;

template<typename... M>
constexpr bool allSupported()
{
    return (isSupportedMember<std::remove_cvref_t<M>>() && ...);
}

template<typename M>
Field fieldOf(const void *object, const M &member)
{
    using X = typename OptionalOf<M>::type;
    return {fieldTypeOf<X>(), OptionalOf<M>::value,
            std::size_t(reinterpret_cast<const char *>(&member) - static_cast<const char *>(object))};
}

template<typename T>
struct FieldTable
{
    // The offsets are those of one object; every T has the same.
    static const QList<Field> &get()
    {
        static const QList<Field> fields = [] {
            T sample{};
            QList<Field> result;
            const auto collect = [&](const auto &...members) {
                (result.append(fieldOf(&sample, members)), ...);
            };
            if constexpr (IsTuple<T>::value)
                std::apply(collect, sample);
            else
                visitMembers(sample, collect);
            return result;
        }();
        return fields;
    }
};

template<typename T>
void *appendRow(void *list)
{
    // resize() default-constructs in place; emplaceBack() would move a
    // temporary, where GCC 12 (-O1, -fsanitize=thread) wrongly warns that an
    // empty std::optional<QString> member may be used uninitialized.
    auto *rows = static_cast<QList<T> *>(list);
    rows->resize(rows->size() + 1);
    return &rows->last();
}

template<typename T>
constexpr bool membersSupported()
{
    if constexpr (IsTuple<T>::value) {
        return []<typename... E>(std::tuple<E...> *) {
            return allSupported<E...>();
        }(static_cast<T *>(nullptr));
    } else {
        return decltype(visitMembers(std::declval<T &>(), [](auto &...m) {
            return std::bool_constant<allSupported<decltype(m)...>()>();
        }))::value;
    }
}

template<typename T>
const RowLayout &rowLayout()
{
    static const RowLayout layout = [] {
        if constexpr (GadgetRow<T>) {
            return RowLayout{RowLayout::Gadget, T::staticMetaObject.className(), nullptr, 0, &T::staticMetaObject,
                             &appendRow<T>};
        } else {
            const QList<Field> &fields = FieldTable<T>::get();
            return RowLayout{IsTuple<T>::value ? RowLayout::Tuple : RowLayout::Aggregate,
                             QMetaType::fromType<T>().name(),
                             fields.constData(),
                             int(fields.size()),
                             nullptr,
                             &appendRow<T>};
        }
    }();
    return layout;
}

// The worker side of typed rows (src/typed/typedrows.cpp). \a rows is a
// QList<T> of \a layout's type; parameters come from \a params, or from
// the object \a paramObject of \a paramLayout.
QASYNCSQLITE_EXPORT void executeTyped(QAsyncSqliteWorker &worker, const QString &sql, const Params &params,
                                      const RowLayout &layout, void *rows);
QASYNCSQLITE_EXPORT void executeTyped(QAsyncSqliteWorker &worker, const QString &sql, const RowLayout &paramLayout,
                                      const void *paramObject, const RowLayout &layout, void *rows);
// executeMany() over the \a count objects of \a paramLayout's type at \a first, \a stride bytes apart.
QASYNCSQLITE_EXPORT qint64 executeManyTyped(QAsyncSqliteWorker &worker, const QString &sql,
                                            const RowLayout &paramLayout, const void *first, qsizetype count,
                                            qsizetype stride);
// A typed fetch bound to one cursor: reads up to its count of rows into a QList<T> of the layout's type.
using TypedFetch = std::function<void(QAsyncSqliteWorker &worker, const RowLayout &layout, void *rows)>;

// The jobs behind the typed requests of connections, handles and cursors.
template<typename T, typename P>
std::unique_ptr<CallableJob<QList<T>>> typedQueryJob(const QString &sql, const P &params)
{
    return std::make_unique<CallableJob<QList<T>>>([sql, params](QAsyncSqliteWorker &worker) {
        QList<T> rows;
        if constexpr (std::is_same_v<P, QVariantList> || std::is_same_v<P, QVariantMap>)
            executeTyped(worker, sql, Params(params), rowLayout<T>(), &rows);
        else
            executeTyped(worker, sql, rowLayout<P>(), &params, rowLayout<T>(), &rows);
        return rows;
    });
}

template<typename P>
std::unique_ptr<CallableJob<qint64>> typedManyJob(const QString &sql, const QList<P> &paramSets)
{
    return std::make_unique<CallableJob<qint64>>([sql, paramSets](QAsyncSqliteWorker &worker) {
        return executeManyTyped(worker, sql, rowLayout<P>(), paramSets.constData(), paramSets.size(),
                                qsizetype(sizeof(P)));
    });
}

template<typename T>
std::unique_ptr<CallableJob<QList<T>>> typedFetchJob(TypedFetch fetch)
{
    return std::make_unique<CallableJob<QList<T>>>([fetch = std::move(fetch)](QAsyncSqliteWorker &worker) {
        QList<T> rows;
        fetch(worker, rowLayout<T>(), &rows);
        return rows;
    });
}

} // namespace Detail

/*!
    \concept QAsyncSqlite::TypedRow
    \brief A type that typed rows read result rows into and bind parameters
    from (doc/typed-rows.md): a \c Q_GADGET (columns to properties by
    name), an aggregate struct of 1 to 16 members (by position) or a
    \c std::tuple (by position), default-constructible, whose members are
    \c bool, integers, \c float, \c double, QString, QByteArray, QVariant,
    QDateTime, QDate, QTime or a \c std::optional of one of them but QVariant.
*/
// clang-format off
template<typename T>
concept TypedRow = std::is_default_constructible_v<T>
        && (Detail::GadgetRow<T> || (Detail::IsTuple<T>::value && Detail::membersSupported<T>())
            || (Detail::AggregateRow<T> && Detail::membersSupported<T>()));
// clang-format on

} // namespace QAsyncSqlite

#endif // QASYNCSQLITETYPED_H
