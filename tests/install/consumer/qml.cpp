// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Uses the installed static QML plugin: linked into this program and imported
// with Q_IMPORT_QML_PLUGIN, `import QAsyncSqlite` needs no plugin file and no
// import path. Runs a query from QML and checks the answer.
#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

using namespace Qt::StringLiterals;

Q_IMPORT_QML_PLUGIN(QAsyncSqlitePlugin)

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QQmlEngine engine;
    QObject::connect(&engine, &QQmlEngine::exit, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    QQmlComponent component(&engine);
    component.setData(R"(
        import QAsyncSqlite
        AsyncSqlite {
            property var answer
            database: ":memory:"
            onOpened: execute("SELECT 41 + ? AS answer", [1])
                .then(rows => { answer = rows[0].answer; Qt.exit(answer === 42 ? 0 : 1) },
                      error => { console.error(error.name, error.message); Qt.exit(1) })
        }
    )"_ba,
                      QUrl(u"consumer_qml.qml"_s));
    std::unique_ptr<QObject> db(component.create());
    if (!db) {
        QTextStream(stderr) << component.errorString() << Qt::endl;
        return 1;
    }
    // A bound, so that a broken plugin fails the test instead of hanging it.
    QTimer::singleShot(60000, &app, [] {
        QTextStream(stderr) << "consumer_qml: no answer from QML" << Qt::endl;
        QCoreApplication::exit(2);
    });
    const int code = app.exec();
    QTextStream(code == 0 ? stdout : stderr)
            << "consumer_qml: the static QML plugin answered " << db->property("answer").toString() << Qt::endl;
    return code;
}
