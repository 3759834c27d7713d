/**
 * The admin panel's main screen: a summary line and the sections.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import { encode } from "./callbacks.ts";
import type { Screen } from "./screen.ts";

/** What the panel shows. */
export interface PanelData {
  ticketsNew: number;
  ticketsInProgress: number;
  autoCloseWaiting: number;
}

/** The panel: Inbox, Statistics, Blocked users, Settings, Help. */
export function renderPanel(data: PanelData, locale: Locale, i18n: Translator): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const text = [
    t("panel-title"),
    "",
    t("panel-open", {
      open: data.ticketsNew + data.ticketsInProgress,
      new: data.ticketsNew,
      inProgress: data.ticketsInProgress,
    }),
    t("panel-autoclose", { count: data.autoCloseWaiting }),
    "",
    t("panel-hint"),
  ].join("\n");
  const keyboard = new InlineKeyboard()
    .text(t("btn-inbox"), encode({ kind: "admin", screen: "inbox", page: 0 }))
    .text(t("btn-stats"), encode({ kind: "admin", screen: "stats", page: 0 })).row()
    .text(t("btn-blocked"), encode({ kind: "admin", screen: "blocked", page: 0 }))
    .text(t("btn-settings"), encode({ kind: "admin", screen: "settings", page: 0 })).row()
    .text(t("btn-help"), encode({ kind: "admin", screen: "help", page: 0 }));
  return { text, keyboard };
}

/** A keyboard with one "Back" button to the panel (or another screen). */
export function backKeyboard(
  locale: Locale,
  i18n: Translator,
  to: Parameters<typeof encode>[0] = { kind: "admin", screen: "panel", page: 0 },
): InlineKeyboard {
  return new InlineKeyboard().text(i18n.t(locale, "btn-back"), encode(to));
}

/** Previous / next page buttons (only those that lead somewhere) as one row. */
export function pagerRow(
  keyboard: InlineKeyboard,
  options: {
    page: number;
    hasMore: boolean;
    data: (page: number) => string;
    locale: Locale;
    i18n: Translator;
  },
): InlineKeyboard {
  const { page, hasMore, data, locale, i18n } = options;
  if (page > 0) keyboard.text(i18n.t(locale, "btn-prev"), data(page - 1));
  if (hasMore) keyboard.text(i18n.t(locale, "btn-next"), data(page + 1));
  if (page > 0 || hasMore) keyboard.row();
  return keyboard;
}
