/**
 * Reading many keys: Deno KV's `getMany` takes at most ten keys, so longer
 * lists go in rounds of ten.
 *
 * @module
 */
import { KV_LIMITS } from "./limits.ts";

/**
 * The values stored under the keys of `items` (`keyOf` gives each item's key),
 * {@link KV_LIMITS.readKeys} keys per round trip. Items whose key holds nothing
 * are left out; repeated items are read once.
 */
export async function readMany<Item, Value>(
  kv: Deno.Kv,
  items: readonly Item[],
  keyOf: (item: Item) => Deno.KvKey,
): Promise<Map<Item, Value>> {
  const found = new Map<Item, Value>();
  const unique = [...new Set(items)];
  for (let i = 0; i < unique.length; i += KV_LIMITS.readKeys) {
    const batch = unique.slice(i, i + KV_LIMITS.readKeys);
    const entries = await kv.getMany<Value[]>(batch.map(keyOf));
    entries.forEach((entry, index) => {
      if (entry.value !== null) found.set(batch[index], entry.value);
    });
  }
  return found;
}
