# Provides the pinned llama.cpp tree in LLAMA_CPP_DIR.
#
# A user may point -DLLAMA_CPP_DIR at their own checkout. Otherwise the tree is taken from the npm package
# node-llama-cpp, which ships llama.cpp as a git bundle, and cached outside the build folder
# (JPEGLM_CACHE_DIR, default ~/.cache/jpeglm) so clean builds and fresh clones reuse it.
# Either way the commit must be the pinned one unless JPEGLM_ALLOW_OTHER_LLAMA=ON.

set(JPEGLM_LLAMA_COMMIT "de3ff815ea7d559ee917f063901b8986f038abc6")
# node-llama-cpp's version is pinned with the prebuilt runtime's, in cmake/prebuilt-runtime.lock.
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/prebuilt-runtime.lock" _jpeglm_lock_version REGEX "^version ")
string(REGEX REPLACE "^version +" "" JPEGLM_NPM_VERSION "${_jpeglm_lock_version}")
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/prebuilt-runtime.lock" _jpeglm_lock_ggml REGEX "^ggml ")
string(REGEX REPLACE "^ggml +" "" JPEGLM_GGML_VERSION "${_jpeglm_lock_ggml}")
set(JPEGLM_LLAMA_NPM_PACKAGE "node-llama-cpp@${JPEGLM_NPM_VERSION}")

if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_jpeglm_default_cache "$ENV{XDG_CACHE_HOME}/jpeglm")
else()
  set(_jpeglm_default_cache "$ENV{HOME}/.cache/jpeglm")
endif()
set(JPEGLM_CACHE_DIR "${_jpeglm_default_cache}" CACHE PATH "Where the fetched llama.cpp tree is kept")
set(LLAMA_CPP_DIR "" CACHE PATH "An existing llama.cpp checkout to build against (default: fetch the pinned one)")
option(JPEGLM_ALLOW_OTHER_LLAMA "Accept a LLAMA_CPP_DIR at another commit than the pinned one" OFF)

find_package(Git REQUIRED)

function(_jpeglm_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "jpeglm: `${cmd}` failed (${rc}):\n${out}${err}")
  endif()
endfunction()

function(_jpeglm_commit_of dir out_var)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C "${dir}" rev-parse HEAD
    RESULT_VARIABLE rc OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT rc EQUAL 0)
    set(commit "")
  endif()
  set(${out_var} "${commit}" PARENT_SCOPE)
endfunction()

if(LLAMA_CPP_DIR)
  if(NOT EXISTS "${LLAMA_CPP_DIR}/include/llama.h")
    message(FATAL_ERROR "jpeglm: LLAMA_CPP_DIR=${LLAMA_CPP_DIR} is not a llama.cpp tree (no include/llama.h)")
  endif()
  _jpeglm_commit_of("${LLAMA_CPP_DIR}" _commit)
  if(NOT _commit STREQUAL JPEGLM_LLAMA_COMMIT)
    if(JPEGLM_ALLOW_OTHER_LLAMA)
      message(WARNING "jpeglm: building against llama.cpp ${_commit}, not the pinned ${JPEGLM_LLAMA_COMMIT}")
    else()
      message(FATAL_ERROR "jpeglm: ${LLAMA_CPP_DIR} is at commit '${_commit}', expected ${JPEGLM_LLAMA_COMMIT}. "
        "Check out that commit or pass -DJPEGLM_ALLOW_OTHER_LLAMA=ON.")
    endif()
  endif()
else()
  set(_tree "${JPEGLM_CACHE_DIR}/llama.cpp-${JPEGLM_LLAMA_COMMIT}")
  _jpeglm_commit_of("${_tree}" _commit)
  if(NOT _commit STREQUAL JPEGLM_LLAMA_COMMIT)
    find_program(NPM_EXECUTABLE npm)
    if(NOT NPM_EXECUTABLE)
      message(FATAL_ERROR "jpeglm: llama.cpp is fetched with npm (package ${JPEGLM_LLAMA_NPM_PACKAGE}); "
        "install npm or pass -DLLAMA_CPP_DIR=<llama.cpp checkout at ${JPEGLM_LLAMA_COMMIT}>")
    endif()
    message(STATUS "jpeglm: fetching llama.cpp ${JPEGLM_LLAMA_COMMIT} from ${JPEGLM_LLAMA_NPM_PACKAGE}")
    string(RANDOM LENGTH 8 _nonce)
    set(_work "${JPEGLM_CACHE_DIR}/fetch-${_nonce}")
    file(MAKE_DIRECTORY "${_work}")
    _jpeglm_run(${NPM_EXECUTABLE} pack ${JPEGLM_LLAMA_NPM_PACKAGE} --silent WORKING_DIRECTORY "${_work}")
    file(GLOB _tgz "${_work}/*.tgz")
    _jpeglm_run(${CMAKE_COMMAND} -E tar xzf "${_tgz}" package/llama/gitRelease.bundle WORKING_DIRECTORY "${_work}")
    _jpeglm_run(${GIT_EXECUTABLE} -c advice.detachedHead=false clone --quiet
      "${_work}/package/llama/gitRelease.bundle" "${_work}/llama.cpp")
    _jpeglm_commit_of("${_work}/llama.cpp" _commit)
    if(NOT _commit STREQUAL JPEGLM_LLAMA_COMMIT)
      file(REMOVE_RECURSE "${_work}")
      message(FATAL_ERROR "jpeglm: ${JPEGLM_LLAMA_NPM_PACKAGE} carries llama.cpp '${_commit}', expected ${JPEGLM_LLAMA_COMMIT}")
    endif()
    # Move into place only when complete, so an interrupted fetch never leaves a half tree in the cache.
    file(REMOVE_RECURSE "${_tree}")
    file(RENAME "${_work}/llama.cpp" "${_tree}")
    file(REMOVE_RECURSE "${_work}")
  endif()
  set(LLAMA_CPP_DIR "${_tree}" CACHE PATH "" FORCE)
endif()
message(STATUS "jpeglm: llama.cpp tree ${LLAMA_CPP_DIR}")
