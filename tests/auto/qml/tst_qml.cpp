// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/qasyncsqliteconnection.h>

#include <QtCore/qobject.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQuickTest/quicktest.h>

using namespace Qt::StringLiterals;

// `testHelper` in the tests: what QML cannot do by itself.
class TestHelper : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Deletes \a object now, unlike JS destroy() (deleteLater): no event is
    // processed between the call and the destruction.
    Q_INVOKABLE void deleteNow(QObject *object) { delete object; }
    // Whether the caller runs on the application's (the engine's) thread.
    Q_INVOKABLE bool onGuiThread() const { return QThread::currentThread() == qApp->thread(); }
    // Registers times_two(n) on the connection of the AsyncSqlite \a element,
    // as an application does from C++ (doc/qml.md).
    Q_INVOKABLE bool createTimesTwo(QObject *element)
    {
        auto *connection = element->property("connection").value<QAsyncSqliteConnection *>();
        if (!connection)
            return false;
        connection->createFunction(u"times_two"_s, 1, [](const QVariantList &args) {
            return QVariant(args.at(0).toLongLong() * 2);
        });
        return true;
    }
};

// Makes the build tree's QML module importable and gives every test file a
// scratch directory as `tempDir` and a `testHelper`.
class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral(QASYNCSQLITE_QML_IMPORT_DIR));
        engine->rootContext()->setContextProperty(u"tempDir"_s, m_dir.path());
        engine->rootContext()->setContextProperty(u"testHelper"_s, &m_helper);
    }

private:
    QTemporaryDir m_dir;
    TestHelper m_helper;
};

QUICK_TEST_MAIN_WITH_SETUP(qml, Setup)
#include "tst_qml.moc"
