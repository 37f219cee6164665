# Functions the plugin, test and bench folders use to declare their targets.

# pipe_add_plugin(NAME SOURCES src... [LIBS lib...])
#   Builds plugins/<NAME> as the module <build>/plugins/NAME.so.
function(pipe_add_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  add_library(plugin_${name} MODULE ${P_SOURCES})
  set_target_properties(plugin_${name} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${PIPE_PLUGIN_OUTPUT_DIR}
    C_VISIBILITY_PRESET hidden)
  target_link_libraries(plugin_${name} PRIVATE pipe_core ${P_LIBS})
  add_dependencies(pipe plugin_${name})
  install(TARGETS plugin_${name} LIBRARY DESTINATION ${PIPE_INSTALL_PLUGIN_DIR})
endfunction()

# pipe_add_test(NAME SOURCES src... [LIBS lib...])
#   A Criterion test executable, run by ctest from the source root with the
#   environment the tests rely on.
function(pipe_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(test_${name} ${T_SOURCES} ${CMAKE_SOURCE_DIR}/tests/support/test_support.c)
  target_include_directories(test_${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
  target_link_libraries(test_${name} PRIVATE pipe_core criterion m ${T_LIBS})
  target_compile_definitions(test_${name} PRIVATE
    PIPE_EXE="$<TARGET_FILE:pipe>"
    PIPE_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    PIPE_BINARY_DIR="${CMAKE_BINARY_DIR}"
    PIPE_PLUGIN_BUILD_DIR="${PIPE_PLUGIN_OUTPUT_DIR}")
  add_dependencies(test_${name} pipe)
  add_test(NAME ${name} COMMAND test_${name} --jobs 1)
  set_tests_properties(${name} PROPERTIES WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} TIMEOUT 600)
endfunction()

# pipe_add_bench(NAME SOURCES src... [LIBS lib...])
function(pipe_add_bench name)
  cmake_parse_arguments(B "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(bench_${name} ${B_SOURCES})
  target_link_libraries(bench_${name} PRIVATE pipe_core m ${B_LIBS})
  target_include_directories(bench_${name} PRIVATE ${CMAKE_SOURCE_DIR}/bench)
  target_compile_definitions(bench_${name} PRIVATE PIPE_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
endfunction()
