// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Shared by the fault suites: baselines (threads, file descriptors) and the
// "nothing lost" checks on a database written in transactions of the form
//   rows(txn, seq, kind, value, payload)
// where every transaction `txn` writes n data rows (kind 'd', seq 1..n) and
// one checksum row (kind 's', seq 0, value = sum of the data values, and
// payload = n as text), so that a partial transaction is always detectable.
#ifndef QASYNCSQLITE_FAULTCOMMON_H
#define QASYNCSQLITE_FAULTCOMMON_H

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qdir.h>
#include <QtCore/qhash.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>

#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <typeinfo>

namespace Fault {

/* How long a fault test waits for one request. */
constexpr std::chrono::milliseconds requestTimeout{20000};

/* The class QAsyncSqliteError::throwForCode() gives for \a code: a typed
   error must be of exactly that class. */
inline const std::type_info &expectedClass(int code)
{
    try {
        QAsyncSqliteError::throwForCode(code, QString());
    } catch (const QAsyncSqliteError &e) {
        return typeid(e);
    }
    return typeid(void);
}

inline int threadCount()
{
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

inline int fdCount()
{
    // The listing's own descriptor is counted every time, so counts compare.
    return int(QDir(
            QStringLiteral("/proc/self/fd")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size());
}

/* Polls \a value() until it equals \a expected or \a timeoutMs passes (threads
   leave /proc/self/task asynchronously); returns the last value seen. */
inline int settle(const std::function<int()> &value, int expected, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    int v = value();
    while (v != expected && !deadline.hasExpired()) {
        QThread::msleep(5);
        v = value();
    }
    return v;
}

/* One row of the checksum schema. */
struct Txn
{
    qint64 id = 0;
    QList<qint64> values;
    QList<int> payloadSizes;

    qint64 sum() const
    {
        qint64 s = 0;
        for (qint64 v : values)
            s += v;
        return s;
    }
    QList<QVariantList> dataParams() const
    {
        QList<QVariantList> sets;
        for (int i = 0; i < values.size(); ++i)
            sets.append({id, i + 1, values.at(i), payloadSizes.value(i)});
        return sets;
    }
    QVariantList checksumParams() const { return {id, sum(), QString::number(values.size())}; }
};

inline const QString &schemaSql()
{
    static const QString sql = QStringLiteral(
        "CREATE TABLE IF NOT EXISTS rows(txn INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, "
        "value INTEGER NOT NULL, payload BLOB, PRIMARY KEY(txn, seq))");
    return sql;
}
inline const QString &insertDataSql()
{
    static const QString sql =
            QStringLiteral("INSERT INTO rows(txn, seq, kind, value, payload) VALUES (?, ?, 'd', ?, randomblob(?))");
    return sql;
}
inline const QString &insertChecksumSql()
{
    static const QString sql =
            QStringLiteral("INSERT INTO rows(txn, seq, kind, value, payload) VALUES (?, 0, 's', ?, ?)");
    return sql;
}

/* What a transaction looks like in the file. */
struct TxnState
{
    qint64 dataRows = 0;
    qint64 dataSum = 0;
    qint64 checksumRows = 0;
    qint64 checksumValue = 0;
    qint64 declaredRows = -1;
    bool complete() const
    {
        return checksumRows == 1 && declaredRows == dataRows && dataSum == checksumValue && dataRows > 0;
    }
    QString describe() const
    {
        return QStringLiteral("%1 data rows (sum %2), %3 checksum rows (declaring %4 rows, sum %5)")
                                      .arg(dataRows)
                                      .arg(dataSum)
                                      .arg(checksumRows)
                                      .arg(declaredRows)
                                      .arg(checksumValue);
    }
};

inline const QString &stateSql()
{
    static const QString sql = QStringLiteral(
        "SELECT txn, sum(kind = 'd'), total(CASE WHEN kind = 'd' THEN value END), sum(kind = 's'), "
        "max(CASE WHEN kind = 's' THEN value END), max(CASE WHEN kind = 's' THEN CAST(payload AS INTEGER) END) "
        "FROM rows GROUP BY txn");
    return sql;
}

/* Parses the rows of stateSql(). Sums use total() (a double) only to avoid
   an integer overflow error: the test values are small enough to be exact. */
inline QHash<qint64, TxnState> parseState(const QVariantList &rows)
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

/* Opens \a path (default VFS, no URI) with a fresh connection and checks the
   whole contract: integrity_check is ok, every present transaction is
   complete (no partial transaction), every id of \a acknowledged is present
   and no id of \a deleted (acknowledged deletions) is. Returns an empty
   string or what is wrong. \a present receives the ids found. */
inline QString verifyDatabase(const QString &path, const QSet<qint64> &acknowledged, const QSet<qint64> &deleted = {},
                              QSet<qint64> *present = nullptr)
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

#endif // QASYNCSQLITE_FAULTCOMMON_H
