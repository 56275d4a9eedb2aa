// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Soak under load: four connections to one WAL database, four submitting
// threads that each send bank transfers to any of them through
// transaction(fn) (BEGIN IMMEDIATE, busy timeout), about 1% of them canceled
// with QFuture::cancel(), while the test thread now and then destroys a
// connection and puts a new one in its place. Every transfer writes a row of
// the transfer log in the same transaction. Afterwards:
//  - every future reached exactly one terminal state within a bound: a
//    result, a typed error, or (only when the test canceled it) a cancel;
//  - the sum of the balances is conserved, and every account's balance is
//    its opening balance plus what the log says came in minus what went out
//    (no partial transfer);
//  - every acknowledged transfer is in the log, every refused one is not;
//  - integrity_check is ok; threads, fds and sqlite3_memory_used() are back
//    at their baseline.
// QASYNCSQLITE_SOAK_TRANSFERS sets the number of transfers (default 100000,
// the size the reliability issue asks for; ~10 s, ~25 s under TSan).
#include "faultcommon.h"
#include "resourcebaseline.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qmutex.h>
#include <QtCore/qrandom.h>
#include <QtCore/qthread.h>
#include <QtTest/QtTest>

#include <atomic>
#include <deque>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr int accountCount = 40;
constexpr qint64 openingBalance = 1000;
constexpr int connectionCount = 4;
constexpr int threadCount = 4;
constexpr int window = 8; // futures in flight per submitting thread

int transferCount()
{
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("QASYNCSQLITE_SOAK_TRANSFERS", &ok);
    return ok && n > 0 ? n : 100000;
}

using ConnectionPtr = std::shared_ptr<QAsyncSqliteConnection>;

// Connections live in the test thread; whoever drops the last reference,
// the deletion happens there.
ConnectionPtr makeConnection()
{
    return ConnectionPtr(new QAsyncSqliteConnection, [](QAsyncSqliteConnection *c) {
        QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [c] {
                    delete c;
                },
                Qt::QueuedConnection);
    });
}

// What the submitting threads saw.
struct Ledger
{
    QMutex mutex;
    QSet<qint64> acknowledged; // committed: must be in the log
    QSet<qint64> refused; // returned false (insufficient funds): must not be
    QMap<QString, int> errors; // error name -> count
    int canceled = 0; // by us, and ended canceled
    int cancelRequests = 0;
    QStringList violations;
};

class Bank
{
public:
    Bank(const QString &path, Ledger &ledger) : m_path(path), m_ledger(ledger) { }

    QFuture<void> openSlot(int slot)
    {
        ConnectionPtr connection = makeConnection();
        QAsyncSqliteOptions options;
        options.busyTimeout = 20s;
        options.pragmas = {u"synchronous=NORMAL"_s};
        QFuture<void> opened = connection->open(m_path, options);
        QMutexLocker locker(&m_mutex);
        m_slots[slot] = std::move(connection);
        return opened;
    }

    ConnectionPtr connection(int slot)
    {
        QMutexLocker locker(&m_mutex);
        return m_slots[slot];
    }

    void releaseAll()
    {
        QMutexLocker locker(&m_mutex);
        for (auto &slot : m_slots)
            slot.reset();
    }

    // One submitting thread: \a count transfers tagged base + i.
    void submit(int thread, int count, quint32 seed)
    {
        QRandomGenerator random(seed);
        struct Pending
        {
            qint64 tag;
            QFuture<bool> future;
            bool canceledByUs;
        };
        std::deque<Pending> pending;
        const auto settleOne = [&] {
            Pending p = std::move(pending.front());
            pending.pop_front();
            settle(p.tag, p.future, p.canceledByUs);
        };
        for (int i = 0; i < count; ++i) {
            const qint64 tag = qint64(thread + 1) * 100000000 + i;
            const int src = int(random.bounded(accountCount));
            const int dst = (src + 1 + int(random.bounded(accountCount - 1))) % accountCount;
            const qint64 amount = qint64(random.bounded(1, 60));
            const ConnectionPtr db = connection(int(random.bounded(connectionCount)));
            QFuture<bool> future = db->transaction([=](QAsyncSqliteTransaction &tx) {
                const QVariantList rows = tx.execute(u"SELECT balance FROM accounts WHERE id = ?"_s, {src});
                if (rows.value(0).toList().value(0).toLongLong() < amount)
                    return false;
                tx.execute(u"UPDATE accounts SET balance = balance - ? WHERE id = ?"_s, {amount, src});
                tx.execute(u"UPDATE accounts SET balance = balance + ? WHERE id = ?"_s, {amount, dst});
                tx.execute(u"INSERT INTO transfers(tag, src, dst, amount) VALUES (?, ?, ?, ?)"_s,
                           {tag, src, dst, amount});
                return true;
            });
            bool cancel = random.bounded(100) == 0;
            if (cancel) {
                if (random.bounded(2) == 0)
                    QThread::usleep(random.bounded(300)); // sometimes while it runs
                future.cancel();
            }
            pending.push_back({tag, future, cancel});
            if (pending.size() >= window)
                settleOne();
        }
        while (!pending.empty())
            settleOne();
    }

private:
    void settle(qint64 tag, QFuture<bool> future, bool canceledByUs)
    {
        QDeadlineTimer deadline(60000);
        while (!future.isFinished() && !deadline.hasExpired())
            QThread::usleep(200);
        QMutexLocker locker(&m_ledger.mutex);
        if (canceledByUs)
            ++m_ledger.cancelRequests;
        if (!future.isFinished()) {
            m_ledger.violations.append(u"transfer %1 did not finish within 60 s"_s.arg(tag));
            return;
        }
        try {
            future.waitForFinished();
        } catch (const QAsyncSqliteError &e) {
            m_ledger.errors[e.errorName()] += 1;
            // Interrupted by our cancel, dropped or refused by a connection
            // being destroyed: all typed; nothing else is expected.
            const bool expected = (e.code() == SQLITE_INTERRUPT && canceledByUs) || e.code() == SQLITE_ABORT
                    || (e.code() == SQLITE_MISUSE && dynamic_cast<const QAsyncSqliteProgrammingError *>(&e));
            if (!expected)
                m_ledger.violations.append(
                        u"transfer %1: unexpected error %2"_s.arg(tag).arg(QString::fromUtf8(e.what())));
            return;
        } catch (const std::exception &e) {
            m_ledger.violations.append(
                    u"transfer %1: untyped exception %2"_s.arg(tag).arg(QString::fromUtf8(e.what())));
            return;
        } catch (...) {
            m_ledger.violations.append(u"transfer %1: unknown exception"_s.arg(tag));
            return;
        }
        if (future.isCanceled()) {
            if (!canceledByUs)
                m_ledger.violations.append(
                        u"transfer %1 ended canceled without an error, and nobody canceled it"_s.arg(tag));
            ++m_ledger.canceled;
            return;
        }
        if (future.resultCount() != 1) {
            m_ledger.violations.append(u"transfer %1 finished without a result"_s.arg(tag));
            return;
        }
        if (future.result())
            m_ledger.acknowledged.insert(tag);
        else
            m_ledger.refused.insert(tag);
    }

    const QString m_path;
    Ledger &m_ledger;
    QMutex m_mutex;
    ConnectionPtr m_slots[connectionCount];
};

} // namespace

class tst_FaultSoak : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void transfers();
    void baselines();

private:
    int m_threads = 0;
    int m_fds = 0;
    sqlite3_int64 m_memory = 0;
};

void tst_FaultSoak::initTestCase()
{
    m_threads = Fault::threadCount();
    {
        // Warm up one-time allocations (SQLite's VFS, Qt's logging) first.
        QAsyncSqliteTest::TemporaryDatabase tmp;
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"journal_mode=WAL"_s}}));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE w(x)"_s));
        QASYNCSQLITE_AWAIT(db.close());
    }
    QCOMPARE(Fault::settle(Fault::threadCount, m_threads), m_threads);
    m_fds = Fault::fdCount();
    m_memory = sqlite3_memory_used();
}

void tst_FaultSoak::transfers()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"journal_mode=WAL"_s}}));
        QASYNCSQLITE_AWAIT(db.executeScript(
                u"CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);"
                "CREATE TABLE transfers(id INTEGER PRIMARY KEY, tag INTEGER NOT NULL UNIQUE, src INTEGER NOT NULL, "
                "dst INTEGER NOT NULL, amount INTEGER NOT NULL);"_s));
        QList<QVariantList> accounts;
        for (int i = 0; i < accountCount; ++i)
            accounts.append({i, openingBalance});
        QASYNCSQLITE_AWAIT(db.executeMany(u"INSERT INTO accounts(id, balance) VALUES (?, ?)"_s, accounts));
        QASYNCSQLITE_AWAIT(db.commit());
        QASYNCSQLITE_AWAIT(db.close());
    }

    Ledger ledger;
    Bank bank(tmp.path(), ledger);
    for (int slot = 0; slot < connectionCount; ++slot)
        QASYNCSQLITE_AWAIT(bank.openSlot(slot));

    const quint32 seed = QRandomGenerator::global()->generate();
    const int total = transferCount();
    qInfo("seed %u, %d transfers", seed, total);
    QElapsedTimer timer;
    timer.start();
    // std::thread: ThreadSanitizer sees its join (Debian's Qt is not
    // instrumented, so a QThread that finished before wait() is invisible).
    std::atomic<int> finishedThreads{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < threadCount; ++t) {
        const int count = total / threadCount + (t < total % threadCount ? 1 : 0);
        threads.emplace_back([&bank, &finishedThreads, t, count, seed] {
            bank.submit(t, count, seed + quint32(t));
            ++finishedThreads;
        });
    }
    // Meanwhile: replace a connection now and then (the old one is destroyed
    // with work still queued on it, while other threads keep submitting).
    QRandomGenerator random(seed);
    int recreated = 0;
    const auto allFinished = [&] {
        return finishedThreads.load() == threadCount;
    };
    QDeadlineTimer deadline(170000);
    while (!allFinished() && !deadline.hasExpired()) {
        QTest::qWait(int(random.bounded(40, 160)));
        const int slot = int(random.bounded(connectionCount));
        QASYNCSQLITE_AWAIT(bank.openSlot(slot));
        ++recreated;
    }
    QTRY_VERIFY2_WITH_TIMEOUT(allFinished(), "a submitting thread did not finish", 10000);
    for (auto &thread : threads)
        thread.join();
    threads.clear();
    bank.releaseAll();
    QCoreApplication::processEvents(); // the posted deletions of the connections
    QTest::qWait(10);
    QCoreApplication::processEvents();

    qInfo("%lld ms: %lld acknowledged, %lld refused, %d canceled of %d cancel requests, %d connections "
          "recreated, errors: %s",
          qint64(timer.elapsed()), qint64(ledger.acknowledged.size()), qint64(ledger.refused.size()), ledger.canceled,
          ledger.cancelRequests, recreated, qPrintable([&] {
              QStringList list;
              for (auto it = ledger.errors.cbegin(); it != ledger.errors.cend(); ++it)
                  list.append(u"%1 x%2"_s.arg(it.key()).arg(*it));
              return list.join(u", "_s);
          }()));
    QVERIFY2(ledger.violations.isEmpty(), qPrintable(ledger.violations.mid(0, 10).join(u"\n"_s)));
    QVERIFY(ledger.acknowledged.size() > 0);

    // The books.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT_RESULT(integrity, db.execute(u"PRAGMA integrity_check"_s));
    QCOMPARE(integrity.value(0).toList().value(0).toString(), u"ok"_s);
    QASYNCSQLITE_AWAIT_RESULT(sum, db.execute(u"SELECT sum(balance), count(*) FROM accounts"_s));
    QCOMPARE(sum.value(0).toList().value(0).toLongLong(), accountCount * openingBalance);
    QCOMPARE(sum.value(0).toList().value(1).toLongLong(), qint64(accountCount));
    // Each balance is explained by the log: no transfer is half applied.
    QASYNCSQLITE_AWAIT_RESULT(
            unexplained,
            db.execute(u"SELECT a.id, a.balance, ? + coalesce((SELECT sum(amount) FROM transfers WHERE dst = a.id), 0) "
                       "- coalesce((SELECT sum(amount) FROM transfers WHERE src = a.id), 0) AS expected "
                       "FROM accounts a WHERE a.balance != expected"_s,
                       {openingBalance}));
    QVERIFY2(unexplained.isEmpty(),
             qPrintable(QString::number(unexplained.size()) + u" accounts disagree with the log"_s));
    QASYNCSQLITE_AWAIT_RESULT(logged, db.execute(u"SELECT tag FROM transfers"_s));
    QSet<qint64> inLog;
    for (const QVariant &row : logged)
        inLog.insert(row.toList().value(0).toLongLong());
    for (qint64 tag : std::as_const(ledger.acknowledged))
        QVERIFY2(inLog.contains(tag), qPrintable(u"acknowledged transfer %1 is not in the log"_s.arg(tag)));
    for (qint64 tag : std::as_const(ledger.refused))
        QVERIFY2(!inLog.contains(tag), qPrintable(u"refused transfer %1 is in the log"_s.arg(tag)));
    QVERIFY(inLog.size() <= total);
    QASYNCSQLITE_AWAIT(db.close());
}

void tst_FaultSoak::baselines()
{
    QCOMPARE(Fault::settle(Fault::threadCount, m_threads), m_threads);
    QCOMPARE(Fault::settle(Fault::fdCount, m_fds), m_fds);
    QCOMPARE(Fault::settle(
                     [] {
                         return int(sqlite3_memory_used());
                     },
                     int(m_memory)),
             int(m_memory));
}

QTEST_GUILESS_MAIN(tst_FaultSoak)
#include "tst_soak.moc"
