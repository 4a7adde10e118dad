#!/usr/bin/env bash
# Build the WASI preview1 host (runtime-c/wasi) with its test harness and run
# every test. The last line printed is "N passed, M failed"; the exit status
# is non-zero when anything failed (or did not build).
#
#   Tests/WASIShimTests/run.sh              # all tests
#   Tests/WASIShimTests/run.sh sock         # tests whose name contains "sock"
#   SANITIZE=1 Tests/WASIShimTests/run.sh   # with ASan + UBSan
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/.build/wasi-shim-tests"
mkdir -p "$build"

cc="${CC:-}"
if [ -z "$cc" ]; then
  if [ -x /opt/swift/usr/bin/clang ]; then cc=/opt/swift/usr/bin/clang; else cc=clang; fi
fi
flags=(-std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O1 -g -pthread)
if [ "${SANITIZE:-0}" = 1 ]; then
  flags+=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  if command -v ld.lld >/dev/null || [ -x /opt/swift/usr/bin/ld.lld ]; then flags+=(-fuse-ld=lld); fi
fi

# shellcheck disable=SC2046
if ! "$cc" "${flags[@]}" -I"$root/runtime-c/include" -I"$root/runtime-c/wasi" -I"$root/Tests/Support" \
    $(pkg-config --cflags libuv) \
    "$root"/runtime-c/core/*.c "$root"/runtime-c/exceptions/*.c "$root"/runtime-c/wasi/*.c "$here"/*.c \
    -o "$build/wasi_shim_tests" $(pkg-config --libs libuv); then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

"$build/wasi_shim_tests" "$@"
