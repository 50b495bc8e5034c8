#!/usr/bin/env bash
# Runs a main class from jpeglm's test sources (e.g. org.jpeglm.bpe.HfFixture, org.jpeglm.tools.TokenStats)
# with the module's test class path. Compiles first (no tests run, native library not rebuilt).
#   jpeglm/src/test/scripts/run-test-tool.sh CLASS [ARGS...]
# Relative ARGS are taken from the directory you call it from. JPEGLM_TARGET picks the build output folder
# (default target), as -Djpeglm.target does for Maven.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 CLASS [ARGS...]" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
target="${JPEGLM_TARGET:-target}"
cp_file="$root/jpeglm/$target/test-tool.classpath"
(cd "$root" && mvn -B -q -Djpeglm.target="$target" -Djpeglm.native.skip=true -pl jpeglm -am test-compile \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2)
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" -cp "$root/jpeglm/$target/test-classes:$root/jpeglm/$target/classes:$(cat "$cp_file")" "$@"
