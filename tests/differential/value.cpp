// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "value.h"

#include <QtCore/qstringlist.h>

#include <charconv>
#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace Differential {

namespace {

QString shortestReal(double value)
{
    if (std::isnan(value))
        return u"nan"_s;
    if (std::isinf(value))
        return value > 0 ? u"inf"_s : u"-inf"_s;
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return QString::fromLatin1(buffer, end - buffer);
}

double parseReal(const QString &text)
{
    if (text == u"nan")
        return std::nan("");
    if (text == u"inf")
        return HUGE_VAL;
    if (text == u"-inf")
        return -HUGE_VAL;
    return std::strtod(text.toLatin1().constData(), nullptr);
}

QString tagOf(const QJsonValue &value)
{
    return value.isObject() ? value.toObject().constBegin().key() : QString();
}

} // namespace

QJsonValue integer(qint64 value)
{
    return QJsonObject{{u"i"_s, QString::number(value)}};
}

QJsonValue real(double value)
{
    return QJsonObject{{u"r"_s, shortestReal(value)}};
}

QJsonValue text(const QString &value)
{
    return QJsonObject{{u"t"_s, value}};
}

QJsonValue bytes(const QByteArray &value)
{
    return QJsonObject{{u"b"_s, QString::fromLatin1(value.toHex())}};
}

QJsonValue fromVariant(const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return QJsonValue::Null;
    switch (value.typeId()) {
    case QMetaType::LongLong:
        return integer(value.toLongLong());
    case QMetaType::Double:
        return real(value.toDouble());
    case QMetaType::QString:
        return text(value.toString());
    case QMetaType::QByteArray:
        return bytes(value.toByteArray());
    default:
        return QJsonObject{{u"unexpected type"_s, QString::fromLatin1(value.metaType().name())}};
    }
}

QJsonArray rowToJson(const QVariant &row)
{
    QJsonArray values;
    for (const QVariant &value : row.toList())
        values.append(fromVariant(value));
    return values;
}

QJsonArray rowsToJson(const QVariantList &rows)
{
    QJsonArray result;
    for (const QVariant &row : rows)
        result.append(rowToJson(row));
    return result;
}

QVariant toVariant(const QJsonValue &value)
{
    if (value.isNull())
        return {};
    const QJsonObject object = value.toObject();
    const QString tag = tagOf(value);
    const QString payload = object.value(tag).toString();
    if (tag == u"i")
        return QVariant(payload.toLongLong());
    if (tag == u"r")
        return QVariant(parseReal(payload));
    if (tag == u"t")
        return QVariant(payload);
    if (tag == u"b")
        return QVariant(QByteArray::fromHex(payload.toLatin1()));
    qFatal("differential: not a tagged value");
}

bool isNamed(const QJsonValue &params)
{
    return params.isObject();
}

QVariantList positional(const QJsonValue &params)
{
    QVariantList values;
    for (const QJsonValue &value : params.toArray())
        values.append(toVariant(value));
    return values;
}

QVariantMap named(const QJsonValue &params)
{
    QVariantMap values;
    const QJsonObject object = params.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        values.insert(it.key(), toVariant(it.value()));
    return values;
}

bool sameValue(const QJsonValue &a, const QJsonValue &b)
{
    if (a.isArray() && b.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!sameValue(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    if (tagOf(a) == u"r" && tagOf(b) == u"r") {
        const double x = parseReal(a.toObject().value(u"r").toString());
        const double y = parseReal(b.toObject().value(u"r").toString());
        if (std::isnan(x) || std::isnan(y))
            return std::isnan(x) && std::isnan(y);
        return std::memcmp(&x, &y, sizeof x) == 0;
    }
    return a == b;
}

QString sqlLiteral(const QJsonValue &value)
{
    if (value.isNull())
        return u"NULL"_s;
    const QString tag = tagOf(value);
    const QString payload = value.toObject().value(tag).toString();
    if (tag == u"i")
        return payload;
    if (tag == u"r") {
        const double x = parseReal(payload);
        if (std::isnan(x))
            return u"NULL"_s; // what binding a NaN stores, too
        if (std::isinf(x))
            return x > 0 ? u"9e999"_s : u"-9e999"_s;
        QString literal = shortestReal(x);
        if (!literal.contains(u'.') && !literal.contains(u'e'))
            literal += u".0"_s; // "1" would be an INTEGER literal
        return literal;
    }
    if (tag == u"t") {
        // SQL text cannot hold a NUL: splice char(0) in.
        QStringList parts;
        for (const QString &part : payload.split(QChar(0))) {
            QString quoted = part;
            parts.append(u'\'' + quoted.replace(u'\'', u"''"_s) + u'\'');
        }
        return parts.join(u" || char(0) || "_s);
    }
    return u"X'"_s + payload + u'\'';
}

} // namespace Differential
