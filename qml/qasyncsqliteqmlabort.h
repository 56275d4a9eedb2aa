// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLABORT_H
#define QASYNCSQLITEQMLABORT_H

#include <QtCore/qfuture.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>

/*!
    \qmltype AsyncSqliteAbortSignal
    \inqmlmodule QAsyncSqlite
    \brief The \c signal of an AsyncSqliteAbortController, given to a request
    as its \c signal option (the DOM's \c AbortSignal).

    Created only by a controller. Once aborted it stays aborted: a request
    given an aborted signal is canceled before it runs.
*/
class QAsyncSqliteQmlAbortSignal : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(AsyncSqliteAbortSignal)
    QML_UNCREATABLE("An AsyncSqliteAbortSignal comes from an AsyncSqliteAbortController's signal property.")
    /*! Whether the controller's abort() was called. */
    Q_PROPERTY(bool aborted READ isAborted NOTIFY abortedChanged)

public:
    using QObject::QObject;

    bool isAborted() const { return m_aborted; }

    // Cancels \a request when this signal aborts (at once if it has): the
    // library's per-request cancellation, which skips a queued request and
    // interrupts a running one (doc/cancellation.md).
    void watch(QFuture<void> request);
    template<typename T>
    void watch(const QFuture<T> &request)
    {
        watch(QFuture<void>(request));
    }
    // The signal of \a value: an AsyncSqliteAbortSignal, or a controller
    // (its signal); null for anything else.
    static QAsyncSqliteQmlAbortSignal *fromJs(const QJSValue &value);

Q_SIGNALS:
    /*! The controller aborted; emitted once, after the requests were canceled. */
    void abort();
    void abortedChanged();

private:
    friend class QAsyncSqliteQmlAbortController;
    void trigger();

    QList<QFuture<void>> m_requests; // not finished when last looked at
    bool m_aborted = false;
};

/*!
    \qmltype AsyncSqliteAbortController
    \inqmlmodule QAsyncSqlite
    \brief Cancels the requests given its \l signal (the DOM's
    \c AbortController).

    \qml
    AsyncSqliteAbortController { id: search }
    // …
    db.stream(sql, params, rows => model.append(rows), { signal: search.signal })
        .catch(err => { if (err.name !== "SQLITE_ABORT") console.warn(err.message) })
    search.abort()   // a queued request never runs, a running one stops
    \endqml

    A canceled request's promise rejects with an Error whose \c className is
    \c QAsyncSqliteOperationalError and \c name \c SQLITE_ABORT. A controller
    aborts once; make a new one (\c Qt.createQmlObject or a Component) for
    the next batch of requests.
*/
class QAsyncSqliteQmlAbortController : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(AsyncSqliteAbortController)
    /*! The signal to pass as a request's \c signal option. */
    Q_PROPERTY(QAsyncSqliteQmlAbortSignal *signal READ signal CONSTANT)

public:
    explicit QAsyncSqliteQmlAbortController(QObject *parent = nullptr);

    QAsyncSqliteQmlAbortSignal *signal() const { return m_signal; }

    /*! Cancels every request given \l signal that has not finished, and
        every later one. Does nothing the second time. */
    Q_INVOKABLE void abort();

private:
    QAsyncSqliteQmlAbortSignal *m_signal; // our child
};

#endif // QASYNCSQLITEQMLABORT_H
