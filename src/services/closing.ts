/**
 * Telling a user that their ticket was closed. Placeholder until the conversation issue.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../bot/context.ts";
import type { Ticket } from "../domain/ticket.ts";

/**
 * Sends the user the closure notice in their language, with the rating buttons;
 * after an auto-close also an "Ask a question" button. Never throws for an
 * unreachable user (marks them unreachable instead).
 */
export async function announceClosed(
  _api: Api,
  _deps: BotDeps,
  _ticket: Ticket,
  _options: { auto: boolean },
): Promise<void> {}
