# SPDX-License-Identifier: Apache-2.0
# voxface_add_test(NAME SOURCES... LIBS ...): one GoogleTest binary registered with CTest.
function(voxface_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT VOXFACE_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    VOXFACE_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    VOXFACE_SOURCE_DATA_DIR="${PROJECT_SOURCE_DIR}/data")
  voxface_warnings(${name})
  include(GoogleTest)
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()

function(voxface_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
