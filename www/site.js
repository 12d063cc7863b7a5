// The fictional site's shared header and footer (plain site chrome; mqlscore is added separately).
const pages = [
  ["/", "Home"],
  ["/product", "Product"],
  ["/product/analytics", "Analytics"],
  ["/product/automation", "Automation"],
  ["/pricing", "Pricing"],
  ["/blog/why-lead-scoring", "Blog"],
  ["/whitepaper", "Whitepaper"],
  ["/careers", "Careers"],
  ["/contact", "Contact"],
];
const here = location.pathname.replace(/\/+$/, "") || "/";
const header = document.createElement("header");
header.className = "site-header";
header.innerHTML = `<a class="logo" href="/">Pipewise</a><nav></nav>
  <a class="cta" href="/contact" data-mql-cta>Start a free trial</a>`;
const nav = header.querySelector("nav");
for (const [href, label] of pages) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = label;
  if (href === here) a.setAttribute("aria-current", "page");
  nav.append(a);
}
document.body.prepend(header);
const footer = document.createElement("footer");
footer.className = "site-footer";
footer.textContent = "Pipewise is a fictional product: this site demonstrates mqlscore, lead scoring in the browser.";
document.body.append(footer);

// The demo's forms and download button stay on the page (a real site would post them) and say
// thanks. mqlscore's embed sees the same submits and clicks (data-mql-identify, data-mql-track).
function thank(el) {
  const thanks = el.querySelector(".thanks") ?? el.parentElement?.parentElement?.querySelector(".thanks");
  if (!thanks) return;
  if (el.dataset.thanks) thanks.textContent = el.dataset.thanks;
  thanks.hidden = false;
}
document.addEventListener("submit", (e) => {
  e.preventDefault();
  thank(e.target);
});
document.addEventListener("click", (e) => {
  const button = e.target.closest("button[data-thanks]");
  if (button) thank(button);
});
