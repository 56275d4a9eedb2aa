// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtTest/QtTest>

#include <sqlite3.h>

#include <memory>
#include <type_traits>
#include <utility>

using namespace Qt::StringLiterals;

// What Qt users expect of a Qt value type: QDebug output, and swap and
// relocation traits (Q_DECLARE_SHARED, Q_DECLARE_TYPEINFO).
class tst_QtConventions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void errorDebug_data();
    void errorDebug();
    void errorDebugOfFailedRequests_data();
    void errorDebugOfFailedRequests();
    void errorDebugThroughQDebugMessage();
    void rowDebug();
    void rowsInVariantsDebug();
    void columnDebug();
    void valueTypeTraits();
    void rowSwap();
};

namespace {

// What QDebug writes for \a value, as qDebug() would print it.
template<typename T>
QString debugText(const T &value)
{
    QString text;
    QDebug(&text).nospace() << value;
    return text;
}

// The QDebug text of the error \a future failed with (its dynamic class, not
// a sliced copy), or a description of what happened instead.
template<typename T>
QString failureDebugText(const QFuture<T> &future)
{
    if (!QAsyncSqliteTest::waitForFinished(future))
        return u"the future did not finish"_s;
    try {
        QFuture<T>(future).waitForFinished();
    } catch (const QAsyncSqliteError &error) {
        return debugText(error);
    }
    return u"the future did not fail"_s;
}

} // namespace

void tst_QtConventions::errorDebug_data()
{
    QTest::addColumn<std::shared_ptr<const QAsyncSqliteError>>("error");
    QTest::addColumn<QString>("expected");

    using Error = std::shared_ptr<const QAsyncSqliteError>;
    QTest::newRow("base, no SQL") << Error(new QAsyncSqliteError(SQLITE_ERROR, u"no such table: t"_s))
                                  << uR"~(QAsyncSqliteError(SQLITE_ERROR, "no such table: t"))~"_s;
    QTest::newRow("base, with SQL") << Error(
            new QAsyncSqliteError(SQLITE_ERROR, u"no such table: t"_s, u"SELECT * FROM t"_s))
                                    << uR"~(QAsyncSqliteError(SQLITE_ERROR, "no such table: t", "SELECT * FROM t"))~"_s;
    QTest::newRow("default constructed") << Error(new QAsyncSqliteError) << uR"~(QAsyncSqliteError(SQLITE_OK, ""))~"_s;
    QTest::newRow("extended code, quotes and a new line escaped")
            << Error(new QAsyncSqliteIntegrityError(SQLITE_CONSTRAINT_UNIQUE, u"say \"no\"\nagain"_s))
            << uR"~(QAsyncSqliteIntegrityError(SQLITE_CONSTRAINT_UNIQUE, "say \"no\"\nagain"))~"_s;
    QTest::newRow("unknown code") << Error(new QAsyncSqliteDatabaseError(4242, u"odd"_s))
                                  << uR"~(QAsyncSqliteDatabaseError(SQLITE_UNKNOWN_4242, "odd"))~"_s;
    // Every class by its own name, printed through the base class.
#define CLASS_ROW(Name, code)                                                                                          \
    QTest::newRow(#Name) << Error(new Name(code, u"m"_s)) << QStringLiteral(#Name "(" #code ", \"m\")");
    CLASS_ROW(QAsyncSqliteWarning, SQLITE_WARNING)
    CLASS_ROW(QAsyncSqliteInterfaceError, SQLITE_MISUSE)
    CLASS_ROW(QAsyncSqliteDatabaseError, SQLITE_CORRUPT)
    CLASS_ROW(QAsyncSqliteDataError, SQLITE_TOOBIG)
    CLASS_ROW(QAsyncSqliteOperationalError, SQLITE_BUSY)
    CLASS_ROW(QAsyncSqliteIntegrityError, SQLITE_CONSTRAINT)
    CLASS_ROW(QAsyncSqliteInternalError, SQLITE_INTERNAL)
    CLASS_ROW(QAsyncSqliteProgrammingError, SQLITE_MISUSE)
    CLASS_ROW(QAsyncSqliteNotSupportedError, SQLITE_ERROR)
#undef CLASS_ROW
}

void tst_QtConventions::errorDebug()
{
    QFETCH(std::shared_ptr<const QAsyncSqliteError>, error);
    QFETCH(QString, expected);
    QCOMPARE(debugText(*error), expected);
    // QDebug's own settings outlive the call: still spaces after it.
    QString text;
    QDebug(&text) << *error << 1;
    QCOMPARE(text, expected + u" 1 "_s);
}

void tst_QtConventions::errorDebugOfFailedRequests_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("expected");

    QTest::newRow("no such table")
            << u"SELECT * FROM missing"_s
            << uR"~(QAsyncSqliteOperationalError(SQLITE_ERROR, "no such table: missing", "SELECT * FROM missing"))~"_s;
    QTest::newRow("unique constraint")
            << u"INSERT INTO t VALUES(1)"_s
            << uR"~(QAsyncSqliteIntegrityError(SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed: t.x", "INSERT INTO t VALUES(1)"))~"_s;
}

void tst_QtConventions::errorDebugOfFailedRequests()
{
    QFETCH(QString, sql);
    QFETCH(QString, expected);
    QAsyncSqliteConnection db;
    // Autocommit: the failing INSERT leaves no transaction open behind it.
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s, {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit}));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(x UNIQUE); INSERT INTO t VALUES(1);"_s));
    QCOMPARE(failureDebugText(db.execute(sql)), expected);
}

void tst_QtConventions::errorDebugThroughQDebugMessage()
{
    // The path users take: qDebug() with its default settings.
    QTest::ignoreMessage(QtDebugMsg,
                         R"~(caught QAsyncSqliteOperationalError(SQLITE_ERROR, "no such table: t") at once)~");
    const QAsyncSqliteOperationalError error(SQLITE_ERROR, u"no such table: t"_s);
    qDebug() << "caught" << static_cast<const QAsyncSqliteError &>(error) << "at once";
}

void tst_QtConventions::rowDebug()
{
    QCOMPARE(debugText(QAsyncSqliteRow()), u"QAsyncSqliteRow()"_s);

    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QASYNCSQLITE_AWAIT_RESULT(
            rows, db.execute(u"SELECT 1 AS id, 'Ada' AS \"the name\", NULL AS n, x'00ff' AS b, 2.5 AS r"_s));
    QCOMPARE(rows.size(), 1);
    const auto row = rows.first().value<QAsyncSqliteRow>();
    QCOMPARE(debugText(row),
             uR"~(QAsyncSqliteRow("id": QVariant(qlonglong, 1), "the name": QVariant(QString, "Ada"), )~"
             uR"~("n": QVariant(Invalid), "b": QVariant(QByteArray, "\x00\xFF"), "r": QVariant(double, 2.5)))~"_s);
}

void tst_QtConventions::rowsInVariantsDebug()
{
    // execute() returns rows inside QVariants: qDebug() << rows shows them
    // through the metatype's debug operator.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1 AS a UNION ALL SELECT 2"_s));
    QCOMPARE(debugText(rows),
             uR"~(QList(QVariant(QAsyncSqliteRow, QAsyncSqliteRow("a": QVariant(qlonglong, 1))), )~"
             uR"~(QVariant(QAsyncSqliteRow, QAsyncSqliteRow("a": QVariant(qlonglong, 2)))))~"_s);
}

void tst_QtConventions::columnDebug()
{
    QCOMPARE(debugText(QAsyncSqliteColumn{u"id"_s, u"INTEGER"_s}), uR"~(QAsyncSqliteColumn("id", "INTEGER"))~"_s);

    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)"_s));
    QAsyncSqliteCursor *cursor = db.cursor();
    QASYNCSQLITE_AWAIT(cursor->execute(u"SELECT id, name AS who, count(*) FROM t"_s));
    QCOMPARE(debugText(cursor->description()),
             uR"~(QList(QAsyncSqliteColumn("id", "INTEGER"), QAsyncSqliteColumn("who", "TEXT"), )~"
             uR"~(QAsyncSqliteColumn("count(*)", "")))~"_s);
}

void tst_QtConventions::valueTypeTraits()
{
    // Q_DECLARE_SHARED: QList and friends move rows with memmove, and
    // swap() never throws.
    QVERIFY(QTypeInfo<QAsyncSqliteRow>::isRelocatable);
    QVERIFY(std::is_nothrow_swappable_v<QAsyncSqliteRow>);
    QVERIFY(noexcept(std::declval<QAsyncSqliteRow &>().swap(std::declval<QAsyncSqliteRow &>())));
    // QAsyncSqliteColumn (two QStrings): relocatable too.
    QVERIFY(QTypeInfo<QAsyncSqliteColumn>::isRelocatable);
    QVERIFY(std::is_nothrow_swappable_v<QAsyncSqliteColumn>);
}

void tst_QtConventions::rowSwap()
{
    QAsyncSqliteRow a({u"x"_s}, {1});
    QAsyncSqliteRow b({u"y"_s, u"z"_s}, {2, 3});
    const QAsyncSqliteRow oldA = a;
    const QAsyncSqliteRow oldB = b;
    a.swap(b);
    QCOMPARE(a, oldB);
    QCOMPARE(b, oldA);
    swap(a, b); // the free swap() of Q_DECLARE_SHARED, found by ADL
    QCOMPARE(a, oldA);
    QCOMPARE(b, oldB);
}

QTEST_GUILESS_MAIN(tst_QtConventions)
#include "tst_qtconventions.moc"
