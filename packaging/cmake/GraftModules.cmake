# Helpers that keep every core module and every test declared the same way.

# graft_core_module(<target> [TORCH] [DEPS <targets...>] [VECTORIZED <sources...>])
# A core module is one folder of core/: all its .cpp/.h files form one static
# library. Core never sees Qt's keyword macros (they break libtorch headers).
# VECTORIZED sources hold hot float loops and no libtorch: GCC vectorizes them with
# the cost model -O3 uses (-O2's skips loops that need a scalar epilogue) and without
# errno from sqrt, which would otherwise keep such a loop scalar. Per-function
# optimize attributes do not do it: they block inlining std::sqrt and vectorize nothing.
function(graft_core_module target)
  cmake_parse_arguments(ARG "TORCH" "" "DEPS;VECTORIZED" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS
       "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp" "${CMAKE_CURRENT_SOURCE_DIR}/*.h")
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
  target_link_libraries(${target} PUBLIC Qt6::Core ${ARG_DEPS})
  if(ARG_TORCH)
    target_link_libraries(${target} PRIVATE ${TORCH_LIBRARIES})
    # One libtorch translation unit costs ~20 s; the precompiled header pays it once.
    target_precompile_headers(${target} PRIVATE <torch/torch.h>)
  endif()
  foreach(file IN LISTS ARG_VECTORIZED)
    if(NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${file}")
      message(FATAL_ERROR "graft_core_module(${target}): VECTORIZED source ${file} is not in ${CMAKE_CURRENT_SOURCE_DIR}")
    endif()
  endforeach()
  if(ARG_VECTORIZED)
    # Not the torch PCH either: these files do not need it, and GCC rejects a PCH built
    # without -fno-math-errno anyway.
    set_source_files_properties(${ARG_VECTORIZED} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      set_source_files_properties(${ARG_VECTORIZED} PROPERTIES
          COMPILE_OPTIONS "-ftree-loop-vectorize;-fvect-cost-model=dynamic;-fno-math-errno")
    elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
      set_source_files_properties(${ARG_VECTORIZED} PROPERTIES COMPILE_OPTIONS "-fno-math-errno")
    endif()
  endif()
endfunction()

# graft_qt_test(<source> LIBS <targets...> LABEL <label> [GUI])
# One Qt Test executable per file, linked only to what it tests.
function(graft_qt_test source)
  cmake_parse_arguments(ARG "GUI" "LABEL;TIMEOUT" "LIBS" ${ARGN})
  get_filename_component(name "${source}" NAME_WE)
  add_executable(${name} "${source}")
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  # "tests/common/..." helpers shared by tests of several modules.
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}")
  target_compile_definitions(${name} PRIVATE
      GRAFT_FIXTURES_DIR="${GRAFT_FIXTURES_DIR}"
      GRAFT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      GRAFT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # tst_cli_* tests drive the graft-cli executable from the outside.
  if(name MATCHES "^tst_cli_")
    target_compile_definitions(${name} PRIVATE GRAFT_CLI_PATH="$<TARGET_FILE:graft-cli>")
    add_dependencies(${name} graft-cli)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  # 77: the test passed but skipped parts whose data is not in this checkout (tests/common/testdata.h);
  # CTest then lists it by name among the skipped tests.
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT} SKIP_RETURN_CODE 77)
  if(ARG_GUI)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
  endif()
endfunction()
