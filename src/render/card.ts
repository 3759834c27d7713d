/**
 * The ticket card: what an admin sees of one ticket, and its buttons.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import type { Ticket } from "../domain/ticket.ts";
import type { UserRecord } from "../store/users.ts";
import { encode } from "./callbacks.ts";
import { escapeHtml, mentionHtml } from "../html.ts";
import { formatDateTime, formatDuration } from "../time.ts";

/** What the card shows besides the ticket. */
export interface CardData {
  ticket: Ticket;
  user: UserRecord | null;
  /** Names of the admins who took the ticket and answered last, when known. */
  takenByName?: string;
  lastRepliedByName?: string;
  /** Name of the admin who closed the ticket, when an admin did. */
  closedByName?: string;
  now: number;
  timezone: string;
}

/** The longest name shown (Telegram allows 64 + 64 characters; stored data may hold more). */
export const NAME_LIMIT = 130;

/**
 * The display name of a user: first and last name, else @username, else the
 * id; at most {@link NAME_LIMIT} characters, so any name fits every message.
 */
export function displayName(
  user: Pick<UserRecord, "id" | "firstName" | "lastName" | "username"> | null,
  fallbackId?: number,
): string {
  if (!user) return String(fallbackId ?? "?");
  const name = [user.firstName, user.lastName].filter(Boolean).join(" ").trim();
  const shown = name || (user.username ? `@${user.username}` : String(user.id));
  const chars = [...shown];
  return chars.length > NAME_LIMIT ? chars.slice(0, NAME_LIMIT - 1).join("") + "…" : shown;
}

/** The card's HTML text. */
export function renderCardText(data: CardData, locale: Locale, i18n: Translator): string {
  const { ticket, user } = data;
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const name = displayName(user, ticket.userId);
  const lines = [
    // Ids go in as strings: Fluent would group the digits of numbers (#1,234).
    t("card-title", { id: String(ticket.id), status: t(`status-${ticket.status}`) }),
    // Imported from the Python bot: its id, which the agents may still quote.
    ...(ticket.legacyId ? [t("card-legacy", { legacyId: escapeHtml(ticket.legacyId) })] : []),
    t("card-user", {
      mention: mentionHtml(ticket.userId, name),
      username: user?.username ? `@${escapeHtml(user.username)}` : "—",
      userId: String(ticket.userId),
    }),
    t("card-created", { time: formatDateTime(ticket.createdAt, locale, data.timezone) }),
    t("card-activity", { time: formatDateTime(ticket.lastActivityAt, locale, data.timezone) }),
  ];
  if (ticket.status !== "closed") {
    lines.push(t(ticket.turn === "support" ? "card-turn-support" : "card-turn-user"));
    if (ticket.turn === "user" && ticket.autoCloseAt !== undefined) {
      lines.push(t("card-autoclose", {
        left: formatDuration(ticket.autoCloseAt - data.now, locale),
      }));
    }
  } else if (ticket.closedAt !== undefined) {
    lines.push(t("card-closed", { time: formatDateTime(ticket.closedAt, locale, data.timezone) }));
    if (ticket.closedBy === "auto") lines.push(t("card-closed-auto"));
    else if (data.closedByName) {
      lines.push(t("card-closed-by", { name: escapeHtml(data.closedByName) }));
    }
  }
  lines.push(t("card-messages", { count: ticket.messageCount }));
  if (data.takenByName) lines.push(t("card-taken-by", { name: escapeHtml(data.takenByName) }));
  if (data.lastRepliedByName) {
    lines.push(t("card-replied-by", { name: escapeHtml(data.lastRepliedByName) }));
  }
  if (user?.blocked) lines.push(t("card-user-blocked"));
  if (ticket.rating) lines.push(t("card-rating", { stars: "⭐".repeat(ticket.rating) }));
  return lines.join("\n");
}

/** The card's buttons: Take, Reply, Close, Block/Unblock, History, Back. */
export function renderCardKeyboard(
  data: Pick<CardData, "ticket" | "user">,
  locale: Locale,
  i18n: Translator,
): InlineKeyboard {
  const t = (key: string) => i18n.t(locale, key);
  const id = data.ticket.id;
  const keyboard = new InlineKeyboard();
  if (data.ticket.status !== "closed") {
    keyboard.text(t("btn-take"), encode({ kind: "ticket", action: "take", ticketId: id }))
      .text(t("btn-reply"), encode({ kind: "ticket", action: "reply", ticketId: id }))
      .text(t("btn-close"), encode({ kind: "ticket", action: "close", ticketId: id })).row();
  }
  keyboard.text(
    data.user?.blocked ? t("btn-unblock") : t("btn-block"),
    encode({ kind: "ticket", action: data.user?.blocked ? "unblock" : "block", ticketId: id }),
  ).text(t("btn-history"), encode({ kind: "ticket", action: "history", ticketId: id })).row();
  keyboard.text(t("btn-back"), encode({ kind: "admin", screen: "inbox", page: 0 }));
  return keyboard;
}
