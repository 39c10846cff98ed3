#!/usr/bin/env bash
# What a pre-token-generation hook costs: InitiateAuth REFRESH_TOKEN_AUTH (no Argon2: session
# lookup + hook call + 2 RS256 signatures) against `dts identity`, without and with a hook.
# The hook is a small local HTTP server (python3, threaded) answering a V1 reply that adds
# one claim, i.e. the cost measured is identity's side (event, signature, one HTTP call on a
# fresh connection, reply parsing, claim changes) plus a near-zero-cost receiver.
# Usage: bench/identity/triggers.sh   (from the repository root, after `make build`)
set -euo pipefail
DTS=${DTS:-$PWD/build/dts}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-4}
offset=${DTS_PORT_OFFSET:-32000}
port=$((9001 + offset))
hook_port=$((9999 + offset))
url="http://127.0.0.1:$port/"
work=$(mktemp -d /tmp/dts-trigbench-w-XXXXXX)

python3 - "$hook_port" > "$work/hook.log" 2>&1 <<'PY' &
import http.server, sys
REPLY = b'{"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"custom:plan":"pro"}}}}'
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(REPLY)))
        self.end_headers()
        self.wfile.write(REPLY)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
hook=$!
up=
cleanup() {
  [ -n "$up" ] && { kill -INT $up 2>/dev/null; wait $up 2>/dev/null || true; }
  kill $hook 2>/dev/null || true; rm -rf "$work" /tmp/dts-trigbench-$$-*
}
trap cleanup EXIT

run() {  # run <label> [extra env...]
  local home=/tmp/dts-trigbench-$$-$1; mkdir -m 755 "$home"
  env DTS_HOME=$home DTS_ROOT=$PWD DTS_SERVICES=identity DTS_PORT_OFFSET=$offset NO_COLOR=1 \
    DTS_IDENTITY_IDENTITY_TRIGGER_SIGNING_KEY=bench-trigger-signing-key-0123456789abcdef "${@:2}" \
    "$DTS" up > "$work/up.log" 2>&1 &
  up=$!
  for _ in $(seq 1 600); do grep -q "all services ready" "$work/up.log" && break; sleep 0.2; done
  grep -q "all services ready" "$work/up.log" || { cat "$work/up.log"; exit 1; }
  call() {
    curl -sS -X POST "$url" -H 'Content-Type: application/x-amz-json-1.1' \
      -H "X-Amz-Target: AWSCognitoIdentityProviderService.$1" --data-binary "$2"
  }
  local client=dtslocalspaclient
  call SignUp "{\"ClientId\":\"$client\",\"Username\":\"bench\",\"Password\":\"Passw0rd!\",\"UserAttributes\":[{\"Name\":\"email\",\"Value\":\"bench@example.com\"}]}" > /dev/null
  local code
  code=$(DTS_HOME=$home "$DTS" identity mailbox --json | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["code"])')
  call ConfirmSignUp "{\"ClientId\":\"$client\",\"Username\":\"bench\",\"ConfirmationCode\":\"$code\"}" > /dev/null
  local auth="{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$client\",\"AuthParameters\":{\"USERNAME\":\"bench\",\"PASSWORD\":\"Passw0rd!\"}}"
  local refresh
  refresh=$(call InitiateAuth "$auth" | python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["RefreshToken"])')
  cat > "$work/refresh.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.InitiateAuth"
wrk.body = '{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"$client","AuthParameters":{"REFRESH_TOKEN":"$refresh"}}'
LUA
  echo "== InitiateAuth REFRESH_TOKEN_AUTH, $1 ($CONNS connections, $DURATION)"
  wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$work/refresh.lua" "$url" | grep -E "Requests/sec|50%|99%|Non-2xx"
  kill -INT $up; wait $up 2>/dev/null || true; up=
}

run no-hook
run pre-token-hook \
  DTS_IDENTITY_IDENTITY_TRIGGER_PRE_TOKEN_GENERATION_URL=http://127.0.0.1:$hook_port/pre-token
