/**
 * What `import-legacy` brought over, so that a second run (`--force`) neither
 * duplicates nor undoes anything:
 *
 * - tickets: the Python bot's ticket id (`T-20240101-0001`) → our ticket id,
 *   under ["legacy_ticket", legacyId], written in the same atomic operation
 *   as the imported ticket;
 * - blocks: ["legacy_ban", userId] → {@link LegacyBanRecord}, written with the
 *   user when an entry of banned.json was imported (or the user was already
 *   blocked here). A later run skips those entries, so an unblock made in
 *   the bot after the import sticks.
 *
 * (Their key builders are in keys.ts, with every other key.)
 *
 * @module
 */
import { keys } from "./keys.ts";
import { readMany } from "./read_many.ts";

/** Our ticket id of an imported ticket, or null. */
export async function findByLegacyId(kv: Deno.Kv, legacyId: string): Promise<number | null> {
  return (await kv.get<number>(keys.legacyTicket(legacyId))).value;
}

/** {@link findByLegacyId} for many ids, ten per round trip; only the found ones are in the map. */
export async function findManyByLegacyId(
  kv: Deno.Kv,
  legacyIds: readonly string[],
): Promise<Map<string, number>> {
  return await readMany<string, number>(kv, legacyIds, keys.legacyTicket);
}

/** Adds to `op` the link from a legacy id to the ticket imported under it. */
export function stageLegacyLink(
  op: Deno.AtomicOperation,
  legacyId: string,
  ticketId: number,
): void {
  op.set(keys.legacyTicket(legacyId), ticketId);
}

/** An entry of banned.json, as imported. */
export interface LegacyBanRecord {
  /** When it was imported. */
  at: number;
  reason?: string;
}

/** Of `userIds`, those whose banned.json entry an earlier import brought over; ten per round trip. */
export async function findImportedBans(
  kv: Deno.Kv,
  userIds: readonly number[],
): Promise<Set<number>> {
  const found = await readMany<number, LegacyBanRecord>(kv, userIds, keys.legacyBan);
  return new Set(found.keys());
}

/** Adds to `op` the mark that the banned.json entry of `userId` was imported. */
export function stageLegacyBan(
  op: Deno.AtomicOperation,
  userId: number,
  record: LegacyBanRecord,
): void {
  op.set(keys.legacyBan(userId), record.reason ? record : { at: record.at });
}
