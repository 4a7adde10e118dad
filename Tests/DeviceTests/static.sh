#!/usr/bin/env bash
# A truly static binary, shipped alone: builds the edge host from modules/*.wasm and a
# plain WASI program with `wasmc compile --static`, checks that ldd finds nothing to load,
# and runs each in an otherwise empty root (chroot_e2e.py for the edge host: MQTT,
# HTTPS with a CA made here, a wrong CA, SIGTERM). Needs root (chroot, mount /proc).
# Ends with "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
work=build/device-tests/static
mkdir -p "$work"
wasmc=${WASMC:-.build/debug/wasmc}
passed=0
failed=0
check() {  # NAME OK [DETAIL]
  if [[ $2 == 1 ]]; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1${3:+: $3}"
    failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  exit $((failed > 0))
}

if [[ $(id -u) -ne 0 ]]; then
  check "running as root (chroot and mount need it)" 0
  finish
fi
# shellcheck source=../../scripts/lib/packages.sh
source scripts/lib/packages.sh
if ! ensure_packages mosquitto-clients openssl; then
  check "$packages_error" 0
  finish
fi

# Checks that ldd finds nothing to load; prints what `file` says about it.
is_static() {
  local answer
  answer=$(ldd "$1" 2>&1)
  local kind=""
  command -v file >/dev/null && kind="$(file -b "$1" | cut -d, -f1-4); "
  echo "$1: ${kind}ldd: $(echo "$answer" | tr -d '\t')"
  [[ $answer == *"not a dynamic executable"* || $answer == *"statically linked"* ]]
}

# 1. The edge host, with the Swift runtime, libuv, libcurl, OpenSSL and c-ares inside.
start=$(date +%s)
if "$wasmc" compile modules/server.wasm modules/telemetry.wasm modules/gateway.wasm --static \
  -o "$work/edge-host" >"$work/build.log" 2>&1; then
  check "wasmc compile --static builds the edge host ($(($(date +%s) - start)) s, $(stat -c %s "$work/edge-host") bytes)" 1
  is_static "$work/edge-host" && ok=1 || ok=0
  check "ldd: the static edge host needs no shared library" $ok
  python3 "$here/chroot_e2e.py" "$work/edge-host" "$work" | tee "$work/chroot.log"
  summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$work/chroot.log" | tail -1)
  if [[ -n $summary ]]; then
    passed=$((passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$summary")))
    failed=$((failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")))
  else
    check "chroot_e2e.py finished" 0
  fi
else
  check "wasmc compile --static builds the edge host" 0 "$(tail -20 "$work/build.log")"
fi

# 2. A plain WASI program (no Swift): static-pie, run alone in a root with /dev and /proc.
wasm=.build/wasi-guests/wasm/args_env.wasm
[[ -f $wasm ]] || Tests/WASIGuests/run.sh args_env >/dev/null 2>&1
if "$wasmc" compile "$wasm" --static -o "$work/args_env" >"$work/build-wasi.log" 2>&1; then
  check "wasmc compile --static builds a WASI program ($(stat -c %s "$work/args_env") bytes)" 1
  is_static "$work/args_env" && ok=1 || ok=0
  check "ldd: the static WASI program needs no shared library" $ok
  chroot_dir=$work/wasi-root
  umount -l "$chroot_dir/proc" 2>/dev/null
  rm -rf --one-file-system "$chroot_dir"
  mkdir -p "$chroot_dir/proc" "$chroot_dir/dev"
  cp "$work/args_env" "$chroot_dir/"
  for node in null:3 zero:5 urandom:9; do
    mknod -m 666 "$chroot_dir/dev/${node%:*}" c 1 "${node#*:}"
  done
  mount -t proc proc "$chroot_dir/proc"
  output=$(env -i "$(command -v chroot)" "$chroot_dir" /args_env --env GREETING=hello -- alpha beta 2>&1)
  status=$?
  umount -l "$chroot_dir/proc"
  [[ $status -eq 0 && $output == *"argc: 3"* && $output != *FAIL* ]] && ok=1 || ok=0
  check "the static WASI program runs alone in an empty root" $ok "exit $status: $(tail -3 <<<"$output")"
else
  check "wasmc compile --static builds a WASI program" 0 "$(tail -20 "$work/build-wasi.log")"
fi
finish
