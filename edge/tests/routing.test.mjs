// Routing on workerd (edge/routing.js): the first route whose conditions hold sends a handoff to
// sales or to a nurture stream, gives it an owner (by territory or round-robin, within each
// owner's capacity, freed when sales answers), and posts a Block Kit message to a chat webhook
// (a local server that checks the payload's shape: Slack itself cannot be reached from here).
// The owner and route travel in the delivery; the summary counts by route and by owner.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { readRouting } from "../routing.js";
import { eventually, makeLead, refusesSettings, startOrigin, startSink, startWorker } from "./harness.mjs";

const QUICK = { webhookBackoffMs: 100, webhookMaxBackoffMs: 300, webhookTimeoutMs: 2000 };
const ROUTING = {
  routes: [
    {
      id: "enterprise",
      when: { grades: ["A*"], countries: ["US"] },
      destination: "sales",
      assign: "territory",
      owners: [
        { id: "ann", name: "Ann Lee", email: "ann@seller.example", capacity: 2, territories: ["US"] },
        { id: "bo", name: "Bo Chen", territories: ["us"] },
        { id: "cy", name: "Cy (anywhere)" },
      ],
      slack: "SLACK_WEBHOOK_URL",
    },
    { id: "nurture", when: { grades: ["C*", "D*"] }, destination: "nurture" },
  ],
  default: { id: "inside", destination: "sales", owners: [{ id: "dee" }, { id: "eve" }] },
};

/** A stand-in for a Slack incoming webhook: keeps each payload and answers "ok", as Slack does. */
async function startChat() {
  const posts = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      posts.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}/services/T000/B000/XXXX`, posts, close: () => server.close() };
}

/** What Slack's Block Kit reference allows of the blocks we send (types, text objects, limits). */
function checkBlockKit(payload) {
  const plain = (t, max) => t?.type === "plain_text" && typeof t.text === "string" && t.text.length > 0 && t.text.length <= max;
  const mrkdwn = (t, max) => t?.type === "mrkdwn" && typeof t.text === "string" && t.text.length > 0 && t.text.length <= max;
  assert.ok(typeof payload.text === "string" && payload.text.length > 0, "text: the notification's fallback");
  assert.ok(Array.isArray(payload.blocks) && payload.blocks.length >= 1 && payload.blocks.length <= 50);
  for (const b of payload.blocks) {
    switch (b.type) {
      case "header":
        assert.ok(plain(b.text, 150), "header: plain_text of at most 150");
        break;
      case "section":
        assert.ok(b.text || b.fields, "section: text or fields");
        if (b.text) assert.ok(mrkdwn(b.text, 3000), "section text: mrkdwn of at most 3000");
        if (b.fields) assert.ok(b.fields.length <= 10 && b.fields.every((f) => mrkdwn(f, 2000)), "fields: at most 10 of 2000");
        break;
      case "context":
        assert.ok(b.elements.length <= 10 && b.elements.every((e) => mrkdwn(e, 3000)));
        break;
      case "actions":
        for (const e of b.elements) {
          assert.equal(e.type, "button");
          assert.ok(plain(e.text, 75) && /^https?:\/\//.test(e.url) && e.url.length <= 3000 && e.action_id.length <= 255);
        }
        break;
      default:
        assert.fail(`a block of type ${b.type}`);
    }
  }
}

let origin;
let sales;
let nurture;
let chat;
let worker;
before(async () => {
  origin = await startOrigin();
  sales = await startSink();
  nurture = await startSink();
  chat = await startChat();
  worker = await startWorker({ origin: origin.url, webhook: sales.url, nurture: nurture.url, slack: chat.url, settings: { ...QUICK, routing: ROUTING, outboxShards: 4 } });
});
after(async () => {
  await worker?.stop();
  for (const s of [origin, sales, nurture, chat]) s?.close();
});

const strong = (email, country) => ({ email, title: "VP Sales", country, company: { name: "Big Co", employees: 500, industry: "software" } });

test("the first route that holds wins: sales with an owner by territory, nurture, or the default", async () => {
  const us = [];
  for (let i = 0; i < 3; i++) us.push(await makeLead(worker, strong(`us${i}@bigco-${i}.io`, "US")));
  const abroad = await makeLead(worker, strong("de0@bigco-de.io", "DE"));
  const weak = await makeLead(worker, { email: "someone@small-shop.io" });
  const lead = async (sink, key) => (await eventually(() => sink.delivered.get(key), 10_000, key)).lead;
  const delivered = await Promise.all(us.map((l) => lead(sales, l.key)));
  assert.ok(delivered.every((l) => l.grade.startsWith("A") && l.route === "enterprise" && l.destination === "sales"), JSON.stringify(delivered.map((l) => [l.grade, l.route])));
  // Territory US: Ann, Bo, then Ann again (the least recently given); Cy, with no territory,
  // only when nobody in the territory is free.
  assert.deepEqual(delivered.map((l) => l.owner?.id), ["ann", "bo", "ann"]);
  assert.deepEqual(delivered[0].owner, { id: "ann", name: "Ann Lee", email: "ann@seller.example" });
  const de = await lead(sales, abroad.key);
  assert.deepEqual([de.route, de.owner?.id], ["inside", "dee"], "not in the territory's countries: the default route, round-robin");
  const small = await lead(nurture, weak.key);
  assert.deepEqual([small.route, small.destination, small.owner], ["nurture", "nurture", null]);
  assert.ok(/^[CD]/.test(small.grade), small.grade);
  assert.equal(sales.delivered.has(weak.key), false, "a nurture lead never reaches sales");
  // Deliveries to nurture are signed like those to sales (the sink verified them).
  assert.equal(nurture.forged.length, 0);

  // Ann is full (two open): the next US lead goes to Bo; when sales answers one of Ann's, she has room.
  const fourth = await lead(sales, (await makeLead(worker, strong("us3@bigco-3.io", "US"))).key);
  assert.equal(fourth.owner.id, "bo");
  const answered = await worker.admin("/__mql/feedback", { method: "POST", body: { id: "fb-ann", key: us[0].key, outcome: "accepted" } });
  assert.equal(answered.status, 200);
  const fifth = await lead(sales, (await makeLead(worker, strong("us4@bigco-4.io", "US"))).key);
  assert.equal(fifth.owner.id, "ann");
  const next = await lead(sales, (await makeLead(worker, strong("de1@bigco-de1.io", "DE"))).key);
  assert.equal(next.owner.id, "eve", "round-robin: the one given least recently");

  // Every enterprise handoff posted one Block Kit message with a link to the lead.
  await eventually(() => chat.posts.length >= 5, 10_000, "five chat messages");
  assert.equal(chat.posts.length, 5);
  for (const post of chat.posts) checkBlockKit(post.body);
  const first = chat.posts.find((p) => JSON.stringify(p.body).includes(us[0].key));
  assert.ok(first, "the message names its handoff");
  const text = JSON.stringify(first.body.blocks);
  assert.match(text, /Ann Lee/);
  assert.match(text, /Viewed pricing/, "the engine's reasons, as sentences");
  const button = first.body.blocks.find((b) => b.type === "actions").elements[0];
  assert.equal(button.url, `${worker.url}/__mql/dashboard#q=${encodeURIComponent(us[0].key)}`);

  const summary = (await worker.admin("/__mql/summary")).body;
  assert.deepEqual(
    Object.fromEntries(Object.entries(summary.byRoute).map(([r, f]) => [r, f.handedOff])),
    { enterprise: 5, inside: 2, nurture: 1 },
  );
  assert.equal(summary.byOwner.ann.handedOff, 3);
  assert.equal(summary.byOwner.ann.byStatus.accepted, 1);
  assert.equal(summary.byOwner.ann.mqlToSqlRate, 1);
  assert.equal(summary.byOwner["(unassigned)"].handedOff, 1, "the nurture lead");
  const listed = (await worker.admin(`/__mql/handoffs?q=${encodeURIComponent(us[0].key)}`)).body.handoffs[0];
  assert.deepEqual([listed.lead.route, listed.lead.owner.id], ["enterprise", "ann"]);
});

test("an owner who lets the SLA lapse: the lead goes to the next owner, who has a clock too, until none is left", async () => {
  const alerts = await startSink();
  const crm = await startSink();
  const w = await startWorker({
    origin: origin.url, webhook: crm.url, alerts: alerts.url, slack: chat.url,
    // A follow-up within 3 s: it lapses during the test, with each owner in turn.
    settings: { ...QUICK, followUpMinutes: 0.05, routing: { routes: [], default: { id: "team", destination: "sales", slack: "SLACK_WEBHOOK_URL", owners: [{ id: "ann" }, { id: "bo", name: "Bo Chen" }, { id: "cy" }] } } },
  });
  try {
    const { key } = await makeLead(w, { email: "slow@follow-co.io" });
    const first = (await eventually(() => crm.delivered.get(key), 10_000, "delivered")).lead;
    assert.equal(first.owner.id, "ann");
    const overdue = () => [...alerts.delivered.values()].map((a) => a.lead).filter((a) => a.alert === "follow-up-overdue" && a.key === key).sort((a, b) => a.lapse - b.lapse);
    await eventually(() => overdue().length >= 3, 30_000, "three lapses");
    assert.deepEqual(
      overdue().map((a) => [a.lapse, a.owner, a.reassignedTo, a.ownersLeft]),
      [[1, "ann", "bo", true], [2, "bo", "cy", true], [3, "cy", null, false]],
      "each owner in turn, then an alert that nobody is left",
    );
    const [one, two] = overdue();
    assert.ok(two.dueAt > one.dueAt, "Bo had a deadline of his own");
    // The CRM heard of each new owner, with the lead.
    const news = [...crm.delivered.values()].map((d) => d.lead).filter((d) => d.event === "lead-reassigned" && d.key === key);
    assert.deepEqual(news.map((n) => [n.previousOwner, n.owner.id]).sort(), [["ann", "bo"], ["bo", "cy"]]);
    assert.equal(news.find((n) => n.owner.id === "bo").owner.name, "Bo Chen");
    // And the route's chat: the new lead, then each move, in Block Kit.
    const posts = await eventually(() => {
      const mine = chat.posts.filter((p) => JSON.stringify(p.body).includes(key));
      return mine.length >= 3 && mine;
    }, 10_000, "three chat messages");
    for (const post of posts) checkBlockKit(post.body);
    const headers = posts.map((p) => p.body.blocks[0].text.text).sort();
    assert.match(headers[0], /^New [A-D][1-4] lead: slow@follow-co\.io$/);
    assert.deepEqual(headers.slice(1), ["Reassigned to Bo Chen (ann did not follow up): slow@follow-co.io", "Reassigned to cy (Bo Chen did not follow up): slow@follow-co.io"].sort());
    const listed = (await w.admin(`/__mql/handoffs?q=${encodeURIComponent(key)}`)).body.handoffs[0];
    assert.deepEqual([listed.status, listed.lead.owner.id], ["overdue", "cy"]);
    assert.deepEqual(listed.lead.reassigned.map((r) => [r.from, r.to]), [["ann", "bo"], ["bo", "cy"]]);
    const summary = (await w.admin("/__mql/summary")).body;
    assert.deepEqual([summary.byOwner.cy?.handedOff, summary.byOwner.bo?.handedOff, summary.byOwner.ann?.handedOff], [1, undefined, undefined], "the handoff is counted as Cy's now");
    assert.equal(summary.slaHitRate, 0, "the promise made to the lead (the first deadline) was missed");
    assert.match(w.output.join(""), /"mql":"handoff-reassigned","key":"[^"]+","route":"team","from":"ann","to":"bo","lapse":1/);
    // Nobody left: no more alerts, however long it waits.
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(overdue().length, 3);
  } finally {
    await w.stop();
    alerts.close();
    crm.close();
  }
});

test("a follow-up stops the chain: the owner who answered keeps the lead", async () => {
  const alerts = await startSink();
  const w = await startWorker({
    origin: origin.url, webhook: sales.url, alerts: alerts.url,
    settings: { ...QUICK, followUpMinutes: 0.05, routing: { routes: [], default: { id: "team", destination: "sales", owners: [{ id: "ann" }, { id: "bo" }, { id: "cy" }] } } },
  });
  try {
    const { key } = await makeLead(w, { email: "answered@follow-co.io" });
    const overdue = () => [...alerts.delivered.values()].map((a) => a.lead).filter((a) => a.alert === "follow-up-overdue" && a.key === key);
    await eventually(() => overdue().length >= 1, 15_000, "the first lapse");
    const said = await w.admin("/__mql/feedback", { method: "POST", body: { id: "bo-answers", key, outcome: "accepted" } });
    assert.equal(said.status, 200);
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(overdue().map((a) => [a.owner, a.reassignedTo]), [["ann", "bo"]], "Bo followed up: nothing more");
    const listed = (await w.admin(`/__mql/handoffs?q=${encodeURIComponent(key)}`)).body.handoffs[0];
    assert.deepEqual([listed.status, listed.lead.owner.id], ["accepted", "bo"]);
  } finally {
    await w.stop();
    alerts.close();
  }
});

test("routing settings are checked, each problem named", async () => {
  for (const [routing, message] of [
    [{ routes: [{ id: "x", when: { grades: ["E1"] }, destination: "sales" }] }, /SETTINGS\.routing\.routes\[0\]\.when\.grades must list grades/],
    [{ routes: [{ id: "x", when: {}, destination: "crm" }] }, /SETTINGS\.routing\.routes\[0\]\.destination must be one of sales, nurture/],
    [{ routes: [{ id: "x", when: {}, destination: "sales", slack: "NOT_BOUND" }] }, /SETTINGS\.routing\.routes\[0\]\.slack: NOT_BOUND must be set/],
    [{ routes: [], default: { id: "d", destination: "sales", owners: [{ id: "a", capacity: 0 }] } }, /SETTINGS\.routing\.default\.owners\[0\]\.capacity must be a whole number >= 1/],
  ]) {
    await refusesSettings({ origin: origin.url, webhook: sales.url }, { routing }, message);
  }
});

test("the routing example in docs/edge.md reads without a problem", () => {
  const page = readFileSync(new URL("../../docs/edge.md", import.meta.url), "utf8");
  const examples = page.split("```jsonc\n").slice(1).map((b) => b.split("```")[0]).filter((b) => b.trim().startsWith('"routing"'));
  assert.ok(examples.length >= 1);
  for (const text of examples) {
    const { routing, problems } = readRouting(JSON.parse(`{${text}}`).routing, { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X" });
    assert.deepEqual(problems, []);
    assert.ok(routing.routes.length >= 1);
  }
});
