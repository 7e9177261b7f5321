# find_package(FastThreadPool) support, and the module description installed beside Qt's
# own (share/qt6/modules/<Module>.json), filled in from this build.
include(CMakePackageConfigHelpers)

set(config_dir "${CMAKE_INSTALL_LIBDIR}/cmake/FastThreadPool")
configure_package_config_file(cmake/FastThreadPoolConfig.cmake.in
    "${PROJECT_BINARY_DIR}/FastThreadPoolConfig.cmake"
    INSTALL_DESTINATION "${config_dir}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/FastThreadPoolConfigVersion.cmake"
    COMPATIBILITY SameMajorVersion)
install(EXPORT FastThreadPoolTargets NAMESPACE FastThreadPool:: DESTINATION "${config_dir}")
install(FILES "${PROJECT_BINARY_DIR}/FastThreadPoolConfig.cmake"
              "${PROJECT_BINARY_DIR}/FastThreadPoolConfigVersion.cmake"
        DESTINATION "${config_dir}")

file(READ "${PROJECT_SOURCE_DIR}/qt_module.json" module_json)
string(JSON module_json SET "${module_json}" version "\"${PROJECT_VERSION}\"")
string(JSON module_json SET "${module_json}" built_with compiler_id "\"${CMAKE_CXX_COMPILER_ID}\"")
string(JSON module_json SET "${module_json}" built_with compiler_version
       "\"${CMAKE_CXX_COMPILER_VERSION}\"")
string(JSON module_json SET "${module_json}" built_with compiler_target
       "\"${CMAKE_CXX_COMPILER_TARGET}\"")
if(CMAKE_CROSSCOMPILING)
    string(JSON module_json SET "${module_json}" built_with cross_compiled true)
else()
    string(JSON module_json SET "${module_json}" built_with cross_compiled false)
endif()
string(JSON module_json SET "${module_json}" built_with target_system "\"${CMAKE_SYSTEM_NAME}\"")
file(WRITE "${PROJECT_BINARY_DIR}/FastThreadPool.json" "${module_json}\n")
install(FILES "${PROJECT_BINARY_DIR}/FastThreadPool.json"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/qt6/modules")
