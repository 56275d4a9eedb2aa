# ctest example_widgets_browser: runs widgets-browser offscreen on a small new
# database with --screenshot and checks that it exits with 0 and saves a PNG.
#   cmake -DBROWSER=<binary> -DSHOT=<file.png> -P smoke-test.cmake
file(REMOVE "${SHOT}")
set(ENV{QT_QPA_PLATFORM} offscreen)
execute_process(COMMAND "${BROWSER}" --rows 2000 --screenshot "${SHOT}"
                RESULT_VARIABLE result TIMEOUT 60)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "widgets-browser failed: ${result}")
endif()
if(NOT EXISTS "${SHOT}")
    message(FATAL_ERROR "widgets-browser saved no screenshot to ${SHOT}")
endif()
file(READ "${SHOT}" magic LIMIT 8 HEX)
if(NOT magic STREQUAL "89504e470d0a1a0a")
    message(FATAL_ERROR "${SHOT} is not a PNG file")
endif()
