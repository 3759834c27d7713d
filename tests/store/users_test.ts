import assert from "node:assert/strict";
import {
  getUser,
  getUsers,
  listBlocked,
  markUnreachable,
  setBlocked,
  setLocale,
  touchUser,
} from "../../src/store/users.ts";
import { addFeedback } from "../../src/store/feedback.ts";
import { rateTicket } from "../../src/store/ratings.ts";
import { addUserMessage, updateTicket } from "../../src/store/tickets.ts";
import { closeTicket } from "../../src/domain/ticket.ts";
import { readStats } from "../../src/store/stats.ts";

const T0 = Date.UTC(2026, 10, 24, 9, 0);
const HOUR = 3_600_000;

Deno.test("users: touch creates once, counts once, and rewrites only on change", async () => {
  using kv = await Deno.openKv(":memory:");
  const profile = { id: 5, first_name: "Ann", username: "ann" };
  const first = await touchUser(kv, profile, T0);
  const second = await touchUser(kv, profile, T0 + 1);
  assert.strictEqual(first.createdAt, T0);
  assert.deepStrictEqual(second, first);
  await touchUser(kv, { ...profile, first_name: "Anna" }, T0 + 2);
  assert.strictEqual((await getUser(kv, 5))?.firstName, "Anna");
  assert.strictEqual((await readStats(kv, T0)).users, 1);
});

Deno.test("users: several users read together show a change of language at once", async () => {
  using kv = await Deno.openKv(":memory:");
  await touchUser(kv, { id: 9, first_name: "Admin", language_code: "en" }, T0);
  assert.strictEqual((await getUsers(kv, [9, 10])).get(9)?.locale, undefined);
  await setLocale(kv, 9, "ru");
  assert.strictEqual((await getUsers(kv, [9, 10])).get(9)?.locale, "ru");
  await touchUser(kv, { id: 9, first_name: "Admin", language_code: "de" }, T0 + 1);
  assert.strictEqual((await getUsers(kv, [9, 10])).get(9)?.languageCode, "de");
  assert.strictEqual((await getUsers(kv, [9, 10])).get(10), null);
});

Deno.test("users: language persists; unreachable clears when the user writes again", async () => {
  using kv = await Deno.openKv(":memory:");
  await touchUser(kv, { id: 6, first_name: "B" }, T0);
  await setLocale(kv, 6, "ru");
  await markUnreachable(kv, 6);
  assert.strictEqual((await getUser(kv, 6))?.reachable, false);
  const again = await touchUser(kv, { id: 6, first_name: "B" }, T0 + 1);
  assert.strictEqual(again.reachable, true);
  assert.strictEqual(again.locale, "ru");
});

Deno.test("users: block and unblock keep the blocked index and counter in step", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.strictEqual(await setBlocked(kv, 77, true, { by: 1001, now: T0 }), true);
  assert.strictEqual(await setBlocked(kv, 77, true, { by: 1001, now: T0 }), false);
  await setBlocked(kv, 78, true, { now: T0 + 1 });
  let page = await listBlocked(kv, { offset: 0, limit: 10 });
  assert.deepStrictEqual(page.users.map((u) => u.userId), [77, 78]);
  assert.strictEqual((await readStats(kv, T0)).blocked, 2);
  await setBlocked(kv, 77, false, { now: T0 + 2 });
  page = await listBlocked(kv, { offset: 0, limit: 10 });
  assert.deepStrictEqual(page.users.map((u) => u.userId), [78]);
  assert.strictEqual((await readStats(kv, T0)).blocked, 1);
  assert.strictEqual((await getUser(kv, 77))?.blocked, false);
});

Deno.test("feedback: the cooldown refuses a second feedback and says when", async () => {
  using kv = await Deno.openKv(":memory:");
  const record = (at: number) => ({ userId: 9, at, text: "great", chatId: 9, messageId: at });
  const first = await addFeedback(kv, record(T0), 24 * HOUR);
  assert.ok(first.ok);
  const second = await addFeedback(kv, record(T0 + HOUR), 24 * HOUR);
  assert.deepStrictEqual(second, { ok: false, nextAllowedAt: T0 + 24 * HOUR });
  const third = await addFeedback(kv, record(T0 + 24 * HOUR), 24 * HOUR);
  assert.ok(third.ok);
  assert.strictEqual((await readStats(kv, T0)).feedbackCount, 2);
});

Deno.test("feedback: two simultaneous submissions inside the cooldown store one", async () => {
  using kv = await Deno.openKv(":memory:");
  const results = await Promise.all(
    [1, 2, 3].map((i) =>
      addFeedback(kv, { userId: 3, at: T0 + i, text: "x", chatId: 3, messageId: i }, HOUR)
    ),
  );
  assert.strictEqual(results.filter((r) => r.ok).length, 1);
  assert.strictEqual((await readStats(kv, T0)).feedbackCount, 1);
});

Deno.test("ratings: one rating per closed ticket of its own user", async () => {
  using kv = await Deno.openKv(":memory:");
  const opened = await addUserMessage(kv, {
    userId: 4,
    content: {
      direction: "in",
      kind: "text",
      text: "help me please",
      at: T0,
      authorId: 4,
      source: { chatId: 4, messageIds: [1] },
    },
    mayOpen: true,
    delivery: { to: [1001] },
  });
  assert.ok(opened);
  const { ticket } = opened;
  const rate = (userId: number, stars: 1 | 2 | 3) =>
    rateTicket(kv, { ticketId: ticket.id, userId, stars, at: T0 + HOUR });
  assert.deepStrictEqual(await rate(4, 3), { ok: false, reason: "not_closed" });
  await updateTicket(kv, ticket.id, (t) => closeTicket(t, 1001, T0 + 1));
  assert.deepStrictEqual(await rate(5, 3), { ok: false, reason: "not_yours" });
  const results = await Promise.all([rate(4, 3), rate(4, 1)]);
  assert.strictEqual(results.filter((r) => r.ok).length, 1);
  assert.deepStrictEqual(await rate(4, 2), { ok: false, reason: "already_rated" });
  const stats = await readStats(kv, T0 + HOUR);
  assert.strictEqual(stats.ratingsCount, 1);
  assert.ok(stats.ratingsAverage === 3 || stats.ratingsAverage === 1);
  assert.strictEqual(stats.ratingDistribution[2], 0);
  assert.strictEqual(
    await rateTicket(kv, { ticketId: 999, userId: 4, stars: 2, at: T0 }).then((r) =>
      r.ok ? "ok" : r.reason
    ),
    "not_found",
  );
});
