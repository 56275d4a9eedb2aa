// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#include "../engine/worker_p.h"
#include "../qasyncsqliteconnection_p.h"

#include <QtCore/qdeadlinetimer.h>

#include <climits>
#include <exception>
#include <map>

// backup(): Python's Connection.backup() on the online backup API.
//
// Every handle is opened SQLITE_OPEN_NOMUTEX and belongs to its worker
// thread, so the source worker may use the target's handle only while the
// target worker is parked: a job queued on the target reports "parked" and
// blocks until the source is done. Two backups in opposite directions would
// wait for each other forever; a registry of who waits for whom refuses the
// request that would close such a cycle.

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

// How long the source sleeps between checks for its own cancellation while
// it waits for the target to park.
constexpr std::chrono::milliseconds ParkPollInterval{50};

struct Rendezvous
{
    enum class State {
        Waiting,
        Parked,
        Refused,
        Abandoned
    };
    QMutex mutex;
    QWaitCondition changed;
    State state = State::Waiting;
    bool done = false;
};

// Declares the park job refused when it is destroyed without having run
// (the target was closed, or failed its queue). Shared by the job's copies.
struct ParkGuard
{
    std::shared_ptr<Rendezvous> rendezvous;
    ~ParkGuard()
    {
        if (!rendezvous)
            return;
        QMutexLocker locker(&rendezvous->mutex);
        if (rendezvous->state == Rendezvous::State::Waiting) {
            rendezvous->state = Rendezvous::State::Refused;
            rendezvous->changed.wakeAll();
        }
    }
};

// Source worker -> target worker, for every backup in progress.
QMutex g_waitsForMutex;
std::multimap<const QAsyncSqliteWorker *, const QAsyncSqliteWorker *> g_waitsFor;

bool waitsFor(const QAsyncSqliteWorker *from, const QAsyncSqliteWorker *to, int depth = 0)
{
    if (from == to)
        return true;
    if (depth > 64)
        return true; // a chain that long is a cycle for all we care
    const auto [begin, end] = g_waitsFor.equal_range(from);
    for (auto it = begin; it != end; ++it) {
        if (waitsFor(it->second, to, depth + 1))
            return true;
    }
    return false;
}

// Registers "source waits for target" for its lifetime, or throws if the
// target already waits (directly or through others) for the source.
class WaitRegistration
{
public:
    WaitRegistration(const QAsyncSqliteWorker *source, const QAsyncSqliteWorker *target)
    {
        QMutexLocker locker(&g_waitsForMutex);
        if (waitsFor(target, source)) {
            throw QAsyncSqliteOperationalError(
                    SQLITE_LOCKED,
                    QStringLiteral("backup(): the target connection is itself backing up into this "
                                              "one; running both would deadlock."));
        }
        m_entry = g_waitsFor.emplace(source, target);
    }
    ~WaitRegistration()
    {
        QMutexLocker locker(&g_waitsForMutex);
        g_waitsFor.erase(m_entry);
    }
    WaitRegistration(const WaitRegistration &) = delete;
    WaitRegistration &operator=(const WaitRegistration &) = delete;

private:
    std::multimap<const QAsyncSqliteWorker *, const QAsyncSqliteWorker *>::iterator m_entry;
};

// Lets the parked target go on every path out of the backup.
struct ReleaseTarget
{
    std::shared_ptr<Rendezvous> rendezvous;
    ~ReleaseTarget()
    {
        QMutexLocker locker(&rendezvous->mutex);
        rendezvous->done = true;
        rendezvous->changed.wakeAll();
    }
};

// Throws the error recorded on \a db (the destination: the backup API reports there).
[[noreturn]] void throwHandleError(sqlite3 *db, int rc)
{
    const int extended = sqlite3_extended_errcode(db);
    const int code = (extended & 0xff) == (rc & 0xff) ? extended : rc;
    QAsyncSqliteError::throwForCode(code, QString::fromUtf8(sqlite3_errmsg(db)));
}

// Copies schema options.name of \a source into "main" of \a dest, in steps.
void runBackup(QAsyncSqliteWorker &worker, sqlite3 *source, sqlite3 *dest, const QAsyncSqliteBackupOptions &options)
{
    sqlite3_backup *backup = sqlite3_backup_init(dest, "main", source, options.name.toUtf8().constData());
    if (!backup)
        throwHandleError(dest, sqlite3_errcode(dest));
    const int pages = options.pages <= 0 ? -1 : options.pages;
    std::exception_ptr callbackError;
    bool canceled = false;
    int rangeReported = 0;
    int rc;
    do {
        rc = sqlite3_backup_step(backup, pages);
        // The future's progress, in pages: both counts stay 0 until a step
        // has read the source; a page count that changes (the source was
        // written meanwhile) sets a new range, which restarts the value at 0.
        const int remaining = sqlite3_backup_remaining(backup);
        const int total = sqlite3_backup_pagecount(backup);
        if (total != rangeReported) {
            worker.setRequestProgressRange(0, total);
            rangeReported = total;
        }
        worker.setRequestProgressValue(total - remaining);
        if (options.progress) {
            try {
                options.progress(rc, remaining, total);
            } catch (...) {
                // As in Python: the callback's exception aborts the backup.
                callbackError = std::current_exception();
                break;
            }
        }
        if (worker.currentRequestCanceled()) {
            canceled = true;
            break;
        }
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            QThread::msleep(static_cast<unsigned long>(qMax<qint64>(0, options.sleep.count())));
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    // Rolls back the destination if the copy did not complete; returns the
    // step's error, if there was one.
    rc = sqlite3_backup_finish(backup);
    if (callbackError)
        std::rethrow_exception(callbackError);
    if (canceled)
        throw QAsyncSqliteOperationalError(SQLITE_INTERRUPT, QStringLiteral("The backup was canceled."));
    if (rc != SQLITE_OK)
        throwHandleError(dest, rc);
}

} // namespace

void QAsyncSqliteWorker::backupTo(QAsyncSqliteWorker *target, const QAsyncSqliteBackupOptions &options)
{
    if (!target || target == this) {
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                           QStringLiteral("backup() needs another open connection as its target."));
    }
    WaitRegistration registration(this, target);

    auto rendezvous = std::make_shared<Rendezvous>();
    // Built in place: a destroyed temporary copy would refuse at once.
    auto guard = std::make_shared<ParkGuard>();
    guard->rendezvous = rendezvous;
    target->enqueue(std::make_unique<CallableJob<void>>([rendezvous, guard](QAsyncSqliteWorker &) {
        QMutexLocker locker(&rendezvous->mutex);
        if (rendezvous->state != Rendezvous::State::Waiting)
            return; // the source gave up waiting
        rendezvous->state = Rendezvous::State::Parked;
        rendezvous->changed.wakeAll();
        while (!rendezvous->done)
            waitAnnotated(rendezvous->changed, rendezvous->mutex);
    }));
    guard.reset(); // from now on only the queued job holds it

    {
        QMutexLocker locker(&rendezvous->mutex);
        while (rendezvous->state == Rendezvous::State::Waiting) {
            waitAnnotated(rendezvous->changed, rendezvous->mutex, QDeadlineTimer(ParkPollInterval));
            if (rendezvous->state == Rendezvous::State::Waiting && currentRequestCanceled()) {
                // A busy target must not hold a canceled backup forever.
                rendezvous->state = Rendezvous::State::Abandoned;
                throw QAsyncSqliteOperationalError(SQLITE_INTERRUPT, QStringLiteral("The backup was canceled."));
            }
        }
        if (rendezvous->state == Rendezvous::State::Refused) {
            throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                               QStringLiteral("The backup target connection is closed."));
        }
    }

    // The target's thread is blocked in the park job: its handle is ours now.
    ReleaseTarget release{rendezvous};
    sqlite3 *dest = target->db();
    if (!dest) {
        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE, QStringLiteral("The backup target connection is closed."));
    }
    runBackup(*this, m_db, dest, options);
}

void QAsyncSqliteWorker::backupToPath(const QString &path, const QAsyncSqliteBackupOptions &options)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    QString name = path;
    if (m_options.uri)
        flags |= SQLITE_OPEN_URI;
    else if (name.startsWith(QLatin1String("file:")))
        name.prepend(QLatin1String("./")); // a plain path, as in open()

    sqlite3 *dest = nullptr;
    const int rc = sqlite3_open_v2(name.toUtf8().constData(), &dest, flags, nullptr);
    // A private handle of this thread, closed on every path.
    const std::unique_ptr<sqlite3, void (*)(sqlite3 *)> closer(dest, [](sqlite3 *db) {
        sqlite3_close_v2(db);
    });
    if (rc != SQLITE_OK) {
        const int code = dest ? sqlite3_extended_errcode(dest) : rc;
        const QString message = dest ? QString::fromUtf8(sqlite3_errmsg(dest)) : QString::fromUtf8(sqlite3_errstr(rc));
        QAsyncSqliteError::throwForCode(code, QStringLiteral("unable to open backup file %1: %2").arg(path, message));
    }
    sqlite3_busy_timeout(dest, int(qBound<qint64>(0, qint64(m_options.busyTimeout.count()), qint64(INT_MAX))));
    runBackup(*this, m_db, dest, options);
}

// ---------------------------------------------------------------------------
// The request

QFuture<void> QAsyncSqliteConnection::backup(QAsyncSqliteConnection *target, const QAsyncSqliteBackupOptions &options)
{
    if (!target || target == this) {
        return makeFailedFuture<void>(QAsyncSqliteProgrammingError(
                SQLITE_MISUSE, QStringLiteral("backup() needs another open connection as its target.")));
    }
    std::weak_ptr<QAsyncSqliteWorker> targetWorker = target->d_func()->currentWorker();
    return submit<void>([targetWorker, options](QAsyncSqliteWorker &w) {
        const auto t = targetWorker.lock();
        if (!t || !t->isAccepting()) {
            throw QAsyncSqliteProgrammingError(SQLITE_MISUSE,
                                               QStringLiteral("The backup target is not an open connection."));
        }
        w.backupTo(t.get(), options);
    });
}

QFuture<void> QAsyncSqliteConnection::backup(const QString &path, const QAsyncSqliteBackupOptions &options)
{
    return submit<void>([path, options](QAsyncSqliteWorker &w) {
        w.backupToPath(path, options);
    });
}
