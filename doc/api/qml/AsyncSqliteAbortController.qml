// The QML API of the AsyncSqliteAbortController type, for the API reference
// only: doxyqml reads these declarations (the type is C++,
// qml/qasyncsqliteqmlabort.h). Keep in step with that header and doc/qml.md.
import QtQml

/**
 * \brief Cancels the requests given its signal, as the browser's
 * `AbortController` cancels `fetch()` (`import QAsyncSqlite`).
 *
 * Pass `signal` as the `signal` option of AsyncSqlite's stream(), backup()
 * or iterDump(). abort() cancels those that have not finished: a queued one
 * never runs, a running one stops. Their promises reject with an `Error`
 * whose `className` is `"QAsyncSqliteOperationalError"` and `name`
 * `"SQLITE_ABORT"`.
 *
 * \code{.qml}
 * AsyncSqliteAbortController { id: exportAbort }
 * // …
 * db.stream(sql, [], rows => write(rows), { signal: exportAbort.signal })
 * exportAbort.abort()
 * \endcode
 *
 * Its read-only property `signal` is the AsyncSqliteAbortSignal to pass:
 * `signal.aborted` says whether abort() was called, and the signal
 * `signal.abort()` is emitted once, after the requests were canceled.
 *
 * A controller aborts once; create a new one for the next request to cancel.
 * See the QML guide (doc/qml.md).
 */
QtObject {
    // Its read-only property `signal` (the AsyncSqliteAbortSignal to pass as
    // a request's `signal` option: `aborted` says whether abort() was called,
    // the signal `abort()` is emitted once, after the requests were
    // canceled) is described above: doxyqml reads `signal` as a keyword.

    /** Cancels every request given `signal` that has not finished, and every
        later one (a request given an aborted signal is canceled at once).
        Does nothing the second time. */
    function abort() {}
}
