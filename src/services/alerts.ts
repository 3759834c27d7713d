/**
 * Alerts to ALERT_CHAT_ID (topic ALERT_TOPIC_ID). Placeholder until the jobs issue.
 *
 * @module
 */
import type { Api } from "grammy";
import type { Alerts, BotDeps } from "../bot/context.ts";

/** Alerts bound to a bot API once the bot exists. */
export interface AlertService extends Alerts {
  attach(api: Api): void;
  started(): Promise<void>;
  stopped(): Promise<void>;
}

/** Creates the alert service. */
export function createAlerts(_deps: Omit<BotDeps, "alerts">): AlertService {
  return {
    attach() {},
    send: () => Promise.resolve(),
    error() {},
    started: () => Promise.resolve(),
    stopped: () => Promise.resolve(),
  };
}
