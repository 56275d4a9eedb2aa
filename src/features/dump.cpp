// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "../engine/worker_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qlocale.h>

#include <cmath>

// iterDump(): the same SQL text as Python's sqlite3.Connection.iterdump()
// (Lib/sqlite3/dump.py of Python 3.11), statement by statement. It runs the
// same queries Python runs, against the same libsqlite3, so SQLite's quote()
// formats every value exactly as it does for Python.
//
// One deliberate difference: Python 3.11 cannot dump a table whose name holds
// a single quote (its INSERT-building query is a syntax error) and writes such
// a name unescaped into the sqlite_sequence lines (a dump that cannot be
// restored). Here the quote is doubled in both places, which is what later
// Python versions produce; every other database gives identical text.

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

constexpr qsizetype DumpBatchSize = 256;

QString columnText(sqlite3_stmt *stmt, int column)
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(stmt, column));
}

// Python's repr() of a float: shortest round-trip digits, exponent form
// outside 1e-4 <= |x| < 1e16, and a ".0" on integral values.
QString pythonFloatRepr(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value < 0 ? QStringLiteral("-inf") : QStringLiteral("inf");
    // "d.ddde±x": take the significant digits and the decimal exponent.
    const QByteArray sci = QByteArray::number(value, 'e', QLocale::FloatingPointShortest);
    const bool negative = sci.startsWith('-');
    const QByteArray body = negative ? sci.mid(1) : sci;
    const qsizetype e = body.indexOf('e');
    QByteArray digits = body.left(e);
    digits.replace(".", "");
    const int exponent = body.mid(e + 1).toInt();
    while (digits.size() > 1 && digits.endsWith('0'))
        digits.chop(1);
    const int decpt = exponent + 1; // the value is 0.<digits> * 10^decpt
    QByteArray out;
    if (decpt <= -4 || decpt > 16) {
        out = digits.left(1);
        if (digits.size() > 1)
            out += '.' + digits.mid(1);
        const int shown = decpt - 1;
        out += shown < 0 ? "e-" : "e+";
        out += QByteArray::number(std::abs(shown)).rightJustified(2, '0');
    } else if (decpt <= 0) {
        out = "0." + QByteArray(-decpt, '0') + digits;
    } else if (decpt >= digits.size()) {
        out = digits + QByteArray(decpt - digits.size(), '0') + ".0";
    } else {
        out = digits.left(decpt) + '.' + digits.mid(decpt);
    }
    return QString::fromLatin1((negative ? "-" : "") + out);
}

// Python's repr() of bytes.
QString pythonBytesRepr(const QByteArray &bytes)
{
    const bool useDouble = bytes.contains('\'') && !bytes.contains('"');
    const char quote = useDouble ? '"' : '\'';
    QByteArray out = "b";
    out += quote;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == static_cast<unsigned char>(quote) || c == '\\')
            out += '\\' + QByteArray(1, ch);
        else if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c < 0x20 || c >= 0x7f)
            out += "\\x" + QByteArray::number(c, 16).rightJustified(2, '0');
        else
            out += ch;
    }
    out += quote;
    return QString::fromLatin1(out);
}

// How Python's str.format() renders a value of the sqlite_sequence table.
QString pythonStr(sqlite3_stmt *stmt, int column)
{
    switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
        return QStringLiteral("None");
    case SQLITE_INTEGER:
        return QString::number(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
        return pythonFloatRepr(sqlite3_column_double(stmt, column));
    case SQLITE_BLOB: {
        const auto *data = static_cast<const char *>(sqlite3_column_blob(stmt, column));
        return pythonBytesRepr(QByteArray(data, sqlite3_column_bytes(stmt, column)));
    }
    default:
        return columnText(stmt, column);
    }
}

QString quoteIdentifier(const QString &name)
{
    return u'"' + QString(name).replace(u'"', QLatin1String("\"\"")) + u'"';
}

struct SchemaEntry
{
    QString name;
    QString sql;
};

} // namespace

void QAsyncSqliteWorker::iterDump(QFutureInterface<QString> &out)
{
    QList<QString> batch;
    batch.reserve(DumpBatchSize);
    // Results go out in batches, so that a consumer sees the dump stream
    // without one cross-thread hop per statement.
    const auto flush = [&] {
        if (!batch.isEmpty()) {
            out.reportResults(batch);
            batch.clear();
        }
        if (currentRequestCanceled()) {
            // Unwinds the running queries; the canceled future ignores the error.
            throw QAsyncSqliteOperationalError(SQLITE_INTERRUPT, QStringLiteral("The dump was canceled."));
        }
    };
    const auto emitLine = [&](QString line) {
        batch.append(std::move(line));
        if (batch.size() >= DumpBatchSize)
            flush();
    };
    // Runs \a sql and hands every row to \a onRow.
    const auto query = [this](const QString &sql, const auto &onRow) {
        PreparedStatement prepared = prepare(sql, false);
        if (prepared.stmt)
            stepToEnd(prepared.stmt, sql, onRow);
    };
    const auto readSchema = [&](const QString &sql) {
        // Read in full first (Python's fetchall()): other queries follow.
        QList<SchemaEntry> entries;
        query(sql, [&](sqlite3_stmt *stmt) {
            entries.append({columnText(stmt, 0), columnText(stmt, 2)});
        });
        return entries;
    };

    emitLine(QStringLiteral("BEGIN TRANSACTION;"));

    QStringList sequenceLines;
    const QList<SchemaEntry> tables =
            readSchema(QStringLiteral(
        "SELECT \"name\", \"type\", \"sql\" FROM \"sqlite_master\" "
        "WHERE \"sql\" NOT NULL AND \"type\" == 'table' ORDER BY \"name\""));
    for (const SchemaEntry &table : tables) {
        if (table.name == QLatin1String("sqlite_sequence")) {
            // Restored last, after the INSERTs that would bump it.
            sequenceLines.append(QStringLiteral("DELETE FROM \"sqlite_sequence\";"));
            query(QStringLiteral("SELECT * FROM \"sqlite_sequence\";"), [&](sqlite3_stmt *stmt) {
                sequenceLines.append(QStringLiteral("INSERT INTO \"sqlite_sequence\" VALUES('%1',%2);") .arg(
                        pythonStr(stmt, 0).replace(u'\'', QLatin1String("''")), pythonStr(stmt, 1)));
            });
            continue;
        }
        if (table.name == QLatin1String("sqlite_stat1")) {
            // Its CREATE is implicit: ANALYZE makes the table, the INSERTs fill it.
            emitLine(QStringLiteral("ANALYZE \"sqlite_master\";"));
        } else if (table.name.startsWith(QLatin1String("sqlite_"))) {
            continue;
        } else {
            emitLine(table.sql + u';');
        }

        const QString ident = quoteIdentifier(table.name);
        QStringList columns;
        query(QStringLiteral("PRAGMA table_info(%1)").arg(ident), [&](sqlite3_stmt *stmt) {
            columns.append(columnText(stmt, 1));
        });
        // SQLite builds each INSERT itself, so quote() renders the values.
        QStringList parts;
        for (const QString &column : std::as_const(columns))
            parts.append(QStringLiteral("'||quote(%1)||'").arg(quoteIdentifier(column)));
        const QString literalIdent = QString(ident).replace(u'\'', QLatin1String("''"));
        const QString insertQuery = QStringLiteral("SELECT 'INSERT INTO %1 VALUES(%2)' FROM %3;") .arg(
                literalIdent, parts.join(u','), ident);
        query(insertQuery, [&](sqlite3_stmt *stmt) {
            emitLine(columnText(stmt, 0) + u';');
        });
    }

    const QList<SchemaEntry> others =
            readSchema(QStringLiteral(
        "SELECT \"name\", \"type\", \"sql\" FROM \"sqlite_master\" "
        "WHERE \"sql\" NOT NULL AND \"type\" IN ('index', 'trigger', 'view')"));
    for (const SchemaEntry &entry : others)
        emitLine(entry.sql + u';');

    for (QString &line : sequenceLines)
        emitLine(std::move(line));

    emitLine(QStringLiteral("COMMIT;"));
    flush();
}

// ---------------------------------------------------------------------------
// The request

QFuture<QString> QAsyncSqliteConnection::iterDump()
{
    using DumpJob = CallableJob<QString>;
    return QAsyncSqlite::Detail::submit(currentWorker(),
                                        std::make_unique<DumpJob>(DumpJob::Reporter(
                                                [](QAsyncSqliteWorker &w, QFutureInterface<QString> &out, Job &) {
                                                    w.iterDump(out);
                                                })));
}
