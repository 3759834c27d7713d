/**
 * `/find` results: a title, what the search could not do fully, and one
 * button per ticket (`#id · status · name`, newest first) that sends the
 * ticket's card, with ◀️ ▶️ for newer and older pages.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import type { Ticket } from "../domain/ticket.ts";
import type { UserRecord } from "../store/users.ts";
import type { SearchPage } from "../store/search.ts";
import { encode } from "./callbacks.ts";
import { escapeHtml } from "../html.ts";
import { displayName } from "./card.ts";
import type { Screen } from "./screen.ts";

/** Results per page. */
export const FIND_PAGE_SIZE = 10;

/** The longest customer name in a result's button, in characters. */
const LABEL_NAME_LIMIT = 28;

/** What the results are of: the words searched, or a customer (by @username or id). */
export type FindTitle =
  | { kind: "words"; words: string[] }
  | { kind: "user"; userId: number; user: UserRecord | null };

/** One page of results as shown. */
export interface FindResults {
  title: FindTitle;
  page: SearchPage;
  /** The page's tickets, newest first (those that exist). */
  tickets: Ticket[];
  users: Map<number, UserRecord | null>;
  /** The search in the page buttons' data (see callbacks.ts "find_page"). */
  ref: string;
  /** How far the index of older tickets is built, in percent, while it is not complete. */
  indexing?: number;
}

function shorten(text: string, limit: number): string {
  const chars = [...text];
  return chars.length > limit ? chars.slice(0, limit - 1).join("") + "…" : text;
}

/** The results screen. */
export function renderFindResults(data: FindResults, locale: Locale, i18n: Translator): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const title = data.title;
  const lines = [
    title.kind === "words"
      ? t("find-title-words", { query: escapeHtml(title.words.join(" ")) })
      : t("find-title-user", {
        name: escapeHtml(displayName(title.user, title.userId)),
        userId: String(title.userId),
      }),
  ];
  if (data.page.cut.length) {
    lines.push(t("find-cut", { words: escapeHtml(data.page.cut.join(", ")) }));
  }
  if (data.indexing !== undefined) lines.push(t("find-indexing", { percent: data.indexing }));
  if (data.page.stopped) lines.push(t("find-stopped"));
  if (data.tickets.length === 0) lines.push(t("find-no-more"));
  else lines.push(t("find-hint"));

  const rows: InlineKeyboardButton[][] = data.tickets.map((ticket) => {
    const user = data.users.get(ticket.userId) ?? null;
    const label = t("find-button", {
      id: String(ticket.id),
      status: t(`status-${ticket.status}`),
      name: shorten(displayName(user, ticket.userId), LABEL_NAME_LIMIT),
    });
    return [InlineKeyboard.text(label, encode({ kind: "find_open", ticketId: ticket.id }))];
  });
  const { newer, older } = data.page;
  const pageButton = (direction: "older" | "newer", at: number) =>
    encode({ kind: "find_page", ref: data.ref, direction, at });
  const pager = [
    ...(newer !== undefined
      ? [InlineKeyboard.text(t("btn-prev"), pageButton("newer", newer))]
      : []),
    ...(older !== undefined
      ? [InlineKeyboard.text(t("btn-next"), pageButton("older", older))]
      : []),
  ];
  if (pager.length) rows.push(pager);
  const keyboard = InlineKeyboard.from(rows);
  return { text: lines.join("\n"), keyboard };
}

/** The answer to a search that found nothing, naming it. */
export function renderNothingFound(query: string, locale: Locale, i18n: Translator): string {
  return i18n.t(locale, "find-nothing", { query: escapeHtml(shorten(query, 200)) });
}
