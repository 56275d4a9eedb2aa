// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/QAsyncSqliteConnection>
#include <QAsyncSqlite/QAsyncSqliteQueryModel>
#include <QAsyncSqlite/QAsyncSqliteTest>

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>

using namespace Qt::StringLiterals;

class tst_QueryModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void loadsInChunks();
    void parameters_data();
    void parameters();
    void errorIsReported();
    void waitsForOpen();
    void liveRefreshOwnWrites();
    void liveRefreshOtherConnection();
    void refreshKeepsLoadedRows();
    void fetchMoreDuringRefresh();
    void liveRecoversWhenTableAppears();
    void liveThrottleFoldsBursts_data();
    void liveThrottleFoldsBursts();
    void liveThrottleEdges();
    void destroyWhileLoading();
    void supersededLoadIsCanceled();

private:
    void fill(int rows);
    std::unique_ptr<QAsyncSqliteTest::TemporaryDatabase> m_tmp;
    std::unique_ptr<QAsyncSqliteConnection> m_db;
};

void tst_QueryModel::init()
{
    m_tmp = std::make_unique<QAsyncSqliteTest::TemporaryDatabase>();
    m_db = std::make_unique<QAsyncSqliteConnection>();
    QASYNCSQLITE_AWAIT(m_db->open(
            m_tmp->path(),
            {.isolationLevel = QAsyncSqlite::IsolationLevel::Autocommit, .pragmas = {u"journal_mode=WAL"_s}}));
    QASYNCSQLITE_AWAIT(m_db->execute(u"CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, body TEXT)"_s));
}

void tst_QueryModel::cleanup()
{
    m_db.reset();
    m_tmp.reset();
}

void tst_QueryModel::fill(int rows)
{
    QList<QVariantList> sets;
    for (int i = 0; i < rows; ++i)
        sets.append({u"title %1"_s.arg(i), u"body %1"_s.arg(i)});
    QASYNCSQLITE_AWAIT(m_db->executeMany(u"INSERT INTO notes(title, body) VALUES(?, ?)"_s, sets));
}

void tst_QueryModel::loadsInChunks()
{
    fill(250);
    QAsyncSqliteQueryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setChunkSize(100);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT id, title FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 100);
    QCOMPARE(model.columns(), (QStringList{u"id"_s, u"title"_s}));
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), u"title"_s);
    QVERIFY(model.canFetchMore());
    QVERIFY(!model.isAtEnd());
    QCOMPARE(model.data(model.index(0, 1)).toString(), u"title 0"_s);
    const QHash<int, QByteArray> roles = model.roleNames();
    const int titleRole = roles.key("title");
    QVERIFY(titleRole > Qt::UserRole);
    QCOMPARE(model.data(model.index(42, 0), titleRole).toString(), u"title 42"_s);
    QCOMPARE(model.get(7).value(u"title"_s).toString(), u"title 7"_s);

    model.fetchMore();
    QVERIFY(model.isLoading());
    QVERIFY(!model.canFetchMore()); // one fetch at a time
    QTRY_COMPARE(model.count(), 200);
    model.fetchMore();
    QTRY_COMPARE(model.count(), 250);
    QTRY_VERIFY(model.isAtEnd());
    QVERIFY(!model.canFetchMore());
    QCOMPARE(model.data(model.index(249, 1)).toString(), u"title 249"_s);
}

void tst_QueryModel::parameters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QVariant>("parameters");
    QTest::newRow("positional") << u"SELECT title FROM notes WHERE id > ? AND id <= ?"_s
                                << QVariant(QVariantList{5, 8});
    QTest::newRow("named") << u"SELECT title FROM notes WHERE id > :low AND id <= :high"_s
                           << QVariant(QVariantMap{{u"low"_s, 5}, {u"high"_s, 8}});
    // The other container types C++ code may hand over (QML's own values are
    // turned into a list or a map by AsyncSqliteQueryModel, tst_querymodel.qml).
    QTest::newRow("string list") << u"SELECT title FROM notes WHERE id > ? AND id <= ?"_s
                                 << QVariant(QStringList{u"5"_s, u"8"_s});
    QTest::newRow("hash") << u"SELECT title FROM notes WHERE id > :low AND id <= :high"_s
                          << QVariant(QVariantHash{{u"low"_s, 5}, {u"high"_s, 8}});
}

void tst_QueryModel::parameters()
{
    QFETCH(QString, query);
    QFETCH(QVariant, parameters);
    fill(20);
    QAsyncSqliteQueryModel model;
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setConnection(m_db.get());
    model.setQuery(query);
    model.setParameters(parameters);
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 3);
    QCOMPARE(model.data(model.index(0, 0)).toString(), u"title 5"_s);
    QVERIFY(model.isAtEnd());
}

void tst_QueryModel::errorIsReported()
{
    QAsyncSqliteQueryModel model;
    QSignalSpy errorChanged(&model, &QAsyncSqliteQueryModel::errorChanged);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT nope FROM notes"_s);
    QSignalSpy lastErrorChanged(&model, &QAsyncSqliteQueryModel::lastErrorChanged);
    QVERIFY(errorChanged.wait());
    QCOMPARE(model.error().value(u"name"_s).toString(), u"SQLITE_ERROR"_s);
    QVERIFY(model.error().value(u"message"_s).toString().contains(u"nope"_s));
    QCOMPARE(model.count(), 0);
    QVERIFY(!model.isLoading());
    // lastError is the same map, in the shape of QAsyncSqlite::errorOf() everywhere.
    QCOMPARE(lastErrorChanged.size(), 1);
    QCOMPARE(model.lastError(), model.error());
    QFuture<QVariantList> direct = m_db->execute(u"SELECT nope FROM notes"_s);
    QVERIFY(QAsyncSqliteTest::waitForFinished(direct));
    const auto expected = QAsyncSqlite::errorOf(direct);
    QVERIFY(expected);
    QCOMPARE(model.lastError(), expected->toVariantMap());
    QCOMPARE(model.lastError().value(u"className"_s).toString(), u"QAsyncSqliteOperationalError"_s);
    QCOMPARE(model.property("lastError").toMap(), model.lastError());
    QCOMPARE(model.property("error").toMap(), model.lastError());
    model.setQuery(u"SELECT id FROM notes"_s);
    QVERIFY(errorChanged.wait());
    QVERIFY(model.error().isEmpty());
    QVERIFY(model.lastError().isEmpty());
    QCOMPARE(lastErrorChanged.size(), 2);
}

void tst_QueryModel::waitsForOpen()
{
    QAsyncSqliteConnection db;
    QAsyncSqliteQueryModel model;
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setConnection(&db);
    model.setQuery(u"SELECT 1 AS one"_s);
    QTest::qWait(20);
    QCOMPARE(model.count(), 0);
    QVERIFY(model.error().isEmpty()); // not an error: nothing ran
    db.open(u":memory:"_s);
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 1);
    QCOMPARE(model.data(model.index(0, 0)).toLongLong(), 1);
}

void tst_QueryModel::liveRefreshOwnWrites()
{
    fill(3);
    QAsyncSqliteQueryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setPollInterval(0); // only the update hook may trigger this refresh
    model.setLive(true);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT id, title FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 3);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    // The refresh may land while the write is still being awaited: wait on
    // the model's state, not on the next signal.
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO notes(title) VALUES('fresh')"_s));
    QTRY_COMPARE(model.count(), 4);
    QCOMPARE(model.data(model.index(3, 1)).toString(), u"fresh"_s);
    QCOMPARE(inserted.size(), 1);
    QASYNCSQLITE_AWAIT(m_db->execute(u"UPDATE notes SET title = 'edited' WHERE id = 2"_s));
    QTRY_COMPARE(model.data(model.index(1, 1)).toString(), u"edited"_s);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(reset.size(), 0); // rows replaced in place, the view keeps its state
}

void tst_QueryModel::liveRefreshOtherConnection()
{
    fill(2);
    QAsyncSqliteQueryModel model;
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setPollInterval(20);
    model.setLive(true);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT title FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 2);

    QAsyncSqliteConnection other;
    QASYNCSQLITE_AWAIT(other.open(m_tmp->path()));
    QASYNCSQLITE_AWAIT(other.execute(u"INSERT INTO notes(title) VALUES('from elsewhere')"_s));
    QASYNCSQLITE_AWAIT(other.commit());
    QTRY_COMPARE(model.count(), 3);
    QCOMPARE(model.data(model.index(2, 0)).toString(), u"from elsewhere"_s);
}

void tst_QueryModel::refreshKeepsLoadedRows()
{
    fill(30);
    QAsyncSqliteQueryModel model;
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setChunkSize(10);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT id FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    model.fetchMore();
    QTRY_COMPARE(model.count(), 20);
    model.refresh();
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 20);
    QVERIFY(model.canFetchMore());
}

void tst_QueryModel::fetchMoreDuringRefresh()
{
    // A view asks for more rows only once: a fetchMore() arriving while a
    // reload runs must not be lost.
    fill(50);
    QAsyncSqliteQueryModel model;
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setChunkSize(10);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT id FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 10);
    model.refresh();
    QVERIFY(model.isLoading());
    QVERIFY(model.canFetchMore());
    model.fetchMore();
    QTRY_COMPARE(model.count(), 20);
    QCOMPARE(model.data(model.index(19, 0)).toLongLong(), 20);
}

void tst_QueryModel::destroyWhileLoading()
{
    fill(1000);
    for (int i = 0; i < 20; ++i) {
        auto model = std::make_unique<QAsyncSqliteQueryModel>();
        model->setLive(true);
        model->setConnection(m_db.get());
        model->setQuery(u"SELECT * FROM notes"_s);
        model->refresh();
        QCOMPARE(model->isLoading(), true);
    }
    // The connection keeps working and nothing was delivered to dead models.
    QASYNCSQLITE_AWAIT_RESULT(rows, m_db->execute(u"SELECT count(*) FROM notes"_s));
    QCOMPARE(rows.value(0).toList().value(0).toLongLong(), 1000);
}

void tst_QueryModel::supersededLoadIsCanceled()
{
    // A new query (or new parameters) must not wait for the load it replaces:
    // the old load's requests are canceled, so a query that would never end
    // stops and the new one runs.
    fill(10);
    QAsyncSqliteQueryModel model;
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setConnection(m_db.get());
    model.setQuery(u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                   "SELECT x FROM c WHERE x < 0"_s); // never returns a row, never ends
    QTRY_VERIFY(model.isLoading());
    QTest::qWait(50); // let it start running on the worker
    model.setQuery(u"SELECT id FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    QCOMPARE(model.count(), 10);
    QVERIFY(model.error().isEmpty());
}

void tst_QueryModel::liveRecoversWhenTableAppears()
{
    // The query fails at first (no such table), so the model cannot know
    // which tables it reads: any commit must make it try again.
    QAsyncSqliteQueryModel model;
    QSignalSpy errorChanged(&model, &QAsyncSqliteQueryModel::errorChanged);
    model.setPollInterval(0);
    model.setLive(true);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT title FROM later ORDER BY title"_s);
    QVERIFY(errorChanged.wait());
    QCOMPARE(model.error().value(u"name"_s).toString(), u"SQLITE_ERROR"_s);
    QASYNCSQLITE_AWAIT(m_db->executeScript(u"CREATE TABLE later(title TEXT); INSERT INTO later VALUES('here');"_s));
    QTRY_COMPARE(model.count(), 1);
    QVERIFY(model.error().isEmpty());
    QCOMPARE(model.data(model.index(0, 0)).toString(), u"here"_s);
}

void tst_QueryModel::liveThrottleFoldsBursts_data()
{
    QTest::addColumn<int>("throttle");
    QTest::newRow("100 ms") << 100;
    QTest::newRow("0 (every change)") << 0;
}

void tst_QueryModel::liveThrottleFoldsBursts()
{
    // A bulk import that commits 200 times: a throttled model reloads at most
    // once per interval while the commits keep coming, and always ends
    // showing the last one.
    QFETCH(int, throttle);
    fill(3);
    QAsyncSqliteQueryModel model;
    QCOMPARE(model.throttle(), 30); // the default, as sqlite_async's watch()
    QSignalSpy throttleChanged(&model, &QAsyncSqliteQueryModel::throttleChanged);
    model.setThrottle(throttle);
    QCOMPARE(throttleChanged.size(), 1);
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setPollInterval(0);
    model.setLive(true);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT id, title FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    refreshed.clear();
    int started = 0; // reloads started (no view asks for more rows here)
    connect(&model, &QAsyncSqliteQueryModel::loadingChanged, this, [&] {
        started += model.isLoading() ? 1 : 0;
    });
    QElapsedTimer clock;
    clock.start();
    constexpr int Writes = 200;
    for (int i = 0; i < Writes; ++i) // each awaited: 200 commits, 200 tablesChanged()
        QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO notes(title) VALUES(?)"_s, {u"burst %1"_s.arg(i)}));
    QTRY_COMPARE(model.count(), 3 + Writes);
    QTRY_VERIFY(!model.isLoading());
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(model.data(model.index(3 + Writes - 1, 1)).toString(), u"burst %1"_s.arg(Writes - 1));
    qInfo("throttle %d ms: %d commits in %lld ms, %d reloads started, %d delivered", throttle, Writes, elapsed, started,
          int(refreshed.size()));
    QVERIFY(started >= 1);
    if (throttle > 0) {
        // The leading edge, then at most one start per interval (+1 for the
        // rounding of timers): a bound from the time the burst took, not a speed.
        QVERIFY2(started <= elapsed / throttle + 2, qPrintable(u"%1 reloads in %2 ms"_s.arg(started).arg(elapsed)));
    }
}

void tst_QueryModel::liveThrottleEdges()
{
    fill(3);
    QAsyncSqliteQueryModel model;
    QSignalSpy refreshed(&model, &QAsyncSqliteQueryModel::refreshed);
    model.setThrottle(60'000);
    model.setPollInterval(0);
    model.setLive(true);
    model.setConnection(m_db.get());
    model.setQuery(u"SELECT title FROM notes ORDER BY id"_s);
    QVERIFY(refreshed.wait());
    // Leading edge: the first change after a quiet time refreshes at once.
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO notes(title) VALUES('first')"_s));
    QTRY_COMPARE(model.count(), 4);
    // Within the interval a change is held back...
    QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO notes(title) VALUES('second')"_s));
    QTest::qWait(300);
    QCOMPARE(model.count(), 4);
    // ...not lost: with an interval that has long passed it shows at once.
    model.setThrottle(50);
    QTRY_COMPARE(model.count(), 5);
    QCOMPARE(model.data(model.index(4, 0)).toString(), u"second"_s);
    // 0: every change refreshes, however close to the last refresh.
    model.setThrottle(0);
    for (int i = 0; i < 3; ++i) {
        QASYNCSQLITE_AWAIT(m_db->execute(u"INSERT INTO notes(title) VALUES('unthrottled')"_s));
        QTRY_COMPARE(model.count(), 6 + i);
    }
}

QTEST_GUILESS_MAIN(tst_QueryModel)
#include "tst_querymodel.moc"
