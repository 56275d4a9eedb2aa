// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// examples/qml-notes' ToolsDialog: its export (iterDump) and its backup with
// a progress bar and a cancel button work against a real AsyncSqlite.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "NotesTools"
    when: windowShown

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    function value(promise) {
        var state = { done: false, value: undefined, error: undefined }
        promise.then(function (v) { state.value = v; state.done = true },
                     function (e) { state.error = e; state.done = true })
        tryVerify(function () { return state.done }, 10000, "the promise never settled")
        verify(state.error === undefined, "rejected: " + (state.error ? state.error.message : ""))
        return state.value
    }

    function test_exportAndBackup() {
        tryVerify(function () { return db.ready }, 10000)
        value(db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, body TEXT)"))
        var sets = []
        for (var i = 0; i < 2500; ++i)
            sets.push(["note " + i, "a body long enough to fill a few pages of the database file " + i])
        value(db.executeMany("INSERT INTO notes(title, body) VALUES(?, ?)", sets))
        value(db.commit())

        var component = Qt.createComponent(Qt.resolvedUrl("../../../examples/qml-notes/ToolsDialog.qml"))
        compare(component.status, Component.Ready, component.errorString())
        var dialog = createTemporaryObject(component, testCase,
                                          { connection: db, backupPath: tempDir + "/notes-tools-backup.db" })
        verify(dialog)

        dialog.exportSql()
        tryVerify(function () { return !dialog.busy }, 10000)
        // BEGIN, CREATE TABLE, 2,500 INSERTs, COMMIT.
        compare(dialog.status, "2503 statements")

        var progress = []
        dialog.progressChanged.connect(function () { progress.push(dialog.progress) })
        dialog.backUp()
        verify(dialog.backupAbort !== null)   // the cancel button and the progress bar show
        tryVerify(function () { return !dialog.busy }, 10000)
        compare(dialog.status, "Backed up to " + tempDir + "/notes-tools-backup.db")
        compare(dialog.progress, 1)
        verify(progress.length >= 1)
        compare(dialog.backupAbort, null)
    }
}
