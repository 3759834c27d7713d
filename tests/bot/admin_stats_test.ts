import assert from "node:assert/strict";
import { ADMIN_A, createTestApp, HOUR } from "../helpers/app.ts";
import { callback, command, user } from "../helpers/updates.ts";
import { updateTicket } from "../../src/store/tickets.ts";
import { closeTicket } from "../../src/domain/ticket.ts";
import { rateTicket } from "../../src/store/ratings.ts";
import { addFeedback } from "../../src/store/feedback.ts";
import {
  admin,
  button,
  lastMessage,
  supportAnswers,
  textOf,
  userWrites,
} from "./admin_fixtures.ts";

type App = Awaited<ReturnType<typeof createTestApp>>;

async function openStats(app: App, language = "en") {
  const agent = admin(ADMIN_A, language);
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:stats:0", lastMessage(app, ADMIN_A)));
  return { agent, stats: app.sim.lastSentTo(ADMIN_A) };
}

async function closeAndRate(app: App, ticketId: number, userId: number, stars: 1 | 2 | 3) {
  await updateTicket(app.kv, ticketId, (t) => closeTicket(t, ADMIN_A, app.clock.now()));
  await rateTicket(app.kv, { ticketId, userId, stars, at: app.clock.now() });
}

Deno.test("stats: users, tickets by status, auto-close, ratings, feedback and 30 days", async () => {
  await using app = await createTestApp();
  const a = await userWrites(app, user(500), "question from five hundred");
  const b = await userWrites(app, user(501), "question from five hundred one");
  const c = await userWrites(app, user(502), "question from five hundred two");
  await userWrites(app, user(503), "question from five hundred three");
  app.clock.advance(HOUR);
  await supportAnswers(app, a.id, ADMIN_A);
  await supportAnswers(app, b.id, ADMIN_A);
  app.clock.advance(2 * HOUR);
  await supportAnswers(app, c.id, ADMIN_A);
  await closeAndRate(app, b.id, 501, 3);
  await closeAndRate(app, c.id, 502, 2);
  await addFeedback(app.kv, {
    userId: 503,
    at: app.clock.now(),
    text: "nice bot",
    chatId: 503,
    messageId: 1,
  }, 0);

  const { stats } = await openStats(app);
  const text = textOf(stats);
  // Four customers plus the admin who opened the panel.
  assert.match(text, /Users: <b>5<\/b> \(blocked: 0\)/);
  assert.match(text, /Tickets: <b>4<\/b> · new: 1 · in progress: 1 · closed: 2/);
  assert.match(text, /Waiting for auto-close: 1/);
  assert.match(text, /Ratings: 2 · average: 2\.5/);
  assert.match(text, /⭐ 0 · ⭐⭐ 1 · ⭐⭐⭐ 1/);
  assert.match(text, /Feedback: 1/);
  assert.match(text, /Created: 4 · closed: 2/);
  assert.match(text, /Average rating: 2\.5/);
  // First responses: 1 h, 1 h and 3 h; the median is 1 h.
  assert.match(text, /Median first response: 1 h/);
  button(stats, "Back");
});

Deno.test("stats: an empty store shows zeros and dashes", async () => {
  await using app = await createTestApp();
  const text = textOf((await openStats(app)).stats);
  assert.match(text, /Tickets: <b>0<\/b>/);
  assert.match(text, /average: —/);
  assert.match(text, /Median first response: —/);
});

Deno.test("stats: Refresh with nothing new is answered without an error", async () => {
  await using app = await createTestApp();
  const { agent, stats } = await openStats(app);
  await app.send(callback(agent, button(stats, "Refresh").data, lastMessage(app, ADMIN_A)));
  assert.strictEqual(app.deps.runtime.errorCount, 0);
  assert.ok(app.sim.callsTo("answerCallbackQuery").every((call) => call.response.ok));
  assert.strictEqual(app.sim.callsTo("answerCallbackQuery").length, 2);
});

Deno.test("stats: Russian screen with a decimal comma", async () => {
  await using app = await createTestApp();
  const a = await userWrites(app, user(510), "вопрос номер один");
  const b = await userWrites(app, user(511), "вопрос номер два");
  await closeAndRate(app, a.id, 510, 3);
  await closeAndRate(app, b.id, 511, 2);
  const text = textOf((await openStats(app, "ru")).stats);
  assert.match(text, /Статистика/);
  assert.match(text, /Оценок: 2 · средняя: 2,5/);
  assert.match(text, /За последние 30 дней/);
});
