// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "compare.h"
#include "value.h"

#include <QtCore/qjsondocument.h>
#include <QtCore/qregularexpression.h>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace Differential {

QString Divergence::signature() const
{
    if (field != u"invariant")
        return op + u' ' + field;
    // "step 12: table t changed …" and "step 3: table t changed …" are one kind.
    static const QRegularExpression numbers(u"\\d+"_s);
    return op + u' ' + QString(qasync.toString()).replace(numbers, u"N"_s);
}

QString Divergence::describe() const
{
    const auto text = [](const QJsonValue &v) {
        if (v.isString())
            return v.toString();
        if (v.isArray())
            return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
        if (v.isObject())
            return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    };
    if (field == u"invariant")
        return u"invariant: "_s + qasync.toString();
    return u"step %1 (%2) %3: Python %4, QAsyncSqlite %5"_s.arg(step).arg(op, field, text(python), text(qasync));
}

namespace {

bool isBlobOp(const QString &op)
{
    return op.startsWith(u"blob");
}

QString pyErrorField(const QJsonObject &observation, const QString &field)
{
    return observation.value(u"error").toObject().value(field).toString();
}

} // namespace

const QList<AllowedDivergence> &allowedDivergences()
{
    static const QList<AllowedDivergence> list = {
            {"blob-range-error-class",
             "C++ has no ValueError: reading, writing or seeking outside a blob is a QAsyncSqliteProgrammingError",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &python, const QJsonObject &) {
                 return isBlobOp(d.op) && d.field.startsWith(u"error.")
                         && pyErrorField(python, u"class"_s) == u"ValueError";
             }},
            {"api-names-in-messages",
             "QAsyncSqlite's own messages name its C++ functions: executeMany() where Python says executemany()",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &, const QJsonObject &) {
                 return d.field == u"error.message"
                         && QString(d.python.toString()).replace(u"executemany()"_s, u"executeMany()"_s)
                         == d.qasync.toString();
             }},
            {"invalid-utf8-text",
             "QString cannot fail to decode: invalid UTF-8 in TEXT reads with U+FFFD replacements where Python raises "
             "(a QByteArray under TextFactory::Bytes in both)",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &python, const QJsonObject &) {
                 static const QString decode = u"Could not decode to UTF-8"_s;
                 if (d.op == u"final")
                     return d.field == u"dump"
                             && d.python.toObject()
                                        .value(u"error")
                                        .toObject()
                                        .value(u"message")
                                        .toString()
                                        .startsWith(decode);
                 return pyErrorField(python, u"message"_s).startsWith(decode);
             }},
            {"iterdump-under-bytes-factory",
             "Python's iterdump() fails under text_factory = bytes (TypeError); iterDump() works under either factory",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &python, const QJsonObject &) {
                 static const QString typeError = u"TypeError"_s;
                 if (d.op == u"final")
                     return d.field == u"dump"
                             && d.python.toObject().value(u"error").toObject().value(u"class").toString() == typeError;
                 return d.op == u"dump" && pyErrorField(python, u"class"_s) == typeError;
             }},
            {"expired-blob-abort-code",
             "A blob whose statement a ROLLBACK aborted reports SQLITE_ABORT_ROLLBACK and stays an active statement "
             "(it blocks COMMIT until closed), where Python may get SQLITE_ABORT and lose the statement: there the "
             "truncate optimization of a DELETE without WHERE expired every blob of the table, and the preupdate hook "
             "turns that optimization off",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &python, const QJsonObject &qasync) {
                 return isBlobOp(d.op) && d.field.startsWith(u"error.")
                         && python.value(u"error").toObject().value(u"code").toInt() == SQLITE_ABORT
                         && qasync.value(u"error").toObject().value(u"code").toInt() == SQLITE_ABORT_ROLLBACK;
             },
             true},
            {"python-blob-read-systemerror",
             "Python 3.11 raises SystemError (\"Negative size passed to PyBytes_FromStringAndSize\") reading a blob "
             "that "
             "expired under a position past its new size 0; blob reads give nothing there",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &python, const QJsonObject &) {
                 return d.op == u"blobRead" && pyErrorField(python, u"class"_s) == u"SystemError";
             }},
            {"nomem-error-class",
             "C++ has no MemoryError: SQLITE_NOMEM is a QAsyncSqliteOperationalError with SQLite's message, where "
             "Python raises MemoryError without one",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &python, const QJsonObject &) {
                 return d.field.startsWith(u"error.") && pyErrorField(python, u"class"_s) == u"MemoryError";
             }},
            {"cursor-lastrowid-none", "lastRowId() is a qint64: 0 where Python's lastrowid is still None",
             [](const Divergence &d, const QJsonObject &, const QJsonObject &, const QJsonObject &) {
                 return d.field == u"cursor.lastrowid" && d.python.isNull() && d.qasync.toInteger() == 0;
             }},
            {"python-3.12-executemany-returning",
             "From Python 3.12 on, executemany() leaves a statement that returned a row unreset: the next parameter "
             "set "
             "fails with InterfaceError (SQLITE_MISUSE), and the last set's rows stay to be fetched, its changes "
             "uncounted; executeMany() runs every set and discards the rows, as Python 3.11 does",
             [](const Divergence &d, const QJsonObject &step, const QJsonObject &, const QJsonObject &) {
                 static const QRegularExpression returning(u"\\bRETURNING\\b"_s,
                                                           QRegularExpression::CaseInsensitiveOption);
                 return (d.op == u"executeMany" || d.op == u"cursorExecuteMany")
                         && returning.match(step.value(u"sql").toString()).hasMatch();
             },
             true, 0x030C00},
    };
    return list;
}

namespace {

class Comparison
{
public:
    QList<Divergence> divergences;

    void step(qsizetype index, const QJsonObject &step, const QJsonObject &python, const QJsonObject &qasync)
    {
        ended = ended || m_endAfterStep;
        m_step = index;
        m_op = index < 0 ? u"final"_s : step.value(u"op").toString();
        m_programStep = step;
        m_python = python;
        m_qasync = qasync;
        field(u"ok"_s, python.value(u"ok"), qasync.value(u"ok"));
        const QJsonValue pyError = python.value(u"error"), cppError = qasync.value(u"error");
        if (pyError.isNull() != cppError.isNull()) {
            field(u"error"_s, pyError, cppError);
        } else if (!pyError.isNull()) {
            for (const QString &part : {u"class"_s, u"code"_s, u"name"_s, u"message"_s}) {
                const QJsonValue expected = pyError.toObject().value(part);
                if (!expected.isNull() || part == u"class" || part == u"message")
                    field(u"error."_s + part, expected, cppError.toObject().value(part));
            }
        }
        field(u"result"_s, python.value(u"result"), qasync.value(u"result"));
        field(u"inTx"_s, python.value(u"inTx"), qasync.value(u"inTx"));
        field(u"total"_s, python.value(u"total"), qasync.value(u"total"));
        for (const QString &part : {u"cursor"_s, u"blob"_s}) {
            const QJsonValue expected = python.value(part), actual = qasync.value(part);
            if (!expected.isObject() || !actual.isObject()) {
                field(part, expected, actual);
                continue;
            }
            const QJsonObject e = expected.toObject(), a = actual.toObject();
            for (auto it = e.begin(); it != e.end(); ++it)
                field(part + u'.' + it.key(), it.value(), a.value(it.key()));
        }
    }

    // Whether an allowed divergence ended the comparison.
    bool ended = false;
    // The reference's Python as 0xMMmmpp.
    int pythonVersion = 0;

    void field(const QString &name, const QJsonValue &python, const QJsonValue &qasync)
    {
        if (ended || sameValue(python, qasync))
            return;
        // Integers compare by value: JSON numbers parsed on either side.
        if (python.isDouble() && qasync.isDouble() && python.toInteger() == qasync.toInteger())
            return;
        const Divergence d{m_step, m_op, name, python, qasync};
        for (const AllowedDivergence &allowed : allowedDivergences()) {
            if (allowed.sincePython <= pythonVersion && allowed.matches(d, m_programStep, m_python, m_qasync)) {
                m_endAfterStep = m_endAfterStep || allowed.endsComparison;
                return;
            }
        }
        divergences.append(d);
    }

private:
    qsizetype m_step = -1;
    bool m_endAfterStep = false;
    QString m_op;
    QJsonObject m_programStep;
    QJsonObject m_python;
    QJsonObject m_qasync;
};

} // namespace

QList<Divergence> compare(const QJsonObject &program, const QJsonObject &reference, const Execution &execution,
                          bool *ended)
{
    Comparison comparison;
    const QJsonArray python = reference.value(u"python").toArray();
    comparison.pythonVersion = python.at(0).toInt() << 16 | python.at(1).toInt() << 8 | python.at(2).toInt();
    const QJsonArray steps = program.value(u"steps").toArray();
    const QJsonArray expected = reference.value(u"steps").toArray();
    for (qsizetype i = 0; i < steps.size(); ++i) {
        comparison.step(i, steps.at(i).toObject(), expected.at(i).toObject(), execution.steps.at(i).toObject());
    }
    const QJsonObject final = reference.value(u"final").toObject();
    comparison.step(-1, {}, {}, {});
    comparison.field(u"dump"_s, final.value(u"dump"), execution.final.value(u"dump"));
    comparison.field(u"content"_s, final.value(u"content"), execution.final.value(u"content"));
    if (final.value(u"content") != execution.final.value(u"content"))
        comparison.field(u"tables"_s, final.value(u"tables"), execution.final.value(u"tables"));
    for (const QString &violation : execution.violations)
        comparison.divergences.append({-1, u"invariant"_s, u"invariant"_s, QJsonValue(), violation});
    if (ended)
        *ended = comparison.ended;
    return comparison.divergences;
}

} // namespace Differential
