// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlvalues.h"

#include <QAsyncSqlite/qasyncsqliterow.h>

#include <QtCore/qdatetime.h>
#include <QtQml/qjsengine.h>
#include <QtQml/qjsvalueiterator.h>

#include <cmath>

using namespace Qt::StringLiterals;

namespace QAsyncSqliteQml {

namespace {

// Beyond 2^53 a JS number cannot hold every integer: such values become
// strings so no digit is lost.
constexpr qint64 MaxSafeInteger = (qint64(1) << 53);

QJSValue rowToJs(QJSEngine *engine, const QStringList &keys, const QVariantList &values)
{
    QJSValue object = engine->newObject();
    for (qsizetype i = 0; i < keys.size(); ++i)
        object.setProperty(keys.at(i), toJs(engine, values.value(i)));
    return object;
}

} // namespace

QJSValue toJs(QJSEngine *engine, const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        return QJSValue(QJSValue::NullValue);
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::ULongLong: {
        const qint64 n = value.toLongLong();
        if (n > MaxSafeInteger || n < -MaxSafeInteger)
            return QJSValue(QString::number(n));
        return QJSValue(double(n));
    }
    case QMetaType::Double:
        return QJSValue(value.toDouble());
    case QMetaType::Bool:
        return QJSValue(value.toBool());
    case QMetaType::QString:
        return QJSValue(value.toString());
    case QMetaType::QVariantList: {
        const QVariantList list = value.toList();
        QJSValue array = engine->newArray(uint(list.size()));
        for (qsizetype i = 0; i < list.size(); ++i)
            array.setProperty(quint32(i), toJs(engine, list.at(i)));
        return array;
    }
    case QMetaType::QVariantMap: {
        const QVariantMap map = value.toMap();
        return rowToJs(engine, map.keys(), map.values());
    }
    default:
        if (value.metaType() == QMetaType::fromType<QAsyncSqliteRow>()) {
            const auto row = value.value<QAsyncSqliteRow>();
            return rowToJs(engine, row.keys(), row.toList());
        }
        return engine->toScriptValue(value); // QByteArray -> ArrayBuffer, dates -> Date
    }
}

// What a value is without looking inside it: an ArrayBuffer a QByteArray, a
// C++ container a list, a plain object a QJSValue. Qt 6.4 crashes converting
// a Symbol, also one nested in an object, which the deep conversion reaches.
static QVariant shallowVariant(const QJSValue &value)
{
    return isSymbol(value) ? QVariant() : value.toVariant(QJSValue::RetainJSObjects);
}

std::optional<QVariant> parameterFromJs(const QJSValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QVariant();
    if (value.isBool())
        return value.toBool();
    if (value.isNumber()) {
        const double d = value.toNumber();
        if (std::isfinite(d) && d == std::trunc(d) && std::abs(d) <= double(MaxSafeInteger))
            return qint64(d);
        return d;
    }
    if (value.isString())
        return value.toString();
    if (value.isDate()) {
        // ISO 8601 with the local UTC offset ("2024-05-01T12:34:56.789+02:00"):
        // the exact instant, as SQLite's date functions read it. See doc/qml.md.
        const QDateTime local = value.toDateTime().toLocalTime();
        return local.toOffsetFromUtc(local.offsetFromUtc()).toString(Qt::ISODateWithMs);
    }
    QVariant variant = shallowVariant(value);
    if (variant.metaType().id() != QMetaType::QByteArray)
        return std::nullopt; // ArrayBuffer is the only object SQLite stores
    return variant;
}

// What stands in for a value paramsFromJs() cannot convert: the JS value
// itself, which fails binding with a clear error wherever it is bound.
static QVariant unbindable(const QJSValue &value)
{
    return QVariant::fromValue(value);
}

QString paramsFromJs(const QString &context, const QJSValue &params, Params &out)
{
    if (params.isUndefined() || params.isNull()) {
        out = QVariantList();
        return {};
    }
    if (isList(params)) {
        QVariantList list;
        QString problem;
        const int length = params.property(u"length"_s).toInt();
        for (int i = 0; i < length; ++i) {
            const QJSValue param = params.property(quint32(i));
            const std::optional<QVariant> value = parameterFromJs(param);
            if (!value && problem.isEmpty())
                problem = u"%1: parameter %2 has an unsupported type (%3)"_s.arg(context).arg(i + 1).arg(typeName(param));
            list.append(value.value_or(unbindable(param)));
        }
        out = list;
        return problem;
    }
    if (params.isObject() && !params.isDate() && shallowVariant(params).metaType().id() != QMetaType::QByteArray) {
        QVariantMap map;
        QString problem;
        QJSValueIterator it(params);
        while (it.hasNext()) {
            it.next();
            const std::optional<QVariant> value = parameterFromJs(it.value());
            if (!value && problem.isEmpty())
                problem = u"%1: parameter '%2' has an unsupported type"_s.arg(context, it.name());
            map.insert(it.name(), value.value_or(unbindable(it.value())));
        }
        out = map;
        return problem;
    }
    out = QVariantList{unbindable(params)};
    return u"%1: the parameters must be an array or an object, not %2"_s.arg(context, typeName(params));
}

bool isList(const QJSValue &value)
{
    return value.isArray() || (value.isObject() && shallowVariant(value).typeId() == QMetaType::QVariantList);
}

QString typeName(const QJSValue &value)
{
    if (value.isUndefined())
        return u"undefined"_s;
    if (value.isNull())
        return u"null"_s;
    if (value.isArray())
        return u"array"_s;
    if (value.isNumber())
        return u"number"_s;
    if (value.isBool())
        return u"boolean"_s;
    if (value.isString())
        return u"string"_s;
    return isSymbol(value) ? u"symbol"_s : u"object"_s;
}

bool isSymbol(const QJSValue &value)
{
    return !value.isObject() && !value.isBool() && !value.isNumber() && !value.isString() && !value.isNull()
            && !value.isUndefined();
}

QVariant toVariant(const QJSValue &value)
{
    return isSymbol(value) ? QVariant() : value.toVariant();
}

QString statementFromJs(const QString &method, const QJSValue &sql, const QJSValue &params, QString &outSql,
                        Params &outParams)
{
    if (!sql.isString())
        return u"%1(): the SQL must be a string, not %2"_s.arg(method, typeName(sql));
    outSql = sql.toString();
    return paramsFromJs(method + u"()"_s, params, outParams);
}

QString paramSetsFromJs(const QString &method, const QJSValue &sql, const QJSValue &paramSets, QList<QVariantList> &out)
{
    if (!sql.isString())
        return u"%1(): the SQL must be a string, not %2"_s.arg(method, typeName(sql));
    if (!paramSets.isArray())
        return u"%1(): the parameter sets must be an array, not %2"_s.arg(method, typeName(paramSets));
    const int length = paramSets.property(u"length"_s).toInt();
    for (int i = 0; i < length; ++i) {
        const QJSValue set = paramSets.property(quint32(i));
        if (!set.isArray())
            return u"%1(): parameter set %2 must be an array, not %3"_s.arg(method).arg(i).arg(typeName(set));
        Params bound;
        if (const QString problem = paramsFromJs(method + u"()"_s, set, bound); !problem.isEmpty())
            return problem;
        out.append(std::get<QVariantList>(std::move(bound)));
    }
    return {};
}

} // namespace QAsyncSqliteQml
