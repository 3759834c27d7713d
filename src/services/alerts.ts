/**
 * Operational alerts to ALERT_CHAT_ID (in topic ALERT_TOPIC_ID when set):
 * start-up, shutdown, errors (throttled) and backup results.
 *
 * Without ALERT_CHAT_ID nothing is sent. Sending never throws into the caller:
 * an alert that cannot be delivered is logged and dropped.
 *
 * @module
 */
import type { Api } from "grammy";
import type { Alerts, BotDeps } from "../deps.ts";
import { escapeHtml } from "../html.ts";
import { APP_VERSION } from "../version.ts";
import { formatDateTime } from "../time.ts";

/** Alerts bound to a bot API once the bot exists. */
export interface AlertService extends Alerts {
  /** Binds the API used to send; alerts before this are dropped. */
  attach(api: Api): void;
  /** The start-up alert: START_ALERT, or the localized default. */
  started(): Promise<void>;
  /** The shutdown alert: SHUTDOWN_ALERT, or the localized default; waits for alerts in flight. */
  stopped(): Promise<void>;
  /** Resolves when every alert sent so far has been handled (tests, shutdown). */
  flush(): Promise<void>;
}

/** The longest error text put into an alert. */
const ERROR_TEXT_LIMIT = 300;
/** START_ALERT / SHUTDOWN_ALERT are cut here, well within Telegram's 4096 characters. */
const CUSTOM_TEXT_LIMIT = 3500;

/**
 * Creates the alert service.
 *
 * @example
 * ```ts
 * const alerts = createAlerts(deps);
 * alerts.attach(bot.api);
 * await alerts.started();
 * ```
 */
export function createAlerts(deps: Omit<BotDeps, "alerts">): AlertService {
  const { config, i18n, log, clock } = deps;
  const locale = config.defaultLocale;
  let api: Api | undefined;
  const inFlight = new Set<Promise<void>>();
  let lastErrorAlertAt: number | undefined;
  let heldBack = 0;

  const send = (html: string): Promise<void> => {
    if (config.alertChatId === undefined || !api) return Promise.resolve();
    const chatId = config.alertChatId;
    const task = (async () => {
      try {
        await api.sendMessage(chatId, html, {
          message_thread_id: config.alertTopicId,
          link_preview_options: { is_disabled: true },
        });
      } catch (error) {
        // Never through alerts.error: a broken alert chat must not loop.
        log.warn("Could not send an alert", { chatId, error });
      }
    })();
    inFlight.add(task);
    task.finally(() => inFlight.delete(task));
    return task;
  };

  const flush = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const now = () => formatDateTime(clock.now(), locale, config.timezone);

  return {
    attach(boundApi) {
      api = boundApi;
    },
    send,
    error(error, where) {
      if (!config.errorAlertsEnabled || config.alertChatId === undefined) return;
      const at = clock.now();
      const throttleMs = config.errorAlertThrottleSec * 1000;
      if (lastErrorAlertAt !== undefined && at - lastErrorAlertAt < throttleMs) {
        heldBack++;
        return;
      }
      lastErrorAlertAt = at;
      let text = i18n.t(locale, "jobs-alert-error", {
        where: escapeHtml(where),
        error: escapeHtml(describe(error, config.botToken)),
        time: now(),
      });
      if (heldBack > 0) {
        text += "\n" + i18n.t(locale, "jobs-alert-error-held-back", { count: heldBack });
        heldBack = 0;
      }
      void send(text);
    },
    async started() {
      await send(
        config.startAlert !== undefined
          ? custom(config.startAlert)
          : i18n.t(locale, "jobs-alert-started", { version: APP_VERSION, time: now() }),
      );
    },
    async stopped() {
      await flush();
      let text = config.shutdownAlert !== undefined
        ? custom(config.shutdownAlert)
        : i18n.t(locale, "jobs-alert-stopped", { version: APP_VERSION, time: now() });
      if (heldBack > 0 && config.errorAlertsEnabled) {
        text += "\n" + i18n.t(locale, "jobs-alert-error-held-back", { count: heldBack });
        heldBack = 0;
      }
      await send(text);
    },
    flush,
  };
}

/** A self-hoster's alert text: plain text, so it is escaped. */
function custom(text: string): string {
  return escapeHtml(
    text.length > CUSTOM_TEXT_LIMIT ? text.slice(0, CUSTOM_TEXT_LIMIT) + "…" : text,
  );
}

/** One short line about an error: its name and message, never the stack nor the token. */
function describe(error: unknown, token: string): string {
  let text: string;
  if (error instanceof Error) {
    text = error.message ? `${error.name}: ${error.message}` : error.name;
  } else {
    try {
      text = typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
    } catch {
      text = String(error);
    }
  }
  text = text.split("\n")[0].replaceAll(token, "***");
  return text.length > ERROR_TEXT_LIMIT ? text.slice(0, ERROR_TEXT_LIMIT) + "…" : text;
}

/** Logs a failed call and reports it to the alert chat (throttled there). */
export function reportFailure(
  deps: Pick<BotDeps, "log"> & Partial<Pick<BotDeps, "alerts">>,
  error: unknown,
  what: string,
  details: Record<string, unknown> = {},
): void {
  deps.log.warn(what, { ...details, error });
  deps.alerts?.error(error, what);
}
