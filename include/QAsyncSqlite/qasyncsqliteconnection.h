// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITECONNECTION_H
#define QASYNCSQLITECONNECTION_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>
#include <QAsyncSqlite/qasyncsqliteconnection_impl.h>
#include <QAsyncSqlite/qasyncsqliteerror.h>
#include <QAsyncSqlite/qasyncsqliteoptions.h>
#include <QAsyncSqlite/qasyncsqliterow.h>
#include <QAsyncSqlite/qasyncsqlitetransaction.h>
#include <QAsyncSqlite/qasyncsqlitetransactionhandle.h>
#include <QAsyncSqlite/qasyncsqlitetyped.h>

#include <QtCore/qfuture.h>
#include <QtCore/qobject.h>
#include <QtCore/qscopedpointer.h>

#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>

class QAsyncSqliteBlob;
class QAsyncSqliteConnectionPrivate;
class QAsyncSqliteCursor;
class QAsyncSqliteWorker;

/*!
    \class QAsyncSqliteConnection
    \brief An SQLite connection whose handle lives on its own worker thread
    (aiosqlite's \c Connection).

    Every request is queued, runs on the worker in strict FIFO order (across all
    calling threads) and returns a QFuture. Errors arrive as QAsyncSqliteError
    subclasses inside the future. Continuations attached with \c then() without
    a context run on the worker; use \c then(this, …) to come back to your
    thread (on Qt 6.4 the context must outlive the future).

    \code
    QAsyncSqliteConnection db;
    db.open(u"app.db"_s);
    db.execute(u"SELECT name FROM users WHERE age > ?"_s, {25})
        .then(this, [](const QVariantList &rows) { qDebug() << rows; });
    \endcode

    Every public method may be called from any thread. Signals are emitted in
    the thread the connection object lives in; the NOTIFY signal of a setter
    (or of open()) called in that thread is emitted before it returns.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteConnection : public QObject
{
    Q_OBJECT
    /*! Whether the connection accepts requests (see isOpen()). */
    Q_PROPERTY(bool open READ isOpen NOTIFY openChanged)
    /*! Whether a transaction is open, as of the last finished request. */
    Q_PROPERTY(bool inTransaction READ inTransaction NOTIFY inTransactionChanged)
    /*! Rows changed since open, as of the last finished request. */
    Q_PROPERTY(qint64 totalChanges READ totalChanges NOTIFY totalChangesChanged)
    /*! How implicit transactions begin (Python's \c isolation_level). */
    Q_PROPERTY(QAsyncSqlite::IsolationLevel isolationLevel READ isolationLevel WRITE setIsolationLevel NOTIFY
                       isolationLevelChanged)
    /*! The built-in shape of result rows. */
    Q_PROPERTY(QAsyncSqlite::RowFactory rowFactory READ rowFactory WRITE setRowFactory NOTIFY rowFactoryChanged)
    /*! How TEXT values are returned. */
    Q_PROPERTY(QAsyncSqlite::TextFactory textFactory READ textFactory WRITE setTextFactory NOTIFY textFactoryChanged)

public:
    /*! Creates a closed connection; call open(). */
    explicit QAsyncSqliteConnection(QObject *parent = nullptr);
    /*! Closes like close(), waiting at most shutdownTimeout() for the queued
        requests to run and the handle to close (never for close()'s
        continuations). Past it, interrupts the running statement and fails
        the requests still queued with QAsyncSqliteOperationalError
        (SQLITE_ABORT) and a warning; if the worker is still busy 100 ms later
        (in code no interrupt reaches, e.g. a run() body), returns anyway and
        leaves the worker to finish on its own: it ends that request, fails
        the rest, closes the handle and never touches this object again.
        QCoreApplication's destructor waits for such a worker. Without a
        QCoreApplication (or after it is destroyed) this destructor also
        waits, within the same timeout, for the worker thread to end. */
    ~QAsyncSqliteConnection() override;

    /*! Starts a worker thread and opens \a database (a path, \c ":memory:",
        or a \c file: URI when \a options.uri is set). Returns at once, also
        right after close(): the new worker waits, on its own thread, until
        the previous one has run what was queued before close() and closed
        its handle. Requests queued after open() run after it; if opening
        fails they fail with the same error and the worker thread ends. */
    QFuture<void> open(const QString &database, const QAsyncSqliteOptions &options = {});
    /*! Runs every request queued before it, finalizes statements and closes
        the handle; then closed() is posted and the future finishes on the
        worker, which runs the continuations attached without a context and
        ends. Idempotent; safe from any thread, including a continuation
        running on the worker. Later calls fail with
        QAsyncSqliteProgrammingError, until open(). */
    QFuture<void> close();
    /*! Whether the connection accepts requests (open() was called and
        neither close() nor an open failure has happened since). */
    bool isOpen() const;
    /*! The name given to open(). */
    QString database() const;
    /*! The options given to open(). */
    QAsyncSqliteOptions options() const;

    /*! Runs one statement and returns all its rows (one element per row,
        shaped by the row factory). \a params bind to \c ? placeholders in
        order; their count must match. More than one statement in \a sql is a
        QAsyncSqliteProgrammingError. */
    QFuture<QVariantList> execute(const QString &sql, const QVariantList &params = {});
    /*! Runs one statement with named parameters (\c :name, \c \@name, \c $name;
        keys are given without the prefix). */
    QFuture<QVariantList> execute(const QString &sql, const QVariantMap &params);
    /*! Runs an INSERT and returns the rowid of the inserted row. */
    QFuture<qint64> executeInsert(const QString &sql, const QVariantList &params = {});
    /*! Runs an INSERT with named parameters; returns the rowid. */
    QFuture<qint64> executeInsert(const QString &sql, const QVariantMap &params);
    /*! Runs a DML statement once per element of \a paramSets (one prepared
        statement, one request) and returns the total number of rows changed. */
    QFuture<qint64> executeMany(const QString &sql, const QList<QVariantList> &paramSets);

    /*! Runs one statement like execute() and reads its rows into \a T, a
        QAsyncSqlite::TypedRow (a \c Q_GADGET, an aggregate struct or a
        \c std::tuple), on the worker and without a QVariant per value. A
        value that does not fit its member fails the future with
        QAsyncSqliteDataError, a column that has no member with
        QAsyncSqliteProgrammingError. See doc/typed-rows.md. */
    template<QAsyncSqlite::TypedRow T>
    QFuture<QList<T>> execute(const QString &sql, const QVariantList &params = {})
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedQueryJob<T>(sql, params), true);
    }
    /*! Typed rows (see above) with named parameters. */
    template<QAsyncSqlite::TypedRow T>
    QFuture<QList<T>> execute(const QString &sql, const QVariantMap &params)
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedQueryJob<T>(sql, params), true);
    }
    /*! Typed rows (see above) with the parameters taken from \a params, a
        QAsyncSqlite::TypedRow: an aggregate's or tuple's members bind in
        order, a gadget's properties by name (\c :name). */
    template<QAsyncSqlite::TypedRow T, QAsyncSqlite::TypedRow P>
    QFuture<QList<T>> execute(const QString &sql, const P &params)
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedQueryJob<T>(sql, params), true);
    }
    /*! executeMany() with one parameter set per element of \a paramSets, a
        list of QAsyncSqlite::TypedRow objects bound as execute<T>(sql, P)
        binds one. */
    template<QAsyncSqlite::TypedRow P>
    QFuture<qint64> executeMany(const QString &sql, const QList<P> &paramSets)
    {
        return enqueueTyped(QAsyncSqlite::Detail::typedManyJob(sql, paramSets), false);
    }
    /*! Commits a pending implicit transaction, then runs every statement of
        \a script as is (Python's \c executescript). */
    QFuture<void> executeScript(const QString &script);

    /*! Creates a cursor (a child of this connection). */
    QAsyncSqliteCursor *cursor();
    /*! Creates a cursor and queues execute(\a sql, \a params) on it. */
    QAsyncSqliteCursor *cursor(const QString &sql, const QVariantList &params = {});

    /*! Commits the open transaction; does nothing without one. A failed COMMIT
        leaves the transaction open and reports the error. */
    QFuture<void> commit();
    /*! Rolls back the open transaction; does nothing without one. */
    QFuture<void> rollback();

    /*! Runs \a fn(QAsyncSqliteTransaction &) on the worker inside BEGIN
        (\a mode) … COMMIT, rolling back if it throws; no other request can
        interleave. Called while a transaction is open it nests as a SAVEPOINT.
        Returns what \a fn returns. */
    template<typename Fn>
    auto transaction(Fn &&fn, QAsyncSqlite::TransactionMode mode = QAsyncSqlite::TransactionMode::Immediate)
            -> QFuture<std::invoke_result_t<std::decay_t<Fn> &, QAsyncSqliteTransaction &>>
    {
        using R = std::invoke_result_t<std::decay_t<Fn> &, QAsyncSqliteTransaction &>;
        return submit<R>([fn = std::forward<Fn>(fn), mode](QAsyncSqliteWorker &worker) mutable -> R {
            if constexpr (std::is_void_v<R>) {
                QAsyncSqlite::Detail::runTransaction(worker, mode, [&fn](QAsyncSqliteTransaction &tx) {
                    fn(tx);
                });
            } else {
                std::optional<R> result;
                QAsyncSqlite::Detail::runTransaction(worker, mode, [&fn, &result](QAsyncSqliteTransaction &tx) {
                    result.emplace(fn(tx));
                });
                return std::move(*result);
            }
        });
    }

    /*! Opens a transaction (BEGIN \a mode) that spans several requests and
        returns its handle once BEGIN ran: requests made through the handle
        run inside it, and every other request waits behind it until it
        commits or rolls back (QAsyncSqliteTransactionHandle). Inside an
        open implicit transaction it is a SAVEPOINT, as with transaction(). */
    QFuture<QAsyncSqliteTransactionHandle>
    begin(QAsyncSqlite::TransactionMode mode = QAsyncSqlite::TransactionMode::Immediate);
    /*! Opens the transaction with \a options (mode, read-only, idle
        timeout); see the overload above. */
    QFuture<QAsyncSqliteTransactionHandle> begin(const QAsyncSqliteTransactionOptions &options);

    /*! Runs \a fn(sqlite3 *) on the worker, for SQLite calls QAsyncSqlite does
        not wrap. Returns what \a fn returns; exceptions reach the future. */
    template<typename Fn>
    auto run(Fn &&fn) -> QFuture<std::invoke_result_t<std::decay_t<Fn> &, sqlite3 *>>
    {
        using R = std::invoke_result_t<std::decay_t<Fn> &, sqlite3 *>;
        return submit<R>([fn = std::forward<Fn>(fn)](QAsyncSqliteWorker &worker) mutable -> R {
            return fn(QAsyncSqlite::Detail::handle(worker));
        });
    }

    /*! Brings the schema up to date: runs, in order, the \a steps the
        database has not run yet, as counted by `PRAGMA user_version`
        (step \e N sets it to \e N in the step's own IMMEDIATE transaction),
        and returns the final version, `steps.size()`. With foreign keys
        on, each step runs with them off and fails if
        `PRAGMA foreign_key_check` finds a violation before it commits
        (SQLite's table-rebuild procedure). A failing step rolls back,
        leaving the previous version, and fails the future with its error's
        class, its message naming the step; a database newer than
        \a steps fails with QAsyncSqliteOperationalError and runs nothing.
        Progress: steps run of steps to run. See doc/migrations.md. */
    QFuture<int> migrate(const QList<QAsyncSqliteMigration> &steps);

    /*! Copies this database into \a target's (both stay usable). \a target
        must be another open connection (else QAsyncSqliteProgrammingError);
        its worker pauses while the pages are copied. Two backups that would
        wait for each other (A into B while B into A) do not deadlock: one
        fails with QAsyncSqliteOperationalError (SQLITE_LOCKED).

        The future reports progress in pages: after each step of
        QAsyncSqliteBackupOptions::pages pages, \c progressMaximum() is the
        page count and \c progressValue() the pages copied, ending at the
        maximum, so a QFutureWatcher can drive a QProgressBar:
        \code
        auto *watcher = new QFutureWatcher<void>(this);
        connect(watcher, &QFutureWatcherBase::progressRangeChanged, bar, &QProgressBar::setRange);
        connect(watcher, &QFutureWatcherBase::progressValueChanged, bar, &QProgressBar::setValue);
        watcher->setFuture(db.backup(u"copy.db"_s, {.pages = 256}));
        \endcode */
    QFuture<void> backup(QAsyncSqliteConnection *target, const QAsyncSqliteBackupOptions &options = {});
    /*! Copies this database into the file at \a path (created or replaced);
        its future reports progress as above. */
    QFuture<void> backup(const QString &path, const QAsyncSqliteBackupOptions &options = {});

    /*! Creates (or, with an empty \a fn, removes) the SQL function \a name
        taking \a nArgs arguments (-1: any number). An exception in \a fn
        fails the statement with Python's "user-defined function raised
        exception" (its own text goes to the \c qasyncsqlite log). */
    QFuture<void> createFunction(const QString &name, int nArgs, const QAsyncSqlite::Function &fn,
                                 QAsyncSqlite::FunctionFlags flags = {});
    /*! Creates (or, with an empty \a step, removes) an aggregate: the state
        starts as \a initialState for every group, \a step folds each row's
        arguments into it, and \a finalize (default: identity) turns the last
        state into the result. As in Python, a group without rows gives NULL
        without calling \a finalize, and an exception fails the statement
        with "user-defined aggregate's 'step' method raised error" (or
        'finalize'). */
    QFuture<void> createAggregate(const QString &name, int nArgs, const QVariant &initialState,
                                  const QAsyncSqlite::AggregateStep &step,
                                  const QAsyncSqlite::AggregateFinal &finalize = {},
                                  QAsyncSqlite::FunctionFlags flags = {});
    /*! Creates (or, with an empty \a step, removes) the aggregate window
        function \a name taking \a nArgs arguments (-1: any number), as
        Python's \c create_window_function() does. The state of every frame
        starts as \a initialState; \a step adds a row's arguments to it,
        \a inverse takes out those of the frame's oldest row (both return the
        new state), \a value gives the frame's current result and \a finalize
        the result of a group used without \c OVER. An empty \a value gives
        the state itself, an empty \a finalize what \a value gives; an empty
        \a inverse fails a statement whose frames lose rows, like a Python
        class without \c inverse. A group without rows gives NULL without
        calling \a finalize, and an exception fails the statement with
        Python's message, e.g. "user-defined aggregate's 'inverse' method
        raised error". */
    QFuture<void> createWindowFunction(const QString &name, int nArgs, const QVariant &initialState,
                                       const QAsyncSqlite::AggregateStep &step,
                                       const QAsyncSqlite::AggregateStep &inverse,
                                       const QAsyncSqlite::WindowValue &value,
                                       const QAsyncSqlite::AggregateFinal &finalize = {},
                                       QAsyncSqlite::FunctionFlags flags = {});
    /*! Creates (or, with an empty \a fn, removes) the collation \a name. */
    QFuture<void> createCollation(const QString &name, const QAsyncSqlite::Collation &fn);
    /*! Installs (or, with an empty \a fn, removes) the authorizer. */
    QFuture<void> setAuthorizer(const QAsyncSqlite::Authorizer &fn);
    /*! Calls \a fn every \a n virtual machine instructions; non-zero aborts the
        statement with SQLITE_INTERRUPT. An empty \a fn removes it. */
    QFuture<void> setProgressHandler(const QAsyncSqlite::ProgressHandler &fn, int n);
    /*! Calls \a fn with the text of every statement run. An empty \a fn removes it. */
    QFuture<void> setTraceCallback(const QAsyncSqlite::TraceCallback &fn);
    /*! Stops the request running now: its statement fails with
        SQLITE_INTERRUPT within about a thousand SQLite instructions.
        Thread-safe and not queued. A no-op when no request runs, even while
        a cursor, a stream or a blob keeps a statement open between requests
        (unlike sqlite3_interrupt(), which would fail the next ones). */
    void interrupt();

    /*! Streams the database as SQL text, one result per statement, line for
        line what Python's \c Connection.iterdump() gives (except that a
        single quote in a table name is escaped, where Python 3.11 fails).
        Canceling the future stops the dump. */
    QFuture<QString> iterDump();

    /*! Allows or forbids loadExtension() (and SQL's load_extension()). */
    QFuture<void> enableLoadExtension(bool enabled);
    /*! Loads the extension library at \a path. */
    QFuture<void> loadExtension(const QString &path, const QString &entryPoint = {});

    /*! Opens incremental I/O on one BLOB value. The caller owns the returned
        QAsyncSqliteBlob. */
    QFuture<QAsyncSqliteBlob *> blobOpen(const QString &table, const QString &column, qint64 rowid,
                                         QAsyncSqlite::BlobMode mode = QAsyncSqlite::BlobMode::ReadOnly,
                                         const QString &schema = QStringLiteral("main"));

    /*! The database \a schema as the bytes of a database file. A database
        that has no pages yet gives no bytes before SQLite 3.45.2 and its
        first page from 3.45.2 on. */
    QFuture<QByteArray> serialize(const QString &schema = QStringLiteral("main"));
    /*! Replaces \a schema with the database in \a data. Fails with
        QAsyncSqliteOperationalError (SQLITE_BUSY) while a cursor or blob is
        still reading the connection. */
    QFuture<void> deserialize(const QByteArray &data, const QString &schema = QStringLiteral("main"));
    /*! The current value of run-time limit \a category (SQLITE_LIMIT_*). */
    QFuture<int> limit(int category);
    /*! Sets limit \a category to \a value; returns the previous value. */
    QFuture<int> setLimit(int category, int value);

    /*! Whether a transaction is open, as of the last finished request. */
    bool inTransaction() const;
    /*! Rows changed since open, as of the last finished request. */
    qint64 totalChanges() const;
    /*! How many execute() requests went to a reader connection since the
        last open() (QAsyncSqliteOptions::readers, doc/readers.md); always 0
        without readers. */
    qint64 readsOnReaders() const;

    /*! How implicit transactions begin (Python's \c isolation_level); set
        from QAsyncSqliteOptions::isolationLevel by open(). */
    QAsyncSqlite::IsolationLevel isolationLevel() const;
    /*! Applies to requests queued after this call. Setting Autocommit
        commits an open transaction, as assigning \c None to Python's
        \c isolation_level does (also when the level is Autocommit already).
        If that COMMIT fails (a statement is still writing), the error
        arrives through errorOccurred() and the level is Autocommit all the
        same, as after Python's failed assignment. */
    void setIsolationLevel(QAsyncSqlite::IsolationLevel level);

    /*! The built-in row factory (Tuple when a callable is set). */
    QAsyncSqlite::RowFactory rowFactory() const;
    /*! The callable row factory, if one is set. */
    QAsyncSqlite::RowFactoryFunction rowFactoryFunction() const;
    /*! Applies to requests queued after this call. */
    void setRowFactory(QAsyncSqlite::RowFactory factory);
    /*! Uses \a factory (run on the worker for every row); empty restores Tuple. */
    void setRowFactory(const QAsyncSqlite::RowFactoryFunction &factory);

    /*! How TEXT values are returned (QString or UTF-8 QByteArray). */
    QAsyncSqlite::TextFactory textFactory() const;
    /*! Applies to requests queued after this call. */
    void setTextFactory(QAsyncSqlite::TextFactory factory);

    /*! How long the destructor waits for the queued requests to run and the
        handle to close (default 10 s). */
    std::chrono::milliseconds shutdownTimeout() const;
    /*! Sets how long the destructor waits before interrupting the running
        statement and failing what is still queued; it returns at most
        100 ms after that, leaving a worker still busy to finish on its own. */
    void setShutdownTimeout(std::chrono::milliseconds timeout);

Q_SIGNALS:
    /*! open() succeeded. */
    void opened();
    /*! The handle was closed and the worker ended. */
    void closed();
    /*! isOpen() or database() changed. */
    void openChanged();
    /*! A transaction was committed, explicitly or implicitly. */
    void committed();
    /*! A transaction was rolled back. */
    void rolledBack();
    /*! A chunk of rows of \a cursor was delivered (see QAsyncSqliteCursor::rowsReady). */
    void rowsReady(QAsyncSqliteCursor *cursor, const QVariantList &rows);
    /*! Tables written by this connection, coalesced per commit (update hook). */
    void tablesChanged(const QStringList &tables);
    /*! A request failed with \a error (also delivered through its future). */
    void errorOccurred(const QAsyncSqliteError &error);
    /*! inTransaction() changed. */
    void inTransactionChanged(bool inTransaction);
    /*! totalChanges() changed. */
    void totalChangesChanged(qint64 totalChanges);
    /*! isolationLevel() changed. */
    void isolationLevelChanged(QAsyncSqlite::IsolationLevel level);
    /*! rowFactory() or rowFactoryFunction() changed. */
    void rowFactoryChanged();
    /*! textFactory() changed. */
    void textFactoryChanged();

private:
    template<typename R>
    QFuture<R> submit(typename QAsyncSqlite::Detail::CallableJob<R>::Function fn)
    {
        return QAsyncSqlite::Detail::submit<R>(currentWorker(), std::move(fn));
    }
    // Queues a typed request; a \a query may share a read transaction, as execute()'s does.
    template<typename R>
    QFuture<R> enqueueTyped(std::unique_ptr<QAsyncSqlite::Detail::CallableJob<R>> job, bool query)
    {
        QFuture<R> future = job->future();
        enqueueTypedJob(std::move(job), query);
        return future;
    }
    void enqueueTypedJob(std::unique_ptr<QAsyncSqlite::Detail::Job> job, bool query);
    // The worker of the last open(); null before the first.
    std::shared_ptr<QAsyncSqliteWorker> currentWorker() const;

    friend class QAsyncSqliteCursor;
    Q_DECLARE_PRIVATE(QAsyncSqliteConnection)
    QScopedPointer<QAsyncSqliteConnectionPrivate> d_ptr;
};

#endif // QASYNCSQLITECONNECTION_H
