// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// User functions, aggregates, collations, authorizer, progress handler, trace
// callback and extension loading (doc/functions.md).
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "pythonerrorclass.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qmutex.h>
#include <QtCore/qpoint.h>
#include <QtCore/qprocess.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace QAsyncSqlite;

namespace {

QVariantList row(const QVariantList &values)
{
    return QVariantList{QVariant(values)};
}

// Thread-safe list of strings written on the worker, read by the test.
struct Log
{
    mutable QMutex mutex;
    QStringList entries;
    void append(const QString &s)
    {
        QMutexLocker l(&mutex);
        entries.append(s);
    }
    QStringList take()
    {
        QMutexLocker l(&mutex);
        return std::exchange(entries, {});
    }
    qsizetype size() const
    {
        QMutexLocker l(&mutex);
        return entries.size();
    }
};

// The window function tests compare with Debian's Python, whose sqlite3
// module links the same libsqlite3 as we do: windowreference.py runs the
// same steps there.
const QString PythonPath = u"/usr/bin/python3"_s;

const QString WindowTable = u"CREATE TABLE t(id INTEGER PRIMARY KEY, x, g, v);"
                            "INSERT INTO t VALUES(1, 3, 'a', 'text'), (2, NULL, 'b', 1.5), (3, 4, 'a', NULL),"
                            "(4, 1.5, 'b', x'00ff'), (5, 7, 'a', 42), (6, -2, 'b', ''), (7, 4, 'b', 'é'),"
                            "(8, 10, 'a', -7);"_s;

QJsonObject windowStep(const QString &kind, int nArgs = 1, const QString &defect = {})
{
    return {{u"op"_s, u"window"_s}, {u"name"_s, u"w"_s}, {u"nArgs"_s, nArgs}, {u"kind"_s, kind}, {u"defect"_s, defect}};
}

QJsonObject removeStep(int nArgs = 1)
{
    return {{u"op"_s, u"remove"_s}, {u"name"_s, u"w"_s}, {u"nArgs"_s, nArgs}};
}

QJsonObject functionStep(int nArgs = 1)
{
    return {{u"op"_s, u"function"_s}, {u"name"_s, u"w"_s}, {u"nArgs"_s, nArgs}};
}

QJsonObject sqlStep(const QString &sql)
{
    return {{u"op"_s, u"sql"_s}, {u"sql"_s, sql}};
}

bool hasFour(const QVariantList &args)
{
    return std::any_of(args.cbegin(), args.cend(), [](const QVariant &a) {
        return a.typeId() == QMetaType::LongLong && a.toLongLong() == 4;
    });
}

// Step (sign 1) or inverse (sign -1) of the kinds of windowreference.py.
QVariant fold(const QString &kind, const QVariant &state, const QVariantList &args, int sign)
{
    if (kind == u"sum"_s) {
        const QVariant &a = args.value(0);
        if (!a.isValid())
            return state;
        if (state.typeId() == QMetaType::LongLong && a.typeId() == QMetaType::LongLong)
            return state.toLongLong() + sign * a.toLongLong();
        return sign > 0 ? state.toDouble() + a.toDouble() : state.toDouble() - a.toDouble();
    }
    if (kind == u"count"_s)
        return state.toLongLong() + sign * std::count_if(args.cbegin(), args.cend(), std::mem_fn(&QVariant::isValid));
    const QVariantList frame = state.toList();
    return sign > 0 ? frame + QVariantList{args.value(0)} : frame.mid(1);
}

// windowreference.py's window_class(kind, defect) as a window function. Where
// Python's methods add nothing, the defaults stand in: sum and count leave out
// value (the state itself) and finalize (value).
QFuture<void> createWindow(QAsyncSqliteConnection &db, const QString &name, int nArgs, const QString &kind,
                           const QString &defect)
{
    const AggregateStep step = [=](const QVariant &state, const QVariantList &args) {
        if (defect == u"step throws"_s && hasFour(args))
            throw std::runtime_error("step");
        return fold(kind, state, args, 1);
    };
    AggregateStep inverse = [=](const QVariant &state, const QVariantList &args) {
        if (defect == u"inverse throws"_s && hasFour(args))
            throw std::runtime_error("inverse");
        return fold(kind, state, args, -1);
    };
    if (defect == u"no inverse"_s)
        inverse = {};
    WindowValue value;
    if (kind == u"first"_s || defect.startsWith(u"value"_s)) {
        value = [=](const QVariant &state) -> QVariant {
            if (defect == u"value throws"_s)
                throw std::runtime_error("value");
            if (defect == u"value unsupported"_s)
                return QPoint(1, 2);
            if (defect == u"value too large"_s)
                return quint64(1) << 63;
            return kind == u"first"_s ? state.toList().value(0) : state;
        };
    }
    AggregateFinal finalize;
    if (kind == u"first"_s || defect.startsWith(u"finalize"_s)) {
        finalize = [=](const QVariant &state) -> QVariant {
            if (defect == u"finalize throws"_s)
                throw std::runtime_error("finalize");
            if (defect == u"finalize unsupported"_s)
                return QPoint(1, 2);
            if (defect == u"finalize too large"_s)
                return quint64(1) << 63;
            if (kind != u"first"_s)
                return value ? value(state) : state;
            const QVariantList frame = state.toList();
            return frame.isEmpty() ? QVariant() : frame.last();
        };
    }
    const QVariant initialState = kind == u"first"_s ? QVariant(QVariantList()) : QVariant(0LL);
    return db.createWindowFunction(name, nArgs, initialState, step, inverse, value, finalize);
}

QJsonValue tagged(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
        return QJsonValue::Null;
    case QMetaType::LongLong:
        return QJsonObject{{u"i"_s, QString::number(value.toLongLong())}};
    case QMetaType::Double:
        return QJsonObject{{u"r"_s, value.toDouble()}};
    case QMetaType::QString:
        return QJsonObject{{u"t"_s, value.toString()}};
    case QMetaType::QByteArray:
        return QJsonObject{{u"b"_s, QString::fromLatin1(value.toByteArray().toHex())}};
    default:
        return QJsonObject{{u"unexpected type"_s, QString::fromLatin1(value.metaType().name())}};
    }
}

// What a step observed, as windowreference.py reports it.
template<typename T>
QJsonObject outcomeOf(QFuture<T> future)
{
    if (!QAsyncSqliteTest::waitForFinished(future))
        return {{u"timeout"_s, true}};
    try {
        if constexpr (std::is_void_v<T>) {
            future.waitForFinished();
            return {{u"ok"_s, true}};
        } else {
            QJsonArray rows;
            for (const QVariant &row : future.result()) {
                QJsonArray values;
                for (const QVariant &value : row.toList())
                    values.append(tagged(value));
                rows.append(values);
            }
            return {{u"rows"_s, rows}};
        }
    } catch (const QAsyncSqliteError &e) {
        return {{u"error"_s, pythonErrorClass(e)}, {u"message"_s, e.message()}};
    }
}

QJsonArray runOnQAsyncSqlite(QAsyncSqliteConnection &db, const QJsonArray &steps)
{
    QJsonArray outcomes;
    for (const QJsonValue &value : steps) {
        const QJsonObject step = value.toObject();
        const QString op = step[u"op"_s].toString();
        const QString name = step[u"name"_s].toString();
        const int nArgs = step[u"nArgs"_s].toInt();
        if (op == u"window"_s) {
            outcomes.append(
                    outcomeOf(createWindow(db, name, nArgs, step[u"kind"_s].toString(), step[u"defect"_s].toString())));
        } else if (op == u"remove"_s) {
            outcomes.append(outcomeOf(db.createWindowFunction(name, nArgs, {}, {}, {}, {})));
        } else if (op == u"function"_s) {
            outcomes.append(outcomeOf(db.createFunction(name, nArgs, [](const QVariantList &args) {
                return args.value(0);
            })));
        } else {
            outcomes.append(outcomeOf(db.execute(step[u"sql"_s].toString())));
        }
    }
    return outcomes;
}

QJsonArray runOnPython(const QJsonArray &steps, QString *error)
{
    const QJsonObject program{{u"setup"_s, WindowTable}, {u"steps"_s, steps}};
    QProcess python;
    python.start(PythonPath,
                 {QString::fromUtf8(QASYNCSQLITE_WINDOW_REFERENCE),
                  QString::fromUtf8(QJsonDocument(program).toJson(QJsonDocument::Compact))});
    if (!python.waitForFinished(60000) || python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0) {
        *error = u"python failed: "_s + QString::fromUtf8(python.readAllStandardError()) + python.errorString();
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(python.readAllStandardOutput(), &parseError);
    if (!json.isArray())
        *error = u"bad python output: "_s + parseError.errorString();
    return json.array();
}

QString indented(const QJsonArray &outcomes)
{
    return QString::fromUtf8(QJsonDocument(outcomes).toJson(QJsonDocument::Indented));
}

} // namespace

class tst_Functions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void argumentTypes_data();
    void argumentTypes();
    void returnTypes_data();
    void returnTypes();
    void variadic_data();
    void variadic();
    void wrongArgumentCount();
    void throwingFunction_data();
    void throwingFunction();
    void deterministicFlag_data();
    void deterministicFlag();
    void replaceAndRemoveFunction();
    void overloadByArgumentCount();

    void aggregate_data();
    void aggregate();
    void aggregateGroups();
    void aggregateThrows_data();
    void aggregateThrows();
    void aggregateWithoutStep();

    void windowFunction_data();
    void windowFunction();
    void windowFunctionErrors_data();
    void windowFunctionErrors();
    void windowFunctionRemoveAndReplace_data();
    void windowFunctionRemoveAndReplace();
    void windowFunctionEmptyFrame_data();
    void windowFunctionEmptyFrame();
    void windowFunctionFlags();

    void collation_data();
    void collation();
    void removeCollation();

    void authorizerDeny();
    void authorizerIgnore();
    void authorizerThrows();
    void authorizerArguments();
    void authorizerRemoved();

    void progressHandler();
    void progressHandlerAborts();
    void progressHandlerRemoved_data();
    void progressHandlerRemoved();

    void traceCallback();
    void traceCallbackRemoved();

    void loadExtension_data();
    void loadExtension();
    void loadExtensionDisabled();
    void loadExtensionBadPath();
    void loadExtensionSql();

private:
    void compareWithPython(const QJsonArray &steps);

    std::unique_ptr<QAsyncSqliteConnection> m_db;
};

void tst_Functions::init()
{
    m_db = std::make_unique<QAsyncSqliteConnection>();
    QASYNCSQLITE_AWAIT(m_db->open(u":memory:"_s));
}

void tst_Functions::cleanup()
{
    m_db.reset();
}

void tst_Functions::argumentTypes_data()
{
    QTest::addColumn<QString>("literal");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("integer") << u"42"_s << QVariant(42LL);
    QTest::newRow("negative big integer") << u"-9223372036854775807"_s << QVariant(-9223372036854775807LL);
    QTest::newRow("real") << u"1.5"_s << QVariant(1.5);
    QTest::newRow("text") << u"'héllo'"_s << QVariant(u"héllo"_s);
    QTest::newRow("empty text") << u"''"_s << QVariant(QString(u""_s));
    QTest::newRow("blob") << u"x'00ff10'"_s << QVariant(QByteArray("\x00\xff\x10", 3));
    QTest::newRow("empty blob") << u"x''"_s << QVariant(QByteArray("")); // QByteArray() would bind NULL
    QTest::newRow("null") << u"NULL"_s << QVariant();
}

void tst_Functions::argumentTypes()
{
    QFETCH(QString, literal);
    QFETCH(QVariant, expected);
    QVariant seen;
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"probe"_s, 1, [&seen](const QVariantList &args) {
        seen = args.value(0);
        return QVariant(QString::fromLatin1(args.value(0).metaType().name()));
    }));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT probe(%1)"_s.arg(literal)));
    QCOMPARE(seen.metaType(), expected.metaType());
    QCOMPARE(seen, expected);
    QCOMPARE(rows.value(0).toList().value(0).toString(), QString::fromLatin1(expected.metaType().name()));
    // Bound parameters arrive the same way.
    seen = {};
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT probe(?)"_s, {expected}));
    QCOMPARE(seen.metaType(), expected.metaType());
    QCOMPARE(seen, expected);
}

void tst_Functions::returnTypes_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QVariant>("expected");
    QTest::addColumn<QString>("sqlType"); // empty: an error is expected
    QTest::newRow("int") << QVariant(7) << QVariant(7LL) << u"integer"_s;
    QTest::newRow("qint64") << QVariant(1LL << 40) << QVariant(1LL << 40) << u"integer"_s;
    QTest::newRow("uint") << QVariant(4000000000u) << QVariant(4000000000LL) << u"integer"_s;
    QTest::newRow("quint64 fits") << QVariant(quint64(5)) << QVariant(5LL) << u"integer"_s;
    QTest::newRow("bool") << QVariant(true) << QVariant(1LL) << u"integer"_s;
    QTest::newRow("double") << QVariant(2.25) << QVariant(2.25) << u"real"_s;
    QTest::newRow("float") << QVariant(0.5f) << QVariant(0.5) << u"real"_s;
    QTest::newRow("string") << QVariant(u"ünïcode"_s) << QVariant(u"ünïcode"_s) << u"text"_s;
    QTest::newRow("empty string") << QVariant(QString(u""_s)) << QVariant(QString(u""_s)) << u"text"_s;
    QTest::newRow("bytes") << QVariant(QByteArray("a\0b", 3)) << QVariant(QByteArray("a\0b", 3)) << u"blob"_s;
    QTest::newRow("null") << QVariant() << QVariant() << u"null"_s;
    QTest::newRow("nullptr") << QVariant::fromValue(nullptr) << QVariant() << u"null"_s;
    QTest::newRow("date") << QVariant(QDate(2024, 2, 29)) << QVariant(u"2024-02-29"_s) << u"text"_s;
    // Errors, with Python 3.11's messages (an int too large for SQLite is its OverflowError).
    QTest::newRow("quint64 too large") << QVariant(quint64(1) << 63) << QVariant(u"string or blob too big"_s)
                                       << QString();
    QTest::newRow("unsupported type") << QVariant(QPoint(1, 2)) << QVariant(u"user-defined function raised exception"_s)
                                      << QString();
}

void tst_Functions::returnTypes()
{
    QFETCH(QVariant, value);
    QFETCH(QVariant, expected);
    QFETCH(QString, sqlType);
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"give"_s, 0, [value](const QVariantList &) {
        return value;
    }));
    if (sqlType.isEmpty()) {
        if (value.metaType() == QMetaType::fromType<QPoint>())
            QTest::ignoreMessage(QtWarningMsg, "A user-defined function returned a QPoint, which SQLite cannot store");
        QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT give()"_s), QAsyncSqliteDatabaseError);
        QCOMPARE(error.message(), expected.toString());
        return;
    }
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT give(), typeof(give())"_s));
    QCOMPARE(rows.size(), 1);
    const QVariantList r = rows.first().toList();
    QCOMPARE(r.value(0).metaType(), expected.metaType());
    QCOMPARE(r.value(0), expected);
    QCOMPARE(r.value(1).toString(), sqlType);
}

void tst_Functions::variadic_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<qint64>("count");
    QTest::newRow("none") << QString() << 0LL;
    QTest::newRow("one") << u"1"_s << 1LL;
    QTest::newRow("three") << u"1, 'a', NULL"_s << 3LL;
    QTest::newRow("ten") << u"1,2,3,4,5,6,7,8,9,10"_s << 10LL;
}

void tst_Functions::variadic()
{
    QFETCH(QString, arguments);
    QFETCH(qint64, count);
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"nargs"_s, -1, [](const QVariantList &args) {
        return QVariant(qint64(args.size()));
    }));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT nargs(%1)"_s.arg(arguments)));
    QCOMPARE(rows, row({count}));
}

void tst_Functions::wrongArgumentCount()
{
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"two"_s, 2, [](const QVariantList &args) {
        return QVariant(args.value(0).toLongLong() + args.value(1).toLongLong());
    }));
    QASYNCSQLITE_AWAIT_RESULT(ok, m_db->execute(u"SELECT two(2, 3)"_s));
    QCOMPARE(ok, row({5LL}));
    QASYNCSQLITE_AWAIT_ERROR(tooFew, m_db->execute(u"SELECT two(1)"_s), QAsyncSqliteOperationalError);
    QVERIFY2(tooFew.message().contains(u"wrong number of arguments"_s), qPrintable(tooFew.message()));
    QASYNCSQLITE_AWAIT_ERROR(tooMany, m_db->execute(u"SELECT two(1, 2, 3)"_s), QAsyncSqliteOperationalError);
    QCOMPARE(tooMany.code(), SQLITE_ERROR);
}

void tst_Functions::throwingFunction_data()
{
    // The statement fails with Python 3.11's message; the exception's own
    // text is logged (as Python prints a callback's traceback).
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("logged");
    QTest::newRow("std::runtime_error") << 0 << u"boom from C++"_s;
    QTest::newRow("QAsyncSqliteError") << 1 << u"custom failure"_s;
    QTest::newRow("non-std exception") << 2 << QString();
}

void tst_Functions::throwingFunction()
{
    QFETCH(int, kind);
    QFETCH(QString, logged);
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"fails"_s, 1, [kind](const QVariantList &args) -> QVariant {
        if (args.value(0).toInt() == 0)
            return 0;
        if (kind == 0)
            throw std::runtime_error("boom from C++");
        if (kind == 1)
            throw QAsyncSqliteOperationalError(SQLITE_ERROR, u"custom failure"_s);
        throw 42;
    }));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT fails(0)"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^user-defined function raised exception.*"_s + logged));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT fails(1)"_s), QAsyncSqliteOperationalError);
    QCOMPARE(error.message(), u"user-defined function raised exception"_s);
    QCOMPARE(error.sql(), u"SELECT fails(1)"_s);
    // The connection is fine afterwards.
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT fails(0)"_s));
    QCOMPARE(rows, row({0LL}));
}

void tst_Functions::deterministicFlag_data()
{
    QTest::addColumn<QString>("usage");
    QTest::addColumn<bool>("deterministic");
    const QStringList usages = {u"index expression"_s, u"partial index"_s, u"generated column"_s};
    for (const QString &usage : usages) {
        QTest::addRow("%s/deterministic", qPrintable(usage)) << usage << true;
        QTest::addRow("%s/non-deterministic", qPrintable(usage)) << usage << false;
    }
}

void tst_Functions::deterministicFlag()
{
    QFETCH(QString, usage);
    QFETCH(bool, deterministic);
    QASYNCSQLITE_AWAIT(m_db->createFunction(
            u"twice"_s, 1,
            [](const QVariantList &args) {
                return QVariant(args.value(0).toLongLong() * 2);
            },
            deterministic ? FunctionFlags(Deterministic) : FunctionFlags()));
    QString script;
    if (usage == u"index expression"_s)
        script = u"CREATE TABLE t(x); INSERT INTO t VALUES(1), (2); CREATE INDEX i ON t(twice(x));"_s;
    else if (usage == u"partial index"_s)
        script = u"CREATE TABLE t(x); INSERT INTO t VALUES(1), (2); CREATE INDEX i ON t(x) WHERE twice(x) > 2;"_s;
    else
        script = u"CREATE TABLE t(x, y AS (twice(x))); INSERT INTO t(x) VALUES(1), (2);"_s;
    QFuture<void> f = m_db->executeScript(script);
    if (!deterministic) {
        QASYNCSQLITE_AWAIT_ERROR(error, f, QAsyncSqliteOperationalError);
        QVERIFY2(error.message().contains(u"non-deterministic"_s), qPrintable(error.message()));
        return;
    }
    QASYNCSQLITE_AWAIT(f);
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT x FROM t WHERE twice(x) = 4"_s));
    QCOMPARE(rows, row({2LL}));
}

void tst_Functions::replaceAndRemoveFunction()
{
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"f"_s, 0, [](const QVariantList &) {
        return QVariant(1);
    }));
    QASYNCSQLITE_AWAIT_RESULT(one, m_db->execute(u"SELECT f()"_s));
    QCOMPARE(one, row({1LL}));
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"f"_s, 0, [](const QVariantList &) {
        return QVariant(2);
    }));
    QASYNCSQLITE_AWAIT_RESULT(two, m_db->execute(u"SELECT f()"_s));
    QCOMPARE(two, row({2LL}));
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"f"_s, 0, {}));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT f()"_s), QAsyncSqliteOperationalError);
    QVERIFY2(error.message().contains(u"no such function"_s), qPrintable(error.message()));
}

void tst_Functions::overloadByArgumentCount()
{
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"o"_s, 0, [](const QVariantList &) {
        return QVariant(u"zero"_s);
    }));
    QASYNCSQLITE_AWAIT(m_db->createFunction(u"o"_s, 1, [](const QVariantList &) {
        return QVariant(u"one"_s);
    }));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT o(), o(1)"_s));
    QCOMPARE(rows, row({u"zero"_s, u"one"_s}));
}

void tst_Functions::aggregate_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("sum") << u"sum"_s << QString() << QVariant(55LL);
    // A group without rows is NULL, finalize not called (Python 3.11's rule).
    QTest::newRow("sum empty group") << u"sum"_s << u"WHERE 0"_s << QVariant();
    QTest::newRow("avg") << u"avg"_s << QString() << QVariant(5.5);
    QTest::newRow("avg empty group") << u"avg"_s << u"WHERE 0"_s << QVariant();
    QTest::newRow("concat") << u"concat"_s << u"WHERE x <= 3"_s << QVariant(u"1,2,3"_s);
    QTest::newRow("concat empty") << u"concat"_s << u"WHERE 0"_s << QVariant();
}

void tst_Functions::aggregate()
{
    QFETCH(QString, kind);
    QFETCH(QString, where);
    QFETCH(QVariant, expected);
    QASYNCSQLITE_AWAIT(
            m_db->executeScript(u"CREATE TABLE t(x INTEGER, g TEXT);"
                                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) "
                                "INSERT INTO t SELECT x, CASE WHEN x % 2 THEN 'odd' ELSE 'even' END FROM c;"_s));
    if (kind == u"sum"_s) {
        // No finalize: the state itself is the result.
        QASYNCSQLITE_AWAIT(m_db->createAggregate(u"agg"_s, 1, 0LL, [](const QVariant &state, const QVariantList &args) {
            return QVariant(state.toLongLong() + args.value(0).toLongLong());
        }));
    } else if (kind == u"avg"_s) {
        QASYNCSQLITE_AWAIT(m_db->createAggregate(
                u"agg"_s, 1, QVariantList{0.0, 0LL},
                [](const QVariant &state, const QVariantList &args) {
                    const QVariantList s = state.toList();
                    return QVariant(QVariantList{s.value(0).toDouble() + args.value(0).toDouble(),
                                                 s.value(1).toLongLong() + 1});
                },
                [](const QVariant &state) {
                    const QVariantList s = state.toList();
                    return s.value(1).toLongLong() == 0 ? QVariant()
                                                        : QVariant(s.value(0).toDouble() / s.value(1).toLongLong());
                }));
    } else {
        QASYNCSQLITE_AWAIT(m_db->createAggregate(
                u"agg"_s, 1, QStringList(),
                [](const QVariant &state, const QVariantList &args) {
                    return QVariant(state.toStringList() << args.value(0).toString());
                },
                [](const QVariant &state) {
                    return QVariant(state.toStringList().join(u','));
                }));
    }
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT agg(x) FROM (SELECT x FROM t %1 ORDER BY x)"_s.arg(where)));
    QCOMPARE(rows.size(), 1);
    const QVariant value = rows.first().toList().value(0);
    QCOMPARE(value.metaType(), expected.metaType());
    QCOMPARE(value, expected);
}

void tst_Functions::aggregateGroups()
{
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(x INTEGER, g TEXT);"
                                           "INSERT INTO t VALUES(1, 'a'), (2, 'b'), (3, 'a'), (4, 'b'), (5, 'c');"_s));
    QASYNCSQLITE_AWAIT(m_db->createAggregate(
            u"product"_s, 1, 1LL,
            [](const QVariant &state, const QVariantList &args) {
                return QVariant(state.toLongLong() * args.value(0).toLongLong());
            },
            {}, Deterministic));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT g, product(x) FROM t GROUP BY g ORDER BY g"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{u"a"_s, 3LL}, QVariantList{u"b"_s, 8LL}, QVariantList{u"c"_s, 5LL}}));
    // The state restarts for every query, too.
    QASYNCSQLITE_AWAIT_RESULT(again, m_db->execute(u"SELECT product(x) FROM t WHERE g = 'b'"_s));
    QCOMPARE(again, row({8LL}));
    // Wrong argument count for the aggregate.
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT product(x, x) FROM t"_s), QAsyncSqliteOperationalError);
    Q_UNUSED(error);
}

void tst_Functions::aggregateThrows_data()
{
    QTest::addColumn<bool>("inStep");
    QTest::newRow("step") << true;
    QTest::newRow("finalize") << false;
}

void tst_Functions::aggregateThrows()
{
    QFETCH(bool, inStep);
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(x); INSERT INTO t VALUES(1), (2), (3);"_s));
    QASYNCSQLITE_AWAIT(m_db->createAggregate(
            u"bad"_s, 1, 0LL,
            [inStep](const QVariant &state, const QVariantList &args) -> QVariant {
                if (inStep && args.value(0).toInt() == 2)
                    throw std::runtime_error("step exploded");
                return state.toLongLong() + args.value(0).toLongLong();
            },
            [inStep](const QVariant &state) -> QVariant {
                if (!inStep)
                    throw std::runtime_error("finalize exploded");
                return state;
            }));
    const QString method = inStep ? u"step"_s : u"finalize"_s;
    const QString message = u"user-defined aggregate's '%1' method raised error"_s.arg(method);
    QTest::ignoreMessage(QtWarningMsg, qPrintable(u"%1: %2 exploded"_s.arg(message, method)));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT bad(x) FROM t"_s), QAsyncSqliteOperationalError);
    QCOMPARE(error.message(), message); // Python 3.11's words
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, row({3LL}));
}

void tst_Functions::aggregateWithoutStep()
{
    // An empty step removes the aggregate, as Python's create_aggregate(name, n, None).
    const auto step = [](const QVariant &state, const QVariantList &) {
        return state;
    };
    QASYNCSQLITE_AWAIT(m_db->createAggregate(u"agg"_s, 1, 0LL, step));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT agg(1)"_s));
    QASYNCSQLITE_AWAIT(m_db->createAggregate(u"agg"_s, 1, 0LL, {}));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT agg(1)"_s), QAsyncSqliteOperationalError);
    QCOMPARE(error.message(), u"no such function: agg"_s);
}

// Runs \a steps on a fresh WindowTable here and in Python, and compares what
// each step gave: rows, or the error's class and message.
void tst_Functions::compareWithPython(const QJsonArray &steps)
{
    QVERIFY2(QFile::exists(PythonPath), "the reference needs /usr/bin/python3 (apt-get install python3)");
    QString error;
    const QJsonArray expected = runOnPython(steps, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QASYNCSQLITE_AWAIT(m_db->executeScript(WindowTable));
    QCOMPARE(indented(runOnQAsyncSqlite(*m_db, steps)), indented(expected));
}

void tst_Functions::windowFunction_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("nArgs");
    QTest::addColumn<QString>("sql");
    const auto add = [](const char *name, const QString &kind, int nArgs, const QString &sql) {
        QTest::newRow(name) << kind << nArgs << sql;
    };
    add("ROWS 1 PRECEDING to 1 FOLLOWING", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t"_s);
    add("ROWS 2 PRECEDING, all types", u"first"_s, 1, u"SELECT id, w(v) OVER (ORDER BY id ROWS 2 PRECEDING) FROM t"_s);
    add("ROWS CURRENT ROW to 2 FOLLOWING", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) FROM t"_s);
    add("ROWS UNBOUNDED PRECEDING", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) FROM t"_s);
    add("ROWS 1 FOLLOWING to UNBOUNDED FOLLOWING", u"first"_s, 1,
        u"SELECT id, w(v) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) FROM t"_s);
    add("frames that end empty", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t"_s);
    add("RANGE offsets", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (ORDER BY id RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM t"_s);
    add("RANGE with peers and NULL", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id"_s);
    add("default frame with peers", u"count"_s, 1, u"SELECT id, w(x) OVER (ORDER BY g) FROM t ORDER BY id"_s);
    add("GROUPS", u"first"_s, 1,
        u"SELECT id, w(id) OVER (ORDER BY g GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM t ORDER BY id"_s);
    add("PARTITION BY, sliding", u"first"_s, 1,
        u"SELECT id, w(v) OVER (PARTITION BY g ORDER BY id ROWS 1 PRECEDING) FROM t ORDER BY id"_s);
    add("PARTITION BY, whole partition", u"sum"_s, 1, u"SELECT id, w(x) OVER (PARTITION BY g) FROM t ORDER BY id"_s);
    // SQLite computes each frame with EXCLUDE anew, through step and finalize.
    add("EXCLUDE CURRENT ROW", u"first"_s, 1,
        u"SELECT id, w(v) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) FROM t"_s);
    add("EXCLUDE GROUP", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (ORDER BY g GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) FROM t ORDER BY id"_s);
    add("EXCLUDE, empty frames", u"sum"_s, 1,
        u"SELECT id, w(x) OVER (PARTITION BY id ROWS BETWEEN CURRENT ROW AND CURRENT ROW EXCLUDE CURRENT ROW) FROM t"_s);
    add("two frames, named window", u"sum"_s, 1,
        u"SELECT id, w(x) OVER win, w(x) OVER (win ROWS 1 PRECEDING) FROM t WINDOW win AS (ORDER BY id)"_s);
    add("FILTER", u"count"_s, 1,
        u"SELECT id, w(x) FILTER (WHERE id <> 3) OVER (ORDER BY id ROWS 2 PRECEDING) FROM t"_s);
    add("NULL arguments", u"sum"_s, 1, u"SELECT id, w(NULL) OVER (ORDER BY id ROWS 1 PRECEDING) FROM t"_s);
    add("variadic, three arguments", u"count"_s, -1,
        u"SELECT id, w(x, v, NULL) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t"_s);
    add("variadic, no arguments", u"count"_s, -1, u"SELECT id, w() OVER (ORDER BY id ROWS 2 PRECEDING) FROM t"_s);
    add("in ORDER BY", u"sum"_s, 1, u"SELECT id FROM t ORDER BY w(x) OVER (ORDER BY id ROWS 1 PRECEDING), id"_s);
    add("no rows", u"sum"_s, 1, u"SELECT w(x) OVER (ORDER BY id) FROM t WHERE 0"_s);
    add("without OVER", u"sum"_s, 1, u"SELECT w(x) FROM t"_s);
    add("without OVER, finalize", u"first"_s, 1, u"SELECT w(v) FROM t"_s);
    add("without OVER, GROUP BY", u"first"_s, 1, u"SELECT g, w(id) FROM t GROUP BY g ORDER BY g"_s);
    add("without OVER, no rows", u"sum"_s, 1, u"SELECT w(x) FROM t WHERE 0"_s);
    add("too many arguments", u"sum"_s, 1, u"SELECT w(x, x) OVER () FROM t"_s);
    add("too few arguments", u"first"_s, 1, u"SELECT w() FROM t"_s);
    add("argument count out of range", u"sum"_s, 200, u"SELECT w(x) FROM t"_s);
    add("negative argument count", u"sum"_s, -2, u"SELECT w(x) FROM t"_s);
}

void tst_Functions::windowFunction()
{
    QFETCH(QString, kind);
    QFETCH(int, nArgs);
    QFETCH(QString, sql);
    compareWithPython({windowStep(kind, nArgs), sqlStep(sql)});
}

void tst_Functions::windowFunctionErrors_data()
{
    QTest::addColumn<QString>("defect");
    QTest::addColumn<QString>("sql");
    const QStringList defects = {
            u"step throws"_s,     u"inverse throws"_s,     u"value throws"_s,
            u"finalize throws"_s, u"value unsupported"_s,  u"finalize unsupported"_s,
            u"value too large"_s, u"finalize too large"_s, u"no inverse"_s,
    };
    const QList<std::pair<const char *, QString>> queries = {
            {"sliding frame", u"SELECT id, w(x) OVER (ORDER BY id ROWS 1 PRECEDING) FROM t"_s},
            {"growing frame", u"SELECT id, w(x) OVER (ORDER BY id) FROM t"_s},
            {"whole partition", u"SELECT id, w(x) OVER (PARTITION BY g) FROM t ORDER BY id"_s},
            {"without OVER", u"SELECT w(x) FROM t"_s},
    };
    for (const QString &defect : defects) {
        for (const auto &[name, sql] : queries)
            QTest::addRow("%s/%s", qPrintable(defect), name) << defect << sql;
    }
}

void tst_Functions::windowFunctionErrors()
{
    QFETCH(QString, defect);
    QFETCH(QString, sql);
    // The connection keeps working after the error.
    compareWithPython({windowStep(u"sum"_s, 1, defect), sqlStep(sql), sqlStep(u"SELECT count(*) FROM t"_s)});
}

void tst_Functions::windowFunctionRemoveAndReplace_data()
{
    QTest::addColumn<QJsonArray>("steps");
    const QJsonObject use = sqlStep(u"SELECT w(x) FROM t"_s);
    QTest::newRow("removed") << QJsonArray{windowStep(u"sum"_s), use, removeStep(), use};
    QTest::newRow("removed twice") << QJsonArray{windowStep(u"sum"_s), removeStep(), removeStep(), use};
    QTest::newRow("other argument count stays")
            << QJsonArray{windowStep(u"sum"_s), removeStep(2), use, sqlStep(u"SELECT w(x, x) FROM t"_s)};
    QTest::newRow("variadic removed, fixed stays") << QJsonArray{
            windowStep(u"sum"_s), windowStep(u"count"_s, -1), removeStep(-1), use, sqlStep(u"SELECT w(x, x) FROM t"_s)};
    QTest::newRow("created again") << QJsonArray{windowStep(u"sum"_s), removeStep(), windowStep(u"first"_s), use};
    QTest::newRow("replaced") << QJsonArray{windowStep(u"sum"_s), windowStep(u"first"_s),
                                            sqlStep(u"SELECT id, w(x) OVER (ORDER BY id ROWS 1 PRECEDING) FROM t"_s)};
    QTest::newRow("overloaded by argument count") << QJsonArray{
            windowStep(u"sum"_s), windowStep(u"count"_s, 2),
            sqlStep(u"SELECT id, w(x) OVER win, w(x, v) OVER win FROM t WINDOW win AS (ROWS 1 PRECEDING)"_s)};
    QTest::newRow("scalar function removed") << QJsonArray{functionStep(), removeStep(), use};
    QTest::newRow("replaces a scalar function")
            << QJsonArray{functionStep(), windowStep(u"sum"_s), use,
                          sqlStep(u"SELECT id, w(x) OVER (ORDER BY id ROWS 1 PRECEDING) FROM t"_s)};
    QTest::newRow("removing with an argument count out of range") << QJsonArray{removeStep(200)};
}

void tst_Functions::windowFunctionRemoveAndReplace()
{
    QFETCH(QJsonArray, steps);
    compareWithPython(steps);
}

void tst_Functions::windowFunctionEmptyFrame_data()
{
    // Python 3.11 crashes when SQLite asks for the value of a frame that has
    // not had a row yet. Python's fix (and QAsyncSqlite) give the value of a
    // fresh state there: SQLite's count() and first_value() are the reference.
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("builtin");
    QTest::addColumn<QString>("window");
    QTest::newRow("count, 2 PRECEDING to 1 PRECEDING")
            << u"count"_s << u"count"_s << u"OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING)"_s;
    QTest::newRow("first, 2 PRECEDING to 1 PRECEDING")
            << u"first"_s << u"first_value"_s << u"OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING)"_s;
    QTest::newRow("count, UNBOUNDED PRECEDING to 1 PRECEDING")
            << u"count"_s << u"count"_s << u"OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"_s;
    QTest::newRow("first, partitions")
            << u"first"_s << u"first_value"_s
            << u"OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING)"_s;
    QTest::newRow("count, RANGE 5 PRECEDING to 3 PRECEDING")
            << u"count"_s << u"count"_s << u"OVER (ORDER BY id RANGE BETWEEN 5 PRECEDING AND 3 PRECEDING)"_s;
    QTest::newRow("count, FILTER drops the first rows")
            << u"count"_s << u"count"_s << u"FILTER (WHERE id > 2) OVER (ORDER BY id ROWS 1 PRECEDING)"_s;
}

void tst_Functions::windowFunctionEmptyFrame()
{
    QFETCH(QString, kind);
    QFETCH(QString, builtin);
    QFETCH(QString, window);
    QASYNCSQLITE_AWAIT(m_db->executeScript(WindowTable));
    QASYNCSQLITE_AWAIT(createWindow(*m_db, u"w"_s, 1, kind, {}));
    QASYNCSQLITE_AWAIT_RESULT(
            rows,
            m_db->execute(u"SELECT id, w(x) %1, %2(x) %1, count(*) %1 FROM t ORDER BY id"_s.arg(window, builtin)));
    QCOMPARE(rows.size(), 8);
    bool emptyFrame = false;
    for (const QVariant &row : rows) {
        const QVariantList r = row.toList();
        QCOMPARE(r.value(1).metaType(), r.value(2).metaType());
        QCOMPARE(r.value(1), r.value(2));
        emptyFrame = emptyFrame || r.value(3) == QVariant(0LL);
    }
    QVERIFY2(emptyFrame, "no frame was empty");
}

void tst_Functions::windowFunctionFlags()
{
    QASYNCSQLITE_AWAIT(m_db->executeScript(WindowTable + u"CREATE VIEW direct AS SELECT w(x) OVER () FROM t;"_s));
    const AggregateStep count = [](const QVariant &state, const QVariantList &) {
        return state.toLongLong() + 1;
    };
    const AggregateStep uncount = [](const QVariant &state, const QVariantList &) {
        return state.toLongLong() - 1;
    };
    QASYNCSQLITE_AWAIT(m_db->createWindowFunction(u"w"_s, 1, 0LL, count, uncount, {}, {}, DirectOnly));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT w(x) OVER (ORDER BY id ROWS 1 PRECEDING) FROM t LIMIT 2"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{1LL}, QVariantList{2LL}}));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT * FROM direct"_s), QAsyncSqliteOperationalError);
    QVERIFY2(error.message().contains(u"unsafe use of w()"_s), qPrintable(error.message()));
}

void tst_Functions::collation_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("reverse") << u"reverse"_s << QStringList{u"c"_s, u"b"_s, u"a"_s, u"B"_s, u"A"_s};
    QTest::newRow("case-insensitive") << u"nocase"_s << QStringList{u"a"_s, u"A"_s, u"b"_s, u"B"_s, u"c"_s};
    // All one character long: everything ties, the second key decides.
    QTest::newRow("by length") << u"length"_s << QStringList{u"c"_s, u"b"_s, u"a"_s, u"B"_s, u"A"_s};
}

void tst_Functions::collation()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, expected);
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT);"
                                           "INSERT INTO t(s) VALUES('b'), ('A'), ('c'), ('a'), ('B');"_s));
    Collation fn;
    if (kind == u"reverse"_s)
        fn = [](const QString &a, const QString &b) {
            return b.compare(a);
        };
    else if (kind == u"nocase"_s)
        fn = [](const QString &a, const QString &b) {
            return a.compare(b, Qt::CaseInsensitive);
        };
    else
        fn = [](const QString &a, const QString &b) {
            return int(a.size() - b.size());
        };
    QASYNCSQLITE_AWAIT(m_db->createCollation(u"mine"_s, fn));
    // Ties are broken by id so that the expected order is exact.
    QString sql = u"SELECT s FROM t ORDER BY s COLLATE mine, id"_s;
    if (kind == u"nocase"_s || kind == u"length"_s)
        sql = u"SELECT s FROM t ORDER BY s COLLATE mine, s COLLATE BINARY DESC"_s;
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(sql));
    QStringList order;
    for (const QVariant &r : rows)
        order.append(r.toList().value(0).toString());
    QCOMPARE(order, expected);
    // Comparisons use it, too.
    if (kind == u"nocase"_s) {
        QASYNCSQLITE_AWAIT_RESULT(eq, m_db->execute(u"SELECT count(*) FROM t WHERE s = 'a' COLLATE mine"_s));
        QCOMPARE(eq, row({2LL}));
    }
}

void tst_Functions::removeCollation()
{
    QASYNCSQLITE_AWAIT(m_db->createCollation(u"gone"_s, [](const QString &a, const QString &b) {
        return a.compare(b);
    }));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT 'a' < 'b' COLLATE gone"_s));
    QCOMPARE(rows, row({1LL}));
    QASYNCSQLITE_AWAIT(m_db->createCollation(u"gone"_s, {}));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT 'a' < 'b' COLLATE gone"_s), QAsyncSqliteOperationalError);
    QVERIFY2(error.message().contains(u"no such collation"_s), qPrintable(error.message()));
}

void tst_Functions::authorizerDeny()
{
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id, secret); INSERT INTO t VALUES(1, 'pw');"_s));
    QASYNCSQLITE_AWAIT(m_db->setAuthorizer(
            [](int action, const QString &table, const QString &column, const QString &, const QString &) {
                return action == SQLITE_READ && table == u"t"_s && column == u"secret"_s ? SQLITE_DENY : SQLITE_OK;
            }));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"SELECT secret FROM t"_s), QAsyncSqliteDatabaseError);
    QCOMPARE(error.code(), SQLITE_AUTH);
    QVERIFY2(error.message().contains(u"prohibited"_s) || error.message().contains(u"not authorized"_s),
             qPrintable(error.message()));
    QASYNCSQLITE_AWAIT_RESULT(ok, m_db->execute(u"SELECT id FROM t"_s));
    QCOMPARE(ok, row({1LL}));
}

void tst_Functions::authorizerIgnore()
{
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id, secret); INSERT INTO t VALUES(1, 'pw');"_s));
    QASYNCSQLITE_AWAIT(m_db->setAuthorizer(
            [](int action, const QString &, const QString &column, const QString &, const QString &) {
                return action == SQLITE_READ && column == u"secret"_s ? SQLITE_IGNORE : SQLITE_OK;
            }));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT id, secret FROM t"_s));
    QCOMPARE(rows, row({1LL, QVariant()}));
}

void tst_Functions::authorizerThrows()
{
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id); INSERT INTO t VALUES(1);"_s));
    QASYNCSQLITE_AWAIT(m_db->setAuthorizer(
            [](int action, const QString &, const QString &, const QString &, const QString &) -> int {
                if (action == SQLITE_INSERT)
                    throw std::runtime_error("no inserts");
                return SQLITE_OK;
            }));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->execute(u"INSERT INTO t VALUES(2)"_s), QAsyncSqliteDatabaseError);
    QCOMPARE(error.code(), SQLITE_AUTH);
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT count(*) FROM t"_s));
    QCOMPARE(rows, row({1LL}));
}

void tst_Functions::authorizerArguments()
{
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id, v);"_s));
    auto log = std::make_shared<Log>();
    QASYNCSQLITE_AWAIT(m_db->setAuthorizer(
            [log](int action, const QString &a, const QString &b, const QString &db, const QString &) {
                log->append(u"%1|%2|%3|%4"_s.arg(action).arg(a, b, db));
                return SQLITE_OK;
            }));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT v FROM t"_s));
    const QStringList entries = log->take();
    QVERIFY2(entries.contains(u"%1|t|v|main"_s.arg(SQLITE_READ)), qPrintable(entries.join(u"; "_s)));
    QVERIFY(entries.contains(u"%1|||"_s.arg(SQLITE_SELECT)));
}

void tst_Functions::authorizerRemoved()
{
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE t(id, secret); INSERT INTO t VALUES(1, 'pw');"_s));
    QASYNCSQLITE_AWAIT(m_db->setAuthorizer(
            [](int action, const QString &, const QString &column, const QString &, const QString &) {
                return action == SQLITE_READ && column == u"secret"_s ? SQLITE_IGNORE : SQLITE_OK;
            }));
    QASYNCSQLITE_AWAIT_RESULT(hidden, m_db->execute(u"SELECT secret FROM t"_s));
    QCOMPARE(hidden, row({QVariant()}));
    QASYNCSQLITE_AWAIT(m_db->setAuthorizer({}));
    // Same SQL text: a cached statement must not keep the old decision.
    QASYNCSQLITE_AWAIT_RESULT(shown, m_db->execute(u"SELECT secret FROM t"_s));
    QCOMPARE(shown, row({u"pw"_s}));
}

void tst_Functions::progressHandler()
{
    auto calls = std::make_shared<std::atomic<int>>(0);
    QASYNCSQLITE_AWAIT(m_db->setProgressHandler(
            [calls] {
                ++*calls;
                return 0;
            },
            100));
    QASYNCSQLITE_AWAIT_RESULT(
            rows,
            m_db->execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) "
                          "SELECT count(*) FROM c"_s));
    QCOMPARE(rows, row({10000LL}));
    QVERIFY2(calls->load() > 10, qPrintable(QString::number(calls->load())));
}

void tst_Functions::progressHandlerAborts()
{
    auto calls = std::make_shared<std::atomic<int>>(0);
    QASYNCSQLITE_AWAIT(m_db->setProgressHandler(
            [calls] {
                return ++*calls >= 3 ? 1 : 0;
            },
            50));
    QASYNCSQLITE_AWAIT_ERROR(
            error,
            m_db->execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) "
                          "SELECT count(*) FROM c"_s),
            QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_INTERRUPT);
    QCOMPARE(calls->load(), 3);
    // Once removed, long statements run to the end.
    QASYNCSQLITE_AWAIT(m_db->setProgressHandler({}, 0));
    QASYNCSQLITE_AWAIT_RESULT(
            rows,
            m_db->execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) "
                          "SELECT count(*) FROM c"_s));
    QCOMPARE(rows, row({100000LL}));
}

void tst_Functions::progressHandlerRemoved_data()
{
    QTest::addColumn<bool>("emptyFunction");
    QTest::newRow("empty function") << true;
    QTest::newRow("n = 0") << false;
}

void tst_Functions::progressHandlerRemoved()
{
    QFETCH(bool, emptyFunction);
    auto calls = std::make_shared<std::atomic<int>>(0);
    QASYNCSQLITE_AWAIT(m_db->setProgressHandler(
            [calls] {
                ++*calls;
                return 1;
            },
            10));
    QASYNCSQLITE_AWAIT_ERROR(
            error,
            m_db->execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) "
                          "SELECT count(*) FROM c"_s),
            QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_INTERRUPT);
    const int before = calls->load();
    QVERIFY(before >= 1);
    if (emptyFunction)
        QASYNCSQLITE_AWAIT(m_db->setProgressHandler({}, 10));
    else
        QASYNCSQLITE_AWAIT(m_db->setProgressHandler(
                [calls] {
                    ++*calls;
                    return 1;
                },
                0));
    QASYNCSQLITE_AWAIT_RESULT(
            rows,
            m_db->execute(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) "
                          "SELECT count(*) FROM c"_s));
    QCOMPARE(rows, row({10000LL}));
    QCOMPARE(calls->load(), before);
    // Cancellation still works without a user handler.
    QFuture<QVariantList> f = m_db->execute(u"SELECT 1"_s);
    QASYNCSQLITE_AWAIT(f);
}

void tst_Functions::traceCallback()
{
    auto log = std::make_shared<Log>();
    QASYNCSQLITE_AWAIT(m_db->setTraceCallback([log](const QString &sql) {
        log->append(sql);
    }));
    QASYNCSQLITE_AWAIT(m_db->execute(u"CREATE TABLE t(a, b)"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO t VALUES(?, ?)"_s, {5, u"five"_s}));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT a FROM t WHERE b = :b"_s, QVariantMap{{u"b"_s, u"five"_s}}));
    QASYNCSQLITE_AWAIT(m_db->commit());
    const QStringList entries = log->take();
    QVERIFY2(entries.contains(u"CREATE TABLE t(a, b)"_s), qPrintable(entries.join(u"; "_s)));
    QVERIFY2(entries.contains(u"INSERT INTO t VALUES(5, 'five')"_s), qPrintable(entries.join(u"; "_s)));
    QVERIFY2(entries.contains(u"SELECT a FROM t WHERE b = 'five'"_s), qPrintable(entries.join(u"; "_s)));
    // Implicit transaction statements are statements too.
    QVERIFY2(entries.contains(u"COMMIT"_s), qPrintable(entries.join(u"; "_s)));
    // In execution order.
    QVERIFY(entries.indexOf(u"CREATE TABLE t(a, b)"_s) < entries.indexOf(u"INSERT INTO t VALUES(5, 'five')"_s));
}

void tst_Functions::traceCallbackRemoved()
{
    auto log = std::make_shared<Log>();
    QASYNCSQLITE_AWAIT(m_db->setTraceCallback([log](const QString &sql) {
        log->append(sql);
    }));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT 1"_s));
    QCOMPARE(log->take(), QStringList{u"SELECT 1"_s});
    QASYNCSQLITE_AWAIT(m_db->setTraceCallback({}));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT 2"_s));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT 1"_s));
    QCOMPARE(log->size(), 0);
    // A throwing callback does not break statements.
    QASYNCSQLITE_AWAIT(m_db->setTraceCallback([](const QString &) {
        throw std::runtime_error("trace");
    }));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT 3"_s));
    QCOMPARE(rows, row({3LL}));
}

void tst_Functions::loadExtension_data()
{
    QTest::addColumn<QString>("entryPoint");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("expected");
    QTest::newRow("default entry point") << QString() << u"SELECT ext_answer(), ext_twice(21)"_s
                                         << QVariantList{42LL, 42LL};
    QTest::newRow("named entry point") << u"qasyncsqlite_other_init"_s << u"SELECT ext_other()"_s
                                       << QVariantList{u"other"_s};
}

void tst_Functions::loadExtension()
{
    QFETCH(QString, entryPoint);
    QFETCH(QString, sql);
    QFETCH(QVariantList, expected);
    const QString path = QString::fromUtf8(QASYNCSQLITE_TEST_EXTENSION);
    QVERIFY2(QFile::exists(path), qPrintable(path));
    QASYNCSQLITE_AWAIT_ERROR(before, m_db->execute(sql), QAsyncSqliteOperationalError);
    QVERIFY(before.message().contains(u"no such function"_s));
    QASYNCSQLITE_AWAIT(m_db->enableLoadExtension(true));
    QASYNCSQLITE_AWAIT(m_db->loadExtension(path, entryPoint));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(sql));
    QCOMPARE(rows, (QVariantList{QVariant(expected)}));
    // Functions loaded stay after loading is disabled again.
    QASYNCSQLITE_AWAIT(m_db->enableLoadExtension(false));
    QASYNCSQLITE_AWAIT_RESULT(again, m_db->execute(sql));
    QCOMPARE(again, rows);
}

void tst_Functions::loadExtensionDisabled()
{
    const QString path = QString::fromUtf8(QASYNCSQLITE_TEST_EXTENSION);
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->loadExtension(path), QAsyncSqliteOperationalError);
    QVERIFY2(error.message().contains(u"not authorized"_s), qPrintable(error.message()));
    // Enabled, then disabled again.
    QASYNCSQLITE_AWAIT(m_db->enableLoadExtension(true));
    QASYNCSQLITE_AWAIT(m_db->enableLoadExtension(false));
    QASYNCSQLITE_AWAIT_ERROR(again, m_db->loadExtension(path), QAsyncSqliteOperationalError);
    Q_UNUSED(again);
    QASYNCSQLITE_AWAIT_ERROR(notLoaded, m_db->execute(u"SELECT ext_answer()"_s), QAsyncSqliteOperationalError);
    Q_UNUSED(notLoaded);
}

void tst_Functions::loadExtensionBadPath()
{
    QASYNCSQLITE_AWAIT(m_db->enableLoadExtension(true));
    QASYNCSQLITE_AWAIT_ERROR(error, m_db->loadExtension(u"/nonexistent/libnothing.so"_s), QAsyncSqliteOperationalError);
    QVERIFY(!error.message().isEmpty());
    // A real library with a missing entry point.
    QASYNCSQLITE_AWAIT_ERROR(
            entry, m_db->loadExtension(QString::fromUtf8(QASYNCSQLITE_TEST_EXTENSION), u"no_such_entry_point"_s),
            QAsyncSqliteOperationalError);
    QVERIFY2(entry.message().contains(u"no_such_entry_point"_s), qPrintable(entry.message()));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT 1"_s));
    QCOMPARE(rows, row({1LL}));
}

void tst_Functions::loadExtensionSql()
{
    const QString path = QString::fromUtf8(QASYNCSQLITE_TEST_EXTENSION);
    QASYNCSQLITE_AWAIT_ERROR(disabled, m_db->execute(u"SELECT load_extension(?)"_s, {path}),
                             QAsyncSqliteOperationalError);
    Q_UNUSED(disabled);
    QASYNCSQLITE_AWAIT(m_db->enableLoadExtension(true));
    QASYNCSQLITE_AWAIT(m_db->execute(u"SELECT load_extension(?)"_s, {path}));
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT ext_answer()"_s));
    QCOMPARE(rows, row({42LL}));
}

QTEST_GUILESS_MAIN(tst_Functions)
#include "tst_functions.moc"
