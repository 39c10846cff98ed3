#!/usr/bin/env bash
# Cognito API of `dts identity` under load, with the default Argon2id parameters
# (t=2 passes, m=64 MiB, p=1; IDENTITY_HASH_THREADS=2):
#   1. InitiateAuth USER_PASSWORD_AUTH (one Argon2id verify + session + 2 RS256 signatures)
#   2. InitiateAuth REFRESH_TOKEN_AUTH (no Argon2: lookup + 2 RS256 signatures)
#   3. wrong password vs unknown user latency (must be alike: no user enumeration)
# Usage: bench/identity/cognito_api.sh   (from the repository root, after `make build`)
set -euo pipefail
DTS=${DTS:-$PWD/build/dts}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-4}
offset=${DTS_PORT_OFFSET:-31000}
port=$((9001 + offset))
url="http://127.0.0.1:$port/"
# Not mktemp: its 0700 directory is not walkable by the postgres account under root, and the
# cluster would then live under /var/lib/dts/clusters instead (and outlive this script).
home=/tmp/dts-idbench-$$; mkdir -m 755 "$home"
work=$(mktemp -d /tmp/dts-idbench-w-XXXXXX)

DTS_HOME=$home DTS_ROOT=$PWD DTS_SERVICES=identity DTS_PORT_OFFSET=$offset NO_COLOR=1 \
  DTS_IDENTITY_IDENTITY_MAX_FAILED_PER_USER=1000 DTS_IDENTITY_IDENTITY_MAX_FAILED_PER_IP=100000 \
  "$DTS" up > "$work/up.log" 2>&1 &
up=$!
cleanup() { kill -INT $up 2>/dev/null; wait $up 2>/dev/null || true; rm -rf "$home" "$work"; }
trap cleanup EXIT
for _ in $(seq 1 600); do grep -q "all services ready" "$work/up.log" && break; sleep 0.2; done
grep -q "all services ready" "$work/up.log" || { cat "$work/up.log"; exit 1; }

call() {  # call <Action> <json>
  curl -sS -X POST "$url" -H 'Content-Type: application/x-amz-json-1.1' \
    -H "X-Amz-Target: AWSCognitoIdentityProviderService.$1" --data-binary "$2"
}
client=dtslocalspaclient
call SignUp "{\"ClientId\":\"$client\",\"Username\":\"bench\",\"Password\":\"Passw0rd!\",\"UserAttributes\":[{\"Name\":\"email\",\"Value\":\"bench@example.com\"}]}" > /dev/null
code=$(DTS_HOME=$home "$DTS" identity mailbox --json | python3 -c 'import json,sys; print([json.loads(l) for l in sys.stdin][-1]["code"])')
call ConfirmSignUp "{\"ClientId\":\"$client\",\"Username\":\"bench\",\"ConfirmationCode\":\"$code\"}" > /dev/null
auth_body="{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$client\",\"AuthParameters\":{\"USERNAME\":\"bench\",\"PASSWORD\":\"Passw0rd!\"}}"
refresh=$(call InitiateAuth "$auth_body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["RefreshToken"])')
refresh_body="{\"AuthFlow\":\"REFRESH_TOKEN_AUTH\",\"ClientId\":\"$client\",\"AuthParameters\":{\"REFRESH_TOKEN\":\"$refresh\"}}"

lua() {  # lua <Action> <body> -> script path
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.InitiateAuth"
wrk.body = '$2'
LUA
  echo "$work/$1.lua"
}
echo "== InitiateAuth USER_PASSWORD_AUTH ($CONNS connections, $DURATION)"
wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$(lua password "$auth_body")" "$url" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
echo "== InitiateAuth REFRESH_TOKEN_AUTH ($CONNS connections, $DURATION)"
wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$(lua refresh "$refresh_body")" "$url" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"

echo "== sequential latency, 20 requests each (seconds: median)"
for case in "bench:Wr0ng-pass!" "nobody:Wr0ng-pass!" "bench:Passw0rd!"; do
  user=${case%%:*}; pw=${case#*:}
  body="{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$client\",\"AuthParameters\":{\"USERNAME\":\"$user\",\"PASSWORD\":\"$pw\"}}"
  for _ in $(seq 1 20); do
    curl -s -o /dev/null -w '%{time_total}\n' -X POST "$url" -H 'Content-Type: application/x-amz-json-1.1' \
      -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' --data-binary "$body"
  done | sort -n | awk -v c="$user/$pw" '{a[NR]=$1} END {printf "%-22s median %.4f  min %.4f  max %.4f\n", c, a[int((NR+1)/2)], a[1], a[NR]}'
done
