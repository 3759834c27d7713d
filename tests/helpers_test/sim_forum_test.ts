import assert from "node:assert/strict";
import type { ChatMemberAdministrator, Message } from "grammy/types";
import { TEST_BOT_INFO } from "../helpers/bot_api.ts";
import { FloodLimits } from "../helpers/sim_limits.ts";
import {
  assertNoUnexpectedErrors,
  type SimFailure,
  type SimResponse,
  TelegramSim,
} from "../helpers/telegram_sim.ts";
import {
  DEFAULT_TOPIC_COLOR,
  editedUpdate,
  photo,
  pinnedUpdate,
  serviceNewMembers,
  topicAlbum,
  topicCreated,
  topicEdited,
  topicUpdate,
  user,
  userMedia,
  type UserMediaKind,
} from "../helpers/updates.ts";

const FORUM = -1001234500777;
const PLAIN = -1001234500778;

function failed(res: SimResponse): SimFailure {
  assert.equal(res.ok, false, `expected a failure, got ${JSON.stringify(res)}`);
  return res as SimFailure;
}

function result<T = Message>(res: SimResponse): T {
  assert.equal(res.ok, true, `expected success, got ${JSON.stringify(res)}`);
  return (res as { result: T }).result;
}

function forum(options: { canManageTopics?: boolean } = {}): TelegramSim {
  const sim = new TelegramSim();
  sim.addGroup(FORUM, { isForum: true, title: "Support", ...options });
  return sim;
}

async function createTopic(sim: TelegramSim, name: string): Promise<number> {
  const created = result<{ message_thread_id: number }>(
    await sim.call("createForumTopic", { chat_id: FORUM, name }),
  );
  return created.message_thread_id;
}

Deno.test("forum: getChat shows is_forum only for a forum; the bot may manage topics by default", async () => {
  const sim = forum();
  sim.addGroup(PLAIN, { title: "Plain" });
  assert.equal(
    result<{ is_forum?: true }>(await sim.call("getChat", { chat_id: FORUM })).is_forum,
    true,
  );
  assert.equal(
    "is_forum" in result<object>(await sim.call("getChat", { chat_id: PLAIN })),
    false,
  );
  const me = result<ChatMemberAdministrator>(
    await sim.call("getChatMember", { chat_id: FORUM, user_id: TEST_BOT_INFO.id }),
  );
  assert.equal(me.status, "administrator");
  assert.equal(me.can_manage_topics, true);
  failed(await sim.call("createForumTopic", { chat_id: PLAIN, name: "x" }));
  assert.equal(sim.errors().at(-1)?.error.description, "Bad Request: the chat is not a forum");
});

Deno.test("forum: without can_manage_topics the bot cannot create or edit topics", async () => {
  const sim = forum({ canManageTopics: false });
  const me = result<ChatMemberAdministrator>(
    await sim.call("getChatMember", { chat_id: FORUM, user_id: TEST_BOT_INFO.id }),
  );
  assert.equal(me.status, "administrator");
  assert.equal(me.can_manage_topics, false);
  assert.equal(
    failed(await sim.call("createForumTopic", { chat_id: FORUM, name: "Ticket #1" })).description,
    "Bad Request: not enough rights to create a topic",
  );
  sim.addTopic(FORUM, 42, "Users' topic");
  for (const method of ["editForumTopic", "closeForumTopic", "reopenForumTopic"]) {
    assert.equal(
      failed(await sim.call(method, { chat_id: FORUM, message_thread_id: 42, name: "New" }))
        .description,
      "Bad Request: not enough rights to edit a topic",
      method,
    );
  }
  // Writing in a topic needs no topic rights.
  result(await sim.call("sendMessage", { chat_id: FORUM, message_thread_id: 42, text: "hi" }));
  // The bot was told at getChatMember: these errors are its own.
  assert.equal(sim.unexpectedErrors().length, 4);
  assert.equal(sim.topic(FORUM, 42)?.name, "Users' topic");
});

Deno.test("forum: a bot that is not an administrator cannot create topics", async () => {
  const sim = new TelegramSim();
  sim.addGroup(FORUM, { isForum: true, botIsAdmin: false });
  const me = result<{ status: string }>(
    await sim.call("getChatMember", { chat_id: FORUM, user_id: TEST_BOT_INFO.id }),
  );
  assert.equal(me.status, "member");
  assert.match(
    failed(await sim.call("createForumTopic", { chat_id: FORUM, name: "x" })).description,
    /not enough rights to create a topic/,
  );
});

Deno.test("forum: renames post a service message; a rename to the same name is TOPIC_NOT_MODIFIED", async () => {
  const sim = forum();
  const thread = await createTopic(sim, "#1 🆕 Ann");
  const root = sim.message(FORUM, thread)!;
  assert.deepEqual(root.forum_topic_created, {
    name: "#1 🆕 Ann",
    icon_color: DEFAULT_TOPIC_COLOR,
  });
  assert.equal(root.message_thread_id, thread);
  assert.equal(root.is_topic_message, true);
  result(
    await sim.call("editForumTopic", {
      chat_id: FORUM,
      message_thread_id: thread,
      name: "#1 💬 Ann",
    }),
  );
  assert.equal(sim.topic(FORUM, thread)?.name, "#1 💬 Ann");
  const edited = sim.lastMessageIn(FORUM)!;
  assert.deepEqual(edited.forum_topic_edited, { name: "#1 💬 Ann" });
  assert.equal(edited.message_thread_id, thread);
  assert.equal(edited.reply_to_message?.message_id, thread);
  assert.equal(
    failed(
      await sim.call("editForumTopic", {
        chat_id: FORUM,
        message_thread_id: thread,
        name: "#1 💬 Ann",
      }),
    ).description,
    "Bad Request: TOPIC_NOT_MODIFIED",
  );
  assert.equal(sim.unexpectedErrors().length, 1);
  assert.deepEqual(
    sim.topicMessages(FORUM, thread),
    [],
    "service messages are not the bot's posts",
  );
  assert.equal(sim.topicByName(FORUM, "Ann")?.message_thread_id, thread);
  assert.equal(sim.topicByName(FORUM, "Bob"), undefined);
});

/** Every way the bot can use a thread id, as [method, payload]. */
function threadCalls(thread: number, userMessage: Message): [string, Record<string, unknown>][] {
  const file = userMessage.photo!.at(-1)!.file_id;
  const at = { chat_id: FORUM, message_thread_id: thread };
  return [
    ["sendMessage", { ...at, text: "hello" }],
    ["sendPhoto", { ...at, photo: file, caption: "c" }],
    ["sendDocument", { ...at, document: "https://example.com/a.pdf" }],
    ["sendMediaGroup", {
      ...at,
      media: [{ type: "photo", media: file }, { type: "photo", media: file }],
    }],
    ["copyMessage", {
      ...at,
      from_chat_id: userMessage.chat.id,
      message_id: userMessage.message_id,
    }],
    ["copyMessages", {
      ...at,
      from_chat_id: userMessage.chat.id,
      message_ids: [userMessage.message_id],
    }],
    ["forwardMessage", {
      ...at,
      from_chat_id: userMessage.chat.id,
      message_id: userMessage.message_id,
    }],
    ["sendChatAction", { ...at, action: "typing" }],
    ["editForumTopic", { ...at, name: "Renamed" }],
    ["closeForumTopic", at],
    ["deleteForumTopic", at],
  ];
}

Deno.test("forum: a topic a member deleted refuses every call with message thread not found", async () => {
  const sim = forum();
  const customer = user(9101);
  const fromCustomer = photo(customer, "pic").message!;
  const thread = await createTopic(sim, "#1 Ann");
  sim.deleteTopicByUser(FORUM, thread);
  assert.ok(sim.isTopicDeleted(FORUM, thread));
  assert.equal(sim.topic(FORUM, thread), undefined);
  assert.deepEqual(sim.topics(FORUM), []);
  for (const [method, payload] of threadCalls(thread, fromCustomer)) {
    assert.equal(
      failed(await sim.call(method, payload)).description,
      "Bad Request: message thread not found",
      method,
    );
  }
  assert.ok(sim.errors().every((e) => e.expected), "the bot could not know");
  assertNoUnexpectedErrors(sim);
  assert.deepEqual(sim.messagesIn(FORUM), [], "nothing reached the group");
});

Deno.test("forum: a deleted topic may answer TOPIC_DELETED instead", async () => {
  const sim = forum();
  const thread = await createTopic(sim, "#1 Ann");
  sim.deleteTopicByUser(FORUM, thread, { error: "deleted" });
  assert.equal(
    failed(await sim.call("sendMessage", { chat_id: FORUM, message_thread_id: thread, text: "x" }))
      .description,
    "Bad Request: TOPIC_DELETED",
  );
  assert.equal(
    failed(
      await sim.call("editForumTopic", { chat_id: FORUM, message_thread_id: thread, name: "y" }),
    )
      .description,
    "Bad Request: TOPIC_DELETED",
  );
  assertNoUnexpectedErrors(sim);
});

Deno.test("forum: messages of a deleted topic are gone: replies, copies and edits of them fail", async () => {
  const sim = forum();
  const agent = user(9102);
  const thread = await createTopic(sim, "#1 Ann");
  const card = result(
    await sim.call("sendMessage", { chat_id: FORUM, message_thread_id: thread, text: "card" }),
  );
  const written = topicUpdate(sim, FORUM, thread, agent, "answer").message!;
  sim.deleteTopicByUser(FORUM, thread);
  assert.equal(sim.message(FORUM, card.message_id), undefined);
  assert.equal(sim.message(FORUM, written.message_id), undefined);
  assert.equal(
    failed(
      await sim.call("sendMessage", {
        chat_id: FORUM,
        text: "reply",
        reply_parameters: { message_id: card.message_id },
      }),
    ).description,
    "Bad Request: message to be replied not found",
  );
  assert.equal(
    failed(
      await sim.call("copyMessage", {
        chat_id: 9103,
        from_chat_id: FORUM,
        message_id: written.message_id,
      }),
    ).description,
    "Bad Request: message to copy not found",
  );
  assert.equal(
    failed(
      await sim.call("editMessageText", {
        chat_id: FORUM,
        message_id: card.message_id,
        text: "card 2",
      }),
    ).description,
    "Bad Request: message to edit not found",
  );
  assert.equal(
    failed(await sim.call("deleteMessage", { chat_id: FORUM, message_id: card.message_id }))
      .description,
    "Bad Request: message to delete not found",
  );
  // Without a reply target the message may go to General.
  const general = result(
    await sim.call("sendMessage", {
      chat_id: FORUM,
      text: "reply",
      reply_parameters: { message_id: card.message_id, allow_sending_without_reply: true },
    }),
  );
  assert.equal(general.message_thread_id, undefined);
  assertNoUnexpectedErrors(sim);
  assert.throws(() => topicUpdate(sim, FORUM, thread, agent, "late"), /deleted/);
});

Deno.test("forum: once the bot met the deletion and created a new topic, using the old one is its error", async () => {
  const sim = forum();
  const old = await createTopic(sim, "#1 Ann");
  sim.deleteTopicByUser(FORUM, old);
  // A topic for another customer before the bot met the deletion changes nothing.
  await createTopic(sim, "#2 Bob");
  const send = (thread: number) =>
    sim.call("sendMessage", { chat_id: FORUM, message_thread_id: thread, text: "x" });
  failed(await send(old));
  failed(await send(old));
  assertNoUnexpectedErrors(sim);
  const fresh = await createTopic(sim, "#1 Ann");
  result(await send(fresh));
  failed(await send(old));
  failed(
    await sim.call("editForumTopic", { chat_id: FORUM, message_thread_id: old, name: "#1 Ann!" }),
  );
  assert.deepEqual(sim.unexpectedErrors().map((e) => e.method), ["sendMessage", "editForumTopic"]);
  assert.equal(sim.topicByName(FORUM, "Ann")?.message_thread_id, fresh);
});

Deno.test("forum: a topic the bot deleted itself is always its own error", async () => {
  const sim = forum();
  const thread = await createTopic(sim, "#1 Ann");
  result(await sim.call("deleteForumTopic", { chat_id: FORUM, message_thread_id: thread }));
  failed(await sim.call("sendMessage", { chat_id: FORUM, message_thread_id: thread, text: "x" }));
  assert.equal(sim.unexpectedErrors().length, 1);
});

Deno.test("limits: a forum has the group limit for every message-putting method and topic changes", () => {
  const calls: [string, Record<string, unknown>][] = [
    ["sendMessage", {}],
    ["copyMessage", {}],
    ["copyMessages", { message_ids: [1] }],
    ["forwardMessage", {}],
    ["forwardMessages", { message_ids: [1] }],
    ["sendPhoto", {}],
    ["sendVideo", {}],
    ["sendDocument", {}],
    ["sendAudio", {}],
    ["sendVoice", {}],
    ["sendAnimation", {}],
    ["sendSticker", {}],
    ["sendVideoNote", {}],
    ["sendMediaGroup", { media: [{}] }],
    ["sendLocation", {}],
    ["sendContact", {}],
    ["sendPoll", {}],
    ["sendDice", {}],
    ["createForumTopic", {}],
    ["editForumTopic", {}],
    ["closeForumTopic", {}],
    ["reopenForumTopic", {}],
  ];
  for (const [method, extra] of calls) {
    const limits = new FloodLimits(1);
    const payload = { chat_id: FORUM, message_thread_id: 5, ...extra };
    for (let i = 0; i < 3; i++) assert.equal(limits.check(method, payload), null, method);
    const over = limits.check(method, payload);
    assert.equal(over?.ok, false, `${method} is counted`);
    // 20 a minute: the next message is due in 3 seconds.
    assert.deepEqual(over, {
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 3",
      parameters: { retry_after: 3 },
    });
    assert.deepEqual(limits.limited, [{ chatId: FORUM, method }]);
  }
});

Deno.test("limits: albums count each item; topic creation and renames share the group's budget", () => {
  const limits = new FloodLimits(1);
  assert.equal(limits.check("createForumTopic", { chat_id: FORUM, name: "#1" }), null);
  assert.equal(
    limits.check("sendMediaGroup", { chat_id: FORUM, media: [{}, {}, {}] }),
    null,
    "an album goes while a token is left",
  );
  const over = limits.check("sendMessage", { chat_id: FORUM, text: "x" });
  assert.equal(over?.ok === false && over.error_code, 429);
  // An album as a JSON string (a form body), a lower-cased method and a string chat id count too.
  const other = new FloodLimits(1);
  assert.equal(
    other.check("sendmediagroup", { chat_id: String(FORUM), media: "[{},{},{}]" }),
    null,
  );
  assert.equal(other.check("editforumtopic", { chat_id: String(FORUM) })?.ok, false);
  // Edits of messages and chat actions are not counted.
  const edits = new FloodLimits(1);
  for (let i = 0; i < 10; i++) {
    assert.equal(edits.check("editMessageText", { chat_id: FORUM }), null);
    assert.equal(edits.check("sendChatAction", { chat_id: FORUM }), null);
  }
});

Deno.test("updates: a message in a topic is shaped like Telegram's, with the topic's root as reply", async () => {
  const sim = forum();
  const agent = user(9201, { first_name: "Agent" });
  const thread = await createTopic(sim, "#1 Ann");
  const m = topicUpdate(sim, FORUM, thread, agent, "Hello there").message!;
  assert.equal(m.chat.id, FORUM);
  assert.equal(m.chat.type, "supergroup");
  assert.equal((m.chat as { is_forum?: true }).is_forum, true);
  assert.equal(m.message_thread_id, thread);
  assert.equal(m.is_topic_message, true);
  assert.equal(m.text, "Hello there");
  assert.equal(m.entities, undefined);
  const root = m.reply_to_message!;
  assert.equal(root.message_id, thread);
  assert.deepEqual(root.forum_topic_created, { name: "#1 Ann", icon_color: DEFAULT_TOPIC_COLOR });
  assert.equal(root.from?.id, TEST_BOT_INFO.id, "the bot created the topic");
  assert.deepEqual(sim.message(FORUM, m.message_id), m, "the sim knows it");

  const note = topicUpdate(sim, FORUM, thread, agent, "/note some text").message!;
  assert.deepEqual(note.entities, [{ type: "bot_command", offset: 0, length: 5 }]);

  const general = topicUpdate(sim, FORUM, undefined, agent, "in General").message!;
  assert.equal(general.message_thread_id, undefined);
  assert.equal(general.is_topic_message, undefined);
  assert.equal(general.reply_to_message, undefined);
});

Deno.test("updates: every content kind can be sent in a topic, and the bot can copy it", async () => {
  const sim = forum();
  const agent = user(9202);
  const customer = user(9203);
  const thread = await createTopic(sim, "#1 Ann");
  const kinds: UserMediaKind[] = [
    "photo",
    "video",
    "document",
    "voice",
    "audio",
    "animation",
    "sticker",
    "video_note",
  ];
  for (const kind of kinds) {
    const m = topicUpdate(sim, FORUM, thread, agent, userMedia(kind, { caption: "cap" })).message!;
    assert.ok(m[kind], kind);
    assert.equal(m.message_thread_id, thread);
    assert.equal(m.reply_to_message?.message_id, thread);
    const hasCaption = kind !== "sticker" && kind !== "video_note";
    assert.equal(m.caption, hasCaption ? "cap" : undefined, kind);
    const copy = result<{ message_id: number }>(
      await sim.call("copyMessage", {
        chat_id: customer.id,
        from_chat_id: FORUM,
        message_id: m.message_id,
      }),
    );
    assert.ok(sim.message(customer.id, copy.message_id)?.[kind], `${kind} copied`);
  }
  const items = topicAlbum(sim, FORUM, thread, agent, ["photo", "video"], "album caption")
    .map((u) => u.message!);
  assert.equal(items.length, 2);
  assert.ok(items[0].media_group_id && items[0].media_group_id === items[1].media_group_id);
  assert.equal(items[0].caption, "album caption");
  assert.equal(items[1].caption, undefined);
  for (const item of items) {
    assert.equal(item.message_thread_id, thread);
    assert.equal(item.is_topic_message, true);
    assert.equal(item.reply_to_message?.message_id, thread);
  }
  const copies = result<{ message_id: number }[]>(
    await sim.call("copyMessages", {
      chat_id: customer.id,
      from_chat_id: FORUM,
      message_ids: items.map((m) => m.message_id),
    }),
  );
  assert.equal(copies.length, 2);
  assertNoUnexpectedErrors(sim);
});

Deno.test("updates: a reply in a topic carries the replied bot message; the bot's reply stays in the topic", async () => {
  const sim = forum();
  const agent = user(9204);
  const thread = await createTopic(sim, "#1 Ann");
  const card = result(
    await sim.call("sendMessage", {
      chat_id: FORUM,
      message_thread_id: thread,
      text: "Ticket #1",
      reply_markup: { inline_keyboard: [[{ text: "Close", callback_data: "close:1" }]] },
    }),
  );
  const reply = topicUpdate(sim, FORUM, thread, agent, userMedia("photo"), { replyTo: card })
    .message!;
  assert.equal(reply.reply_to_message?.message_id, card.message_id);
  assert.equal(reply.reply_to_message?.text, "Ticket #1");
  assert.equal(reply.message_thread_id, thread);
  assert.equal(reply.is_topic_message, true);
  const answer = result(
    await sim.call("sendMessage", {
      chat_id: FORUM,
      text: "noted",
      reply_parameters: { message_id: reply.message_id },
    }),
  );
  assert.equal(answer.message_thread_id, thread, "a reply lands in the replied message's topic");
  assert.throws(
    () => topicUpdate(sim, FORUM, thread + 1000, agent, "x", { replyTo: card }),
    /replyTo/,
  );
});

Deno.test("updates: a topic the sim does not know gets a synthesized root; users' topics register", () => {
  const sim = forum();
  const member = user(9205);
  sim.addTopic(FORUM, 70, "Added by test");
  const m = topicUpdate(sim, FORUM, 70, member, "hi").message!;
  assert.deepEqual(m.reply_to_message?.forum_topic_created, {
    name: "Added by test",
    icon_color: DEFAULT_TOPIC_COLOR,
  });
  assert.equal(m.reply_to_message?.message_id, 70);
  assert.equal(sim.message(FORUM, 70)?.message_id, 70, "the root is remembered");
  const again = topicUpdate(sim, FORUM, 70, member, "again").message!;
  assert.deepEqual(again.reply_to_message, m.reply_to_message);

  const created = topicCreated(sim, FORUM, member, "Member's topic").message!;
  assert.equal(created.message_thread_id, created.message_id);
  assert.equal(created.is_topic_message, true);
  assert.deepEqual(created.forum_topic_created, {
    name: "Member's topic",
    icon_color: DEFAULT_TOPIC_COLOR,
  });
  assert.equal(sim.topic(FORUM, created.message_id)?.name, "Member's topic");
  const inIt = topicUpdate(sim, FORUM, created.message_id, member, "first").message!;
  assert.deepEqual(inIt.reply_to_message, created);

  const renamed = topicEdited(sim, FORUM, created.message_id, member, { name: "Renamed" })
    .message!;
  assert.deepEqual(renamed.forum_topic_edited, { name: "Renamed" });
  assert.equal(renamed.message_thread_id, created.message_id);
  assert.equal(sim.topic(FORUM, created.message_id)?.name, "Renamed");

  const pin = pinnedUpdate(sim, member, inIt).message!;
  assert.equal(pin.pinned_message?.message_id, inIt.message_id);
  assert.equal((pin.pinned_message as Message).reply_to_message, undefined);
  assert.equal(pin.message_thread_id, created.message_id);

  const joined = serviceNewMembers(FORUM, member).message!;
  assert.equal((joined.chat as { is_forum?: true }).is_forum, true);
  assert.equal(joined.message_thread_id, undefined);

  const edited = editedUpdate(inIt, "first, edited").edited_message!;
  assert.equal(edited.message_id, inIt.message_id);
  assert.equal(edited.text, "first, edited");
  assert.equal(edited.message_thread_id, created.message_id);
  assert.ok(edited.edit_date);
});

Deno.test("sim: topicMessages, sentToTopic and textsInTopic show what went into one topic", async () => {
  const sim = forum();
  const customer = user(9206);
  const fromCustomer = photo(customer, "customer photo").message!;
  const a = await createTopic(sim, "#1 Ann");
  const b = await createTopic(sim, "#2 Bob");
  const card = result(
    await sim.call("sendMessage", { chat_id: FORUM, message_thread_id: a, text: "card A" }),
  );
  await sim.call("sendMessage", { chat_id: FORUM, message_thread_id: b, text: "card B" });
  await sim.call("copyMessage", {
    chat_id: FORUM,
    message_thread_id: a,
    from_chat_id: customer.id,
    message_id: fromCustomer.message_id,
  });
  const file = fromCustomer.photo!.at(-1)!.file_id;
  await sim.call("sendMediaGroup", {
    chat_id: FORUM,
    message_thread_id: a,
    media: [
      { type: "photo", media: file, caption: "one" },
      { type: "photo", media: file, caption: "two" },
    ],
  });
  // A reply without message_thread_id lands in the replied message's topic.
  await sim.call("sendMessage", {
    chat_id: FORUM,
    text: "reply in A",
    reply_parameters: { message_id: card.message_id },
  });
  await sim.call("sendMessage", { chat_id: FORUM, text: "General" });
  await sim.call("editMessageText", {
    chat_id: FORUM,
    message_id: card.message_id,
    text: "card A (edited)",
  });
  topicUpdate(sim, FORUM, a, user(9207), "an agent's message");

  assert.deepEqual(sim.textsInTopic(FORUM, a), [
    "card A",
    "customer photo",
    "one",
    "two",
    "reply in A",
    "card A (edited)",
  ]);
  assert.deepEqual(sim.textsInTopic(FORUM, b), ["card B"]);
  assert.equal(sim.sentToTopic(FORUM, a).length, 5, "calls: an album is one");
  const inA = sim.topicMessages(FORUM, a);
  assert.deepEqual(inA.map((m) => m.text ?? m.caption), [
    "card A (edited)",
    "customer photo",
    "one",
    "two",
    "reply in A",
  ]);
  assert.ok(inA.every((m) => m.from?.id === TEST_BOT_INFO.id && m.message_thread_id === a));
  assertNoUnexpectedErrors(sim);
});
