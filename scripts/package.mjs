// Finishes the packages wasm-pack wrote to pkg/<target>: package.json metadata and entry points,
// the package README, the license and the model's JSON Schema; for the web build, the embed a
// website ships and its debug overlay (embed/, minified by esbuild).
// Usage: node scripts/package.mjs web bundler nodejs
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { shortenImports } from "./short-imports.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const SCHEMA = "mqlscore-model.schema.json";
const EMBED = ["embed/mqlscore-embed.js", "embed/mqlscore-debug.js"];
const EMBED_TYPES = "embed/mqlscore-embed.d.ts";

for (const target of process.argv.slice(2)) {
  const dir = `${root}pkg/${target}/`;
  const pkg = JSON.parse(readFileSync(`${dir}package.json`, "utf8"));
  copyFileSync(`${root}npm/README.md`, `${dir}README.md`);
  copyFileSync(`${root}LICENSE`, `${dir}LICENSE`);
  copyFileSync(`${root}schema/model.schema.json`, `${dir}${SCHEMA}`);
  const entry = pkg.main ?? pkg.module;
  // train/ is the training module: the same package's second entry point, not a package.
  // lite/ is the small scoring module (compiled models only), another entry point.
  for (const sub of ["train", "lite"]) {
    for (const extra of ["package.json", "README.md", ".gitignore", "LICENSE"]) rmSync(`${dir}${sub}/${extra}`, { force: true });
  }
  const train = { types: "mqlscore.d.ts", files: pkg.files.filter((f) => readdirSync(`${dir}train`).includes(f)) };
  const trainEntry = `train/${entry}`;
  const embed = target === "web" ? EMBED : [];
  if (target === "web") {
    // The small module's glue is what a page loads with it: its snippets (the result object,
    // the event reader) bundled into it, one request instead of three, and minified (exports
    // and behaviour unchanged), as a site would ship any script. Both scoring modules import
    // from their glue by short names (scripts/short-imports.mjs), the snippets' functions too.
    // No lowered target: rewriting the glue's class fields for es2021 made each event 1.8 µs
    // slower in Node (5,445 against 3,750 ns/event, measured), for 243 bytes.
    for (const sub of ["", "lite"]) shortenImports(`${dir}${sub}`);
    const esbuild = createRequire(`${root}tools/package.json`)("esbuild");
    const built = esbuild.buildSync({ entryPoints: [`${dir}lite/mqlscore.js`], bundle: true, minify: true, format: "esm", legalComments: "inline", write: false, logLevel: "warning" });
    writeFileSync(`${dir}lite/mqlscore.js`, built.outputFiles[0].text);
    rmSync(`${dir}lite/snippets`, { recursive: true, force: true });
  }
  const lite = pkg.files.filter((f) => readdirSync(`${dir}lite`).includes(f)).map((f) => `lite/${f}`);
  if (embed.length) {
    const esbuild = createRequire(`${root}tools/package.json`)("esbuild");
    esbuild.buildSync({ entryPoints: EMBED.map((f) => `${root}${f}`), outdir: `${dir}embed`, minify: true, target: "es2021", legalComments: "inline", logLevel: "warning" });
    copyFileSync(`${root}${EMBED_TYPES}`, `${dir}${EMBED_TYPES}`);
  }
  const finished = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    repository: { type: "git", url: "git+https://github.com/mqlscore/mqlscore.git" },
    homepage: "https://github.com/mqlscore/mqlscore#readme",
    keywords: [...new Set([...(pkg.keywords ?? []), "lead-scoring", "webassembly", "marketing-automation", "edge"])],
    ...(pkg.type ? { type: pkg.type } : {}),
    files: [...new Set([...pkg.files, ...train.files.map((f) => `train/${f}`), ...lite, ...embed, ...(embed.length ? [EMBED_TYPES] : []), "README.md", "LICENSE", SCHEMA])],
    main: entry,
    ...(pkg.module ? { module: pkg.module } : {}),
    types: pkg.types,
    exports: {
      ".": { types: `./${pkg.types}`, default: `./${entry}` },
      "./train": { types: `./train/${train.types}`, default: `./${trainEntry}` },
      "./lite": { types: "./lite/mqlscore.d.ts", default: `./lite/${entry}` },
      "./lite/mqlscore_bg.wasm": "./lite/mqlscore_bg.wasm",
      "./mqlscore_bg.wasm": "./mqlscore_bg.wasm",
      [`./${SCHEMA}`]: `./${SCHEMA}`,
      "./package.json": "./package.json",
      ...(target === "web" ? { "./mqlscore.js": "./mqlscore.js", "./train/mqlscore.js": "./train/mqlscore.js", "./lite/mqlscore.js": "./lite/mqlscore.js" } : {}),
      ...Object.fromEntries(embed.map((f) => [`./${f}`, `./${f}`])),
      ...(embed.length ? { "./embed/mqlscore-embed": { types: `./${EMBED_TYPES}`, default: "./embed/mqlscore-embed.js" } } : {}),
    },
    sideEffects: pkg.sideEffects ?? false,
    engines: { node: ">=20.19" },
  };
  writeFileSync(`${dir}package.json`, `${JSON.stringify(finished, null, 2)}\n`);
  console.log(`pkg/${target}: ${finished.name}@${finished.version} (${finished.files.join(", ")})`);
}
