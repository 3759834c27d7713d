/**
 * Messages to every admin, each in the admin's own language.
 *
 * @module
 */
import type { Api } from "grammy";
import type { Locale } from "../config.ts";
import type { BotDeps } from "../deps.ts";
import { getUsers } from "../store/users.ts";
import { userLocale } from "../i18n.ts";
import type { MessageRef } from "../store/tickets.ts";
import { reportFailure } from "./alerts.ts";

/** A message rendered for one language. */
export interface Rendered {
  text: string;
  other?: Parameters<Api["sendMessage"]>[2];
}

/**
 * The language an admin reads: their choice, else their Telegram language, else
 * DEFAULT_LOCALE. Admin records are kept in this process ({@link getUsers}),
 * so this usually costs no store read; a change of language shows at once.
 */
export async function adminLocale(
  deps: Pick<BotDeps, "kv" | "config">,
  adminId: number,
): Promise<Locale> {
  return (await adminLocales(deps, [adminId])).get(adminId)!;
}

/** The language of each admin (every ADMIN_ID unless `adminIds` is given), in one go. */
export async function adminLocales(
  deps: Pick<BotDeps, "kv" | "config">,
  adminIds: readonly number[] = deps.config.adminIds,
): Promise<Map<number, Locale>> {
  const users = await getUsers(deps.kv, adminIds);
  return new Map(
    adminIds.map((id) => [id, userLocale(users.get(id), deps.config.defaultLocale)]),
  );
}

/**
 * Sends `render(locale)` as HTML to every admin. A failure for one admin (the
 * admin never started the bot, or blocked it) is logged and does not stop the others.
 * Returns where the messages landed.
 */
export async function notifyAdmins(
  api: Api,
  deps: Pick<BotDeps, "kv" | "config" | "log"> & Partial<Pick<BotDeps, "alerts">>,
  render: (locale: Locale, adminId: number) => Rendered,
): Promise<MessageRef[]> {
  const locales = await adminLocales(deps);
  const sent = await Promise.all(deps.config.adminIds.map(async (adminId) => {
    try {
      const rendered = render(locales.get(adminId)!, adminId);
      const message = await api.sendMessage(adminId, rendered.text, {
        link_preview_options: { is_disabled: true },
        ...rendered.other,
      });
      return { chatId: adminId, messageIds: [message.message_id] };
    } catch (error) {
      reportFailure(deps, error, "Could not notify an admin", { adminId });
      return null;
    }
  }));
  return sent.filter((ref): ref is MessageRef => ref !== null);
}
