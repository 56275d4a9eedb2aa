// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqliteQueryModel in QML: roles named like the columns, incremental
// loading through canFetchMore/fetchMore (also driven by a ListView),
// error, refresh(), and live refresh after writes on the same connection
// and on another one (WAL).
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteQueryModel"
    when: windowShown
    width: 300
    height: 300

    readonly property string path: tempDir + "/querymodel.db"

    AsyncSqlite {
        id: db
        database: testCase.path
        options: ({ pragmas: ["journal_mode=WAL"], busyTimeout: 5000 })
    }

    // Another connection on the same file: its commits reach live models
    // through polling.
    AsyncSqlite {
        id: other
        database: testCase.path
        options: ({ busyTimeout: 5000 })
    }

    Component {
        id: modelComponent
        AsyncSqliteQueryModel {}
    }

    Component {
        id: viewComponent
        ListView {
            width: 200
            height: 100   // five rows of 20 px
            cacheBuffer: 0
            delegate: Text {
                required property int index
                required property var id
                required property var name
                height: 20
                width: 200
                text: id + ":" + name
            }
        }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function settle(promise) {
        verify(promise instanceof Promise, "not a Promise: " + promise)
        var state = { done: false, value: undefined, error: undefined }
        promise.then(function (v) { state.value = v; state.done = true },
                     function (e) { state.error = e; state.done = true })
        tryVerify(function () { return state.done }, 10000, "the promise never settled")
        return state
    }
    function value(promise) {
        var state = settle(promise)
        verify(state.error === undefined, "rejected: " + (state.error ? state.error.message : ""))
        return state.value
    }
    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }
    function makeModel(props) {
        var model = createTemporaryObject(modelComponent, testCase, props)
        verify(model)
        return model
    }

    function initTestCase() {
        tryVerify(function () { return db.ready && other.ready }, 10000)
        compare(value(db.execute("PRAGMA journal_mode"))[0].journal_mode, "wal")
    }

    function init() {
        value(db.executeScript(
            "DROP TABLE IF EXISTS nums; CREATE TABLE nums(id INTEGER PRIMARY KEY, name TEXT, extra);"))
        var sets = []
        for (var i = 1; i <= 100; ++i)
            sets.push(["n" + i])
        value(db.executeMany("INSERT INTO nums(name) VALUES(?)", sets))
        value(db.commit())
    }

    function test_firstChunkThenFetchMore() {
        var model = makeModel({ chunkSize: 10, connection: db, query: "SELECT id, name FROM nums ORDER BY id" })
        compare(model.chunkSize, 10)
        compare(model.connection, db)
        tryCompare(model, "count", 10, 10000)
        tryCompare(model, "loading", false)
        compare(model.atEnd, false)
        compare(model.columns, ["id", "name"])
        compare(model.rowCount(), 10)
        compare(model.columnCount(), 2)
        // Nothing fetches more by itself.
        wait(50)
        compare(model.count, 10)
        var root = model.index(-1, -1)
        verify(model.canFetchMore(root))
        var countSpy = spy(model, "countChanged")
        model.fetchMore(root)
        // The call returns at once; the rows come later.
        verify(model.loading)
        verify(!model.canFetchMore(root))   // one fetch at a time
        compare(model.count, 10)
        tryCompare(model, "count", 20, 10000)
        tryCompare(model, "loading", false)
        verify(countSpy.count >= 1)
        compare(model.get(19).id, 20)
        compare(model.get(19).name, "n20")
        // Fetch the rest.
        while (model.canFetchMore(root) || model.loading) {
            if (model.canFetchMore(root))
                model.fetchMore(root)
            tryVerify(function () { return !model.loading }, 10000)
        }
        compare(model.count, 100)
        compare(model.atEnd, true)
        verify(!model.canFetchMore(root))
        compare(model.get(99).name, "n100")
        compare(Object.keys(model.get(100)).length, 0)
    }

    function test_listViewLoadsAsItScrolls() {
        var model = makeModel({ chunkSize: 10, connection: db, query: "SELECT id, name FROM nums ORDER BY id" })
        tryCompare(model, "count", 10, 10000)
        var view = createTemporaryObject(viewComponent, testCase, { model: model })
        verify(view)
        // The view shows the first rows, delegates bound by column name.
        tryVerify(function () { return view.itemAtIndex(0) !== null }, 5000)
        compare(view.itemAtIndex(0).text, "1:n1")
        compare(view.itemAtIndex(4).text, "5:n5")
        // It has not loaded everything for a view five rows high.
        wait(100)
        verify(model.count < 100, "loaded " + model.count + " rows for a small view")
        var shown = model.count
        // Scrolling to the end asks for more, chunk by chunk, until all is there.
        var steps = 0
        tryVerify(function () {
            view.positionViewAtEnd()
            ++steps
            return model.atEnd && model.count === 100 && !model.loading
        }, 20000, "the view did not load every row")
        verify(steps > 1)
        verify(model.count > shown)
        compare(view.count, 100)
        view.positionViewAtEnd()
        tryVerify(function () { return view.itemAtIndex(99) !== null }, 5000)
        compare(view.itemAtIndex(99).text, "100:n100")
    }

    function test_rolesAreColumnNames() {
        var model = makeModel({ connection: db, query: "SELECT id, name, upper(name) AS shout, NULL AS nada FROM nums WHERE id <= 3 ORDER BY id" })
        tryCompare(model, "count", 3, 10000)
        compare(model.columns, ["id", "name", "shout", "nada"])
        // A delegate that reads every role.
        var list = Qt.createQmlObject(
            "import QtQuick; ListView { width: 100; height: 100; delegate: Item { height: 10; " +
            " required property var id; required property var name; required property var shout;" +
            " required property var nada; property string summary: id + '/' + name + '/' + shout + '/' + nada } }",
            testCase)
        list.model = model
        tryVerify(function () { return list.itemAtIndex(2) !== null }, 5000)
        compare(list.itemAtIndex(0).summary, "1/n1/N1/null")
        compare(list.itemAtIndex(2).summary, "3/n3/N3/null")
        list.destroy()
        // Changing the query changes the roles.
        model.query = "SELECT name AS label FROM nums WHERE id = 7"
        tryVerify(function () { return model.columns.length === 1 && model.count === 1 }, 10000)
        compare(model.columns, ["label"])
        compare(model.get(0).label, "n7")
    }

    // `connection` takes the element, or the QAsyncSqliteConnection it owns
    // (what C++ code hands over), and reads back as it was set.
    function test_connectionTakesTheElementOrItsConnection() {
        var model = makeModel({ connection: db.connection, query: "SELECT id FROM nums WHERE id <= 3" })
        compare(model.connection, db.connection)
        tryCompare(model, "count", 3, 10000)
        model.connection = db
        compare(model.connection, db)
        model.connection = null
        compare(model.connection, null)
    }

    function test_parameters() {
        var model = makeModel({ connection: db, query: "SELECT id FROM nums WHERE id BETWEEN ? AND ? ORDER BY id",
                                parameters: [5, 7] })
        tryCompare(model, "count", 3, 10000)
        compare(model.get(0).id, 5)
        model.parameters = [1, 2]
        tryVerify(function () { return model.count === 2 && model.get(0).id === 1 }, 10000)
        model.query = "SELECT id FROM nums WHERE id = :wanted"
        model.parameters = { wanted: 42 }
        tryVerify(function () { return model.count === 1 && model.get(0).id === 42 }, 10000)
        // Given at creation, as Qt 6.8 passes them (wrapped C++ containers).
        var named = makeModel({ connection: db, query: "SELECT id FROM nums WHERE id = :wanted",
                                parameters: { wanted: 9 } })
        tryVerify(function () { return named.count === 1 && named.get(0).id === 9 }, 10000)
    }

    // JS parameters bind by AsyncSqlite's rules (doc/qml.md, Values): the
    // QML model converts them itself, the C++ model never sees a JS value.
    function test_parametersBindAsAsyncSqlite() {
        var when = new Date(2024, 4, 1, 12, 34, 56, 789)
        var params = [when, true, 2.5, null, new Uint8Array([1, 2]).buffer]
        var sql = "SELECT ? AS d, ? AS b, ? AS r, ? AS n, hex(?) AS x"
        var expected = value(db.execute(sql, params))[0]
        var model = makeModel({ connection: db, query: sql, parameters: params })
        tryCompare(model, "count", 1, 10000)
        var row = model.get(0)
        compare(row.d, expected.d)
        compare(row.b, 1)
        compare(row.r, 2.5)
        compare(row.n, null)
        compare(row.x, "0102")
        // Named ones too, and the parameters read back as JS values.
        model.query = "SELECT :when AS d"
        model.parameters = { when: when }
        tryVerify(function () { return model.count === 1 && model.get(0).d === expected.d }, 10000)
        compare(model.parameters.when, expected.d)
        model.parameters = undefined
        compare(model.parameters, undefined)
    }

    // A parameter SQLite cannot store (a Symbol crashed Qt 6.4's
    // QJSValue::toVariant()) is a warning and a load error, never a crash.
    function test_unsupportedParameters_data() {
        return [
            { tag: "symbol in array", query: "SELECT ? AS a, ? AS b", parameters: [1, Symbol("s")] },
            { tag: "symbol named", query: "SELECT :wanted AS a", parameters: { wanted: Symbol() } },
            { tag: "object in array", query: "SELECT ? AS a, ? AS b", parameters: [1, {}] },
        ]
    }

    function test_unsupportedParameters(data) {
        // Set as properties: createObject()'s property map would go through
        // QJSValue::toVariant() itself.
        var model = makeModel({ connection: db })
        ignoreWarning(/unsupported type/)
        model.parameters = data.parameters
        model.query = data.query
        tryVerify(function () { return model.lastError.code !== undefined }, 10000, "no error reported")
        compare(model.lastError.className, "QAsyncSqliteProgrammingError")
        verify(model.lastError.message.indexOf("QJSValue") >= 0, model.lastError.message)
        compare(model.count, 0)
    }

    function test_error() {
        var model = makeModel({ connection: db, query: "SELECT * FROM no_such_table" })
        tryVerify(function () { return model.lastError.code !== undefined }, 10000, "no error reported")
        // The shape of AsyncSqlite.lastError (QAsyncSqliteError::toVariantMap()).
        compare(model.lastError.code, 1)
        compare(model.lastError.name, "SQLITE_ERROR")
        compare(model.lastError.className, "QAsyncSqliteOperationalError")
        compare(model.lastError.sql, "SELECT * FROM no_such_table")
        verify(model.lastError.message.indexOf("no_such_table") >= 0, model.lastError.message)
        // `error`, the former name, is the same map.
        compare(model.error.message, model.lastError.message)
        compare(model.count, 0)
        compare(model.loading, false)
        // A good query clears it.
        model.query = "SELECT id FROM nums WHERE id = 1"
        tryCompare(model, "count", 1, 10000)
        compare(Object.keys(model.lastError).length, 0)
        compare(Object.keys(model.error).length, 0)
    }

    function test_refresh() {
        var model = makeModel({ chunkSize: 10, connection: db, query: "SELECT id, name FROM nums ORDER BY id" })
        tryCompare(model, "count", 10, 10000)
        var root = model.index(-1, -1)
        model.fetchMore(root)
        tryCompare(model, "count", 20, 10000)
        tryCompare(model, "loading", false)
        compare(model.live, false)
        // A write without live: the model does not notice...
        value(db.execute("UPDATE nums SET name = 'changed' WHERE id = 3"))
        value(db.commit())
        wait(100)
        compare(model.get(2).name, "n3")
        // ...until refresh(), which keeps the 20 loaded rows.
        var refreshed = spy(model, "refreshed")
        var resets = spy(model, "modelReset")
        model.refresh()
        tryCompare(refreshed, "count", 1, 10000)
        compare(model.get(2).name, "changed")
        compare(model.count, 20)
        compare(resets.count, 0)
    }

    function test_liveSameConnection() {
        var model = makeModel({ live: true, connection: db, query: "SELECT id, name FROM nums WHERE id <= 5 OR id > 100 ORDER BY id" })
        tryCompare(model, "count", 5, 10000)
        var view = createTemporaryObject(viewComponent, testCase, { model: model })
        tryVerify(function () { return view.itemAtIndex(0) !== null }, 5000)
        var firstDelegate = view.itemAtIndex(0)
        var resets = spy(model, "modelReset")
        var inserted = spy(model, "rowsInserted")
        var changed = spy(model, "dataChanged")
        value(db.execute("INSERT INTO nums(id, name) VALUES(101, 'live')"))
        value(db.commit())
        tryCompare(model, "count", 6, 10000)
        compare(model.get(5).name, "live")
        compare(inserted.count, 1)
        value(db.execute("UPDATE nums SET name = 'edited' WHERE id = 1"))
        value(db.commit())
        tryVerify(function () { return model.get(0).name === "edited" }, 10000)
        verify(changed.count >= 1)
        tryCompare(view.itemAtIndex(0), "text", "1:edited")
        // Updated in place: no reset, the delegates were kept.
        compare(resets.count, 0)
        verify(view.itemAtIndex(0) === firstDelegate, "the view was reset")
        value(db.execute("DELETE FROM nums WHERE id IN (2, 3)"))
        value(db.commit())
        tryCompare(model, "count", 4, 10000)
        compare(resets.count, 0)
        // A write to another table does not reload.
        var refreshed = spy(model, "refreshed")
        value(db.executeScript("CREATE TABLE IF NOT EXISTS unrelated(x); INSERT INTO unrelated VALUES(1);"))
        wait(400)
        compare(refreshed.count, 0)
    }

    function test_liveThrottle() {
        var model = makeModel({ live: true, connection: db, query: "SELECT id FROM nums WHERE id > 200 ORDER BY id" })
        compare(model.throttle, 30)
        tryCompare(model, "loading", false, 10000)
        compare(model.count, 0)
        // A burst of commits: a few reloads, and the last commit shows.
        var refreshed = spy(model, "refreshed")
        for (var i = 1; i <= 50; ++i) {
            value(db.execute("INSERT INTO nums(id, name) VALUES(?, 'burst')", [200 + i]))
            value(db.commit())
        }
        tryCompare(model, "count", 50, 10000)
        compare(model.get(49).id, 250)
        verify(refreshed.count >= 1)
        // Held back within a long interval, shown as soon as it is shortened.
        model.throttle = 60000
        value(db.execute("INSERT INTO nums(id, name) VALUES(251, 'late')"))
        value(db.commit())
        wait(300)
        compare(model.count, 50)
        model.throttle = 0
        tryCompare(model, "count", 51, 10000)
    }

    function test_liveOtherConnection() {
        var model = makeModel({ live: true, pollInterval: 50, connection: db,
                                query: "SELECT count(*) AS n, max(id) AS last FROM nums" })
        tryVerify(function () { return model.count === 1 && model.get(0).n === 100 }, 10000)
        var resets = spy(model, "modelReset")
        value(other.execute("INSERT INTO nums(name) VALUES('from other')"))
        // Uncommitted: not visible yet.
        wait(200)
        compare(model.get(0).n, 100)
        value(other.commit())
        tryVerify(function () { return model.get(0).n === 101 }, 10000, "live model missed another connection's commit")
        compare(model.get(0).last, 101)
        compare(resets.count, 0)
        // Turning live off stops it.
        model.live = false
        value(other.execute("INSERT INTO nums(name) VALUES('again')"))
        value(other.commit())
        wait(300)
        compare(model.get(0).n, 101)
    }

    // A model destroyed mid-load or mid-fetch is harmless.
    function test_modelLifetime() {
        var model = makeModel({ chunkSize: 5, connection: db, query: "SELECT * FROM nums" })
        model.destroy()
        var second = makeModel({ chunkSize: 5, connection: db, query: "SELECT * FROM nums", live: true })
        tryCompare(second, "count", 5, 10000)
        second.fetchMore(second.index(-1, -1))
        testHelper.deleteNow(second)
        wait(200)
        compare(value(db.execute("SELECT count(*) AS n FROM nums"))[0].n, 100)
    }
}
