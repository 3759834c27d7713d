/**
 * The inbox: open tickets, those where the user waits for support first.
 * One line of text and one button (labelled with the `#id`) per ticket.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import type { Ticket } from "../domain/ticket.ts";
import type { UserRecord } from "../store/users.ts";
import { encode } from "./callbacks.ts";
import { escapeHtml } from "../html.ts";
import { formatDuration } from "../time.ts";
import { displayName } from "./card.ts";
import { backKeyboard, pagerRow } from "./panel.ts";
import type { Screen } from "./screen.ts";

/** Tickets per inbox page: short enough to scan on a phone. */
export const INBOX_PAGE_SIZE = 8;

/** The longest user name in a button label, in characters. */
const LABEL_NAME_LIMIT = 24;

/** What one inbox page shows. */
export interface InboxData {
  /** The page's tickets, in inbox order. */
  tickets: Ticket[];
  users: Map<number, UserRecord | null>;
  /** Zero-based page number. */
  page: number;
  hasMore: boolean;
  /** Open tickets in total (from the counters). */
  open: number;
  now: number;
}

function shorten(text: string, limit: number): string {
  const chars = [...text];
  return chars.length > limit ? chars.slice(0, limit - 1).join("") + "…" : text;
}

/** The inbox page: a line per ticket, a button per ticket, paging and Back. */
export function renderInbox(data: InboxData, locale: Locale, i18n: Translator): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const pages = Math.max(1, Math.ceil(data.open / INBOX_PAGE_SIZE), data.page + 1);
  const lines = [
    t("inbox-title", { open: data.open, page: data.page + 1, pages }),
    "",
  ];
  const keyboard = new InlineKeyboard();
  if (data.tickets.length === 0) lines.push(t("inbox-empty"));
  for (const ticket of data.tickets) {
    const user = data.users.get(ticket.userId) ?? null;
    const name = displayName(user, ticket.userId);
    const age = formatDuration(data.now - ticket.createdAt, locale);
    const waiting = ticket.turn === "support";
    const turn = waiting
      ? t("inbox-turn-support", {
        wait: formatDuration(data.now - (ticket.waitingSince ?? ticket.lastActivityAt), locale),
      })
      : t("inbox-turn-user");
    lines.push(t("inbox-row", {
      id: String(ticket.id),
      status: t(`status-${ticket.status}`),
      turn,
      name: escapeHtml(name),
      username: user?.username ? ` @${escapeHtml(user.username)}` : "",
      age,
    }));
    keyboard.text(
      t("inbox-button", {
        id: String(ticket.id),
        icon: waiting ? "⏳" : "💤",
        name: shorten(name, LABEL_NAME_LIMIT),
        age,
      }),
      encode({ kind: "ticket", action: "open", ticketId: ticket.id }),
    ).row();
  }
  if (data.tickets.length > 0) lines.push("", t("inbox-hint"));
  pagerRow(keyboard, {
    page: data.page,
    hasMore: data.hasMore,
    data: (page) => encode({ kind: "admin", screen: "inbox", page }),
    locale,
    i18n,
  });
  keyboard.text(t("btn-refresh"), encode({ kind: "admin", screen: "inbox", page: data.page }));
  keyboard.append(backKeyboard(locale, i18n));
  return { text: lines.join("\n"), keyboard };
}
