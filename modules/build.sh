#!/usr/bin/env bash
# build.sh — build the guest modules: modules/<name>.wasm for each module.
#
#   modules/build.sh            build all modules
#   modules/build.sh --check    build twice in fresh directories and fail
#                               unless both builds are byte-for-byte identical
#
# Toolchain: the Swift toolchain's clang (wasm32-wasi target) and wasm-ld,
# Debian's wasi-libc (sysroot /usr) and compiler-rt builtins for wasm32.
# Override with WASMC_CLANG / WASMC_WASM_BUILTINS. Missing Debian packages
# are installed when run as root; otherwise the script stops and says which.
#
# Reproducible: fixed flags, no debug info, names stripped, source paths
# remapped, sources compiled in a fixed order, and SOURCE_DATE_EPOCH pinned.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLANG="${WASMC_CLANG:-/opt/swift/usr/bin/clang}"
BUILTINS="${WASMC_WASM_BUILTINS:-/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a}"
SYSROOT=/usr # wasi-libc: /usr/include/wasm32-wasi, /usr/lib/wasm32-wasi
PACKAGES=(wasi-libc libclang-rt-dev-wasm32)

die() {
    echo "build.sh: error: $*" >&2
    exit 1
}

ensure_packages() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
    fi
    echo "build.sh: installing ${missing[*]}" >&2
    apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" ||
        die "apt-get install ${missing[*]} failed"
}

ensure_packages
[ -x "$CLANG" ] || die "clang not found at $CLANG (set WASMC_CLANG)"
[ -x "$(dirname "$CLANG")/wasm-ld" ] || command -v wasm-ld >/dev/null ||
    die "wasm-ld not found next to $CLANG"
[ -f "$BUILTINS" ] || die "compiler-rt builtins not found at $BUILTINS (set WASMC_WASM_BUILTINS)"
[ -f "$SYSROOT/lib/wasm32-wasi/libc.a" ] || die "wasi-libc not found under $SYSROOT/lib/wasm32-wasi"

export SOURCE_DATE_EPOCH=0
export LC_ALL=C

# -mcpu=mvp: plain WebAssembly 1.0 (wasi-libc here is built for it too), so
# any engine, including early wasmc, can run the modules.
TARGET=(--target=wasm32-wasi --sysroot="$SYSROOT" -mcpu=mvp)
CFLAGS=(
    "${TARGET[@]}"
    -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g0 -Wall -Wextra -Werror -Wno-unused-parameter
    -ffile-prefix-map="$HERE"=modules -fdebug-prefix-map="$HERE"=modules
    -fno-ident
    -I"$HERE/bindings" -I"$HERE/common"
)
# 1 MiB of stack: wasi-libc's poll() keeps its subscriptions on the stack (up to
# 4096 clients × 2 subscriptions × 80 bytes for the server).
LDFLAGS=(-nodefaultlibs -Wl,--strip-all -Wl,-z,stack-size=1048576)
LIBS=(-lc "$BUILTINS")

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
        (cd "$HERE" && "$CLANG" "${CFLAGS[@]}" -I"$HERE/$name" -c "$src" -o "$obj")
        objs+=("$obj")
    done
    "$CLANG" "${TARGET[@]}" "${LDFLAGS[@]}" "${objs[@]}" "${LIBS[@]}" -o "$out/$name.wasm"
}

build_all() {
    local out="$1"
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
