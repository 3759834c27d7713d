/**
 * The bot's context: grammY's Context plus our dependencies, the reader's
 * language and whether the sender is an admin.
 *
 * @module
 */
import type { Context } from "grammy";
import type { Config, Locale } from "../config.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { TranslationArgs, Translator } from "../i18n.ts";
import type { UserRecord } from "../store/users.ts";
import type { PendingInput } from "../store/pending.ts";
import type { ReplyMode } from "../store/reply_modes.ts";
import type { Prefetched } from "./prefetch.ts";

/** Operational alerts to the alert chat. The default does nothing. */
export interface Alerts {
  /** Sends a text (already HTML-safe) to the alert chat, if one is configured. */
  send(html: string): Promise<void>;
  /** Reports an error (throttled by ERROR_ALERT_THROTTLE_SEC when enabled). */
  error(error: unknown, where: string): void;
}

/** Counters of this process, for Settings → Debug. */
export interface RuntimeState {
  startedAt: number;
  errorCount: number;
  /** Updates being handled right now; shutdown waits for them. */
  inFlight: number;
}

/** Everything features need, passed in once by `createBot`. */
export interface BotDeps {
  kv: Deno.Kv;
  config: Config;
  clock: Clock;
  log: Logger;
  i18n: Translator;
  alerts: Alerts;
  runtime: RuntimeState;
}

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
   * A user's pending input as the update began (private chats, not admins; null:
   * none). Read with the profile, saving a round trip; only the user's own
   * updates change it, and they run one after another.
   */
  pending?: PendingInput | null;
  /** An admin's reply mode as the update began (private chats; null: none), likewise. */
  replyMode?: ReplyMode | null;
  /** What the features asked to read ahead for this update (see prefetch.ts). */
  prefetched: Prefetched;
}

/** The context every feature receives. */
export type BotContext = Context & BotFlavor;

/** Alerts that go nowhere (no alert chat, or tests). */
export const noAlerts: Alerts = { send: () => Promise.resolve(), error: () => {} };
