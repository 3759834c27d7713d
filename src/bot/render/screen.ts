/**
 * How an admin screen reaches the chat: a button press edits the message it
 * sits on (no pile of new messages), a command sends a new one. Also the
 * server-side admin re-check shared by every admin button and command.
 *
 * @module
 */
import { GrammyError, type InlineKeyboard, type MiddlewareFn } from "grammy";
import type { BotContext } from "../context.ts";
import { type Callback, decode } from "../callbacks.ts";

/** A rendered screen: HTML text and its buttons. */
export interface Screen {
  text: string;
  keyboard?: InlineKeyboard;
}

/** Options of {@link showScreen}. */
export interface ShowOptions {
  /** A toast shown with the answer to the button press. */
  toast?: string;
  /** Send a new message even when a button was pressed. */
  asNew?: boolean;
  /** The button press was answered already (e.g. before a long operation). */
  answered?: boolean;
}

/** Whether Telegram refused an edit because the text and buttons did not change. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 &&
    error.description.includes("message is not modified");
}

/** Whether an edit failed because the message cannot be edited (old, a photo, deleted). */
function cannotEdit(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400;
}

/**
 * Shows a screen: edits the pressed message in place (an unchanged screen
 * counts as success), or sends a new message for commands and for messages
 * that cannot be edited. Always answers the button press.
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
    parse_mode: "HTML" as const,
    reply_markup: screen.keyboard,
    link_preview_options: { is_disabled: true },
  };
  let shown = false;
  if (ctx.callbackQuery?.message && !options.asNew) {
    try {
      await ctx.editMessageText(screen.text, other);
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
