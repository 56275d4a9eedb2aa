// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLVALUES_H
#define QASYNCSQLITEQMLVALUES_H

#include <QAsyncSqlite/qasyncsqliteconnection.h> // QAsyncSqlite::Detail::Params

#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>
#include <QtQml/qjsvalue.h>

#include <optional>
#include <variant>

class QJSEngine;

// JavaScript values to the values QAsyncSqlite binds, and its results back to
// JavaScript: one set of rules for the whole QML module (doc/qml.md, "Values").
namespace QAsyncSqliteQml {

// Positional or named parameters, the type the connection takes. Not wrapped
// in a QVariant: a QVariant would release its copy of the list or map inside
// libQt6Core, where ThreadSanitizer (Debian's Qt is not instrumented) cannot
// see the atomic reference count ordering that release after the worker's
// last read.
using QAsyncSqlite::Detail::Params;

// A result value as JS: NULL as null, an integer beyond ±2^53 as a string
// (no digit lost), lists as arrays, maps and rows as objects, QByteArray as
// ArrayBuffer.
QJSValue toJs(QJSEngine *engine, const QVariant &value);

// One JS parameter as a bindable value; nothing for a type SQLite cannot store.
std::optional<QVariant> parameterFromJs(const QJSValue &value);

// Converts \a params (undefined or null: none, an array for `?`, a plain
// object for `:name`) into \a out. Returns why it cannot, prefixed with
// \a context (e.g. "execute()"), or an empty string; \a out is filled even
// then, each value it cannot convert kept as a QJSValue that fails binding.
QString paramsFromJs(const QString &context, const QJSValue &params, Params &out);

// Whether \a value is an Array or array-like: a C++ list reaches JS as a
// sequence object, and Qt 6.8 passes an array bound to a QJSValue
// property that way too.
bool isList(const QJSValue &value);

// The JS type of \a value as error messages name it: "array", "object" …
QString typeName(const QJSValue &value);
// A JS Symbol: the one value QJSValue has no test for (Qt 6.4).
bool isSymbol(const QJSValue &value);
// QJSValue::toVariant(), except that a Symbol (which crashes it in Qt 6.4)
// gives an invalid QVariant.
QVariant toVariant(const QJSValue &value);

// A statement's (sql, params) of \a method, as converted values in
// \a outSql, \a outParams; returns why not, or an empty string.
QString statementFromJs(const QString &method, const QJSValue &sql, const QJSValue &params, QString &outSql,
                        Params &outParams);
// executeMany()'s (sql, parameter sets): an array of arrays.
QString paramSetsFromJs(const QString &method, const QJSValue &sql, const QJSValue &paramSets,
                        QList<QVariantList> &out);

} // namespace QAsyncSqliteQml

#endif // QASYNCSQLITEQMLVALUES_H
