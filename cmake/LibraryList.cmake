# jpeglm_write_library_list(<dir> <files>...): writes <dir>/jpeglm-libraries.txt, the list of files the
# jpeglm-native jar bundles and NativeLibrary extracts together, one `<sha256>  <name>` line per file (the format
# of sha256sum, so `sha256sum -c` checks a folder). Each file must exist; a file outside <dir> is listed by name.
# Usable at configure time, or at build time in script mode (cmake/write-library-list.cmake).
function(jpeglm_write_library_list dir)
  set(_lines "")
  foreach(_file IN LISTS ARGN)
    if(NOT IS_ABSOLUTE "${_file}")
      set(_file "${dir}/${_file}")
    endif()
    if(NOT EXISTS "${_file}" OR IS_DIRECTORY "${_file}")
      message(FATAL_ERROR "jpeglm: cannot list ${_file} in ${dir}/jpeglm-libraries.txt: no such file")
    endif()
    get_filename_component(_name "${_file}" NAME)
    file(SHA256 "${_file}" _sha256)
    string(APPEND _lines "${_sha256}  ${_name}\n")
  endforeach()
  file(WRITE "${dir}/jpeglm-libraries.txt" "${_lines}")
endfunction()
