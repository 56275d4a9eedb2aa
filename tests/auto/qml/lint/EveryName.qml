// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Uses every name doc/qml.md documents for AsyncSqlite and
// AsyncSqliteQueryModel. qmllint must accept it without a single warning
// (test qml_lint), and tst_everyname.qml runs it in a real engine, so a name
// that tools know but the engine does not (or the reverse) fails a test.
import QtQml
import QAsyncSqlite

QtObject {
    id: root

    property string directory: ""   // where the file databases go
    property var seen: []
    function note(name: string) { seen.push(name) }

    property AsyncSqlite db: AsyncSqlite {
        id: db
        database: ":memory:"
        options: ({ busyTimeout: 5000, isolationLevel: "deferred", pragmas: ["foreign_keys=ON"],
                    readOnly: false, create: true, createDirectories: false, uri: false,
                    cachedStatements: 64, readers: 0 })

        onOpened: root.note("opened")
        onClosed: root.note("closed")
        onCommitted: root.note("committed")
        onRolledBack: root.note("rolledBack")
        onTablesChanged: tables => root.note("tablesChanged:" + tables[0])
        onError: err => root.note("error:" + err.name + err.code + err.message + err.sql)
        onDatabaseChanged: root.note("databaseChanged")
        onOptionsChanged: root.note("optionsChanged")
        onReadyChanged: root.note("readyChanged")
        onLastErrorChanged: root.note("lastErrorChanged:" + db.lastError.name)
        onInTransactionChanged: root.note("inTransactionChanged")
        onTotalChangesChanged: root.note("totalChangesChanged")
        onIsolationLevelChanged: root.note("isolationLevelChanged")
    }

    // The same options member by member.
    property AsyncSqlite fileDb: AsyncSqlite {
        database: root.directory === "" ? "" : "file://" + root.directory + "/new/dir/every.db"
        options.busyTimeout: 2000
        options.isolationLevel: "immediate"
        options.pragmas: ["journal_mode=WAL"]
        options.readOnly: false
        options.create: true
        options.createDirectories: true
        options.uri: false
        options.cachedStatements: 16
        migrations: ["CREATE TABLE notes(body TEXT)", { name: "titles", sql: "ALTER TABLE notes ADD COLUMN title TEXT" }]
        onMigrationsChanged: root.note("migrationsChanged")
    }

    property AsyncSqlite copyDb: AsyncSqlite {
        database: ":memory:"
    }

    property AsyncSqliteAbortController controller: AsyncSqliteAbortController {}
    property AsyncSqliteAbortController spentController: AsyncSqliteAbortController {}
    readonly property bool signalState: controller.signal.aborted || spentController.signal.aborted
    property Connections abortWatch: Connections {
        target: root.spentController.signal
        function onAbort() { root.note("abort") }
        function onAbortedChanged() { root.note("abortedChanged") }
    }
    readonly property var limits: [AsyncSqlite.LimitLength, AsyncSqlite.LimitSqlLength, AsyncSqlite.LimitColumn,
                                   AsyncSqlite.LimitExprDepth, AsyncSqlite.LimitCompoundSelect,
                                   AsyncSqlite.LimitVdbeOp, AsyncSqlite.LimitFunctionArg,
                                   AsyncSqlite.LimitAttached, AsyncSqlite.LimitLikePatternLength,
                                   AsyncSqlite.LimitVariableNumber, AsyncSqlite.LimitTriggerDepth,
                                   AsyncSqlite.LimitWorkerThreads, AsyncSqlite.Limit.LimitColumn]

    property AsyncSqliteQueryModel model: AsyncSqliteQueryModel {
        connection: db
        query: "SELECT n FROM t ORDER BY n"
        parameters: []
        chunkSize: 16
        live: true
        pollInterval: 0
        throttle: 30
        onRefreshed: root.note("refreshed:" + count + ":" + columns[0])
    }

    readonly property bool modelState: model.loading || model.atEnd || model.count > 0
                                       || model.lastError.message !== undefined || model.error.message !== undefined
                                       || model.columns.length > 0
    readonly property bool dbState: db.ready && !db.inTransaction && db.totalChanges >= 0
                                    && db.lastError.code === undefined && db.connection !== null

    readonly property var levels: [AsyncSqlite.Deferred, AsyncSqlite.Immediate, AsyncSqlite.Exclusive,
                                   AsyncSqlite.Autocommit, AsyncSqlite.IsolationLevel.Immediate]
    readonly property var factories: [AsyncSqlite.Tuple, AsyncSqlite.Row, AsyncSqlite.Map, AsyncSqlite.String,
                                      AsyncSqlite.Bytes, db.rowFactory, db.textFactory]

    // Runs every method once, in order; resolves when done.
    function run() {
        const progress = []
        return db.open()
            .then(() => db.execute("CREATE TABLE t(n INTEGER)"))
            .then(() => db.execute("SELECT :n AS n", { n: 0 }))
            .then(() => db.executeInsert("INSERT INTO t VALUES(?)", [1]))
            .then(() => db.executeMany("INSERT INTO t VALUES(?)", [[2], [3]]))
            .then(() => db.commit())
            .then(() => db.executeScript("INSERT INTO t VALUES(4); INSERT INTO t VALUES(5);"))
            .then(() => db.transaction([{ sql: "INSERT INTO t VALUES(?)", params: [6] }]))
            .then(() => db.transaction(tx => tx.execute("INSERT INTO t VALUES(?)", [60])
                .then(() => tx.executeInsert("INSERT INTO t VALUES(:n)", { n: 61 }))
                .then(() => tx.executeMany("INSERT INTO t VALUES(?)", [[62]]))
                .then(() => tx.transaction(inner => inner.execute("DELETE FROM t WHERE n = 62")))
                .then(() => root.note("tx:" + tx.active + tx.readOnly + tx.nested)),
                { mode: "immediate", idleTimeout: 5000 }))
            .then(() => db.readTransaction(tx => tx.execute("SELECT count(*) AS c FROM t"), { idleTimeout: 5000 }))
            .then(() => db.execute("INSERT INTO t VALUES(7)"))
            .then(() => db.rollback())
            .then(() => db.migrate(["CREATE TABLE m(x)", { name: "second", sql: "CREATE TABLE m2(x)" }]))
            .then(version => root.note("migrated:" + version + ":" + fileDb.migrations.length))
            .then(() => db.backup(root.directory + "/every-copy.db",
                                  { pages: 1, onProgress: (remaining, total) => progress.push([remaining, total]) }))
            .then(() => db.stream("SELECT n FROM t ORDER BY n", [], rows => root.note("chunk:" + rows.length),
                                  { chunkSize: 4, signal: controller.signal }))
            .then(count => { root.note("streamed:" + count); return db.stream("SELECT 1 AS one", rows => {}) })
            .then(() => db.cursor("SELECT n FROM t WHERE n > ? ORDER BY n", [0], { signal: controller.signal }))
            .then(cursor => {
                cursor.arraySize = 2
                root.note("cursor:" + cursor.columns[0] + cursor.arraySize)
                return cursor.fetchOne()
                    .then(row => { root.note("one:" + row.n); return cursor.fetchMany() })
                    .then(rows => { root.note("many:" + rows.length); return cursor.fetchMany(1) })
                    .then(() => cursor.fetchAll())
                    .then(rows => { root.note("all:" + rows.length); return cursor.close() })
            })
            .then(() => db.iterDump({ signal: controller.signal }))
            .then(statements => { root.note("dump:" + statements[0]); return db.serialize("main") })
            .then(bytes => copyDb.deserialize(bytes, "main"))
            .then(() => db.setLimit(AsyncSqlite.LimitColumn, 100))
            .then(() => db.limit(AsyncSqlite.LimitColumn))
            .then(limit => { root.note("limit:" + limit); return db.backup(copyDb, { pages: 2, name: "main", sleep: 10, signal: controller.signal }) })
            .then(() => {
                spentController.abort()
                root.note("progress:" + progress[progress.length - 1])
                db.isolationLevel = AsyncSqlite.Autocommit
                db.interrupt()
                model.refresh()
                model.fetchMore(model.index(-1, -1))
                return db.execute("SELECT n FROM t ORDER BY n")
            })
            .then(rows => { root.note("rows:" + rows.length + ":" + model.get(0).n); return db.close() })
            .then(() => db.open())
            .then(() => fileDb.open())
    }
}
