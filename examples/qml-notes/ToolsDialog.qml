// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Export and backup, both on the worker thread: iterDump() shows the
// database as SQL, backup() copies it next to the original with a progress
// bar fed by its onProgress callback, and an AsyncSqliteAbortController
// cancels it.

pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QAsyncSqlite

Dialog {
    id: dialog

    required property AsyncSqlite connection
    // Where backups go: the database's path with ".backup.db" appended.
    required property string backupPath

    // Statements shown at most: a dump of 100,000 notes is as many lines,
    // more than a TextArea should lay out.
    readonly property int shownStatements: 2000
    property bool busy: false
    property real progress: 0   // 0 … 1 of the running backup
    property string status: ""
    // The running backup's AsyncSqliteAbortController (a var: createObject()
    // gives a QtObject, which typed tools would not assign without a cast).
    property var backupAbort: null

    title: qsTr("Export and backup")
    modal: true
    standardButtons: Dialog.Close
    width: 720
    height: 520

    // A controller aborts once: each backup gets a new one.
    Component {
        id: controllerComponent
        AsyncSqliteAbortController {}
    }

    function exportSql() {
        busy = true
        status = qsTr("Dumping…")
        connection.iterDump().then(statements => {
            const shown = statements.slice(0, shownStatements)
            if (statements.length > shown.length)
                shown.push(qsTr("-- … and %1 more statements").arg(statements.length - shown.length))
            dumpText.text = shown.join("\n")
            status = qsTr("%1 statements").arg(statements.length)
            busy = false
        }, err => {
            status = qsTr("Export failed: %1").arg(err.message)
            busy = false
        })
    }

    function backUp() {
        busy = true
        progress = 0
        status = qsTr("Backing up to %1…").arg(backupPath)
        backupAbort = controllerComponent.createObject(dialog)
        connection.backup(backupPath, {
            pages: 64,   // small steps: the progress bar moves, other requests get in between
            signal: backupAbort.signal,
            onProgress: (remaining, total) => progress = total > 0 ? 1 - remaining / total : 1
        }).then(() => {
            status = qsTr("Backed up to %1").arg(backupPath)
        }, err => {
            status = err.name === "SQLITE_ABORT" ? qsTr("Backup canceled")
                                                 : qsTr("Backup failed: %1").arg(err.message)
        }).then(() => {
            backupAbort.destroy()
            backupAbort = null
            busy = false
        })
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            spacing: 8
            Button {
                text: qsTr("Export as SQL")
                enabled: !dialog.busy
                onClicked: dialog.exportSql()
            }
            Button {
                text: qsTr("Back up")
                enabled: !dialog.busy
                onClicked: dialog.backUp()
            }
            Button {
                text: qsTr("Cancel backup")
                visible: dialog.backupAbort !== null
                onClicked: dialog.backupAbort.abort()
            }
            Label {
                Layout.fillWidth: true
                text: dialog.status
                elide: Text.ElideMiddle
            }
        }
        ProgressBar {
            Layout.fillWidth: true
            visible: dialog.backupAbort !== null
            value: dialog.progress
        }
        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            TextArea {
                id: dumpText
                readOnly: true
                selectByMouse: true
                font.family: "monospace"
                placeholderText: qsTr("\"Export as SQL\" shows the database as the SQL statements that recreate it.")
            }
        }
    }
}
