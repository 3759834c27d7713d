/**
 * Edits in sync, both ways, driven through the bot: a customer's edit is
 * followed by every agent's copy (in place where Telegram allows it, else a
 * new message answering the copy), an agent's edit by the customer's copy;
 * in private chats and in the support group. An edit never opens a ticket or
 * moves the turn; an edit that changes nothing visible sends nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Message, Update } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import {
  editedUpdate,
  photo,
  privateText,
  replyTo,
  sticker,
  topicUpdate,
  user,
} from "../helpers/updates.ts";
import { getTicket, lastMessages } from "../../src/store/tickets.ts";
import { press } from "./conversation_support.ts";

const agent = user(ADMIN_A, { first_name: "Agent" });
const cleo = user(601, { first_name: "Cleo" });
const GROUP = -1004444444444;

/** The bot's copies in `chatId` of the customer's message with `part`, as Telegram shows them now. */
function copiesWith(app: TestApp, chatId: number, part: string): Message[] {
  return app.sim.messagesIn(chatId).filter((m) =>
    m.from?.is_bot && (m.text ?? m.caption ?? "").includes(part)
  );
}

/** Edit calls the bot made. */
function editCalls(app: TestApp) {
  return app.sim.calls.filter((c) => c.method.startsWith("editMessage"));
}

Deno.test("edits: a customer's edited text is edited in every agent's copy, marked edited; no new message", async () => {
  await using app = await createTestApp();
  const first = privateText(cleo, "My phone number is 12345");
  await app.send(first);
  await app.send(privateText(cleo, "And my address is Main Street 1"));
  const second = app.sim.messagesIn(ADMIN_A).length;
  await app.send(editedUpdate(first.message!, "My phone number is 67890"));
  for (const chat of [ADMIN_A, ADMIN_B]) {
    const [copy] = copiesWith(app, chat, "67890");
    assert.ok(copy, `chat ${chat}: ${JSON.stringify(app.sim.textsTo(chat))}`);
    assert.match(copy.text!, /#1/);
    assert.match(copy.text!, /edited/);
    assert.equal(copiesWith(app, chat, "12345").length, 0, "the old text is gone");
  }
  assert.equal(app.sim.messagesIn(ADMIN_A).length, second, "no new message");
  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.turn, "support");
  const stored = await lastMessages(app.kv, 1, 10);
  assert.deepEqual(stored.map((m) => m.kind), ["text", "text", "edit"]);
  assert.equal(stored[0].text, "My phone number is 12345", "what was first written is kept");
  assert.equal(stored[0].current, "My phone number is 67890");
});

Deno.test("edits: an edited caption is edited in the copies; an edit that changes nothing sends nothing", async () => {
  await using app = await createTestApp();
  const shot = photo(cleo, "The screen shows error 41");
  await app.send(shot);
  await app.send(editedUpdate(shot.message!, "The screen shows error 42"));
  const [copy] = copiesWith(app, ADMIN_A, "error 42");
  assert.ok(copy?.photo, "the photo's caption was edited");
  assert.match(copy.caption!, /edited/);
  // Telegram reports reactions and re-saves as edits too: same text, nothing to do.
  const before = app.sim.calls.length;
  await app.send(editedUpdate(shot.message!, "The screen shows error 42"));
  assert.equal(app.sim.calls.length, before);
});

Deno.test("edits: a copy Telegram will not edit gets a new message answering it", async () => {
  await using app = await createTestApp();
  const first = privateText(cleo, "Order 555 arrived broken");
  await app.send(first);
  const copy = copiesWith(app, ADMIN_A, "Order 555")[0];
  app.sim.failNext(
    "editMessageText",
    { error_code: 400, description: "Bad Request: message can't be edited" },
    1,
    (p) => p.chat_id === ADMIN_A,
  );
  await app.send(editedUpdate(first.message!, "Order 556 arrived broken"));
  const answer = app.sim.messagesIn(ADMIN_A).at(-1)!;
  assert.match(answer.text!, /Order 556/);
  assert.match(answer.text!, /edited/);
  assert.equal(answer.reply_to_message?.message_id, copy.message_id);
  // The other agent's copy was edited in place.
  assert.equal(copiesWith(app, ADMIN_B, "Order 556").length, 1);
  // A Telegram reply to the new message answers the ticket.
  await app.send(replyTo(agent, answer, "We will replace it."));
  assert.ok(app.sim.textsTo(cleo.id).some((t) => t.includes("replace it")));
});

Deno.test("edits: texts that went together as one message: the edit answers that message", async () => {
  const sim = new TelegramSim();
  await using app = await createTestApp({ sim, deps: { wake: () => {} } });
  // Stored before the sender runs: the three texts go as one message.
  const first = privateText(cleo, "First part of my question");
  await app.receive(first, privateText(cleo, "second part"), privateText(cleo, "third part"));
  await app.outbox.wakeAll();
  await app.outbox.settle();
  const together = copiesWith(app, ADMIN_A, "third part");
  assert.equal(together.length, 1);
  app.deps.wake = app.outbox.wake;
  await app.send(editedUpdate(first.message!, "First part, corrected"));
  const answer = app.sim.messagesIn(ADMIN_A).at(-1)!;
  assert.match(answer.text!, /First part, corrected/);
  assert.equal(answer.reply_to_message?.message_id, together.at(-1)!.message_id);
  assert.equal(editCalls(app).length, 0, "a message with several texts is not rewritten");
});

Deno.test("edits: an agent's edited answer is edited in the customer's copy; the turn stays", async () => {
  await using app = await createTestApp();
  await app.send(privateText(cleo, "When do you open tomorrow?"));
  await press(app, agent, "Reply");
  const answer = privateText(agent, "We open at 9.");
  await app.send(answer);
  const ticketBefore = await getTicket(app.kv, 1);
  await app.send(editedUpdate(answer.message!, "We open at 10."));
  const [copy] = copiesWith(app, cleo.id, "We open at 10.");
  assert.ok(copy, JSON.stringify(app.sim.textsTo(cleo.id)));
  assert.match(copy.text!, /edited/);
  assert.equal(copiesWith(app, cleo.id, "at 9.").length, 0);
  const ticketAfter = await getTicket(app.kv, 1);
  assert.equal(ticketAfter?.turn, ticketBefore?.turn);
  assert.equal(ticketAfter?.status, ticketBefore?.status);
  assert.equal(ticketAfter?.autoCloseAt, ticketBefore?.autoCloseAt);
});

Deno.test("edits: an edit never opens a ticket; a customer's sticker edit-less message is untouched", async () => {
  await using app = await createTestApp();
  const stray = privateText(cleo, "hi");
  await app.send(stray);
  await app.send(sticker(cleo));
  app.sim.clear();
  await app.send(editedUpdate(stray.message!, "hello there, I have a question"));
  assert.equal(app.sim.calls.length, 0);
  assert.equal(await getTicket(app.kv, 1), null);
});

Deno.test("edits: a message of a closed ticket: the copies follow, the ticket stays closed", async () => {
  await using app = await createTestApp();
  const first = privateText(cleo, "Question with a typo in it");
  await app.send(first);
  await press(app, agent, "Close");
  await app.send(editedUpdate(first.message!, "Question without a typo"));
  assert.equal(copiesWith(app, ADMIN_A, "without a typo").length, 1);
  assert.equal((await getTicket(app.kv, 1))?.status, "closed");
  assert.equal(await getTicket(app.kv, 2), null);
});

Deno.test("edits: in the support group, the topic's copy follows the customer, the customer's copy follows the agent", async () => {
  const sim = new TelegramSim();
  sim.addGroup(GROUP, { isForum: true });
  await using app = await createTestApp({ sim, env: { SUPPORT_CHAT_ID: String(GROUP) } });
  const first = privateText(cleo, "Invoice 77 is wrong");
  await app.send(first);
  await app.send(editedUpdate(first.message!, "Invoice 78 is wrong"));
  const thread = sim.topicByName(GROUP, "Cleo")!.message_thread_id;
  const copy = sim.topicMessages(GROUP, thread).find((m) => m.text?.includes("Invoice"));
  assert.match(copy!.text!, /Invoice 78/);
  assert.match(copy!.text!, /edited/);
  assert.deepEqual(sim.sentTo(ADMIN_A), []);
  const answer: Update = topicUpdate(sim, GROUP, thread, agent, "We fixed invoice 78.");
  await app.send(answer);
  await app.send(editedUpdate(answer.message!, "We fixed invoice 78 and sent it again."));
  assert.equal(copiesWith(app, cleo.id, "sent it again").length, 1);
  assert.equal(copiesWith(app, cleo.id, "We fixed invoice 78.").length, 0);
});
