# Fails on any qmllint message, warning or info (a plain `qmllint` exits 0 on
# infos, and a `_qmllint` target then succeeds).
#
#   cmake -DQMLLINT=<qmllint> -DIMPORT_DIRS=<dir>|<dir> -DFILES=<file>|<file> -P check-qmllint.cmake
#   cmake -DBUILD_DIR=<build> -DTARGET=<x_qmllint or all_qmllint> -P check-qmllint.cmake
if(TARGET)
    set(command ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET})
else()
    string(REPLACE "|" ";" import_dirs "${IMPORT_DIRS}")
    string(REPLACE "|" ";" files "${FILES}")
    set(command ${QMLLINT} --bare)
    foreach(dir IN LISTS import_dirs)
        list(APPEND command -I ${dir})
    endforeach()
    list(APPEND command ${files})
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "qmllint failed (exit code ${rc})")
endif()
if("${out}${err}" MATCHES "(Warning|Info|Error):")
    message(FATAL_ERROR "qmllint printed messages")
endif()
