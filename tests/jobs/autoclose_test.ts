import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR, type TestApp, TestClock } from "../helpers/app.ts";
import { privateText, user } from "../helpers/updates.ts";
import { press } from "../bot/conversation_support.ts";
import { errors } from "../hardening/support.ts";
import { sweepAutoClose } from "../../src/jobs/autoclose.ts";
import { startJobs } from "../../src/jobs/mod.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { getLastAutoClose } from "../../src/store/meta.ts";
import { keys } from "../../src/store/keys.ts";
import type { OutboxItem } from "../../src/store/outbox.ts";
import { counterValue } from "../../src/store/counters.ts";
import { supportAnswers, tempDir, userWrites } from "./fixtures.ts";

const USER = 5001;

Deno.test("auto-close: a ticket answered by support closes after AUTO_CLOSE_AFTER_HOURS of user silence", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "24" } });
  const opened = await userWrites(app.kv, USER, app.clock.now());
  await supportAnswers(app.kv, opened.id, { adminId: ADMIN_A, at: app.clock.now(), hours: 24 });

  app.clock.advance(24 * HOUR - 60_000);
  assert.equal((await sweepAutoClose(app.deps, app.bot.api)).closed.length, 0);
  assert.equal((await getTicket(app.kv, opened.id))?.status, "in_progress");

  app.clock.advance(60_000);
  const { closed } = await sweepAutoClose(app.deps, app.bot.api);
  assert.deepEqual(closed.map((t) => t.id), [opened.id]);
  const stored = await getTicket(app.kv, opened.id);
  assert.equal(stored?.status, "closed");
  assert.equal(stored?.closedBy, "auto");
  assert.equal(stored?.closedAt, app.clock.now());

  // The user gets the notice with a button that starts a new question.
  const toUser = app.sim.sentTo(USER);
  assert.equal(toUser.length, 1);
  assert.match(String(toUser[0].payload.text), new RegExp(`#${opened.id}\\b`));
  assert.match(JSON.stringify(toUser[0].payload.reply_markup), /Ask/);
  // Each admin is told, naming the ticket.
  for (const admin of [ADMIN_A, ADMIN_B]) {
    const texts = app.sim.textsTo(admin);
    assert.equal(texts.length, 1);
    assert.match(texts[0], new RegExp(`#${opened.id}\\b`));
  }
  assert.deepEqual(await getLastAutoClose(app.kv), { at: app.clock.now(), closed: 1 });
});

Deno.test("auto-close: never closes a ticket where the user is the one waiting", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "1" } });
  const opened = await userWrites(app.kv, USER, app.clock.now());
  await supportAnswers(app.kv, opened.id, { adminId: ADMIN_A, at: app.clock.now(), hours: 1 });
  app.clock.advance(10 * 60_000);
  await userWrites(app.kv, USER, app.clock.now(), "But it still does not work");
  const waitingOnly = await userWrites(app.kv, USER + 1, app.clock.now());

  app.clock.advance(100 * HOUR);
  const { closed } = await sweepAutoClose(app.deps, app.bot.api);
  assert.equal(closed.length, 0);
  assert.equal((await getTicket(app.kv, opened.id))?.status, "in_progress");
  assert.equal((await getTicket(app.kv, waitingOnly.id))?.status, "new");
  assert.equal(app.sim.sentTo(USER).length, 0);
  assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
});

Deno.test("auto-close: decimal hours are honoured and 0 turns auto-close off", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "0.5" } });
  const ticket = await userWrites(app.kv, USER, app.clock.now());
  await supportAnswers(app.kv, ticket.id, { adminId: ADMIN_A, at: app.clock.now(), hours: 0.5 });
  app.clock.advance(29 * 60_000);
  assert.equal((await sweepAutoClose(app.deps, app.bot.api)).closed.length, 0);
  app.clock.advance(60_000);
  assert.equal((await sweepAutoClose(app.deps, app.bot.api)).closed.length, 1);

  await using off = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "0" } });
  const other = await userWrites(off.kv, USER, off.clock.now());
  // Scheduled while auto-close was on; switching it off must stop it too.
  await supportAnswers(off.kv, other.id, { adminId: ADMIN_A, at: off.clock.now(), hours: 1 });
  off.clock.advance(1000 * HOUR);
  const result = await sweepAutoClose(off.deps, off.bot.api);
  assert.equal(result.disabled, true);
  assert.equal((await getTicket(off.kv, other.id))?.status, "in_progress");
});

Deno.test("auto-close: many tickets closing together make one digest per admin", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "2" } });
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ticket = await userWrites(app.kv, USER + i, app.clock.now());
    await supportAnswers(app.kv, ticket.id, { adminId: ADMIN_B, at: app.clock.now(), hours: 2 });
    ids.push(ticket.id);
  }
  app.clock.advance(3 * HOUR);
  const { closed } = await sweepAutoClose(app.deps, app.bot.api);
  assert.deepEqual(closed.map((t) => t.id).sort((a, b) => a - b), ids);
  for (const admin of [ADMIN_A, ADMIN_B]) {
    const texts = app.sim.textsTo(admin);
    assert.equal(texts.length, 1, "one digest, not one message per ticket");
    for (const id of ids) assert.match(texts[0], new RegExp(`#${id}\\b`));
  }
  for (let i = 0; i < 5; i++) assert.equal(app.sim.sentTo(USER + i).length, 1);
  const again = await sweepAutoClose(app.deps, app.bot.api);
  assert.equal(again.closed.length, 0, "a second sweep finds nothing left");
});

Deno.test("auto-close: two processes sweeping one store at the same moment close each ticket once", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/bot.kv`;
  const clock = new TestClock();
  const env = { AUTO_CLOSE_AFTER_HOURS: "1" };
  await using first = await createTestApp({ env, kvPath: path, clock });
  await using second = await createTestApp({ env, kvPath: path, clock });
  const count = 30;
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const ticket = await userWrites(first.kv, USER + i, clock.now());
    await supportAnswers(first.kv, ticket.id, { adminId: ADMIN_A, at: clock.now(), hours: 1 });
    ids.push(ticket.id);
  }
  clock.advance(2 * HOUR);

  const [a, b] = await Promise.all([
    sweepAutoClose(first.deps, first.bot.api),
    sweepAutoClose(second.deps, second.bot.api),
  ]);
  const closedIds = [...a.closed, ...b.closed].map((t) => t.id).sort((x, y) => x - y);
  assert.deepEqual(closedIds, ids, "every ticket closed, none twice");

  for (let i = 0; i < count; i++) {
    const notices = first.sim.sentTo(USER + i).length + second.sim.sentTo(USER + i).length;
    assert.equal(notices, 1, `user ${USER + i} is told once`);
  }
  for (const admin of [ADMIN_A, ADMIN_B]) {
    const texts = [...first.sim.textsTo(admin), ...second.sim.textsTo(admin)];
    for (const id of ids) {
      const naming = texts.filter((text) => new RegExp(`#${id}\\b`).test(text));
      assert.equal(naming.length, 1, `admin ${admin} hears of #${id} once`);
    }
  }
  const closedCounter = await first.kv.get<Deno.KvU64>(keys.stat("tickets_closed"));
  assert.equal(counterValue(closedCounter.value), count);
});

Deno.test("auto-close: the start-up sweep closes tickets that fell due while the bot was down", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "24" } });
  const ticket = await userWrites(app.kv, USER, app.clock.now());
  await supportAnswers(app.kv, ticket.id, { adminId: ADMIN_A, at: app.clock.now(), hours: 24 });
  app.clock.advance(48 * HOUR);

  const jobs = startJobs(app.deps, app.bot.api);
  await jobs.stop(); // waits for the start-up run
  assert.equal((await getTicket(app.kv, ticket.id))?.status, "closed");
  assert.equal(app.sim.sentTo(USER).length, 1);
});

/** The pauses before every waiting send's next attempt pass now; the sender runs until idle. */
async function retryPauseEnds(app: TestApp): Promise<void> {
  for await (const entry of app.kv.list<OutboxItem>({ prefix: keys.outboxAll() })) {
    if (entry.value.readyAt <= Date.now()) continue;
    await app.kv.atomic().check(entry).set(entry.key, { ...entry.value, readyAt: 0 }).commit();
  }
  await app.outbox.wakeAll();
  await app.outbox.settle();
}

Deno.test("auto-close: auto-close counts from when the customer has the answer, not from when it was stored", async () => {
  await using app = await createTestApp({
    env: { AUTO_CLOSE_AFTER_HOURS: "24" },
    maxRetryAttempts: 0,
  });
  const customer = user(USER);
  const agent = user(ADMIN_A, { first_name: "Agent" });
  await app.send(privateText(customer, "My parcel never arrived, what now?"));
  await press(app, agent, "Reply", ADMIN_A);
  // Telegram refuses everything for the customer's chat for a while.
  let refusing = true;
  app.sim.failNext("*", errors.badGateway, 10_000, (p) => refusing && p.chat_id === USER);
  const storedAt = app.clock.now();
  const before = app.sim.sentTo(USER).length;
  await app.send(privateText(agent, "It is on its way, you will have it this week"));

  let ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.turn, "user");
  assert.equal(ticket?.lastSupportMessageAt, storedAt);
  assert.equal(ticket?.autoCloseAt, undefined, "no countdown before the customer has it");
  // Two days pass with the answer refused: it is never closed, however long ago it was stored.
  for (let hours = 0; hours < 48; hours += 12) {
    app.clock.advance(12 * HOUR);
    await retryPauseEnds(app);
    assert.equal((await sweepAutoClose(app.deps, app.bot.api)).closed.length, 0);
    ticket = await getTicket(app.kv, 1);
    assert.equal(ticket?.status, "in_progress");
    assert.equal(ticket?.autoCloseAt, undefined);
  }
  assert.equal(app.sim.sentTo(USER).filter((c) => c.response.ok).length, before);
  const refused = app.sim.calls.filter((c) => c.payload.chat_id === USER && !c.response.ok);
  assert.ok(refused.length >= 5, "the answer was tried, and refused, again and again");
  assert.ok(app.sim.textsTo(ADMIN_A).every((t) => !/Sent to the user/.test(t)));

  // Telegram takes it: the customer has the answer now, and the countdown starts now.
  refusing = false;
  app.clock.advance(HOUR);
  const deliveredAt = app.clock.now();
  await retryPauseEnds(app);
  assert.ok(app.sim.textsTo(USER).some((t) => t.includes("on its way")));
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => /Sent to the user/.test(t)));
  assert.equal((await getTicket(app.kv, 1))?.autoCloseAt, deliveredAt + 24 * HOUR);

  app.clock.advance(24 * HOUR - 60_000);
  assert.equal((await sweepAutoClose(app.deps, app.bot.api)).closed.length, 0);
  assert.equal((await getTicket(app.kv, 1))?.status, "in_progress");
  app.clock.advance(60_000);
  const { closed } = await sweepAutoClose(app.deps, app.bot.api);
  assert.deepEqual(closed.map((t) => t.id), [1]);
  const stored = await getTicket(app.kv, 1);
  assert.equal(stored?.status, "closed");
  assert.equal(stored?.closedBy, "auto");
  assert.equal(stored?.closedAt, deliveredAt + 24 * HOUR);
});
