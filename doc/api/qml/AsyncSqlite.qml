// The QML API of the AsyncSqlite type, for the API reference only: doxyqml
// reads these declarations (the type itself is C++, qml/qasyncsqliteqmlconnection.h).
// Keep in step with that header and doc/qml.md.
import QtQml

/**
 * \brief An SQLite database whose queries never block the UI (`import QAsyncSqlite`).
 *
 * Opens `database` when the component is complete, and closes and reopens
 * whenever it changes. Its `sqlite3` handle lives on a worker thread: every
 * method except interrupt() queues a request and returns a JavaScript
 * `Promise` that settles exactly once, on the engine's thread, and never
 * after this object is destroyed. Requests run one after the other, in the
 * order they were made.
 *
 * \code{.qml}
 * AsyncSqlite {
 *     id: db
 *     database: "notes.db"
 *     options.pragmas: ["journal_mode=WAL"]
 *     onOpened: db.execute("SELECT count(*) AS n FROM notes").then(rows => console.log(rows[0].n))
 * }
 * \endcode
 *
 * Values: SQL NULL is `null`, INTEGER a number (a string beyond ±2^53, so no
 * digit is lost), REAL a number, TEXT a string, BLOB an `ArrayBuffer`.
 * Parameters take the same types plus booleans and `Date` (bound as ISO 8601
 * text with its UTC offset). Several result columns with one name give the
 * row the last one, as QtQuick.LocalStorage does, with a warning. Rejections are
 * `Error` objects with `className` (the C++ error class), `code` (SQLite's extended result code), `name` (e.g.
 * `"SQLITE_CONSTRAINT_UNIQUE"`), `message` and `sql`. A call with arguments
 * of the wrong type, or with too few or too many, throws a `TypeError` at
 * once and queues nothing.
 *
 * Enumerations: `AsyncSqlite.Deferred`, `Immediate`, `Exclusive`,
 * `Autocommit` (isolationLevel), `Tuple`, `Row`, `Map` (rowFactory),
 * `String`, `Bytes` (textFactory), `LimitLength` … `LimitWorkerThreads`
 * (limit(), setLimit()); also scoped, `AsyncSqlite.IsolationLevel.Immediate`.
 *
 * In C++ it owns a QAsyncSqliteConnection, `connection`, whose state and
 * signals it forwards. See the QML guide (doc/qml.md).
 */
QtObject {
    /** The database path (relative to the working directory), a `file:` URL
        (what `StandardPaths.writableLocation()` gives), `":memory:"`, or an
        SQLite `file:` URI when `options.uri` is true. Setting it closes the
        old database and opens the new one; requests made meanwhile queue. */
    property string database

    /** Open options (a value type, `asyncSqliteOptions`), applied at the next
        open: `busyTimeout` (ms, default 5000), `isolationLevel`
        (`"deferred"` (default), `"immediate"`, `"exclusive"`,
        `"autocommit"`), `pragmas` (array of strings such as
        `"journal_mode=WAL"`), `readOnly`, `create` (default true),
        `createDirectories` (create missing parent directories, default
        false), `uri`, `cachedStatements` (default 128). Set members
        (`options.busyTimeout: 2000`) or a JS object (`options: ({ … })`). */
    property var options

    /** How a write opens a transaction: AsyncSqlite.Deferred, Immediate,
        Exclusive or Autocommit; set by each open from `options.isolationLevel`. */
    property int isolationLevel

    /** The shape of rows (the element sets AsyncSqlite.Row: objects). */
    property int rowFactory

    /** How TEXT is returned: AsyncSqlite.String or AsyncSqlite.Bytes (`ArrayBuffer`). */
    property int textFactory

    /** Schema steps run by every open before opened() and `ready`: an array
        of SQL scripts or `{name, sql}` objects, step N bringing
        `PRAGMA user_version` to N. Requests made meanwhile wait; a failing
        step fails the open (see doc/migrations.md). */
    property var migrations

    /** The C++ QAsyncSqliteConnection the element owns and runs every request
        on (never null, destroyed with the element): C++ code uses it to
        register functions, collations … */
    readonly property QtObject connection

    /** True between opened() and closed(). */
    readonly property bool ready

    /** The last error as `{code, name, message, sql}`; `{}` until one happens. */
    readonly property var lastError

    /** Whether a transaction is open, as of the last finished request. */
    readonly property bool inTransaction

    /** Rows changed since the open (`sqlite3_total_changes()`), as of the last
        finished request. */
    readonly property real totalChanges

    /** The database was opened. */
    signal opened()

    /** The database was closed. */
    signal closed()

    /** A transaction was committed, explicitly or implicitly. */
    signal committed()

    /** A transaction was rolled back. */
    signal rolledBack()

    /** Tables written by this connection, reported once per commit (not for
        rolled-back changes).
        @param tables the table names (an array of strings), sorted */
    signal tablesChanged(var tables)

    /** A request failed, whether or not its promise is handled.
        @param err an `Error`, the same object the request's promise rejects with */
    signal error(var err)

    /** Runs one statement.
        @param type:string sql one SQL statement
        @param type:var params an array for `?` placeholders or an object for `:name` ones (optional)
        @param type:object options `{signal}`: an AsyncSqliteAbortController's signal that cancels it
        @return type:Promise resolves to an array of rows, each an object keyed by column name */
    function execute(sql, params, options) {}

    /** Runs an INSERT.
        @param type:string sql the INSERT statement
        @param type:var params an array or an object, as for execute() (optional)
        @param type:object options `{signal}`: an AsyncSqliteAbortController's signal that cancels it
        @return type:Promise resolves to the new row's rowid */
    function executeInsert(sql, params, options) {}

    /** Runs one DML statement (INSERT, UPDATE, DELETE, REPLACE) once per parameter set.
        @param type:string sql the statement
        @param type:list paramSets an array of parameter arrays
        @param type:object options `{signal}`: an AsyncSqliteAbortController's signal that cancels it
        @return type:Promise resolves to the number of rows changed */
    function executeMany(sql, paramSets, options) {}

    /** Runs several `;`-separated statements, after committing a pending transaction.
        @param type:string script the SQL script
        @param type:object options `{signal}`: an AsyncSqliteAbortController's signal that cancels it
        @return type:Promise resolves to `undefined` */
    function executeScript(script, options) {}

    /** Runs statements atomically, with no other request in between: BEGIN
        IMMEDIATE … COMMIT, or a savepoint inside an open transaction. If one
        fails, nothing is changed and the promise rejects.
        With a function instead, runs `fn(tx)` in a transaction that spans
        its awaits (tx is an AsyncSqliteTransaction; the other requests wait
        behind it): it commits when the promise `fn` returns resolves and
        rolls back when `fn` throws, its promise rejects or a request made
        through `tx` failed. See doc/qml.md, Transactions.
        @param type:list statements an array of `{sql, params}` objects, or a function `fn(tx)`
        @param type:object options with a function: `{mode: "deferred"|"immediate"|"exclusive", idleTimeout: ms}`; with an array: `{signal}`
        @return type:Promise resolves to an array with each statement's rows, or to what `fn` resolved to */
    function transaction(statements, options) {}

    /** Runs `fn(tx)` like transaction(fn), in a read-only transaction:
        a write through `tx` rejects with SQLITE_READONLY.
        @param type:function fn called with an AsyncSqliteTransaction
        @param type:object options `{idleTimeout: ms}`
        @return type:Promise resolves to what `fn` resolved to */
    function readTransaction(fn, options) {}

    /** Commits the open transaction; does nothing without one.
        @return type:Promise resolves to `undefined` */
    function commit() {}

    /** Rolls back the open transaction; does nothing without one.
        @return type:Promise resolves to `undefined` */
    function rollback() {}

    /** Opens `database` with `options` unless it is open (e.g. the same file
        again after close()). Requests made after it queue behind the open.
        @return type:Promise resolves to `undefined` once open (at once if it
        already was); rejects if opening fails, or when `database` is empty */
    function open() {}

    /** Closes the database after everything queued before it has run.
        @return type:Promise resolves to `undefined` once the handle is closed */
    function close() {}

    /** Copies the database into a file (created or replaced) or another AsyncSqlite.
        @param type:var target the target: a path or `file:` URL, or an open AsyncSqlite
        @param type:var options optional `{pages, name, sleep, signal, onProgress}`:
        pages copied per step (default all), the schema to copy (default
        `"main"`), ms to wait before retrying a locked step (default 250), an
        AsyncSqliteAbortController's signal, and a function called on the
        engine's thread as `onProgress(remaining, total)` (at most about 25
        times a second, always for the last step, before the promise resolves)
        @return type:Promise resolves to `undefined` once the copy is complete */
    function backup(target, options) {}

    /** Runs a query through a cursor and hands its rows to `onChunk` in
        chunks, fetching the next chunk only once `onChunk` has returned or
        the promise it returned has fulfilled (back-pressure).
        @param type:string sql one SQL statement
        @param type:var params an array or an object, as for execute() (optional: `stream(sql, onChunk, options)`)
        @param type:var onChunk a function called as `onChunk(rows)`, rows as execute() gives them
        @param type:var options optional `{chunkSize, signal}`: rows per chunk
        (default 64), an AsyncSqliteAbortController's signal
        @return type:Promise resolves to the number of rows once every chunk
        was handled; rejects with the SQL error, what `onChunk` threw or its
        promise rejected with, or `SQLITE_ABORT` when aborted */
    function stream(sql, params, onChunk, options) {}

    /** Runs a statement on a new cursor, whose rows you fetch yourself.
        @param type:string sql one SQL statement
        @param type:var params an array or an object, as for execute() (optional)
        @param type:var options optional `{signal}`: an AsyncSqliteAbortController's
        signal, which also cancels the cursor's fetches
        @return type:Promise resolves to an AsyncSqliteCursor once the
        statement ran; rejects with its error */
    function cursor(sql, params, options) {}

    /** Dumps the database as SQL (Python's `iterdump()`).
        @param type:var options optional `{signal}`
        @return type:Promise resolves to an array of SQL statements */
    function iterDump(options) {}

    /** The database as the bytes of a database file.
        @param type:string schema the schema (optional, default `"main"`)
        @return type:Promise resolves to an `ArrayBuffer` */
    function serialize(schema) {}

    /** Replaces a schema with a database file's bytes.
        @param type:var data an `ArrayBuffer`, as serialize() gives
        @param type:string schema the schema (optional, default `"main"`)
        @return type:Promise resolves to `undefined` */
    function deserialize(data, schema) {}

    /** Reads a run-time limit.
        @param type:int category AsyncSqlite.LimitLength … LimitWorkerThreads (SQLite's `SQLITE_LIMIT_*`)
        @return type:Promise resolves to the limit's value */
    function limit(category) {}

    /** Sets a run-time limit (SQLite caps it at its compile-time maximum).
        @param type:int category AsyncSqlite.LimitLength … LimitWorkerThreads
        @param type:int value the new value, from 0 on
        @return type:Promise resolves to the previous value */
    function setLimit(category, value) {}

    /** Runs the schema steps the database has not run yet, each atomic
        with its `PRAGMA user_version` bump.
        @param type:var steps an array of SQL scripts or `{name, sql}` objects
        @return type:Promise resolves to the final schema version */
    function migrate(steps) {}

    /** Stops the statement running now: its promise rejects with
        `SQLITE_INTERRUPT`. Returns nothing; does nothing when no statement runs. */
    function interrupt() {}
}
