/**
 * Callback data of every inline button: built and parsed here only.
 *
 * Data is short ASCII (`<kind>:<args>`), far below Telegram's 64-byte limit.
 * Parsing is strict: anything not produced by {@link encode} parses to null, and
 * handlers still re-check the sender and re-read the ticket on every press.
 *
 * @module
 */
import type { Locale } from "../config.ts";
import { LOCALES } from "../config.ts";

/** Actions on a ticket card. */
export const TICKET_ACTIONS = [
  "open",
  "take",
  "reply",
  "close",
  "block",
  "unblock",
  "history",
] as const;
/** One of {@link TICKET_ACTIONS}. */
export type TicketAction = typeof TICKET_ACTIONS[number];

/** Admin panel screens. */
export const ADMIN_SCREENS = [
  "panel",
  "inbox",
  "stats",
  "blocked",
  "settings",
  "info",
  "debug",
  "help",
  "backup",
  "export",
] as const;
/** One of {@link ADMIN_SCREENS}. */
export type AdminScreen = typeof ADMIN_SCREENS[number];

/** Every button's meaning. */
export type Callback =
  | { kind: "menu"; item: "ask" | "feedback" | "language" | "main" }
  | { kind: "lang"; locale: Locale }
  | { kind: "cancel" }
  | { kind: "ticket"; action: TicketAction; ticketId: number }
  | { kind: "rate"; ticketId: number; stars: 1 | 2 | 3 }
  | { kind: "admin"; screen: AdminScreen; page: number }
  | { kind: "unblock_user"; userId: number; page: number }
  | { kind: "saved_delete"; ref: string }
  /** A search result: sends the ticket's card. */
  | { kind: "find_open"; ticketId: number }
  /**
   * A page of search results from ticket id `at` on, older or newer; `ref` is
   * the search: `u<userId>`, `q<words>` or `k<key of a stored one>`.
   */
  | { kind: "find_page"; ref: string; direction: "older" | "newer"; at: number };

/** A search's `ref` in {@link Callback} "find_page". */
export const FIND_REF =
  /^(u\d{1,15}|k[0-9A-Za-z_-]{1,16}|q[\p{L}\p{M}\p{N}]+( [\p{L}\p{M}\p{N}]+)*)$/u;

/** Whether callback data fits Telegram's 64 bytes (UTF-8). */
export function fitsCallbackData(data: string): boolean {
  return new TextEncoder().encode(data).length <= 64;
}

/** Builds a button's callback data. */
export function encode(callback: Callback): string {
  switch (callback.kind) {
    case "menu":
      return `m:${callback.item}`;
    case "lang":
      return `l:${callback.locale}`;
    case "cancel":
      return "x";
    case "ticket":
      return `t:${callback.action}:${callback.ticketId}`;
    case "rate":
      return `r:${callback.ticketId}:${callback.stars}`;
    case "admin":
      return `a:${callback.screen}:${callback.page}`;
    case "unblock_user":
      return `u:${callback.userId}:${callback.page}`;
    case "saved_delete":
      return `s:d:${callback.ref}`;
    case "find_open":
      return `f:${callback.ticketId}`;
    case "find_page":
      return `f:${callback.direction === "older" ? "o" : "n"}${callback.at}:${callback.ref}`;
  }
}

const MENU_ITEMS = ["ask", "feedback", "language", "main"] as const;

function id(text: string | undefined): number | null {
  if (!text || !/^\d{1,15}$/.test(text)) return null;
  const value = Number(text);
  return value > 0 ? value : null;
}

function page(text: string | undefined): number | null {
  if (!text || !/^\d{1,6}$/.test(text)) return null;
  return Number(text);
}

/** Parses callback data; null for anything {@link encode} would not produce. */
export function decode(data: string | undefined): Callback | null {
  if (!data || data.length > 64) return null;
  const [kind, first, second, ...rest] = data.split(":");
  if (rest.length) return null;
  switch (kind) {
    case "m":
      return second === undefined && (MENU_ITEMS as readonly string[]).includes(first)
        ? { kind: "menu", item: first as typeof MENU_ITEMS[number] }
        : null;
    case "l":
      return second === undefined && (LOCALES as readonly string[]).includes(first)
        ? { kind: "lang", locale: first as Locale }
        : null;
    case "x":
      return first === undefined ? { kind: "cancel" } : null;
    case "t": {
      const ticketId = id(second);
      return (TICKET_ACTIONS as readonly string[]).includes(first) && ticketId
        ? { kind: "ticket", action: first as TicketAction, ticketId }
        : null;
    }
    case "r": {
      const ticketId = id(first);
      const stars = Number(second);
      return ticketId && (second === "1" || second === "2" || second === "3")
        ? { kind: "rate", ticketId, stars: stars as 1 | 2 | 3 }
        : null;
    }
    case "a": {
      const p = page(second);
      return (ADMIN_SCREENS as readonly string[]).includes(first) && p !== null
        ? { kind: "admin", screen: first as AdminScreen, page: p }
        : null;
    }
    case "u": {
      const userId = id(first);
      const p = page(second);
      return userId && p !== null ? { kind: "unblock_user", userId, page: p } : null;
    }
    case "s":
      return first === "d" && /^[0-9a-z]{1,8}$/.test(second ?? "")
        ? { kind: "saved_delete", ref: second }
        : null;
    case "f": {
      if (second === undefined) {
        const ticketId = id(first);
        return ticketId ? { kind: "find_open", ticketId } : null;
      }
      const at = /^[on]\d{1,16}$/.test(first ?? "") ? Number(first.slice(1)) : 0;
      return at > 0 && at <= Number.MAX_SAFE_INTEGER && FIND_REF.test(second)
        ? { kind: "find_page", ref: second, direction: first[0] === "o" ? "older" : "newer", at }
        : null;
    }
    default:
      return null;
  }
}
