// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// The child process of tst_fault_crash: writes checksummed multi-row
// transactions through QAsyncSqlite until it is killed, and reports each one
// on stdout ("A <txn>") only after its future succeeded.
//
//   qasyncsqlite_crash_writer <database> <journal mode> <first txn id> <seed>
//
// Transactions alternate at random between transaction(fn) and the implicit
// transaction of executeMany() + executeInsert() + commit(); up to three are
// in flight at once. It prints "READY" once the database is open, and
// "ERROR <what>" (then exits with 3) if any request fails.
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include "faultcommon.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qrandom.h>
#include <QtCore/qtimer.h>

#include <unistd.h>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

void say(const QByteArray &line)
{
    const QByteArray text = line + '\n';
    qsizetype done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, text.constData() + done, size_t(text.size() - done));
        if (n <= 0)
            ::_exit(5);
        done += n;
    }
}

[[noreturn]] void die(const QString &what)
{
    say("ERROR " + what.toUtf8());
    ::_exit(3);
}

class Writer : public QObject
{
public:
    Writer(QAsyncSqliteConnection &db, qint64 firstTxn, quint32 seed) : m_db(db), m_next(firstTxn), m_random(seed) { }

    void start()
    {
        for (int i = 0; i < 3; ++i)
            submit();
    }

private:
    Fault::Txn makeTxn()
    {
        Fault::Txn txn;
        txn.id = m_next++;
        const int n = int(m_random.bounded(2, 17));
        for (int i = 0; i < n; ++i) {
            txn.values.append(qint64(m_random.bounded(1, 1000000)));
            txn.payloadSizes.append(int(m_random.bounded(0, 700)));
        }
        return txn;
    }

    template<typename T>
    static void failOn(QFuture<T> future, QObject *context, const QString &what)
    {
        future.onFailed(context, [what](const QAsyncSqliteError &e) -> T {
                  die(what + u": "_s + QString::fromUtf8(e.what()));
              }).onCanceled(context, [what]() -> T {
            die(what + u": canceled"_s);
        });
    }

    void acknowledge(QFuture<void> done, qint64 id, const QString &what)
    {
        done.then(this,
                  [this, id] {
                      say("A " + QByteArray::number(id));
                      submit();
                  })
                .onFailed(this,
                          [what](const QAsyncSqliteError &e) {
                              die(what + u": "_s + QString::fromUtf8(e.what()));
                          })
                .onCanceled(this, [what] {
                    die(what + u": canceled"_s);
                });
    }

    void submit()
    {
        const Fault::Txn txn = makeTxn();
        if (m_random.bounded(2) == 0) {
            QFuture<void> done = m_db.transaction([txn](QAsyncSqliteTransaction &tx) {
                tx.executeMany(Fault::insertDataSql(), txn.dataParams());
                tx.execute(Fault::insertChecksumSql(), txn.checksumParams());
            });
            acknowledge(done, txn.id, u"transaction(fn) %1"_s.arg(txn.id));
        } else {
            // Implicit transaction (isolation level Deferred): executeMany()
            // opens it, commit() ends it. The later futures can only succeed
            // if the earlier did not fail (FIFO on one worker), but check all.
            failOn(m_db.executeMany(Fault::insertDataSql(), txn.dataParams()), this, u"executeMany %1"_s.arg(txn.id));
            failOn(m_db.executeInsert(Fault::insertChecksumSql(), txn.checksumParams()), this,
                   u"checksum %1"_s.arg(txn.id));
            acknowledge(m_db.commit(), txn.id, u"commit %1"_s.arg(txn.id));
        }
    }

    QAsyncSqliteConnection &m_db;
    qint64 m_next;
    QRandomGenerator m_random;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5) {
        std::fprintf(stderr, "usage: qasyncsqlite_crash_writer <database> <journal mode> <first txn> <seed>\n");
        return 2;
    }
    // A child orphaned by a dead test must not run for ever.
    QTimer::singleShot(60000, [] {
        die(u"not killed within 60 s"_s);
    });

    QAsyncSqliteConnection db;
    QAsyncSqliteOptions options;
    options.pragmas = {u"journal_mode="_s + args.at(2), u"synchronous=NORMAL"_s};
    if (args.at(2).compare(u"wal"_s, Qt::CaseInsensitive) == 0)
        options.pragmas.append(u"wal_autocheckpoint=40"_s); // checkpoints happen often, too
    Writer writer(db, args.at(3).toLongLong(), args.at(4).toUInt());
    db.open(args.at(1), options)
            .then(&writer,
                  [&writer] {
                      say("READY");
                      writer.start();
                  })
            .onFailed(&writer, [](const QAsyncSqliteError &e) {
                die(u"open: "_s + QString::fromUtf8(e.what()));
            });
    return app.exec();
}
