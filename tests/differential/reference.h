// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef DIFFERENTIAL_REFERENCE_H
#define DIFFERENTIAL_REFERENCE_H

// reference.py, the Python executor, as one long-lived process: a program
// in, its observations out (PROTOCOL.md, "Transport").

#include <QtCore/qjsonobject.h>
#include <QtCore/qprocess.h>

namespace Differential {

class Reference
{
public:
    // Debian's Python, whose sqlite3 module links the same libsqlite3 as we do.
    static QString pythonPath() { return QStringLiteral("/usr/bin/python3"); }

    ~Reference();
    // Starts /usr/bin/python3 reference.py; false with \a error on failure.
    bool start(const QString &script, QString *error);
    // The observations of \a program run on a new database at \a path:
    // {"steps", "final"}, or {"fatal"} (an executor bug), or an empty object
    // when the process itself failed (then \a error says how).
    QJsonObject run(const QJsonObject &program, const QString &path, QString *error);

private:
    QProcess m_process;
};

} // namespace Differential

#endif // DIFFERENTIAL_REFERENCE_H
