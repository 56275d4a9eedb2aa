// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/QAsyncSqliteBlob>
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtTest/QtTest>

#include <sqlite3.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QVariantList ExpectedRows{QVariantList{1LL, u"one"_s, QByteArray("\0\1", 2)},
                                QVariantList{2LL, u"twö"_s, QVariant()}};

// SQLite's default for \a category on a fresh handle.
int defaultLimit(int category)
{
    sqlite3 *db = nullptr;
    sqlite3_open(":memory:", &db);
    const int value = sqlite3_limit(db, category, -1);
    sqlite3_close(db);
    return value;
}

} // namespace

class tst_Serialize : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void serializeSchema_data();
    void serializeSchema();
    void serializeEmpty();
    void deserializeErrors();
    void deserializeGarbage();
    void limit_data();
    void limit();
    void limitIsEnforced();
    void badCategory_data();
    void badCategory();
    void closedConnection();
};

void tst_Serialize::roundTrip_data()
{
    QTest::addColumn<bool>("fromFile");
    QTest::newRow("file") << true;
    QTest::newRow("memory") << false;
}

void tst_Serialize::roundTrip()
{
    QFETCH(bool, fromFile);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    QAsyncSqliteConnection source;
    QASYNCSQLITE_AWAIT(source.open(fromFile ? tmp.path() : u":memory:"_s));
    QASYNCSQLITE_AWAIT(source.execute(u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, data BLOB)"_s));
    QASYNCSQLITE_AWAIT(source.executeMany(u"INSERT INTO t VALUES(?, ?, ?)"_s,
                                          {ExpectedRows.at(0).toList(), ExpectedRows.at(1).toList()}));
    QASYNCSQLITE_AWAIT(source.commit());

    QASYNCSQLITE_AWAIT_RESULT(bytes, source.serialize());
    QVERIFY(bytes.startsWith(QByteArrayLiteral("SQLite format 3\0")));
    QASYNCSQLITE_AWAIT_RESULT(geometry,
                              source.execute(u"SELECT page_count * page_size FROM pragma_page_count, "
                                             "pragma_page_size"_s));
    QCOMPARE(bytes.size(), geometry.first().toList().first().toLongLong());
    if (fromFile) {
        QFile file(tmp.path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(bytes, file.readAll());
    }

    QAsyncSqliteConnection copy;
    QASYNCSQLITE_AWAIT(copy.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(copy.deserialize(bytes));
    QASYNCSQLITE_AWAIT_RESULT(rows, copy.execute(u"SELECT id, name, data FROM t ORDER BY id"_s));
    QCOMPARE(rows, ExpectedRows);
    // The deserialized database is writable and grows (RESIZEABLE).
    QASYNCSQLITE_AWAIT(copy.execute(u"INSERT INTO t(name, data) SELECT name, randomblob(5000) FROM t"_s));
    QASYNCSQLITE_AWAIT(copy.commit());
    QASYNCSQLITE_AWAIT_RESULT(count, copy.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(count, (QVariantList{QVariantList{4LL}}));
    QASYNCSQLITE_AWAIT_RESULT(again, copy.serialize());
    QVERIFY(again.size() > bytes.size());
    // The source is untouched.
    QASYNCSQLITE_AWAIT_RESULT(sourceRows, source.execute(u"SELECT id, name, data FROM t ORDER BY id"_s));
    QCOMPARE(sourceRows, ExpectedRows);
}

void tst_Serialize::serializeSchema_data()
{
    QTest::addColumn<QString>("schema");
    QTest::newRow("temp") << u"temp"_s;
    QTest::newRow("attached") << u"aux"_s;
}

void tst_Serialize::serializeSchema()
{
    QFETCH(QString, schema);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    if (schema != u"temp"_s)
        QASYNCSQLITE_AWAIT(db.execute(u"ATTACH DATABASE ':memory:' AS "_s + schema));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE %1.x(v);INSERT INTO %1.x VALUES('in %1');"_s.arg(schema)));
    QASYNCSQLITE_AWAIT_RESULT(bytes, db.serialize(schema));
    QVERIFY(bytes.startsWith(QByteArrayLiteral("SQLite format 3\0")));

    // Loaded as main of another connection, then back into a named schema.
    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(other.deserialize(bytes));
    QASYNCSQLITE_AWAIT_RESULT(rows, other.execute(u"SELECT v FROM x"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{u"in %1"_s.arg(schema)}}));
    QASYNCSQLITE_AWAIT(other.execute(u"ATTACH DATABASE ':memory:' AS second"_s));
    QASYNCSQLITE_AWAIT(other.deserialize(bytes, u"second"_s));
    QASYNCSQLITE_AWAIT_RESULT(second, other.execute(u"SELECT v FROM second.x"_s));
    QCOMPARE(second, rows);
}

void tst_Serialize::serializeEmpty()
{
    // Depends on the SQLite version. Before 3.45.2 a database without pages
    // serializes to no bytes (Python raises there); from 3.45.2 on
    // sqlite3_serialize() first writes the header page of an empty database
    // and returns that one page. Either deserializes to an empty database.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT_RESULT(bytes, db.serialize());
    if (sqlite3_libversion_number() >= 3045002) {
        QASYNCSQLITE_AWAIT_RESULT(pageSize, db.execute(u"PRAGMA page_size"_s));
        QCOMPARE(bytes.size(), qsizetype(pageSize.first().toList().first().toLongLong()));
        QVERIFY(bytes.startsWith(QByteArrayView("SQLite format 3", 16)));
    } else {
        QVERIFY(bytes.isEmpty());
    }
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x)"_s));
    QASYNCSQLITE_AWAIT(db.deserialize(bytes));
    QASYNCSQLITE_AWAIT_RESULT(tables, db.execute(u"SELECT count(*) FROM sqlite_master"_s));
    QCOMPARE(tables, (QVariantList{QVariantList{0LL}}));
}

void tst_Serialize::deserializeErrors()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT_ERROR(unknownSerialize, db.serialize(u"nope"_s), QAsyncSqliteOperationalError);
    QCOMPARE(unknownSerialize.code(), SQLITE_ERROR);
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x)"_s));
    QASYNCSQLITE_AWAIT_RESULT(bytes, db.serialize());
    QASYNCSQLITE_AWAIT_ERROR(unknownDeserialize, db.deserialize(bytes, u"nope"_s), QAsyncSqliteOperationalError);
    QCOMPARE(unknownDeserialize.code(), SQLITE_ERROR);
    // SQLite cannot deserialize into the temp schema.
    QASYNCSQLITE_AWAIT_ERROR(tempError, db.deserialize(bytes, u"temp"_s), QAsyncSqliteOperationalError);
    QCOMPARE(tempError.code(), SQLITE_ERROR);
    // Refused while a statement still reads the schema (a cursor stopped
    // after its first row); the database is unchanged afterwards.
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1), (2)"_s));
    QASYNCSQLITE_AWAIT(db.commit());
    QAsyncSqliteCursor *cursor = db.cursor(u"SELECT x FROM t"_s);
    QASYNCSQLITE_AWAIT_ERROR(busyError, db.deserialize(QByteArray()), QAsyncSqliteOperationalError);
    QCOMPARE(busyError.code(), SQLITE_BUSY);
    QASYNCSQLITE_AWAIT(cursor->close());
    // The same for an open blob handle.
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(X'0102')"_s));
    QASYNCSQLITE_AWAIT(db.commit());
    QASYNCSQLITE_AWAIT_RESULT(blob, db.blobOpen(u"t"_s, u"x"_s, 3));
    std::unique_ptr<QAsyncSqliteBlob> ownedBlob(blob);
    QASYNCSQLITE_AWAIT_ERROR(blobError, db.deserialize(QByteArray()), QAsyncSqliteOperationalError);
    QCOMPARE(blobError.code(), SQLITE_BUSY);
    QASYNCSQLITE_AWAIT(ownedBlob->close());
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{3LL}}));
}

void tst_Serialize::deserializeGarbage()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    // SQLite only looks at the bytes when it reads them.
    QASYNCSQLITE_AWAIT(db.deserialize(QByteArray(4096, 'x')));
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELECT * FROM sqlite_master"_s), QAsyncSqliteDatabaseError);
    QCOMPARE(error.code(), SQLITE_NOTADB);
}

void tst_Serialize::limit_data()
{
    QTest::addColumn<int>("category");
    QTest::addColumn<int>("value");

    QTest::newRow("length") << SQLITE_LIMIT_LENGTH << 1000;
    QTest::newRow("sql length") << SQLITE_LIMIT_SQL_LENGTH << 5000;
    QTest::newRow("column") << SQLITE_LIMIT_COLUMN << 10;
    QTest::newRow("expr depth") << SQLITE_LIMIT_EXPR_DEPTH << 20;
    QTest::newRow("compound select") << SQLITE_LIMIT_COMPOUND_SELECT << 3;
    QTest::newRow("attached") << SQLITE_LIMIT_ATTACHED << 2;
    QTest::newRow("variable number") << SQLITE_LIMIT_VARIABLE_NUMBER << 7;
    QTest::newRow("worker threads") << SQLITE_LIMIT_WORKER_THREADS << 1;
}

void tst_Serialize::limit()
{
    QFETCH(int, category);
    QFETCH(int, value);
    const int initial = defaultLimit(category);
    QVERIFY(initial != value);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT_RESULT(before, db.limit(category));
    QCOMPARE(before, initial);
    QASYNCSQLITE_AWAIT_RESULT(previous, db.setLimit(category, value));
    QCOMPARE(previous, initial);
    QASYNCSQLITE_AWAIT_RESULT(now, db.limit(category));
    QCOMPARE(now, value);
    // A negative value only reads.
    QASYNCSQLITE_AWAIT_RESULT(unchanged, db.setLimit(category, -1));
    QCOMPARE(unchanged, value);
    QASYNCSQLITE_AWAIT_RESULT(restored, db.setLimit(category, initial));
    QCOMPARE(restored, value);
    QASYNCSQLITE_AWAIT_RESULT(last, db.limit(category));
    QCOMPARE(last, initial);
}

void tst_Serialize::limitIsEnforced()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT_RESULT(fits, db.execute(u"SELECT length(randomblob(100))"_s));
    QCOMPARE(fits, (QVariantList{QVariantList{100LL}}));
    QASYNCSQLITE_AWAIT(db.setLimit(SQLITE_LIMIT_LENGTH, 50));
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELECT randomblob(100)"_s), QAsyncSqliteDataError);
    QCOMPARE(error.code(), SQLITE_TOOBIG);
}

void tst_Serialize::badCategory_data()
{
    QTest::addColumn<int>("category");
    QTest::newRow("negative") << -1;
    QTest::newRow("one past the last") << SQLITE_LIMIT_WORKER_THREADS + 1;
    QTest::newRow("large") << 1000;
}

void tst_Serialize::badCategory()
{
    QFETCH(int, category);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT_ERROR(getError, db.limit(category), QAsyncSqliteProgrammingError);
    QVERIFY(!getError.message().isEmpty());
    QASYNCSQLITE_AWAIT_ERROR(setError, db.setLimit(category, 10), QAsyncSqliteProgrammingError);
    QVERIFY(!setError.message().isEmpty());
}

void tst_Serialize::closedConnection()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT_ERROR(serializeError, db.serialize(), QAsyncSqliteProgrammingError);
    QCOMPARE(serializeError.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_ERROR(deserializeError, db.deserialize(QByteArray()), QAsyncSqliteProgrammingError);
    QCOMPARE(deserializeError.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_ERROR(limitError, db.limit(SQLITE_LIMIT_LENGTH), QAsyncSqliteProgrammingError);
    QCOMPARE(limitError.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_ERROR(setLimitError, db.setLimit(SQLITE_LIMIT_LENGTH, 1), QAsyncSqliteProgrammingError);
    QCOMPARE(setLimitError.code(), SQLITE_MISUSE);
}

QTEST_GUILESS_MAIN(tst_Serialize)
#include "tst_serialize.moc"
