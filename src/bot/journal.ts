/**
 * The update journal: nothing Telegram handed us is lost, nothing runs twice.
 *
 * Long polling confirms a batch of updates to Telegram by asking for the next
 * one, possibly before the previous batch is fully handled. So every update is
 * written to ["journal", id] as it arrives, before it can be confirmed; it
 * leaves the journal in the same commit that marks it handled (["update_seen",
 * id]). At start-up, whatever is still in the journal (the process was killed)
 * is handled again. An update already marked handled (a repeated delivery) is
 * found by the getUpdates transformer, which reads the marks of a whole batch
 * in a few `getMany` calls, and dropped by {@link journaled}, which the context
 * middleware runs every update in. Updates handed to the bot otherwise (the
 * start-up replay) are unhandled by construction: a mark and the removal from
 * the journal are one commit.
 *
 * An update does not wait for its mark: the mark is committed behind it and
 * {@link marksSettled} waits for the marks still under way (start-up replay
 * before polling, shutdown before the store closes). Crash safety is as with
 * an awaited mark, because the store's batching layer (store/batching_kv.ts)
 * commits in call order: any later commit of this process landing means the
 * mark landed, and a crash before it lands leaves the update in the journal,
 * to be handled again, exactly as a crash between the update's work and an
 * awaited mark did. Nothing reads a mark while updates run: {@link journaled}
 * drops an update whose mark is still under way (the same update handed to us
 * twice in one process), and a fetched batch is checked against the store's
 * marks only after every mark issued so far has settled.
 *
 * @module
 */
import type { Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { BotDeps } from "./context.ts";
import { keys } from "../store/keys.ts";
import { readMany } from "../store/read_many.ts";
import { flushLazy, lazyAtomic } from "../store/batching_kv.ts";

/** How long an update id is remembered; Telegram keeps unconfirmed updates for 24 hours. */
const SEEN_TTL_MS = 25 * 3_600_000;
/** Journal writes per atomic operation, well inside Deno KV's limits. */
const BATCH = 100;
/** Bytes per journal commit, with room below Deno KV's 800 KiB per atomic operation. */
const BATCH_BYTES = 500_000;

/**
 * An API transformer that journals every update returned by getUpdates
 * before the runner can confirm it. Updates handled before are not journaled
 * again, but stay in the result so that the runner's offset moves past them;
 * they are noted in-process for {@link journaled} to drop.
 */
export function journalTransformer(deps: Pick<BotDeps, "kv" | "log">): Transformer {
  return async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return await prev(method, payload, signal);
    let response;
    try {
      response = await prev(method, payload, signal);
    } catch (error) {
      // The runner retries quietly (it runs with `silent`): say it here, in our log format.
      if (!signal?.aborted) deps.log.warn("Fetching updates failed", { error });
      throw error;
    }
    if (!response.ok) {
      deps.log.warn("Fetching updates failed", { error: response.description });
      return response;
    }
    const updates = response.result as unknown as Update[];
    if (updates.length === 0) return response;
    // A mark issued before this answer (start-up replay's) must be seen below.
    await marksSettled(deps.kv);
    const seen = await readMany<number, true>(
      deps.kv,
      updates.map((update) => update.update_id),
      keys.updateSeen,
    );
    const fresh: Update[] = [];
    for (const update of updates) {
      if (seen.has(update.update_id)) noteHandled(deps.kv, update.update_id);
      else fresh.push(update);
    }
    for (const group of sizedGroups(fresh)) await writeJournal(deps, group);
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

/**
 * Journals a group in one commit; if that fails (an update larger than a KV
 * value may be), one by one, skipping what cannot be stored: a journal write
 * must never stop updates from being fetched and handled.
 */
async function writeJournal(deps: Pick<BotDeps, "kv" | "log">, group: Update[]): Promise<void> {
  try {
    const op = deps.kv.atomic();
    for (const update of group) op.set(keys.journal(update.update_id), update);
    await op.commit();
    return;
  } catch {
    // Retried one by one below.
  }
  for (const update of group) {
    try {
      await deps.kv.set(keys.journal(update.update_id), update);
    } catch (error) {
      deps.log.warn("An update could not be journaled", { updateId: update.update_id, error });
    }
  }
}

/** Updates received but not handled before the process stopped, oldest first. */
export async function journaledUpdates(kv: Deno.Kv): Promise<Update[]> {
  const updates: Update[] = [];
  for await (const entry of kv.list<Update>({ prefix: keys.journalAll() })) {
    updates.push(entry.value);
  }
  return updates;
}

/**
 * Runs `handle` for an update unless it was handled before (a repeated delivery
 * is dropped), then marks the update handled, leaving the journal, whether
 * `handle` succeeded or not: a failing update is logged and alerted, not
 * retried forever. The mark is issued before this returns but not awaited
 * (see the module doc and {@link marksSettled}); a mark that fails is logged,
 * and the update stays in the journal for the next start.
 *
 * Handled before means: found marked by the getUpdates transformer, or marked
 * by this process with the mark still under way. The store is not read for it
 * here (one read per batch there instead of one per update here).
 *
 * `alsoRead` are keys the caller needs first (the sender's record): they are
 * read in one round trip and passed to `handle` in the same order.
 */
export async function journaled(
  deps: Pick<BotDeps, "kv" | "log">,
  updateId: number,
  alsoRead: Deno.KvKey[],
  handle: (entries: Deno.KvEntryMaybe<unknown>[]) => Promise<void>,
): Promise<void> {
  // A mark still under way is not in the store yet, but the update was handled here.
  const repeated = (handledBefore.get(deps.kv)?.delete(updateId) ?? false) ||
    (marksUnderWay.get(deps.kv)?.has(updateId) ?? false);
  if (repeated) {
    deps.log.info("Dropped a repeated update", { updateId });
    return;
  }
  const entries = alsoRead.length ? await deps.kv.getMany(alsoRead) : [];
  try {
    await handle(entries);
  } finally {
    issueMark(deps, updateId);
  }
}

/**
 * Updates the transformer found marked, until {@link journaled} drops them (the
 * runner hands over every update it fetched, so each is taken out again).
 */
const handledBefore = new WeakMap<Deno.Kv, Set<number>>();
/** Above this many, the oldest are forgotten (they were not handed over after all). */
const HANDLED_BEFORE_MAX = 10_000;

function noteHandled(kv: Deno.Kv, updateId: number): void {
  let ids = handledBefore.get(kv);
  if (!ids) handledBefore.set(kv, ids = new Set());
  ids.add(updateId);
  if (ids.size > HANDLED_BEFORE_MAX) ids.delete(ids.values().next().value!);
}

/** Marks issued and not settled yet, per store, by update id. */
const marksUnderWay = new WeakMap<Deno.Kv, Map<number, Promise<void>>>();

/** Commits an update's mark behind it; the promise is kept until it settles and never rejects. */
function issueMark(deps: Pick<BotDeps, "kv" | "log">, updateId: number): void {
  let marks = marksUnderWay.get(deps.kv);
  if (!marks) marksUnderWay.set(deps.kv, marks = new Map());
  const mark: Promise<void> = markHandled(deps.kv, updateId)
    .catch((error) => {
      deps.log.error("An update could not be marked handled; the next start handles it again", {
        updateId,
        error,
      });
    })
    .finally(() => {
      if (marks.get(updateId) === mark) marks.delete(updateId);
    });
  marks.set(updateId, mark);
}

/**
 * Resolves when every mark issued on `kv` before the call has settled (landed
 * or failed and logged). Start-up awaits it after replaying the journal and
 * before polling; shutdown awaits it after the last update and before closing
 * the store.
 *
 * @example
 * ```ts
 * for (const update of await journaledUpdates(kv)) await bot.handleUpdate(update);
 * await marksSettled(kv);
 * ```
 */
export async function marksSettled(kv: Deno.Kv): Promise<void> {
  flushLazy(kv);
  const marks = marksUnderWay.get(kv);
  if (marks?.size) await Promise.all([...marks.values()]);
}

/**
 * Marks an update handled and removes it from the journal, in one commit. It
 * is lazy (store/batching_kv.ts): it goes with the next commit of the store's
 * batching layer, or within a few milliseconds, rather than on its own.
 */
export async function markHandled(kv: Deno.Kv, updateId: number): Promise<void> {
  await lazyAtomic(kv)
    .set(keys.updateSeen(updateId), true, { expireIn: SEEN_TTL_MS })
    .delete(keys.journal(updateId))
    .commit();
}
