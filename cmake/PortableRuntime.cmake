# The portable way (JPEGLM_RUNTIME=portable): llama.cpp from the pinned tree, built the way its releases are
# (GGML_NATIVE=OFF, GGML_BACKEND_DL=ON, GGML_CPU_ALL_VARIANTS=ON, shared libraries), so that the folder runs on any
# x86-64 CPU: one libggml-cpu-<variant>.so per instruction set, the best one chosen when the library starts, as in
# the prebuilt way, but compiled here (this compiler, OpenMP kept). GPU backends: CUDA with JPEGLM_CUDA=ON (needs
# the CUDA toolkit), Vulkan with JPEGLM_VULKAN=ON (needs the Vulkan and SPIR-V headers, apt libvulkan-dev
# spirv-headers, and a glslc with cooperative matrices, checked by cmake/VulkanShaderCompiler.cmake).
# The build folder ends up like the prebuilt one: libjpeglm.so (rpath $ORIGIN), the libraries it loads, and
# jpeglm-libraries.txt. ggml's own options still apply, e.g. -DGGML_OPENMP=OFF for ggml's thread pool instead.

set(BUILD_SHARED_LIBS ON CACHE BOOL "" FORCE)
set(GGML_NATIVE OFF CACHE BOOL "" FORCE)
set(GGML_BACKEND_DL ON CACHE BOOL "" FORCE)
# OFF (a check's quicker build, e.g. scripts/vulkan-source-check): one libggml-cpu.so instead of 14 variants, for the
# instruction sets ggml's options name (by default AVX2, FMA, F16C: Haswell or later), so not for every x86-64.
option(JPEGLM_CPU_ALL_VARIANTS "Build every CPU variant (OFF: one CPU backend, ggml's GGML_AVX2... options)" ON)
set(GGML_CPU_ALL_VARIANTS ${JPEGLM_CPU_ALL_VARIANTS} CACHE BOOL "" FORCE)
set(GGML_CUDA ${JPEGLM_CUDA} CACHE BOOL "" FORCE)
if(JPEGLM_VULKAN)
  # Refuses, before anything is compiled, a glslc that cannot build the pinned tree's shaders.
  include(cmake/VulkanShaderCompiler.cmake)
  jpeglm_check_vulkan_shader_compiler()
endif()
set(GGML_VULKAN ${JPEGLM_VULKAN} CACHE BOOL "" FORCE)
# Every library finds the others beside itself, as in llama.cpp's release builds.
set(CMAKE_BUILD_WITH_INSTALL_RPATH ON)
set(CMAKE_INSTALL_RPATH "$ORIGIN")

# ggml appends each backend it makes to this cached list; emptied so that a reconfigure with other backends (Vulkan
# off, one CPU backend instead of the variants) does not keep naming the old ones.
unset(GGML_AVAILABLE_BACKENDS CACHE)
add_subdirectory("${LLAMA_CPP_DIR}" "${CMAKE_BINARY_DIR}/llama.cpp" EXCLUDE_FROM_ALL)

# One flat folder with unversioned names (libllama.so, not libllama.so.0 -> libllama.so.0.0.N): nothing to bundle
# but plain files. GGML_AVAILABLE_BACKENDS names the backend targets ggml made (ggml-cpu-<variant>, ggml-vulkan, ...).
set(_jpeglm_runtime_targets llama ggml ggml-base ${GGML_AVAILABLE_BACKENDS})
foreach(_target IN LISTS _jpeglm_runtime_targets)
  set_target_properties(${_target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}")
  set_property(TARGET ${_target} PROPERTY VERSION)
  set_property(TARGET ${_target} PROPERTY SOVERSION)
endforeach()

# GNU OpenMP's runtime travels with the CPU backends that need it (a minimal system may lack libgomp1).
set(_jpeglm_extra_files "")
if(GGML_OPENMP AND CMAKE_C_COMPILER_ID STREQUAL "GNU")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libgomp.so.1
    OUTPUT_VARIABLE _gomp OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(_gomp "${_gomp}" REALPATH)
  if(NOT EXISTS "${_gomp}")
    message(FATAL_ERROR "jpeglm: GGML_OPENMP is on but ${CMAKE_C_COMPILER} has no libgomp.so.1")
  endif()
  configure_file("${_gomp}" "${CMAKE_BINARY_DIR}/libgomp.so.1" COPYONLY)
  list(APPEND _jpeglm_extra_files libgomp.so.1)
endif()

add_subdirectory(native)
jpeglm_add_rpc_server() # beside the libraries: it loads ggml's backends from its own folder
include(cmake/DynamicBackends.cmake)
jpeglm_link_dynamic_backends(jpeglm)
foreach(_target IN LISTS _jpeglm_runtime_targets)
  add_dependencies(jpeglm ${_target})  # the backends are loaded, not linked: build them with libjpeglm
  # libjpeglm relinks whenever a library beside it changes, so the list (which depends on libjpeglm) is rewritten.
  set_property(TARGET jpeglm APPEND PROPERTY LINK_DEPENDS "$<TARGET_FILE:${_target}>")
endforeach()

# What the jpeglm-native jar bundles (cmake/LibraryList.cmake), written at build time once every library is built.
set(_jpeglm_list_files "libjpeglm.so")
foreach(_target IN LISTS _jpeglm_runtime_targets)
  list(APPEND _jpeglm_list_files "$<TARGET_FILE_NAME:${_target}>")
endforeach()
jpeglm_write_library_list("${CMAKE_BINARY_DIR}" ${_jpeglm_list_files} ${_jpeglm_extra_files})
add_dependencies(jpeglm-libraries ${_jpeglm_runtime_targets})
