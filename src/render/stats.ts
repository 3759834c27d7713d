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
import { escapeHtml } from "../html.ts";
import { backKeyboard } from "./panel.ts";
import type { Screen } from "./screen.ts";

/** A decimal like `2.67` (`2,67` in Russian), or a dash when there is nothing to average. */
export function formatAverage(value: number | null, locale: Locale): string {
  if (value === null) return "—";
  return new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    maximumFractionDigits: 2,
  }).format(value);
}

/** Agents listed on the screen (most answers first); the rest are counted in one line. */
export const AGENTS_SHOWN = 10;

/** The longest agent name shown, so that ten agents keep the screen far below 4096 characters. */
const AGENT_NAME_LIMIT = 32;

/**
 * The statistics screen, with Refresh and Back. `agentNames` names the agents
 * of `stats.last30Days.agents` (an agent missing from it shows as the id).
 */
export function renderStats(
  stats: Stats,
  locale: Locale,
  i18n: Translator,
  agentNames: ReadonlyMap<number, string> = new Map(),
): Screen {
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
    "",
    t("stats-agents-title"),
    ...agentLines(stats, agentNames, t, locale),
  ].join("\n");
  const keyboard = new InlineKeyboard()
    .text(t("btn-refresh"), encode({ kind: "admin", screen: "stats", page: 0 })).row()
    .append(backKeyboard(locale, i18n));
  return { text, keyboard };
}

/** One line per agent (the first {@link AGENTS_SHOWN}), then how many more there are. */
function agentLines(
  stats: Stats,
  names: ReadonlyMap<number, string>,
  t: (key: string, args?: Record<string, string | number>) => string,
  locale: Locale,
): string[] {
  const agents = stats.last30Days.agents;
  if (agents.length === 0) return [t("stats-agents-none")];
  const lines = agents.slice(0, AGENTS_SHOWN).map((agent) => {
    const name = [...(names.get(agent.agentId) ?? String(agent.agentId))];
    const shown = name.length > AGENT_NAME_LIMIT
      ? name.slice(0, AGENT_NAME_LIMIT - 1).join("") + "…"
      : name.join("");
    return t("stats-agent", {
      name: escapeHtml(shown),
      answers: agent.answers,
      closed: agent.closed,
      time: agent.medianFirstResponseMs === null
        ? "—"
        : formatDuration(agent.medianFirstResponseMs, locale),
    });
  });
  const more = agents.length - AGENTS_SHOWN;
  if (more > 0) lines.push(t("stats-agents-more", { count: more }));
  return lines;
}
