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
 *     options: ({ pragmas: ["journal_mode=WAL"] })
 *     onOpened: db.execute("SELECT count(*) AS n FROM notes").then(rows => console.log(rows[0].n))
 * }
 * \endcode
 *
 * Values: SQL NULL is `null`, INTEGER a number (a string beyond ±2^53, so no
 * digit is lost), REAL a number, TEXT a string, BLOB an `ArrayBuffer`.
 * Parameters take the same types plus booleans and `Date`. Rejections are
 * `Error` objects with `code` (SQLite's extended result code), `name` (e.g.
 * `"SQLITE_CONSTRAINT_UNIQUE"`), `message` and `sql`. A call with arguments
 * of the wrong type, or with too few or too many, throws a `TypeError` at
 * once and queues nothing.
 *
 * In C++ it is a QAsyncSqliteConnection. See the QML guide (doc/qml.md).
 */
QtObject {
    /** The database path (relative to the working directory), `":memory:"`,
        or a `file:` URI when `options.uri` is true. Setting it (re)opens. */
    property string database

    /** Open options, applied at the next open: `busyTimeout` (ms),
        `isolationLevel` (`"deferred"` (default), `"immediate"`,
        `"exclusive"`, `"autocommit"`), `pragmas` (array of strings such as
        `"journal_mode=WAL"`), `readOnly`, `create` (default true), `uri`,
        `cachedStatements` (default 128). */
    property var options

    /** True between opened() and closed(). */
    readonly property bool ready

    /** The last error as `{code, name, message, sql}`; `{}` until one happens. */
    readonly property var lastError

    /** Whether a transaction is open, as of the last finished request. */
    readonly property bool inTransaction

    /** Rows changed since the open (`sqlite3_total_changes()`), as of the last
        finished request. */
    readonly property int totalChanges

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
        @return type:Promise resolves to an array of rows, each an object keyed by column name */
    function execute(sql, params) {}

    /** Runs an INSERT.
        @param type:string sql the INSERT statement
        @param type:var params an array or an object, as for execute() (optional)
        @return type:Promise resolves to the new row's rowid */
    function executeInsert(sql, params) {}

    /** Runs one DML statement (INSERT, UPDATE, DELETE, REPLACE) once per parameter set.
        @param type:string sql the statement
        @param type:list paramSets an array of parameter arrays or objects
        @return type:Promise resolves to the number of rows changed */
    function executeMany(sql, paramSets) {}

    /** Runs several `;`-separated statements, after committing a pending transaction.
        @param type:string script the SQL script
        @return type:Promise resolves to `undefined` */
    function executeScript(script) {}

    /** Runs statements atomically, with no other request in between: BEGIN
        IMMEDIATE … COMMIT, or a savepoint inside an open transaction. If one
        fails, nothing is changed and the promise rejects.
        @param type:list statements an array of `{sql, params}` objects
        @return type:Promise resolves to an array with each statement's rows */
    function transaction(statements) {}

    /** Commits the open transaction; does nothing without one.
        @return type:Promise resolves to `undefined` */
    function commit() {}

    /** Rolls back the open transaction; does nothing without one.
        @return type:Promise resolves to `undefined` */
    function rollback() {}

    /** Closes the database after everything queued before it has run.
        @return type:Promise resolves to `undefined` once the handle is closed */
    function close() {}

    /** Copies the database to a file (created or replaced).
        @param type:string path the target file
        @return type:Promise resolves to `undefined` once the copy is complete */
    function backup(path) {}

    /** Stops the statement running now: its promise rejects with
        `SQLITE_INTERRUPT`. Returns nothing; does nothing when no statement runs. */
    function interrupt() {}
}
