import assert from "node:assert/strict";
import { Bot, InlineKeyboard } from "grammy";
import type { InlineKeyboardMarkup, Message } from "grammy/types";
import type { BotContext } from "../../src/bot/context.ts";
import {
  editPressed,
  editPressedKeyboard,
  formattedFromHtml,
  showsAlready,
  showScreen,
} from "../../src/bot/screen.ts";
import { htmlByDefault } from "../../src/telegram/api.ts";
import { attachSim, TEST_BOT_INFO } from "../helpers/bot_api.ts";
import { assertNoUnexpectedErrors, TelegramSim } from "../helpers/telegram_sim.ts";
import { callback, photo, user } from "../helpers/updates.ts";

const keyboard = new InlineKeyboard().text("Take", "t:take:1").text("Reply", "t:reply:1").row()
  .url("Open", "https://t.me/support_desk_test_bot?start=1");

/** Texts as the renders write them, each with something Telegram turns into formatting. */
const SAMPLES = [
  "Plain text",
  '<b>#12</b> · open\nUser: <a href="tg://user?id=42">Ann &amp; Bob</a> (<code>42</code>)',
  "&lt;script&gt; &quot;quoted&quot; &#39;single&#39; &#x1F600;",
  "😀 emoji first, then <b>bold</b> and <i>italic</i>",
  '<a href="https://t.me/support_desk_test_bot?start=t_12&amp;x=1">#12</a>',
  '<pre><code class="language-json">{"a": 1}</code></pre> and <code>inline</code>',
  "<blockquote expandable>long quote</blockquote><tg-spoiler>secret</tg-spoiler>",
  "<u>under</u><s>struck</s><b><i>both</i></b>",
  "Trailing newline and spaces  \n",
  "Mentions @someone and /start and https://example.com are found by Telegram",
];

/** Sends `html` through the sim and returns the message as Telegram holds it. */
async function shown(
  sim: TelegramSim,
  html: string,
  markup?: InlineKeyboardMarkup,
  chatId = 9001,
): Promise<Message> {
  const res = await sim.call("sendMessage", {
    chat_id: chatId,
    text: html,
    parse_mode: "HTML",
    ...(markup ? { reply_markup: markup } : {}),
  });
  assert.ok(res.ok, JSON.stringify(res));
  return res.result as Message;
}

const asMarkup = (k: InlineKeyboard): InlineKeyboardMarkup =>
  JSON.parse(JSON.stringify(k)) as InlineKeyboardMarkup;

Deno.test("screen: a message shows the HTML it was sent with, with the same buttons", async () => {
  const sim = new TelegramSim();
  for (const html of SAMPLES) {
    const m = await shown(sim, html, asMarkup(keyboard));
    assert.ok(showsAlready(m, html, keyboard), html);
    // The keyboard as Telegram sends it back (fields in any order) is the same keyboard.
    const reordered = {
      inline_keyboard: asMarkup(keyboard).inline_keyboard.map((row) =>
        row.map((b) => Object.fromEntries(Object.entries(b).reverse()))
      ),
    } as InlineKeyboardMarkup;
    assert.ok(showsAlready({ ...m, reply_markup: reordered }, html, keyboard), html);
  }
  const bare = await shown(sim, "No buttons");
  assert.ok(showsAlready(bare, "No buttons"));
  assert.ok(showsAlready(bare, "No buttons", new InlineKeyboard()));
});

Deno.test("screen: another text, other formatting or other buttons are a change", async () => {
  const sim = new TelegramSim();
  const html = "<b>#12</b> · open\nTaken by <code>Ann</code>";
  const m = await shown(sim, html, asMarkup(keyboard));
  assert.equal(showsAlready(m, "<b>#12</b> · closed\nTaken by <code>Ann</code>", keyboard), false);
  assert.equal(showsAlready(m, "<i>#12</i> · open\nTaken by <code>Ann</code>", keyboard), false);
  assert.equal(showsAlready(m, "<b>#12 ·</b> open\nTaken by <code>Ann</code>", keyboard), false);
  assert.equal(showsAlready(m, "#12 · open\nTaken by Ann", keyboard), false);
  assert.equal(showsAlready(m, html), false);
  assert.equal(
    showsAlready(m, html, new InlineKeyboard().text("Take", "t:take:1").text("Reply", "t:reply:1")),
    false,
  );
  const link = await shown(sim, '<a href="https://t.me/a">#1</a>');
  assert.equal(showsAlready(link, '<a href="https://t.me/b">#1</a>'), false);
  const pre = await shown(sim, '<pre><code class="language-ts">x</code></pre>');
  assert.equal(showsAlready(pre, '<pre><code class="language-js">x</code></pre>'), false);
  // A photo has no text to compare: it never shows a text screen.
  assert.equal(showsAlready({ caption: "Plain" } as Message, "Plain"), false);
});

Deno.test("screen: HTML becomes Telegram's plain text and formatting", () => {
  assert.deepEqual(formattedFromHtml("  <b>a &amp; b</b> <code>&lt;x&gt;</code>\n"), {
    text: "a & b <x>",
    formatting: ["bold:0:5:", "code:6:3:"],
  });
  assert.deepEqual(formattedFromHtml('<a href="tg://user?id=7">Ann</a> <b></b>!'), {
    text: "Ann !",
    formatting: [],
  });
});

/** A grammY bot on the sim with the product's HTML default and `handle` for every press. */
function botWith(sim: TelegramSim, handle: (ctx: BotContext) => Promise<void>): Bot<BotContext> {
  const bot = new Bot<BotContext>("123:TEST", { botInfo: TEST_BOT_INFO });
  bot.api.config.use(htmlByDefault());
  attachSim(bot.api, sim);
  bot.on("callback_query:data", handle);
  return bot;
}

const SCREEN = {
  text: "<b>Statistics</b>\nOpen: 3",
  keyboard: new InlineKeyboard().text("Refresh", "a:stats:0"),
};

Deno.test("screen: pressing a button on a screen that would not change sends no edit and answers the press", async () => {
  const sim = new TelegramSim();
  const bot = botWith(sim, (ctx) => showScreen(ctx, SCREEN));
  const admin = user(9101);
  const panel = asMarkup(new InlineKeyboard().text("Stats", "a:stats:0"));
  const first = await shown(sim, "<b>Panel</b>", panel, admin.id);
  await bot.handleUpdate(callback(admin, "a:stats:0", first));
  // The first press changes the panel into the statistics, in place.
  assert.equal(sim.callsTo("editMessageText").length, 1);
  const now = sim.message(admin.id, first.message_id)!;
  assert.equal(now.text, "Statistics\nOpen: 3");
  // Refresh with nothing new: no edit, the press is answered, Telegram saw no error.
  await bot.handleUpdate(callback(admin, "a:stats:0", now));
  assert.equal(sim.callsTo("editMessageText").length, 1);
  assert.equal(sim.callsTo("answerCallbackQuery").length, 2);
  assertNoUnexpectedErrors(sim);
});

Deno.test("screen: a press on a photo sends the screen as a new message without trying an edit", async () => {
  const sim = new TelegramSim();
  const bot = botWith(sim, (ctx) => showScreen(ctx, SCREEN));
  const u = user(9102);
  const picture = photo(u, "screenshot").message!;
  const copy = await sim.call("copyMessage", {
    chat_id: u.id,
    from_chat_id: u.id,
    message_id: picture.message_id,
    reply_markup: { inline_keyboard: [[{ text: "Stats", callback_data: "a:stats:0" }]] },
  });
  assert.ok(copy.ok);
  const pressed = sim.message(u.id, (copy.result as { message_id: number }).message_id)!;
  await bot.handleUpdate(callback(u, "a:stats:0", pressed));
  assert.equal(sim.callsTo("editMessageText").length, 0);
  assert.equal(sim.lastMessageIn(u.id)?.text, "Statistics\nOpen: 3");
  assertNoUnexpectedErrors(sim);
});

Deno.test("screen: an edit of the pressed message is sent only when it changes something", async () => {
  const sim = new TelegramSim();
  const u = user(9103);
  const bot = botWith(sim, async (ctx) => {
    await ctx.answerCallbackQuery();
    await handlers[ctx.callbackQuery?.data ?? ""](ctx);
  });
  const handlers: Record<string, (ctx: BotContext) => Promise<void>> = {
    same: (ctx) => editPressed(ctx, "Reply to <b>#1</b>", { reply_markup: keyboard }),
    italic: (ctx) => editPressed(ctx, "Reply to <i>#1</i>", { reply_markup: keyboard }),
    unkeyed: (ctx) => editPressedKeyboard(ctx),
  };
  const res = await sim.call("sendMessage", {
    chat_id: u.id,
    text: "Reply to <b>#1</b>",
    parse_mode: "HTML",
    reply_markup: asMarkup(keyboard),
  });
  assert.ok(res.ok);
  const id = (res.result as Message).message_id;
  const press = (data: string) => bot.handleUpdate(callback(u, data, sim.message(u.id, id)));
  await press("same");
  assert.equal(sim.callsTo("editMessageText").length, 0);
  // Only the formatting changes: that is a change, and Telegram takes it.
  await press("italic");
  assert.equal(sim.callsTo("editMessageText").length, 1);
  assert.equal(sim.message(u.id, id)?.entities?.[0].type, "italic");
  await press("unkeyed");
  assert.equal(sim.callsTo("editMessageReplyMarkup").length, 1);
  assert.equal(sim.message(u.id, id)?.reply_markup, undefined);
  // No buttons left to remove: nothing is sent.
  await press("unkeyed");
  assert.equal(sim.callsTo("editMessageReplyMarkup").length, 1);
  assertNoUnexpectedErrors(sim);
});
