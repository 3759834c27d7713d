/**
 * How an admin screen reaches the chat: a button press edits the message it
 * sits on (no pile of new messages), a command sends a new one. Also the
 * server-side admin re-check shared by every admin button and command.
 *
 * @module
 */
import { GrammyError, type InlineKeyboard, type MiddlewareFn } from "grammy";
import type { InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import type { Screen } from "../render/screen.ts";
import type { BotContext } from "./context.ts";
import { type Callback, decode } from "../render/callbacks.ts";

export type { Screen } from "../render/screen.ts";

/** Options of {@link showScreen}. */
export interface ShowOptions {
  /** A toast shown with the answer to the button press. */
  toast?: string;
  /** Send a new message even when a button was pressed. */
  asNew?: boolean;
  /** The button press was answered already (e.g. before a long operation). */
  answered?: boolean;
}

/**
 * Whether Telegram refused an edit because the text and buttons did not
 * change. The helpers below do not send such edits; this only covers a race
 * (two presses of one button, each seeing the message as it was).
 */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 &&
    error.description.includes("message is not modified");
}

/** Whether an edit failed because the message cannot be edited (old, a photo, deleted). */
function cannotEdit(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400;
}

/** What an edit can change on a message, as Telegram shows it (e.g. the pressed message). */
export type ShownMessage = Partial<Pick<Message, "text" | "entities" | "reply_markup">>;

/** Formatting entities, as written by the HTML tags Telegram supports. */
const TAG_TYPES: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  code: "code",
  pre: "pre",
  a: "text_link",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

/**
 * Entity types HTML gives. Entities Telegram finds by itself (URLs,
 * @mentions, commands) follow from the text; mentions of users by id
 * (`tg://user?id=`) are left out on both sides, since Telegram drops those
 * it may not show.
 */
const FORMATTING = new Set<string>([...Object.values(TAG_TYPES), "expandable_blockquote"]);

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface Span {
  type: string;
  offset: number;
  length: number;
  /** The link, the code language or the custom emoji. */
  detail?: string;
}

/** A text as shown, comparable: trimmed (Telegram keeps texts trimmed), formatting sorted. */
interface Formatted {
  text: string;
  formatting: string[];
}

function formatted(text: string, spans: Span[]): Formatted {
  const start = text.length - text.trimStart().length;
  const plain = text.trim();
  const formatting = spans.flatMap((e) => {
    const offset = Math.max(0, e.offset - start);
    const end = Math.min(plain.length, e.offset - start + e.length);
    return end > offset ? [`${e.type}:${offset}:${end - offset}:${e.detail ?? ""}`] : [];
  });
  return { text: plain, formatting: formatting.sort() };
}

/**
 * The plain text and formatting Telegram makes of our HTML (well-formed, as
 * every render writes it, user text escaped with `escapeHtml`).
 */
export function formattedFromHtml(html: string): Formatted {
  let text = "";
  const spans: Span[] = [];
  const open: { tag: string; attrs: string; offset: number }[] = [];
  const token = /<(\/?)([a-z-]+)([^>]*)>|&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot);?/gi;
  let last = 0;
  for (const match of html.matchAll(token)) {
    text += html.slice(last, match.index);
    last = match.index + match[0].length;
    const [, closing, rawTag, attrs, entity] = match;
    if (entity !== undefined) {
      const name = entity.toLowerCase();
      text += name.startsWith("#x")
        ? String.fromCodePoint(parseInt(name.slice(2), 16))
        : name.startsWith("#")
        ? String.fromCodePoint(parseInt(name.slice(1), 10))
        : NAMED[name];
      continue;
    }
    const tag = rawTag.toLowerCase();
    if (!closing) {
      open.push({ tag, attrs, offset: text.length });
      continue;
    }
    const top = open.pop();
    if (!top || top.offset === text.length) continue;
    const length = text.length - top.offset;
    const attr = (name: string) =>
      new RegExp(`${name}\\s*=\\s*"([^"]*)"`, "i").exec(top.attrs)?.[1]
        .replace(/&(amp|lt|gt|quot);/g, (_, n: string) => NAMED[n]);
    let type: string | undefined = TAG_TYPES[top.tag];
    let detail: string | undefined;
    if (top.tag === "a") {
      detail = attr("href");
      if (detail === undefined || /^tg:\/\/user\?id=/i.test(detail)) type = undefined;
    } else if (top.tag === "blockquote" && /\bexpandable\b/i.test(top.attrs)) {
      type = "expandable_blockquote";
    } else if (top.tag === "tg-emoji") {
      detail = attr("emoji-id");
    } else if (top.tag === "code") {
      detail = attr("class")?.match(/^language-(.+)$/)?.[1];
    } else if (top.tag === "pre") {
      // <pre><code class="language-x">…</code></pre> is one pre entity with the language.
      const inner = spans.findIndex((e) =>
        e.type === "code" && e.offset === top.offset && e.length === length
      );
      if (inner >= 0) detail = spans.splice(inner, 1)[0].detail;
    }
    if (type) spans.push({ type, offset: top.offset, length, detail });
  }
  // Only a pre keeps a language; a code entity has none.
  const shown = spans.map((e) => e.type === "code" ? { ...e, detail: undefined } : e);
  return formatted(text + html.slice(last), shown);
}

/** The text a message shows, with the formatting HTML could have given it. */
function formattedOf(text: string, entities: MessageEntity[] | undefined): Formatted {
  const detail = (e: MessageEntity) =>
    e.type === "text_link"
      ? e.url
      : e.type === "pre"
      ? e.language
      : e.type === "custom_emoji"
      ? e.custom_emoji_id
      : undefined;
  const spans = (entities ?? []).filter((e) => FORMATTING.has(e.type))
    .map((e) => ({ type: e.type, offset: e.offset, length: e.length, detail: detail(e) }));
  return formatted(text, spans);
}

/** A keyboard as a comparable string: empty rows do not count, nor the order of fields. */
function keyboardKey(markup: Pick<InlineKeyboardMarkup, "inline_keyboard"> | undefined): string {
  const rows = (markup?.inline_keyboard ?? []).filter((row) => row.length > 0);
  return JSON.stringify(
    rows.map((row) =>
      row.map((button) =>
        Object.entries(button).filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => a.localeCompare(b))
      )
    ),
  );
}

/** Whether `message` has the inline keyboard `keyboard` (none and an empty one are the same). */
export function showsKeyboard(
  message: ShownMessage,
  keyboard: Pick<InlineKeyboardMarkup, "inline_keyboard"> | undefined,
): boolean {
  return keyboardKey(message.reply_markup) === keyboardKey(keyboard);
}

/**
 * Whether `message` already shows the HTML text `html` (same text, same
 * formatting) and the inline keyboard `keyboard`: an edit to them would
 * change nothing, and Telegram would refuse it ("message is not modified").
 * A change of formatting alone is a change.
 */
export function showsAlready(
  message: ShownMessage,
  html: string,
  keyboard?: Pick<InlineKeyboardMarkup, "inline_keyboard">,
): boolean {
  if (message.text === undefined || !showsKeyboard(message, keyboard)) return false;
  const shown = formattedOf(message.text, message.entities);
  const wanted = formattedFromHtml(html);
  return shown.text === wanted.text && shown.formatting.join() === wanted.formatting.join();
}

/** Options of an edit of the pressed message's text (HTML). */
export interface EditOptions {
  reply_markup?: InlineKeyboard | InlineKeyboardMarkup;
  link_preview_options?: { is_disabled?: boolean };
}

/**
 * Edits the pressed message to the HTML `text` (and `options.reply_markup`,
 * none removes the buttons) unless it already shows exactly that: an edit
 * that changes nothing is not sent. Fails like `ctx.editMessageText` otherwise.
 *
 * @example
 * ```ts
 * await editPressed(ctx, text, { reply_markup: keyboard });
 * ```
 */
export async function editPressed(
  ctx: BotContext,
  text: string,
  options: EditOptions = {},
): Promise<void> {
  const message = ctx.callbackQuery?.message as ShownMessage | undefined;
  if (message && showsAlready(message, text, options.reply_markup)) return;
  await ctx.editMessageText(text, options);
}

/**
 * Sets the pressed message's inline keyboard (none removes it) unless it has
 * exactly that one: an edit that changes nothing is not sent. Fails like
 * `ctx.editMessageReplyMarkup` otherwise.
 */
export async function editPressedKeyboard(
  ctx: BotContext,
  keyboard?: InlineKeyboard | InlineKeyboardMarkup,
): Promise<void> {
  const message = ctx.callbackQuery?.message as ShownMessage | undefined;
  if (message && showsKeyboard(message, keyboard)) return;
  await ctx.editMessageReplyMarkup({ reply_markup: keyboard });
}

/**
 * Shows a screen: edits the pressed message in place (no edit when it shows
 * the screen already), or sends a new message for commands and for messages
 * that cannot be edited (a photo, a deleted one). Always answers the press.
 *
 * @example
 * ```ts
 * await showScreen(ctx, renderPanel(data, ctx.locale, ctx.deps.i18n));
 * ```
 */
export async function showScreen(
  ctx: BotContext,
  screen: Screen,
  options: ShowOptions = {},
): Promise<void> {
  const other = {
    reply_markup: screen.keyboard,
    link_preview_options: { is_disabled: true },
  };
  const pressed = ctx.callbackQuery?.message as ShownMessage | undefined;
  let shown = false;
  // Only a text can be edited into a screen (an inaccessible message has none either).
  if (pressed?.text !== undefined && !options.asNew) {
    try {
      await editPressed(ctx, screen.text, other);
      shown = true;
    } catch (error) {
      if (isNotModified(error)) shown = true;
      else if (!cannotEdit(error)) throw error;
    }
  }
  if (!shown && ctx.chat) await ctx.reply(screen.text, other);
  if (ctx.callbackQuery && !options.answered) {
    await ctx.answerCallbackQuery({ text: options.toast });
  }
}

/** Answers a button press with a toast only. */
export async function toast(ctx: BotContext, text: string): Promise<void> {
  await ctx.answerCallbackQuery({ text });
}

/** The polite refusal for a non-admin pressing an admin button or sending an admin command. */
export async function refuse(ctx: BotContext): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("not-allowed") });
  else if (ctx.chat) await ctx.reply(ctx.t("not-allowed"));
}

/**
 * Middleware for the buttons `select` picks (returning undefined passes the
 * update on). The sender is re-checked on every press: a non-admin gets
 * {@link refuse} and nothing else happens.
 *
 * @example
 * ```ts
 * feature.on("callback_query:data", adminButton(
 *   (cb) => cb.kind === "admin" && cb.screen === "stats" ? cb : undefined,
 *   (ctx) => showStats(ctx),
 * ));
 * ```
 */
export function adminButton<T>(
  select: (callback: Callback) => T | undefined,
  handler: (ctx: BotContext, selected: T) => Promise<void>,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const callback = decode(ctx.callbackQuery?.data);
    const selected = callback ? select(callback) : undefined;
    if (selected === undefined) return await next();
    if (!ctx.isAdmin) return await refuse(ctx);
    await handler(ctx, selected);
  };
}
