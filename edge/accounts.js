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

  /** The account: its figures and its members, most engaged first. */
  view(rules) {
    const about = Object.fromEntries(this.sql.exec("SELECT name, value FROM about").toArray().map((r) => [r.name, r.value]));
    const members = this.sql.exec("SELECT * FROM people ORDER BY engagement DESC").toArray().map((p) => ({ ...p, mql: p.mql === 1 }));
    return { key: about.key, name: about.name, claimedName: about.claimed ?? null, ...accountScore(members, rules), members };
  }
}
