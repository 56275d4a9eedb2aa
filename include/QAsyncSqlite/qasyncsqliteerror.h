// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEERROR_H
#define QASYNCSQLITEERROR_H

#include <QAsyncSqlite/qasyncsqliteglobal.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qexception.h>
#include <QtCore/qfuture.h>
#include <QtCore/qmap.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <memory>
#include <type_traits>

/*!
    \class QAsyncSqliteError
    \brief The base of every QAsyncSqlite error (DB-API's \c Error).

    Errors travel inside futures: \c QFuture::result() rethrows them and
    \c QFuture::onFailed() receives them. The class of an error follows the
    mapping of Python's sqlite3 module from the SQLite primary result code:

    | primary code | class |
    |---|---|
    | SQLITE_INTERNAL, SQLITE_NOTFOUND | QAsyncSqliteInternalError |
    | SQLITE_CONSTRAINT, SQLITE_MISMATCH | QAsyncSqliteIntegrityError |
    | SQLITE_TOOBIG | QAsyncSqliteDataError |
    | SQLITE_MISUSE, SQLITE_RANGE | QAsyncSqliteInterfaceError |
    | SQLITE_ERROR, PERM, ABORT, BUSY, LOCKED, READONLY, INTERRUPT, IOERR, FULL, CANTOPEN, PROTOCOL, EMPTY, SCHEMA, NOMEM | QAsyncSqliteOperationalError |
    | anything else (CORRUPT, NOTADB, FORMAT, AUTH, NOLFS, …) | QAsyncSqliteDatabaseError |

    Errors raised by QAsyncSqlite itself (use after close, wrong parameter
    count, unbindable values, a request dropped by the destructor) carry the
    closest SQLite code (for example SQLITE_MISUSE for a closed connection) so
    that code(), errorName() and QML's \c err.code are always meaningful.
*/
class QASYNCSQLITE_EXPORT QAsyncSqliteError : public QException
{
public:
    /*! Creates an error with code 0 and no message. */
    QAsyncSqliteError() = default;
    /*! Creates an error with SQLite's extended result code, a message and the
        failing SQL text. */
    QAsyncSqliteError(int extendedCode, const QString &message, const QString &sql = {});

    /*! The primary result code (the low 8 bits of extendedCode()). */
    int code() const noexcept { return m_extendedCode & 0xff; }
    /*! The extended result code, e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE. */
    int extendedCode() const noexcept { return m_extendedCode; }
    /*! The symbolic name of extendedCode(), e.g. \c "SQLITE_CONSTRAINT_UNIQUE". */
    QString errorName() const;
    /*! The human-readable message (sqlite3_errmsg() or QAsyncSqlite's own). */
    QString message() const { return m_message; }
    /*! The SQL text that failed, if any. */
    QString sql() const { return m_sql; }

    /*! The error as the map QML and the query model show: \c className (the
        most derived QAsyncSqlite class, e.g. \c "QAsyncSqliteIntegrityError"),
        \c code (the \e extended result code, as QML's \c err.code), \c name
        (errorName()), \c message and \c sql. */
    QVariantMap toVariantMap() const;

    /*! The message as UTF-8, with the error name in front. */
    const char *what() const noexcept override;
    /*! Throws a copy of this error with its dynamic type (QException's
        contract, so that futures rethrow the right class). */
    void raise() const override;
    /*! Returns a heap-allocated copy of this error with its dynamic type. */
    QAsyncSqliteError *clone() const override;

    /*! Returns the symbolic name of an SQLite (extended) result code. */
    static QString nameForCode(int extendedCode);
    /*! Throws the QAsyncSqliteError subclass that Python's sqlite3 maps
        \a extendedCode to. */
    [[noreturn]] static void throwForCode(int extendedCode, const QString &message, const QString &sql = {});

private:
    int m_extendedCode = 0;
    QString m_message;
    QString m_sql;
    QByteArray m_what;
};

#define QASYNCSQLITE_DECLARE_ERROR(Name, Base)                                                                         \
    class QASYNCSQLITE_EXPORT Name : public Base                                                                       \
    {                                                                                                                  \
    public:                                                                                                            \
        using Base::Base;                                                                                              \
        void raise() const override;                                                                                   \
        Name *clone() const override;                                                                                  \
    };

/*! \class QAsyncSqliteWarning
    \brief DB-API's \c Warning (e.g. a truncated value).
    Unlike Python it derives from QAsyncSqliteError so one handler catches all. */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteWarning, QAsyncSqliteError)
/*! \class QAsyncSqliteInterfaceError
    \brief Misuse of the database interface
    (SQLITE_MISUSE, SQLITE_RANGE). */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteInterfaceError, QAsyncSqliteError)
/*! \class QAsyncSqliteDatabaseError
    \brief An error of the database itself;
    the base of the classes below. */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteDatabaseError, QAsyncSqliteError)
/*! \class QAsyncSqliteDataError
    \brief A value that cannot be stored
    (SQLITE_TOOBIG, integer overflow). */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteDataError, QAsyncSqliteDatabaseError)
/*! \class QAsyncSqliteOperationalError
    \brief An operational failure: locked,
    busy, interrupted, I/O, syntax and most SQL errors. */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteOperationalError, QAsyncSqliteDatabaseError)
/*! \class QAsyncSqliteIntegrityError
    \brief A constraint failed. */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteIntegrityError, QAsyncSqliteDatabaseError)
/*! \class QAsyncSqliteInternalError
    \brief SQLite's internal error. */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteInternalError, QAsyncSqliteDatabaseError)
/*! \class QAsyncSqliteProgrammingError
    \brief A programming mistake: closed
    connection or cursor, wrong parameter count, unbindable value, more than one
    statement given to execute(). */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteProgrammingError, QAsyncSqliteDatabaseError)
/*! \class QAsyncSqliteNotSupportedError
    \brief A feature SQLite or this build
    does not support. */
QASYNCSQLITE_DECLARE_ERROR(QAsyncSqliteNotSupportedError, QAsyncSqliteDatabaseError)

#undef QASYNCSQLITE_DECLARE_ERROR

#ifndef QT_NO_DEBUG_STREAM
QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE
/*! \relates QAsyncSqliteError
    Writes \a error to \a debug as its class, error name, message and (when
    there is one) SQL text, e.g.
    `QAsyncSqliteOperationalError(SQLITE_ERROR, "no such table: t", "SELECT * FROM t")`.
    The class is the most derived QAsyncSqlite error class of \a error. */
QASYNCSQLITE_EXPORT QDebug operator<<(QDebug debug, const QAsyncSqliteError &error);
#endif

namespace QAsyncSqlite {

/*! \relates QAsyncSqliteError
    What went wrong with the finished \a future, as a QAsyncSqliteError of
    its most derived class; \c nullptr if it succeeded or is not finished
    yet. The one rule every part of QAsyncSqlite (the query model, QML's
    promises and \c lastError, the coroutine add-on, the Qt Test helpers)
    follows:

    - a future that failed with a QAsyncSqliteError gives a copy of it;
    - a future canceled without an exception (QFuture::cancel() on a queued
      or running request, or a default-constructed QFuture) gives
      QAsyncSqliteOperationalError, code \c SQLITE_ABORT, message
      "The request was canceled.";
    - a future that failed with another exception (a \c std::runtime_error
      thrown by a run() or transaction() body, also when QtConcurrent wrapped
      it in a QUnhandledException) gives a QAsyncSqliteError of the base class,
      code \c SQLITE_ERROR, with the exception's \c what() as message.

    A pointer rather than \c std::optional<QAsyncSqliteError>: an optional
    would slice every error to the base class, and the class (integrity,
    operational, …) is what callers test. Never blocks. See doc/errors.md. */
QASYNCSQLITE_EXPORT std::shared_ptr<const QAsyncSqliteError> errorOf(const QFuture<void> &future);

/*! \relates QAsyncSqliteError
    \overload */
template<typename T>
requires(!std::is_void_v<T>) std::shared_ptr<const QAsyncSqliteError> errorOf(const QFuture<T> &future)
{
    return errorOf(QFuture<void>(future));
}

} // namespace QAsyncSqlite

Q_DECLARE_METATYPE(QAsyncSqliteError)

#endif // QASYNCSQLITEERROR_H
