// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/qasyncsqliterow.h>

#include <QtCore/qdebug.h>

class QAsyncSqliteRowPrivate : public QSharedData
{
public:
    QStringList columns; // shared by every row of one result
    QVariantList values;
};

QT_DEFINE_QESDP_SPECIALIZATION_DTOR(QAsyncSqliteRowPrivate)

QAsyncSqliteRow::QAsyncSqliteRow() = default;

QAsyncSqliteRow::QAsyncSqliteRow(const QStringList &columns, const QVariantList &values) : d(new QAsyncSqliteRowPrivate)
{
    Q_ASSERT(columns.size() == values.size());
    d->columns = columns;
    d->values = values;
}

QAsyncSqliteRow::QAsyncSqliteRow(const QAsyncSqliteRow &other) = default;
QAsyncSqliteRow::QAsyncSqliteRow(QAsyncSqliteRow &&other) noexcept = default;
QAsyncSqliteRow &QAsyncSqliteRow::operator=(const QAsyncSqliteRow &other) = default;
QAsyncSqliteRow &QAsyncSqliteRow::operator=(QAsyncSqliteRow &&other) noexcept = default;
QAsyncSqliteRow::~QAsyncSqliteRow() = default;

QVariant QAsyncSqliteRow::value(int index) const
{
    if (!d || index < 0 || index >= d->values.size())
        return {};
    return d->values.at(index);
}

QVariant QAsyncSqliteRow::value(const QString &name) const
{
    if (!d)
        return {};
    for (qsizetype i = 0; i < d->columns.size(); ++i) {
        if (d->columns.at(i).compare(name, Qt::CaseInsensitive) == 0)
            return d->values.at(i);
    }
    return {};
}

bool QAsyncSqliteRow::contains(const QString &name) const
{
    return d && d->columns.contains(name, Qt::CaseInsensitive);
}

QStringList QAsyncSqliteRow::keys() const
{
    return d ? d->columns : QStringList();
}

int QAsyncSqliteRow::count() const
{
    return d ? int(d->values.size()) : 0;
}

QVariantList QAsyncSqliteRow::toList() const
{
    return d ? d->values : QVariantList();
}

QVariantMap QAsyncSqliteRow::toMap() const
{
    QVariantMap map;
    if (d) {
        for (qsizetype i = 0; i < d->columns.size(); ++i)
            map.insert(d->columns.at(i), d->values.at(i));
    }
    return map;
}

#ifndef QT_NO_DEBUG_STREAM
QDebug operator<<(QDebug debug, const QAsyncSqliteRow &row)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "QAsyncSqliteRow(";
    const QStringList keys = row.keys();
    const QVariantList values = row.toList();
    for (qsizetype i = 0; i < keys.size(); ++i)
        debug << (i > 0 ? ", " : "") << keys.at(i) << ": " << values.at(i);
    debug << ')';
    return debug;
}
#endif
