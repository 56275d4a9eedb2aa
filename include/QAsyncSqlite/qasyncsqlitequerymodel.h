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
    A refresh keeps as many rows as were loaded and updates the view with
    dataChanged(), rowsInserted() and rowsRemoved() instead of a reset
    whenever the columns stay the same.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteQueryModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(QAsyncSqliteConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(QVariant parameters READ parameters WRITE setParameters NOTIFY parametersChanged)
    Q_PROPERTY(int chunkSize READ chunkSize WRITE setChunkSize NOTIFY chunkSizeChanged)
    Q_PROPERTY(bool live READ isLive WRITE setLive NOTIFY liveChanged)
    Q_PROPERTY(int pollInterval READ pollInterval WRITE setPollInterval NOTIFY pollIntervalChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(bool atEnd READ isAtEnd NOTIFY atEndChanged)
    Q_PROPERTY(QVariantMap error READ error NOTIFY errorChanged)
    Q_PROPERTY(QStringList columns READ columns NOTIFY columnsChanged)

public:
    explicit QAsyncSqliteQueryModel(QObject *parent = nullptr);
    ~QAsyncSqliteQueryModel() override;

    /*! The connection the query runs on (not owned). */
    QAsyncSqliteConnection *connection() const;
    void setConnection(QAsyncSqliteConnection *connection);
    /*! The SELECT statement. Setting it (re)loads the model. */
    QString query() const;
    void setQuery(const QString &query);
    /*! Parameters of the query: a QVariantList for \c ? placeholders or a
        QVariantMap for \c :name ones. */
    QVariant parameters() const;
    void setParameters(const QVariant &parameters);
    /*! Rows fetched per chunk (default 256). */
    int chunkSize() const;
    void setChunkSize(int size);
    /*! Whether the model refreshes itself when its tables change. */
    bool isLive() const;
    void setLive(bool live);
    /*! How often a live model checks for commits by other connections, in
        milliseconds (default 250; 0 turns polling off). */
    int pollInterval() const;
    void setPollInterval(int milliseconds);

    /*! Rows loaded so far. */
    int count() const;
    /*! Whether a query or fetch is running. */
    bool isLoading() const;
    /*! Whether every row of the result is loaded. */
    bool isAtEnd() const;
    /*! The last error as {code, name, message}; empty when the last load
        succeeded. */
    QVariantMap error() const;
    /*! The column names of the result. */
    QStringList columns() const;

    /*! Re-runs the query, keeping the loaded row count. */
    Q_INVOKABLE void refresh();
    /*! Row \a row as a map from column name to value (for QML delegates);
        SQL NULL is QVariant::fromValue(nullptr). */
    Q_INVOKABLE QVariantMap get(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    /*! Qt::DisplayRole and Qt::EditRole give the value of the index's
        column; the roles from roleNames() give the column of that name,
        with SQL NULL as QVariant::fromValue(nullptr) (\c null in QML). */
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /*! One role per column, named like the column, from Qt::UserRole + 1 on. */
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent = QModelIndex()) const override;
    void fetchMore(const QModelIndex &parent = QModelIndex()) override;

Q_SIGNALS:
    void connectionChanged();
    void queryChanged();
    void parametersChanged();
    void chunkSizeChanged();
    void liveChanged();
    void pollIntervalChanged();
    void countChanged();
    void loadingChanged();
    void atEndChanged();
    void errorChanged();
    void columnsChanged();
    /*! A load or refresh finished and the rows are in the model. */
    void refreshed();

private:
    Q_DECLARE_PRIVATE(QAsyncSqliteQueryModel)
    QScopedPointer<QAsyncSqliteQueryModelPrivate> d_ptr;
};

#endif // QASYNCSQLITEQUERYMODEL_H
