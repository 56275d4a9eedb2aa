// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
#ifndef QASYNCSQLITEVERSION_H
#define QASYNCSQLITEVERSION_H

#include <QtCore/qglobal.h>

/*!
    \file qasyncsqliteversion.h
    \brief The QAsyncSqlite version, for compile-time checks.

    The three numbers below are the one place the version is kept: CMake reads
    them for `project(VERSION)`, the shared library's soname and the package
    files. Compare versions as Qt's own are compared:

    \code
    #include <QAsyncSqlite/QAsyncSqliteVersion>
    #if QASYNCSQLITE_VERSION >= QASYNCSQLITE_VERSION_CHECK(0, 2, 0)
    // use something added in 0.2
    #endif
    \endcode
*/

/*! The major version of the QAsyncSqlite headers. */
#define QASYNCSQLITE_VERSION_MAJOR 0
/*! The minor version of the QAsyncSqlite headers. */
#define QASYNCSQLITE_VERSION_MINOR 1
/*! The patch version of the QAsyncSqlite headers. */
#define QASYNCSQLITE_VERSION_PATCH 0

/*! Turns the version \a major, \a minor, \a patch into one integer that
    compares as versions do, like QT_VERSION_CHECK: `(major << 16) |
    (minor << 8) | patch`. */
#define QASYNCSQLITE_VERSION_CHECK(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))

/*! The version of the QAsyncSqlite headers as one integer, to compare with
    QASYNCSQLITE_VERSION_CHECK() in `#if`. */
#define QASYNCSQLITE_VERSION                                                                                           \
    QASYNCSQLITE_VERSION_CHECK(QASYNCSQLITE_VERSION_MAJOR, QASYNCSQLITE_VERSION_MINOR, QASYNCSQLITE_VERSION_PATCH)

/*! The version of the QAsyncSqlite headers as a string literal, such as
    `"0.1.0"`. */
#define QASYNCSQLITE_VERSION_STR                                                                                       \
    QT_STRINGIFY(QASYNCSQLITE_VERSION_MAJOR) "." QT_STRINGIFY(QASYNCSQLITE_VERSION_MINOR) "." QT_STRINGIFY(QASYNCSQLITE_VERSION_PATCH)

#endif // QASYNCSQLITEVERSION_H
