#!/usr/bin/env bash
# build.sh — build the guest modules: modules/<name>.wasm for each module.
#
#   modules/build.sh            build all modules
#   modules/build.sh --check    build twice in fresh directories and fail
#                               unless both builds are byte-for-byte identical
#
# Toolchain: scripts/wasm32-toolchain.sh, the one lookup every wasm32 build
# shares (the Swift toolchain's clang and wasm-ld, Debian's wasi-libc and
# compiler-rt builtins for wasm32; override with CLANG / BUILTINS). Missing
# Debian packages are installed when run as root; otherwise the script stops
# and says which.
#
# Reproducible: fixed flags, no debug info, names stripped, source paths
# remapped, sources compiled in a fixed order, and SOURCE_DATE_EPOCH pinned.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
    echo "build.sh: error: $*" >&2
    exit 1
}

# shellcheck source=../scripts/wasm32-toolchain.sh
source "$HERE/../scripts/wasm32-toolchain.sh"
wasm32_require c || die "$wasm32_error"

export SOURCE_DATE_EPOCH=0
export LC_ALL=C

# -mcpu=mvp: plain WebAssembly 1.0 (wasi-libc here is built for it too), so
# any engine, including early wasmc, can run the modules. TARGET is set per
# build directory (its wasi sysroot, see wasm32_sysroot).
CFLAGS=(
    -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g0 -Wall -Wextra -Werror -Wno-unused-parameter
    -ffile-prefix-map="$HERE"=modules -fdebug-prefix-map="$HERE"=modules
    -fno-ident
    -I"$HERE/bindings" -I"$HERE/common"
)
# 1 MiB of stack: wasi-libc's poll() keeps its subscriptions on the stack (up to
# 4096 clients × 2 subscriptions × 80 bytes for the server).
LDFLAGS=(-nodefaultlibs -Wl,--strip-all -Wl,-z,stack-size=1048576)
LIBS=(-lc "$WASM32_BUILTINS")

COMMON=(common/edge_support.c common/inbox.c common/utf8.c bindings/edge.c)
SERVER=(server/main.c server/broker.c server/broker_packets.c server/session.c server/mqtt_codec.c server/mqtt_props.c server/mqtt_topic.c
    server/message.c server/retained.c)
TELEMETRY=(telemetry/main.c)
GATEWAY=(gateway/main.c gateway/envelope.c gateway/delivery_policy.c)

# build_module NAME OUTDIR SOURCES...
build_module() {
    local name="$1" out="$2"
    shift 2
    local objdir="$out/obj/$name" objs=()
    mkdir -p "$objdir"
    for src in "$@"; do
        local obj="$objdir/$(echo "$src" | tr / _).o"
        (cd "$HERE" && "$CLANG" "${TARGET[@]}" "${CFLAGS[@]}" -I"$HERE/$name" -c "$src" -o "$obj")
        objs+=("$obj")
    done
    "$CLANG" "${LINK_TARGET[@]}" "${LDFLAGS[@]}" "${objs[@]}" "${LIBS[@]}" -o "$out/$name.wasm"
}

build_all() {
    local out="$1"
    wasm32_sysroot "$out/wasi-sysroot"
    TARGET=("${WASM32_TARGET[@]}" -mcpu=mvp)
    LINK_TARGET=("${WASM32_CFLAGS[@]}" -mcpu=mvp)
    build_module server "$out" "${SERVER[@]}" "${COMMON[@]}"
    build_module telemetry "$out" "${TELEMETRY[@]}" "${COMMON[@]}"
    build_module gateway "$out" "${GATEWAY[@]}" "${COMMON[@]}"
}

MODULES=(server telemetry gateway)

if [ "${1:-}" = "--check" ]; then
    a="$(mktemp -d /tmp/wasmc-modules-a.XXXXXX)"
    b="$(mktemp -d /tmp/wasmc-modules-bb.XXXXXX)" # different path length on purpose
    trap 'rm -rf "$a" "$b"' EXIT
    build_all "$a"
    build_all "$b"
    status=0
    for m in "${MODULES[@]}"; do
        ha="$(sha256sum <"$a/$m.wasm" | cut -d' ' -f1)"
        hb="$(sha256sum <"$b/$m.wasm" | cut -d' ' -f1)"
        if [ "$ha" = "$hb" ]; then
            echo "reproducible: $m.wasm $ha"
        else
            echo "NOT reproducible: $m.wasm $ha vs $hb" >&2
            status=1
        fi
    done
    exit $status
fi

tmp="$(mktemp -d /tmp/wasmc-modules.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
build_all "$tmp"
for m in "${MODULES[@]}"; do
    cp "$tmp/$m.wasm" "$HERE/$m.wasm"
    printf '%-15s %7d bytes  sha256 %s\n' "$m.wasm" "$(wc -c <"$HERE/$m.wasm")" \
        "$(sha256sum <"$HERE/$m.wasm" | cut -d' ' -f1)"
done
