# Cross-compiling for 64-bit ARM Linux with Debian's cross compiler (apt: g++-aarch64-linux-gnu), e.g. the
# prebuilt runtime's linux-arm64 package (scripts/arm64-check):
#   cmake -S . -B build/native-prebuilt-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#     -DJPEGLM_RUNTIME=prebuilt -DJPEGLM_PREBUILT_PACKAGE=linux-arm64
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Debian's arm64 sysroot; programs (git, npm, the fetch script) are the build machine's.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
