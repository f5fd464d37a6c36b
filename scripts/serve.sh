#!/usr/bin/env bash
# Serve the dashboard with several app processes behind nginx (docs/deploying.md).
#   scripts/serve.sh [--workers N] [--address ADDR] [--port PORT] [--run-dir DIR] [-- STREAMLIT OPTIONS]
# Starts N `streamlit run dashboard.py` processes (headless, each on its own free port on 127.0.0.1) and nginx in
# front of them on ADDR:PORT (default 127.0.0.1:8080; --address 0.0.0.0 to listen on every interface). All read
# the same database (GPACCESS_DB, else as scripts/run.sh does) read-only. A browser session keeps to one process:
# nginx sets a cookie `gpaccess_route` on the first response and hashes it to choose the process. nginx runs in
# the foreground with its own configuration, pid, logs and temporary files in the run folder (a new temporary
# folder unless --run-dir; removed on exit unless given), so no system configuration is touched, as root or as a
# user. Ctrl-C or SIGTERM stops every process; so does any process ending (the script then exits 1).
set -euo pipefail
cd "$(dirname "$0")/.."

# Everything in one function, read whole before it runs: editing or updating this file while it serves (it runs
# for days) cannot change what the running script does.
main() {

workers=2
address=127.0.0.1
port=8080
run_dir=""
streamlit_options=()
usage="usage: scripts/serve.sh [--workers N] [--address ADDR] [--port PORT] [--run-dir DIR] [-- STREAMLIT OPTIONS]"
while (($#)); do
  case "$1" in
    --workers) workers="${2:?$usage}"; shift 2 ;;
    --address) address="${2:?$usage}"; shift 2 ;;
    --port) port="${2:?$usage}"; shift 2 ;;
    --run-dir) run_dir="${2:?$usage}"; shift 2 ;;
    --) shift; streamlit_options=("$@"); break ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
# These go into nginx's configuration: digits, and an IPv4/IPv6 address or host name, nothing else.
[[ $workers =~ ^[0-9]+$ ]] && ((workers >= 1 && workers <= 64)) || { echo "--workers: 1 to 64" >&2; exit 2; }
[[ $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || { echo "--port: 1 to 65535" >&2; exit 2; }
[[ $address =~ ^[0-9A-Za-z.:-]+$ ]] || { echo "--address: an IP address or host name" >&2; exit 2; }
[[ $address == *:* ]] && listen="[$address]:$port" || listen="$address:$port"

bash scripts/setup.sh
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx_bin ]] || { echo "nginx is not installed: run scripts/setup.sh (it installs nginx from apt)" >&2; exit 1; }

if [[ -n $run_dir ]]; then
  mkdir -p "$run_dir"
  run_dir=$(cd "$run_dir" && pwd)
  keep_run_dir=1
else
  run_dir=$(mktemp -d "${TMPDIR:-/tmp}/gpaccess-serve.XXXXXX")
  keep_run_dir=0
fi
# As root, nginx's worker processes run as `nobody`: they must be able to reach their temporary folders in here.
[[ $(id -u) -eq 0 ]] && chmod 711 "$run_dir"

# N free loopback ports, all asked for at once so that none is handed out twice.
read -r -a app_ports <<<"$(.venv/bin/python - "$workers" <<'EOF'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
EOF
)"

# One secret for the cookies Streamlit signs (XSRF), shared by every process: a session that moves to another
# process (its own ended) keeps working. Set it yourself, the same on every host, to share it across hosts.
STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex())')}"
export STREAMLIT_SERVER_COOKIE_SECRET

pids=()
stop_all() {
  trap - INT TERM EXIT
  ((${#pids[@]})) && kill -TERM "${pids[@]}" 2>/dev/null || true
  wait || true
  ((keep_run_dir)) || rm -rf "$run_dir"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

for i in "${!app_ports[@]}"; do
  .venv/bin/python -m streamlit run dashboard.py --server.address 127.0.0.1 --server.port "${app_ports[$i]}" \
    --server.headless true --server.fileWatcherType none --browser.gatherUsageStats false \
    "${streamlit_options[@]}" </dev/null >"$run_dir/app-$((i + 1)).log" 2>&1 &
  pids+=($!)
done

upstreams=""
for p in "${app_ports[@]}"; do upstreams+="        server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'; done
cat >"$run_dir/nginx.conf" <<EOF
# Written by scripts/serve.sh for this run only.
daemon off;
worker_processes auto;
pid $run_dir/nginx.pid;
error_log $run_dir/error.log warn;
events { worker_connections 1024; }
http {
    log_format routed '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                      'rt=\$request_time upstream=\$upstream_addr route=\$route_key';
    access_log $run_dir/access.log routed;
    client_body_temp_path $run_dir/client_body;
    proxy_temp_path $run_dir/proxy;
    fastcgi_temp_path $run_dir/fastcgi;
    uwsgi_temp_path $run_dir/uwsgi;
    scgi_temp_path $run_dir/scgi;

    # Session affinity: open-source nginx has no sticky cookie, so the first response sets a random route key
    # (the request's id) as a cookie and every request is hashed on it. A missing or malformed key gets a new one.
    map \$cookie_gpaccess_route \$route_key {
        "~^[0-9a-f]{32}\$" \$cookie_gpaccess_route;
        default \$request_id;
    }
    # Websockets: pass the upgrade on; other requests keep the connection to the app open for reuse.
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        "" "";
    }
    map \$http_x_forwarded_proto \$forwarded_proto {
        default \$http_x_forwarded_proto;
        "" \$scheme;
    }
    upstream gpaccess_app {
        hash \$route_key consistent;
$upstreams        keepalive 32;
    }
    server {
        listen $listen;
        server_tokens off;
        # Streamlit checks upload sizes itself (server.maxUploadSize); bodies are streamed to it, never to disk.
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_max_temp_file_size 0;
        location / {
            proxy_pass http://gpaccess_app;
            proxy_http_version 1.1;
            # \$http_host keeps the port: Streamlit accepts a websocket only when its Origin matches the Host.
            proxy_set_header Host \$http_host;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$forwarded_proto;
            # A page's websocket (/_stcore/stream) stays open while the page is; the app sends pings.
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            add_header Set-Cookie "gpaccess_route=\$route_key; Path=/; HttpOnly; SameSite=Lax" always;
        }
    }
}
EOF

# Wait for every app process to answer before taking requests (the first start imports for several seconds).
# In the background, and `wait`ed for, so that SIGTERM is acted on at once.
.venv/bin/python - "${app_ports[@]}" <<'EOF' &
import sys, time, urllib.request
deadline = time.time() + 120
for port in sys.argv[1:]:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                break
        except OSError:
            if time.time() > deadline:
                sys.exit(f"app process on port {port} did not start within 120 s: see its log")
            time.sleep(0.3)
EOF
wait $!

"$nginx_bin" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log" -t -q
"$nginx_bin" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log" </dev/null &
pids+=($!)
echo "Serving http://$listen with $workers app processes (ports ${app_ports[*]}); run folder $run_dir"
echo "Ctrl-C stops everything."

# Any process ending (a crash, or nginx failing to listen) stops the rest.
wait -n || true
echo "A process of the dashboard ended: stopping the others (logs in $run_dir)" >&2
keep_run_dir=1
stop_all
exit 1
}

main "$@"
