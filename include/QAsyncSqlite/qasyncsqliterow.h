// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEROW_H
#define QASYNCSQLITEROW_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qlist.h>
#include <QtCore/qshareddata.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qvariant.h>

class QAsyncSqliteRowPrivate;
QT_DECLARE_QESDP_SPECIALIZATION_DTOR_WITH_EXPORT(QAsyncSqliteRowPrivate, QASYNCSQLITE_EXPORT)

/*!
    \class QAsyncSqliteRow
    \brief One result row addressable by index and by column name (Python's
    \c sqlite3.Row).

    Implicitly shared: copies are cheap, and the column names are shared by
    every row of one result. Name lookup is case-insensitive, as in Python.
    Selected with QAsyncSqliteConnection::setRowFactory(QAsyncSqlite::RowFactory::Row).
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteRow
{
    Q_GADGET
    /*! The column names in result order (see keys()). */
    Q_PROPERTY(QStringList keys READ keys)
    /*! The number of columns (see count()). */
    Q_PROPERTY(int count READ count)
public:
    /*! Creates an empty row. */
    QAsyncSqliteRow();
    /*! Creates a row of \a values named by \a columns (equal lengths). */
    QAsyncSqliteRow(const QStringList &columns, const QVariantList &values);
    /*! Copies \a other (cheap: the data is shared). */
    QAsyncSqliteRow(const QAsyncSqliteRow &other);
    /*! Moves \a other into this row. */
    QAsyncSqliteRow(QAsyncSqliteRow &&other) noexcept;
    /*! Assigns \a other (cheap: the data is shared). */
    QAsyncSqliteRow &operator=(const QAsyncSqliteRow &other);
    /*! Move-assigns \a other. */
    QAsyncSqliteRow &operator=(QAsyncSqliteRow &&other) noexcept;
    /*! Destroys the row. */
    ~QAsyncSqliteRow();
    /*! Swaps this row with \a other; never fails. */
    void swap(QAsyncSqliteRow &other) noexcept { d.swap(other.d); }

    /*! The value of column \a index, or an invalid QVariant if out of range. */
    Q_INVOKABLE QVariant value(int index) const;
    /*! The value of the column called \a name (case-insensitive), or an
        invalid QVariant if there is none. */
    Q_INVOKABLE QVariant value(const QString &name) const;
    /*! Same as value(int). */
    QVariant operator[](int index) const { return value(index); }
    /*! Same as value(const QString &). */
    QVariant operator[](const QString &name) const { return value(name); }
    /*! Whether a column called \a name exists (case-insensitive). */
    bool contains(const QString &name) const;
    /*! The column names in result order. */
    QStringList keys() const;
    /*! The number of columns. */
    int count() const;
    /*! The values in column order. */
    QVariantList toList() const;
    /*! The values keyed by column name. */
    QVariantMap toMap() const;

    /*! Rows are equal when their column names and values are equal. */
    friend bool operator==(const QAsyncSqliteRow &a, const QAsyncSqliteRow &b)
    {
        return a.keys() == b.keys() && a.toList() == b.toList();
    }
    /*! Rows differ when their column names or values differ. */
    friend bool operator!=(const QAsyncSqliteRow &a, const QAsyncSqliteRow &b) { return !(a == b); }

private:
    QExplicitlySharedDataPointer<QAsyncSqliteRowPrivate> d;
};

Q_DECLARE_SHARED(QAsyncSqliteRow)

#ifndef QT_NO_DEBUG_STREAM
QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE
/*! \relates QAsyncSqliteRow
    Writes \a row to \a debug as its column names and values in result
    order, e.g. `QAsyncSqliteRow("id": QVariant(qlonglong, 1), "name": QVariant(QString, "Ada"))`. */
QASYNCSQLITE_EXPORT QDebug operator<<(QDebug debug, const QAsyncSqliteRow &row);
#endif

Q_DECLARE_METATYPE(QAsyncSqliteRow)

#endif // QASYNCSQLITEROW_H
