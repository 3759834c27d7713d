/**
 * `/find` through the bot: `#id` sends the card, `@username` and a bare
 * number list a customer's tickets (a number is also tried as a ticket id,
 * then as text), words find tickets by customer name and messages in any
 * case (Russian too), newest first, ten per page with ◀️ ▶️; a result's
 * button sends the card; the support group answers in the topic; customers
 * get nothing of it; the index is written with the message and built for
 * older stores and imports.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Message, Update } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import { kvWith } from "../helpers/kv_with.ts";
import { callback, command, privateText, replyTo, topicUpdate, user } from "../helpers/updates.ts";
import { buttonsOf, findButton, toasts } from "./conversation_support.ts";
import { fixture, runImport } from "../legacy/support.ts";
import { keys } from "../../src/store/keys.ts";
import { findByLegacyId } from "../../src/store/legacy.ts";
import { lastMessages, stageMessageRecord } from "../../src/store/tickets.ts";
import { openTicket } from "../../src/domain/ticket.ts";
import { decode, encode } from "../../src/render/callbacks.ts";

const agent = user(ADMIN_A, { first_name: "Agent" });
const bea = user(ADMIN_B, { first_name: "Bea" });
const GROUP = -1005555555555;

/** `/find <query>` from `from` in a private chat. */
function find(from: typeof agent, query: string): Update {
  return command(from, "find", query || undefined);
}

/** The bot's last message in `chatId`. */
function last(app: TestApp, chatId: number): Message {
  return app.sim.messagesIn(chatId).filter((m) => m.from?.is_bot).at(-1)!;
}

/** The ticket ids on the result buttons of a message, in order. */
function resultIds(message: Message): number[] {
  return buttonsOf(message).flatMap((b) => {
    const data = decode(b.callback_data);
    return data?.kind === "find_open" ? [data.ticketId] : [];
  });
}

/** Presses the button of `message` whose label contains `label`. */
async function pressOn(app: TestApp, from: typeof agent, message: Message, label: string) {
  const button = buttonsOf(message).find((b) => b.text.includes(label));
  assert.ok(button, `no button "${label}" on ${message.text}`);
  await app.send(callback(from, button.callback_data, message));
}

/** Customer `id` (named `name`) writes `text`, opening a ticket. */
async function ticketOf(app: TestApp, id: number, name: string, text: string, username?: string) {
  await app.send(privateText(user(id, { first_name: name, username }), text));
}

Deno.test("find: #id sends the ticket's card, linked so a Telegram reply answers it; a missing id says so", async () => {
  await using app = await createTestApp();
  await ticketOf(app, 701, "Dan", "My parcel has not arrived yet");
  await app.send(find(agent, "#1"));
  const card = last(app, ADMIN_A);
  assert.match(card.text!, /Ticket #1/);
  assert.match(card.text!, /Dan/);
  await app.send(replyTo(agent, card, "It arrives tomorrow."));
  assert.ok(app.sim.textsTo(701).some((t) => t.includes("It arrives tomorrow.")));
  await app.send(find(agent, "#99"));
  assert.match(last(app, ADMIN_A).text!, /Ticket #99 does not exist/);
});

Deno.test("find: words find tickets by message text and customer name, in any case, Russian too (ё = е), by the start of words", async () => {
  await using app = await createTestApp();
  await ticketOf(app, 701, "Дмитрий", "Где мой ЗАКАЗ? Номер заказа 4711");
  await ticketOf(app, 702, "Alice", "The invoice for March is missing");
  await ticketOf(app, 703, "Ёжик", "Hello there, a question about delivery");
  const ids = async (query: string) => {
    await app.send(find(agent, query));
    return resultIds(last(app, ADMIN_A));
  };
  assert.deepEqual(await ids("заказ"), [1]);
  assert.deepEqual(await ids("ЗАКАЗА"), [1]);
  assert.deepEqual(await ids("зака"), [1], "a word finds the words it begins");
  assert.deepEqual(await ids("дмитрий"), [1], "the customer's name");
  assert.deepEqual(await ids("ежик"), [3], "ё and е are the same letter");
  assert.deepEqual(await ids("INVOICE march"), [2], "all the words, any case");
  const shown = last(app, ADMIN_A);
  assert.match(shown.text!, /invoice march/);
  assert.equal(buttonsOf(shown)[0].text, "#2 · 🆕 new · Alice");
  // The agent's answers and notes belong to the ticket's words too.
  await app.send(
    replyTo(
      agent,
      app.sim.messagesIn(ADMIN_A).find((m) => m.text?.includes("4711"))!,
      "Tracking code XK42",
    ),
  );
  assert.deepEqual(await ids("xk42"), [1]);
});

Deno.test("find: results come newest first, ten per page; ▶️ and ◀️ turn pages", async () => {
  await using app = await createTestApp();
  for (let i = 1; i <= 23; i++) {
    await ticketOf(
      app,
      800 + i,
      `Customer ${i}`,
      i % 5 === 0 ? "Unrelated text here" : "Refund please, order broken",
    );
  }
  const expected = Array.from({ length: 23 }, (_, i) => 23 - i).filter((id) => id % 5 !== 0);
  await app.send(find(agent, "refund"));
  const results = last(app, ADMIN_A);
  assert.deepEqual(resultIds(results), expected.slice(0, 10));
  assert.ok(!buttonsOf(results).some((b) => b.text.includes("Previous")), "no newer page");
  await pressOn(app, agent, results, "Next");
  let shown = app.sim.message(ADMIN_A, results.message_id)!;
  assert.deepEqual(resultIds(shown), expected.slice(10), "edited in place");
  assert.ok(!buttonsOf(shown).some((b) => b.text.includes("Next")), "the last page");
  await pressOn(app, agent, shown, "Previous");
  shown = app.sim.message(ADMIN_A, results.message_id)!;
  assert.deepEqual(resultIds(shown), expected.slice(0, 10));
});

Deno.test("find: @username lists that customer's tickets newest first, in any case; a bare number is a ticket id and a user id, else text", async () => {
  await using app = await createTestApp();
  const dan = user(701, { first_name: "Dan", username: "Dan_S" });
  await app.send(privateText(dan, "First question about my account"));
  await app.send(find(agent, "#1"));
  await pressOn(app, agent, last(app, ADMIN_A), "Close");
  await ticketOf(app, 702, "Eve", "Another customer writes here");
  await app.send(privateText(dan, "Second question about the account"));
  await app.send(find(agent, "@dan_s"));
  const shown = last(app, ADMIN_A);
  assert.match(shown.text!, /Tickets of Dan \(id 701\)/);
  assert.deepEqual(resultIds(shown), [3, 1]);
  assert.match(buttonsOf(shown)[1].text, /#1 · ✅ closed · Dan/);
  await app.send(find(agent, "@nobody_here"));
  assert.match(last(app, ADMIN_A).text!, /Nothing found for @nobody_here/);

  // 701 is a user id: their tickets. 2 is a ticket id: its card.
  await app.send(find(agent, "701"));
  assert.deepEqual(resultIds(last(app, ADMIN_A)), [3, 1]);
  await app.send(find(agent, "2"));
  assert.match(last(app, ADMIN_A).text!, /Ticket #2/);
  // Both at once: the card, then the user's tickets.
  await ticketOf(app, 3, "Tiny", "A customer whose id is three");
  const before = app.sim.messagesIn(ADMIN_A).length;
  await app.send(find(agent, "3"));
  const answers = app.sim.messagesIn(ADMIN_A).slice(before).filter((m) => m.from?.is_bot);
  assert.match(answers[0].text!, /Ticket #3/);
  assert.deepEqual(resultIds(answers[1]), [4]);
  // Neither: the number is looked for in the messages.
  await ticketOf(app, 704, "Olga", "My order number is 123456, please check");
  await app.send(find(agent, "123456"));
  assert.deepEqual(resultIds(last(app, ADMIN_A)), [5]);
});

Deno.test("find: a result's button sends the ticket's card; an empty query gets the usage; nothing found names the query, escaped", async () => {
  await using app = await createTestApp();
  await ticketOf(app, 701, "Dan", "Payment failed twice today");
  await app.send(find(agent, "payment"));
  const results = last(app, ADMIN_A);
  await pressOn(app, agent, results, "#1");
  const card = last(app, ADMIN_A);
  assert.notEqual(card.message_id, results.message_id, "the results stay");
  assert.match(card.text!, /Ticket #1/);
  await app.send(find(agent, ""));
  assert.match(last(app, ADMIN_A).text!, /\/find #12/);
  await app.send(find(agent, "<b>nope</b> & co"));
  assert.equal(last(app, ADMIN_A).text, "🔎 Nothing found for <b>nope</b> & co.");
  await app.send(find(agent, "a ?"));
  assert.match(last(app, ADMIN_A).text!, /at least two letters/);
});

Deno.test("find: customers get no search: /find is an unknown command, search buttons are refused", async () => {
  await using app = await createTestApp();
  const dan = user(701, { first_name: "Dan" });
  await ticketOf(app, 702, "Eve", "Secret order details of Eve");
  await app.send(find(dan, "secret"));
  const told = app.sim.textsTo(701);
  assert.ok(!told.some((t) => t.includes("🔎") || t.includes("#1")), told.join("\n"));
  await app.send(callback(dan, encode({ kind: "find_open", ticketId: 1 })));
  await app.send(
    callback(dan, encode({ kind: "find_page", ref: "qsecret", direction: "older", at: 5 })),
  );
  assert.deepEqual(toasts(app).slice(-2), [
    "⛔ This action is for the support team only.",
    "⛔ This action is for the support team only.",
  ]);
  assert.ok(!app.sim.textsTo(701).some((t) => t.includes("Secret order")));
});

Deno.test("find: in the support group, results and cards come in the topic where the agent asked", async () => {
  const sim = new TelegramSim();
  sim.addGroup(GROUP, { isForum: true });
  await using app = await createTestApp({ sim, env: { SUPPORT_CHAT_ID: String(GROUP) } });
  await ticketOf(app, 701, "Dan", "The screen stays black after the update");
  await ticketOf(app, 702, "Eve", "Black friday discount question");
  const thread = sim.topicByName(GROUP, "Eve")!.message_thread_id;
  const before = sim.topicMessages(GROUP, thread).length;
  await app.send(topicUpdate(sim, GROUP, thread, bea, "/find black"));
  const results = sim.topicMessages(GROUP, thread).at(-1)!;
  assert.equal(sim.topicMessages(GROUP, thread).length, before + 1);
  assert.deepEqual(resultIds(results), [2, 1]);
  assert.deepEqual(sim.textsTo(702).filter((t) => t.includes("/find")), [], "not an answer");
  assert.equal((await lastMessages(app.kv, 2, 10)).length, 1, "nothing stored as an answer");
  await app.send(callback(bea, findButton(app, GROUP, "#1").data, results));
  const card = sim.topicMessages(GROUP, thread).at(-1)!;
  assert.match(card.text!, /Ticket #1/);
  assert.equal(card.message_thread_id, thread);
});

Deno.test("find: a message is findable once stored; a failed commit leaves nothing to find", async () => {
  using raw = await Deno.openKv(":memory:");
  let failing = false;
  const kv = kvWith(raw, {
    atomic: () => {
      const op = raw.atomic();
      const commit = op.commit.bind(op);
      op.commit = () => failing ? Promise.reject(new Error("disk full")) : commit();
      return op;
    },
  });
  await using app = await createTestApp({ kv });
  app.sim.allowErrors(() => true);
  await ticketOf(app, 701, "Dan", "Zebra pattern on my screen");
  await app.send(find(agent, "zebra"));
  assert.deepEqual(resultIds(last(app, ADMIN_A)), [1], "findable at once");
  failing = true;
  await ticketOf(app, 701, "Dan", "Giraffe stripes now as well");
  failing = false;
  const stored = await lastMessages(raw, 1, 10);
  assert.ok(!stored.some((m) => m.text?.includes("Giraffe")), "the message was not stored");
  const entries = [];
  for await (const entry of raw.list({ prefix: ["search", "giraffe"] })) entries.push(entry);
  assert.deepEqual(entries, []);
  await app.send(find(agent, "giraffe"));
  assert.match(last(app, ADMIN_A).text!, /Nothing found for giraffe/);
});

Deno.test("find: tickets of an older store without the index are indexed by the first searches", async () => {
  await using app = await createTestApp();
  const op = app.kv.atomic();
  op.set(keys.user(701), {
    id: 701,
    firstName: "Vera",
    username: "vera_old",
    blocked: false,
    reachable: true,
    createdAt: 0,
  });
  op.set(keys.ticket(1), openTicket(1, 701, app.clock.now()));
  op.set(keys.userTicket(701, 1), null);
  op.set(keys.ticketSeq(), new Deno.KvU64(1n));
  stageMessageRecord(op, {
    ticketId: 1,
    seq: 1,
    direction: "in",
    kind: "text",
    text: "Written long before search existed",
    at: app.clock.now(),
    authorId: 701,
    source: { chatId: 701, messageIds: [1] },
    copies: [],
  });
  await op.commit();
  await app.send(find(agent, "existed"));
  assert.deepEqual(resultIds(last(app, ADMIN_A)), [1]);
  await app.send(find(agent, "@vera_old"));
  assert.deepEqual(resultIds(last(app, ADMIN_A)), [1]);
  assert.doesNotMatch(last(app, ADMIN_A).text!, /still being indexed/);
});

Deno.test("find: tickets imported from the Python bot are found by their messages and @username", async () => {
  await using app = await createTestApp();
  await using folder = await fixture("basic");
  const run = await runImport(app.deps, folder.path);
  assert.equal(run.code, 0, run.all);
  const id = await findByLegacyId(app.kv, "T-20261124-0001");
  await app.send(find(agent, "tracking"));
  assert.ok(resultIds(last(app, ADMIN_A)).includes(id!));
  await app.send(find(agent, "@eve"));
  assert.ok(resultIds(last(app, ADMIN_A)).includes(id!));
});

Deno.test("find: a long query's page buttons keep to 64 bytes, the query stored under a short key", async () => {
  await using app = await createTestApp();
  const words = "подтверждение регистрации электронной почты невозможно";
  for (let i = 1; i <= 12; i++) await ticketOf(app, 900 + i, `Клиент ${i}`, `${words} ${i}`);
  await app.send(find(agent, words));
  const results = last(app, ADMIN_A);
  assert.equal(resultIds(results).length, 10);
  const next = buttonsOf(results).find((b) => b.text.includes("▶️"))!;
  assert.ok(new TextEncoder().encode(next.callback_data).length <= 64);
  assert.match(next.callback_data, /:k/);
  await app.send(callback(agent, next.callback_data, results));
  assert.deepEqual(resultIds(app.sim.message(ADMIN_A, results.message_id)!), [2, 1]);
});
