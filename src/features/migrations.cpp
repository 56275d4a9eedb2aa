// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// Schema migrations (migrate(), QAsyncSqliteOptions::migrations): ordered
// steps counted by PRAGMA user_version, each in its own transaction with its
// version bump, foreign keys checked the way SQLite's table-rebuild
// procedure asks (doc/migrations.md).
#include "../engine/worker_p.h"

#include <QAsyncSqlite/qasyncsqlitemigration.h>
#include <QAsyncSqlite/qasyncsqlitetransaction.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qregularexpression.h>

#include <memory>

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

// Read through the raw statement: the row factory may be anything.
qint64 pragmaValue(QAsyncSqliteWorker &w, const QString &pragma)
{
    const QString sql = QStringLiteral("PRAGMA ") + pragma;
    const PreparedStatement prepared = w.prepare(sql, false);
    qint64 value = 0;
    w.stepToEnd(prepared.stmt, sql, [&value](sqlite3_stmt *stmt) {
        value = sqlite3_column_int64(stmt, 0);
    });
    return value;
}

QString stepLabel(int number, const QAsyncSqliteMigration &step)
{
    if (step.name.isEmpty())
        return QStringLiteral("migration step %1").arg(number);
    return QStringLiteral("migration step %1 (%2)").arg(number).arg(step.name);
}

// Throws \a error again, of the same class, with \a label in front of its message.
[[noreturn]] void rethrowLabelled(const QAsyncSqliteError &error, const QString &label)
{
    std::unique_ptr<QAsyncSqliteError> labelled(error.clone());
    // The subclasses add no data: assigning the base part keeps the class.
    static_cast<QAsyncSqliteError &>(*labelled) =
            QAsyncSqliteError(error.extendedCode(), label + QStringLiteral(" failed: ") + error.message(), error.sql());
    labelled->raise();
    Q_UNREACHABLE(); // raise() always throws, but is not declared [[noreturn]]
}

// Whether \a statement would end the step's transaction (ROLLBACK TO a
// savepoint of the step's own would not).
bool endsTransaction(const QString &statement)
{
    // The text runs from the end of the previous statement, so it may start
    // with comments: "-- done\nCOMMIT" must not slip through.
    static const QRegularExpression leading(QStringLiteral(R"(^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))*(\w+))"),
                                                           QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression to(QStringLiteral(R"(\bTO\b)"), QRegularExpression::CaseInsensitiveOption);
    const QString first = leading.match(statement).captured(1).toUpper();
    if (first == QLatin1String("ROLLBACK"))
        return !to.match(statement).hasMatch();
    return first == QLatin1String("BEGIN") || first == QLatin1String("COMMIT") || first == QLatin1String("END");
}

// PRAGMA foreign_keys is a no-op inside a transaction, so a step that
// rebuilds a referenced table needs it off around its transaction
// (https://sqlite.org/lang_altertable.html#otheralter, steps 1 and 12).
class ForeignKeysOff
{
public:
    ForeignKeysOff(QAsyncSqliteWorker &w, bool enabled) : m_worker(w), m_enabled(enabled)
    {
        if (m_enabled)
            m_worker.exec(QStringLiteral("PRAGMA foreign_keys = OFF"));
    }
    ~ForeignKeysOff()
    {
        if (!m_enabled)
            return;
        QAsyncSqliteWorker::CancelSource notCancelable(m_worker, nullptr);
        try {
            m_worker.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
        } catch (const QAsyncSqliteError &error) {
            qCWarning(lcQAsyncSqlite) << "migrate(): could not turn foreign keys back on:" << error.what();
        }
    }
    Q_DISABLE_COPY_MOVE(ForeignKeysOff)

private:
    QAsyncSqliteWorker &m_worker;
    const bool m_enabled;
};

// Step 10 of the procedure: the first violation fails the step.
void checkForeignKeys(QAsyncSqliteWorker &w)
{
    const QString sql = QStringLiteral("PRAGMA foreign_key_check");
    const PreparedStatement prepared = w.prepare(sql, false);
    QString violation;
    w.stepToEnd(prepared.stmt, sql, [&violation](sqlite3_stmt *stmt) {
        if (violation.isEmpty()) {
            const auto text = [stmt](int column) {
                return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)));
            };
            const QString format =
                    QStringLiteral("FOREIGN KEY constraint failed: row %1 of %2 references a missing row of %3");
            violation = format.arg(text(1), text(0), text(2));
        }
    });
    if (!violation.isEmpty())
        throw QAsyncSqliteIntegrityError(SQLITE_CONSTRAINT_FOREIGNKEY, violation, sql);
}

} // namespace

int QAsyncSqliteWorker::migrate(const QList<QAsyncSqliteMigration> &steps)
{
    // A step's BEGIN would become a savepoint, and foreign keys cannot be
    // turned off, inside someone else's transaction.
    if (!sqlite3_get_autocommit(m_db)) {
        throw QAsyncSqliteProgrammingError(
                SQLITE_MISUSE,
                QStringLiteral("migrate() cannot run inside an open transaction; commit or roll it back first"));
    }
    const int target = int(steps.size());
    const int current = int(pragmaValue(*this, QStringLiteral("user_version")));
    if (current < 0) {
        // Not written by step counting: no step number fits.
        const QString format = QStringLiteral("%1 has a negative schema version, %2; nothing was run");
        throw QAsyncSqliteOperationalError(SQLITE_ERROR, format.arg(m_database, QString::number(current)));
    }
    if (current > target) {
        // Written by a newer version of the application: its schema is
        // unknown here, and running anything could damage it.
        const QString format = QStringLiteral(
                "%1 is at schema version %2, newer than the %3 migration steps this application knows; nothing was run");
        throw QAsyncSqliteOperationalError(SQLITE_ERROR,
                                           format.arg(m_database, QString::number(current), QString::number(target)));
    }
    if (current == target)
        return target;
    const QString format = QStringLiteral("Migrating %1 from version %2 to %3");
    qCInfo(lcQAsyncSqlite).noquote() << format.arg(m_database, QString::number(current), QString::number(target));
    setRequestProgressRange(0, target - current);
    const bool foreignKeys = pragmaValue(*this, QStringLiteral("foreign_keys")) != 0;
    const QString scriptError =
            QStringLiteral("a migration step runs in a transaction of its own; its script may not begin, commit or "
                           "roll back one");
    for (int number = current + 1; number <= target; ++number) {
        const QAsyncSqliteMigration &step = steps.at(number - 1);
        const QString label = stepLabel(number, step);
        const auto warnFailed = [&](const char *what) {
            const QString failed = QStringLiteral("%1 failed, %2 stays at version %3:");
            qCWarning(lcQAsyncSqlite).noquote() << failed.arg(label, m_database, QString::number(number - 1)) << what;
        };
        QElapsedTimer timer;
        timer.start();
        try {
            ForeignKeysOff off(*this, foreignKeys);
            runTransaction(*this, TransactionMode::Immediate, [&](QAsyncSqliteTransaction &tx) {
                runScript(step.sql, [&scriptError](const QString &statement) {
                    if (endsTransaction(statement))
                        throw QAsyncSqliteProgrammingError(SQLITE_MISUSE, scriptError, statement);
                });
                if (step.run)
                    step.run(tx);
                if (foreignKeys)
                    checkForeignKeys(*this);
                exec(QStringLiteral("PRAGMA user_version = %1").arg(number));
            });
        } catch (const QAsyncSqliteError &error) {
            warnFailed(error.what());
            rethrowLabelled(error, label);
        } catch (const std::exception &error) {
            warnFailed(error.what());
            throw QAsyncSqliteOperationalError(
                    SQLITE_ERROR, label + QStringLiteral(" failed: ") + QString::fromLocal8Bit(error.what()));
        }
        setRequestProgressValue(number - current);
        const QString done = QStringLiteral("%1 done in %2 ms");
        qCInfo(lcQAsyncSqlite).noquote() << done.arg(label, QString::number(timer.elapsed()));
    }
    return target;
}

QFuture<int> QAsyncSqliteConnection::migrate(const QList<QAsyncSqliteMigration> &steps)
{
    return submit<int>([steps](QAsyncSqliteWorker &w) {
        return w.migrate(steps);
    });
}
