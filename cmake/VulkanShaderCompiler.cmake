# The portable way's Vulkan backend from source (JPEGLM_VULKAN=ON) compiles 154 shader files with the glslc ggml's
# find_package(Vulkan COMPONENTS glslc) finds: Vulkan_GLSLC_EXECUTABLE, which a user may set
# (-DVulkan_GLSLC_EXECUTABLE=/path/to/glslc). The pinned llama.cpp's shader generator compiles
# flash_attn_decode_phase_1.comp, which uses cooperative matrices (GL_KHR_cooperative_matrix, `coopmat`), whatever
# ggml's own feature test found; a glslc without them (Debian 12's shaderc 2023.2) fails there only after minutes of
# shader generation. So this probe compiles the same kind of code, with the generator's flags, at configure time and
# refuses such a glslc at once, saying what to do instead. ggml-vulkan.cpp also uses, unguarded, two extensions that
# Debian 12's Vulkan headers (1.3.239) lack; those are checked here too, before minutes of shaders are compiled.

set(_jpeglm_coopmat_probe "${CMAKE_CURRENT_LIST_DIR}/vulkan-coopmat-probe.comp")

# Fails unless glslc, the Vulkan headers and loader, and the SPIR-V headers are there, naming the packages. A macro:
# FindVulkan's results (Vulkan_VERSION) stay in the caller's scope.
macro(_jpeglm_require_vulkan_tools)
  find_package(Vulkan COMPONENTS glslc)
  find_package(SPIRV-Headers CONFIG QUIET)
  if(NOT Vulkan_FOUND OR NOT Vulkan_GLSLC_EXECUTABLE OR NOT SPIRV-Headers_FOUND)
    message(FATAL_ERROR "jpeglm: JPEGLM_VULKAN=ON needs the shader compiler glslc and the Vulkan and SPIR-V "
      "headers (Debian/Ubuntu: apt-get install glslc libvulkan-dev spirv-headers; a glslc elsewhere: "
      "-DVulkan_GLSLC_EXECUTABLE=/path/to/glslc)")
  endif()
endmacro()

# The first line of `glslc --version` (e.g. "shaderc 2023.2-1") and its glslang line, for the messages.
function(_jpeglm_glslc_version glslc out_var)
  execute_process(COMMAND "${glslc}" --version RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    TIMEOUT 30)
  string(REGEX MATCH "^[^\n]*" first "${out}${err}")
  string(REGEX MATCH "glslang[^\n]*" glslang "${out}")
  if(NOT rc EQUAL 0 OR first STREQUAL "")
    set(first "`--version` failed: ${rc}")
  elseif(glslang AND NOT first MATCHES "glslang")
    string(APPEND first ", ${glslang}")
  endif()
  set(${out_var} "${first}" PARENT_SCOPE)
endfunction()

# The Vulkan headers ggml will compile against (Vulkan_INCLUDE_DIR, settable) must declare the extensions the pinned
# ggml-vulkan.cpp uses without a guard: VK_KHR_cooperative_matrix and VK_EXT_layer_settings.
function(_jpeglm_check_vulkan_headers)
  set(header "${Vulkan_INCLUDE_DIR}/vulkan/vulkan_core.h")
  set(missing "")
  foreach(extension VK_KHR_cooperative_matrix VK_EXT_layer_settings)
    set(found "")
    if(EXISTS "${header}")
      file(STRINGS "${header}" found REGEX "^#define ${extension} 1")
    endif()
    if(NOT found)
      list(APPEND missing "${extension}")
    endif()
  endforeach()
  if(NOT missing)
    return()
  endif()
  string(REPLACE ";" " and " missing "${missing}")
  message(FATAL_ERROR "jpeglm: JPEGLM_VULKAN=ON: the Vulkan headers in ${Vulkan_INCLUDE_DIR} (version "
    "${Vulkan_VERSION}) lack ${missing}, which the pinned llama.cpp's ggml-vulkan.cpp uses; it would not compile. "
    "Ways out: newer Vulkan headers (Debian 13's 1.4.309 work; e.g. the Vulkan SDK's, or the ones "
    "scripts/vulkan-source-check fetches, `scripts/vulkan-source-check headers` prints their folder), passed as "
    "-DVulkan_INCLUDE_DIR=/path/to/include; or the prebuilt Vulkan runtime, which needs neither headers nor glslc: "
    "-DJPEGLM_RUNTIME=prebuilt -DJPEGLM_PREBUILT_PACKAGE=linux-x64-vulkan. See docs/runtime.md.")
endfunction()

# Compiles the probe as ggml's vulkan-shaders-gen compiles cooperative-matrix shaders (compute stage, Vulkan 1.2,
# no -O). It passes only with exit code 0, no diagnostics (the generator fails a shader on any stderr output) and
# a SPIR-V file written.
function(jpeglm_check_vulkan_shader_compiler)
  _jpeglm_require_vulkan_tools()
  set(glslc "${Vulkan_GLSLC_EXECUTABLE}")
  if(NOT EXISTS "${glslc}" OR IS_DIRECTORY "${glslc}")
    message(FATAL_ERROR "jpeglm: Vulkan_GLSLC_EXECUTABLE is '${glslc}', which is not a file; pass the shader "
      "compiler as -DVulkan_GLSLC_EXECUTABLE=/path/to/glslc")
  endif()
  set(spv "${CMAKE_BINARY_DIR}/CMakeFiles/jpeglm-coopmat-probe.spv")
  file(REMOVE "${spv}")
  execute_process(
    COMMAND "${glslc}" -fshader-stage=compute --target-env=vulkan1.2 "${_jpeglm_coopmat_probe}" -o "${spv}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
  _jpeglm_glslc_version("${glslc}" version)
  if(rc EQUAL 0 AND "${out}${err}" STREQUAL "" AND EXISTS "${spv}")
    file(SIZE "${spv}" size)
    if(size GREATER 0)
      message(STATUS "jpeglm: ${glslc} (${version}) compiles cooperative-matrix shaders (GL_KHR_cooperative_matrix)")
      _jpeglm_check_vulkan_headers()
      return()
    endif()
  endif()
  string(STRIP "${out}${err}" said)
  string(REPLACE "\n" "\n    " said "${said}")
  message(FATAL_ERROR "jpeglm: JPEGLM_VULKAN=ON: the shader compiler ${glslc} (${version}) cannot compile "
    "cooperative-matrix shaders (GL_KHR_cooperative_matrix, `coopmat`), which the pinned llama.cpp's Vulkan "
    "backend always compiles (vulkan-shaders/flash_attn_decode_phase_1.comp): the build would stop there after "
    "minutes of shader generation. Compiling ${_jpeglm_coopmat_probe} with `-fshader-stage=compute "
    "--target-env=vulkan1.2` (as ggml's shader generator does) gave exit code ${rc}:\n    ${said}\n"
    "Ways out: a newer glslc (shaderc 2025.2, Debian 13's, works; e.g. the Vulkan SDK's, or the one "
    "scripts/vulkan-source-check fetches, `scripts/vulkan-source-check glslc` prints its path), passed as "
    "-DVulkan_GLSLC_EXECUTABLE=/path/to/glslc, with Vulkan headers as new (-DVulkan_INCLUDE_DIR; Debian 12's are "
    "too old as well); or the prebuilt Vulkan runtime, which needs no glslc: "
    "-DJPEGLM_RUNTIME=prebuilt -DJPEGLM_PREBUILT_PACKAGE=linux-x64-vulkan (Maven: -Djpeglm.native.vulkan=true "
    "makes the jpeglm-native linux-x86_64-vulkan jar). See docs/runtime.md.")
endfunction()
