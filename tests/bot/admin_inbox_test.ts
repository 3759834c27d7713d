import assert from "node:assert/strict";
import { ADMIN_A, createTestApp, HOUR } from "../helpers/app.ts";
import { callback, command, user } from "../helpers/updates.ts";
import { updateTicket } from "../../src/store/tickets.ts";
import { closeTicket } from "../../src/domain/ticket.ts";
import {
  admin,
  button,
  buttonsOf,
  lastMessage,
  supportAnswers,
  textOf,
  userWrites,
} from "./admin_fixtures.ts";

async function openInbox(app: Awaited<ReturnType<typeof createTestApp>>, language = "en") {
  const agent = admin(ADMIN_A, language);
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:inbox:0", lastMessage(app, ADMIN_A)));
  return { agent, inbox: app.sim.lastSentTo(ADMIN_A) };
}

function ticketButtons(call: Parameters<typeof buttonsOf>[0]) {
  return buttonsOf(call).filter((b) => b.data.startsWith("t:open:"));
}

Deno.test("inbox: users waiting for support come first, oldest wait first, then the rest", async () => {
  await using app = await createTestApp();
  const answered = await userWrites(app, user(60, { first_name: "Answered" }), "question one");
  app.clock.advance(HOUR);
  const oldWait = await userWrites(app, user(61, { first_name: "OldWait" }), "question two");
  app.clock.advance(HOUR);
  const newWait = await userWrites(app, user(62, { first_name: "NewWait" }), "question three");
  app.clock.advance(HOUR);
  await supportAnswers(app, answered.id, ADMIN_A);
  app.clock.advance(HOUR);
  const closed = await userWrites(app, user(63), "question four");
  await updateTicket(app.kv, closed.id, (t) => closeTicket(t, ADMIN_A, app.clock.now()));

  const { inbox } = await openInbox(app);
  const rows = ticketButtons(inbox);
  assert.deepStrictEqual(
    rows.map((b) => b.data),
    [oldWait.id, newWait.id, answered.id].map((id) => `t:open:${id}`),
  );
  for (const [index, id] of [oldWait.id, newWait.id, answered.id].entries()) {
    assert.ok(rows[index].text.includes(`#${id}`), rows[index].text);
  }
  const text = textOf(inbox);
  assert.match(text, /open tickets: 3/);
  assert.match(text, /#2<\/b> · 🆕 new · ⏳ user waits 3 h · OldWait · 3 h old/);
  assert.match(text, /#1<\/b> · 🛠 in progress · 💤 user's turn · Answered/);
  assert.doesNotMatch(text, new RegExp(`#${closed.id}\\b`));
});

Deno.test("inbox: an empty inbox says so", async () => {
  await using app = await createTestApp();
  const { inbox } = await openInbox(app);
  assert.match(textOf(inbox), /No open tickets/);
  assert.strictEqual(ticketButtons(inbox).length, 0);
  button(inbox, "Back");
});

Deno.test("inbox: pages of eight, turned in place with Next and Previous", async () => {
  await using app = await createTestApp();
  for (let i = 0; i < 10; i++) {
    await userWrites(app, user(100 + i, { first_name: `Person${i}` }), `question number ${i}`);
    app.clock.advance(60_000);
  }
  const { agent, inbox } = await openInbox(app);
  assert.strictEqual(ticketButtons(inbox).length, 8);
  assert.match(textOf(inbox), /page 1\/2/);
  const message = lastMessage(app, ADMIN_A);
  await app.send(callback(agent, button(inbox, "Next").data, message));
  const second = app.sim.lastSentTo(ADMIN_A);
  assert.strictEqual(second?.method, "editMessageText");
  assert.strictEqual(second?.payload.message_id, message.message_id);
  assert.deepStrictEqual(ticketButtons(second).map((b) => b.data), ["t:open:9", "t:open:10"]);
  assert.match(textOf(second), /page 2\/2/);
  assert.ok(!buttonsOf(second).some((b) => b.text.includes("Next")));
  await app.send(callback(agent, button(second, "Previous").data, lastMessage(app, ADMIN_A)));
  assert.strictEqual(ticketButtons(app.sim.lastSentTo(ADMIN_A)).length, 8);
});

Deno.test("inbox: a page past the end shows the last page", async () => {
  await using app = await createTestApp();
  await userWrites(app, user(70), "only question here");
  const agent = admin(ADMIN_A);
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:inbox:7", lastMessage(app, ADMIN_A)));
  assert.deepStrictEqual(ticketButtons(app.sim.lastSentTo(ADMIN_A)).map((b) => b.data), [
    "t:open:1",
  ]);
});

Deno.test("inbox: a row opens the ticket card in place; Back returns to the inbox", async () => {
  await using app = await createTestApp();
  const ticket = await userWrites(app, user(71, { first_name: "Eve" }), "my parcel is late");
  const { agent, inbox } = await openInbox(app);
  const message = lastMessage(app, ADMIN_A);
  await app.send(callback(agent, ticketButtons(inbox)[0].data, message));
  const card = app.sim.lastSentTo(ADMIN_A);
  assert.strictEqual(card?.method, "editMessageText");
  assert.strictEqual(card?.payload.message_id, message.message_id);
  assert.match(textOf(card), new RegExp(`Ticket #${ticket.id}\\b`));
  assert.strictEqual(button(card, "Back").data, "a:inbox:0");
  await app.send(callback(agent, "a:inbox:0", lastMessage(app, ADMIN_A)));
  assert.match(textOf(app.sim.lastSentTo(ADMIN_A)), /Inbox/);
});

Deno.test("inbox: names are escaped in the text and shortened in the buttons", async () => {
  await using app = await createTestApp();
  const name = "<b>Bad & Bold</b> with a very very long name indeed";
  await userWrites(app, user(72, { first_name: name }), "escape me please");
  const { inbox } = await openInbox(app);
  assert.ok(textOf(inbox).includes("&lt;b&gt;Bad &amp; Bold&lt;/b&gt;"));
  assert.ok(inbox?.response.ok);
  const label = ticketButtons(inbox)[0].text;
  assert.ok(label.includes("#1") && label.includes("…"), label);
});

Deno.test("inbox: Russian labels and rows", async () => {
  await using app = await createTestApp();
  await userWrites(app, user(73, { first_name: "Иван" }), "вопрос про заказ");
  const { inbox } = await openInbox(app, "ru");
  assert.match(textOf(inbox), /Входящие/);
  assert.match(textOf(inbox), /⏳ пользователь ждёт/);
  assert.ok(ticketButtons(inbox)[0].text.includes("#1"));
  button(inbox, "Назад");
});

Deno.test("inbox: large ids keep the #<number> form without digit grouping", async () => {
  await using app = await createTestApp();
  await app.kv.set(["ticket_seq"], new Deno.KvU64(12344n));
  await userWrites(app, user(74), "a question with a big id");
  const { inbox } = await openInbox(app);
  assert.ok(ticketButtons(inbox)[0].text.includes("#12345"));
  assert.ok(textOf(inbox).includes("#12345"));
});
