// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Transactions that span awaits in coroutines (doc/coroutines.md,
// doc/transactions.md): co_await db.begin(), and withTransaction(), which
// commits when the body returns and rolls back when it throws, while other
// requests wait behind it.
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCoro>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QCoro/QCoroTimer>
#include <QtTest/QtTest>

#include <stdexcept>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using QAsyncSqlite::await;

namespace {

// Queued from another thread, as another part of an app would.
QFuture<QVariantList> fromAnotherThread(QAsyncSqliteConnection &db, const QString &sql)
{
    QFuture<QVariantList> future;
    std::thread([&] {
        future = db.execute(sql);
    }).join();
    return future;
}

QString whoInOrder(const QVariantList &rows)
{
    return rows.value(0).toList().value(0).toString();
}

const QString WhoSql = u"SELECT group_concat(who, ',') FROM (SELECT who FROM t ORDER BY id)"_s;

} // namespace

class tst_CoroTransactions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void beginAwaitCommit();
    void withTransactionCommitsWhenTheBodyReturns();
    void withTransactionRollsBackWhenTheBodyThrows();

private:
    QAsyncSqliteTest::TemporaryDatabase *m_tmp = nullptr;
    QAsyncSqliteConnection *m_db = nullptr;
};

void tst_CoroTransactions::init()
{
    m_tmp = new QAsyncSqliteTest::TemporaryDatabase;
    m_db = new QAsyncSqliteConnection;
    QASYNCSQLITE_AWAIT(m_db->open(m_tmp->path()));
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT);"_s));
}

void tst_CoroTransactions::cleanup()
{
    delete m_db;
    delete m_tmp;
}

void tst_CoroTransactions::beginAwaitCommit()
{
    auto body = [](QAsyncSqliteConnection &db) -> QCoro::Task<QString> {
        QAsyncSqliteTransactionHandle tx = co_await await(db.begin());
        const QFuture<QVariantList> waiting = fromAnotherThread(db, WhoSql);
        co_await await(tx.execute(u"INSERT INTO t(who) VALUES('a')"_s));
        co_await QCoro::sleepFor(50ms); // an await that is not the database's
        co_await await(tx.execute(u"INSERT INTO t(who) VALUES('b')"_s));
        if (waiting.isFinished())
            throw std::logic_error("a request ran inside the transaction");
        co_await await(tx.commit());
        co_return whoInOrder(co_await await(waiting));
    };
    QASYNCSQLITE_AWAIT_RESULT(seen, QAsyncSqlite::toFuture(body(*m_db)));
    QCOMPARE(seen, u"a,b"_s);
}

void tst_CoroTransactions::withTransactionCommitsWhenTheBodyReturns()
{
    auto app = [](QAsyncSqliteConnection &db) -> QCoro::Task<QString> {
        QFuture<QVariantList> waiting;
        const qint64 id = co_await QAsyncSqlite::withTransaction(
                db, [&](QAsyncSqliteTransactionHandle &tx) -> QCoro::Task<qint64> {
                    waiting = fromAnotherThread(db, WhoSql);
                    const qint64 first = co_await await(tx.executeInsert(u"INSERT INTO t(who) VALUES('a')"_s));
                    co_await QCoro::sleepFor(20ms);
                    co_await await(tx.execute(u"INSERT INTO t(who) VALUES('b')"_s));
                    if (waiting.isFinished())
                        throw std::logic_error("a request ran inside the transaction");
                    co_return first;
                });
        if (id != 1)
            throw std::logic_error("wrong rowid");
        co_return whoInOrder(co_await await(waiting));
    };
    QASYNCSQLITE_AWAIT_RESULT(seen, QAsyncSqlite::toFuture(app(*m_db)));
    QCOMPARE(seen, u"a,b"_s);
    QVERIFY(!m_db->inTransaction());
}

void tst_CoroTransactions::withTransactionRollsBackWhenTheBodyThrows()
{
    auto app = [](QAsyncSqliteConnection &db) -> QCoro::Task<QString> {
        QFuture<QVariantList> waiting;
        try {
            co_await QAsyncSqlite::withTransaction(db, [&](QAsyncSqliteTransactionHandle &tx) -> QCoro::Task<> {
                co_await await(tx.execute(u"INSERT INTO t(who) VALUES('a')"_s));
                waiting = fromAnotherThread(db, u"SELECT count(*) FROM t"_s);
                co_await await(tx.execute(u"INSERT INTO t(who) VALUES('b')"_s));
                throw std::runtime_error("the app changed its mind");
            });
        } catch (const std::runtime_error &e) {
            if (QLatin1StringView(e.what()) != "the app changed its mind"_L1)
                throw;
        }
        const QVariantList count = co_await await(waiting);
        co_return count.value(0).toList().value(0).toString();
    };
    QASYNCSQLITE_AWAIT_RESULT(seen, QAsyncSqlite::toFuture(app(*m_db)));
    QCOMPARE(seen, u"0"_s); // ran after the rollback, not in between
    QVERIFY(!m_db->inTransaction());
}

QTEST_GUILESS_MAIN(tst_CoroTransactions)
#include "tst_corotransactions.moc"
