// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// The oracle: QAsyncSqlite against Python's sqlite3 on generated programs
// (PROTOCOL.md), in both submission modes, and awaited with readers for wal
// programs. A divergence is shrunk to a
// minimal program and printed as a row to paste into regressions_data().
//
//   QASYNCSQLITE_DIFF_SECONDS   time budget of generated() (default 60)
//   QASYNCSQLITE_DIFF_PROGRAMS  run exactly this many programs instead
//   QASYNCSQLITE_DIFF_SEED      seed of the first program (default 1)
//   QASYNCSQLITE_DIFF_STEPS     longest program (default 40)
//   QASYNCSQLITE_DIFF_SHOW      a file with one program (a regression row's
//                               JSON): show() prints every observation of
//                               Python and of both QAsyncSqlite modes

#include "compare.h"
#include "commitcounter.h"
#include "executor.h"
#include "generator.h"
#include "reference.h"

#include <QtCore/qdir.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qloggingcategory.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/QtTest>

using namespace Qt::StringLiterals;
using namespace Differential;

namespace {

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

qint64 environment(const char *name, qint64 fallback)
{
    bool ok = false;
    const qint64 value = qEnvironmentVariable(name).toLongLong(&ok);
    return ok ? value : fallback;
}

} // namespace

class tst_Differential : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void regressions_data();
    void regressions();
    void generated();
    void show();

private:
    // The divergences of \a program in \a mode, or a failure to run it.
    QList<Divergence> run(const QJsonObject &program, Mode mode, QString *error, bool *ended = nullptr);
    // Removes steps while the first divergence's kind stays.
    QJsonObject shrink(QJsonObject program, Mode mode, const QString &signature);
    QString newPath();

    Reference m_reference;
    QTemporaryDir m_dir;
    int m_files = 0;
    qint64 m_readsOnReaders = 0; // over every Mode::Readers run: the mode must route some
};

void tst_Differential::initTestCase()
{
    QVERIFY2(QFile::exists(Reference::pythonPath()), "the reference needs /usr/bin/python3 (apt-get install python3)");
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_reference.start(QFINDTESTDATA("reference.py"), &error), qPrintable(error));
    installCommitCounter();
    // Closing with an open transaction is part of the programs, not news.
    QLoggingCategory::setFilterRules(u"qasyncsqlite.warning=false"_s);
}

QString tst_Differential::newPath()
{
    return m_dir.filePath(u"db-%1.sqlite"_s.arg(++m_files));
}

QList<Divergence> tst_Differential::run(const QJsonObject &program, Mode mode, QString *error, bool *ended)
{
    const QString pyPath = newPath(), cppPath = newPath();
    const QJsonObject full = expandSchema(program);
    const QJsonObject python = m_reference.run(full, pyPath, error);
    QList<Divergence> divergences;
    if (python.contains(u"fatal"))
        *error = u"reference.py failed: "_s + python.value(u"fatal").toString();
    else if (!python.isEmpty()) {
        const Execution execution = execute(full, cppPath, mode);
        m_readsOnReaders += execution.readsOnReaders;
        divergences = compare(full, python, execution, ended);
    }
    for (const QString &path : {pyPath, cppPath}) {
        for (const QString &suffix : {u""_s, u"-journal"_s, u"-wal"_s, u"-shm"_s})
            QFile::remove(path + suffix);
    }
    return divergences;
}

QJsonObject tst_Differential::shrink(QJsonObject program, Mode mode, const QString &signature)
{
    QJsonArray steps = program.value(u"steps").toArray();
    const auto reproduces = [&](const QJsonArray &candidate) {
        QJsonObject trial = program;
        trial.insert(u"steps"_s, candidate);
        QString error;
        const QList<Divergence> divergences = run(trial, mode, &error);
        return error.isEmpty() && std::any_of(divergences.begin(), divergences.end(), [&](const Divergence &d) {
                   return d.signature() == signature;
               });
    };
    // Delta debugging over steps: drop chunks, halving the chunk size.
    for (qsizetype chunk = qMax<qsizetype>(1, steps.size() / 2); chunk >= 1; chunk /= 2) {
        for (qsizetype start = 0; start < steps.size();) {
            QJsonArray candidate = steps;
            for (qsizetype i = 0; i < chunk && start < candidate.size(); ++i)
                candidate.removeAt(start);
            if (reproduces(candidate))
                steps = candidate;
            else
                start += chunk;
        }
    }
    program.insert(u"steps"_s, steps);
    return program;
}

void tst_Differential::regressions_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QByteArray>("program");

    // Shrunk programs the oracle found, kept once fixed (paste new rows here).
    QTest::newRow("commits of a script: one committed() each")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":0,"isolation":null,"iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"}]})json");
    QTest::newRow("executeMany accepts WITH ... INSERT")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":128,"isolation":null,"iterChunkSize":1,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"op":"executeMany","paramSets":[],"sql":"WITH x(v) AS (SELECT ?) INSERT INTO t(a) SELECT v FROM x"}]})json");
    QTest::newRow("executeMany prepares before judging")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":null,"iterChunkSize":2,"journal":"wal"},"steps":[{"id":3,"op":"cursor"},{"op":"executeMany","paramSets":[[{"i":"6"}],[{"i":"7"}]],"sql":"/* cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc */ INSERT INTO t(a) VALUES (?)"}]})json");
    QTest::newRow("a long leading comment still opens a transaction")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":128,"isolation":"EXCLUSIVE","iterChunkSize":2,"journal":"delete"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"op":"execute","params":[{"i":"-1"}],"sql":"/* cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc */ INSERT INTO t(a) VALUES (?)"}]})json");
    QTest::newRow("cursor executeMany accepts DDL")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":"EXCLUSIVE","iterChunkSize":64,"journal":"delete"},"steps":[{"id":1,"op":"cursor"},{"id":1,"op":"cursorExecuteMany","paramSets":[[],[]],"sql":"CREATE TABLE IF NOT EXISTS extra(x, y)"}]})json");
    QTest::newRow("cursor executeMany clears the description")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":0,"isolation":"DEFERRED","iterChunkSize":1,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema"},{"id":3,"op":"cursor"},{"id":3,"op":"cursorExecute","params":[],"sql":"SELECT id, a, b FROM t WHERE id IN (SELECT id FROM t ORDER BY id DESC LIMIT 3) ORDER BY id"},{"id":3,"op":"cursorExecuteMany","paramSets":[[{"t":""},{"i":"6"}],[{"t":"ü€"},null]],"sql":"INSERT INTO extra VALUES (?, ?)"}]})json");
    QTest::newRow("executeMany described once a set ran, even if a later one fails")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":"EXCLUSIVE","iterChunkSize":1,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema"},{"id":1,"op":"cursor"},{"id":1,"op":"cursorExecuteMany","paramSets":[[{"i":"6"},{"t":"ü€"},{"r":"-1e+308"},{"b":"fcfc34a14d"}],[{"i":"3"},{"t":"a"},{"r":"-0"},{"b":"615bf6b901dd"}],[{"i":"3"},{"t":"123"},{"r":"1.5"},{"b":"ff00ff"}]],"sql":"INSERT INTO t(a, b, c, d) VALUES (?, ?, ?, ?) RETURNING id, a"}]})json");
    QTest::newRow("rowCount of DELETE ... RETURNING once its rows are fetched")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":128,"isolation":"DEFERRED","iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"id":1,"op":"cursor"},{"id":1,"op":"cursorExecute","params":[{"i":"1"}],"sql":"DELETE FROM t WHERE a > ? RETURNING id"},{"id":1,"op":"fetchOne"},{"id":1,"op":"fetchAll"}]})json");
    QTest::newRow("executeMany with RETURNING counts no rows")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":"DEFERRED","iterChunkSize":2,"journal":"delete"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"id":1,"op":"cursor"},{"id":1,"op":"cursorExecuteMany","paramSets":[[{"t":"c"},{"i":"3"}]],"sql":"INSERT INTO w(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v RETURNING k, v"},{"id":1,"n":2,"op":"fetchMany"}]})json");
    QTest::newRow("execute on a closed cursor: rowcount -1, description kept")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":"DEFERRED","iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema"},{"id":2,"op":"cursor"},{"id":2,"op":"cursorExecute","params":[],"sql":"SELECT count(*), total(a), max(b), min(c) FROM t"},{"id":2,"op":"cursorClose"},{"id":2,"op":"cursorExecute","params":[],"sql":"SELECT what FROM log ORDER BY id"},{"id":2,"op":"cursorExecuteMany","paramSets":[],"sql":"DELETE FROM w WHERE k = ?"}]})json");
    QTest::newRow("executeMany on a closed cursor, pipelined")
            << u"pipelined"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":128,"isolation":"EXCLUSIVE","iterChunkSize":1,"journal":"delete"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"id":3,"op":"cursor"},{"id":3,"op":"cursorExecute","params":[{"t":"c"}],"sql":"UPDATE w SET v = v + 1 WHERE k = ?"},{"id":3,"op":"cursorClose"},{"op":"execute","params":[],"sql":"DELETE FROM t"},{"id":3,"op":"cursorExecuteMany","paramSets":[[],[]],"sql":"DELETE FROM t"}]})json");
    QTest::newRow("cursor executeScript keeps the cursor's query")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":null,"iterChunkSize":2,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"id":3,"op":"cursor"},{"id":3,"op":"cursorExecute","params":[],"sql":"SELECT id FROM t ORDER BY id"},{"id":3,"op":"fetchOne"},{"id":3,"op":"cursorExecuteScript","sql":"INSERT INTO t(a) VALUES (9) RETURNING id, a;\nDELETE FROM w WHERE k = 'd'"},{"id":3,"op":"fetchAll"}]})json");
    QTest::newRow("a stream's totalChanges after a rollback re-ran its INSERT")
            << u"pipelined"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":"EXCLUSIVE","iterChunkSize":2,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema"},{"id":2,"op":"cursor"},{"id":2,"op":"cursorExecute","params":[{"t":"d"},{"i":"1"}],"sql":"INSERT INTO w(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v RETURNING k, v"},{"op":"rollback"},{"id":2,"op":"stream"}]})json");
    QTest::newRow("an empty blob write reaches SQLite")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":128,"isolation":null,"iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"column":"d","id":2,"op":"blobOpen","readonly":false,"rowid":2,"table":"t"},{"fail":true,"mode":"DEFERRED","op":"transaction","statements":[{"params":[{"i":"1"},{"i":"2"}],"sql":"INSERT OR REPLACE INTO t(id, a) VALUES (?, ?)"}]},{"data":"","id":2,"op":"blobWrite"}]})json");
    QTest::newRow("a blob whose row changed: SQLite's message, a quiet close")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":0,"isolation":"EXCLUSIVE","iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"column":"d","id":2,"op":"blobOpen","readonly":false,"rowid":1,"table":"t"},{"op":"executeScript","sql":"BEGIN DEFERRED;\nDELETE FROM t WHERE a > 0 RETURNING id;\nCOMMIT"},{"data":"0db16cc0","id":2,"op":"blobWrite"},{"id":2,"op":"blobClose"}]})json");
    QTest::newRow("an aggregate over no rows is NULL")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":0,"isolation":"IMMEDIATE","iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema"},{"op":"execute","params":[],"sql":"SELECT qa_count(a), qa_count(b), count(*) FROM t"}]})json");
    QTest::newRow("setting Autocommit commits even when it is the level already")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":null,"iterChunkSize":1,"journal":"wal"},"steps":[{"op":"execute","params":[],"sql":"SAVEPOINT sp2"},{"level":null,"op":"setIsolation"}]})json");
    QTest::newRow("a switch to Autocommit whose COMMIT fails: errorOccurred, level set")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":128,"isolation":"DEFERRED","iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"column":"d","id":1,"op":"blobOpen","readonly":false,"rowid":2,"table":"t"},{"data":"01","id":1,"op":"blobWrite"},{"op":"execute","params":[{"t":"a"}],"sql":"UPDATE w SET v = v + 1 WHERE k = ?"},{"level":null,"op":"setIsolation"},{"id":1,"op":"blobClose"},{"op":"commit"},{"op":"execute","params":[{"t":"z"},{"i":"1"}],"sql":"INSERT INTO w(k, v) VALUES (?, ?)"}]})json");
    QTest::newRow("closing ends blobs in the order they were opened")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":0,"isolation":"DEFERRED","iterChunkSize":64,"journal":"wal"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"op":"executeScript","sql":"END"},{"op":"execute","params":[{"i":"0"},{"i":"6"}],"sql":"INSERT INTO t(a, d) VALUES (?, zeroblob(?))"},{"id":3,"op":"cursor"},{"id":3,"op":"stream"},{"op":"commit"},{"op":"reopen"},{"column":"d","id":1,"op":"blobOpen","readonly":false,"rowid":2,"table":"t"},{"column":"d","id":2,"op":"blobOpen","readonly":false,"rowid":4,"table":"t"},{"op":"execute","params":[],"sql":"BEGIN DEFERRED"},{"op":"executeScript","sql":"INSERT INTO t(a, d) VALUES (8, zeroblob(1));\n/* cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc */ INSERT INTO t(a) VALUES (6);\nUPDATE t SET a = a + 5 WHERE id % 3 = 1"},{"level":null,"op":"setIsolation"},{"op":"rollback"},{"op":"executeScript","sql":"INSERT INTO w(k, v) VALUES ('e', 2) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v RETURNING k, v;\nDELETE FROM t WHERE a > 7 RETURNING id;\nINSERT INTO w(k, v) VALUES ('a', 2) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v RETURNING k, v;"},{"id":2,"n":1,"op":"blobRead"}]})json");
    QTest::newRow("a blob whose statement a rollback aborted closes quietly")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":2,"isolation":null,"iterChunkSize":2,"journal":"delete"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"column":"d","id":1,"op":"blobOpen","readonly":false,"rowid":1,"table":"t"},{"data":"eb7012","id":1,"op":"blobWrite"},{"fail":false,"mode":"DEFERRED","op":"transaction","statements":[{"params":[{"i":"-1"},{"i":"1"}],"sql":"UPDATE t SET a = a + ? WHERE id % 3 = ?"},{"params":[{"i":"8"},{"i":"1"}],"sql":"SELECT id, a FROM t WHERE a > ? ORDER BY id LIMIT ?"}]},{"id":1,"n":100,"op":"blobRead"},{"id":1,"op":"blobClose"}]})json");
    // SQLite 3.40 answers SQLITE_NOMEM here in both; only the class differs.
    QTest::newRow("a read-only blob read after its transaction rolled back: NOMEM")
            << u"awaited"_s
            << QByteArrayLiteral(R"json({"options":{"cachedStatements":0,"isolation":"EXCLUSIVE","iterChunkSize":2,"journal":"delete"},"steps":[{"op":"executeScript","sql":"@schema+rows"},{"op":"executeInsert","params":[{"b":"ff00ff"}],"sql":"UPDATE t SET c = ? WHERE id = (SELECT min(id) FROM t)"},{"column":"d","id":1,"op":"blobOpen","readonly":true,"rowid":1,"table":"t"},{"op":"rollback"},{"id":1,"n":100,"op":"blobRead"}]})json");
}

void tst_Differential::regressions()
{
    QFETCH(QString, mode);
    QFETCH(QByteArray, program);
    const QJsonObject object = QJsonDocument::fromJson(program).object();
    QVERIFY2(!object.isEmpty(), "the program is not valid JSON");
    QString error;
    const QList<Divergence> divergences = run(object, modeNamed(mode), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList text;
    for (const Divergence &d : divergences)
        text.append(d.describe());
    QVERIFY2(divergences.isEmpty(), qPrintable(text.join(u'\n')));
}

void tst_Differential::generated()
{
    const qint64 firstSeed = environment("QASYNCSQLITE_DIFF_SEED", 1);
    const qint64 programs = environment("QASYNCSQLITE_DIFF_PROGRAMS", -1);
    const qint64 budgetMs = environment("QASYNCSQLITE_DIFF_SECONDS", 60) * 1000;
    const int maxSteps = int(environment("QASYNCSQLITE_DIFF_STEPS", 40));
    QElapsedTimer clock;
    clock.start();
    QSet<QString> seen; // one report per kind of divergence
    QStringList reports;
    qint64 ran = 0;
    qint64 cutShort = 0; // runs compared only up to an allowed divergence that ends the comparison
    for (qint64 seed = firstSeed; programs >= 0 ? ran < programs : clock.elapsed() < budgetMs; ++seed, ++ran) {
        const QJsonObject program = generateProgram(quint64(seed), maxSteps);
        for (const Mode mode : modesOf(program)) {
            QString error;
            bool ended = false;
            const QList<Divergence> divergences = run(program, mode, &error, &ended);
            QVERIFY2(error.isEmpty(), qPrintable(u"seed %1: %2"_s.arg(seed).arg(error)));
            cutShort += ended;
            if (divergences.isEmpty() || seen.contains(divergences.first().signature()))
                continue;
            const QString signature = divergences.first().signature();
            seen.insert(signature);
            const QJsonObject small = shrink(program, mode, signature);
            QString error2;
            QStringList lines;
            for (const Divergence &d : run(small, mode, &error2))
                lines.append(u"    "_s + d.describe());
            reports.append(u"seed %1, %2: %3\n%4\n  regression row:\n    QTest::newRow(\"%5\") << u\"%2\"_s\n"
                           "        << QByteArrayLiteral(R\"json(%6)json\");"_s.arg(seed)
                                   .arg(modeName(mode), signature, lines.join(u'\n'),
                                        u"seed-%1-%2"_s.arg(seed).arg(modeName(mode)),
                                        compact(abbreviateSchema(small))));
            qWarning().noquote() << reports.last();
        }
    }
    qInfo("%lld programs from seed %lld, each awaited and pipelined (wal ones also with readers, %lld queries on "
          "readers), in %lld s; %lld kinds of divergence; "
          "%lld runs compared up to an allowed divergence that ends the comparison",
          ran, firstSeed, m_readsOnReaders, clock.elapsed() / 1000, qint64(reports.size()), cutShort);
    QVERIFY2(ran < 20 || m_readsOnReaders > 0, "no query of the readers mode ran on a reader");
    QVERIFY2(ran > 0, "no program ran within the budget");
    QVERIFY2(reports.isEmpty(), qPrintable(reports.join(u"\n\n"_s)));
}

void tst_Differential::show()
{
    const QString file = qEnvironmentVariable("QASYNCSQLITE_DIFF_SHOW");
    if (file.isEmpty())
        return; // a tool for investigating a divergence, not a test
    QFile in(file);
    QVERIFY2(in.open(QIODevice::ReadOnly), qPrintable(in.errorString()));
    const QJsonObject program = expandSchema(QJsonDocument::fromJson(in.readAll()).object());
    QString error;
    const QJsonObject python = m_reference.run(program, newPath(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonArray steps = program.value(u"steps").toArray();
    for (const Mode mode : modesOf(program)) {
        const Execution execution = execute(program, newPath(), mode);
        qInfo().noquote() << "====" << modeName(mode);
        for (qsizetype i = 0; i < steps.size(); ++i) {
            qInfo().noquote() << i << compact(steps.at(i).toObject()).left(300);
            qInfo().noquote() << "  Python       " << compact(python.value(u"steps").toArray().at(i).toObject());
            qInfo().noquote() << "  QAsyncSqlite " << compact(execution.steps.at(i).toObject());
        }
        qInfo().noquote() << "final";
        qInfo().noquote() << "  Python       " << compact(python.value(u"final").toObject());
        qInfo().noquote() << "  QAsyncSqlite " << compact(execution.final);
        for (const QString &violation : execution.violations)
            qInfo().noquote() << "  violation:" << violation;
    }
}

int main(int argc, char *argv[])
{
    // A long run (QASYNCSQLITE_DIFF_PROGRAMS) outlasts Qt Test's 5-minute
    // limit per function; ctest's TIMEOUT still bounds the suite.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "604800000");
    QCoreApplication app(argc, argv);
    tst_Differential test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_differential.moc"
