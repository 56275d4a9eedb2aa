// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Typed rows (doc/typed-rows.md): execute<T>() into aggregates, tuples and
// gadgets, every member type, NULLs, the conversion rules and their errors,
// parameters bound from T, typed cursor fetches, cancellation, transaction
// handles, and agreement with execute() on generated data.

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qrandom.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qsemaphore.h>
#include <QtTest/QtTest>

#include "longquery.h"

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

struct Every
{
    bool flag;
    qint8 i8;
    quint8 u8;
    qint16 i16;
    quint16 u16;
    int i32;
    uint u32;
    qint64 i64;
    quint64 u64;
    float f;
    double d;
    QString text;
    QByteArray bytes;
    QVariant variant;
    QDate date;
    QDateTime dateTime;
};

struct Optionals
{
    std::optional<qint64> i;
    std::optional<double> d;
    std::optional<QString> s;
    std::optional<QByteArray> b;
    std::optional<bool> flag;
    std::optional<QTime> time;
};

struct Note
{
    qint64 id = 0;
    QString title;
    std::optional<QString> body;
    friend bool operator==(const Note &, const Note &) = default;
};

struct One
{
    int value;
};

struct GadgetNote
{
    Q_GADGET
    Q_PROPERTY(qint64 id MEMBER id)
    Q_PROPERTY(QString title READ title WRITE setTitle)
    Q_PROPERTY(std::optional<QString> body MEMBER body)
    Q_PROPERTY(QString extra MEMBER extra) // no column: keeps its default
public:
    qint64 id = -1;
    std::optional<QString> body;
    QString extra = u"default"_s;
    QString title() const { return m_title; }
    void setTitle(const QString &title) { m_title = title; }

private:
    QString m_title;
};

struct BaseGadget
{
    Q_GADGET
    Q_PROPERTY(qint64 id MEMBER id)
public:
    qint64 id = 0;
};

struct DerivedGadget : BaseGadget
{
    Q_GADGET
    Q_PROPERTY(QString title MEMBER title)
public:
    QString title;
};

struct Unsupported
{
    Q_GADGET
    Q_PROPERTY(QStringList tags MEMBER tags)
public:
    QStringList tags;
};

class tst_Typed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(u".*"_s)); }
    void init();
    void cleanup();

    void everyMemberType();
    void optionalsAndNulls();
    void tuples();
    void gadgets();
    void gadgetColumnWithoutProperty();
    void losslessConversions();
    void errors_data();
    void errors();
    void shapeErrors();
    void parametersFromT();
    void parameterErrors();
    void cursorChunks();
    void cancellation();
    void insideTransactionHandle();
    void insideTransactionCallable();
    void implicitTransactionAsExecute();
    void agreesWithExecute();
    void largeResult();

private:
    QAsyncSqliteTest::TemporaryDatabase *m_tmp = nullptr;
    QAsyncSqliteConnection *m_db = nullptr;
};

void tst_Typed::init()
{
    m_tmp = new QAsyncSqliteTest::TemporaryDatabase;
    m_db = new QAsyncSqliteConnection;
    QASYNCSQLITE_AWAIT(m_db->open(m_tmp->path()));
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT, body TEXT);"
                                           "INSERT INTO note VALUES(1, 'first', 'hello'), (2, 'second', NULL);"_s));
}

void tst_Typed::cleanup()
{
    QASYNCSQLITE_AWAIT(m_db->commit()); // what a test left in its implicit transaction
    delete m_db;
    m_db = nullptr;
    delete m_tmp;
    m_tmp = nullptr;
}

void tst_Typed::everyMemberType()
{
    QASYNCSQLITE_AWAIT_RESULT(
            rows,
            m_db->execute<Every>(u"SELECT 1, -128, 255, -32768, 65535, -2147483648, 4294967295, "
                                 "-9223372036854775808, 9223372036854775807, 0.5, 0.1, 'héllo', x'00ff', 'v', "
                                 "'2024-02-29', '2024-02-29 12:34:56.789'"_s));
    QCOMPARE(rows.size(), 1);
    const Every &e = rows.first();
    QCOMPARE(e.flag, true);
    QCOMPARE(e.i8, qint8(-128));
    QCOMPARE(e.u8, quint8(255));
    QCOMPARE(e.i16, qint16(-32768));
    QCOMPARE(e.u16, quint16(65535));
    QCOMPARE(e.i32, std::numeric_limits<int>::min());
    QCOMPARE(e.u32, 4294967295u);
    QCOMPARE(e.i64, std::numeric_limits<qint64>::min());
    QCOMPARE(e.u64, quint64(std::numeric_limits<qint64>::max()));
    QCOMPARE(e.f, 0.5f);
    QCOMPARE(e.d, 0.1);
    QCOMPARE(e.text, u"héllo"_s);
    QCOMPARE(e.bytes, QByteArray("\x00\xff", 2));
    QCOMPARE(e.variant, QVariant(u"v"_s));
    QCOMPARE(e.date, QDate(2024, 2, 29));
    QCOMPARE(e.dateTime, QDateTime(QDate(2024, 2, 29), QTime(12, 34, 56, 789)));
}

void tst_Typed::optionalsAndNulls()
{
    QASYNCSQLITE_AWAIT_RESULT(rows,
                              m_db->execute<Optionals>(u"SELECT 7, 2.5, 'x', x'01', 0, '10:11:12' UNION ALL "
                                                       "SELECT NULL, NULL, NULL, NULL, NULL, NULL"_s));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].i, std::optional<qint64>(7));
    QCOMPARE(rows[0].d, std::optional<double>(2.5));
    QCOMPARE(rows[0].s, std::optional<QString>(u"x"_s));
    QCOMPARE(rows[0].b, std::optional<QByteArray>("\x01"));
    QCOMPARE(rows[0].flag, std::optional<bool>(false));
    QCOMPARE(rows[0].time, std::optional<QTime>(QTime(10, 11, 12)));
    QVERIFY(!rows[1].i && !rows[1].d && !rows[1].s && !rows[1].b && !rows[1].flag && !rows[1].time);
    // A QVariant member holds NULL itself.
    QASYNCSQLITE_AWAIT_RESULT(variants, m_db->execute<std::tuple<QVariant>>(u"SELECT NULL"_s));
    QVERIFY(std::get<0>(variants.first()).isNull());
    // Empty text and blobs are values, not NULL.
    QASYNCSQLITE_AWAIT_RESULT(empty, m_db->execute<Optionals>(u"SELECT 0, 0, '', x'', 1, NULL"_s));
    QCOMPARE(empty.first().s, std::optional<QString>(QString()));
    QCOMPARE(empty.first().b, std::optional<QByteArray>(QByteArray()));
}

void tst_Typed::tuples()
{
    using Row = std::tuple<qint64, QString, std::optional<QString>>;
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute<Row>(u"SELECT id, title, body FROM note ORDER BY id"_s));
    QCOMPARE(rows, (QList<Row>{{1, u"first"_s, u"hello"_s}, {2, u"second"_s, std::nullopt}}));
    QASYNCSQLITE_AWAIT_RESULT(notes, m_db->execute<Note>(u"SELECT * FROM note WHERE id = ?"_s, {2}));
    QCOMPARE(notes, (QList<Note>{{2, u"second"_s, std::nullopt}}));
    QASYNCSQLITE_AWAIT_RESULT(named,
                              m_db->execute<Note>(u"SELECT * FROM note WHERE id = :id"_s, QVariantMap{{u"id"_s, 1}}));
    QCOMPARE(named, (QList<Note>{{1, u"first"_s, u"hello"_s}}));
}

void tst_Typed::gadgets()
{
    // Columns map to properties by name (any order, SQL's case rules);
    // 'extra' has no column and keeps its default.
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute<GadgetNote>(u"SELECT body, TITLE, id FROM note ORDER BY id"_s));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].id, 1);
    QCOMPARE(rows[0].title(), u"first"_s); // through its WRITE function
    QCOMPARE(rows[0].body, std::optional<QString>(u"hello"_s));
    QCOMPARE(rows[0].extra, u"default"_s);
    QCOMPARE(rows[1].id, 2);
    QCOMPARE(rows[1].body, std::nullopt);
    // A subset of the properties.
    QASYNCSQLITE_AWAIT_RESULT(ids, m_db->execute<GadgetNote>(u"SELECT id FROM note ORDER BY id DESC"_s));
    QCOMPARE(ids.size(), 2);
    QCOMPARE(ids[0].id, 2);
    QCOMPARE(ids[0].title(), QString());
    // Inherited properties are written through the class that declares them.
    QASYNCSQLITE_AWAIT_RESULT(derived, m_db->execute<DerivedGadget>(u"SELECT title, id FROM note ORDER BY id"_s));
    QCOMPARE(derived.size(), 2);
    QCOMPARE(derived[1].id, 2);
    QCOMPARE(derived[1].title, u"second"_s);
    DerivedGadget copy = derived[1];
    copy.id = 40;
    QASYNCSQLITE_AWAIT(
            m_db->executeMany(u"INSERT INTO note(id, title) VALUES(:id, :title)"_s, QList<DerivedGadget>{copy}));
    QASYNCSQLITE_AWAIT_RESULT(copied, m_db->execute<DerivedGadget>(u"SELECT id, title FROM note WHERE id = 40"_s));
    QCOMPARE(copied.size(), 1);
    QCOMPARE(copied[0].title, u"second"_s);
}

void tst_Typed::gadgetColumnWithoutProperty()
{
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute<GadgetNote>(u"SELECT id, title AS name FROM note"_s),
                             QAsyncSqliteProgrammingError);
    QCOMPARE(error.message(), u"Column 1 (\"name\") has no writable property of that name in GadgetNote."_s);
    QASYNCSQLITE_AWAIT_ERROR(twice, m_db->execute<GadgetNote>(u"SELECT id, id FROM note"_s),
                             QAsyncSqliteProgrammingError);
    QCOMPARE(twice.message(), u"Columns 0 and 1 both map to property 'id' of GadgetNote."_s);
    QASYNCSQLITE_AWAIT_ERROR(unsupported, m_db->execute<Unsupported>(u"SELECT 'a' AS tags"_s),
                             QAsyncSqliteProgrammingError);
    QCOMPARE(unsupported.message(),
             u"Property 'tags' of Unsupported has type QStringList, which typed rows do not support."_s);
}

void tst_Typed::losslessConversions()
{
    // INTEGER into floating members and integral REAL into integers: allowed.
    using Row = std::tuple<double, float, int, qint64, std::optional<int>>;
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute<Row>(u"SELECT 3, -16777216, 2.0, -1e15, 7.0"_s));
    QCOMPARE(rows.first(), (Row{3.0, -16777216.0f, 2, -1000000000000000LL, 7}));
    // long and unsigned long are integer types of their own (std::int64_t is one of them on LP64).
    using Longs = std::tuple<long, unsigned long, std::int64_t, std::optional<long>>;
    QASYNCSQLITE_AWAIT_RESULT(longs, m_db->execute<Longs>(u"SELECT -5, 6, -7, NULL"_s));
    QCOMPARE(longs.first(), (Longs{-5L, 6UL, -7, std::nullopt}));
    QASYNCSQLITE_AWAIT_RESULT(longsBack, (m_db->execute<Longs, Longs>(u"SELECT ?, ?, ?, ?"_s, longs.first())));
    QCOMPARE(longsBack.first(), longs.first());
    // TEXT into QByteArray gives its UTF-8 bytes.
    QASYNCSQLITE_AWAIT_RESULT(bytes, m_db->execute<std::tuple<QByteArray>>(u"SELECT 'é'"_s));
    QCOMPARE(std::get<0>(bytes.first()), u"é"_s.toUtf8());
    // REAL into float rounds.
    QASYNCSQLITE_AWAIT_RESULT(floats, m_db->execute<std::tuple<float>>(u"SELECT 0.1"_s));
    QCOMPARE(std::get<0>(floats.first()), 0.1f);
}

void tst_Typed::errors_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("message");
    // kind: which one-member row type reads the column.
    QTest::newRow("null into int") << u"SELECT NULL AS v"_s << 0
                                   << u"Cannot read column 0 (\"v\", NULL) into member 0 (int) of One: NULL needs a "
                                      "std::optional or QVariant member."_s;
    QTest::newRow("text into int") << u"SELECT '12' AS v"_s << 0
                                   << u"Cannot read column 0 (\"v\", TEXT) into member 0 (int) of One: TEXT is not "
                                      "an integer."_s;
    QTest::newRow("blob into int") << u"SELECT x'01' AS v"_s << 0
                                   << u"Cannot read column 0 (\"v\", BLOB) into member 0 (int) of One: BLOB is not "
                                      "an integer."_s;
    QTest::newRow("fraction into int") << u"SELECT 1.5 AS v"_s << 0
                                       << u"Cannot read column 0 (\"v\", REAL) into member 0 (int) of One: 1.5 is not "
                                          "exactly an integer."_s;
    QTest::newRow("int overflow") << u"SELECT 2147483648 AS v"_s << 0
                                  << u"Cannot read column 0 (\"v\", INTEGER) into member 0 (int) of One: 2147483648 "
                                     "is out of range."_s;
    QTest::newRow("huge real into int") << u"SELECT 1e300 AS v"_s << 0
                                        << u"Cannot read column 0 (\"v\", REAL) into member 0 (int) of One: 1e+300 is "
                                           "not exactly an integer."_s;
    QTest::newRow("negative into uint") << u"SELECT -1 AS v"_s << 1
                                        << u"Cannot read column 0 (\"v\", INTEGER) into element 0 (uint) of %1: -1 is "
                                           "out of range."_s;
    QTest::newRow("2 into bool")
            << u"SELECT 2 AS v"_s << 2
            << u"Cannot read column 0 (\"v\", INTEGER) into element 0 (bool) of %1: 2 is neither 0 "
               "nor 1."_s;
    QTest::newRow("inexact into double") << u"SELECT 9007199254740993 AS v"_s << 3
                                         << u"Cannot read column 0 (\"v\", INTEGER) into element 0 (double) of %1: "
                                            "9007199254740993 is not exactly representable."_s;
    QTest::newRow("text into double") << u"SELECT '1.5' AS v"_s << 3
                                      << u"Cannot read column 0 (\"v\", TEXT) into element 0 (double) of %1: TEXT is "
                                         "not a number."_s;
    QTest::newRow("int into QString") << u"SELECT 5 AS v"_s << 4
                                      << u"Cannot read column 0 (\"v\", INTEGER) into element 0 (QString) of %1: "
                                         "INTEGER is not text."_s;
    QTest::newRow("blob into QString") << u"SELECT x'41' AS v"_s << 4
                                       << u"Cannot read column 0 (\"v\", BLOB) into element 0 (QString) of %1: BLOB "
                                          "is not text."_s;
    QTest::newRow("real into QByteArray") << u"SELECT 0.5 AS v"_s << 5
                                          << u"Cannot read column 0 (\"v\", REAL) into element 0 "
                                             "(std::optional<QByteArray>) of %1: REAL is not text or a BLOB."_s;
    QTest::newRow("bad date") << u"SELECT 'soon' AS v"_s << 6
                              << u"Cannot read column 0 (\"v\", TEXT) into element 0 (QDate) of %1: 'soon' is not a "
                                 "valid QDate."_s;
    QTest::newRow("real out of float") << u"SELECT 1e300 AS v"_s << 7
                                       << u"Cannot read column 0 (\"v\", REAL) into element 0 (float) of %1: 1e+300 is "
                                          "out of range."_s;
}

template<typename T>
QString errorOfTyped(QAsyncSqliteConnection &db, const QString &sql, QString *typeName)
{
    *typeName = QString::fromLatin1(QMetaType::fromType<T>().name());
    std::optional<QAsyncSqliteDataError> error;
    const QString failure = QAsyncSqliteTest::awaitError(db.execute<T>(sql), error);
    return failure.isEmpty() ? error->message() : u"(not a DataError: "_s + failure + u")"_s;
}

void tst_Typed::errors()
{
    QFETCH(QString, sql);
    QFETCH(int, kind);
    QFETCH(QString, message);
    QString name;
    QString actual;
    switch (kind) {
    case 0:
        actual = errorOfTyped<One>(*m_db, sql, &name);
        break;
    case 1:
        actual = errorOfTyped<std::tuple<uint>>(*m_db, sql, &name);
        break;
    case 2:
        actual = errorOfTyped<std::tuple<bool>>(*m_db, sql, &name);
        break;
    case 3:
        actual = errorOfTyped<std::tuple<double>>(*m_db, sql, &name);
        break;
    case 4:
        actual = errorOfTyped<std::tuple<QString>>(*m_db, sql, &name);
        break;
    case 5:
        actual = errorOfTyped<std::tuple<std::optional<QByteArray>>>(*m_db, sql, &name);
        break;
    case 6:
        actual = errorOfTyped<std::tuple<QDate>>(*m_db, sql, &name);
        break;
    case 7:
        actual = errorOfTyped<std::tuple<float>>(*m_db, sql, &name);
        break;
    }
    QCOMPARE(actual, message.contains(u"%1"_s) ? message.arg(name) : message);
    // The connection goes on.
    QASYNCSQLITE_AWAIT_RESULT(after, m_db->execute<One>(u"SELECT 1"_s));
    QCOMPARE(after.first().value, 1);
}

void tst_Typed::shapeErrors()
{
    QASYNCSQLITE_AWAIT_ERROR(aggregate, m_db->execute<Note>(u"SELECT id, title FROM note"_s),
                             QAsyncSqliteProgrammingError);
    QCOMPARE(aggregate.message(), u"The statement returns 2 columns, but Note has 3 members."_s);
    QCOMPARE(aggregate.sql(), u"SELECT id, title FROM note"_s);
    using Pair = std::tuple<int, int>;
    QASYNCSQLITE_AWAIT_ERROR(tuple, m_db->execute<Pair>(u"SELECT 1, 2, 3"_s), QAsyncSqliteProgrammingError);
    QCOMPARE(tuple.message(),
             u"The statement returns 3 columns, but %1 has 2 elements."_s.arg(
                     QString::fromLatin1(QMetaType::fromType<Pair>().name())));
    // SQL errors keep their usual classes.
    QASYNCSQLITE_AWAIT_ERROR(sqlError, m_db->execute<Note>(u"SELECT * FROM missing"_s), QAsyncSqliteOperationalError);
    QCOMPARE(sqlError.message(), u"no such table: missing"_s);
    // A statement without rows is no error, whatever the columns.
    QASYNCSQLITE_AWAIT_RESULT(none, m_db->execute<Note>(u"SELECT id FROM note WHERE 0"_s));
    QVERIFY(none.isEmpty());
}

void tst_Typed::parametersFromT()
{
    // Aggregates and tuples bind by position, gadgets by name.
    const QList<Note> notes{{10, u"ten"_s, std::nullopt}, {11, u"eleven"_s, u"b"_s}};
    QASYNCSQLITE_AWAIT_RESULT(changed, m_db->executeMany(u"INSERT INTO note VALUES(?, ?, ?)"_s, notes));
    QCOMPARE(changed, 2);
    using Row = std::tuple<qint64, QString, std::optional<QString>>;
    QASYNCSQLITE_AWAIT(m_db->executeMany(u"INSERT INTO note VALUES(?, ?, ?)"_s, QList<Row>{{12, u"twelve"_s, u"c"_s}}));
    GadgetNote gadget;
    gadget.id = 13;
    gadget.setTitle(u"thirteen"_s);
    QASYNCSQLITE_AWAIT(m_db->executeMany(u"INSERT INTO note VALUES(:id, :title, :body)"_s, QList<GadgetNote>{gadget}));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute<Note>(u"SELECT * FROM note WHERE id >= 10 ORDER BY id"_s));
    QCOMPARE(rows,
             (QList<Note>{{10, u"ten"_s, std::nullopt},
                          {11, u"eleven"_s, u"b"_s},
                          {12, u"twelve"_s, u"c"_s},
                          {13, u"thirteen"_s, std::nullopt}}));
    // NULL only from std::nullopt: an empty QString binds ''.
    QASYNCSQLITE_AWAIT_RESULT(
            types, m_db->execute(u"SELECT typeof(title), typeof(body) FROM note WHERE id IN (10, 13) ORDER BY id"_s));
    QCOMPARE(types, (QVariantList{QVariantList{u"text"_s, u"null"_s}, QVariantList{u"text"_s, u"null"_s}}));
    // A typed query with typed parameters.
    using Range = std::tuple<qint64, qint64>;
    QASYNCSQLITE_AWAIT_RESULT(
            range,
            (m_db->execute<Note, Range>(u"SELECT * FROM note WHERE id BETWEEN ? AND ? ORDER BY id"_s, Range{11, 12})));
    QCOMPARE(range.size(), 2);
    QCOMPARE(range.first().title, u"eleven"_s);
    // Every member type binds and reads back.
    Every every{true,
                -5,
                250,
                -300,
                60000,
                -70000,
                4000000000u,
                -(1LL << 40),
                1ULL << 40,
                1.5f,
                0.25,
                u"ü"_s,
                "\x01\x02",
                QVariant(42),
                QDate(2020, 1, 2),
                QDateTime(QDate(2020, 1, 2), QTime(3, 4, 5))};
    QASYNCSQLITE_AWAIT_RESULT(back,
                              (m_db->execute<Every, Every>(u"SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                                           "?, ?"_s,
                                                           every)));
    const Every &b = back.first();
    QCOMPARE(b.flag, every.flag);
    QCOMPARE(b.i8, every.i8);
    QCOMPARE(b.u8, every.u8);
    QCOMPARE(b.i16, every.i16);
    QCOMPARE(b.u16, every.u16);
    QCOMPARE(b.i32, every.i32);
    QCOMPARE(b.u32, every.u32);
    QCOMPARE(b.i64, every.i64);
    QCOMPARE(b.u64, every.u64);
    QCOMPARE(b.f, every.f);
    QCOMPARE(b.d, every.d);
    QCOMPARE(b.text, every.text);
    QCOMPARE(b.bytes, every.bytes);
    QCOMPARE(b.variant, QVariant(42LL));
    QCOMPARE(b.date, every.date);
    QCOMPARE(b.dateTime, every.dateTime);
}

void tst_Typed::parameterErrors()
{
    QASYNCSQLITE_AWAIT_ERROR(count,
                             m_db->executeMany(u"INSERT INTO note(id, title) VALUES(?, ?)"_s, QList<Note>{Note{}}),
                             QAsyncSqliteProgrammingError);
    QCOMPARE(count.message(),
             u"Incorrect number of bindings supplied. The current statement uses 2, and Note has 3."_s);
    QASYNCSQLITE_AWAIT_ERROR(nameless,
                             m_db->executeMany(u"INSERT INTO note(id) VALUES(?)"_s, QList<GadgetNote>{GadgetNote{}}),
                             QAsyncSqliteProgrammingError);
    QCOMPARE(nameless.message(), u"Binding 1 has no name, but GadgetNote binds by property name."_s);
    QASYNCSQLITE_AWAIT_ERROR(
            unknown, m_db->executeMany(u"INSERT INTO note(id) VALUES(:nope)"_s, QList<GadgetNote>{GadgetNote{}}),
            QAsyncSqliteProgrammingError);
    QCOMPARE(unknown.message(),
             u"You did not supply a value for binding parameter :nope: GadgetNote has no such property."_s);
    using Big = std::tuple<quint64>;
    QASYNCSQLITE_AWAIT_ERROR(big, m_db->executeMany(u"INSERT INTO note(id) VALUES(?)"_s, QList<Big>{{1ULL << 63}}),
                             QAsyncSqliteDataError);
    QCOMPARE(big.message(),
             u"Error binding parameter 1: 9223372036854775808 is too large for SQLite's 64-bit INTEGER."_s);
    QASYNCSQLITE_AWAIT_ERROR(readOnly, m_db->executeMany(u"SELECT ?"_s, QList<One>{{1}}), QAsyncSqliteProgrammingError);
    QCOMPARE(readOnly.message(), u"executeMany() can only execute DML statements."_s);
    // Nothing of the failed requests was written.
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute<One>(u"SELECT count(*) FROM note"_s));
    QCOMPARE(rows.first().value, 2);
}

void tst_Typed::cursorChunks()
{
    constexpr int Rows = 1000;
    QASYNCSQLITE_AWAIT(m_db->execute(u"WITH RECURSIVE c(x) AS (SELECT 3 UNION ALL SELECT x + 1 FROM c WHERE x < %1) "
                                     "INSERT INTO note SELECT x, 'n' || x, NULL FROM c"_s.arg(Rows + 2)));
    QAsyncSqliteCursor *cursor = m_db->cursor(u"SELECT * FROM note ORDER BY id"_s);
    QList<Note> all;
    int chunks = 0;
    for (;;) {
        QASYNCSQLITE_AWAIT_RESULT(chunk, cursor->fetchMany<Note>(64));
        if (chunk.isEmpty())
            break;
        QVERIFY(chunk.size() <= 64);
        all += chunk;
        ++chunks;
    }
    QCOMPARE(all.size(), Rows + 2);
    QCOMPARE(chunks, (Rows + 2 + 63) / 64);
    for (int i = 0; i < all.size(); ++i)
        QCOMPARE(all[i].id, i + 1);
    QCOMPARE(all[500].title, u"n501"_s);
    // arraySize is the default count; fetchAll<T>() takes the rest.
    QASYNCSQLITE_AWAIT(cursor->execute(u"SELECT * FROM note ORDER BY id"_s));
    cursor->setArraySize(10);
    QASYNCSQLITE_AWAIT_RESULT(first, cursor->fetchMany<Note>());
    QCOMPARE(first.size(), 10);
    QASYNCSQLITE_AWAIT_RESULT(one, cursor->fetchMany<GadgetNote>(1)); // another T on the same statement
    QCOMPARE(one.first().id, 11);
    QASYNCSQLITE_AWAIT_RESULT(rest, cursor->fetchAll<Note>());
    QCOMPARE(rest.size(), Rows + 2 - 11);
    QCOMPARE(cursor->rowCount(), -1);
    // Errors come through the fetch; a closed cursor refuses.
    QASYNCSQLITE_AWAIT(cursor->execute(u"SELECT id, title FROM note"_s));
    QASYNCSQLITE_AWAIT_ERROR(shape, cursor->fetchMany<Note>(5), QAsyncSqliteProgrammingError);
    QCOMPARE(shape.message(), u"The statement returns 2 columns, but Note has 3 members."_s);
    QASYNCSQLITE_AWAIT(cursor->close());
    QASYNCSQLITE_AWAIT_ERROR(closed, cursor->fetchAll<Note>(), QAsyncSqliteProgrammingError);
    QCOMPARE(closed.message(), u"Cannot operate on a closed cursor."_s);
}

void tst_Typed::cancellation()
{
    QSemaphore started;
    QASYNCSQLITE_AWAIT(installStarted(*m_db, &started));
    QFuture<QList<One>> running = m_db->execute<One>(longQuery);
    QFuture<QList<One>> next = m_db->execute<One>(u"SELECT count(*) FROM note"_s);
    QVERIFY(waitStarted(started));
    running.cancel();
    QASYNCSQLITE_AWAIT_RESULT(rows, next);
    QCOMPARE(rows.first().value, 2);
    QVERIFY(running.isFinished());
    QVERIFY(running.isCanceled());
}

void tst_Typed::insideTransactionHandle()
{
    QASYNCSQLITE_AWAIT_RESULT(tx, m_db->begin());
    QASYNCSQLITE_AWAIT(tx.executeMany(u"INSERT INTO note VALUES(?, ?, ?)"_s, QList<Note>{{20, u"tx"_s, std::nullopt}}));
    QASYNCSQLITE_AWAIT_RESULT(inside, tx.execute<Note>(u"SELECT * FROM note WHERE id = ?"_s, {20}));
    QCOMPARE(inside, (QList<Note>{{20, u"tx"_s, std::nullopt}}));
    using Id = std::tuple<qint64>;
    QASYNCSQLITE_AWAIT_RESULT(byT, (tx.execute<Note, Id>(u"SELECT * FROM note WHERE id = ?"_s, Id{20})));
    QCOMPARE(byT.size(), 1);
    QASYNCSQLITE_AWAIT(tx.rollback());
    QASYNCSQLITE_AWAIT_RESULT(after, m_db->execute<Note>(u"SELECT * FROM note WHERE id = 20"_s));
    QVERIFY(after.isEmpty());
    QASYNCSQLITE_AWAIT_ERROR(ended, tx.execute<Note>(u"SELECT * FROM note"_s), QAsyncSqliteProgrammingError);
    QVERIFY(!ended.message().isEmpty());
}

void tst_Typed::insideTransactionCallable()
{
    QASYNCSQLITE_AWAIT_RESULT(notes, m_db->transaction([](QAsyncSqliteTransaction &tx) {
        const qint64 changed = tx.executeMany(u"INSERT INTO note VALUES(?, ?, ?)"_s,
                                              QList<Note>{{30, u"a"_s, std::nullopt}, {31, u"b"_s, u"c"_s}});
        if (changed != 2)
            throw QAsyncSqliteDataError(20, u"wrong count"_s); // SQLITE_MISMATCH
        return tx.execute<Note>(u"SELECT * FROM note WHERE id >= ? ORDER BY id"_s, {30});
    }));
    QCOMPARE(notes, (QList<Note>{{30, u"a"_s, std::nullopt}, {31, u"b"_s, u"c"_s}}));
    // A typed error inside rolls the transaction back.
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->transaction([](QAsyncSqliteTransaction &tx) {
        tx.execute(u"DELETE FROM note"_s);
        return tx.execute<One>(u"SELECT 'x'"_s);
    }),
                             QAsyncSqliteDataError);
    QVERIFY(error.message().contains(u"TEXT is not an integer"_s));
    QASYNCSQLITE_AWAIT_RESULT(count, m_db->execute<One>(u"SELECT count(*) FROM note"_s));
    QCOMPARE(count.first().value, 4);
}

void tst_Typed::implicitTransactionAsExecute()
{
    // A typed DML (INSERT … RETURNING) opens the implicit transaction as execute() does.
    QASYNCSQLITE_AWAIT_RESULT(ids, m_db->execute<One>(u"INSERT INTO note(title) VALUES('r') RETURNING id"_s));
    QCOMPARE(ids.first().value, 3);
    QVERIFY(m_db->inTransaction());
    QASYNCSQLITE_AWAIT(m_db->rollback());
    QASYNCSQLITE_AWAIT_RESULT(count, m_db->execute<One>(u"SELECT count(*) FROM note"_s));
    QCOMPARE(count.first().value, 2);
    QVERIFY(!m_db->inTransaction());
}

// Random values of every storage class, NULL included.
QVariant randomValue(QRandomGenerator &random, int storageClass)
{
    switch (storageClass) {
    case 0:
        return QVariant();
    case 1:
        return QVariant(qint64(random.generate64()) >> random.bounded(64));
    case 2:
        return QVariant((random.generateDouble() - 0.5) * std::pow(10.0, random.bounded(-20, 20)));
    case 3: {
        QString text;
        for (int i = random.bounded(8); i > 0; --i)
            text += QChar(char16_t(random.bounded(0x20, 0xd7ff)));
        return QVariant(text);
    }
    default: {
        QByteArray bytes(random.bounded(8), Qt::Uninitialized);
        for (char &c : bytes)
            c = char(random.bounded(256));
        return QVariant(bytes);
    }
    }
}

void tst_Typed::agreesWithExecute()
{
    QRandomGenerator random(QRandomGenerator::global()->generate());
    QASYNCSQLITE_AWAIT(m_db->execute(u"CREATE TABLE v(a, b, c, d, e)"_s));
    // Columns a..e hold NULL or INTEGER, NULL or REAL, NULL or TEXT, NULL
    // or BLOB, and anything (column e), in rows of random values.
    QList<QVariantList> rows;
    for (int i = 0; i < 500; ++i) {
        QVariantList row;
        for (int column = 0; column < 4; ++column)
            row.append(randomValue(random, random.bounded(2) ? column + 1 : 0));
        row.append(randomValue(random, random.bounded(5)));
        rows.append(row);
    }
    QASYNCSQLITE_AWAIT(m_db->executeMany(u"INSERT INTO v VALUES(?, ?, ?, ?, ?)"_s, rows));
    const QString select = u"SELECT a, b, c, d, e FROM v ORDER BY rowid"_s;
    QASYNCSQLITE_AWAIT_RESULT(expected, m_db->execute(select));
    using Typed = std::tuple<std::optional<qint64>, std::optional<double>, std::optional<QString>,
                             std::optional<QByteArray>, QVariant>;
    QASYNCSQLITE_AWAIT_RESULT(typed, m_db->execute<Typed>(select));
    QCOMPARE(typed.size(), expected.size());
    const auto asVariant = [](const auto &optional) {
        return optional ? QVariant::fromValue(*optional) : QVariant();
    };
    for (qsizetype i = 0; i < typed.size(); ++i) {
        const QVariantList row = expected.at(i).toList();
        const Typed &t = typed.at(i);
        const QVariantList converted{asVariant(std::get<0>(t)), asVariant(std::get<1>(t)), asVariant(std::get<2>(t)),
                                     asVariant(std::get<3>(t)), std::get<4>(t)};
        for (int column = 0; column < 5; ++column) {
            // Compare types too: a null QVariant() and QVariant(QString()) differ.
            QCOMPARE(converted.at(column).metaType(), row.at(column).metaType());
            QCOMPARE(converted.at(column), row.at(column));
        }
    }
    // Every value of column e: a typed read succeeds exactly where its type fits.
    QASYNCSQLITE_AWAIT_RESULT(eTypes, m_db->execute(u"SELECT typeof(e) FROM v"_s));
    const bool hasText = eTypes.contains(QVariant(QVariantList{u"text"_s}));
    QFuture<QList<std::tuple<std::optional<QString>>>> asText =
            m_db->execute<std::tuple<std::optional<QString>>>(u"SELECT e FROM v WHERE typeof(e) IN ('text', 'null')"_s);
    QASYNCSQLITE_AWAIT(asText);
    QVERIFY(!hasText || !asText.result().isEmpty());
}

void tst_Typed::largeResult()
{
    constexpr qint64 Rows = 200000;
    QASYNCSQLITE_AWAIT(
            m_db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT);"
                                "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < %1) "
                                "INSERT INTO t SELECT x, x * 2, x / 4.0, 'row ' || x FROM s;"_s.arg(Rows)));
    struct Row
    {
        qint64 id;
        qint64 a;
        double b;
        QString c;
    };
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute<Row>(u"SELECT id, a, b, c FROM t"_s));
    QCOMPARE(rows.size(), Rows);
    qint64 sum = 0;
    for (const Row &row : rows) {
        sum += row.a;
        if (row.b != double(row.id) / 4.0 || row.c != u"row "_s + QString::number(row.id))
            QFAIL(qPrintable(u"row %1 differs"_s.arg(row.id)));
    }
    QCOMPARE(sum, Rows * (Rows + 1));
}

QTEST_MAIN(tst_Typed)
#include "tst_typed.moc"
