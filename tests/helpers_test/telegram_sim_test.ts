import assert from "node:assert/strict";
import { Bot, BotError, GrammyError, InputFile } from "grammy";
import type { Message } from "grammy/types";
import { attachSim, TEST_BOT_INFO } from "../helpers/bot_api.ts";
import { type SimFailure, type SimResponse, TelegramSim } from "../helpers/telegram_sim.ts";
import {
  album,
  animation,
  callback,
  command,
  document,
  groupText,
  photo,
  privateText,
  replyTo,
  user,
} from "../helpers/updates.ts";

const ADMIN_GROUP = -1001234567890;

function failed(res: SimResponse): SimFailure {
  assert.equal(res.ok, false, `expected a failure, got ${JSON.stringify(res)}`);
  return res as SimFailure;
}

function result<T = Message>(res: SimResponse): T {
  assert.equal(res.ok, true, `expected success, got ${JSON.stringify(res)}`);
  return (res as { result: T }).result;
}

Deno.test("sim: getMe answers with the test bot", async () => {
  const sim = new TelegramSim();
  assert.deepEqual(result(await sim.call("getMe", {})), TEST_BOT_INFO);
});

Deno.test("sim: sent messages get increasing ids, a date, the chat and the bot as sender", async () => {
  const sim = new TelegramSim();
  const u = user(501, { first_name: "Ann" });
  const a = result(await sim.call("sendMessage", { chat_id: u.id, text: "one" }));
  const b = result(await sim.call("sendMessage", { chat_id: u.id, text: "two" }));
  assert.ok(b.message_id > a.message_id);
  assert.deepEqual(a.from, {
    id: TEST_BOT_INFO.id,
    is_bot: true,
    first_name: "Support Desk",
    username: "support_desk_test_bot",
  });
  assert.deepEqual(a.chat, { id: 501, type: "private", first_name: "Ann" });
  assert.ok(Math.abs(a.date - Date.now() / 1000) < 5);
  assert.deepEqual(sim.textsTo(u.id), ["one", "two"]);
});

Deno.test("sim: HTML with an unescaped < is refused with can't parse entities", async () => {
  const sim = new TelegramSim();
  const res = failed(
    await sim.call("sendMessage", { chat_id: 1, text: "1 < 2", parse_mode: "HTML" }),
  );
  assert.equal(res.error_code, 400);
  assert.equal(
    res.description,
    'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
  );
});

Deno.test("sim: unsupported and unclosed HTML tags are refused like Telegram", async () => {
  const sim = new TelegramSim();
  const send = (text: string) => sim.call("sendMessage", { chat_id: 1, text, parse_mode: "HTML" });
  assert.equal(
    failed(await send("héllo <div>x</div>")).description,
    'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 7',
  );
  assert.equal(
    failed(await send("<b>bold")).description,
    "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
  );
  assert.match(failed(await send("<b><i>x</b></i>")).description, /Unmatched end tag/);
  assert.match(failed(await send("x</b>")).description, /Unexpected end tag at byte offset 1/);
  assert.match(
    failed(await send('<span class="x">s</span>')).description,
    /Tag "span" must have class "tg-spoiler"/,
  );
  assert.match(failed(await send("<b")).description, /Unclosed start tag/);
});

Deno.test("sim: a bare & is refused in strict mode, entities and > are accepted", async () => {
  const strict = new TelegramSim();
  const send = (sim: TelegramSim, text: string) =>
    sim.call("sendMessage", { chat_id: 1, text, parse_mode: "HTML" });
  assert.match(failed(await send(strict, "Tom & Jerry")).description, /can't parse entities/);
  const ok = result(await send(strict, "a &lt;b&gt; &amp; &quot;c&quot; &#169; &#x1F600; 2 > 1"));
  assert.equal(ok.text, 'a <b> & "c" © 😀 2 > 1');
  // Telegram itself keeps an unknown & literally; strict: false behaves like that.
  const lenient = new TelegramSim({ strict: false });
  assert.equal(result(await send(lenient, "Tom & Jerry &nbsp;")).text, "Tom & Jerry &nbsp;");
});

Deno.test("sim: supported HTML tags become Telegram's entities", async () => {
  const sim = new TelegramSim();
  const text = '<b>B</b><i>I</i><a href="https://example.com/?a=1&amp;b=2">L</a>' +
    '<pre><code class="language-ts">x</code></pre><blockquote expandable>Q</blockquote>' +
    '<tg-spoiler>S</tg-spoiler><span class="tg-spoiler">T</span><u>U</u><s>D</s>' +
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>c</code>';
  const m = result(await sim.call("sendMessage", { chat_id: 1, text, parse_mode: "HTML" }));
  assert.equal(m.text, "BILxQSTUD👍c");
  assert.deepEqual(m.entities, [
    { type: "bold", offset: 0, length: 1 },
    { type: "italic", offset: 1, length: 1 },
    { type: "text_link", offset: 2, length: 1, url: "https://example.com/?a=1&b=2" },
    { type: "pre", offset: 3, length: 1, language: "ts" },
    { type: "expandable_blockquote", offset: 4, length: 1 },
    { type: "spoiler", offset: 5, length: 1 },
    { type: "spoiler", offset: 6, length: 1 },
    { type: "underline", offset: 7, length: 1 },
    { type: "strikethrough", offset: 8, length: 1 },
    { type: "custom_emoji", offset: 9, length: 2, custom_emoji_id: "5368324170671202286" },
    { type: "code", offset: 11, length: 1 },
  ]);
});

Deno.test("sim: 4097 characters after entity parsing are refused, 4096 accepted", async () => {
  const sim = new TelegramSim();
  const send = (text: string) => sim.call("sendMessage", { chat_id: 1, text, parse_mode: "HTML" });
  // Tags and entities do not count; "&amp;" is one character.
  const exact = `<b>${"a".repeat(4094)}</b>&amp;x`;
  assert.equal(result(await send(exact)).text?.length, 4096);
  assert.equal(
    failed(await send(`<b>${"a".repeat(4095)}</b>&amp;x`)).description,
    "Bad Request: message is too long",
  );
  // Limits are in UTF-16 code units: an emoji outside the BMP counts twice.
  assert.equal(
    failed(await sim.call("sendMessage", { chat_id: 1, text: "😀".repeat(2049) })).description,
    "Bad Request: message is too long",
  );
});

Deno.test("sim: empty text, before or after parsing, is refused", async () => {
  const sim = new TelegramSim();
  const empty = "Bad Request: message text is empty";
  assert.equal(failed(await sim.call("sendMessage", { chat_id: 1 })).description, empty);
  assert.equal(failed(await sim.call("sendMessage", { chat_id: 1, text: "" })).description, empty);
  assert.equal(
    failed(await sim.call("sendMessage", { chat_id: 1, text: "<b> </b>", parse_mode: "HTML" }))
      .description,
    empty,
  );
  assert.equal(
    failed(await sim.call("sendMessage", { chat_id: 1, text: "x", parse_mode: "HTML5" }))
      .description,
    "Bad Request: unsupported parse_mode",
  );
});

Deno.test("sim: entities outside the text are refused", async () => {
  const sim = new TelegramSim();
  const res = failed(
    await sim.call("sendMessage", {
      chat_id: 1,
      text: "hello",
      entities: [{ type: "bold", offset: 3, length: 5 }],
    }),
  );
  assert.match(res.description, /can't parse entities/);
  const ok = result(
    await sim.call("sendMessage", {
      chat_id: 1,
      text: "hello",
      entities: JSON.stringify([{ type: "bold", offset: 0, length: 5 }]),
    }),
  );
  assert.deepEqual(ok.entities, [{ type: "bold", offset: 0, length: 5 }]);
});

Deno.test("sim: captions over 1024 characters or with bad HTML are refused", async () => {
  const sim = new TelegramSim();
  const u = user(502);
  const fileId = (photo(u).message!.photo!.at(-1)!).file_id;
  const send = (caption: string) =>
    sim.call("sendPhoto", { chat_id: u.id, photo: fileId, caption, parse_mode: "HTML" });
  assert.equal(
    failed(await send("c".repeat(1025))).description,
    "Bad Request: message caption is too long",
  );
  assert.match(failed(await send("<x>")).description, /can't parse entities/);
  const m = result(await send(`<i>${"c".repeat(1024)}</i>`));
  assert.equal(m.caption?.length, 1024);
  assert.equal(m.photo?.at(-1)?.file_id, fileId);
});

Deno.test("sim: callback_data of 65 bytes is refused", async () => {
  const sim = new TelegramSim();
  const send = (data: string) =>
    sim.call("sendMessage", {
      chat_id: 1,
      text: "menu",
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: data }]] },
    });
  // 32 × "é" (2 bytes) + "x" = 65 bytes in 33 characters.
  assert.equal(
    failed(await send(`${"é".repeat(32)}x`)).description,
    "Bad Request: BUTTON_DATA_INVALID",
  );
  assert.equal(failed(await send("")).description, "Bad Request: BUTTON_DATA_INVALID");
  const m = result(await send("d".repeat(64)));
  assert.equal(m.reply_markup?.inline_keyboard[0][0].text, "Go");
});

Deno.test("sim: inline keyboards are validated, also when sent as a JSON string", async () => {
  const sim = new TelegramSim();
  const send = (reply_markup: unknown) =>
    sim.call("sendMessage", { chat_id: 1, text: "menu", reply_markup });
  assert.ok(
    result(
      await send(JSON.stringify({ inline_keyboard: [[{ text: "Site", url: "https://x.org" }]] })),
    ),
  );
  assert.match(
    failed(await send({ inline_keyboard: [[{ text: "Nothing" }]] })).description,
    /Text buttons are unallowed/,
  );
  assert.match(
    failed(
      await send({
        inline_keyboard: [[{ text: "Two", url: "https://x.org", callback_data: "a" }]],
      }),
    )
      .description,
    /exactly one/,
  );
  assert.match(
    failed(await send({ inline_keyboard: [{ text: "flat" }] })).description,
    /Array of Arrays/,
  );
  assert.match(failed(await send("{not json")).description, /can't parse reply keyboard markup/);
});

Deno.test("sim: unknown groups, deleted chats and blocked users are refused", async () => {
  const sim = new TelegramSim();
  const send = (chat_id: number) => sim.call("sendMessage", { chat_id, text: "hi" });
  assert.equal(failed(await send(ADMIN_GROUP)).description, "Bad Request: chat not found");
  sim.addGroup(ADMIN_GROUP);
  assert.equal(result(await send(ADMIN_GROUP)).chat.type, "supergroup");

  sim.blockBot(42);
  const blocked = failed(await send(42));
  assert.deepEqual([blocked.error_code, blocked.description], [
    403,
    "Forbidden: bot was blocked by the user",
  ]);
  sim.unblockBot(42);
  assert.ok(result(await send(42)));

  sim.deleteChat(43);
  assert.equal(failed(await send(43)).description, "Bad Request: chat not found");
  assert.equal(
    failed(await sim.call("sendMessage", { text: "hi" })).description,
    "Bad Request: chat_id is empty",
  );
});

Deno.test("sim: a reply to a missing message is refused unless allowed", async () => {
  const sim = new TelegramSim();
  const u = user(503);
  const missing = "Bad Request: message to be replied not found";
  assert.equal(
    failed(
      await sim.call("sendMessage", {
        chat_id: u.id,
        text: "re",
        reply_parameters: { message_id: 999_999 },
      }),
    ).description,
    missing,
  );
  assert.equal(
    failed(
      await sim.call("sendMessage", { chat_id: u.id, text: "re", reply_to_message_id: 999_999 }),
    )
      .description,
    missing,
  );
  assert.ok(result(
    await sim.call("sendMessage", {
      chat_id: u.id,
      text: "re",
      reply_parameters: { message_id: 999_999, allow_sending_without_reply: true },
    }),
  ));
  const incoming = privateText(u, "question").message!;
  const reply = result(
    await sim.call("sendMessage", {
      chat_id: u.id,
      text: "answer",
      reply_parameters: { message_id: incoming.message_id },
    }),
  );
  assert.equal(reply.reply_to_message?.text, "question");
  // The same id in another chat is not the same message.
  assert.equal(
    failed(
      await sim.call("sendMessage", {
        chat_id: 504,
        text: "x",
        reply_parameters: { message_id: incoming.message_id },
      }),
    ).description,
    missing,
  );
});

Deno.test("sim: edits need a known bot message and a change", async () => {
  const sim = new TelegramSim();
  const markup = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
  const m = result(
    await sim.call("sendMessage", {
      chat_id: 7,
      text: "<b>v1</b>",
      parse_mode: "HTML",
      reply_markup: markup,
    }),
  );
  assert.equal(
    failed(await sim.call("editMessageText", { chat_id: 7, message_id: 999_999, text: "v2" }))
      .description,
    "Bad Request: message to edit not found",
  );
  const same = failed(
    await sim.call("editMessageText", {
      chat_id: 7,
      message_id: m.message_id,
      text: "<b>v1</b>",
      parse_mode: "HTML",
      reply_markup: markup,
    }),
  );
  assert.equal(
    same.description,
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
  );
  // Same text but without the bold entity is a change.
  const edited = result(
    await sim.call("editMessageText", {
      chat_id: 7,
      message_id: m.message_id,
      text: "v1",
      reply_markup: markup,
    }),
  );
  assert.equal(edited.entities, undefined);
  assert.ok(edited.edit_date);
  assert.match(
    failed(
      await sim.call("editMessageReplyMarkup", {
        chat_id: 7,
        message_id: m.message_id,
        reply_markup: markup,
      }),
    ).description,
    /message is not modified/,
  );
  assert.ok(
    result(await sim.call("editMessageReplyMarkup", { chat_id: 7, message_id: m.message_id })),
  );
  assert.equal(sim.message(7, m.message_id)?.reply_markup, undefined);
  const userMsg = privateText(user(7), "mine").message!;
  assert.equal(
    failed(
      await sim.call("editMessageText", { chat_id: 7, message_id: userMsg.message_id, text: "x" }),
    )
      .description,
    "Bad Request: message can't be edited",
  );
});

Deno.test("sim: copyMessage copies a user's photo into a group with a new caption", async () => {
  const sim = new TelegramSim();
  sim.addGroup(ADMIN_GROUP);
  const u = user(505);
  const original = photo(u, "my screenshot").message!;
  const copy = result<{ message_id: number }>(
    await sim.call("copyMessage", {
      chat_id: ADMIN_GROUP,
      from_chat_id: u.id,
      message_id: original.message_id,
      caption: "<b>From User505</b>",
      parse_mode: "HTML",
    }),
  );
  const stored = sim.message(ADMIN_GROUP, copy.message_id)!;
  assert.deepEqual(stored.photo, original.photo);
  assert.equal(stored.caption, "From User505");
  assert.deepEqual(sim.textsTo(ADMIN_GROUP), ["<b>From User505</b>"]);
  // Without a caption override the copy keeps the original text.
  const text = privateText(u, "plain question").message!;
  await sim.call("copyMessage", {
    chat_id: ADMIN_GROUP,
    from_chat_id: u.id,
    message_id: text.message_id,
  });
  assert.equal(sim.textsTo(ADMIN_GROUP)[1], "plain question");
  assert.equal(
    failed(
      await sim.call("copyMessage", {
        chat_id: ADMIN_GROUP,
        from_chat_id: u.id,
        message_id: 999_999,
      }),
    )
      .description,
    "Bad Request: message to copy not found",
  );
});

Deno.test("sim: copyMessages keeps an album together and needs increasing ids", async () => {
  const sim = new TelegramSim();
  sim.addGroup(ADMIN_GROUP);
  const u = user(506);
  const ids = album(u, ["photo", "video", "photo"], "trip").map((up) => up.message!.message_id);
  assert.match(
    failed(
      await sim.call("copyMessages", {
        chat_id: ADMIN_GROUP,
        from_chat_id: u.id,
        message_ids: [...ids].reverse(),
      }),
    ).description,
    /strictly increasing/,
  );
  const copies = result<{ message_id: number }[]>(
    await sim.call("copyMessages", { chat_id: ADMIN_GROUP, from_chat_id: u.id, message_ids: ids }),
  );
  assert.equal(copies.length, 3);
  const groupIds = copies.map((c) => sim.message(ADMIN_GROUP, c.message_id)!.media_group_id);
  assert.ok(groupIds[0]);
  assert.ok(groupIds.every((g) => g === groupIds[0]));
  assert.deepEqual(sim.textsTo(ADMIN_GROUP), ["trip"]);
});

Deno.test("sim: forwardMessage returns the message with its origin", async () => {
  const sim = new TelegramSim();
  sim.addGroup(ADMIN_GROUP);
  const u = user(507, { first_name: "Fwd" });
  const original = privateText(u, "forward me").message!;
  const m = result(
    await sim.call("forwardMessage", {
      chat_id: ADMIN_GROUP,
      from_chat_id: u.id,
      message_id: original.message_id,
    }),
  );
  assert.equal(m.text, "forward me");
  assert.deepEqual(m.forward_origin, { type: "user", sender_user: u, date: original.date });
});

Deno.test("sim: sendMediaGroup takes 2-10 items and shares a media_group_id", async () => {
  const sim = new TelegramSim();
  const fileId = photo(user(508)).message!.photo!.at(-1)!.file_id;
  const item = (caption?: string) => ({
    type: "photo",
    media: fileId,
    ...(caption ? { caption } : {}),
  });
  assert.equal(
    failed(await sim.call("sendMediaGroup", { chat_id: 1, media: [item()] })).error_code,
    400,
  );
  assert.equal(
    failed(await sim.call("sendMediaGroup", { chat_id: 1, media: Array(11).fill(item()) }))
      .error_code,
    400,
  );
  const sent = result<Message[]>(
    await sim.call("sendMediaGroup", { chat_id: 1, media: [item("first"), item(), item()] }),
  );
  assert.equal(sent.length, 3);
  assert.ok(sent.every((m) => m.media_group_id === sent[0].media_group_id));
  assert.deepEqual(sim.textsTo(1), ["first"]);
  assert.match(
    failed(
      await sim.call("sendMediaGroup", {
        chat_id: 1,
        media: [item(), { type: "photo", media: "not-a-file-id" }],
      }),
    ).description,
    /wrong file identifier/,
  );
});

Deno.test("sim: failNext makes the next calls fail and records them", async () => {
  const sim = new TelegramSim();
  sim.failNext("sendMessage", {
    error_code: 429,
    description: "Too Many Requests: retry after 1",
    parameters: { retry_after: 1 },
  });
  sim.failNext(
    "sendMessage",
    { error_code: 502, description: "Bad Gateway" },
    1,
    (p) => p.chat_id === 2,
  );
  const first = failed(await sim.call("sendMessage", { chat_id: 1, text: "a" }));
  assert.deepEqual(first.parameters, { retry_after: 1 });
  assert.ok(result(await sim.call("sendMessage", { chat_id: 1, text: "a" })));
  assert.equal(failed(await sim.call("sendMessage", { chat_id: 2, text: "b" })).error_code, 502);
  assert.deepEqual(sim.callsTo("sendMessage").map((c) => c.response.ok), [false, true, false]);
  assert.equal(sim.sentTo(1).length, 1);
  assert.deepEqual(failed(await sim.call("sendMessag", {})), {
    ok: false,
    error_code: 404,
    description: "Not Found",
  });
});

Deno.test("sim: uploads record name and size, over 50 MB is 413", async () => {
  const sim = new TelegramSim();
  const m = result(
    await sim.call("sendDocument", {
      chat_id: 1,
      document: new InputFile(new TextEncoder().encode("hello"), "notes.txt"),
      caption: "file",
    }),
  );
  assert.equal(m.document?.file_name, "notes.txt");
  assert.equal(m.document?.file_size, 5);
  assert.deepEqual(sim.callsTo("sendDocument")[0].uploads, [
    { kind: "upload", file_name: "notes.txt", size: 5, field: "document" },
  ]);
  const big = new InputFile(new Uint8Array(50 * 1024 * 1024 + 1), "big.bin");
  assert.deepEqual(failed(await sim.call("sendDocument", { chat_id: 1, document: big })), {
    ok: false,
    error_code: 413,
    description: "Request Entity Too Large",
  });
});

Deno.test("sim: a callback query can be answered once", async () => {
  const sim = new TelegramSim();
  const up = callback(user(509), "close");
  const id = up.callback_query!.id;
  assert.ok(result(await sim.call("answerCallbackQuery", { callback_query_id: id })));
  assert.match(
    failed(await sim.call("answerCallbackQuery", { callback_query_id: id })).description,
    /query is too old/,
  );
});

Deno.test("sim: forum topics are created, addressed and checked", async () => {
  const sim = new TelegramSim();
  sim.addGroup(ADMIN_GROUP, { isForum: true });
  const topic = result<{ message_thread_id: number; name: string }>(
    await sim.call("createForumTopic", { chat_id: ADMIN_GROUP, name: "Ticket #1" }),
  );
  const m = result(
    await sim.call("sendMessage", {
      chat_id: ADMIN_GROUP,
      message_thread_id: topic.message_thread_id,
      text: "new ticket",
    }),
  );
  assert.equal(m.message_thread_id, topic.message_thread_id);
  assert.equal(m.is_topic_message, true);
  assert.equal(
    failed(
      await sim.call("sendMessage", {
        chat_id: ADMIN_GROUP,
        message_thread_id: 999_999,
        text: "x",
      }),
    ).description,
    "Bad Request: message thread not found",
  );
  assert.ok(result(
    await sim.call("deleteForumTopic", {
      chat_id: ADMIN_GROUP,
      message_thread_id: topic.message_thread_id,
    }),
  ));
  assert.match(
    failed(
      await sim.call("sendMessage", {
        chat_id: ADMIN_GROUP,
        message_thread_id: topic.message_thread_id,
        text: "x",
      }),
    ).description,
    /message thread not found/,
  );
  // A reply to a user's message in a topic lands in that topic.
  const inTopic = groupText(ADMIN_GROUP, user(510), "hello", { threadId: 77 }).message!;
  const reply = result(
    await sim.call("sendMessage", {
      chat_id: ADMIN_GROUP,
      text: "hi",
      reply_parameters: { message_id: inTopic.message_id },
    }),
  );
  assert.equal(reply.message_thread_id, 77);
});

Deno.test("updates: factories build Telegram's shapes", () => {
  const u = user(511, { username: "ann" });
  const start = command(u, "start", "ref_1").message!;
  assert.equal(start.text, "/start ref_1");
  assert.deepEqual(start.entities, [{ type: "bot_command", offset: 0, length: 6 }]);
  assert.equal(privateText(u, "/help").message!.entities?.[0].type, "bot_command");
  const gif = animation(u).message!;
  assert.ok(gif.animation && gif.document, "animations carry a document too");
  assert.equal(document(u, { file_name: "a.pdf" }).message!.document?.file_name, "a.pdf");
  const items = album(u, ["photo", "video"], "cap");
  assert.equal(items.length, 2);
  assert.equal(items[0].message!.media_group_id, items[1].message!.media_group_id);
  assert.ok(items[1].update_id > items[0].update_id);
  const cb = callback(u, "x").callback_query!;
  assert.equal(cb.message?.chat.id, u.id);
  assert.ok(cb.chat_instance);
});

Deno.test("sim: a reply to a delivered copy points at the bot's message", async () => {
  const sim = new TelegramSim();
  sim.addGroup(ADMIN_GROUP);
  const admin = user(1001);
  const sent = result(await sim.call("sendMessage", { chat_id: ADMIN_GROUP, text: "ticket #5" }));
  const up = replyTo(admin, sent, "answer");
  assert.equal(up.message!.chat.id, ADMIN_GROUP);
  assert.equal(up.message!.reply_to_message?.from?.id, TEST_BOT_INFO.id);
  assert.equal(up.message!.reply_to_message?.message_id, sent.message_id);
});

Deno.test("sim: attachSim answers a grammY bot's calls during handleUpdate", async () => {
  const sim = new TelegramSim();
  const bot = new Bot("123:TEST", { botInfo: TEST_BOT_INFO });
  const seen: string[] = [];
  // A transformer installed before attachSim still wraps the sim (like auto-retry would).
  bot.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    seen.push(`${method}:${res.ok}`);
    return res;
  });
  attachSim(bot.api, sim);
  bot.command("start", (ctx) => ctx.reply("<b>Welcome</b>", { parse_mode: "HTML" }));
  bot.on("message:text", (ctx) => ctx.reply("bad < html", { parse_mode: "HTML" }));
  const u = user(512);
  await bot.handleUpdate(command(u, "start"));
  assert.deepEqual(sim.textsTo(u.id), ["<b>Welcome</b>"]);
  assert.equal(sim.lastMessageIn(u.id)?.text, "Welcome");
  assert.deepEqual(seen, ["sendMessage:true"]);

  // handleUpdate rethrows middleware errors wrapped in BotError.
  await assert.rejects(bot.handleUpdate(privateText(u, "hi")), (e: unknown) => {
    assert.ok(e instanceof BotError && e.error instanceof GrammyError);
    assert.equal(e.error.error_code, 400);
    assert.match(e.error.description, /can't parse entities/);
    return true;
  });
});

Deno.test("sim: bot commands are stored per scope and validated", async () => {
  const sim = new TelegramSim();
  const commands = [{ command: "start", description: "Start" }];
  assert.ok(result(await sim.call("setMyCommands", { commands })));
  assert.deepEqual(result(await sim.call("getMyCommands", {})), commands);
  const admin = { type: "chat", chat_id: 1001 };
  assert.ok(result(await sim.call("setMyCommands", { commands, scope: admin })));
  assert.deepEqual(sim.commands({ chat_id: 1001, type: "chat" }), commands);
  assert.equal(
    failed(await sim.call("setMyCommands", { commands: [{ command: "Start", description: "x" }] }))
      .description,
    "Bad Request: BOT_COMMAND_INVALID",
  );
  assert.equal(
    failed(
      await sim.call("setMyCommands", { commands, scope: { type: "chat", chat_id: -5 } }),
    ).description,
    "Bad Request: chat not found",
  );
});
