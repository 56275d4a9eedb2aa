// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Value binding and reading: every QVariant type of the contract (doc/types.md
// "Values") round-trips through a real database file, named and positional
// parameters, length limits, adapters and converters.

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>
#include <QAsyncSqlite/QAsyncSqliteTypes>

#include <QtCore/qpoint.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qsize.h>
#include <QtCore/qtimezone.h>
#include <QtCore/qurl.h>
#include <QtSql/qsqldatabase.h>
#include <QtSql/qsqlquery.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

// Opens \a db on a fresh temporary database with \a options.
#define OPEN_DB(db, tmp, options)                                                                                      \
    QVERIFY((tmp).isValid());                                                                                          \
    QASYNCSQLITE_AWAIT((db).open((tmp).path(), (options)))

namespace {

enum class Api {
    Execute,
    ExecuteInsert,
    ExecuteMany
};

// The text SQLite stores for \a expected, as hex() shows it.
QByteArray storedHex(const QVariant &expected)
{
    if (expected.metaType() == QMetaType::fromType<QString>())
        return expected.toString().toUtf8().toHex().toUpper();
    if (expected.metaType() == QMetaType::fromType<QByteArray>())
        return expected.toByteArray().toHex().toUpper();
    return {};
}

// 2024-01-02 03:04:05 at \a offsetSeconds ahead of UTC: time spec Qt::UTC for
// 0, Qt::OffsetFromUTC otherwise. Qt 6.5 added offsets as QTimeZone, and
// later versions deprecate the Qt::TimeSpec constructor, Qt 6.4's only way.
QDateTime fixedOffsetDateTime(int offsetSeconds)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    return QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), QTimeZone::fromSecondsAheadOfUtc(offsetSeconds));
#else
    return QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::OffsetFromUTC, offsetSeconds);
#endif
}

} // namespace

class tst_Values : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bindRoundTrip_data();
    void bindRoundTrip();
    void nullsBindAsQSqlite_data();
    void nullsBindAsQSqlite();
    void loneSurrogate();
    void readStorageClasses_data();
    void readStorageClasses();
    void unsigned64Overflow_data();
    void unsigned64Overflow();
    void unsupportedTypes_data();
    void unsupportedTypes();
    void namedParameters_data();
    void namedParameters();
    void namedParameterErrors_data();
    void namedParameterErrors();
    void positionalCount_data();
    void positionalCount();
    void lengthLimit_data();
    void lengthLimit();
    void adaptersAndConverters();
    void adapterOverridesBuiltinAndIsRemovable();
    void adapterReturningUnsupportedType();
    void builtinConverters_data();
    void builtinConverters();
    void dateTimeRoundTripMatchesPython();
    void converterReceivesRawBytes();
};

void tst_Values::bindRoundTrip_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("type"); // typeof() of the stored value
    QTest::addColumn<QVariant>("expected"); // what reading it back gives

    const qint64 min64 = std::numeric_limits<qint64>::min();
    const qint64 max64 = std::numeric_limits<qint64>::max();
    const double inf = std::numeric_limits<double>::infinity();

    QTest::newRow("bool true") << QVariant(true) << u"integer"_s << QVariant(qint64(1));
    QTest::newRow("bool false") << QVariant(false) << u"integer"_s << QVariant(qint64(0));
    QTest::newRow("int") << QVariant(-42) << u"integer"_s << QVariant(qint64(-42));
    QTest::newRow("int max") << QVariant(std::numeric_limits<int>::max()) << u"integer"_s
                             << QVariant(qint64(std::numeric_limits<int>::max()));
    QTest::newRow("uint above int max") << QVariant(4000000000u) << u"integer"_s << QVariant(qint64(4000000000LL));
    QTest::newRow("qint64 min") << QVariant(min64) << u"integer"_s << QVariant(min64);
    QTest::newRow("qint64 max") << QVariant(max64) << u"integer"_s << QVariant(max64);
    QTest::newRow("quint64 at INT64_MAX") << QVariant(quint64(max64)) << u"integer"_s << QVariant(max64);
    QTest::newRow("quint64 zero") << QVariant(quint64(0)) << u"integer"_s << QVariant(qint64(0));
    QTest::newRow("float") << QVariant(0.1f) << u"real"_s << QVariant(double(0.1f));
    QTest::newRow("double") << QVariant(3.25) << u"real"_s << QVariant(3.25);
    QTest::newRow("double tiny") << QVariant(5e-324) << u"real"_s << QVariant(5e-324);
    QTest::newRow("+inf") << QVariant(inf) << u"real"_s << QVariant(inf);
    QTest::newRow("-inf") << QVariant(-inf) << u"real"_s << QVariant(-inf);
    // SQLite cannot store NaN: sqlite3_bind_double() turns it into NULL
    // (Python's sqlite3 gives None back for float('nan') too).
    QTest::newRow("NaN becomes NULL") << QVariant(std::numeric_limits<double>::quiet_NaN()) << u"null"_s << QVariant();
    QTest::newRow("string") << QVariant(u"hello"_s) << u"text"_s << QVariant(u"hello"_s);
    QTest::newRow("empty string stays ''") << QVariant(u""_s) << u"text"_s << QVariant(u""_s);
    QTest::newRow("invalid QVariant is NULL") << QVariant() << u"null"_s << QVariant();
    QTest::newRow("nullptr is NULL") << QVariant::fromValue(nullptr) << u"null"_s << QVariant();
    QTest::newRow("emoji") << QVariant(u"\U0001F600 \U0001F468\u200D\U0001F469\u200D\U0001F467"_s) << u"text"_s
                           << QVariant(u"\U0001F600 \U0001F468\u200D\U0001F469\u200D\U0001F467"_s);
    QTest::newRow("CJK") << QVariant(u"\u6F22\u5B57\u304B\u306A\uD55C\uAE00"_s) << u"text"_s
                         << QVariant(u"\u6F22\u5B57\u304B\u306A\uD55C\uAE00"_s);
    QTest::newRow("combining") << QVariant(u"e\u0301 a\u0308\u0323"_s) << u"text"_s
                               << QVariant(u"e\u0301 a\u0308\u0323"_s);
    QTest::newRow("string with NUL") << QVariant(u"a\0b"_s) << u"text"_s << QVariant(u"a\0b"_s);
    QTest::newRow("QChar") << QVariant(QChar(u'\u00e9')) << u"text"_s << QVariant(u"\u00e9"_s);
    QTest::newRow("blob with NULs") << QVariant(QByteArray("\0a\0b\0", 5)) << u"blob"_s
                                    << QVariant(QByteArray("\0a\0b\0", 5));
    QTest::newRow("empty blob is a zero-length blob")
            << QVariant(QByteArray("")) << u"blob"_s << QVariant(QByteArray(""));
    QTest::newRow("invalid UTF-8 blob") << QVariant(QByteArray("\xff\xfe\xc3(\x80\xed\xa0\x80", 8)) << u"blob"_s
                                        << QVariant(QByteArray("\xff\xfe\xc3(\x80\xed\xa0\x80", 8));
    // Dates and times bind as ISO 8601 text, in the format Python's sqlite3
    // default adapters write (datetime.isoformat(" "); checked with Debian's
    // python3: '2024-01-02 03:04:05', '2024-01-02 03:04:05.123000',
    // '2024-01-02 03:04:05+00:00').
    QTest::newRow("QDate") << QVariant(QDate(2024, 1, 2)) << u"text"_s << QVariant(u"2024-01-02"_s);
    QTest::newRow("QTime") << QVariant(QTime(3, 4, 5)) << u"text"_s << QVariant(u"03:04:05"_s);
    QTest::newRow("QTime ms") << QVariant(QTime(3, 4, 5, 123)) << u"text"_s << QVariant(u"03:04:05.123000"_s);
    QTest::newRow("QDateTime local") << QVariant(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5))) << u"text"_s
                                     << QVariant(u"2024-01-02 03:04:05"_s);
    QTest::newRow("QDateTime ms") << QVariant(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 123))) << u"text"_s
                                  << QVariant(u"2024-01-02 03:04:05.123000"_s);
    QTest::newRow("QDateTime UTC") << QVariant(fixedOffsetDateTime(0)) << u"text"_s
                                   << QVariant(u"2024-01-02 03:04:05+00:00"_s);
    QTest::newRow("QDateTime +05:30") << QVariant(fixedOffsetDateTime(19800)) << u"text"_s
                                      << QVariant(u"2024-01-02 03:04:05+05:30"_s);
    QTest::newRow("QDateTime -08:00") << QVariant(fixedOffsetDateTime(-28800)) << u"text"_s
                                      << QVariant(u"2024-01-02 03:04:05-08:00"_s);
}

void tst_Values::bindRoundTrip()
{
    QFETCH(QVariant, value);
    QFETCH(QString, type);
    QFETCH(QVariant, expected);

    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    // No declared type: no affinity, the value is stored as bound.
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT_RESULT(rowid, db.executeInsert(u"INSERT INTO t(v) VALUES(?)"_s, {value}));
    QASYNCSQLITE_AWAIT(db.commit());
    QASYNCSQLITE_AWAIT(db.close());

    // Read it back through a second connection: the value is in the file.
    QAsyncSqliteConnection reader;
    QASYNCSQLITE_AWAIT(reader.open(tmp.path()));
    QASYNCSQLITE_AWAIT_RESULT(
            rows, reader.execute(u"SELECT v, typeof(v), hex(v), v IS NULL FROM t WHERE rowid = ?"_s, {rowid}));
    QCOMPARE(rows.size(), 1);
    const QVariantList row = rows.first().toList();
    QCOMPARE(row.size(), 4);
    QCOMPARE(row.at(1).toString(), type);
    QCOMPARE(row.at(3).toLongLong(), expected.isValid() ? 0 : 1);
    const QVariant actual = row.at(0);
    if (!expected.isValid()) {
        QVERIFY2(!actual.isValid(), qPrintable(actual.typeName() ? QString::fromLatin1(actual.typeName()) : QString()));
        return;
    }
    QCOMPARE(actual.metaType(), expected.metaType());
    QCOMPARE(actual, expected);
    // Text and blobs are stored byte-exact.
    if (const QByteArray hex = storedHex(expected); !hex.isNull())
        QCOMPARE(row.at(2).toString().toLatin1(), hex);
    if (expected.metaType() == QMetaType::fromType<QString>())
        QVERIFY(!actual.toString().isNull()); // '' reads as an empty, not a null, QString
    if (expected.metaType() == QMetaType::fromType<QByteArray>())
        QVERIFY(!actual.toByteArray().isNull());
}

void tst_Values::nullsBindAsQSqlite_data()
{
    // Qt's null values bind as Qt's own SQLite driver binds them, so a
    // program moving from QSqlQuery keeps its NULLs.
    QTest::addColumn<QVariant>("value");
    QTest::newRow("invalid QVariant") << QVariant();
    QTest::newRow("nullptr") << QVariant::fromValue(nullptr);
    QTest::newRow("typed null int") << QVariant(QMetaType::fromType<int>());
    QTest::newRow("typed null qint64") << QVariant(QMetaType::fromType<qint64>());
    QTest::newRow("typed null double") << QVariant(QMetaType::fromType<double>());
    QTest::newRow("typed null bool") << QVariant(QMetaType::fromType<bool>());
    QTest::newRow("typed null QString") << QVariant(QMetaType::fromType<QString>());
    QTest::newRow("typed null QByteArray") << QVariant(QMetaType::fromType<QByteArray>());
    QTest::newRow("null QString") << QVariant(QString());
    QTest::newRow("empty QString") << QVariant(u""_s);
    QTest::newRow("null QByteArray") << QVariant(QByteArray());
    QTest::newRow("empty QByteArray") << QVariant(QByteArray(""));
    QTest::newRow("invalid QDate") << QVariant(QDate());
    QTest::newRow("invalid QTime") << QVariant(QTime());
    QTest::newRow("invalid QDateTime") << QVariant(QDateTime());
    QTest::newRow("zero int") << QVariant(0);
}

void tst_Values::nullsBindAsQSqlite()
{
    QFETCH(QVariant, value);
    const QString sql = u"SELECT typeof(?), quote(?)"_s;

    const QString name = QString::fromLatin1(QTest::currentDataTag());
    QString expectedType, expectedQuote;
    {
        QSqlDatabase qsqlite = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        qsqlite.setDatabaseName(u":memory:"_s);
        QVERIFY2(qsqlite.open(), "Qt's SQLite driver is missing (apt-get install libqt6sql6-sqlite)");
        QSqlQuery query(qsqlite);
        QVERIFY(query.prepare(sql));
        query.addBindValue(value);
        query.addBindValue(value);
        QVERIFY(query.exec());
        QVERIFY(query.next());
        expectedType = query.value(0).toString();
        expectedQuote = query.value(1).toString();
    }
    QSqlDatabase::removeDatabase(name);

    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(sql, {value, value}));
    QCOMPARE(rows.value(0).toList().value(0).toString(), expectedType);
    QCOMPARE(rows.value(0).toList().value(1).toString(), expectedQuote);
}

void tst_Values::loneSurrogate()
{
    // A QString holding a lone surrogate is not valid UTF-16: it must not
    // crash, and it is stored as valid UTF-8 text (the surrogate replaced).
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QString text = u"a"_s;
    text.append(QChar(char16_t(0xD800)));
    text.append(u'b');
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t(v) VALUES(?)"_s, {text}));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v, typeof(v) FROM t"_s));
    QCOMPARE(rows.size(), 1);
    const QVariantList row = rows.first().toList();
    QCOMPARE(row.at(1).toString(), u"text"_s);
    const QString stored = row.at(0).toString();
    QVERIFY(stored.startsWith(u'a'));
    QVERIFY(stored.endsWith(u'b'));
    QVERIFY(!stored.contains(QChar(char16_t(0xD800))));
    QVERIFY(QString::fromUtf8(stored.toUtf8()) == stored); // valid text now
}

void tst_Values::readStorageClasses_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("integer") << u"42"_s << QVariant(qint64(42));
    QTest::newRow("integer max") << u"9223372036854775807"_s << QVariant(std::numeric_limits<qint64>::max());
    QTest::newRow("integer min") << u"-9223372036854775807 - 1"_s << QVariant(std::numeric_limits<qint64>::min());
    QTest::newRow("small integer") << u"CAST(7 AS INTEGER)"_s << QVariant(qint64(7));
    QTest::newRow("real") << u"1.5"_s << QVariant(1.5);
    QTest::newRow("real integral") << u"CAST(2 AS REAL)"_s << QVariant(2.0);
    QTest::newRow("real inf") << u"1e308 * 10"_s << QVariant(std::numeric_limits<double>::infinity());
    QTest::newRow("text") << u"'text'"_s << QVariant(u"text"_s);
    QTest::newRow("empty text") << u"''"_s << QVariant(u""_s);
    QTest::newRow("utf8 text") << u"char(233, 28450, 128512)"_s << QVariant(u"\u00e9\u6F22\U0001F600"_s);
    QTest::newRow("blob") << u"x'00ff10'"_s << QVariant(QByteArray("\x00\xff\x10", 3));
    QTest::newRow("empty blob") << u"x''"_s << QVariant(QByteArray(""));
    QTest::newRow("zeroblob") << u"zeroblob(3)"_s << QVariant(QByteArray(3, '\0'));
    QTest::newRow("null") << u"NULL"_s << QVariant();
}

void tst_Values::readStorageClasses()
{
    QFETCH(QString, expression);
    QFETCH(QVariant, expected);

    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t(v) VALUES(%1)"_s.arg(expression)));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v, %1 FROM t"_s.arg(expression)));
    QCOMPARE(rows.size(), 1);
    const QVariantList row = rows.first().toList();
    for (const QVariant &actual : row) { // from the table and from the expression
        if (!expected.isValid()) {
            QVERIFY(!actual.isValid());
            continue;
        }
        QCOMPARE(actual.metaType(), expected.metaType());
        QCOMPARE(actual, expected);
    }
    if (expected.metaType() == QMetaType::fromType<qint64>())
        QCOMPARE(row.first().metaType().id(), int(QMetaType::LongLong));
}

void tst_Values::unsigned64Overflow_data()
{
    QTest::addColumn<quint64>("value");
    QTest::newRow("INT64_MAX + 1") << quint64(std::numeric_limits<qint64>::max()) + 1;
    QTest::newRow("UINT64_MAX") << std::numeric_limits<quint64>::max();
}

void tst_Values::unsigned64Overflow()
{
    QFETCH(quint64, value);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    const QString sql = u"INSERT INTO t(v) VALUES(?)"_s;
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql, {QVariant(value)}), QAsyncSqliteDataError);
    QCOMPARE(error.sql(), sql);
    QVERIFY2(error.message().contains(QString::number(value)), qPrintable(error.message()));
    // Nothing was stored (no silent truncation or NULL).
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{qint64(0)}}));
    // The connection stays usable.
    QASYNCSQLITE_AWAIT_RESULT(ok, db.execute(u"SELECT ?"_s, {QVariant(quint64(7))}));
    QCOMPARE(ok, (QVariantList{QVariantList{qint64(7)}}));
}

void tst_Values::unsupportedTypes_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("typeName");
    QTest::newRow("QPoint") << QVariant(QPoint(1, 2)) << u"QPoint"_s;
    QTest::newRow("QSize") << QVariant(QSize(3, 4)) << u"QSize"_s;
    QTest::newRow("QUrl") << QVariant(QUrl(u"https://example.org"_s)) << u"QUrl"_s;
    QTest::newRow("QVariantList") << QVariant(QVariantList{1, 2}) << u"QVariantList"_s;
    QTest::newRow("QVariantMap") << QVariant(QVariantMap{{u"a"_s, 1}}) << u"QVariantMap"_s;
    QTest::newRow("QStringList") << QVariant(QStringList{u"a"_s}) << u"QStringList"_s;
}

void tst_Values::unsupportedTypes()
{
    QFETCH(QVariant, value);
    QFETCH(QString, typeName);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(a, b)"_s));
    const QString sql = u"INSERT INTO t(a, b) VALUES(?, ?)"_s;
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql, {1, value}), QAsyncSqliteProgrammingError);
    QCOMPARE(error.sql(), sql);
    QVERIFY2(error.message().contains(typeName), qPrintable(error.message()));
    QVERIFY2(error.message().contains(u"parameter 2"_s), qPrintable(error.message()));
    QASYNCSQLITE_AWAIT_ERROR(insertError, db.executeInsert(sql, {value, 1}), QAsyncSqliteProgrammingError);
    QVERIFY(insertError.message().contains(u"parameter 1"_s));
    QASYNCSQLITE_AWAIT_ERROR(manyError, db.executeMany(sql, {{1, 2}, {value, 3}}), QAsyncSqliteProgrammingError);
    QVERIFY(manyError.message().contains(typeName));
    QASYNCSQLITE_AWAIT_ERROR(namedError, db.execute(u"SELECT :v"_s, QVariantMap{{u"v"_s, value}}),
                             QAsyncSqliteProgrammingError);
    QVERIFY(namedError.message().contains(typeName));
    // Never a silent NULL: no row holds a NULL.
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT count(*) FROM t WHERE a IS NULL OR b IS NULL"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{qint64(0)}}));
}

void tst_Values::namedParameters_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantMap>("params");
    QTest::addColumn<QVariantList>("expected");

    const QVariantMap ab{{u"a"_s, 1}, {u"b"_s, u"x"_s}};
    QTest::newRow(":name") << u"SELECT :a, :b"_s << ab << QVariantList{qint64(1), u"x"_s};
    QTest::newRow("@name") << u"SELECT @a, @b"_s << ab << QVariantList{qint64(1), u"x"_s};
    QTest::newRow("$name") << u"SELECT $a, $b"_s << ab << QVariantList{qint64(1), u"x"_s};
    QTest::newRow("mixed prefixes") << u"SELECT $b, :a, @b"_s << ab << QVariantList{u"x"_s, qint64(1), u"x"_s};
    QTest::newRow("repeated name") << u"SELECT :a + :a"_s << ab << QVariantList{qint64(2)};
    QTest::newRow("extra keys ignored") << u"SELECT :a"_s << QVariantMap{{u"a"_s, 5}, {u"unused"_s, QPoint(1, 1)}}
                                        << QVariantList{qint64(5)};
    QTest::newRow("null and blob") << u"SELECT :n IS NULL, :blob"_s
                                   << QVariantMap{{u"n"_s, QVariant()}, {u"blob"_s, QByteArray("\0z", 2)}}
                                   << QVariantList{qint64(1), QByteArray("\0z", 2)};
    QTest::newRow("unicode name") << u"SELECT :\u00e9t\u00e9"_s << QVariantMap{{u"\u00e9t\u00e9"_s, 3}}
                                  << QVariantList{qint64(3)};
    QTest::newRow("no parameters, empty map") << u"SELECT 9"_s << QVariantMap{} << QVariantList{qint64(9)};
}

void tst_Values::namedParameters()
{
    QFETCH(QString, sql);
    QFETCH(QVariantMap, params);
    QFETCH(QVariantList, expected);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(sql, params));
    QCOMPARE(rows, QVariantList{expected});

    // The same through executeInsert() into a table.
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(a, b, c)"_s));
    const QString padding = QString(u", NULL"_s).repeated(3 - expected.size());
    QASYNCSQLITE_AWAIT_RESULT(rowid, db.executeInsert(u"INSERT INTO t SELECT "_s + sql.mid(7) + padding, params));
    QCOMPARE(rowid, 1);
    QASYNCSQLITE_AWAIT_RESULT(stored, db.execute(u"SELECT a, b, c FROM t"_s));
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().toList().mid(0, expected.size()), expected);
}

void tst_Values::namedParameterErrors_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantMap>("params");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("missing value") << u"SELECT :a, :b"_s << QVariantMap{{u"a"_s, 1}} << u":b"_s;
    QTest::newRow("missing value @") << u"SELECT @missing"_s << QVariantMap{{u"a"_s, 1}} << u"@missing"_s;
    QTest::newRow("names are case-sensitive") << u"SELECT :A"_s << QVariantMap{{u"a"_s, 1}} << u":A"_s;
    QTest::newRow("map for ?") << u"SELECT ?"_s << QVariantMap{{u"a"_s, 1}} << u"no name"_s;
    QTest::newRow("map for ?NNN") << u"SELECT ?1"_s << QVariantMap{{u"1"_s, 1}} << u"no name"_s;
    QTest::newRow("map for mixed") << u"SELECT :a, ?"_s << QVariantMap{{u"a"_s, 1}} << u"no name"_s;
}

void tst_Values::namedParameterErrors()
{
    QFETCH(QString, sql);
    QFETCH(QVariantMap, params);
    QFETCH(QString, messagePart);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql, params), QAsyncSqliteProgrammingError);
    QVERIFY2(error.message().contains(messagePart), qPrintable(error.message()));
    QCOMPARE(error.sql(), sql);
    QASYNCSQLITE_AWAIT_ERROR(insertError, db.executeInsert(sql, params), QAsyncSqliteProgrammingError);
    QCOMPARE(insertError.message(), error.message());
}

void tst_Values::positionalCount_data()
{
    QTest::addColumn<int>("api");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("params");
    QTest::addColumn<int>("supplied");

    const QString select = u"SELECT ?, ?"_s;
    const QString insert = u"INSERT INTO t(a, b) VALUES(?, ?)"_s;
    QTest::newRow("execute none") << int(Api::Execute) << select << QVariantList{} << 0;
    QTest::newRow("execute too few") << int(Api::Execute) << select << QVariantList{1} << 1;
    QTest::newRow("execute too many") << int(Api::Execute) << select << QVariantList{1, 2, 3} << 3;
    QTest::newRow("execute params for none") << int(Api::Execute) << u"SELECT 1"_s << QVariantList{1} << 1;
    QTest::newRow("executeInsert too few") << int(Api::ExecuteInsert) << insert << QVariantList{1} << 1;
    QTest::newRow("executeInsert too many") << int(Api::ExecuteInsert) << insert << QVariantList{1, 2, 3} << 3;
    QTest::newRow("executeMany too few") << int(Api::ExecuteMany) << insert << QVariantList{1} << 1;
    QTest::newRow("executeMany too many") << int(Api::ExecuteMany) << insert << QVariantList{1, 2, 3} << 3;
}

void tst_Values::positionalCount()
{
    QFETCH(int, api);
    QFETCH(QString, sql);
    QFETCH(QVariantList, params);
    QFETCH(int, supplied);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(a, b)"_s));

    std::optional<QAsyncSqliteProgrammingError> error;
    QString failure;
    switch (Api(api)) {
    case Api::Execute:
        failure = QAsyncSqliteTest::awaitError(db.execute(sql, params), error);
        break;
    case Api::ExecuteInsert:
        failure = QAsyncSqliteTest::awaitError(db.executeInsert(sql, params), error);
        break;
    case Api::ExecuteMany:
        failure = QAsyncSqliteTest::awaitError(db.executeMany(sql, {{1, 2}, params}), error);
        break;
    }
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY(error);
    QCOMPARE(error->code(), SQLITE_RANGE);
    QCOMPARE(error->errorName(), u"SQLITE_RANGE"_s);
    QCOMPARE(error->sql(), sql);
    QVERIFY2(error->message().contains(u"there are %1 supplied"_s.arg(supplied)), qPrintable(error->message()));
    // Python's message wording.
    QVERIFY(error->message().startsWith(u"Incorrect number of bindings supplied."_s));
}

void tst_Values::lengthLimit_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<bool>("fits");

    QTest::newRow("text at the limit") << QVariant(QString(1000, u'x')) << true;
    QTest::newRow("text above the limit") << QVariant(QString(1001, u'x')) << false;
    // The limit counts UTF-8 bytes, not characters.
    QTest::newRow("multibyte text above the limit") << QVariant(QString(501, QChar(0xe9))) << false;
    QTest::newRow("blob at the limit") << QVariant(QByteArray(1000, '\x01')) << true;
    QTest::newRow("blob above the limit") << QVariant(QByteArray(1001, '\x01')) << false;
}

void tst_Values::lengthLimit()
{
    QFETCH(QVariant, value);
    QFETCH(bool, fits);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT_RESULT(previous, db.setLimit(SQLITE_LIMIT_LENGTH, 1000));
    QVERIFY(previous > 1000);
    QASYNCSQLITE_AWAIT_RESULT(current, db.limit(SQLITE_LIMIT_LENGTH));
    QCOMPARE(current, 1000);

    const QString sql = u"SELECT length(CAST(? AS BLOB))"_s;
    if (fits) {
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(sql, {value}));
        QCOMPARE(rows, (QVariantList{QVariantList{qint64(1000)}}));
        return;
    }
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql, {value}), QAsyncSqliteDataError);
    QCOMPARE(error.code(), SQLITE_TOOBIG);
    QCOMPARE(error.errorName(), u"SQLITE_TOOBIG"_s);
    QCOMPARE(error.sql(), sql);
    QASYNCSQLITE_AWAIT_ERROR(namedError, db.execute(u"SELECT :v"_s, QVariantMap{{u"v"_s, value}}),
                             QAsyncSqliteDataError);
    QCOMPARE(namedError.code(), SQLITE_TOOBIG);
}

void tst_Values::adaptersAndConverters()
{
    QAsyncSqlite::registerAdapter<QPoint>([](const QPoint &p) {
        return u"%1;%2"_s.arg(p.x()).arg(p.y());
    });
    QAsyncSqlite::registerConverter(u"point"_s, [](const QByteArray &raw) {
        const QList<QByteArray> parts = raw.split(';');
        return parts.size() == 2 ? QVariant(QPoint(parts.at(0).toInt(), parts.at(1).toInt())) : QVariant();
    });
    const auto cleanup = qScopeGuard([] {
        QAsyncSqlite::registerAdapter(QMetaType::fromType<QPoint>(), {});
        QAsyncSqlite::registerConverter(u"point"_s, {});
    });

    QAsyncSqliteTest::TemporaryDatabase tmp;
    {
        QAsyncSqliteConnection db;
        OPEN_DB(db, tmp, QAsyncSqliteOptions{});
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE p(pt point, pt2 POINT(3) NOT NULL DEFAULT '0;0', raw)"_s));
        QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO p(pt, pt2, raw) VALUES(?, ?, ?)"_s,
                                      {QPoint(1, 2), QPoint(-3, 4), QPoint(5, 6)}));
        QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO p(pt, raw) VALUES(NULL, NULL)"_s));
        QASYNCSQLITE_AWAIT(db.commit());
        // Without detectTypes the adapted text comes back as text.
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT pt, typeof(pt), raw FROM p WHERE rowid = 1"_s));
        QCOMPARE(rows, (QVariantList{QVariantList{u"1;2"_s, u"text"_s, u"5;6"_s}}));
    }
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.detectTypes = QAsyncSqlite::DeclaredTypes}));
        QASYNCSQLITE_AWAIT_RESULT(rows,
                                  db.execute(u"SELECT pt, pt2, raw, raw AS \"r [point]\" FROM p ORDER BY rowid"_s));
        QCOMPARE(rows.size(), 2);
        const QVariantList first = rows.at(0).toList();
        QCOMPARE(first.at(0), QVariant(QPoint(1, 2))); // declared "point"
        QCOMPARE(first.at(1), QVariant(QPoint(-3, 4))); // declared "POINT(3) NOT NULL": first word
        QCOMPARE(first.at(2), QVariant(u"5;6"_s)); // no declared type
        QCOMPARE(first.at(3), QVariant(u"5;6"_s)); // column names are not looked at
        const QVariantList second = rows.at(1).toList();
        QVERIFY(!second.at(0).isValid()); // NULL never reaches a converter
        QCOMPARE(second.at(1), QVariant(QPoint(0, 0)));
    }
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.detectTypes = QAsyncSqlite::ColumnNames}));
        db.setRowFactory(QAsyncSqlite::RowFactory::Map);
        QASYNCSQLITE_AWAIT_RESULT(rows,
                                  db.execute(u"SELECT raw AS \"r [point]\", pt, raw AS \"s [POINT]\" FROM p "
                                             "WHERE rowid = 1"_s));
        QCOMPARE(rows.size(), 1);
        const QVariantMap row = rows.first().toMap();
        // The "[type]" part selects the converter and is cut from the name.
        QCOMPARE(row.keys(), (QStringList{u"pt"_s, u"r"_s, u"s"_s}));
        QCOMPARE(row.value(u"r"_s), QVariant(QPoint(5, 6)));
        QCOMPARE(row.value(u"s"_s), QVariant(QPoint(5, 6)));
        QCOMPARE(row.value(u"pt"_s), QVariant(u"1;2"_s)); // declared types are not looked at
    }
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(
                db.open(tmp.path(), {.detectTypes = QAsyncSqlite::DeclaredTypes | QAsyncSqlite::ColumnNames}));
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT pt, raw AS \"r [point]\" FROM p WHERE rowid = 1"_s));
        QCOMPARE(rows, (QVariantList{QVariantList{QVariant(QPoint(1, 2)), QVariant(QPoint(5, 6))}}));
    }
}

void tst_Values::adapterOverridesBuiltinAndIsRemovable()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    const QDate date(2024, 1, 2);
    QAsyncSqlite::registerAdapter<QDate>([](const QDate &d) {
        return d.toJulianDay();
    });
    auto cleanup = qScopeGuard([] {
        QAsyncSqlite::registerAdapter(QMetaType::fromType<QDate>(), {});
    });
    QASYNCSQLITE_AWAIT_RESULT(adapted, db.execute(u"SELECT ?, typeof(?)"_s, {date, date}));
    QCOMPARE(adapted, (QVariantList{QVariantList{qint64(date.toJulianDay()), u"integer"_s}}));
    cleanup.dismiss();
    QAsyncSqlite::registerAdapter(QMetaType::fromType<QDate>(), {});
    QASYNCSQLITE_AWAIT_RESULT(builtin, db.execute(u"SELECT ?, typeof(?)"_s, {date, date}));
    QCOMPARE(builtin, (QVariantList{QVariantList{u"2024-01-02"_s, u"text"_s}}));
    // Removing an adapter makes its type unbindable again.
    QAsyncSqlite::registerAdapter<QPoint>([](const QPoint &p) {
        return p.x();
    });
    QAsyncSqlite::registerAdapter(QMetaType::fromType<QPoint>(), {});
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELECT ?"_s, {QPoint(1, 2)}), QAsyncSqliteProgrammingError);
    QVERIFY(error.message().contains(u"QPoint"_s));
}

void tst_Values::adapterReturningUnsupportedType()
{
    // An adapter must produce a storable value; anything else is an error,
    // not NULL and not a second round of adaptation.
    QAsyncSqlite::registerAdapter<QSize>([](const QSize &s) {
        return QPoint(s.width(), s.height());
    });
    const auto cleanup = qScopeGuard([] {
        QAsyncSqlite::registerAdapter(QMetaType::fromType<QSize>(), {});
    });
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{});
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"SELECT ?"_s, {QSize(1, 2)}), QAsyncSqliteProgrammingError);
    QVERIFY2(error.message().contains(u"parameter 1"_s), qPrintable(error.message()));
}

void tst_Values::builtinConverters_data()
{
    QTest::addColumn<QString>("declaredType");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("date") << u"date"_s << u"2024-01-02"_s << QVariant(QDate(2024, 1, 2));
    QTest::newRow("DATE upper case") << u"DATE"_s << u"2024-12-31"_s << QVariant(QDate(2024, 12, 31));
    QTest::newRow("time") << u"time"_s << u"03:04:05"_s << QVariant(QTime(3, 4, 5));
    QTest::newRow("time with fraction") << u"time"_s << u"03:04:05.123000"_s << QVariant(QTime(3, 4, 5, 123));
    // Python's sqlite3 writes datetimes as 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    QTest::newRow("timestamp python") << u"timestamp"_s << u"2024-01-02 03:04:05"_s
                                      << QVariant(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5)));
    QTest::newRow("timestamp python micro") << u"timestamp"_s << u"2024-01-02 03:04:05.123456"_s
                                            << QVariant(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 123)));
    QTest::newRow("timestamp ISO T") << u"timestamp"_s << u"2024-01-02T03:04:05.500"_s
                                     << QVariant(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 500)));
    QTest::newRow("timestamp UTC") << u"timestamp"_s << u"2024-01-02 03:04:05+00:00"_s
                                   << QVariant(fixedOffsetDateTime(0));
    QTest::newRow("datetime") << u"datetime"_s << u"2024-01-02 03:04:05"_s
                              << QVariant(QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5)));
}

void tst_Values::builtinConverters()
{
    QFETCH(QString, declaredType);
    QFETCH(QString, text);
    QFETCH(QVariant, expected);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{.detectTypes = QAsyncSqlite::DeclaredTypes | QAsyncSqlite::ColumnNames});
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v %1, plain)"_s.arg(declaredType)));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t(v, plain) VALUES(?, ?)"_s, {text, text}));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v, plain, plain AS \"p [%1]\" FROM t"_s.arg(declaredType)));
    QCOMPARE(rows.size(), 1);
    const QVariantList row = rows.first().toList();
    QCOMPARE(row.at(0).metaType(), expected.metaType());
    QCOMPARE(row.at(0), expected);
    QCOMPARE(row.at(1), QVariant(text)); // undeclared: stays text
    QCOMPARE(row.at(2), expected); // selected by the column name
}

void tst_Values::dateTimeRoundTripMatchesPython()
{
    // What Python 3.11's sqlite3 stores for the same values (default adapters,
    // checked with Debian's /usr/bin/python3), and that the built-in
    // converters read them back.
    struct Case
    {
        QVariant value;
        QString pythonText;
    };
    const QList<Case> cases{
            {QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5)), u"2024-01-02 03:04:05"_s},
            {QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 123)), u"2024-01-02 03:04:05.123000"_s},
            {QDateTime(QDate(1999, 12, 31), QTime(23, 59, 59, 1)), u"1999-12-31 23:59:59.001000"_s},
            {QDate(2024, 1, 2), u"2024-01-02"_s},
    };
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{.detectTypes = QAsyncSqlite::DeclaredTypes});
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(id INTEGER PRIMARY KEY, ts timestamp, d date, raw)"_s));
    for (const Case &c : cases) {
        const bool isDate = c.value.metaType() == QMetaType::fromType<QDate>();
        QASYNCSQLITE_AWAIT_RESULT(id,
                                  db.executeInsert(isDate ? u"INSERT INTO t(d, raw) VALUES(?, ?)"_s
                                                          : u"INSERT INTO t(ts, raw) VALUES(?, ?)"_s,
                                                   {c.value, c.value}));
        QASYNCSQLITE_AWAIT_RESULT(
                rows, db.execute(u"SELECT raw, %1 FROM t WHERE id = ?"_s.arg(isDate ? u"d"_s : u"ts"_s), {id}));
        QCOMPARE(rows.size(), 1);
        const QVariantList row = rows.first().toList();
        QCOMPARE(row.at(0).toString(), c.pythonText);
        QCOMPARE(row.at(1).metaType(), c.value.metaType());
        QCOMPARE(row.at(1), c.value);
    }
}

void tst_Values::converterReceivesRawBytes()
{
    QList<QByteArray> seen;
    QAsyncSqlite::registerConverter(u"rawbytes"_s, [&seen](const QByteArray &raw) {
        seen.append(raw); // runs on the worker; the test reads it after awaiting
        return QVariant(raw.size());
    });
    const auto cleanup = qScopeGuard([] {
        QAsyncSqlite::registerConverter(u"rawbytes"_s, {});
    });
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    OPEN_DB(db, tmp, QAsyncSqliteOptions{.detectTypes = QAsyncSqlite::DeclaredTypes});
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(id INTEGER PRIMARY KEY, v rawbytes)"_s));
    QASYNCSQLITE_AWAIT(db.executeMany(u"INSERT INTO t(v) VALUES(?)"_s,
                                      {{QByteArray("a\0b", 3)}, {42}, {u"\u00e9"_s}, {QVariant()}, {QByteArray("")}}));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v FROM t ORDER BY id"_s));
    QCOMPARE(rows.size(), 5);
    QCOMPARE(rows.at(0).toList().first(), QVariant(3));
    QCOMPARE(rows.at(1).toList().first(), QVariant(2)); // the integer as text, like Python's bytes
    QCOMPARE(rows.at(2).toList().first(), QVariant(2)); // UTF-8 bytes
    QVERIFY(!rows.at(3).toList().first().isValid()); // NULL: converter not called
    QCOMPARE(rows.at(4).toList().first(), QVariant(0));
    QCOMPARE(seen, (QList<QByteArray>{QByteArray("a\0b", 3), "42", "\xc3\xa9", ""}));
}

QTEST_GUILESS_MAIN(tst_Values)
#include "tst_values.moc"
