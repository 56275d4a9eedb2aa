// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// QAsyncSqlite quickstart: the steps of aiosqlite's quickstart, in Qt.
//
// Every call on the connection queues a request for its worker thread and
// returns a QFuture at once: the main thread never waits for SQLite. Each step
// below is a continuation attached with then(&app, …), so it runs on the main
// thread (the thread of the context object `app`) once the previous step has
// finished. A step returns the future of its own request, and unwrap() turns
// the resulting QFuture<QFuture<T>> into QFuture<T> for the next step. The
// first error skips all remaining steps and lands in onFailed().
//
// Usage: quickstart [database-file]   (default: a file in a temporary directory)

#include <QAsyncSqlite/QAsyncSqlite>

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

// Ends the program with exitCode. Queued, so that it also works if the steps
// happen to finish before app.exec() has started the event loop.
static void finish(int exitCode)
{
    QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [exitCode] {
                QCoreApplication::exit(exitCode);
            },
            Qt::QueuedConnection);
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    QTemporaryDir tmp;
    const QStringList args = app.arguments();
    const QString path = args.size() > 1 ? args.at(1) : tmp.filePath(u"quickstart.db"_s);

    // The connection: its sqlite3 handle lives on a worker thread of its own.
    // Declared after `tmp`, so it is closed before the directory is removed.
    // It must outlive every continuation that uses it (it does: they all run
    // inside app.exec() below).
    QAsyncSqliteConnection db;

    say(u"Opening %1"_s.arg(path));
    db.open(path)
            .then(&app,
                  [&db] {
                      say(u"Migrating the schema"_s);
                      // Step N brings PRAGMA user_version to N; steps the file
                      // already ran are skipped, so a kept file works again
                      // (doc/migrations.md). A new release appends a step.
                      return db.migrate({
                              {.name = u"users"_s,
                               .sql = u"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"_s},
                      });
                  })
            .unwrap()
            .then(&app,
                  [&db](int version) {
                      say(u"Schema version %1"_s.arg(version));
                      // The INSERT implicitly opens a transaction (as in Python's sqlite3);
                      // executeInsert() gives the rowid of the new row.
                      return db.executeInsert(u"INSERT INTO users(name, age) VALUES(?, ?)"_s, {u"Alice"_s, 30});
                  })
            .unwrap()
            .then(&app,
                  [&db](qint64 id) {
                      say(u"Inserted Alice, id %1"_s.arg(id));
                      // executeMany() runs one statement for a list of parameter sets
                      // (one here, but it could be thousands) and gives the rows changed.
                      return db.executeMany(u"INSERT INTO users(name, age) VALUES(?, ?)"_s, {{u"Bob"_s, 24}});
                  })
            .unwrap()
            .then(&app,
                  [&db](qint64 changed) {
                      say(u"Inserted Bob, rows changed: %1"_s.arg(changed));
                      return db.commit();
                  })
            .unwrap()
            .then(&app,
                  [&db] {
                      say(u"Committed"_s);
                      return db.execute(u"SELECT name, age FROM users WHERE age > ? ORDER BY id"_s, {25});
                  })
            .unwrap()
            .then(&app,
                  [&db](const QVariantList &rows) {
                      // One element per row; by default each row is a QVariantList of its columns.
                      say(u"Users older than 25:"_s);
                      for (const QVariant &row : rows) {
                          const QVariantList columns = row.toList();
                          say(u"  %1, %2"_s.arg(columns.at(0).toString(), columns.at(1).toString()));
                      }
                      // Named parameters: pass a QVariantMap.
                      return db.execute(u"UPDATE users SET age = :age WHERE name = :name"_s,
                                        QVariantMap{{u"name"_s, u"Alice"_s}, {u"age"_s, 31}});
                  })
            .unwrap()
            .then(&app,
                  [&db](const QVariantList &) {
                      say(u"Updated Alice to 31"_s);
                      return db.execute(u"DELETE FROM users WHERE name = ?"_s, {u"Bob"_s});
                  })
            .unwrap()
            .then(&app,
                  [&db](const QVariantList &) {
                      say(u"Deleted Bob"_s);
                      return db.commit();
                  })
            .unwrap()
            .then(&app,
                  [&db] {
                      say(u"Committed"_s);
                      return db.execute(u"SELECT count(*) FROM users"_s);
                  })
            .unwrap()
            .then(&app,
                  [&db](const QVariantList &rows) {
                      say(u"Users left: %1"_s.arg(rows.at(0).toList().at(0).toLongLong()));
                      return db.close();
                  })
            .unwrap()
            .then(&app,
                  [] {
                      say(u"Closed"_s);
                      finish(0);
                  })
            // Errors travel inside the futures as QAsyncSqliteError subclasses.
            .onFailed(&app,
                      [](const QAsyncSqliteError &error) {
                          QTextStream(stderr)
                                  << "Error: " << error.errorName() << ": " << error.message()
                                  << (error.sql().isEmpty() ? QString() : u" in: "_s + error.sql()) << Qt::endl;
                          finish(1);
                      })
            .onFailed(&app,
                      [] {
                          QTextStream(stderr) << "Error: unexpected exception" << Qt::endl;
                          finish(1);
                      })
            .onCanceled(&app, [] {
                QTextStream(stderr) << "Error: canceled" << Qt::endl;
                finish(1);
            });

    // Run the event loop: the continuations above are called from here.
    return app.exec();
}
