import assert from "node:assert/strict";
import { ADMIN_A, createTestApp, HOUR } from "../helpers/app.ts";
import { assertNoUnexpectedErrors } from "../helpers/telegram_sim.ts";
import { callback, privateText, user } from "../helpers/updates.ts";
import { encode } from "../../src/render/callbacks.ts";
import { sweepAutoClose } from "../../src/jobs/autoclose.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { buttonsOf, findButton, press, toasts } from "./conversation_support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });

Deno.test("card: pressing Reply leaves the unchanged card alone and provokes no Telegram error", async () => {
  await using app = await createTestApp();
  const alice = user(7601);
  await app.send(privateText(alice, "My order never came"));
  const card = findButton(app, ADMIN_A, "History").message;
  await app.send(callback(admin, encode({ kind: "ticket", action: "reply", ticketId: 1 }), card));
  assert.equal(app.sim.callsTo("editMessageText").length, 0);
  assert.match(toasts(app).at(-1)!, /#1/);
  assert.deepEqual(app.sim.message(ADMIN_A, card.message_id)?.text, card.text);
  assertNoUnexpectedErrors(app.sim);
});

Deno.test("card: after an auto-close a stale press refreshes the card once, and a repeat sends no edit", async () => {
  await using app = await createTestApp({ env: { AUTO_CLOSE_AFTER_HOURS: "24" } });
  const bob = user(7602);
  await app.send(privateText(bob, "Is the shop open on Sunday?"));
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(privateText(admin, "Yes, from 10 to 16."));
  app.clock.advance(25 * HOUR);
  assert.equal((await sweepAutoClose(app.deps, app.bot.api)).closed.length, 1);
  assert.equal((await getTicket(app.kv, 1))?.status, "closed");

  // The card still offers Close: pressing it says the ticket is closed and refreshes the card.
  const card = findButton(app, ADMIN_A, "History").message;
  const close = encode({ kind: "ticket", action: "close", ticketId: 1 });
  await app.send(callback(admin, close, card));
  assert.match(toasts(app).at(-1)!, /already closed/);
  assert.equal(app.sim.callsTo("editMessageText").length, 1);
  const refreshed = app.sim.message(ADMIN_A, card.message_id)!;
  assert.match(refreshed.text!, /closed/);
  assert.ok(!buttonsOf(refreshed).some((b) => b.text.includes("Close")));

  // A second press of Close (a double tap) finds the card up to date: nothing to edit.
  await app.send(callback(admin, close, refreshed));
  assert.match(toasts(app).at(-1)!, /already closed/);
  assert.equal(app.sim.callsTo("editMessageText").length, 1);
  assertNoUnexpectedErrors(app.sim);
});
