// Types for the embed (embed/mqlscore-embed.js): `window.mqlscore` and the DOM events it fires.
// In TypeScript: `import type {} from "mqlscore/embed/mqlscore-embed";` once, then use them.
import type { ScoreResult } from "../mqlscore";

/** What the embed's events and `mqlscore.result()` carry: the numbers of a result, frozen. */
export type LightResult = Readonly<
  Pick<ScoreResult, "score" | "fit" | "engagement" | "grade" | "mql" | "becameMql" | "mqlSince" | "filteredBy" | "model" | "at">
>;

/** Properties or traits of an event: a plain object. */
export type Fields = Record<string, unknown>;

/** A call as `mqlscore.push` (and the queue made before the embed loaded) takes it. */
export type QueuedCall =
  | ["page", Fields?]
  | ["track", string, Fields?]
  | ["identify", Fields]
  | ["group", Fields]
  | ["consent", boolean]
  | ((api: MqlscoreEmbed) => void);

/** `window.mqlscore` once the embed has loaded. */
export interface MqlscoreEmbed {
  /** A page view now (path, url, title and referrer filled in; `properties` override them). */
  page(properties?: Fields): void;
  /** A `track` event. */
  track(event: string, properties?: Fields): void;
  /** Traits of the person. */
  identify(traits: Fields): void;
  /** Traits of the company. */
  group(traits: Fields): void;
  /** The latest light result, or null before the first score (or without consent). */
  result(): LightResult | null;
  /** Gives (true) or withdraws (false: what was stored is erased) consent. */
  consent(granted: boolean): void;
  /** Runs calls now, or functions once `ready`. */
  push(...calls: QueuedCall[]): void;
  /** The first light result, once the session is open and the calls made before are scored. */
  readonly ready: Promise<LightResult>;
}

declare global {
  interface Window {
    mqlscore: MqlscoreEmbed;
  }
  interface DocumentEventMap {
    /** Score, grade or MQL flag changed (null: consent withdrawn). */
    "mqlscore:score": CustomEvent<LightResult | null>;
    /** The visitor became an MQL. */
    "mqlscore:mql": CustomEvent<LightResult>;
  }
}
