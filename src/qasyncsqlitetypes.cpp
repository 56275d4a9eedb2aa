// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqlitetypes_p.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qhash.h>
#include <QtCore/qreadwritelock.h>

#include <atomic>
#include <limits>

namespace {

QString timeToSql(QTime time)
{
    // Python's isoformat(): six fraction digits (microseconds), none when zero.
    return time.toString(time.msec() ? QStringLiteral("HH:mm:ss.zzz000") : QStringLiteral("HH:mm:ss"));
}

QDateTime parseTimestamp(const QByteArray &raw)
{
    // Accept both Python's "YYYY-MM-DD HH:MM:SS[.ffffff]" and ISO 8601 'T'.
    QString text = QString::fromUtf8(raw).trimmed();
    if (text.size() > 10 && text.at(10) == QLatin1Char(' '))
        text[10] = QLatin1Char('T');
    // Qt parses at most milliseconds; drop further fraction digits.
    const qsizetype dot = text.indexOf(QLatin1Char('.'), 19);
    if (dot > 0) {
        qsizetype end = dot + 1;
        while (end < text.size() && text.at(end).isDigit())
            ++end;
        if (end - dot > 4)
            text.remove(dot + 4, end - dot - 4);
    }
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

struct Registry
{
    QReadWriteLock lock;
    QHash<int, QAsyncSqlite::Adapter> adapters;
    QHash<QString, QAsyncSqlite::Converter> converters;
    std::atomic<bool> hasAdapters{false};

    Registry()
    {
        converters.insert(QStringLiteral("date"), [](const QByteArray &raw) {
            return QVariant(QDate::fromString(QString::fromUtf8(raw).trimmed(), Qt::ISODate));
        });
        converters.insert(QStringLiteral("time"), [](const QByteArray &raw) {
            return QVariant(QTime::fromString(QString::fromUtf8(raw).trimmed().left(12), Qt::ISODateWithMs));
        });
        converters.insert(QStringLiteral("timestamp"), [](const QByteArray &raw) {
            return QVariant(parseTimestamp(raw));
        });
        converters.insert(QStringLiteral("datetime"), converters.value(QStringLiteral("timestamp")));
    }
};

Registry &registry()
{
    // Never destroyed: requests of a connection with static lifetime still
    // bind values during exit (tst_fault_races::appQuitsWithConnectionsOpen).
    static Registry &instance = *new Registry;
    return instance;
}

} // namespace

void QAsyncSqlite::registerAdapter(QMetaType type, const Adapter &adapter)
{
    Registry &r = registry();
    QWriteLocker locker(&r.lock);
    if (adapter)
        r.adapters.insert(type.id(), adapter);
    else
        r.adapters.remove(type.id());
    r.hasAdapters.store(!r.adapters.isEmpty(), std::memory_order_release);
}

void QAsyncSqlite::registerConverter(const QString &typeName, const Converter &converter)
{
    Registry &r = registry();
    QWriteLocker locker(&r.lock);
    if (converter)
        r.converters.insert(typeName.toLower(), converter);
    else
        r.converters.remove(typeName.toLower());
}

QAsyncSqlite::Adapter QAsyncSqlite::Detail::adapterFor(QMetaType type)
{
    Registry &r = registry();
    // Binding is hot: skip the lock entirely while no adapter is registered.
    if (!r.hasAdapters.load(std::memory_order_acquire))
        return {};
    QReadLocker locker(&r.lock);
    return r.adapters.value(type.id());
}

QAsyncSqlite::Converter QAsyncSqlite::Detail::converterFor(const QString &typeName)
{
    Registry &r = registry();
    QReadLocker locker(&r.lock);
    return r.converters.value(typeName.toLower());
}

QString QAsyncSqlite::Detail::dateTimeToSql(const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::QDate:
        return value.toDate().toString(Qt::ISODate);
    case QMetaType::QTime:
        return timeToSql(value.toTime());
    case QMetaType::QDateTime: {
        const QDateTime dt = value.toDateTime();
        QString text = dt.date().toString(Qt::ISODate) + QLatin1Char(' ') + timeToSql(dt.time());
        if (dt.timeSpec() == Qt::UTC)
            text += QLatin1String("+00:00");
        else if (dt.timeSpec() == Qt::OffsetFromUTC || dt.timeSpec() == Qt::TimeZone) {
            const int offset = dt.offsetFromUtc();
            const int minutes = qAbs(offset) / 60;
            text += QStringLiteral("%1%2:%3")
                                           .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                                           .arg(minutes / 60, 2, 10, QLatin1Char('0'))
                                           .arg(minutes % 60, 2, 10, QLatin1Char('0'));
        }
        return text;
    }
    default:
        return {};
    }
}

namespace {

// Qt's null values, which Qt's own SQLite driver binds as NULL
// (tst_values::nullsBindAsQSqlite): a null QVariant of any type (QVariant(),
// nullptr, QVariant(QMetaType)), a null QString or QByteArray, and an
// invalid QDate, QTime or QDateTime.
bool isQtNull(const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::QString:
        return static_cast<const QString *>(value.constData())->isNull();
    case QMetaType::QByteArray:
        return static_cast<const QByteArray *>(value.constData())->isNull();
    case QMetaType::QDate:
        return !static_cast<const QDate *>(value.constData())->isValid();
    case QMetaType::QTime:
        return !static_cast<const QTime *>(value.constData())->isValid();
    case QMetaType::QDateTime:
        return !static_cast<const QDateTime *>(value.constData())->isValid();
    default:
        return false;
    }
}

} // namespace

QAsyncSqlite::Detail::SqlValue QAsyncSqlite::Detail::toSqlValue(const QVariant &original, NullValues nulls)
{
    // Before adapters, as Python never adapts None.
    if (original.isNull() || (nulls == NullValues::QtSql && isQtNull(original)))
        return {};
    QVariant value = original;
    if (const Adapter adapter = adapterFor(value.metaType()))
        value = adapter(value);
    SqlValue result;
    switch (value.metaType().id()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        break;
    case QMetaType::Bool:
        result.kind = SqlValue::Integer;
        result.integer = value.toBool() ? 1 : 0;
        break;
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Char:
    case QMetaType::SChar:
    case QMetaType::UChar:
        result.kind = SqlValue::Integer;
        result.integer = value.toLongLong();
        break;
    case QMetaType::ULong:
    case QMetaType::ULongLong: {
        const quint64 u = value.toULongLong();
        result.kind = u > quint64(std::numeric_limits<qint64>::max()) ? SqlValue::TooLarge : SqlValue::Integer;
        result.integer = qint64(u);
        break;
    }
    case QMetaType::Double:
    case QMetaType::Float:
        result.kind = SqlValue::Real;
        result.real = value.toDouble();
        break;
    case QMetaType::QString:
        result.kind = SqlValue::Text;
        result.bytes = value.toString().toUtf8();
        break;
    case QMetaType::QChar:
        result.kind = SqlValue::Text;
        result.bytes = QString(value.toChar()).toUtf8();
        break;
    case QMetaType::QDate:
    case QMetaType::QTime:
    case QMetaType::QDateTime:
        result.kind = SqlValue::Text;
        result.bytes = dateTimeToSql(value).toUtf8();
        break;
    case QMetaType::QByteArray:
        result.kind = SqlValue::Blob;
        result.bytes = value.toByteArray();
        break;
    default:
        result.kind = SqlValue::Unsupported;
    }
    return result;
}
