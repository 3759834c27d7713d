/**
 * The blocked users list, with an Unblock button per user, and the answers
 * to /ban and /unban.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import type { BlockedRecord, UserRecord } from "../store/users.ts";
import { encode } from "./callbacks.ts";
import { escapeHtml, mentionHtml } from "../html.ts";
import { formatDateTime } from "../time.ts";
import { displayName } from "./card.ts";
import { backKeyboard, pagerRow } from "./panel.ts";
import type { Screen } from "./screen.ts";

/** Users per page of the blocked list. */
export const BLOCKED_PAGE_SIZE = 8;

const LABEL_NAME_LIMIT = 24;

/** What one page of the blocked list shows. */
export interface BlockedData {
  entries: BlockedRecord[];
  users: Map<number, UserRecord | null>;
  /** Zero-based page. */
  page: number;
  hasMore: boolean;
  /** Blocked users in total (from the counter). */
  total: number;
  timezone: string;
}

function shorten(text: string, limit: number): string {
  const chars = [...text];
  return chars.length > limit ? chars.slice(0, limit - 1).join("") + "…" : text;
}

/** One page of the blocked list. */
export function renderBlocked(data: BlockedData, locale: Locale, i18n: Translator): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const lines = [t("blocked-title", { count: data.total, page: data.page + 1 }), ""];
  const keyboard = new InlineKeyboard();
  if (data.entries.length === 0) lines.push(t("blocked-empty"));
  for (const entry of data.entries) {
    const user = data.users.get(entry.userId) ?? null;
    const name = displayName(user, entry.userId);
    lines.push(t("blocked-row", {
      mention: mentionHtml(entry.userId, name),
      username: user?.username ? ` @${escapeHtml(user.username)}` : "",
      id: String(entry.userId),
      time: formatDateTime(entry.at, locale, data.timezone),
    }));
    keyboard.text(
      t("btn-unblock-user", { name: shorten(name, LABEL_NAME_LIMIT) }),
      encode({ kind: "unblock_user", userId: entry.userId, page: data.page }),
    ).row();
  }
  lines.push("", t("blocked-hint"));
  pagerRow(keyboard, {
    page: data.page,
    hasMore: data.hasMore,
    data: (page) => encode({ kind: "admin", screen: "blocked", page }),
    locale,
    i18n,
  });
  keyboard.append(backKeyboard(locale, i18n));
  return { text: lines.join("\n"), keyboard };
}

/** What /ban and /unban did. */
export type BanOutcome =
  | { kind: "usage"; command: "ban" | "unban" }
  | { kind: "bad_id"; command: "ban" | "unban"; value: string }
  | { kind: "admin"; userId: number }
  | { kind: "banned"; user: UserRecord | null; userId: number; known: boolean }
  | { kind: "already_banned"; user: UserRecord | null; userId: number }
  | { kind: "unbanned"; user: UserRecord | null; userId: number }
  | { kind: "not_banned"; user: UserRecord | null; userId: number }
  | { kind: "unknown"; userId: number };

/** The HTML answer to /ban or /unban. */
export function renderBanOutcome(outcome: BanOutcome, locale: Locale, i18n: Translator): string {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const who = (user: UserRecord | null, userId: number) => ({
    mention: mentionHtml(userId, displayName(user, userId)),
    id: String(userId),
  });
  switch (outcome.kind) {
    case "usage":
      return t(`${outcome.command}-usage`);
    case "bad_id":
      return t("ban-bad-id", { value: escapeHtml(shorten(outcome.value, 40)) }) + "\n" +
        t(`${outcome.command}-usage`);
    case "admin":
      return t("ban-admin", { id: String(outcome.userId) });
    case "banned":
      return t(outcome.known ? "ban-done" : "ban-done-unknown", who(outcome.user, outcome.userId));
    case "already_banned":
      return t("ban-already", who(outcome.user, outcome.userId));
    case "unbanned":
      return t("unban-done", who(outcome.user, outcome.userId));
    case "not_banned":
      return t("unban-not-blocked", who(outcome.user, outcome.userId));
    case "unknown":
      return t("unban-unknown", { id: String(outcome.userId) });
  }
}
