/**
 * Operations state: the last backup and the last auto-close run (written by
 * jobs, shown on the Debug screen) and the heartbeat of the running bot (read
 * by the `healthcheck` sub-command).
 *
 * @module
 */
import { keys } from "./keys.ts";
import { commit, whileLocked } from "./locked.ts";

/** The last backup: when, and how it went. */
export interface BackupMeta {
  at: number;
  ok: boolean;
  path?: string;
  bytes?: number;
  error?: string;
}

/** The last auto-close sweep: when, and how many tickets it closed. */
export interface AutoCloseMeta {
  at: number;
  closed: number;
}

/** Records the last backup. */
export async function setLastBackup(kv: Deno.Kv, meta: BackupMeta): Promise<void> {
  await whileLocked(() => kv.set(keys.meta("last_backup"), meta));
}

/** Reads the last backup. */
export async function getLastBackup(kv: Deno.Kv): Promise<BackupMeta | null> {
  return (await kv.get<BackupMeta>(keys.meta("last_backup"))).value;
}

/** Records the last auto-close sweep. */
export async function setLastAutoClose(kv: Deno.Kv, meta: AutoCloseMeta): Promise<void> {
  await whileLocked(() => kv.set(keys.meta("last_autoclose"), meta));
}

/** Reads the last auto-close sweep. */
export async function getLastAutoClose(kv: Deno.Kv): Promise<AutoCloseMeta | null> {
  return (await kv.get<AutoCloseMeta>(keys.meta("last_autoclose"))).value;
}

/**
 * Claims the scheduled backup of local day `day` (YYYY-MM-DD in TIMEZONE).
 * Returns true for exactly one caller per day, also across processes sharing
 * the store: the claim is a version-checked write.
 */
export async function claimBackupDay(kv: Deno.Kv, day: string): Promise<boolean> {
  const entry = await kv.get<string>(keys.meta("backup_day"));
  if (entry.value !== null && entry.value >= day) return false;
  return (await commit(kv.atomic().check(entry).set(keys.meta("backup_day"), day))).ok;
}

/** The local day of the last scheduled backup, if any. */
export async function getBackupDay(kv: Deno.Kv): Promise<string | null> {
  return (await kv.get<string>(keys.meta("backup_day"))).value;
}

/** The running bot's sign of life: written while it polls, and once when it stops. */
export interface Heartbeat {
  /** When the bot last got an answer to getUpdates (or started, or stopped). */
  at: number;
  state: "running" | "stopped";
  version: string;
}

/** Records the heartbeat. */
export async function setHeartbeat(kv: Deno.Kv, heartbeat: Heartbeat): Promise<void> {
  await whileLocked(() => kv.set(keys.meta("heartbeat"), heartbeat));
}

/** Reads the heartbeat; null when no bot has run on this store. */
export async function getHeartbeat(kv: Deno.Kv): Promise<Heartbeat | null> {
  return (await kv.get<Heartbeat>(keys.meta("heartbeat"))).value;
}
