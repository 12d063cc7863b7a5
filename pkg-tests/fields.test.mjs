// The event reader the packages ship (src/wasm/fields.js): a text that is not Unicode (a lone
// surrogate) reads as such, whether the host has `String.prototype.isWellFormed` (Node 20,
// today's browsers) or not (older browsers: its fallback, encodeURIComponent). This file's process
// removes the method before a second copy of the reader is imported, so both are compared.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const snippets = `${root}pkg/nodejs/snippets/`;
const reader = `${snippets}${readdirSync(snippets)[0]}/src/wasm/fields.js`;

const TEXT = 4;
const NOT_UNICODE = 10;

/** The tag and number `readFields` gives a page's `properties.path` of `path`, by `fields`. */
function readPath(fields, path) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  // Fields: type, messageId, timestamp (read from every event), properties.path (a page's).
  const names = ["type", "messageId", "timestamp", "properties.path"];
  const shape = [names.length, 3, ...names.flatMap((n) => [200, n.length]), 1, 3, 0, 0, 0];
  const plan = fields.makePlan(names.join(""), shape, memory, 0, 64);
  assert.equal(fields.readFields({ type: "page", properties: { path } }, plan), true);
  const out = new Float64Array(memory.buffer, 0, 8);
  return [out[6], out[7]];
}

const HIGH = "\ud83d";
const LOW = "\ude00";
const CASES = [
  ["/ascii", TEXT],
  [`/${HIGH}${LOW}`, TEXT], // a pair: 😀
  [`/é${HIGH}${LOW}x`, TEXT],
  [`/${HIGH}`, NOT_UNICODE], // high at the end
  [`/${HIGH}x`, NOT_UNICODE],
  [`/${LOW}`, NOT_UNICODE], // low alone
  [`/${LOW}${HIGH}`, NOT_UNICODE], // the pair reversed
  [`/${LOW}${LOW}`, NOT_UNICODE],
  [`/${HIGH}${HIGH}${LOW}`, NOT_UNICODE],
  [`/${"long".repeat(10)}${HIGH}${LOW}`, TEXT], // past 24 units: encodeInto's path
  [`/${"long".repeat(10)}${LOW}`, NOT_UNICODE],
];

test("texts that are not Unicode read alike with and without String.prototype.isWellFormed", async () => {
  assert.equal(typeof String.prototype.isWellFormed, "function", "this Node has the method");
  const withMethod = await import(reader);
  const method = String.prototype.isWellFormed;
  delete String.prototype.isWellFormed;
  let withoutMethod;
  try {
    withoutMethod = await import(`${reader}?without-isWellFormed`);
  } finally {
    String.prototype.isWellFormed = method;
  }
  for (const [path, tag] of CASES) {
    const expected = readPath(withMethod, path);
    assert.equal(expected[0], tag, `${JSON.stringify(path)} with the method`);
    delete String.prototype.isWellFormed;
    try {
      assert.deepEqual(readPath(withoutMethod, path), expected, `${JSON.stringify(path)} without the method`);
    } finally {
      String.prototype.isWellFormed = method;
    }
  }
});
