#!/usr/bin/env bash
# install.sh PREFIX — installs the release build of wasmc so that it works from anywhere,
# without this checkout:
#   PREFIX/bin/wasmc
#   PREFIX/lib/wasmc/runtime-c/                   the C runtime, compiled by wasmc per program
#   PREFIX/lib/wasmc/modules/{server,common}/     the broker's MQTT codec, shared by the runtime
#   PREFIX/lib/wasmc/edge-host/libEdgeHost.a      the edge host, prebuilt (linked whole)
#   PREFIX/lib/wasmc/edge-host/*.world            what it provides to guests (checked by compile)
#   PREFIX/lib/wasmc/edge-host/swift-version      the Swift toolchain it was built with
# wasmc finds these relative to its own executable. `wasmc compile` then needs clang and the
# Swift toolchain (swiftc links the edge host with the toolchain's Swift runtime; it must be
# the toolchain that built it), libuv, and libcurl/OpenSSL for the edge host.
# Run `swift build -c release` first (or set WASMC_BUILD_DIR to another build directory).
set -euo pipefail
if [[ $# -ne 1 || $1 == -* ]]; then
  echo "usage: scripts/install.sh PREFIX   (after swift build -c release)" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WASMC_BUILD_DIR:-$root/.build/release}"
for file in wasmc libEdgeHost.a; do
  if [[ ! -f $build/$file ]]; then
    echo "install.sh: $build/$file is missing: run \`swift build -c release\` first" >&2
    exit 1
  fi
done
prefix="$1"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
lib="$prefix/lib/wasmc"

# A fresh copy each time: nothing of an older install lingers.
rm -rf "$lib"
mkdir -p "$prefix/bin" "$lib/edge-host" "$lib/modules"
install -m 755 "$build/wasmc" "$prefix/bin/wasmc"
cp -R "$root/runtime-c" "$lib/runtime-c"
for folder in server common; do
  mkdir -p "$lib/modules/$folder"
  cp "$root/modules/$folder"/*.[ch] "$lib/modules/$folder/"
done
# What runtime-c/edge/build-static-libcurl.sh sources (wasmc compile --static).
mkdir -p "$lib/scripts/lib"
cp "$root/scripts/lib/packages.sh" "$lib/scripts/lib/"
install -m 644 "$build/libEdgeHost.a" "$lib/edge-host/libEdgeHost.a"
cp "$root/Sources/EdgeHost/Generated"/*.world "$lib/edge-host/"
swiftc="${SWIFTC:-$(command -v swiftc || echo swiftc)}"
"$swiftc" --version 2>/dev/null | head -1 >"$lib/edge-host/swift-version" || true
echo "installed wasmc in $prefix (bin/wasmc, lib/wasmc)"
