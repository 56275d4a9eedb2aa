// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEMIGRATION_H
#define QASYNCSQLITEMIGRATION_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qstring.h>

#include <functional>

class QAsyncSqliteTransaction;

/*!
    \struct QAsyncSqliteMigration
    \brief One step of QAsyncSqliteConnection::migrate(): an SQL script, a
    callable, or both (the script runs first).

    Step \e N of the list (counting from 1) takes the database from
    `PRAGMA user_version` \e N-1 to \e N, in one transaction with the
    version bump. An aggregate, so designated initialisers work:
    \code
    db.migrate({
        {.name = u"notes"_s, .sql = u"CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)"_s},
        {.name = u"backfill titles"_s, .run = [](QAsyncSqliteTransaction &tx) {
             tx.execute(u"ALTER TABLE notes ADD COLUMN title TEXT"_s);
             tx.execute(u"UPDATE notes SET title = substr(body, 1, 40)"_s);
         }},
    });
    \endcode
    See doc/migrations.md.
*/
struct QAsyncSqliteMigration
{
    /*! What the step does, for errors and the \c qasyncsqlite log (may be empty). */
    QString name;
    /*! An SQL script of any number of statements, run in the step's
        transaction; it may not BEGIN, COMMIT or ROLLBACK itself. */
    QString sql = {}; // initializers, so that designated initialisers may omit them under -Wextra
    /*! Called on the worker thread inside the step's transaction, after
        \l sql; throwing fails the step. It may not queue requests on the
        connection (use the transaction it is given). */
    std::function<void(QAsyncSqliteTransaction &)> run = {};
};

#endif // QASYNCSQLITEMIGRATION_H
