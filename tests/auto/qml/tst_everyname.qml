// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// lint/EveryName.qml, the file qmllint checks for every documented name,
// runs in a real engine too: each name it uses exists at run time.
import QtQuick
import QtTest

TestCase {
    id: testCase
    name: "EveryName"

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function test_everyNameRuns() {
        var component = Qt.createComponent("lint/EveryName.qml")
        compare(component.status, Component.Ready, component.errorString())
        var root = createTemporaryObject(component, testCase, { directory: tempDir + "/everyname" })
        verify(root)
        var state = { done: false, error: undefined }
        root.run().then(function () { state.done = true },
                        function (e) { state.error = e; state.done = true })
        tryVerify(function () { return state.done }, 20000, "run() never settled")
        verify(state.error === undefined, state.error ? state.error.message : "")
        var seen = root.seen.join(" ")
        var expected = ["opened", "committed", "rolledBack", "tablesChanged:t", "readyChanged",
                        "inTransactionChanged", "totalChangesChanged", "isolationLevelChanged",
                        "progress:0,", "rows:8:1", "tx:truefalsefalse", "closed",
                        "chunk:4", "streamed:8", "dump:BEGIN TRANSACTION;", "limit:100", "abort", "abortedChanged",
                        "cursor:n2", "one:1", "many:2", "all:4", "migrated:2:2"]
        for (var i = 0; i < expected.length; ++i)
            verify(seen.indexOf(expected[i]) >= 0, "never saw " + expected[i] + " in: " + seen)
        tryVerify(function () { return root.seen.join(" ").indexOf("refreshed:") >= 0 }, 10000)
        compare(root.levels.join(","), "0,1,2,3,1")
        compare(root.factories.join(","), "0,1,2,0,1,1,0")
        compare(root.fileDb.ready, true)   // opened in new/dir/, created for it
        compare(root.limits.join(","), "0,1,2,3,4,5,6,7,8,9,10,11,2")
        compare(root.signalState, true)   // spentController aborted
    }
}
