# cmake -DBUILD_DIR=... -DWORK_DIR=... -DCONSUMER_DIR=... -P run.cmake
function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
    endif()
    message(STATUS "${out}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

set(description "${prefix}/share/qt6/modules/FastThreadPool.json")
if(NOT EXISTS "${description}")
    message(FATAL_ERROR "module description not installed at ${description}")
endif()
file(READ "${description}" json)
string(JSON name GET "${json}" module_name)
string(JSON compiler GET "${json}" built_with compiler_id)
if(NOT name STREQUAL "FastThreadPool" OR compiler STREQUAL "")
    message(FATAL_ERROR "bad module description: ${json}")
endif()

run(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}/consumer" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer" -j 2)
run("${WORK_DIR}/consumer/consumer")
