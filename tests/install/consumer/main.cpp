// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Uses an installed QAsyncSqlite: checks the version macros against the
// package's version, opens :memory:, runs SELECT 1 and checks the row. The
// install test builds it with CMake (find_package) and with pkg-config.
#include <QAsyncSqlite/QAsyncSqlite> // also gives the version macros

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

#include <cstring>

using namespace Qt::StringLiterals;

static_assert(QASYNCSQLITE_VERSION_CHECK(1, 2, 3) == 0x010203);
#if QASYNCSQLITE_VERSION < QASYNCSQLITE_VERSION_CHECK(0, 1, 0)
#error "QASYNCSQLITE_VERSION is older than the first version"
#endif

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (std::strcmp(QASYNCSQLITE_VERSION_STR, QASYNCSQLITE_EXPECTED_VERSION) != 0
        || QASYNCSQLITE_VERSION
                != QASYNCSQLITE_VERSION_CHECK(QASYNCSQLITE_VERSION_MAJOR, QASYNCSQLITE_VERSION_MINOR,
                                              QASYNCSQLITE_VERSION_PATCH)) {
        QTextStream(stderr) << "QASYNCSQLITE_VERSION_STR is " << QASYNCSQLITE_VERSION_STR << ", the package is "
                            << QASYNCSQLITE_EXPECTED_VERSION << Qt::endl;
        return 1;
    }
    QAsyncSqliteConnection db;
    try {
        db.open(u":memory:"_s).waitForFinished(); // rethrows a stored error
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
    QTextStream(stdout) << "consumer: QAsyncSqlite " << QASYNCSQLITE_VERSION_STR << ", SELECT 1 returned 1" << Qt::endl;
    return 0;
}
