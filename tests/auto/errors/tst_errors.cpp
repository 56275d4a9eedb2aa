// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// Error classes and codes (doc/errors.md): Python's sqlite3 mapping from
// result codes to classes, extended codes and names, open failures, misuse,
// dynamic types through futures, errorOccurred and continuations, and
// QAsyncSqlite::errorOf(), the one rule for what went wrong with a future.

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "pythonerrorclass.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qfutureinterface.h>
#include <QtCore/qsemaphore.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(std::exception_ptr)

namespace {

std::unique_ptr<QAsyncSqliteError> makeError(const QString &cls, int code, const QString &message, const QString &sql)
{
    if (cls == u"DataError"_s)
        return std::make_unique<QAsyncSqliteDataError>(code, message, sql);
    if (cls == u"OperationalError"_s)
        return std::make_unique<QAsyncSqliteOperationalError>(code, message, sql);
    if (cls == u"IntegrityError"_s)
        return std::make_unique<QAsyncSqliteIntegrityError>(code, message, sql);
    if (cls == u"InternalError"_s)
        return std::make_unique<QAsyncSqliteInternalError>(code, message, sql);
    if (cls == u"ProgrammingError"_s)
        return std::make_unique<QAsyncSqliteProgrammingError>(code, message, sql);
    if (cls == u"NotSupportedError"_s)
        return std::make_unique<QAsyncSqliteNotSupportedError>(code, message, sql);
    if (cls == u"DatabaseError"_s)
        return std::make_unique<QAsyncSqliteDatabaseError>(code, message, sql);
    if (cls == u"InterfaceError"_s)
        return std::make_unique<QAsyncSqliteInterfaceError>(code, message, sql);
    if (cls == u"Warning"_s)
        return std::make_unique<QAsyncSqliteWarning>(code, message, sql);
    return std::make_unique<QAsyncSqliteError>(code, message, sql);
}

// The most derived class of the error \a future failed with (waiting for it).
template<typename T>
QString failureClass(const QFuture<T> &future)
{
    if (!QAsyncSqliteTest::waitForFinished(future))
        return u"timeout"_s;
    try {
        QFuture<T>(future).waitForFinished();
    } catch (const QAsyncSqliteError &e) {
        return pythonErrorClass(e);
    } catch (...) {
        return u"another exception"_s;
    }
    return u"no error"_s;
}

int threadCount()
{
    return int(QDir(u"/proc/self/task"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

enum class Api {
    Execute,
    ExecuteNamed,
    ExecuteInsert,
    ExecuteMany,
    ExecuteScript,
    Commit,
    Rollback,
    Transaction,
    Run,
    SetLimit
};

} // namespace

class tst_Errors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sqlErrors_data();
    void sqlErrors();
    void readOnlyDatabase();
    void notADatabase();
    void cannotOpen_data();
    void cannotOpen();
    void multipleStatements_data();
    void multipleStatements();
    void useAfterClose_data();
    void useAfterClose();
    void errorCarriesSqlAndMessage();
    void cloneAndRaisePreserveType_data();
    void cloneAndRaisePreserveType();
    void resultRethrowsSubclass();
    void errorOccurredSignal();
    void nameForCode_data();
    void nameForCode();
    void codeToClassMapping_data();
    void codeToClassMapping();
    void onFailedContinuation();
    void errorOfSuccessOrPending();
    void errorOfFailure_data();
    void errorOfFailure();
    void errorOfCanceledQueuedRequest();
    void errorOfCanceledRunningRequest();
    void errorOfCanceledWithoutRequest();
    void errorOfForeignException_data();
    void errorOfForeignException();
    void errorOfRequestFailure();
    void toVariantMap();
};

void tst_Errors::sqlErrors_data()
{
    QTest::addColumn<QStringList>("pragmas");
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("cls");
    QTest::addColumn<int>("extendedCode");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("messagePart");

    const QString table = u"CREATE TABLE t(id INTEGER PRIMARY KEY, u UNIQUE, n NOT NULL DEFAULT 0, c CHECK (c > 0), "
                          "k TEXT);"_s;
    QTest::newRow("syntax") << QStringList() << table << u"SELEC 1"_s << u"OperationalError"_s << SQLITE_ERROR
                            << u"SQLITE_ERROR"_s << u"syntax error"_s;
    QTest::newRow("missing table") << QStringList() << table << u"SELECT * FROM nope"_s << u"OperationalError"_s
                                   << SQLITE_ERROR << u"SQLITE_ERROR"_s << u"no such table: nope"_s;
    QTest::newRow("missing column") << QStringList() << table << u"SELECT nope FROM t"_s << u"OperationalError"_s
                                    << SQLITE_ERROR << u"SQLITE_ERROR"_s << u"no such column: nope"_s;
    QTest::newRow("integer overflow") << QStringList() << table << u"SELECT abs(-9223372036854775807 - 1)"_s
                                      << u"OperationalError"_s << SQLITE_ERROR << u"SQLITE_ERROR"_s
                                      << u"integer overflow"_s;
    QTest::newRow("UNIQUE") << QStringList() << table + u"INSERT INTO t(u) VALUES(1);"_s
                            << u"INSERT INTO t(u) VALUES(1)"_s << u"IntegrityError"_s << SQLITE_CONSTRAINT_UNIQUE
                            << u"SQLITE_CONSTRAINT_UNIQUE"_s << u"UNIQUE constraint failed: t.u"_s;
    QTest::newRow("NOT NULL") << QStringList() << table << u"INSERT INTO t(n) VALUES(NULL)"_s << u"IntegrityError"_s
                              << SQLITE_CONSTRAINT_NOTNULL << u"SQLITE_CONSTRAINT_NOTNULL"_s
                              << u"NOT NULL constraint failed: t.n"_s;
    QTest::newRow("CHECK") << QStringList() << table << u"INSERT INTO t(c) VALUES(-1)"_s << u"IntegrityError"_s
                           << SQLITE_CONSTRAINT_CHECK << u"SQLITE_CONSTRAINT_CHECK"_s << u"CHECK constraint failed"_s;
    QTest::newRow("FOREIGN KEY") << QStringList{u"foreign_keys=ON"_s}
                                 << u"CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                                    "CREATE TABLE child(pid INTEGER REFERENCES parent(id));"_s
                                 << u"INSERT INTO child(pid) VALUES(7)"_s << u"IntegrityError"_s
                                 << SQLITE_CONSTRAINT_FOREIGNKEY << u"SQLITE_CONSTRAINT_FOREIGNKEY"_s
                                 << u"FOREIGN KEY constraint failed"_s;
    QTest::newRow("PRIMARY KEY") << QStringList()
                                 << u"CREATE TABLE k(id TEXT PRIMARY KEY); INSERT INTO k VALUES('a');"_s
                                 << u"INSERT INTO k(id) VALUES('a')"_s << u"IntegrityError"_s
                                 << SQLITE_CONSTRAINT_PRIMARYKEY << u"SQLITE_CONSTRAINT_PRIMARYKEY"_s
                                 << u"UNIQUE constraint failed: k.id"_s;
    QTest::newRow("rowid PRIMARY KEY") << QStringList() << table + u"INSERT INTO t(id) VALUES(1);"_s
                                       << u"INSERT INTO t(id) VALUES(1)"_s << u"IntegrityError"_s
                                       << SQLITE_CONSTRAINT_PRIMARYKEY << u"SQLITE_CONSTRAINT_PRIMARYKEY"_s
                                       << u"UNIQUE constraint failed: t.id"_s;
    QTest::newRow("MISMATCH") << QStringList() << table << u"INSERT INTO t(id) VALUES('abc')"_s << u"IntegrityError"_s
                              << SQLITE_MISMATCH << u"SQLITE_MISMATCH"_s << u"datatype mismatch"_s;
    QTest::newRow("STRICT datatype") << QStringList() << u"CREATE TABLE s(v INTEGER) STRICT;"_s
                                     << u"INSERT INTO s(v) VALUES('abc')"_s << u"IntegrityError"_s
                                     << SQLITE_CONSTRAINT_DATATYPE << u"SQLITE_CONSTRAINT_DATATYPE"_s
                                     << u"cannot store TEXT value in INTEGER column s.v"_s;
    QTest::newRow("trigger RAISE") << QStringList()
                                   << table
                    + u"CREATE TRIGGER guard BEFORE INSERT ON t BEGIN "
                      "SELECT RAISE(ABORT, 'no way'); END;"_s
                                   << u"INSERT INTO t(k) VALUES('x')"_s << u"IntegrityError"_s
                                   << SQLITE_CONSTRAINT_TRIGGER << u"SQLITE_CONSTRAINT_TRIGGER"_s << u"no way"_s;
}

void tst_Errors::sqlErrors()
{
    QFETCH(QStringList, pragmas);
    QFETCH(QString, setup);
    QFETCH(QString, sql);
    QFETCH(QString, cls);
    QFETCH(int, extendedCode);
    QFETCH(QString, name);
    QFETCH(QString, messagePart);

    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = pragmas}));
    QASYNCSQLITE_AWAIT(db.executeScript(setup));
    const QFuture<QVariantList> failing = db.execute(sql);
    QCOMPARE(failureClass(failing), cls); // the dynamic type survives the future
    QASYNCSQLITE_AWAIT_ERROR(error, failing, QAsyncSqliteError);
    QCOMPARE(error.extendedCode(), extendedCode);
    QCOMPARE(error.code(), extendedCode & 0xff);
    QCOMPARE(error.errorName(), name);
    QVERIFY2(error.message().contains(messagePart), qPrintable(error.message()));
    QCOMPARE(error.sql(), sql);
    QCOMPARE(QString::fromUtf8(error.what()), name + u": "_s + error.message());

    // Every class here derives from DatabaseError; the same error reaches executeInsert().
    QASYNCSQLITE_AWAIT_ERROR(again, db.executeInsert(sql), QAsyncSqliteDatabaseError);
    QCOMPARE(again.extendedCode(), extendedCode);
    // The connection stays usable.
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1"_s));
    QCOMPARE(rows.size(), 1);
}

void tst_Errors::readOnlyDatabase()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    {
        QAsyncSqliteConnection writer;
        QASYNCSQLITE_AWAIT(writer.open(tmp.path()));
        QASYNCSQLITE_AWAIT(writer.executeScript(u"CREATE TABLE t(v); INSERT INTO t VALUES(1);"_s));
        QASYNCSQLITE_AWAIT(writer.close());
    }
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.openMode = QAsyncSqlite::OpenMode::ReadOnly}));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT v FROM t"_s));
    QCOMPARE(rows, (QVariantList{QVariantList{qint64(1)}}));
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(u"INSERT INTO t VALUES(2)"_s), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_READONLY);
    QVERIFY2(error.errorName().startsWith(u"SQLITE_READONLY"_s), qPrintable(error.errorName()));
    QVERIFY2(error.message().contains(u"readonly"_s), qPrintable(error.message()));
    QASYNCSQLITE_AWAIT_ERROR(ddl, db.execute(u"CREATE TABLE u(v)"_s), QAsyncSqliteOperationalError);
    QCOMPARE(ddl.code(), SQLITE_READONLY);
    QASYNCSQLITE_AWAIT(db.rollback());
    QVERIFY(!db.inTransaction());
}

void tst_Errors::notADatabase()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    {
        QFile file(tmp.path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray text;
        for (int i = 0; i < 200; ++i)
            text += "this is a text file, not an SQLite database\n";
        QVERIFY(file.write(text) == text.size());
    }
    QAsyncSqliteConnection db;
    QSignalSpy opened(&db, &QAsyncSqliteConnection::opened);
    const QFuture<void> open = db.open(tmp.path());
    const QFuture<QVariantList> queued = db.execute(u"SELECT 1"_s); // queued behind the failing open
    QCOMPARE(failureClass(open), u"DatabaseError"_s);
    QASYNCSQLITE_AWAIT_ERROR(error, open, QAsyncSqliteDatabaseError);
    QCOMPARE(error.code(), SQLITE_NOTADB);
    QCOMPARE(error.errorName(), u"SQLITE_NOTADB"_s);
    QVERIFY2(error.message().contains(u"not a database"_s), qPrintable(error.message()));
    // Queued before the open failed, it fails with the open's error; if the
    // open failed first (a slow, e.g. sanitized, caller thread), the request
    // met a connection that is not open: ProgrammingError, SQLITE_MISUSE.
    QASYNCSQLITE_AWAIT_ERROR(queuedError, queued, QAsyncSqliteError);
    if (failureClass(queued) == u"ProgrammingError"_s)
        QCOMPARE(queuedError.code(), SQLITE_MISUSE);
    else {
        QCOMPARE(failureClass(queued), u"DatabaseError"_s);
        QCOMPARE(queuedError.code(), SQLITE_NOTADB);
    }
    QTRY_VERIFY(!db.isOpen());
    QCOMPARE(opened.size(), 0);
}

void tst_Errors::cannotOpen_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QAsyncSqlite::OpenMode>("mode");

    QTest::newRow("missing file, ReadWrite") << u"missing.sqlite"_s << QAsyncSqlite::OpenMode::ReadWrite;
    QTest::newRow("missing file, ReadOnly") << u"missing.sqlite"_s << QAsyncSqlite::OpenMode::ReadOnly;
    QTest::newRow("missing directory, ReadWriteCreate")
            << u"no/such/dir/db.sqlite"_s << QAsyncSqlite::OpenMode::ReadWriteCreate;
}

void tst_Errors::cannotOpen()
{
    QFETCH(QString, fileName);
    QFETCH(QAsyncSqlite::OpenMode, mode);
    QAsyncSqliteTest::TemporaryDatabase tmp(fileName);
    QVERIFY(tmp.isValid());
    const int threadsBefore = threadCount();
    QVERIFY(threadsBefore > 0);

    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT_ERROR(error, db.open(tmp.path(), {.openMode = mode}), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_CANTOPEN);
    QVERIFY2(error.errorName().startsWith(u"SQLITE_CANTOPEN"_s), qPrintable(error.errorName()));
    QVERIFY2(error.message().contains(tmp.path()), qPrintable(error.message()));
    QVERIFY(!QFile::exists(tmp.path())); // nothing was created
    // The failed open leaves no worker thread behind.
    QTRY_VERIFY2(threadCount() <= threadsBefore,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
    QTRY_VERIFY(!db.isOpen());
    QASYNCSQLITE_AWAIT_ERROR(later, db.execute(u"SELECT 1"_s), QAsyncSqliteDatabaseError);
    QVERIFY(later.code() == SQLITE_CANTOPEN || later.code() == SQLITE_MISUSE);

    // The same connection object can open another database afterwards.
    QAsyncSqliteTest::TemporaryDatabase good;
    QASYNCSQLITE_AWAIT(db.open(good.path()));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1"_s));
    QCOMPARE(rows.size(), 1);
    QASYNCSQLITE_AWAIT(db.close());
    QTRY_VERIFY2(threadCount() <= threadsBefore,
                 qPrintable(QString::number(threadCount()))); // a pooled Qt thread may retire meanwhile
}

void tst_Errors::multipleStatements_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("allowed");

    QTest::newRow("two selects") << u"SELECT 1; SELECT 2"_s << false;
    QTest::newRow("no space") << u"SELECT 1;SELECT 2"_s << false;
    QTest::newRow("after a comment") << u"SELECT 1; -- one\nSELECT 2"_s << false;
    QTest::newRow("two inserts") << u"INSERT INTO t VALUES(1); INSERT INTO t VALUES(2)"_s << false;
    QTest::newRow("insert then select") << u"INSERT INTO t VALUES(1); SELECT 1"_s << false;
    QTest::newRow("trailing semicolon") << u"SELECT 1;"_s << true;
    // Python 3.11 skips white space and comments after the statement, not
    // another ';' (an empty statement).
    QTest::newRow("trailing semicolons and space") << u"SELECT 1 ;; ;\n\t "_s << false;
    QTest::newRow("trailing semicolon and space") << u"SELECT 1 ;\n\t "_s << true;
    QTest::newRow("trailing line comment") << u"SELECT 1; -- a comment"_s << true;
    QTest::newRow("trailing comment without semicolon") << u"SELECT 1 -- a comment"_s << true;
    QTest::newRow("trailing block comment") << u"SELECT 1; /* a comment */"_s << true;
    QTest::newRow("leading comment") << u"/* a */ -- b\nSELECT 1"_s << true;
}

void tst_Errors::multipleStatements()
{
    QFETCH(QString, sql);
    QFETCH(bool, allowed);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
    // Twice: the second run may come from the statement cache.
    for (int round = 0; round < 2; ++round) {
        if (allowed) {
            QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(sql));
            QCOMPARE(rows, (QVariantList{QVariantList{qint64(1)}}));
            continue;
        }
        QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql), QAsyncSqliteProgrammingError);
        QCOMPARE(error.message(), u"You can only execute one statement at a time."_s);
        QCOMPARE(error.sql(), sql);
        // Nothing ran, not even the first statement, and (as in Python) no
        // implicit transaction was opened for it.
        QASYNCSQLITE_AWAIT_RESULT(count, db.execute(u"SELECT count(*) FROM t"_s));
        QCOMPARE(count, (QVariantList{QVariantList{qint64(0)}}));
        QVERIFY(!db.inTransaction());
    }
    if (!allowed) {
        QASYNCSQLITE_AWAIT_ERROR(insertError, db.executeInsert(sql), QAsyncSqliteProgrammingError);
        QCOMPARE(insertError.message(), u"You can only execute one statement at a time."_s);
    }
}

void tst_Errors::useAfterClose_data()
{
    QTest::addColumn<int>("api");
    QTest::addColumn<bool>("everOpened");
    const QList<std::pair<const char *, Api>> apis{
            {"execute", Api::Execute},
            {"execute named", Api::ExecuteNamed},
            {"executeInsert", Api::ExecuteInsert},
            {"executeMany", Api::ExecuteMany},
            {"executeScript", Api::ExecuteScript},
            {"commit", Api::Commit},
            {"rollback", Api::Rollback},
            {"transaction", Api::Transaction},
            {"run", Api::Run},
            {"setLimit", Api::SetLimit},
    };
    for (const auto &[name, api] : apis) {
        QTest::addRow("%s after close", name) << int(api) << true;
        QTest::addRow("%s never opened", name) << int(api) << false;
    }
}

void tst_Errors::useAfterClose()
{
    QFETCH(int, api);
    QFETCH(bool, everOpened);
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    if (everOpened) {
        QASYNCSQLITE_AWAIT(db.open(tmp.path()));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v)"_s));
        QASYNCSQLITE_AWAIT(db.close());
    }
    QVERIFY(!db.isOpen());

    bool ran = false;
    QFuture<void> future;
    switch (Api(api)) {
    case Api::Execute:
        future = db.execute(u"SELECT 1"_s).then([](const QVariantList &) {});
        break;
    case Api::ExecuteNamed:
        future = db.execute(u"SELECT :a"_s, QVariantMap{{u"a"_s, 1}}).then([](const QVariantList &) {});
        break;
    case Api::ExecuteInsert:
        future = db.executeInsert(u"INSERT INTO t VALUES(1)"_s).then([](qint64) {});
        break;
    case Api::ExecuteMany:
        future = db.executeMany(u"INSERT INTO t VALUES(?)"_s, {{1}}).then([](qint64) {});
        break;
    case Api::ExecuteScript:
        future = db.executeScript(u"SELECT 1;"_s);
        break;
    case Api::Commit:
        future = db.commit();
        break;
    case Api::Rollback:
        future = db.rollback();
        break;
    case Api::Transaction:
        future = db.transaction([&ran](QAsyncSqliteTransaction &) {
            ran = true;
        });
        break;
    case Api::Run:
        future = db.run([&ran](sqlite3 *) {
            ran = true;
        });
        break;
    case Api::SetLimit:
        future = db.setLimit(SQLITE_LIMIT_LENGTH, 10).then([](int) {});
        break;
    }
    QASYNCSQLITE_AWAIT_ERROR(error, future, QAsyncSqliteProgrammingError);
    QCOMPARE(error.code(), SQLITE_MISUSE);
    QCOMPARE(error.errorName(), u"SQLITE_MISUSE"_s);
    QCOMPARE(error.message(), u"Cannot operate on a closed database."_s);
    QVERIFY(!ran);
}

void tst_Errors::errorCarriesSqlAndMessage()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    const QString sql = u"SELECT * FROM nope WHERE x = ?"_s;
    QASYNCSQLITE_AWAIT_ERROR(error, db.execute(sql, {1}), QAsyncSqliteOperationalError);
    QCOMPARE(error.sql(), sql);
    QCOMPARE(error.message(), u"no such table: nope"_s);
    QCOMPARE(QByteArray(error.what()), QByteArray("SQLITE_ERROR: no such table: nope"));

    // Non-ASCII text survives in message(), sql() and (as UTF-8) what().
    const QString unicodeSql = u"SELECT * FROM \u00e9t\u00e9"_s;
    QASYNCSQLITE_AWAIT_ERROR(unicode, db.execute(unicodeSql), QAsyncSqliteOperationalError);
    QCOMPARE(unicode.sql(), unicodeSql);
    QCOMPARE(unicode.message(), u"no such table: \u00e9t\u00e9"_s);
    QCOMPARE(QString::fromUtf8(unicode.what()), u"SQLITE_ERROR: no such table: \u00e9t\u00e9"_s);

    // A default-constructed error still has a what().
    const QAsyncSqliteError empty;
    QCOMPARE(empty.extendedCode(), 0);
    QVERIFY(empty.what() != nullptr);
    QVERIFY(qstrlen(empty.what()) > 0);
}

void tst_Errors::cloneAndRaisePreserveType_data()
{
    QTest::addColumn<QString>("cls");
    for (const char *name : {"Error", "Warning", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
                             "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void tst_Errors::cloneAndRaisePreserveType()
{
    QFETCH(QString, cls);
    const auto original = makeError(cls, SQLITE_CONSTRAINT_UNIQUE, u"msg \u00e9"_s, u"SELECT 1"_s);
    QCOMPARE(pythonErrorClass(*original), cls);

    auto check = [&](const QAsyncSqliteError &e) {
        QCOMPARE(pythonErrorClass(e), cls);
        QCOMPARE(e.extendedCode(), SQLITE_CONSTRAINT_UNIQUE);
        QCOMPARE(e.message(), u"msg \u00e9"_s);
        QCOMPARE(e.sql(), u"SELECT 1"_s);
        QCOMPARE(QByteArray(e.what()), QByteArray(original->what()));
    };

    // clone() through the base class, and through QException.
    const std::unique_ptr<QAsyncSqliteError> copy(original->clone());
    check(*copy);
    if (QTest::currentTestFailed())
        return;
    const QException &asQException = *original;
    const std::unique_ptr<QException> qcopy(asQException.clone());
    QVERIFY(dynamic_cast<QAsyncSqliteError *>(qcopy.get()));
    check(*dynamic_cast<QAsyncSqliteError *>(qcopy.get()));
    if (QTest::currentTestFailed())
        return;

    // raise() throws the dynamic type.
    bool caught = false;
    try {
        copy->raise();
    } catch (const QAsyncSqliteError &e) {
        caught = true;
        check(e);
    }
    QVERIFY(caught);
    if (QTest::currentTestFailed())
        return;

    // Through a future: result() rethrows the same class.
    QFutureInterface<int> fi;
    fi.reportStarted();
    fi.reportException(*original);
    fi.reportFinished();
    caught = false;
    try {
        (void)fi.future().result();
    } catch (const QAsyncSqliteError &e) {
        caught = true;
        check(e);
    }
    QVERIFY(caught);
}

void tst_Errors::resultRethrowsSubclass()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.executeScript(u"CREATE TABLE t(v UNIQUE); INSERT INTO t VALUES(1);"_s));
    QFuture<qint64> future = db.executeInsert(u"INSERT INTO t VALUES(1)"_s);
    QVERIFY(QAsyncSqliteTest::waitForFinished(future));
    QVERIFY(future.isCanceled()); // Qt 6.4: a failed future also reads as canceled

    int caughtAs = 0;
    try {
        (void)future.result();
    } catch (const QAsyncSqliteIntegrityError &e) {
        caughtAs = 1;
        QCOMPARE(e.extendedCode(), SQLITE_CONSTRAINT_UNIQUE);
    } catch (const QAsyncSqliteError &) {
        caughtAs = 2;
    } catch (...) {
        caughtAs = 3;
    }
    QCOMPARE(caughtAs, 1);

    // Catchable by every base class too.
    try {
        future.waitForFinished();
        QFAIL("waitForFinished() did not rethrow");
    } catch (const QAsyncSqliteDatabaseError &e) {
        QCOMPARE(e.errorName(), u"SQLITE_CONSTRAINT_UNIQUE"_s);
    }
    try {
        (void)future.result();
        QFAIL("result() did not rethrow");
    } catch (const QException &e) {
        QCOMPARE(QByteArray(e.what()).left(25), QByteArray("SQLITE_CONSTRAINT_UNIQUE:"));
    }
}

void tst_Errors::errorOccurredSignal()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QSignalSpy spy(&db, &QAsyncSqliteConnection::errorOccurred);
    QVERIFY(spy.isValid());
    QList<QAsyncSqliteError> errors;
    QList<QThread *> threads;
    QList<bool> integrity; // the slot sees the error's own class, not a sliced copy
    connect(&db, &QAsyncSqliteConnection::errorOccurred, this, [&](const QAsyncSqliteError &e) {
        errors.append(e);
        threads.append(QThread::currentThread());
        integrity.append(dynamic_cast<const QAsyncSqliteIntegrityError *>(&e) != nullptr);
    });
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));
    QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(v UNIQUE)"_s));
    QASYNCSQLITE_AWAIT(db.execute(u"INSERT INTO t VALUES(1)"_s));
    QASYNCSQLITE_AWAIT_ERROR(unique, db.execute(u"INSERT INTO t VALUES(1)"_s), QAsyncSqliteIntegrityError);
    QASYNCSQLITE_AWAIT_ERROR(range, db.execute(u"SELECT ?"_s, {1, 2}), QAsyncSqliteProgrammingError);
    QTRY_COMPARE(errors.size(), 2);
    // A later successful request adds nothing.
    QASYNCSQLITE_AWAIT(db.execute(u"SELECT 1"_s));
    QCoreApplication::processEvents();
    QCOMPARE(errors.size(), 2);
    QCOMPARE(spy.size(), 2);

    QCOMPARE(integrity, (QList<bool>{true, false}));
    QCOMPARE(errors.at(0).extendedCode(), SQLITE_CONSTRAINT_UNIQUE);
    QCOMPARE(errors.at(0).sql(), u"INSERT INTO t VALUES(1)"_s);
    QCOMPARE(errors.at(0).message(), unique.message());
    QCOMPARE(errors.at(1).code(), SQLITE_RANGE);
    QCOMPARE(errors.at(1).sql(), u"SELECT ?"_s);
    QCOMPARE(errors.at(1).message(), range.message());
    QCOMPARE(threads, (QList<QThread *>{QThread::currentThread(), QThread::currentThread()}));
    QCOMPARE(qvariant_cast<QAsyncSqliteError>(spy.at(0).at(0)).extendedCode(), SQLITE_CONSTRAINT_UNIQUE);
}

void tst_Errors::nameForCode_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("name");
    QTest::newRow("OK") << SQLITE_OK << u"SQLITE_OK"_s;
    QTest::newRow("ERROR") << SQLITE_ERROR << u"SQLITE_ERROR"_s;
    QTest::newRow("BUSY") << SQLITE_BUSY << u"SQLITE_BUSY"_s;
    QTest::newRow("NOTADB") << SQLITE_NOTADB << u"SQLITE_NOTADB"_s;
    QTest::newRow("CONSTRAINT_UNIQUE") << SQLITE_CONSTRAINT_UNIQUE << u"SQLITE_CONSTRAINT_UNIQUE"_s;
    QTest::newRow("CONSTRAINT_FOREIGNKEY") << SQLITE_CONSTRAINT_FOREIGNKEY << u"SQLITE_CONSTRAINT_FOREIGNKEY"_s;
    QTest::newRow("IOERR_READ") << SQLITE_IOERR_READ << u"SQLITE_IOERR_READ"_s;
    QTest::newRow("READONLY_DBMOVED") << SQLITE_READONLY_DBMOVED << u"SQLITE_READONLY_DBMOVED"_s;
    QTest::newRow("BUSY_TIMEOUT") << SQLITE_BUSY_TIMEOUT << u"SQLITE_BUSY_TIMEOUT"_s;
    QTest::newRow("unknown extended falls back to primary")
            << (SQLITE_CONSTRAINT | (99 << 8)) << u"SQLITE_CONSTRAINT"_s;
    QTest::newRow("unknown") << 255 << u"SQLITE_UNKNOWN_255"_s;
}

void tst_Errors::nameForCode()
{
    QFETCH(int, code);
    QFETCH(QString, name);
    QCOMPARE(QAsyncSqliteError::nameForCode(code), name);
    QCOMPARE(QAsyncSqliteError(code, u"m"_s).errorName(), name);
}

void tst_Errors::codeToClassMapping_data()
{
    // Python's sqlite3 (Modules/_sqlite/util.c, 3.11): the class of an error
    // follows the primary result code. SQLITE_NOMEM is MemoryError in Python;
    // QAsyncSqlite documents it as OperationalError.
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("cls");
    const QString op = u"OperationalError"_s;
    QTest::newRow("INTERNAL") << SQLITE_INTERNAL << u"InternalError"_s;
    QTest::newRow("NOTFOUND") << SQLITE_NOTFOUND << u"InternalError"_s;
    QTest::newRow("NOMEM") << SQLITE_NOMEM << op;
    QTest::newRow("ERROR") << SQLITE_ERROR << op;
    QTest::newRow("PERM") << SQLITE_PERM << op;
    QTest::newRow("ABORT") << SQLITE_ABORT << op;
    QTest::newRow("BUSY") << SQLITE_BUSY << op;
    QTest::newRow("BUSY_TIMEOUT") << SQLITE_BUSY_TIMEOUT << op;
    QTest::newRow("LOCKED") << SQLITE_LOCKED << op;
    QTest::newRow("READONLY") << SQLITE_READONLY << op;
    QTest::newRow("INTERRUPT") << SQLITE_INTERRUPT << op;
    QTest::newRow("IOERR") << SQLITE_IOERR << op;
    QTest::newRow("IOERR_READ") << SQLITE_IOERR_READ << op;
    QTest::newRow("FULL") << SQLITE_FULL << op;
    QTest::newRow("CANTOPEN") << SQLITE_CANTOPEN << op;
    QTest::newRow("PROTOCOL") << SQLITE_PROTOCOL << op;
    QTest::newRow("EMPTY") << SQLITE_EMPTY << op;
    QTest::newRow("SCHEMA") << SQLITE_SCHEMA << op;
    QTest::newRow("CORRUPT") << SQLITE_CORRUPT << u"DatabaseError"_s;
    QTest::newRow("CORRUPT_INDEX") << SQLITE_CORRUPT_INDEX << u"DatabaseError"_s;
    QTest::newRow("TOOBIG") << SQLITE_TOOBIG << u"DataError"_s;
    QTest::newRow("CONSTRAINT") << SQLITE_CONSTRAINT << u"IntegrityError"_s;
    QTest::newRow("CONSTRAINT_CHECK") << SQLITE_CONSTRAINT_CHECK << u"IntegrityError"_s;
    QTest::newRow("MISMATCH") << SQLITE_MISMATCH << u"IntegrityError"_s;
    QTest::newRow("MISUSE") << SQLITE_MISUSE << u"InterfaceError"_s;
    QTest::newRow("RANGE") << SQLITE_RANGE << u"InterfaceError"_s;
    // Not in Python's list: the default, DatabaseError (Python 3.11 raises
    // sqlite3.DatabaseError for an authorizer denial, SQLITE_AUTH).
    QTest::newRow("NOLFS") << SQLITE_NOLFS << u"DatabaseError"_s;
    QTest::newRow("AUTH") << SQLITE_AUTH << u"DatabaseError"_s;
    QTest::newRow("AUTH_USER") << SQLITE_AUTH_USER << u"DatabaseError"_s;
    QTest::newRow("FORMAT") << SQLITE_FORMAT << u"DatabaseError"_s;
    QTest::newRow("NOTADB") << SQLITE_NOTADB << u"DatabaseError"_s;
    QTest::newRow("NOTICE") << SQLITE_NOTICE << u"DatabaseError"_s;
    QTest::newRow("WARNING") << SQLITE_WARNING << u"DatabaseError"_s;
}

void tst_Errors::codeToClassMapping()
{
    QFETCH(int, code);
    QFETCH(QString, cls);
    bool caught = false;
    try {
        QAsyncSqliteError::throwForCode(code, u"message"_s, u"SQL"_s);
    } catch (const QAsyncSqliteError &e) {
        caught = true;
        QCOMPARE(pythonErrorClass(e), cls);
        QCOMPARE(e.extendedCode(), code);
        QCOMPARE(e.message(), u"message"_s);
        QCOMPARE(e.sql(), u"SQL"_s);
    }
    QVERIFY(caught);
}

void tst_Errors::onFailedContinuation()
{
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(tmp.path()));

    // onFailed(context, …) with the matching subclass, on the test's thread.
    bool thenRan = false;
    int failedCode = -1;
    QThread *failedThread = nullptr;
    QFuture<QVariantList> handled = db.execute(u"SELEC 1"_s)
                                            .then(this,
                                                  [&](const QVariantList &rows) {
                                                      thenRan = true;
                                                      return rows;
                                                  })
                                            .onFailed(this, [&](const QAsyncSqliteOperationalError &e) {
                                                failedCode = e.extendedCode();
                                                failedThread = QThread::currentThread();
                                                return QVariantList{u"recovered"_s};
                                            });
    QASYNCSQLITE_AWAIT_RESULT(recovered, handled);
    QCOMPARE(recovered, QVariantList{u"recovered"_s});
    QVERIFY(!thenRan);
    QCOMPARE(failedCode, SQLITE_ERROR);
    QCOMPARE(failedThread, QThread::currentThread());

    // A handler for another class is skipped; a base-class handler catches it.
    bool wrongHandler = false;
    QString caughtClass;
    QFuture<qint64> chained = db.executeInsert(u"INSERT INTO nope VALUES(1)"_s)
                                      .onFailed(this,
                                                [&](const QAsyncSqliteIntegrityError &) {
                                                    wrongHandler = true;
                                                    return qint64(-1);
                                                })
                                      .onFailed(this, [&](const QAsyncSqliteError &e) {
                                          caughtClass = pythonErrorClass(e);
                                          return qint64(-2);
                                      });
    QASYNCSQLITE_AWAIT_RESULT(value, chained);
    QCOMPARE(value, -2);
    QVERIFY(!wrongHandler);
    QCOMPARE(caughtClass, u"OperationalError"_s);

    // Without a context the handler runs on the worker, still with the class.
    QString workerClass;
    QFuture<void> onWorker = db.execute(u"SELECT ?"_s, {1, 2})
                                     .then([](const QVariantList &) {})
                                     .onFailed([&](const QAsyncSqliteError &e) {
                                         workerClass = pythonErrorClass(e) + u' ' + e.errorName();
                                     });
    QASYNCSQLITE_AWAIT(onWorker);
    QCOMPARE(workerClass, u"ProgrammingError SQLITE_RANGE"_s);

    // Open failures arrive the same way.
    QAsyncSqliteTest::TemporaryDatabase missing(u"missing.sqlite"_s);
    QAsyncSqliteConnection other;
    int openCode = -1;
    QFuture<void> openFailed = other.open(missing.path(), {.openMode = QAsyncSqlite::OpenMode::ReadWrite})
                                       .onFailed(this, [&](const QAsyncSqliteOperationalError &e) {
                                           openCode = e.code();
                                       });
    QASYNCSQLITE_AWAIT(openFailed);
    QCOMPARE(openCode, SQLITE_CANTOPEN);
}

// ---------------------------------------------------------------------------
// QAsyncSqlite::errorOf()

namespace {

// A finished future of int that failed with \a exception.
QFuture<int> failedFuture(const std::exception_ptr &exception)
{
    QFutureInterface<int> fi;
    fi.reportStarted();
    fi.reportException(exception);
    fi.reportFinished();
    return fi.future();
}

// The cancel every part of QAsyncSqlite reports (doc/errors.md).
QString cancelMismatch(const std::shared_ptr<const QAsyncSqliteError> &error)
{
    if (!error)
        return u"no error"_s;
    if (pythonErrorClass(*error) != u"OperationalError"_s || error->extendedCode() != SQLITE_ABORT
        || error->message() != u"The request was canceled."_s)
        return u"%1 %2 %3"_s.arg(pythonErrorClass(*error), error->errorName(), error->message());
    return {};
}

} // namespace

void tst_Errors::errorOfSuccessOrPending()
{
    QFutureInterface<int> fi;
    fi.reportStarted();
    QVERIFY(!QAsyncSqlite::errorOf(fi.future())); // pending: nothing went wrong yet, and no blocking
    fi.cancel();
    QVERIFY(!QAsyncSqlite::errorOf(fi.future())); // canceled, but still running
    fi.reportFinished();
    QVERIFY(QAsyncSqlite::errorOf(fi.future()));

    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QASYNCSQLITE_AWAIT_RESULT(rows, db.execute(u"SELECT 1"_s));
    QCOMPARE(rows.size(), 1);
    QVERIFY(!QAsyncSqlite::errorOf(rows_future));
    const QFuture<void> done = db.execute(u"SELECT 1"_s).then([](const QVariantList &) {});
    QASYNCSQLITE_AWAIT(done);
    QVERIFY(!QAsyncSqlite::errorOf(done)); // the QFuture<void> overload
}

void tst_Errors::errorOfFailure_data()
{
    QTest::addColumn<QString>("cls");
    for (const QString &cls :
         {u"Error"_s, u"Warning"_s, u"InterfaceError"_s, u"DatabaseError"_s, u"DataError"_s, u"OperationalError"_s,
          u"IntegrityError"_s, u"InternalError"_s, u"ProgrammingError"_s, u"NotSupportedError"_s})
        QTest::newRow(qPrintable(cls)) << cls;
}

void tst_Errors::errorOfFailure()
{
    QFETCH(QString, cls);
    const std::unique_ptr<QAsyncSqliteError> original =
            makeError(cls, SQLITE_CONSTRAINT_UNIQUE, u"the message"_s, u"SELECT 1"_s);
    QFutureInterface<int> fi;
    fi.reportStarted();
    fi.reportException(*original);
    fi.reportFinished();
    const auto error = QAsyncSqlite::errorOf(fi.future());
    QVERIFY(error);
    QCOMPARE(pythonErrorClass(*error), cls); // the most derived class survives
    QCOMPARE(error->extendedCode(), SQLITE_CONSTRAINT_UNIQUE);
    QCOMPARE(error->message(), u"the message"_s);
    QCOMPARE(error->sql(), u"SELECT 1"_s);
    QCOMPARE(QByteArray(error->what()), QByteArray(original->what()));
    QCOMPARE(error->toVariantMap(), original->toVariantMap());
}

void tst_Errors::errorOfCanceledQueuedRequest()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QSemaphore gate;
    const QFuture<void> blocker = db.run([&gate](sqlite3 *) {
        gate.acquire();
    });
    QFuture<QVariantList> queued = db.execute(u"SELECT 1"_s);
    queued.cancel();
    gate.release();
    QASYNCSQLITE_AWAIT(blocker);
    QVERIFY(QAsyncSqliteTest::waitForFinished(queued));
    const QString mismatch = cancelMismatch(QAsyncSqlite::errorOf(queued));
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void tst_Errors::errorOfCanceledRunningRequest()
{
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QSemaphore started;
    QASYNCSQLITE_AWAIT(db.createFunction(u"started"_s, 0, [&started](const QVariantList &) {
        started.release();
        return QVariant(qint64(1));
    }));
    QFuture<QVariantList> running =
            db.execute(u"WITH RECURSIVE c(x) AS (SELECT started() UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
                       "SELECT count(*) FROM c"_s);
    QVERIFY(started.tryAcquire(1, 20000)); // the statement is stepping
    running.cancel();
    QVERIFY(QAsyncSqliteTest::waitForFinished(running));
    const QString mismatch = cancelMismatch(QAsyncSqlite::errorOf(running));
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void tst_Errors::errorOfCanceledWithoutRequest()
{
    // A default-constructed QFuture is finished and canceled.
    QString mismatch = cancelMismatch(QAsyncSqlite::errorOf(QFuture<QVariantList>()));
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    mismatch = cancelMismatch(QAsyncSqlite::errorOf(QFuture<void>()));
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void tst_Errors::errorOfForeignException_data()
{
    QTest::addColumn<std::exception_ptr>("exception");
    QTest::addColumn<QString>("message");
    QTest::newRow("std::runtime_error") << std::make_exception_ptr(std::runtime_error("boom")) << u"boom"_s;
    QTest::newRow("wrapped by QtConcurrent")
            << std::make_exception_ptr(QUnhandledException(std::make_exception_ptr(std::runtime_error("boom"))))
            << u"boom"_s;
    QTest::newRow("not a std::exception")
            << std::make_exception_ptr(42) << u"The request failed with an exception that is not a std::exception."_s;
}

void tst_Errors::errorOfForeignException()
{
    QFETCH(std::exception_ptr, exception);
    QFETCH(QString, message);
    const auto error = QAsyncSqlite::errorOf(failedFuture(exception));
    QVERIFY(error);
    QCOMPARE(pythonErrorClass(*error), u"Error"_s); // the base class: no database error claimed
    QCOMPARE(error->extendedCode(), SQLITE_ERROR);
    QCOMPARE(error->message(), message);
}

void tst_Errors::errorOfRequestFailure()
{
    // Real requests: an SQLite error, and a foreign exception from a body.
    QAsyncSqliteConnection db;
    QASYNCSQLITE_AWAIT(db.open(u":memory:"_s));
    QFuture<QVariantList> failed = db.execute(u"SELECT * FROM nope"_s);
    QVERIFY(QAsyncSqliteTest::waitForFinished(failed));
    auto error = QAsyncSqlite::errorOf(failed);
    QVERIFY(error);
    QCOMPARE(pythonErrorClass(*error), u"OperationalError"_s);
    QCOMPARE(error->message(), u"no such table: nope"_s);
    QCOMPARE(error->sql(), u"SELECT * FROM nope"_s);

    QFuture<int> thrown = db.run([](sqlite3 *) -> int {
        throw std::runtime_error("boom");
    });
    QVERIFY(QAsyncSqliteTest::waitForFinished(thrown));
    error = QAsyncSqlite::errorOf(thrown);
    QVERIFY(error);
    QCOMPARE(pythonErrorClass(*error), u"Error"_s);
    QCOMPARE(error->message(), u"boom"_s);
}

void tst_Errors::toVariantMap()
{
    const QAsyncSqliteIntegrityError error(SQLITE_CONSTRAINT_UNIQUE, u"UNIQUE constraint failed: t.x"_s,
                                           u"INSERT INTO t VALUES(1)"_s);
    const QVariantMap expected{{u"className"_s, u"QAsyncSqliteIntegrityError"_s},
                               {u"code"_s, SQLITE_CONSTRAINT_UNIQUE},
                               {u"name"_s, u"SQLITE_CONSTRAINT_UNIQUE"_s},
                               {u"message"_s, u"UNIQUE constraint failed: t.x"_s},
                               {u"sql"_s, u"INSERT INTO t VALUES(1)"_s}};
    QCOMPARE(error.toVariantMap(), expected);
    // Through a base-class reference too.
    const QAsyncSqliteError &base = error;
    QCOMPARE(base.toVariantMap().value(u"className"_s).toString(), u"QAsyncSqliteIntegrityError"_s);
    QCOMPARE(QAsyncSqliteError().toVariantMap().value(u"className"_s).toString(), u"QAsyncSqliteError"_s);
}

QTEST_GUILESS_MAIN(tst_Errors)
#include "tst_errors.moc"
