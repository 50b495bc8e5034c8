# The prebuilt way (JPEGLM_RUNTIME=prebuilt): instead of building llama.cpp, link jpeglm against node-llama-cpp's
# shared libraries of the pinned release (scripts/fetch-prebuilt-runtime fetches and checks them). They are
# copied into the build folder, so that it holds libjpeglm.so and everything it loads: libllama, libggml (the
# backend registry), libggml-base, ggml's CPU variants (libggml-cpu-<variant>.so, the best one for the CPU is
# chosen when the library starts) and the package's GPU backend.
#   JPEGLM_PREBUILT_PACKAGE: linux-x64 (CPU only), linux-x64-vulkan, linux-x64-cuda (CUDA 13), linux-arm64;
#   default linux-x64, linux-x64-cuda with JPEGLM_CUDA=ON, or linux-arm64 when building for aarch64 (the
#   cross-compiling toolchain cmake/toolchain-aarch64-linux-gnu.cmake). Use one build folder per package.

set(JPEGLM_PREBUILT_PACKAGE "" CACHE STRING "node-llama-cpp platform package (default: linux-x64, or linux-x64-cuda with JPEGLM_CUDA)")
if(JPEGLM_PREBUILT_PACKAGE)
  set(_package "${JPEGLM_PREBUILT_PACKAGE}")
elseif(JPEGLM_CUDA)
  set(_package "linux-x64-cuda")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(_package "linux-arm64")
else()
  set(_package "linux-x64")
endif()

execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env "JPEGLM_CACHE_DIR=${JPEGLM_CACHE_DIR}"
          "${PROJECT_SOURCE_DIR}/scripts/fetch-prebuilt-runtime" "${_package}"
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _prebuilt_dir OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "jpeglm: scripts/fetch-prebuilt-runtime ${_package} failed (${_rc}); see above")
endif()
message(STATUS "jpeglm: prebuilt runtime ${_package} from ${_prebuilt_dir}")

file(GLOB _prebuilt_libs "${_prebuilt_dir}/lib*.so")
# By content, not by time: the package's files all carry npm's fixed 1985 timestamp, so a damaged copy here would
# look up to date next to the repaired cache.
foreach(_lib IN LISTS _prebuilt_libs)
  get_filename_component(_name "${_lib}" NAME)
  file(COPY_FILE "${_lib}" "${CMAKE_BINARY_DIR}/${_name}" ONLY_IF_DIFFERENT)
endforeach()
# What the jpeglm-native jar bundles (NativeLibrary extracts these files together): libjpeglm.so and these.
set(JPEGLM_PREBUILT_LIBRARIES "")
foreach(_lib IN LISTS _prebuilt_libs)
  get_filename_component(_name "${_lib}" NAME)
  list(APPEND JPEGLM_PREBUILT_LIBRARIES "${_name}")
endforeach()
file(GLOB _llama_lib LIST_DIRECTORIES false "${CMAKE_BINARY_DIR}/libllama.*.so")
file(GLOB _ggml_lib LIST_DIRECTORIES false "${CMAKE_BINARY_DIR}/libggml.*.so")
list(LENGTH _llama_lib _n_llama)
list(LENGTH _ggml_lib _n_ggml)
if(NOT _n_llama EQUAL 1 OR NOT _n_ggml EQUAL 1)
  message(FATAL_ERROR "jpeglm: expected one libllama.*.so and one libggml.*.so in ${CMAKE_BINARY_DIR}, found "
    "'${_llama_lib}' and '${_ggml_lib}': use one build folder per prebuilt package")
endif()

# Imported targets named like the source build's, carrying the pinned tree's headers.
add_library(ggml-base SHARED IMPORTED GLOBAL)
set_target_properties(ggml-base PROPERTIES
  IMPORTED_LOCATION "${CMAKE_BINARY_DIR}/libggml-base.so"
  INTERFACE_INCLUDE_DIRECTORIES "${LLAMA_CPP_DIR}/ggml/include")
add_library(ggml SHARED IMPORTED GLOBAL)
set_target_properties(ggml PROPERTIES IMPORTED_LOCATION "${_ggml_lib}" INTERFACE_LINK_LIBRARIES ggml-base)
add_library(llama SHARED IMPORTED GLOBAL)
set_target_properties(llama PROPERTIES
  IMPORTED_LOCATION "${_llama_lib}"
  INTERFACE_INCLUDE_DIRECTORIES "${LLAMA_CPP_DIR}/include"
  INTERFACE_LINK_LIBRARIES ggml)

# libjpeglm is linked as in the portable way (cmake/DynamicBackends.cmake); the jar bundles it and the package's
# libraries.
include("${CMAKE_CURRENT_LIST_DIR}/DynamicBackends.cmake")
function(jpeglm_use_prebuilt_runtime target)
  jpeglm_link_dynamic_backends(${target})
  jpeglm_write_library_list("${CMAKE_BINARY_DIR}" libjpeglm.so ${JPEGLM_PREBUILT_LIBRARIES})
endfunction()
