#!/usr/bin/env bash
# run.sh — build and run the server module's native unit tests (MQTT codec,
# topic matching, broker core) with the host compiler, under AddressSanitizer
# and UndefinedBehaviorSanitizer. Prints "N passed, M failed".
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
    "${SAN[@]}" "${LD[@]}" -I"$MODULES/bindings" -I"$MODULES/common" -I"$MODULES/server" -I"$MODULES/../Tests/Support" \
    "$HERE"/test_main.c "$HERE"/test_codec.c "$HERE"/test_topic.c "$HERE"/test_broker.c \
    "$MODULES"/server/mqtt_codec.c "$MODULES"/server/mqtt_props.c "$MODULES"/server/mqtt_topic.c "$MODULES"/server/broker.c "$MODULES"/server/broker_packets.c \
    "$MODULES"/server/session.c "$MODULES"/server/message.c "$MODULES"/server/retained.c "$MODULES"/common/utf8.c \
    -o "$OUT/server_tests"
"$OUT/server_tests"
