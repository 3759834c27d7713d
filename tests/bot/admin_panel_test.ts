import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { callback, command, user } from "../helpers/updates.ts";
import { getUser } from "../../src/store/users.ts";
import { admin, buttonsOf, lastMessage, textOf, toasts, userWrites } from "./admin_fixtures.ts";

const PANEL_LABELS = ["Inbox", "Statistics", "Blocked", "Settings", "Help"];

Deno.test("admin panel: an admin's /start and /admin open the panel with every section", async () => {
  await using app = await createTestApp();
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "start"));
  const panel = app.sim.lastSentTo(ADMIN_A);
  assert.match(textOf(panel), /Support panel/);
  const labels = buttonsOf(panel).map((b) => b.text);
  for (const label of PANEL_LABELS) {
    assert.ok(labels.some((text) => text.includes(label)), `${label} in ${labels}`);
  }
  await app.send(command(agent, "admin"));
  assert.match(textOf(app.sim.lastSentTo(ADMIN_A)), /Support panel/);
});

Deno.test("admin panel: every admin of ADMIN_ID gets it, in the admin's language", async () => {
  await using app = await createTestApp();
  await app.send(command(admin(ADMIN_B, "ru"), "admin"));
  const panel = app.sim.lastSentTo(ADMIN_B);
  assert.match(textOf(panel), /Панель поддержки/);
  const labels = buttonsOf(panel).map((b) => b.text).join(" ");
  for (const label of ["Входящие", "Статистика", "Заблокированные", "Настройки", "Помощь"]) {
    assert.ok(labels.includes(label), label);
  }
});

Deno.test("admin panel: the panel counts open tickets from the counters", async () => {
  await using app = await createTestApp();
  await userWrites(app, user(50), "first question here");
  await userWrites(app, user(51), "second question here");
  await app.send(command(admin(ADMIN_A), "admin"));
  assert.match(textOf(app.sim.lastSentTo(ADMIN_A)), /Open tickets: <b>2<\/b> \(new: 2/);
});

Deno.test("admin panel: a user's /start gets the user menu, never the panel", async () => {
  await using app = await createTestApp();
  const customer = user(77);
  await app.send(command(customer, "start"));
  const texts = app.sim.textsTo(77).join("\n");
  assert.doesNotMatch(texts, /Support panel/);
  for (const b of app.sim.sentTo(77).flatMap((call) => buttonsOf(call))) {
    assert.ok(!b.data.startsWith("a:"), `admin button ${b.data} shown to a user`);
  }
});

Deno.test("admin panel: a user's /admin gets a polite refusal", async () => {
  await using app = await createTestApp();
  await app.send(command(user(78), "admin"));
  assert.deepStrictEqual(app.sim.textsTo(78), ["⛔ This action is for the support team only."]);
});

Deno.test("admin panel: forged admin buttons from a user are refused and change nothing", async () => {
  await using app = await createTestApp();
  const intruder = user(79, { language_code: "ru" });
  const victim = user(80);
  const ticket = await userWrites(app, victim, "a question that matters");
  await app.send(command(intruder, "start"));
  const before = app.sim.calls.length;
  const forged = [
    "a:inbox:0",
    "a:stats:0",
    "a:blocked:0",
    "a:settings:0",
    "a:info:0",
    "a:debug:0",
    "a:backup:0",
    "a:help:0",
    "a:panel:0",
    `t:open:${ticket.id}`,
    `t:history:${ticket.id}`,
    "u:80:0",
  ];
  for (const data of forged) await app.send(callback(intruder, data));
  const calls = app.sim.calls.slice(before);
  assert.deepStrictEqual(
    calls.map((call) => call.method),
    forged.map(() => "answerCallbackQuery"),
  );
  for (const call of calls) {
    assert.strictEqual(call.payload.text, "⛔ Это действие доступно только команде поддержки.");
  }
  assert.strictEqual(app.deps.runtime.errorCount, 0);
});

Deno.test("admin panel: /ban and /unban from a user are refused and block nobody", async () => {
  await using app = await createTestApp();
  const target = user(81);
  await userWrites(app, target, "just a normal question");
  await app.send(command(user(82), "ban", "81"));
  assert.strictEqual((await getUser(app.kv, 81))?.blocked, false);
  assert.deepStrictEqual(app.sim.textsTo(82), ["⛔ This action is for the support team only."]);
});

Deno.test("admin panel: Back from a section edits the same message back into the panel", async () => {
  await using app = await createTestApp();
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  const message = lastMessage(app, ADMIN_A);
  await app.send(callback(agent, "a:help:0", message));
  await app.send(callback(agent, "a:panel:0", lastMessage(app, ADMIN_A)));
  const edits = app.sim.callsTo("editMessageText");
  assert.strictEqual(edits.length, 2);
  assert.ok(edits.every((call) => call.payload.message_id === message.message_id));
  assert.match(textOf(edits[1]), /Support panel/);
  assert.strictEqual(app.sim.callsTo("sendMessage").length, 1);
  assert.deepStrictEqual(toasts(app), ["", ""]);
});

Deno.test("admin panel: pressing an unchanged screen again is answered, not an error", async () => {
  await using app = await createTestApp();
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  const panel = lastMessage(app, ADMIN_A);
  await app.send(callback(agent, "a:panel:0", panel));
  // The screen shows what it would be edited into: no edit, so Telegram has nothing to refuse.
  assert.strictEqual(app.sim.callsTo("editMessageText").length, 0);
  assert.strictEqual(lastMessage(app, ADMIN_A).text, panel.text);
  assert.ok(app.sim.calls.every((call) => call.response.ok));
  assert.strictEqual(app.sim.callsTo("answerCallbackQuery").length, 1);
  assert.ok(app.sim.callsTo("answerCallbackQuery")[0].response.ok);
  assert.strictEqual(app.deps.runtime.errorCount, 0);
});

Deno.test("admin panel: /start t_<id> opens that ticket's card for an admin", async () => {
  await using app = await createTestApp();
  const ticket = await userWrites(app, user(83, { first_name: "Dora" }), "where is my order?");
  await app.send(command(admin(ADMIN_A), "start", `t_${ticket.id}`));
  const card = textOf(app.sim.lastSentTo(ADMIN_A));
  assert.match(card, new RegExp(`#${ticket.id}\\b`));
  assert.match(card, /Dora/);
  assert.doesNotMatch(card, /Support panel/);
});
