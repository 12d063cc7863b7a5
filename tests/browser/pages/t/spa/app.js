// A small single-page app: links change the route with history.pushState, a retired path
// redirects with replaceState, the back button is popstate; each route sets its own title.
const titles = { "/t/spa/": "Home", "/product": "Product", "/pricing": "Pricing" };
const main = document.querySelector("main");

function render() {
  if (location.pathname === "/old-pricing") history.replaceState({ redirected: true }, "", "/pricing");
  const name = titles[location.pathname] ?? "Not found";
  document.title = `${name} · App`;
  main.textContent = `This is the ${name} route.`;
  // A freshly rendered CTA, as a framework would make it on each route.
  const cta = document.createElement("a");
  cta.className = "cta route-cta";
  cta.href = "/contact";
  cta.dataset.mqlCta = "";
  cta.textContent = "Start a free trial";
  main.append(" ", cta);
}

document.addEventListener("click", (e) => {
  const link = e.target.closest("a[data-route]");
  if (!link) return;
  e.preventDefault();
  history.pushState({}, "", link.getAttribute("href"));
  render();
});
addEventListener("popstate", render);
render();
