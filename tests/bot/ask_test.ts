import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { command, editedText, photo, privateText, sticker, user } from "../helpers/updates.ts";
import { getOpenTicket } from "../../src/store/tickets.ts";
import { buttonsOf, press, ticketIds, visibleTexts } from "./conversation_support.ts";

Deno.test("ask: after Ask a question, a long enough text creates ticket #1 and every admin gets the card", async () => {
  await using app = await createTestApp();
  const alice = user(501, { first_name: "Alice" });
  await app.send(command(alice, "start"));
  await press(app, alice, "Ask");
  await app.send(privateText(alice, "My order has not arrived yet"));

  const confirmation = app.sim.lastMessageIn(alice.id)!;
  assert.deepEqual(ticketIds(confirmation.text!), [1]);
  for (const admin of [ADMIN_A, ADMIN_B]) {
    const card = app.sim.messagesIn(admin).find((m) =>
      m.text?.includes("#1") && buttonsOf(m).length
    );
    assert.ok(card, `admin ${admin} got the card`);
    const labels = buttonsOf(card).map((b) => b.text).join(" ");
    for (const word of ["Take", "Reply", "Close", "Block"]) assert.match(labels, new RegExp(word));
    assert.ok(
      visibleTexts(app, admin).some((t) =>
        t.includes("#1") && t.includes("My order has not arrived yet")
      ),
    );
  }
});

Deno.test("ask: a plain message without an open ticket starts a ticket too", async () => {
  await using app = await createTestApp();
  const bob = user(502);
  await app.send(privateText(bob, "Hello, I cannot log in to my account"));
  const ticket = await getOpenTicket(app.kv, bob.id);
  assert.equal(ticket?.id, 1);
  assert.ok(app.sim.textsTo(bob.id).some((t) => t.includes("#1")));
});

Deno.test("ask: a message shorter than ASK_MIN_LENGTH creates no ticket and gets a hint", async () => {
  await using app = await createTestApp({ env: { ASK_MIN_LENGTH: "15" } });
  const carol = user(503);
  await app.send(privateText(carol, "help"));
  assert.equal(await getOpenTicket(app.kv, carol.id), null);
  assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
  assert.match(app.sim.textsTo(carol.id).at(-1)!, /15/);
});

Deno.test("ask: media without a caption creates nothing; media with a caption does", async () => {
  await using app = await createTestApp();
  const dan = user(504);
  await app.send(sticker(dan));
  assert.equal(await getOpenTicket(app.kv, dan.id), null);
  assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
  assert.ok(app.sim.textsTo(dan.id).length > 0, "the user got a hint");

  await app.send(photo(dan, "The screen shows an error"));
  assert.equal((await getOpenTicket(app.kv, dan.id))?.id, 1);
  const copy = app.sim.callsTo("copyMessage").find((c) => c.payload.chat_id === ADMIN_A);
  assert.ok(copy);
  assert.match(String(copy.payload.caption), /#1/);
  assert.match(String(copy.payload.caption), /The screen shows an error/);
});

Deno.test("ask: a message from a user with an open ticket joins it and reaches the admins naming #id", async () => {
  await using app = await createTestApp();
  const eve = user(505);
  await app.send(privateText(eve, "First message about my problem"));
  app.sim.clear();
  await app.send(privateText(eve, "ok"), sticker(eve));
  const ticket = await getOpenTicket(app.kv, eve.id);
  assert.equal(ticket?.id, 1);
  assert.equal(ticket?.messageCount, 3);
  for (const admin of [ADMIN_A, ADMIN_B]) {
    const texts = app.sim.textsTo(admin);
    assert.ok(texts.some((t) => t.includes("#1") && t.includes("ok")));
    assert.ok(app.sim.callsTo("copyMessage").some((c) => c.payload.chat_id === admin));
  }
});

Deno.test("ask: tickets of different users get consecutive ids", async () => {
  await using app = await createTestApp();
  await app.send(privateText(user(506), "Question number one here"));
  await app.send(privateText(user(507), "Question number two here"));
  assert.equal((await getOpenTicket(app.kv, 506))?.id, 1);
  assert.equal((await getOpenTicket(app.kv, 507))?.id, 2);
});

Deno.test("ask: an edit of a message of the open ticket is shown to the admins naming #id", async () => {
  await using app = await createTestApp();
  const fay = user(508);
  const first = privateText(fay, "My phone number is 12345");
  await app.send(first);
  await app.send(editedText(fay, first.message!.message_id, "My phone number is 67890"));
  assert.ok(
    app.sim.textsTo(ADMIN_A).some((t) => t.includes("#1") && t.includes("67890")),
  );
});

Deno.test("ask: Ask a question with an open ticket names that ticket", async () => {
  await using app = await createTestApp();
  const gil = user(509);
  await app.send(privateText(gil, "An open question about billing"));
  await app.send(command(gil, "start"));
  await press(app, gil, "Ask");
  assert.deepEqual(ticketIds(app.sim.textsTo(gil.id).at(-1)!), [1]);
});
