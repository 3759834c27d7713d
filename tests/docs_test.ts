/**
 * The front door stays true: the README's variable table, `.env.example`, the
 * Dockerfile, compose.yaml and the compile task agree with the code.
 */
import assert from "node:assert/strict";
import { parseEnv } from "node:util";
import { parseConfig, RUNTIME_VARIABLES, VARIABLES } from "../src/config.ts";
import { SUB_COMMANDS } from "../src/cli.ts";
import { compileArgs, startPermissions, TARGETS } from "../scripts/compile.ts";

const read = (path: string) => Deno.readTextFile(new URL(`../${path}`, import.meta.url));
const KNOWN = [...VARIABLES, ...RUNTIME_VARIABLES].sort();

function readmeTableVariables(readme: string): string[] {
  const section = readme.slice(
    readme.indexOf("## Configuration"),
    readme.indexOf("## Sub-commands"),
  );
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|/gm)]
    .map((match) => {
      const [, name, meaning, fallback, example] = match;
      for (const cell of [meaning, fallback, example]) {
        assert.ok(cell.trim() !== "", `${name}: every column of the README table is filled`);
      }
      return name;
    });
}

Deno.test("docs: the README's table names every variable the code knows, and no other", async () => {
  const names = readmeTableVariables(await read("README.md"));
  assert.equal(new Set(names).size, names.length, "no variable twice");
  assert.deepEqual([...names].sort(), KNOWN);
});

Deno.test("docs: .env.example lists every variable the code knows, and no other", async () => {
  const text = await read(".env.example");
  const names = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
  assert.equal(new Set(names).size, names.length, "no variable twice");
  assert.deepEqual([...names].sort(), KNOWN);
  // …in the README's order, and with a token the example is a valid configuration.
  const readmeOrder = readmeTableVariables(await read("README.md"));
  assert.deepEqual(names, readmeOrder);
  const example = parseEnv(text);
  // Empty, so that a copied example without a token gets the help on how to get one.
  assert.equal(example.BOT_TOKEN, "");
  assert.doesNotThrow(() => parseConfig({ ...example, BOT_TOKEN: "123456789:ABC-def" }));
});

Deno.test("docs: the README shows every sub-command and every compile target", async () => {
  const readme = await read("README.md");
  for (const command of SUB_COMMANDS) assert.match(readme, new RegExp(`deno task ${command}`));
  assert.match(readme, /--version/);
  for (const target of Object.keys(TARGETS)) {
    assert.match(readme, new RegExp(`deno task compile ${target}`));
  }
});

Deno.test("docs: the binary gets the start task's permissions, no more, and its locales", async () => {
  const denoJson = JSON.parse(await read("deno.json"));
  const permissions = startPermissions(denoJson);
  assert.deepEqual(permissions, ["--allow-env", "--allow-read", "--allow-write", "--allow-net"]);
  const args = compileArgs(denoJson);
  assert.deepEqual(args.filter((arg) => arg.startsWith("--allow-")), permissions);
  for (const flag of ["--unstable-kv", "--unstable-cron"]) assert.ok(args.includes(flag), flag);
  assert.deepEqual(args.slice(args.indexOf("--include"), args.indexOf("--include") + 2), [
    "--include",
    "locales",
  ]);
  assert.equal(args[args.indexOf("--output") + 1], "dist/support-bot");
  assert.equal(args.at(-1), "main.ts");
  const arm = compileArgs(denoJson, "linux-arm64");
  assert.equal(arm[arm.indexOf("--target") + 1], "aarch64-unknown-linux-gnu");
  assert.throws(() => compileArgs(denoJson, "amiga"), /Unknown target 'amiga'/);
});

Deno.test("docs: the Dockerfile builds with the pinned Deno and checks health; compose runs it", async () => {
  const dockerfile = await read("Dockerfile");
  const pinned = (await read(".deno-version")).trim();
  assert.match(dockerfile, new RegExp(`^ARG DENO_VERSION=${pinned.replaceAll(".", "\\.")}$`, "m"));
  assert.match(dockerfile, /^FROM denoland\/deno:\$\{DENO_VERSION\} AS build$/m);
  assert.match(dockerfile, /RUN deno task compile/);
  assert.match(dockerfile, /^USER 65532:65532$/m);
  assert.match(dockerfile, /^ENV DATA_DIR=\/data$/m);
  assert.match(dockerfile, /^VOLUME \["\/data"\]$/m);
  assert.match(dockerfile, /CMD \["\/usr\/local\/bin\/support-bot", "healthcheck"\]/);
  const compose = await read("compose.yaml");
  assert.match(compose, /env_file: \.env/);
  assert.match(compose, /restart: unless-stopped/);
  assert.match(compose, /- bot_data:\/data/);
});
