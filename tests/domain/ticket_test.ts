import assert from "node:assert/strict";
import {
  afterSupportMessage,
  afterUserMessage,
  answerDelivered,
  autoCloseDueAt,
  closeTicket,
  inboxPosition,
  isAutoCloseDue,
  openTicket,
} from "../../src/domain/ticket.ts";

const HOUR = 3_600_000;

Deno.test("domain: auto-close is due only after support answered and the user stayed silent", () => {
  const opened = openTicket(1, 5, 0);
  assert.strictEqual(isAutoCloseDue(opened, 100 * HOUR), false, "the user is waiting");
  const stored = afterSupportMessage(opened, 1001, HOUR);
  assert.strictEqual(stored.autoCloseAt, undefined, "the customer does not have the answer yet");
  assert.strictEqual(isAutoCloseDue(stored, 100 * HOUR), false);
  const answered = answerDelivered(stored, HOUR, 24);
  assert.ok(answered);
  assert.strictEqual(isAutoCloseDue(answered, 25 * HOUR - 1), false);
  assert.strictEqual(isAutoCloseDue(answered, 25 * HOUR), true);
  const userAgain = afterUserMessage(answered, 2 * HOUR);
  assert.strictEqual(userAgain.autoCloseAt, undefined);
  assert.strictEqual(isAutoCloseDue(userAgain, 100 * HOUR), false, "scenario 2 stays open");
});

Deno.test("domain: auto-close counts from the delivery of the answer, never backwards", () => {
  const stored = afterSupportMessage(openTicket(1, 5, 0), 1001, HOUR);
  // Telegram took the answer two hours after it was stored.
  const delivered = answerDelivered(stored, 3 * HOUR, 24);
  assert.strictEqual(delivered?.autoCloseAt, 27 * HOUR);
  assert.strictEqual(isAutoCloseDue(delivered!, 25 * HOUR), false);
  // A later answer delivered later moves it on; an older delivery never brings it forward.
  assert.strictEqual(answerDelivered(delivered!, 5 * HOUR, 24)?.autoCloseAt, 29 * HOUR);
  assert.strictEqual(answerDelivered(delivered!, 2 * HOUR, 24), null);
  // The customer wrote before the answer arrived: their turn is over, nothing counts.
  assert.strictEqual(answerDelivered(afterUserMessage(stored, 2 * HOUR), 3 * HOUR, 24), null);
  // Closed meanwhile, or auto-close off: nothing changes.
  assert.strictEqual(answerDelivered(closeTicket(stored, 1001, 2 * HOUR), 3 * HOUR, 24), null);
  assert.strictEqual(answerDelivered(stored, 3 * HOUR, 0), null);
});

Deno.test("domain: decimal hours and 0 (off)", () => {
  assert.strictEqual(autoCloseDueAt(0, 0.5), HOUR / 2);
  assert.strictEqual(autoCloseDueAt(0, 0), undefined);
  const answered = afterSupportMessage(openTicket(1, 5, 0), 1001, 0);
  assert.strictEqual(answerDelivered(answered, 0, 0), null);
  assert.strictEqual(isAutoCloseDue(answered, 1e12), false);
  assert.strictEqual(answerDelivered(answered, 0, 0.5)?.autoCloseAt, HOUR / 2);
});

Deno.test("domain: a closed ticket stays closed", () => {
  const closed = closeTicket(openTicket(1, 5, 0), 1001, 10);
  assert.strictEqual(afterUserMessage(closed, 20), closed);
  assert.strictEqual(afterSupportMessage(closed, 1001, 20), closed);
  assert.strictEqual(closeTicket(closed, "auto", 30), closed);
  assert.strictEqual(inboxPosition(closed), undefined);
});

Deno.test("domain: the first reply is recorded once and moves new to in progress", () => {
  const first = afterSupportMessage(openTicket(1, 5, 0), 1001, 10);
  const second = afterSupportMessage(afterUserMessage(first, 20), 1002, 30);
  assert.strictEqual(first.status, "in_progress");
  assert.strictEqual(second.firstResponseAt, 10);
  assert.strictEqual(second.lastRepliedBy, 1002);
  assert.strictEqual(second.takenBy, 1001);
});

Deno.test("domain: waiting users sort first by how long they wait", () => {
  const waiting = openTicket(1, 5, 100);
  const answered = afterSupportMessage(openTicket(2, 6, 0), 1001, 50);
  assert.deepStrictEqual(inboxPosition(waiting), { rank: 0, sortTime: 100 });
  assert.deepStrictEqual(inboxPosition(answered), { rank: 1, sortTime: 50 });
  const stillWaiting = afterUserMessage(waiting, 500);
  assert.deepStrictEqual(inboxPosition(stillWaiting), { rank: 0, sortTime: 100 });
});
