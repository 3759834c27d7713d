import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { callback, privateText, user } from "../helpers/updates.ts";
import { getOpenTicket, getTicket, lastMessages } from "../../src/store/tickets.ts";
import { findButton } from "../bot/conversation_support.ts";
import { assertTicketsWhole } from "./support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });

Deno.test("duplicates: the same update delivered twice has one effect", async () => {
  await using app = await createTestApp();
  const u = user(6701);
  const update = privateText(u, "A question delivered twice by Telegram");
  await app.bot.handleUpdate(update);
  await app.bot.handleUpdate(structuredClone(update));
  await app.outbox.settle();
  const ticket = await getOpenTicket(app.kv, u.id);
  assert.equal(ticket?.messageCount, 1);
  for (const chat of [ADMIN_A, ADMIN_B, u.id]) {
    assert.equal(
      app.sim.textsTo(chat).filter((t) => t.includes("#1")).length,
      chat === u.id ? 1 : 2,
    );
  }
  assert.equal((await assertTicketsWhole(app.kv)).length, 1);
});

Deno.test("duplicates: a repeated button press, even concurrent, closes once and notifies once", async () => {
  await using app = await createTestApp();
  const u = user(6702);
  await app.send(privateText(u, "A question to be closed twice"));
  const close = findButton(app, ADMIN_A, "Close");
  const press = callback(admin, close.data, close.message);
  app.sim.clear();
  await Promise.all([app.bot.handleUpdate(press), app.bot.handleUpdate(structuredClone(press))]);
  assert.equal((await getTicket(app.kv, 1))?.status, "closed");
  assert.equal(app.sim.sentTo(u.id).length, 1, "one closure notice");
  await assertTicketsWhole(app.kv);
});

Deno.test("order: one user's messages handled concurrently are stored and delivered in send order", async () => {
  await using app = await createTestApp();
  const u = user(6703);
  const texts = Array.from({ length: 12 }, (_, i) => `Message number ${i + 1} of the story`);
  const updates = texts.map((text) => privateText(u, text));
  await Promise.all(updates.map((update) => app.bot.handleUpdate(update)));
  await app.outbox.settle();

  const stored = await lastMessages(app.kv, 1, 50);
  assert.deepEqual(stored.map((m) => m.text), texts);
  assert.deepEqual(stored.map((m) => m.seq), texts.map((_, i) => i + 1));
  for (const chat of [ADMIN_A, ADMIN_B]) {
    // Texts that waited together arrive as one message: read each message's texts in place.
    const delivered = app.sim.textsTo(chat).flatMap((t) =>
      texts.filter((text) => t.includes(text)).toSorted((a, b) => t.indexOf(a) - t.indexOf(b))
    );
    assert.deepEqual(delivered, texts, `admin ${chat} got them in order`);
  }
  assert.equal((await assertTicketsWhole(app.kv)).length, 1);
});

Deno.test("concurrency: 200 users writing at once each reach every admin exactly once", async () => {
  await using app = await createTestApp();
  const updates = Array.from(
    { length: 200 },
    (_, i) => privateText(user(670_000 + i), `Simultaneous question from user ${670_000 + i}`),
  );
  await Promise.all(updates.map((update) => app.bot.handleUpdate(update)));
  await app.outbox.settle();

  for (const chat of [ADMIN_A, ADMIN_B]) {
    const deliveries = app.sim.textsTo(chat).filter((t) => t.includes("Simultaneous question"));
    assert.equal(deliveries.length, 200, `admin ${chat}: 200 deliveries`);
    const ids = deliveries.map((t) => Number(/#(\d+)/.exec(t)![1])).toSorted((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 200 }, (_, i) => i + 1));
    // Each delivery names the ticket of the user who wrote it.
    for (const text of deliveries) {
      const id = Number(/#(\d+)/.exec(text)![1]);
      const userId = Number(/from user (\d+)/.exec(text)![1]);
      assert.equal((await getTicket(app.kv, id))?.userId, userId);
    }
  }
  const tickets = await assertTicketsWhole(app.kv);
  assert.equal(tickets.length, 200);
  assert.equal(new Set(tickets.map((t) => t.userId)).size, 200);
  assert.equal(app.deps.runtime.errorCount, 0);
});
