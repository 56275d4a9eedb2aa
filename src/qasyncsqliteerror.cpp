// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include <QAsyncSqlite/qasyncsqliteerror.h>

#include <sqlite3.h>

#include <QtCore/qdebug.h>
#include <QtCore/qhash.h>

QAsyncSqliteError::QAsyncSqliteError(int extendedCode, const QString &message, const QString &sql)
    : m_extendedCode(extendedCode), m_message(message), m_sql(sql)
{
    m_what = (errorName() + QLatin1String(": ") + message).toUtf8();
}

QString QAsyncSqliteError::errorName() const
{
    return nameForCode(m_extendedCode);
}

const char *QAsyncSqliteError::what() const noexcept
{
    return m_what.isEmpty() ? "QAsyncSqliteError" : m_what.constData();
}

void QAsyncSqliteError::raise() const
{
    throw *this;
}

QAsyncSqliteError *QAsyncSqliteError::clone() const
{
    return new QAsyncSqliteError(*this);
}

#define QASYNCSQLITE_DEFINE_ERROR(Name)                                                                                \
    void Name::raise() const                                                                                           \
    {                                                                                                                  \
        throw *this;                                                                                                   \
    }                                                                                                                  \
    Name *Name::clone() const                                                                                          \
    {                                                                                                                  \
        return new Name(*this);                                                                                        \
    }

QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteWarning)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteInterfaceError)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteDatabaseError)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteDataError)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteOperationalError)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteIntegrityError)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteInternalError)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteProgrammingError)
QASYNCSQLITE_DEFINE_ERROR(QAsyncSqliteNotSupportedError)

#undef QASYNCSQLITE_DEFINE_ERROR

namespace {

// The name of the most derived QAsyncSqlite class of \a error (subclasses
// of DatabaseError before DatabaseError itself).
const char *errorClassName(const QAsyncSqliteError &error)
{
#define CLASS(Name)                                                                                                    \
    if (dynamic_cast<const Name *>(&error))                                                                            \
        return #Name;
    CLASS(QAsyncSqliteDataError)
    CLASS(QAsyncSqliteOperationalError)
    CLASS(QAsyncSqliteIntegrityError)
    CLASS(QAsyncSqliteInternalError)
    CLASS(QAsyncSqliteProgrammingError)
    CLASS(QAsyncSqliteNotSupportedError)
    CLASS(QAsyncSqliteDatabaseError)
    CLASS(QAsyncSqliteInterfaceError)
    CLASS(QAsyncSqliteWarning)
#undef CLASS
    return "QAsyncSqliteError";
}

// errorOf()'s rule for a stored exception (doc/errors.md).
std::shared_ptr<const QAsyncSqliteError> errorFor(const std::exception_ptr &exception)
{
    try {
        std::rethrow_exception(exception);
    } catch (const QAsyncSqliteError &error) {
        return std::shared_ptr<const QAsyncSqliteError>(error.clone());
    } catch (const QUnhandledException &wrapper) {
        // QtConcurrent's wrapper of a foreign exception: judge what it wraps.
        if (wrapper.exception())
            return errorFor(wrapper.exception());
        return std::make_shared<const QAsyncSqliteError>(SQLITE_ERROR, QString::fromUtf8(wrapper.what()));
    } catch (const std::exception &foreign) {
        return std::make_shared<const QAsyncSqliteError>(SQLITE_ERROR, QString::fromUtf8(foreign.what()));
    } catch (...) {
        return std::make_shared<const QAsyncSqliteError>(
                SQLITE_ERROR, QStringLiteral("The request failed with an exception that is not a std::exception."));
    }
}

} // namespace

QVariantMap QAsyncSqliteError::toVariantMap() const
{
    QVariantMap map;
    map.insert(QStringLiteral("className"), QLatin1String(errorClassName(*this)));
    map.insert(QStringLiteral("code"), m_extendedCode);
    map.insert(QStringLiteral("name"), errorName());
    map.insert(QStringLiteral("message"), m_message);
    map.insert(QStringLiteral("sql"), m_sql);
    return map;
}

std::shared_ptr<const QAsyncSqliteError> QAsyncSqlite::errorOf(const QFuture<void> &future)
{
    if (!future.isFinished())
        return nullptr;
    try {
        QFuture<void>(future).waitForFinished(); // finished: only rethrows the stored exception
    } catch (...) {
        return errorFor(std::current_exception());
    }
    // A failed future is canceled too, so the exception is looked at first.
    if (future.isCanceled())
        return std::make_shared<const QAsyncSqliteOperationalError>(SQLITE_ABORT,
                                                                    QStringLiteral("The request was canceled."));
    return nullptr;
}

#ifndef QT_NO_DEBUG_STREAM
QDebug operator<<(QDebug debug, const QAsyncSqliteError &error)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << errorClassName(error) << '(' << error.errorName().toLatin1().constData() << ", "
                    << error.message();
    if (!error.sql().isEmpty())
        debug << ", " << error.sql();
    debug << ')';
    return debug;
}
#endif

QString QAsyncSqliteError::nameForCode(int extendedCode)
{
    // Every result code of sqlite3.h (3.40), so that errorName() is exact.
    // Never destroyed: a connection with static lifetime closes (and builds
    // errors) during exit, possibly after this table's destructor would have
    // run (tst_fault_races::appQuitsWithConnectionsOpen).
    // One code per line, by hand:
    // clang-format off
    static const QHash<int, QLatin1String> &names = *new QHash<int, QLatin1String>{
#define CODE(c) {c, QLatin1String(#c)},
        CODE(SQLITE_OK)
        CODE(SQLITE_ERROR)
        CODE(SQLITE_INTERNAL)
        CODE(SQLITE_PERM)
        CODE(SQLITE_ABORT)
        CODE(SQLITE_BUSY)
        CODE(SQLITE_LOCKED)
        CODE(SQLITE_NOMEM)
        CODE(SQLITE_READONLY)
        CODE(SQLITE_INTERRUPT)
        CODE(SQLITE_IOERR)
        CODE(SQLITE_CORRUPT)
        CODE(SQLITE_NOTFOUND)
        CODE(SQLITE_FULL)
        CODE(SQLITE_CANTOPEN)
        CODE(SQLITE_PROTOCOL)
        CODE(SQLITE_EMPTY)
        CODE(SQLITE_SCHEMA)
        CODE(SQLITE_TOOBIG)
        CODE(SQLITE_CONSTRAINT)
        CODE(SQLITE_MISMATCH)
        CODE(SQLITE_MISUSE)
        CODE(SQLITE_NOLFS)
        CODE(SQLITE_AUTH)
        CODE(SQLITE_FORMAT)
        CODE(SQLITE_RANGE)
        CODE(SQLITE_NOTADB)
        CODE(SQLITE_NOTICE)
        CODE(SQLITE_WARNING)
        CODE(SQLITE_ERROR_MISSING_COLLSEQ)
        CODE(SQLITE_ERROR_RETRY)
        CODE(SQLITE_ERROR_SNAPSHOT)
        CODE(SQLITE_IOERR_READ)
        CODE(SQLITE_IOERR_SHORT_READ)
        CODE(SQLITE_IOERR_WRITE)
        CODE(SQLITE_IOERR_FSYNC)
        CODE(SQLITE_IOERR_DIR_FSYNC)
        CODE(SQLITE_IOERR_TRUNCATE)
        CODE(SQLITE_IOERR_FSTAT)
        CODE(SQLITE_IOERR_UNLOCK)
        CODE(SQLITE_IOERR_RDLOCK)
        CODE(SQLITE_IOERR_DELETE)
        CODE(SQLITE_IOERR_BLOCKED)
        CODE(SQLITE_IOERR_NOMEM)
        CODE(SQLITE_IOERR_ACCESS)
        CODE(SQLITE_IOERR_CHECKRESERVEDLOCK)
        CODE(SQLITE_IOERR_LOCK)
        CODE(SQLITE_IOERR_CLOSE)
        CODE(SQLITE_IOERR_DIR_CLOSE)
        CODE(SQLITE_IOERR_SHMOPEN)
        CODE(SQLITE_IOERR_SHMSIZE)
        CODE(SQLITE_IOERR_SHMLOCK)
        CODE(SQLITE_IOERR_SHMMAP)
        CODE(SQLITE_IOERR_SEEK)
        CODE(SQLITE_IOERR_DELETE_NOENT)
        CODE(SQLITE_IOERR_MMAP)
        CODE(SQLITE_IOERR_GETTEMPPATH)
        CODE(SQLITE_IOERR_CONVPATH)
        CODE(SQLITE_IOERR_VNODE)
        CODE(SQLITE_IOERR_AUTH)
        CODE(SQLITE_IOERR_BEGIN_ATOMIC)
        CODE(SQLITE_IOERR_COMMIT_ATOMIC)
        CODE(SQLITE_IOERR_ROLLBACK_ATOMIC)
        CODE(SQLITE_IOERR_DATA)
        CODE(SQLITE_IOERR_CORRUPTFS)
        CODE(SQLITE_LOCKED_SHAREDCACHE)
        CODE(SQLITE_LOCKED_VTAB)
        CODE(SQLITE_BUSY_RECOVERY)
        CODE(SQLITE_BUSY_SNAPSHOT)
        CODE(SQLITE_BUSY_TIMEOUT)
        CODE(SQLITE_CANTOPEN_NOTEMPDIR)
        CODE(SQLITE_CANTOPEN_ISDIR)
        CODE(SQLITE_CANTOPEN_FULLPATH)
        CODE(SQLITE_CANTOPEN_CONVPATH)
        CODE(SQLITE_CANTOPEN_DIRTYWAL)
        CODE(SQLITE_CANTOPEN_SYMLINK)
        CODE(SQLITE_CORRUPT_VTAB)
        CODE(SQLITE_CORRUPT_SEQUENCE)
        CODE(SQLITE_CORRUPT_INDEX)
        CODE(SQLITE_READONLY_RECOVERY)
        CODE(SQLITE_READONLY_CANTLOCK)
        CODE(SQLITE_READONLY_ROLLBACK)
        CODE(SQLITE_READONLY_DBMOVED)
        CODE(SQLITE_READONLY_CANTINIT)
        CODE(SQLITE_READONLY_DIRECTORY)
        CODE(SQLITE_ABORT_ROLLBACK)
        CODE(SQLITE_CONSTRAINT_CHECK)
        CODE(SQLITE_CONSTRAINT_COMMITHOOK)
        CODE(SQLITE_CONSTRAINT_FOREIGNKEY)
        CODE(SQLITE_CONSTRAINT_FUNCTION)
        CODE(SQLITE_CONSTRAINT_NOTNULL)
        CODE(SQLITE_CONSTRAINT_PRIMARYKEY)
        CODE(SQLITE_CONSTRAINT_TRIGGER)
        CODE(SQLITE_CONSTRAINT_UNIQUE)
        CODE(SQLITE_CONSTRAINT_VTAB)
        CODE(SQLITE_CONSTRAINT_ROWID)
        CODE(SQLITE_CONSTRAINT_PINNED)
        CODE(SQLITE_CONSTRAINT_DATATYPE)
        CODE(SQLITE_NOTICE_RECOVER_WAL)
        CODE(SQLITE_NOTICE_RECOVER_ROLLBACK)
        CODE(SQLITE_WARNING_AUTOINDEX)
        CODE(SQLITE_AUTH_USER)
#undef CODE
    };
    // clang-format on
    if (const auto it = names.constFind(extendedCode); it != names.cend())
        return *it;
    if (const auto it = names.constFind(extendedCode & 0xff); it != names.cend())
        return *it;
    return QStringLiteral("SQLITE_UNKNOWN_%1").arg(extendedCode);
}

void QAsyncSqliteError::throwForCode(int extendedCode, const QString &message, const QString &sql)
{
    // Python's sqlite3 mapping (Modules/_sqlite/util.c), NOMEM included as
    // operational since C++ has no MemoryError of its own here.
    switch (extendedCode & 0xff) {
    case SQLITE_INTERNAL:
    case SQLITE_NOTFOUND:
        throw QAsyncSqliteInternalError(extendedCode, message, sql);
    case SQLITE_NOMEM:
    case SQLITE_ERROR:
    case SQLITE_PERM:
    case SQLITE_ABORT:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_INTERRUPT:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_EMPTY:
    case SQLITE_SCHEMA:
        // SQLITE_NOLFS and SQLITE_AUTH are not in Python's list: they fall
        // to the default, DatabaseError (Python raises sqlite3.DatabaseError
        // for an authorizer denial). Guarded by tst_errors::codeToClassMapping.
        throw QAsyncSqliteOperationalError(extendedCode, message, sql);
    case SQLITE_TOOBIG:
        throw QAsyncSqliteDataError(extendedCode, message, sql);
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
        throw QAsyncSqliteIntegrityError(extendedCode, message, sql);
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        throw QAsyncSqliteInterfaceError(extendedCode, message, sql);
    default:
        throw QAsyncSqliteDatabaseError(extendedCode, message, sql);
    }
}
