// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "generator.h"
#include "value.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qlist.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qset.h>

#include <functional>
#include <limits>

using namespace Qt::StringLiterals;

namespace Differential {

quint64 Random::next()
{
    quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int Random::below(int n)
{
    return int(next() % quint64(n));
}

namespace {

template<typename T>
const T &pick(Random &r, const QList<T> &list)
{
    return list.at(r.below(int(list.size())));
}

// --- values ----------------------------------------------------------------

QJsonValue smallInt(Random &r)
{
    return integer(r.below(12) - 2);
}

QJsonValue edgeInt(Random &r)
{
    constexpr qint64 max = std::numeric_limits<qint64>::max();
    constexpr qint64 min = std::numeric_limits<qint64>::min();
    const QList<qint64> edges = {0, 1, -1, 42, max, min, max - 1, min + 1, (qint64(1) << 53) + 1, -(qint64(1) << 31)};
    if (r.chance(20))
        return integer(qint64(r.next()));
    return integer(pick(r, edges));
}

QJsonValue anyReal(Random &r)
{
    const QList<double> reals = {0.0,
                                 -0.0,
                                 1.5,
                                 -2.25,
                                 0.1,
                                 3.0,
                                 1e308,
                                 -1e308,
                                 5e-324,
                                 2.2250738585072014e-308,
                                 1e16,
                                 123456.789,
                                 -1e-5,
                                 std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity(),
                                 std::numeric_limits<double>::quiet_NaN()};
    return real(pick(r, reals));
}

QJsonValue anyText(Random &r)
{
    const QList<QString> texts = {
            u""_s,     u"a"_s,      u"hello world"_s,   u"ü€"_s,          u"😀"_s,    u"x\0y"_s, QString(QChar(0)),
            u"it's"_s, u"\"dq\""_s, QString(300, u'z'), u"line\nbreak"_s, u"NULL"_s, u"123"_s,  u"1.5"_s,
            u" lead"_s};
    return text(pick(r, texts));
}

QJsonValue anyBlob(Random &r)
{
    switch (r.below(5)) {
    case 0:
        return bytes(QByteArray());
    case 1:
        return bytes(QByteArray(64, '\0'));
    case 2:
        return bytes(QByteArray::fromHex("ff00ff"));
    default: {
        QByteArray data(1 + r.below(8), Qt::Uninitialized);
        for (char &c : data)
            c = char(r.below(256));
        return bytes(data);
    }
    }
}

// Bytes that are mostly not valid UTF-8, stored as TEXT in table raw.
QJsonValue badUtf8(Random &r)
{
    const QList<QByteArray> samples = {"ff", "c3", "80", "e282", "61ff62", "f4908080", "c0af", "eda080", "00"};
    if (r.chance(70))
        return bytes(QByteArray::fromHex(pick(r, samples)));
    return anyBlob(r);
}

QJsonValue anyValue(Random &r)
{
    switch (r.below(10)) {
    case 0:
        return QJsonValue::Null;
    case 1:
    case 2:
        return smallInt(r);
    case 3:
        return edgeInt(r);
    case 4:
    case 5:
        return anyReal(r);
    case 6:
    case 7:
        return anyText(r);
    default:
        return anyBlob(r);
    }
}

QJsonValue key(Random &r)
{
    return text(QString(QChar(u'a' + r.below(5))));
}

QJsonValue rowid(Random &r)
{
    return integer(1 + r.below(8));
}

QJsonValue range(Random &r, int from, int to)
{
    return integer(from + r.below(to - from + 1));
}

// --- statements --------------------------------------------------------------

using ParamsFn = std::function<QJsonValue(Random &)>;

struct Statement
{
    QString sql;
    ParamsFn params; // empty: no parameters
    QJsonValue make(Random &r) const { return params ? params(r) : QJsonValue(QJsonArray()); }
};

template<typename... Fn>
ParamsFn list(Fn... fns)
{
    return [=](Random &r) {
        return QJsonValue(QJsonArray{fns(r)...});
    };
}

const QString Schema = uR"(CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER UNIQUE, b TEXT, c REAL, d BLOB);
CREATE INDEX t_b ON t(b);
CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER NOT NULL CHECK (v >= 0)) WITHOUT ROWID;
CREATE TABLE log(id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);
CREATE TABLE raw(id INTEGER PRIMARY KEY, t TEXT);
CREATE TRIGGER t_insert AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES ('insert ' || new.id); END;
CREATE VIEW tv AS SELECT id, a, b FROM t WHERE a IS NOT NULL;
)"_s;

const QString Rows = uR"(INSERT INTO t(a, b, d) VALUES (1, 'one', zeroblob(4)), (2, 'two', X'0102'), (3, NULL, NULL);
INSERT INTO w VALUES ('a', 1), ('b', 2);
)"_s;

// Queries: read-only, with rows.
const QList<Statement> &reads()
{
    static const QList<Statement> statements = {
            {u"SELECT id, a, b, c, d FROM t ORDER BY id"_s, {}},
            {u"SELECT id, a FROM t WHERE a > ? ORDER BY id LIMIT ?"_s,
             list(smallInt,
                  [](Random &r) {
                      return range(r, 0, 5);
                  })},
            {u"SELECT k, v FROM w ORDER BY k"_s, {}},
            {u"SELECT count(*), total(a), max(b), min(c) FROM t"_s, {}},
            {u"SELECT * FROM tv ORDER BY id"_s, {}},
            {u"SELECT what FROM log ORDER BY id"_s, {}},
            {u"SELECT qa_echo(?), qa_typeof(?)"_s, list(anyValue, anyValue)},
            {u"SELECT ?, ?, ?"_s, list(anyValue, anyValue, anyValue)},
            {u"SELECT :x AS x, :y AS y"_s,
             [](Random &r) {
                 return QJsonValue(QJsonObject{{u"x"_s, anyValue(r)}, {u"y"_s, anyValue(r)}});
             }},
            {u"SELECT id FROM t WHERE b = :b ORDER BY id"_s,
             [](Random &r) {
                 return QJsonValue(QJsonObject{{u"b"_s, anyText(r)}});
             }},
            {u"SELECT typeof(?), length(?), quote(?)"_s, list(anyValue, anyValue, anyValue)},
            {u"SELECT qa_count(a), qa_count(b), count(*) FROM t"_s, {}},
            {u"SELECT qa_fail(a) FROM t"_s, {}},
            {u"PRAGMA user_version"_s, {}},
            {u"SELECT name, type FROM sqlite_schema ORDER BY name"_s, {}},
            {u"SELECT id, a, b FROM t WHERE id IN (SELECT id FROM t ORDER BY id DESC LIMIT 3) ORDER BY id"_s, {}},
            {u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT sum(x) FROM c"_s,
             list([](Random &r) {
                 return range(r, 1, 300);
             })},
            {u"SELECT k, v, sum(v) OVER (ORDER BY k) FROM w ORDER BY k"_s, {}},
            {u"SELECT id, qa_wcount(a) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id"_s,
             {}},
            {u"SELECT qa_wcount(b) FROM t"_s, {}},
            {u"SELECT x, y FROM extra ORDER BY rowid"_s, {}},
            {u"SELECT d FROM t WHERE d IS NOT NULL ORDER BY id"_s, {}},
    };
    return statements;
}

const Statement RawRead{u"SELECT id, t FROM raw ORDER BY id"_s, {}};

// Writes: INSERT, UPDATE, DELETE, REPLACE, UPSERT, RETURNING, in every shape
// Python's statement classification has to judge.
const QList<Statement> &writes()
{
    static const QList<Statement> statements = {
            {u"INSERT INTO t(a, b, c, d) VALUES (?, ?, ?, ?)"_s,
             list(
                     [](Random &r) {
                         return r.chance(80) ? smallInt(r) : edgeInt(r);
                     },
                     anyText, anyValue, anyBlob)},
            {u"INSERT INTO t(a, b, c, d) VALUES (?, ?, ?, ?) RETURNING id, a"_s,
             list(smallInt, anyText, anyReal, anyBlob)},
            {u"INSERT INTO t(id, a, b) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET a = excluded.a, b = excluded.b"_s,
             list(rowid, smallInt, anyText)},
            {u"INSERT OR REPLACE INTO t(id, a) VALUES (?, ?)"_s, list(rowid, smallInt)},
            {u"UPDATE t SET a = a + ? WHERE id % 3 = ?"_s,
             list(smallInt,
                  [](Random &r) {
                      return range(r, 0, 2);
                  })},
            {u"UPDATE t SET b = ? WHERE id = ? RETURNING id, b"_s, list(anyText, rowid)},
            {u"DELETE FROM t WHERE id = ?"_s, list(rowid)},
            {u"DELETE FROM t WHERE a > ? RETURNING id"_s, list(smallInt)},
            {u"DELETE FROM t"_s, {}},
            {u"INSERT INTO t(a, d) VALUES (?, zeroblob(?))"_s,
             list(smallInt,
                  [](Random &r) {
                      return range(r, 0, 8);
                  })},
            {u"WITH x(v) AS (SELECT ?) INSERT INTO t(a) SELECT v FROM x"_s, list(smallInt)},
            {u"/* "_s + QString(300, u'c') + u" */ INSERT INTO t(a) VALUES (?)"_s, list(smallInt)},
            {u"-- note\nINSERT INTO t(b) VALUES (?)"_s, list(anyText)},
            {u"insert into w(k, v) values (?, ?)"_s,
             list(key,
                  [](Random &r) {
                      return r.chance(80) ? range(r, 0, 9) : (r.chance(50) ? integer(-1) : QJsonValue());
                  })},
            {u"REPLACE INTO w(k, v) VALUES (?, ?)"_s,
             list(key,
                  [](Random &r) {
                      return range(r, 0, 9);
                  })},
            {u"UPDATE w SET v = v + 1 WHERE k = ?"_s, list(key)},
            {u"DELETE FROM w WHERE k = ?"_s, list(key)},
            {u"DELETE FROM w"_s, {}},
            {u"INSERT INTO w(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v RETURNING k, v"_s,
             list(key,
                  [](Random &r) {
                      return range(r, 0, 3);
                  })},
            {u"INSERT INTO raw(t) VALUES (CAST(? AS TEXT))"_s, list(badUtf8)},
            {u"DELETE FROM raw"_s, {}},
            {u"DELETE FROM log WHERE id % 2 = 0"_s, {}},
            {u"UPDATE t SET c = ? WHERE id = (SELECT min(id) FROM t)"_s, list(anyValue)},
            {u"INSERT INTO extra VALUES (?, ?)"_s, list(anyValue, anyValue)},
    };
    return statements;
}

const QList<Statement> &errors()
{
    static const QList<Statement> statements = {
            {u"SELEC 1"_s, {}},
            {u"SELECT * FROM missing"_s, {}},
            {u"INSERT INTO t(a) VALUES (?)"_s,
             [](Random &r) {
                 return r.chance(50) ? QJsonValue(QJsonArray()) : QJsonValue(QJsonArray{smallInt(r), smallInt(r)});
             }},
            {u"SELECT 1; SELECT 2"_s, {}},
            {u"INSERT INTO t(zz) VALUES (1)"_s, {}},
            {u"SELECT :x"_s,
             [](Random &) {
                 return QJsonValue(QJsonObject());
             }},
            {u"SELECT :x"_s, list(anyValue)},
            {u"SELECT ?"_s,
             [](Random &r) {
                 return QJsonValue(QJsonObject{{u"x"_s, anyValue(r)}});
             }},
            {u"INSERT INTO w(k, v) VALUES ('zz', -1)"_s, {}},
            {u""_s, {}},
            {u"  -- only a comment"_s, {}},
            {u"INSERT INTO t(a) VALUES (1); -- trailing comment"_s, {}},
            {u"SELECT 1 ;; ;"_s, {}},
            {u";SELECT 2"_s, {}},
            {u"SELECT 3; /* c */ SELECT 4"_s, {}},
    };
    return statements;
}

// No TEMP tables: a transaction that writes to main and temp is one commit
// with two files, and the commit invariant counts commits by file.
const QList<Statement> &ddl()
{
    static const QList<Statement> statements = {
            {u"CREATE TABLE IF NOT EXISTS extra(x, y)"_s, {}},   {u"DROP TABLE IF EXISTS extra"_s, {}},
            {u"CREATE INDEX IF NOT EXISTS t_a ON t(a)"_s, {}},   {u"DROP INDEX IF EXISTS t_a"_s, {}},
            {u"ALTER TABLE extra ADD COLUMN z DEFAULT 7"_s, {}}, {u"PRAGMA user_version = 7"_s, {}},
    };
    return statements;
}

const QList<Statement> &transactionControl()
{
    static const QList<Statement> statements = {
            {u"BEGIN"_s, {}},
            {u"BEGIN IMMEDIATE"_s, {}},
            {u"BEGIN EXCLUSIVE"_s, {}},
            {u"BEGIN DEFERRED"_s, {}},
            {u"COMMIT"_s, {}},
            {u"END"_s, {}},
            {u"ROLLBACK"_s, {}},
            {u"SAVEPOINT sp1"_s, {}},
            {u"SAVEPOINT sp2"_s, {}},
            {u"RELEASE sp1"_s, {}},
            {u"RELEASE SAVEPOINT sp2"_s, {}},
            {u"ROLLBACK TO sp1"_s, {}},
            {u"ROLLBACK TRANSACTION TO SAVEPOINT sp2"_s, {}},
    };
    return statements;
}

// A statement's SQL with its parameters written in as literals (scripts
// take no parameters).
QString inlined(const Statement &statement, const QJsonValue &params)
{
    QString sql = statement.sql;
    if (params.isObject()) {
        const QJsonObject named = params.toObject();
        for (auto it = named.begin(); it != named.end(); ++it)
            sql.replace(u':' + it.key(), sqlLiteral(it.value()));
        return sql;
    }
    const QJsonArray values = params.toArray();
    QString out;
    qsizetype next = 0;
    for (const QChar c : sql) {
        if (c == u'?' && next < values.size())
            out += sqlLiteral(values.at(next++));
        else
            out += c;
    }
    return out;
}

QJsonObject sqlStep(const QString &op, const Statement &statement, Random &r)
{
    return {{u"op"_s, op}, {u"sql"_s, statement.sql}, {u"params"_s, statement.make(r)}};
}

class Generator
{
public:
    explicit Generator(quint64 seed) : m_random(seed) { }

    QJsonObject program(int maxSteps)
    {
        Random &r = m_random;
        const QList<QString> journals = {u"delete"_s, u"wal"_s};
        const QJsonObject options{{u"journal"_s, pick(r, journals)},
                                  {u"isolation"_s, isolation()},
                                  {u"cachedStatements"_s, pick(r, QList<int>{0, 2, 128})},
                                  {u"iterChunkSize"_s, pick(r, QList<int>{1, 2, 64})}};
        QJsonArray steps;
        steps.append(QJsonObject{{u"op"_s, u"executeScript"_s}, {u"sql"_s, r.chance(70) ? Schema + Rows : Schema}});
        // Mostly short programs (they shrink fast), some long ones.
        const int count = 1 + r.below(r.chance(70) ? qMin(25, maxSteps) : maxSteps);
        for (int i = 0; i < count; ++i)
            steps.append(step());
        return {{u"options"_s, options}, {u"steps"_s, steps}};
    }

private:
    QJsonValue isolation()
    {
        const QList<QJsonValue> levels = {u"DEFERRED"_s, u"IMMEDIATE"_s, u"EXCLUSIVE"_s, QJsonValue::Null};
        return pick(m_random, levels);
    }

    // A statement for execute(): mostly queries and writes.
    const Statement &anyStatement()
    {
        Random &r = m_random;
        const int roll = r.below(100);
        if (roll < 35)
            return pick(r, reads());
        if (roll < 75)
            return pick(r, writes());
        if (roll < 82)
            return pick(r, errors());
        if (roll < 90)
            return pick(r, ddl());
        return pick(r, transactionControl());
    }

    QJsonObject executeStep()
    {
        if (m_bytes && m_random.chance(15))
            return sqlStep(u"execute"_s, RawRead, m_random); // invalid UTF-8 only under the bytes factory
        return sqlStep(u"execute"_s, anyStatement(), m_random);
    }

    QJsonValue paramSets(const Statement &statement)
    {
        QJsonArray sets;
        const int count = m_random.below(5);
        for (int i = 0; i < count; ++i)
            sets.append(statement.make(m_random));
        return sets;
    }

    const Statement &manyStatement()
    {
        Random &r = m_random;
        // Rejected: not DML. Its own text, used nowhere else: Python 3.11
        // resets a cached statement of the same text that a cursor is still
        // reading when it rejects it (doc/python-compatibility.md).
        static const Statement rejected{u"SELECT ? AS rejected"_s, list(anyValue)};
        if (r.chance(10))
            return rejected;
        if (r.chance(5))
            return ddl().first(); // DDL: Python accepts it
        return pick(r, writes());
    }

    QString script()
    {
        QStringList parts;
        const int count = 1 + m_random.below(4);
        for (int i = 0; i < count; ++i) {
            const Statement &s = m_random.chance(60) ? pick(m_random, writes())
                    : m_random.chance(50)            ? pick(m_random, transactionControl())
                                                     : anyStatement();
            parts.append(inlined(s, s.make(m_random)));
        }
        QString text = parts.join(u";\n"_s);
        if (m_random.chance(50))
            text += u';';
        return text;
    }

    int cursorId(bool create)
    {
        if (create || m_cursors.isEmpty()) {
            const int id = 1 + m_random.below(3);
            m_pending.append(QJsonObject{{u"op"_s, u"cursor"_s}, {u"id"_s, id}});
            m_cursors.insert(id);
            return id;
        }
        return pick(m_random, QList<int>(m_cursors.cbegin(), m_cursors.cend()));
    }

    QJsonObject cursorStep()
    {
        Random &r = m_random;
        const int roll = r.below(100);
        if (roll < 30) {
            const int id = cursorId(r.chance(30));
            const Statement &s = r.chance(60) ? pick(r, reads()) : anyStatement();
            QJsonObject step = sqlStep(u"cursorExecute"_s, s, r);
            step.insert(u"id"_s, id);
            return step;
        }
        const int id = cursorId(false);
        QJsonObject step{{u"id"_s, id}};
        if (roll < 38) {
            const Statement &s = manyStatement();
            step.insert(u"op"_s, u"cursorExecuteMany"_s);
            step.insert(u"sql"_s, s.sql);
            step.insert(u"paramSets"_s, paramSets(s));
        } else if (roll < 41) {
            step.insert(u"op"_s, u"cursorExecuteScript"_s);
            step.insert(u"sql"_s, script());
        } else if (roll < 60) {
            step.insert(u"op"_s, u"fetchOne"_s);
        } else if (roll < 75) {
            step.insert(u"op"_s, u"fetchMany"_s);
            // Not -1: fetchMany(-1) means arraySize(), where Python's
            // fetchmany(-1) fetches everything (doc/python-compatibility.md).
            step.insert(u"n"_s, pick(r, QList<QJsonValue>{QJsonValue::Null, 0, 1, 2, 5}));
        } else if (roll < 85) {
            step.insert(u"op"_s, u"fetchAll"_s);
        } else if (roll < 92) {
            step.insert(u"op"_s, u"stream"_s);
        } else {
            step.insert(u"op"_s, u"cursorClose"_s);
        }
        return step;
    }

    QJsonObject blobStep()
    {
        Random &r = m_random;
        // An id stays taken from its blobOpen to its blobClose, whether or
        // not the open succeeded: re-using an open id would leave the old
        // blob to Python's garbage collector.
        QList<int> free, taken;
        for (int id = 1; id <= 2; ++id)
            (m_blobs.contains(id) ? taken : free).append(id);
        if (taken.isEmpty() || (!free.isEmpty() && r.chance(25))) {
            const int id = pick(r, free);
            m_blobs.insert(id);
            QJsonObject step{{u"op"_s, u"blobOpen"_s}, {u"id"_s, id}, {u"readonly"_s, r.chance(30)}};
            const int target = r.below(100);
            const auto where = target < 80 ? std::pair(u"t"_s, u"d"_s)
                    : target < 90          ? std::pair(u"raw"_s, u"t"_s)
                    : target < 95          ? std::pair(u"t"_s, u"a"_s)
                                           : std::pair(u"w"_s, u"v"_s);
            step.insert(u"table"_s, where.first);
            step.insert(u"column"_s, where.second);
            step.insert(u"rowid"_s, 1 + r.below(6));
            return step;
        }
        const int id = pick(r, taken);
        QJsonObject step{{u"id"_s, id}};
        const int roll = r.below(100);
        if (roll < 30) {
            step.insert(u"op"_s, u"blobRead"_s);
            step.insert(u"n"_s, pick(r, QList<int>{-1, 0, 1, 2, 5, 100}));
        } else if (roll < 60) {
            step.insert(u"op"_s, u"blobWrite"_s);
            QByteArray data(r.below(5), Qt::Uninitialized);
            for (char &c : data)
                c = char(r.below(256));
            step.insert(u"data"_s, QString::fromLatin1(data.toHex()));
        } else if (roll < 80) {
            step.insert(u"op"_s, u"blobSeek"_s);
            step.insert(u"offset"_s, pick(r, QList<int>{-1, 0, 1, 2, 3, 100}));
            step.insert(u"origin"_s, r.below(3));
        } else {
            step.insert(u"op"_s, u"blobClose"_s);
            m_blobs.remove(id);
        }
        return step;
    }

    QJsonObject transactionStep()
    {
        Random &r = m_random;
        QJsonArray statements;
        const int count = 1 + r.below(3);
        for (int i = 0; i < count; ++i) {
            const Statement &s = r.chance(70) ? pick(r, writes()) : r.chance(70) ? pick(r, reads()) : anyStatement();
            statements.append(QJsonObject{{u"sql"_s, s.sql}, {u"params"_s, s.make(r)}});
        }
        return {{u"op"_s, u"transaction"_s},
                {u"mode"_s, pick(r, QList<QString>{u"DEFERRED"_s, u"IMMEDIATE"_s, u"EXCLUSIVE"_s})},
                {u"statements"_s, statements},
                {u"fail"_s, r.chance(20)}};
    }

    QJsonObject generate()
    {
        Random &r = m_random;
        const int roll = r.below(1000);
        if (roll < 380)
            return executeStep();
        if (roll < 430)
            return sqlStep(u"executeInsert"_s, pick(r, writes()), r);
        if (roll < 500) {
            const Statement &s = manyStatement();
            return {{u"op"_s, u"executeMany"_s}, {u"sql"_s, s.sql}, {u"paramSets"_s, paramSets(s)}};
        }
        if (roll < 540)
            return {{u"op"_s, u"executeScript"_s}, {u"sql"_s, script()}};
        if (roll < 620)
            return {{u"op"_s, u"commit"_s}};
        if (roll < 660)
            return {{u"op"_s, u"rollback"_s}};
        if (roll < 690)
            return {{u"op"_s, u"setIsolation"_s}, {u"level"_s, isolation()}};
        if (roll < 710) {
            m_bytes = r.chance(50);
            return {{u"op"_s, u"setTextFactory"_s}, {u"factory"_s, m_bytes ? u"bytes"_s : u"str"_s}};
        }
        if (roll < 760)
            return transactionStep();
        if (roll < 910)
            return cursorStep();
        if (roll < 980)
            return blobStep();
        if (roll < 990)
            return {{u"op"_s, u"dump"_s}};
        m_cursors.clear(); // closed with the connection: later steps make new ones
        return {{u"op"_s, u"reopen"_s}};
    }

    // One step, after any step it needs first (a cursor's creation).
    QJsonObject step()
    {
        if (!m_pending.isEmpty())
            return m_pending.takeFirst();
        QJsonObject next = generate();
        if (!m_pending.isEmpty()) {
            m_pending.append(next);
            return m_pending.takeFirst();
        }
        return next;
    }

    Random m_random;
    QSet<int> m_cursors;
    QSet<int> m_blobs;
    QList<QJsonObject> m_pending;
    bool m_bytes = false;
};

} // namespace

QJsonObject generateProgram(quint64 seed, int maxSteps)
{
    return Generator(seed).program(maxSteps);
}

namespace {

// Replaces the sql of every executeScript step that is \a from with \a to.
QJsonObject replaceScripts(QJsonObject program, const QList<std::pair<QString, QString>> &replacements)
{
    QJsonArray steps = program.value(u"steps").toArray();
    for (qsizetype i = 0; i < steps.size(); ++i) {
        QJsonObject step = steps.at(i).toObject();
        for (const auto &[from, to] : replacements) {
            if (step.value(u"op").toString() == u"executeScript" && step.value(u"sql").toString() == from) {
                step.insert(u"sql"_s, to);
                steps.replace(i, step);
                break;
            }
        }
    }
    program.insert(u"steps"_s, steps);
    return program;
}

} // namespace

QJsonObject expandSchema(QJsonObject program)
{
    return replaceScripts(program, {{u"@schema"_s, Schema}, {u"@schema+rows"_s, Schema + Rows}});
}

QJsonObject abbreviateSchema(QJsonObject program)
{
    return replaceScripts(program, {{Schema, u"@schema"_s}, {Schema + Rows, u"@schema+rows"_s}});
}

} // namespace Differential
