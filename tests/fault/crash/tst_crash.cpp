// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Crash durability: a child process (qasyncsqlite_crash_writer) writes
// checksummed multi-row transactions through QAsyncSqlite and reports each
// commit on stdout only after its future succeeded; this test SIGKILLs it at
// random moments, reopens the database and checks that integrity_check is ok,
// that every acknowledged transaction is fully present, and that every other
// transaction is either fully present or fully absent.
//
// QASYNCSQLITE_CRASH_ITERATIONS sets the number of kills (default 200, split
// between the WAL and DELETE journal modes); QASYNCSQLITE_FAULT_SEED repeats
// a run.
#include "faultcommon.h"
#include "resourcebaseline.h"

#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qprocess.h>
#include <QtCore/qrandom.h>
#include <QtTest/QtTest>

#include <signal.h>

using namespace Qt::StringLiterals;

namespace {

int iterationsPerMode()
{
    bool ok = false;
    const int total = qEnvironmentVariableIntValue("QASYNCSQLITE_CRASH_ITERATIONS", &ok);
    return ok && total > 0 ? qMax(1, total / 2) : 100;
}

quint32 seed()
{
    bool ok = false;
    const uint s = qEnvironmentVariable("QASYNCSQLITE_FAULT_SEED").toUInt(&ok);
    return ok ? s : QRandomGenerator::global()->generate();
}

// The child's stdout, parsed line by line as it arrives.
struct ChildOutput
{
    QByteArray pending;
    bool ready = false;
    QList<qint64> acks;
    QStringList errors;
    QStringList other;

    void consume(const QByteArray &data)
    {
        pending += data;
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(newline);
            pending.remove(0, newline + 1);
            if (line == "READY")
                ready = true;
            else if (line.startsWith("A "))
                acks.append(line.mid(2).toLongLong());
            else if (line.startsWith("ERROR "))
                errors.append(QString::fromUtf8(line));
            else
                other.append(QString::fromUtf8(line));
        }
    }
};

// Reads the child's output until \a done() or \a timeoutMs; returns done().
bool readUntil(QProcess &process, ChildOutput &out, const std::function<bool()> &done, int timeoutMs = 20000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired() && process.state() == QProcess::Running) {
        process.waitForReadyRead(int(qMax<qint64>(1, qMin<qint64>(100, deadline.remainingTime()))));
        out.consume(process.readAllStandardOutput());
    }
    out.consume(process.readAllStandardOutput());
    return done();
}

} // namespace

class tst_FaultCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void killWriter_data();
    void killWriter();
    void baselines();

private:
    int m_threads = 0;
    int m_fds = 0;
    quint32 m_seed = 0;
};

void tst_FaultCrash::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(QASYNCSQLITE_CRASH_WRITER)), QASYNCSQLITE_CRASH_WRITER);
    m_seed = seed();
    qInfo("seed %u (set QASYNCSQLITE_FAULT_SEED to repeat), %d kills per journal mode", m_seed, iterationsPerMode());
    m_threads = Fault::threadCount();
    m_fds = Fault::fdCount();
}

void tst_FaultCrash::killWriter_data()
{
    QTest::addColumn<QString>("journalMode");
    QTest::newRow("wal") << u"wal"_s;
    QTest::newRow("delete") << u"delete"_s;
}

void tst_FaultCrash::killWriter()
{
    QFETCH(QString, journalMode);
    QRandomGenerator random(m_seed ^ quint32(qHash(journalMode)));
    QAsyncSqliteTest::TemporaryDatabase tmp;
    QVERIFY(tmp.isValid());
    {
        QAsyncSqliteConnection db;
        QASYNCSQLITE_AWAIT(db.open(tmp.path(), {.pragmas = {u"journal_mode="_s + journalMode}}));
        QASYNCSQLITE_AWAIT_RESULT(mode, db.execute(u"PRAGMA journal_mode"_s));
        QCOMPARE(mode.value(0).toList().value(0).toString(), journalMode);
        QASYNCSQLITE_AWAIT(db.execute(Fault::schemaSql()));
        QASYNCSQLITE_AWAIT(db.close());
    }

    QSet<qint64> acknowledged;
    int unacknowledgedButPresent = 0;
    int killsBeforeReady = 0;
    int killsAfterAcks = 0;
    const int iterations = iterationsPerMode();
    for (int i = 0; i < iterations; ++i) {
        const qint64 firstTxn = qint64(i + 1) * 1000000;
        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(QStringLiteral(QASYNCSQLITE_CRASH_WRITER),
                                   {tmp.path(), journalMode, QString::number(firstTxn),
                                    QString::number(random.generate())});
        QVERIFY2(child.waitForStarted(20000), qPrintable(child.errorString()));

        ChildOutput out;
        const int strategy = int(random.bounded(10));
        if (strategy == 0) {
            // Anywhere, even while the child still starts or opens.
            ++killsBeforeReady;
            QThread::msleep(random.bounded(30));
        } else {
            QVERIFY2(readUntil(child, out,
                               [&] {
                                   return out.ready;
                               }),
                     qPrintable(u"the writer did not get ready: "_s + out.errors.join(u"; "_s)
                                + QString::fromUtf8(child.readAllStandardError())));
            if (strategy < 7) {
                QThread::msleep(random.bounded(20));
            } else {
                // After a few acknowledged commits, a moment later.
                ++killsAfterAcks;
                const int wanted = int(random.bounded(1, 9));
                QVERIFY2(readUntil(child, out,
                                   [&] {
                                       return out.acks.size() >= wanted;
                                   }),
                         qPrintable(u"fewer than %1 commits were acknowledged: "_s.arg(wanted)
                                    + out.errors.join(u"; "_s) + QString::fromUtf8(child.readAllStandardError())));
                QThread::usleep(random.bounded(3000));
            }
        }
        out.consume(child.readAllStandardOutput());
        // It must still be running: an exit or crash of its own is a failure.
        QVERIFY2(child.state() == QProcess::Running,
                 qPrintable(u"iteration %1: the writer ended by itself (exit code %2): %3 %4"_s.arg(i)
                                    .arg(child.exitCode())
                                    .arg(out.errors.join(u"; "_s), QString::fromUtf8(child.readAllStandardError()))));
        QCOMPARE(::kill(pid_t(child.processId()), SIGKILL), 0);
        QVERIFY(child.waitForFinished(20000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        out.consume(child.readAllStandardOutput());
        QVERIFY2(out.errors.isEmpty(), qPrintable(out.errors.join(u"; "_s)));
        QVERIFY2(out.other.isEmpty(), qPrintable(out.other.join(u"; "_s)));

        for (qint64 id : std::as_const(out.acks)) {
            QVERIFY2(id >= firstTxn && id < firstTxn + 1000000, qPrintable(QString::number(id)));
            QVERIFY2(!acknowledged.contains(id), "a transaction was acknowledged twice");
            acknowledged.insert(id);
        }
        QSet<qint64> present;
        const QString failure = Fault::verifyDatabase(tmp.path(), acknowledged, {}, &present);
        QVERIFY2(failure.isEmpty(),
                 qPrintable(u"%1 mode, iteration %2 (seed %3): %4"_s.arg(journalMode).arg(i).arg(m_seed).arg(failure)));
        for (qint64 id : std::as_const(present)) {
            if (id >= firstTxn && id < firstTxn + 1000000 && !out.acks.contains(id))
                ++unacknowledgedButPresent;
        }
    }
    qInfo("%s: %d kills (%d before the writer was ready, %d after acknowledged commits), "
          "%lld acknowledged transactions, %d committed but killed before the acknowledgement",
          qPrintable(journalMode), iterations, killsBeforeReady, killsAfterAcks, qint64(acknowledged.size()),
          unacknowledgedButPresent);
    // Kills after acknowledged commits (strategy 7..9) guarantee this.
    if (killsAfterAcks > 0)
        QVERIFY(!acknowledged.isEmpty());
}

void tst_FaultCrash::baselines()
{
    QCOMPARE(Fault::settle(Fault::threadCount, m_threads), m_threads);
    QCOMPARE(Fault::settle(Fault::fdCount, m_fds), m_fds);
}

QTEST_GUILESS_MAIN(tst_FaultCrash)
#include "tst_crash.moc"
