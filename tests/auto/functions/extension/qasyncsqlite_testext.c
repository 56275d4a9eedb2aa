/* Copyright (C) 2026 The QAsyncSqlite Authors
 * SPDX-License-Identifier: MIT
 * A tiny loadable SQLite extension for tst_functions: ext_answer() = 42,
 * ext_twice(x) = 2 * x; a second entry point registers ext_other(). */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

static void answer(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_int(ctx, 42);
}

static void twice(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int64(ctx, 2 * sqlite3_value_int64(argv[0]));
}

static void other(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx, "other", -1, SQLITE_STATIC);
}

int sqlite3_extension_init(sqlite3 *db, char **errorMessage, const sqlite3_api_routines *api)
{
    (void)errorMessage;
    SQLITE_EXTENSION_INIT2(api);
    int rc = sqlite3_create_function(db, "ext_answer", 0, SQLITE_UTF8 | SQLITE_DETERMINISTIC, 0, answer, 0, 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "ext_twice", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, 0, twice, 0, 0);
    return rc;
}

int qasyncsqlite_other_init(sqlite3 *db, char **errorMessage, const sqlite3_api_routines *api)
{
    (void)errorMessage;
    SQLITE_EXTENSION_INIT2(api);
    return sqlite3_create_function(db, "ext_other", 0, SQLITE_UTF8, 0, other, 0, 0);
}
