/**
 * The whole store at once, for backups and restores: reading every entry,
 * writing many entries within Deno KV's atomic limits, clearing the store.
 *
 * These bypass the repositories on purpose: a backup must copy records and
 * indexes byte for byte, not rebuild them.
 *
 * @module
 */

import { commit } from "./locked.ts";

/**
 * Keys left out of backups: those that expire by themselves, and the update
 * journal (a restored store must not replay updates that were in flight when
 * the backup was taken, days ago, without the marks that recognise repeats).
 */
export const EXPIRING_PREFIXES = ["update_seen", "pending", "journal", "heartbeat"] as const;

/** Deno KV's limits per atomic operation, with a safety margin on the size. */
const MAX_MUTATIONS = 1000;
const MAX_BATCH_BYTES = 600 * 1024;

function isExpiring(key: Deno.KvKey): boolean {
  return (EXPIRING_PREFIXES as readonly unknown[]).includes(key[0]);
}

/**
 * Every entry of the store in key order, without the expiring ones. Deno KV
 * reads the list page by page, so a backup taken while the bot writes is a
 * consistent snapshot of each entry, not of the store as a whole.
 */
export async function allEntries(kv: Deno.Kv): Promise<{ key: Deno.KvKey; value: unknown }[]> {
  const entries: { key: Deno.KvKey; value: unknown }[] = [];
  for await (const entry of kv.list({ prefix: [] }, { batchSize: 500 })) {
    if (!isExpiring(entry.key)) entries.push({ key: entry.key, value: entry.value });
  }
  return entries;
}

/**
 * Whether the store holds no data worth keeping: nothing but ["meta", ...]
 * (written by every start) and expiring keys.
 */
export async function isStoreEmpty(kv: Deno.Kv): Promise<boolean> {
  for await (const entry of kv.list({ prefix: [] })) {
    if (entry.key[0] !== "meta" && !isExpiring(entry.key)) return false;
  }
  return true;
}

/** Deletes every entry, in batches of at most 1000 deletions. */
export async function clearStore(kv: Deno.Kv): Promise<number> {
  let deleted = 0;
  while (true) {
    const batch: Deno.KvKey[] = [];
    for await (const entry of kv.list({ prefix: [] }, { limit: MAX_MUTATIONS })) {
      batch.push(entry.key);
    }
    if (batch.length === 0) return deleted;
    const op = kv.atomic();
    for (const key of batch) op.delete(key);
    await commit(op);
    deleted += batch.length;
  }
}

/**
 * Writes entries in atomic batches within Deno KV's limits (≤1000 mutations,
 * ≤800 KiB). `sizeOf` estimates an entry's size; a batch Deno KV still refuses
 * is split in halves.
 */
export async function writeEntries(
  kv: Deno.Kv,
  entries: { key: Deno.KvKey; value: unknown }[],
  sizeOf: (entry: { key: Deno.KvKey; value: unknown }) => number,
): Promise<void> {
  let batch: typeof entries = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = sizeOf(entry);
    if (batch.length >= MAX_MUTATIONS || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      await commitBatch(kv, batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) await commitBatch(kv, batch);
}

async function commitBatch(
  kv: Deno.Kv,
  batch: { key: Deno.KvKey; value: unknown }[],
): Promise<void> {
  const op = kv.atomic();
  for (const { key, value } of batch) op.set(key, value);
  try {
    const result = await commit(op);
    if (!result.ok) throw new Error("the store refused a batch of entries");
  } catch (error) {
    if (batch.length === 1) throw error;
    const half = Math.ceil(batch.length / 2);
    await commitBatch(kv, batch.slice(0, half));
    await commitBatch(kv, batch.slice(half));
  }
}
