import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR } from "../helpers/app.ts";
import { callback, command, user } from "../helpers/updates.ts";
import { getUser, setBlocked } from "../../src/store/users.ts";
import { readStats } from "../../src/store/stats.ts";
import {
  admin,
  button,
  buttonsOf,
  lastMessage,
  textOf,
  toasts,
  userWrites,
} from "./admin_fixtures.ts";

type App = Awaited<ReturnType<typeof createTestApp>>;

async function ban(app: App, argument: string | undefined, language = "en") {
  await app.send(command(admin(ADMIN_A, language), "ban", argument));
  return textOf(app.sim.lastSentTo(ADMIN_A));
}

async function unban(app: App, argument: string | undefined, language = "en") {
  await app.send(command(admin(ADMIN_A, language), "unban", argument));
  return textOf(app.sim.lastSentTo(ADMIN_A));
}

Deno.test("blocked: /ban blocks a known user and says who", async () => {
  await using app = await createTestApp();
  await userWrites(app, user(300, { first_name: "Mallory" }), "spam spam spam spam");
  const answer = await ban(app, "300");
  assert.match(
    answer,
    /<a href="tg:\/\/user\?id=300">Mallory<\/a> \(id <code>300<\/code>\) is blocked/,
  );
  assert.strictEqual((await getUser(app.kv, 300))?.blocked, true);
  assert.match(await ban(app, "300"), /already blocked/);
  assert.strictEqual((await readStats(app.kv, app.clock.now())).blocked, 1);
});

Deno.test("blocked: /ban of an id that never wrote blocks it in advance, and says so", async () => {
  await using app = await createTestApp();
  assert.match(await ban(app, "555"), /has never written to the bot; the id is blocked in advance/);
  assert.strictEqual((await getUser(app.kv, 555))?.blocked, true);
});

Deno.test("blocked: malformed ids get a clear answer and change nothing", async () => {
  await using app = await createTestApp();
  assert.match(await ban(app, undefined), /Usage: <code>\/ban &lt;user id&gt;<\/code>/);
  for (const bad of ["abc", "-5", "0", "12.5", "1e5", "<b>x</b>", "9".repeat(20)]) {
    const answer = await ban(app, bad);
    assert.match(answer, /is not a Telegram user id/, bad);
    assert.match(answer, /Usage/);
  }
  assert.ok(textOf(app.sim.callsTo("sendMessage").at(-2)).includes("&lt;b&gt;x&lt;/b&gt;"));
  assert.match(await unban(app, "x1"), /is not a Telegram user id[^]*\/unban/);
  assert.ok(app.sim.callsTo("sendMessage").every((call) => call.response.ok));
  assert.strictEqual((await readStats(app.kv, app.clock.now())).blocked, 0);
});

Deno.test("blocked: an admin cannot be blocked", async () => {
  await using app = await createTestApp();
  assert.match(await ban(app, String(ADMIN_B)), /is an admin \(ADMIN_ID\) and cannot be blocked/);
  assert.notStrictEqual((await getUser(app.kv, ADMIN_B))?.blocked, true);
});

Deno.test("blocked: /unban unblocks; an unknown or unblocked id is explained", async () => {
  await using app = await createTestApp();
  await userWrites(app, user(301, { first_name: "Trent" }), "hello hello hello");
  assert.match(await unban(app, "301"), /is not blocked. Nothing changed/);
  await setBlocked(app.kv, 301, true, { now: app.clock.now() });
  assert.match(await unban(app, "301"), /Trent<\/a> \(id <code>301<\/code>\) is unblocked/);
  assert.strictEqual((await getUser(app.kv, 301))?.blocked, false);
  assert.match(await unban(app, "424242"), /User <code>424242<\/code> is unknown/);
  assert.strictEqual(await getUser(app.kv, 424242), null);
});

Deno.test("blocked: Russian answers", async () => {
  await using app = await createTestApp();
  assert.match(await ban(app, "abc", "ru"), /не id пользователя Telegram[^]*Использование/);
  assert.match(await ban(app, "777", "ru"), /заблокирован заранее/);
  assert.match(await unban(app, "777", "ru"), /разблокирован/);
});

Deno.test("blocked: the list shows blocked users with Unblock buttons that work in place", async () => {
  await using app = await createTestApp();
  await userWrites(app, user(310, { first_name: "Ann", username: "ann" }), "question from ann");
  await userWrites(app, user(311, { first_name: "<Ben>" }), "question from ben");
  await setBlocked(app.kv, 310, true, { now: app.clock.now(), by: ADMIN_A });
  app.clock.advance(HOUR);
  await setBlocked(app.kv, 311, true, { now: app.clock.now(), by: ADMIN_A });
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  const message = lastMessage(app, ADMIN_A);
  await app.send(callback(agent, "a:blocked:0", message));
  const list = app.sim.lastSentTo(ADMIN_A);
  assert.match(textOf(list), /Blocked users<\/b>: 2/);
  assert.ok(textOf(list).includes("@ann") && textOf(list).includes("&lt;Ben&gt;"));
  assert.deepStrictEqual(
    buttonsOf(list).filter((b) => b.data.startsWith("u:")).map((b) => b.data),
    ["u:310:0", "u:311:0"],
  );
  assert.ok(button(list, "Unblock Ann"));

  await app.send(callback(agent, "u:310:0", lastMessage(app, ADMIN_A)));
  const after = app.sim.lastSentTo(ADMIN_A);
  assert.strictEqual(after?.payload.message_id, message.message_id);
  assert.match(textOf(after), /Blocked users<\/b>: 1/);
  assert.strictEqual((await getUser(app.kv, 310))?.blocked, false);
  assert.deepStrictEqual(toasts(app).at(-1), "♻️ Ann is unblocked.");

  // A second press of the same (stale) button changes nothing and says so.
  await app.send(callback(agent, "u:310:0", lastMessage(app, ADMIN_A)));
  assert.deepStrictEqual(toasts(app).at(-1), "Ann was not blocked anymore.");
  assert.strictEqual((await readStats(app.kv, app.clock.now())).blocked, 1);
});

Deno.test("blocked: an empty list says so; Russian labels", async () => {
  await using app = await createTestApp();
  const agent = admin(ADMIN_A, "ru");
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:blocked:0", lastMessage(app, ADMIN_A)));
  const list = app.sim.lastSentTo(ADMIN_A);
  assert.match(textOf(list), /Никто не заблокирован/);
  button(list, "Назад");
});

Deno.test("blocked: the list pages by eight", async () => {
  await using app = await createTestApp();
  for (let i = 0; i < 9; i++) await setBlocked(app.kv, 400 + i, true, { now: app.clock.now() });
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:blocked:0", lastMessage(app, ADMIN_A)));
  const first = app.sim.lastSentTo(ADMIN_A);
  assert.strictEqual(buttonsOf(first).filter((b) => b.data.startsWith("u:")).length, 8);
  await app.send(callback(agent, button(first, "Next").data, lastMessage(app, ADMIN_A)));
  const second = app.sim.lastSentTo(ADMIN_A);
  assert.deepStrictEqual(
    buttonsOf(second).filter((b) => b.data.startsWith("u:")).map((b) => b.data),
    ["u:408:1"],
  );
  // Unblocking the only user of the last page shows the page before it.
  await app.send(callback(agent, "u:408:1", lastMessage(app, ADMIN_A)));
  assert.strictEqual(
    buttonsOf(app.sim.lastSentTo(ADMIN_A)).filter((b) => b.data.startsWith("u:")).length,
    8,
  );
});
