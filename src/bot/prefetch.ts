/**
 * Reads an update will need, made in its first store round trip.
 *
 * The context middleware reads the sender's records in one `getMany`; features
 * add the keys they know they will read for the update at hand (the ticket of
 * a card button, the message's reply link), up to Deno KV's ten keys. A
 * feature then starts from those entries instead of reading again. An entry is as the update began: every write based on one is version
 * checked, so a stale entry only costs a retry.
 *
 * @module
 */
import type { BotContext } from "./context.ts";
import { keyId } from "../store/batching_kv.ts";

/** The keys a feature will read for this update (none when the update is not its own). */
export type Prefetch = (ctx: BotContext) => Deno.KvKey[];

/** Entries read with the update's first round trip, by key. */
export class Prefetched {
  readonly #entries = new Map<string, Deno.KvEntryMaybe<unknown>>();

  /** Keeps `entries` (as returned by `getMany` for their keys). */
  constructor(entries: readonly Deno.KvEntryMaybe<unknown>[] = []) {
    for (const entry of entries) this.#entries.set(keyId(entry.key), entry);
  }

  /**
   * The entry of `key` as the update began, or undefined when it was not read.
   *
   * @example
   * ```ts
   * const entry = ctx.prefetched.get<Ticket>(keys.ticket(id)) ?? await getTicketEntry(kv, id);
   * ```
   */
  get<T>(key: Deno.KvKey): Deno.KvEntryMaybe<T> | undefined {
    return this.#entries.get(keyId(key)) as Deno.KvEntryMaybe<T> | undefined;
  }
}

/** Nothing read ahead. */
export const NOTHING_PREFETCHED: Prefetched = new Prefetched();
