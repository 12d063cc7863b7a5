// The email checks at the handoff gate: a lead goes to sales only with an address that is
// well-formed and not on a disposable-mail domain (the worker passes the list: the `mailchecker`
// npm package's, pinned in tools/package.json and copied into edge/pkg/disposable-domains.txt at
// build); a role address (info@, sales@) passes but is flagged in the lead for sales to see.
// Free-mail addresses pass too (people use them), but never name an account.

/** Free-mail and ISP domains: a person on one of them says nothing about their company. */
export const FREE_MAIL = new Set(
  `gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de ymail.com hotmail.com hotmail.co.uk hotmail.fr
   outlook.com live.com msn.com icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.de
   gmx.net web.de t-online.de mail.com mail.ru yandex.ru yandex.com qq.com 163.com 126.com zoho.com fastmail.com
   hey.com tutanota.com orange.fr free.fr laposte.net libero.it btinternet.com comcast.net verizon.net`.split(/\s+/),
);

/** Local parts that name a function, not a person. */
const ROLES = new Set(
  `info sales support admin administrator contact hello hi office marketing team help billing accounts accounting
   finance hr jobs careers recruiting press media webmaster postmaster hostmaster abuse noreply no-reply
   enquiries inquiries service customerservice feedback legal privacy security orders`.split(/\s+/),
);

// RFC 5321/5322's dot-atom, as people type it: no quoted local parts, no IP literals. Labels of
// letters, digits and hyphens; a top-level label of letters (or an IDN's xn--).
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** A lookup of disposable-mail domains from their list, one a line: a domain or one above it. */
export function disposableDomains(text) {
  // The list is generated clean (scripts/build-edge.sh): no trimming, which tripled the cost.
  const set = new Set(text.split("\n"));
  set.delete("");
  return (domain) => {
    for (let d = domain; d.includes("."); d = d.slice(d.indexOf(".") + 1)) if (set.has(d)) return true;
    return false;
  };
}

/**
 * Checks an email address against `isDisposable` (from `disposableDomains`):
 * `{ ok, problem, address, domain, role, freeMail }`. `problem` says
 * why an address fails ("syntax" or "disposable"); `address` is trimmed and in lower case.
 */
export function checkEmail(value, isDisposable) {
  const address = typeof value === "string" ? value.trim().toLowerCase() : "";
  const at = address.lastIndexOf("@");
  const local = address.slice(0, Math.max(at, 0));
  const domain = address.slice(at + 1);
  const labels = domain.split(".");
  const wellFormed =
    at > 0 && address.length <= 254 && local.length <= 64 && LOCAL.test(local) &&
    labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TOP.test(labels.at(-1));
  if (!wellFormed) return { ok: false, problem: "syntax", address, domain: null, role: false, freeMail: false };
  const role = ROLES.has(local.split("+")[0]);
  const freeMail = FREE_MAIL.has(domain);
  if (isDisposable(domain)) return { ok: false, problem: "disposable", address, domain, role, freeMail };
  return { ok: true, problem: null, address, domain, role, freeMail };
}
