// The bar of bench/embed.mjs: the hand-written scorer as a page would load it, in place of the
// embed's tag on the production page. Once the document is parsed it imports the scorer, scores
// the page view and marks <html> and the first score as the embed does.
document.addEventListener("DOMContentLoaded", async () => {
  const { HandScorer } = await import("/hand-scorer.mjs");
  const now = Date.now();
  const scorer = new HandScorer();
  const event = { type: "page", messageId: String(Math.random()), timestamp: new Date(now).toISOString(), properties: { path: location.pathname, url: location.href, title: document.title } };
  const result = scorer.ingest(event, now);
  document.documentElement.dataset.mqlScore = String(result.score);
  performance.mark("mqlscore:first-score");
}, { once: true });
