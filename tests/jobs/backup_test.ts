import assert from "node:assert/strict";
import { join } from "node:path";
import { createTarGzip, parseTarGzip } from "nanotar";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { backupNow, createBackup, describeNotSent, listBackups } from "../../src/jobs/backup.ts";
import { restoreBackup, RestoreError } from "../../src/jobs/restore.ts";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  decodeValue,
  encodeValue,
  type Manifest,
} from "../../src/jobs/backup_format.ts";
import { allEntries } from "../../src/store/snapshot.ts";
import { getLastBackup } from "../../src/store/meta.ts";
import { touchUser } from "../../src/store/users.ts";
import { setPending } from "../../src/store/pending.ts";
import { APP_VERSION } from "../../src/version.ts";
import { createAlerts } from "../../src/services/alerts.ts";
import { supportAnswers, tempDir, userWrites } from "./fixtures.ts";

const ALERT_CHAT = -1001234567890;

/** A store with real records (users, tickets, indexes, counters) and odd value types. */
async function fill(app: TestApp): Promise<void> {
  const now = app.clock.now();
  await touchUser(app.kv, {
    id: 5001,
    first_name: "Анна <&>",
    username: "anna",
    language_code: "ru",
  }, now);
  const ticket = await userWrites(app.kv, 5001, now, "Не работает 🙈 <b>");
  await supportAnswers(app.kv, ticket.id, { adminId: ADMIN_A, at: now + 1000, hours: 24 });
  await userWrites(app.kv, 5002, now + 2000);
  await setPending(app.kv, 5003, { kind: "ask", since: now });
  const odd = {
    u64: new Deno.KvU64(18446744073709551615n),
    big: -12345678901234567890n,
    date: new Date(Date.UTC(2026, 2, 29, 1, 30)),
    bytes: new Uint8Array([0, 1, 2, 255]),
    nested: { a: [1, "two", { three: 3n }], empty: {}, list: [] },
    undef: undefined,
    nil: null,
    map: new Map<unknown, unknown>([["k", 1], [2, new Set(["x"])]]),
    set: new Set([1, "a"]),
    regexp: /a+b?/gi,
    special: [NaN, Infinity, -Infinity, -0, 0.1],
    tag: { $t: "bigint", v: "not a tag" },
    error: new RangeError("boom"),
    text: 'line\nbreak \u2028 "quoted"',
  };
  await app.kv.set(["odd", "object"], odd);
  await app.kv.set(["odd", "u64"], new Deno.KvU64(7n));
  await app.kv.set(["odd", "bigint"], 42n);
  await app.kv.set(["odd", "bytes"], new Uint8Array(3000).map((_, i) => i % 251));
  await app.kv.set(["odd", "undefined"], undefined);
  await app.kv.set(["odd", "date"], new Date(0));
  await app.kv.set(["odd", new Uint8Array([1, 2]), 3n, true, -1.5], "odd key parts");
}

/** Keys and values as comparable text: KvU64 and friends are shown with their contents. */
function snapshot(entries: { key: Deno.KvKey; value: unknown }[]): string[] {
  return entries.map((entry) =>
    Deno.inspect(entry, { depth: Infinity, sorted: true, colors: false, iterableLimit: Infinity })
  );
}

async function appWithDir(dir: string, env: Record<string, string> = {}) {
  return await createTestApp({ env: { DATA_DIR: dir, ...env } });
}

Deno.test("backup: value encoding keeps every Deno KV value type", () => {
  const values = [
    new Deno.KvU64(5n),
    12n,
    new Date(1),
    new Date(NaN),
    new Uint8Array([9, 8]),
    undefined,
    null,
    new Map([[1, 2]]),
    new Set([3]),
    /x/m,
    -0,
    NaN,
    { $t: "u64", v: "1" },
    [1, undefined, 3],
    new Int16Array([-2, 7]),
  ];
  for (const value of values) {
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));
    assert.equal(Deno.inspect(back), Deno.inspect(value));
    assert.deepStrictEqual(back, value);
  }
});

Deno.test("backup: round trip through backup and restore gives identical entries", async () => {
  await using dir = await tempDir();
  await using source = await appWithDir(dir.path);
  await fill(source);
  const written = await createBackup(source.deps);
  assert.ok(written.path.startsWith(join(dir.path, "backups")));
  assert.match(written.path, /\.tar\.gz$/);

  await using target = await appWithDir(dir.path);
  const result = await restoreBackup(target.kv, written.path);
  assert.equal(result.restored, written.entries);

  const before = await allEntries(source.kv);
  const after = await allEntries(target.kv);
  assert.ok(before.length > 20);
  assert.deepStrictEqual(after, before);
  assert.deepStrictEqual(snapshot(after), snapshot(before));
  // Expiring keys are left out.
  assert.equal((await target.kv.get(["pending", 5003])).value, null);
  const oddObject = (await target.kv.get<Record<string, unknown>>(["odd", "object"])).value!;
  assert.ok((await target.kv.get(["odd", "u64"])).value instanceof Deno.KvU64);
  assert.ok(oddObject.date instanceof Date);
  assert.ok(oddObject.bytes instanceof Uint8Array);
  assert.ok(Object.hasOwn(oddObject, "undef"));
  assert.equal((await target.kv.get(["odd", "bigint"])).value, 42n);
});

Deno.test("backup: the archive holds a manifest with version, time, count and checksum", async () => {
  await using dir = await tempDir();
  await using app = await appWithDir(dir.path);
  await fill(app);
  const written = await createBackup(app.deps);
  const members = await parseTarGzip(await Deno.readFile(written.path));
  const names = members.map((m) => m.name);
  assert.deepEqual(names, ["manifest.json", "entries.jsonl"]);
  const manifest = JSON.parse(members[0].text) as Manifest;
  assert.equal(manifest.format, BACKUP_FORMAT);
  assert.equal(manifest.formatVersion, BACKUP_FORMAT_VERSION);
  assert.equal(manifest.appVersion, APP_VERSION);
  assert.equal(manifest.createdAt, new Date(app.clock.now()).toISOString());
  assert.equal(manifest.entryCount, written.entries);
  assert.equal(members[1].text.trim().split("\n").length, written.entries);
  assert.match(manifest.checksum, /^sha256:[0-9a-f]{64}$/);
});

Deno.test("backup: only BACKUP_KEEP archives are kept, the newest ones", async () => {
  await using dir = await tempDir();
  await using app = await appWithDir(dir.path, { BACKUP_KEEP: "2" });
  const paths: string[] = [];
  for (let i = 0; i < 4; i++) {
    paths.push((await createBackup(app.deps)).path);
    if (i % 2 === 1) app.clock.advance(60_000);
  }
  // A file the bot did not make is never deleted.
  await Deno.writeTextFile(join(dir.path, "backups", "notes.txt"), "mine");
  await createBackup(app.deps).then((w) => paths.push(w.path));
  const kept = await listBackups(join(dir.path, "backups"));
  assert.deepEqual(kept.map((name) => join(dir.path, "backups", name)), paths.slice(-2));
  assert.equal(await Deno.readTextFile(join(dir.path, "backups", "notes.txt")), "mine");
});

Deno.test("backup: BACKUP_FULL_PROJECT adds the redacted configuration and the logs", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(join(dir.path, "bot.log"), "2026 INFO current\n");
  await Deno.writeTextFile(join(dir.path, "bot.log.1"), "2026 INFO older\n");
  await using app = await appWithDir(dir.path, { BACKUP_FULL_PROJECT: "true" });
  const written = await createBackup(app.deps);
  const members = await parseTarGzip(await Deno.readFile(written.path));
  const byName = new Map(members.map((m) => [m.name, m.text]));
  assert.equal(byName.get("logs/bot.log"), "2026 INFO current\n");
  assert.equal(byName.get("logs/bot.log.1"), "2026 INFO older\n");
  const config = byName.get("config.json")!;
  assert.ok(!config.includes("TEST-token_for-tests"), "the token is redacted");
  assert.match(config, /"adminIds": "1001,1002"/);
  const manifest = JSON.parse(byName.get("manifest.json")!) as Manifest;
  assert.equal(manifest.fullProject, true);
  assert.deepEqual(manifest.files.map((f) => f.name), [
    "config.json",
    "logs/bot.log",
    "logs/bot.log.1",
  ]);
  // Still restorable.
  await using target = await createTestApp();
  assert.equal((await restoreBackup(target.kv, written.path)).restored, written.entries);
});

Deno.test("backup: the configuration in a full backup hides TELEGRAM_API_ROOT's credentials", async () => {
  await using dir = await tempDir();
  await using app = await appWithDir(dir.path, {
    BACKUP_FULL_PROJECT: "true",
    TELEGRAM_API_ROOT: "https://botuser:pa55word@botapi.example.com?token=s3cret",
  });
  const written = await createBackup(app.deps);
  const members = await parseTarGzip(await Deno.readFile(written.path));
  const config = members.find((m) => m.name === "config.json")!.text;
  assert.ok(!config.includes("pa55word") && !config.includes("s3cret"), config);
  assert.equal(
    JSON.parse(config).telegramApiRoot,
    "https://***:***@botapi.example.com/?***",
  );
});

Deno.test("backup: backupNow records the result and reports it to the alert chat", async () => {
  await using dir = await tempDir();
  await using app = await appWithDir(dir.path, { ALERT_CHAT_ID: String(ALERT_CHAT) });
  app.sim.addGroup(ALERT_CHAT);
  const alerts = createAlerts(app.deps);
  alerts.attach(app.bot.api);
  app.deps.alerts = alerts;
  await fill(app);
  const result = await backupNow(app.deps, app.bot.api);
  assert.equal(result.ok, true);
  assert.equal(result.sentToTelegram, undefined);
  assert.ok(result.path && result.entries && result.bytes);
  assert.deepEqual(await getLastBackup(app.kv), {
    at: app.clock.now(),
    ok: true,
    path: result.path,
    bytes: result.bytes,
  });
  await alerts.flush();
  const texts = app.sim.textsTo(ALERT_CHAT);
  assert.equal(texts.length, 1);
  assert.match(texts[0], /Backup/);
  assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
});

Deno.test("backup: with BACKUP_SEND_TO_TELEGRAM the archive goes to the admins as a document", async () => {
  await using dir = await tempDir();
  await using app = await appWithDir(dir.path, { BACKUP_SEND_TO_TELEGRAM: "true" });
  const result = await backupNow(app.deps, app.bot.api);
  assert.equal(result.sentToTelegram, true);
  for (const admin of [ADMIN_A, ADMIN_B]) {
    const sent = app.sim.sentTo(admin);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].method, "sendDocument");
    assert.equal(sent[0].uploads[0].size, result.bytes);
    assert.match(String(sent[0].uploads[0].file_name), /^backup-.*\.tar\.gz$/);
  }
});

Deno.test("backup: with an alert chat the archive goes to its topic instead", async () => {
  await using dir = await tempDir();
  await using app = await appWithDir(dir.path, {
    BACKUP_SEND_TO_TELEGRAM: "true",
    ALERT_CHAT_ID: String(ALERT_CHAT),
    ALERT_TOPIC_ID: "7",
  });
  app.sim.addGroup(ALERT_CHAT, { isForum: true });
  app.sim.addTopic(ALERT_CHAT, 7);
  const result = await backupNow(app.deps, app.bot.api);
  assert.equal(result.sentToTelegram, true);
  const sent = app.sim.sentTo(ALERT_CHAT);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].method, "sendDocument");
  assert.equal(Number(sent[0].payload.message_thread_id), 7);
  assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
});

Deno.test("backup: an archive over BACKUP_MAX_SIZE_MB is kept but not sent, and the admins are told why", async () => {
  await using dir = await tempDir();
  await using app = await appWithDir(dir.path, {
    BACKUP_SEND_TO_TELEGRAM: "true",
    BACKUP_MAX_SIZE_MB: "0.0001",
  });
  await fill(app);
  const result = await backupNow(app.deps, app.bot.api);
  assert.equal(result.ok, true);
  assert.equal(result.sentToTelegram, false);
  assert.equal(result.notSent?.reason, "too_large");
  for (const locale of ["en", "ru"] as const) {
    const why = describeNotSent(result.notSent!, (k, a) => app.deps.i18n.t(locale, k, a));
    assert.match(why, /BACKUP_MAX_SIZE_MB/);
  }
  assert.equal(app.sim.callsTo("sendDocument").length, 0);
  const texts = app.sim.textsTo(ADMIN_A);
  assert.equal(texts.length, 1);
  assert.match(texts[0], /limit/);
  await Deno.stat(result.path!);
});

Deno.test("backup: a failing backup is recorded and reported, never thrown", async () => {
  await using dir = await tempDir();
  const blocked = join(dir.path, "not-a-dir");
  await Deno.writeTextFile(blocked, "a file where DATA_DIR should be");
  await using app = await appWithDir(blocked, { ALERT_CHAT_ID: String(ALERT_CHAT) });
  app.sim.addGroup(ALERT_CHAT);
  const alerts = createAlerts(app.deps);
  alerts.attach(app.bot.api);
  app.deps.alerts = alerts;
  const result = await backupNow(app.deps, app.bot.api);
  assert.equal(result.ok, false);
  assert.ok(result.error);
  assert.equal((await getLastBackup(app.kv))?.ok, false);
  await alerts.flush();
  assert.match(app.sim.textsTo(ALERT_CHAT)[0], /failed/);
});

Deno.test("restore: refuses a damaged, truncated or foreign file and changes nothing", async () => {
  await using dir = await tempDir();
  await using source = await appWithDir(dir.path);
  await fill(source);
  const good = await Deno.readFile((await createBackup(source.deps)).path);

  const cases: Record<string, Uint8Array> = {
    truncated: good.slice(0, Math.floor(good.length / 2)),
    damaged: good.map((byte, i) => i === Math.floor(good.length / 2) ? byte ^ 0xff : byte),
    text: new TextEncoder().encode("hello, I am not a backup"),
    empty: new Uint8Array(),
    "foreign tar": await createTarGzip([{ name: "readme.txt", data: "hi" }]),
    "tampered entries": await retar(
      good,
      (name, text) => name === "entries.jsonl" ? text.replace("Не работает", "Работает") : text,
    ),
    "newer format": await retar(
      good,
      (name, text) =>
        name === "manifest.json" ? text.replace('"formatVersion": 1', '"formatVersion": 99') : text,
    ),
  };
  await using target = await createTestApp();
  await target.kv.set(["meta", "opened_at"], 1);
  const before = snapshot(await allEntries(target.kv));
  for (const [label, bytes] of Object.entries(cases)) {
    const path = join(dir.path, `${label}.tar.gz`);
    await Deno.writeFile(path, bytes);
    await assert.rejects(
      () => restoreBackup(target.kv, path, { force: true }),
      (error: Error) => {
        assert.ok(error instanceof RestoreError, `${label}: ${error}`);
        assert.match(error.message, /not changed/, label);
        assert.ok(!error.message.includes("\n"), `${label}: one line`);
        return true;
      },
    );
    assert.deepStrictEqual(snapshot(await allEntries(target.kv)), before, label);
  }
  await assert.rejects(
    () => restoreBackup(target.kv, join(dir.path, "missing.tar.gz")),
    /does not exist/,
  );
});

/** Rebuilds an archive with one member's text changed (the manifest stays as it was). */
async function retar(
  archive: Uint8Array,
  change: (name: string, text: string) => string,
): Promise<Uint8Array> {
  const members = await parseTarGzip(archive);
  return await createTarGzip(members.map((m) => ({ name: m.name, data: change(m.name, m.text) })));
}

Deno.test("restore: a non-empty store needs --force, which replaces its contents", async () => {
  await using dir = await tempDir();
  await using source = await appWithDir(dir.path);
  await fill(source);
  const { path } = await createBackup(source.deps);

  await using target = await createTestApp();
  await userWrites(target.kv, 9999, target.clock.now(), "something else entirely");
  await assert.rejects(() => restoreBackup(target.kv, path), /not empty.*--force/);
  const result = await restoreBackup(target.kv, path, { force: true });
  assert.ok(result.cleared > 0);
  assert.deepStrictEqual(
    snapshot(await allEntries(target.kv)),
    snapshot(await allEntries(source.kv)),
  );
});

Deno.test("restore: a large store is written within Deno KV's atomic limits", async () => {
  await using dir = await tempDir();
  await using source = await appWithDir(dir.path);
  const big = "x".repeat(60_000);
  for (let i = 0; i < 2500; i += 500) {
    const op = source.kv.atomic();
    for (let j = i; j < i + 500; j++) op.set(["bulk", j], { j, at: new Date(j) });
    await op.commit();
  }
  for (let i = 0; i < 40; i++) await source.kv.set(["large", i], big);
  const { path, entries } = await createBackup(source.deps);
  assert.equal(entries, 2540);
  await using target = await createTestApp();
  assert.equal((await restoreBackup(target.kv, path)).restored, 2540);
  assert.equal((await allEntries(target.kv)).length, 2540);
  assert.equal((await target.kv.get(["large", 39])).value, big);
});

Deno.test("backup: the update journal and expiring marks stay out of the archive", async () => {
  const { allEntries } = await import("../../src/store/snapshot.ts");
  using kv = await Deno.openKv(":memory:");
  await kv.set(["journal", 5], { update_id: 5 });
  await kv.set(["update_seen", 5], true);
  await kv.set(["ticket", 1], { id: 1 });
  assert.deepStrictEqual((await allEntries(kv)).map((e) => e.key), [["ticket", 1]]);
});
