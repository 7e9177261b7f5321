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

# The README as the package's documentation (the generated reference joins it later).
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/fastthreadpool")

# A Debian package of the install tree: `cpack -G DEB` in the build directory. One package
# (library, headers, CMake package, QML module, module JSON, docs), installed under /usr
# where the QML module lands in Qt's own QML directory. The tst_package ctest builds it and
# checks its listing (dpkg-deb -c).
set(CPACK_PACKAGE_NAME fastthreadpool)
set(CPACK_PACKAGE_VENDOR "FastThreadPool")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "FastThreadPool developers")
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
# Stated, not computed (dpkg-shlibdeps would need dpkg-dev): Qt 6.4's runtime libraries, and
# its development package, which find_package(FastThreadPool) needs.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6core6 (>= 6.4), libqt6qml6 (>= 6.4), qt6-base-dev (>= 6.4)")
include(CPack)
