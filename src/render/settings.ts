/**
 * Settings: the menu (Info, Debug, Export, Backup now) and the Info screen with the
 * configuration in force, secrets redacted.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import { encode } from "./callbacks.ts";
import { escapeHtml } from "../html.ts";
import { backKeyboard } from "./panel.ts";
import type { Screen } from "./screen.ts";

/** The longest configuration value shown (alert texts can be long). */
const VALUE_LIMIT = 200;

/** The menu of Settings; `status` is an extra line, e.g. the outcome of "Backup now". */
export function renderSettings(
  data: { backupEnabled: boolean; status?: string },
  locale: Locale,
  i18n: Translator,
): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const lines = [
    t("settings-title"),
    "",
    t("settings-body"),
    t("settings-export"),
    t(data.backupEnabled ? "settings-backup-scheduled" : "settings-backup-off"),
  ];
  if (data.status) lines.push("", data.status);
  // Back comes before "Backup now": a search for the label "Back" finds the real one first.
  const keyboard = new InlineKeyboard()
    .text(t("btn-info"), encode({ kind: "admin", screen: "info", page: 0 }))
    .text(t("btn-debug"), encode({ kind: "admin", screen: "debug", page: 0 })).row()
    .text(t("btn-export"), encode({ kind: "admin", screen: "export", page: 0 })).row()
    .text(t("btn-back"), encode({ kind: "admin", screen: "panel", page: 0 }))
    .text(t("btn-backup"), encode({ kind: "admin", screen: "backup", page: 0 }));
  return { text: lines.join("\n"), keyboard };
}

/** The environment variable behind a field of `Config` (botToken → BOT_TOKEN). */
export function envName(field: string): string {
  if (field === "adminIds") return "ADMIN_ID";
  return field.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function shorten(text: string): string {
  const chars = [...text];
  return chars.length > VALUE_LIMIT ? chars.slice(0, VALUE_LIMIT - 1).join("") + "…" : text;
}

/** Settings → Info: the version and every setting in force (`redactedConfig` output). */
export function renderInfo(
  data: { version: string; config: Record<string, string> },
  locale: Locale,
  i18n: Translator,
): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const rows = Object.entries(data.config).map(([field, value]) =>
    `<code>${envName(field)}</code> = ${escapeHtml(shorten(value))}`
  );
  const text = [
    t("info-title"),
    t("info-version", { version: escapeHtml(data.version) }),
    "",
    ...rows,
    "",
    t("info-hint"),
  ].join("\n");
  return {
    text,
    keyboard: backKeyboard(locale, i18n, { kind: "admin", screen: "settings", page: 0 }),
  };
}
