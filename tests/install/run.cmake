# cmake -P run.cmake: the install_consumer test (see CMakeLists.txt).
#   BUILD_DIR            the QAsyncSqlite build tree to install (already built)
#   SOURCE_DIR           the QAsyncSqlite source tree (the static build, examples)
#   WORK_DIR             scratch directory, wiped first
#   GENERATOR, MAKE_PROGRAM, C_COMPILER, CXX_COMPILER, BUILD_TYPE, WERROR
#                        passed on to every project configured here
#   LIBDIR               CMAKE_INSTALL_LIBDIR of the build (relative to the prefix)
#   QML_INSTALL_DIR      the QML directory relative to the prefix (empty: no QML module)
#   QT_PREFIX, QT_QML_DIR  Qt's prefix and its QML directory relative to it
#   CORO                 whether the build has QAsyncSqlite::Coro
#   SOVERSION            the libraries' SOVERSION
#   VERSION              the project version
#   QMLTESTRUNNER        qmltestrunner; QML_TEST_FILE the QtQuickTest file it runs
#   PKG_CONFIG           pkg-config
#
# What it checks, in order:
#  1. `cmake --install BUILD_DIR --prefix P`, without DESTDIR and as an
#     unprivileged user (the test's own, or uid 65534 when that is root),
#     writes only under P; sonames, no unversioned private library, and the
#     installed binaries find their libraries in P through their RPATHs;
#  2. an external CMake project (consumer/) finds the package in P with the
#     components Test, Coro and Qml, builds and runs; a missing dependency of
#     a component, or an SQLite older than 3.37, fails with a message naming it;
#  3. examples/quickstart builds on its own against P and runs;
#  4. consumer/main.cpp builds with `pkg-config --cflags --libs qasyncsqlite`;
#  5. a QML program finds `import QAsyncSqlite` through QML_IMPORT_PATH=P/<qml dir>,
#     without LD_LIBRARY_PATH;
#  6. a static build (BUILD_SHARED_LIBS=OFF, no tests or examples), configured
#     for Qt's prefix, installs with --prefix into a directory of its own
#     (with Qt's QML layout below it), and the consumer links it, with the
#     static QML plugin;
#  7. a project that adds the source tree with add_subdirectory() configures
#     without QAsyncSqlite's tests and examples.
cmake_minimum_required(VERSION 3.21)

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR LIBDIR SOVERSION VERSION QT_PREFIX QT_QML_DIR)
    if(NOT ${var})
        message(FATAL_ERROR "run.cmake: ${var} is not set")
    endif()
endforeach()

# run_step(<name> <command>...): runs a command, echoing it; fails the test if it fails.
function(run_step name)
    string(REPLACE ";" " " shown "${ARGN}")
    message(STATUS "[${name}] ${shown}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "[${name}] failed (${rc})")
    endif()
endfunction()

# The settings every project configured here shares.
set(common_args -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
foreach(pair GENERATOR:-G MAKE_PROGRAM:-DCMAKE_MAKE_PROGRAM= CXX_COMPILER:-DCMAKE_CXX_COMPILER=
             BUILD_TYPE:-DCMAKE_BUILD_TYPE=)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 var)
    list(GET pair 1 option)
    if(${var} AND option STREQUAL "-G")
        list(APPEND common_args -G ${${var}})
    elseif(${var})
        list(APPEND common_args ${option}${${var}})
    endif()
endforeach()

# configure_project(<name> <source> <build> <args>...) and build_project(<name> <build>).
function(configure_project name source build)
    run_step(${name} ${CMAKE_COMMAND} -S ${source} -B ${build} ${common_args} ${ARGN})
endfunction()
function(build_project name build)
    run_step(${name} ${CMAKE_COMMAND} --build ${build})
endfunction()

# expect_configure_failure(<name> <expected text> <source> <build> <args>...):
# configuring must fail, with a message that contains <expected text>.
function(expect_configure_failure name expected source build)
    file(REMOVE_RECURSE ${build})
    string(REPLACE ";" " " shown "${ARGN}")
    message(STATUS "[${name}] configure ${source} ${shown} (must fail naming ${expected})")
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${source} -B ${build} ${common_args} ${ARGN}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    # CMake wraps long messages: compare with the line breaks taken out.
    string(REGEX REPLACE "[ \n]+" " " flat "${err}")
    string(FIND "${flat}" "${expected}" pos)
    if(rc EQUAL 0 OR pos EQUAL -1)
        message("${out}\n${err}")
        message(FATAL_ERROR "[${name}] configuring did not fail with a message naming ${expected} (${rc})")
    endif()
    string(REGEX MATCH "[^.]*${expected}[^.]*" sentence "${flat}")
    message(STATUS "[${name}] failed as it should:${sentence}.")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# Who installs: the test's own user, or, when that is root (CI), the
# unprivileged uid 65534 (nobody), so that an install which tries to write
# outside its prefix fails as it would for a user.
execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
set(installer "")
if(uid STREQUAL "0")
    find_program(SETPRIV setpriv)
    if(NOT SETPRIV)
        message(FATAL_ERROR "running as root, and setpriv (util-linux) is missing to install as uid 65534")
    endif()
    set(installer ${SETPRIV} --reuid=65534 --regid=65534 --clear-groups)
endif()

# install_into(<build dir> <prefix>): `cmake --install <build dir> --prefix
# <prefix>` as the installer, then checks that every installed file is in <prefix>.
function(install_into build prefix)
    file(MAKE_DIRECTORY ${prefix})
    set(manifest ${build}/install_manifest.txt)
    file(REMOVE ${manifest})
    if(installer)
        # The installer owns the prefix, and the one file cmake --install
        # writes into the build tree: its manifest.
        file(TOUCH ${manifest})
        run_step(install-owner chown 65534:65534 ${prefix} ${manifest})
    endif()
    run_step(install ${installer} ${CMAKE_COMMAND} --install ${build} --prefix ${prefix})
    file(STRINGS ${manifest} installed)
    list(LENGTH installed count)
    if(count EQUAL 0)
        message(FATAL_ERROR "[install] installed nothing")
    endif()
    foreach(path IN LISTS installed)
        string(FIND "${path}" "${prefix}/" pos)
        if(NOT pos EQUAL 0 OR NOT EXISTS "${path}")
            message(FATAL_ERROR "[install] wrote outside ${prefix}: ${path}")
        endif()
    endforeach()
    message(STATUS "[install] ${count} files, all under ${prefix}")
endfunction()

# check_runtime_dependencies(<prefix> <binary>...): each binary's QAsyncSqlite
# libraries resolve, through its RPATH alone, to files under <prefix>.
function(check_runtime_dependencies prefix)
    file(GET_RUNTIME_DEPENDENCIES LIBRARIES ${ARGN}
         RESOLVED_DEPENDENCIES_VAR resolved UNRESOLVED_DEPENDENCIES_VAR unresolved)
    foreach(dep IN LISTS unresolved)
        string(TOLOWER "${dep}" name)
        if(name MATCHES "qasyncsqlite")
            message(FATAL_ERROR "[rpath] ${dep} is not found from ${ARGN}")
        endif()
    endforeach()
    set(ours "")
    foreach(dep IN LISTS resolved)
        get_filename_component(name "${dep}" NAME)
        string(TOLOWER "${name}" name)
        if(name MATCHES "qasyncsqlite")
            string(FIND "${dep}" "${prefix}/" pos)
            if(NOT pos EQUAL 0)
                message(FATAL_ERROR "[rpath] ${dep} is not the copy under ${prefix}")
            endif()
            list(APPEND ours ${dep})
        endif()
    endforeach()
    message(STATUS "[rpath] resolved from the prefix: ${ours}")
endfunction()

# run_consumer(<name> <prefix> <components> [STATIC]): builds consumer/
# against <prefix> with those components and runs every program it made.
function(run_consumer name prefix components)
    set(build ${WORK_DIR}/${name})
    set(args -DCMAKE_PREFIX_PATH=${prefix} -DQASYNCSQLITE_EXPECTED_PREFIX=${prefix}
             -DCONSUMER_COMPONENTS=${components} -DCONSUMER_WERROR=${WERROR})
    if(ARGN STREQUAL "STATIC")
        list(APPEND args -DCONSUMER_EXPECT_STATIC=ON)
    endif()
    configure_project(${name}-configure ${SOURCE_DIR}/tests/install/consumer ${build} ${args})
    build_project(${name}-build ${build})
    set(programs consumer)
    string(REPLACE "," ";" components "${components}")
    foreach(component IN LISTS components)
        if(component STREQUAL "Test")
            list(APPEND programs consumer_test)
        elseif(component STREQUAL "Coro")
            list(APPEND programs consumer_coro)
        elseif(component STREQUAL "Qml" AND ARGN STREQUAL "STATIC")
            list(APPEND programs consumer_qml)
        endif()
    endforeach()
    foreach(program IN LISTS programs)
        run_step(${name}-run ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${build}/${program})
    endforeach()
endfunction()

# Comma-separated, to pass on a command line (consumer/CMakeLists.txt splits it).
set(components Test)
if(CORO)
    string(APPEND components ",Coro")
endif()
if(QML_INSTALL_DIR)
    string(APPEND components ",Qml")
endif()

# 1. Install the (shared) build tree into a prefix of its own.
set(prefix ${WORK_DIR}/prefix)
install_into(${BUILD_DIR} ${prefix})
set(libdir ${prefix}/${LIBDIR})
if(NOT EXISTS ${libdir}/libQAsyncSqlite.so.${SOVERSION})
    message(FATAL_ERROR "[abi] no ${libdir}/libQAsyncSqlite.so.${SOVERSION}")
endif()
if(VERSION MATCHES "^0\\.([0-9]+)")
    if(NOT SOVERSION STREQUAL "0.${CMAKE_MATCH_1}")
        message(FATAL_ERROR "[abi] a 0.x version needs a soname that changes with the minor version, not ${SOVERSION}")
    endif()
endif()
# Unversioned shared objects are the development symlinks of the public
# libraries and the QML plugin, nothing else (no private backing library).
file(GLOB_RECURSE shared_objects LIST_DIRECTORIES false ${prefix}/*.so)
foreach(file IN LISTS shared_objects)
    get_filename_component(name ${file} NAME)
    if(NOT name MATCHES "^(libQAsyncSqlite|libQAsyncSqliteCoro|libqasyncsqliteqmlplugin)\\.so$")
        message(FATAL_ERROR "[abi] unversioned shared object ${file}")
    endif()
endforeach()
set(binaries ${libdir}/libQAsyncSqlite.so.${SOVERSION})
if(CORO)
    list(APPEND binaries ${libdir}/libQAsyncSqliteCoro.so.${SOVERSION})
endif()
if(QML_INSTALL_DIR)
    set(qml_dir ${prefix}/${QML_INSTALL_DIR})
    foreach(file qmldir qasyncsqliteqml.qmltypes libqasyncsqliteqmlplugin.so)
        if(NOT EXISTS ${qml_dir}/QAsyncSqlite/${file})
            message(FATAL_ERROR "[qml] ${qml_dir}/QAsyncSqlite/${file} was not installed")
        endif()
    endforeach()
    list(APPEND binaries ${qml_dir}/QAsyncSqlite/libqasyncsqliteqmlplugin.so)
endif()
check_runtime_dependencies(${prefix} ${binaries})

# 2. CMake consumers: every component the build has, then components whose
#    dependency is missing, then an SQLite that is too old.
run_consumer(consumer ${prefix} "${components}")
set(probe ${WORK_DIR}/probe)
if(CORO)
    expect_configure_failure(component-coro "component Coro needs QCoro6" ${SOURCE_DIR}/tests/install/consumer ${probe}
        -DCMAKE_PREFIX_PATH=${prefix} -DCONSUMER_COMPONENTS=Coro -DCMAKE_DISABLE_FIND_PACKAGE_QCoro6=ON)
endif()
expect_configure_failure(component-test "component Test needs Qt6::Test" ${SOURCE_DIR}/tests/install/consumer ${probe}
    -DCMAKE_PREFIX_PATH=${prefix} -DCONSUMER_COMPONENTS=Test -DCMAKE_DISABLE_FIND_PACKAGE_Qt6Test=ON)
# An sqlite3.h that says 3.31.1 stands for an SQLite without sqlite3_total_changes64().
set(old_sqlite ${WORK_DIR}/old-sqlite)
file(WRITE ${old_sqlite}/sqlite3.h "#define SQLITE_VERSION \"3.31.1\"\n")
expect_configure_failure(sqlite-package "needs SQLite 3.37" ${SOURCE_DIR}/tests/install/consumer ${probe}
    -DCMAKE_PREFIX_PATH=${prefix} -DSQLite3_INCLUDE_DIR=${old_sqlite})
expect_configure_failure(sqlite-project "needs SQLite 3.37" ${SOURCE_DIR} ${probe}
    -DSQLite3_INCLUDE_DIR=${old_sqlite} -DQASYNCSQLITE_BUILD_TESTS=OFF -DQASYNCSQLITE_BUILD_EXAMPLES=OFF)

# 3. An example, copied as a user would: a project of its own.
configure_project(quickstart-configure ${SOURCE_DIR}/examples/quickstart ${WORK_DIR}/quickstart
    -DCMAKE_PREFIX_PATH=${prefix})
build_project(quickstart-build ${WORK_DIR}/quickstart)
run_step(quickstart-run ${WORK_DIR}/quickstart/quickstart)

# 4. pkg-config, for builds without CMake. Qt needs -fPIC, as for any Qt program.
if(NOT PKG_CONFIG)
    message(FATAL_ERROR "[pkg-config] pkg-config not found (Debian: pkg-config)")
endif()
set(ENV{PKG_CONFIG_PATH} ${libdir}/pkgconfig)
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs qasyncsqlite
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${PKG_CONFIG} --variable=libdir qasyncsqlite
                OUTPUT_VARIABLE pc_libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${PKG_CONFIG} --modversion qasyncsqlite
                OUTPUT_VARIABLE pc_version OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0 OR NOT pc_version STREQUAL VERSION)
    message(FATAL_ERROR "[pkg-config] qasyncsqlite.pc not usable (${rc}, version '${pc_version}')")
endif()
file(REAL_PATH ${pc_libdir} pc_libdir)
file(REAL_PATH ${libdir} real_libdir)
if(NOT pc_libdir STREQUAL real_libdir)
    message(FATAL_ERROR "[pkg-config] libdir is ${pc_libdir}, not ${real_libdir}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run_step(pkg-config-build ${CXX_COMPILER} -std=c++20 -fPIC
    "-DQASYNCSQLITE_EXPECTED_VERSION=\"${VERSION}\"" ${SOURCE_DIR}/tests/install/consumer/main.cpp
    ${flags} -Wl,-rpath,${pc_libdir} -o ${WORK_DIR}/pkg-config-consumer)
run_step(pkg-config-run ${WORK_DIR}/pkg-config-consumer)
unset(ENV{PKG_CONFIG_PATH})

# 5. A QML program outside the source tree: `import QAsyncSqlite` comes from
#    the prefix through QML_IMPORT_PATH, and the plugin finds its libraries
#    through its RPATH (no LD_LIBRARY_PATH).
if(QML_INSTALL_DIR)
    if(NOT QMLTESTRUNNER OR NOT QML_TEST_FILE)
        message(FATAL_ERROR "[qml] qmltestrunner not found (Debian: qt6-declarative-dev-tools)")
    endif()
    file(MAKE_DIRECTORY ${WORK_DIR}/qml)
    configure_file(${QML_TEST_FILE} ${WORK_DIR}/qml/tst_installed.qml COPYONLY)
    set(qml_command ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH
        QT_QPA_PLATFORM=offscreen QML_IMPORT_TRACE=1 QML_IMPORT_PATH=${qml_dir}
        ${QMLTESTRUNNER} -input ${WORK_DIR}/qml/tst_installed.qml)
    string(REPLACE ";" " " shown "${qml_command}")
    message(STATUS "[qml] ${shown}")
    execute_process(COMMAND ${qml_command} WORKING_DIRECTORY ${WORK_DIR}/qml
                    RESULT_VARIABLE rc OUTPUT_VARIABLE qml_out ERROR_VARIABLE qml_err)
    # The import trace is long: show only what concerns us, and the test output.
    string(REGEX MATCHALL "[^\n]*QAsyncSqlite[^\n]*" trace "${qml_err}")
    string(REGEX MATCHALL "[^\n]*(PASS|FAIL|Totals|QWARN|QFATAL|XFAIL|XPASS|SKIP)[^\n]*" results "${qml_out}\n${qml_err}")
    list(JOIN trace "\n" trace)
    list(JOIN results "\n" results)
    message("${trace}\n${results}")
    if(NOT rc EQUAL 0)
        message("${qml_out}\n${qml_err}")
        message(FATAL_ERROR "[qml] the QML program failed (${rc})")
    endif()
    # It must have been the installed module (the trace names the qmldir it loaded).
    string(FIND "${qml_err}" "loaded \"${qml_dir}/QAsyncSqlite/qmldir\"" pos)
    if(pos EQUAL -1)
        message(FATAL_ERROR "[qml] QAsyncSqlite was not loaded from ${qml_dir}/QAsyncSqlite")
    endif()
    message(STATUS "[qml] QML program OK")
endif()

# 6. Static libraries: a lean build of the library (and the QML module),
#    installed and linked the same way. Configured for Qt's own prefix, as a
#    distribution package is, it puts the QML module in Qt's QML layout,
#    still below the prefix given at install time.
set(static_build ${WORK_DIR}/static-build)
set(static_prefix ${WORK_DIR}/static-prefix)
if(QML_INSTALL_DIR)
    set(static_qml ON)
else()
    set(static_qml OFF)
endif()
configure_project(static-configure ${SOURCE_DIR} ${static_build} -DCMAKE_C_COMPILER=${C_COMPILER}
    -DCMAKE_INSTALL_PREFIX=${QT_PREFIX} -DBUILD_SHARED_LIBS=OFF
    -DQASYNCSQLITE_BUILD_TESTS=OFF -DQASYNCSQLITE_BUILD_EXAMPLES=OFF -DQASYNCSQLITE_BUILD_CORO=OFF
    -DQASYNCSQLITE_BUILD_QML=${static_qml} -DQASYNCSQLITE_WERROR=${WERROR})
build_project(static-build ${static_build})
install_into(${static_build} ${static_prefix})
file(GLOB_RECURSE shared_objects LIST_DIRECTORIES false ${static_prefix}/*.so ${static_prefix}/*.so.*)
if(shared_objects)
    message(FATAL_ERROR "[static] shared objects installed: ${shared_objects}")
endif()
# The coroutine header belongs to QAsyncSqlite::Coro, which this build has not.
file(GLOB_RECURSE coro_headers LIST_DIRECTORIES false ${static_prefix}/qasyncsqlitecoro.h
     ${static_prefix}/QAsyncSqliteCoro)
if(coro_headers)
    message(FATAL_ERROR "[static] coroutine headers installed without QAsyncSqlite::Coro: ${coro_headers}")
endif()
if(QML_INSTALL_DIR AND NOT EXISTS ${static_prefix}/${QT_QML_DIR}/QAsyncSqlite/qmldir)
    message(FATAL_ERROR "[static] the QML module is not in Qt's layout, ${static_prefix}/${QT_QML_DIR}")
endif()
string(REPLACE ",Coro" "" components "${components}")
run_consumer(static-consumer ${static_prefix} "${components}" STATIC)
set(static_programs ${WORK_DIR}/static-consumer/consumer)
if(QML_INSTALL_DIR)
    list(APPEND static_programs ${WORK_DIR}/static-consumer/consumer_qml)
endif()
file(GET_RUNTIME_DEPENDENCIES EXECUTABLES ${static_programs} RESOLVED_DEPENDENCIES_VAR deps)
string(TOLOWER "${deps}" names)
if(names MATCHES "qasyncsqlite")
    message(FATAL_ERROR "[static] the consumer still loads a QAsyncSqlite library: ${deps}")
endif()

# 7. As a subproject (configured only: the library's build is covered above).
configure_project(subproject-configure ${SOURCE_DIR}/tests/install/subproject ${WORK_DIR}/subproject
    -DCMAKE_C_COMPILER=${C_COMPILER} -DQASYNCSQLITE_SOURCE_DIR=${SOURCE_DIR})
message(STATUS "install_consumer: all steps passed")
