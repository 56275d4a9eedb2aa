// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLSTREAM_H
#define QASYNCSQLITEQMLSTREAM_H

#include "qasyncsqliteqmlpromises.h"

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtQml/qjsvalue.h>

class QAsyncSqliteCursor;
class QAsyncSqliteQmlAbortSignal;
class QAsyncSqliteQmlConnection;

// One AsyncSqlite.stream() call: fetches chunkSize rows through a
// QAsyncSqliteCursor, hands them to the callback and fetches the next chunk
// only once the callback has returned, or the promise it returned has
// settled (back-pressure). A child of the element, so that nothing settles
// after the element is gone; deletes itself when the stream ends.
class QAsyncSqliteQmlStream : public QObject
{
    Q_OBJECT
public:
    struct Setup
    {
        QString sql;
        QJSValue onChunk;
        int chunkSize = 64;
        QAsyncSqliteQmlAbortSignal *signal = nullptr;
        QAsyncSqliteQml::Promises::Deferred deferred;
    };
    QAsyncSqliteQmlStream(QAsyncSqliteQmlConnection *element, QAsyncSqliteCursor *cursor, Setup setup);

    // Starts with the cursor's execute request.
    void start(const QFuture<void> &executed);

    // Called from JS when the promise a callback returned fulfills / rejects.
    Q_INVOKABLE void resume();
    Q_INVOKABLE void fail(const QJSValue &reason);

private:
    void fetch();
    void deliver(const QVariantList &rows);
    void onAbort();
    // Settles the stream's promise: rejects with \a rejection unless it is
    // undefined; closes the cursor.
    void finish(const QJSValue &rejection);
    // The rejection for \a future's failure (reported as the element's
    // error); undefined if it succeeded.
    QJSValue failureOf(const QFuture<void> &future);

    QAsyncSqliteQmlConnection *m_element; // our parent
    QPointer<QAsyncSqliteCursor> m_cursor; // a child of the element's connection
    Setup m_setup;
    QJSValue m_awaitThen; // function (result, stream): result.then(stream.resume, stream.fail)
    double m_rows = 0;
    bool m_fetching = false; // a request of ours is queued or running
    bool m_last = false; // the last chunk was short: the result has no more rows
    bool m_done = false;
};

#endif // QASYNCSQLITEQMLSTREAM_H
