// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "faultcommon.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

namespace Fault {

const std::type_info &expectedClass(int code)
{
    try {
        QAsyncSqliteError::throwForCode(code, QString());
    } catch (const QAsyncSqliteError &e) {
        return typeid(e);
    }
    return typeid(void);
}

const QString &schemaSql()
{
    static const QString sql = QStringLiteral(
        "CREATE TABLE IF NOT EXISTS rows(txn INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, "
        "value INTEGER NOT NULL, payload BLOB, PRIMARY KEY(txn, seq))");
    return sql;
}

const QString &insertDataSql()
{
    static const QString sql =
            QStringLiteral("INSERT INTO rows(txn, seq, kind, value, payload) VALUES (?, ?, 'd', ?, randomblob(?))");
    return sql;
}

const QString &insertChecksumSql()
{
    static const QString sql =
            QStringLiteral("INSERT INTO rows(txn, seq, kind, value, payload) VALUES (?, 0, 's', ?, ?)");
    return sql;
}

QString TxnState::describe() const
{
    return QStringLiteral("%1 data rows (sum %2), %3 checksum rows (declaring %4 rows, sum %5)")
                                  .arg(dataRows)
                                  .arg(dataSum)
                                  .arg(checksumRows)
                                  .arg(declaredRows)
                                  .arg(checksumValue);
}

const QString &stateSql()
{
    static const QString sql = QStringLiteral(
        "SELECT txn, sum(kind = 'd'), total(CASE WHEN kind = 'd' THEN value END), sum(kind = 's'), "
        "max(CASE WHEN kind = 's' THEN value END), max(CASE WHEN kind = 's' THEN CAST(payload AS INTEGER) END) "
        "FROM rows GROUP BY txn");
    return sql;
}

// Sums use total() (a double) only to avoid an integer overflow error: the
// test values are small enough to be exact.
QHash<qint64, TxnState> parseState(const QVariantList &rows)
{
    QHash<qint64, TxnState> result;
    for (const QVariant &row : rows) {
        const QVariantList r = row.toList();
        TxnState s;
        s.dataRows = r.value(1).toLongLong();
        s.dataSum = qint64(r.value(2).toDouble());
        s.checksumRows = r.value(3).toLongLong();
        s.checksumValue = r.value(4).toLongLong();
        s.declaredRows = r.value(5).isNull() ? -1 : r.value(5).toLongLong();
        result.insert(r.value(0).toLongLong(), s);
    }
    return result;
}

qint64 countRows(const QString &path, const QString &countSql)
{
    QAsyncSqliteConnection db;
    if (!QAsyncSqliteTest::awaitSuccess(db.open(path)).isEmpty())
        return -1;
    const auto rows = db.execute(countSql);
    if (!QAsyncSqliteTest::awaitSuccess(rows).isEmpty())
        return -2;
    return rows.result().value(0).toList().value(0).toLongLong();
}

QString verifyDatabase(const QString &path, const QSet<qint64> &acknowledged, const QSet<qint64> &deleted,
                       QSet<qint64> *present)
{
    QAsyncSqliteConnection db;
    // synchronous=OFF: only this connection's own writes (a checkpoint on
    // close) are affected, and the tests need no power-loss durability.
    QString failure = QAsyncSqliteTest::awaitSuccess(db.open(path, {.pragmas = {QStringLiteral("synchronous=OFF")}}));
    if (!failure.isEmpty())
        return QStringLiteral("reopen: ") + failure;
    const auto integrity = db.execute(QStringLiteral("PRAGMA integrity_check"));
    failure = QAsyncSqliteTest::awaitSuccess(integrity);
    if (!failure.isEmpty())
        return QStringLiteral("integrity_check: ") + failure;
    const QVariantList integrityRows = integrity.result();
    if (integrityRows.size() != 1 || integrityRows.at(0).toList().value(0).toString() != QLatin1String("ok")) {
        QStringList lines;
        for (const QVariant &row : integrityRows)
            lines.append(row.toList().value(0).toString());
        return QStringLiteral("integrity_check: ") + lines.join(QLatin1String("; "));
    }
    const auto hasTable = db.execute(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'rows'"));
    failure = QAsyncSqliteTest::awaitSuccess(hasTable);
    if (!failure.isEmpty())
        return QStringLiteral("schema: ") + failure;
    QHash<qint64, TxnState> states;
    if (hasTable.result().value(0).toList().value(0).toLongLong() == 1) {
        const auto stateRows = db.execute(stateSql());
        failure = QAsyncSqliteTest::awaitSuccess(stateRows);
        if (!failure.isEmpty())
            return QStringLiteral("state query: ") + failure;
        states = parseState(stateRows.result());
    }
    failure = QAsyncSqliteTest::awaitSuccess(db.close());
    if (!failure.isEmpty())
        return QStringLiteral("close: ") + failure;
    for (auto it = states.cbegin(); it != states.cend(); ++it) {
        if (!it->complete())
            return QStringLiteral("transaction %1 is partial: %2").arg(it.key()).arg(it->describe());
    }
    for (qint64 id : acknowledged) {
        if (deleted.contains(id)) {
            if (states.contains(id))
                return QStringLiteral("transaction %1 was deleted (acknowledged) but is present").arg(id);
        } else if (!states.contains(id)) {
            return QStringLiteral("acknowledged transaction %1 is missing").arg(id);
        }
    }
    if (present) {
        present->clear();
        for (auto it = states.cbegin(); it != states.cend(); ++it)
            present->insert(it.key());
    }
    return {};
}

} // namespace Fault
