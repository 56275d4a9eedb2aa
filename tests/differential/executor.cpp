// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "executor.h"
#include "canonical.h"
#include "commitcounter.h"
#include "value.h"
#include "pythonerrorclass.h"
#include "workerhold.h"

#include <QAsyncSqlite/QAsyncSqliteBlob>
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteCursor>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qpointer.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace QAsyncSqlite;

namespace Differential {

QString modeName(Mode mode)
{
    switch (mode) {
    case Mode::Awaited:
        return u"awaited"_s;
    case Mode::Pipelined:
        return u"pipelined"_s;
    case Mode::Readers:
        break;
    }
    return u"readers"_s;
}

Mode modeNamed(const QString &name)
{
    for (const Mode mode : {Mode::Awaited, Mode::Pipelined, Mode::Readers}) {
        if (modeName(mode) == name)
            return mode;
    }
    return Mode::Awaited;
}

QList<Mode> modesOf(const QJsonObject &program)
{
    // A single-threaded program must observe with readers exactly what
    // Python does; they need WAL, which a "delete" program would lose.
    if (program.value(u"options").toObject().value(u"journal").toString() == u"wal")
        return {Mode::Awaited, Mode::Pipelined, Mode::Readers};
    return {Mode::Awaited, Mode::Pipelined};
}

namespace {

// A step that does not finish in this time hangs (a defect in itself).
constexpr std::chrono::milliseconds StepTimeout{20000};

QJsonObject errorObject(const QString &cls, const QJsonValue &code, const QJsonValue &name, const QString &message)
{
    return {{u"class"_s, cls}, {u"code"_s, code}, {u"name"_s, name}, {u"message"_s, message}};
}

// The error a finished future holds, or null when it succeeded.
template<typename T>
QJsonValue errorOf(QFuture<T> future)
{
    try {
        future.waitForFinished(); // finished already: rethrows a stored exception
    } catch (const QAsyncSqliteError &e) {
        return errorObject(pythonErrorClass(e), e.extendedCode(), e.errorName(), e.message());
    } catch (const std::exception &e) {
        return errorObject(u"Exception"_s, QJsonValue::Null, QJsonValue::Null, QString::fromUtf8(e.what()));
    } catch (...) {
        return errorObject(u"Exception"_s, QJsonValue::Null, QJsonValue::Null, u"unknown exception"_s);
    }
    if (future.isCanceled())
        return errorObject(u"Canceled"_s, QJsonValue::Null, QJsonValue::Null, u"the future was canceled"_s);
    return QJsonValue::Null;
}

// The error both executors report for a blob step whose blobOpen failed.
QJsonValue noBlob()
{
    return errorObject(u"NoBlob"_s, QJsonValue::Null, QJsonValue::Null, u"no blob"_s);
}

IsolationLevel isolationLevel(const QJsonValue &level)
{
    const QString name = level.toString();
    if (level.isNull())
        return IsolationLevel::Autocommit;
    if (name == u"IMMEDIATE")
        return IsolationLevel::Immediate;
    if (name == u"EXCLUSIVE")
        return IsolationLevel::Exclusive;
    return IsolationLevel::Deferred;
}

TransactionMode transactionMode(const QString &mode)
{
    if (mode == u"IMMEDIATE")
        return TransactionMode::Immediate;
    if (mode == u"EXCLUSIVE")
        return TransactionMode::Exclusive;
    return TransactionMode::Deferred;
}

QList<QVariantList> paramSets(const QJsonValue &sets)
{
    QList<QVariantList> result;
    for (const QJsonValue &set : sets.toArray())
        result.append(positional(set));
    return result;
}

// Fills one observation when its future has finished; runs on the worker
// (pipelined) or on the executor's thread (awaited).
using Observe = std::function<void(QJsonObject &observation)>;

class Executor
{
public:
    Executor(const QJsonObject &program, const QString &path, Mode mode)
        : m_program(program),
          m_path(path),
          m_mode(mode == Mode::Readers ? Mode::Awaited : mode),
          m_db(std::make_unique<QAsyncSqliteConnection>())
    {
        const QJsonObject options = program.value(u"options").toObject();
        m_options.isolationLevel = isolationLevel(options.value(u"isolation"));
        m_options.cachedStatements = options.value(u"cachedStatements").toInt(128);
        m_options.iterChunkSize = options.value(u"iterChunkSize").toInt(64);
        m_options.pragmas = {u"journal_mode="_s + options.value(u"journal").toString(u"delete"_s)};
        m_options.readers = mode == Mode::Readers ? 2 : 0;
        QObject::connect(m_db.get(), &QAsyncSqliteConnection::committed, m_db.get(), [this] {
            ++m_committedSignals;
        });
        QObject::connect(m_db.get(), &QAsyncSqliteConnection::tablesChanged, m_db.get(),
                         [this](const QStringList &tables) {
                             for (const QString &table : tables)
                                 m_reported.insert(table);
                         });
    }

    ~Executor()
    {
        m_blobs.clear(); // each closes itself, before the connection goes
    }

    Execution run()
    {
        const QJsonArray steps = m_program.value(u"steps").toArray();
        m_observations.resize(steps.size());
        open(nullptr);
        for (qsizetype i = 0; i < steps.size() && !m_hung; ++i) {
            m_step = i;
            runStep(steps.at(i).toObject(), m_observations[i]);
            if (m_mode == Mode::Awaited)
                checkCommits(false);
        }
        finish();
        Execution execution;
        for (const QJsonObject &observation : m_observations)
            execution.steps.append(observation);
        execution.final = m_final;
        execution.violations = m_violations;
        execution.readsOnReaders = m_db->readsOnReaders();
        return execution;
    }

private:
    // --- submission -------------------------------------------------------

    // Observes \a future as the current step's result: awaited at once, or,
    // pipelined, in a continuation that runs on the worker right after the
    // request (while the gate holds the worker, nothing else can run first).
    template<typename T>
    void observe(QFuture<T> future, QJsonObject &observation, std::function<QJsonValue(const QFuture<T> &)> result,
                 Observe extra = {})
    {
        const auto fill = [this, &observation, result, extra](const QFuture<T> &f) {
            QAsyncSqlite::Detail::tsanAcquireFinished(f);
            const QJsonValue error = errorOf(f);
            observation.insert(u"ok"_s, error.isNull());
            observation.insert(u"error"_s, error);
            observation.insert(u"result"_s, error.isNull() && result ? result(f) : QJsonValue());
            observation.insert(u"inTx"_s, m_db->inTransaction());
            observation.insert(u"total"_s, m_db->totalChanges());
            if (extra)
                extra(observation);
            // Pipelined, this ran on the worker: sync() acquires it (Qt's
            // own continuation handshake is invisible to ThreadSanitizer).
            m_filled.fetch_add(1, std::memory_order_release);
        };
        if (m_mode == Mode::Awaited || !m_hold) {
            if (!QAsyncSqliteTest::waitForFinished(future, StepTimeout)) {
                m_violations.append(u"step %1 did not finish within %2 ms"_s.arg(m_step).arg(StepTimeout.count()));
                m_hung = true;
                return;
            }
            QCoreApplication::sendPostedEvents(); // the signals posted before it finished
            fill(future);
            return;
        }
        if (future.isFinished()) {
            // Answered at once, without queueing (e.g. a closed cursor): the
            // state after this step is the state after the requests queued
            // before it, which a barrier in its place observes.
            m_pending.append(barrier().then([fill, future](QFuture<void>) {
                fill(future);
            }));
            return;
        }
        m_pending.append(future.then([fill](QFuture<T> f) {
            fill(f);
        }));
    }

    // A request that does nothing: its place in the queue is a point in time.
    QFuture<void> barrier()
    {
        return m_db->run([](sqlite3 *) {});
    }

    void observeNull(QFuture<void> future, QJsonObject &observation, Observe extra = {})
    {
        observe<void>(
                future, observation,
                [](const QFuture<void> &) {
                    return QJsonValue();
                },
                extra);
    }

    // Pipelined: holds the worker until sync() so that everything queued in
    // between forms one batch, and continuations attach before any request ends.
    void gate()
    {
        if (m_mode != Mode::Pipelined || m_hold)
            return;
        m_hold.emplace(*m_db);
    }

    // Lets the worker run and waits for every observation queued so far.
    void sync()
    {
        if (!m_hold)
            return;
        m_pending.append(QFuture<void>(m_hold->future()));
        m_hold.reset(); // releases the worker
        for (const QFuture<void> &future : std::exchange(m_pending, {})) {
            if (!QAsyncSqliteTest::waitForFinished(future, StepTimeout)) {
                m_violations.append(u"a pipelined step before step %1 did not finish"_s.arg(m_step));
                m_hung = true;
                return;
            }
        }
        m_filled.load(std::memory_order_acquire);
        QCoreApplication::sendPostedEvents();
    }

    // --- steps --------------------------------------------------------------

    void open(QJsonObject *observation)
    {
        QJsonObject ignored;
        QJsonObject &target = observation ? *observation : ignored;
        // Functions first in the queue after open(): every later step sees them.
        QList<QFuture<void>> futures{m_db->open(m_path, m_options)};
        futures.append(m_db->createFunction(u"qa_echo"_s, 1, [](const QVariantList &args) {
            return args.at(0);
        }));
        futures.append(m_db->createFunction(u"qa_typeof"_s, 1, [](const QVariantList &args) {
            const QVariant &v = args.at(0);
            switch (v.typeId()) {
            case QMetaType::LongLong:
                return QVariant(u"integer"_s);
            case QMetaType::Double:
                return QVariant(u"real"_s);
            case QMetaType::QString:
                return QVariant(u"text"_s);
            case QMetaType::QByteArray:
                return QVariant(u"blob"_s);
            default:
                return QVariant(u"null"_s);
            }
        }));
        futures.append(m_db->createFunction(u"qa_fail"_s, 1, [](const QVariantList &) -> QVariant {
            throw std::runtime_error("qa_fail");
        }));
        const auto count = [](const QVariant &state, const QVariantList &args) {
            return QVariant(state.toLongLong() + (args.at(0).isNull() ? 0 : 1));
        };
        futures.append(m_db->createAggregate(u"qa_count"_s, 1, QVariant(qint64(0)), count));
        futures.append(m_db->createWindowFunction(
                u"qa_wcount"_s, 1, QVariant(qint64(0)), count,
                [](const QVariant &state, const QVariantList &args) {
                    return QVariant(state.toLongLong() - (args.at(0).isNull() ? 0 : 1));
                },
                [](const QVariant &state) {
                    return state;
                }));
        // One observation: the first failure, else the last request's state.
        for (const QFuture<void> &future : futures)
            observeNull(future, target);
        if (m_mode == Mode::Pipelined)
            sync();
        for (const QFuture<void> &future : futures) {
            const QJsonValue error = errorOf(future);
            if (!error.isNull()) {
                target.insert(u"ok"_s, false);
                target.insert(u"error"_s, error);
                break;
            }
        }
    }

    QFuture<QVariantList> execute(const QString &sql, const QJsonValue &params)
    {
        return isNamed(params) ? m_db->execute(sql, named(params)) : m_db->execute(sql, positional(params));
    }

    QAsyncSqliteCursor *cursor(int id)
    {
        const auto it = m_cursors.find(id);
        if (it == m_cursors.end())
            qFatal("differential: cursor %d used before its 'cursor' step (a generator bug)", id);
        return it->second;
    }

    Observe cursorState(int id)
    {
        QPointer<QAsyncSqliteCursor> c = cursor(id);
        return [c](QJsonObject &observation) {
            if (!c)
                return;
            QJsonArray names;
            for (const QAsyncSqliteColumn &column : c->description())
                names.append(column.name);
            observation.insert(u"cursor"_s,
                               QJsonObject{{u"rowcount"_s, c->rowCount()},
                                           {u"lastrowid"_s, c->lastRowId()},
                                           {u"description"_s, names.isEmpty() ? QJsonValue() : QJsonValue(names)}});
        };
    }

    Observe blobState(int id)
    {
        QAsyncSqliteBlob *blob = m_openBlobs.contains(id) ? m_blobs.at(id).get() : nullptr;
        return [blob](QJsonObject &observation) {
            observation.insert(u"blob"_s, blob ? QJsonValue(QJsonObject{{u"tell"_s, blob->tell()}}) : QJsonValue());
        };
    }

    void runStep(const QJsonObject &step, QJsonObject &obs)
    {
        const QString op = step.value(u"op").toString();
        const QString sql = step.value(u"sql").toString();
        const QJsonValue params = step.value(u"params");
        const int id = step.value(u"id").toInt();
        // Steps that need a result before the next step can be submitted
        // run between two gates.
        // And a switch to Autocommit: if its COMMIT fails, the error
        // arrives through errorOccurred(), which only the awaited step can
        // tell from the others.
        const bool syncPoint = op == u"stream" || op == u"blobOpen" || op == u"reopen"
                || (op == u"setIsolation" && step.value(u"level").isNull());
        if (syncPoint)
            sync();
        else
            gate();

        const auto rows = [](const QFuture<QVariantList> &f) {
            return QJsonValue(rowsToJson(f.result()));
        };
        const auto integerResult = [](const QFuture<qint64> &f) {
            return integer(f.result());
        };

        if (op == u"execute") {
            observe<QVariantList>(execute(sql, params), obs, rows);
        } else if (op == u"executeInsert") {
            observe<qint64>(isNamed(params) ? m_db->executeInsert(sql, named(params))
                                            : m_db->executeInsert(sql, positional(params)),
                            obs, integerResult);
        } else if (op == u"executeMany") {
            observe<qint64>(m_db->executeMany(sql, paramSets(step.value(u"paramSets"))), obs, integerResult);
        } else if (op == u"executeScript") {
            observeNull(m_db->executeScript(sql), obs);
        } else if (op == u"commit") {
            observeNull(m_db->commit(), obs);
        } else if (op == u"rollback") {
            observeNull(m_db->rollback(), obs);
        } else if (op == u"setIsolation") {
            // A setter cannot fail: a COMMIT it implies reports through errorOccurred().
            QJsonValue error;
            const QMetaObject::Connection connection = QObject::connect(
                    m_db.get(), &QAsyncSqliteConnection::errorOccurred, m_db.get(),
                    [&error](const QAsyncSqliteError &e) {
                        error = errorObject(pythonErrorClass(e), e.extendedCode(), e.errorName(), e.message());
                    });
            m_db->setIsolationLevel(isolationLevel(step.value(u"level")));
            observeNull(barrier(), obs);
            QObject::disconnect(connection);
            if (!error.isNull()) {
                obs.insert(u"ok"_s, false);
                obs.insert(u"error"_s, error);
            }
        } else if (op == u"setTextFactory") {
            m_db->setTextFactory(step.value(u"factory").toString() == u"bytes" ? TextFactory::Bytes
                                                                               : TextFactory::String);
            observeNull(barrier(), obs);
        } else if (op == u"transaction") {
            observe<QVariantList>(transaction(step), obs, [](const QFuture<QVariantList> &f) {
                QJsonArray results;
                for (const QVariant &rows : f.result())
                    results.append(rowsToJson(rows.toList()));
                return QJsonValue(results);
            });
        } else if (op == u"dump") {
            observe<QString>(m_db->iterDump(), obs, [](const QFuture<QString> &f) {
                return QJsonValue(QJsonArray::fromStringList(f.results()));
            });
        } else if (op == u"reopen") {
            observeNull(m_db->close(), obs);
            m_openBlobs.clear();
            QJsonObject opened;
            open(&opened);
            if (!opened.value(u"ok").toBool(true)) {
                obs.insert(u"ok"_s, false);
                obs.insert(u"error"_s, opened.value(u"error"));
            }
            obs.insert(u"inTx"_s, m_db->inTransaction());
            obs.insert(u"total"_s, m_db->totalChanges());
        } else if (op == u"cursor") {
            // The cursor it replaces is closed in FIFO order, and deleted
            // only with the connection: observations still pending may read it.
            if (const auto it = m_cursors.find(id); it != m_cursors.end())
                it->second->close();
            m_cursors[id] = m_db->cursor();
            observeNull(barrier(), obs, cursorState(id));
        } else if (op == u"cursorExecute") {
            observeNull(isNamed(params) ? cursor(id)->execute(sql, named(params))
                                        : cursor(id)->execute(sql, positional(params)),
                        obs, cursorState(id));
        } else if (op == u"cursorExecuteMany") {
            observeNull(cursor(id)->executeMany(sql, paramSets(step.value(u"paramSets"))), obs, cursorState(id));
        } else if (op == u"cursorExecuteScript") {
            observeNull(cursor(id)->executeScript(sql), obs, cursorState(id));
        } else if (op == u"fetchOne") {
            observe<QVariant>(
                    cursor(id)->fetchOne(), obs,
                    [](const QFuture<QVariant> &f) {
                        const QVariant row = f.result();
                        return row.isValid() ? QJsonValue(rowToJson(row)) : QJsonValue();
                    },
                    cursorState(id));
        } else if (op == u"fetchMany") {
            const QJsonValue n = step.value(u"n");
            observe<QVariantList>(n.isNull() ? cursor(id)->fetchMany() : cursor(id)->fetchMany(n.toInt()), obs, rows,
                                  cursorState(id));
        } else if (op == u"fetchAll") {
            observe<QVariantList>(cursor(id)->fetchAll(), obs, rows, cursorState(id));
        } else if (op == u"stream") {
            stream(id, obs);
        } else if (op == u"cursorClose") {
            observeNull(cursor(id)->close(), obs, cursorState(id));
        } else if (op.startsWith(u"blob")) {
            blobStep(op, step, id, obs);
        } else {
            qFatal("differential: unknown op %s", qPrintable(op));
        }
    }

    QFuture<QVariantList> transaction(const QJsonObject &step)
    {
        struct Statement
        {
            QString sql;
            QJsonValue params;
        };
        QList<Statement> statements;
        for (const QJsonValue &s : step.value(u"statements").toArray())
            statements.append({s.toObject().value(u"sql").toString(), s.toObject().value(u"params")});
        const bool fail = step.value(u"fail").toBool();
        return m_db->transaction(
                [statements, fail](QAsyncSqliteTransaction &tx) {
                    QVariantList results;
                    for (const Statement &s : statements) {
                        results.append(QVariant(isNamed(s.params) ? tx.execute(s.sql, named(s.params))
                                                                  : tx.execute(s.sql, positional(s.params))));
                    }
                    if (fail)
                        throw std::runtime_error("qa abort");
                    return results;
                },
                transactionMode(step.value(u"mode").toString()));
    }

    void stream(int id, QJsonObject &obs)
    {
        QAsyncSqliteCursor *c = cursor(id);
        QJsonArray collected;
        const QMetaObject::Connection connection =
                QObject::connect(c, &QAsyncSqliteCursor::rowsReady, c, [&collected](const QVariantList &rows) {
                    for (const QJsonValue &row : rowsToJson(rows))
                        collected.append(row);
                });
        observeNull(c->stream(), obs, cursorState(id));
        QObject::disconnect(connection);
        if (obs.value(u"ok").toBool())
            obs.insert(u"result"_s, collected);
    }

    void blobStep(const QString &op, const QJsonObject &step, int id, QJsonObject &obs)
    {
        if (op == u"blobOpen") {
            m_blobs.erase(id); // the previous blob of this id closes itself
            m_openBlobs.erase(id);
            const BlobMode mode = step.value(u"readonly").toBool() ? BlobMode::ReadOnly : BlobMode::ReadWrite;
            QFuture<QAsyncSqliteBlob *> future =
                    m_db->blobOpen(step.value(u"table").toString(), step.value(u"column").toString(),
                                   step.value(u"rowid").toInteger(), mode);
            observe<QAsyncSqliteBlob *>(future, obs, [this, id](const QFuture<QAsyncSqliteBlob *> &f) {
                m_blobs[id].reset(f.result());
                m_openBlobs.insert(id);
                return QJsonValue();
            });
            blobState(id)(obs);
            return;
        }
        const auto it = m_blobs.find(id);
        if (it == m_blobs.end()) {
            // Its blobOpen failed: both executors report the same made-up error.
            const Observe blob = blobState(id);
            observeNull(barrier(), obs, [blob](QJsonObject &observation) {
                blob(observation);
                observation.insert(u"ok"_s, false);
                observation.insert(u"error"_s, noBlob());
            });
            return;
        }
        QAsyncSqliteBlob *blob = it->second.get();
        if (op == u"blobRead") {
            observe<QByteArray>(
                    blob->read(step.value(u"n").toInteger()), obs,
                    [](const QFuture<QByteArray> &f) {
                        return bytes(f.result());
                    },
                    blobState(id));
        } else if (op == u"blobWrite") {
            observeNull(blob->write(QByteArray::fromHex(step.value(u"data").toString().toLatin1())), obs,
                        blobState(id));
        } else if (op == u"blobSeek") {
            const auto origin = SeekOrigin(step.value(u"origin").toInt());
            observe<qint64>(
                    blob->seek(step.value(u"offset").toInteger(), origin), obs,
                    [](const QFuture<qint64> &) {
                        return QJsonValue();
                    },
                    blobState(id));
        } else if (op == u"blobClose") {
            m_openBlobs.erase(id);
            observeNull(blob->close(), obs, blobState(id));
        } else {
            qFatal("differential: unknown op %s", qPrintable(op));
        }
    }

    // --- invariants -----------------------------------------------------------

    // After each awaited step (and at the end): committed() fired once per
    // commit the file saw, and tablesChanged() named every table whose
    // committed content changed since the last successful check.
    void checkCommits(bool final)
    {
        QCoreApplication::sendPostedEvents();
        const qint64 commits = commitCount(m_path) - m_checkedCommits;
        if (m_committedSignals - m_checkedSignals != commits) {
            m_violations.append(u"%1: committed() fired %2 times for %3 commits"_s
                                        .arg(final ? u"at the end"_s : u"step %1"_s.arg(m_step))
                                        .arg(m_committedSignals - m_checkedSignals)
                                        .arg(commits));
        }
        m_checkedCommits += commits;
        m_checkedSignals = m_committedSignals;
        m_commitsSinceContent += commits;

        const std::optional<Content> content = readContent(m_path);
        if (!content)
            return; // locked by a writer: the next check covers this step too
        if (m_lastContent) {
            for (auto it = content->tables.begin(); it != content->tables.end(); ++it) {
                const QString &table = it.key();
                // Tables created, dropped or altered are schema changes,
                // which tablesChanged() does not report, nor are SQLite's
                // own tables (sqlite_sequence).
                if (!m_lastContent->tables.contains(table)
                    || content->schema.value(table) != m_lastContent->schema.value(table)
                    || table.startsWith(u"sqlite_")) {
                    continue;
                }
                if (it.value() != m_lastContent->tables.value(table) && !m_reported.contains(table)) {
                    m_violations.append(u"%1: table %2 changed but tablesChanged() did not report it"_s.arg(
                            final ? u"at the end"_s : u"step %1"_s.arg(m_step), table));
                }
            }
        }
        if (m_commitsSinceContent == 0 && !m_reported.isEmpty() && m_lastContent) {
            m_violations.append(u"%1: tablesChanged(%2) without a commit"_s.arg(
                    final ? u"at the end"_s : u"step %1"_s.arg(m_step),
                    QStringList(m_reported.cbegin(), m_reported.cend()).join(u", "_s)));
        }
        m_reported.clear();
        m_commitsSinceContent = 0;
        m_lastContent = content;
    }

    void finish()
    {
        if (m_hung) {
            m_db.release(); // a hung worker cannot be closed: leak it rather than hang here
            return;
        }
        gate();
        QJsonObject dump;
        observe<QString>(m_db->iterDump(), dump, [](const QFuture<QString> &f) {
            return QJsonValue(QJsonArray::fromStringList(f.results()));
        });
        QJsonObject closed;
        observeNull(m_db->close(), closed);
        sync();
        if (m_hung)
            return;
        m_final.insert(u"dump"_s,
                       dump.value(u"ok").toBool() ? dump.value(u"result")
                                                  : QJsonValue(QJsonObject{{u"error"_s, dump.value(u"error")}}));
        if (!closed.value(u"ok").toBool())
            m_violations.append(u"close() failed: "_s + closed.value(u"error").toObject().value(u"message").toString());
        QString error;
        const std::optional<Content> content = readContent(m_path, &error);
        if (!content) {
            m_violations.append(u"the closed database could not be read: "_s + error);
            return;
        }
        m_final.insert(u"content"_s, QString::fromLatin1(content->sha256));
        QJsonObject tables;
        for (auto it = content->tables.begin(); it != content->tables.end(); ++it)
            tables.insert(it.key(), QString::fromLatin1(it.value()));
        m_final.insert(u"tables"_s, tables);
        if (m_mode == Mode::Awaited)
            checkCommits(true);
        else if (m_committedSignals != commitCount(m_path))
            m_violations.append(
                    u"committed() fired %1 times for %2 commits"_s.arg(m_committedSignals).arg(commitCount(m_path)));
    }

    const QJsonObject m_program;
    const QString m_path;
    const Mode m_mode;
    QAsyncSqliteOptions m_options;
    std::unique_ptr<QAsyncSqliteConnection> m_db;
    std::map<int, QAsyncSqliteCursor *> m_cursors; // children of m_db, like the ones they replaced
    std::map<int, std::unique_ptr<QAsyncSqliteBlob>> m_blobs;
    std::set<int> m_openBlobs;
    std::vector<QJsonObject> m_observations;
    QJsonObject m_final;
    QStringList m_violations;
    qsizetype m_step = 0;
    bool m_hung = false;
    // Pipelined mode.
    std::optional<WorkerHold> m_hold; // while gate()d
    QList<QFuture<void>> m_pending;
    std::atomic<int> m_filled{0}; // observations filled on the worker
    // Invariants.
    qint64 m_committedSignals = 0;
    qint64 m_checkedSignals = 0;
    qint64 m_checkedCommits = 0;
    qint64 m_commitsSinceContent = 0;
    QSet<QString> m_reported;
    std::optional<Content> m_lastContent;
};

} // namespace

Execution execute(const QJsonObject &program, const QString &path, Mode mode)
{
    return Executor(program, path, mode).run();
}

} // namespace Differential
