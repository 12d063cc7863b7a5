# workerd configuration for running the mqlscore edge worker locally on 127.0.0.1:8787.
#   MQL_ORIGIN_URL=http://127.0.0.1:8080 MQL_COOKIE_KEYS="k1:<32+ characters>" \
#     tools/node_modules/.bin/workerd serve edge/config.capnp
# Optional: MQL_WEBHOOK_URL, MQL_ALERT_WEBHOOK_URL (both need MQL_WEBHOOK_SECRETS="whsec_<base64>",
# which signs deliveries), MQL_ADMIN_TOKEN, MQL_DEBUG=true,
# MQL_SETTINGS='{"burstLimit":20}'.
# `--socket-addr http=127.0.0.1:PORT` moves the port. Build edge/pkg first (scripts/build-edge.sh).
# The handoff outbox (a Durable Object) keeps its SQLite files in the directory of the
# `outbox-data` service, which must exist: `--directory-path outbox-data=/some/dir` moves it.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "mqlscore", worker = .edgeWorker),
    # The worker reaches the origin and the webhook over the network, loopback included.
    (name = "outbound", network = (allow = ["public", "private", "local"])),
    (name = "outbox-data", disk = (path = "/var/tmp/mqlscore-outbox", writable = true)),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "mqlscore") ],
);

const edgeWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "settings.js", esModule = embed "settings.js"),
    (name = "filter.js", esModule = embed "filter.js"),
    (name = "token.js", esModule = embed "token.js"),
    (name = "outbox.js", esModule = embed "outbox.js"),
    (name = "shards.js", esModule = embed "shards.js"),
    (name = "routing.js", esModule = embed "routing.js"),
    (name = "slack.js", esModule = embed "slack.js"),
    (name = "accounts.js", esModule = embed "accounts.js"),
    (name = "account-score.js", esModule = embed "account-score.js"),
    (name = "admin.js", esModule = embed "admin.js"),
    (name = "sla.js", esModule = embed "sla.js"),
    (name = "signature.js", esModule = embed "signature.js"),
    (name = "email-check.js", esModule = embed "email-check.js"),
    (name = "proof.js", esModule = embed "proof.js"),
    (name = "proof-page.js", text = embed "proof-page.js"),
    (name = "pkg/altcha.js", esModule = embed "pkg/altcha.js"),
    (name = "pkg/proof-solver.js", text = embed "pkg/proof-solver.js"),
    (name = "pkg/disposable-domains.txt", text = embed "pkg/disposable-domains.txt"),
    (name = "dashboard/index.html", text = embed "dashboard/index.html"),
    (name = "dashboard/app.js", text = embed "dashboard/app.js"),
    (name = "dashboard/style.css", text = embed "dashboard/style.css"),
    (name = "pkg/mqlscore.js", esModule = embed "pkg/mqlscore.js"),
    (name = "pkg/result.js", esModule = embed "pkg/result.js"),
    (name = "pkg/fields.js", esModule = embed "pkg/fields.js"),
    (name = "pkg/mqlscore_bg.wasm", wasm = embed "pkg/mqlscore_bg.wasm"),
    (name = "pkg/lite/mqlscore.js", esModule = embed "pkg/lite/mqlscore.js"),
    (name = "pkg/lite/mqlscore_bg.wasm", wasm = embed "pkg/lite/mqlscore_bg.wasm"),
  ],
  compatibilityDate = "2026-11-01",
  globalOutbound = "outbound",
  durableObjectNamespaces = [
    (className = "Outbox", uniqueKey = "mqlscore-edge-outbox", enableSql = true),
    (className = "Account", uniqueKey = "mqlscore-edge-account", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "outbox-data"),
  bindings = [
    (name = "MODEL", text = embed "../models/b2b-saas.json"),
    # The same model compiled by scripts/build-edge.sh (mqlscore compile): scored by the small module.
    (name = "MODEL_COMPILED", data = embed "pkg/model.mqlc"),
    (name = "ORIGIN_URL", fromEnvironment = "MQL_ORIGIN_URL"),
    (name = "OUTBOX", durableObjectNamespace = "Outbox"),
    (name = "ACCOUNTS", durableObjectNamespace = "Account"),
    (name = "WEBHOOK_URL", fromEnvironment = "MQL_WEBHOOK_URL"),
    (name = "ALERT_WEBHOOK_URL", fromEnvironment = "MQL_ALERT_WEBHOOK_URL"),
    # Where routes send leads to nurture, and the chat incoming webhook a route may post to
    # (SETTINGS.routing names it; a route may name another binding added here).
    (name = "NURTURE_WEBHOOK_URL", fromEnvironment = "MQL_NURTURE_WEBHOOK_URL"),
    (name = "SLACK_WEBHOOK_URL", fromEnvironment = "MQL_SLACK_WEBHOOK_URL"),
    (name = "WEBHOOK_SECRETS", fromEnvironment = "MQL_WEBHOOK_SECRETS"),
    (name = "ADMIN_TOKEN", fromEnvironment = "MQL_ADMIN_TOKEN"),
    (name = "COOKIE_KEYS", fromEnvironment = "MQL_COOKIE_KEYS"),
    (name = "DEBUG", fromEnvironment = "MQL_DEBUG"),
    (name = "SETTINGS", fromEnvironment = "MQL_SETTINGS"),
  ],
);
