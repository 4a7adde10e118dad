# Shared by the shell test suites: `check NAME STATUS` counts one check, `finish` prints the
# "N passed, M failed" line and exits non-zero if any failed. Source it; it needs bash.
passed=0
failed=0

check() {  # NAME STATUS: one check
  if [[ $2 == 0 ]]; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1"
    failed=$((failed + 1))
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  exit $((failed > 0))
}
