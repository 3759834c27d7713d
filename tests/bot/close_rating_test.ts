import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { callback, command, privateText, user } from "../helpers/updates.ts";
import { getOpenTicket, getTicket } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { readStats } from "../../src/store/stats.ts";
import { announceClosed } from "../../src/services/closing.ts";
import { TEST_BOT_INFO } from "../helpers/bot_api.ts";
import { buttonsOf, findButton, press, toasts } from "./conversation_support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });
const adminB = user(ADMIN_B, { first_name: "Agent B" });

Deno.test("take: Take moves a new ticket to in progress and edits the card in place", async () => {
  await using app = await createTestApp();
  await app.send(privateText(user(701), "Please look at my account"));
  const card = findButton(app, ADMIN_A, "Take").message;
  await press(app, admin, "Take", ADMIN_A);
  assert.equal((await getTicket(app.kv, 1))?.status, "in_progress");
  assert.match(toasts(app).at(-1)!, /#1/);
  const edited = app.sim.message(ADMIN_A, card.message_id)!;
  assert.notEqual(edited.text, card.text);
  assert.match(edited.text!, /#1/);
});

Deno.test("close: the user is told in their language and asked for 1 to 3 stars", async () => {
  await using app = await createTestApp();
  const ivan = user(702, { language_code: "ru" });
  await app.send(privateText(ivan, "Не работает оплата картой"));
  await press(app, admin, "Close", ADMIN_A);
  assert.equal((await getTicket(app.kv, 1))?.status, "closed");
  const notice = app.sim.lastMessageIn(ivan.id)!;
  assert.match(notice.text!, /#1/);
  assert.match(notice.text!, /закрыт/);
  assert.deepEqual(buttonsOf(notice).map((b) => b.text), ["⭐", "⭐⭐", "⭐⭐⭐"]);
  // The card of the closing admin now shows a closed ticket, without Take/Reply/Close.
  const card = app.sim.messagesIn(ADMIN_A).find((m) =>
    buttonsOf(m).some((b) => b.text.includes("Block"))
  )!;
  assert.ok(!buttonsOf(card).some((b) => b.text.includes("Take")));
});

Deno.test("close: a second press on a stale card gets a toast and changes nothing", async () => {
  await using app = await createTestApp();
  const jane = user(703);
  await app.send(privateText(jane, "Close me twice please"));
  await press(app, admin, "Close", ADMIN_A);
  const noticesBefore = app.sim.sentTo(jane.id).length;
  await press(app, adminB, "Close", ADMIN_B);
  assert.equal(app.sim.sentTo(jane.id).length, noticesBefore);
  assert.match(toasts(app).at(-1)!, /#1/);
  assert.match(toasts(app).at(-1)!, /already closed/);
  assert.equal((await readStats(app.kv, app.clock.now())).ticketsClosed, 1);
});

Deno.test("rating: one rating per ticket; the admins get the name and a link that opens the card", async () => {
  await using app = await createTestApp();
  const kate = user(704, { first_name: "Kate", username: "kate_k" });
  await app.send(privateText(kate, "Thanks in advance for the help"));
  await press(app, admin, "Close", ADMIN_A);
  await press(app, kate, "⭐⭐⭐");
  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.rating, 3);
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const note = app.sim.textsTo(chat).at(-1)!;
    assert.match(note, /Kate/);
    assert.match(note, /@kate_k/);
    assert.ok(note.includes(`https://t.me/${TEST_BOT_INFO.username}?start=t_1`));
    assert.match(note, /#1/);
  }
  // Pressing again (an old message still showing buttons) changes nothing.
  const stale = app.sim.lastMessageIn(kate.id)!;
  const adminMessages = app.sim.sentTo(ADMIN_A).length;
  await app.send(callback(kate, "r:1:1", stale));
  assert.equal((await getTicket(app.kv, 1))?.rating, 3);
  assert.equal(app.sim.sentTo(ADMIN_A).length, adminMessages);
  assert.equal((await readStats(app.kv, app.clock.now())).ratingsCount, 1);
});

Deno.test("rating: the deep link /start t_<id> shows an admin the ticket card", async () => {
  await using app = await createTestApp();
  await app.send(privateText(user(705), "A ticket to open by link"));
  app.sim.clear();
  await app.send(command(admin, "start", "t_1"));
  const card = app.sim.lastMessageIn(ADMIN_A)!;
  assert.match(card.text!, /#1/);
  assert.ok(buttonsOf(card).some((b) => b.text.includes("Reply")));
});

Deno.test("rating: someone else's ticket cannot be rated", async () => {
  await using app = await createTestApp();
  await app.send(privateText(user(706), "My own ticket to be closed"));
  await press(app, admin, "Close", ADMIN_A);
  await app.send(callback(user(707), "r:1:1"));
  assert.equal((await getTicket(app.kv, 1))?.rating, undefined);
});

Deno.test("close: after auto-close the notice carries rating buttons and Ask a question, which starts a new ticket", async () => {
  await using app = await createTestApp();
  const leo = user(708);
  await app.send(privateText(leo, "This one will close by itself"));
  const ticket = (await getOpenTicket(app.kv, leo.id))!;
  await announceClosed(app.bot.api, app.deps, ticket, { auto: true });
  const notice = app.sim.lastMessageIn(leo.id)!;
  assert.match(notice.text!, /#1/);
  const labels = buttonsOf(notice).map((b) => b.text);
  assert.ok(labels.includes("⭐⭐"));
  assert.ok(labels.some((l) => l.includes("Ask")));
  await press(app, leo, "Ask");
  assert.ok(app.sim.textsTo(leo.id).at(-1)!.length > 0);
});

Deno.test("block: Block on the card blocks the user; Unblock lets them in again", async () => {
  await using app = await createTestApp();
  const max = user(709);
  await app.send(privateText(max, "I am going to be blocked"));
  await press(app, admin, "Block", ADMIN_A);
  assert.equal((await getUser(app.kv, max.id))?.blocked, true);
  await press(app, admin, "Unblock", ADMIN_A);
  assert.equal((await getUser(app.kv, max.id))?.blocked, false);
});

Deno.test("ticket actions: a non-admin pressing a card button changes nothing", async () => {
  await using app = await createTestApp();
  await app.send(privateText(user(710), "Someone will try to close this"));
  await app.send(callback(user(711), "t:close:1"));
  assert.equal((await getTicket(app.kv, 1))?.status, "new");
});
