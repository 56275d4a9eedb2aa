// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQMLTRANSACTION_H
#define QASYNCSQLITEQMLTRANSACTION_H

#include "qasyncsqliteqmlpromises.h"

#include <QAsyncSqlite/qasyncsqlitetransactionhandle.h>

#include <QtCore/qpointer.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>

class QAsyncSqliteQmlConnection;

/*!
    \qmltype AsyncSqliteTransaction
    \inqmlmodule QAsyncSqlite
    \brief The transaction that AsyncSqlite's \c transaction(fn) and
    \c readTransaction(fn) pass to \c fn.

    Its requests run inside the transaction, which spans every \c await (or
    \c then) of \c fn, while the element's other requests wait behind it.
    The transaction commits when the promise \c fn returns resolves (or at
    once when \c fn returns something else) and every request made through
    it succeeded; it rolls back when \c fn throws, its promise rejects, or a
    request made through it failed, and \c transaction() rejects with that
    error. Not creatable; do not keep it past \c fn: its requests then
    reject. See doc/qml.md.
*/
class QAsyncSqliteQmlTransaction : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(AsyncSqliteTransaction)
    QML_UNCREATABLE("made by AsyncSqlite.transaction(fn) and readTransaction(fn)")
    /*! Whether the transaction is still open. */
    Q_PROPERTY(bool active READ isActive NOTIFY activeChanged)
    /*! Whether it refuses writes (\c readTransaction()). */
    Q_PROPERTY(bool readOnly READ isReadOnly CONSTANT)
    /*! Whether it is a savepoint inside another transaction (\c tx.transaction(fn)). */
    Q_PROPERTY(bool nested READ isNested CONSTANT)

public:
    // Runs \a fn(tx) on a transaction opened by \a begun and settles the
    // returned promise (engine thread).
    static QJSValue run(QAsyncSqliteQmlConnection *owner, QFuture<QAsyncSqliteTransactionHandle> begun,
                        const QJSValue &fn, bool readOnly);
    ~QAsyncSqliteQmlTransaction() override;

    bool isActive() const { return m_handle.isActive() && !m_finishing; }
    bool isReadOnly() const { return m_readOnly; }
    bool isNested() const { return m_handle.isNested(); }

    /*! Like AsyncSqlite's, inside the transaction. */
    Q_INVOKABLE QJSValue execute(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                 const QJSValue &extra = QJSValue());
    /*! Like AsyncSqlite's, inside the transaction. */
    Q_INVOKABLE QJSValue executeInsert(const QJSValue &sql = QJSValue(), const QJSValue &params = QJSValue(),
                                       const QJSValue &extra = QJSValue());
    /*! Like AsyncSqlite's, inside the transaction. */
    Q_INVOKABLE QJSValue executeMany(const QJSValue &sql = QJSValue(), const QJSValue &paramSets = QJSValue(),
                                     const QJSValue &extra = QJSValue());
    /*! Runs \a fn(tx) in a savepoint, with the same rules as
        AsyncSqlite.transaction(fn): its failure rolls back only the savepoint
        (and rejects the promise this returns). */
    Q_INVOKABLE QJSValue transaction(const QJSValue &fn = QJSValue(), const QJSValue &extra = QJSValue());

    /*! Internal: the end of \c fn, called by the JS driver
        (Promises::runTransaction()): commits (\a ok) or rolls back once every
        request made through it has finished. */
    Q_INVOKABLE QJSValue finish(bool ok, const QJSValue &value);

Q_SIGNALS:
    void activeChanged();

private:
    QAsyncSqliteQmlTransaction(QAsyncSqliteQmlConnection *owner, QAsyncSqliteTransactionHandle handle, bool readOnly);
    // Whether a call of \a method must not go on: its element is gone (an
    // Error is thrown; a transaction kept past fn can outlive it), or the
    // element's own argument check threw.
    bool refuses(const QString &method, const QJSValue &extra);
    // Tracks \a future: a failure dooms the transaction.
    template<typename T>
    void track(const QFuture<T> &future);
    void settle();
    void ended();

    QPointer<QAsyncSqliteQmlConnection> m_owner;
    QAsyncSqliteTransactionHandle m_handle;
    QAsyncSqliteQml::Promises m_promises;
    const bool m_readOnly;
    int m_pending = 0; // requests not finished yet
    std::shared_ptr<const QAsyncSqliteError> m_firstFailure;
    bool m_finishing = false;
    bool m_finishOk = false;
    QJSValue m_finishValue;
    QAsyncSqliteQml::Promises::Deferred m_finished;
};

#endif // QASYNCSQLITEQMLTRANSACTION_H
