/**
 * Scheduled jobs wired to Deno.cron. Placeholder until the jobs issue.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../bot/context.ts";

/** Running jobs. */
export interface Jobs {
  stop(): Promise<void>;
}

/** Runs start-up jobs and registers the schedules. */
export function startJobs(_deps: BotDeps, _api: Api): Jobs {
  return { stop: () => Promise.resolve() };
}
