/**
 * Tickets imported from the Python bot: its ticket id (`T-20240101-0001`)
 * → our ticket id, under ["legacy_ticket", legacyId], written in the same
 * atomic operation as the imported ticket.
 *
 * @module
 */
import { keys } from "./keys.ts";

/** Our ticket id of an imported ticket, or null. */
export async function findByLegacyId(kv: Deno.Kv, legacyId: string): Promise<number | null> {
  return (await kv.get<number>(keys.legacyTicket(legacyId))).value;
}

/** {@link findByLegacyId} for many ids, ten per round trip; only the found ones are in the map. */
export async function findManyByLegacyId(
  kv: Deno.Kv,
  legacyIds: readonly string[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let i = 0; i < legacyIds.length; i += 10) {
    const batch = legacyIds.slice(i, i + 10);
    const entries = await kv.getMany<number[]>(batch.map(keys.legacyTicket));
    entries.forEach((entry, index) => {
      if (entry.value !== null) found.set(batch[index], entry.value);
    });
  }
  return found;
}

/** Adds to `op` the link from a legacy id to the ticket imported under it. */
export function stageLegacyLink(
  op: Deno.AtomicOperation,
  legacyId: string,
  ticketId: number,
): void {
  op.set(keys.legacyTicket(legacyId), ticketId);
}
