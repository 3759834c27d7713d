import assert from "node:assert/strict";
import { HttpError } from "grammy";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import type { Payload } from "../helpers/sim_state.ts";
import { callback, privateText, replyTo, user } from "../helpers/updates.ts";
import { forgetMessage } from "../helpers/world.ts";
import { getOpenTicket, lastMessages } from "../../src/store/tickets.ts";
import { createAlerts } from "../../src/services/alerts.ts";
import { encode } from "../../src/render/callbacks.ts";
import { press, toasts } from "../bot/conversation_support.ts";
import { assertTicketsWhole, errors, handleLikeRunner, recordingAlerts } from "./support.ts";
import type { OutboxItem } from "../../src/store/outbox.ts";
import { keys } from "../../src/store/keys.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });
const ALERT_CHAT = -1009876543210;

/** A sim whose network can go down: every call then fails like fetch does. */
class FlakySim extends TelegramSim {
  down = false;
  override call(method: string, payload: Payload = {}) {
    if (this.down) {
      return Promise.reject(
        new HttpError(`Network request for '${method}' failed!`, new TypeError("connection reset")),
      );
    }
    return super.call(method, payload);
  }
}

Deno.test("api errors: an admin chat that is gone is logged and alerted, throttled; the others still get every message", async () => {
  await using app = await createTestApp({
    env: {
      ALERT_CHAT_ID: String(ALERT_CHAT),
      ERROR_ALERTS_ENABLED: "true",
      ERROR_ALERT_THROTTLE_SEC: "60",
    },
  });
  app.sim.addGroup(ALERT_CHAT);
  const alerts = createAlerts(app.deps);
  alerts.attach(app.bot.api);
  app.deps.alerts = alerts;
  app.sim.deleteChat(ADMIN_A);

  await app.send(privateText(user(6301), "First question while admin A is gone"));
  await app.send(privateText(user(6302), "Second question while admin A is gone"));
  await alerts.flush();
  let texts = app.sim.textsTo(ALERT_CHAT);
  assert.equal(texts.length, 1, "one alert inside the throttle window");
  assert.match(texts[0], /chat not found/);

  app.clock.advance(HOUR);
  await app.send(privateText(user(6303), "Third question after the window"));
  await alerts.flush();
  texts = app.sim.textsTo(ALERT_CHAT);
  assert.equal(texts.length, 2);
  assert.match(texts[1], /1/, "the second alert counts the one held back");

  for (const id of [1, 2, 3]) {
    assert.ok(
      app.sim.textsTo(ADMIN_B).some((t) => t.includes(`#${id}`) && t.includes("question")),
      `admin B got #${id}`,
    );
  }
  assert.equal((await assertTicketsWhole(app.kv)).length, 3);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("api errors: with Telegram failing (5xx) the user's message is stored, the failure alerted, and the next update works", async () => {
  const alerts = recordingAlerts();
  await using app = await createTestApp({ deps: { alerts }, maxRetryAttempts: 0 });
  const u = user(6304);
  let failing = true;
  app.sim.failNext("*", errors.badGateway, 1_000, () => failing);
  await handleLikeRunner(app, privateText(u, "A question while Telegram is down"));
  failing = false;

  const ticket = await getOpenTicket(app.kv, u.id);
  assert.equal(ticket?.id, 1);
  const stored = await lastMessages(app.kv, 1, 10);
  assert.equal(stored[0].text, "A question while Telegram is down");
  assert.ok(alerts.errors.length >= 1, "the failure is alerted");
  await assertTicketsWhole(app.kv);

  // Sends that met the outage wait out their pause (real seconds); let it pass now.
  for await (const entry of app.kv.list<OutboxItem>({ prefix: keys.outboxAll() })) {
    await app.kv.atomic().check(entry).set(entry.key, { ...entry.value, readyAt: 0 }).commit();
  }
  await app.outbox.wakeAll();
  await app.send(privateText(u, "And a follow-up once it is back"));
  for (const chat of [ADMIN_A, ADMIN_B]) {
    assert.ok(app.sim.textsTo(chat).some((t) => t.includes("follow-up") && t.includes("#1")));
  }
  assert.equal((await getOpenTicket(app.kv, u.id))?.messageCount, 2);
});

Deno.test("api errors: a network failure loses no data and the bot keeps serving", async () => {
  const alerts = recordingAlerts();
  const sim = new FlakySim();
  await using app = await createTestApp({ sim, deps: { alerts }, maxRetryAttempts: 0 });
  const u = user(6305);
  sim.down = true;
  await handleLikeRunner(app, privateText(u, "A question during a network outage"));
  sim.down = false;

  assert.equal((await getOpenTicket(app.kv, u.id))?.id, 1);
  assert.equal((await lastMessages(app.kv, 1, 10))[0].text, "A question during a network outage");
  assert.ok(alerts.errors.length >= 1);
  await app.send(privateText(user(6306), "Another question after the outage"));
  assert.ok(
    app.sim.textsTo(ADMIN_A).some((t) => t.includes("after the outage") && t.includes("#2")),
  );
});

Deno.test("api errors: a reply to a user whose chat is gone tells the admin, is alerted, and keeps the reply", async () => {
  const alerts = recordingAlerts();
  await using app = await createTestApp({ deps: { alerts } });
  const u = user(6307);
  await app.send(privateText(u, "A question from a soon deleted account"));
  app.sim.deleteChat(u.id);
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(privateText(admin, "An answer that cannot be delivered"));

  const told = app.sim.textsTo(ADMIN_A).at(-1)!;
  assert.match(told, /#1/);
  assert.match(told, /not delivered/);
  assert.doesNotMatch(told, /chat not found|Bad Request/, "no raw error in the agent's chat");
  assert.ok(alerts.errors.length >= 1, "alerted");
  const stored = await lastMessages(app.kv, 1, 10);
  assert.equal(stored.at(-1)?.text, "An answer that cannot be delivered");
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("api errors: a Telegram reply whose message the admin deleted at once still reaches the user and is confirmed", async () => {
  await using app = await createTestApp();
  const u = user(6308);
  await app.send(privateText(u, "A question answered by a deleted reply"));
  const delivered = app.sim.messagesIn(ADMIN_A).find((m) => m.text?.includes("deleted reply"))!;
  const answer = replyTo(admin, delivered, "The answer, then deleted");
  forgetMessage(ADMIN_A, answer.message!.message_id);
  await app.send(answer);

  assert.ok(app.sim.textsTo(u.id).some((t) => t.includes("The answer, then deleted")));
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /#1/);
  assert.equal(app.deps.runtime.errorCount, 0);
});

Deno.test("api errors: a handler that fails anyway is counted, alerted, answered politely, and the next press works", async () => {
  const alerts = recordingAlerts();
  await using app = await createTestApp({ deps: { alerts }, maxRetryAttempts: 0 });
  const panel = encode({ kind: "admin", screen: "stats", page: 0 });
  app.sim.failNext("editMessageText", errors.badGateway, 1);
  await handleLikeRunner(app, callback(admin, panel));
  assert.equal(app.deps.runtime.errorCount, 1);
  assert.equal(alerts.errors.length, 1);
  assert.match(toasts(app).at(-1)!, /went wrong/);

  await app.send(callback(admin, panel));
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => /Statistics/.test(t)));
});
