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

/**
 * Claims slot `slot` (e.g. the minute) of scheduled job `name`: true for
 * exactly one caller per slot, also across processes sharing the store (a
 * version-checked write), so a job runs once per schedule, not once per process.
 */
export async function claimJobSlot(kv: Deno.Kv, name: string, slot: number): Promise<boolean> {
  const entry = await kv.get<number>(keys.jobSlot(name));
  if (entry.value !== null && entry.value >= slot) return false;
  return (await commit(kv.atomic().check(entry).set(entry.key, slot))).ok;
}

/** The local day of the last scheduled backup, if any. */
export async function getBackupDay(kv: Deno.Kv): Promise<string | null> {
  return (await kv.get<string>(keys.meta("backup_day"))).value;
}

/**
 * A bot process's sign of life, under ["heartbeat", processId]: written
 * while it polls (or, in webhook mode, while it serves), and once when it
 * stops. Each process has its own; a day after its last write it is gone.
 */
export interface Heartbeat {
  /** When the process last got an answer to getUpdates (or beat, started, stopped). */
  at: number;
  state: "running" | "stopped";
  version: string;
  /** How it takes updates (absent: long polling, as older versions wrote). */
  mode?: "polling" | "webhook";
}

/** How long a heartbeat is kept after its last write. */
const HEARTBEAT_TTL_MS = 24 * 3_600_000;

/** Records this process's heartbeat. */
export async function setHeartbeat(
  kv: Deno.Kv,
  processId: string,
  heartbeat: Heartbeat,
): Promise<void> {
  await whileLocked(() =>
    kv.set(keys.heartbeat(processId), heartbeat, { expireIn: HEARTBEAT_TTL_MS })
  );
}

/** Every process's heartbeat, newest first. */
export async function getHeartbeats(kv: Deno.Kv): Promise<Heartbeat[]> {
  const found: Heartbeat[] = [];
  for await (const entry of kv.list<Heartbeat>({ prefix: keys.heartbeats() })) {
    found.push(entry.value);
  }
  return found.toSorted((a, b) => b.at - a.at);
}

/** The newest heartbeat of any process; null when no bot has run on this store. */
export async function getHeartbeat(kv: Deno.Kv): Promise<Heartbeat | null> {
  return (await getHeartbeats(kv))[0] ?? null;
}
