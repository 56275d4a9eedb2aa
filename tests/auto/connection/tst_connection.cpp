// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtTest/QtTest>

using namespace Qt::StringLiterals;

class tst_Connection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void openExecuteClose();
};

void tst_Connection::openExecuteClose()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection db;
    QSignalSpy opened(&db, &QAsyncSqliteConnection::opened);
    QSignalSpy closed(&db, &QAsyncSqliteConnection::closed);
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QVERIFY(db.isOpen());
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"_s));
    QASYNCSQLITE_AWAIT_RESULT(id, db.executeInsert(u"INSERT INTO users(name, age) VALUES(?, ?)"_s, {u"Alice"_s, 30}));
    QCOMPARE(id, 1);
    QVERIFY(db.inTransaction());
    QASYNCSQLITE_AWAIT(db.commit());
    QVERIFY(!db.inTransaction());
    QASYNCSQLITE_AWAIT_RESULT(
            rows, db.execute(u"SELECT name, age FROM users WHERE age > :min"_s, QVariantMap{{u"min"_s, 25}}));
    QCOMPARE(rows, (QVariantList{QVariantList{u"Alice"_s, 30LL}}));
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELECT * FROM nope"_s), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), 1);
    QASYNCSQLITE_AWAIT(db.close());
    QVERIFY(!db.isOpen());
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(opened.size(), 1);
    QASYNCSQLITE_AWAIT_ERROR(closedError, db.execute(u"SELECT 1"_s), QAsyncSqliteProgrammingError);
    QCOMPARE(closedError.errorName(), u"SQLITE_MISUSE"_s);
}

QTEST_GUILESS_MAIN(tst_Connection)
#include "tst_connection.moc"
