// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/QAsyncSqliteBlob>
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtTest/QtTest>

#include <sqlite3.h>

#include <memory>

using namespace Qt::StringLiterals;
using QAsyncSqlite::BlobMode;
using QAsyncSqlite::SeekOrigin;

namespace {
const QByteArray Content = QByteArrayLiteral("0123456789");
} // namespace

class tst_Blob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void openProperties();
    void readWriteSeek();
    void read_data();
    void read();
    void seek_data();
    void seek();
    void seekOutOfRange_data();
    void seekOutOfRange();
    void writeReadOnly();
    void writeOverflow_data();
    void writeOverflow();
    void nulBytes();
    void closedBlob();
    void closedConnection();
    void destroyWithoutClose();
    void expiredHandle();
    void writeToExpiredHandle_data();
    void writeToExpiredHandle();
    void openErrors_data();
    void openErrors();

private:
    // Opens a blob on row 1 of t.b; fails the test on error.
    std::unique_ptr<QAsyncSqliteBlob> openBlob(BlobMode mode);

    std::unique_ptr<QAsyncSqliteConnection> m_db;
};

void tst_Blob::init()
{
    m_db = std::make_unique<QAsyncSqliteConnection>();
    QASYNCSQLITE_AWAIT(m_db->open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB, n INTEGER, s TEXT);"
                                           "INSERT INTO t VALUES(1, CAST('0123456789' AS BLOB), 7, 'text');"_s));
}

void tst_Blob::cleanup()
{
    m_db.reset();
}

std::unique_ptr<QAsyncSqliteBlob> tst_Blob::openBlob(BlobMode mode)
{
    auto future = m_db->blobOpen(u"t"_s, u"b"_s, 1, mode);
    const QString failure = QAsyncSqliteTest::awaitSuccess(future);
    if (!failure.isEmpty()) {
        QTest::qFail(qPrintable(failure), __FILE__, __LINE__);
        return {};
    }
    return std::unique_ptr<QAsyncSqliteBlob>(future.result());
}

void tst_Blob::openProperties()
{
    auto blob = openBlob(BlobMode::ReadOnly);
    QVERIFY(blob);
    QCOMPARE(blob->size(), Content.size());
    QCOMPARE(blob->tell(), 0);
    // Created on the worker, handed to the connection's thread.
    QCOMPARE(blob->thread(), QThread::currentThread());
}

void tst_Blob::readWriteSeek()
{
    auto blob = openBlob(BlobMode::ReadWrite);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT_RESULT(head, blob->read(3));
    QCOMPARE(head, QByteArrayLiteral("012"));
    QCOMPARE(blob->tell(), 3);
    QASYNCSQLITE_AWAIT(blob->write(QByteArrayLiteral("abc")));
    QCOMPARE(blob->tell(), 6);
    QASYNCSQLITE_AWAIT_RESULT(rest, blob->read());
    QCOMPARE(rest, QByteArrayLiteral("6789"));
    QCOMPARE(blob->tell(), 10);
    QASYNCSQLITE_AWAIT_RESULT(atEnd, blob->read());
    QVERIFY(atEnd.isEmpty());
    QASYNCSQLITE_AWAIT_RESULT(start, blob->seek(-2, SeekOrigin::End));
    QCOMPARE(start, 8);
    QASYNCSQLITE_AWAIT(blob->write(QByteArrayLiteral("XY")));
    QCOMPARE(blob->tell(), 10);
    QASYNCSQLITE_AWAIT_RESULT(zero, blob->seek(0));
    QCOMPARE(zero, 0);
    QASYNCSQLITE_AWAIT_RESULT(all, blob->read(-1));
    QCOMPARE(all, QByteArrayLiteral("012abc67XY"));
    QASYNCSQLITE_AWAIT(blob->close());
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT b FROM t WHERE id = 1"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{QByteArrayLiteral("012abc67XY")}}));
}

void tst_Blob::read_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("length");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<qint64>("position");

    QTest::newRow("all") << 0LL << -1LL << Content << 10LL;
    QTest::newRow("negative length reads the rest") << 4LL << -5LL << QByteArrayLiteral("456789") << 10LL;
    QTest::newRow("zero") << 2LL << 0LL << QByteArray() << 2LL;
    QTest::newRow("exact") << 2LL << 3LL << QByteArrayLiteral("234") << 5LL;
    QTest::newRow("past the end") << 7LL << 100LL << QByteArrayLiteral("789") << 10LL;
    QTest::newRow("at the end") << 10LL << 1LL << QByteArray() << 10LL;
}

void tst_Blob::read()
{
    QFETCH(qint64, start);
    QFETCH(qint64, length);
    QFETCH(QByteArray, expected);
    QFETCH(qint64, position);
    auto blob = openBlob(BlobMode::ReadOnly);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(blob->seek(start));
    QASYNCSQLITE_AWAIT_RESULT(data, blob->read(length));
    QCOMPARE(data, expected);
    QCOMPARE(blob->tell(), position);
}

void tst_Blob::seek_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<SeekOrigin>("origin");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("begin") << 5LL << 3LL << SeekOrigin::Begin << 3LL;
    QTest::newRow("begin, end of blob") << 0LL << 10LL << SeekOrigin::Begin << 10LL;
    QTest::newRow("current forward") << 5LL << 2LL << SeekOrigin::Current << 7LL;
    QTest::newRow("current back") << 5LL << -5LL << SeekOrigin::Current << 0LL;
    QTest::newRow("end") << 0LL << 0LL << SeekOrigin::End << 10LL;
    QTest::newRow("end back") << 0LL << -10LL << SeekOrigin::End << 0LL;
}

void tst_Blob::seek()
{
    QFETCH(qint64, start);
    QFETCH(qint64, offset);
    QFETCH(SeekOrigin, origin);
    QFETCH(qint64, expected);
    auto blob = openBlob(BlobMode::ReadOnly);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(blob->seek(start));
    QASYNCSQLITE_AWAIT_RESULT(position, blob->seek(offset, origin));
    QCOMPARE(position, expected);
    QCOMPARE(blob->tell(), expected);
    QASYNCSQLITE_AWAIT_RESULT(data, blob->read(1));
    QCOMPARE(data, Content.mid(expected, 1));
}

void tst_Blob::seekOutOfRange_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<SeekOrigin>("origin");

    QTest::newRow("before the start") << -1LL << SeekOrigin::Begin;
    QTest::newRow("past the end") << 11LL << SeekOrigin::Begin;
    QTest::newRow("current past the end") << 7LL << SeekOrigin::Current;
    QTest::newRow("current before the start") << -5LL << SeekOrigin::Current;
    QTest::newRow("end forward") << 1LL << SeekOrigin::End;
    QTest::newRow("end before the start") << -11LL << SeekOrigin::End;
    QTest::newRow("overflow") << std::numeric_limits<qint64>::max() << SeekOrigin::Current;
    QTest::newRow("minimum") << std::numeric_limits<qint64>::min() << SeekOrigin::End;
}

void tst_Blob::seekOutOfRange()
{
    QFETCH(qint64, offset);
    QFETCH(SeekOrigin, origin);
    auto blob = openBlob(BlobMode::ReadOnly);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(blob->seek(4));
    QASYNCSQLITE_AWAIT_ERROR(error, blob->seek(offset, origin), QAsyncSqliteProgrammingError);
    QVERIFY(!error.message().isEmpty());
    QCOMPARE(blob->tell(), 4); // unchanged
}

void tst_Blob::writeReadOnly()
{
    auto blob = openBlob(BlobMode::ReadOnly);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT_ERROR(error, blob->write(QByteArrayLiteral("x")), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_READONLY);
    QCOMPARE(blob->tell(), 0);
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT b FROM t WHERE id = 1"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{Content}}));
}

void tst_Blob::writeOverflow_data()
{
    QTest::addColumn<qint64>("start");
    QTest::addColumn<QByteArray>("data");

    QTest::newRow("longer than the blob") << 0LL << QByteArray(11, 'x');
    QTest::newRow("past the end") << 9LL << QByteArrayLiteral("xy");
    QTest::newRow("at the end") << 10LL << QByteArrayLiteral("x");
}

void tst_Blob::writeOverflow()
{
    QFETCH(qint64, start);
    QFETCH(QByteArray, data);
    auto blob = openBlob(BlobMode::ReadWrite);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(blob->seek(start));
    QASYNCSQLITE_AWAIT_ERROR(error, blob->write(data), QAsyncSqliteProgrammingError);
    QVERIFY(!error.message().isEmpty());
    QCOMPARE(blob->tell(), start);
    QCOMPARE(blob->size(), Content.size()); // a blob never grows
    QASYNCSQLITE_AWAIT(blob->close());
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT b FROM t WHERE id = 1"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{Content}}));
}

void tst_Blob::nulBytes()
{
    const QByteArray binary("\0a\0\0b\xff\0c\0\0", 10);
    auto blob = openBlob(BlobMode::ReadWrite);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(blob->write(binary));
    QASYNCSQLITE_AWAIT(blob->seek(0));
    QASYNCSQLITE_AWAIT_RESULT(back, blob->read());
    QCOMPARE(back.size(), 10);
    QCOMPARE(back, binary);
    QASYNCSQLITE_AWAIT(blob->close());
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT b FROM t WHERE id = 1"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{binary}}));
}

void tst_Blob::closedBlob()
{
    auto blob = openBlob(BlobMode::ReadWrite);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(blob->close());
    QASYNCSQLITE_AWAIT_ERROR(readError, blob->read(), QAsyncSqliteProgrammingError);
    QCOMPARE(readError.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_ERROR(writeError, blob->write(QByteArrayLiteral("x")), QAsyncSqliteProgrammingError);
    QCOMPARE(writeError.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_ERROR(seekError, blob->seek(0), QAsyncSqliteProgrammingError);
    QCOMPARE(seekError.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT(blob->close()); // closing again is harmless
    // The handle is gone: the table can be dropped (an open blob would lock it).
    QASYNCSQLITE_AWAIT(m_db->execute(u"DROP TABLE t"_s));
}

void tst_Blob::closedConnection()
{
    auto blob = openBlob(BlobMode::ReadWrite);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(m_db->close());
    QASYNCSQLITE_AWAIT_ERROR(readError, blob->read(), QAsyncSqliteProgrammingError);
    QCOMPARE(readError.code(), SQLITE_MISUSE);
    QASYNCSQLITE_AWAIT_ERROR(writeError, blob->write(QByteArrayLiteral("x")), QAsyncSqliteProgrammingError);
    QCOMPARE(writeError.code(), SQLITE_MISUSE);
    // Opening on a closed connection fails the same way.
    QASYNCSQLITE_AWAIT_ERROR(openError, m_db->blobOpen(u"t"_s, u"b"_s, 1), QAsyncSqliteProgrammingError);
    QCOMPARE(openError.code(), SQLITE_MISUSE);
    QAsyncSqliteConnection neverOpened;
    QASYNCSQLITE_AWAIT_ERROR(neverError, neverOpened.blobOpen(u"t"_s, u"b"_s, 1), QAsyncSqliteProgrammingError);
    QCOMPARE(neverError.code(), SQLITE_MISUSE);
}

void tst_Blob::destroyWithoutClose()
{
    {
        auto blob = openBlob(BlobMode::ReadWrite);
        QVERIFY(blob);
        QASYNCSQLITE_AWAIT(blob->write(QByteArrayLiteral("zz")));
    } // destroyed: queues the close
    // An open blob handle would make DROP fail with SQLITE_LOCKED.
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT b FROM t WHERE id = 1"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{QByteArrayLiteral("zz23456789")}}));
    QASYNCSQLITE_AWAIT(m_db->execute(u"DROP TABLE t"_s));

    // Destroyed after its connection: nothing to close, nothing crashes.
    QASYNCSQLITE_AWAIT(m_db->execute(u"CREATE TABLE u(b BLOB)"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO u VALUES(X'0102')"_s));
    QASYNCSQLITE_AWAIT(m_db->commit());
    QASYNCSQLITE_AWAIT_RESULT(orphan, m_db->blobOpen(u"u"_s, u"b"_s, 1));
    std::unique_ptr<QAsyncSqliteBlob> owned(orphan);
    m_db.reset();
    QCOMPARE(owned->size(), 2);
    QASYNCSQLITE_AWAIT_ERROR(error, owned->read(), QAsyncSqliteProgrammingError);
    QCOMPARE(error.code(), SQLITE_MISUSE);
}

void tst_Blob::expiredHandle()
{
    auto blob = openBlob(BlobMode::ReadOnly);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(m_db->execute(u"UPDATE t SET b = X'00' WHERE id = 1"_s));
    QASYNCSQLITE_AWAIT(m_db->commit());
    QASYNCSQLITE_AWAIT_ERROR(error, blob->read(), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_ABORT);
}

void tst_Blob::writeToExpiredHandle_data()
{
    // Ways for a write handle to expire under it. With a preupdate hook
    // installed, SQLite 3.40 calls it from sqlite3_blob_write() before
    // checking the handle, and reads the freed schema of an expired one.
    QTest::addColumn<QString>("expire");
    QTest::newRow("row updated") << u"UPDATE t SET b = X'0000' WHERE id = 1"_s;
    QTest::newRow("row deleted") << u"DELETE FROM t WHERE id = 1"_s;
    QTest::newRow("schema change rolled back") << u"BEGIN; CREATE TABLE x(y); ROLLBACK;"_s;
    QTest::newRow("write rolled back") << u"BEGIN; INSERT INTO t(b) VALUES(X'01'); ROLLBACK;"_s;
    QTest::newRow("table dropped") << u"DROP TABLE t"_s;
}

void tst_Blob::writeToExpiredHandle()
{
    QFETCH(QString, expire);
    auto blob = openBlob(BlobMode::ReadWrite);
    QVERIFY(blob);
    QASYNCSQLITE_AWAIT(blob->write("x"));
    QASYNCSQLITE_AWAIT(m_db->commit());
    const auto expired = m_db->executeScript(expire);
    QVERIFY(QAsyncSqliteTest::waitForFinished(expired));
    for (const QByteArray &data : {QByteArray("y"), QByteArray("")}) {
        const auto write = blob->write(data);
        QVERIFY(QAsyncSqliteTest::waitForFinished(write));
        try {
            QFuture<void>(write).waitForFinished(); // an error or not, but no crash
        } catch (const QAsyncSqliteError &error) {
            // Expired; once SQLite knows, the blob's size reads 0 and any
            // position is past its end.
            QVERIFY2(error.code() == SQLITE_ABORT || error.code() == SQLITE_RANGE, error.what());
        }
    }
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT 1"_s));
    QCOMPARE(rows.size(), 1);
}

void tst_Blob::openErrors_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::addColumn<qint64>("rowid");
    QTest::addColumn<QString>("schema");

    QTest::newRow("no such table") << u"nope"_s << u"b"_s << 1LL << u"main"_s;
    QTest::newRow("no such column") << u"t"_s << u"nope"_s << 1LL << u"main"_s;
    QTest::newRow("no such row") << u"t"_s << u"b"_s << 42LL << u"main"_s;
    QTest::newRow("integer value") << u"t"_s << u"n"_s << 1LL << u"main"_s;
    QTest::newRow("no such schema") << u"t"_s << u"b"_s << 1LL << u"nope"_s;
}

void tst_Blob::openErrors()
{
    QFETCH(QString, table);
    QFETCH(QString, column);
    QFETCH(qint64, rowid);
    QFETCH(QString, schema);
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->blobOpen(table, column, rowid, BlobMode::ReadOnly, schema),
                             QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_ERROR);
    QVERIFY(!error.message().isEmpty());
    // The connection is fine afterwards, and a TEXT value opens too.
    QASYNCSQLITE_AWAIT_RESULT(text, m_db->blobOpen(u"t"_s, u"s"_s, 1));
    std::unique_ptr<QAsyncSqliteBlob> owned(text);
    QASYNCSQLITE_AWAIT_RESULT(bytes, owned->read());
    QCOMPARE(bytes, QByteArrayLiteral("text"));
}

QTEST_GUILESS_MAIN(tst_Blob)
#include "tst_blob.moc"
