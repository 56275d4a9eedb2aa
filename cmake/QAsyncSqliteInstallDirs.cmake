# Where QAsyncSqlite installs, and what makes an installed copy find its own
# parts. Every destination is relative to the install prefix, so that
# `cmake --install <build> --prefix P` writes nothing outside P, and every
# RPATH is relative to $ORIGIN, so that it holds for whatever P is given.

# ABI: the 0.x releases may change it on every minor version, so the soname
# carries major.minor (libQAsyncSqlite.so.0.1) and find_package() accepts only
# the same minor version; from 1.0 on, the major version alone.
if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(QASYNCSQLITE_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
    set(QASYNCSQLITE_VERSION_COMPATIBILITY SameMinorVersion)
else()
    set(QASYNCSQLITE_SOVERSION ${PROJECT_VERSION_MAJOR})
    set(QASYNCSQLITE_VERSION_COMPATIBILITY SameMajorVersion)
endif()

set(QASYNCSQLITE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/QAsyncSqlite)

# The QML module goes, as KDE's ECM does it, to <libdir>/qml under the prefix,
# or to Qt's own QML directory when the prefix is Qt's (a distribution
# package) or QASYNCSQLITE_USE_QT_QML_DIR asks for it.
get_filename_component(install_prefix "${CMAKE_INSTALL_PREFIX}" REALPATH)
get_filename_component(qt_prefix "${QT6_INSTALL_PREFIX}" REALPATH)
if(install_prefix STREQUAL qt_prefix)
    set(prefix_is_qt ON)
else()
    set(prefix_is_qt OFF)
endif()
option(QASYNCSQLITE_USE_QT_QML_DIR
    "Install the QML module into Qt's QML directory (${QT6_INSTALL_PREFIX}/${QT6_INSTALL_QML}), even outside the install prefix"
    ${prefix_is_qt})

# Build trees configured before this layout cached Qt's absolute QML
# directory as the default of QASYNCSQLITE_QML_INSTALL_DIR: drop that default.
get_property(help CACHE QASYNCSQLITE_QML_INSTALL_DIR PROPERTY HELPSTRING)
if(help STREQUAL "Directory that receives the QAsyncSqlite QML module")
    unset(QASYNCSQLITE_QML_INSTALL_DIR CACHE)
endif()
set(QASYNCSQLITE_QML_INSTALL_DIR "" CACHE STRING
    "QML import directory for the QAsyncSqlite module, relative to the install prefix or absolute (empty: automatic)")
if(NOT QASYNCSQLITE_QML_INSTALL_DIR)
    # A plain variable of the same name: the directory actually used, below.
    if(NOT QASYNCSQLITE_USE_QT_QML_DIR)
        set(QASYNCSQLITE_QML_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/qml)
    elseif(prefix_is_qt)
        set(QASYNCSQLITE_QML_INSTALL_DIR ${QT6_INSTALL_QML})
    else()
        set(QASYNCSQLITE_QML_INSTALL_DIR ${QT6_INSTALL_PREFIX}/${QT6_INSTALL_QML})
    endif()
endif()
message(STATUS "QAsyncSqlite: QML module installs into ${QASYNCSQLITE_QML_INSTALL_DIR}/QAsyncSqlite")

# Installed libraries also find a Qt outside the system directories (its
# library directory joins their RPATH).
set(CMAKE_INSTALL_RPATH_USE_LINK_PATH ON)

# qasyncsqlite_set_install_rpath(<destination> <target>...): the targets,
# installed into <destination>, find QAsyncSqlite's libraries in
# CMAKE_INSTALL_LIBDIR through an RPATH relative to $ORIGIN.
function(qasyncsqlite_set_install_rpath destination)
    if(IS_ABSOLUTE "${destination}" OR IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
        # Outside the prefix (asked for explicitly): only the configured prefix is known.
        set(rpath ${CMAKE_INSTALL_FULL_LIBDIR})
    else()
        file(RELATIVE_PATH relative /${destination} /${CMAKE_INSTALL_LIBDIR})
        string(REGEX REPLACE "/$" "" relative "${relative}")
        if(relative)
            set(rpath "$ORIGIN/${relative}")
        else()
            set(rpath "$ORIGIN")
        endif()
    endif()
    set_target_properties(${ARGN} PROPERTIES INSTALL_RPATH "${rpath}")
endfunction()
