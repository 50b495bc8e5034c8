# Build-time entry to jpeglm_write_library_list, for libraries that exist only once built:
#   cmake -DDIR=<dir> -DFILES=<name,name,...> -P cmake/write-library-list.cmake
include("${CMAKE_CURRENT_LIST_DIR}/LibraryList.cmake")
string(REPLACE "," ";" _files "${FILES}")
jpeglm_write_library_list("${DIR}" ${_files})
