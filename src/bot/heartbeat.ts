/**
 * The heartbeat: proof, kept in the store, that bot processes run.
 *
 * Each process has its own (["heartbeat", processId], store/meta.ts). Every
 * answered getUpdates (at most every {@link HEARTBEAT_EVERY_MS}) writes it; a
 * long poll returns at least every 30 s even when nobody writes, so a fresh
 * heartbeat means the process runs, the store takes writes and Telegram
 * answers. In webhook mode a timer writes it as often. The `healthcheck`
 * sub-command (Docker's HEALTHCHECK) reads them from another process and
 * counts the live ones; see {@link checkHealth}.
 *
 * @module
 */
import type { Transformer } from "grammy";
import type { BotDeps } from "./context.ts";
import { getHeartbeats, type Heartbeat, setHeartbeat } from "../store/meta.ts";
import { APP_VERSION } from "../version.ts";

/** The least time between two heartbeat writes. */
export const HEARTBEAT_EVERY_MS = 15_000;
/**
 * A heartbeat older than this means the bot is not polling: a 30 s long poll,
 * the write interval and room for a slow answer or a retry.
 */
export const HEARTBEAT_STALE_MS = 90_000;

type HeartbeatDeps = Pick<BotDeps, "kv" | "clock" | "log" | "runtime" | "config">;

/** Writes this process's heartbeat now. A failed write is logged, never thrown. */
export async function beat(deps: HeartbeatDeps, state: Heartbeat["state"]): Promise<void> {
  try {
    await setHeartbeat(deps.kv, deps.runtime.processId, {
      at: deps.clock.now(),
      state,
      version: APP_VERSION,
      ...(deps.config.webhookUrl ? { mode: "webhook" as const } : {}),
    });
  } catch (error) {
    deps.log.warn("Writing the heartbeat failed", { error });
  }
}

/** An API transformer that writes the heartbeat after answered getUpdates calls. */
export function heartbeatTransformer(deps: HeartbeatDeps): Transformer {
  let lastBeat = Number.NEGATIVE_INFINITY;
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method === "getUpdates" && response.ok) {
      const now = deps.clock.now();
      if (now - lastBeat >= HEARTBEAT_EVERY_MS) {
        lastBeat = now;
        await beat(deps, "running");
      }
    }
    return response;
  };
}

/** What the healthcheck found. */
export interface Health {
  healthy: boolean;
  /** One line for the operator (English, like the other sub-commands' output). */
  summary: string;
}

/**
 * Judges the heartbeats in the store at time `now`: healthy while at least
 * one process is alive (running, with a fresh heartbeat), saying how many.
 */
export async function checkHealth(kv: Deno.Kv, now: number): Promise<Health> {
  const heartbeats = await getHeartbeats(kv);
  const alive = heartbeats.filter((h) => h.state === "running" && now - h.at <= HEARTBEAT_STALE_MS);
  if (alive.length > 0) {
    const newest = alive[0];
    const age = Math.max(0, Math.round((now - newest.at) / 1000));
    const sign = newest.mode === "webhook" ? "last heartbeat" : "last answer from Telegram";
    const count = alive.length === 1 ? "1 process alive" : `${alive.length} processes alive`;
    return {
      healthy: true,
      summary: `healthy: ${count}, version ${newest.version}, ${sign} ${age} s ago`,
    };
  }
  const heartbeat = heartbeats[0] ?? null;
  if (heartbeat === null) {
    return {
      healthy: false,
      summary: "unhealthy: no heartbeat; the bot has not reached Telegram on this store yet",
    };
  }
  const age = Math.max(0, Math.round((now - heartbeat.at) / 1000));
  if (heartbeat.state === "stopped") {
    return { healthy: false, summary: `unhealthy: the bot stopped ${age} s ago` };
  }
  return {
    healthy: false,
    summary: `unhealthy: the last answer from Telegram was ${age} s ago ` +
      `(more than ${HEARTBEAT_STALE_MS / 1000} s)`,
  };
}

/** What restore and import-legacy say when {@link botIsRunning}: `then` is what to do after stopping it. */
export function runningRefusal(then: string): string {
  return `The bot is running on this store (its heartbeat is fresh). Stop it first, then ${then}. ` +
    `A bot that was killed counts as running until its heartbeat is ${
      HEARTBEAT_STALE_MS / 1000
    } s old.`;
}

/**
 * Whether a bot process seems to be running on this store (a fresh "running"
 * heartbeat): restore and import-legacy refuse to write beside it.
 */
export async function botIsRunning(kv: Deno.Kv, now: number): Promise<Health | undefined> {
  const health = await checkHealth(kv, now);
  return health.healthy ? health : undefined;
}
