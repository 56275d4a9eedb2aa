// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// qml-notes: a Qt Quick notes app whose database never blocks the UI.
//
// All the database work is in Main.qml (`import QAsyncSqlite`): this file only
// picks the database file, finds the QML module and, for documentation and CI,
// can take a screenshot of the window and quit.
//
// Usage: qml-notes [options] [database-file]
//   database-file         default: notes.db in the application data directory
//                         (a fresh temporary file with --screenshot)
//   --generate <N>        generate N notes at start-up
//   --screenshot <file>   once the window is shown, the N notes generated and a
//                         few sample notes added, save the window to <file>
//                         (PNG) and exit

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtQml/QQmlApplicationEngine>
#include <QtQuick/QQuickWindow>

using namespace Qt::StringLiterals;

namespace {

// How long --screenshot may take before the program gives up.
constexpr int ScreenshotTimeoutMs = 5 * 60 * 1000;

// Saves the window to a PNG when Main.qml emits readyForScreenshot(), then
// quits (exit code 0 on success, 1 if the image cannot be grabbed or saved).
class ScreenshotTaker : public QObject
{
    Q_OBJECT
public:
    ScreenshotTaker(QQuickWindow *window, const QString &path) : QObject(window), m_window(window), m_path(path) { }

public Q_SLOTS:
    void take()
    {
        // grabWindow() renders a fresh frame of the current scene and reads
        // it back, on any render loop (threaded, basic or software).
        const QImage image = m_window->grabWindow();
        if (image.isNull() || !image.save(m_path, "PNG")) {
            QTextStream(stderr) << "qml-notes: cannot save the screenshot to " << m_path << Qt::endl;
            QCoreApplication::exit(1);
            return;
        }
        QTextStream(stdout) << "Saved " << image.width() << 'x' << image.height() << " screenshot to " << m_path
                            << Qt::endl;
        QCoreApplication::exit(0);
    }

private:
    QQuickWindow *m_window;
    QString m_path;
};

// Whether this binary runs from the build tree (not an installed copy).
bool runsFromBuildTree()
{
    const QString buildDir = QDir(QString::fromUtf8(QML_NOTES_BUILD_DIR)).canonicalPath();
    const QString appDir = QDir(QCoreApplication::applicationDirPath()).canonicalPath();
    return !buildDir.isEmpty() && (appDir == buildDir || appDir.startsWith(buildDir + u'/'));
}

// Makes `import QAsyncSqlite` resolve: from the build directory to the module
// it was built with, once installed to the module's install directory (a
// relative one counts from this program's directory). QML_IMPORT_PATH still works.
void addImportPaths(QQmlApplicationEngine &engine)
{
    const QString dir = runsFromBuildTree() ? QString::fromUtf8(QML_NOTES_BUILD_IMPORT_DIR)
                                            : QString::fromUtf8(QML_NOTES_INSTALL_IMPORT_DIR);
    const QString path = QDir(QCoreApplication::applicationDirPath()).filePath(dir);
    if (QDir(path).exists())
        engine.addImportPath(path);
}

} // namespace

int main(int argc, char *argv[])
{
    // Fusion looks at home on every desktop; QT_QUICK_CONTROLS_STYLE overrides it.
    if (!qEnvironmentVariableIsSet("QT_QUICK_CONTROLS_STYLE"))
        qputenv("QT_QUICK_CONTROLS_STYLE", "Fusion");
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"QAsyncSqlite"_s);
    QCoreApplication::setApplicationName(u"qml-notes"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"A notes app on QAsyncSqlite's QML API."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"database"_s,
                                 u"The database file (default: notes.db in the application data directory)."_s,
                                 u"[database]"_s);
    const QCommandLineOption generateOption(u"generate"_s, u"Generate <N> notes at start-up."_s, u"N"_s);
    const QCommandLineOption screenshotOption(
            u"screenshot"_s, u"Save a screenshot of the window to <file> (PNG) once it is filled, then exit."_s,
            u"file"_s);
    parser.addOption(generateOption);
    parser.addOption(screenshotOption);
    parser.process(app);

    int generate = 0;
    if (parser.isSet(generateOption)) {
        bool ok = false;
        generate = parser.value(generateOption).toInt(&ok);
        if (!ok || generate < 0) {
            QTextStream(stderr) << "qml-notes: --generate expects a non-negative number" << Qt::endl;
            return 2;
        }
    }
    const QString screenshotPath = parser.value(screenshotOption);
    const bool screenshot = !screenshotPath.isEmpty();

    // A screenshot starts from an empty database so it always looks the same.
    QTemporaryDir tmp;
    QString database;
    if (!parser.positionalArguments().isEmpty()) {
        database = parser.positionalArguments().constFirst();
    } else if (screenshot) {
        if (!tmp.isValid()) {
            QTextStream(stderr) << "qml-notes: cannot create a temporary directory" << Qt::endl;
            return 1;
        }
        database = tmp.filePath(u"notes.db"_s);
    } else {
        const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        if (!QDir().mkpath(dataDir)) {
            QTextStream(stderr) << "qml-notes: cannot create " << dataDir << Qt::endl;
            return 1;
        }
        database = QDir(dataDir).filePath(u"notes.db"_s);
    }
    QTextStream(stdout) << "Database: " << QDir::toNativeSeparators(database) << Qt::endl;

    // Declared after `tmp`: the engine (and the database connection in it) is
    // destroyed first, so the file is closed before its directory goes.
    QQmlApplicationEngine engine;
    addImportPaths(engine);
    engine.setInitialProperties({
            {u"databasePath"_s, database},
            {u"generateOnStart"_s, generate},
            {u"screenshotMode"_s, screenshot},
    });
    engine.load(QUrl(u"qrc:/qt/qml/QmlNotes/Main.qml"_s));
    if (engine.rootObjects().isEmpty())
        return 1;

    if (screenshot) {
        auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
        if (!window)
            return 1;
        auto *taker = new ScreenshotTaker(window, screenshotPath);
        QObject::connect(window, SIGNAL(readyForScreenshot()), taker, SLOT(take()));
        QTimer::singleShot(ScreenshotTimeoutMs, &app, [] {
            QTextStream(stderr) << "qml-notes: timed out waiting for the screenshot" << Qt::endl;
            QCoreApplication::exit(1);
        });
    }
    return app.exec();
}

#include "main.moc"
