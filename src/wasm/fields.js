// Reads an event in one call: JavaScript walks every path the model's events may need (property
// reads the JIT makes cheap), writes a tag and a number per field into `out` and the field texts
// as UTF-8 into `bytes` (both views of the engine's memory, kept by the model's plan), so an
// event costs one call across the boundary and no allocation on either side.
// Nothing is trusted: a getter or proxy that throws reads as absent, like a missing field.

const ABSENT = 0;
const FALSE = 1;
const TRUE = 2;
const NUMBER = 3;
const TEXT = 4;
const TOO_LONG = 5;
const ARRAY = 6;
const FUNCTION = 7;
const OBJECT = 8;
const OTHER = 9;
const NOT_UNICODE = 10;
/** Added to a slot read only when the one before it read as absent (see `makePlan`). */
const OR_ELSE = 0x80000000;

/** Whether text is valid Unicode (encodeURIComponent throws on a lone surrogate). */
const wellFormed = String.prototype.isWellFormed
  ? (s) => s.isWellFormed()
  : (s) => {
      try {
        return encodeURIComponent(s), true;
      } catch {
        return false;
      }
    };
const encoder = new TextEncoder();

/**
 * The length of `s` in UTF-8 bytes: text limits are in bytes for every reader of events (JSON,
 * JSON Lines, JavaScript objects, calls), so that one event is accepted or refused by all alike.
 */
export function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 2 bytes below U+0800, 3 above, 4 for a surrogate pair (2 units, +1 each).
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/** Epoch milliseconds of a number or a `Date`; NaN for anything else (the engine then reads text). */
export function timeOf(v) {
  return typeof v === "number" ? v : v instanceof Date ? v.getTime() : NaN;
}

/**
 * The plan of one model, made once: `text` holds every planned path (its keys joined by dots),
 * one after the other; `shape` is, for each field, its longest text in UTF-8 bytes and its
 * path's length in UTF-16 units, after two first numbers: the count of fields
 * and how many of the first are read from every event (type, messageId, timestamp); then for
 * `page`, `track`, `identify` and `group` the count of the other slots read for that type, and
 * the slots, a slot plus `OR_ELSE` when it is read only if the one before it is absent (the
 * other places of a page's path). Each field's text goes to its own place in the engine's
 * buffer, `maxes[i]` bytes at `starts[i]`; `out` is at `outAt` in `memory`, `bytes` at `bytesAt`.
 */
export function makePlan(text, shape, memory, outAt, bytesAt) {
  const [n, common] = shape;
  const keys = [];
  const maxes = [];
  const starts = [];
  let at = 2;
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const max = shape[at++];
    const to = from + shape[at++];
    keys.push(to === from ? [] : text.slice(from, to).split("."));
    from = to;
    maxes.push(max);
    starts.push(bytes);
    bytes += max;
  }
  const kinds = new Map();
  for (const type of ["page", "track", "identify", "group"]) {
    const count = shape[at++];
    kinds.set(type, shape.slice(at, at + count));
    at += count;
  }
  return { keys, maxes, starts, kinds, common, last: [], memory, outAt, bytesAt, size: bytes, out: new Float64Array() };
}

/** The plan's views, made again once the memory has grown (the old ones are then empty). */
function views(plan) {
  if (plan.out.length === 0) {
    const buffer = plan.memory.buffer;
    plan.out = new Float64Array(buffer, plan.outAt, 2 * plan.keys.length);
    plan.bytes = new Uint8Array(buffer, plan.bytesAt, plan.size);
  }
  return plan;
}

/**
 * Reads `event` by `plan` (see `makePlan`). `out[2i]` gets the tag of field i, `out[2i + 1]`
 * the number, the length in bytes of a text or of a text too long to copy; fields not read are
 * absent. The text of field i is written as UTF-8 to `bytes` at `plan.starts[i]`, unless it is
 * the text `last[2i]` (of `last[2i + 1]` bytes) the field had when last read as text, which is
 * still there. Returns false, reading nothing, when `event` is not an object.
 */
export function readFields(event, plan) {
  const { keys, maxes, starts, last, out, bytes } = views(plan);
  out.fill(0);
  if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
  const type = readOne(event, 0, keys, maxes, out, bytes, starts, last);
  for (let i = 1; i < plan.common; i++) readOne(event, i, keys, maxes, out, bytes, starts, last);
  const slots = typeof type === "string" ? plan.kinds.get(type) : undefined;
  if (slots !== undefined) {
    let previous = ABSENT;
    for (let j = 0; j < slots.length; j++) {
      let slot = slots[j];
      if (slot >= OR_ELSE) {
        // Left unread (absent) once a place before it held something: the engine stops there.
        if (previous !== ABSENT) continue;
        slot -= OR_ELSE;
      }
      readOne(event, slot, keys, maxes, out, bytes, starts, last);
      previous = out[2 * slot];
    }
  }
  return true;
}

/** Reads field `i` of `event` as `readFields` says, and returns its value. */
function readOne(event, i, keys, maxes, out, bytes, starts, last) {
  const path = keys[i];
  let tag = ABSENT;
  let num = 0;
  let v;
  try {
    v = path.length === 0 ? undefined : event;
    for (let k = 0; k < path.length; k++) {
      if (typeof v !== "object" || v === null) {
        v = undefined;
        break;
      }
      v = v[path[k]];
    }
    switch (typeof v) {
      case "number":
        tag = NUMBER;
        num = v;
        break;
      case "string": {
        const max = maxes[i];
        // Each UTF-16 unit is at least one byte: more units than the limit is too long.
        if (v.length > max) {
          tag = TOO_LONG;
          num = utf8Length(v);
          break;
        }
        const bytesOf = last[2 * i] === v ? last[2 * i + 1] : copy(v, bytes, starts[i], max);
        if (bytesOf < 0) {
          tag = -bytesOf;
          num = tag === TOO_LONG ? utf8Length(v) : 0;
          last[2 * i] = undefined;
          break;
        }
        last[2 * i] = v;
        last[2 * i + 1] = bytesOf;
        tag = TEXT;
        num = bytesOf;
        break;
      }
      case "boolean":
        tag = v ? TRUE : FALSE;
        break;
      case "undefined":
        break;
      case "function":
        tag = FUNCTION;
        break;
      case "object":
        tag = v === null ? ABSENT : Array.isArray(v) ? ARRAY : OBJECT;
        break;
      default:
        tag = OTHER;
    }
  } catch {
    tag = ABSENT;
    num = 0;
    v = undefined;
    last[2 * i] = undefined;
  }
  out[2 * i] = tag;
  out[2 * i + 1] = num;
  return v;
}

/**
 * Reads `identify(traits)` or `group(traits)` as the event it stands for, `{ type, traits }`, in
 * the same one call.
 */
export function readTraits(type, traits, plan) {
  return readFields({ type, traits }, plan);
}

/**
 * Writes `s` (at most `max` UTF-16 units) as UTF-8 to `bytes` at `at`, in at most `max` bytes.
 * Returns the bytes written, or minus the tag of a text that cannot be: not well formed, or
 * longer than `max` bytes.
 */
function copy(s, bytes, at, max) {
  const units = s.length;
  if (units > 24) {
    if (!wellFormed(s)) return -NOT_UNICODE;
    const done = encoder.encodeInto(s, bytes.subarray(at, at + max));
    return done.read < units ? -TOO_LONG : done.written;
  }
  // A short text is copied unit by unit while it is ASCII (always well formed).
  let n = 0;
  while (n < units) {
    const c = s.charCodeAt(n);
    if (c > 0x7f) break;
    bytes[at + n] = c;
    n++;
  }
  if (n === units) return n;
  if (!wellFormed(s)) return -NOT_UNICODE;
  const rest = s.slice(n);
  const done = encoder.encodeInto(rest, bytes.subarray(at + n, at + max));
  return done.read < rest.length ? -TOO_LONG : n + done.written;
}
