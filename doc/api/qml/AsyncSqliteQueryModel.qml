// The QML API of the AsyncSqliteQueryModel type, for the API reference only:
// doxyqml reads these declarations (the type is C++, qml/qasyncsqliteqmlquerymodel.h,
// a QAsyncSqliteQueryModel). Keep in step with that header,
// include/QAsyncSqlite/qasyncsqlitequerymodel.h and doc/qml.md.
import QtQml

/**
 * \brief A list model over one SELECT, loaded in chunks and, with `live`,
 * refreshed when the data changes (`import QAsyncSqlite`).
 *
 * Its roles are the result's column names, so delegates use `model.title` or
 * declare `required property string title`. Rows are fetched `chunkSize` at a
 * time: the first chunk when the query is set, the next ones when a view
 * calls fetchMore().
 *
 * \code{.qml}
 * AsyncSqliteQueryModel {
 *     connection: db
 *     query: "SELECT id AS noteId, title FROM notes WHERE title LIKE ? ORDER BY created DESC"
 *     parameters: ["%" + searchField.text + "%"]
 *     live: true
 * }
 * \endcode
 *
 * In C++ it is a QAsyncSqliteQueryModel. See the QML guide (doc/qml.md).
 */
QtObject {
    /** The AsyncSqlite to query (not owned), or a QAsyncSqliteConnection
        from C++; reads back as it was set. The model loads once it is open,
        and again after a reopen. */
    property QtObject connection

    /** The SELECT statement. Setting it loads the model from the start. */
    property string query

    /** An array for `?` placeholders or an object for `:name` ones, whose
        values bind as AsyncSqlite's parameters do. Setting it reloads. */
    property var parameters

    /** Rows fetched per chunk (default 256). */
    property int chunkSize

    /** Whether the model reloads itself when a table it reads changes
        (default false): at once for commits on its own connection, within
        `pollInterval` for commits by other connections or processes. */
    property bool live

    /** How often a live model checks for commits by other connections, in
        milliseconds (default 250; 0 turns polling off). */
    property int pollInterval

    /** The least time between two live reloads, in milliseconds (default 30;
        0 reloads after every change). The first change after a quiet time
        reloads at once; the last change of a burst always leads to a final
        reload. */
    property int throttle

    /** Rows loaded so far. */
    readonly property int count

    /** Whether a load or fetch is running. */
    readonly property bool loading

    /** Whether every row of the result is loaded. */
    readonly property bool atEnd

    /** `{code, name, message}` of the last failed load; `{}` after a successful one. */
    readonly property var error

    /** The column names of the result (also the role names). */
    readonly property var columns

    /** A load or refresh finished and its rows are in the model. */
    signal refreshed()

    /** Re-runs the query now, keeping the number of loaded rows. */
    function refresh() {}

    /** One row as an object keyed by column name (SQL NULL is `null`).
        @param type:int row the row number
        @return type:object the row */
    function get(row) {}

    /** Loads the next chunk (views call it when they need more rows).
        @param type:var parent `model.index(-1, -1)` */
    function fetchMore(parent) {}
}
