/**
 * The user side's keyboards: main menu, language choice, Cancel, rating and
 * the compact ticket buttons on delivered messages.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import { encode } from "./callbacks.ts";

/** Translates into one locale. */
export type T = (key: string, args?: Record<string, string | number>) => string;

/** A translate function bound to `locale`. */
export function bindT(i18n: Translator, locale: Locale): T {
  return (key, args) => i18n.t(locale, key, args);
}

/** Ask a question, Send feedback, Language. */
export function mainMenuKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("btn-ask"), encode({ kind: "menu", item: "ask" })).row()
    .text(t("btn-feedback"), encode({ kind: "menu", item: "feedback" })).row()
    .text(t("btn-language"), encode({ kind: "menu", item: "language" }));
}

/** "English" and "Русский". */
export function languageKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("conv-lang-en"), encode({ kind: "lang", locale: "en" }))
    .text(t("conv-lang-ru"), encode({ kind: "lang", locale: "ru" }));
}

/** A single Cancel button (leaves reply mode or a pending input). */
export function cancelKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-cancel"), encode({ kind: "cancel" }));
}

/** The stars shown for a rating. */
export function stars(count: number): string {
  return "⭐".repeat(count);
}

/** 1, 2 and 3 stars; after an auto-close also "Ask a question". */
export function ratingKeyboard(t: T, ticketId: number, options: { ask: boolean }): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const count of [1, 2, 3] as const) {
    keyboard.text(stars(count), encode({ kind: "rate", ticketId, stars: count }));
  }
  if (options.ask) keyboard.row().text(t("btn-ask"), encode({ kind: "menu", item: "ask" }));
  return keyboard;
}

/** Reply and Close, under messages of a ticket delivered to an admin. */
export function ticketReplyKeyboard(t: T, ticketId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("btn-reply"), encode({ kind: "ticket", action: "reply", ticketId }))
    .text(t("btn-close"), encode({ kind: "ticket", action: "close", ticketId }));
}
