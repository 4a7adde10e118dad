#!/usr/bin/env bash
# Builds the minimal static libcurl that `wasmc compile --static` links into the edge host,
# and prints the directory it is installed in (with include/ and lib/libcurl.a).
#
# Debian's own libcurl.a cannot be linked statically (it needs GSSAPI, LDAP, RTMP, PSL,
# IDN, nghttp2, p11-kit ...), so this builds Debian's curl source package with only
# what the gateway uses: HTTP and HTTPS on OpenSSL (Debian's libssl-dev static archives),
# names resolved by c-ares (libc-ares-dev's static archive). c-ares reads /etc/hosts and
# /etc/resolv.conf itself, so a static binary never needs glibc's NSS modules, which a
# static glibc program cannot load.
#
# The result is cached in $WASMC_CACHE_DIR (default ~/.cache/wasmc) under a name made of
# the source version and this script's hash; a second call prints the cached directory.
# As root, missing Debian packages and a deb-src entry are installed; otherwise the
# script stops and names them.
set -euo pipefail

script_hash=$(sha256sum "$0" | cut -c1-12)
cache_root="${WASMC_CACHE_DIR:-$HOME/.cache/wasmc}"
mkdir -p "$cache_root"
exec 9>"$cache_root/libcurl.lock"
flock 9   # one build at a time; later callers then find it cached

installed_prefix() {
  for prefix in "$cache_root"/libcurl-*-"$script_hash"; do
    [[ -f $prefix/lib/libcurl.a ]] && { echo "$prefix"; return 0; }
  done
  return 1
}
if installed_prefix; then exit 0; fi

say() { echo "build-static-libcurl: $*" >&2; }

# The Debian packages, from the checkout's shared helper (installed beside runtime-c).
packages_script="$(cd "$(dirname "$0")" && pwd)/../../scripts/lib/packages.sh"
[[ -f $packages_script ]] || { say "missing $packages_script (install scripts/lib with runtime-c)"; exit 1; }
# shellcheck source=../../scripts/lib/packages.sh
source "$packages_script"
source_list=/etc/apt/sources.list.d/wasmc-deb-src.sources
has_deb_src() { grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; }
if ! has_deb_src; then
  if [[ $(id -u) -ne 0 ]]; then
    say "needs a deb-src entry for 'apt-get source curl'; run as root once"
    exit 1
  fi
  # The same mirrors as the binary entries, for source packages.
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  say "adding $source_list (deb-src for $codename); updating package lists"
  cat >"$source_list" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -qq
fi
ensure_packages libssl-dev libc-ares-dev dpkg-dev make gcc || { say "$packages_error"; exit 1; }

work=$(mktemp -d "$cache_root/libcurl-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
say "fetching Debian's curl source package"
apt-get source --download-only -qq curl >/dev/null 2>&1 || { say "apt-get source curl failed"; exit 1; }
dsc=$(ls curl_*.dsc | head -1)
version=$(sed -n 's/^Version: //p' "$dsc")
# apt-get checked the files against the signed archive index; dpkg-source cannot check the
# .dsc signature without debian-keyring, and says so: quiet.
dpkg-source --skip-patches -x "$dsc" src >/dev/null 2>&1
cd src
# Debian's patches in order (security fixes); the last two only rename the library for
# the GnuTLS and NSS flavours of the package.
while read -r patch; do
  [[ -z $patch || $patch == \#* ]] && continue
  [[ $patch == 90_gnutls.patch ]] && break
  patch -s -p1 <"debian/patches/$patch"
done <debian/patches/series

prefix="$cache_root/libcurl-$version-$script_hash"
say "configuring curl $version (HTTP, HTTPS via OpenSSL, c-ares)"
# Everything the gateway does not use is off: other protocols, authentication schemes,
# cookies, proxies, compression, HTTP/2, IDN, PSL. OpenSSL's configuration file is not
# read (a device may not have one), and the CA bundle is Debian's path unless the host
# passes one (--gateway-ca-file).
./configure -q --prefix="$prefix" --disable-shared --enable-static --with-pic \
  --disable-dependency-tracking --disable-silent-rules \
  --with-openssl --disable-openssl-auto-load-config \
  --enable-ares --disable-threaded-resolver \
  --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --without-ca-path \
  --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
  --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp \
  --disable-gopher --disable-mqtt --disable-manual --disable-proxy --disable-ntlm \
  --disable-ntlm-wb --disable-crypto-auth --disable-cookies --disable-alt-svc --disable-hsts \
  --disable-netrc --disable-unix-sockets --disable-doh --disable-mime --disable-dateparse \
  --disable-progress-meter --disable-websockets --disable-headers-api --disable-socketpair \
  --disable-tls-srp --disable-versioned-symbols \
  --without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2 \
  --without-nghttp2 --without-ngtcp2 --without-nghttp3 --without-librtmp --without-libssh2 \
  --without-libssh --without-gssapi --without-libgsasl --without-hyper --without-quiche \
  >/dev/null
say "building libcurl"
make -s -j"$(nproc)" -C lib >/dev/null
make -s -C lib install >/dev/null
make -s -C include install >/dev/null
echo "$version" >"$prefix/VERSION"
say "installed in $prefix"
echo "$prefix"
