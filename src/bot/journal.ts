/**
 * The update journal: nothing Telegram handed us is lost, nothing runs twice.
 *
 * Long polling confirms a batch of updates to Telegram by asking for the next
 * one, possibly before the batch is handled. So the getUpdates transformer
 * writes every update to ["journal", id] before the runner sees it (and so
 * before it can be confirmed). The journal middleware runs each update: an
 * update marked ["update_seen", id] is a repeat and is dropped; an update
 * that ends well is marked and leaves the journal in one commit; an update
 * that fails stays in the journal with its attempt counted and is tried again
 * later ({@link retryJournal}, with a growing pause), until it is handled or,
 * after {@link SET_ASIDE_AFTER} attempts, set aside under ["set_aside", id]:
 * kept, alerted, counted on the Debug screen, and no longer retried. At
 * start-up whatever is left in the journal (the process was killed) is
 * handled again.
 *
 * Several processes may share the store (webhook mode behind a load
 * balancer): an update is claimed by the process that handles it (version
 * checked, for {@link CLAIM_MS}), so each is handled once; one whose claimer
 * died is taken up by another process's retry once the claim lapses. In
 * webhook mode {@link acceptUpdate} journals an update, claimed, before
 * Telegram is answered.
 *
 * @module
 */
import type { MiddlewareFn, Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { BotDeps } from "../deps.ts";
import type { BotContext } from "./context.ts";
import { keys } from "../store/keys.ts";
import { describeError } from "../log.ts";
import { commit, whileLocked } from "../store/locked.ts";

/** How long an update id is remembered; Telegram keeps unconfirmed updates for 24 hours. */
const SEEN_TTL_MS = 25 * 3_600_000;
/** Journal writes per atomic operation, well inside Deno KV's limits. */
const BATCH = 100;
/** Bytes per journal commit, with room below Deno KV's 800 KiB per atomic operation. */
const BATCH_BYTES = 500_000;
/** Attempts of a failing update before it is set aside. */
export const SET_ASIDE_AFTER = 8;
/** The pause after the first failure; it doubles after each one (1 s … about 2 min). */
const FIRST_RETRY_MS = 1_000;
/**
 * How long a claim on an update lasts unless renewed (every third of it
 * while the update is handled): a killed process's updates wait this long.
 */
export const CLAIM_MS = 15_000;

/** A journaled update: as Telegram sent it, with its failed attempts. */
export interface JournalEntry {
  update: Update;
  attempts: number;
  /** When a failed update may be tried again (`Date.now()`). */
  retryAt?: number;
  /** The process handling it (RuntimeState.processId), until `claimedUntil`. */
  claimedBy?: string;
  claimedUntil?: number;
}

/** An update that kept failing, kept for the agents to look into. */
export interface SetAsideEntry {
  update: Update;
  attempts: number;
  error: string;
  at: number;
}

/**
 * An API transformer that journals every update returned by getUpdates
 * before the runner can confirm it. A journal write that fails fails the
 * call: the runner asks again, and Telegram, not having been confirmed,
 * hands the same updates over again.
 */
export function journalTransformer(deps: Pick<BotDeps, "kv" | "log">): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method !== "getUpdates" || !response.ok) return response;
    const updates = response.result as unknown as Update[];
    for (const group of sizedGroups(updates)) await writeJournal(deps, group);
    return response;
  };
}

/** Splits updates into groups that fit one atomic operation (count and bytes). */
function sizedGroups(updates: Update[]): Update[][] {
  const groups: Update[][] = [];
  let group: Update[] = [];
  let bytes = 0;
  for (const update of updates) {
    const size = JSON.stringify(update).length * 2;
    if (group.length && (group.length >= BATCH || bytes + size > BATCH_BYTES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(update);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
}

/** Journals a group in one commit; an update already journaled keeps its attempts. */
async function writeJournal(deps: Pick<BotDeps, "kv" | "log">, group: Update[]): Promise<void> {
  const present = new Set<number>();
  for (let i = 0; i < group.length; i += 10) {
    const entries = await deps.kv.getMany(
      group.slice(i, i + 10).map((u) => keys.journal(u.update_id)),
    );
    for (const entry of entries) if (entry.versionstamp) present.add(entry.key[1] as number);
  }
  const op = deps.kv.atomic();
  for (const update of group) {
    if (present.has(update.update_id)) continue;
    op.set(keys.journal(update.update_id), { update, attempts: 0 } satisfies JournalEntry);
  }
  await commit(op);
}

/**
 * Journals an update that came by webhook, claimed by this process, before
 * Telegram is answered. False when it is here already (Telegram sent it
 * again: its first request failed, or another process has it): nothing to do.
 */
export async function acceptUpdate(
  deps: Pick<BotDeps, "kv" | "runtime">,
  update: Update,
): Promise<boolean> {
  const entry: JournalEntry = {
    update,
    attempts: 0,
    claimedBy: deps.runtime.processId,
    claimedUntil: Date.now() + CLAIM_MS,
  };
  const result = await commit(
    deps.kv.atomic()
      .check({ key: keys.updateSeen(update.update_id), versionstamp: null })
      .check({ key: keys.journal(update.update_id), versionstamp: null })
      .set(keys.journal(update.update_id), entry),
  );
  return result.ok;
}

/**
 * The journal middleware: drops a repeated update and one another process
 * handles, marks a handled one, and counts a failed one for a later retry
 * (the error then goes on to the error handler, which tells the sender).
 */
export function journalMiddleware(deps: BotDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const [seen, journaled] = await deps.kv.getMany<[true, JournalEntry]>([
      keys.updateSeen(updateId),
      keys.journal(updateId),
    ]);
    if (seen.versionstamp !== null) {
      deps.log.info("Dropped a repeated update", { updateId });
      // Journaled again by a poll that got it once more: it must not be replayed at a later start.
      if (journaled.versionstamp !== null) await whileLocked(() => deps.kv.delete(journaled.key));
      return;
    }
    if (journaled.value && !await claim(deps, journaled as Deno.KvEntry<JournalEntry>)) {
      deps.log.debug("Another process handles this update", { updateId });
      return;
    }
    ctx.failedBefore = journaled.value?.attempts ?? 0;
    const release = journaled.value ? holdClaim(deps, updateId) : async () => {};
    try {
      await next();
    } catch (error) {
      await release();
      await countFailure(deps, ctx.update, error);
      throw error;
    }
    await release();
    await markHandled(deps.kv, updateId);
  };
}

/** Claims a journaled update for this process; false when another one holds it. */
async function claim(
  deps: Pick<BotDeps, "kv" | "runtime">,
  entry: Deno.KvEntry<JournalEntry>,
): Promise<boolean> {
  const { claimedBy, claimedUntil = 0 } = entry.value;
  const me = deps.runtime.processId;
  if (claimedBy !== undefined && claimedBy !== me && claimedUntil > Date.now()) return false;
  const claimed: JournalEntry = {
    ...entry.value,
    claimedBy: me,
    claimedUntil: Date.now() + CLAIM_MS,
  };
  return (await commit(deps.kv.atomic().check(entry).set(entry.key, claimed))).ok;
}

/**
 * Renews this process's claim on an update while it is handled (a slow
 * handler keeps it); the returned function stops renewing.
 */
function holdClaim(deps: Pick<BotDeps, "kv" | "runtime" | "log">, updateId: number) {
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      const entry = await deps.kv.get<JournalEntry>(keys.journal(updateId));
      if (entry.value?.claimedBy !== deps.runtime.processId) return;
      const renewed = { ...entry.value, claimedUntil: Date.now() + CLAIM_MS };
      await commit(deps.kv.atomic().check(entry).set(entry.key, renewed));
    }).catch((error) => deps.log.warn("Could not renew a claim on an update", { error }));
  }, CLAIM_MS / 3);
  return async () => {
    clearInterval(timer);
    await renewing;
  };
}

/** Marks an update handled and removes it from the journal, in one commit. */
export async function markHandled(kv: Deno.Kv, updateId: number): Promise<void> {
  await commit(
    kv.atomic()
      .set(keys.updateSeen(updateId), true, { expireIn: SEEN_TTL_MS })
      .delete(keys.journal(updateId)),
  );
}

/**
 * Counts a failed attempt: the update waits in the journal for its retry, or,
 * after {@link SET_ASIDE_AFTER} attempts, is set aside and alerted.
 */
async function countFailure(deps: BotDeps, update: Update, error: unknown): Promise<void> {
  const key = keys.journal(update.update_id);
  try {
    const entry = await deps.kv.get<JournalEntry>(key);
    const attempts = (entry.value?.attempts ?? 0) + 1;
    if (attempts < SET_ASIDE_AFTER) {
      const retryAt = Date.now() + FIRST_RETRY_MS * 2 ** (attempts - 1);
      await whileLocked(() =>
        deps.kv.set(key, { update, attempts, retryAt } satisfies JournalEntry)
      );
      return;
    }
    const setAside: SetAsideEntry = {
      update,
      attempts,
      error: describeError(error).slice(0, 2000),
      at: deps.clock.now(),
    };
    await commit(deps.kv.atomic().set(keys.setAside(update.update_id), setAside).delete(key));
    deps.log.error("An update kept failing and was set aside", { updateId: update.update_id });
    deps.alerts.error(error, `update ${update.update_id} set aside after ${attempts} attempts`);
  } catch (storeError) {
    // The store itself fails: the update stays in the journal as it was, for the next start.
    deps.log.error("Could not count a failed update", {
      updateId: update.update_id,
      error: storeError,
    });
  }
}

/**
 * Updates in the journal, oldest first: all of them, or those due at
 * `dueAt`: a failed one whose pause is over, or one whose claimer let its
 * claim lapse (a process that died while handling it).
 */
export async function journaledUpdates(
  kv: Deno.Kv,
  options: { dueAt?: number } = {},
): Promise<Update[]> {
  const updates: Update[] = [];
  for await (const entry of kv.list<JournalEntry>({ prefix: keys.journalAll() })) {
    const { retryAt, claimedUntil } = entry.value;
    const due = options.dueAt === undefined ||
      (retryAt !== undefined || claimedUntil !== undefined) &&
        (retryAt ?? 0) <= options.dueAt && (claimedUntil ?? 0) <= options.dueAt;
    if (due) updates.push(entry.value.update);
  }
  return updates;
}

/** How many updates were set aside (Settings → Debug). */
export async function countSetAside(kv: Deno.Kv): Promise<number> {
  let count = 0;
  for await (const _ of kv.list({ prefix: keys.setAsideAll() })) count++;
  return count;
}

/**
 * Handles again the failed updates whose pause is over (`handle` is the
 * bot's `handleUpdate` with its error boundary). Runs every few seconds.
 */
export async function retryJournal(
  kv: Deno.Kv,
  handle: (update: Update) => Promise<void>,
): Promise<number> {
  const due = await journaledUpdates(kv, { dueAt: Date.now() });
  for (const update of due) await handle(update);
  return due.length;
}
