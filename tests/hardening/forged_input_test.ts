import assert from "node:assert/strict";
import type { Update, User } from "grammy/types";
import { ADMIN_A, createTestApp, type TestApp } from "../helpers/app.ts";
import { callback, command, nextUpdateId, privateText, user } from "../helpers/updates.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { press } from "../bot/conversation_support.ts";
import { assertSameStore, dumpStore } from "./support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });
const alice = user(6601, { first_name: "Alice" });
const bob = user(6602, { first_name: "Bob" });

/** Alice has closed ticket #1 (waiting for her rating), Bob has open ticket #2. */
async function world(): Promise<TestApp> {
  const app = await createTestApp();
  await app.send(privateText(alice, "Alice's question about billing"));
  await press(app, admin, "Close", ADMIN_A);
  await app.send(privateText(bob, "Bob's question about shipping"));
  return app;
}

/** Presses `data` as `from` and asserts that the store did not change and the press was answered. */
async function pressChangesNothing(app: TestApp, from: User, data: string): Promise<void> {
  const update = callback(from, data);
  const before = await dumpStore(app.kv, { skipUsers: [from.id] });
  await app.bot.handleUpdate(update);
  assertSameStore(
    before,
    await dumpStore(app.kv, { skipUsers: [from.id] }),
    `${from.id} "${data}"`,
  );
  const answers = app.sim.callsTo("answerCallbackQuery").filter((c) =>
    c.payload.callback_query_id === update.callback_query!.id
  );
  assert.equal(answers.length, 1, `"${data}" is answered once`);
  assert.equal(app.deps.runtime.errorCount, 0);
}

const JUNK = [
  "",
  " ",
  "x".repeat(64),
  "\u0000\u0001\u0002junk\uffff",
  "%$#@!*&^()[]{};'\\\"|<>?/~`" + "z".repeat(38),
  "⭐⭐⭐",
  "t:",
  "t:close",
  "t:close:",
  "t:close:abc",
  "t:close:-1",
  "t:close:0",
  "t:close:1e3",
  "t:close:99999999999999999999",
  "t:close:1:2",
  "t:explode:1",
  "r:1",
  "r:1:0",
  "r:1:4",
  "r:1:-3",
  "r:1:3:3",
  "r:x:3",
  "a:",
  "a:stats",
  "a:stats:-1",
  "a:nowhere:0",
  "u:abc:0",
  "l:de",
  "l:",
  "m:nothing",
  "x:1",
];

Deno.test("forged: junk callback data is refused and changes nothing, for users and admins", async () => {
  await using app = await world();
  for (const data of JUNK) {
    await pressChangesNothing(app, bob, data);
    await pressChangesNothing(app, admin, data);
  }
});

Deno.test("forged: a callback query without data is answered and changes nothing", async () => {
  await using app = await world();
  const update = callback(bob, "m:main");
  delete (update.callback_query as { data?: string }).data;
  (update.callback_query as { game_short_name?: string }).game_short_name = "game";
  const before = await dumpStore(app.kv, { skipUsers: [bob.id] });
  await app.bot.handleUpdate(update);
  assertSameStore(before, await dumpStore(app.kv, { skipUsers: [bob.id] }), "no data");
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("forged: a user rating someone else's ticket, or one that does not exist, changes nothing", async () => {
  await using app = await world();
  for (const data of ["r:1:3", "r:2:3", "r:3:1", "r:999999:2", "r:999999999999999:1"]) {
    await pressChangesNothing(app, bob, data);
  }
  // Alice's own rating still works afterwards.
  await app.send(callback(alice, "r:1:3"));
  assert.equal((await getTicket(app.kv, 1))?.rating, 3);
  // And only once.
  await pressChangesNothing(app, alice, "r:1:1");
});

Deno.test("forged: admin buttons pressed by a non-admin are refused and change nothing", async () => {
  await using app = await world();
  const adminOnly = [
    "t:take:2",
    "t:reply:2",
    "t:close:2",
    "t:block:2",
    "t:unblock:2",
    "t:open:2",
    "t:history:2",
    "t:close:1",
    "a:panel:0",
    "a:inbox:0",
    "a:stats:0",
    "a:blocked:0",
    "a:settings:0",
    "a:info:0",
    "a:debug:0",
    "a:help:0",
    "a:backup:0",
    "u:6602:0",
    "u:6601:0",
  ];
  for (const data of adminOnly) await pressChangesNothing(app, bob, data);
  assert.equal((await getTicket(app.kv, 2))?.status, "new");
  assert.equal((await getUser(app.kv, bob.id))?.blocked, false);
});

Deno.test("forged: an admin's buttons naming tickets or users that do not exist change nothing", async () => {
  await using app = await world();
  for (
    const data of [
      "t:take:999",
      "t:reply:999",
      "t:close:999",
      "t:block:999",
      "t:unblock:999",
      "t:open:999",
      "t:history:999",
      "t:close:1",
      "t:take:1",
      "t:reply:1",
      "u:424242:0",
      "u:6602:999999",
      "a:inbox:999999",
      "a:blocked:999999",
    ]
  ) await pressChangesNothing(app, admin, data);
});

/** Sends `/name args` as `from`; returns the answer and asserts the store did not change. */
async function commandChangesNothing(
  app: TestApp,
  from: User,
  text: string,
): Promise<string> {
  const before = await dumpStore(app.kv, { skipUsers: [from.id] });
  const [name, ...rest] = text.slice(1).split(" ");
  const update: Update = command(from, name, rest.join(" ") || undefined);
  app.sim.clear();
  await app.bot.handleUpdate({ ...update, update_id: nextUpdateId() });
  assertSameStore(before, await dumpStore(app.kv, { skipUsers: [from.id] }), text.slice(0, 40));
  const answers = app.sim.textsTo(from.id);
  assert.equal(answers.length, 1, `one answer to ${text.slice(0, 40)}`);
  assert.equal(app.deps.runtime.errorCount, 0);
  return answers[0];
}

Deno.test("forged: /ban and /unban with malformed arguments get a clear answer and change nothing", async () => {
  await using app = await world();
  const bad = [
    "abc",
    "-5",
    "0",
    "00",
    "1.5",
    "1e5",
    "0x1F",
    "１２３",
    "6602 6601",
    "6602 please",
    "99999999999999999999999",
    "<b>6602</b>",
    "&amp;",
    "<".repeat(4000),
  ];
  for (const name of ["ban", "unban"]) {
    assert.match(await commandChangesNothing(app, admin, `/${name}`), /Usage/);
    for (const arg of bad) {
      const answer = await commandChangesNothing(app, admin, `/${name} ${arg}`);
      assert.match(answer, /not a Telegram user id/, `/${name} ${arg.slice(0, 20)}`);
    }
  }
  assert.match(await commandChangesNothing(app, admin, `/ban ${ADMIN_A}`), /admin/);
  assert.match(await commandChangesNothing(app, admin, "/unban 424242"), /unknown/);
  assert.match(await commandChangesNothing(app, admin, "/unban 6602"), /not blocked/);
  for (const text of ["/ban 6602", "/unban 6602", "/ban", "/admin"]) {
    assert.match(await commandChangesNothing(app, bob, text), /support team only/);
  }
});

Deno.test("forged: /start with a junk payload gets the usual answer", async () => {
  await using app = await world();
  for (const payload of ["t_", "t_abc", "t_0", "t_-1", "<b>x</b>", "ref&x=1", "z".repeat(3000)]) {
    assert.match(await commandChangesNothing(app, bob, `/start ${payload}`), /Bob/);
    const panel = await commandChangesNothing(app, admin, `/start ${payload}`);
    assert.match(panel, /Inbox|panel/i);
  }
  assert.match(await commandChangesNothing(app, admin, "/start t_999999"), /#999999/);
  assert.match(
    await commandChangesNothing(app, admin, "/start t_99999999999999999999"),
    /Inbox|panel/i,
  );
});
