// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Uses the installed QAsyncSqlite::Coro: awaits a query in a coroutine.
#include <QAsyncSqlite/QAsyncSqliteCoro>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

using namespace Qt::StringLiterals;

static QCoro::Task<QVariantList> selectTwo(QAsyncSqliteConnection &db)
{
    co_await QAsyncSqlite::await(db.open(u":memory:"_s));
    const QVariantList rows = co_await QAsyncSqlite::await(db.execute(u"SELECT 2"_s));
    co_await QAsyncSqlite::await(db.close());
    co_return rows;
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QAsyncSqliteConnection db;
    QAsyncSqlite::toFuture(selectTwo(db))
            .then(&app,
                  [](const QVariantList &rows) {
                      const bool ok = rows == QVariantList{QVariantList{2LL}};
                      QTextStream(ok ? stdout : stderr)
                              << "consumer_coro: SELECT 2 " << (ok ? "returned 2" : "failed") << Qt::endl;
                      QCoreApplication::exit(ok ? 0 : 1);
                  })
            .onFailed(&app, [](const QAsyncSqliteError &error) {
                QTextStream(stderr) << "error: " << error.errorName() << ": " << error.message() << Qt::endl;
                QCoreApplication::exit(1);
            });
    return app.exec();
}
