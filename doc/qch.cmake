# Builds the Qt help file from the Qt help project Doxygen wrote (run by the
# target `docs`, doc/CMakeLists.txt):
#   cmake -DQHP=<html/index.qhp> -DQCH=<file.qch> -DQHELPGENERATOR=<path> -P qch.cmake
#
# Qt Creator's context help (F1) finds a page by the keyword ids "Class" and
# "Class::member", as qdoc writes them. Doxygen before 1.9.5 appends the
# anchor ("Class::member_a<32 hex digits>", "Class_"); those ids are put back
# in qdoc's form first. Newer Doxygen ids do not have that shape and stay.
file(READ "${QHP}" qhp)
string(REPEAT "[0-9a-f]" 32 md5)
string(REGEX REPLACE "(<keyword [^>]* id=\"[^\"]+)_a${md5}\"" "\\1\"" qhp "${qhp}")
string(REGEX REPLACE "(<keyword [^>]* id=\"[^\"]+)_\"" "\\1\"" qhp "${qhp}")
file(WRITE "${QHP}" "${qhp}")

execute_process(COMMAND "${QHELPGENERATOR}" -s "${QHP}" -o "${QCH}"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0 OR NOT EXISTS "${QCH}")
    message(FATAL_ERROR "qhelpgenerator failed (${result}) on ${QHP}")
endif()
