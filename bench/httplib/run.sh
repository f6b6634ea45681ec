#!/bin/sh
# bench/httplib/run.sh - "status read" micro-benchmark: libmicrohttpd vs
# libh2o-evloop, with nginx (ONE worker, 200-byte static file) as reference.
#
#   sh bench/httplib/run.sh
#
# Builds mhd_status.c and h2o_status.c with gcc -O2 into a temp dir, starts
# each server in turn on a free loopback port (1 and 2 threads), checks its
# answers, warms it up, then measures with wrk: -t2 -c32 (throughput, p50/p99)
# and -t1 -c1 (unloaded latency; with PIN=1, the default where taskset exists,
# the server is pinned to CPU 0 and wrk to CPU 1 for that run only, so that
# the scheduler's placement does not decide the number). In each round nginx runs first and last; the
# ratio column is against the mean of the nginx runs (the pair also shows
# drift). With ROUNDS=N the servers are measured in N interleaved rounds and a
# table of per-server medians follows the per-round tables.
# Prints markdown tables on stdout; progress goes to stderr.
#
# Knobs (environment): ROUNDS (3), DURATION (10s), CONNS (32), WRK_THREADS (2),
#   WARMUP (3s), LAT_DURATION (5s), THREADS_LIST ("1 2"), CC (gcc),
#   MHD_TURBO=1 adds rows for libmicrohttpd with MHD_USE_TURBO, PIN (0 or 1).
# Everything listens on 127.0.0.1 only.
set -eu

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP=${WARMUP:-3s}
LAT_DURATION=${LAT_DURATION:-5s}
THREADS_LIST=${THREADS_LIST:-"1 2"}
CC=${CC:-gcc}
MHD_TURBO=${MHD_TURBO:-0}
PIN=${PIN:-auto}

TOKEN=AbCdEfGhIjKlMnOpQrStUvWxYz012345
STATUS_PATH="/api/v1/complaints/2611-000123?token=$TOKEN"
STATIC_PATH=/status.json

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "run.sh: $*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
case $ROUNDS in '' | *[!0-9]* | 0) die "ROUNDS must be a positive integer" ;; esac

# ---- tools ---------------------------------------------------------------------
for tool in "$CC" pkg-config wrk curl awk sed od; do
    command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (Debian: apt-get install gcc pkg-config wrk curl)"
done
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } ||
    die "missing tool: nginx (Debian: apt-get install nginx-light)"
if [ "$PIN" = auto ]; then
    if command -v taskset >/dev/null 2>&1 && command -v ps >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
        PIN=1
    else
        PIN=0
    fi
fi
if [ "$PIN" = 1 ]; then
    for tool in taskset ps; do
        command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (needed for PIN=1; or run with PIN=0)"
    done
fi
pkg-config --exists libmicrohttpd || die "missing library: libmicrohttpd (apt-get install libmicrohttpd-dev)"
pkg-config --exists libh2o-evloop || die "missing library: libh2o-evloop (apt-get install libh2o-evloop-dev)"

# ---- temp dir, cleanup ---------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/minwon-httpbench.XXXXXX")
chmod 755 "$tmp" # nginx's worker may run as another user when started by root
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        i=0
        while kill -0 "$server_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
cleanup() {
    stop_server
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- build ---------------------------------------------------------------------
say "building into $tmp"
# shellcheck disable=SC2046
"$CC" -std=c11 -O2 -Wall -Wextra -o "$tmp/mhd_status" "$here/mhd_status.c" \
    $(pkg-config --cflags --libs libmicrohttpd) -lpthread || die "build of mhd_status failed"
# shellcheck disable=SC2046
"$CC" -std=c11 -O2 -Wall -Wextra -o "$tmp/h2o_status" "$here/h2o_status.c" \
    $(pkg-config --cflags --libs libh2o-evloop) -lpthread || die "build of h2o_status failed"

mkdir -p "$tmp/www"
# exactly 200 bytes of JSON
awk 'BEGIN { s = "{\"id\":\"2611-000123\",\"status\":\"in_progress\",\"pad\":\""; \
             t = "\"}\n"; n = 200 - length(s) - length(t); \
             printf "%s", s; for (i = 0; i < n; i++) printf "x"; printf "%s", t }' >"$tmp/www/status.json"
[ "$(wc -c <"$tmp/www/status.json")" -eq 200 ] || die "static file is not 200 bytes"
chmod 644 "$tmp/www/status.json"
chmod 755 "$tmp/www"

# ---- servers -------------------------------------------------------------------
# a random port below the kernel's ephemeral range, where wrk's and curl's own
# client sockets (and anyone else's) would otherwise make bind() fail now and then
eph_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$eph_low" -gt 12000 ] 2>/dev/null || eph_low=32768
random_port() {
    n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    echo $((10000 + n % (eph_low - 10000)))
}
port_in_use() { # any TCP socket on that local port, in any state
    command -v ss >/dev/null 2>&1 || return 1
    ss -Htan 2>/dev/null | awk -v p=":$1" '$4 ~ p"$" { f = 1 } END { exit !f }'
}

# launch KIND THREADS PORT (exec, so $! is the server's pid)
launch() {
    case $1 in
    mhd) exec "$tmp/mhd_status" "$3" "$2" ;;
    mhd_turbo) exec "$tmp/mhd_status" "$3" "$2" turbo ;;
    h2o) exec "$tmp/h2o_status" "$3" "$2" ;;
    nginx)
        sed -e "s|@PORT@|$3|g" -e "s|@DIR@|$tmp|g" "$here/nginx.conf.in" >"$tmp/nginx.conf"
        exec "$NGINX" -p "$tmp/" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log"
        ;;
    esac
}

# start_server KIND THREADS URLPATH -> sets $port, $server_pid
start_server() {
    attempt=0
    while [ $attempt -lt 5 ]; do
        attempt=$((attempt + 1))
        port=$(random_port)
        port_in_use "$port" && continue
        (launch "$1" "$2" "$port") >"$tmp/server.log" 2>&1 &
        server_pid=$!
        i=0
        while [ $i -lt 100 ]; do
            kill -0 "$server_pid" 2>/dev/null || break
            if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port$3" 2>/dev/null; then
                sleep 0.2
                # still ours? (a server that lost the bind race exits)
                kill -0 "$server_pid" 2>/dev/null && return 0
                break
            fi
            sleep 0.05
            i=$((i + 1))
        done
        say "$1 did not come up on port $port (attempt $attempt):"
        sed 's/^/    /' "$tmp/server.log" >&2
        stop_server
    done
    die "could not start $1"
}

# check URL STATUS [CONTENT_TYPE [BODY_SUBSTRING]] -> sets $size
check() {
    code=$(curl -sS -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' --max-time 5 "$1") || die "curl $1 failed"
    [ "$code" = "$2" ] || die "GET $1: status $code, expected $2"
    if [ $# -ge 3 ]; then
        grep -qi "^content-type: $3" "$tmp/h" || die "GET $1: wrong content-type: $(grep -i '^content-type' "$tmp/h")"
    fi
    if [ $# -ge 4 ]; then
        grep -qF "$4" "$tmp/b" || die "GET $1: body lacks $4"
    fi
    size=$(wc -c <"$tmp/b")
}

verify() { # verify KIND
    base="http://127.0.0.1:$port"
    if [ "$1" = nginx ]; then
        check "$base$STATIC_PATH" 200 "application/json; charset=utf-8"
        [ "$size" -eq 200 ] || die "nginx: static body is $size bytes, expected 200"
        return
    fi
    check "$base$STATUS_PATH" 200 "application/json; charset=utf-8" '"id":"2611-000123"'
    if [ "$size" -lt 550 ] || [ "$size" -gt 700 ]; then die "$1: status body is $size bytes, expected ~600"; fi
    body_size=$size
    # the reply depends on the URL and the token, it is not a constant
    check "$base/api/v1/complaints/2611-000124?token=PoIuYtReWqLkJhGfDsAmNbVcXz246801" 200 \
        "application/json" '"id":"2611-000124"'
    check "$base/api/v1/complaints/2611-000123?token=AbCdEf" 403
    check "$base/api/v1/complaints/2611-000123" 403
    check "$base/api/v1/complaints/2611-999999?token=$TOKEN" 404
}

# all threads of the server and of its child processes (nginx's worker) on CPU 0
pin_server() {
    for p in $server_pid $(ps -o pid= --ppid "$server_pid"); do
        taskset -a -p -c 0 "$p" >/dev/null || die "taskset -p $p failed"
    done
}

# ---- wrk output parsing --------------------------------------------------------
# prints: rps p50_us p99_us errors requests
parse_wrk() {
    awk '
    function us(v) {
        if (v ~ /us$/) { sub(/us$/, "", v); return v + 0 }
        if (v ~ /ms$/) { sub(/ms$/, "", v); return v * 1000 }
        if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000000 }
        if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000000 }
        return v + 0
    }
    /Latency Distribution/ { dist = 1; next }
    dist && $1 == "50%" { p50 = us($2) }
    dist && $1 == "99%" { p99 = us($2); dist = 0 }
    /^Requests\/sec:/ { rps = $2 }
    / requests in / { reqs = $1 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.0f %.0f %d %d\n", rps, p50, p99, err, reqs }
    ' "$1"
}

rows="$tmp/rows"
: >"$rows"
round=1

bench() { # bench KIND LABEL THREADS
    kind=$1 label=$2 threads=$3
    if [ "$kind" = nginx ]; then path=$STATIC_PATH; else path=$STATUS_PATH; fi
    say "$label, $threads thread(s): starting"
    start_server "$kind" "$threads" "$path"
    verify "$kind"
    url="http://127.0.0.1:$port$path"
    say "$label, $threads thread(s): warm-up $WARMUP, then wrk -t$WRK_THREADS -c$CONNS -d$DURATION, then -t1 -c1 -d$LAT_DURATION"
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" "$url" >/dev/null
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency "$url" >"$tmp/wrk-load.txt"
    sleep 1
    if [ "$PIN" = 1 ]; then
        pin_server
        taskset -c 1 wrk -t1 -c1 -d"$LAT_DURATION" --latency "$url" >"$tmp/wrk-c1.txt"
    else
        wrk -t1 -c1 -d"$LAT_DURATION" --latency "$url" >"$tmp/wrk-c1.txt"
    fi
    stop_server
    # shellcheck disable=SC2046 # five numbers, split on purpose
    set -- $(parse_wrk "$tmp/wrk-load.txt")
    rps=$1 p50=$2 p99=$3 err=$4
    # shellcheck disable=SC2046
    set -- $(parse_wrk "$tmp/wrk-c1.txt")
    rps1=$1 p50_1=$2 p99_1=$3 err=$((err + $4))
    [ "$rps" != 0 ] || die "$label: wrk reported no requests/s (see $tmp/wrk-load.txt)"
    echo "$round|$label|$threads|$rps|$p50|$p99|$rps1|$p50_1|$p99_1|$err|$kind" >>"$rows"
    say "round $round: $label, $threads thread(s): $rps req/s, p50 ${p50}us, p99 ${p99}us; c1: $rps1 req/s; errors $err"
}

# ---- run -----------------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mhd_ver=$(pkg-config --modversion libmicrohttpd)
h2o_ver=$(awk '/define H2O_VERSION /{ gsub(/"/, "", $3); print $3 }' "$(pkg-config --variable=includedir libh2o-evloop)/h2o/version.h" 2>/dev/null || true)
nginx_ver=$("$NGINX" -v 2>&1 | sed 's|.*nginx/||')
wrk_ver=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')

while [ "$round" -le "$ROUNDS" ]; do
    bench nginx "nginx (static, first)" 1
    for t in $THREADS_LIST; do bench mhd libmicrohttpd "$t"; done
    if [ "$MHD_TURBO" = 1 ]; then
        for t in $THREADS_LIST; do bench mhd_turbo "libmicrohttpd +TURBO" "$t"; done
    fi
    for t in $THREADS_LIST; do bench h2o libh2o-evloop "$t"; done
    bench nginx "nginx (static, last)" 1
    round=$((round + 1))
done

# table ROUND_FILTER TITLE: ROUND_FILTER is a round number or "median"
table() {
    echo
    echo "$2"
    echo
    if [ "$1" = median ]; then
        echo "| server | threads | req/s (c$CONNS) | (min–max) | p50 µs | p99 µs | vs nginx | req/s (c1) | p50 µs (c1) | p99 µs (c1) | errors |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    else
        echo "| server | threads | req/s (c$CONNS) | p50 µs | p99 µs | vs nginx | req/s (c1) | p50 µs (c1) | p99 µs (c1) | errors |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    fi
    awk -F'|' -v want="$1" '
    function median(key, col,   n, i, j, t, a) {
        n = cnt[key]
        for (i = 1; i <= n; i++) a[i] = v[key, col, i]
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR == FNR { if ($11 == "nginx") { rsum[$1] += $4; rn[$1]++ } next }
    want == "median" || $1 == want {
        key = $2 "|" $3
        if (!(key in cnt)) { order[++nkeys] = key; kind[key] = $11 }
        n = ++cnt[key]
        for (c = 4; c <= 10; c++) v[key, c, n] = $c
        # column 12: req/s relative to the mean of the nginx runs of the same round
        v[key, 12, n] = $4 / (rsum[$1] / rn[$1])
    }
    END {
        for (k = 1; k <= nkeys; k++) {
            key = order[k]; split(key, lt, "|")
            errs = 0; lo = hi = v[key, 4, 1]
            for (i = 1; i <= cnt[key]; i++) {
                errs += v[key, 10, i]
                if (v[key, 4, i] + 0 < lo + 0) lo = v[key, 4, i]
                if (v[key, 4, i] + 0 > hi + 0) hi = v[key, 4, i]
            }
            range = want == "median" ? sprintf(" %.0f–%.0f |", lo, hi) : ""
            printf "| %s | %s | %.0f |%s %.0f | %.0f | %.2f | %.0f | %.0f | %.0f | %d |\n", lt[1], lt[2],
                median(key, 4), range, median(key, 5), median(key, 6), median(key, 12),
                median(key, 7), median(key, 8), median(key, 9), errs
        }
    }' "$rows" "$rows"
}

echo
echo "Machine: $(nproc) cores, ${cpu:-unknown CPU}, Linux $(uname -r); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Versions: libmicrohttpd $mhd_ver, libh2o-evloop ${h2o_ver:-?}, nginx $nginx_ver, wrk $wrk_ver; gcc -O2"
if [ "$PIN" = 1 ]; then pinned="server pinned to CPU 0, wrk to CPU 1"; else pinned="unpinned"; fi
echo "Load: wrk -t$WRK_THREADS -c$CONNS -d$DURATION (after ${WARMUP} warm-up), unpinned; latency: wrk -t1 -c1 -d$LAT_DURATION, $pinned."
echo "Bodies: status JSON ${body_size:-?} bytes built per request; nginx static file 200 bytes."
echo "Ratio: req/s at c$CONNS divided by the mean req/s of the same round's two nginx runs (median table: median of those ratios)."
echo "Median table: each column is the median over rounds on its own (of an even count: mean of the middle two)."
r=1
while [ "$r" -le "$ROUNDS" ]; do
    table "$r" "Round $r of $ROUNDS:"
    r=$((r + 1))
done
if [ "$ROUNDS" -gt 1 ]; then
    table median "Median of $ROUNDS rounds (errors: sum):"
fi
