# Builds the Debian package of the build tree (cpack -G DEB) into WORK_DIR and checks that
# its listing holds every part a user needs. Run by ctest (tst_package, label install).
foreach(var BUILD_DIR WORK_DIR QML_INSTALL_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "pass -D${var}=...")
    endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${CMAKE_CPACK_COMMAND}" -G DEB -B "${WORK_DIR}"
                        --config "${BUILD_DIR}/CPackConfig.cmake"
                WORKING_DIRECTORY "${BUILD_DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cpack failed (${rc}):\n${out}")
endif()
file(GLOB debs "${WORK_DIR}/*.deb")
list(LENGTH debs count)
if(NOT count EQUAL 1)
    message(FATAL_ERROR "expected one .deb in ${WORK_DIR}, found ${count}:\n${out}")
endif()
execute_process(COMMAND dpkg-deb -c ${debs} RESULT_VARIABLE rc OUTPUT_VARIABLE listing
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb -c failed: ${err}")
endif()
execute_process(COMMAND dpkg-deb -f ${debs} Package Version Depends OUTPUT_VARIABLE fields)

set(expected
    "./usr/include/fastthreadpool/fastthreadpool.h"
    "./usr/include/fastthreadpool/pool.h"
    "./usr/include/fastthreadpool/detail/task.h"
    "./usr/include/fastthreadpool/qml/threadpool.h"
    "/libfastthreadpool.so.1"
    "/libfastthreadpoolqml.so.1"
    "/cmake/FastThreadPool/FastThreadPoolConfig.cmake"
    "/cmake/FastThreadPool/FastThreadPoolTargets.cmake"
    "./usr/share/qt6/modules/FastThreadPool.json"
    "./usr/share/doc/fastthreadpool/README.md")
if(QML_INSTALL_DIR)
    list(APPEND expected "./usr/${QML_INSTALL_DIR}/FastThreadPool/qmldir"
         "./usr/${QML_INSTALL_DIR}/FastThreadPool/FastThreadPoolQml.qmltypes")
endif()
set(missing "")
foreach(path IN LISTS expected)
    string(FIND "${listing}" "${path}" at)
    if(at EQUAL -1)
        list(APPEND missing "${path}")
    endif()
endforeach()
if(missing)
    list(JOIN missing "\n  " text)
    message(FATAL_ERROR "the package lacks:\n  ${text}\nits listing:\n${listing}")
endif()
list(LENGTH expected checked)
message(STATUS "${debs}: ${checked} expected paths present\n${fields}")
