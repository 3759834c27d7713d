import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR } from "../helpers/app.ts";
import { photo, privateText, replyTo, user, voice } from "../helpers/updates.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { getUser } from "../../src/store/users.ts";
import { getReplyMode } from "../../src/store/reply_modes.ts";
import { keys } from "../../src/store/keys.ts";
import { findButton, press, ticketIds } from "./conversation_support.ts";

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
  assert.equal(await getReplyMode(app.kv, ADMIN_A), null, "the answer left reply mode");
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
  assert.equal(await getReplyMode(app.kv, ADMIN_A), null, "a refused answer leaves reply mode too");
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
  assert.equal(await getReplyMode(app.kv, ADMIN_A), null);
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
