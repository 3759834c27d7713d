import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR } from "../helpers/app.ts";
import type { Message } from "grammy/types";
import { callback, command, photo, privateText, replyTo, user, voice } from "../helpers/updates.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { getReplyMode, REPLY_MODE_TTL_MS } from "../../src/store/reply_modes.ts";
import { keys } from "../../src/store/keys.ts";
import { buttonsOf, findButton, press, ticketIds } from "./conversation_support.ts";

const admin = user(ADMIN_A, { first_name: "Agent" });
const adminB = user(ADMIN_B, { first_name: "Agent B" });

Deno.test("reply: after Reply, the admin's next message reaches the user under a header naming #id", async () => {
  await using app = await createTestApp();
  const alice = user(601);
  await app.send(privateText(alice, "Where is my parcel, please?"));
  await press(app, admin, "Reply", ADMIN_A);
  assert.ok(app.sim.textsTo(ADMIN_A).at(-1)!.includes("#1"));
  await app.send(privateText(admin, "It ships tomorrow."));

  const toUser = app.sim.textsTo(alice.id).at(-1)!;
  assert.match(toUser, /#1/);
  assert.match(toUser, /It ships tomorrow\./);
  const confirmation = app.sim.textsTo(ADMIN_A).at(-1)!;
  assert.deepEqual(ticketIds(confirmation), [1]);

  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.status, "in_progress");
  assert.equal(ticket?.turn, "user");
  assert.equal(ticket?.firstResponseAt, app.clock.now());
  assert.equal(
    await getReplyMode(app.kv, ADMIN_A, app.clock.now()),
    null,
    "the answer left reply mode",
  );
});

Deno.test("reply: Cancel leaves reply mode and nothing reaches the user", async () => {
  await using app = await createTestApp();
  const bob = user(602);
  await app.send(privateText(bob, "A question that needs an answer"));
  await press(app, admin, "Reply", ADMIN_A);
  await press(app, admin, "Cancel", ADMIN_A);
  const before = app.sim.sentTo(bob.id).length;
  await app.send(privateText(admin, "This should not go anywhere"));
  assert.equal(app.sim.sentTo(bob.id).length, before);
  assert.equal((await getTicket(app.kv, 1))?.status, "new");
});

Deno.test("reply: media of any kind is copied to the user with the header in the caption", async () => {
  await using app = await createTestApp();
  const carol = user(603);
  await app.send(privateText(carol, "Please send me the manual"));
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(voice(admin, "Listen to this"));
  const copy = app.sim.callsTo("copyMessage").at(-1)!;
  assert.equal(copy.payload.chat_id, carol.id);
  assert.match(String(copy.payload.caption), /#1/);
  assert.match(String(copy.payload.caption), /Listen to this/);
});

Deno.test("reply: a Telegram reply to a delivered ticket message answers that ticket, also after a restart", async () => {
  await using first = await createTestApp();
  const dan = user(604);
  await first.send(privateText(dan, "First ticket question text"));
  await first.send(privateText(user(605), "Second ticket question text"));
  const delivered = first.sim.messagesIn(ADMIN_B).find((m) =>
    m.text?.includes("First ticket question text")
  )!;
  // A new bot on the same store: the link between the copy and the ticket is stored.
  await using second = await createTestApp({ kv: first.kv, sim: first.sim, clock: first.clock });
  await second.send(replyTo(adminB, delivered, "Answer to the first one"));
  const toUser = second.sim.textsTo(dan.id).at(-1)!;
  assert.match(toUser, /#1/);
  assert.match(toUser, /Answer to the first one/);
  assert.equal((await getTicket(second.kv, 2))?.status, "new");
});

Deno.test("reply: answering a closed ticket is refused with a message naming #id", async () => {
  await using app = await createTestApp();
  const eve = user(606);
  await app.send(privateText(eve, "Something to be closed soon"));
  await press(app, admin, "Reply", ADMIN_A);
  const card = findButton(app, ADMIN_A, "Close");
  await press(app, admin, "Close", ADMIN_A);
  assert.ok(card);
  const sentBefore = app.sim.sentTo(eve.id).length;
  await app.send(privateText(admin, "Too late"));
  assert.equal(app.sim.sentTo(eve.id).length, sentBefore);
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /#1/);
  assert.equal(
    await getReplyMode(app.kv, ADMIN_A, app.clock.now()),
    null,
    "a refused answer leaves reply mode too",
  );
});

Deno.test("reply: when the user blocked the bot the admin is told so and the user is marked unreachable", async () => {
  await using app = await createTestApp();
  const frank = user(607);
  await app.send(privateText(frank, "I will block the bot soon"));
  app.sim.blockBot(frank.id);
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(photo(admin, "Here you go"));
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /blocked/);
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /#1/);
  assert.equal((await getUser(app.kv, frank.id))?.reachable, false);
});

Deno.test("reply: the user's answer hands the turn back to support", async () => {
  await using app = await createTestApp();
  const gina = user(608);
  await app.send(privateText(gina, "Need help with settings"));
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(privateText(admin, "Which settings?"));
  app.clock.advance(HOUR);
  await app.send(privateText(gina, "The privacy ones"));
  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.turn, "support");
  assert.equal(ticket?.autoCloseAt, undefined);
});

Deno.test("reply: an answer in a reply mode stored without the user's id (an older record) reaches the user", async () => {
  using store = await Deno.openKv(":memory:");
  await using app = await createTestApp({ kv: store });
  const gina = user(611);
  await app.send(privateText(gina, "A question from before the upgrade"));
  // Written as an older version did, behind this process's back.
  await store.set(keys.replyMode(ADMIN_A), { ticketId: 1, since: app.clock.now() });
  await app.send(privateText(admin, "Here is your answer"));
  assert.match(app.sim.textsTo(gina.id).at(-1)!, /#1[\s\S]*Here is your answer/);
  assert.equal(await getReplyMode(app.kv, ADMIN_A, app.clock.now()), null);
});

Deno.test("reply: when reply mode was changed elsewhere, the answer goes to the ticket the stored mode names", async () => {
  using store = await Deno.openKv(":memory:");
  await using app = await createTestApp({ kv: store });
  const hank = user(612);
  const iris = user(613);
  await app.send(privateText(hank, "First question in the queue"));
  await press(app, admin, "Reply", ADMIN_A);
  await app.send(privateText(iris, "Second question in the queue"));
  // Another process (an admin's second device, say) switched the mode to ticket #2.
  await store.set(keys.replyMode(ADMIN_A), {
    ticketId: 2,
    since: app.clock.now(),
    userId: iris.id,
  });
  const hankBefore = app.sim.sentTo(hank.id).length;
  await app.send(privateText(admin, "This answers the second one"));
  assert.match(app.sim.textsTo(iris.id).at(-1)!, /#2[\s\S]*This answers the second one/);
  assert.equal(app.sim.sentTo(hank.id).length, hankBefore);
  assert.equal((await getTicket(app.kv, 1))?.status, "new");
  assert.equal((await getTicket(app.kv, 2))?.status, "in_progress");
});

Deno.test("reply: reply mode ends after 30 minutes; a later unrelated message does not reach the customer", async () => {
  await using app = await createTestApp();
  const jane = user(614);
  const ken = user(615);
  await app.send(privateText(jane, "A question answered within the half hour"));
  await app.send(privateText(ken, "A question whose Reply was forgotten"));
  await press(app, admin, "Reply", ADMIN_A);
  // Pressed on the newest card: ticket #2 (Ken's). Just inside the half hour it still answers.
  app.clock.advance(REPLY_MODE_TTL_MS - 60_000);
  await app.send(privateText(admin, "Answer within the half hour"));
  assert.match(app.sim.textsTo(ken.id).at(-1)!, /#2[\s\S]*Answer within the half hour/);

  await press(app, admin, "Reply", ADMIN_A);
  app.clock.advance(REPLY_MODE_TTL_MS + 60_000);
  const before = app.sim.sentTo(ken.id).length;
  await app.send(privateText(admin, "A note to myself, an hour later"));
  assert.equal(app.sim.sentTo(ken.id).length, before, "nothing reaches the customer");
  assert.equal(app.sim.sentTo(jane.id).length, 1, "nor anyone else (Jane has her confirmation)");
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /To answer a user/, "the agent gets the hint");
  assert.equal((await getTicket(app.kv, 2))?.messageCount, 2);
  assert.equal(await getReplyMode(app.kv, ADMIN_A, app.clock.now()), null);
});

Deno.test("reply: opening another ticket's card ends reply mode; reopening the same card keeps it", async () => {
  await using app = await createTestApp();
  const lena = user(616);
  const max = user(617);
  await app.send(privateText(lena, "First customer's question"));
  await app.send(privateText(max, "Second customer's question"));
  // Reply on #1's card, then #1's card again by its link: still replying to #1.
  const card1 = app.sim.messagesIn(ADMIN_A).find((m) =>
    m.text?.includes("#1") && findReply(m) !== undefined
  )!;
  await app.send(callback(admin, findReply(card1)!, card1));
  await app.send(command(admin, "start", "t_1"));
  await app.send(privateText(admin, "Answer to the first customer"));
  assert.match(app.sim.textsTo(lena.id).at(-1)!, /#1[\s\S]*Answer to the first customer/);

  // Reply on #1, then the agent opens #2's card: the mode is over.
  await press(app, admin, "Reply", ADMIN_A);
  assert.equal((await getReplyMode(app.kv, ADMIN_A, app.clock.now()))?.ticketId, 1);
  await app.send(command(admin, "start", "t_2"));
  const lenaBefore = app.sim.sentTo(lena.id).length;
  const maxBefore = app.sim.sentTo(max.id).length;
  await app.send(privateText(admin, "Something typed while looking at #2"));
  assert.equal(app.sim.sentTo(lena.id).length, lenaBefore, "not to #1's customer");
  assert.equal(app.sim.sentTo(max.id).length, maxBefore, "nor to #2's");
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /To answer a user/);
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 2);
  assert.equal((await getTicket(app.kv, 2))?.messageCount, 1);
});

/** The callback data of a card's Reply button. */
function findReply(message: Message): string | undefined {
  return buttonsOf(message).find((b) => b.text.includes("Reply"))?.callback_data;
}
