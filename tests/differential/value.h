// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef DIFFERENTIAL_VALUE_H
#define DIFFERENTIAL_VALUE_H

// The tagged JSON encoding of SQLite values that both executors speak
// (PROTOCOL.md, "Values").

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qjsonvalue.h>
#include <QtCore/qvariant.h>

namespace Differential {

QJsonValue integer(qint64 value);
QJsonValue real(double value);
QJsonValue text(const QString &value);
QJsonValue bytes(const QByteArray &value);

// A value QAsyncSqlite returned (qint64, double, QString, QByteArray or
// null) in the tagged encoding; anything else is reported as such.
QJsonValue fromVariant(const QVariant &value);
// A row (QVariantList) or rows as JSON arrays.
QJsonArray rowToJson(const QVariant &row);
QJsonArray rowsToJson(const QVariantList &rows);
// A tagged value as the QVariant to bind.
QVariant toVariant(const QJsonValue &value);
// Parameters: a JSON array binds positionally, an object by name.
bool isNamed(const QJsonValue &params);
QVariantList positional(const QJsonValue &params);
QVariantMap named(const QJsonValue &params);

// Whether two tagged values (or arrays of them, recursively) are equal:
// reals by their bits, every NaN equal to every NaN.
bool sameValue(const QJsonValue &a, const QJsonValue &b);

// A tagged value as an SQL literal, for executeScript() text.
QString sqlLiteral(const QJsonValue &value);

} // namespace Differential

#endif // DIFFERENTIAL_VALUE_H
