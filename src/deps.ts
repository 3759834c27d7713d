/**
 * What every part of the bot is given: the store, the configuration, the
 * clock, the log, translations, alerts, and this process's own state. Built
 * once in `main.ts` (tests build their own) and passed in; nothing here is a
 * module-level singleton.
 *
 * @module
 */
import type { Config } from "./config.ts";
import type { Clock } from "./clock.ts";
import type { Logger } from "./log.ts";
import type { Translator } from "./i18n.ts";

/** Operational alerts to the alert chat. The default does nothing. */
export interface Alerts {
  /** Sends a text (already HTML-safe) to the alert chat, if one is configured. */
  send(html: string): Promise<void>;
  /** Reports an error (throttled by ERROR_ALERT_THROTTLE_SEC when enabled). */
  error(error: unknown, where: string): void;
}

/** Counters of this process, for Settings → Debug and shutdown. */
export interface RuntimeState {
  /** This process among those sharing the store (its heartbeat, its claims). */
  processId: string;
  startedAt: number;
  errorCount: number;
  /** Updates being handled right now; shutdown waits for them. */
  inFlight: number;
  /** No writable disk (Deno Deploy): backups are only sent to Telegram, logs only to stdout. */
  diskless?: boolean;
  /** The export this process is sending (Settings → Export; one at a time per process). */
  exportRunning?: Promise<void>;
  /** A "Backup now" is running (one at a time per process). */
  backupRunning?: boolean;
}

/** Everything features, services and jobs need. */
export interface BotDeps {
  kv: Deno.Kv;
  config: Config;
  clock: Clock;
  log: Logger;
  i18n: Translator;
  alerts: Alerts;
  runtime: RuntimeState;
  /** Wakes the outbox sender for a chat (services/outbox.ts); a no-op where none runs. */
  wake: (chatId: number) => void;
}

/** Alerts that go nowhere (no alert chat, or tests). */
export const noAlerts: Alerts = { send: () => Promise.resolve(), error: () => {} };
