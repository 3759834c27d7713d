/**
 * Small helpers for the conversation tests: finding and pressing inline
 * buttons the bot sent, reading ticket ids out of texts.
 *
 * @module
 */
import type { InlineKeyboardButton, Message, User } from "grammy/types";
import type { TestApp } from "../helpers/app.ts";
import { callback } from "../helpers/updates.ts";

/** The callback buttons of a message. */
export function buttonsOf(message: Message | undefined): InlineKeyboardButton.CallbackButton[] {
  return (message?.reply_markup?.inline_keyboard ?? []).flat().filter((
    button,
  ): button is InlineKeyboardButton.CallbackButton => "callback_data" in button);
}

/** The newest message in `chatId` with a button whose label contains `label`. */
export function findButton(
  app: TestApp,
  chatId: number,
  label: string,
): { message: Message; data: string; text: string } {
  for (const message of app.sim.messagesIn(chatId).toReversed()) {
    const button = buttonsOf(message).find((b) => b.text.includes(label));
    if (button) return { message, data: button.callback_data, text: button.text };
  }
  throw new Error(`No button "${label}" in chat ${chatId}`);
}

/** Presses the newest button labelled `label` in `from`'s chat (or `chatId`). */
export async function press(app: TestApp, from: User, label: string, chatId = from.id) {
  const found = findButton(app, chatId, label);
  await app.send(callback(from, found.data, found.message));
}

/** The answers to callback queries, newest last. */
export function toasts(app: TestApp): string[] {
  return app.sim.callsTo("answerCallbackQuery").map((c) => String(c.payload.text ?? ""));
}

/** Every `#<number>` in a text. */
export function ticketIds(text: string): number[] {
  return [...text.matchAll(/#(\d+)/g)].map((m) => Number(m[1]));
}

/** Messages the bot has in a chat, as Telegram shows them (text or caption). */
export function visibleTexts(app: TestApp, chatId: number): string[] {
  return app.sim.messagesIn(chatId)
    .filter((m) => m.from?.is_bot)
    .map((m) => m.text ?? m.caption ?? "");
}
