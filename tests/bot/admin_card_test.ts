import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR } from "../helpers/app.ts";
import { callback, command, user } from "../helpers/updates.ts";
import { getTicket, updateTicket } from "../../src/store/tickets.ts";
import { closeTicket } from "../../src/domain/ticket.ts";
import { setBlocked } from "../../src/store/users.ts";
import {
  admin,
  button,
  buttonsOf,
  lastMessage,
  supportAnswers,
  textOf,
  toasts,
  userWrites,
} from "./admin_fixtures.ts";

type App = Awaited<ReturnType<typeof createTestApp>>;

async function openCard(app: App, ticketId: number, language = "en") {
  const agent = admin(ADMIN_A, language, "Alice");
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, `t:open:${ticketId}`, lastMessage(app, ADMIN_A)));
  return { agent, card: app.sim.lastSentTo(ADMIN_A) };
}

Deno.test("card: shows status, user, times in TIMEZONE, turn, auto-close, count and agents", async () => {
  await using app = await createTestApp({
    env: { TIMEZONE: "Europe/Moscow", AUTO_CLOSE_AFTER_HOURS: "24" },
  });
  const customer = user(90, { first_name: "Olga", last_name: "K", username: "olga_k" });
  const ticket = await userWrites(app, customer, "my question is here");
  // Make both agents known by name (they are users of the bot too).
  await app.send(command(admin(ADMIN_B, "en", "Bob"), "admin"));
  app.clock.advance(2 * HOUR);
  await supportAnswers(app, ticket.id, ADMIN_B);
  app.clock.advance(3 * HOUR);
  const { card } = await openCard(app, ticket.id);
  const text = textOf(card);
  assert.match(text, /Ticket #1<\/b> · 🛠 in progress/);
  assert.ok(text.includes('<a href="tg://user?id=90">Olga K</a>'), text);
  assert.ok(text.includes("@olga_k") && text.includes("<code>90</code>"));
  // The clock starts at 09:00 UTC: 12:00 in Moscow; answered two hours later.
  assert.match(text, /Created: 24\/11\/2026, 12:00/);
  assert.match(text, /Last activity: 24\/11\/2026, 14:00/);
  assert.match(text, /Turn: <b>user<\/b>/);
  assert.match(text, /Auto-close in 21 h/);
  assert.match(text, /2 messages/);
  assert.match(text, /Taken by: Bob/);
  assert.match(text, /Last answer by: Bob/);
  const labels = buttonsOf(card).map((b) => b.text).join(" | ");
  for (const label of ["Take", "Reply", "Close", "Block", "History", "Back"]) {
    assert.ok(labels.includes(label), `${label} in ${labels}`);
  }
});

Deno.test("card: a waiting user shows the support's turn and no auto-close", async () => {
  await using app = await createTestApp();
  const ticket = await userWrites(app, user(91), "still waiting here");
  const { card } = await openCard(app, ticket.id);
  assert.match(textOf(card), /Turn: <b>support<\/b>/);
  assert.doesNotMatch(textOf(card), /Auto-close/);
  assert.match(textOf(card), /1 message\b/);
});

Deno.test("card: a closed ticket of a blocked user offers Unblock, History and Back only", async () => {
  await using app = await createTestApp();
  const ticket = await userWrites(app, user(92), "please close this");
  await updateTicket(app.kv, ticket.id, (t) => closeTicket(t, "auto", app.clock.now()));
  await setBlocked(app.kv, 92, true, { now: app.clock.now() });
  const { card } = await openCard(app, ticket.id);
  assert.match(textOf(card), /✅ closed/);
  assert.match(textOf(card), /Closed automatically/);
  assert.match(textOf(card), /This user is blocked/);
  assert.deepStrictEqual(buttonsOf(card).map((b) => b.data), [
    `t:unblock:${ticket.id}`,
    `t:history:${ticket.id}`,
    "a:inbox:0",
  ]);
});

Deno.test("card: a button for a ticket that does not exist gets a clear toast", async () => {
  await using app = await createTestApp();
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "t:open:404", lastMessage(app, ADMIN_A)));
  assert.deepStrictEqual(toasts(app), ["Ticket #404 does not exist."]);
  assert.strictEqual(app.sim.callsTo("editMessageText").length, 0);
});

Deno.test("card: opening a card that changed meanwhile shows the fresh state", async () => {
  await using app = await createTestApp();
  const ticket = await userWrites(app, user(93), "a changing ticket");
  const { agent } = await openCard(app, ticket.id);
  const message = lastMessage(app, ADMIN_A);
  await updateTicket(app.kv, ticket.id, (t) => closeTicket(t, ADMIN_B, app.clock.now()));
  await app.send(callback(agent, `t:open:${ticket.id}`, message));
  const refreshed = app.sim.lastSentTo(ADMIN_A);
  assert.strictEqual(refreshed?.payload.message_id, message.message_id);
  assert.match(textOf(refreshed), /✅ closed/);
  assert.ok(!buttonsOf(refreshed).some((b) => b.text.includes("Reply")));
});

Deno.test("card: user names are escaped", async () => {
  await using app = await createTestApp();
  const ticket = await userWrites(app, user(94, { first_name: "<i>Tom & Jerry" }), "hello there!!");
  const { card } = await openCard(app, ticket.id);
  assert.ok(card?.response.ok);
  assert.ok(textOf(card).includes("&lt;i&gt;Tom &amp; Jerry"));
});

Deno.test("card: History lists the last messages with direction, time and kind", async () => {
  await using app = await createTestApp();
  const customer = user(95);
  const ticket = await userWrites(app, customer, "first <question> & more");
  app.clock.advance(HOUR);
  await supportAnswers(app, ticket.id, ADMIN_A, "our answer");
  app.clock.advance(HOUR);
  await userWrites(app, customer, "a photo caption", "photo");
  const { agent } = await openCard(app, ticket.id);
  await app.send(callback(agent, `t:history:${ticket.id}`, lastMessage(app, ADMIN_A)));
  const history = app.sim.lastSentTo(ADMIN_A);
  assert.strictEqual(history?.method, "editMessageText");
  const text = textOf(history);
  assert.match(text, /History of ticket #1/);
  assert.match(text, /⬅️ user · 💬 text\n<i>first &lt;question&gt; &amp; more<\/i>/);
  assert.match(text, /10:00<\/b> · ➡️ support · 💬 text\n<i>our answer<\/i>/);
  assert.match(text, /⬅️ user · 🖼 photo/);
  assert.ok(text.indexOf("first") < text.indexOf("our answer"));
  assert.strictEqual(button(history, "Back").data, `t:open:${ticket.id}`);
});

Deno.test("card: History of a long ticket stays within Telegram's limit", async () => {
  await using app = await createTestApp();
  const customer = user(96);
  let ticket = await userWrites(app, customer, "x".repeat(5000));
  for (let i = 0; i < 30; i++) ticket = await userWrites(app, customer, `${i} ${"y".repeat(3000)}`);
  const { agent } = await openCard(app, ticket.id);
  await app.send(callback(agent, `t:history:${ticket.id}`, lastMessage(app, ADMIN_A)));
  const history = app.sim.lastSentTo(ADMIN_A);
  assert.ok(history?.response.ok);
  assert.match(textOf(history), /29 y/);
  assert.strictEqual((await getTicket(app.kv, ticket.id))?.messageCount, 31);
});

Deno.test("card: Russian card and history", async () => {
  await using app = await createTestApp();
  const ticket = await userWrites(app, user(97), "вопрос на русском");
  const { agent, card } = await openCard(app, ticket.id, "ru");
  assert.match(textOf(card), /Тикет #1/);
  for (const label of ["Взять в работу", "Ответить", "Закрыть", "Заблокировать", "История"]) {
    button(card, label);
  }
  await app.send(callback(agent, `t:history:${ticket.id}`, lastMessage(app, ADMIN_A)));
  assert.match(textOf(app.sim.lastSentTo(ADMIN_A)), /История тикета #1[^]*⬅️ пользователь/);
});
