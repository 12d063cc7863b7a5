// Reads an event in one call: JavaScript walks every path the model's events may need (property
// reads the JIT makes cheap), writes a tag and a number per field into `out` (a view of the
// engine's memory) and returns the field texts joined into one string, so an event costs one
// call across the boundary and one string copy instead of a call per property and per probe.
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

/** Whether text is valid Unicode (no lone surrogate). */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = String.prototype.isWellFormed
  ? (s) => s.isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

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

/**
 * `keys[i]` is the path of field i, `maxes[i]` the longest text wanted in UTF-8 bytes (longer
 * text is not copied). Fields 0 to `common - 1` (type, messageId, timestamp) are read from every event, the
 * rest only as `kinds` lists them for the event's type. `out[2i]` gets the tag, `out[2i + 1]`
 * the number, the length of a text in UTF-16 units (the engine checks its bytes), or the
 * length in bytes of a text too long to copy; fields not read are absent.
 */
export function readFields(event, keys, maxes, out, common, kinds) {
  out.fill(0);
  let text = "";
  let type;
  const one = (i) => {
    const path = keys[i];
    let tag = ABSENT;
    let num = 0;
    try {
      let v = path.length === 0 ? undefined : event;
      for (let k = 0; k < path.length; k++) {
        if (typeof v !== "object" || v === null) {
          v = undefined;
          break;
        }
        v = v[path[k]];
      }
      if (i === 0) type = v;
      switch (typeof v) {
        case "number":
          tag = NUMBER;
          num = v;
          break;
        case "string":
          num = v.length;
          // Each UTF-16 unit is at least one byte: more units than the limit is too long.
          if (num > maxes[i]) {
            tag = TOO_LONG;
            num = utf8Length(v);
          }
          else if (!wellFormed(v)) tag = NOT_UNICODE;
          else {
            tag = TEXT;
            text += v;
          }
          break;
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
    }
    out[2 * i] = tag;
    out[2 * i + 1] = num;
  };
  for (let i = 0; i < common; i++) one(i);
  const slots = typeof type === "string" ? kinds.get(type) : undefined;
  if (slots !== undefined) for (let j = 0; j < slots.length; j++) one(slots[j]);
  return text;
}

/**
 * Reads `identify(traits)` or `group(traits)` as the event it stands for, `{ type, traits }`, in
 * the same one call.
 */
export function readTraits(type, traits, keys, maxes, out, common, kinds) {
  return readFields({ type, traits }, keys, maxes, out, common, kinds);
}
