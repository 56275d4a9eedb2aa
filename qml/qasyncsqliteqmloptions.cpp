// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmloptions.h"

#include "qasyncsqliteqmlglobal.h"
#include "qasyncsqliteqmlvalues.h"

#include <QtCore/qmetaobject.h>

using namespace Qt::StringLiterals;
using namespace QAsyncSqlite;

namespace {

std::optional<IsolationLevel> isolationFromString(const QString &name)
{
    const QString level = name.toLower();
    if (level == u"deferred"_s || level.isEmpty())
        return IsolationLevel::Deferred;
    if (level == u"immediate"_s)
        return IsolationLevel::Immediate;
    if (level == u"exclusive"_s)
        return IsolationLevel::Exclusive;
    if (level == u"autocommit"_s)
        return IsolationLevel::Autocommit;
    return std::nullopt;
}

// Reads the documented keys of a JS object into options, warning about the
// keys it does not know and the values of the wrong type, which it leaves out.
QAsyncSqliteQmlOptions optionsFromMap(const QVariantMap &map)
{
    QAsyncSqliteQmlOptions options;
    const QMetaObject &meta = QAsyncSqliteQmlOptions::staticMetaObject;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const int index = meta.indexOfProperty(it.key().toUtf8().constData());
        if (index < 0) {
            qCWarning(lcQml).noquote() << "AsyncSqlite: unknown option" << it.key();
            continue;
        }
        const QMetaProperty property = meta.property(index);
        QVariant value = *it;
        if (!value.convert(property.metaType()) || !property.writeOnGadget(&options, value))
            qCWarning(lcQml).noquote() << "AsyncSqlite: option" << it.key() << "cannot be" << it->toString();
    }
    return options;
}

// Qt 6.4 has no constructible value types: the engine converts a JS object
// assigned to `options` with these.
[[maybe_unused]] const bool optionsConvertersRegistered =
        QMetaType::registerConverter<QVariantMap, QAsyncSqliteQmlOptions>(optionsFromMap)
        && QMetaType::registerConverter<QJSValue, QAsyncSqliteQmlOptions>([](const QJSValue &object) {
               return QAsyncSqliteQmlOptions(object);
           });

} // namespace

QAsyncSqliteQmlOptions::QAsyncSqliteQmlOptions(const QJSValue &object)
    : QAsyncSqliteQmlOptions(optionsFromMap(QAsyncSqliteQml::toVariant(object).toMap()))
{
}

QAsyncSqliteOptions QAsyncSqliteQmlOptions::toConnectionOptions() const
{
    QAsyncSqliteOptions options;
    options.busyTimeout = std::chrono::milliseconds(busyTimeout);
    if (const auto level = isolationFromString(isolationLevel))
        options.isolationLevel = *level;
    else
        qCWarning(lcQml) << "AsyncSqlite: unknown isolationLevel" << isolationLevel;
    options.pragmas = pragmas;
    if (readOnly)
        options.openMode = OpenMode::ReadOnly;
    else if (!create)
        options.openMode = OpenMode::ReadWrite;
    options.uri = uri;
    options.cachedStatements = cachedStatements;
    options.readers = readers;
    return options;
}
