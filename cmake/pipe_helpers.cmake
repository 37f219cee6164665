# Functions the plugin, test and bench folders use to declare their targets.

# pipe_configure_folder(FOLDER)
#   Configures plugins/FOLDER once (its targets under plugin_build/FOLDER)
#   and records it in the global property PIPE_BUILT_PLUGINS.
function(pipe_configure_folder folder)
  get_property(done GLOBAL PROPERTY PIPE_CONFIGURED_${folder})
  if(done)
    return()
  endif()
  if(NOT EXISTS ${CMAKE_SOURCE_DIR}/plugins/${folder}/CMakeLists.txt)
    message(FATAL_ERROR "pipe_needs: there is no folder plugins/${folder}")
  endif()
  set_property(GLOBAL PROPERTY PIPE_CONFIGURED_${folder} TRUE)
  add_subdirectory(${CMAKE_SOURCE_DIR}/plugins/${folder} ${CMAKE_BINARY_DIR}/plugin_build/${folder})
  set_property(GLOBAL APPEND PROPERTY PIPE_BUILT_PLUGINS ${folder})
endfunction()

# pipe_needs(FOLDER...)
#   Declares that the calling folder links the libraries of plugins/FOLDER
#   (pipe_needs(nn scaler)): each one not configured yet is configured
#   first. Every folder that uses another's library says so here, so no
#   folder depends on the order folders are configured in, and
#   -DPIPE_PLUGINS=dnn also builds what dnn needs.
function(pipe_needs)
  foreach(folder IN LISTS ARGN)
    pipe_configure_folder(${folder})
  endforeach()
endfunction()

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
