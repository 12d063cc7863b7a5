// The hand-written scorer as a page would load it (see index.html): once the document is parsed,
// import it, score the page view, mark <html> and the first score as the embed does.
document.addEventListener("DOMContentLoaded", async () => {
  const { HandScorer } = await import("/hand-scorer.mjs");
  const now = Date.now();
  const scorer = new HandScorer();
  const event = { type: "page", messageId: String(Math.random()), timestamp: new Date(now).toISOString(), properties: { path: location.pathname, url: location.href, title: document.title } };
  const result = scorer.ingest(event, now);
  document.documentElement.dataset.mqlScore = String(result.score);
  performance.mark("mqlscore:first-score");
}, { once: true });
