# cmake -P run.cmake: the install_consumer test (see CMakeLists.txt).
#   BUILD_DIR            the QAsyncSqlite build tree to install (already built)
#   CONSUMER_SOURCE_DIR  the external project to build against the installation
#   WORK_DIR             scratch directory (wiped first): root/, build/, qml/
#   GENERATOR, MAKE_PROGRAM, CXX_COMPILER, BUILD_TYPE, WERROR  passed on to the consumer
#   LIBDIR               the library directory relative to the prefix (e.g. lib)
#   QML_INSTALL_DIR      absolute directory the QML module installs into (empty: no QML module)
#   QML_TEST_FILE        a QtQuickTest file importing QAsyncSqlite, run from WORK_DIR/qml
#   QMLTESTRUNNER        qmltestrunner (empty: skip the QML step)
#
# Everything is installed under WORK_DIR/root through DESTDIR, so absolute
# destinations (the QML module goes to Qt's own QML directory) never touch
# the real system.
cmake_minimum_required(VERSION 3.21)

foreach(var BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR)
    if(NOT ${var})
        message(FATAL_ERROR "run.cmake: ${var} is not set")
    endif()
endforeach()
if(NOT LIBDIR)
    set(LIBDIR lib)
endif()

# Runs a command, echoing it; fails the test if it fails.
function(run_step name)
    string(REPLACE ";" " " shown "${ARGN}")
    message(STATUS "[${name}] ${shown}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "[${name}] failed (${rc})")
    endif()
endfunction()

set(root ${WORK_DIR}/root)
set(install_prefix /usr/local)
set(prefix ${root}${install_prefix})
set(consumer_build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# 1. Install the build tree under ${root} (DESTDIR), with the usual prefix.
#    Every file must land inside ${root}.
set(install_command ${CMAKE_COMMAND} -E env DESTDIR=${root}
    ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${install_prefix})
string(REPLACE ";" " " shown "${install_command}")
message(STATUS "[install] ${shown}")
execute_process(COMMAND ${install_command} RESULT_VARIABLE rc OUTPUT_VARIABLE install_log ERROR_VARIABLE install_log)
message("${install_log}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[install] failed (${rc})")
endif()
string(REGEX MATCHALL "-- (Installing|Up-to-date|Set runtime path of): [^\n]*" installed "${install_log}")
if(NOT installed)
    message(FATAL_ERROR "[install] installed nothing")
endif()
foreach(line ${installed})
    string(REGEX REPLACE "^-- [^:]*: \"?([^\"]*)\"?.*$" "\\1" path "${line}")
    string(FIND "${path}" "${root}/" pos)
    if(NOT pos EQUAL 0)
        message(FATAL_ERROR "[install] wrote outside ${root}: ${path}")
    endif()
endforeach()

# 2. Configure the consumer against that prefix only: no user package
#    registry, and the consumer checks that the package came from the prefix
#    (the package config is relocatable, so it works from under DESTDIR).
set(configure_args -S ${CONSUMER_SOURCE_DIR} -B ${consumer_build}
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DQASYNCSQLITE_EXPECTED_PREFIX=${prefix})
if(GENERATOR)
    list(APPEND configure_args -G ${GENERATOR})
endif()
if(MAKE_PROGRAM)
    list(APPEND configure_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CXX_COMPILER)
    list(APPEND configure_args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(BUILD_TYPE)
    list(APPEND configure_args -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
endif()
if(WERROR)
    list(APPEND configure_args -DCONSUMER_WERROR=ON)
endif()
run_step(configure ${CMAKE_COMMAND} ${configure_args})

# 3. Build and run it.
run_step(build ${CMAKE_COMMAND} --build ${consumer_build})
run_step(run ${consumer_build}/consumer)
message(STATUS "install_consumer: C++ consumer OK")

# 4. A QML program outside the source tree: `import QAsyncSqlite` must come
#    from the installed module (its plugin finds the libraries in the prefix).
if(NOT QML_INSTALL_DIR)
    message(STATUS "install_consumer: no QML module built, QML step skipped")
    return()
endif()
set(qml_dir ${root}${QML_INSTALL_DIR})
foreach(file qmldir qasyncsqliteqml.qmltypes)
    if(NOT EXISTS ${qml_dir}/QAsyncSqlite/${file})
        message(FATAL_ERROR "[qml] ${qml_dir}/QAsyncSqlite/${file} was not installed")
    endif()
endforeach()
file(GLOB plugin ${qml_dir}/QAsyncSqlite/*qasyncsqliteqmlplugin*)
if(NOT plugin)
    message(FATAL_ERROR "[qml] the plugin was not installed into ${qml_dir}/QAsyncSqlite")
endif()
if(NOT QMLTESTRUNNER OR NOT QML_TEST_FILE)
    message(STATUS "install_consumer: qmltestrunner not found, QML program not run")
    return()
endif()
file(MAKE_DIRECTORY ${WORK_DIR}/qml)
configure_file(${QML_TEST_FILE} ${WORK_DIR}/qml/tst_installed.qml COPYONLY)
set(library_path ${prefix}/${LIBDIR})
if(DEFINED ENV{LD_LIBRARY_PATH} AND NOT "$ENV{LD_LIBRARY_PATH}" STREQUAL "")
    string(APPEND library_path ":$ENV{LD_LIBRARY_PATH}")
endif()
set(qml_command ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen QML_IMPORT_TRACE=1
    LD_LIBRARY_PATH=${library_path}
    ${QMLTESTRUNNER} -import ${qml_dir} -input ${WORK_DIR}/qml/tst_installed.qml)
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
# It must have been the installed module, not one found elsewhere (the
# import trace names the qmldir it loaded).
string(FIND "${qml_err}" "loaded \"${qml_dir}/QAsyncSqlite/qmldir\"" pos)
if(pos EQUAL -1)
    message(FATAL_ERROR "[qml] QAsyncSqlite was not loaded from ${qml_dir}/QAsyncSqlite")
endif()
message(STATUS "install_consumer: QML program OK")
