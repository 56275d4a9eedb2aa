// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "reference.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qjsondocument.h>

using namespace Qt::StringLiterals;

namespace Differential {

Reference::~Reference()
{
    m_process.closeWriteChannel(); // EOF: the script ends its loop
    if (!m_process.waitForFinished(10000))
        m_process.kill();
}

bool Reference::start(const QString &script, QString *error)
{
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(pythonPath(), {script});
    if (!m_process.waitForStarted()) {
        *error = u"cannot start %1 %2: %3"_s.arg(pythonPath(), script, m_process.errorString());
        return false;
    }
    return true;
}

QJsonObject Reference::run(const QJsonObject &program, const QString &path, QString *error)
{
    const QJsonObject request{{u"path"_s, path}, {u"program"_s, program}};
    m_process.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    const QDeadlineTimer deadline(60000);
    while (!m_process.canReadLine()) {
        if (m_process.state() != QProcess::Running || deadline.hasExpired()) {
            *error = u"reference.py stopped answering (state %1): %2"_s.arg(m_process.state())
                             .arg(m_process.errorString());
            return {};
        }
        m_process.waitForReadyRead(100);
    }
    QJsonParseError parseError;
    const QJsonDocument response = QJsonDocument::fromJson(m_process.readLine(), &parseError);
    if (!response.isObject()) {
        *error = u"reference.py answered with bad JSON: "_s + parseError.errorString();
        return {};
    }
    return response.object();
}

} // namespace Differential
