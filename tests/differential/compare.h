// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef DIFFERENTIAL_COMPARE_H
#define DIFFERENTIAL_COMPARE_H

#include "executor.h"

#include <QtCore/qjsonobject.h>
#include <QtCore/qlist.h>

namespace Differential {

struct Divergence
{
    qsizetype step = -1; // -1: after the last step
    QString op; // the step's op, "final" or "invariant"
    QString field; // e.g. "result", "error.message", "inTx", "cursor.rowcount"
    QJsonValue python;
    QJsonValue qasync;

    // What stays the same while a program shrinks: op and field (and, for an
    // invariant, its message without step numbers).
    QString signature() const;
    QString describe() const;
};

// Where QAsyncSqlite differs from Python on purpose: one entry per
// difference, with the reason and the page that tells users
// (doc/python-compatibility.md). The one list of them.
struct AllowedDivergence
{
    const char *name;
    const char *reason;
    // Whether \a d is this difference; \a step is the program's step,
    // \a python and \a qasync its whole observations (all empty for final
    // fields).
    bool (*matches)(const Divergence &d, const QJsonObject &step, const QJsonObject &python, const QJsonObject &qasync);
    // The two databases may differ from here on (e.g. a statement one side
    // finalized stays active on the other): later steps and the final state
    // are not compared. The invariants still are.
    bool endsComparison = false;
    // Only when the reference runs this Python or a later one (0x030C00 is
    // 3.12; 0: any): a newer Python's departure from 3.11, whose semantics
    // QAsyncSqlite keeps.
    int sincePython = 0;
};
const QList<AllowedDivergence> &allowedDivergences();

// Every difference between the reference's response and \a execution that
// no AllowedDivergence explains. \a ended, if given, tells whether one that
// ends the comparison cut it short.
QList<Divergence> compare(const QJsonObject &program, const QJsonObject &reference, const Execution &execution,
                          bool *ended = nullptr);

} // namespace Differential

#endif // DIFFERENTIAL_COMPARE_H
