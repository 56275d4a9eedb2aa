// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Schema migrations (doc/migrations.md): migrate() and
// QAsyncSqliteOptions::migrations. What a migration leaves behind is read
// back from the file with SQLite's own C API on a separate handle
// (user_version, sqlite_schema), not through the library under test.

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteMigration>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "watchedprogress.h"
#include "workerhold.h"

#include <QtCore/qregularexpression.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <atomic>
#include <stdexcept>

using namespace Qt::StringLiterals;

namespace {

// The file as SQLite sees it, through a handle of its own.
class FileState
{
public:
    explicit FileState(const QString &path)
    {
        sqlite3_open_v2(path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    }
    ~FileState() { sqlite3_close(m_db); }
    Q_DISABLE_COPY_MOVE(FileState)

    QStringList column(const char *sql) const
    {
        QStringList values;
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK)
            return {u"<prepare failed: %1>"_s.arg(QString::fromUtf8(sqlite3_errmsg(m_db)))};
        while (sqlite3_step(stmt) == SQLITE_ROW)
            values.append(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0))));
        sqlite3_finalize(stmt);
        return values;
    }
    int userVersion() const { return column("PRAGMA user_version").value(0).toInt(); }
    // The names of the tables, indexes and triggers, sorted.
    QStringList schema() const
    {
        return column("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
    }
    void exec(const char *sql) { sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr); }

private:
    sqlite3 *m_db = nullptr;
};

QList<QAsyncSqliteMigration> fourSteps(std::atomic<int> *runs = nullptr)
{
    return {
            {.name = u"items"_s, .sql = u"CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)"_s},
            {.name = u"price"_s, .sql = u"ALTER TABLE items ADD COLUMN price REAL"_s},
            {.name = u"tags"_s,
             .sql = u"CREATE TABLE tags(item INTEGER, tag TEXT); CREATE INDEX tags_item ON tags(item)"_s,
             .run =
                     [runs](QAsyncSqliteTransaction &) {
                         if (runs)
                             ++*runs;
                     }},
            // Creates a table, then fails: the table must go with the rollback.
            {.name = u"broken"_s, .sql = u"CREATE TABLE step4(x); INSERT INTO no_such_table VALUES(1)"_s},
    };
}

} // namespace

class tst_Migrations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void failingStepLeavesPreviousVersion();
    void newerDatabaseRunsNothing();
    void negativeVersionRunsNothing();
    void upgradeStory();
    void callableSteps();
    void callableThrowingStdException();
    void scriptWithSeveralStatements();
    void scriptMayNotEndTheTransaction_data();
    void scriptMayNotEndTheTransaction();
    void scriptMaySavepoint();
    void foreignKeyViolationFailsStep();
    void tableRebuildKeepsCascadingChildren();
    void secondMigrateRunsNothing();
    void requestsQueuedDuringMigrationWait();
    void openRunsMigrationsFirst();
    void failingOpenMigrationFailsQueuedRequests();
    void refusedInsideTransaction();
    void progressCountsSteps();
};

// The issue's "done when": version 2 to 4, step 4 fails, version 3 remains
// with step 3's schema.
void tst_Migrations::failingStepLeavesPreviousVersion()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT_RESULT(two, db.migrate(fourSteps().mid(0, 2)));
    QCOMPARE(two, 2);
    QCOMPARE(FileState(tmp.path()).userVersion(), 2);

    std::atomic<int> runs = 0;
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(u"migration step 4 \\(broken\\) failed, .* stays at version 3"_s));
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate(fourSteps(&runs)), QAsyncSqliteOperationalError);
    QVERIFY2(error.message().startsWith(u"migration step 4 (broken) failed: no such table: no_such_table"_s),
             qPrintable(error.message()));
    QCOMPARE(error.sql(), u"INSERT INTO no_such_table VALUES(1)"_s);
    QCOMPARE(runs.load(), 1);

    const FileState file(tmp.path());
    QCOMPARE(file.userVersion(), 3);
    QCOMPARE(file.schema(), (QStringList{u"items"_s, u"tags"_s, u"tags_item"_s}));
    QCOMPARE(file.column("SELECT name FROM pragma_table_info('items') ORDER BY cid"),
             (QStringList{u"id"_s, u"name"_s, u"price"_s}));
    QVERIFY(!db.inTransaction());
}

void tst_Migrations::newerDatabaseRunsNothing()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    FileState(tmp.path()).exec("PRAGMA user_version = 5");
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    std::atomic<int> runs = 0;
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate(fourSteps(&runs).mid(0, 3)), QAsyncSqliteOperationalError);
    QVERIFY2(error.message().contains(u"schema version 5, newer than the 3 migration steps"_s),
             qPrintable(error.message()));
    QCOMPARE(runs.load(), 0);
    const FileState file(tmp.path());
    QCOMPARE(file.userVersion(), 5);
    QCOMPARE(file.schema(), QStringList());
}

void tst_Migrations::negativeVersionRunsNothing()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    FileState(tmp.path()).exec("PRAGMA user_version = -1");
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate(fourSteps().mid(0, 3)), QAsyncSqliteOperationalError);
    QVERIFY2(error.message().contains(u"negative schema version, -1"_s), qPrintable(error.message()));
    QCOMPARE(FileState(tmp.path()).schema(), QStringList());
}

// The story of doc/migrations.md, release by release, on one file with
// foreign keys on: each release's steps are the previous ones plus one.
void tst_Migrations::upgradeStory()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    const QList<QAsyncSqliteMigration> steps = {
            {.name = u"notes"_s,
             .sql = u"CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '')"_s},
            {.name = u"created"_s, .sql = u"ALTER TABLE notes ADD COLUMN created TEXT NOT NULL DEFAULT ''"_s},
            {.name = u"titles"_s,
             .sql = u"ALTER TABLE notes ADD COLUMN title TEXT"_s,
             .run =
                     [](QAsyncSqliteTransaction &tx) {
                         for (const QVariant &row : tx.execute(u"SELECT id, body FROM notes"_s)) {
                             const QVariantList note = row.toList();
                             tx.execute(u"UPDATE notes SET title = ? WHERE id = ?"_s,
                                        {note.at(1).toString().section(u'\n', 0, 0).left(60), note.at(0)});
                         }
                     }},
            {.name = u"tags table"_s, .sql = uR"(
        CREATE TABLE tags(note INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
                          tag TEXT NOT NULL);
        INSERT INTO tags(note, tag)
            SELECT notes.id, trim(value) FROM notes, json_each('["' || replace(notes.tags, ',', '","') || '"]')
            WHERE notes.tags <> '';
        CREATE TABLE new_notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL,
                               created TEXT NOT NULL DEFAULT '', title TEXT);
        INSERT INTO new_notes SELECT id, body, created, title FROM notes;
        DROP TABLE notes;
        ALTER TABLE new_notes RENAME TO notes;
        CREATE INDEX tags_note ON tags(note);
     )"_s},
    };
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"foreign_keys=ON"_s}}));
    QASYNCSQLITE_AWAIT(db.migrate(steps.mid(0, 1)));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO notes(body, tags) VALUES('Shopping\nmilk, eggs', 'home,errands')"_s));
    QASYNCSQLITE_AWAIT(db.commit());
    for (qsizetype release = 2; release <= steps.size(); ++release) {
        QASYNCSQLITE_AWAIT_RESULT(version, db.migrate(steps.mid(0, release)));
        QCOMPARE(version, release);
    }
    const FileState file(tmp.path());
    QCOMPARE(file.userVersion(), 4);
    QCOMPARE(file.column("SELECT title FROM notes"), QStringList{u"Shopping"_s});
    QCOMPARE(file.column("SELECT tag FROM tags ORDER BY tag"), (QStringList{u"errands"_s, u"home"_s}));
    QCOMPARE(file.column("SELECT name FROM pragma_table_info('notes') ORDER BY cid"),
             (QStringList{u"id"_s, u"body"_s, u"created"_s, u"title"_s}));
}

void tst_Migrations::callableSteps()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory(QAsyncSqlite::RowFactory::Map); // migrate() must not depend on it
    const QList<QAsyncSqliteMigration> steps = {
            {.name = u"people"_s,
             .run =
                     [](QAsyncSqliteTransaction &tx) {
                         tx.execute(u"CREATE TABLE people(name TEXT)"_s);
                         tx.executeMany(u"INSERT INTO people VALUES(?)"_s, {{u"Ada"_s}, {u"Grace"_s}});
                     }},
            // Script and callable: the script runs first.
            {.name = u"initials"_s,
             .sql = u"ALTER TABLE people ADD COLUMN initial TEXT"_s,
             .run =
                     [](QAsyncSqliteTransaction &tx) {
                         tx.execute(u"UPDATE people SET initial = substr(name, 1, 1)"_s);
                     }},
            // A failing callable rolls back its step only.
            {.name = u"throws"_s,
             .run =
                     [](QAsyncSqliteTransaction &tx) {
                         tx.execute(u"DELETE FROM people"_s);
                         throw QAsyncSqliteIntegrityError(SQLITE_CONSTRAINT_CHECK, u"no, thanks"_s);
                     }},
    };
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"migration step 3 \\(throws\\) failed"_s));
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate(steps), QAsyncSqliteIntegrityError);
    QCOMPARE(error.message(), u"migration step 3 (throws) failed: no, thanks"_s);
    QCOMPARE(error.extendedCode(), SQLITE_CONSTRAINT_CHECK);
    const FileState file(tmp.path());
    QCOMPARE(file.userVersion(), 2);
    QCOMPARE(file.column("SELECT name || initial FROM people ORDER BY name"), (QStringList{u"AdaA"_s, u"GraceG"_s}));
}

void tst_Migrations::callableThrowingStdException()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    const QList<QAsyncSqliteMigration> steps = {
            {.name = {},
             .run =
                     [](QAsyncSqliteTransaction &tx) {
                         tx.execute(u"CREATE TABLE t(x)"_s);
                         throw std::runtime_error("backfill failed");
                     }},
    };
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"migration step 1 failed"_s));
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate(steps), QAsyncSqliteOperationalError);
    QCOMPARE(error.message(), u"migration step 1 failed: backfill failed"_s);
    QCOMPARE(FileState(tmp.path()).schema(), QStringList());
}

void tst_Migrations::scriptWithSeveralStatements()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    // A trigger's BEGIN … END is not a transaction; comments and a trailing
    // semicolon are fine.
    const QString script = uR"(
        CREATE TABLE log(msg TEXT);  -- the audit log
        CREATE TABLE notes(body TEXT);
        CREATE TRIGGER notes_log AFTER INSERT ON notes BEGIN
            INSERT INTO log VALUES('added ' || new.body);
        END;
        INSERT INTO notes VALUES('first');
    )"_s;
    QASYNCSQLITE_AWAIT_RESULT(version, db.migrate({{.name = u"notes"_s, .sql = script}}));
    QCOMPARE(version, 1);
    const FileState file(tmp.path());
    QCOMPARE(file.schema(), (QStringList{u"log"_s, u"notes"_s, u"notes_log"_s}));
    QCOMPARE(file.column("SELECT msg FROM log"), QStringList{u"added first"_s});
}

void tst_Migrations::scriptMayNotEndTheTransaction_data()
{
    QTest::addColumn<QString>("statement");
    QTest::newRow("COMMIT") << u"COMMIT;"_s;
    QTest::newRow("end transaction") << u"end transaction;"_s;
    QTest::newRow("ROLLBACK") << u"ROLLBACK;"_s;
    QTest::newRow("after comments") << u"-- done\n/* really */ Commit;"_s;
}

void tst_Migrations::scriptMayNotEndTheTransaction()
{
    QFETCH(QString, statement);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"migration step 1 \\(commits\\) failed"_s));
    const QString script = u"CREATE TABLE a(x); "_s + statement + u" CREATE TABLE b(x)"_s;
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate({{.name = u"commits"_s, .sql = script}}), QAsyncSqliteProgrammingError);
    QCOMPARE(error.sql(), statement);
    const FileState file(tmp.path());
    QCOMPARE(file.userVersion(), 0);
    QCOMPARE(file.schema(), QStringList());
}

// A ROLLBACK TO a savepoint of the step's own does not end its transaction.
void tst_Migrations::scriptMaySavepoint()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    const QString script = u"CREATE TABLE a(x); SAVEPOINT s; CREATE TABLE b(x); ROLLBACK TO s; RELEASE s;"_s;
    QASYNCSQLITE_AWAIT_RESULT(version, db.migrate({{.name = u"savepoint"_s, .sql = script}}));
    QCOMPARE(version, 1);
    QCOMPARE(FileState(tmp.path()).schema(), QStringList{u"a"_s});
}

void tst_Migrations::foreignKeyViolationFailsStep()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"foreign_keys=ON"_s}}));
    const QList<QAsyncSqliteMigration> steps = {
            {.name = u"authors and books"_s,
             .sql = u"CREATE TABLE authors(id INTEGER PRIMARY KEY);"
                    u"CREATE TABLE books(title TEXT, author INTEGER REFERENCES authors(id))"_s},
            // With foreign keys off during the step this INSERT passes; the
            // check before COMMIT must catch it.
            {.name = u"orphan"_s, .sql = u"INSERT INTO books VALUES('Dune', 42)"_s},
    };
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"migration step 2 \\(orphan\\) failed"_s));
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate(steps), QAsyncSqliteIntegrityError);
    QCOMPARE(error.extendedCode(), SQLITE_CONSTRAINT_FOREIGNKEY);
    QVERIFY2(error.message().contains(u"row 1 of books references a missing row of authors"_s),
             qPrintable(error.message()));
    const FileState file(tmp.path());
    QCOMPARE(file.userVersion(), 1);
    QCOMPARE(file.column("SELECT count(*) FROM books"), QStringList{u"0"_s});
    // Foreign keys are on again for the connection.
    QASYNCSQLITE_AWAIT_RESULT(fk, db.execute(u"PRAGMA foreign_keys"_s));
    QCOMPARE(fk.value(0).toList().value(0).toInt(), 1);
}

// SQLite's table-rebuild procedure on a parent table: with foreign keys on
// during the step, DROP TABLE would delete the children ON DELETE CASCADE.
void tst_Migrations::tableRebuildKeepsCascadingChildren()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"foreign_keys=ON"_s}}));
    const QList<QAsyncSqliteMigration> steps = {
            {.name = u"schema"_s,
             .sql = u"CREATE TABLE authors(id INTEGER PRIMARY KEY, name TEXT);"
                    u"CREATE TABLE books(title TEXT, author INTEGER REFERENCES authors(id) ON DELETE CASCADE);"
                    u"INSERT INTO authors VALUES(1, 'Frank Herbert');"
                    u"INSERT INTO books VALUES('Dune', 1)"_s},
            {.name = u"authors.name NOT NULL"_s,
             .sql = u"CREATE TABLE new_authors(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                    u"INSERT INTO new_authors SELECT id, name FROM authors;"
                    u"DROP TABLE authors;"
                    u"ALTER TABLE new_authors RENAME TO authors"_s},
    };
    QASYNCSQLITE_AWAIT_RESULT(version, db.migrate(steps));
    QCOMPARE(version, 2);
    const FileState file(tmp.path());
    QCOMPARE(file.column("SELECT title FROM books"), QStringList{u"Dune"_s});
    QVERIFY(file.column("SELECT sql FROM sqlite_schema WHERE name = 'authors'").value(0).contains(u"NOT NULL"_s));
    QVERIFY(file.column("SELECT sql FROM sqlite_schema WHERE name = 'books'").value(0).contains(u"authors"_s));
}

void tst_Migrations::secondMigrateRunsNothing()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    std::atomic<int> runs = 0;
    const QList<QAsyncSqliteMigration> steps = fourSteps(&runs).mid(0, 3);
    QASYNCSQLITE_AWAIT_RESULT(first, db.migrate(steps));
    QCOMPARE(first, 3);
    QCOMPARE(runs.load(), 1);
    QStringList statements;
    QASYNCSQLITE_AWAIT(db.setTraceCallback([&statements](const QString &sql) {
        statements.append(sql);
    }));
    QASYNCSQLITE_AWAIT_RESULT(second, db.migrate(steps));
    QCOMPARE(second, 3);
    QCOMPARE(runs.load(), 1);
    QCOMPARE(statements, QStringList{u"PRAGMA user_version"_s}); // nothing but the version was read
    QCOMPARE(FileState(tmp.path()).userVersion(), 3);
}

void tst_Migrations::requestsQueuedDuringMigrationWait()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    WorkerHold hold(db);
    const QFuture<int> migration = db.migrate(fourSteps().mid(0, 3));
    const QFuture<QVariantList> after = db.execute(u"SELECT count(*) FROM tags"_s);
    const QFuture<qint64> insert = db.executeInsert(u"INSERT INTO items(name, price) VALUES('pen', 1.5)"_s);
    hold.release();
    QASYNCSQLITE_AWAIT(after);
    QASYNCSQLITE_AWAIT_RESULT(rowid, insert);
    QCOMPARE(rowid, 1);
    QVERIFY(migration.isFinished());
    QCOMPARE(migration.result(), 3);
    QASYNCSQLITE_AWAIT(db.commit());
}

void tst_Migrations::openRunsMigrationsFirst()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QSignalSpy opened(&db, &QAsyncSqliteConnection::opened);
    const QFuture<void> open = db.open(tmp.path(), {.migrations = fourSteps().mid(0, 3)});
    // Queued right behind open(): sees the migrated schema.
    const QFuture<qint64> insert = db.executeInsert(u"INSERT INTO tags VALUES(1, 'red')"_s);
    QASYNCSQLITE_AWAIT(open);
    QASYNCSQLITE_AWAIT(insert);
    QCOMPARE(opened.size(), 1);
    QASYNCSQLITE_AWAIT(db.commit());
    QCOMPARE(FileState(tmp.path()).userVersion(), 3);
}

void tst_Migrations::failingOpenMigrationFailsQueuedRequests()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QSignalSpy opened(&db, &QAsyncSqliteConnection::opened);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"migration step 4 \\(broken\\) failed"_s));
    const QFuture<void> open = db.open(tmp.path(), {.migrations = fourSteps()});
    const QFuture<QVariantList> queued = db.execute(u"SELECT count(*) FROM items"_s);
    QASYNCSQLITE_AWAIT_ERROR(openError, open, QAsyncSqliteOperationalError);
    QVERIFY(openError.message().startsWith(u"migration step 4 (broken) failed"_s));
    QASYNCSQLITE_AWAIT_ERROR(queuedError, queued, QAsyncSqliteOperationalError);
    QCOMPARE(queuedError.message(), openError.message());
    QVERIFY(!db.isOpen());
    QCOMPARE(opened.size(), 0);
    QCOMPARE(FileState(tmp.path()).userVersion(), 3);
}

void tst_Migrations::refusedInsideTransaction()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"BEGIN"_s));
    QASYNCSQLITE_AWAIT_ERROR(error, db.migrate(fourSteps().mid(0, 1)), QAsyncSqliteProgrammingError);
    QVERIFY(error.message().contains(u"inside an open transaction"_s));
    QASYNCSQLITE_AWAIT(db.rollback());
    QCOMPARE(FileState(tmp.path()).schema(), QStringList());
}

void tst_Migrations::progressCountsSteps()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.migrate(fourSteps().mid(0, 1)));
    WorkerHold hold(db);
    const QFuture<int> migration = db.migrate(fourSteps().mid(0, 3));
    const WatchedProgress progress = watchProgress(migration, hold);
    QVERIFY(progress.finished);
    QCOMPARE(progress.minimum, 0);
    QCOMPARE(progress.maximum, 2); // the steps still to run
    QCOMPARE(progress.values.value(progress.values.size() - 1), 2);
    QVERIFY(progress.strictlyIncreasing());
}

QTEST_GUILESS_MAIN(tst_Migrations)
#include "tst_migrations.moc"
