import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { callback, command, user } from "../helpers/updates.ts";
import { loadTranslator } from "../../src/i18n.ts";
import { admin, button, lastMessage, textOf } from "./admin_fixtures.ts";

Deno.test("help: explains every admin action and command, in English", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "1.5" } });
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:help:0", lastMessage(app, ADMIN_A)));
  const help = app.sim.lastSentTo(ADMIN_A);
  assert.ok(help?.response.ok);
  const text = textOf(help);
  for (
    const word of [
      "Inbox",
      "Take in progress",
      "Reply",
      "Close",
      "Block",
      "Unblock",
      "History",
      "Statistics",
      "Info",
      "Debug",
      "Backup now",
      "/ban",
      "/unban",
      "/admin",
      "/id",
      "1.5 h",
    ]
  ) assert.ok(text.includes(word), word);
  assert.ok(text.length < 4096);
  assert.strictEqual(button(help, "Back").data, "a:panel:0");
});

Deno.test("help: Russian help, also by /help", async () => {
  await using app = await createTestApp();
  await app.send(command(admin(ADMIN_B, "ru"), "help"));
  const text = textOf(app.sim.lastSentTo(ADMIN_B));
  for (const word of ["Входящие", "Взять в работу", "История", "/ban", "/unban", "24 ч"]) {
    assert.ok(text.includes(word), word);
  }
});

Deno.test("help: a user's /help never shows the admin help", async () => {
  await using app = await createTestApp();
  await app.send(command(user(600), "help"));
  assert.ok(app.sim.textsTo(600).every((text) => !text.includes("/ban")));
});

Deno.test("admin panel locales: every admin panel key exists in both languages", () => {
  const i18n = loadTranslator();
  const prefixes = [
    "btn-",
    "panel-",
    "inbox-",
    "card-",
    "history-",
    "kind-",
    "blocked-",
    "ban-",
    "unban-",
    "stats-",
    "settings-",
    "info-",
    "debug-",
    "backup-",
    "help-",
  ];
  const mine = (key: string) => prefixes.some((prefix) => key.startsWith(prefix));
  const en = i18n.keys("en").filter(mine).sort();
  const ru = i18n.keys("ru").filter(mine).sort();
  assert.deepStrictEqual(ru, en);
  const labels: Record<string, string> = {
    "btn-inbox": "Inbox",
    "btn-stats": "Statistics",
    "btn-blocked": "Blocked",
    "btn-settings": "Settings",
    "btn-info": "Info",
    "btn-debug": "Debug",
    "btn-help": "Help",
    "btn-back": "Back",
    "btn-back-card": "Back",
    "btn-backup": "Backup",
  };
  for (const [key, word] of Object.entries(labels)) {
    assert.ok(i18n.t("en", key).includes(word), `${key} contains ${word}`);
  }
});
