#!/bin/sh
# Installs, with apt-get, whichever of the Debian 12 packages minwon needs
# are missing. Usage: scripts/deps.sh run|test|bench
# Nothing is installed when everything is present, so repeated runs are fast
# and work offline.
set -eu

RUN_PKGS="build-essential cmake pkg-config libsqlite3-dev libmicrohttpd-dev
libjansson-dev libsodium-dev libutf8proc-dev libmagic-dev libmagic-mgc
libexif-dev libheif-dev libjpeg-dev liblinear-dev libqrencode-dev libcurl4-openssl-dev
sqlite3 ca-certificates"
# The browser tests (tests/e2e) drive Debian's chromium; fonts-noto-cjk
# renders the Korean pages (and their screenshots). The notification tests
# receive mail with Debian's aiosmtpd.
TEST_PKGS="libcmocka-dev python3 python3-aiosmtpd curl chromium fonts-noto-cjk"
BENCH_PKGS="wrk nginx-light nghttp2-client libh2o-evloop-dev"

want="$RUN_PKGS"
case "${1:-run}" in
run) ;;
test) want="$want $TEST_PKGS" ;;
bench) want="$want $TEST_PKGS $BENCH_PKGS" ;;
*) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# Node and npm for tests/e2e: any install will do (Debian's, or another one
# that brings npm along), so look for the commands, not for the packages.
case "${1:-run}" in
test|bench)
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
		missing="$missing nodejs npm" ;;
esac
[ -z "$missing" ] && exit 0

echo "minwon: installing missing packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
