import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { privateText, user } from "../helpers/updates.ts";
import { getOpenTicket, lastMessages } from "../../src/store/tickets.ts";
import { listOutbox } from "../../src/store/outbox.ts";
import { press } from "../bot/conversation_support.ts";
import { errors, recordingAlerts } from "./support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });

Deno.test("429: an admin's reply is retried after retry_after and reaches the user once", async () => {
  await using app = await createTestApp();
  const u = user(6101);
  await app.send(privateText(u, "My order never arrived, please check"));
  await press(app, admin, "Reply", ADMIN_A);
  app.sim.clear();
  app.sim.failNext("sendMessage", errors.tooMany(1), 1, (p) => p.chat_id === u.id);
  await app.send(privateText(admin, "It is on its way, sorry for the wait"));

  const attempts = app.sim.callsTo("sendMessage").filter((c) => c.payload.chat_id === u.id);
  assert.equal(attempts.length, 2, "one refused attempt, one retry");
  assert.equal(attempts[0].response.ok, false);
  const delivered = app.sim.textsTo(u.id).filter((t) => t.includes("It is on its way"));
  assert.equal(delivered.length, 1);
  assert.match(delivered[0], /#1/);
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /#1/, "the admin gets the confirmation");
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("429: a user's message copied to an admin under a rate limit arrives once", async () => {
  const alerts = recordingAlerts();
  await using app = await createTestApp({ deps: { alerts } });
  const u = user(6102);
  app.sim.failNext("sendMessage", errors.tooMany(1), 1, (p) => p.chat_id === ADMIN_B);
  await app.send(privateText(u, "A question that meets a rate limit"));

  for (const chat of [ADMIN_A, ADMIN_B]) {
    const copies = app.sim.textsTo(chat).filter((t) => t.includes("meets a rate limit"));
    assert.equal(copies.length, 1, `admin ${chat} got the message once`);
  }
  const stored = await lastMessages(app.kv, 1, 10);
  assert.equal(stored.length, 1);
  assert.deepEqual(stored[0].copies.map((c) => c.chatId).toSorted(), [ADMIN_A, ADMIN_B]);
  assert.equal(alerts.errors.length, 0, "a retried 429 is not an error");
});

Deno.test("429: a retry_after longer than the bot waits is an error that loses no data", async () => {
  const alerts = recordingAlerts();
  await using app = await createTestApp({ deps: { alerts } });
  const u = user(6103);
  app.sim.failNext("sendMessage", errors.tooMany(3600), 1, (p) => p.chat_id === ADMIN_A);
  await app.send(privateText(u, "A question during a flood wait"));

  assert.ok((await getOpenTicket(app.kv, u.id))?.id === 1, "the ticket is stored");
  assert.equal(app.sim.textsTo(ADMIN_B).filter((t) => t.includes("flood wait")).length, 1);
  assert.ok(alerts.errors.length >= 1, "the failure is alerted");
  assert.equal(app.deps.runtime.errorCount, 0, "the update itself did not fail");
  // The card and the copy to admin A wait in the outbox, not before Telegram's retry_after.
  const waiting = await listOutbox(app.kv, ADMIN_A);
  const kinds = waiting.map((e) => `#${e.value.ticketId} ${e.value.kind}`);
  assert.deepEqual(kinds, ["#1 card", "#1 copy"]);
  assert.ok(waiting[0].value.readyAt >= Date.now() + 3_500_000, "it waits out the retry_after");
  assert.equal(app.sim.textsTo(ADMIN_A).filter((t) => t.includes("flood wait")).length, 0);
});
