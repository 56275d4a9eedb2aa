// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITE_HOOKS_P_H
#define QASYNCSQLITE_HOOKS_P_H

//  W A R N I N G
//  This file is not part of the QAsyncSqlite API. It may change without notice.

#include <QtCore/qbytearray.h>
#include <QtCore/qset.h>
#include <QtCore/qstringlist.h>

#include <sqlite3.h>

namespace QAsyncSqlite::Detail {

// What the commit, rollback and change hooks saw (engine/hooks.cpp), kept
// until the worker publishes it to the connection (publishState()): the
// tables each transaction changed, and the commits and rollbacks not yet
// signalled. Worker thread only.
class ChangeTracker
{
public:
    // A row of \a table changed.
    void noteChange(sqlite3 *db, const char *table);
    // The commit hook fired: the open transaction's tables are committing.
    void commitStarted(sqlite3 *db);
    // The rollback hook fired; also the end of a commit that failed after its hook.
    void rolledBack();
    // Decides a commit whose hook fired: it succeeded unless its transaction
    // is still open (a COMMIT that failed with SQLITE_BUSY). Called when the
    // next statement starts, at the next hook and after each request; a
    // commit that fails otherwise rolls back before any of these
    // (tst_transactions::tablesChangedSeesEveryCommittedChange).
    void settleCommit(sqlite3 *db);

    // Commits and rollbacks not yet signalled, with the tables they committed.
    struct Pending
    {
        int commits = 0;
        int rollbacks = 0;
        QStringList tables; // sorted
    };
    bool hasPending() const { return m_pendingCommits || m_pendingRollbacks; }
    Pending takePending();

private:
    QSet<QString> m_changedTables; // by the open transaction
    QSet<QString> m_committingTables; // by the transaction whose commit hook fired, until settled
    bool m_commitInFlight = false;
    QSet<QString> m_committedTables; // committed, not yet signalled
    int m_pendingCommits = 0;
    int m_pendingRollbacks = 0;
    QByteArray m_lastChangedTable;
};

} // namespace QAsyncSqlite::Detail

#endif // QASYNCSQLITE_HOOKS_P_H
