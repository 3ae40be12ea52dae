#!/usr/bin/env bash
# Proves the shipped deployment without Docker: two Gapal processes on the local PostgreSQL
# (a database of their own, created and dropped) and Redis, behind a real nginx (Debian package)
# running deploy/nginx/gapal.conf.template and gapal-upstreams.conf, templated only for ports
# and paths. drive-flow.ts then drives the API and a WebSocket event through nginx and stops one
# process. Same command and variables as the systemd unit and the Docker image.
#
#   deploy/native/run-multiprocess.sh        (from anywhere; root or sudo for apt-get if nginx is missing)
# Env: GAPAL_CI_PG_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
#      GAPAL_CI_REDIS_URL (default redis://127.0.0.1:6379).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
deploy="$repo/deploy"
admin_url="${GAPAL_CI_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
redis_url="${GAPAL_CI_REDIS_URL:-redis://127.0.0.1:6379}"
log() { printf '[multiprocess] %s\n' "$*"; }

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  log "installing nginx from Debian"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx) >/dev/null
  # The package starts its default site on port 80; this test runs its own nginx only.
  (systemctl stop nginx || service nginx stop || nginx -s quit) >/dev/null 2>&1 || true
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d /tmp/gapal-multiprocess.XXXXXX)"
chmod 755 "$work"
db="gapal_mp_$$"
db_url="$(node -e 'const u=new URL(process.argv[1]);u.pathname="/"+process.argv[2];console.log(u.toString())' "$admin_url" "$db")"
# Free ports, picked at random in a range nothing else here uses.
pick_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port_a="$(pick_port)"; port_b="$(pick_port)"; https_port="$(pick_port)"; http_port="$(pick_port)"
pids=()
nginx_pid=""

cleanup() {
  local rc=$?
  set +e
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}" $nginx_pid; do wait "$pid" 2>/dev/null; done
  psql "$admin_url" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  if [ "$rc" -ne 0 ]; then
    for f in "$work"/*.log; do log "---- $(basename "$f") (last lines)"; tail -n 30 "$f"; done
  fi
  rm -rf "$work"
  log "$([ "$rc" -eq 0 ] && echo PASSED || echo "FAILED (exit $rc)")"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "database $db, processes on $port_a and $port_b, nginx on https:$https_port http:$http_port"
psql "$admin_url" -qAtc "CREATE DATABASE $db" >/dev/null

# --- a test certificate for localhost
mkdir -p "$work/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/tls/privkey.pem" -out "$work/tls/fullchain.pem" 2>/dev/null

# --- the compiled server, as production runs it (npm run build; the dashboard is not needed here)
log "building the server (apps/server/dist)"
(cd "$repo" && npm run build -w @gapal/server) >"$work/build.log" 2>&1

# --- the two Gapal processes: what /etc/gapal/gapal.env holds, and PORT per unit
export DATABASE_URL="$db_url" REDIS_URL="$redis_url" HOST=127.0.0.1 TRUST_PROXY=loopback \
  GAPAL_DATA_DIR="$work/data" GAPAL_BACKUP_DIR="$work/backups" GAPAL_DEMO_DATA=false \
  GAPAL_ADMIN_USERNAME=admin GAPAL_ADMIN_PASSWORD="ci-admin-$$-password" LOG_LEVEL=info NODE_ENV=production
# Both start at once, as systemd starts them at boot: migrations and first-start setup must cope.
for port in "$port_a" "$port_b"; do
  # Memory settings as in apps/server's npm start, the Docker image and the systemd unit.
  (cd "$repo/apps/server" && PORT="$port" MALLOC_ARENA_MAX=2 exec node --max-semi-space-size=8 --max-old-space-size=128 --conditions=gapal-compiled \
    dist/server.js) >"$work/gapal-$port.log" 2>&1 &
  pids+=("$!")
done
wait_ready() {
  local url="$1" what="$2" pid="${3:-}"
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null --cacert "$work/tls/fullchain.pem" "$url"; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then log "$what exited"; return 1; fi
    sleep 1
  done
  log "$what did not become ready"; return 1
}
wait_ready "http://127.0.0.1:$port_a/api/ready/" "process $port_a" "${pids[0]}"
wait_ready "http://127.0.0.1:$port_b/api/ready/" "process $port_b" "${pids[1]}"
log "both processes ready"

# --- nginx with the shipped files: the site template rendered, the upstreams with our ports
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
GAPAL_SERVER_NAME=localhost GAPAL_HTTP_PORT="$http_port" GAPAL_HTTPS_PORT="$https_port" \
  GAPAL_TLS_CERT="$work/tls/fullchain.pem" GAPAL_TLS_KEY="$work/tls/privkey.pem" \
  "$deploy/native/render-nginx.sh" >"$work/nginx/gapal.conf"
sed -e "s/127\.0\.0\.1:3001/127.0.0.1:$port_a/" -e "s/127\.0\.0\.1:3002/127.0.0.1:$port_b/" \
  "$deploy/nginx/gapal-upstreams.conf" >"$work/nginx/gapal-upstreams.conf"
grep -q "127.0.0.1:$port_a" "$work/nginx/gapal-upstreams.conf" && grep -q "127.0.0.1:$port_b" "$work/nginx/gapal-upstreams.conf"
# The outer nginx.conf is what Debian's /etc/nginx/nginx.conf provides; paths moved to $work.
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    access_log $work/nginx/logs/access.log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $work/nginx/gapal.conf;
}
EOF
"$nginx_bin" -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
nginx_pid=$!
wait_ready "https://localhost:$https_port/api/ready/" "nginx" "$nginx_pid"
log "nginx up"

# --- the flow, then stop process B through the script and check it exited cleanly
GAPAL_URL="https://localhost:$https_port" GAPAL_HTTP_URL="http://localhost:$http_port" \
  GAPAL_DIRECT_PORTS="$port_a,$port_b" GAPAL_STOP_PID="${pids[1]}" GAPAL_STOP_PORT="$port_b" \
  GAPAL_CA_FILE="$work/tls/fullchain.pem" NODE_EXTRA_CA_CERTS="$work/tls/fullchain.pem" \
  timeout 240 node --import tsx "$deploy/native/drive-flow.ts"
set +e
wait "${pids[1]}"; stopped_rc=$?
set -e
pids=("${pids[0]}")
[ "$stopped_rc" -eq 0 ] || { log "the stopped process exited with $stopped_rc, not 0 (graceful shutdown)"; exit 1; }
grep -q 'shutting down: finishing in-flight requests' "$work/gapal-$port_b.log"
log "stopped process exited 0 after a graceful shutdown"
# Logs are JSON with the request id nginx generated.
grep -q '"reqId":"[0-9a-f]\{32\}"' "$work/gapal-$port_a.log" || { log "no nginx request id in the JSON logs"; exit 1; }
log "JSON logs carry nginx's request ids"
