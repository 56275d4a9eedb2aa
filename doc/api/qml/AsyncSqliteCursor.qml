// The QML API of the AsyncSqliteCursor type, for the API reference only:
// doxyqml reads these declarations (the type is C++, qml/qasyncsqliteqmlcursor.h,
// over a QAsyncSqliteCursor). Keep in step with that header and doc/qml.md.
import QtQml

/**
 * \brief A statement and its pending rows, from AsyncSqlite.cursor()
 * (`import QAsyncSqlite`).
 *
 * \code{.qml}
 * db.cursor("SELECT id, title FROM notes ORDER BY id").then(cursor =>
 *     cursor.fetchMany(100).then(rows => { show(rows); return cursor.close() }))
 * \endcode
 *
 * Its requests queue on the element's connection with all others; rows are
 * objects as AsyncSqlite.execute() gives them. The signal given to cursor()
 * cancels its fetches too. After close() every fetch rejects; once the
 * element is destroyed every method throws. Garbage collection closes a
 * cursor left open. See the QML guide (doc/qml.md).
 */
QtObject {
    /** The result's column names. */
    readonly property list<string> columns

    /** Rows fetchMany() fetches when called without a size (default 1). */
    property int arraySize

    /** Fetches the next row.
        @return type:Promise resolves to the row, or `null` after the last */
    function fetchOne() {}

    /** Fetches several rows.
        @param type:int size the most rows to fetch (optional: arraySize; 0: every remaining row)
        @return type:Promise resolves to an array of rows */
    function fetchMany(size) {}

    /** Fetches every remaining row.
        @return type:Promise resolves to an array of rows */
    function fetchAll() {}

    /** Finalizes the statement; later fetches reject.
        @return type:Promise resolves to `undefined` */
    function close() {}
}
