// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// The qasyncsqlite.sql logging category: off by default, and when enabled one
// debug message per statement with its SQL text and duration.
#include <QAsyncSqlite/QAsyncSqlite>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qloggingcategory.h>
#include <QtCore/qmutex.h>
#include <QtCore/qregularexpression.h>
#include <QtTest/qtest.h>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace {

// Messages of the qasyncsqlite.sql category, from whichever thread logs them.
QMutex s_mutex;
QStringList s_messages;
QtMessageHandler s_previous = nullptr;

void captureSql(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "qasyncsqlite.sql") == 0) {
        QMutexLocker locker(&s_mutex);
        // Only debug messages are expected there: anything else fails the format check.
        s_messages.append(type == QtDebugMsg ? message : u"<not a debug message> "_s + message);
        return;
    }
    if (s_previous)
        s_previous(type, context, message);
}

QStringList takeMessages()
{
    QMutexLocker locker(&s_mutex);
    return std::exchange(s_messages, {});
}

// "<sql> (<n> µs)"
const QRegularExpression &messagePattern()
{
    static const QRegularExpression re(u"^(.*) \\((\\d+) \u00b5s\\)$"_s,
                                       QRegularExpression::DotMatchesEverythingOption);
    return re;
}

// The SQL texts of the captured messages, checking the format of each.
QStringList statementsOf(const QStringList &messages)
{
    QStringList sql;
    for (const QString &message : messages) {
        const QRegularExpressionMatch match = messagePattern().match(message);
        if (!match.hasMatch()) {
            qWarning() << "unexpected message format:" << message;
            return {u"<bad format>"_s};
        }
        sql.append(match.captured(1));
    }
    return sql;
}

} // namespace

class tst_Logging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void offByDefault();
    void logsEveryStatement_data();
    void logsEveryStatement();
    void durationIsMeasured();
    void enabledWhileOpen();
    void disabledWhileOpen();
    void coexistsWithTraceCallback();
    void failedStatementIsLogged();

private:
    QAsyncSqliteTest::TemporaryDatabase *m_tmp = nullptr;
};

void tst_Logging::initTestCase()
{
    s_previous = qInstallMessageHandler(captureSql);
}

void tst_Logging::cleanupTestCase()
{
    qInstallMessageHandler(s_previous);
}

void tst_Logging::init()
{
    m_tmp = new QAsyncSqliteTest::TemporaryDatabase;
    QVERIFY(m_tmp->isValid());
    QLoggingCategory::setFilterRules(QString());
    takeMessages();
}

void tst_Logging::cleanup()
{
    QLoggingCategory::setFilterRules(QString());
    delete std::exchange(m_tmp, nullptr);
}

void tst_Logging::offByDefault()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(m_tmp->path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x)"_s));
    QASYNCSQLITE_AWAIT(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {1}));
    QASYNCSQLITE_AWAIT(db.commit());
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT x FROM t"_s));
    QCOMPARE(rows.size(), 1);
    QASYNCSQLITE_AWAIT(db.close());
    QCOMPARE(takeMessages(), QStringList());
}

void tst_Logging::logsEveryStatement_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("expected"); // in order, among the logged statements

    QTest::newRow("execute") << u"execute"_s << QStringList{u"SELECT x FROM t WHERE x > ?"_s};
    QTest::newRow("executeInsert") << u"executeInsert"_s
                                   << QStringList{u"BEGIN DEFERRED"_s, u"INSERT INTO t VALUES(?)"_s, u"COMMIT"_s};
    QTest::newRow("executeMany") << u"executeMany"_s
                                 << QStringList{u"BEGIN DEFERRED"_s, u"INSERT INTO t VALUES(?)"_s,
                                                u"INSERT INTO t VALUES(?)"_s, u"INSERT INTO t VALUES(?)"_s,
                                                u"COMMIT"_s};
    QTest::newRow("executeScript") << u"executeScript"_s << QStringList{u"CREATE TABLE u(y)"_s, u"DROP TABLE u"_s};
    QTest::newRow("transaction") << u"transaction"_s
                                 << QStringList{u"BEGIN IMMEDIATE"_s, u"INSERT INTO t VALUES(?)"_s,
                                                u"SELECT count(*) FROM t"_s, u"COMMIT"_s};
    QTest::newRow("cursor") << u"cursor"_s << QStringList{u"SELECT x FROM t ORDER BY x"_s};
}

void tst_Logging::logsEveryStatement()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, expected);

    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(m_tmp->path()));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(x); INSERT INTO t VALUES(1), (2);"_s));
    QCOMPARE(takeMessages(), QStringList());

    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=true"_s);
    if (kind == u"execute") {
        QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT x FROM t WHERE x > ?"_s, {0}));
        QCOMPARE(rows.size(), 2);
    } else if (kind == u"executeInsert") {
        QASYNCSQLITE_AWAIT(db.executeInsert(u"INSERT INTO t VALUES(?)"_s, {3}));
        QASYNCSQLITE_AWAIT(db.commit());
    } else if (kind == u"executeMany") {
        QASYNCSQLITE_AWAIT_RESULT(changed, db.executeMany(u"INSERT INTO t VALUES(?)"_s, {{3}, {4}, {5}}));
        QCOMPARE(changed, 3);
        QASYNCSQLITE_AWAIT(db.commit());
    } else if (kind == u"executeScript") {
        QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE u(y);\nDROP TABLE u;"_s));
    } else if (kind == u"transaction") {
        QASYNCSQLITE_AWAIT_RESULT(count, db.transaction([](QAsyncSqliteTransaction &tx) {
            tx.executeInsert(u"INSERT INTO t VALUES(?)"_s, {3});
            return tx.execute(u"SELECT count(*) FROM t"_s).constFirst().toList().constFirst().toLongLong();
        }));
        QCOMPARE(count, 3);
    } else if (kind == u"cursor") {
        QAsyncSqliteCursor *cursor = db.cursor(u"SELECT x FROM t ORDER BY x"_s);
        QASYNCSQLITE_AWAIT_RESULT(rows, cursor->fetchAll());
        QCOMPARE(rows.size(), 2);
        QASYNCSQLITE_AWAIT(cursor->close());
    } else {
        QFAIL("unknown kind");
    }
    QASYNCSQLITE_AWAIT(db.close());

    QStringList logged = statementsOf(takeMessages());
    // The script's texts keep their separators; compare without them.
    for (QString &sql : logged)
        sql = sql.trimmed().remove(QLatin1Char(';'));
    // Every expected statement, in order.
    qsizetype from = 0;
    for (const QString &sql : expected) {
        const qsizetype at = logged.indexOf(sql, from);
        if (at < 0)
            QFAIL(qPrintable(
                    u"%1 not logged (after position %2) in %3"_s.arg(sql).arg(from).arg(logged.join(u" | "_s))));
        from = at + 1;
    }
}

void tst_Logging::durationIsMeasured()
{
    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=true"_s);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    // About a million rows generated: many milliseconds, whatever the machine.
    const QString slow = u"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000) "
                         "SELECT count(*) FROM c"_s;
    QASYNCSQLITE_AWAIT(db.execute(slow));
    QASYNCSQLITE_AWAIT(db.close());
    bool found = false;
    for (const QString &message : takeMessages()) {
        const QRegularExpressionMatch match = messagePattern().match(message);
        QVERIFY2(match.hasMatch(), qPrintable(message));
        if (match.captured(1) == slow) {
            found = true;
            QVERIFY2(match.captured(2).toLongLong() > 100, qPrintable(message));
        }
    }
    QVERIFY(found);
}

void tst_Logging::enabledWhileOpen()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 'before'"_s));
    QCOMPARE(takeMessages(), QStringList());

    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=true"_s);
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 'after'"_s));
    QCOMPARE(statementsOf(takeMessages()), QStringList{u"SELECT 'after'"_s});
}

void tst_Logging::disabledWhileOpen()
{
    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=true"_s);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 'on'"_s));
    QVERIFY(statementsOf(takeMessages()).contains(u"SELECT 'on'"_s));

    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=false"_s);
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 'off'"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x)"_s));
    QASYNCSQLITE_AWAIT(db.close());
    QCOMPARE(takeMessages(), QStringList());
}

void tst_Logging::coexistsWithTraceCallback()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QStringList traced; // written on the worker, read after the futures finished
    QMutex tracedMutex;
    QASYNCSQLITE_AWAIT(db.setTraceCallback([&](const QString &sql) {
        QMutexLocker locker(&tracedMutex);
        traced.append(sql);
    }));

    // Enabling the category keeps the user's callback.
    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=true"_s);
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT ?"_s, {1}));
    QCOMPARE(statementsOf(takeMessages()), QStringList{u"SELECT ?"_s});
    {
        QMutexLocker locker(&tracedMutex);
        QCOMPARE(std::exchange(traced, {}), QStringList{u"SELECT 1"_s}); // expanded, as before
    }

    // Removing the callback keeps the logging.
    QASYNCSQLITE_AWAIT(db.setTraceCallback({}));
    takeMessages();
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT ?"_s, {2}));
    QCOMPARE(statementsOf(takeMessages()), QStringList{u"SELECT ?"_s});

    // Setting it again while logging, then disabling the category, keeps the callback.
    QASYNCSQLITE_AWAIT(db.setTraceCallback([&](const QString &sql) {
        QMutexLocker locker(&tracedMutex);
        traced.append(sql);
    }));
    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=false"_s);
    takeMessages();
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT ?"_s, {3}));
    QCOMPARE(takeMessages(), QStringList());
    {
        QMutexLocker locker(&tracedMutex);
        QCOMPARE(traced, QStringList{u"SELECT 3"_s});
    }
    QASYNCSQLITE_AWAIT(db.close());
}

void tst_Logging::failedStatementIsLogged()
{
    QLoggingCategory::setFilterRules(u"qasyncsqlite.sql.debug=true"_s);
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x UNIQUE)"_s));
    QASYNCSQLITE_AWAIT(db.executeInsert(u"INSERT INTO t VALUES(1)"_s));
    takeMessages();
    QASYNCSQLITE_AWAIT_ERROR(error, db.executeInsert(u"INSERT INTO t VALUES(1)"_s), QAsyncSqliteIntegrityError);
    QCOMPARE(error.extendedCode(), SQLITE_CONSTRAINT_UNIQUE);
    QVERIFY(statementsOf(takeMessages()).contains(u"INSERT INTO t VALUES(1)"_s));
    QASYNCSQLITE_AWAIT(db.rollback());
    QASYNCSQLITE_AWAIT(db.close());
}

int main(int argc, char **argv)
{
    // Rules from the environment would override setFilterRules(), which this
    // test drives: start from Qt's defaults whatever the caller's environment.
    qunsetenv("QT_LOGGING_RULES");
    qunsetenv("QT_LOGGING_CONF");
    QCoreApplication app(argc, argv);
    tst_Logging test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_logging.moc"
