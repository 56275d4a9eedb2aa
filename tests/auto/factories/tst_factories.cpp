// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Row and text factories (doc/row-factories.md: row_factory / Row / text_factory):
// the built-in shapes, QAsyncSqliteRow, callables on the worker, FIFO
// application of changes and the NOTIFY signals; a cursor's own row factory
// compared with Python's Cursor.row_factory.

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteRow>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "workerhold.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qprocess.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <atomic>
#include <stdexcept>

using namespace Qt::StringLiterals;

namespace {
const QString rowQuery = u"SELECT 1 AS id, 'Ann' AS Name, NULL AS nada, x'00ff' AS data"_s;

// Debian's python3: its sqlite3 module is the reference (the one first on
// PATH may lack it).
const QString PythonPath = u"/usr/bin/python3"_s;

// The scenario of tst_Factories::cursorRowFactoryMatchesPython in Python:
// prints what each fetch returned, as "tuple:<a>", "row:<a>" or the custom
// factory's "custom:<a>".
const char CursorRowFactoryScript[] = R"py(
import json, sqlite3
con = sqlite3.connect(":memory:")
con.execute("CREATE TABLE t(a)")
con.executemany("INSERT INTO t VALUES(?)", [(i,) for i in range(1, 7)])
sql = "SELECT a FROM t ORDER BY a"
def kind(row):
    if isinstance(row, sqlite3.Row): return "row:%d" % row[0]
    if isinstance(row, tuple): return "tuple:%d" % row[0]
    return row
def custom(cursor, row): return "custom:%d" % row[0]
out = []
early = con.cursor()
con.row_factory = sqlite3.Row
early.execute(sql); out.append(kind(early.fetchone()))
inherited = con.cursor(); inherited.execute(sql); out.append(kind(inherited.fetchone()))
inherited.row_factory = None; out.append(kind(inherited.fetchone()))
inherited.row_factory = custom; out += [kind(r) for r in inherited.fetchmany(2)]
inherited.row_factory = sqlite3.Row; out += [kind(r) for r in inherited.fetchall()]
own = con.cursor(); own.row_factory = custom
con.row_factory = None
own.execute(sql); out.append(kind(own.fetchone()))
out.append(kind(con.execute(sql).fetchone()))
print(json.dumps(out))
)py";

QString kindOf(const QVariant &row)
{
    if (row.metaType() == QMetaType::fromType<QAsyncSqliteRow>())
        return u"row:%1"_s.arg(row.value<QAsyncSqliteRow>().value(0).toLongLong());
    if (row.metaType() == QMetaType::fromType<QVariantList>())
        return u"tuple:%1"_s.arg(row.toList().value(0).toLongLong());
    return row.toString();
}
} // namespace

class tst_Factories : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tupleFactory();
    void rowFactory();
    void rowValueByName_data();
    void rowValueByName();
    void rowValueByIndex_data();
    void rowValueByIndex();
    void rowStandalone();
    void mapFactory();
    void callableFactory();
    void callableFactoryThrows();
    void emptyCallableRestoresTuple();
    void textFactory_data();
    void textFactory();
    void factoriesInsideTransaction();
    void changesApplyInFifoOrder();
    void settingsBeforeOpen();
    void notifySignals();
    void cursorRowFactoryMatchesPython();
};

void tst_Factories::tupleFactory()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QCOMPARE(db.rowFactory(), QAsyncSqlite::RowFactory::Tuple);
    QVERIFY(!db.rowFactoryFunction());
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(rowQuery + u" UNION ALL SELECT 2, 'Bob', 3.5, ''"_s));
    QCOMPARE(rows.size(), 2);
    for (const QVariant &row : rows)
        QCOMPARE(row.metaType(), QMetaType::fromType<QVariantList>());
    const QVariantList first = rows.at(0).toList();
    QCOMPARE(first.size(), 4);
    QCOMPARE(first.at(0), QVariant(qint64(1)));
    QCOMPARE(first.at(1), QVariant(u"Ann"_s));
    QVERIFY(!first.at(2).isValid());
    QCOMPARE(first.at(3), QVariant(QByteArray("\x00\xff", 2)));
    QCOMPARE(rows.at(1).toList(), (QVariantList{qint64(2), u"Bob"_s, 3.5, u""_s}));
    // A statement without rows gives an empty list.
    QASYNCSQLITE_AWAIT_RESULT(none, db.execute(u"SELECT 1 WHERE 0"_s));
    QVERIFY(none.isEmpty());
}

void tst_Factories::rowFactory()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QCOMPARE(db.rowFactory(), QAsyncSqlite::RowFactory::Row);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(rowQuery + u" UNION ALL SELECT 2, 'Bob', 3.5, ''"_s));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).metaType(), QMetaType::fromType<QAsyncSqliteRow>());
    QCOMPARE(rows.at(0).userType(), qMetaTypeId<QAsyncSqliteRow>());
    const QAsyncSqliteRow row = rows.at(0).value<QAsyncSqliteRow>();
    QCOMPARE(row.count(), 4);
    QCOMPARE(row.keys(), (QStringList{u"id"_s, u"Name"_s, u"nada"_s, u"data"_s}));
    QCOMPARE(row.value(0), QVariant(qint64(1)));
    QCOMPARE(row.value(u"name"_s), QVariant(u"Ann"_s));
    QCOMPARE(row[1], QVariant(u"Ann"_s));
    QCOMPARE(row[u"DATA"_s], QVariant(QByteArray("\x00\xff", 2)));
    QCOMPARE(row.toList(), (QVariantList{qint64(1), u"Ann"_s, QVariant(), QByteArray("\x00\xff", 2)}));
    const QVariantMap map = row.toMap();
    QCOMPARE(map.size(), 4);
    QCOMPARE(map.value(u"Name"_s), QVariant(u"Ann"_s));
    QCOMPARE(map.value(u"id"_s), QVariant(qint64(1)));
    QVERIFY(map.contains(u"nada"_s));
    QVERIFY(!map.value(u"nada"_s).isValid());

    // Rows of one result share their column names; rows with equal names and
    // values are equal, others are not.
    const QAsyncSqliteRow second = rows.at(1).value<QAsyncSqliteRow>();
    QCOMPARE(second.keys(), row.keys());
    QVERIFY(row != second);
    QASYNCSQLITE_AWAIT_RESULT(again, db.execute(rowQuery));
    QCOMPARE(again.size(), 1);
    QVERIFY(again.at(0).value<QAsyncSqliteRow>() == row);
    QCOMPARE(again.at(0), rows.at(0)); // QVariant equality goes through operator==
}

void tst_Factories::rowValueByName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QVariant>("expected");
    QTest::addColumn<bool>("contained");
    QTest::newRow("exact") << u"id"_s << QVariant(qint64(1)) << true;
    QTest::newRow("upper") << u"ID"_s << QVariant(qint64(1)) << true;
    QTest::newRow("mixed") << u"iD"_s << QVariant(qint64(1)) << true;
    QTest::newRow("declared case") << u"Name"_s << QVariant(u"Ann"_s) << true;
    QTest::newRow("lower") << u"name"_s << QVariant(u"Ann"_s) << true;
    QTest::newRow("NULL column") << u"NADA"_s << QVariant() << true;
    QTest::newRow("unicode") << u"\u00c9T\u00c9"_s << QVariant(qint64(5)) << true;
    QTest::newRow("missing") << u"missing"_s << QVariant() << false;
    QTest::newRow("empty") << QString() << QVariant() << false;
    QTest::newRow("prefix only") << u"nam"_s << QVariant() << false;
}

void tst_Factories::rowValueByName()
{
    QFETCH(QString, name);
    QFETCH(QVariant, expected);
    QFETCH(bool, contained);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QASYNCSQLITE_AWAIT_RESULT(rows,
                              db.execute(u"SELECT 1 AS id, 'Ann' AS Name, NULL AS nada, 5 AS \"\u00e9t\u00e9\""_s));
    QCOMPARE(rows.size(), 1);
    const QAsyncSqliteRow row = rows.first().value<QAsyncSqliteRow>();
    QCOMPARE(row.contains(name), contained);
    QCOMPARE(row.value(name), expected);
    QCOMPARE(row[name], expected);
}

void tst_Factories::rowValueByIndex_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("0") << 0 << QVariant(qint64(1));
    QTest::newRow("1") << 1 << QVariant(u"Ann"_s);
    QTest::newRow("2 (NULL)") << 2 << QVariant();
    QTest::newRow("3") << 3 << QVariant(QByteArray("\x00\xff", 2));
    QTest::newRow("past the end") << 4 << QVariant();
    QTest::newRow("negative") << -1 << QVariant();
}

void tst_Factories::rowValueByIndex()
{
    QFETCH(int, index);
    QFETCH(QVariant, expected);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(rowQuery));
    const QAsyncSqliteRow row = rows.first().value<QAsyncSqliteRow>();
    QCOMPARE(row.value(index), expected);
    QCOMPARE(row[index], expected);
    QCOMPARE(row.value(index).metaType(), expected.metaType());
}

void tst_Factories::rowStandalone()
{
    const QAsyncSqliteRow empty;
    QCOMPARE(empty.count(), 0);
    QVERIFY(empty.keys().isEmpty());
    QVERIFY(empty.toList().isEmpty());
    QVERIFY(empty.toMap().isEmpty());
    QVERIFY(!empty.value(0).isValid());
    QVERIFY(!empty.value(u"a"_s).isValid());
    QVERIFY(empty == QAsyncSqliteRow());

    const QAsyncSqliteRow a({u"x"_s, u"y"_s}, {1, u"one"_s});
    QAsyncSqliteRow copy = a; // implicitly shared copy
    QVERIFY(copy == a);
    QVERIFY(!(copy != a));
    QVERIFY(a != empty);
    QVERIFY(a != QAsyncSqliteRow({u"x"_s, u"z"_s}, {1, u"one"_s})); // same values, other names
    QVERIFY(a != QAsyncSqliteRow({u"x"_s, u"y"_s}, {2, u"one"_s})); // same names, other values
    QAsyncSqliteRow moved = std::move(copy);
    QVERIFY(moved == a);
    copy = moved;
    QVERIFY(copy == a);

    // Metatype and Q_GADGET.
    QCOMPARE(QByteArray(QMetaType::fromType<QAsyncSqliteRow>().name()), QByteArray("QAsyncSqliteRow"));
    const QVariant v = QVariant::fromValue(a);
    QCOMPARE(v.value<QAsyncSqliteRow>(), a);
    const QMetaObject &mo = QAsyncSqliteRow::staticMetaObject;
    const int keysIndex = mo.indexOfProperty("keys");
    const int countIndex = mo.indexOfProperty("count");
    QVERIFY(keysIndex >= 0);
    QVERIFY(countIndex >= 0);
    QCOMPARE(mo.property(keysIndex).readOnGadget(&a).toStringList(), (QStringList{u"x"_s, u"y"_s}));
    QCOMPARE(mo.property(countIndex).readOnGadget(&a).toInt(), 2);
    QVERIFY(mo.indexOfMethod("value(int)") >= 0);
    QVERIFY(mo.indexOfMethod("value(QString)") >= 0);
    QVariant byName;
    QVERIFY(mo.method(mo.indexOfMethod("value(QString)"))
                    .invokeOnGadget(const_cast<QAsyncSqliteRow *>(&a), Q_RETURN_ARG(QVariant, byName),
                                    Q_ARG(QString, u"Y"_s)));
    QCOMPARE(byName, QVariant(u"one"_s));
}

void tst_Factories::mapFactory()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory(QAsyncSqlite::RowFactory::Map);
    QCOMPARE(db.rowFactory(), QAsyncSqlite::RowFactory::Map);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(rowQuery + u" UNION ALL SELECT 2, 'Bob', 3.5, ''"_s));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).metaType(), QMetaType::fromType<QVariantMap>());
    const QVariantMap first = rows.at(0).toMap();
    QCOMPARE(first.keys(), (QStringList{u"Name"_s, u"data"_s, u"id"_s, u"nada"_s}));
    QCOMPARE(first.value(u"id"_s), QVariant(qint64(1)));
    QCOMPARE(first.value(u"Name"_s), QVariant(u"Ann"_s));
    QVERIFY(first.contains(u"nada"_s));
    QVERIFY(!first.value(u"nada"_s).isValid());
    QCOMPARE(first.value(u"data"_s), QVariant(QByteArray("\x00\xff", 2)));
    QCOMPARE(rows.at(1).toMap(),
             (QVariantMap{{u"id"_s, qint64(2)}, {u"Name"_s, u"Bob"_s}, {u"nada"_s, 3.5}, {u"data"_s, u""_s}}));
}

void tst_Factories::callableFactory()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    std::atomic<QThread *> factoryThread{nullptr};
    std::atomic<int> calls{0};
    db.setRowFactory([&](const QAsyncSqliteRow &row) {
        factoryThread = QThread::currentThread();
        ++calls;
        return QVariant(row.value(u"A"_s).toLongLong() * 10 + row.count()
                        + (row.keys() == QStringList{u"a"_s, u"b"_s} ? 100 : 0));
    });
    QCOMPARE(db.rowFactory(), QAsyncSqlite::RowFactory::Tuple);
    QVERIFY(db.rowFactoryFunction());
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4"_s));
    QCOMPARE(rows, (QVariantList{qint64(112), qint64(132)}));
    QCOMPARE(calls.load(), 2);
    // It ran on the connection's worker thread, not here.
    QThread *worker = factoryThread.load();
    QVERIFY(worker);
    QVERIFY(worker != QThread::currentThread());
    QVERIFY2(worker->objectName().startsWith(u"QAsyncSqlite "_s), qPrintable(worker->objectName()));
}

void tst_Factories::callableFactoryThrows()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory([](const QAsyncSqliteRow &row) -> QVariant {
        if (row.value(0).toInt() == 2)
            throw std::runtime_error("bad row");
        return row.value(0);
    });
    QFuture<QVariantList> future = db.execute(u"SELECT 1 UNION ALL SELECT 2"_s);
    QVERIFY(QAsyncSqliteTest::waitForFinished(future));
    QString what;
    try {
        (void)future.result();
    } catch (const std::runtime_error &e) {
        what = QString::fromUtf8(e.what());
    }
    QCOMPARE(what, u"bad row"_s);
    // The statement was reset: the connection keeps working.
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1 UNION ALL SELECT 3"_s));
    QCOMPARE(rows, (QVariantList{qint64(1), qint64(3)}));
}

void tst_Factories::emptyCallableRestoresTuple()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory(QAsyncSqlite::RowFactory::Map);
    db.setRowFactory([](const QAsyncSqliteRow &) {
        return QVariant(u"custom"_s);
    });
    QASYNCSQLITE_AWAIT_RESULT(custom, db.execute(u"SELECT 1"_s));
    QCOMPARE(custom, QVariantList{u"custom"_s});
    db.setRowFactory(QAsyncSqlite::RowFactoryFunction());
    QVERIFY(!db.rowFactoryFunction());
    QCOMPARE(db.rowFactory(), QAsyncSqlite::RowFactory::Tuple);
    QASYNCSQLITE_AWAIT_RESULT(tuple, db.execute(u"SELECT 1"_s));
    QCOMPARE(tuple, QVariantList{QVariantList{qint64(1)}});
    // Choosing a built-in factory drops the callable.
    db.setRowFactory([](const QAsyncSqliteRow &) {
        return QVariant(u"custom"_s);
    });
    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QVERIFY(!db.rowFactoryFunction());
    QASYNCSQLITE_AWAIT_RESULT(row, db.execute(u"SELECT 1 AS one"_s));
    QCOMPARE(row.size(), 1);
    QCOMPARE(row.first().value<QAsyncSqliteRow>().value(u"one"_s), QVariant(qint64(1)));
}

void tst_Factories::textFactory_data()
{
    QTest::addColumn<QAsyncSqlite::TextFactory>("factory");
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QVariant>("expected");

    using QAsyncSqlite::TextFactory;
    QTest::newRow("String text") << TextFactory::String << u"'h\u00e9'"_s << QVariant(u"h\u00e9"_s);
    QTest::newRow("String empty text") << TextFactory::String << u"''"_s << QVariant(u""_s);
    QTest::newRow("String blob") << TextFactory::String << u"x'68c3a9'"_s << QVariant(QByteArray("h\xc3\xa9"));
    QTest::newRow("String integer") << TextFactory::String << u"7"_s << QVariant(qint64(7));
    QTest::newRow("Bytes text") << TextFactory::Bytes << u"'h\u00e9'"_s << QVariant(QByteArray("h\xc3\xa9"));
    QTest::newRow("Bytes emoji") << TextFactory::Bytes << u"'\U0001F600'"_s << QVariant(QByteArray("\xf0\x9f\x98\x80"));
    QTest::newRow("Bytes empty text") << TextFactory::Bytes << u"''"_s << QVariant(QByteArray(""));
    // Text that is not valid UTF-8 comes back byte-exact with Bytes.
    QTest::newRow("Bytes invalid UTF-8 text")
            << TextFactory::Bytes << u"CAST(x'ff00fe' AS TEXT)"_s << QVariant(QByteArray("\xff\x00\xfe", 3));
    QTest::newRow("Bytes blob") << TextFactory::Bytes << u"x'00'"_s << QVariant(QByteArray("\x00", 1));
    QTest::newRow("Bytes integer") << TextFactory::Bytes << u"7"_s << QVariant(qint64(7));
    QTest::newRow("Bytes real") << TextFactory::Bytes << u"0.5"_s << QVariant(0.5);
    QTest::newRow("Bytes NULL") << TextFactory::Bytes << u"NULL"_s << QVariant();
}

void tst_Factories::textFactory()
{
    QFETCH(QAsyncSqlite::TextFactory, factory);
    QFETCH(QString, expression);
    QFETCH(QVariant, expected);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setTextFactory(factory);
    QCOMPARE(db.textFactory(), factory);
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t(v) VALUES(%1)"_s.arg(expression)));
    // Row and Map factories shape values the same way.
    for (const auto shape :
         {QAsyncSqlite::RowFactory::Tuple, QAsyncSqlite::RowFactory::Row, QAsyncSqlite::RowFactory::Map}) {
        db.setRowFactory(shape);
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v AS v FROM t"_s));
        QCOMPARE(rows.size(), 1);
        QVariant actual;
        switch (shape) {
        case QAsyncSqlite::RowFactory::Tuple:
            actual = rows.first().toList().value(0);
            break;
        case QAsyncSqlite::RowFactory::Row:
            actual = rows.first().value<QAsyncSqliteRow>().value(0);
            break;
        case QAsyncSqlite::RowFactory::Map:
            actual = rows.first().toMap().value(u"v"_s);
            break;
        }
        QCOMPARE(actual.metaType(), expected.metaType());
        QCOMPARE(actual, expected);
        if (actual.metaType() == QMetaType::fromType<QByteArray>())
            QVERIFY(!actual.toByteArray().isNull());
    }
}

void tst_Factories::factoriesInsideTransaction()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    db.setRowFactory(QAsyncSqlite::RowFactory::Map);
    db.setTextFactory(QAsyncSqlite::TextFactory::Bytes);
    QASYNCSQLITE_AWAIT_RESULT(rows, db.transaction([](QAsyncSqliteTransaction &tx) {
        return tx.execute(u"SELECT 'x' AS name"_s);
    }));
    QCOMPARE(rows, (QVariantList{QVariantMap{{u"name"_s, QByteArray("x")}}}));
}

void tst_Factories::changesApplyInFifoOrder()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    // Hold the worker so that every request below is still queued when the
    // factories change: each must use the settings of the moment it was queued.
    WorkerHold hold(db);
    const QString sql = u"SELECT 't' AS c"_s;
    QFuture<QVariantList> tuple = db.execute(sql);
    db.setRowFactory(QAsyncSqlite::RowFactory::Map);
    QFuture<QVariantList> map = db.execute(sql);
    db.setTextFactory(QAsyncSqlite::TextFactory::Bytes);
    QFuture<QVariantList> mapBytes = db.execute(sql);
    db.setRowFactory([](const QAsyncSqliteRow &row) {
        return QVariant(u"fn:"_s + row.value(0).toString());
    });
    db.setTextFactory(QAsyncSqlite::TextFactory::String);
    QFuture<QVariantList> callable = db.execute(sql);
    db.setRowFactory(QAsyncSqlite::RowFactory::Tuple);
    QFuture<QVariantList> tupleAgain = db.execute(sql);
    QVERIFY(!tuple.isFinished());
    hold.release();

    QASYNCSQLITE_AWAIT_RESULT(released, hold.future());
    QVERIFY(released); // the requests above were queued while it held
    QASYNCSQLITE_AWAIT_RESULT(r1, tuple);
    QCOMPARE(r1, QVariantList{QVariantList{u"t"_s}});
    QASYNCSQLITE_AWAIT_RESULT(r2, map);
    QCOMPARE(r2, (QVariantList{QVariantMap{{u"c"_s, u"t"_s}}}));
    QASYNCSQLITE_AWAIT_RESULT(r3, mapBytes);
    QCOMPARE(r3, (QVariantList{QVariantMap{{u"c"_s, QByteArray("t")}}}));
    QASYNCSQLITE_AWAIT_RESULT(r4, callable);
    QCOMPARE(r4, QVariantList{u"fn:t"_s});
    QASYNCSQLITE_AWAIT_RESULT(r5, tupleAgain);
    QCOMPARE(r5, QVariantList{QVariantList{u"t"_s}});
}

void tst_Factories::settingsBeforeOpen()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    db.setRowFactory(QAsyncSqlite::RowFactory::Map);
    db.setTextFactory(QAsyncSqlite::TextFactory::Bytes);
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 'a' AS x"_s));
    QCOMPARE(rows, (QVariantList{QVariantMap{{u"x"_s, QByteArray("a")}}}));
    // They survive a close and a reopen.
    QASYNCSQLITE_AWAIT(db.close());
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QCOMPARE(db.rowFactory(), QAsyncSqlite::RowFactory::Map);
    QCOMPARE(db.textFactory(), QAsyncSqlite::TextFactory::Bytes);
    QASYNCSQLITE_AWAIT_RESULT(again, db.execute(u"SELECT 'a' AS x"_s));
    QCOMPARE(again, rows);
}

void tst_Factories::notifySignals()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QSignalSpy rowSpy(&db, &QAsyncSqliteConnection::rowFactoryChanged);
    QSignalSpy textSpy(&db, &QAsyncSqliteConnection::textFactoryChanged);

    // Through the Q_PROPERTY system, as QML would.
    QCOMPARE(db.property("rowFactory").value<QAsyncSqlite::RowFactory>(), QAsyncSqlite::RowFactory::Tuple);
    QCOMPARE(db.property("textFactory").value<QAsyncSqlite::TextFactory>(), QAsyncSqlite::TextFactory::String);
    QVERIFY(db.setProperty("rowFactory", QVariant::fromValue(QAsyncSqlite::RowFactory::Map)));
    QCOMPARE(rowSpy.size(), 1);
    QCOMPARE(db.rowFactory(), QAsyncSqlite::RowFactory::Map);
    QVERIFY(db.setProperty("textFactory", QVariant::fromValue(QAsyncSqlite::TextFactory::Bytes)));
    QCOMPARE(textSpy.size(), 1);
    QCOMPARE(db.textFactory(), QAsyncSqlite::TextFactory::Bytes);

    // Setting the current value again changes nada and notifies nada.
    db.setRowFactory(QAsyncSqlite::RowFactory::Map);
    db.setTextFactory(QAsyncSqlite::TextFactory::Bytes);
    QCOMPARE(rowSpy.size(), 1);
    QCOMPARE(textSpy.size(), 1);

    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QCOMPARE(rowSpy.size(), 2);
    db.setRowFactory([](const QAsyncSqliteRow &) {
        return QVariant();
    });
    QCOMPARE(rowSpy.size(), 3);
    QCOMPARE(db.property("rowFactory").value<QAsyncSqlite::RowFactory>(), QAsyncSqlite::RowFactory::Tuple);
    // From a callable back to the built-in Tuple is a change.
    db.setRowFactory(QAsyncSqlite::RowFactory::Tuple);
    QCOMPARE(rowSpy.size(), 4);
    QVERIFY(!db.rowFactoryFunction());
    db.setTextFactory(QAsyncSqlite::TextFactory::String);
    QCOMPARE(textSpy.size(), 2);
    // The signals are emitted at the call, on the caller's thread (no queue).
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 'z'"_s));
    QCOMPARE(rows, QVariantList{QVariantList{u"z"_s}});
    QCOMPARE(rowSpy.size(), 4);
    QCOMPARE(textSpy.size(), 2);
}

void tst_Factories::cursorRowFactoryMatchesPython()
{
    // Python 3.11 (Debian's /usr/bin/python3): a cursor copies the
    // connection's row_factory when it is created, later changes of the
    // connection's do not reach it, and the cursor's is read at each fetch,
    // so setting it after execute() shapes the rows fetched afterwards.
    const QStringList expected{u"tuple:1"_s, u"row:1"_s, u"tuple:2"_s,  u"custom:3"_s, u"custom:4"_s,
                               u"row:5"_s,   u"row:6"_s, u"custom:1"_s, u"tuple:1"_s};
    QVERIFY2(QFile::exists(PythonPath), "the reference needs /usr/bin/python3 (apt-get install python3)");
    QProcess python;
    python.start(PythonPath, {u"-c"_s, QString::fromUtf8(CursorRowFactoryScript)});
    QVERIFY2(python.waitForFinished(60000) && python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
             python.readAllStandardError().constData());
    const QVariantList pythonKinds = QJsonDocument::fromJson(python.readAllStandardOutput()).array().toVariantList();
    QStringList reference;
    for (const QVariant &kind : pythonKinds)
        reference.append(kind.toString());
    QCOMPARE(reference, expected);

    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3), (4), (5), (6);"_s));
    const QString sql = u"SELECT a FROM t ORDER BY a"_s;
    const auto custom = [](const QAsyncSqliteRow &row) {
        return QVariant(u"custom:%1"_s.arg(row.value(0).toLongLong()));
    };
    QStringList kinds;
    const auto append = [&kinds](const QVariantList &rows) {
        for (const QVariant &row : rows)
            kinds.append(kindOf(row));
    };
    QAsyncSqliteCursor *early = db.cursor();
    db.setRowFactory(QAsyncSqlite::RowFactory::Row);
    QASYNCSQLITE_AWAIT(early->execute(sql));
    QASYNCSQLITE_AWAIT_RESULT(earlyRow, early->fetchOne());
    append({earlyRow});
    QAsyncSqliteCursor *inherited = db.cursor(sql);
    QASYNCSQLITE_AWAIT_RESULT(inheritedRow, inherited->fetchOne());
    append({inheritedRow});
    inherited->setRowFactory(QAsyncSqlite::RowFactory::Tuple);
    QASYNCSQLITE_AWAIT_RESULT(tupleRow, inherited->fetchOne());
    append({tupleRow});
    inherited->setRowFactory(custom);
    QASYNCSQLITE_AWAIT_RESULT(customRows, inherited->fetchMany(2));
    append(customRows);
    inherited->setRowFactory(QAsyncSqlite::RowFactory::Row);
    QASYNCSQLITE_AWAIT_RESULT(restRows, inherited->fetchAll());
    append(restRows);
    QAsyncSqliteCursor *own = db.cursor();
    own->setRowFactory(custom);
    db.setRowFactory(QAsyncSqlite::RowFactory::Tuple);
    QASYNCSQLITE_AWAIT(own->execute(sql));
    QASYNCSQLITE_AWAIT_RESULT(ownRow, own->fetchOne());
    append({ownRow});
    QASYNCSQLITE_AWAIT_RESULT(connectionRows, db.execute(sql));
    append({connectionRows.value(0)});
    QCOMPARE(kinds, reference);
}

QTEST_GUILESS_MAIN(tst_Factories)
#include "tst_factories.moc"
