import assert from "node:assert/strict";
import {
  afterSupportMessage,
  afterUserMessage,
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
  const answered = afterSupportMessage(opened, 1001, HOUR, 24);
  assert.strictEqual(isAutoCloseDue(answered, 25 * HOUR - 1), false);
  assert.strictEqual(isAutoCloseDue(answered, 25 * HOUR), true);
  const userAgain = afterUserMessage(answered, 2 * HOUR);
  assert.strictEqual(isAutoCloseDue(userAgain, 100 * HOUR), false, "scenario 2 stays open");
});

Deno.test("domain: decimal hours and 0 (off)", () => {
  assert.strictEqual(autoCloseDueAt(0, 0.5), HOUR / 2);
  assert.strictEqual(autoCloseDueAt(0, 0), undefined);
  const answered = afterSupportMessage(openTicket(1, 5, 0), 1001, 0, 0);
  assert.strictEqual(isAutoCloseDue(answered, 1e12), false);
});

Deno.test("domain: a closed ticket stays closed", () => {
  const closed = closeTicket(openTicket(1, 5, 0), 1001, 10);
  assert.strictEqual(afterUserMessage(closed, 20), closed);
  assert.strictEqual(afterSupportMessage(closed, 1001, 20, 24), closed);
  assert.strictEqual(closeTicket(closed, "auto", 30), closed);
  assert.strictEqual(inboxPosition(closed), undefined);
});

Deno.test("domain: the first reply is recorded once and moves new to in progress", () => {
  const first = afterSupportMessage(openTicket(1, 5, 0), 1001, 10, 24);
  const second = afterSupportMessage(afterUserMessage(first, 20), 1002, 30, 24);
  assert.strictEqual(first.status, "in_progress");
  assert.strictEqual(second.firstResponseAt, 10);
  assert.strictEqual(second.lastRepliedBy, 1002);
  assert.strictEqual(second.takenBy, 1001);
});

Deno.test("domain: waiting users sort first by how long they wait", () => {
  const waiting = openTicket(1, 5, 100);
  const answered = afterSupportMessage(openTicket(2, 6, 0), 1001, 50, 24);
  assert.deepStrictEqual(inboxPosition(waiting), { rank: 0, sortTime: 100 });
  assert.deepStrictEqual(inboxPosition(answered), { rank: 1, sortTime: 50 });
  const stillWaiting = afterUserMessage(waiting, 500);
  assert.deepStrictEqual(inboxPosition(stillWaiting), { rank: 0, sortTime: 100 });
});
