/**
 * Delivery through the outbox, driven through the bot: a copy Telegram refuses
 * for a while (5xx, no network, 429 beyond auto-retry) is delivered later, to
 * each chat that has not got it, once and in order; nothing is dropped; a
 * card is not a copy of message #1; an album keeps its place in the order;
 * what a killed process left in the outbox is sent by the next one.
 *
 * The sender's retry pauses are real time (seconds); {@link retryPauseEnds}
 * lets them pass at once.
 *
 * @module
 */
import assert from "node:assert/strict";
import { HttpError } from "grammy";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import type { Payload } from "../helpers/sim_state.ts";
import { album, command, privateText, user } from "../helpers/updates.ts";
import { getTicket, lastMessages } from "../../src/store/tickets.ts";
import { claimOutbox, listOutbox, type OutboxItem } from "../../src/store/outbox.ts";
import { keys } from "../../src/store/keys.ts";
import { errors, recordingAlerts } from "../hardening/support.ts";
import { press } from "./conversation_support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });

/** The pauses before every waiting send's next attempt pass now; the sender runs until idle. */
async function retryPauseEnds(app: TestApp): Promise<void> {
  for await (const entry of app.kv.list<OutboxItem>({ prefix: keys.outboxAll() })) {
    if (entry.value.readyAt <= Date.now()) continue;
    await app.kv.atomic().check(entry).set(entry.key, { ...entry.value, readyAt: 0 }).commit();
  }
  await app.outbox.wakeAll();
  await app.outbox.settle();
}

/** How many texts sent to `chatId` contain `part`. */
function count(app: TestApp, chatId: number, part: string): number {
  return app.sim.textsTo(chatId).filter((t) => t.includes(part)).length;
}

/** The parts found in what `chatId` received, in the order they arrived (within a message too). */
function arrived(app: TestApp, chatId: number, parts: string[]): string[] {
  return app.sim.textsTo(chatId).flatMap((t) =>
    parts.filter((p) => t.includes(p)).toSorted((a, b) => t.indexOf(a) - t.indexOf(b))
  );
}

/** The chats each stored message of ticket #1 has a recorded copy in. */
async function copiedTo(app: TestApp, ticketId = 1): Promise<number[][]> {
  return (await lastMessages(app.kv, ticketId, 50)).map((m) =>
    m.copies.map((c) => c.chatId).toSorted((a, b) => a - b)
  );
}

/** A sim whose network is down for some chats: calls to them fail like fetch does. */
class PartlyOfflineSim extends TelegramSim {
  readonly offline = new Set<number>();
  override call(method: string, payload: Payload = {}) {
    if (this.offline.has(Number(payload.chat_id))) {
      return Promise.reject(
        new HttpError(`Network request for '${method}' failed!`, new TypeError("connection reset")),
      );
    }
    return super.call(method, payload);
  }
}

const TEXTS = [
  "First: my parcel is late",
  "Second: the tracking number is 55-21",
  "Third: it was due on Monday",
];

Deno.test("outbox: copies Telegram refuses (5xx) for a while reach that agent later, once, in order; the other agent at once; giving up on no attempt", async () => {
  const alerts = recordingAlerts();
  await using app = await createTestApp({ deps: { alerts }, maxRetryAttempts: 0 });
  const u = user(9201);
  let refusing = true;
  app.sim.failNext("*", errors.badGateway, 1_000, (p) => refusing && p.chat_id === ADMIN_A);
  for (const text of TEXTS) await app.send(privateText(u, text));

  assert.deepEqual(arrived(app, ADMIN_B, TEXTS), TEXTS, "admin B has them at once");
  assert.deepEqual(arrived(app, ADMIN_A, TEXTS), [], "admin A has none yet");
  // Refused again and again: the sender keeps trying, and the agents hear of it.
  for (let round = 0; round < 4; round++) await retryPauseEnds(app);
  assert.deepEqual(arrived(app, ADMIN_A, TEXTS), []);
  const waiting = (await listOutbox(app.kv, ADMIN_A)).map((e) => `${e.value.kind} ${e.value.seq}`);
  assert.deepEqual(waiting, ["card 0", "copy 1", "copy 2", "copy 3"], "nothing was dropped");
  assert.ok(alerts.errors.some((e) => /keeps refusing/.test(e.where)), "the refusals are alerted");

  refusing = false;
  await retryPauseEnds(app);
  assert.deepEqual(arrived(app, ADMIN_A, TEXTS), TEXTS, "admin A gets each once, in order");
  assert.deepEqual(arrived(app, ADMIN_B, TEXTS), TEXTS, "admin B got nothing twice");
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => t.includes("#1")), "with the card");
  assert.deepEqual(await copiedTo(app), TEXTS.map(() => [ADMIN_A, ADMIN_B]));
  assert.deepEqual(await listOutbox(app.kv, ADMIN_A), []);
  assert.equal(count(app, u.id, "#1"), 1, "the user's confirmation, once");
  assert.equal(app.deps.runtime.errorCount, 0, "no update failed");
});

Deno.test("outbox: copies that meet no network for a while reach that agent later, once, in order", async () => {
  const sim = new PartlyOfflineSim();
  await using app = await createTestApp({ sim, maxRetryAttempts: 0 });
  const u = user(9202);
  sim.offline.add(ADMIN_B);
  for (const text of TEXTS) await app.send(privateText(u, text));
  assert.deepEqual(arrived(app, ADMIN_A, TEXTS), TEXTS);
  assert.deepEqual(arrived(app, ADMIN_B, TEXTS), []);
  await retryPauseEnds(app);
  assert.deepEqual(arrived(app, ADMIN_B, TEXTS), []);

  sim.offline.delete(ADMIN_B);
  await retryPauseEnds(app);
  assert.deepEqual(arrived(app, ADMIN_B, TEXTS), TEXTS);
  assert.deepEqual(arrived(app, ADMIN_A, TEXTS), TEXTS);
  assert.deepEqual(await copiedTo(app), TEXTS.map(() => [ADMIN_A, ADMIN_B]));
});

Deno.test("outbox: a 429 that outlasts auto-retry's attempts is waited out, and the copy arrives once", async () => {
  await using app = await createTestApp({ maxRetryAttempts: 2 });
  const u = user(9203);
  const text = "A question that meets a long flood wait";
  // The first attempt and both of auto-retry's retries are refused.
  app.sim.failNext("sendMessage", errors.tooMany(1), 3, (p) => p.chat_id === ADMIN_A);
  await app.send(privateText(u, text));
  assert.equal(count(app, ADMIN_B, text), 1);
  assert.equal(count(app, ADMIN_A, text), 0);

  await retryPauseEnds(app);
  assert.equal(count(app, ADMIN_A, text), 1);
  assert.equal(count(app, ADMIN_B, text), 1);
  assert.deepEqual(await copiedTo(app), [[ADMIN_A, ADMIN_B]]);
});

Deno.test("outbox: an answer refused for a while reaches the customer later, once, and is confirmed once", async () => {
  await using app = await createTestApp({ maxRetryAttempts: 0 });
  const u = user(9204);
  await app.send(privateText(u, "When will my refund come?"));
  await press(app, admin, "Reply", ADMIN_A);
  let refusing = true;
  app.sim.failNext("*", errors.badGateway, 1_000, (p) => refusing && p.chat_id === u.id);
  await app.send(privateText(admin, "The refund is on its way"));
  assert.equal(count(app, u.id, "on its way"), 0);
  assert.equal(count(app, ADMIN_A, "Sent to the user"), 0, "not confirmed before it is sent");

  refusing = false;
  await retryPauseEnds(app);
  assert.equal(count(app, u.id, "on its way"), 1);
  assert.equal(count(app, ADMIN_A, "Sent to the user"), 1);
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 2);
});

Deno.test("outbox: a ticket's card is no copy of message #1: a refused first copy still arrives, and opening the card by link changes nothing", async () => {
  await using app = await createTestApp({ maxRetryAttempts: 0 });
  const u = user(9205);
  const text = "My first message about the refund";
  let refusing = true;
  app.sim.failNext(
    "sendMessage",
    errors.badGateway,
    1_000,
    (p) => refusing && p.chat_id === ADMIN_A && String(p.text).includes(text),
  );
  await app.send(privateText(u, text));
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => t.includes("#1")), "admin A has the card");
  assert.equal(count(app, ADMIN_A, text), 0);
  assert.deepEqual(await copiedTo(app), [[ADMIN_B]], "the card is not a copy of #1's message");

  // The agent opens the card from a link (the clickable #id in a notification).
  await app.send(command(admin, "start", "t_1"));
  assert.deepEqual(await copiedTo(app), [[ADMIN_B]], "nor is a card opened by link");

  refusing = false;
  await retryPauseEnds(app);
  assert.equal(count(app, ADMIN_A, text), 1, "message #1 reaches admin A later, once");
  assert.equal(count(app, ADMIN_B, text), 1);
  assert.deepEqual(await copiedTo(app), [[ADMIN_A, ADMIN_B]]);
});

Deno.test("outbox: an album that opens a ticket reaches the agents before the user's next message", async () => {
  await using app = await createTestApp();
  const u = user(9206);
  const parts = album(u, ["photo", "photo"], "Photos of the damage");
  const next = "And my order number is 5521";
  await app.receive(...parts, privateText(u, next));
  await app.outbox.settle();

  for (const chat of [ADMIN_A, ADMIN_B]) {
    const calls = app.sim.sentTo(chat);
    const albumAt = calls.findIndex((c) => c.method === "copyMessages");
    const nextAt = calls.findIndex((c) => String(c.payload.text ?? "").includes(next));
    assert.ok(albumAt >= 0 && nextAt >= 0, `admin ${chat} got both`);
    assert.ok(albumAt < nextAt, `admin ${chat}: the album first`);
    assert.equal(calls.filter((c) => c.method === "copyMessages").length, 1, "the album once");
    assert.deepEqual(
      calls[albumAt].payload.message_ids,
      parts.map((p) => p.message!.message_id),
    );
  }
  const stored = await lastMessages(app.kv, 1, 10);
  assert.deepEqual(stored.map((m) => m.kind), ["album", "text"]);
});

Deno.test("outbox: what a killed process left unsent (an album in its wait, an answer) the next process sends, once", async () => {
  const sim = new TelegramSim();
  await using first = await createTestApp({ sim });
  const u = user(9207);
  await first.send(privateText(u, "Please look at the pictures I will send"));
  await press(first, admin, "Reply", ADMIN_A);
  // From here on the process stores but is killed before it sends.
  first.deps.wake = () => {};
  await first.receive(privateText(admin, "Send them, please"));
  const parts = album(u, ["photo", "photo"], "Two photos of the broken device");
  await first.receive(...parts);
  await first.outbox.stop();
  assert.equal(sim.callsTo("copyMessages").length, 0);
  assert.equal(sim.textsTo(u.id).filter((t) => t.includes("Send them")).length, 0);

  await using second = await createTestApp({ kv: first.kv, sim, clock: first.clock });
  await second.outbox.wakeAll();
  await second.outbox.settle();
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const copies = sim.callsTo("copyMessages").filter((c) => c.payload.chat_id === chat);
    assert.equal(copies.length, 1, `admin ${chat} got the album once`);
    assert.deepEqual(copies[0].payload.message_ids, parts.map((p) => p.message!.message_id));
  }
  assert.equal(sim.textsTo(u.id).filter((t) => t.includes("Send them")).length, 1);
  assert.equal(sim.textsTo(ADMIN_A).filter((t) => t.includes("Sent to the user")).length, 1);
  assert.deepEqual(await listOutbox(second.kv, ADMIN_A), []);
});

Deno.test("outbox: an item claimed by a process that died is sent once its claim lapses, once", async () => {
  const sim = new TelegramSim();
  // The process is killed before its sender ran: nothing wakes it.
  await using first = await createTestApp({ sim, deps: { wake: () => {} } });
  const u = user(9208);
  const text = "A question whose sender was killed mid-send";
  await first.receive(privateText(u, text));
  await first.outbox.stop();
  // The killed process had claimed admin A's items (a claim lapses unless renewed).
  const items = await listOutbox(first.kv, ADMIN_A);
  assert.ok(await claimOutbox(first.kv, items, Date.now() + 300));

  await using second = await createTestApp({ kv: first.kv, sim, clock: first.clock });
  await second.outbox.wakeAll();
  assert.equal(sim.textsTo(ADMIN_A).filter((t) => t.includes(text)).length, 0, "claimed");
  await second.outbox.settle();
  assert.equal(sim.textsTo(ADMIN_A).filter((t) => t.includes(text)).length, 1);
  assert.equal(sim.textsTo(ADMIN_B).filter((t) => t.includes(text)).length, 1);
  assert.deepEqual(await copiedTo(second), [[ADMIN_A, ADMIN_B]]);
});
