/**
 * The bot's context: grammY's Context plus our dependencies, the reader's
 * language and whether the sender is an admin.
 *
 * @module
 */
import type { Context } from "grammy";
import type { Locale } from "../config.ts";
import type { TranslationArgs } from "../i18n.ts";
import type { UserRecord } from "../store/users.ts";
import type { BotDeps } from "../deps.ts";

export type { Alerts, BotDeps, RuntimeState } from "../deps.ts";
export { noAlerts } from "../deps.ts";

/** Our additions to grammY's context. */
export interface BotFlavor {
  deps: BotDeps;
  /** The sender's language. */
  locale: Locale;
  /** Translates into the sender's language. */
  t(key: string, args?: TranslationArgs): string;
  /** Whether the sender is one of ADMIN_ID (checked on every update). */
  isAdmin: boolean;
  /** The sender's stored record, in private chats. */
  profile?: UserRecord;
  /**
   * Failed attempts of this update before this one (bot/journal.ts): the
   * sender hears of a failure once, not again at each retry.
   */
  failedBefore?: number;
}

/** The context every feature receives. */
export type BotContext = Context & BotFlavor;
