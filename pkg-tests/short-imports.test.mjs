// The web package's scoring modules import from their glue by short names
// (scripts/short-imports.mjs); a glue of a shape the step does not know is refused, nothing written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { shortenImports } from "../scripts/short-imports.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const importsOf = (file) => WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(file)));

test("the web package's scoring modules import by short names, the others by wasm-bindgen's", () => {
  for (const dir of ["", "lite/"]) {
    const imports = importsOf(`${root}pkg/web/${dir}mqlscore_bg.wasm`);
    assert.ok(imports.length > 20, `${dir}: ${imports.length} imports`);
    for (const i of imports) assert.ok(i.module === "a" && i.name.length <= 2, `${dir}: ${i.module} ${i.name}`);
    assert.equal(new Set(imports.map((i) => i.name)).size, imports.length, `${dir}: one name per import`);
  }
  // The Node package's glue requires its imports by wasm-bindgen's names.
  assert.ok(importsOf(`${root}pkg/nodejs/lite/mqlscore_bg.wasm`).some((i) => i.module === "./mqlscore_bg.js"));
});

/** A copy of the Node package's small module (wasm-bindgen's output as it comes) in a new folder. */
function nodeCopy() {
  const dir = mkdtempSync(`${tmpdir()}/short-imports-`);
  cpSync(`${root}pkg/nodejs/lite`, dir, { recursive: true });
  return dir;
}

test("wasm-bindgen's output made short scores as it did, and is left alone the second time", () => {
  const dir = nodeCopy();
  try {
    const renamed = shortenImports(dir);
    assert.ok(renamed > 20, `${renamed} imports renamed`);
    assert.ok(importsOf(`${dir}/mqlscore_bg.wasm`).every((i) => i.module === "a"));
    const after = [readFileSync(`${dir}/mqlscore_bg.wasm`), readFileSync(`${dir}/mqlscore.js`)];
    assert.equal(shortenImports(dir), 0);
    assert.deepEqual([readFileSync(`${dir}/mqlscore_bg.wasm`), readFileSync(`${dir}/mqlscore.js`)], after);
    const require = createRequire(import.meta.url);
    const full = require(`${root}pkg/nodejs/mqlscore.js`);
    const compiled = new full.Model(readFileSync(`${root}models/b2b-saas.json`, "utf8")).compiled();
    const events = [
      { type: "identify", traits: { email: "ann@acme.com", title: "VP Marketing" } },
      { type: "page", properties: { path: "/pricing" }, timestamp: "2026-12-01T10:00:00Z" },
      { type: "track", event: "Demo Requested", timestamp: "2026-12-01T10:05:00Z" },
    ];
    const run = (lite) => {
      const s = new lite.Model(compiled).session();
      const out = events.map((e) => JSON.stringify(s.ingest(e, Date.parse("2026-12-02T00:00:00Z"))));
      out.push(JSON.stringify(s.result(Date.parse("2026-12-02T00:00:00Z")).reasons), s.save());
      return out;
    };
    assert.deepEqual(run(require(`${dir}/mqlscore.js`)), run(require(`${root}pkg/nodejs/lite/mqlscore.js`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a glue whose imports object is not of the shape wasm-bindgen writes is refused, nothing written", () => {
  const dir = nodeCopy();
  try {
    const glue = readFileSync(`${dir}/mqlscore.js`, "utf8");
    writeFileSync(`${dir}/mqlscore.js`, glue.replace('"./mqlscore_bg.js": import0', '"./mqlscore_bg.js": own'));
    const before = [readFileSync(`${dir}/mqlscore_bg.wasm`), readFileSync(`${dir}/mqlscore.js`)];
    assert.throws(() => shortenImports(dir), /short-imports: the glue's imports object is not where wasm-bindgen puts it/);
    assert.deepEqual([readFileSync(`${dir}/mqlscore_bg.wasm`), readFileSync(`${dir}/mqlscore.js`)], before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
