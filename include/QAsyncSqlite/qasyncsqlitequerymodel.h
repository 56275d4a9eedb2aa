// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEQUERYMODEL_H
#define QASYNCSQLITEQUERYMODEL_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qscopedpointer.h>

class QAsyncSqliteConnection;
class QAsyncSqliteQueryModelPrivate;

/*!
    \class QAsyncSqliteQueryModel
    \brief A read-only table model over one SELECT that loads in chunks and,
    when \l live, refreshes itself when the data changes.

    Usable by QTableView (columns) and by QML views (one role per column name;
    registered in QML as \c AsyncSqliteQueryModel). Rows are fetched through
    a cursor, chunkSize() at a time: the first chunk when the query is set,
    further chunks when a view calls fetchMore(). Nothing blocks the caller's
    thread.

    With \l live set, the model re-runs its query when a table it reads
    changes: through QAsyncSqliteConnection::tablesChanged() for writes made
    on the same connection, and by polling \c PRAGMA data_version every
    pollInterval() milliseconds for commits by other connections or processes.
    Live refreshes are throttled: the first change after a quiet period
    refreshes at once, later ones at most once per throttle() milliseconds,
    and the last change of a burst always leads to a final refresh.
    A refresh keeps as many rows as were loaded and updates the view with
    dataChanged(), rowsInserted() and rowsRemoved() instead of a reset
    whenever the columns stay the same.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteQueryModel : public QAbstractTableModel
{
    Q_OBJECT
    /*! The connection the query runs on (not owned). */
    Q_PROPERTY(QAsyncSqliteConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    /*! The SELECT statement; setting it (re)loads the model. */
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    /*! The query's parameters: a list for \c ? or a map for \c :name
        (QML's \c AsyncSqliteQueryModel turns a JS array or object into them). */
    Q_PROPERTY(QVariant parameters READ parameters WRITE setParameters NOTIFY parametersChanged)
    /*! Rows fetched per chunk (default 256). */
    Q_PROPERTY(int chunkSize READ chunkSize WRITE setChunkSize NOTIFY chunkSizeChanged)
    /*! Whether the model refreshes itself when its tables change. */
    Q_PROPERTY(bool live READ isLive WRITE setLive NOTIFY liveChanged)
    /*! How often a live model polls for other connections' commits, in ms. */
    Q_PROPERTY(int pollInterval READ pollInterval WRITE setPollInterval NOTIFY pollIntervalChanged)
    /*! The least time between two live refreshes, in ms (default 30; 0: none). */
    Q_PROPERTY(int throttle READ throttle WRITE setThrottle NOTIFY throttleChanged)
    /*! Rows loaded so far. */
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /*! Whether a query or fetch is running. */
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    /*! Whether every row of the result is loaded. */
    Q_PROPERTY(bool atEnd READ isAtEnd NOTIFY atEndChanged)
    /*! What went wrong with the last load or fetch, as
        QAsyncSqliteError::toVariantMap() gives it ({className, code, name,
        message, sql}, the shape of QML's \c AsyncSqlite.lastError); empty
        after a successful load. */
    Q_PROPERTY(QVariantMap lastError READ lastError NOTIFY lastErrorChanged)
    /*! The former name of \l lastError, kept for compatibility. */
    Q_PROPERTY(QVariantMap error READ error NOTIFY errorChanged)
    /*! The column names of the result. */
    Q_PROPERTY(QStringList columns READ columns NOTIFY columnsChanged)

public:
    /*! Creates an empty model with \a parent; set connection and query. */
    explicit QAsyncSqliteQueryModel(QObject *parent = nullptr);
    /*! Destroys the model; pending loads are discarded. */
    ~QAsyncSqliteQueryModel() override;

    /*! The connection the query runs on (not owned). */
    QAsyncSqliteConnection *connection() const;
    /*! Sets the connection to \a connection and reloads. */
    void setConnection(QAsyncSqliteConnection *connection);
    /*! The SELECT statement. Setting it (re)loads the model. */
    QString query() const;
    /*! Sets the SELECT statement to \a query and reloads. */
    void setQuery(const QString &query);
    /*! Parameters of the query: a QVariantList for \c ? placeholders or a
        QVariantMap for \c :name ones. */
    QVariant parameters() const;
    /*! Sets the query's \a parameters and reloads: a QVariantList or
        QStringList for \c ? placeholders, a QVariantMap or QVariantHash for
        \c :name ones. */
    void setParameters(const QVariant &parameters);
    /*! Rows fetched per chunk (default 256). */
    int chunkSize() const;
    /*! Sets the rows per chunk to \a size. */
    void setChunkSize(int size);
    /*! Whether the model refreshes itself when its tables change. */
    bool isLive() const;
    /*! Turns live refreshing on or off (\a live). */
    void setLive(bool live);
    /*! How often a live model checks for commits by other connections, in
        milliseconds (default 250; 0 turns polling off). */
    int pollInterval() const;
    /*! Sets the poll interval to \a milliseconds (0: no polling). */
    void setPollInterval(int milliseconds);
    /*! The least time between the starts of two live refreshes, in
        milliseconds (default 30, as Dart sqlite_async's \c watch()). The first
        change after a quiet period refreshes at once; changes during the
        interval, or while a refresh runs, are folded into one refresh when
        it ends, so a burst of commits reloads the view a few times and
        always ends with its final state. 0 refreshes after every change,
        canceling a refresh that runs. Loads asked for by setting the query,
        parameters or connection, and refresh(), are not throttled. */
    int throttle() const;
    /*! Sets the least time between two live refreshes to \a milliseconds
        (0: refresh after every change). */
    void setThrottle(int milliseconds);

    /*! Rows loaded so far. */
    int count() const;
    /*! Whether a query or fetch is running. */
    bool isLoading() const;
    /*! Whether every row of the result is loaded. */
    bool isAtEnd() const;
    /*! What went wrong with the last load or fetch:
        QAsyncSqliteError::toVariantMap() of QAsyncSqlite::errorOf() (so a
        load that failed with an SQLite error, was canceled, or threw shows
        the same shape as everywhere else); empty after a successful load. */
    QVariantMap lastError() const;
    /*! Same as lastError(), its former name. */
    QVariantMap error() const;
    /*! The column names of the result. */
    QStringList columns() const;

    /*! Re-runs the query, keeping the loaded row count. */
    Q_INVOKABLE void refresh();
    /*! Row \a row as a map from column name to value (for QML delegates);
        SQL NULL is QVariant::fromValue(nullptr). */
    Q_INVOKABLE QVariantMap get(int row) const;

    /*! The rows loaded so far (0 for a valid \a parent). */
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    /*! The result's column count (0 for a valid \a parent). */
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    /*! Qt::DisplayRole and Qt::EditRole give the value of the index's
        column; the roles from roleNames() give the column of that name,
        with SQL NULL as QVariant::fromValue(nullptr) (\c null in QML). */
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    /*! The column name for horizontal headers, the row number for vertical ones. */
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /*! One role per column, named like the column, from Qt::UserRole + 1 on. */
    QHash<int, QByteArray> roleNames() const override;
    /*! Whether rows remain to be loaded. */
    bool canFetchMore(const QModelIndex &parent = QModelIndex()) const override;
    /*! Loads the next chunkSize() rows (asynchronously). */
    void fetchMore(const QModelIndex &parent = QModelIndex()) override;

Q_SIGNALS:
    /*! The \c connection property changed. */
    void connectionChanged();
    /*! The \c query property changed. */
    void queryChanged();
    /*! The \c parameters property changed. */
    void parametersChanged();
    /*! The \c chunkSize property changed. */
    void chunkSizeChanged();
    /*! The \c live property changed. */
    void liveChanged();
    /*! The \c pollInterval property changed. */
    void pollIntervalChanged();
    /*! The \c throttle property changed. */
    void throttleChanged();
    /*! The \c count property changed. */
    void countChanged();
    /*! The \c loading property changed. */
    void loadingChanged();
    /*! The \c atEnd property changed. */
    void atEndChanged();
    /*! The \c lastError property changed. */
    void lastErrorChanged();
    /*! The \c error property changed (always with lastErrorChanged()). */
    void errorChanged();
    /*! The \c columns property changed. */
    void columnsChanged();
    /*! A load or refresh finished and the rows are in the model. */
    void refreshed();

private:
    Q_DECLARE_PRIVATE(QAsyncSqliteQueryModel)
    QScopedPointer<QAsyncSqliteQueryModelPrivate> d_ptr;
};

#endif // QASYNCSQLITEQUERYMODEL_H
