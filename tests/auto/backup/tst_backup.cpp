// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "watchedprogress.h"
#include "workerhold.h"

#include <QtTest/QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QVariantList ExpectedRows{QVariantList{1LL, u"one"_s}, QVariantList{2LL, u"two"_s}};

struct ProgressCall
{
    int status;
    int remaining;
    int total;
};

} // namespace

class tst_Backup : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void toConnection_data();
    void toConnection();
    void toPath();
    void toBadPath();
    void pagesAndProgress_data();
    void pagesAndProgress();
    void progressThrows();
    void progressThroughFuture_data();
    void progressThroughFuture();
    void retriesWhileBusy();
    void schemaName_data();
    void schemaName();
    void unknownSchema();
    void readOnlyTarget();
    void targetInUse();
    void targetNotOpen();
    void targetIsSource();
    void targetDestroyedWhileBusy();
    void crossedBackups();

private:
    // Opens \a db on \a path with a table of ExpectedRows.
    void fill(QAsyncSqliteConnection &db, const QString &path);
    // Adds an index and 198 rows to fill()'s table; returns the page count.
    int grow(QAsyncSqliteConnection &db);
};

void tst_Backup::fill(QAsyncSqliteConnection &db, const QString &path)
{
    QASYNCSQLITE_AWAIT(db.open(path));
    QASYNCSQLITE_AWAIT(db.executeScript(
            u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);INSERT INTO t VALUES(1, 'one'), (2, 'two');"_s));
}

int tst_Backup::grow(QAsyncSqliteConnection &db)
{
    // Several pages: the table and an index over 200 rows of 100 bytes.
    const QString failure = QAsyncSqliteTest::awaitSuccess(
            db.executeScript(u"CREATE INDEX t_name ON t(name);"
                             "WITH RECURSIVE c(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM c WHERE i < 200) "
                             "INSERT INTO t SELECT i, hex(randomblob(50)) FROM c;"_s));
    if (!failure.isEmpty())
        return -1;
    auto pageCount = db.execute(u"PRAGMA page_count"_s);
    if (!QAsyncSqliteTest::awaitSuccess(pageCount).isEmpty())
        return -1;
    return int(pageCount.result().first().toList().first().toLongLong());
}

void tst_Backup::toConnection_data()
{
    QTest::addColumn<bool>("sourceInMemory");
    QTest::addColumn<bool>("targetInMemory");

    QTest::newRow("file to file") << false << false;
    QTest::newRow("file to memory") << false << true;
    QTest::newRow("memory to file") << true << false;
    QTest::newRow("memory to memory") << true << true;
}

void tst_Backup::toConnection()
{
    QFETCH(bool, sourceInMemory);
    QFETCH(bool, targetInMemory);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection source;
    fill(source, sourceInMemory ? u":memory:"_s : tmp.path());
    QAsyncSqliteConnection target;
    QASYNCSQLITE_AWAIT(target.open(targetInMemory ? u":memory:"_s : tmp.filePath(u"target.sqlite"_s)));
    QASYNCSQLITE_AWAIT(target.execute(u"CREATE TABLE old(x)"_s)); // replaced by the backup

    QASYNCSQLITE_AWAIT(source.backup(&target));

    QASYNCSQLITE_AWAIT_RESULT(rows, target.execute(u"SELECT id, name FROM t ORDER BY id"_s));
    QCOMPARE(rows, ExpectedRows);
    QASYNCSQLITE_AWAIT_RESULT(tables, target.execute(u"SELECT name FROM sqlite_master"_s));
    QCOMPARE(tables, (QVariantList{QVariantList{u"t"_s}}));
    // Both stay usable.
    QASYNCSQLITE_AWAIT(target.execute(u"INSERT INTO t VALUES(3, 'three')"_s));
    QASYNCSQLITE_AWAIT(target.commit());
    QASYNCSQLITE_AWAIT_RESULT(sourceRows, source.execute(u"SELECT id, name FROM t ORDER BY id"_s));
    QCOMPARE(sourceRows, ExpectedRows);
}

void tst_Backup::toPath()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    const QString path = tmp.filePath(u"copy.sqlite"_s);
    QASYNCSQLITE_AWAIT(source.backup(path));
    QVERIFY(QFile::exists(path));

    QAsyncSqliteConnection copy;
    QASYNCSQLITE_AWAIT(copy.open(path));
    QASYNCSQLITE_AWAIT_RESULT(rows, copy.execute(u"SELECT id, name FROM t ORDER BY id"_s));
    QCOMPARE(rows, ExpectedRows);
    QASYNCSQLITE_AWAIT(copy.close());

    // Backing up again replaces the file's content.
    QASYNCSQLITE_AWAIT(source.execute(u"DELETE FROM t WHERE id = 2"_s));
    QASYNCSQLITE_AWAIT(source.commit());
    QASYNCSQLITE_AWAIT(source.backup(path));
    QASYNCSQLITE_AWAIT(copy.open(path));
    QASYNCSQLITE_AWAIT_RESULT(after, copy.execute(u"SELECT id, name FROM t ORDER BY id"_s));
    QCOMPARE(after, (QVariantList{ExpectedRows.first()}));
}

void tst_Backup::toBadPath()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    QASYNCSQLITE_AWAIT_ERROR(error, source.backup(tmp.filePath(u"no/such/dir/copy.sqlite"_s)),
                             QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_CANTOPEN);
    QASYNCSQLITE_AWAIT_RESULT(rows, source.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{2LL}}));
}

void tst_Backup::pagesAndProgress_data()
{
    QTest::addColumn<int>("pages");
    QTest::addColumn<bool>("toPath");

    QTest::newRow("all at once") << -1 << false;
    QTest::newRow("zero means all") << 0 << false;
    QTest::newRow("one page per step") << 1 << false;
    QTest::newRow("two pages per step") << 2 << false;
    QTest::newRow("three pages per step, to a path") << 3 << true;
    QTest::newRow("one page per step, to a path") << 1 << true;
}

void tst_Backup::pagesAndProgress()
{
    QFETCH(int, pages);
    QFETCH(bool, toPath);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    const int total = grow(source);
    QVERIFY2(total > 6, qPrintable(QString::number(total)));

    auto calls = std::make_shared<QList<ProgressCall>>();
    auto mutex = std::make_shared<QMutex>();
    QAsyncSqliteBackupOptions options;
    options.pages = pages;
    options.progress = [calls, mutex](int status, int remaining, int count) {
        QMutexLocker locker(mutex.get());
        calls->append({status, remaining, count});
    };

    QAsyncSqliteConnection target;
    if (toPath) {
        QASYNCSQLITE_AWAIT(source.backup(tmp.filePath(u"copy.sqlite"_s), options));
        QASYNCSQLITE_AWAIT(target.open(tmp.filePath(u"copy.sqlite"_s)));
    } else {
        QASYNCSQLITE_AWAIT(target.open(u":memory:"_s));
        QASYNCSQLITE_AWAIT(source.backup(&target, options));
    }

    QMutexLocker locker(mutex.get());
    const int perStep = pages <= 0 ? total : pages;
    const int expectedCalls = (total + perStep - 1) / perStep;
    QCOMPARE(calls->size(), expectedCalls);
    for (int i = 0; i < calls->size(); ++i) {
        const ProgressCall &call = calls->at(i);
        const bool last = i == calls->size() - 1;
        QCOMPARE(call.status, last ? SQLITE_DONE : SQLITE_OK);
        QCOMPARE(call.total, total);
        QCOMPARE(call.remaining, qMax(0, total - (i + 1) * perStep));
    }
    locker.unlock();
    QASYNCSQLITE_AWAIT_RESULT(rows, target.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{200LL}}));
}

void tst_Backup::progressThrows()
{
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    QAsyncSqliteConnection target;
    QASYNCSQLITE_AWAIT(target.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(target.execute(u"CREATE TABLE kept(x)"_s));
    QAsyncSqliteBackupOptions options;
    options.pages = 1;
    options.progress = [](int, int, int) {
        throw QAsyncSqliteDataError(SQLITE_TOOBIG, u"stop the backup"_s);
    };
    QASYNCSQLITE_AWAIT_ERROR(error, source.backup(&target, options), QAsyncSqliteDataError);
    QCOMPARE(error.message(), u"stop the backup"_s);
    // Aborted: the target keeps its old content.
    QASYNCSQLITE_AWAIT_RESULT(tables, target.execute(u"SELECT name FROM sqlite_master"_s));
    QCOMPARE(tables, (QVariantList{QVariantList{u"kept"_s}}));
}

void tst_Backup::progressThroughFuture_data()
{
    QTest::addColumn<int>("pages");
    QTest::addColumn<bool>("toPath");

    QTest::newRow("one page per step") << 1 << false;
    QTest::newRow("three pages per step, to a path") << 3 << true;
    QTest::newRow("all at once") << -1 << false;
}

// The Qt way to show progress: a QFutureWatcher on backup()'s future, whose
// signals a QProgressBar could take as they are.
void tst_Backup::progressThroughFuture()
{
    QFETCH(int, pages);
    QFETCH(bool, toPath);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    const int total = grow(source);
    QVERIFY2(total > 6, qPrintable(QString::number(total)));
    QAsyncSqliteConnection target;
    QASYNCSQLITE_AWAIT(target.open(u":memory:"_s));

    // The worker waits until the watcher is connected, so that it sees every
    // step from the first.
    WorkerHold hold(source);
    QAsyncSqliteBackupOptions options;
    options.pages = pages;
    const QFuture<void> backup =
            toPath ? source.backup(tmp.filePath(u"copy.sqlite"_s), options) : source.backup(&target, options);
    const WatchedProgress progress = watchProgress(backup, hold);
    QASYNCSQLITE_AWAIT(backup);
    QVERIFY(progress.finished);

    QCOMPARE(backup.progressMinimum(), 0);
    QCOMPARE(backup.progressMaximum(), total);
    QCOMPARE(backup.progressValue(), total);
    QCOMPARE(progress.minimum, 0);
    QCOMPARE(progress.maximum, total);
    const QList<int> &seen = progress.values;
    // From 0 (when the watcher connected) through the first step, which is
    // always delivered, to the maximum, which is too; Qt may drop values in
    // between (at most 25 a second reach watchers).
    QVERIFY2(seen.size() >= 2, qPrintable(QDebug::toString(seen)));
    QCOMPARE(seen.first(), 0);
    QCOMPARE(seen.at(1), pages > 0 ? pages : total);
    QCOMPARE(seen.last(), total);
    QVERIFY2(progress.strictlyIncreasing(), qPrintable(QDebug::toString(seen)));
    // Each value is the pages of whole steps copied so far.
    for (const int value : std::as_const(seen))
        QVERIFY2(value == total || value % (pages > 0 ? pages : total) == 0, qPrintable(QDebug::toString(seen)));
}

void tst_Backup::retriesWhileBusy()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath(u"copy.sqlite"_s);
    QAsyncSqliteConnection source;
    QAsyncSqliteOptions noWait;
    noWait.busyTimeout = std::chrono::milliseconds(0); // BUSY at once, no busy handler
    QASYNCSQLITE_AWAIT(source.open(u":memory:"_s, noWait));
    QASYNCSQLITE_AWAIT(source.executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);"
                                            "INSERT INTO t VALUES(1, 'one'), (2, 'two');"_s));
    // Another connection holds the destination file locked until the first
    // BUSY step reaches the progress callback.
    QAsyncSqliteConnection locker;
    QASYNCSQLITE_AWAIT(locker.open(path));
    QASYNCSQLITE_AWAIT(locker.execute(u"CREATE TABLE old(x)"_s));
    QASYNCSQLITE_AWAIT(locker.execute(u"BEGIN EXCLUSIVE"_s));

    auto statuses = std::make_shared<QList<int>>();
    QAsyncSqliteBackupOptions options;
    options.pages = 1;
    options.sleep = std::chrono::milliseconds(5);
    options.progress = [statuses, &locker](int status, int, int) {
        if (status == SQLITE_BUSY && !statuses->contains(SQLITE_BUSY))
            locker.commit(); // queued on the other connection's worker
        statuses->append(status);
    };
    QASYNCSQLITE_AWAIT(source.backup(path, options));
    QVERIFY(!statuses->isEmpty());
    QCOMPARE(statuses->first(), SQLITE_BUSY);
    QCOMPARE(statuses->last(), SQLITE_DONE);
    QASYNCSQLITE_AWAIT_RESULT(rows, locker.execute(u"SELECT id, name FROM t ORDER BY id"_s));
    QCOMPARE(rows, ExpectedRows);
}

void tst_Backup::schemaName_data()
{
    QTest::addColumn<QString>("schema");
    QTest::newRow("temp") << u"temp"_s;
    QTest::newRow("attached") << u"aux"_s;
}

void tst_Backup::schemaName()
{
    QFETCH(QString, schema);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    if (schema != u"temp"_s)
        QASYNCSQLITE_AWAIT(source.execute(u"ATTACH DATABASE ? AS "_s + schema, {tmp.filePath(u"aux.sqlite"_s)}));
    QASYNCSQLITE_AWAIT(
            source.executeScript(u"CREATE TABLE %1.only_here(v);INSERT INTO %1.only_here VALUES(42);"_s.arg(schema)));

    QAsyncSqliteBackupOptions options;
    options.name = schema;
    QAsyncSqliteConnection target;
    QASYNCSQLITE_AWAIT(target.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(source.backup(&target, options));
    QASYNCSQLITE_AWAIT_RESULT(tables, target.execute(u"SELECT name FROM sqlite_master"_s));
    QCOMPARE(tables, (QVariantList{QVariantList{u"only_here"_s}}));
    QASYNCSQLITE_AWAIT_RESULT(rows, target.execute(u"SELECT v FROM only_here"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{42LL}}));

    const QString path = tmp.filePath(u"copy.sqlite"_s);
    QASYNCSQLITE_AWAIT(source.backup(path, options));
    QAsyncSqliteConnection copy;
    QASYNCSQLITE_AWAIT(copy.open(path));
    QASYNCSQLITE_AWAIT_RESULT(copied, copy.execute(u"SELECT v FROM only_here"_s));
    QCOMPARE(copied, (QVariantList{QVariantList{42LL}}));
}

void tst_Backup::unknownSchema()
{
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    QAsyncSqliteConnection target;
    QASYNCSQLITE_AWAIT(target.open(u":memory:"_s));
    QAsyncSqliteBackupOptions options;
    options.name = u"nope"_s;
    QASYNCSQLITE_AWAIT_ERROR(error, source.backup(&target, options), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_ERROR);
    QVERIFY2(error.message().contains(u"nope"_s), qPrintable(error.message()));
    // The target was released: it still answers.
    QASYNCSQLITE_AWAIT_RESULT(rows, target.execute(u"SELECT 1"_s));
    QCOMPARE(rows.size(), 1);
}

void tst_Backup::readOnlyTarget()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    {
        QAsyncSqliteConnection creator;
        fill(creator, tmp.filePath(u"target.sqlite"_s));
        QASYNCSQLITE_AWAIT(creator.close());
    }
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    QASYNCSQLITE_AWAIT(source.execute(u"INSERT INTO t VALUES(3, 'three')"_s));
    QASYNCSQLITE_AWAIT(source.commit());
    QAsyncSqliteConnection target;
    QAsyncSqliteOptions readOnly;
    readOnly.openMode = QAsyncSqlite::OpenMode::ReadOnly;
    QASYNCSQLITE_AWAIT(target.open(tmp.filePath(u"target.sqlite"_s), readOnly));
    QASYNCSQLITE_AWAIT_ERROR(error, source.backup(&target), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_READONLY);
    QASYNCSQLITE_AWAIT_RESULT(rows, target.execute(u"SELECT id, name FROM t ORDER BY id"_s));
    QCOMPARE(rows, ExpectedRows);
}

void tst_Backup::targetInUse()
{
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    QAsyncSqliteConnection target;
    fill(target, u":memory:"_s);
    // A cursor stopped after its first row keeps a read transaction open.
    QAsyncSqliteCursor *cursor = target.cursor(u"SELECT id FROM t"_s);
    QASYNCSQLITE_AWAIT(source.execute(u"DELETE FROM t"_s));
    QASYNCSQLITE_AWAIT(source.commit());
    QASYNCSQLITE_AWAIT_ERROR(error, source.backup(&target), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_ERROR);
    QASYNCSQLITE_AWAIT_RESULT(next, cursor->fetchOne());
    QCOMPARE(next, QVariant(QVariantList{1LL}));
    QASYNCSQLITE_AWAIT(cursor->close());
    QASYNCSQLITE_AWAIT(source.backup(&target));
    QASYNCSQLITE_AWAIT_RESULT(rows, target.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{0LL}}));
}

void tst_Backup::targetNotOpen()
{
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    QAsyncSqliteConnection neverOpened;
    QASYNCSQLITE_AWAIT_ERROR(error, source.backup(&neverOpened), QAsyncSqliteProgrammingError);
    QCOMPARE(error.code(), SQLITE_MISUSE);

    QAsyncSqliteConnection closed;
    QASYNCSQLITE_AWAIT(closed.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(closed.close());
    QASYNCSQLITE_AWAIT_ERROR(closedError, source.backup(&closed), QAsyncSqliteProgrammingError);
    QCOMPARE(closedError.code(), SQLITE_MISUSE);

    // Closed after the backup was queued, before it ran.
    QAsyncSqliteConnection closing;
    QASYNCSQLITE_AWAIT(closing.open(u":memory:"_s));
    WorkerHold hold(source);
    QFuture<void> backup = source.backup(&closing);
    QASYNCSQLITE_AWAIT(closing.close());
    hold.release();
    QASYNCSQLITE_AWAIT(hold.future());
    QASYNCSQLITE_AWAIT_ERROR(closingError, backup, QAsyncSqliteProgrammingError);
    QCOMPARE(closingError.code(), SQLITE_MISUSE);

    // A source that is not open.
    QASYNCSQLITE_AWAIT_ERROR(sourceError, neverOpened.backup(&source), QAsyncSqliteProgrammingError);
    QCOMPARE(sourceError.code(), SQLITE_MISUSE);
}

void tst_Backup::targetIsSource()
{
    QAsyncSqliteConnection db;
    fill(db, u":memory:"_s);
    QASYNCSQLITE_AWAIT_ERROR(self, db.backup(&db), QAsyncSqliteProgrammingError);
    QCOMPARE(self.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_ERROR(null, db.backup(static_cast<QAsyncSqliteConnection *>(nullptr)),
                             QAsyncSqliteProgrammingError);
    QCOMPARE(null.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT id, name FROM t ORDER BY id"_s));
    QCOMPARE(rows, ExpectedRows);
}

void tst_Backup::targetDestroyedWhileBusy()
{
    QAsyncSqliteConnection source;
    fill(source, u":memory:"_s);
    auto target = std::make_unique<QAsyncSqliteConnection>();
    QASYNCSQLITE_AWAIT(target->open(u":memory:"_s));
    target->setShutdownTimeout(std::chrono::milliseconds(100));
    // Busy until interrupted: the destructor gives up on it and drops the
    // queue, including the job the backup waits for.
    QFuture<QVariantList> endless = target->execute(
            u"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c"_s);
    QFuture<void> backup = source.backup(target.get());
    target.reset();
    QASYNCSQLITE_AWAIT_ERROR(error, backup, QAsyncSqliteProgrammingError);
    QCOMPARE(error.code(), SQLITE_MISUSE);
    QVERIFY(endless.isFinished());
    // The source is free again.
    QASYNCSQLITE_AWAIT_RESULT(rows, source.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{2LL}}));
}

void tst_Backup::crossedBackups()
{
    // A -> B and B -> A at the same time would each wait for the other's
    // worker forever. Both workers are held until both requests are queued,
    // so that they really overlap: exactly one must be refused.
    QAsyncSqliteConnection a;
    fill(a, u":memory:"_s);
    QAsyncSqliteConnection b;
    QASYNCSQLITE_AWAIT(b.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(b.execute(u"CREATE TABLE from_b(x)"_s));
    WorkerHold holdA(a);
    WorkerHold holdB(b);
    QFuture<void> aToB = a.backup(&b);
    QFuture<void> bToA = b.backup(&a);
    holdA.release();
    holdB.release();
    QASYNCSQLITE_AWAIT(holdA.future());
    QASYNCSQLITE_AWAIT(holdB.future());
    QVERIFY(QAsyncSqliteTest::waitForFinished(aToB));
    QVERIFY(QAsyncSqliteTest::waitForFinished(bToA));

    std::optional<QAsyncSqliteOperationalError> aError;
    std::optional<QAsyncSqliteOperationalError> bError;
    const bool aFailed = QAsyncSqliteTest::awaitError(aToB, aError).isEmpty();
    const bool bFailed = QAsyncSqliteTest::awaitError(bToA, bError).isEmpty();
    QVERIFY2(aFailed != bFailed, "exactly one of the crossed backups must be refused");
    const QAsyncSqliteOperationalError &error = aFailed ? *aError : *bError;
    QCOMPARE(error.code(), SQLITE_LOCKED);
    QVERIFY(QAsyncSqliteTest::awaitSuccess(aFailed ? QFuture<void>(bToA) : QFuture<void>(aToB)).isEmpty());

    // Whichever succeeded, both connections now hold the winner's schema.
    QASYNCSQLITE_AWAIT_RESULT(tablesA, a.execute(u"SELECT name FROM sqlite_master"_s));
    QASYNCSQLITE_AWAIT_RESULT(tablesB, b.execute(u"SELECT name FROM sqlite_master"_s));
    QCOMPARE(tablesA, tablesB);
    QCOMPARE(tablesA, (QVariantList{QVariantList{aFailed ? u"from_b"_s : u"t"_s}}));
}

QTEST_GUILESS_MAIN(tst_Backup)
#include "tst_backup.moc"
