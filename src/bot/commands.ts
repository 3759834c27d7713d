/**
 * Bot commands shown in Telegram's menu: the users' list per language, for
 * each admin the admin list in that admin's chat only (scope `chat`), and the
 * agents' list in the support group.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { BotDeps } from "./context.ts";
import type { Locale } from "../config.ts";
import { adminLocale } from "../services/notify.ts";

/** Commands everyone sees. */
export function userCommands(deps: Pick<BotDeps, "i18n">, locale: Locale): BotCommand[] {
  const t = (key: string) => deps.i18n.t(locale, key);
  return [
    { command: "start", description: t("cmd-start") },
    { command: "id", description: t("cmd-id") },
  ];
}

/** Commands an admin sees in their own chat. */
export function adminCommands(deps: Pick<BotDeps, "i18n">, locale: Locale): BotCommand[] {
  const t = (key: string) => deps.i18n.t(locale, key);
  return [
    { command: "start", description: t("cmd-admin-start") },
    { command: "admin", description: t("cmd-admin") },
    { command: "help", description: t("cmd-help") },
    { command: "ban", description: t("cmd-ban") },
    { command: "unban", description: t("cmd-unban") },
    { command: "saved", description: t("cmd-saved") },
    { command: "save", description: t("cmd-save") },
    { command: "r", description: t("cmd-r") },
    { command: "find", description: t("cmd-find") },
    { command: "id", description: t("cmd-id") },
  ];
}

/** Commands shown in the support group (everyone there sees them; only agents' work). */
export function groupCommands(deps: Pick<BotDeps, "i18n">, locale: Locale): BotCommand[] {
  const t = (key: string) => deps.i18n.t(locale, key);
  return [
    { command: "note", description: t("cmd-note") },
    { command: "r", description: t("cmd-r") },
    { command: "save", description: t("cmd-save") },
    { command: "saved", description: t("cmd-saved") },
    { command: "find", description: t("cmd-find") },
    { command: "admin", description: t("cmd-admin") },
    { command: "help", description: t("cmd-help") },
    { command: "id", description: t("cmd-id") },
  ];
}

/**
 * Registers the command lists with setMyCommands: the default list (in
 * DEFAULT_LOCALE), one per language code, and each admin's own list. A
 * failure is logged and never stops the bot.
 */
export async function registerCommands(api: Api, deps: BotDeps): Promise<void> {
  const attempt = async (what: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      deps.log.warn("Could not register bot commands", { what, error });
    }
  };
  await attempt("default", () => api.setMyCommands(userCommands(deps, deps.config.defaultLocale)));
  for (const locale of ["en", "ru"] as const) {
    await attempt(
      locale,
      () => api.setMyCommands(userCommands(deps, locale), { language_code: locale }),
    );
  }
  for (const adminId of deps.config.adminIds) {
    await attempt(
      `admin ${adminId}`,
      async () =>
        api.setMyCommands(adminCommands(deps, await adminLocale(deps, adminId)), {
          scope: { type: "chat", chat_id: adminId },
        }),
    );
  }
  const group = deps.config.supportChatId;
  if (group !== undefined) {
    await attempt(
      "support group",
      () =>
        api.setMyCommands(groupCommands(deps, deps.config.defaultLocale), {
          scope: { type: "chat", chat_id: group },
        }),
    );
  }
}
