// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
// User functions, aggregates, collations, authorizer, progress handler and
// trace callback: SQLite calls them on the worker thread.
#include "../engine/worker_p.h"
#include "../qasyncsqliteconnection_p.h"
#include "../qasyncsqlitetypes_p.h"

using namespace QAsyncSqlite;
using namespace QAsyncSqlite::Detail;

namespace {

QVariantList argumentsOf(int argc, sqlite3_value **argv)
{
    QVariantList args;
    args.reserve(argc);
    for (int i = 0; i < argc; ++i)
        args.append(argumentValue(argv[i]));
    return args;
}

// Which callable of a user function failed: errors use Python 3.11's words
// for each, and the exception's own text goes to the log, as Python prints
// a callback's traceback (tst_functions::functionErrorsAsPython).
enum class Method {
    Function,
    Step,
    Inverse,
    Value,
    Finalize
};

QByteArray raisedError(Method method)
{
    static constexpr const char *names[] = {"", "step", "inverse", "value", "finalize"};
    if (method == Method::Function)
        return "user-defined function raised exception";
    return "user-defined aggregate's '" + QByteArray(names[int(method)]) + "' method raised error";
}

void setResult(sqlite3_context *ctx, const QVariant &original, Method method)
{
    const SqlValue value = toSqlValue(original, NullValues::VariantOnly);
    switch (value.kind) {
    case SqlValue::Null:
        sqlite3_result_null(ctx);
        return;
    case SqlValue::Integer:
        sqlite3_result_int64(ctx, value.integer);
        return;
    case SqlValue::Real:
        sqlite3_result_double(ctx, value.real);
        return;
    case SqlValue::Text:
        sqlite3_result_text64(ctx, value.data(), sqlite3_uint64(value.bytes.size()), SQLITE_TRANSIENT, SQLITE_UTF8);
        return;
    case SqlValue::Blob:
        sqlite3_result_blob64(ctx, value.data(), sqlite3_uint64(value.bytes.size()), SQLITE_TRANSIENT);
        return;
    case SqlValue::TooLarge:
        sqlite3_result_error_toobig(ctx); // as Python's OverflowError does
        return;
    case SqlValue::Unsupported: {
        qCWarning(lcQAsyncSqlite, "A user-defined function returned a %s, which SQLite cannot store",
                  original.metaType().name());
        const QByteArray message = method == Method::Value
                ? QByteArray("unable to set result from user-defined aggregate's 'value' method")
                : raisedError(method);
        sqlite3_result_error(ctx, message.constData(), int(message.size()));
    }
    }
}

// Reports a C++ exception from user code as the SQL statement's error.
void resultFromException(sqlite3_context *ctx, Method method)
{
    try {
        throw;
    } catch (const std::exception &e) {
        qCWarning(lcQAsyncSqlite, "%s: %s", raisedError(method).constData(), e.what());
    } catch (...) {
        qCWarning(lcQAsyncSqlite, "%s", raisedError(method).constData());
    }
    const QByteArray message = raisedError(method);
    sqlite3_result_error(ctx, message.constData(), int(message.size()));
}

int functionFlags(FunctionFlags flags)
{
    int result = SQLITE_UTF8;
    if (flags.testFlag(Deterministic))
        result |= SQLITE_DETERMINISTIC;
    if (flags.testFlag(DirectOnly))
        result |= SQLITE_DIRECTONLY;
    if (flags.testFlag(Innocuous))
        result |= SQLITE_INNOCUOUS;
    return result;
}

struct FunctionData
{
    QAsyncSqliteWorker *worker;
    Function fn;
};

struct AggregateData
{
    QAsyncSqliteWorker *worker;
    QVariant initialState;
    AggregateStep step;
    AggregateFinal finalize;
    // Window functions only.
    bool window = false;
    AggregateStep inverse = {};
    WindowValue value = {};
};

struct CollationData
{
    QAsyncSqliteWorker *worker;
    Collation fn;
};

template<typename T>
void destroy(void *data)
{
    delete static_cast<T *>(data);
}

int removeFunction(sqlite3 *db, const QString &name, int nArgs)
{
    return sqlite3_create_function_v2(db, name.toUtf8().constData(), nArgs, SQLITE_UTF8, nullptr, nullptr, nullptr,
                                      nullptr, nullptr);
}

// The state of one group or window frame lives in SQLite's aggregate context
// as a QVariant pointer, created on first use: usually by xStep, but by
// xValue for a frame that starts empty. xFinal runs on success and on error,
// so it always deletes it.
QVariant *stateOf(sqlite3_context *ctx, const AggregateData &data)
{
    auto **slot = static_cast<QVariant **>(sqlite3_aggregate_context(ctx, sizeof(QVariant *)));
    if (slot && !*slot)
        *slot = new QVariant(data.initialState);
    return slot ? *slot : nullptr;
}

// xStep and xInverse: fold one row's arguments into (or out of) the state.
template<Method method>
void foldRow(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const auto &data = *static_cast<const AggregateData *>(sqlite3_user_data(ctx));
    const AggregateStep &fn = method == Method::Step ? data.step : data.inverse;
    if (!fn) { // only an inverse may be missing, as in Python
        sqlite3_result_error(ctx, "user-defined aggregate's 'inverse' method not defined", -1);
        return;
    }
    try {
        QVariant *state = stateOf(ctx, data);
        if (!state) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        QAsyncSqliteWorker::UserCodeScope scope(*data.worker);
        *state = fn(*state, argumentsOf(argc, argv));
    } catch (...) {
        resultFromException(ctx, method);
    }
}

// xValue of window functions.
void frameValue(sqlite3_context *ctx)
{
    const auto &data = *static_cast<const AggregateData *>(sqlite3_user_data(ctx));
    try {
        const QVariant *state = stateOf(ctx, data);
        if (!state) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        QAsyncSqliteWorker::UserCodeScope scope(*data.worker);
        setResult(ctx, data.value ? data.value(*state) : *state, Method::Value);
    } catch (...) {
        resultFromException(ctx, Method::Value);
    }
}

void finalResult(sqlite3_context *ctx)
{
    const auto &data = *static_cast<const AggregateData *>(sqlite3_user_data(ctx));
    auto **slot = static_cast<QVariant **>(sqlite3_aggregate_context(ctx, 0));
    const std::unique_ptr<QVariant> owned(slot ? *slot : nullptr);
    // A group without rows is NULL, without finalize, as in Python.
    if (!owned)
        return;
    try {
        QAsyncSqliteWorker::UserCodeScope scope(*data.worker);
        setResult(ctx,
                  data.finalize        ? data.finalize(*owned)
                          : data.value ? data.value(*owned)
                                       : *owned,
                  Method::Finalize);
    } catch (...) {
        resultFromException(ctx, Method::Finalize);
    }
}

// Registers \a data as an aggregate, or (data->window) an aggregate window
// function; SQLite takes ownership of it, even on failure.
int createAggregateFunction(sqlite3 *db, const QString &name, int nArgs, FunctionFlags flags, AggregateData *data)
{
    const bool window = data->window;
    return sqlite3_create_window_function(db, name.toUtf8().constData(), nArgs, functionFlags(flags), data,
                                          foldRow<Method::Step>, finalResult, window ? frameValue : nullptr,
                                          window ? foldRow<Method::Inverse> : nullptr, destroy<AggregateData>);
}

} // namespace

void QAsyncSqliteWorker::createFunction(const QString &name, int nArgs, const Function &fn, FunctionFlags flags)
{
    int rc;
    if (!fn) {
        rc = removeFunction(m_db, name, nArgs);
    } else {
        rc = sqlite3_create_function_v2(
                m_db, name.toUtf8().constData(), nArgs, functionFlags(flags), new FunctionData{this, fn},
                [](sqlite3_context *ctx, int argc, sqlite3_value **argv) {
                    auto *data = static_cast<FunctionData *>(sqlite3_user_data(ctx));
                    try {
                        UserCodeScope scope(*data->worker);
                        setResult(ctx, data->fn(argumentsOf(argc, argv)), Method::Function);
                    } catch (...) {
                        resultFromException(ctx, Method::Function);
                    }
                },
                nullptr, nullptr, destroy<FunctionData>);
    }
    // SQLite leaves the handle's error alone here (throwError() would read
    // "not an error"): Python's class and text.
    if (rc != SQLITE_OK)
        throw QAsyncSqliteOperationalError(rc, QStringLiteral("Error creating function"));
}

void QAsyncSqliteWorker::createAggregate(const QString &name, int nArgs, const QVariant &initialState,
                                         const AggregateStep &step, const AggregateFinal &finalize, FunctionFlags flags)
{
    const int rc = step
            ? createAggregateFunction(m_db, name, nArgs, flags, new AggregateData{this, initialState, step, finalize})
            : removeFunction(m_db, name, nArgs);
    if (rc != SQLITE_OK)
        throw QAsyncSqliteOperationalError(rc, QStringLiteral("Error creating aggregate"));
}

void QAsyncSqliteWorker::createWindowFunction(const QString &name, int nArgs, const QVariant &initialState,
                                              const AggregateStep &step, const AggregateStep &inverse,
                                              const WindowValue &value, const AggregateFinal &finalize,
                                              FunctionFlags flags)
{
    const int rc = step
            ? createAggregateFunction(m_db, name, nArgs, flags,
                                      new AggregateData{this, initialState, step, finalize, true, inverse, value})
            : removeFunction(m_db, name, nArgs);
    // Python raises ProgrammingError with the code's text here.
    if (rc != SQLITE_OK)
        throw QAsyncSqliteProgrammingError(rc, QString::fromUtf8(sqlite3_errstr(rc)));
}

void QAsyncSqliteWorker::createCollation(const QString &name, const Collation &fn)
{
    const QByteArray utf8 = name.toUtf8();
    int rc;
    if (!fn) {
        rc = sqlite3_create_collation_v2(m_db, utf8.constData(), SQLITE_UTF8, nullptr, nullptr, nullptr);
    } else {
        rc = sqlite3_create_collation_v2(
                m_db, utf8.constData(), SQLITE_UTF8, new CollationData{this, fn},
                [](void *p, int lengthA, const void *a, int lengthB, const void *b) {
                    auto *data = static_cast<CollationData *>(p);
                    try {
                        UserCodeScope scope(*data->worker);
                        const int result = data->fn(QString::fromUtf8(static_cast<const char *>(a), lengthA),
                                                    QString::fromUtf8(static_cast<const char *>(b), lengthB));
                        return result < 0 ? -1 : result > 0 ? 1 : 0;
                    } catch (...) {
                        return 0; // a collation cannot fail; treat as equal
                    }
                },
                destroy<CollationData>);
    }
    if (rc != SQLITE_OK)
        throwError(rc);
}

// ---------------------------------------------------------------------------
// The request

QFuture<void> QAsyncSqliteConnection::createFunction(const QString &name, int nArgs, const Function &fn,
                                                     FunctionFlags flags)
{
    const std::function<void(QAsyncSqliteWorker &)> create = [=](QAsyncSqliteWorker &w) {
        w.createFunction(name, nArgs, fn, flags);
    };
    QAsyncSqliteConnectionPrivate::forEachReader(this,
                                                 create); // a reader fails where the writer does, which reports it
    return submit<void>(create);
}

QFuture<void> QAsyncSqliteConnection::createAggregate(const QString &name, int nArgs, const QVariant &initialState,
                                                      const AggregateStep &step, const AggregateFinal &finalize,
                                                      FunctionFlags flags)
{
    const std::function<void(QAsyncSqliteWorker &)> create = [=](QAsyncSqliteWorker &w) {
        w.createAggregate(name, nArgs, initialState, step, finalize, flags);
    };
    QAsyncSqliteConnectionPrivate::forEachReader(this,
                                                 create); // a reader fails where the writer does, which reports it
    return submit<void>(create);
}

QFuture<void> QAsyncSqliteConnection::createWindowFunction(const QString &name, int nArgs, const QVariant &initialState,
                                                           const AggregateStep &step, const AggregateStep &inverse,
                                                           const WindowValue &value, const AggregateFinal &finalize,
                                                           FunctionFlags flags)
{
    const std::function<void(QAsyncSqliteWorker &)> create = [=](QAsyncSqliteWorker &w) {
        w.createWindowFunction(name, nArgs, initialState, step, inverse, value, finalize, flags);
    };
    QAsyncSqliteConnectionPrivate::forEachReader(this,
                                                 create); // a reader fails where the writer does, which reports it
    return submit<void>(create);
}

QFuture<void> QAsyncSqliteConnection::createCollation(const QString &name, const Collation &fn)
{
    const std::function<void(QAsyncSqliteWorker &)> create = [=](QAsyncSqliteWorker &w) {
        w.createCollation(name, fn);
    };
    QAsyncSqliteConnectionPrivate::forEachReader(this,
                                                 create); // a reader fails where the writer does, which reports it
    return submit<void>(create);
}
