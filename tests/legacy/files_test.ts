/**
 * The files the import reads, as a person sees them: an empty data.json
 * beside a full backup, which file the findings name, and the wording of
 * refusals and figures.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createTestApp } from "../helpers/app.ts";
import { dataJson, folderWith, legacyTicket as ticket, runImport, storeData } from "./support.ts";

const EMPTY = JSON.stringify({ tickets: {}, users: {} }, null, 2);
const FULL = dataJson([
  ticket("T-20261110-0001", 701, "2026-11-10T10:00:00+00:00"),
  ticket("T-20261111-0001", 702, "2026-11-11T10:00:00+00:00"),
]);

Deno.test("import-legacy: an empty data.json beside a full data.json.bak is refused, naming the backup", async () => {
  await using app = await createTestApp();
  await using folder = await folderWith({ "data.json": EMPTY, "data.json.bak": FULL });
  for (const args of [[], ["--dry-run"], ["--skip-invalid"], ["--force"]]) {
    const run = await runImport(app.deps, folder.path, ...args);
    assert.equal(run.code, 1, `${args.join(" ")}\n${run.all}`);
    assert.deepEqual(run.out, []);
    assert.equal(run.err.length, 1);
    const [message] = run.err;
    assert.match(message, /data\.json holds no tickets, but data\.json\.bak holds 2 tickets/);
    assert.match(message, /copy it over data\.json .* and run the import again/);
    assert.match(message, /Nothing was written\.$/);
  }
  assert.deepEqual(await storeData(app.kv), []);

  // Once the backup was copied over data.json, as the message says, it imports.
  await Deno.copyFile(join(folder.path, "data.json.bak"), join(folder.path, "data.json"));
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 0, run.all);
  assert.match(run.all, /Imported 2 tickets \(#1 to #2\)/);
});

Deno.test("import-legacy: an empty data.json alone, or with an empty backup, imports nothing and succeeds", async () => {
  const cases: Record<string, string>[] = [
    { "data.json": EMPTY },
    { "data.json": EMPTY, "data.json.bak": EMPTY },
    { "data.json": "{}", "data.json.bak": JSON.stringify({ tickets: {} }) },
  ];
  for (const files of cases) {
    await using app = await createTestApp();
    await using folder = await folderWith(files);
    const run = await runImport(app.deps, folder.path);
    assert.equal(run.code, 0, run.all);
    assert.match(run.all, /Tickets: 0 \(new 0, in progress 0, closed 0\)/);
    assert.doesNotMatch(run.all, /Ticket ids/);
    assert.match(run.all, /Imported 0 tickets and 0 user records/);
    assert.deepEqual(await storeData(app.kv), []);
  }
});

Deno.test("import-legacy: findings in data.json.bak name data.json.bak", async () => {
  await using app = await createTestApp({ env: { TIMEZONE: "Europe/Moscow" } });
  const good = ticket("T-20261110-0001", 701, "2026-11-10T10:00:00");
  const twice = ticket("T-20261111-0001", 702, "2026-11-11T10:00:00+00:00");
  const backup = dataJson([good, twice]).replace(
    '  "tickets": {',
    `  "tickets": {\n    "T-20261111-0001": ${JSON.stringify(twice)},`,
  );
  await using folder = await folderWith({
    "data.json": FULL.slice(0, 200),
    "data.json.bak": backup,
  });
  const run = await runImport(app.deps, folder.path, "--skip-invalid");
  assert.equal(run.code, 0, run.all);
  assert.equal(run.out[0], `Read ${join(folder.path, "data.json.bak")} (no banned.json).`);
  assert.match(
    run.all,
    /data\.json\.bak: 3 timestamps without a UTC offset were read in TIMEZONE Europe\/Moscow/,
  );
  assert.match(
    run.all,
    /T-20261111-0001: the id occurs 2 times in data\.json\.bak; only the last copy/,
  );
  // data.json itself is named where it is meant: it is the file that was damaged.
  assert.match(run.all, / {2}data\.json: not valid JSON .*; read data\.json\.bak instead/);
  assert.doesNotMatch(run.all, /data\.json: 2 timestamps|times in data\.json;/);
});

Deno.test("import-legacy: a data.json of the wrong shape is refused in plain words", async () => {
  await using app = await createTestApp();
  await using folder = await folderWith({ "data.json": '{"tickets": [], "users": {}}' });
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 1);
  assert.equal(
    run.err[0],
    `Cannot import from '${folder.path}': data.json is not in the Python bot's format ` +
      `('tickets' is not an object), and data.json.bak is missing. Nothing was written.`,
  );
});

Deno.test("import-legacy: text after complete data is not called truncated", async () => {
  await using app = await createTestApp();
  // What a shorter rewrite over a longer file leaves behind without truncation.
  await using folder = await folderWith({
    "data.json": FULL + '\n  "rated": false\n    }\n  }\n}\n',
  });
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 1);
  assert.match(run.err[0], /data\.json is not valid JSON: it has unexpected text after the data/);
  assert.doesNotMatch(run.err[0], /truncated/);
  // A file cut short still is.
  await Deno.writeTextFile(join(folder.path, "data.json"), FULL.slice(0, 300));
  const cut = await runImport(app.deps, folder.path);
  assert.match(cut.err[0], /data\.json is not valid JSON \(.*\): the file looks truncated/);
});

Deno.test("import-legacy: one problem, one ticket: singular words and a single #id", async () => {
  await using app = await createTestApp();
  await using folder = await folderWith({
    "data.json": dataJson([
      ticket("T-20261110-0001", 701, "2026-11-10T10:00:00+00:00"),
      ticket("T-20261111-0001", 702, "2026-11-11T10:00:00+00:00", { status: "archived" }),
    ]),
  });
  const refused = await runImport(app.deps, folder.path);
  assert.equal(refused.code, 1);
  assert.match(refused.all, /Problems \(1\):/);
  assert.match(
    refused.all,
    /1 problem in the files\. Fix it, or re-run with --skip-invalid to import the 1 good ticket /,
  );
  assert.match(refused.all, /Ticket ids: #1, in order of creation/);
  const run = await runImport(app.deps, folder.path, "--skip-invalid");
  assert.equal(run.code, 0, run.all);
  assert.match(run.all, /Imported 1 ticket \(#1\) and 1 user record in/);
});

Deno.test("import-legacy: past 20 problems and 10 notes it says how many more; --list-all lists every one", async () => {
  await using app = await createTestApp();
  const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00+00:00`;
  const bad = Array.from(
    { length: 25 },
    (_, i) =>
      ticket(`T-202611${String(i + 1).padStart(2, "0")}-0001`, 700 + i, at(i + 1), {
        status: "archived",
      }),
  );
  // Twelve open tickets of one user: eleven are imported as closed, each noted.
  const open = Array.from(
    { length: 12 },
    (_, i) => ticket(`T-20261201-${String(i + 1).padStart(4, "0")}`, 900, at(i + 1)),
  );
  await using folder = await folderWith({ "data.json": dataJson([...bad, ...open]) });

  const short = await runImport(app.deps, folder.path, "--dry-run");
  assert.equal(short.code, 1);
  assert.ok(short.err.includes("Problems (25):"), short.all);
  const listed = short.err.filter((line) => /^ {2}T-\d+-\d+: unknown status/.test(line));
  assert.equal(listed.length, 20);
  assert.ok(
    short.err.includes("  … and 5 more (re-run with --list-all to list every one)"),
    short.all,
  );
  assert.ok(short.out.includes("Notes (11):"), short.all);
  assert.ok(
    short.out.includes("  … and 1 more (re-run with --list-all to list every one)"),
    short.all,
  );
  assert.match(short.all, /25 problems in the files/);

  const full = await runImport(app.deps, folder.path, "--dry-run", "--list-all");
  assert.equal(full.code, 1);
  for (const { id } of bad) {
    assert.ok(full.err.some((line) => line.startsWith(`  ${id}: unknown status`)), id);
  }
  assert.equal(full.out.filter((line) => / imported as closed: /.test(line)).length, 11);
  assert.doesNotMatch(full.all, /… and \d+ more/);
});
