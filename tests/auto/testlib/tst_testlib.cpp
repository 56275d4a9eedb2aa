// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// The Qt Test helpers of <QAsyncSqlite/QAsyncSqliteTest> themselves.
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qfileinfo.h>
#include <QtCore/qfutureinterface.h>
#include <QtCore/qtimer.h>
#include <QtTest/QtTest>

#include <sqlite3.h>

#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

enum class Outcome {
    Ready,
    Later,
    Never,
    Error,
    OtherError,
    StdException,
    Canceled,
    CanceledLater
};

// A future of int that ends as \a outcome, now or from the event loop.
// Keeps the interface alive (and finishes it at the end) through \a keeper.
QFuture<int> makeFuture(Outcome outcome, QObject *keeper)
{
    auto fi = std::make_shared<QFutureInterface<int>>();
    fi->reportStarted();
    switch (outcome) {
    case Outcome::Ready:
        fi->reportResult(7);
        fi->reportFinished();
        break;
    case Outcome::Later:
        QTimer::singleShot(20, keeper, [fi] {
            fi->reportResult(7);
            fi->reportFinished();
        });
        break;
    case Outcome::Never:
        break;
    case Outcome::Error:
        QTimer::singleShot(10, keeper, [fi] {
            fi->reportException(QAsyncSqliteOperationalError(SQLITE_BUSY, u"database is locked"_s));
            fi->reportFinished();
        });
        break;
    case Outcome::OtherError:
        fi->reportException(QAsyncSqliteIntegrityError(2067, u"UNIQUE constraint failed: t.x"_s));
        fi->reportFinished();
        break;
    case Outcome::StdException:
        fi->reportException(std::make_exception_ptr(std::runtime_error("plain failure")));
        fi->reportFinished();
        break;
    case Outcome::Canceled:
        fi->reportCanceled();
        fi->reportFinished();
        break;
    case Outcome::CanceledLater:
        QTimer::singleShot(10, keeper, [fi] {
            fi->reportCanceled();
            fi->reportFinished();
        });
        break;
    }
    // Never leave an interface pending past the keeper.
    QObject::connect(keeper, &QObject::destroyed, [fi] {
        if (!fi->isFinished())
            fi->reportFinished();
    });
    return fi->future();
}

} // namespace

Q_DECLARE_METATYPE(Outcome)

class tst_TestLib : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void waitForFinishedNeverFinishes();
    void waitForFinishedFinishesLater();
    void waitForFinishedAlreadyFinished();
    void awaitSuccess_data();
    void awaitSuccess();
    void awaitSuccessVoid();
    void awaitError_data();
    void awaitError();
    void awaitErrorBaseClass();
    void defaultTimeout();
    void macros();
    void temporaryDatabase();
    void temporaryDatabaseFileName();
    void temporaryDatabaseRemovesWalFiles();
};

void tst_TestLib::waitForFinishedNeverFinishes()
{
    QObject keeper;
    QFutureInterface<int> fi;
    fi.reportStarted();
    int timerFired = 0;
    QTimer timer;
    connect(&timer, &QTimer::timeout, this, [&] {
        ++timerFired;
    });
    timer.start(10);
    QVERIFY(!QAsyncSqliteTest::waitForFinished(fi.future(), 300ms));
    // The event loop ran while waiting.
    QVERIFY(timerFired >= 1);
    QVERIFY(!fi.future().isFinished());
    fi.reportFinished();
}

void tst_TestLib::waitForFinishedFinishesLater()
{
    QObject keeper;
    const QFuture<int> f = makeFuture(Outcome::Later, &keeper);
    QVERIFY(!f.isFinished());
    QVERIFY(QAsyncSqliteTest::waitForFinished(f, 10s));
    QVERIFY(f.isFinished());
    QCOMPARE(f.result(), 7);
}

void tst_TestLib::waitForFinishedAlreadyFinished()
{
    QObject keeper;
    QVERIFY(QAsyncSqliteTest::waitForFinished(makeFuture(Outcome::Ready, &keeper), 0ms));
    QVERIFY(QAsyncSqliteTest::waitForFinished(makeFuture(Outcome::Canceled, &keeper), 0ms));
}

void tst_TestLib::awaitSuccess_data()
{
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<QString>("expected"); // a substring; empty means success
    QTest::newRow("ready") << Outcome::Ready << QString();
    QTest::newRow("later") << Outcome::Later << QString();
    QTest::newRow("timeout") << Outcome::Never << u"did not finish within 200 ms"_s;
    QTest::newRow("error") << Outcome::Error << u"the future failed: "_s;
    QTest::newRow("other error") << Outcome::OtherError << u"UNIQUE constraint failed"_s;
    // Described by QAsyncSqlite::errorOf()'s rule: a foreign exception as SQLITE_ERROR, a cancel as SQLITE_ABORT.
    QTest::newRow("std exception") << Outcome::StdException << u"the future failed: SQLITE_ERROR: plain failure"_s;
    QTest::newRow("canceled") << Outcome::Canceled << u"the future failed: SQLITE_ABORT: The request was canceled."_s;
    QTest::newRow("canceled later") << Outcome::CanceledLater
                                    << u"the future failed: SQLITE_ABORT: The request was canceled."_s;
}

void tst_TestLib::awaitSuccess()
{
    QFETCH(Outcome, outcome);
    QFETCH(QString, expected);
    QObject keeper;
    const QString result = QAsyncSqliteTest::awaitSuccess(makeFuture(outcome, &keeper), 200ms);
    if (expected.isEmpty())
        QCOMPARE(result, QString());
    else
        QVERIFY2(result.contains(expected), qPrintable(result));
    if (outcome == Outcome::Error)
        QVERIFY2(result.contains(u"database is locked"_s), qPrintable(result));
}

void tst_TestLib::awaitSuccessVoid()
{
    QFutureInterface<void> ready;
    ready.reportStarted();
    ready.reportFinished();
    QCOMPARE(QAsyncSqliteTest::awaitSuccess(ready.future()), QString());
    QFutureInterface<void> fi;
    fi.reportStarted();
    QVERIFY(QAsyncSqliteTest::awaitSuccess(fi.future(), 50ms).contains(u"did not finish"_s));
    fi.reportException(QAsyncSqliteProgrammingError(SQLITE_MISUSE, u"closed"_s));
    fi.reportFinished();
    QVERIFY(QAsyncSqliteTest::awaitSuccess(fi.future()).contains(u"closed"_s));
}

void tst_TestLib::awaitError_data()
{
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<QString>("expected"); // empty means the expected error was caught
    QTest::addColumn<int>("code"); // of the error caught
    QTest::addColumn<QString>("message");
    QTest::newRow("expected error") << Outcome::Error << QString() << SQLITE_BUSY << u"database is locked"_s;
    QTest::newRow("another error") << Outcome::OtherError << u"failed with another error"_s << 0 << QString();
    QTest::newRow("std exception") << Outcome::StdException << u"failed with another exception: plain failure"_s << 0
                                   << QString();
    QTest::newRow("success") << Outcome::Ready << u"the future succeeded, but an error was expected"_s << 0
                             << QString();
    // QAsyncSqlite::errorOf()'s rule: a cancel is an OperationalError, as co_await and QML report it.
    QTest::newRow("canceled") << Outcome::Canceled << QString() << SQLITE_ABORT << u"The request was canceled."_s;
    QTest::newRow("timeout") << Outcome::Never << u"did not finish within 200 ms"_s << 0 << QString();
}

void tst_TestLib::awaitError()
{
    QFETCH(Outcome, outcome);
    QFETCH(QString, expected);
    QFETCH(int, code);
    QFETCH(QString, message);
    QObject keeper;
    std::optional<QAsyncSqliteOperationalError> error;
    const QString result = QAsyncSqliteTest::awaitError(makeFuture(outcome, &keeper), error, 200ms);
    if (expected.isEmpty()) {
        QCOMPARE(result, QString());
        QVERIFY(error.has_value());
        QCOMPARE(error->code(), code);
        QCOMPARE(error->message(), message);
    } else {
        QVERIFY2(result.contains(expected), qPrintable(result));
        QVERIFY(!error.has_value());
    }
}

void tst_TestLib::awaitErrorBaseClass()
{
    // Awaiting the base class catches any QAsyncSqliteError, keeping the subclass data.
    QObject keeper;
    std::optional<QAsyncSqliteError> error;
    QCOMPARE(QAsyncSqliteTest::awaitError(makeFuture(Outcome::OtherError, &keeper), error), QString());
    QVERIFY(error.has_value());
    QCOMPARE(error->extendedCode(), 2067);
    QCOMPARE(error->errorName(), u"SQLITE_CONSTRAINT_UNIQUE"_s);
    std::optional<QAsyncSqliteError> none;
    QVERIFY(QAsyncSqliteTest::awaitError(makeFuture(Outcome::StdException, &keeper), none)
                    .contains(u"another exception"_s));
}

void tst_TestLib::defaultTimeout()
{
    qunsetenv("QASYNCSQLITE_TEST_TIMEOUT_MS");
    QCOMPARE(QAsyncSqliteTest::defaultTimeout(), 10000ms);
    qputenv("QASYNCSQLITE_TEST_TIMEOUT_MS", "1234");
    QCOMPARE(QAsyncSqliteTest::defaultTimeout(), 1234ms);
    qputenv("QASYNCSQLITE_TEST_TIMEOUT_MS", "garbage");
    QCOMPARE(QAsyncSqliteTest::defaultTimeout(), 10000ms);
    qputenv("QASYNCSQLITE_TEST_TIMEOUT_MS", "-5");
    QCOMPARE(QAsyncSqliteTest::defaultTimeout(), 10000ms);
    qunsetenv("QASYNCSQLITE_TEST_TIMEOUT_MS");
}

void tst_TestLib::macros()
{
    QObject keeper;
    QASYNCSQLITE_AWAIT(makeFuture(Outcome::Later, &keeper));
    QASYNCSQLITE_AWAIT_RESULT(value, makeFuture(Outcome::Later, &keeper));
    QCOMPARE(value, 7);
    QASYNCSQLITE_AWAIT_ERROR(error, makeFuture(Outcome::Error, &keeper), QAsyncSqliteOperationalError);
    QCOMPARE(error.code(), SQLITE_BUSY);
    // The macros keep the event loop running: a queued call arrives while awaiting.
    bool delivered = false;
    QMetaObject::invokeMethod(
            this,
            [&delivered] {
                delivered = true;
            },
            Qt::QueuedConnection);
    QASYNCSQLITE_AWAIT(makeFuture(Outcome::Later, &keeper));
    QVERIFY(delivered);
}

void tst_TestLib::temporaryDatabase()
{
    QString path;
    QString directory;
    {
        QAsyncSqliteTest::TemporaryDatabase tmp;
        QVERIFY(tmp.isValid());
        path = tmp.path();
        directory = tmp.directory();
        QVERIFY(!path.isEmpty());
        QCOMPARE(QFileInfo(path).absolutePath(), QFileInfo(directory).absoluteFilePath());
        QVERIFY(QFileInfo(directory).isDir());
        QVERIFY(QFileInfo(directory).isWritable());
        QVERIFY(!QFileInfo::exists(path)); // fresh: nothing there yet
        QCOMPARE(QFileInfo(tmp.filePath(u"backup.sqlite"_s)).absolutePath(), QFileInfo(directory).absoluteFilePath());
        // Usable as a database.
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(path));
        QASYNCSQLITE_AWAIT(db.execute(u"CREATE TABLE t(x)"_s));
        QASYNCSQLITE_AWAIT(db.close());
        QVERIFY(QFileInfo::exists(path));
        // Two fixtures never share a directory.
        QAsyncSqliteTest::TemporaryDatabase other;
        QVERIFY(other.directory() != directory);
    }
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(!QFileInfo::exists(directory));
}

void tst_TestLib::temporaryDatabaseFileName()
{
    QAsyncSqliteTest::TemporaryDatabase tmp(u"custom.db"_s);
    QCOMPARE(QFileInfo(tmp.path()).fileName(), u"custom.db"_s);
}

void tst_TestLib::temporaryDatabaseRemovesWalFiles()
{
    QString directory;
    QString path;
    auto db = std::make_unique<QAsyncSqliteConnection>();
    {
        QAsyncSqliteTest::TemporaryDatabase tmp;
        directory = tmp.directory();
        path = tmp.path();
        QAsyncSqliteOptions options;
        options.pragmas = {u"journal_mode=WAL"_s};
        QASYNCSQLITE_AWAIT(db->open(path, options));
        QASYNCSQLITE_AWAIT(db->execute(u"CREATE TABLE t(x)"_s));
        QVERIFY(QFileInfo::exists(path + u"-wal"_s));
        QVERIFY(QFileInfo::exists(path + u"-shm"_s));
        // The fixture goes first, with the connection still open.
    }
    QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(!QFileInfo::exists(directory));
    db.reset();
}

QTEST_GUILESS_MAIN(tst_TestLib)
#include "tst_testlib.moc"
