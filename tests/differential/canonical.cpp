// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "canonical.h"

#include <QtCore/qcryptographichash.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qendian.h>

#include <sqlite3.h>

#include <bit>
#include <cstring>
#include <memory>

using namespace Qt::StringLiterals;

namespace Differential {

namespace {

struct Failure
{
    int rc;
};

struct Reader
{
    sqlite3 *db = nullptr;
    ~Reader() { sqlite3_close(db); }

    // Calls \a row for each result row of \a sql; throws Failure.
    template<typename Fn>
    void query(const QString &sql, Fn &&row)
    {
        sqlite3_stmt *stmt = nullptr;
        const QByteArray utf8 = sql.toUtf8();
        int rc = sqlite3_prepare_v2(db, utf8.constData(), int(utf8.size()), &stmt, nullptr);
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> owner(stmt, sqlite3_finalize);
        if (rc != SQLITE_OK)
            throw Failure{rc};
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
            row(stmt);
        if (rc != SQLITE_DONE)
            throw Failure{rc};
    }
};

QString quoted(const QString &name)
{
    return u'"' + QString(name).replace(u'"', u"\"\""_s) + u'"';
}

QByteArray hex(const void *data, int size)
{
    return QByteArray(static_cast<const char *>(data), size).toHex();
}

QByteArray value(sqlite3_stmt *stmt, int column)
{
    switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
        return "n";
    case SQLITE_INTEGER:
        return "i:" + QByteArray::number(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT: {
        const quint64 bits = qToBigEndian(std::bit_cast<quint64>(sqlite3_column_double(stmt, column)));
        return "r:" + hex(&bits, sizeof bits);
    }
    case SQLITE_TEXT: {
        const unsigned char *text = sqlite3_column_text(stmt, column);
        return "t:" + hex(text, sqlite3_column_bytes(stmt, column));
    }
    default: {
        const void *blob = sqlite3_column_blob(stmt, column);
        return "b:" + hex(blob, sqlite3_column_bytes(stmt, column));
    }
    }
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

} // namespace

std::optional<Content> readContent(const QString &path, QString *error)
{
    Reader reader;
    if (sqlite3_open_v2(path.toUtf8().constData(), &reader.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        if (error)
            *error = QString::fromUtf8(sqlite3_errmsg(reader.db));
        return std::nullopt;
    }
    Content content;
    try {
        // One read transaction: the schema and every table from one snapshot.
        reader.query(u"BEGIN"_s, [](sqlite3_stmt *) {});
        content.text = "schema\n";
        QStringList tables; // in name order, as the spec lists them
        reader.query(u"SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"_s,
                     [&](sqlite3_stmt *stmt) {
                         const QByteArray type = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
                         const QString name =
                                 QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1)));
                         const bool hasSql = sqlite3_column_type(stmt, 3) != SQLITE_NULL;
                         const QByteArray sql = hasSql
                                 ? QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 3)))
                                 : QByteArray();
                         content.text += type + '|' + name.toUtf8() + '|'
                                 + QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 2))) + '|'
                                 + (hasSql ? sql.toHex() : QByteArray("n")) + '\n';
                         if (type == "table") {
                             tables.append(name);
                             content.schema.insert(name, QString::fromUtf8(sql));
                         }
                     });
        for (const QString &table : tables) {
            int columns = 0;
            reader.query(u"PRAGMA table_info("_s + quoted(table) + u')', [&](sqlite3_stmt *) {
                ++columns;
            });
            QStringList order;
            for (int i = 1; i <= columns; ++i)
                order.append(QString::number(i));
            QByteArray part = "table " + table.toUtf8() + '\n';
            reader.query(u"SELECT * FROM "_s + quoted(table) + u" ORDER BY "_s + order.join(u", "_s),
                         [&](sqlite3_stmt *stmt) {
                             for (int i = 0; i < columns; ++i) {
                                 if (i)
                                     part += '|';
                                 part += value(stmt, i);
                             }
                             part += '\n';
                         });
            content.tables.insert(table, sha256(part));
            content.text += part;
        }
        reader.query(u"COMMIT"_s, [](sqlite3_stmt *) {});
    } catch (const Failure &) {
        if (error)
            *error = QString::fromUtf8(sqlite3_errmsg(reader.db));
        return std::nullopt;
    }
    content.sha256 = sha256(content.text);
    return content;
}

} // namespace Differential
