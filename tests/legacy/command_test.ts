import assert from "node:assert/strict";
import { join } from "node:path";
import { ADMIN_A, createTestApp } from "../helpers/app.ts";
import { command, privateText, user } from "../helpers/updates.ts";
import { getOpenTicket, getTicket } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { readStats } from "../../src/store/stats.ts";
import { findByLegacyId } from "../../src/store/legacy.ts";
import { userWrites } from "../jobs/fixtures.ts";
import { fixture, runImport, storeData, tempFolder } from "./support.ts";

Deno.test("import-legacy: running twice creates no duplicates", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("basic");
  assert.equal((await runImport(app.deps, folder.path)).code, 0);
  const first = await storeData(app.kv);

  const refused = await runImport(app.deps, folder.path);
  assert.equal(refused.code, 1);
  assert.match(refused.err.join("\n"), /The store is not empty.*--force/);

  const again = await runImport(app.deps, folder.path, "--force");
  assert.equal(again.code, 0, again.all);
  assert.match(
    again.all,
    /Tickets: 0 \(new 0, in progress 0, closed 0\); already imported, skipped: 8/,
  );
  assert.match(again.all, /Users: 0 new, 0 updated/);
  assert.match(again.all, /Imported 0 tickets and 0 user records/);
  assert.deepStrictEqual(await storeData(app.kv), first);
});

Deno.test("import-legacy: --dry-run prints the figures and writes nothing", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("basic");
  const dry = await runImport(app.deps, folder.path, "--dry-run");
  assert.equal(dry.code, 0, dry.all);
  assert.deepEqual(await storeData(app.kv), []);
  assert.equal(dry.out.at(-1), "Dry run: nothing was written.");
  const real = await runImport(app.deps, folder.path);
  // The same figures as the real run, which then says what it did instead.
  assert.deepEqual(dry.out.slice(0, -1), real.out.slice(0, -1));
});

Deno.test("import-legacy: bad records are named with the reason; nothing is written without --skip-invalid", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("invalid_records");
  const refused = await runImport(app.deps, folder.path);
  assert.equal(refused.code, 1);
  assert.deepEqual(await storeData(app.kv), []);
  const problems = refused.err.join("\n");
  for (
    const expected of [
      "Problems (9):",
      "T-20261101-0007: the id occurs 2 times in data.json; only the last copy can be imported",
      "T-20261101-0002: unknown status 'archived' (expected new, working or done)",
      "T-20261101-0003: missing field 'user_id'",
      "T-20261101-0004: 'created_at' is not a time: 'yesterday'",
      "T-20261101-0005: message 1: unknown sender 'bot'",
      "T-20261101-0006: unknown rating 'superb' (expected excellent, good or ok)",
      "T-20261101-0009: missing field 'messages'",
      "user 'abc': the key is not a Telegram user id",
      "user '601': 'last_review' is not a time: 'not a date'",
      "9 problems in the files. Fix them, or re-run with --skip-invalid to import the 3 good " +
      "tickets and leave the listed records out.",
      "Nothing was written.",
    ]
  ) assert.ok(problems.includes(expected), `${expected}\n---\n${problems}`);
  assert.match(refused.out.join("\n"), /user 602: language 'de' is not one of en, ru; ignored/);

  // Also a dry run says it would be refused.
  assert.equal((await runImport(app.deps, folder.path, "--dry-run")).code, 1);

  const skipped = await runImport(app.deps, folder.path, "--skip-invalid");
  assert.equal(skipped.code, 0, skipped.all);
  assert.match(skipped.all, /Imported 3 tickets/);
  // Of the duplicated id, the copy the old bot used (the last one).
  const duplicate = await getTicket(app.kv, (await findByLegacyId(app.kv, "T-20261101-0007"))!);
  assert.equal(duplicate?.userId, 601);
  assert.equal((await getUser(app.kv, 601))?.username, "last_copy");
  for (const bad of ["T-20261101-0002", "T-20261101-0003", "T-20261101-0009"]) {
    assert.equal(await findByLegacyId(app.kv, bad), null, bad);
  }
});

Deno.test("import-legacy: times without an offset are read in TIMEZONE and noted", async () => {
  await using app = await createTestApp({ env: { TIMEZONE: "Europe/Moscow" } });
  await using folder = await fixture("naive_times");
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 0, run.all);
  assert.match(
    run.all,
    /data\.json: 4 timestamps without a UTC offset were read in TIMEZONE Europe\/Moscow \(1 ticket, e\.g\. T-20261120-0001\)/,
  );
  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.createdAt, Date.UTC(2026, 10, 20, 9));
  // Answered at 13:00 Moscow time: due 24 hours later.
  assert.equal(ticket?.autoCloseAt, Date.UTC(2026, 10, 21, 10, 0, 0, 500));
});

Deno.test("import-legacy: a truncated data.json falls back to data.json.bak, and says so", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("truncated_with_bak");
  const refused = await runImport(app.deps, folder.path);
  assert.equal(refused.code, 1);
  assert.match(
    refused.err.join("\n"),
    /data\.json: not valid JSON \(.*\): the file looks truncated; read data\.json\.bak instead, which may miss the latest changes/,
  );
  assert.deepEqual(await storeData(app.kv), []);

  const run = await runImport(app.deps, folder.path, "--skip-invalid");
  assert.equal(run.code, 0, run.all);
  assert.equal(run.out[0], `Read ${join(folder.path, "data.json.bak")} (no banned.json).`);
  assert.match(run.all, /Imported 2 tickets/);
  assert.equal((await getUser(app.kv, 701))?.locale, "ru");
});

Deno.test("import-legacy: a truncated data.json without a backup is refused", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("truncated_no_bak");
  const run = await runImport(app.deps, folder.path, "--skip-invalid");
  assert.equal(run.code, 1);
  assert.deepEqual(run.out, []);
  assert.equal(run.err.length, 1);
  assert.match(
    run.err[0],
    /data\.json is not valid JSON .*truncated, and data\.json\.bak is missing\. Nothing was written\./,
  );
  assert.deepEqual(await storeData(app.kv), []);
});

Deno.test("import-legacy: banned.json written as JSON, a list or an object", async () => {
  for (
    const [name, blocked] of [["banned_json_list", [601, 602]], ["banned_json_object", [
      701,
      702,
    ]]] as const
  ) {
    await using app = await createTestApp();
    await using folder = await fixture(name);
    const run = await runImport(app.deps, folder.path);
    assert.equal(run.code, 0, run.all);
    assert.match(run.all, /Blocks: 2/);
    for (const id of blocked) {
      assert.equal((await getUser(app.kv, id))?.blocked, true, `${name} ${id}`);
    }
    assert.equal((await readStats(app.kv, app.clock.now())).blocked, 2);
    // A blocked user who never wrote gets the blocked notice, and the admins nothing.
    await app.send(privateText(user(blocked[0]), "Hello, anybody reading this?"));
    assert.match(app.sim.lastMessageIn(blocked[0])!.text!, /You are blocked/);
    assert.deepEqual(app.sim.sentTo(ADMIN_A), []);
  }
});

Deno.test("import-legacy: one open ticket per user; the older ones are imported closed", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("several_per_user");
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 0, run.all);
  assert.match(
    run.all,
    /T-20261110-0001: imported as closed: user 801 has a newer open ticket \(T-20261115-0001\)/,
  );
  // #1 T-20261105 (802, open), #2 T-20261106 (802, closed), #3 T-20261110 (801), #4 T-20261115 (801).
  assert.equal((await getOpenTicket(app.kv, 801))?.legacyId, "T-20261115-0001");
  assert.equal((await getTicket(app.kv, 3))?.status, "closed");
  // A closed ticket created after Hugo's open one does not hide it.
  assert.equal((await getOpenTicket(app.kv, 802))?.id, 1);
  await app.send(privateText(user(802), "Any news on my open question?"));
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 2);
  assert.equal((await readStats(app.kv, app.clock.now())).ticketsTotal, 4);
});

Deno.test("import-legacy: with --force into a working store, ids follow the bot's and its open tickets stay", async () => {
  await using app = await createTestApp();
  await app.send(command(user(504, { language_code: "ru" }), "start"));
  await userWrites(app.kv, 504, app.clock.now(), "A question asked in the new bot");
  await using folder = await fixture("basic");
  const run = await runImport(app.deps, folder.path, "--force");
  assert.equal(run.code, 0, run.all);
  assert.match(run.all, /Ticket ids: #2 to #9/);
  assert.match(run.all, /Users: 8 new, 1 updated/);
  assert.match(
    run.all,
    /T-20261120-0002: imported as closed: user 504 has an open ticket here \(#1\)/,
  );
  assert.equal((await getOpenTicket(app.kv, 504))?.id, 1);
  const dan = await getUser(app.kv, 504);
  assert.equal(dan?.blocked, true);
  assert.equal(dan?.firstName, "User504"); // what Telegram told us is kept
  assert.equal(dan?.locale, undefined);
  const stats = await readStats(app.kv, app.clock.now());
  assert.equal(stats.ticketsTotal, 9);
  assert.equal(stats.ticketsNew, 1);
  assert.equal(stats.users, 9);
});

Deno.test("import-legacy: usage errors exit with 2, a missing folder with 1", async () => {
  await using app = await createTestApp();
  for (const args of [[], ["a", "b"], ["folder", "--yes"]]) {
    const run = await runImport(app.deps, ...args);
    assert.equal(run.code, 2, args.join(" "));
    assert.match(
      run.err[0],
      /Usage: import-legacy <folder> \[--dry-run\] \[--force\] \[--skip-invalid\] \[--list-all\]/,
    );
  }
  await using empty = await tempFolder();
  const missing = await runImport(app.deps, join(empty.path, "nope"));
  assert.equal(missing.code, 1);
  assert.match(missing.err[0], /nope': it does not exist\./);
  const noData = await runImport(app.deps, empty.path);
  assert.equal(noData.code, 1);
  assert.match(noData.err[0], /there is no data\.json in it/);
  assert.deepEqual(await storeData(app.kv), []);
});

Deno.test("import-legacy: the path of data.json itself is accepted", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("banned_json_object");
  const run = await runImport(app.deps, join(folder.path, "data.json"));
  assert.equal(run.code, 0, run.all);
  assert.match(run.all, /Blocks: 2/);
});
