// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Readers in parallel (QAsyncSqliteOptions::readers, doc/readers.md): which
// queries run on reader connections, and that a caller sees exactly what one
// connection would show it: its own writes (awaited or not), the implicit
// transaction it shares, temp tables, pragmas, connection functions; a
// handle's holder sees its writes and everyone else the state before it;
// cancellation, close, no SQLITE_BUSY under a busy writer, a bounded WAL.

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteQueryModel>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qfileinfo.h>
#include <QtCore/qrandom.h>
#include <QtCore/qregularexpression.h>
#include <QtTest/QtTest>

#include "scalar.h"
#include "workerhold.h"

#include <sqlite3.h>

#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// Declares QString \a var: the rows of \a future as text, or its error's message.
#define QASYNCSQLITE_AWAIT_ERROR_OR_RESULT(var, future)                                                                \
    QTRY_VERIFY_WITH_TIMEOUT((future).isFinished(), 20000);                                                            \
    QAsyncSqlite::Detail::tsanAcquireFinished(future);                                                                 \
    QString var;                                                                                                       \
    try {                                                                                                              \
        var = QDebug::toString((future).result());                                                                     \
    } catch (const QAsyncSqliteError &error) {                                                                         \
        var = error.message();                                                                                         \
    }

class tst_Pool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(u".*"_s)); }
    void init();
    void cleanup();

    void readsRunOnReaders();
    void readersRunWhileTheWriterIsBusy();
    void readYourUnawaitedWrites();
    void generatedProgramsMatchOneConnection();
    void writeAfterRead();
    void implicitTransactionIsShared();
    void handleHolderAndOthers();
    void tempTables();
    void attachedDatabases();
    void functionsOnReaders();
    void pragmasAndConnectionFunctions();
    void limits();
    void deserialized();
    void rowFactoryReachesReaders();
    void cancelARead();
    void errorsOnReaders();
    void closeWithQueuedReads();
    void noBusyUnderAWritingThread();
    void inMemoryFails();
    void badReaderCount();
    void queryModelRefreshes();

private:
    void openPool(QAsyncSqliteConnection &db, QAsyncSqliteOptions options = {});
    QAsyncSqliteTest::TemporaryDatabase *m_tmp = nullptr;
    QAsyncSqliteConnection *m_db = nullptr;
};

void tst_Pool::openPool(QAsyncSqliteConnection &db, QAsyncSqliteOptions options)
{
    options.readers = 2;
    QASYNCSQLITE_AWAIT(db.open(m_tmp->path(), options));
}

void tst_Pool::init()
{
    m_tmp = new QAsyncSqliteTest::TemporaryDatabase;
    m_db = new QAsyncSqliteConnection;
    openPool(*m_db, {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit});
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                                           "INSERT INTO t(v) VALUES('a'),('b'),('c');"_s));
}

void tst_Pool::cleanup()
{
    delete m_db;
    m_db = nullptr;
    delete m_tmp;
    m_tmp = nullptr;
}

void tst_Pool::readsRunOnReaders()
{
    const QString sql = u"SELECT v FROM t WHERE id = ?"_s;
    QASYNCSQLITE_AWAIT_RESULT(first, m_db->execute(sql, {2}));
    QCOMPARE(m_db->readsOnReaders(), 0); // first sight: the writer runs it and judges it
    for (int i = 1; i <= 20; ++i) {
        QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(sql, {2}));
        QCOMPARE(rows, first);
        QCOMPARE(m_db->readsOnReaders(), i);
    }
    // Writes never go there.
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t(v) VALUES('d')"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t(v) VALUES('d')"_s));
    QCOMPARE(m_db->readsOnReaders(), 20);
    // Without readers, nothing is counted.
    QAsyncSqliteConnection single;
    QASYNCSQLITE_AWAIT(single.open(m_tmp->path()));
    for (int i = 0; i < 3; ++i)
        QASYNCSQLITE_AWAIT(single.execute(sql, {2}));
    QCOMPARE(single.readsOnReaders(), 0);
}

void tst_Pool::readersRunWhileTheWriterIsBusy()
{
    const QString sql = u"SELECT count(*) FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    // Held from another thread: this thread has no writer request queued.
    std::unique_ptr<WorkerHold> hold;
    std::thread([&] {
        hold = std::make_unique<WorkerHold>(*m_db);
    }).join();
    QVERIFY(hold->waitUntilHeld());
    SCALAR(n, *m_db, sql); // on one connection this would wait for the hold
    QCOMPARE(n, 3);
    QVERIFY(m_db->readsOnReaders() > 0);
    hold->release();
    QASYNCSQLITE_AWAIT(hold->future());
}

void tst_Pool::readYourUnawaitedWrites()
{
    const QString count = u"SELECT count(*) FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(count));
    for (int round = 0; round < 50; ++round) {
        (void)m_db->execute(u"INSERT INTO t(v) VALUES(?)"_s, {round});
        SCALAR(n, *m_db, count);
        QCOMPARE(n, 4 + round);
    }
    // Awaited writes, then reads that may run on readers, see them too.
    const qint64 before = m_db->readsOnReaders();
    for (int round = 0; round < 20; ++round) {
        QASYNCSQLITE_AWAIT(m_db->execute(u"DELETE FROM t WHERE id = (SELECT max(id) FROM t)"_s));
        SCALAR(n, *m_db, count);
        QCOMPARE(n, 53 - round - 1);
    }
    QVERIFY(m_db->readsOnReaders() > before);
}

void tst_Pool::generatedProgramsMatchOneConnection()
{
    // Random single-threaded programs of reads and writes, submitted with
    // and without waiting, give exactly the results of one connection.
    const QStringList reads{u"SELECT count(*), sum(v) FROM t"_s, u"SELECT id, v FROM t WHERE v > ? ORDER BY id"_s,
                            u"SELECT max(id) FROM t"_s};
    const QStringList writes{u"INSERT INTO t(v) VALUES(?)"_s, u"UPDATE t SET v = v + 1 WHERE v < ?"_s,
                             u"DELETE FROM t WHERE v = ?"_s};
    const QStringList control{u"BEGIN"_s, u"COMMIT"_s, u"ROLLBACK"_s};
    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator random(seed);
    qint64 onReaders = 0;
    for (int program = 0; program < 30; ++program) {
        QAsyncSqliteTest::TemporaryDatabase oneFile, poolFile;
        QAsyncSqliteConnection one, pool;
        const auto level =
                random.bounded(2) ? QAsyncSqlite::IsolationLevel::Deferred : QAsyncSqlite::IsolationLevel::Autocommit;
        QASYNCSQLITE_AWAIT(one.open(oneFile.path(), {.isolationLevel = level, .pragmas = {u"journal_mode=WAL"_s}}));
        QASYNCSQLITE_AWAIT(pool.open(poolFile.path(), {.isolationLevel = level, .readers = 2}));
        QList<QFuture<QVariantList>> expected, actual;
        for (QAsyncSqliteConnection *db : {&one, &pool})
            QASYNCSQLITE_AWAIT(db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)"_s));
        for (int step = 0; step < 60; ++step) {
            const int kind = random.bounded(10);
            const QString sql = kind < 6 ? reads.at(random.bounded(int(reads.size())))
                    : kind < 9           ? writes.at(random.bounded(int(writes.size())))
                                         : control.at(random.bounded(int(control.size())));
            const QVariantList params = sql.contains(u'?') ? QVariantList{random.bounded(10)} : QVariantList{};
            expected.append(one.execute(sql, params));
            actual.append(pool.execute(sql, params));
            if (random.bounded(4) == 0) { // awaited: the next read may go to a reader
                QDeadlineTimer limit(20s);
                while (!(actual.last().isFinished() && expected.last().isFinished()) && !limit.hasExpired())
                    QThread::yieldCurrentThread();
            }
        }
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QASYNCSQLITE_AWAIT_ERROR_OR_RESULT(e, expected[i]);
            QASYNCSQLITE_AWAIT_ERROR_OR_RESULT(a, actual[i]);
            QVERIFY2(e == a,
                     qPrintable(u"seed %1, program %2, step %3: %4 instead of %5"_s.arg(seed).arg(program).arg(i).arg(
                             a, e)));
        }
        onReaders += pool.readsOnReaders();
    }
    QVERIFY(onReaders > 0);
}

void tst_Pool::writeAfterRead()
{
    // A slow read on a reader, then a write queued behind it without
    // waiting: the read must not see the write, as on one connection.
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"slow"_s, 0, [](const QVariantList &) {
        std::this_thread::sleep_for(20ms);
        return QVariant(1);
    }));
    const QString sql = u"SELECT count(*), slow() FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    for (int round = 0; round < 5; ++round) {
        const qint64 before = m_db->readsOnReaders();
        QFuture<QVariantList> read = m_db->execute(sql);
        QCOMPARE(m_db->readsOnReaders(), before + 1);
        QFuture<QVariantList> write = m_db->execute(u"INSERT INTO t(v) VALUES('late')"_s);
        QASYNCSQLITE_AWAIT_RESULT(rows, read);
        QCOMPARE(rows.value(0).toList().value(0).toLongLong(), 3 + round);
        QASYNCSQLITE_AWAIT(write);
    }
}

void tst_Pool::implicitTransactionIsShared()
{
    m_db->setIsolationLevel(QAsyncSqlite::IsolationLevel::Deferred);
    const QString count = u"SELECT count(*) FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(count));
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t(v) VALUES('uncommitted')"_s));
    QVERIFY(m_db->inTransaction());
    const qint64 before = m_db->readsOnReaders();
    SCALAR(n, *m_db, count);
    QCOMPARE(n, 4); // inside the implicit transaction, as Python shows it
    QCOMPARE(m_db->readsOnReaders(), before);
    QASYNCSQLITE_AWAIT(m_db->rollback());
    SCALAR(after, *m_db, count);
    QCOMPARE(after, 3);
    // An explicit BEGIN through execute() too.
    QASYNCSQLITE_AWAIT(m_db->execute(u"BEGIN"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"DELETE FROM t"_s));
    SCALAR(inside, *m_db, count);
    QCOMPARE(inside, 0);
    QASYNCSQLITE_AWAIT(m_db->execute(u"ROLLBACK"_s));
}

void tst_Pool::handleHolderAndOthers()
{
    const QString count = u"SELECT count(*) FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(count));
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
    QASYNCSQLITE_AWAIT(tx.execute(u"INSERT INTO t(v) VALUES('tx')"_s));
    QASYNCSQLITE_AWAIT_RESULT(own, tx.execute(count));
    QCOMPARE(own.value(0).toList().value(0).toLongLong(), 4);
    // Another thread reads the state before the transaction, at once
    // (one connection would make it wait for the handle).
    qint64 seen = -1;
    std::thread([&] {
        QFuture<QVariantList> f = m_db->execute(count);
        f.waitForFinished();
        QAsyncSqlite::Detail::tsanAcquireFinished(f);
        if (f.resultCount())
            seen = f.result().value(0).toList().value(0).toLongLong();
    }).join();
    QCOMPARE(seen, 3);
    QASYNCSQLITE_AWAIT(tx.commit());
    SCALAR(after, *m_db, count);
    QCOMPARE(after, 4);
}

void tst_Pool::tempTables()
{
    const QString sql = u"SELECT v FROM t ORDER BY id"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    QVERIFY(m_db->readsOnReaders() > 0);
    // A temp table of the same name hides main.t on the writer only.
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TEMP TABLE t(id, v); INSERT INTO temp.t VALUES(1, 'temp');"_s));
    const qint64 before = m_db->readsOnReaders();
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(sql));
    QCOMPARE(rows, (QVariantList{QVariantList{u"temp"_s}}));
    QCOMPARE(m_db->readsOnReaders(), before);
    QASYNCSQLITE_AWAIT(m_db->execute(u"DROP TABLE temp.t"_s));
    QASYNCSQLITE_AWAIT_RESULT(again, m_db->execute(sql));
    QCOMPARE(again.size(), 3);
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    QVERIFY(m_db->readsOnReaders() > before); // back on readers
}

void tst_Pool::attachedDatabases()
{
    QAsyncSqliteTest::TemporaryDatabase other;
    QASYNCSQLITE_AWAIT(m_db->execute(u"ATTACH DATABASE ? AS aux"_s, {other.path()}));
    QASYNCSQLITE_AWAIT(m_db->execute(u"CREATE TABLE aux.u(x)"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO aux.u VALUES(42)"_s));
    for (int i = 0; i < 3; ++i) {
        SCALAR(x, *m_db, u"SELECT x FROM u"_s);
        QCOMPARE(x, 42);
    }
    QCOMPARE(m_db->readsOnReaders(), 0);
    QASYNCSQLITE_AWAIT(m_db->execute(u"DETACH DATABASE aux"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT count(*) FROM t"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT count(*) FROM t"_s));
    QVERIFY(m_db->readsOnReaders() > 0);
}

void tst_Pool::functionsOnReaders()
{
    std::atomic<int> calls{0};
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"twice"_s, 1, [&calls](const QVariantList &args) {
        ++calls;
        return QVariant(args.value(0).toLongLong() * 2);
    }));
    QASYNCSQLITE_AWAIT(m_db->createCollation(u"backwards"_s, [](const QString &a, const QString &b) {
        return b.compare(a);
    }));
    const QString sql = u"SELECT twice(id) FROM t ORDER BY v COLLATE backwards"_s;
    const QVariantList expected{QVariantList{6}, QVariantList{4}, QVariantList{2}};
    for (int i = 0; i < 5; ++i) {
        QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(sql));
        QCOMPARE(rows, expected);
    }
    QCOMPARE(m_db->readsOnReaders(), 4);
    QCOMPARE(calls.load(), 15);
    // One registered through the raw handle exists on the writer only: the
    // reader cannot prepare it, and the writer runs it instead.
    QASYNCSQLITE_AWAIT(m_db->run([](sqlite3 *db) {
        sqlite3_create_function_v2(
                db, "seven", 0, SQLITE_UTF8, nullptr,
                [](sqlite3_context *ctx, int, sqlite3_value **) {
                    sqlite3_result_int(ctx, 7);
                },
                nullptr, nullptr, nullptr);
    }));
    for (int i = 0; i < 3; ++i) {
        SCALAR(seven, *m_db, u"SELECT seven() FROM t LIMIT 1"_s);
        QCOMPARE(seven, 7);
    }
}

void tst_Pool::pragmasAndConnectionFunctions()
{
    QASYNCSQLITE_AWAIT(m_db->execute(u"PRAGMA foreign_keys = ON"_s));
    for (int i = 0; i < 3; ++i) {
        SCALAR(fk, *m_db, u"PRAGMA foreign_keys"_s);
        QCOMPARE(fk, 1); // a reader has its own, off
    }
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t(v) VALUES('x')"_s));
    for (int i = 0; i < 3; ++i) {
        SCALAR(rowid, *m_db, u"SELECT last_insert_rowid()"_s);
        QCOMPARE(rowid, 4);
        SCALAR(changes, *m_db, u"SELECT changes() + 0 * (SELECT count(*) FROM t)"_s);
        QCOMPARE(changes, 1);
        SCALAR(total, *m_db, u"SELECT total_changes()"_s);
        QVERIFY(total >= 4);
    }
    QCOMPARE(m_db->readsOnReaders(), 0);
}

void tst_Pool::limits()
{
    const QString sql = u"SELECT group_concat(v, '') || group_concat(v, '') FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    QASYNCSQLITE_AWAIT(m_db->setLimit(SQLITE_LIMIT_LENGTH, 4));
    for (int i = 0; i < 3; ++i) {
        QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(sql), QAsyncSqliteDataError);
        QCOMPARE(error.code(), SQLITE_TOOBIG);
    }
    QCOMPARE(m_db->readsOnReaders(), 0);
}

void tst_Pool::deserialized()
{
    // The writer's main database becomes an in-memory copy; the file's
    // readers must not answer for it.
    const QString sql = u"SELECT count(*) FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    QASYNCSQLITE_AWAIT_RESULT(serialized, m_db->serialize());
    QByteArray image = serialized;
    image[18] = image[19] = 1; // a WAL image opens in memory only as a rollback-journal one (SQLite's rule)
    QASYNCSQLITE_AWAIT(m_db->execute(u"DELETE FROM t"_s));
    QASYNCSQLITE_AWAIT(m_db->deserialize(image));
    const qint64 before = m_db->readsOnReaders();
    for (int i = 0; i < 3; ++i) {
        SCALAR(n, *m_db, sql);
        QCOMPARE(n, 3);
    }
    QCOMPARE(m_db->readsOnReaders(), before);
}

void tst_Pool::rowFactoryReachesReaders()
{
    const QString sql = u"SELECT id, v FROM t WHERE id = 1"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    m_db->setRowFactory(QAsyncSqlite::RowFactory::Map);
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(sql));
    QCOMPARE(rows.value(0).toMap().value(u"v"_s).toString(), u"a"_s);
    QASYNCSQLITE_AWAIT_RESULT(again, m_db->execute(sql));
    QCOMPARE(again, rows);
    QVERIFY(m_db->readsOnReaders() > 0);
}

void tst_Pool::cancelARead()
{
    const QString sql = u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)"
                        " SELECT count(*) FROM c"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql, {1}));
    QFuture<QVariantList> endless = m_db->execute(sql, {Q_INT64_C(1) << 60});
    QCOMPARE(m_db->readsOnReaders(), 1);
    QTest::qWait(50);
    endless.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(endless.isFinished(), 20000);
    QVERIFY(endless.isCanceled());
    QFuture<QVariantList> interrupted = m_db->execute(sql, {Q_INT64_C(1) << 60});
    QTest::qWait(50);
    m_db->interrupt();
    QASYNCSQLITE_AWAIT_ERROR(error, interrupted, QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_INTERRUPT);
    SCALAR(n, *m_db, u"SELECT count(*) FROM t"_s);
    QCOMPARE(n, 3);
}

void tst_Pool::errorsOnReaders()
{
    // A reader's failure: the same error class and message, and errorOccurred().
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"fails"_s, 1, [](const QVariantList &args) -> QVariant {
        if (args.value(0).toInt() > 1)
            throw std::runtime_error("too big");
        return 0;
    }));
    const QString sql = u"SELECT fails(?)"_s;
    QASYNCSQLITE_AWAIT_ERROR(onWriter, m_db->execute(sql, {2}), QAsyncSqliteOperationalError);
    QASYNCSQLITE_AWAIT(m_db->execute(sql, {1})); // judged now
    QCoreApplication::processEvents(); // the writer's errorOccurred() was posted before its future ended
    QSignalSpy errors(m_db, &QAsyncSqliteConnection::errorOccurred);
    const qint64 before = m_db->readsOnReaders();
    QASYNCSQLITE_AWAIT_ERROR(onReader, m_db->execute(sql, {2}), QAsyncSqliteOperationalError);
    QCOMPARE(m_db->readsOnReaders(), before + 1);
    QCOMPARE(onReader.message(), onWriter.message());
    QCOMPARE(onReader.extendedCode(), onWriter.extendedCode());
    QTRY_COMPARE(errors.size(), 1);
}

void tst_Pool::closeWithQueuedReads()
{
    const QString sql = u"SELECT count(*) FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    QList<QFuture<QVariantList>> reads;
    for (int i = 0; i < 200; ++i)
        reads.append(m_db->execute(sql));
    QVERIFY(m_db->readsOnReaders() > 0);
    QASYNCSQLITE_AWAIT(m_db->close());
    for (QFuture<QVariantList> &read : reads) {
        QVERIFY(read.isFinished());
        QAsyncSqlite::Detail::tsanAcquireFinished(read);
        QCOMPARE(read.result().value(0).toList().value(0).toLongLong(), 3);
    }
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(sql), QAsyncSqliteProgrammingError);
    QCOMPARE(error.code(), SQLITE_MISUSE);
    // The writer closed last: the WAL was checkpointed into the file.
    QVERIFY(!QFileInfo::exists(m_tmp->path() + u"-wal"_s));
    // Reopening works, with readers again.
    openPool(*m_db);
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    QCOMPARE(m_db->readsOnReaders(), 1); // judged before the close: no need to judge it again
}

void tst_Pool::noBusyUnderAWritingThread()
{
    // A writer thread commits 20-row transactions back to back while this
    // thread reads: no read fails, every read sees whole transactions, and
    // the WAL stays bounded by checkpoints.
    const QString sql = u"SELECT count(*) FROM t"_s;
    QASYNCSQLITE_AWAIT(m_db->execute(sql));
    std::atomic<bool> stop{false};
    std::atomic<int> writeErrors{0};
    qint64 walMax = 0;
    std::thread writer([&] {
        QList<QVariantList> rows;
        for (int i = 0; i < 20; ++i)
            rows.append({QString(200, u'x')});
        while (!stop.load()) {
            QFuture<void> f = m_db->transaction([rows](QAsyncSqliteTransaction &tx) {
                tx.executeMany(u"INSERT INTO t(v) VALUES(?)"_s, rows);
            });
            f.waitForFinished();
            QAsyncSqlite::Detail::tsanAcquireFinished(f);
            if (f.isCanceled())
                ++writeErrors;
        }
    });
    qint64 last = 0;
    const QDeadlineTimer enough(30s);
    for (int i = 0; i < 400 || (last < 3 + 20 * 50 && !enough.hasExpired()); ++i) {
        QFuture<QVariantList> f = m_db->execute(sql);
        QASYNCSQLITE_AWAIT_RESULT(rows, f);
        const qint64 n = rows.value(0).toList().value(0).toLongLong();
        QVERIFY(n >= last);
        QCOMPARE((n - 3) % 20, 0);
        last = n;
        walMax = std::max(walMax, QFileInfo(m_tmp->path() + u"-wal"_s).size());
    }
    stop = true;
    writer.join();
    QCOMPARE(writeErrors.load(), 0);
    QVERIFY(last >= 3 + 20 * 50);
    QVERIFY(m_db->readsOnReaders() > 300);
    qInfo("%lld rows written; WAL at most %lld bytes", last, walMax);
    QVERIFY2(walMax < 64 * 1024 * 1024, "the WAL grew without bound");
}

void tst_Pool::inMemoryFails()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT_ERROR(error, db.open(u":memory:"_s, {.readers = 1}), QAsyncSqliteNotSupportedError);
    QVERIFY(error.message().contains(u"WAL"_s));
    QVERIFY(!db.isOpen());
}

void tst_Pool::badReaderCount()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT_ERROR(error, db.open(m_tmp->path(), {.readers = -1}), QAsyncSqliteProgrammingError);
    QVERIFY(error.message().contains(u"readers"_s));
    QVERIFY(!db.isOpen());
}

void tst_Pool::queryModelRefreshes()
{
    QAsyncSqliteQueryModel model;
    model.setConnection(m_db);
    model.setLive(true);
    model.setQuery(u"SELECT id, v FROM t ORDER BY id"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 20000);
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t(v) VALUES('live')"_s));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 4, 20000);
    QASYNCSQLITE_AWAIT(m_db->execute(u"DELETE FROM t WHERE v = 'live'"_s));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 20000);
}

QTEST_GUILESS_MAIN(tst_Pool)

#include "tst_pool.moc"
