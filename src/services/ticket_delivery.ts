/**
 * Delivering a ticket's messages: a user's message to every admin, an admin's
 * answer to the user. Used by the features that receive them and by
 * redelivery (services/redeliver.ts) after a crash or an outage.
 *
 * @module
 */
import type { Api } from "grammy";
import type { Message } from "grammy/types";
import type { BotDeps } from "../bot/context.ts";
import type { Locale } from "../config.ts";
import type { Ticket } from "../domain/ticket.ts";
import {
  dropUndelivered,
  type MessageRef,
  recordCopies,
  type WrittenMessage,
} from "../store/tickets.ts";
import { getUser, markUnreachable, type UserRecord } from "../store/users.ts";
import { deliver, isUnreachableError, reportFailure } from "../bot/delivery.ts";
import { bindT, ticketReplyKeyboard } from "../bot/render/menu.ts";
import { adminHeader } from "../bot/render/notices.ts";
import { renderCardKeyboard, renderCardText } from "../bot/render/card.ts";
import { userLocale } from "../i18n.ts";
import { adminLocales } from "./notify.ts";
import { loadCardData } from "./card_data.ts";

/** What {@link deliverToAdmins} needs to know besides the messages. */
export interface AdminDelivery {
  /** Whether the message created the ticket (the card goes first). */
  created: boolean;
  /** The ticket's user as the caller has it (saves a read). */
  user?: UserRecord | null;
  /** The message record as just stored (makes recording the copies one commit). */
  written?: WrittenMessage;
}

/**
 * Delivers a user's message of `ticket` to every admin (with the card first when
 * the message created the ticket) and records the copies, so that an admin's
 * Telegram reply to any of them answers the ticket. One admin's failure does not
 * stop the others.
 */
export async function deliverToAdmins(
  api: Api,
  deps: BotDeps,
  ticket: Ticket,
  seq: number,
  messages: Message[],
  options: AdminDelivery,
): Promise<void> {
  const user = options.user !== undefined ? options.user : await getUser(deps.kv, ticket.userId);
  const card = options.created ? await loadCardData(deps, ticket, user) : undefined;
  const locales = await adminLocales(deps);
  const copies = await Promise.all(deps.config.adminIds.map(async (adminId) => {
    const ref: MessageRef = { chatId: adminId, messageIds: [] };
    try {
      const locale = locales.get(adminId)!;
      const t = bindT(deps.i18n, locale);
      if (card) {
        const sent = await api.sendMessage(adminId, renderCardText(card, locale, deps.i18n), {
          parse_mode: "HTML",
          reply_markup: renderCardKeyboard(card, locale, deps.i18n),
          link_preview_options: { is_disabled: true },
        });
        ref.messageIds.push(sent.message_id);
      }
      ref.messageIds.push(
        ...await deliver(api, { chatId: adminId }, messages, {
          headerHtml: adminHeader(t, ticket.id, user, ticket.userId),
          keyboard: card ? undefined : ticketReplyKeyboard(t, ticket.id),
        }),
      );
    } catch (error) {
      reportFailure(deps, error, "Could not deliver a user message to an admin", {
        adminId,
        ticketId: ticket.id,
      });
    }
    return ref;
  }));
  await recordCopies(
    deps.kv,
    ticket.id,
    seq,
    copies.filter((ref) => ref.messageIds.length),
    options.written,
  );
}

/** Who answers, from where. */
export interface Sender {
  adminId: number;
  locale: Locale;
}

/**
 * A stored answer (`written`: the record as stored, while nothing was added to
 * it; `user`: the ticket's user when the caller has read it).
 */
export type Accepted = {
  ticket: Ticket;
  seq: number;
  written?: WrittenMessage;
  user?: UserRecord | null;
};
/** What {@link deliverReply} achieved. */
export type ReplyOutcome = "delivered" | "unreachable" | "failed";

/**
 * Copies the stored answer to the user and confirms to the admin, or tells the
 * admin that the user blocked the bot (and marks the user unreachable; the
 * answer is then not retried). Both copies (the user's and the confirmation)
 * are recorded in one commit at the end. Any other failure is told to the
 * admin, unless `quiet` (a redelivery, which reports it to the log and alerts);
 * the answer stays undelivered and services/redeliver.ts tries again.
 */
export async function deliverReply(
  api: Api,
  deps: BotDeps,
  sender: Sender,
  stored: Accepted,
  messages: Message[],
  quiet = false,
): Promise<ReplyOutcome> {
  const { ticket } = stored;
  const t = bindT(deps.i18n, sender.locale);
  const user = stored.user !== undefined ? stored.user : await getUser(deps.kv, ticket.userId);
  const tUser = bindT(deps.i18n, userLocale(user, deps.config.defaultLocale));
  // The admin may have deleted their message meanwhile: then the answer goes without the quote.
  const replyTo = {
    reply_parameters: { message_id: messages[0].message_id, allow_sending_without_reply: true },
  };
  let delivered: MessageRef;
  try {
    const ids = await deliver(api, { chatId: ticket.userId }, messages, {
      headerHtml: tUser("conv-user-header", { id: String(ticket.id) }),
    });
    delivered = { chatId: ticket.userId, messageIds: ids };
  } catch (error) {
    const unreachable = isUnreachableError(error);
    if (unreachable) {
      await markUnreachable(deps.kv, ticket.userId);
      await dropUndelivered(deps.kv, ticket.id, stored.seq);
    } else reportFailure(deps, error, "Could not deliver a reply", { ticketId: ticket.id });
    if (quiet && !unreachable) return "failed";
    await api.sendMessage(
      sender.adminId,
      // The raw Telegram error goes to the log and the alert chat, not to the agent.
      t(unreachable ? "conv-reply-blocked" : "conv-reply-failed", { id: String(ticket.id) }),
      { parse_mode: "HTML", ...replyTo },
    );
    return unreachable ? "unreachable" : "failed";
  }
  const copies = [delivered];
  try {
    const confirmation = await api.sendMessage(
      sender.adminId,
      t("conv-reply-sent", { id: String(ticket.id) }),
      { parse_mode: "HTML", reply_markup: ticketReplyKeyboard(t, ticket.id), ...replyTo },
    );
    copies.push({ chatId: sender.adminId, messageIds: [confirmation.message_id] });
  } finally {
    // The user's copy is recorded even when the confirmation could not be sent.
    await recordCopies(deps.kv, ticket.id, stored.seq, copies, stored.written);
  }
  return "delivered";
}
