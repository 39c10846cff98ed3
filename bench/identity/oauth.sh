#!/usr/bin/env bash
# OIDC/OAuth endpoints of `dts identity` under load (wrk, loopback, one machine):
#   1. GET /.well-known/jwks.json (what every verifier fetches; cached rendering)
#   2. POST /oauth2/token grant_type=refresh_token (session lookup + 2 RS256 signatures)
#   3. POST /oauth2/token grant_type=client_credentials, client_secret_basic (1 RS256 signature)
# Usage: bench/identity/oauth.sh   (from the repository root, after `make build`)
set -euo pipefail
DTS=${DTS:-$PWD/build/dts}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-16}
offset=${DTS_PORT_OFFSET:-31100}
port=$((9001 + offset))
base="http://127.0.0.1:$port"
home=$(mktemp -d /tmp/dts-oidcbench-XXXXXX)
work=$(mktemp -d /tmp/dts-oidcbench-w-XXXXXX)

DTS_HOME=$home DTS_ROOT=$PWD DTS_SERVICES=identity DTS_PORT_OFFSET=$offset NO_COLOR=1 \
  "$DTS" up > "$work/up.log" 2>&1 &
up=$!
cleanup() { kill -INT $up 2>/dev/null; wait $up 2>/dev/null || true; rm -rf "$home" "$work"; }
trap cleanup EXIT
for _ in $(seq 1 600); do grep -q "all services ready" "$work/up.log" && break; sleep 0.2; done
grep -q "all services ready" "$work/up.log" || { cat "$work/up.log"; exit 1; }

call() {  # call <Action> <json>
  curl -sS -X POST "$base/" -H 'Content-Type: application/x-amz-json-1.1' \
    -H "X-Amz-Target: AWSCognitoIdentityProviderService.$1" --data-binary "$2"
}
spa=dtslocalspaclient
call SignUp "{\"ClientId\":\"$spa\",\"Username\":\"bench\",\"Password\":\"Passw0rd!\",\"UserAttributes\":[{\"Name\":\"email\",\"Value\":\"bench@example.com\"}]}" > /dev/null
code=$(DTS_HOME=$home "$DTS" identity mailbox --json | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["code"])')
call ConfirmSignUp "{\"ClientId\":\"$spa\",\"Username\":\"bench\",\"ConfirmationCode\":\"$code\"}" > /dev/null
refresh=$(call InitiateAuth "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$spa\",\"AuthParameters\":{\"USERNAME\":\"bench\",\"PASSWORD\":\"Passw0rd!\"}}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["RefreshToken"])')

# A confidential client for client_credentials (there is no CreateUserPoolClient action yet):
# inserted through the embedded cluster's admin socket.
psql "host=$home/pg/run port=5432 user=dts_admin dbname=dts" -q -v ON_ERROR_STOP=1 -c \
  "INSERT INTO identity.app_client (id, pool_id, name, secret, allowed_scopes, allowed_oauth_flows)
   SELECT 'benchsvc', id, 'bench', 'bench-secret', '{dts/jobs.read}', '{client_credentials}'
   FROM identity.user_pool LIMIT 1"
basic=$(printf 'benchsvc:bench-secret' | base64 -w0)

post() {  # post <name> <body> [authorization] -> lua script path
  local auth=""
  if [ -n "${3:-}" ]; then auth="wrk.headers[\"Authorization\"] = \"$3\""; fi
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
$auth
wrk.body = "$2"
LUA
  echo "$work/$1.lua"
}
show() { grep -E "Requests/sec|Latency|50%|99%|Non-2xx"; }

echo "== GET /.well-known/jwks.json ($CONNS connections, $DURATION)"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$base/.well-known/jwks.json" | show
echo "== POST /oauth2/token refresh_token ($CONNS connections, $DURATION)"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency \
  -s "$(post refresh "grant_type=refresh_token&client_id=$spa&refresh_token=$refresh")" \
  "$base/oauth2/token" | show
echo "== POST /oauth2/token client_credentials ($CONNS connections, $DURATION)"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency \
  -s "$(post cc "grant_type=client_credentials&scope=dts%2Fjobs.read" "Basic $basic")" \
  "$base/oauth2/token" | show
