/**
 * Telling a user that their ticket was closed, by an admin or by auto-close.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../deps.ts";
import type { Ticket } from "../domain/ticket.ts";
import { getUser, markUnreachable } from "../store/users.ts";
import { bindT, ratingKeyboard } from "../render/menu.ts";
import { userLocale } from "../i18n.ts";
import { reportFailure } from "./alerts.ts";
import { isUnreachableError } from "../telegram/content.ts";

/** What became of the closure notice: sent, refused because the user blocked the bot, or failed. */
export type ClosureNotice = "sent" | "blocked" | "failed";

/**
 * Sends the user the closure notice in their language, with the rating buttons;
 * after an auto-close also an "Ask a question" button. Never throws for an
 * unreachable user (marks them unreachable instead). Returns what became of
 * the notice.
 *
 * @example
 * ```ts
 * await announceClosed(bot.api, deps, ticket, { auto: true });
 * ```
 */
export async function announceClosed(
  api: Api,
  deps: BotDeps,
  ticket: Ticket,
  options: { auto: boolean },
): Promise<ClosureNotice> {
  const user = await getUser(deps.kv, ticket.userId);
  const t = bindT(deps.i18n, userLocale(user, deps.config.defaultLocale));
  try {
    await api.sendMessage(
      ticket.userId,
      t(options.auto ? "conv-user-autoclosed" : "conv-user-closed", { id: String(ticket.id) }),
      {
        reply_markup: ratingKeyboard(t, ticket.id, { ask: options.auto }),
      },
    );
    return "sent";
  } catch (error) {
    if (isUnreachableError(error)) {
      await markUnreachable(deps.kv, ticket.userId);
      return "blocked";
    }
    reportFailure(deps, error, "Could not send a closure notice", { ticketId: ticket.id });
    return "failed";
  }
}
