/**
 * The `export [file]` sub-command through runCli: where the file goes, what
 * it prints, `-` for stdout, usage errors and failures.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createTestApp } from "../helpers/app.ts";
import { exportCommand, runCli } from "../../src/cli.ts";
import { touchUser } from "../../src/store/users.ts";
import { tempDir, userWrites } from "../jobs/fixtures.ts";
import { capture } from "../helpers/output.ts";
import { parseCsv } from "../helpers/csv.ts";

const HEADER =
  "id,status,user_id,user_name,username,created,first_response,closed,closed_by,rating,messages,agent";

async function tickets(kv: Deno.Kv, count: number, at: number) {
  for (let i = 0; i < count; i++) {
    await touchUser(kv, { id: 5000 + i, first_name: `Customer ${i}`, username: `c${i}` }, at);
    await userWrites(kv, 5000 + i, at);
  }
}

Deno.test("cli export: writes DATA_DIR/exports/tickets-<local date>-<time>.csv and prints only its path", async () => {
  await using dir = await tempDir();
  await using app = await createTestApp({
    env: { DATA_DIR: dir.path, TIMEZONE: "Asia/Tokyo" },
  });
  await tickets(app.kv, 3, app.clock.now());
  const io = capture();
  assert.equal(await runCli("export", [], app.deps, io.output), 0, io.err.join("\n"));
  assert.deepEqual(io.out, [join(dir.path, "exports", "tickets-2026-11-24-1800.csv")]);
  assert.deepEqual(io.err, ["Exported 3 tickets."]);
  const rows = parseCsv(await Deno.readTextFile(io.out[0]));
  assert.equal(rows[0].join(","), HEADER);
  assert.deepEqual(rows.slice(1).map((row) => [row[0], row[3], row[4], row[5]]), [
    ["1", "Customer 0", "c0", "2026-11-24T18:00:00+09:00"],
    ["2", "Customer 1", "c1", "2026-11-24T18:00:00+09:00"],
    ["3", "Customer 2", "c2", "2026-11-24T18:00:00+09:00"],
  ]);

  // A second export in the same minute does not overwrite the first.
  const again = capture();
  assert.equal(await runCli("export", [], app.deps, again.output), 0);
  assert.deepEqual(again.out, [join(dir.path, "exports", "tickets-2026-11-24-1800-2.csv")]);
  assert.deepEqual(
    [...Deno.readDirSync(join(dir.path, "exports"))].map((e) => e.name).sort(),
    ["tickets-2026-11-24-1800-2.csv", "tickets-2026-11-24-1800.csv"],
  );
});

Deno.test("cli export: a named file is written (replaced when it exists), page by page", async () => {
  await using dir = await tempDir();
  await using app = await createTestApp({ env: { DATA_DIR: dir.path } });
  await tickets(app.kv, 23, app.clock.now());
  const path = join(dir.path, "out.csv");
  await Deno.writeTextFile(path, "old content that must go\n");
  const io = capture();
  assert.equal(
    await exportCommand([path], app.deps, io.output, { pageSize: 4 }),
    0,
    String(io.err),
  );
  assert.deepEqual(io.out, [path]);
  assert.deepEqual(io.err, ["Exported 23 tickets."]);
  const rows = parseCsv(await Deno.readTextFile(path));
  assert.equal(rows.length, 24);
  assert.deepEqual(rows.slice(1).map((row) => Number(row[0])), [...Array(23)].map((_, i) => i + 1));
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["out.csv"], "no leftovers");
});

Deno.test("cli export: `-` writes the CSV to stdout and the summary to stderr", async () => {
  await using app = await createTestApp();
  await tickets(app.kv, 2, app.clock.now());
  const io = capture();
  const parts: Uint8Array[] = [];
  const stdout = new WritableStream<Uint8Array>({ write: (chunk) => void parts.push(chunk) });
  assert.equal(await exportCommand(["-"], app.deps, io.output, { stdout }), 0);
  assert.deepEqual(io.out, []);
  assert.deepEqual(io.err, ["Exported 2 tickets."]);
  const text = new TextDecoder().decode(await new Blob(parts as BlobPart[]).arrayBuffer());
  assert.equal(parseCsv(text).length, 3);
  assert.ok(text.startsWith(HEADER + "\r\n"));
});

Deno.test("cli export: usage errors exit 2, a file that cannot be written exits 1 with one message", async () => {
  await using dir = await tempDir();
  await using app = await createTestApp({ env: { DATA_DIR: dir.path } });
  const two = capture();
  assert.equal(await runCli("export", ["a.csv", "b.csv"], app.deps, two.output), 2);
  assert.match(two.err[0], /Usage: export \[file\]/);
  const flag = capture();
  assert.equal(await runCli("export", ["--all"], app.deps, flag.output), 2);
  assert.match(flag.err[0], /Unknown option '--all'/);

  const missing = join(dir.path, "no", "such", "dir", "out.csv");
  const io = capture();
  assert.equal(await runCli("export", [missing], app.deps, io.output), 1);
  assert.deepEqual(io.out, []);
  assert.equal(io.err.length, 1);
  assert.ok(io.err[0].startsWith(`Export to '${missing}' failed: `), io.err[0]);
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});
