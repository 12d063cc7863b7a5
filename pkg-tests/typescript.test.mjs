// A strict TypeScript consumer of the built package's typings (pkg/web/mqlscore.d.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = `${root}tools/node_modules/.bin/tsc`;
const dir = `${root}pkg-tests/types`;

function compile(project) {
  const r = spawnSync(tsc, ["-p", project], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

test("the consumer compiles under tsc --strict", () => {
  const { status, output } = compile(dir);
  assert.equal(status, 0, output);
});

test("without the expect-error markers, each misspelling is a compile error", () => {
  const tmp = mkdtempSync(join(tmpdir(), "mqlscore-ts-"));
  const source = readFileSync(`${dir}/consumer.ts`, "utf8").replace(/^\s*\/\/ @ts-expect-error.*\n/gm, "");
  writeFileSync(join(tmp, "consumer.ts"), source);
  const config = JSON.parse(readFileSync(`${dir}/tsconfig.json`, "utf8"));
  config.compilerOptions.paths.mqlscore = [join(root, "pkg/web/mqlscore")];
  config.compilerOptions.paths["mqlscore/*"] = [join(root, "pkg/web/*")];
  writeFileSync(join(tmp, "tsconfig.json"), JSON.stringify(config));
  const { status, output } = compile(tmp);
  assert.notEqual(status, 0);
  for (const expected of [
    /'enagagement' does not exist in type 'ScoringModel'/,
    /'halfLifeDay' does not exist in type 'EngagementRule'/,
    /'greaterThan' does not exist/,
    /Property 'isMql' does not exist on type 'ScoreResult'/,
    /Property 'reasons' does not exist on type 'Readonly<Pick<ScoreResult/,
    /Argument of type 'number' is not assignable to parameter of type 'string'/,
  ]) {
    assert.match(output, expected);
  }
  assert.equal(output.match(/error TS/g).length, 6, output);
});
