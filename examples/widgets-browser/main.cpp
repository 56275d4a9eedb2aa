// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// widgets-browser: a QTableView over QAsyncSqliteQueryModel on a database of
// a million rows, searchable and sortable, whose window never freezes.
//
// This file picks the database file and the options; the window is in
// mainwindow.cpp. For documentation and CI it can also take a screenshot of
// the window once a search has produced its rows, and quit.
//
// Usage: widgets-browser [options] [database-file]
//   database-file         default: people.db in the application data directory
//                         (a fresh temporary file with --screenshot)
//   --rows <N>            rows to generate when the database is new
//                         (default 1,000,000)
//   --search <text>       start with this text in the search box
//   --screenshot <file>   once the rows are generated and the search has
//                         shown its rows, save the window to <file> (PNG) and
//                         exit (default search: "berlin")

#include "mainwindow.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>
#include <QtGui/QPixmap>
#include <QtWidgets/QApplication>

#include <limits>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// How long --screenshot may take before the program gives up.
constexpr int ScreenshotTimeoutMs = 5 * 60 * 1000;
// Lets the view paint the rows (and the clock tick) before the grab.
constexpr int SettleMs = 300;

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"QAsyncSqlite"_s);
    QCoreApplication::setApplicationName(u"widgets-browser"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Browse a million-row SQLite table without ever blocking the UI."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"database"_s,
                                 u"The database file (default: people.db in the application data directory)."_s,
                                 u"[database]"_s);
    const QCommandLineOption rowsOption(u"rows"_s, u"Rows to generate in a new database (default 1000000)."_s, u"N"_s,
                                        u"1000000"_s);
    const QCommandLineOption searchOption(u"search"_s, u"Start with <text> in the search box."_s, u"text"_s);
    const QCommandLineOption screenshotOption(
            u"screenshot"_s,
            u"Save a screenshot of the window to <file> (PNG) once a search has shown its rows, then exit."_s,
            u"file"_s);
    parser.addOption(rowsOption);
    parser.addOption(searchOption);
    parser.addOption(screenshotOption);
    parser.process(app);

    bool ok = false;
    const qint64 rows = parser.value(rowsOption).toLongLong(&ok);
    if (!ok || rows < 1 || rows > std::numeric_limits<int>::max()) {
        QTextStream(stderr) << "widgets-browser: --rows expects a positive number" << Qt::endl;
        return 2;
    }
    const QString screenshotPath = parser.value(screenshotOption);
    const bool screenshot = !screenshotPath.isEmpty();
    const QString search = parser.isSet(searchOption) ? parser.value(searchOption)
            : screenshot                              ? u"berlin"_s
                                                      : QString();

    // A screenshot starts from a new database so that it always looks the same.
    QTemporaryDir tmp;
    QString database;
    if (!parser.positionalArguments().isEmpty()) {
        database = parser.positionalArguments().constFirst();
    } else if (screenshot) {
        if (!tmp.isValid()) {
            QTextStream(stderr) << "widgets-browser: cannot create a temporary directory" << Qt::endl;
            return 1;
        }
        database = tmp.filePath(u"people.db"_s);
    } else {
        const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        if (!QDir().mkpath(dataDir)) {
            QTextStream(stderr) << "widgets-browser: cannot create " << dataDir << Qt::endl;
            return 1;
        }
        database = QDir(dataDir).filePath(u"people.db"_s);
    }
    QTextStream(stdout) << "Database: " << QDir::toNativeSeparators(database) << Qt::endl;

    // Declared after `tmp`: the window (and its connection) goes first, so
    // the file is closed before its directory is removed.
    MainWindow window(database, rows);
    window.setSearchText(search);
    QObject::connect(&window, &MainWindow::failed, &app, [](const QString &message) {
        QTextStream(stderr) << "widgets-browser: " << message << Qt::endl;
    });

    if (screenshot) {
        // Grab once, after the first search that shows rows has settled.
        auto taken = std::make_shared<bool>(false);
        QObject::connect(&window, &MainWindow::searchFinished, &app, [&window, screenshotPath, taken] {
            if (std::exchange(*taken, true))
                return;
            QTimer::singleShot(SettleMs, &window, [&window, screenshotPath] {
                const QPixmap pixmap = window.grab();
                if (pixmap.isNull() || !pixmap.save(screenshotPath, "PNG")) {
                    QTextStream(stderr) << "widgets-browser: cannot save the screenshot to " << screenshotPath
                                        << Qt::endl;
                    QCoreApplication::exit(1);
                    return;
                }
                QTextStream(stdout) << "Saved " << pixmap.width() << 'x' << pixmap.height() << " screenshot to "
                                    << screenshotPath << Qt::endl;
                QCoreApplication::exit(0);
            });
        });
        QObject::connect(&window, &MainWindow::failed, &app, [] {
            QCoreApplication::exit(1);
        });
        QTimer::singleShot(ScreenshotTimeoutMs, &app, [] {
            QTextStream(stderr) << "widgets-browser: timed out waiting for the screenshot" << Qt::endl;
            QCoreApplication::exit(1);
        });
    }

    window.show();
    return app.exec();
}
