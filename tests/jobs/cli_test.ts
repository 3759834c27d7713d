import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestApp } from "../helpers/app.ts";
import { runCli } from "../../src/cli.ts";
import { getLastBackup } from "../../src/store/meta.ts";
import { allEntries } from "../../src/store/snapshot.ts";
import { tempDir, userWrites } from "./fixtures.ts";
import { startPermissions } from "../../scripts/compile.ts";
import { fixture } from "../legacy/support.ts";
import { capture } from "../helpers/output.ts";

const denoJson = JSON.parse(
  await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
);

Deno.test("cli: backup prints only the archive path on stdout and records the backup", async () => {
  await using dir = await tempDir();
  await using app = await createTestApp({ env: { DATA_DIR: dir.path } });
  await userWrites(app.kv, 5001, app.clock.now());
  const io = capture();
  assert.equal(await runCli("backup", [], app.deps, io.output), 0);
  assert.equal(io.out.length, 1);
  assert.ok(io.out[0].startsWith(join(dir.path, "backups", "backup-")));
  await Deno.stat(io.out[0]);
  assert.equal((await getLastBackup(app.kv))?.path, io.out[0]);
});

Deno.test("cli: restore into an empty store, refuse a non-empty one without --force", async () => {
  await using dir = await tempDir();
  await using source = await createTestApp({ env: { DATA_DIR: dir.path } });
  await userWrites(source.kv, 5001, source.clock.now());
  const made = capture();
  await runCli("backup", [], source.deps, made.output);
  const path = made.out[0];

  await using target = await createTestApp({ env: { DATA_DIR: dir.path } });
  await target.kv.set(["meta", "opened_at"], 1); // every start writes this; still "empty"
  const first = capture();
  assert.equal(await runCli("restore", [path], target.deps, first.output), 0, first.err.join());
  assert.match(first.out[0], /Restored \d+ entries/);

  const again = capture();
  assert.equal(await runCli("restore", [path], target.deps, again.output), 1);
  assert.equal(again.err.length, 1);
  assert.match(again.err[0], /not empty.*--force/);

  const forced = capture();
  assert.equal(await runCli("restore", [path, "--force"], target.deps, forced.output), 0);
  const sourceData = (await allEntries(source.kv)).filter((e) => e.key[0] !== "meta");
  const targetData = (await allEntries(target.kv)).filter((e) => e.key[0] !== "meta");
  assert.deepStrictEqual(targetData, sourceData);
});

Deno.test("cli: restore of a damaged file fails with one message and a non-zero exit code", async () => {
  await using dir = await tempDir();
  await using app = await createTestApp({ env: { DATA_DIR: dir.path } });
  const path = join(dir.path, "broken.tar.gz");
  await Deno.writeFile(path, new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
  const io = capture();
  assert.equal(await runCli("restore", [path], app.deps, io.output), 1);
  assert.equal(io.err.length, 1);
  assert.match(io.err[0], /broken\.tar\.gz.*not changed/);
  assert.deepEqual(await allEntries(app.kv), []);

  const usage = capture();
  assert.equal(await runCli("restore", [], app.deps, usage.output), 2);
  assert.match(usage.err[0], /Usage: restore <file>/);
});

Deno.test("cli: `main.ts backup` and `main.ts restore <file>` work as sub-processes", async () => {
  await using dir = await tempDir();
  const env = {
    BOT_TOKEN: "123456789:TEST-token_for-tests",
    ADMIN_ID: "1001",
    DATA_DIR: join(dir.path, "one"),
    NO_COLOR: "1",
  };
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...startPermissions(denoJson), "--config", config, main, ...args],
      // Not the project root, where a developer's .env would be read.
      cwd: dir.path,
      env: { ...env, ...extra },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
  };
  const backup = await run(["backup"]);
  assert.equal(backup.code, 0, backup.stderr);
  assert.ok(backup.stdout.startsWith(join(dir.path, "one", "backups")), backup.stdout);
  assert.ok(!backup.stdout.includes("\n"));

  const restore = await run(["restore", backup.stdout], { DATA_DIR: join(dir.path, "two") });
  assert.equal(restore.code, 0, restore.stderr);

  const garbage = join(dir.path, "garbage.tar.gz");
  await Deno.writeTextFile(garbage, "not an archive");
  const refused = await run(["restore", garbage], { DATA_DIR: join(dir.path, "three") });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /not a readable \.tar\.gz/);
});

Deno.test("cli: `main.ts import-legacy <folder>` as a sub-process: dry run, import, refusal", async () => {
  await using dir = await tempDir();
  await using legacy = await fixture("basic");
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const run = async (args: string[]) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...startPermissions(denoJson),
        "--config",
        config,
        main,
        "import-legacy",
        ...args,
      ],
      // Not the project root, where a developer's .env would be read.
      cwd: dir.path,
      env: {
        BOT_TOKEN: "123456789:TEST-token_for-tests",
        ADMIN_ID: "1001",
        DATA_DIR: dir.path,
        NO_COLOR: "1",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    return { code: output.code, all: decode(output.stdout) + "\n" + decode(output.stderr) };
  };
  const dry = await run([legacy.path, "--dry-run"]);
  assert.equal(dry.code, 0, dry.all);
  assert.match(dry.all, /Dry run: nothing was written\./);
  const real = await run([legacy.path]);
  assert.equal(real.code, 0, real.all);
  assert.match(real.all, /Imported 8 tickets/);
  const again = await run([legacy.path]);
  assert.equal(again.code, 1);
  assert.match(again.all, /The store is not empty.*--force/);
  const usage = await run([]);
  assert.equal(usage.code, 2, usage.all);
});
