/**
 * A ticket's history: the last messages with direction, time and media kind.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import type { Ticket } from "../domain/ticket.ts";
import type { TicketMessage } from "../store/tickets.ts";
import { encode } from "./callbacks.ts";
import { escapeHtml } from "../html.ts";
import { formatDateTime } from "../time.ts";
import type { Screen } from "./screen.ts";

/** Messages shown on the history screen. */
export const HISTORY_LIMIT = 15;

/** Characters of each message's text shown; the screen must stay under Telegram's 4096. */
const SNIPPET_LIMIT = 160;
/** Room kept for the title and the footer. */
const TEXT_BUDGET = 3_800;

/** What the history screen shows. */
export interface HistoryData {
  ticket: Ticket;
  /** The last messages, oldest first. */
  messages: TicketMessage[];
  timezone: string;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length > SNIPPET_LIMIT ? chars.slice(0, SNIPPET_LIMIT - 1).join("") + "…" : flat;
}

/** The history screen, with a button back to the card. */
export function renderHistory(data: HistoryData, locale: Locale, i18n: Translator): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const id = String(data.ticket.id);
  const title = t("history-title", {
    id,
    shown: data.messages.length,
    total: data.ticket.messageCount,
  });
  const entries: string[] = [];
  let length = title.length;
  // Newest first when trimming, so that the most recent messages always fit.
  for (const message of data.messages.toReversed()) {
    const head = t("history-row", {
      direction: t(
        message.note ? "history-note" : message.direction === "in" ? "history-in" : "history-out",
      ),
      time: formatDateTime(message.at, locale, data.timezone),
      kind: t(`kind-${message.kind}`),
    });
    const body = message.text ? `\n<i>${escapeHtml(snippet(message.text))}</i>` : "";
    const entry = head + body;
    if (length + entry.length + 2 > TEXT_BUDGET) break;
    length += entry.length + 2;
    entries.unshift(entry);
  }
  const text = [title, "", entries.length ? entries.join("\n\n") : t("history-empty")].join("\n");
  const keyboard = new InlineKeyboard().text(
    t("btn-back-card"),
    encode({ kind: "ticket", action: "open", ticketId: data.ticket.id }),
  );
  return { text, keyboard };
}
