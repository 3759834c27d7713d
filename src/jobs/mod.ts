/**
 * Scheduled jobs wired to Deno.cron. This is the only place that calls
 * `Deno.cron`; the job functions themselves are plain and tested directly.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../deps.ts";
import { sweepAutoClose } from "./autoclose.ts";
import { scheduledBackupTick } from "./schedule.ts";

export { sweepAutoClose } from "./autoclose.ts";
export { backupNow, type BackupResult, createBackup } from "./backup.ts";
export { restoreBackup, RestoreError } from "./restore.ts";
export { scheduledBackupTick } from "./schedule.ts";

/** Running jobs. */
export interface Jobs {
  /** Unregisters the schedules and waits for runs in progress. */
  stop(): Promise<void>;
}

/** Cron names must be unique within a process. */
export const CRON_NAMES = { autoClose: "support-desk-autoclose", backup: "support-desk-backup" };

/**
 * Registers the auto-close sweep (every minute) and the backup check (every
 * minute; see schedule.ts for why), and runs one sweep and one backup check
 * right away so that work that fell due while the bot was down is done now.
 *
 * Runs of one job never overlap within a process; across processes the jobs
 * are safe by their own version checks.
 */
export function startJobs(deps: BotDeps, api: Api): Jobs {
  const controller = new AbortController();
  const running = new Set<Promise<unknown>>();

  const guarded = (name: string, job: () => Promise<unknown>) => {
    let current: Promise<unknown> | undefined;
    return () => {
      if (current || controller.signal.aborted) return;
      current = job().catch((error) => {
        deps.runtime.errorCount++;
        deps.log.error(`Job ${name} failed`, { error });
        deps.alerts.error(error, `job ${name}`);
      }).finally(() => {
        running.delete(current!);
        current = undefined;
      });
      running.add(current);
    };
  };

  const autoClose = guarded("auto-close", () => sweepAutoClose(deps, api));
  const backup = guarded("backup", () => scheduledBackupTick(deps, api));

  everyMinute(CRON_NAMES.autoClose, controller.signal, autoClose, deps);
  if (deps.config.backupEnabled) everyMinute(CRON_NAMES.backup, controller.signal, backup, deps);
  autoClose();
  backup();

  return {
    async stop() {
      controller.abort();
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * Registers `run` with Deno.cron every minute. Without Deno.cron (a runtime
 * started without the unstable cron API) a timer does the same, so the jobs
 * never silently stop.
 */
function everyMinute(
  name: string,
  signal: AbortSignal,
  run: () => void,
  deps: Pick<BotDeps, "log">,
): void {
  if (typeof Deno.cron === "function") {
    // Deno.cron's promise settles only when the cron is aborted: never await it.
    Deno.cron(name, "* * * * *", { signal }, run);
    return;
  }
  deps.log.warn("Deno.cron is not available; using a timer", { job: name });
  const timer = setInterval(run, 60_000);
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
