// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef DIFFERENTIAL_GENERATOR_H
#define DIFFERENTIAL_GENERATOR_H

// Seeded generator of operation programs (PROTOCOL.md, "Program") over a
// small schema: a rowid table with an index, a trigger and a view, a WITHOUT
// ROWID table with NOT NULL and CHECK constraints, and a table that may hold
// invalid UTF-8.

#include <QtCore/qjsonobject.h>

namespace Differential {

// splitmix64: the same sequence for a seed on every platform and compiler.
class Random
{
public:
    explicit Random(quint64 seed) : m_state(seed) { }
    quint64 next();
    int below(int n); // 0 … n-1
    bool chance(int percent) { return below(100) < percent; }

private:
    quint64 m_state;
};

// The program of \a seed: the schema, then 1 to \a maxSteps random steps.
QJsonObject generateProgram(quint64 seed, int maxSteps = 40);

// Programs written down (regression rows) name the generator's first script
// "@schema" or "@schema+rows": these swap the text and the name.
QJsonObject expandSchema(QJsonObject program);
QJsonObject abbreviateSchema(QJsonObject program);

} // namespace Differential

#endif // DIFFERENTIAL_GENERATOR_H
