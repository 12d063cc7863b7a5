// Calls the site makes before mqlscore has loaded (its tag is async here), as analytics snippets allow.
window.mqlscore = window.mqlscore || [];
window.mqlscore.push(
  ["identify", { email: "ann@acme.com", title: "VP Sales" }],
  ["track", "Demo Requested"],
  (api) => { window.readyResult = api.result(); },
);
