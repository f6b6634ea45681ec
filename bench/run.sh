#!/bin/sh
# minwon benchmarks. Every figure is printed next to a reference measured
# in the same run on the same machine, and as a ratio to it:
#   intake        vs raw single-row durable SQLite commits (bench_sqlite_commit)
#   status read   vs nginx serving a 200-byte static file with one worker
#   queue page    at BENCH_ROWS open complaints (absolute target 20 ms)
#   RSS           of the server after serving BENCH_ROWS complaints
#   monitor scan  at BENCH_ROWS open complaints vs reading every open complaint
#   mail sender   vs the SMTP channel alone, to a local sink (bench_smtp_sink)
# Usage: sh bench/run.sh            (make bench runs it)
#   BENCH_ROWS=1000000 BENCH_SECONDS=10 BUILD=build
set -eu

BUILD=${BUILD:-build}
ROWS=${BENCH_ROWS:-1000000}
SECS=${BENCH_SECONDS:-10}
BIN=$BUILD/minwon
for tool in wrk nginx h2load "$BIN" "$BUILD/bench_load" "$BUILD/bench_sqlite_commit" \
	"$BUILD/bench_notify" "$BUILD/bench_smtp_sink"; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || {
		echo "bench: $tool is missing (run make bench, which installs it)" >&2
		exit 1
	}
done

WORK=$(mktemp -d /tmp/minwon-bench.XXXXXX)
SERVER_PID=""
NGINX_PID=""
SINK_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_server() { # $1 = db, then more serve options
	db=$1
	shift
	PORT=$(free_port)
	"$BIN" serve --db "$db" "$@" --listen "127.0.0.1:$PORT" >"$WORK/serve.out" 2>"$WORK/serve.err" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "bench: server did not start" >&2
	cat "$WORK/serve.err" >&2
	exit 1
}

stop_server() {
	kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}

wrk_rps() { # prints requests/s from wrk output on stdin
	awk '/Requests\/sec/ {print int($2)}'
}

wrk_p99() { # latency p99 in ms from wrk --latency output
	awk '$1 == "99%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v=v*1000 } printf "%.2f", v }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "minwon benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo

# ---- intake --------------------------------------------------------
echo "reference: raw durable SQLite commits ($SECS s)..." >&2
RAW=$("$BUILD/bench_sqlite_commit" "$WORK" "$SECS")
"$BIN" init --db "$WORK/intake.db" >/dev/null 2>&1
start_server "$WORK/intake.db"
echo "intake: wrk -t2 -c32 ($SECS s)..." >&2
INTAKE=$(wrk -t2 -c32 -d"${SECS}s" -s bench/intake.lua "http://127.0.0.1:$PORT/" | wrk_rps)
HALF=$((INTAKE / 2))
# Half load at a fixed rate (open loop): 16 clients, each HALF/16 per second.
printf '{"text":"벤치마크 민원: 가로등이 꺼져 있어 밤길이 어둡습니다. 확인 부탁드립니다.","category":"streetlight","channel":"web","contact":{"name":"김민원","phone":"010-0000-0000"},"consent":{"privacy":true}}' >"$WORK/body.json"
echo "intake at half load ($HALF/s) with h2load..." >&2
h2load --h1 -c16 --rps=$((HALF / 16)) -D "$SECS" -d "$WORK/body.json" \
	-H 'content-type: application/json' --log-file="$WORK/h2load.log" \
	"http://127.0.0.1:$PORT/api/v1/complaints" >"$WORK/h2load.out" 2>&1 || true
HALF_P99=$(awk -F'\t' '$2 == 201 {print $3}' "$WORK/h2load.log" | sort -n |
	awk '{v[NR]=$1} END { if (NR) printf "%.2f", v[int(NR*0.99)]/1000; else print "n/a" }')
HALF_DONE=$(awk -F'\t' '$2 == 201' "$WORK/h2load.log" | wc -l)
BATCH=$(curl -s "http://127.0.0.1:$PORT/metrics" |
	awk '/^minwon_commit_batch_size_sum/ {s=$2} /^minwon_commit_batch_size_count/ {c=$2} END { if (c) printf "%.1f", s/c }')
stop_server

# ---- intake with the classifier in the path ------------------------
ROUTED="n/a"
CHAT_RPS="n/a"
CHAT_P99="n/a"
BENCH_DIR=${MINWON_BENCH_DIR:-../shared/bench}
if [ -f "$BENCH_DIR/complaints.jsonl" ]; then
	echo "intake with AI routing: training a model, wrk -t2 -c32 ($SECS s)..." >&2
	"$BIN" nlp train --data "$BENCH_DIR/complaints.jsonl" --out "$WORK/model" >/dev/null 2>&1
	"$BIN" init --db "$WORK/routed.db" >/dev/null 2>&1
	start_server "$WORK/routed.db" --model "$WORK/model"
	ROUTED=$(MW_ROUTE=1 wrk -t2 -c32 -d"${SECS}s" -s bench/intake.lua "http://127.0.0.1:$PORT/" | wrk_rps)
	stop_server
	# The chatbot over HTTP: one client, each reply written durably.
	echo "chatbot: wrk -t1 -c1 --latency ($SECS s)..." >&2
	"$BIN" faq import "$BENCH_DIR/faq.jsonl" --db "$WORK/routed.db" >/dev/null 2>&1
	start_server "$WORK/routed.db" --model "$WORK/model"
	CHAT_OUT=$(wrk -t1 -c1 -d"${SECS}s" --latency -s bench/chat.lua "http://127.0.0.1:$PORT/")
	CHAT_RPS=$(echo "$CHAT_OUT" | wrk_rps)
	CHAT_P99=$(echo "$CHAT_OUT" | wrk_p99)
	stop_server
fi

# ---- status read vs nginx ------------------------------------------
mkdir -p "$WORK/nginx/www"
head -c 200 /dev/zero | tr '\0' 'x' >"$WORK/nginx/www/status.json"
NPORT=$(free_port)
sed -e "s|@PORT@|$NPORT|g; s|@DIR@|$WORK/nginx|g" bench/httplib/nginx.conf.in >"$WORK/nginx/nginx.conf"
nginx -p "$WORK/nginx/" -c nginx.conf 2>"$WORK/nginx.err" &
NGINX_PID=$!
sleep 0.5
echo "reference: nginx, 1 worker, 200-byte file..." >&2
NGINX=$(wrk -t2 -c32 -d"${SECS}s" "http://127.0.0.1:$NPORT/status.json" | wrk_rps)
kill "$NGINX_PID"
NGINX_PID=""

# ---- queue at ROWS open complaints, status read, RSS ------------------
echo "loading $ROWS complaints..." >&2
"$BIN" init --db "$WORK/big.db" >/dev/null 2>&1
"$BUILD/bench_load" --db "$WORK/big.db" --count "$ROWS" >/dev/null
printf 'benchmark-pass-1\n' | "$BIN" user add bench --role officer --department road --password-stdin --db "$WORK/big.db" >/dev/null
start_server "$WORK/big.db"
RESP=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/complaints" -H 'Content-Type: application/json' -d @"$WORK/body.json")
RN=$(echo "$RESP" | sed 's/.*"receipt_no":"\([^"]*\)".*/\1/')
TOKEN=$(echo "$RESP" | sed 's/.*"token":"\([^"]*\)".*/\1/')
echo "status read: wrk -t2 -c32 ($SECS s)..." >&2
STATUS=$(wrk -t2 -c32 -d"${SECS}s" "http://127.0.0.1:$PORT/api/v1/complaints/$RN?token=$TOKEN" | wrk_rps)
COOKIE=$(curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/session" \
	-H 'Content-Type: application/json' -d '{"login":"bench","password":"benchmark-pass-1"}' |
	sed -n 's/^Set-Cookie: mw_session=\([^;]*\);.*/\1/p' | tr -d '\r')
QUEUE_LINES=""
for q in "/api/v1/queue?department=road&limit=25" \
	"/api/v1/queue?department=road&status=in_progress&limit=25" \
	"/api/v1/queue?department=road&urgent=true&limit=25" \
	"/api/v1/queue?department=road&limit=25&cursor=$(date -d '+3 days' +%s).0"; do
	P99=$(MW_COOKIE=$COOKIE MW_QUERY=$q wrk -t1 -c1 -d3s --latency -s bench/queue.lua "http://127.0.0.1:$PORT/" | wrk_p99)
	QUEUE_LINES="$QUEUE_LINES| \`$(echo "$q" | sed 's|/api/v1/queue?||; s|cursor=[0-9]*\.0|cursor=(deep page)|')\` | $P99 ms |
"
done
RSS=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$SERVER_PID/status")
HWM=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$SERVER_PID/status")
stop_server

# ---- notifications: the deadline monitor and the mail sender ----------
echo "deadline monitor at $ROWS complaints (plans, then scans)..." >&2
"$BUILD/bench_notify" monitor --db "$WORK/big.db" --scans 200 >"$WORK/monitor.out" 2>/dev/null
mon() { awk -v k="$1" '$1 == k {print $2}' "$WORK/monitor.out"; }
SPORT=$(free_port)
"$BUILD/bench_smtp_sink" "$SPORT" >"$WORK/sink.out" &
SINK_PID=$!
sleep 0.3
echo "mail sender: ${BENCH_MAILS:-20000} messages to a local SMTP sink..." >&2
"$BUILD/bench_notify" sender --smtp-url "smtp://127.0.0.1:$SPORT" --count "${BENCH_MAILS:-20000}" \
	>"$WORK/sender.out" 2>/dev/null
kill "$SINK_PID" && wait "$SINK_PID" 2>/dev/null || true
SINK_PID=""
snd() { awk -v k="$1" '$1 == k {print $2}' "$WORK/sender.out"; }

cat <<EOT
## Intake (POST /api/v1/complaints, durable, timeline written)

| measure | value | reference (same run) | ratio |
|---|---|---|---|
| throughput, wrk -t2 -c32 | $INTAKE complaints/s | raw durable SQLite single-row commits: $RAW/s | $(ratio "$INTAKE" "$RAW") |
| throughput vs osTicket 1.18 | $INTAKE complaints/s | 65 tickets/s (given in the issue, not measured here) | $(ratio "$INTAKE" 65) |
| p99 latency at half load ($HALF/s, h2load open loop, $HALF_DONE requests) | $HALF_P99 ms | target ≤ 10 ms | |
| mean units per group commit | $BATCH | | |
| throughput with AI routing (no category sent, the classifier decides) | $ROUTED complaints/s | intake without routing above: $INTAKE/s | $(ratio "$ROUTED" "$INTAKE") |

## Chatbot (POST /api/v1/chat, a new conversation per request, durable)

| measure | value | target |
|---|---|---|
| reply p99, wrk -t1 -c1 | $CHAT_P99 ms ($CHAT_RPS replies/s) | ≤ 5 ms |

## Status read (GET /api/v1/complaints/{rn}?token=) at $ROWS complaints

| measure | value | reference (same run) | ratio |
|---|---|---|---|
| wrk -t2 -c32 | $STATUS req/s | nginx, 1 worker, 200-byte static file: $NGINX req/s | $(ratio "$STATUS" "$NGINX") |

## Staff queue page of 25 at $ROWS open complaints (p99, wrk -c1)

| query | p99 |
|---|---|
$QUEUE_LINES
## Memory

| measure | value | target |
|---|---|---|
| server RSS after the runs above, $ROWS complaints | $RSS MB (peak $HWM MB) | ≤ 64 MB |

## Deadline monitor at $(mon monitor_open) open complaints

| measure | value | reference (same run) | ratio |
|---|---|---|---|
| scan, nothing due (p50 / p99 of 200) | $(mon monitor_idle_p50_ms) / $(mon monitor_idle_p99_ms) ms | reading every open complaint and working out its reminders: $(mon monitor_naive_ms) ms | $(ratio "$(mon monitor_idle_p99_ms)" "$(mon monitor_naive_ms)") |
| scan a minute at a time (p50 / p99 / max of 200; $(mon monitor_busy_fired_per_scan) fired per scan) | $(mon monitor_busy_p50_ms) / $(mon monitor_busy_p99_ms) / $(mon monitor_busy_max_ms) ms | the same: $(mon monitor_naive_ms) ms | $(ratio "$(mon monitor_busy_p99_ms)" "$(mon monitor_naive_ms)") |
| catch-up after a month's stop | $(mon monitor_catchup_fired) reminders at $(mon monitor_catchup_per_s)/s | | |
| writing every open complaint's next reminder (once, for the benchmark) | $(mon monitor_plan_s) s for $(mon monitor_planned) | | |

## Mail sender (outbox -> SMTP, one pooled connection, local sink)

| measure | value | reference (same run) | ratio |
|---|---|---|---|
| $(snd sender_messages) receipt mails to citizens (claim, unseal, render, send, record) | $(snd sender_per_s) messages/s ($(snd sender_dead) dead) | the SMTP channel alone, same connection reuse, no database: $(snd sender_ref_per_s)/s | $(ratio "$(snd sender_per_s)" "$(snd sender_ref_per_s)") |
| messages the sink accepted (both runs) | $(cat "$WORK/sink.out" | tail -1) | | |
EOT
