/**
 * Shared set-up of the admin panel tests: tickets written straight through the
 * store (so these tests do not depend on the conversation features), and
 * small readers of what the bot showed.
 *
 * @module
 */
import type { InlineKeyboardButton, Message, User } from "grammy/types";
import { afterSupportMessage, answerDelivered, type Ticket } from "../../src/domain/ticket.ts";
import { addSupportMessage, addUserMessage, type MessageKind } from "../../src/store/tickets.ts";
import { outboxKey } from "../../src/store/outbox.ts";
import { touchUser } from "../../src/store/users.ts";
import type { TestApp } from "../helpers/app.ts";
import type { RecordedCall } from "../helpers/telegram_sim.ts";
import { user } from "../helpers/updates.ts";

let nextSourceId = 900_000;

/**
 * A user message stored as if the user had written it now (opens a ticket
 * when none is open), already delivered: nothing waits in the outbox.
 */
export async function userWrites(
  app: TestApp,
  from: User,
  text: string,
  kind: MessageKind = "text",
): Promise<Ticket> {
  const now = app.clock.now();
  await touchUser(app.kv, from, now);
  const result = await addUserMessage(app.kv, {
    userId: from.id,
    content: {
      direction: "in",
      kind,
      text,
      at: now,
      authorId: from.id,
      source: { chatId: from.id, messageIds: [++nextSourceId] },
    },
    mayOpen: true,
    delivery: { to: [] },
  });
  if (!result) throw new Error(`the message of user ${from.id} was not stored`);
  return result.ticket;
}

/**
 * A support answer stored as if `adminId` had replied now and the customer
 * had it at once: auto-close counts from now, nothing waits in the outbox.
 */
export async function supportAnswers(
  app: TestApp,
  ticketId: number,
  adminId: number,
  text = "Here is the answer",
): Promise<Ticket> {
  const now = app.clock.now();
  let userId = 0;
  const result = await addSupportMessage(app.kv, {
    ticketId,
    content: {
      direction: "out",
      kind: "text",
      text,
      at: now,
      authorId: adminId,
      source: { chatId: adminId, messageIds: [++nextSourceId] },
    },
    change: (ticket) => {
      if (ticket.status === "closed") return null;
      userId = ticket.userId;
      const answered = afterSupportMessage(ticket, adminId, now);
      return answerDelivered(answered, now, app.config.autoCloseAfterHours) ?? answered;
    },
    // Delivered: the copy to the customer does not wait.
    extra: (op, stored) =>
      op.delete(outboxKey({ chatId: userId, ticketId, seq: stored.seq, kind: "copy" })),
  });
  if (!result) throw new Error(`ticket #${ticketId} not answered`);
  return result.ticket;
}

/** An admin as a Telegram user (the admin's language picks the panel's language). */
export function admin(id: number, language_code = "en", first_name = `Agent${id}`): User {
  return user(id, { language_code, first_name });
}

/** The text a call put into the chat (sendMessage or editMessageText). */
export function textOf(call: RecordedCall | undefined): string {
  return String(call?.payload.text ?? "");
}

/** The inline keyboard of a call, as rows of buttons. */
export function keyboardOf(call: RecordedCall | undefined): InlineKeyboardButton[][] {
  const markup = call?.payload.reply_markup;
  const parsed = typeof markup === "string" ? JSON.parse(markup) : markup;
  return (parsed as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)
    ?.inline_keyboard ?? [];
}

/** Every button of a call: label and callback data. */
export function buttonsOf(call: RecordedCall | undefined): { text: string; data: string }[] {
  return keyboardOf(call).flat().map((button) => ({
    text: button.text,
    data: "callback_data" in button ? button.callback_data ?? "" : "",
  }));
}

/** The button whose label contains `label`. */
export function button(call: RecordedCall | undefined, label: string) {
  const found = buttonsOf(call).find((b) => b.text.includes(label));
  if (!found) {
    throw new Error(
      `no button "${label}" in ${JSON.stringify(buttonsOf(call).map((b) => b.text))}`,
    );
  }
  return found;
}

/** The message Telegram now holds for the last call to a chat (to press its buttons). */
export function lastMessage(app: TestApp, chatId: number): Message {
  const message = app.sim.lastMessageIn(chatId);
  if (!message) throw new Error(`no message in chat ${chatId}`);
  return message;
}

/** The answers to button presses (answerCallbackQuery) with their toast texts. */
export function toasts(app: TestApp): string[] {
  return app.sim.callsTo("answerCallbackQuery").map((call) => String(call.payload.text ?? ""));
}
