// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// A notes app whose database work all happens on QAsyncSqlite's worker
// thread: every AsyncSqlite method returns a Promise at once, and
// AsyncSqliteQueryModel loads its rows in chunks and reloads itself (live)
// whenever the notes table changes. The clock in the status bar is driven by
// a Timer on the GUI thread: if that thread ever blocked, it would stop.

pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QAsyncSqlite

ApplicationWindow {
    id: window

    // Set by main.cpp.
    required property string databasePath
    property int generateOnStart: 0
    property bool screenshotMode: false
    // Emitted in screenshot mode once the window shows its final content.
    signal readyForScreenshot()

    property bool schemaReady: false
    property int totalNotes: 0
    property string searchText: ""
    property string statusMessage: qsTr("Opening %1…").arg(databasePath)

    // Generation state.
    readonly property int batchSize: 500
    property bool generating: false
    property bool stopRequested: false
    property int generated: 0
    property int generateTarget: 0
    property real generateStartedAt: 0
    property real longestStall: 0
    // The counts on screen, refreshed with the clock's tenths of a second
    // rather than after every batch: each change repaints the window, and
    // without a GPU (Xvfb: Mesa's llvmpipe) a repaint of the whole window
    // costs the machine more than a batch of 500 inserts.
    property int shownGenerated: 0
    property int shownTotal: 0

    width: 960
    height: 680
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: qsTr("Notes — QAsyncSqlite")

    // ---------------------------------------------------------------- data

    AsyncSqlite {
        id: db
        database: window.databasePath
        // WAL + synchronous=NORMAL: commits are cheap and readers never wait.
        options: ({ busyTimeout: 5000, pragmas: ["journal_mode=WAL", "synchronous=NORMAL"] })

        // The schema, one step per release; each runs once per file, before
        // onOpened (doc/migrations.md). Append steps, never edit shipped ones.
        migrations: [
            { name: "notes", sql: "CREATE TABLE notes (\n"
                                  + "    id      INTEGER PRIMARY KEY,\n"
                                  + "    title   TEXT NOT NULL,\n"
                                  + "    body    TEXT NOT NULL DEFAULT '',\n"
                                  + "    created INTEGER NOT NULL  -- milliseconds since 1970\n"
                                  + ");\n"
                                  + "CREATE INDEX notes_by_created ON notes (created);\n" },
        ]

        onOpened: {
            window.statusMessage = qsTr("Opened %1").arg(db.database)
            window.schemaReady = true
            window.updateTotal()
            window.startUp()
        }
        // Writes on this connection, coalesced per commit.
        onTablesChanged: tables => window.updateTotal()
        // Every failed request, whether or not its promise is handled.
        onError: err => window.statusMessage = qsTr("%1: %2").arg(err.name).arg(err.message)
    }

    AsyncSqliteQueryModel {
        id: notesModel
        connection: db
        live: true          // reloads after every commit that touches `notes`
        chunkSize: 200      // rows per fetch; the ListView asks for more as it scrolls
        // Empty until the table exists, so the first load cannot fail.
        query: window.schemaReady
               ? "SELECT id AS noteId, title, substr(body, 1, 200) AS snippet, created\n"
                 + "FROM notes\n"
                 + "WHERE title LIKE :pattern ESCAPE '\\' OR body LIKE :pattern ESCAPE '\\'\n"
                 + "ORDER BY created DESC, id DESC"
               : ""
        parameters: ({ pattern: "%" + window.escapeLike(window.searchText) + "%" })
    }

    // Counting runs on the worker too; at most one count is in flight.
    property bool countRunning: false
    property bool countAgain: false
    function updateTotal() {
        if (countRunning) {
            countAgain = true
            return Promise.resolve()
        }
        countRunning = true
        return db.execute("SELECT count(*) AS n FROM notes").then(rows => {
            totalNotes = rows[0].n
            countRunning = false
            if (countAgain) {
                countAgain = false
                return updateTotal()
            }
        }, err => { countRunning = false })
    }

    // ---------------------------------------------------------------- actions

    // The search text as a LIKE pattern that matches it literally.
    function escapeLike(text) {
        return text.replace(/[\\%_]/g, "\\$&")
    }

    function tint(color, alpha) {
        return Qt.rgba(color.r, color.g, color.b, alpha)
    }

    // 100000 -> "100,000"
    function formatCount(n) {
        const digits = String(Math.round(n))
        let text = ""
        for (let i = 0; i < digits.length; ++i) {
            if (i > 0 && (digits.length - i) % 3 === 0)
                text += ","
            text += digits.charAt(i)
        }
        return text
    }

    // The connection follows Python's sqlite3: a write opens a transaction
    // and commit() ends it (which also tells live models to reload).
    function addNote(title, body, created) {
        return db.executeInsert("INSERT INTO notes (title, body, created) VALUES (?, ?, ?)",
                                [title, body, created === undefined ? Date.now() : created])
            .then(id => db.commit().then(() => id))
    }

    function deleteNote(id) {
        return db.execute("DELETE FROM notes WHERE id = ?", [id]).then(() => db.commit())
    }

    // Filler text for generated notes, made once (deterministic, so that
    // screenshots always look alike): building a batch's parameters must
    // stay cheap, since that part runs on the GUI thread.
    readonly property var topics: ["Groceries", "Meeting notes", "Idea", "Reading list", "Trip plan",
        "Recipe", "Bug report", "Workout", "Call back", "Birthday gift", "Book club", "Garden",
        "Release checklist", "Podcast", "Budget", "Conference talk"]
    readonly property var fillerBodies: makeFillerBodies(397)
    function makeFillerBodies(count) {
        const words = ["asynchronous", "worker", "thread", "query", "never", "blocks", "the", "interface",
            "sqlite", "promise", "batch", "commit", "scroll", "search", "notes", "coffee", "tomorrow",
            "remember", "draft", "review", "quickly", "chunk", "model", "live", "refresh", "index", "fast",
            "smooth", "table", "list", "with", "and", "for", "before", "after", "lunch"]
        let seed = 20260101
        const random = n => {
            seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
            return (seed >>> 8) % n
        }
        const bodies = []
        for (let i = 0; i < count; ++i) {
            const parts = []
            const length = 8 + random(20)
            for (let j = 0; j < length; ++j)
                parts.push(words[random(words.length)])
            const text = parts.join(" ")
            bodies.push(text.charAt(0).toUpperCase() + text.slice(1) + ".")
        }
        return bodies
    }

    // Inserts `total` notes, batchSize per executeMany() and commit(), one
    // batch after the other: the GUI thread only builds each batch's
    // parameters, the inserts run on the worker. Resolves to the count.
    function generate(total) {
        if (generating)
            return Promise.resolve(0)
        generating = true
        stopRequested = false
        generated = 0
        generateTarget = total
        longestStall = 0
        generateStartedAt = Date.now()
        statusMessage = qsTr("Generating %1 notes…").arg(formatCount(total))
        // Older than anything written so far: they extend the list at its end.
        const newest = Date.now() - 10 * 60 * 1000
        return new Promise((resolve, reject) => {
            const nextBatch = () => {
                if (stopRequested || generated >= total) {
                    generating = false
                    const seconds = (Date.now() - generateStartedAt) / 1000
                    statusMessage = qsTr("Generated %1 notes in %2 s (%3 notes/s); longest GUI-thread stall %4 ms")
                        .arg(formatCount(generated)).arg(seconds.toFixed(seconds < 10 ? 2 : 1))
                        .arg(formatCount(generated / Math.max(seconds, 0.001))).arg(Math.round(longestStall))
                    resolve(generated)
                    return
                }
                const n = Math.min(batchSize, total - generated)
                const rows = []
                for (let i = 0; i < n; ++i) {
                    const k = generated + i
                    rows.push([topics[(k * 7) % topics.length] + " #" + (k + 1),
                               fillerBodies[k % fillerBodies.length],
                               newest - k * 37 * 1000])
                }
                db.executeMany("INSERT INTO notes (title, body, created) VALUES (?, ?, ?)", rows)
                    .then(() => db.commit())
                    .then(() => {
                        generated += n
                        nextBatch()
                    }, err => {
                        generating = false
                        reject(err)
                    })
            }
            nextBatch()
        })
    }

    function addSampleNotes() {
        const now = Date.now()
        const samples = [
            ["Welcome to QAsyncSqlite notes",
             "Every query runs on a worker thread: type, scroll and search while 100,000 notes are written."],
            ["Groceries", "Oat milk, coffee beans, two lemons, basil, parmesan and a loaf of sourdough."],
            ["Release checklist", "Run scripts/test, regenerate the screenshots, update the changelog, tag v0.1.0."],
            ["Call Ada about the sync design", "Batch the writes, one commit per batch; live models reload after each."],
        ]
        // Queued back to back: the worker runs them in this order.
        const inserts = samples.map((note, i) => addNote(note[0], note[1], now - i * 5 * 1000))
        return Promise.all(inserts)
    }

    // --generate and --screenshot (main.cpp).
    function startUp() {
        let steps = Promise.resolve()
        if (generateOnStart > 0)
            steps = steps.then(() => generate(generateOnStart))
        if (screenshotMode) {
            steps = steps.then(addSampleNotes).then(() => new Promise(resolve => {
                // Wait for a load that includes every write so far.
                const loaded = () => {
                    notesModel.refreshed.disconnect(loaded)
                    resolve()
                }
                notesModel.refreshed.connect(loaded)
                notesModel.refresh()
            })).then(() => updateTotal()).then(() => screenshotDelay.start())
        }
        steps.catch(err => {
            console.error("qml-notes:", err.name, err.message)
            if (screenshotMode)
                Qt.exit(1)
        })
    }

    Timer {
        id: screenshotDelay
        interval: 300       // let the last frame settle
        onTriggered: window.readyForScreenshot()
    }

    // Search as you type, once typing pauses.
    Timer {
        id: searchDelay
        interval: 150
        onTriggered: window.searchText = searchField.text
    }

    // ---------------------------------------------------------------- header

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 8
            spacing: 8

            Label {
                text: qsTr("Notes")
                font.pixelSize: 20
                font.bold: true
            }
            Label {
                text: qsTr("%1 in the database").arg(window.formatCount(window.shownTotal))
                opacity: 0.7
            }
            Item { Layout.fillWidth: true }
            TextField {
                id: searchField
                Layout.preferredWidth: 260
                placeholderText: qsTr("Search title and text…")
                selectByMouse: true
                onTextChanged: searchDelay.restart()
            }
            Button {
                text: qsTr("Export / backup…")
                enabled: window.schemaReady
                onClicked: toolsDialog.open()
            }
            Button {
                text: window.generating ? qsTr("Stop") : qsTr("Generate 100k notes")
                enabled: window.schemaReady
                onClicked: {
                    if (window.generating)
                        window.stopRequested = true
                    else
                        window.generate(100000)
                }
            }
        }
    }

    ToolsDialog {
        id: toolsDialog
        connection: db
        backupPath: window.databasePath + ".backup.db"
        anchors.centerIn: Overlay.overlay
    }

    Shortcut {
        sequence: "Ctrl+F"   // Command+F on macOS
        onActivated: searchField.forceActiveFocus()
    }

    // ---------------------------------------------------------------- body

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // New note.
        Pane {
            Layout.fillWidth: true
            RowLayout {
                anchors.fill: parent
                spacing: 8
                TextField {
                    id: titleField
                    Layout.preferredWidth: 240
                    placeholderText: qsTr("Title")
                    selectByMouse: true
                    onAccepted: addButton.clicked()
                }
                TextField {
                    id: bodyField
                    Layout.fillWidth: true
                    placeholderText: qsTr("Note")
                    selectByMouse: true
                    onAccepted: addButton.clicked()
                }
                Button {
                    id: addButton
                    text: qsTr("Add note")
                    highlighted: true
                    enabled: window.schemaReady && titleField.text.trim().length > 0
                    onClicked: {
                        if (!enabled)
                            return
                        window.addNote(titleField.text.trim(), bodyField.text.trim())
                        titleField.clear()
                        bodyField.clear()
                        titleField.forceActiveFocus()
                    }
                }
            }
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: window.palette.mid
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: notesModel
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AlwaysOn }

            delegate: ItemDelegate {
                id: row
                required property int index
                required property var noteId
                required property string title
                required property string snippet
                required property var created

                width: ListView.view.width - 12   // leaves room for the scroll bar
                height: 62
                hoverEnabled: !window.screenshotMode   // no stray hover where Xvfb's pointer is
                background: Rectangle {
                    color: row.hovered ? window.tint(window.palette.highlight, 0.15)
                                       : (row.index % 2 ? window.tint(window.palette.mid, 0.15) : "transparent")
                }

                contentItem: RowLayout {
                    spacing: 12
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            Layout.fillWidth: true
                            text: row.title
                            font.bold: true
                            font.pixelSize: 15
                            elide: Text.ElideRight
                        }
                        Label {
                            Layout.fillWidth: true
                            text: row.snippet
                            opacity: 0.7
                            elide: Text.ElideRight
                        }
                    }
                    Label {
                        text: Qt.formatDateTime(new Date(row.created), "d MMM yyyy  hh:mm")
                        opacity: 0.6
                        font.pixelSize: 12
                    }
                    Button {
                        text: qsTr("Delete")
                        flat: true
                        onClicked: window.deleteNote(row.noteId)
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0 && !notesModel.loading && window.schemaReady
                text: window.searchText.length > 0
                      ? qsTr("No note matches “%1”.").arg(window.searchText)
                      : qsTr("No notes yet: add one above, or generate 100k.")
                opacity: 0.6
                font.pixelSize: 16
            }
        }
    }

    // ---------------------------------------------------------------- status

    footer: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 12
            spacing: 10

            // For loads; generating shows a progress bar. Hidden when not
            // running: Fusion's indicator keeps rotating (a frame every
            // vsync) while merely transparent.
            BusyIndicator {
                Layout.preferredWidth: 32
                Layout.preferredHeight: 32
                running: notesModel.loading && !window.generating
                visible: running
            }
            ProgressBar {
                Layout.preferredWidth: 160
                visible: window.generating
                from: 0
                to: Math.max(1, window.generateTarget)
                value: window.shownGenerated
            }
            Label {
                Layout.fillWidth: true
                elide: Text.ElideRight
                text: {
                    if (notesModel.lastError.message)
                        return qsTr("Query failed: %1").arg(notesModel.lastError.message)
                    if (window.generating)
                        return qsTr("Generated %1 of %2 notes, %3 per batch… (longest GUI-thread stall %4 ms)")
                            .arg(window.formatCount(window.shownGenerated))
                            .arg(window.formatCount(window.generateTarget))
                            .arg(window.formatCount(window.batchSize)).arg(Math.round(window.longestStall))
                    return window.statusMessage
                }
            }
            Label {
                text: notesModel.atEnd ? qsTr("%1 shown").arg(window.formatCount(notesModel.count))
                                       : qsTr("%1 loaded, more as you scroll").arg(window.formatCount(notesModel.count))
                opacity: 0.7
            }
            Label {
                id: clock
                property date now: new Date()
                font.family: "monospace"
                font.bold: true
                text: Qt.formatTime(now, "hh:mm:ss") + "." + Math.floor(now.getMilliseconds() / 100)
            }
        }
    }

    // Ticks on the GUI thread: measures the longest gap between two ticks
    // while generating (a blocked GUI thread would show here, and the clock
    // would stop) and, each tenth of a second, updates the clock and counts.
    Timer {
        property real last: 0
        interval: 16
        repeat: true
        running: true
        onTriggered: {
            const now = Date.now()
            if (window.generating && last > 0)
                window.longestStall = Math.max(window.longestStall, now - last - interval)
            last = now
            if (Math.floor(now / 100) !== Math.floor(clock.now.getTime() / 100)) {
                clock.now = new Date(now)
                window.shownGenerated = window.generated
                window.shownTotal = window.totalNotes
            }
        }
    }
}
