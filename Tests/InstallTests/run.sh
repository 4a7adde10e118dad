#!/usr/bin/env bash
# An installed wasmc works without the checkout: builds wasmc and the edge host in release
# (incremental: reuses an existing release build), installs them with scripts/install.sh into
# a temporary PREFIX, then, in a temporary directory outside the checkout and with the
# checkout hidden (a private mount namespace puts an empty tmpfs over it; without one, strace
# checks that no file of the checkout is opened), compiles the flagship's three modules into
# the edge host and runs it: --help, a start and a clean SIGTERM shutdown, a grant to a
# module the program lacks. Ends with "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
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

mkdir -p build/install-tests
log=build/install-tests/release-build.log
start=$(date +%s)
if swift build -c release --product wasmc >"$log" 2>&1 && swift build -c release --product EdgeHost >>"$log" 2>&1; then
  check "swift build -c release: wasmc and libEdgeHost.a ($(($(date +%s) - start)) s)" 1
else
  check "swift build -c release" 0 "$(tail -20 "$log")"
  finish
fi

prefix=$(mktemp -d /tmp/wasmc-prefix.XXXXXX)
work=$(mktemp -d /tmp/wasmc-outside.XXXXXX)
trap 'rm -rf "$prefix" "$work"' EXIT
if scripts/install.sh "$prefix" >"$work/install.log" 2>&1; then
  check "scripts/install.sh PREFIX" 1
else
  check "scripts/install.sh PREFIX" 0 "$(cat "$work/install.log")"
  finish
fi
ok=1
for file in bin/wasmc lib/wasmc/runtime-c/include/wasmc_rt.h lib/wasmc/edge-host/libEdgeHost.a lib/wasmc/edge-host/edge.world \
  lib/wasmc/modules/server/mqtt_codec.c; do
  [[ -f $prefix/$file ]] || { ok=0; missing=$file; }
done
check "PREFIX holds wasmc, the runtime and the prebuilt edge host" $ok "${missing:-}"
cp modules/server.wasm modules/gateway.wasm modules/telemetry.wasm "$work/"

# Runs a command in $work with the checkout out of reach: hidden under an empty tmpfs in a
# private mount namespace, or else traced, failing if it opens a file of the checkout.
isolation=""
if unshare --mount true 2>/dev/null; then
  isolation="hidden"
elif command -v strace >/dev/null; then
  isolation="traced"
fi
outside() {
  case $isolation in
    hidden)
      unshare --mount bash -c 'mount -t tmpfs none "$1" && cd "$2" && shift 2 && exec "$@"' - "$root" "$work" "$@" ;;
    traced)
      (cd "$work" && strace -f -qq -e trace=open,openat,execve -o "$work/trace" "$@")
      local status=$?
      if grep -F "\"$root/" "$work/trace" | grep -v ENOENT | head -3 | grep -q .; then
        echo "opened a file of the checkout:" >&2
        grep -F "\"$root/" "$work/trace" | head -3 >&2
        return 99
      fi
      return $status ;;
    *)
      (cd "$work" && "$@") ;;
  esac
}
check "the checkout is out of reach (${isolation:-neither a mount namespace nor strace: only a different directory})" \
  "$([[ -n $isolation ]] && echo 1 || echo 0)"
if [[ $isolation == hidden ]]; then
  seen=$(outside bash -c "ls -A '$root' | wc -l")
  check "inside, the checkout's directory is empty" "$([[ $seen == 0 ]] && echo 1 || echo 0)" "$seen entries"
fi

start=$(date +%s)
if outside "$prefix/bin/wasmc" compile server.wasm gateway.wasm telemetry.wasm -o edge >"$work/compile.log" 2>&1; then
  check "PREFIX/bin/wasmc compile server.wasm gateway.wasm telemetry.wasm -o edge ($(($(date +%s) - start)) s)" 1
else
  check "PREFIX/bin/wasmc compile builds the flagship" 0 "$(tail -20 "$work/compile.log")"
  finish
fi
# The runtime objects it compiled are in the working directory's build/, not the checkout's.
check "its work files are in the current directory" "$([[ -d $work/build/.wasmc/runtime ]] && echo 1 || echo 0)"

help=$(outside ./edge --help 2>&1)
status=$?
[[ $status -eq 0 && $help == *"--listen"* && $help == *"--server-socket-address"* ]] && ok=1 || ok=0
check "the edge host answers --help" $ok "exit $status: ${help:0:300}"

answer=$(outside ./edge --listen sever=127.0.0.1:1 2>&1)
status=$?
[[ $status -eq 2 && $answer == *'"sever"'* && $answer == *"its modules: server, gateway, telemetry"* ]] && ok=1 || ok=0
check "a grant to a module the program lacks is refused, naming it" $ok "exit $status: $answer"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Started without a function or subshell around it, so that the job's process is the edge host
# itself (unshare and bash exec it) and SIGTERM reaches it; the traced variant is not needed
# here, the compile was traced.
if [[ $isolation == hidden ]]; then
  unshare --mount bash -c 'mount -t tmpfs none "$1" && cd "$2" && shift 2 && exec "$@"' - "$root" "$work" \
    ./edge --server-socket-address "127.0.0.1:$port" --log-level info >"$work/run.log" 2>&1 &
else
  (cd "$work" && exec ./edge --server-socket-address "127.0.0.1:$port" --log-level info) >"$work/run.log" 2>&1 &
fi
pid=$!
up=0
for _ in $(seq 50); do
  if grep -q "module=server started" "$work/run.log" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    up=1
    break
  fi
  sleep 0.1
done
check "the edge host starts and listens on 127.0.0.1:$port" $up "$(tail -5 "$work/run.log")"
kill -TERM "$pid" 2>/dev/null
start=$(date +%s.%N)
wait "$pid"
status=$?
seconds=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
[[ $status -eq 0 ]] && grep -q "stopped: published" "$work/run.log" && ok=1 || ok=0
check "SIGTERM stops it cleanly (exit $status after $seconds s)" $ok "$(tail -5 "$work/run.log")"

# Without its edge-host library an installed wasmc says where it looked: under PREFIX.
mv "$prefix/lib/wasmc/edge-host/libEdgeHost.a" "$work/libEdgeHost.a.away"
answer=$(outside "$prefix/bin/wasmc" compile server.wasm gateway.wasm telemetry.wasm -o edge2 2>&1)
status=$?
mv "$work/libEdgeHost.a.away" "$prefix/lib/wasmc/edge-host/libEdgeHost.a"
[[ $status -ne 0 && $answer == *"$prefix/lib/wasmc/edge-host/libEdgeHost.a is missing"* ]] && ok=1 || ok=0
check "it looks for the edge host under PREFIX (a missing library is a clear error)" $ok "exit $status: $answer"

# An edge host built by another Swift toolchain is refused by name, not linked into a broken program.
version_file=$prefix/lib/wasmc/edge-host/swift-version
cp "$version_file" "$work/swift-version.kept"
echo "Swift version 0.0 (elsewhere)" >"$version_file"
answer=$(outside "$prefix/bin/wasmc" compile server.wasm gateway.wasm telemetry.wasm -o edge3 2>&1)
status=$?
cp "$work/swift-version.kept" "$version_file"
[[ $status -ne 0 && $answer == *"was built with Swift version 0.0 (elsewhere)"* ]] && ok=1 || ok=0
check "an edge host built by another Swift toolchain is refused" $ok "exit $status: $answer"
finish
