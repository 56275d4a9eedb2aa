// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include <QAsyncSqlite/QAsyncSqlite>

#include <QtCore/QDate>
#include <QtCore/QDir>
#include <QtCore/QLocale>
#include <QtCore/QTime>
#include <QtGui/QFontDatabase>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QStyledItemDelegate>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

#include <array>

using namespace Qt::StringLiterals;

namespace {

// The clock ticks every 20 ms; a tick that comes later than that measures how
// long the GUI thread was busy with something else.
constexpr int ClockIntervalMs = 20;
// The first second after start-up (creating and showing the window) is not
// counted as a stall.
constexpr int StallGraceMs = 1000;
// The search box waits this long after the last key press.
constexpr int DebounceMs = 250;
// Rows per executeMany() inside the generating transaction.
constexpr int GenerateBatch = 5000;

// The schema, one step per release: open() runs the steps this file has not
// run yet (PRAGMA user_version counts them) before anything else; a new
// release appends a step (doc/migrations.md).
const QList<QAsyncSqliteMigration> Migrations = {
        {.name = u"people"_s, .sql = uR"(
CREATE TABLE people(
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    email   TEXT NOT NULL,
    city    TEXT NOT NULL,
    born    TEXT NOT NULL,
    balance REAL NOT NULL);
CREATE TABLE meta(key TEXT PRIMARY KEY, value);
)"_s},
};

// :pattern is NULL for an empty search, so that SQLite skips the three LIKEs.
const auto Where = uR"(WHERE :pattern IS NULL
   OR name LIKE :pattern ESCAPE '\'
   OR email LIKE :pattern ESCAPE '\'
   OR city LIKE :pattern ESCAPE '\')"_s;

// The columns the table shows, which are also the ones a click on a header
// may sort by (the ORDER BY clause is built from this list only).
const QStringList Columns = {u"id"_s, u"name"_s, u"email"_s, u"city"_s, u"born"_s, u"balance"_s};

// Deterministic pseudo-random data: the same row for the same id, every run.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

constexpr std::array FirstNames = {
        "Ada",     "Alan",     "Anna",  "Barbara", "Bjarne", "Carla", "Claude", "Dennis", "Edsger", "Elena",
        "Frances", "Grace",    "Guido", "Hedy",    "Ivan",   "Jean",  "John",   "Karen",  "Ken",    "Linus",
        "Lise",    "Margaret", "Marie", "Niklaus", "Olga",   "Radia", "Rasmus", "Sophie", "Tim",    "Yukihiro",
};
constexpr std::array LastNames = {
        "Allen",      "Backus",     "Berners-Lee", "Cerf",     "Dijkstra", "Goldberg", "Hamilton",
        "Hopper",     "Kay",        "Knuth",       "Lamarr",   "Liskov",   "Lovelace", "McCarthy",
        "Meitner",    "Nygaard",    "Perlman",     "Ritchie",  "Rossum",   "Shannon",  "Spärck Jones",
        "Stroustrup", "Sutherland", "Thompson",    "Torvalds", "Turing",   "Wirth",    "Wozniak",
};
constexpr std::array Cities = {
        "Amsterdam",  "Athens",    "Barcelona", "Berlin",    "Bordeaux", "Brno",     "Brussels",  "Budapest",
        "Copenhagen", "Dublin",    "Edinburgh", "Gdańsk",    "Geneva",   "Helsinki", "Kraków",    "Lisbon",
        "Ljubljana",  "London",    "Lyon",      "Madrid",    "Milan",    "Munich",   "Oslo",      "Oulu",
        "Paris",      "Porto",     "Prague",    "Reykjavík", "Riga",     "Rome",     "Stockholm", "Tallinn",
        "Tampere",    "Trondheim", "Turin",     "Valencia",  "Vienna",   "Vilnius",  "Warsaw",    "Zürich",
};

template<std::size_t N>
QString pick(const std::array<const char *, N> &names, quint64 bits)
{
    return QString::fromUtf8(names[bits % N]);
}

// One generated row of people, bound by position as a typed row
// (doc/typed-rows.md): no QVariant per value on the way into SQLite.
struct Person
{
    qint64 id;
    QString name;
    QString email;
    QString city;
    QDate born; // bound as ISO text by the library's date adapter
    double balance;
};

// The row \a id of the generated data set.
Person generatedRow(qint64 id)
{
    const quint64 h = mix(quint64(id));
    const QString first = pick(FirstNames, h);
    const QString last = pick(LastNames, h >> 8);
    QString local = first + u'.' + last;
    local.remove(u' ');
    return {
            id,
            first + u' ' + last,
            local.toLower() + QString::number(id) + u"@example.org"_s,
            pick(Cities, h >> 16),
            QDate(1940, 1, 1).addDays(qint64((h >> 24) % 25000)),
            double(qint64((h >> 40) % 2'000'000) - 500'000) / 100.0,
    };
}

// "%text%" with LIKE's wildcards in the text escaped; NULL for no text.
QVariant likePattern(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return QVariant();
    QString escaped;
    for (const QChar c : trimmed) {
        if (c == u'\\' || c == u'%' || c == u'_')
            escaped += u'\\';
        escaped += c;
    }
    return QString(u'%' + escaped + u'%');
}

// Numbers right-aligned, with a fixed number of decimals.
class NumberDelegate : public QStyledItemDelegate
{
public:
    NumberDelegate(int decimals, QObject *parent) : QStyledItemDelegate(parent), m_decimals(decimals) { }

    QString displayText(const QVariant &value, const QLocale &locale) const override
    {
        if (m_decimals == 0)
            return QString::number(value.toLongLong());
        return locale.toString(value.toDouble(), 'f', m_decimals);
    }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->displayAlignment = Qt::AlignRight | Qt::AlignVCenter;
    }

private:
    int m_decimals;
};

QString withSeparators(qint64 n)
{
    QLocale locale(QLocale::English);
    return locale.toString(n);
}

} // namespace

template<typename T, typename Done>
QFutureWatcher<T> *MainWindow::watch(const QFuture<T> &future, Done &&done)
{
    auto *watcher = new QFutureWatcher<T>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [watcher, done = std::forward<Done>(done)]() mutable {
        done(watcher->future());
        watcher->deleteLater();
    });
    watcher->setFuture(future);
    return watcher;
}

MainWindow::MainWindow(const QString &databasePath, qint64 rows, QWidget *parent)
    : QMainWindow(parent), m_databasePath(databasePath), m_rowsToGenerate(rows)
{
    setWindowTitle(u"QAsyncSqlite widgets browser"_s);

    // Search row.
    m_search = new QLineEdit;
    m_search->setPlaceholderText(u"Search names, e-mail addresses and cities (e.g. berlin, hopper, knuth4)"_s);
    m_search->setClearButtonEnabled(true);
    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(new QLabel(u"Search:"_s));
    searchRow->addWidget(m_search, 1);

    // The table. Sorting is done by the query (ORDER BY), not by the view.
    m_table = new QTableView;
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionsClickable(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegateForColumn(0, new NumberDelegate(0, m_table));
    m_table->setItemDelegateForColumn(5, new NumberDelegate(2, m_table));

    // Progress row: busy/progress bar, what happens, Generate and Cancel.
    m_progress = new QProgressBar;
    m_progress->setFixedWidth(220);
    m_progress->setTextVisible(true);
    m_status = new QLabel;
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_generate = new QPushButton(u"Generate"_s);
    m_generate->setToolTip(u"Generate the data set again"_s);
    m_cancel = new QPushButton(u"Cancel"_s);
    m_cancel->setToolTip(u"Stop the running query or the generation"_s);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress);
    progressRow->addWidget(m_status, 1);
    progressRow->addWidget(m_generate);
    progressRow->addWidget(m_cancel);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addLayout(searchRow);
    layout->addWidget(m_table, 1);
    layout->addLayout(progressRow);
    setCentralWidget(central);

    // Status bar: the database on the left, the clock on the right.
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_clock = new QLabel;
    m_clock->setFont(mono);
    m_clock->setContentsMargins(12, 0, 4, 0);
    m_clock->setToolTip(u"Driven by a 20 ms QTimer on the GUI thread: it stops if that thread blocks"_s);
    m_stall = new QLabel;
    m_stall->setFont(mono);
    m_stall->setToolTip(u"The longest time the GUI thread did not run the clock's timer"_s);
    statusBar()->addWidget(new QLabel(u"Database: "_s + QDir::toNativeSeparators(m_databasePath)), 1);
    statusBar()->addPermanentWidget(m_stall);
    statusBar()->addPermanentWidget(m_clock);

    resize(1100, 700);

    connect(m_search, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &MainWindow::applySearch);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_debounce.stop();
        applySearch();
    });
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancel);
    connect(m_generate, &QPushButton::clicked, this, &MainWindow::generate);
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, &MainWindow::applySort);

    m_clockTimer.setTimerType(Qt::PreciseTimer);
    m_clockTimer.setInterval(ClockIntervalMs);
    connect(&m_clockTimer, &QTimer::timeout, this, &MainWindow::tick);
    m_sinceStart.start();
    m_sinceTick.start();
    m_clockTimer.start();

    // The connection and the model are children of the window, and also
    // deleted explicitly (and in this order) by ~MainWindow.
    m_db = new QAsyncSqliteConnection(this);
    m_model = new QAsyncSqliteQueryModel(this);
    m_model->setChunkSize(500);
    m_table->setModel(m_model);
    connect(m_model, &QAsyncSqliteQueryModel::countChanged, this, &MainWindow::updateStatus);
    connect(m_model, &QAsyncSqliteQueryModel::loadingChanged, this, &MainWindow::updateStatus);
    connect(m_model, &QAsyncSqliteQueryModel::lastErrorChanged, this, &MainWindow::updateStatus);
    connect(m_model, &QAsyncSqliteQueryModel::columnsChanged, this, [this] {
        const QList<int> widths = {90, 200, 320, 130, 110, 110};
        for (int i = 0; i < widths.size() && i < m_model->columnCount(); ++i)
            m_table->setColumnWidth(i, widths.at(i));
    });
    connect(m_model, &QAsyncSqliteQueryModel::refreshed, this, [this] {
        if (m_lastQueryMs < 0 && m_queryTime.isValid())
            m_lastQueryMs = m_queryTime.elapsed();
        updateStatus();
        if (!m_counting)
            Q_EMIT searchFinished();
    });

    setState(State::Opening, u"Opening the database…"_s);
    openDatabase();
}

MainWindow::~MainWindow()
{
    // Stop whatever runs, so that closing the connection is quick: a canceled
    // generation rolls back, a canceled or interrupted query ends at once.
    m_generationFuture.cancel();
    m_countFuture.cancel();
    m_db->interrupt();
    // The model first (it closes its cursor), then the connection: its
    // destructor runs what is left in its queue and joins the worker, so
    // every one of its futures has finished before `this` starts to die.
    // That is what would make then(this, …) safe here; the watchers used
    // below (children of the window) are safe either way.
    m_table->setModel(nullptr);
    delete m_model;
    delete m_db;
}

void MainWindow::setSearchText(const QString &text)
{
    m_search->setText(text);
}

void MainWindow::openDatabase()
{
    QAsyncSqliteOptions options;
    options.pragmas = {u"journal_mode=WAL"_s, u"synchronous=NORMAL"_s};
    options.migrations = Migrations;
    // Both requests are queued at once and run in this order; if open() or
    // a migration step fails the query fails with its error, so watching
    // the query is enough.
    m_db->open(m_databasePath, options);
    using Count = std::tuple<qint64>;
    watch(m_db->execute<Count>(u"SELECT value FROM meta WHERE key = 'rows'"_s), [this](const QFuture<QList<Count>> &f) {
        if (const auto error = QAsyncSqlite::errorOf(f)) {
            setState(State::Failed, u"Cannot open the database: "_s + error->message());
            return;
        }
        const QList<Count> rows = f.result();
        const qint64 count = rows.isEmpty() ? 0 : std::get<0>(rows.constFirst());
        if (count > 0) {
            statusBar()->showMessage(u"%1 rows, generated earlier"_s.arg(withSeparators(count)), 5000);
            startBrowsing();
        } else {
            generate();
        }
    });
}

void MainWindow::generate()
{
    if (m_state == State::Generating)
        return;
    m_model->setQuery(QString()); // nothing reads the table while it is rewritten
    m_generationTime.start();
    setState(State::Generating);

    // One request: the whole data set is written inside one transaction on the
    // worker thread (BEGIN IMMEDIATE … COMMIT), so the GUI thread does no work
    // at all for it. The callable reports the rows written through the
    // transaction's future, as a QPromise would, and a QFutureWatcher hands
    // them to the progress bar. Canceling the future makes the running
    // executeMany() stop with SQLITE_INTERRUPT; the exception rolls the
    // transaction back, so a canceled generation leaves no rows behind.
    const int total = int(m_rowsToGenerate); // main() keeps it within int
    m_generationFuture = m_db->transaction([total](QAsyncSqliteTransaction &tx) {
        tx.execute(u"DELETE FROM people"_s);
        tx.execute(u"DELETE FROM meta"_s);
        tx.setProgressRange(0, total);
        const QString insert = u"INSERT INTO people(id, name, email, city, born, balance) VALUES(?, ?, ?, ?, ?, ?)"_s;
        QList<Person> batch;
        for (int first = 1; first <= total; first += GenerateBatch) {
            const int last = qMin(total, first + GenerateBatch - 1);
            batch.clear();
            batch.reserve(last - first + 1);
            for (int id = first; id <= last; ++id)
                batch.append(generatedRow(id));
            tx.executeMany(insert, batch);
            tx.setProgressValue(last);
        }
        tx.execute(u"INSERT INTO meta(key, value) VALUES('rows', ?)"_s, {total});
        return qint64(total);
    });
    auto *watcher = watch(m_generationFuture, [this](const QFuture<qint64> &f) {
        const auto error = QAsyncSqlite::errorOf(f);
        if (!error) {
            statusBar()->showMessage(u"Generated %1 rows in %2 s"_s.arg(withSeparators(f.result()))
                                             .arg(double(m_generationTime.elapsed()) / 1000.0, 0, 'f', 1),
                                     10000);
            startBrowsing();
        } else if (f.isCanceled() && f.progressValue() < m_rowsToGenerate) {
            setState(State::Failed,
                     u"Generation canceled; the transaction was rolled back. Press Generate to start again."_s);
        } else {
            setState(State::Failed, u"Generation failed: "_s + error->message());
        }
    });
    connect(watcher, &QFutureWatcherBase::progressRangeChanged, m_progress, &QProgressBar::setRange);
    connect(watcher, &QFutureWatcherBase::progressValueChanged, m_progress, &QProgressBar::setValue);
}

void MainWindow::startBrowsing()
{
    setState(State::Ready);
    applySort(m_table->horizontalHeader()->sortIndicatorSection(), m_table->horizontalHeader()->sortIndicatorOrder());
    m_model->setConnection(m_db);
    applySearch();
}

void MainWindow::applySort(int column, Qt::SortOrder order)
{
    m_sortColumn = Columns.value(column, u"id"_s);
    m_sortOrder = order;
    if (m_state != State::Ready)
        return;
    // Sorting 1,000,000 rows by a column without an index takes SQLite a
    // second or two: the progress bar turns busy and Cancel can stop it.
    const QString direction = order == Qt::AscendingOrder ? u"ASC"_s : u"DESC"_s;
    QString orderBy = m_sortColumn + u' ' + direction;
    if (m_sortColumn != u"id")
        orderBy += u", id "_s + direction;
    const QString query =
            u"SELECT "_s + Columns.join(u", "_s) + u"\nFROM people\n"_s + Where + u"\nORDER BY "_s + orderBy;
    if (query == m_model->query())
        return;
    m_canceled = false;
    m_lastQueryMs = -1;
    m_queryTime.start();
    m_model->setQuery(query);
    updateStatus();
}

void MainWindow::applySearch()
{
    if (m_state != State::Ready)
        return;
    const QVariantMap parameters{{u"pattern"_s, likePattern(m_search->text())}};
    if (m_model->parameters() == QVariant(parameters) && m_matches >= 0)
        return;
    m_canceled = false;
    m_lastQueryMs = -1;
    m_queryTime.start();
    m_model->setParameters(parameters);
    // The model queues its query from a zero timer; counting from one too
    // puts the COUNT(*) behind the rows the user is waiting for.
    QTimer::singleShot(0, this, &MainWindow::startCount);
    updateStatus();
}

void MainWindow::startCount()
{
    // A new search makes the previous count useless: cancel it (it never
    // runs if it is still queued, and stops at once if it runs).
    m_countFuture.cancel();
    const quint64 current = ++m_countGeneration;
    m_counting = true;
    m_matches = -1;
    m_countFuture = m_db->execute<std::tuple<qint64>>(u"SELECT count(*) FROM people\n"_s + Where,
                                                      m_model->parameters().toMap());
    watch(m_countFuture, [this, current](const QFuture<QList<std::tuple<qint64>>> &f) {
        if (current != m_countGeneration)
            return; // a newer search started meanwhile
        m_counting = false;
        if (!QAsyncSqlite::errorOf(f) && !f.result().isEmpty())
            m_matches = std::get<0>(f.result().constFirst());
        updateStatus();
        if (!m_model->isLoading() && m_matches >= 0)
            Q_EMIT searchFinished();
    });
    updateStatus();
}

void MainWindow::cancel()
{
    if (m_state == State::Generating) {
        m_generationFuture.cancel();
        return;
    }
    m_canceled = true;
    // The count is canceled through its future; the model's query through
    // interrupt(), which stops whatever statement the worker runs right now.
    // The model's requests were queued before the count, so they run first.
    m_countFuture.cancel();
    m_db->interrupt();
    updateStatus();
}

void MainWindow::tick()
{
    const qint64 gap = m_sinceTick.restart();
    if (m_sinceStart.elapsed() > StallGraceMs)
        m_longestStallMs = qMax(m_longestStallMs, gap - ClockIntervalMs);

    const QTime now = QTime::currentTime();
    m_clock->setText(now.toString(u"hh:mm:ss"_s) + u'.' + QString::number(now.msec() / 100));
    m_stall->setText(u"Longest UI stall: %1 ms"_s.arg(m_longestStallMs));

    if (m_state == State::Generating) {
        const int done = m_generationFuture.progressValue();
        const bool stopping = m_generationFuture.isCanceled();
        m_status->setText(u"%1 %2 of %3 rows in one transaction (%4 s)…"_s
                                  .arg(stopping ? u"Canceling: rolling back"_s : u"Generating"_s, withSeparators(done),
                                       withSeparators(m_rowsToGenerate))
                                  .arg(double(m_generationTime.elapsed()) / 1000.0, 0, 'f', 1));
    }
}

void MainWindow::setState(State state, const QString &message)
{
    m_state = state;
    m_search->setEnabled(state == State::Ready);
    m_table->setEnabled(state == State::Ready);
    m_generate->setEnabled(state == State::Failed && m_db->isOpen());
    if (state == State::Generating) {
        m_progress->setRange(0, 0); // busy until the generation's future has a range
        m_progress->setFormat(u"%p% generated"_s);
        m_cancel->setEnabled(true);
        tick();
        return;
    }
    if (state != State::Ready) {
        m_progress->setRange(0, state == State::Opening ? 0 : 1);
        m_progress->setValue(0);
        m_progress->setFormat(state == State::Failed ? u"Stopped"_s : QString());
        m_cancel->setEnabled(false);
        m_status->setText(message);
        if (state == State::Failed)
            Q_EMIT failed(message);
        return;
    }
    updateStatus();
}

void MainWindow::updateStatus()
{
    if (m_state != State::Ready)
        return;
    const bool busy = m_model->isLoading() || m_counting;
    m_cancel->setEnabled(busy);
    if (busy) {
        m_progress->setRange(0, 0); // indeterminate: a query runs
        m_progress->setFormat(QString());
    } else {
        m_progress->setRange(0, 1);
        m_progress->setValue(1);
        m_progress->setFormat(u"Ready"_s);
    }

    const QVariantMap error = m_model->lastError();
    QString text;
    if (!error.isEmpty()) {
        text = error.value(u"name"_s) == u"SQLITE_INTERRUPT"_s
                ? u"Query canceled. Edit the search or click a column header to run it again."_s
                : u"Query failed: "_s + error.value(u"message"_s).toString();
    } else if (m_model->isLoading() && m_lastQueryMs < 0) {
        // A new query runs; the view still shows the previous rows.
        text = u"Running the query…"_s;
    } else if (m_model->rowCount() == 0 && m_model->isAtEnd()) {
        text = u"No rows match."_s;
    } else {
        const QString total = m_matches >= 0 ? withSeparators(m_matches) : m_counting ? u"(counting…)"_s : u"?"_s;
        text = u"Showing %1 of %2 matching rows"_s.arg(withSeparators(m_model->rowCount()), total);
        if (m_model->isLoading())
            text += u", loading more…"_s;
        else if (m_model->isAtEnd())
            text += u" (all loaded)"_s;
        else
            text += u" (scroll for more)"_s;
        if (m_lastQueryMs >= 0)
            text += u" · first rows in %1 ms"_s.arg(m_lastQueryMs);
        text += u" · sorted by %1 %2"_s.arg(m_sortColumn, m_sortOrder == Qt::AscendingOrder ? u"↑"_s : u"↓"_s);
    }
    if (m_canceled && m_matches < 0 && !m_counting && error.isEmpty())
        text += u" · count canceled"_s;
    m_status->setText(text);
}
