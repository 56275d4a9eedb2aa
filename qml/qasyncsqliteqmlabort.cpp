// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "qasyncsqliteqmlabort.h"

void QAsyncSqliteQmlAbortSignal::watch(QFuture<void> request)
{
    if (m_aborted) {
        request.cancel();
        return;
    }
    // Finished requests are dropped here rather than watched: a signal that
    // lives as long as a page may see thousands of requests.
    m_requests.removeIf([](const QFuture<void> &f) {
        return f.isFinished();
    });
    m_requests.append(std::move(request));
}

QAsyncSqliteQmlAbortSignal *QAsyncSqliteQmlAbortSignal::fromJs(const QJSValue &value)
{
    QObject *object = value.toQObject();
    if (auto *signal = qobject_cast<QAsyncSqliteQmlAbortSignal *>(object))
        return signal;
    if (auto *controller = qobject_cast<QAsyncSqliteQmlAbortController *>(object))
        return controller->signal();
    return nullptr;
}

void QAsyncSqliteQmlAbortSignal::trigger()
{
    if (m_aborted)
        return;
    m_aborted = true;
    for (QFuture<void> &request : std::exchange(m_requests, {}))
        request.cancel();
    Q_EMIT abortedChanged();
    Q_EMIT abort();
}

QAsyncSqliteQmlAbortController::QAsyncSqliteQmlAbortController(QObject *parent)
    : QObject(parent), m_signal(new QAsyncSqliteQmlAbortSignal(this))
{
}

void QAsyncSqliteQmlAbortController::abort()
{
    m_signal->trigger();
}
