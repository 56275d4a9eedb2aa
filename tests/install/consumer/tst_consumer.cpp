// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Uses the installed Qt Test helpers through QAsyncSqlite::Test alone, which
// must bring Qt6::Test with it.
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtTest/QTest>

using namespace Qt::StringLiterals;

class tst_Consumer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void awaitRows()
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 40 + 2"_s));
        QCOMPARE(rows, QVariantList{QVariantList{42LL}});
        QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELEC"_s), QAsyncSqliteOperationalError);
        QVERIFY(!error.message().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_Consumer)
#include "tst_consumer.moc"
