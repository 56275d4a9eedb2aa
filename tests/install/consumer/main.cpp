// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Uses an installed QAsyncSqlite: opens :memory:, runs SELECT 1, checks the row.
#include <QAsyncSqlite/QAsyncSqliteConnection>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QAsyncSqliteConnection db;
    try {
        db.open(u":memory:"_s).waitForFinished();   // rethrows a stored error
        const QVariantList rows = db.execute(u"SELECT 1"_s).result();
        const QVariantList expected{QVariantList{1LL}};
        db.close().waitForFinished();
        if (rows != expected) {
            QTextStream(stderr) << "unexpected result of SELECT 1" << Qt::endl;
            return 1;
        }
    } catch (const QAsyncSqliteError &error) {
        QTextStream(stderr) << "error: " << error.errorName() << ": " << error.message() << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << "consumer: SELECT 1 returned 1" << Qt::endl;
    return 0;
}
