// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef WIDGETS_BROWSER_MAINWINDOW_H
#define WIDGETS_BROWSER_MAINWINDOW_H

#include <QtCore/QElapsedTimer>
#include <QtCore/QFuture>
#include <QtCore/QFutureWatcher>
#include <QtCore/QTimer>

#include <tuple>
#include <QtWidgets/QMainWindow>

class QAsyncSqliteConnection;
class QAsyncSqliteQueryModel;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

// The browser window: a search box, a QTableView over a QAsyncSqliteQueryModel,
// a status row (busy/progress bar, row counts, Cancel) and a clock that proves
// the GUI thread never blocks. All database work runs on the connection's
// worker thread; this class only queues requests and reacts to their futures.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // Opens \a databasePath and, unless it already holds a complete data set,
    // fills it with \a rows generated rows in the background.
    MainWindow(const QString &databasePath, qint64 rows, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Types \a text into the search box (for --screenshot).
    void setSearchText(const QString &text);

Q_SIGNALS:
    // The database is ready and the current search has shown its rows and
    // counted its matches (for --screenshot).
    void searchFinished();
    // The database could not be opened or generated.
    void failed(const QString &message);

private:
    enum class State {
        Opening,
        Generating,
        Ready,
        Failed
    };

    // Calls \a done(future) on this thread when \a future finishes. The
    // watcher is a child of the window: if the window goes first, the watcher
    // goes with it and \a done never runs. This is the pattern that is safe on
    // Qt 6.4, where then(this, …) asserts (Debug) or cancels (Release) if
    // `this` dies before the future finishes. Returns the watcher, for its
    // other signals (it deletes itself once \a done has run).
    template<typename T, typename Done>
    QFutureWatcher<T> *watch(const QFuture<T> &future, Done &&done);

    void openDatabase();
    void checkDatabase();
    void generate();
    void startBrowsing();
    void applySearch();
    void applySort(int column, Qt::SortOrder order);
    void startCount();
    void cancel();
    void tick();
    void updateStatus();
    void setState(State state, const QString &message = {});

    const QString m_databasePath;
    const qint64 m_rowsToGenerate;
    State m_state = State::Opening;

    // Deleted explicitly in ~MainWindow (model first, then connection), so
    // every future of the connection has finished while `this` is alive.
    QAsyncSqliteConnection *m_db = nullptr;
    QAsyncSqliteQueryModel *m_model = nullptr;

    // Generation: one transaction whose future reports the rows written.
    QFuture<qint64> m_generationFuture;
    QElapsedTimer m_generationTime;

    // The count of matching rows for the current search.
    QFuture<QList<std::tuple<qint64>>> m_countFuture;
    quint64 m_countGeneration = 0;
    qint64 m_matches = -1;
    bool m_counting = false;
    bool m_canceled = false;
    QElapsedTimer m_queryTime;
    qint64 m_lastQueryMs = -1;

    QString m_sortColumn = QStringLiteral("id");
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;

    QLineEdit *m_search = nullptr;
    QTableView *m_table = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_generate = nullptr;
    QLabel *m_clock = nullptr;
    QLabel *m_stall = nullptr;

    QTimer m_debounce;
    QTimer m_clockTimer;
    QElapsedTimer m_sinceTick;
    QElapsedTimer m_sinceStart;
    qint64 m_longestStallMs = 0;
};

#endif // WIDGETS_BROWSER_MAINWINDOW_H
