# jpeglm-libraries.txt: the manifest of the files a jpeglm-native jar bundles, one line per file,
# "<sha256 hex>  <file name>" as sha256sum prints it, libjpeglm.so first. NativeLibrary extracts exactly these
# files into its cache, named by the manifest's own sha256, and checks each file's size and sha256 on every start.
#
#   include(cmake/LibraryList.cmake)
#   jpeglm_write_library_list(<dir> <file>...)
#
# adds the target jpeglm-libraries, which writes <dir>/jpeglm-libraries.txt (the hashes need the built files, so
# it is written at build time: `cmake --build <dir> --target jpeglm jpeglm-libraries`, as the native module's
# Maven build does). A <file> is a name in <dir> or a glob pattern (e.g. libggml-cpu-*.so) that must match at
# least one file then. The list depends on the target jpeglm, on the files present at configure time and on this
# script; a caller whose files come from other targets adds those: add_dependencies(jpeglm-libraries <target>...).
# As a script, `cmake -DDIR=<dir> -DFILES=<a,b,...> -P cmake/LibraryList.cmake` writes the list now.

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.21) # a script gets no project's policies (if IN_LIST needs CMP0057)
endif()
set(JPEGLM_LIBRARY_LIST_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")

function(jpeglm_write_library_list dir)
  if(NOT ARGN)
    message(FATAL_ERROR "jpeglm_write_library_list(${dir}): no files named")
  endif()
  set(_depends "${JPEGLM_LIBRARY_LIST_SCRIPT}")
  foreach(_pattern IN LISTS ARGN)
    file(GLOB _present LIST_DIRECTORIES false "${dir}/${_pattern}")
    list(APPEND _depends ${_present})
  endforeach()
  if(TARGET jpeglm)
    list(APPEND _depends jpeglm)
  endif()
  string(REPLACE ";" "," _files "${ARGN}")
  add_custom_command(OUTPUT "${dir}/jpeglm-libraries.txt"
    COMMAND "${CMAKE_COMMAND}" "-DDIR=${dir}" "-DFILES=${_files}" -P "${JPEGLM_LIBRARY_LIST_SCRIPT}"
    DEPENDS ${_depends}
    COMMENT "jpeglm: writing ${dir}/jpeglm-libraries.txt"
    VERBATIM)
  add_custom_target(jpeglm-libraries DEPENDS "${dir}/jpeglm-libraries.txt")
endfunction()

# Hashes the files matching patterns (a list) in dir and replaces dir/jpeglm-libraries.txt in one rename, so a
# reader never sees half a list.
function(_jpeglm_library_list_now dir patterns)
  set(_text "")
  set(_seen "")
  foreach(_pattern IN LISTS patterns)
    file(GLOB _names LIST_DIRECTORIES false RELATIVE "${dir}" "${dir}/${_pattern}")
    if(NOT _names)
      message(FATAL_ERROR "jpeglm: jpeglm-libraries.txt: ${dir} has no file matching ${_pattern}")
    endif()
    list(SORT _names)
    foreach(_name IN LISTS _names)
      if(NOT _name IN_LIST _seen)
        list(APPEND _seen "${_name}")
        file(SHA256 "${dir}/${_name}" _sha)
        string(APPEND _text "${_sha}  ${_name}\n")
      endif()
    endforeach()
  endforeach()
  file(WRITE "${dir}/jpeglm-libraries.txt.tmp" "${_text}")
  file(RENAME "${dir}/jpeglm-libraries.txt.tmp" "${dir}/jpeglm-libraries.txt")
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(NOT DIR OR NOT FILES)
    message(FATAL_ERROR "usage: cmake -DDIR=<dir> -DFILES=<name or pattern>,... -P ${CMAKE_CURRENT_LIST_FILE}")
  endif()
  string(REPLACE "," ";" _patterns "${FILES}")
  _jpeglm_library_list_now("${DIR}" "${_patterns}")
endif()
