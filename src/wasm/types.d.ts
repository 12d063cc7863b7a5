// What crosses the boundary as serde types (the model, results, problems, restore notes,
// training options and results) is declared in generated.d.ts, generated from the engine's Rust
// types by scripts/generate.sh. Events, read field by field, are declared here.

export type Traits = Record<string, unknown>;

interface EventCommon {
  messageId?: string;
  /** ISO-8601 text or epoch milliseconds; absent means now. */
  timestamp?: string | number;
  anonymousId?: string;
  userId?: string;
  context?: Record<string, unknown>;
}

export type SegmentEvent =
  | (EventCommon & { type: "page"; name?: string; properties: { path?: string; url?: string; [k: string]: unknown } })
  | (EventCommon & { type: "track"; event: string; properties?: Record<string, unknown> })
  | (EventCommon & { type: "identify"; traits: Traits })
  | (EventCommon & { type: "group"; groupId?: string; traits: Traits })
  | (EventCommon & { type: "screen" | "alias"; [k: string]: unknown });

