/**
 * The support group (SUPPORT_CHAT_ID), driven through the bot against the
 * strict fake Telegram: one topic per customer, created once; the card, the
 * customer's messages, closures and ratings in the topic and nowhere else;
 * agents answer by writing there; `/note`; non-agents told once; a deleted
 * topic recreated with nothing lost or sent twice; switching modes.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Message } from "grammy/types";
import {
  ADMIN_A,
  ADMIN_B,
  createTestApp,
  type TestApp,
  type TestAppOptions,
} from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import {
  album,
  editedText,
  photo,
  privateText,
  serviceNewMembers,
  topicAlbum,
  topicUpdate,
  user,
  userMedia,
} from "../helpers/updates.ts";
import { getTicket, lastMessages } from "../../src/store/tickets.ts";
import { getTopic } from "../../src/store/topics.ts";
import { supportGroupProblem } from "../../src/bot/connect.ts";
import { inTopic as inTopicSend, topicName } from "../../src/services/topics.ts";
import { closeTicket, openTicket } from "../../src/domain/ticket.ts";
import type { UserRecord } from "../../src/store/users.ts";
import { findButton, press } from "./conversation_support.ts";
import { callback } from "../helpers/updates.ts";

const GROUP = -1009876543210;
const agent = user(ADMIN_A, { first_name: "Agent" });
const other = user(ADMIN_B, { first_name: "Bea" });
const alice = user(501, { first_name: "Alice" });
const bob = user(502, { first_name: "Bob" });
const stranger = user(777, { first_name: "Stranger" });

/** A sim with the support group: a forum where the bot may manage topics. */
function groupSim(): TelegramSim {
  const sim = new TelegramSim();
  sim.addGroup(GROUP, { isForum: true, title: "Support" });
  return sim;
}

async function groupApp(
  options: { sim?: TelegramSim; kvPath?: string; deps?: TestAppOptions["deps"] } = {},
): Promise<TestApp> {
  return await createTestApp({
    sim: options.sim ?? groupSim(),
    kvPath: options.kvPath,
    deps: options.deps,
    env: { SUPPORT_CHAT_ID: String(GROUP) },
  });
}

/** The customer's topic as the sim has it. */
function topicOf(app: TestApp, name: string) {
  const topic = app.sim.topicByName(GROUP, name);
  assert.ok(topic, `no topic for ${name}: ${JSON.stringify(app.sim.topics(GROUP))}`);
  return topic;
}

/** How many texts in the topic contain `part`. */
function inTopic(app: TestApp, threadId: number, part: string): number {
  return app.sim.textsInTopic(GROUP, threadId).filter((t) => t.includes(part)).length;
}

Deno.test("group: a new customer gets one topic named #id and name, with the card and the message, and agents' chats get nothing", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "My order never arrived, please help"));
  const topics = app.sim.topics(GROUP);
  assert.equal(topics.length, 1);
  assert.match(topics[0].name, /#1\b/);
  assert.match(topics[0].name, /Alice/);
  const thread = topics[0].message_thread_id;
  const messages = app.sim.topicMessages(GROUP, thread);
  assert.ok(messages[0].text?.includes("#1"), "the card comes first");
  assert.ok(findButton(app, GROUP, "Take"));
  assert.equal(inTopic(app, thread, "My order never arrived"), 1);
  assert.deepEqual(app.sim.sentTo(ADMIN_A), []);
  assert.deepEqual(app.sim.sentTo(ADMIN_B), []);
  // The customer is told the ticket's number, as without the group.
  assert.ok(app.sim.textsTo(alice.id).some((t) => t.includes("#1")));
});

Deno.test("group: messages of a new customer arriving together make one topic; their later tickets reuse it", async () => {
  await using app = await groupApp();
  // Stored before the sender runs: three items wait for a topic that does not exist yet.
  await app.receive(
    privateText(alice, "First message of the burst"),
    privateText(alice, "Second message"),
    privateText(alice, "Third message"),
  );
  await app.outbox.settle();
  assert.equal(app.sim.topics(GROUP).length, 1);
  const thread = topicOf(app, "Alice").message_thread_id;
  for (const part of ["First message", "Second message", "Third message"]) {
    assert.equal(inTopic(app, thread, part), 1, part);
  }
  // Closed, then a new ticket: the same topic, renamed to the new #id, with a new card.
  await press(app, agent, "Close", GROUP);
  await app.send(privateText(alice, "Another question, a week later"));
  assert.equal(app.sim.topics(GROUP).length, 1);
  assert.match(topicOf(app, "Alice").name, /#2\b/);
  assert.equal(inTopic(app, thread, "Another question"), 1);
  assert.ok(
    app.sim.textsInTopic(GROUP, thread).some((t) =>
      t.includes("#2") && t.includes("Take") === false
    ),
  );
});

Deno.test("group: two processes on one store create one topic for a customer's burst", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sim = groupSim();
    await using one = await groupApp({ sim, kvPath: `${dir}/bot.kv` });
    await using two = await groupApp({ sim, kvPath: `${dir}/bot.kv` });
    await Promise.all([
      one.receive(privateText(alice, "From the first process, long enough")),
      two.receive(privateText(alice, "From the second process, long enough")),
    ]);
    await Promise.all([one.outbox.wakeAll(), two.outbox.wakeAll()]);
    await Promise.all([one.outbox.settle(), two.outbox.settle()]);
    // A creation claimed by the other process makes the loser wait; let it finish.
    for (
      let i = 0;
      i < 20 &&
      !["first", "second"].every((which) =>
        sim.textsTo(GROUP).some((t) => t.includes(`From the ${which} process`))
      );
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await Promise.all([one.outbox.wakeAll(), two.outbox.wakeAll()]);
      await Promise.all([one.outbox.settle(), two.outbox.settle()]);
    }
    assert.equal(sim.topics(GROUP).length, 1);
    const thread = sim.topics(GROUP)[0].message_thread_id;
    assert.equal(inTopicOf(sim, thread, "From the first process"), 1);
    assert.equal(inTopicOf(sim, thread, "From the second process"), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function inTopicOf(sim: TelegramSim, threadId: number, part: string): number {
  return sim.textsInTopic(GROUP, threadId).filter((t) => t.includes(part)).length;
}

Deno.test("group: an agent's text in the topic answers the customer, and the topic's name follows the status once", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "How do I reset my password?"));
  const thread = topicOf(app, "Alice").message_thread_id;
  assert.match(topicOf(app, "Alice").name, /^🆕/);
  await app.send(topicUpdate(app.sim, GROUP, thread, agent, "Use the link on the login page."));
  assert.ok(
    app.sim.textsTo(alice.id).some((t) => t.includes("#1") && t.includes("Use the link")),
  );
  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.status, "in_progress");
  assert.equal(ticket?.turn, "user");
  assert.match(topicOf(app, "Alice").name, /^💬 #1 Alice/);
  // A second answer changes no status: no rename is sent (Telegram would refuse it).
  await app.send(topicUpdate(app.sim, GROUP, thread, other, "Did it work?"));
  assert.equal(app.sim.callsTo("editForumTopic").length, 1);
  assert.ok(app.sim.textsTo(alice.id).some((t) => t.includes("Did it work?")));
  // No "sent" note eats the group's quota: the agents see the answer in the topic.
  assert.equal(app.sim.textsTo(GROUP).filter((t) => /delivered|sent/i.test(t)).length, 0);
});

Deno.test("group: agents' media and albums in the topic reach the customer as they are", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "Can you show me where the button is?"));
  const thread = topicOf(app, "Alice").message_thread_id;
  await app.send(
    topicUpdate(app.sim, GROUP, thread, agent, userMedia("photo", { caption: "Here" })),
  );
  await app.send(topicUpdate(app.sim, GROUP, thread, agent, userMedia("voice")));
  await app.send(topicAlbum(app.sim, GROUP, thread, agent, ["photo", "video"], "Two views"));
  const calls = app.sim.sentTo(alice.id).map((c) => c.method);
  assert.ok(calls.includes("copyMessage"), calls.join());
  assert.ok(calls.includes("copyMessages"), "the album goes as an album");
  const copies = app.sim.callsTo("copyMessages").filter((c) => c.payload.chat_id === alice.id);
  assert.equal((copies[0].payload.message_ids as number[]).length, 2);
  const stored = await lastMessages(app.kv, 1, 10);
  assert.deepEqual(stored.map((m) => m.kind), ["text", "photo", "voice", "album"]);
});

Deno.test("group: a customer's media and album land in their topic, the album as an album", async () => {
  await using app = await groupApp();
  await app.send(photo(alice, "The broken screen, see the crack"));
  await app.send(album(alice, ["photo", "photo", "video"]));
  const thread = topicOf(app, "Alice").message_thread_id;
  const calls = app.sim.sentToTopic(GROUP, thread).map((c) => c.method);
  assert.ok(calls.includes("copyMessage"));
  assert.ok(calls.includes("copyMessages"));
  const albumCopy = app.sim.callsTo("copyMessages").find((c) => c.payload.chat_id === GROUP);
  assert.equal(albumCopy?.payload.message_thread_id, thread);
  assert.equal((albumCopy?.payload.message_ids as number[]).length, 3);
});

Deno.test("group: /note stays internal and shows as a note in the history", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "Please cancel my subscription"));
  const thread = topicOf(app, "Alice").message_thread_id;
  const before = app.sim.sentTo(alice.id).length;
  await app.send(topicUpdate(app.sim, GROUP, thread, agent, "/note VIP customer, be kind"));
  assert.equal(app.sim.sentTo(alice.id).length, before, "the customer gets nothing");
  assert.ok(app.sim.textsInTopic(GROUP, thread).some((t) => /Note/.test(t) && t.includes("#1")));
  const stored = await lastMessages(app.kv, 1, 10);
  assert.equal(stored.at(-1)?.note, true);
  assert.equal(stored.at(-1)?.text, "VIP customer, be kind");
  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.status, "new", "a note is not an answer");
  assert.equal(ticket?.turn, "support");
  await press(app, agent, "History", GROUP);
  assert.ok(app.sim.textsTo(GROUP).some((t) => t.includes("Note") && t.includes("VIP customer")));
});

Deno.test("group: a member who is not an agent reaches no one and is told once per topic", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "I need help with the invoice"));
  const thread = topicOf(app, "Alice").message_thread_id;
  const before = app.sim.sentTo(alice.id).length;
  await app.send(topicUpdate(app.sim, GROUP, thread, stranger, "I can answer that!"));
  await app.send(topicUpdate(app.sim, GROUP, thread, stranger, "Hello? Anyone?"));
  assert.equal(app.sim.sentTo(alice.id).length, before);
  assert.equal(app.sim.textsInTopic(GROUP, thread).filter((t) => /Only agents/.test(t)).length, 1);
  assert.equal((await getTicket(app.kv, 1))?.status, "new");
});

Deno.test("group: General, service messages and topics that are not a customer's are not answers", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "A question about delivery times"));
  const thread = topicOf(app, "Alice").message_thread_id;
  const before = app.sim.calls.length;
  await app.send(topicUpdate(app.sim, GROUP, undefined, agent, "Team, lunch at noon?"));
  await app.send(serviceNewMembers(GROUP, stranger));
  await app.send(
    topicUpdate(
      app.sim,
      GROUP,
      thread,
      agent,
      { pinned_message: app.sim.topicMessages(GROUP, thread)[0] } as Partial<Message>,
    ),
  );
  app.sim.addTopic(GROUP, 99_000, "Team chat");
  await app.send(topicUpdate(app.sim, GROUP, 99_000, agent, "Shift notes for today"));
  assert.equal(app.sim.calls.length, before, "the bot said and sent nothing");
  assert.equal((await getTicket(app.kv, 1))?.messageCount, 1);
});

Deno.test("group: an agent writing to a customer with no open ticket opens one, in progress", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "Thanks, that is all for now"));
  const thread = topicOf(app, "Alice").message_thread_id;
  await press(app, agent, "Close", GROUP);
  await app.send(topicUpdate(app.sim, GROUP, thread, agent, "Your replacement has shipped today."));
  const ticket = await getTicket(app.kv, 2);
  assert.equal(ticket?.status, "in_progress");
  assert.equal(ticket?.userId, alice.id);
  assert.equal(ticket?.turn, "user");
  assert.ok(app.sim.textsTo(alice.id).some((t) => t.includes("#2") && t.includes("shipped")));
  assert.match(topicOf(app, "Alice").name, /#2\b/);
  assert.equal(app.sim.topics(GROUP).length, 1);
});

Deno.test("group: closing and rating show in the topic, the name ends closed", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "Where is my parcel now?"));
  const thread = topicOf(app, "Alice").message_thread_id;
  await app.send(topicUpdate(app.sim, GROUP, thread, agent, "It is at the depot."));
  await press(app, agent, "Close", GROUP);
  assert.match(topicOf(app, "Alice").name, /^✅ #1 Alice/);
  assert.ok(app.sim.textsInTopic(GROUP, thread).some((t) => t.includes("#1") && /closed/i.test(t)));
  const rating = findButton(app, alice.id, "⭐⭐⭐");
  await app.send(callback(alice, rating.data, rating.message));
  assert.ok(
    app.sim.textsInTopic(GROUP, thread).some((t) => t.includes("#1") && t.includes("⭐⭐⭐")),
  );
  assert.deepEqual(app.sim.sentTo(ADMIN_A), []);
});

for (const error of ["thread", "deleted"] as const) {
  Deno.test(`group: a deleted topic (${error}) is recreated at the next message, with the card, the message once`, async () => {
    await using app = await groupApp();
    await app.send(privateText(alice, "My first question is this"));
    const old = topicOf(app, "Alice").message_thread_id;
    app.sim.deleteTopicByUser(GROUP, old, { error });
    await app.send(privateText(alice, "Hello again, anyone there?"));
    const topics = app.sim.topics(GROUP);
    assert.equal(topics.length, 1);
    const fresh = topics[0].message_thread_id;
    assert.notEqual(fresh, old);
    assert.ok(app.sim.topicMessages(GROUP, fresh)[0].text?.includes("#1"), "the card first");
    assert.ok(findButton(app, GROUP, "Take"));
    assert.equal(inTopic(app, fresh, "Hello again"), 1);
    assert.equal(app.sim.textsTo(GROUP).filter((t) => t.includes("Hello again")).length, 1);
    const stored = (await getTopic(app.kv, GROUP, alice.id)).value;
    assert.ok(stored && "threadId" in stored && stored.threadId === fresh);
    // Agents answer in the new topic.
    await app.send(topicUpdate(app.sim, GROUP, fresh, agent, "Yes, we are here."));
    assert.ok(app.sim.textsTo(alice.id).some((t) => t.includes("we are here")));
  });
}

/** A sim where someone deletes the customer's topic right after the bot posted `after` there. */
class DeletingSim extends TelegramSim {
  deleteAfter = "";
  deleted?: number;
  override async call(method: string, payload: Record<string, unknown> = {}) {
    const response = await super.call(method, payload);
    const text = String(payload.caption ?? payload.text ?? "");
    if (response.ok && this.deleteAfter && text.includes(this.deleteAfter) && !this.deleted) {
      this.deleted = Number(payload.message_thread_id);
      this.deleteTopicByUser(GROUP, this.deleted);
    }
    return response;
  }
}

Deno.test("group: a topic deleted while a burst is delivered: every message lands once, the rest in the new topic", async () => {
  const sim = new DeletingSim();
  sim.addGroup(GROUP, { isForum: true, title: "Support" });
  await using app = await groupApp({ sim });
  await app.send(privateText(alice, "Start of the conversation"));
  const old = topicOf(app, "Alice").message_thread_id;
  // Media does not go together with texts: six separate sends, the topic goes after the second.
  const captions = Array.from({ length: 6 }, (_, i) => `burst photo number ${i + 1}`);
  sim.deleteAfter = captions[1];
  await app.receive(...captions.map((caption) => photo(alice, caption)));
  await app.outbox.settle();
  assert.equal(sim.deleted, old);
  for (const caption of captions) {
    assert.equal(sim.textsTo(GROUP).filter((t) => t.includes(caption)).length, 1, caption);
  }
  const fresh = topicOf(app, "Alice").message_thread_id;
  assert.notEqual(fresh, old);
  assert.ok(sim.topicMessages(GROUP, fresh)[0].text?.includes("#1"), "the card first");
  for (const caption of captions.slice(2)) assert.equal(inTopic(app, fresh, caption), 1, caption);
});

Deno.test("group: switching a store from private chats to the group: an open ticket gets its topic and card at its next message", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sim = groupSim();
    {
      await using before = await createTestApp({ sim, kvPath: `${dir}/bot.kv` });
      await before.send(privateText(alice, "Question asked before the group existed"));
      assert.ok(sim.textsTo(ADMIN_A).some((t) => t.includes("before the group")));
    }
    await using after = await groupApp({ sim, kvPath: `${dir}/bot.kv` });
    await after.send(privateText(alice, "Follow-up after the switch"));
    const thread = topicOf(after, "Alice").message_thread_id;
    assert.ok(sim.topicMessages(GROUP, thread)[0].text?.includes("#1"), "the card first");
    assert.equal(inTopic(after, thread, "Follow-up after the switch"), 1);
    assert.equal(sim.textsTo(ADMIN_A).filter((t) => t.includes("Follow-up")).length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("group: switching back to private chats: what waited for the group goes to the agents", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sim = groupSim();
    {
      // Stored, not sent: this process's sender is never woken.
      await using grouped = await groupApp({
        sim,
        kvPath: `${dir}/bot.kv`,
        deps: { wake: () => {} },
      });
      await grouped.receive(privateText(bob, "Written just before the switch back"));
    }
    await using back = await createTestApp({ sim, kvPath: `${dir}/bot.kv` });
    await back.outbox.wakeAll();
    await back.outbox.settle();
    for (const admin of [ADMIN_A, ADMIN_B]) {
      assert.equal(
        sim.textsTo(admin).filter((t) => t.includes("just before the switch back")).length,
        1,
      );
    }
    assert.equal(sim.textsTo(GROUP).filter((t) => t.includes("switch back")).length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("group: the start-up check names what is missing", async () => {
  const sim = new TelegramSim();
  sim.addGroup(-1001, { isForum: true });
  sim.addGroup(-1002, { title: "Plain supergroup" });
  sim.addGroup(-1003, { isForum: true, botIsAdmin: false });
  sim.addGroup(-1004, { isForum: true, canManageTopics: false });
  await using app = await createTestApp({ sim });
  const bot = app.bot.botInfo.id;
  assert.equal(await supportGroupProblem(app.bot.api, -1001, bot), null);
  assert.match(
    String(await supportGroupProblem(app.bot.api, -1002_000_000_000, bot)),
    /add the bot/,
  );
  assert.match(String(await supportGroupProblem(app.bot.api, -1002, bot)), /not a forum/);
  assert.match(String(await supportGroupProblem(app.bot.api, -1003, bot)), /not an administrator/);
  assert.match(String(await supportGroupProblem(app.bot.api, -1004, bot)), /manage topics/);
  app.sim.allowErrors((e) => e.method === "getChat");
});

Deno.test("group: a customer's edit shows in their topic, not in agents' chats", async () => {
  await using app = await groupApp();
  const first = privateText(alice, "My order number is 12345");
  await app.send(first);
  await app.send(editedText(alice, first.message!.message_id, "My order number is 12346"));
  const thread = topicOf(app, "Alice").message_thread_id;
  assert.equal(inTopic(app, thread, "12346"), 1);
  assert.deepEqual(app.sim.sentTo(ADMIN_A), []);
});

Deno.test("group: a topic's name is cut to 128 characters and keeps the #id", () => {
  const ticket = { ...openTicket(42, 9, 0) };
  const long = { id: 9, firstName: "A".repeat(300), createdAt: 0 } as unknown as UserRecord;
  const name = topicName(ticket, long);
  assert.ok([...name].length <= 128, String([...name].length));
  assert.match(name, /^🆕 #42 A+/);
  assert.equal(topicName(closeTicket(ticket, 1, 0), null), "✅ #42 9");
});

/** A sim whose createForumTopic takes a while, as Telegram's sometimes does. */
class SlowTopicSim extends TelegramSim {
  override async call(method: string, payload: Record<string, unknown> = {}) {
    if (method === "createForumTopic") await new Promise((resolve) => setTimeout(resolve, 150));
    return await super.call(method, payload);
  }
}

Deno.test("group: two processes needing the same customer's topic at once create it once (the claim in the store)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sim = new SlowTopicSim();
    sim.addGroup(GROUP, { isForum: true });
    const quiet = { wake: () => {} };
    await using one = await groupApp({ sim, kvPath: `${dir}/bot.kv`, deps: quiet });
    await using two = await groupApp({ sim, kvPath: `${dir}/bot.kv`, deps: quiet });
    await one.receive(privateText(alice, "A question long enough to open a ticket"));
    const ticket = (await getTicket(one.kv, 1))!;
    const threads = await Promise.all(
      [one, two].map((app) =>
        inTopicSend(app.deps, app.bot.api, { ticket }, async (threadId) => {
          await app.bot.api.sendMessage(GROUP, `from a process`, { message_thread_id: threadId });
          return threadId;
        })
      ),
    );
    assert.equal(sim.callsTo("createForumTopic").length, 1);
    assert.equal(threads[0], threads[1]);
    assert.equal(
      sim.textsInTopic(GROUP, threads[0]).filter((t) => t === "from a process").length,
      2,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("group: an answer to a customer who blocked the bot: the topic is told 'blocked'", async () => {
  await using app = await groupApp();
  await app.send(privateText(alice, "Please call me back tomorrow"));
  const thread = topicOf(app, "Alice").message_thread_id;
  app.sim.blockBot(alice.id);
  await app.send(topicUpdate(app.sim, GROUP, thread, agent, "We will call you at 10."));
  assert.ok(app.sim.textsInTopic(GROUP, thread).some((t) => /blocked/.test(t) && t.includes("#1")));
  assert.deepEqual(app.sim.sentTo(ADMIN_A), []);
});
