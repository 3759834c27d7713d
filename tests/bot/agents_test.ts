/**
 * Who did what (issue 18): answers signed "Support" or, with AGENT_NAMES,
 * with the agent's first name; the card's "taken by" and "last answer by" in
 * the support group; per-agent statistics for the last 30 days (answers,
 * tickets closed, median first response), driven through the bot against the
 * strict fake Telegram with the clock moved across days.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Message, User } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp, HOUR, type TestApp } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import {
  callback,
  command,
  editedUpdate,
  privateText,
  replyTo,
  topicUpdate,
  user,
} from "../helpers/updates.ts";
import { sweepAutoClose } from "../../src/jobs/autoclose.ts";
import { keys } from "../../src/store/keys.ts";
import { getTicket } from "../../src/store/tickets.ts";
import { touchUser } from "../../src/store/users.ts";
import { AGENTS_SHOWN } from "../../src/render/stats.ts";
import { press } from "./conversation_support.ts";
import { lastMessage, supportAnswers, textOf, userWrites } from "./admin_fixtures.ts";

const GROUP = -1009876543210;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
const anna = user(ADMIN_A, { first_name: "Anna", last_name: "Karenina" });
const bea = user(ADMIN_B, { first_name: "Bea" });
const alice = user(701, { first_name: "Alice" });
const bob = user(702, { first_name: "Bob" });
const carol = user(703, { first_name: "Carol" });

async function groupApp(env: Record<string, string> = {}): Promise<TestApp> {
  const sim = new TelegramSim();
  sim.addGroup(GROUP, { isForum: true, title: "Support" });
  return await createTestApp({ sim, env: { SUPPORT_CHAT_ID: String(GROUP), ...env } });
}

/** The copy of the customer's message `question` in the agent's private chat. */
function deliveredCopy(app: TestApp, agent: User, question: string): Message {
  const copy = app.sim.messagesIn(agent.id).findLast((m) =>
    m.from?.is_bot && (m.text ?? m.caption ?? "").includes(question)
  );
  assert.ok(copy, `"${question}" never reached agent ${agent.id}`);
  return copy;
}

/** The agent answers (a Telegram reply to the copy of `question`) in a private chat. */
async function answer(app: TestApp, agent: User, question: string, text: string) {
  await app.send(replyTo(agent, deliveredCopy(app, agent, question), text));
}

/** The agent presses Close on ticket `ticketId` (in a private chat). */
async function close(app: TestApp, agent: User, ticketId: number) {
  await app.send(callback(agent, `t:close:${ticketId}`));
  assert.equal((await getTicket(app.kv, ticketId))?.closedBy, agent.id);
}

/** The statistics screen as `agent` sees it. */
async function statsText(app: TestApp, agent: User = anna): Promise<string> {
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:stats:0", lastMessage(app, agent.id)));
  return textOf(app.sim.lastSentTo(agent.id));
}

/** The agents' lines of the statistics screen, in their order. */
function agentLines(text: string): string[] {
  const section = text.slice(text.indexOf("Agents, last 30 days"));
  return section.split("\n").slice(1).filter((line) => line.includes(": answers "));
}

/** The customer's topic in the support group. */
function topicOf(app: TestApp, name: string): number {
  const topic = app.sim.topicByName(GROUP, name);
  assert.ok(topic, `no topic for ${name}`);
  return topic.message_thread_id;
}

Deno.test("agents: without AGENT_NAMES an answer is signed Support, in a private chat and in the group", async () => {
  {
    await using app = await createTestApp();
    await app.send(privateText(alice, "Where is my parcel, please?"));
    await answer(app, anna, "Where is my parcel", "It ships tomorrow.");
    const toAlice = app.sim.textsTo(alice.id).at(-1)!;
    assert.match(toAlice, /^💬 <b>Support<\/b> · ticket #1\n\nIt ships tomorrow\.$/);
    assert.ok(!toAlice.includes("Anna"));
  }
  {
    await using app = await groupApp();
    await app.send(command(anna, "admin")); // the bot knows Anna's name: still "Support"
    await app.send(privateText(alice, "Where is my parcel, please?"));
    await app.send(topicUpdate(app.sim, GROUP, topicOf(app, "Alice"), anna, "It ships tomorrow."));
    assert.match(app.sim.textsTo(alice.id).at(-1)!, /^💬 <b>Support<\/b> · ticket #1\n\n/);
  }
});

Deno.test("agents: with AGENT_NAMES=true each answer is signed with its agent's first name, escaped, in the customer's language", async () => {
  await using app = await createTestApp({ env: { AGENT_NAMES: "true" } });
  const odd = user(ADMIN_B, { first_name: "<Bea & co>", last_name: "Smith" });
  await app.send(privateText(alice, "Where is my parcel, please?"));
  await answer(app, anna, "Where is my parcel", "It ships tomorrow.");
  assert.match(app.sim.textsTo(alice.id).at(-1)!, /^💬 <b>Anna<\/b> · ticket #1\n\nIt ships/);
  assert.ok(!app.sim.textsTo(alice.id).join("\n").includes("Karenina"), "the first name only");

  await app.send(privateText(odd, "hello")); // the bot sees Bea's name in her private chat
  await answer(app, odd, "Where is my parcel", "And here is the tracking number.");
  assert.match(
    app.sim.textsTo(alice.id).at(-1)!,
    /^💬 <b>&lt;Bea &amp; co&gt;<\/b> · ticket #1\n\nAnd here/,
  );

  // A Russian customer reads the Russian header with the same name.
  const ivan = user(704, { first_name: "Иван", language_code: "ru" });
  await app.send(privateText(ivan, "Где моя посылка, подскажите?"));
  await answer(app, anna, "Где моя посылка", "Завтра отправим.");
  assert.match(app.sim.textsTo(ivan.id).at(-1)!, /^💬 <b>Anna<\/b> · тикет #2\n\nЗавтра/);

  // An agent's edit keeps the signature of the answer it edits.
  const sent = app.sim.messagesIn(ADMIN_A).findLast((m) => m.text === "Завтра отправим.")!;
  await app.send(editedUpdate(sent, "Отправим сегодня."));
  const edit = app.sim.callsTo("editMessageText").at(-1)!;
  assert.equal(edit.payload.chat_id, ivan.id);
  assert.match(
    String(edit.payload.text),
    /^💬 <b>Anna<\/b> · тикет #2 · .*\n\nОтправим сегодня\.$/,
  );
});

Deno.test("agents: with AGENT_NAMES=true an agent whose name is not known signs Support", async () => {
  // The sender is not woken by the bot: the agent's record goes before the answer is sent.
  await using app = await createTestApp({ env: { AGENT_NAMES: "true" }, deps: { wake: () => {} } });
  await app.send(privateText(alice, "Where is my parcel, please?"));
  app.outbox.wake(ADMIN_A);
  await app.outbox.settle();
  await answer(app, anna, "Where is my parcel", "It ships tomorrow.");
  await app.kv.delete(keys.user(ADMIN_A));
  app.outbox.wake(alice.id);
  await app.outbox.settle();
  assert.match(app.sim.textsTo(alice.id).at(-1)!, /^💬 <b>Support<\/b> · ticket #1\n\nIt ships/);
});

Deno.test("agents: with AGENT_NAMES=true answers written in the support group are signed with the agent's first name", async () => {
  await using app = await groupApp({ AGENT_NAMES: "true" });
  await app.send(command(anna, "admin"), command(bea, "admin"));
  await app.send(privateText(alice, "Where is my parcel, please?"));
  const thread = topicOf(app, "Alice");
  await app.send(topicUpdate(app.sim, GROUP, thread, anna, "It ships tomorrow."));
  assert.match(app.sim.textsTo(alice.id).at(-1)!, /^💬 <b>Anna<\/b> · ticket #1\n\nIt ships/);
  await app.send(topicUpdate(app.sim, GROUP, thread, bea, "Tracking: 42."));
  assert.match(app.sim.textsTo(alice.id).at(-1)!, /^💬 <b>Bea<\/b> · ticket #1\n\nTracking/);
  // An answer that opens a ticket (the customer has none open) is signed too.
  await press(app, bea, "Close", GROUP);
  await app.send(topicUpdate(app.sim, GROUP, thread, anna, "One more thing, Alice."));
  assert.match(app.sim.textsTo(alice.id).at(-1)!, /^💬 <b>Anna<\/b> · ticket #2\n\nOne more/);
  // A note reaches no one.
  const before = app.sim.sentTo(alice.id).length;
  await app.send(topicUpdate(app.sim, GROUP, thread, anna, "/note VIP customer"));
  assert.equal(app.sim.sentTo(alice.id).length, before);
});

Deno.test("agents: the card in the support group shows who took the ticket and who answered last", async () => {
  await using app = await groupApp();
  await app.send(command(anna, "admin"), command(bea, "admin"));
  await app.send(privateText(alice, "Where is my parcel, please?"));
  const thread = topicOf(app, "Alice");
  await press(app, bea, "Take", GROUP);
  const taken = app.sim.callsTo("editMessageText").at(-1)!;
  assert.equal(taken.payload.chat_id, GROUP);
  assert.match(String(taken.payload.text), /Taken by: Bea/);
  assert.doesNotMatch(String(taken.payload.text), /Last answer by/);

  await app.send(topicUpdate(app.sim, GROUP, thread, anna, "It ships tomorrow."));
  await press(app, bea, "Close", GROUP);
  const card = String(app.sim.callsTo("editMessageText").at(-1)!.payload.text);
  assert.match(card, /Taken by: Bea/);
  assert.match(card, /Last answer by: Anna Karenina/);
  assert.match(card, /Closed by: Bea/);
});

Deno.test("agents: statistics count each agent's answers, closes and median first response over the last 30 days; auto-close is nobody's", async () => {
  await using app = await createTestApp();
  await app.send(command(anna, "admin"), command(bea, "admin"));
  const day0 = app.clock.now(); // 2026-11-24 09:00 UTC

  // Day 0: Anna answers Alice after 1 h (three answers), Bea answers Bob after 3 h.
  await app.send(privateText(alice, "Question one from Alice"));
  await app.send(privateText(bob, "Question two from Bob"));
  app.clock.set(day0 + HOUR);
  await answer(app, anna, "Question one", "Answer one");
  await answer(app, anna, "Question one", "Answer one, more");
  await answer(app, anna, "Question one", "Answer one, even more");
  app.clock.set(day0 + 3 * HOUR);
  await answer(app, bea, "Question two", "Answer two");

  // Day 1: Anna answers Carol after 30 min, Bea answers Alice and Carol; Anna closes
  // Bob's ticket, Bea closes Alice's.
  app.clock.set(day0 + DAY);
  await app.send(privateText(carol, "Question three from Carol"));
  app.clock.set(day0 + DAY + 30 * MINUTE);
  await answer(app, anna, "Question three", "Answer three");
  await answer(app, bea, "Question one", "A follow-up for Alice");
  await answer(app, bea, "Question three", "A follow-up for Carol");
  await close(app, anna, 2);
  await close(app, bea, 1);

  let text = await statsText(app);
  assert.deepEqual(agentLines(text), [
    "Anna Karenina: answers 4 · closed 1 · first response 45 min",
    "Bea: answers 3 · closed 1 · first response 3 h",
  ]);
  assert.match(text, /Median first response: 1 h/);

  // Thirty days after day 0, day 0 is out of the window; Carol's ticket closes by itself.
  app.clock.set(day0 + 30 * DAY);
  assert.deepEqual((await sweepAutoClose(app.deps, app.bot.api)).closed.map((t) => t.id), [3]);
  text = await statsText(app, bea);
  assert.deepEqual(agentLines(text), [
    "Bea: answers 2 · closed 1 · first response —",
    "Anna Karenina: answers 1 · closed 1 · first response 30 min",
  ]);
  assert.match(text, /Created: 1 · closed: 3/);

  // Thirty-one days after day 1 nobody did anything in the window.
  app.clock.set(day0 + 31 * DAY);
  text = await statsText(app);
  assert.deepEqual(agentLines(text), []);
  assert.match(text, /No answers in these 30 days\./);
});

Deno.test("agents: in the support group an answer that opens a ticket counts, but has no first response to time", async () => {
  await using app = await groupApp();
  await app.send(command(anna, "admin"), command(bea, "admin"));
  await app.send(privateText(alice, "Where is my parcel, please?"));
  const thread = topicOf(app, "Alice");
  app.clock.advance(2 * HOUR);
  await app.send(topicUpdate(app.sim, GROUP, thread, bea, "It ships tomorrow."));
  await app.send(topicUpdate(app.sim, GROUP, thread, anna, "/note VIP customer"));
  await press(app, anna, "Close", GROUP);
  // Anna writes first: a new ticket, opened by her answer.
  await app.send(topicUpdate(app.sim, GROUP, thread, anna, "We have a discount for you."));
  assert.equal((await getTicket(app.kv, 2))?.status, "in_progress");

  const text = await statsText(app);
  assert.deepEqual(agentLines(text), [
    "Anna Karenina: answers 1 · closed 1 · first response —",
    "Bea: answers 1 · closed 0 · first response 2 h",
  ]);
  // Nobody waited for ticket #2: the median is Bea's 2 h alone.
  assert.match(text, /Median first response: 2 h/);
});

Deno.test("agents: statistics list the ten busiest agents and count the others, within Telegram's 4096 characters", async () => {
  await using app = await createTestApp();
  const long = "&".repeat(64);
  const customer = await userWrites(app, user(799), "A question for many agents");
  const agents = Array.from({ length: AGENTS_SHOWN + 2 }, (_, i) => 5000 + i);
  for (const [i, agentId] of agents.entries()) {
    await touchUser(app.kv, { id: agentId, first_name: long, last_name: long }, app.clock.now());
    // Agent 5000 answers once, 5001 twice, …: the busiest come first.
    for (let n = 0; n <= i; n++) await supportAnswers(app, customer.id, agentId);
  }
  const call = await (async () => {
    await app.send(command(anna, "admin"));
    await app.send(callback(anna, "a:stats:0", lastMessage(app, ADMIN_A)));
    return app.sim.lastSentTo(ADMIN_A)!;
  })();
  assert.ok(call.response.ok);
  const text = textOf(call);
  assert.ok(text.length < 4096, `${text.length} characters`);
  const lines = agentLines(text);
  assert.equal(lines.length, AGENTS_SHOWN);
  assert.match(lines[0], /^(&amp;){31}…: answers 12 · closed 0 · first response —$/);
  assert.match(lines.at(-1)!, /: answers 3 · /);
  assert.match(text, /…and 2 more agents/);
});

Deno.test("agents: the statistics screen speaks Russian", async () => {
  await using app = await createTestApp();
  const ru = user(ADMIN_A, { first_name: "Анна", language_code: "ru" });
  await app.send(privateText(alice, "Where is my parcel, please?"));
  app.clock.advance(HOUR);
  await answer(app, ru, "Where is my parcel", "It ships tomorrow.");
  const text = await statsText(app, ru);
  assert.match(text, /Агенты за последние 30 дней/);
  assert.match(text, /\nАнна: ответов 1 · закрыто 0 · первый ответ 1 ч$/);
});

Deno.test("agents: Settings → Info shows AGENT_NAMES", async () => {
  await using app = await createTestApp({ env: { AGENT_NAMES: "yes" } });
  await app.send(command(anna, "admin"));
  await app.send(callback(anna, "a:info:0", lastMessage(app, ADMIN_A)));
  assert.ok(textOf(app.sim.lastSentTo(ADMIN_A)).includes("<code>AGENT_NAMES</code> = true"));
});
