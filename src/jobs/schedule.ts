/**
 * The daily backup at BACKUP_TIME in TIMEZONE.
 *
 * Deno.cron speaks UTC, and a fixed UTC schedule would drift by an hour at each
 * daylight-saving change. So a frequent cron calls {@link scheduledBackupTick},
 * which backs up once the local wall-clock time has reached today's
 * BACKUP_TIME and today's backup has not been made. The day is claimed in the
 * store first, so several processes make one backup per day between them.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../deps.ts";
import type { Config } from "../config.ts";
import { localDay, zonedParts } from "../time.ts";
import { claimBackupDay, getBackupDay } from "../store/meta.ts";
import { backupNow, type BackupResult } from "./backup.ts";
import { whileLocked } from "../store/locked.ts";

/**
 * Whether the local time at `now` has reached today's backup time, and which
 * local day that is. On a spring-forward day a skipped BACKUP_TIME (e.g. 02:30
 * in Berlin) counts as reached at the first minute after the gap.
 */
export function backupSlot(
  now: number,
  config: Pick<Config, "backupTime" | "timezone">,
): { day: string; reached: boolean } {
  const local = zonedParts(now, config.timezone);
  const minutes = local.hour * 60 + local.minute;
  const target = config.backupTime.hour * 60 + config.backupTime.minute;
  return { day: localDay(now, config.timezone), reached: minutes >= target };
}

/**
 * Makes today's scheduled backup if it is due and nobody made it yet.
 * Returns the backup result, or null when nothing was due.
 */
export async function scheduledBackupTick(deps: BotDeps, api?: Api): Promise<BackupResult | null> {
  if (!deps.config.backupEnabled) return null;
  const slot = backupSlot(deps.clock.now(), deps.config);
  if (!slot.reached) return null;
  // A cheap read first: on most ticks the day is already done.
  const last = await whileLocked(() => getBackupDay(deps.kv));
  if (last !== null && last >= slot.day) return null;
  if (!(await whileLocked(() => claimBackupDay(deps.kv, slot.day)))) return null;
  return await backupNow(deps, api);
}
