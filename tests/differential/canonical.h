// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef DIFFERENTIAL_CANONICAL_H
#define DIFFERENTIAL_CANONICAL_H

// The committed content of a database file as PROTOCOL.md's canonical text
// ("Final"), read through a connection of its own.

#include <QtCore/qmap.h>
#include <QtCore/qstring.h>

#include <optional>

namespace Differential {

struct Content
{
    QByteArray text; // the canonical text
    QByteArray sha256; // of text, hex
    QMap<QString, QByteArray> tables; // table name -> hex SHA-256 of its part
    QMap<QString, QString> schema; // table name -> its CREATE statement
};

// Reads \a path without waiting for locks: nullopt while another connection
// holds one that keeps readers out (rollback journal, during a write).
std::optional<Content> readContent(const QString &path, QString *error = nullptr);

} // namespace Differential

#endif // DIFFERENTIAL_CANONICAL_H
