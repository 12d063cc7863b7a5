#!/usr/bin/env bash
# Runs the edge worker on workerd at http://127.0.0.1:8787/, in front of the demo site served on
# 127.0.0.1:8080 as its origin. MQL_COOKIE_KEYS, MQL_WEBHOOK_URL, MQL_ALERT_WEBHOOK_URL,
# MQL_WEBHOOK_SECRETS, MQL_ADMIN_TOKEN, MQL_OUTBOX_DIR and MQL_DEBUG may be set;
# without MQL_COOKIE_KEYS a random key is made for this run (sessions end when it stops).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MQL_NEED_BROWSER=0 . scripts/setup.sh
scripts/build-site.sh
scripts/build-edge.sh
node scripts/serve.mjs --port 8080 &
trap 'kill $!' EXIT
export MQL_ORIGIN_URL=${MQL_ORIGIN_URL:-http://127.0.0.1:8080}
export MQL_COOKIE_KEYS=${MQL_COOKIE_KEYS:-k1:$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')}
export MQL_DEBUG=${MQL_DEBUG:-true}
# The handoff outbox (a Durable Object) keeps its SQLite files here, across restarts.
data=${MQL_OUTBOX_DIR:-.edge-data/outbox}
mkdir -p "$data"
# Without MQL_ADMIN_TOKEN, one is made for this machine and kept in a file (never printed).
if [ -z "${MQL_ADMIN_TOKEN:-}" ]; then
  token_file=.edge-data/admin-token
  [ -s "$token_file" ] || (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' > "$token_file")
  MQL_ADMIN_TOKEN=$(cat "$token_file")
  echo "sales dashboard: http://127.0.0.1:8787/__mql/dashboard (its token is in $token_file)"
fi
export MQL_ADMIN_TOKEN
# Deliveries are signed: without MQL_WEBHOOK_SECRETS, a secret is made once and kept in a file.
if [ -z "${MQL_WEBHOOK_SECRETS:-}" ]; then
  secret_file=.edge-data/webhook-secret
  [ -s "$secret_file" ] || (umask 077 && node -e 'process.stdout.write("whsec_" + require("crypto").randomBytes(32).toString("base64"))' > "$secret_file")
  MQL_WEBHOOK_SECRETS=$(cat "$secret_file")
  [ -z "${MQL_WEBHOOK_URL:-}${MQL_ALERT_WEBHOOK_URL:-}" ] || echo "deliveries are signed with the secret in $secret_file (Standard Webhooks; docs/edge.md)"
fi
export MQL_WEBHOOK_SECRETS
echo "edge worker: http://127.0.0.1:8787/  (origin $MQL_ORIGIN_URL; /__mql/debug and /__mql/stats when MQL_DEBUG=true)"
workerd serve edge/config.capnp --directory-path "outbox-data=$PWD/$data"
