// The message a route posts where sales already looks: a Slack incoming webhook's payload in
// Block Kit (https://api.slack.com/block-kit): who the lead is, the grade and score, the owner,
// the engine's top reasons as sentences, and a link to the lead in the dashboard. It is stored
// and delivered by the outbox like a lead (edge/outbox.js), with the same retries. Text from
// visitors is escaped (Slack's &, <, >) and cut, so a typed name cannot mention @channel or
// make a link.

const TOP_REASONS = 3;

/** Slack's mrkdwn escaping, on text of at most `max` characters. */
function esc(text, max = 150) {
  const s = String(text ?? "").replace(/[\u0000-\u001f]/g, " ");
  const cut = s.length > max ? `${s.slice(0, max - 1)}…` : s;
  return cut.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The payload for `lead` (as handed off, with its route and owner) and its dashboard `link`; with
 * `reassignedFrom`, the news that the lead moved to its owner because that one let it lapse.
 */
export function slackMessage(lead, link, { reassignedFrom = null } = {}) {
  const t = lead.traits ?? {};
  const who = [t.firstName, t.lastName].filter(Boolean).join(" ") || t.email || lead.visitor;
  const account = lead.account?.name ?? lead.email?.domain ?? null;
  const reasons = (lead.reasons ?? []).filter((r) => r.points > 0).slice(0, TOP_REASONS);
  const fields = [
    `*Grade*\n${esc(lead.grade, 4)} · score ${Math.round(lead.score)}`,
    `*Owner*\n${lead.owner ? esc(lead.owner.name ?? lead.owner.id, 80) : "unassigned"}`,
    `*Route*\n${esc(lead.route, 40)} → ${esc(lead.destination, 20)}`,
    `*Account*\n${account ? esc(account, 80) : "—"}`,
  ];
  if (t.title) fields.push(`*Title*\n${esc(t.title, 80)}`);
  if (t.email) fields.push(`*Email*\n${esc(t.email, 120)}`);
  const owner = lead.owner ? lead.owner.name ?? lead.owner.id : "unassigned";
  const headline = reassignedFrom ? `Reassigned to ${String(owner).slice(0, 80)} (${String(reassignedFrom).slice(0, 80)} did not follow up)` : `New ${lead.grade} lead`;
  const blocks = [
    { type: "header", text: { type: "plain_text", text: `${headline}: ${String(who).slice(0, 120)}`.slice(0, 150), emoji: false } },
    { type: "section", fields: fields.map((text) => ({ type: "mrkdwn", text })) },
  ];
  if (reasons.length) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Why now*\n${reasons.map((r) => `• ${esc(r.sentence, 200)}`).join("\n")}` } });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `${esc(lead.model, 60)} · handoff ${esc(lead.idempotencyKey, 80)}` }] });
  if (link) {
    blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the lead" }, url: link, action_id: "open-lead" }] });
  }
  // `text` is what notifications and clients without blocks show.
  const summary = reassignedFrom ? `${esc(who, 120)} reassigned to ${esc(owner, 80)} from ${esc(reassignedFrom, 80)}` : `New ${lead.grade} lead: ${esc(who, 120)}`;
  return { text: `${summary} (score ${Math.round(lead.score)}, ${lead.owner ? `owner ${esc(owner, 80)}` : "unassigned"})`, blocks };
}
