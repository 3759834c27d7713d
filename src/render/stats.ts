/**
 * The statistics screen.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import type { Stats } from "../store/stats.ts";
import { encode } from "./callbacks.ts";
import { formatDuration } from "../time.ts";
import { backKeyboard } from "./panel.ts";
import type { Screen } from "./screen.ts";

/** A decimal like `2.67` (`2,67` in Russian), or a dash when there is nothing to average. */
export function formatAverage(value: number | null, locale: Locale): string {
  if (value === null) return "—";
  return new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    maximumFractionDigits: 2,
  }).format(value);
}

/** The statistics screen, with Refresh and Back. */
export function renderStats(stats: Stats, locale: Locale, i18n: Translator): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const last = stats.last30Days;
  const text = [
    t("stats-title"),
    "",
    t("stats-users", { users: stats.users, blocked: stats.blocked }),
    t("stats-tickets", {
      total: stats.ticketsTotal,
      new: stats.ticketsNew,
      inProgress: stats.ticketsInProgress,
      closed: stats.ticketsClosed,
    }),
    t("stats-autoclose", { count: stats.autoCloseWaiting }),
    t("stats-ratings", {
      count: stats.ratingsCount,
      average: formatAverage(stats.ratingsAverage, locale),
    }),
    t("stats-distribution", {
      one: stats.ratingDistribution[1],
      two: stats.ratingDistribution[2],
      three: stats.ratingDistribution[3],
    }),
    t("stats-feedback", { count: stats.feedbackCount }),
    "",
    t("stats-30d-title"),
    t("stats-30d-tickets", { created: last.created, closed: last.closed }),
    t("stats-30d-rating", { average: formatAverage(last.ratingsAverage, locale) }),
    t("stats-30d-first-response", {
      time: last.medianFirstResponseMs === null
        ? "—"
        : formatDuration(last.medianFirstResponseMs, locale),
    }),
  ].join("\n");
  const keyboard = new InlineKeyboard()
    .text(t("btn-refresh"), encode({ kind: "admin", screen: "stats", page: 0 })).row()
    .append(backKeyboard(locale, i18n));
  return { text, keyboard };
}
