// The QML API of the AsyncSqliteTransaction type, for the API reference only:
// doxyqml reads these declarations (the type itself is C++,
// qml/qasyncsqliteqmltransaction.h). Keep in step with that header and doc/qml.md.
import QtQml

/**
 * \brief The transaction AsyncSqlite.transaction(fn) and readTransaction(fn)
 * pass to `fn` (`import QAsyncSqlite`; not creatable).
 *
 * Its requests run inside the transaction, which stays open across the
 * awaits of `fn` while the element's other requests wait behind it. The
 * transaction commits when the promise `fn` returns resolves and every
 * request made through it succeeded; otherwise it rolls back. Once it
 * ended, its requests reject with "Cannot operate on a finished transaction.".
 *
 * \code{.qml}
 * db.transaction(tx => tx.executeInsert("INSERT INTO orders(customer) VALUES(?)", [customer])
 *     .then(id => tx.execute("INSERT INTO lines(order_id, item) VALUES(?, ?)", [id, item])))
 * \endcode
 */
QtObject {
    /** Whether the transaction is still open. */
    readonly property bool active: true
    /** Whether writes are refused (readTransaction()). */
    readonly property bool readOnly: false
    /** Whether it is a savepoint inside another transaction (transaction(fn) on a transaction). */
    readonly property bool nested: false

    /** Runs one statement inside the transaction, as AsyncSqlite.execute().
        @param type:string sql the statement
        @param type:var params an array (`?`) or an object (`:name`)
        @return type:Promise resolves to the rows */
    function execute(sql, params) {}

    /** Runs an INSERT inside the transaction, as AsyncSqlite.executeInsert().
        @param type:string sql the statement
        @param type:var params an array (`?`) or an object (`:name`)
        @return type:Promise resolves to the rowid of the inserted row */
    function executeInsert(sql, params) {}

    /** Runs a DML statement once per parameter set inside the transaction.
        @param type:string sql the statement
        @param type:list paramSets an array of parameter arrays
        @return type:Promise resolves to the number of rows changed */
    function executeMany(sql, paramSets) {}

    /** Runs `fn(tx)` in a savepoint, with the rules of AsyncSqlite.transaction(fn);
        its failure rolls back only the savepoint.
        @param type:function fn called with the nested AsyncSqliteTransaction
        @return type:Promise resolves to what `fn` resolved to */
    function transaction(fn) {}
}
