// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Shared by the fault suites: how a future ended, and the "nothing lost"
// checks on a database written in transactions of the form
//   rows(txn, seq, kind, value, payload)
// where every transaction `txn` writes n data rows (kind 'd', seq 1..n) and
// one checksum row (kind 's', seq 0, value = sum of the data values, and
// payload = n as text), so that a partial transaction is always detectable.
// Threads, fds and SQLite's heap: resourcebaseline.h.
#ifndef QASYNCSQLITE_TESTS_FAULTCOMMON_H
#define QASYNCSQLITE_TESTS_FAULTCOMMON_H

#include <QAsyncSqlite/QAsyncSqliteError>

#include <QtCore/qfuture.h>
#include <QtCore/qhash.h>
#include <QtCore/qlist.h>
#include <QtCore/qset.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <chrono>
#include <exception>
#include <typeinfo>

namespace Fault {

/* How long a fault test waits for one request. */
constexpr std::chrono::milliseconds requestTimeout{20000};

/* The class QAsyncSqliteError::throwForCode() gives for \a code: a typed
   error must be of exactly that class. */
const std::type_info &expectedClass(int code);

/* The terminal state a finished future reached: "result", "error:<name>",
   "canceled", or "pending" (a bug: every future must end). */
template<typename T>
QString terminalState(const QFuture<T> &future)
{
    if (!future.isFinished())
        return QStringLiteral("pending");
    try {
        QFuture<T>(future).waitForFinished();
    } catch (const QAsyncSqliteError &e) {
        return QStringLiteral("error:") + e.errorName();
    } catch (const std::exception &e) {
        return QStringLiteral("foreign-exception:") + QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("foreign-exception");
    }
    return future.isCanceled() ? QStringLiteral("canceled") : QStringLiteral("result");
}

/* One transaction of the checksum schema. */
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

const QString &schemaSql();
const QString &insertDataSql(); // binds Txn::dataParams()
const QString &insertChecksumSql(); // binds Txn::checksumParams()

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
    QString describe() const;
};

/* The state of every transaction in the file: the query and its parser. */
const QString &stateSql();
QHash<qint64, TxnState> parseState(const QVariantList &rows);

/* What \a countSql (a count) gives on \a path in a fresh connection; -1 if
   the file does not open, -2 if the query fails. */
qint64 countRows(const QString &path, const QString &countSql = QStringLiteral("SELECT count(*) FROM t"));

/* Opens \a path (default VFS, no URI) with a fresh connection and checks the
   whole contract: integrity_check is ok, every present transaction is
   complete (no partial transaction), every id of \a acknowledged is present
   and no id of \a deleted (acknowledged deletions) is. Returns an empty
   string or what is wrong. \a present receives the ids found. */
QString verifyDatabase(const QString &path, const QSet<qint64> &acknowledged, const QSet<qint64> &deleted = {},
                       QSet<qint64> *present = nullptr);

} // namespace Fault

#endif // QASYNCSQLITE_TESTS_FAULTCOMMON_H
