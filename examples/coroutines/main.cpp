// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// QAsyncSqlite coroutines: the quickstart's steps written with co_await.
//
// quickstart() below reads top to bottom like synchronous code, but every
// co_await suspends the coroutine while the request runs on the connection's
// worker thread; the main thread's event loop keeps running meanwhile, and
// the coroutine resumes on the main thread when the result is there. A
// failing request throws its QAsyncSqliteError subclass at the co_await, so
// ordinary try/catch handles errors (here: main() reports them).
//
// Usage: coroutines [database-file]   (default: a file in a temporary directory)

#include <QAsyncSqlite/QAsyncSqlite>
#include <QAsyncSqlite/QAsyncSqliteCoro>

#include <QtCore/QCoreApplication>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTextStream>

using namespace Qt::StringLiterals;

// Prints one line to standard output.
static void say(const QString &line)
{
    static QTextStream out(stdout);
    out << line << Qt::endl;
}

// Ends the program with exitCode. Queued, so that it also works if the task
// happens to finish before app.exec() has started the event loop.
static void finish(int exitCode)
{
    QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [exitCode] {
                QCoreApplication::exit(exitCode);
            },
            Qt::QueuedConnection);
}

// The whole program, as one coroutine. `db` outlives it (see main()).
//
// Two ways to await a request are shown:
//  - `co_await db.execute(…)` (QCoro's QFuture support): the result, or the
//    request's error rethrown;
//  - `co_await QAsyncSqlite::await(db.execute(…))`: the same, and it also
//    turns a future that was canceled (QFuture::cancel()) into an exception,
//    where QCoro 0.8 would crash. Use it when a future may be canceled.
// Note for GCC 12: a braced parameter list such as {25} inside a co_await
// expression does not compile ("array used as initializer", a compiler bug),
// so the parameter lists below are named variables.
static QCoro::Task<> quickstart(QAsyncSqliteConnection &db, const QString &path)
{
    say(u"Opening %1"_s.arg(path));
    co_await db.open(path);

    // Step N brings PRAGMA user_version to N; steps the file already ran are
    // skipped (doc/migrations.md). A new release appends a step.
    say(u"Migrating the schema"_s);
    const QList<QAsyncSqliteMigration> steps{
            {.name = u"users"_s, .sql = u"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"_s},
    };
    const int version = co_await db.migrate(steps);
    say(u"Schema version %1"_s.arg(version));

    // The INSERT implicitly opens a transaction (as in Python's sqlite3);
    // executeInsert() gives the rowid of the new row.
    const QVariantList alice{u"Alice"_s, 30};
    const qint64 id = co_await db.executeInsert(u"INSERT INTO users(name, age) VALUES(?, ?)"_s, alice);
    say(u"Inserted Alice, id %1"_s.arg(id));

    // executeMany() runs one statement for a list of parameter sets.
    const QList<QVariantList> bob{{u"Bob"_s, 24}};
    const qint64 changed = co_await db.executeMany(u"INSERT INTO users(name, age) VALUES(?, ?)"_s, bob);
    say(u"Inserted Bob, rows changed: %1"_s.arg(changed));

    co_await QAsyncSqlite::await(db.commit());
    say(u"Committed"_s);

    // QAsyncSqlite::rows() is an asynchronous generator: rows are fetched in
    // chunks on a cursor of its own, which is closed when the loop ends.
    say(u"Users older than 25:"_s);
    QCORO_FOREACH(const QVariant &row,
                  QAsyncSqlite::rows(&db, u"SELECT name, age FROM users WHERE age > ? ORDER BY id"_s, {25}))
    {
        const QVariantList columns = row.toList(); // by default a row is a QVariantList
        say(u"  %1, %2"_s.arg(columns.at(0).toString(), columns.at(1).toString()));
    }

    // Named parameters: pass a QVariantMap.
    const QVariantMap update{{u"name"_s, u"Alice"_s}, {u"age"_s, 31}};
    co_await db.execute(u"UPDATE users SET age = :age WHERE name = :name"_s, update);
    say(u"Updated Alice to 31"_s);

    const QVariantList bobName{u"Bob"_s};
    co_await db.execute(u"DELETE FROM users WHERE name = ?"_s, bobName);
    say(u"Deleted Bob"_s);

    co_await QAsyncSqlite::await(db.commit());
    say(u"Committed"_s);

    const QVariantList count = co_await db.execute(u"SELECT count(*) FROM users"_s);
    say(u"Users left: %1"_s.arg(count.at(0).toList().at(0).toLongLong()));

    co_await QAsyncSqlite::await(db.close());
    say(u"Closed"_s);
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    QTemporaryDir tmp;
    const QStringList args = app.arguments();
    const QString path = args.size() > 1 ? args.at(1) : tmp.filePath(u"coroutines.db"_s);

    // Declared after `tmp`, so it is closed before the directory is removed,
    // and before app.exec() returns nothing destroys it: the coroutine can
    // use it safely.
    QAsyncSqliteConnection db;

    // toFuture() turns the task into a QFuture holding its outcome: success,
    // or the exception that escaped it (QCoro::waitFor() would never return
    // for a task that throws, in QCoro 0.8).
    QAsyncSqlite::toFuture(quickstart(db, path))
            .then(&app,
                  [] {
                      finish(0);
                  })
            .onFailed(&app,
                      [](const QAsyncSqliteError &error) {
                          QTextStream(stderr)
                                  << "Error: " << error.errorName() << ": " << error.message()
                                  << (error.sql().isEmpty() ? QString() : u" in: "_s + error.sql()) << Qt::endl;
                          finish(1);
                      })
            .onFailed(&app, [] {
                QTextStream(stderr) << "Error: unexpected exception" << Qt::endl;
                finish(1);
            });

    // Run the event loop: the coroutine resumes from here after each co_await.
    return app.exec();
}
