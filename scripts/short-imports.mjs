// Short names for what the small module imports from its glue. wasm-bindgen names each import
// by its module path and a hashed name (`./mqlscore_bg.js` / `__wbg_get_unchecked_e6325ad374eff861`):
// 41 imports, two kilobytes the page downloads twice (in the `.wasm` and as the glue's keys), the
// hashes barely compressible. Here every import becomes module `a`, name `a`, `b`, ... in the
// `.wasm`, and the glue's imports object is rewritten to match: its own functions keyed by the
// short names, the snippets' functions (the event reader, the result object) added by them.
// Exports keep their names (`memory`, the classes' functions: what `initSync` returns).
// Run on the web package's small module before its glue is bundled; a glue whose shape is not the
// one expected is an error, so a new wasm-bindgen cannot break the module quietly.
import { readFileSync, writeFileSync } from "node:fs";

/** Reads an unsigned LEB128 number at `at`: [value, next position]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, at];
    shift += 7;
  }
}

/** The unsigned LEB128 bytes of `n`. */
function toLeb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();
const name = (s) => [...toLeb(utf8.encode(s).length), ...utf8.encode(s)];

/** The end of an import's description (kind byte and what follows) starting at `at`. */
function descriptionEnd(bytes, at) {
  const kind = bytes[at++];
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = leb(bytes, p);
    if (flags & 1) [, p] = leb(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: // function: type index
      return leb(bytes, at)[1];
    case 1: // table: reference type, limits
      return limits(at + 1);
    case 2: // memory: limits
      return limits(at);
    case 3: // global: value type, mutability
      return at + 2;
    case 4: // tag: attribute, type index
      return leb(bytes, at + 1)[1];
    default:
      throw new Error(`short-imports: unknown import kind ${kind}`);
  }
}

/** `a`, `b`, ..., `z`, `A`, ..., `Z`, `aa`, ...: the i-th short name. */
function shortName(i) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = letters[i % letters.length] + s;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return s;
}

/**
 * Renames the imports of `dir/mqlscore_bg.wasm` and rewrites `dir/mqlscore.js` to match. Returns
 * the number of imports renamed (0 when the module's imports are short already).
 */
export function shortenImports(dir) {
  const wasmFile = `${dir}/mqlscore_bg.wasm`;
  const glueFile = `${dir}/mqlscore.js`;
  const bytes = readFileSync(wasmFile);
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = leb(bytes, at + 1);
    if (id !== 2) {
      at = body + size;
      continue;
    }
    let p = body;
    let count;
    [count, p] = leb(bytes, p);
    const imports = [];
    for (let i = 0; i < count; i++) {
      const [moduleLength, m] = leb(bytes, p);
      const module = text.decode(bytes.subarray(m, m + moduleLength));
      const [nameLength, n] = leb(bytes, m + moduleLength);
      const field = text.decode(bytes.subarray(n, n + nameLength));
      const descriptionAt = n + nameLength;
      p = descriptionEnd(bytes, descriptionAt);
      imports.push({ module, field, description: bytes.subarray(descriptionAt, p) });
    }
    if (imports.every((i) => i.module === "a")) return 0;
    // One short name per module and name (a pair imported twice keeps one name).
    const shorts = new Map();
    for (const i of imports) {
      const key = `${i.module}\0${i.field}`;
      if (!shorts.has(key)) shorts.set(key, shortName(shorts.size));
      i.short = shorts.get(key);
    }
    const section = [...toLeb(count)];
    for (const i of imports) section.push(...name("a"), ...name(i.short), ...i.description);
    const out = Buffer.concat([bytes.subarray(0, at), Buffer.from([2, ...toLeb(section.length), ...section]), bytes.subarray(body + size)]);
    writeFileSync(glueFile, rewriteGlue(readFileSync(glueFile, "utf8"), imports));
    writeFileSync(wasmFile, out);
    return imports.length;
  }
  return 0;
}

/** The glue with its imports object keyed as `imports` are now named (see the file's comment). */
function rewriteGlue(glue, imports) {
  const returned = /return \{\s*__proto__: null,\s*((?:"[^"]+": import\d+,\s*)+)\};/;
  const found = glue.match(returned);
  if (!found) throw new Error("short-imports: the glue's imports object is not where wasm-bindgen puts it");
  const namespaces = new Map([...found[1].matchAll(/"([^"]+)": (import\d+)/g)].map((m) => [m[1], m[2]]));
  const own = namespaces.get("./mqlscore_bg.js");
  if (own !== "import0") throw new Error("short-imports: the glue's own imports are not import0");
  const added = [];
  const done = new Set();
  for (const i of imports) {
    if (done.has(i.short)) continue;
    done.add(i.short);
    if (i.module === "./mqlscore_bg.js") {
      const key = new RegExp(`(\\n\\s+)${i.field}:`, "g");
      const hits = glue.match(key)?.length ?? 0;
      if (hits !== 1) throw new Error(`short-imports: ${i.field} is keyed ${hits} times in the glue`);
      glue = glue.replace(key, `$1${i.short}:`);
    } else {
      const namespace = namespaces.get(i.module);
      if (!namespace) throw new Error(`short-imports: no namespace in the glue for ${i.module}`);
      added.push(`${i.short}: ${namespace}.${i.field}`);
    }
  }
  return glue.replace(returned, `return { __proto__: null, a: Object.assign(import0, { ${added.join(", ")} }) };`);
}
