#!/usr/bin/env bash
# run.sh — build and run the gateway module's native unit tests (JSON
# envelope, delivery policy) under ASan/UBSan. Prints "N passed, M failed".
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULES="$(cd "$HERE/../.." && pwd)"
CC="${CC:-$(command -v clang || echo /opt/swift/usr/bin/clang)}"
OUT="$HERE/build"
mkdir -p "$OUT"
LD=()
[ -x "$(dirname "$CC")/ld.lld" ] && LD=(-fuse-ld=lld) # the Swift clang defaults to gold
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
"$CC" -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    "${SAN[@]}" "${LD[@]}" -I"$MODULES/bindings" -I"$MODULES/common" -I"$MODULES/gateway" \
    -I"$MODULES/../Tests/Support" \
    "$HERE"/test_gateway.c "$MODULES"/gateway/envelope.c "$MODULES"/gateway/delivery_policy.c \
    "$MODULES"/common/utf8.c -o "$OUT/gateway_tests"
"$OUT/gateway_tests"
