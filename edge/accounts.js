// Accounts: the people of one company, rolled up. One Durable Object per account (its SQLite
// storage holds each person's latest scores), so an account's score is the same whichever
// isolate or location serves its people; edge/account-score.js says how it scores.
import { DurableObject } from "cloudflare:workers";
import { accountScore } from "./account-score.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS people (
  visitor TEXT PRIMARY KEY,
  email TEXT,
  title TEXT,
  fit REAL NOT NULL,
  engagement REAL NOT NULL,
  score REAL NOT NULL,
  mql INTEGER NOT NULL,
  seen INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS about (name TEXT PRIMARY KEY, value TEXT);
`;

export class Account extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** Records one person's latest scores; returns the account's figures after it. */
  update(account, person, rules) {
    this.sql.exec("INSERT OR REPLACE INTO about (name, value) VALUES ('key', ?)", account.key);
    // The account is named by its verified part, the domain; a typed company name is a claim.
    this.sql.exec("INSERT OR REPLACE INTO about (name, value) VALUES ('name', ?)", account.domain);
    if (account.claimed) this.sql.exec("INSERT OR REPLACE INTO about (name, value) VALUES ('claimed', ?)", String(account.claimed));
    this.sql.exec(
      "INSERT OR REPLACE INTO people (visitor, email, title, fit, engagement, score, mql, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      person.visitor, person.email ?? null, person.title ?? null, person.fit, person.engagement, person.score, person.mql ? 1 : 0, person.seen,
    );
    return this.view(rules);
  }

  /** A person's row in this account (by visitor ids or email), for an export. */
  member({ visitors = [], email = null }) {
    return this.sql.exec("SELECT * FROM people").toArray().filter((p) => visitors.includes(p.visitor) || (email && p.email?.toLowerCase() === email));
  }

  /**
   * Removes a person (by visitor ids or email) and the company name claims, which may be
   * theirs; returns how many rows went and the account after it, or null when nobody is left
   * (then nothing of it is kept).
   */
  erase({ visitors = [], email = null }, rules) {
    const gone = this.member({ visitors, email });
    for (const p of gone) this.sql.exec("DELETE FROM people WHERE visitor = ?", p.visitor);
    this.sql.exec("DELETE FROM about WHERE name = 'claimed'");
    const left = this.sql.exec("SELECT COUNT(*) AS n FROM people").one().n;
    if (left === 0) {
      this.sql.exec("DELETE FROM about");
      return { removed: gone.length, account: null };
    }
    return { removed: gone.length, account: this.view(rules) };
  }

  /** The account: its figures and its members, most engaged first. */
  view(rules) {
    const about = Object.fromEntries(this.sql.exec("SELECT name, value FROM about").toArray().map((r) => [r.name, r.value]));
    const members = this.sql.exec("SELECT * FROM people ORDER BY engagement DESC").toArray().map((p) => ({ ...p, mql: p.mql === 1 }));
    return { key: about.key, name: about.name, claimedName: about.claimed ?? null, ...accountScore(members, rules), members };
  }
}
