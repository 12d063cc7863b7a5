// The sales dashboard: a page the worker serves without any data in it; everything it shows
// comes from the token-protected endpoints, with the token the reader gives (kept in this tab's
// sessionStorage, or passed once as #token=… and removed from the address bar at once).

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("mql-token");
let handoffs = [];
let reasons = [];

const hash = new URLSearchParams(location.hash.slice(1));
const fromHash = hash.get("token");
if (fromHash) {
  token = fromHash;
  sessionStorage.setItem("mql-token", token);
  history.replaceState(null, "", location.pathname + location.search);
}

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(body.error ?? `HTTP ${response.status}`), { status: response.status });
  return body;
}

/** Pages of 100 handoffs the reader has asked for ("Show 100 more"). */
let pages = 1;

/** The handoffs of the pages shown, newest first, following the server's cursors. */
async function handoffPages(status, search) {
  const all = [];
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const query = new URLSearchParams({ limit: "100" });
    if (status) query.set("status", status);
    if (search) query.set("q", search);
    if (cursor) query.set("cursor", cursor);
    const page = await api(`/__mql/handoffs?${query}`);
    all.push(...page.handoffs);
    cursor = page.next;
    if (!cursor) break;
  }
  return { handoffs: all, more: cursor !== null };
}

async function refresh() {
  try {
    const status = $("status").value;
    const [summary, list, accounts] = await Promise.all([
      api("/__mql/summary"),
      handoffPages(status, $("search").value.trim()),
      api("/__mql/accounts"),
    ]);
    reasons = summary.rejectionReasonsAllowed;
    handoffs = list.handoffs;
    $("more").hidden = !list.more;
    $("shown").textContent = `${handoffs.length} shown${list.more ? ", more older ones" : ""}`;
    $("login").hidden = true;
    $("board").hidden = false;
    drawFunnel(summary);
    drawHandoffs();
    drawReasons(summary.rejectionReasons);
    drawAccounts(accounts.accounts);
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (err.status === 401 || err.status === 503) {
      sessionStorage.removeItem("mql-token");
      $("board").hidden = true;
      $("login").hidden = false;
      $("login-error").textContent = err.message;
    } else {
      $("updated").textContent = `could not update: ${err.message}`;
    }
  }
}

function drawFunnel(summary) {
  const f = summary.funnel;
  const steps = [
    ["visitors", f.visitors],
    ["sales-ready", f.salesReady],
    ["handed off", summary.handedOff],
    ["accepted", summary.byStatus.accepted + summary.byStatus.converted],
    ["converted", summary.byStatus.converted],
  ];
  const max = Math.max(1, ...steps.map(([, n]) => n));
  const svg = $("funnel");
  svg.replaceChildren();
  const ns = "http://www.w3.org/2000/svg";
  steps.forEach(([label, n], i) => {
    const y = i * 38 + 6;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", "130");
    bar.setAttribute("y", String(y));
    bar.setAttribute("height", "26");
    bar.setAttribute("width", String(Math.max(2, (n / max) * 400)));
    const name = document.createElementNS(ns, "text");
    name.setAttribute("x", "0");
    name.setAttribute("y", String(y + 18));
    name.textContent = label;
    const value = document.createElementNS(ns, "text");
    value.setAttribute("x", String(136 + Math.max(2, (n / max) * 400)));
    value.setAttribute("y", String(y + 18));
    value.setAttribute("data-step", label);
    value.textContent = String(n);
    svg.append(bar, name, value);
  });
  const pct = (x) => (x == null ? "—" : `${Math.round(x * 100)}%`);
  const minutes = summary.medianMsToFollowUp == null ? "—" : `${Math.round(summary.medianMsToFollowUp / 60_000)} min`;
  $("rates").textContent = `MQL→SQL ${pct(summary.mqlToSqlRate)} · SLA met ${pct(summary.slaHitRate)} · median time to follow-up ${minutes} · pending deliveries ${summary.pending}`;
}

function countdown(h) {
  if (h.followedUpAt != null) return "followed up";
  if (h.dueAt == null) return "not delivered yet";
  const ms = h.dueAt - Date.now();
  const abs = Math.abs(ms);
  const text = abs >= 3_600_000 ? `${Math.floor(abs / 3_600_000)} h ${Math.floor((abs % 3_600_000) / 60_000)} min` : `${Math.floor(abs / 60_000)} min ${Math.floor((abs % 60_000) / 1000)} s`;
  return ms >= 0 ? `due in ${text}` : `overdue by ${text}`;
}

function drawHandoffs() {
  const body = $("handoffs").tBodies[0];
  body.replaceChildren(
    ...handoffs.map((h) => {
      const row = document.createElement("tr");
      row.dataset.key = h.key;
      const who = h.lead.traits?.email ?? h.visitor;
      // What the email gate flagged (a role address, free mail), for sales to weigh.
      const flags = h.lead.email?.flags ?? [];
      // The lead opens its page (a button: reached by Tab, opened by Enter).
      const open = button(who, () => openLead(h.key, open));
      open.className = "lead-link";
      open.setAttribute("aria-label", `open the lead ${who}`);
      const first = row.insertCell();
      first.append(open);
      if (flags.length) first.append(` ⚑ ${flags.join("; ")}`);
      const cells = [
        `${h.lead.score} (${h.lead.grade})`,
        h.lead.account ? `${h.lead.account.name} · ${h.lead.account.score}` : "—",
        // Where routing sent it, and whose it is (handoffs from before routing have neither).
        h.lead.route ? `${h.lead.owner ? h.lead.owner.name ?? h.lead.owner.id : "unassigned"} · ${h.lead.route}${h.lead.destination === "nurture" ? " (nurture)" : ""}` : "—",
      ];
      for (const text of cells) row.insertCell().textContent = text;
      const status = row.insertCell();
      status.className = `status ${h.status}`;
      status.textContent = h.status + (h.delivery.held ? ` (held: ${h.delivery.held})` : "");
      const due = row.insertCell();
      due.className = `due${h.dueAt != null && h.followedUpAt == null && h.dueAt < Date.now() ? " late" : ""}`;
      due.dataset.due = String(h.dueAt ?? "");
      due.textContent = countdown(h);
      const actions = row.insertCell();
      if (!["converted"].includes(h.status)) {
        actions.append(button("Accept", () => feedback(h, { outcome: "accepted" })));
        const why = document.createElement("select");
        why.setAttribute("aria-label", "rejection reason");
        why.append(new Option("reject because…", ""), ...reasons.map((r) => new Option(r, r)));
        why.addEventListener("change", () => why.value && feedback(h, { outcome: "rejected", reason: why.value }));
        actions.append(why, button("Won", () => {
          // Cancel records nothing; a blank answer is a conversion of unknown value.
          const answer = prompt("Deal value (blank if not known)", "");
          if (answer === null) return;
          if (answer.trim() === "") return feedback(h, { outcome: "converted" });
          const value = Number(answer.replace(/[\s,]/g, ""));
          if (Number.isFinite(value) && value >= 0) feedback(h, { outcome: "converted", value });
          else alert(`"${answer}" is not a deal value: nothing was recorded`);
        }));
      }
      return row;
    }),
  );
}

/** Where focus goes back to when the lead's page closes. */
let openedFrom = null;

/** A lead's page: why (the engine's sentences), who, the account, the clock, what sales said. */
async function openLead(key, from = null) {
  openedFrom = from;
  let found;
  try {
    found = await api(`/__mql/handoff?key=${encodeURIComponent(key)}`);
  } catch (err) {
    $("updated").textContent = `could not open the lead: ${err.message}`;
    return;
  }
  const { handoff: h, feedback: said, deliveries } = found;
  const lead = h.lead;
  const t = lead.traits ?? {};
  const panel = $("lead");
  const title = $("lead-title");
  title.textContent = [t.firstName, t.lastName].filter(Boolean).join(" ") || t.email || h.visitor;
  const facts = [
    ["Email", t.email ?? "—"],
    ["Title", t.title ?? "—"],
    ["Score", `${lead.score} · grade ${lead.grade} (fit ${lead.fit}, engagement ${lead.engagement})`],
    ["Model", lead.model],
    ["Owner · route", lead.route ? `${lead.owner ? lead.owner.name ?? lead.owner.id : "unassigned"} · ${lead.route} → ${lead.destination}` : "—"],
    ["Reassigned", lead.reassigned?.length ? lead.reassigned.map((r) => `${r.from} → ${r.to} (${when(r.at)}, follow-up lapsed)`).join("; ") : "—"],
    ["Status", h.status],
    ["Follow up", countdown(h)],
    ["Account", lead.account ? `${lead.account.name}${lead.account.claimedName ? ` (claims to be “${lead.account.claimedName}”)` : ""} · score ${lead.account.score}${lead.account.qualified ? ", qualified" : ""}` : "—"],
    ["Seen", `${when(lead.firstSeen)} to ${when(lead.lastSeen)}, ${lead.pageViews} page views; handed off ${lead.page ? `on ${lead.page} ` : ""}${when(h.createdAt)}`],
  ];
  $("lead-facts").replaceChildren(
    ...facts.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      return [dt, dd];
    }),
  );
  $("lead-reasons").replaceChildren(...(lead.reasons ?? []).map((r) => item(r.sentence)));
  const counted = activity(lead.reasons ?? []);
  $("lead-activity").replaceChildren(
    ...(counted.length
      ? counted.map(([at, what, against]) => {
          const li = item(`${when(at)}: ${what}${against ? " (counts against)" : ""}`);
          li.dataset.at = at;
          return li;
        })
      : [item("none recorded")]),
  );
  $("lead-traits").replaceChildren(
    ...Object.entries(t).map(([k, v]) => {
      const row = document.createElement("tr");
      row.insertCell().textContent = k;
      row.insertCell().textContent = String(v);
      return row;
    }),
  );
  $("lead-feedback").replaceChildren(
    ...(said.length ? said.map((f) => item(`${when(f.at)}: ${f.outcome}${f.reason ? ` (${f.reason})` : ""}${f.value != null ? `, worth ${f.value}` : ""}`)) : [item("no feedback yet")]),
  );
  $("lead-deliveries").replaceChildren(
    ...deliveries.map((d) => item(`${d.kind}${d.target ? ` to ${d.target}` : ""}: ${d.state}, ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}${d.deliveredAt ? `, delivered ${when(d.deliveredAt)}` : ""}`)),
  );
  panel.hidden = false;
  panel.dataset.key = key;
  title.focus();
}

/**
 * The events the lead's reasons count, newest first, as `[time, what, counts against]`: the
 * engine gives each engagement reason the times of its events (every one for a capped rule, the
 * newest for others), and its sentence starts with the rule's label.
 */
function activity(reasons) {
  const rows = [];
  for (const r of reasons) {
    if (!Array.isArray(r.times)) continue;
    const what = /^(.*): (?:once|twice|\d+ times)(?: in the last| \()/.exec(r.sentence)?.[1] ?? r.rule;
    for (const at of r.times) rows.push([at, what, r.points < 0]);
  }
  return rows.sort((a, b) => b[0] - a[0]);
}

function closeLead() {
  $("lead").hidden = true;
  openedFrom?.focus();
  openedFrom = null;
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function when(ms) {
  return ms == null ? "—" : new Date(ms).toLocaleString();
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

async function feedback(h, fields) {
  try {
    await api("/__mql/feedback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: crypto.randomUUID(), key: h.key, ...fields }),
    });
  } catch (err) {
    $("updated").textContent = `feedback not saved: ${err.message}`;
  }
  await refresh();
}

function drawReasons(counts) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  $("reasons").replaceChildren(
    ...(entries.length ? entries : [["none yet", ""]]).map(([reason, n]) => {
      const li = document.createElement("li");
      li.textContent = n === "" ? reason : `${reason}: ${n}`;
      return li;
    }),
  );
}

function drawAccounts(accounts) {
  $("accounts").tBodies[0].replaceChildren(
    ...accounts.map((a) => {
      const row = document.createElement("tr");
      // The domain is what was checked; a typed company name is only a claim, and says so.
      const name = a.claimedName ? `${a.name} (claims to be “${a.claimedName}”)` : a.name;
      for (const text of [name, String(a.score), `${a.people} (${a.engaged})`, a.roles.join(", ") || "—", a.qualified ? "yes" : "no"]) {
        row.insertCell().textContent = text;
      }
      return row;
    }),
  );
}

$("lead-close").addEventListener("click", closeLead);
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && !$("lead").hidden) closeLead();
});
// A link to one lead's page: #lead=<key>.
if (hash.get("lead") && token) openLead(hash.get("lead"));
$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  token = $("token").value;
  sessionStorage.setItem("mql-token", token);
  refresh();
});
$("status").addEventListener("change", () => {
  pages = 1;
  refresh();
});
// A link to one lead (a chat message's button) opens the dashboard searching for it: #q=<key>.
if (hash.get("q")) $("search").value = hash.get("q");
$("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  pages = 1;
  refresh();
});
$("more").addEventListener("click", () => {
  pages++;
  refresh();
});
setInterval(() => {
  for (const cell of document.querySelectorAll("td.due")) {
    const h = handoffs.find((x) => x.key === cell.parentElement.dataset.key);
    if (h) cell.textContent = countdown(h);
  }
}, 1000);
setInterval(refresh, 15_000);
if (token) refresh();
else $("login").hidden = false;
