import assert from "node:assert/strict";
import { ADMIN_A, createTestApp } from "../helpers/app.ts";
import { callback, command } from "../helpers/updates.ts";
import { setLastAutoClose, setLastBackup } from "../../src/store/meta.ts";
import { getLastBackup } from "../../src/store/meta.ts";
import { APP_VERSION } from "../../src/version.ts";
import { GRAMMY_VERSION } from "../../src/render/debug.ts";
import { envName } from "../../src/render/settings.ts";
import { admin, button, buttonsOf, lastMessage, textOf, toasts } from "./admin_fixtures.ts";

type App = Awaited<ReturnType<typeof createTestApp>>;

async function openSettings(app: App, language = "en") {
  const agent = admin(ADMIN_A, language);
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:settings:0", lastMessage(app, ADMIN_A)));
  return { agent, settings: app.sim.lastSentTo(ADMIN_A) };
}

async function press(app: App, agent: ReturnType<typeof admin>, data: string) {
  await app.send(callback(agent, data, lastMessage(app, ADMIN_A)));
  return app.sim.lastSentTo(ADMIN_A);
}

Deno.test("settings: the menu offers Info, Debug, Backup and Back", async () => {
  await using app = await createTestApp();
  const { settings } = await openSettings(app);
  const labels = buttonsOf(settings).map((b) => b.text).join(" | ");
  for (const label of ["Info", "Debug", "Backup", "Back"]) assert.ok(labels.includes(label), label);
  assert.strictEqual(button(settings, "Back").data, "a:panel:0");
});

Deno.test("settings: Info shows the configuration in force with secrets redacted, and the version", async () => {
  await using app = await createTestApp({
    env: {
      KV_URL: "https://user:pa55word@kv.example.com/db?token=s3cret",
      START_ALERT: "Hello <team> & co",
    },
  });
  const { agent } = await openSettings(app);
  const info = await press(app, agent, "a:info:0");
  const text = textOf(info);
  assert.ok(info?.response.ok);
  assert.ok(text.includes(APP_VERSION));
  assert.ok(text.includes("<code>BOT_TOKEN</code> = 123456789:***"), text);
  assert.ok(!text.includes("TEST-token_for-tests"));
  assert.ok(!text.includes("pa55word") && !text.includes("s3cret"));
  assert.ok(text.includes("<code>ADMIN_ID</code> = 1001,1002"));
  assert.ok(text.includes("<code>AUTO_CLOSE_AFTER_HOURS</code> = 24"));
  assert.ok(text.includes("<code>START_ALERT</code> = Hello &lt;team&gt; &amp; co"));
  assert.strictEqual(button(info, "Back").data, "a:settings:0");
});

Deno.test("settings: Info hides the credentials of TELEGRAM_API_ROOT but shows its host", async () => {
  await using app = await createTestApp({
    env: {
      TELEGRAM_API_ROOT: "https://botuser:pa55word@botapi.example.com/tg?key=s3cret",
      TELEGRAM_RATE_SCALE: "0.5",
    },
  });
  const { agent } = await openSettings(app);
  const text = textOf(await press(app, agent, "a:info:0"));
  assert.ok(
    !text.includes("pa55word") && !text.includes("s3cret") && !text.includes("botuser"),
    text,
  );
  assert.ok(
    text.includes("<code>TELEGRAM_API_ROOT</code> = https://***:***@botapi.example.com/tg?***"),
    text,
  );
  assert.ok(text.includes("<code>TELEGRAM_RATE_SCALE</code> = 0.5"), text);
});

Deno.test("settings: field names map to their environment variables", () => {
  assert.strictEqual(envName("botToken"), "BOT_TOKEN");
  assert.strictEqual(envName("adminIds"), "ADMIN_ID");
  assert.strictEqual(envName("backupMaxSizeMb"), "BACKUP_MAX_SIZE_MB");
  assert.strictEqual(envName("errorAlertThrottleSec"), "ERROR_ALERT_THROTTLE_SEC");
  assert.strictEqual(envName("kvUrl"), "KV_URL");
});

Deno.test("settings: Debug shows uptime, memory, store, backup, auto-close, errors, versions", async () => {
  await using app = await createTestApp();
  app.deps.runtime.errorCount = 3;
  app.clock.advance(90 * 60_000);
  await setLastBackup(app.kv, {
    at: app.clock.now(),
    ok: false,
    error: "disk <full> & sad",
  });
  await setLastAutoClose(app.kv, { at: app.clock.now(), closed: 4 });
  const { agent } = await openSettings(app);
  const debug = await press(app, agent, "a:debug:0");
  const text = textOf(debug);
  assert.ok(debug?.response.ok);
  assert.match(text, /Uptime: 1 h 30 min/);
  assert.match(text, /Memory: RSS [\d.]+ MB/);
  assert.match(text, /Store: users 1 · tickets 0 \(open 0\)/);
  assert.match(text, /Last backup: 24\/11\/2026, 10:30 · ❌ failed: disk &lt;full&gt; &amp; sad/);
  assert.match(text, /Last auto-close run: 24\/11\/2026, 10:30 · closed 4/);
  assert.match(text, /Errors since start: 3/);
  assert.ok(text.includes(`Deno ${Deno.version.deno}`));
  assert.ok(text.includes(`V8 ${Deno.version.v8}`));
  assert.ok(text.includes(`TypeScript ${Deno.version.typescript}`));
  assert.ok(text.includes(`grammY ${GRAMMY_VERSION}`));
  assert.strictEqual(button(debug, "Back").data, "a:settings:0");
});

Deno.test("settings: Debug shows the size of the local store file", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dataDir}/bot.kv`, new Uint8Array(3 * 1024));
    await using app = await createTestApp({ env: { DATA_DIR: dataDir } });
    const { agent } = await openSettings(app);
    const text = textOf(await press(app, agent, "a:debug:0"));
    assert.match(text, /Store file: <code>[^<]*bot\.kv<\/code> · 3 KB/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("settings: Debug before any backup or auto-close run says so", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "0" } });
  const { agent } = await openSettings(app, "ru");
  const text = textOf(await press(app, agent, "a:debug:0"));
  assert.match(text, /Резервных копий ещё не было \(по расписанию: выключено\)/);
  assert.match(text, /Автозакрытие выключено/);
});

Deno.test("settings: the grammY version shown is the one deno.lock resolves", async () => {
  const lock = JSON.parse(await Deno.readTextFile(new URL("../../deno.lock", import.meta.url)));
  const specifiers = Object.entries(lock.specifiers as Record<string, string>);
  const resolved = specifiers.find(([name]) => name.startsWith("npm:grammy@"))?.[1];
  assert.strictEqual(resolved, GRAMMY_VERSION);
});

Deno.test("settings: Backup now writes an archive and shows where", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    await using app = await createTestApp({ env: { DATA_DIR: dataDir } });
    const { agent } = await openSettings(app);
    const after = await press(app, agent, "a:backup:0");
    const text = textOf(after);
    assert.match(text, /Backup written: <code>[^<]*backup-[^<]*\.tar\.gz<\/code>/);
    assert.strictEqual(after?.method, "editMessageText");
    assert.deepStrictEqual(toasts(app).at(-1), "⏳ Backup started…");
    const meta = await getLastBackup(app.kv);
    assert.strictEqual(meta?.ok, true);
    assert.ok(meta?.path && (await Deno.stat(meta.path)).size > 0);
    assert.strictEqual(app.deps.runtime.errorCount, 0);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("settings: Russian menu and info", async () => {
  await using app = await createTestApp();
  const { agent, settings } = await openSettings(app, "ru");
  for (const label of ["Информация", "Отладка", "Резервная копия", "Назад"]) {
    button(settings, label);
  }
  assert.match(textOf(await press(app, agent, "a:info:0")), /Версия: <b>/);
});
