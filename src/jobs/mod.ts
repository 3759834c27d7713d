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
import { claimJobSlot } from "../store/meta.ts";
import { whileLocked } from "../store/locked.ts";
import { reindexSearch } from "../store/search.ts";

export { sweepAutoClose } from "./autoclose.ts";
export { backupNow, type BackupResult, createBackup } from "./backup.ts";
export { restoreBackup, RestoreError } from "./restore.ts";
export { scheduledBackupTick } from "./schedule.ts";

/** Running jobs. */
export interface Jobs {
  /** One tick of the auto-close schedule (every minute). */
  autoClose(): void;
  /** One tick of the backup schedule (every minute; see schedule.ts for why). */
  backup(): void;
  /** Stops the timers and waits for runs in progress; later ticks do nothing. */
  stop(): Promise<void>;
}

/** Cron names must be unique within a process. */
export const CRON_NAMES = { autoClose: "support-desk-autoclose", backup: "support-desk-backup" };

/**
 * Starts the jobs: one auto-close sweep and one backup check right away, so
 * that work that fell due while the bot was down is done now; then each tick
 * of the schedules. `Deno.cron` calls the ticks: it is registered at the top
 * level of main.ts, as Deno Deploy requires. Without Deno.cron (a runtime
 * started without the unstable cron API) `timers` makes timers do the same,
 * so the jobs never silently stop.
 *
 * Runs of one job never overlap within a process; across processes each
 * schedule runs once: the auto-close sweep claims its minute, the backup its
 * day (store/meta.ts), and both are safe by their own version checks anyway.
 */
export function startJobs(deps: BotDeps, api: Api, options: { timers?: boolean } = {}): Jobs {
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

  // Once per minute across every process on the store: the first to claim the minute sweeps.
  const autoClose = guarded("auto-close", async () => {
    const minute = Math.floor(deps.clock.now() / 60_000);
    if (await whileLocked(() => claimJobSlot(deps.kv, "autoclose", minute))) {
      await sweepAutoClose(deps, api);
    }
  });
  const backup = guarded("backup", () => scheduledBackupTick(deps, api));
  // Tickets stored before the search index existed: indexed in the background, one process at
  // a time; once done, each tick costs one read (store/search.ts).
  const reindex = guarded(
    "search index",
    () => reindexSearch(deps.kv, { owner: deps.runtime.processId }),
  );

  if (options.timers) {
    deps.log.warn("Deno.cron is not available; using timers for the schedules");
    const timer = setInterval(() => {
      autoClose();
      backup();
    }, 60_000);
    controller.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  }
  // At start the sweep runs whatever the minute: tickets fell due while this process was down.
  guarded("auto-close", () => sweepAutoClose(deps, api))();
  backup();
  reindex();

  return {
    autoClose() {
      autoClose();
      reindex();
    },
    backup,
    async stop() {
      controller.abort();
      await Promise.allSettled([...running]);
    },
  };
}
