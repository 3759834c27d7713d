import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import type { Payload } from "../helpers/sim_state.ts";
import { album, privateText, replyTo, user } from "../helpers/updates.ts";
import { getTicket, lastMessages, listUndelivered } from "../../src/store/tickets.ts";
import { keys } from "../../src/store/keys.ts";
import { flushAlbums } from "../../src/bot/delivery.ts";
import { redeliverPending } from "../../src/services/redeliver.ts";
import { errors } from "../hardening/support.ts";
import { press } from "./conversation_support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });
const adminB = user(ADMIN_B, { first_name: "Agent B" });
const MINUTE = 60_000;

/** A sim that can go down: every call then fails (a dead process's network, in effect). */
class FlakySim extends TelegramSim {
  down = false;
  override call(method: string, payload: Payload = {}) {
    if (this.down) return Promise.resolve({ ...errors.badGateway, ok: false as const });
    return super.call(method, payload);
  }
}

/** Handles an update again as the start-up replay does after a crash (its handled mark is gone). */
async function replay(app: TestApp, update: Update): Promise<void> {
  await app.kv.delete(keys.updateSeen(update.update_id));
  await app.send(update);
}

function count(texts: string[], part: string): number {
  return texts.filter((t) => t.includes(part)).length;
}

Deno.test("reply replay: an answer in reply mode handled again is neither stored nor delivered twice", async () => {
  await using app = await createTestApp();
  const u = user(9101);
  await app.send(privateText(u, "A question to answer in reply mode"));
  await press(app, admin, "Reply", ADMIN_A);
  const answer = privateText(admin, "The answer, sent once");
  await app.send(answer);
  const hintsBefore = count(app.sim.textsTo(ADMIN_A), "To answer a user");
  await replay(app, answer);

  assert.equal(count(app.sim.textsTo(u.id), "The answer, sent once"), 1);
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 2);
  assert.equal((await lastMessages(app.kv, 1, 10)).filter((m) => m.direction === "out").length, 1);
  assert.equal(count(app.sim.textsTo(ADMIN_A), "To answer a user"), hintsBefore, "no hint");
  assert.deepEqual(await listUndelivered(app.kv), []);
});

Deno.test("reply replay: a Telegram reply handled again is neither stored nor delivered twice", async () => {
  await using app = await createTestApp();
  const u = user(9102);
  await app.send(privateText(u, "A question answered by a Telegram reply"));
  const delivered = app.sim.messagesIn(ADMIN_B).find((m) =>
    m.text?.includes("answered by a Telegram reply")
  )!;
  const answer = replyTo(adminB, delivered, "Swipe answer, sent once");
  await app.send(answer);
  await replay(app, answer);

  assert.equal(count(app.sim.textsTo(u.id), "Swipe answer, sent once"), 1);
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 2);
  assert.equal(count(app.sim.textsTo(ADMIN_B), "Sent to the user"), 1);
});

Deno.test("reply replay: an answer stored but not delivered (crash between commit and delivery) is delivered once on replay", async () => {
  for (const path of ["mode", "telegram-reply"] as const) {
    await using app = await createTestApp({ maxRetryAttempts: 0 });
    const u = user(path === "mode" ? 9103 : 9104);
    await app.send(privateText(u, "A question whose answer gets lost"));
    let answer: Update;
    if (path === "mode") {
      await press(app, admin, "Reply", ADMIN_A);
      answer = privateText(admin, "The answer that was stored first");
    } else {
      const delivered = app.sim.messagesIn(ADMIN_A).find((m) =>
        m.text?.includes("whose answer gets lost")
      )!;
      answer = replyTo(admin, delivered, "The answer that was stored first");
    }
    app.sim.failNext("*", errors.badGateway, 1, (p) => p.chat_id === u.id);
    await app.send(answer);
    assert.equal(count(app.sim.textsTo(u.id), "stored first"), 0, `${path}: not delivered yet`);
    assert.equal((await listUndelivered(app.kv)).length, 1);

    await replay(app, answer);
    assert.equal(count(app.sim.textsTo(u.id), "stored first"), 1, `${path}: delivered once`);
    assert.equal((await getTicket(app.kv, 1))?.messageCount, 2, `${path}: stored once`);
    assert.deepEqual(await listUndelivered(app.kv), []);
    await replay(app, answer);
    assert.equal(count(app.sim.textsTo(u.id), "stored first"), 1, `${path}: still once`);
  }
});

Deno.test("redelivery: a message no admin could get (outage) is delivered once the API works again, once", async () => {
  await using app = await createTestApp({ maxRetryAttempts: 0 });
  const u = user(9110);
  let failing = true;
  app.sim.failNext(
    "*",
    errors.badGateway,
    1_000,
    (p) => failing && (p.chat_id === ADMIN_A || p.chat_id === ADMIN_B),
  );
  await app.send(privateText(u, "A question during an admin outage"));
  failing = false;
  const stored = await lastMessages(app.kv, 1, 10);
  assert.deepEqual(stored[0].copies, []);
  assert.equal((await listUndelivered(app.kv)).length, 1);

  // Too early: the live delivery may still be under way.
  await redeliverPending(app.deps, app.bot.api);
  assert.equal(count(app.sim.textsTo(ADMIN_A), "during an admin outage"), 0);

  app.clock.advance(2 * MINUTE);
  await redeliverPending(app.deps, app.bot.api);
  app.clock.advance(2 * MINUTE);
  await redeliverPending(app.deps, app.bot.api);
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const texts = app.sim.textsTo(chat);
    assert.equal(count(texts, "during an admin outage"), 1, `admin ${chat} got it once`);
    assert.ok(texts.some((t) => t.includes("#1")));
  }
  assert.equal((await lastMessages(app.kv, 1, 10))[0].copies.length, 2);
  assert.deepEqual(await listUndelivered(app.kv), []);
  assert.equal(count(app.sim.textsTo(u.id), "is created"), 1, "no second confirmation");
});

Deno.test("redelivery: an album stored but never delivered (killed in the album wait) is delivered after a restart, once", async () => {
  const sim = new FlakySim();
  await using first = await createTestApp({ sim, maxRetryAttempts: 0 });
  const u = user(9111);
  const parts = album(u, ["photo", "photo"], "Two photos of the broken device");
  await first.send(...parts);
  // Killed before the album wait ended: a fresh process on the same store.
  await using second = await createTestApp({ kv: first.kv, sim, clock: first.clock });
  first.clock.advance(2 * MINUTE);
  await redeliverPending(second.deps, second.bot.api);
  await redeliverPending(second.deps, second.bot.api);
  // The killed process's album timer is released against a dead network: it delivers nothing.
  sim.down = true;
  await flushAlbums(first.deps);
  sim.down = false;

  const ids = parts.map((p) => p.message!.message_id);
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const copies = sim.callsTo("copyMessages").filter((c) =>
      c.payload.chat_id === chat && c.response.ok
    );
    assert.equal(copies.length, 1, `admin ${chat} got the album once`);
    assert.deepEqual(copies[0].payload.message_ids, ids);
    assert.ok(sim.textsTo(chat).some((t) => t.includes("#1")));
  }
  assert.equal(count(sim.textsTo(u.id), "#1"), 1, "the user's confirmation, once");
  assert.deepEqual(await listUndelivered(second.kv), []);
});

Deno.test("redelivery: an admin's album answer never delivered reaches the user after a restart, once", async () => {
  const sim = new FlakySim();
  await using first = await createTestApp({ sim, maxRetryAttempts: 0 });
  const u = user(9112);
  await first.send(privateText(u, "Please send me pictures of the part"));
  await press(first, admin, "Reply", ADMIN_A);
  const parts = album(admin, ["photo", "photo"], "Here are the pictures");
  await first.send(...parts);
  await using second = await createTestApp({ kv: first.kv, sim, clock: first.clock });
  first.clock.advance(2 * MINUTE);
  await redeliverPending(second.deps, second.bot.api);
  await redeliverPending(second.deps, second.bot.api);
  sim.down = true;
  await flushAlbums(first.deps);
  sim.down = false;

  const toUser = sim.callsTo("copyMessages").filter((c) =>
    c.payload.chat_id === u.id && c.response.ok
  );
  assert.equal(toUser.length, 1);
  assert.equal(count(sim.textsTo(ADMIN_A), "Sent to the user"), 1);
  assert.deepEqual(await listUndelivered(second.kv), []);
});
