import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR, type TestAppOptions } from "../helpers/app.ts";
import { callback, command, privateText, user } from "../helpers/updates.ts";
import { admin, buttonsOf, lastMessage, textOf } from "../bot/admin_fixtures.ts";
import { press } from "../bot/conversation_support.ts";
import { getOpenTicket, getTicket, lastMessages } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { readStats } from "../../src/store/stats.ts";
import { findByLegacyId } from "../../src/store/legacy.ts";
import { sweepAutoClose } from "../../src/jobs/autoclose.ts";
import { outboxChats } from "../../src/store/outbox.ts";
import { fixture, runImport } from "./support.ts";

/** A test app with the `basic` fixture imported (fails the test when the import does). */
async function importedApp(options: TestAppOptions = {}) {
  const app = await createTestApp(options);
  await using folder = await fixture("basic");
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 0, run.all);
  return { app, run };
}

/** The admin panel, then one of its screens by button label; returns that screen's text. */
async function openScreen(app: Awaited<ReturnType<typeof createTestApp>>, label: string) {
  const agent = admin(ADMIN_A, "en", "Alice");
  await app.send(command(agent, "admin"));
  await press(app, agent, label);
  return { agent, screen: app.sim.lastSentTo(ADMIN_A) };
}

Deno.test("import-legacy: prints the figures per kind and gives #ids in order of creation", async () => {
  const { app, run } = await importedApp();
  await using _app = app;
  const folder = run.out[0].replace(/^Read (.*)\/data\.json and .*$/, "$1");
  assert.deepEqual(run.out, [
    `Read ${folder}/data.json and ${folder}/banned.json.`,
    "Tickets: 8 (new 1, in progress 3, closed 4)",
    "Messages: 19 (2 media the old bot did not keep)",
    "Users: 9 new, 0 updated; languages: en 2, ru 2; feedback cooldowns: 2",
    "Ratings: 3 (3 stars: 1, 2 stars: 1, 1 star: 1)",
    "Blocks: 2",
    "Ticket ids: #1 to #8, in order of creation; the old ids stay on the cards.",
    "Auto-close: 1 open ticket was answered more than 24 h ago; the bot closes it at its " +
    "next start and tells its user.",
    "Notes (1):",
    "  user 1001: is an admin (ADMIN_ID); not blocked",
    run.out.at(-1)!,
  ]);
  assert.match(run.out.at(-1)!, /^Imported 8 tickets \(#1 to #8\) and 9 user records in/);
  assert.deepEqual(run.err, []);
  // data.json lists them out of order; equal creation times are ordered by the old id.
  const order = [
    "T-20261101-0001",
    "T-20261102-0001",
    "T-20261102-0002",
    "T-20261102-0003",
    "T-20261120-0001",
    "T-20261120-0002",
    "T-20261122-0001",
    "T-20261124-0001",
  ];
  for (const [index, legacyId] of order.entries()) {
    assert.equal(await findByLegacyId(app.kv, legacyId), index + 1, legacyId);
    assert.equal((await getTicket(app.kv, index + 1))?.legacyId, legacyId);
  }
});

Deno.test("import-legacy: the inbox lists open tickets, waiting users first, the longest wait on top", async () => {
  const { app } = await importedApp();
  await using _app = app;
  const { screen } = await openScreen(app, "Inbox");
  // #6 waits since 20/11, #7 since the user's answer of 22/11; #5 and #8 await the users.
  const rows = buttonsOf(screen).map((b) => b.text).filter((text) => text.startsWith("#"));
  assert.deepEqual(rows.map((text) => text.split(" ")[0]), ["#6", "#7", "#5", "#8"]);
  assert.match(rows[0], /⏳/);
  assert.match(rows[2], /💤/);
  // The old bot kept no names: the @username stands in until the user writes again.
  assert.match(rows[0], /@dan/);
});

Deno.test("import-legacy: the card shows the old id and the rating; the history shows every message", async () => {
  const { app } = await importedApp({ env: { TIMEZONE: "Europe/Moscow" } });
  await using _app = app;
  const agent = admin(ADMIN_A, "en", "Alice");
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "t:open:1", lastMessage(app, ADMIN_A)));
  const card = textOf(app.sim.lastSentTo(ADMIN_A));
  assert.match(card, /Ticket #1<\/b> · ✅ closed/);
  assert.ok(card.includes("Old bot id: <code>T-20261101-0001</code>"), card);
  assert.match(card, /@olga_k/);
  assert.match(card, /Created: 01\/11\/2026, 10:00/);
  assert.match(card, /Closed: 01\/11\/2026, 12:00/);
  assert.match(card, /4 messages/);
  assert.match(card, /Taken by: Alice/);
  assert.match(card, /Rating: ⭐⭐⭐/);

  await app.send(callback(agent, "t:history:1", lastMessage(app, ADMIN_A)));
  const history = textOf(app.sim.lastSentTo(ADMIN_A));
  assert.match(history, /last 4 of 4 messages/);
  assert.match(
    history,
    /01\/11\/2026, 10:35<\/b> · ⬅️ user · 📎 media \(the old bot did not keep it\)/,
  );
  assert.ok(history.includes("Приложение не открывается после обновления"), history);
  // Text from the old files is escaped like any user text (the fake Telegram checks the HTML).
  assert.ok(history.includes("Fixed in &lt;b&gt;2.1&lt;/b&gt; &amp; later"), history);

  await app.send(callback(agent, "t:open:8", lastMessage(app, ADMIN_A)));
  const open = textOf(app.sim.lastSentTo(ADMIN_A));
  assert.match(open, /Turn: <b>user<\/b>/);
  assert.match(open, /Auto-close in 23 h/);
});

Deno.test("import-legacy: the card and the history in Russian", async () => {
  const { app } = await importedApp();
  await using _app = app;
  const agent = admin(ADMIN_B, "ru", "Борис");
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "t:open:7", lastMessage(app, ADMIN_B)));
  assert.ok(
    textOf(app.sim.lastSentTo(ADMIN_B)).includes(
      "Номер в старом боте: <code>T-20261122-0001</code>",
    ),
  );
  await app.send(callback(agent, "t:history:7", lastMessage(app, ADMIN_B)));
  assert.match(textOf(app.sim.lastSentTo(ADMIN_B)), /📎 медиа \(старый бот его не сохранял\)/);
});

Deno.test("import-legacy: the statistics screen agrees with the imported data", async () => {
  const { app } = await importedApp();
  await using _app = app;
  assert.equal((await readStats(app.kv, app.clock.now())).users, 9);
  const { screen } = await openScreen(app, "Statistics");
  const text = textOf(screen);
  // Nine imported users, and the admin who opened the panel.
  assert.match(text, /Users: <b>10<\/b> \(blocked: 2\)/);
  assert.match(text, /Tickets: <b>8<\/b> · new: 1 · in progress: 3 · closed: 4/);
  assert.match(text, /Waiting for auto-close: 2/);
  assert.match(text, /Ratings: 3 · average: 2/);
  assert.match(text, /⭐ 1 · ⭐⭐ 1 · ⭐⭐⭐ 1/);
  assert.match(text, /Created: 8 · closed: 4/);
  const stats = await readStats(app.kv, app.clock.now());
  // First answers after 30 min, 1 h (derived from the first answer), 10 min, 20 min, 1 h, 1 h, 1 h.
  assert.equal(stats.last30Days.medianFirstResponseMs, HOUR);
});

Deno.test("import-legacy: an admin sends the old id and gets the ticket card", async () => {
  const { app } = await importedApp();
  await using _app = app;
  const agent = admin(ADMIN_A, "en", "Alice");
  for (const typed of ["T-20261120-0002", " #t-20261120-0002 "]) {
    await app.send(privateText(agent, typed));
    const card = textOf(app.sim.lastSentTo(ADMIN_A));
    assert.match(card, /Ticket #6<\/b>/, typed);
    assert.match(card, /T-20261120-0002/);
  }
  await app.send(privateText(agent, "T-20991231-0001"));
  assert.equal(
    textOf(app.sim.lastSentTo(ADMIN_A)),
    "No ticket imported from the old bot has the id <code>T-20991231-0001</code>.",
  );
  // Anything else is still an admin's stray message.
  await app.send(privateText(agent, "T-2026 is not an id"));
  assert.match(textOf(app.sim.lastSentTo(ADMIN_A)), /To answer a user, press Reply/);
  // A user sending an old id starts a ticket as any message does; no card leaks.
  const stranger = user(700, { first_name: "Stranger" });
  await app.send(privateText(stranger, "T-20261120-0002"));
  assert.ok(app.sim.textsTo(700).every((text) => !text.includes("Old bot id")));
});

Deno.test("import-legacy: blocked users are listed and get the blocked treatment", async () => {
  const { app } = await importedApp();
  await using _app = app;
  const { screen } = await openScreen(app, "Blocked");
  const text = textOf(screen);
  assert.match(text, /Blocked users<\/b>: 2/);
  assert.match(text, /<code>504<\/code>/);
  assert.match(text, /<code>509<\/code>/);
  assert.equal((await getUser(app.kv, 1001))?.blocked ?? false, false);

  const before = app.sim.sentTo(ADMIN_A).length;
  await app.send(privateText(user(509), "Let me in, this is a long message"));
  assert.match(app.sim.lastMessageIn(509)!.text!, /You are blocked/);
  assert.equal(app.sim.sentTo(ADMIN_A).length, before);
});

Deno.test("import-legacy: a user's language carries over to /start", async () => {
  const { app } = await importedApp();
  await using _app = app;
  // Olga's Telegram is in English, but she chose Russian in the old bot.
  await app.send(command(user(501, { language_code: "en" }), "start"));
  assert.match(app.sim.lastMessageIn(501)!.text!, /Здравствуйте/);
  await app.send(command(user(503, { language_code: "ru" }), "start"));
  assert.match(app.sim.lastMessageIn(503)!.text!, /Hello/);
});

Deno.test("import-legacy: the feedback cooldown carries over", async () => {
  const { app } = await importedApp({
    env: { FEEDBACK_COOLDOWN_ENABLED: "true", FEEDBACK_COOLDOWN_HOURS: "24" },
  });
  await using _app = app;
  // Olga's last review was at 07:00 UTC today.
  const olga = user(501);
  await app.send(command(olga, "start"));
  await press(app, olga, "отзыв");
  assert.match(app.sim.lastMessageIn(501)!.text!, /25\.11\.2026, 07:00/);
  // Bob's last suggestion is two weeks old: he may write.
  const bob = user(502);
  await app.send(command(bob, "start"));
  await press(app, bob, "Feedback");
  assert.doesNotMatch(app.sim.lastMessageIn(502)!.text!, /recently/);
});

Deno.test("import-legacy: auto-close closes the ticket answered long ago, never one where the user waits", async () => {
  const { app } = await importedApp();
  await using _app = app;
  const { closed } = await sweepAutoClose(app.deps, app.bot.api);
  assert.deepEqual(closed.map((ticket) => ticket.id), [5]);
  assert.match(app.sim.lastMessageIn(503)!.text!, /closed automatically/);
  for (const id of [6, 7, 8]) assert.notEqual((await getTicket(app.kv, id))?.status, "closed");
  app.clock.advance(24 * HOUR);
  assert.deepEqual((await sweepAutoClose(app.deps, app.bot.api)).closed.map((t) => t.id), [8]);
});

Deno.test("import-legacy: imported messages are never delivered again", async () => {
  const { app } = await importedApp();
  await using _app = app;
  assert.deepEqual(await outboxChats(app.kv), []);
  app.clock.advance(2 * HOUR);
  await app.outbox.wakeAll();
  await app.outbox.settle();
  assert.deepEqual(app.sim.calls, []);
});

Deno.test("import-legacy: a user's next message joins the imported open ticket", async () => {
  const { app } = await importedApp();
  await using _app = app;
  await app.send(privateText(user(505, { first_name: "Eve" }), "Still nothing arrived, sorry"));
  const ticket = await getTicket(app.kv, 8);
  assert.equal(ticket?.messageCount, 3);
  assert.equal(ticket?.turn, "support");
  assert.equal((await getOpenTicket(app.kv, 505))?.id, 8);
  assert.match(app.sim.textsTo(ADMIN_A).join("\n"), /#8/);
  const [last] = await lastMessages(app.kv, 8, 1);
  assert.equal(last.text, "Still nothing arrived, sorry");
});
