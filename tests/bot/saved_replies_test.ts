/**
 * Saved replies, driven through the bot: `/save <name>` as a reply keeps a
 * text or a media with caption (a delivered copy without the bot's header),
 * the same name replaces, names are checked; `/saved` lists them with Delete
 * buttons; `/r <name>` answers a ticket exactly as the agent's own message
 * would, after Reply, as a Telegram reply and in the customer's topic; an
 * unknown name tells which exist. Saved replies survive a backup and restore.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import { callback, photo, privateText, replyTo, topicUpdate, user } from "../helpers/updates.ts";
import type { Message, Update } from "grammy/types";
import { getTicket, lastMessages } from "../../src/store/tickets.ts";
import { listSavedReplies } from "../../src/store/saved_replies.ts";
import { allEntries, writeEntries } from "../../src/store/snapshot.ts";
import { findButton, press } from "./conversation_support.ts";

const agent = user(ADMIN_A, { first_name: "Agent" });
const bea = user(ADMIN_B, { first_name: "Bea" });
const dan = user(701, { first_name: "Dan" });
const GROUP = -1005555555555;

/** A command sent as a Telegram reply to `to` (a message in the agent's chat). */
function commandReply(from: typeof agent, to: Message, text: string): Update {
  const update = replyTo(from, to, text);
  const length = text.split(" ")[0].length;
  update.message!.entities = [{ type: "bot_command", offset: 0, length }];
  return update;
}

/** A command in the agent's private chat. */
function agentCommand(from: typeof agent, text: string): Update {
  const update = privateText(from, text);
  update.message!.entities = [{
    type: "bot_command",
    offset: 0,
    length: text.split(" ")[0].length,
  }];
  return update;
}

Deno.test("saved: /save as a reply keeps the text; /r after Reply sends it to the customer as an answer", async () => {
  await using app = await createTestApp();
  const own = privateText(agent, "Please restart the app and try again.");
  await app.send(own);
  await app.send(commandReply(agent, own.message!, "/save restart"));
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /Saved as <b>restart<\/b>/);
  await app.send(privateText(dan, "The app crashes on start every time"));
  await press(app, agent, "Reply");
  await app.send(agentCommand(agent, "/r restart"));
  assert.ok(
    app.sim.textsTo(dan.id).some((t) => t.includes("#1") && t.includes("restart the app")),
  );
  const ticket = await getTicket(app.kv, 1);
  assert.equal(ticket?.status, "in_progress");
  assert.equal(ticket?.turn, "user");
  const stored = await lastMessages(app.kv, 1, 5);
  assert.equal(stored.at(-1)?.direction, "out");
  assert.equal(stored.at(-1)?.text, "Please restart the app and try again.");
  // The agent gets the usual confirmation.
  assert.ok(app.sim.textsTo(ADMIN_A).some((t) => /Sent/.test(t) && t.includes("#1")));
});

Deno.test("saved: a delivered copy is saved without the bot's header; media keeps its caption; the same name replaces", async () => {
  await using app = await createTestApp();
  await app.send(photo(dan, "Where to find the serial number"));
  const copy = app.sim.messagesIn(ADMIN_A).find((m) => m.photo)!;
  await app.send(commandReply(agent, copy, "/save Serial"));
  let saved = await listSavedReplies(app.kv);
  assert.equal(saved.length, 1);
  assert.equal(saved[0].name, "serial", "names are kept lowercase");
  assert.equal(saved[0].kind, "photo");
  assert.equal(saved[0].text, "Where to find the serial number");
  // A Telegram reply with /r to the customer's message answers with the photo.
  await app.send(commandReply(agent, copy, "/r serial"));
  const sent = app.sim.sentTo(dan.id).filter((c) => c.method === "copyMessage");
  assert.equal(sent.length, 1);
  assert.match(String(sent[0].payload.caption), /#1/);
  assert.match(String(sent[0].payload.caption), /serial number/);
  // Saving under the same name replaces it.
  const text = privateText(agent, "It is on the back of the box.");
  await app.send(text);
  await app.send(commandReply(agent, text.message!, "/save serial"));
  saved = await listSavedReplies(app.kv);
  assert.equal(saved.length, 1);
  assert.equal(saved[0].kind, "text");
});

Deno.test("saved: bad names, no reply, an unknown name: clear answers, nothing sent to the customer", async () => {
  await using app = await createTestApp();
  const own = privateText(agent, "Some useful answer text");
  await app.send(own);
  for (const bad of ["/save", "/save two words", "/save " + "x".repeat(33), "/save bad!name"]) {
    await app.send(commandReply(agent, own.message!, bad));
    assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /\/save name/, bad);
  }
  await app.send(agentCommand(agent, "/save lonely"));
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /\/save name/);
  assert.deepEqual(await listSavedReplies(app.kv), []);
  await app.send(commandReply(agent, own.message!, "/save привет_1"));
  assert.equal((await listSavedReplies(app.kv))[0]?.name, "привет_1", "Cyrillic names work");
  await app.send(privateText(dan, "A question that needs an answer"));
  await press(app, agent, "Reply");
  await app.send(agentCommand(agent, "/r nosuch"));
  assert.match(app.sim.textsTo(ADMIN_A).at(-1)!, /nosuch.*привет_1/s);
  assert.equal(
    app.sim.sentTo(dan.id).filter((c) =>
      c.method !== "sendMessage" || String(c.payload.text).includes("nosuch")
    ).length,
    0,
  );
  assert.equal((await getTicket(app.kv, 1))?.status, "new");
});

Deno.test("saved: /saved lists them with Delete buttons; Delete removes one; non-agents cannot", async () => {
  await using app = await createTestApp();
  for (const [name, text] of [["hello", "Hello! How can we help?"], ["bye", "Have a nice day!"]]) {
    const own = privateText(agent, text);
    await app.send(own);
    await app.send(commandReply(agent, own.message!, `/save ${name}`));
  }
  await app.send(agentCommand(bea, "/saved"));
  const list = app.sim.textsTo(ADMIN_B).at(-1)!;
  assert.match(list, /Saved replies/);
  assert.match(list, /bye.*hello/s);
  const del = findButton(app, ADMIN_B, "Delete hello");
  await app.send(callback(dan, del.data, del.message));
  assert.equal((await listSavedReplies(app.kv)).length, 2, "a customer's press changes nothing");
  await app.send(callback(bea, del.data, del.message));
  assert.deepEqual((await listSavedReplies(app.kv)).map((r) => r.name), ["bye"]);
  const shown = app.sim.message(ADMIN_B, del.message.message_id)!;
  assert.doesNotMatch(shown.text!, /hello/);
  // A customer's /saved and /save do nothing about saved replies.
  await app.send(agentCommand(dan, "/saved"));
  assert.ok(!app.sim.textsTo(dan.id).some((t) => /Saved replies/.test(t)));
});

Deno.test("saved: /r in the customer's topic answers the customer", async () => {
  const sim = new TelegramSim();
  sim.addGroup(GROUP, { isForum: true });
  await using app = await createTestApp({ sim, env: { SUPPORT_CHAT_ID: String(GROUP) } });
  await app.send(privateText(dan, "How long does shipping take?"));
  const thread = sim.topicByName(GROUP, "Dan")!.message_thread_id;
  const own = topicUpdate(sim, GROUP, thread, agent, "Shipping takes 3 to 5 days.");
  await app.send(own);
  const card = sim.topicMessages(GROUP, thread)[0];
  await app.send(
    topicUpdate(sim, GROUP, thread, agent, "/save shipping", { replyTo: own.message! }),
  );
  assert.equal((await listSavedReplies(app.kv))[0]?.name, "shipping");
  await app.send(topicUpdate(sim, GROUP, thread, bea, "/r shipping", { replyTo: card }));
  assert.equal(
    sim.textsTo(dan.id).filter((t) => t.includes("3 to 5 days")).length,
    2,
    "the first answer and the saved one",
  );
});

Deno.test("saved: saved replies are kept in backups and restored", async () => {
  await using app = await createTestApp();
  const own = privateText(agent, "We are open 9 to 5.");
  await app.send(own);
  await app.send(commandReply(agent, own.message!, "/save hours"));
  // What a backup archives, and what restore writes back.
  const entries = await allEntries(app.kv);
  assert.ok(entries.some((e) => e.key[0] === "saved_reply"));
  await using fresh = await createTestApp();
  await writeEntries(fresh.kv, entries, () => 1024);
  assert.equal((await listSavedReplies(fresh.kv))[0]?.text, "We are open 9 to 5.");
});

Deno.test("saved: a media saved from the agent's own message goes as that media", async () => {
  await using app = await createTestApp();
  const own = photo(agent, "Our store front");
  await app.send(own);
  await app.send(commandReply(agent, own.message!, "/save store"));
  assert.equal((await listSavedReplies(app.kv))[0]?.kind, "photo");
  await app.send(privateText(dan, "What does your shop look like?"));
  await press(app, agent, "Reply");
  await app.send(agentCommand(agent, "/r store"));
  const copies = app.sim.sentTo(dan.id).filter((c) => c.method === "copyMessage");
  assert.equal(copies.length, 1);
  assert.equal(copies[0].payload.from_chat_id, ADMIN_A);
});
