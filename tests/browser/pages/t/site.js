// What a site's own code does with mqlscore: listen to its events and keep them for the tests.
window.seen = [];
for (const name of ["mqlscore:score", "mqlscore:mql"]) {
  document.addEventListener(name, (e) => window.seen.push({ name, detail: e.detail && { ...e.detail } }));
}
document.addEventListener("click", (e) => {
  const button = e.target.closest("button[data-consent]");
  if (button) window.mqlscore.consent(button.dataset.consent === "yes");
});
