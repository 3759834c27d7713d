/**
 * The admin Help screen: every admin action and command explained.
 *
 * @module
 */
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import { backKeyboard } from "./panel.ts";
import type { Screen } from "./screen.ts";

/** The sections of the help screen, in order (each a locale key). */
export const HELP_SECTIONS = [
  "help-title",
  "help-panel",
  "help-inbox",
  "help-card",
  "help-reply",
  "help-group",
  "help-find",
  "help-status",
  "help-block",
  "help-stats",
  "help-settings",
  "help-notifications",
  "help-legacy",
  "help-commands",
] as const;

/** The help screen, with Back to the panel. */
export function renderHelp(
  data: { autoCloseAfterHours: number },
  locale: Locale,
  i18n: Translator,
): Screen {
  const hours = new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB").format(
    data.autoCloseAfterHours,
  );
  const text = HELP_SECTIONS.map((key) => i18n.t(locale, key, { hours })).join("\n\n");
  return { text, keyboard: backKeyboard(locale, i18n) };
}
