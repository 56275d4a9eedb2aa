import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqlite"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    function settle(promise) {
        var state = { done: false, value: undefined, error: undefined }
        promise.then(function (v) { state.value = v; state.done = true },
                     function (e) { state.error = e; state.done = true })
        tryVerify(function () { return state.done }, 5000)
        return state
    }

    function test_executeRoundTrip() {
        tryVerify(function () { return db.ready }, 5000)
        verify(!settle(db.execute("CREATE TABLE t(a INTEGER, b TEXT, c BLOB, d REAL)")).error)
        var insert = settle(db.executeInsert("INSERT INTO t VALUES(?, ?, ?, ?)", [42, "x", null, 1.5]))
        compare(insert.value, 1)
        var rows = settle(db.execute("SELECT * FROM t")).value
        compare(rows.length, 1)
        compare(rows[0].a, 42)
        compare(rows[0].b, "x")
        compare(rows[0].c, null)
        compare(rows[0].d, 1.5)
    }

    function test_rejectsWithCode() {
        var result = settle(db.execute("INSERT INTO nope VALUES(1)"))
        verify(result.error instanceof Error)
        compare(result.error.name, "SQLITE_ERROR")
        compare(result.error.code, 1)
    }

    function test_typeErrors() {
        var thrown = null
        try { db.execute(42) } catch (e) { thrown = e }
        verify(thrown instanceof TypeError)
        thrown = null
        try { db.execute("SELECT ?", "notAnArray") } catch (e) { thrown = e }
        verify(thrown instanceof TypeError)
    }
}
