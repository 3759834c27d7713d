/**
 * Counters are `Deno.KvU64` sums: concurrent increments never conflict.
 * Deno KV's sum wraps at 2^64, so adding 2^64 - 1 subtracts one.
 *
 * @module
 */

const ONE = new Deno.KvU64(1n);
const MINUS_ONE = new Deno.KvU64((1n << 64n) - 1n);

/** Adds `by` (default 1) to a counter within `op`. */
export function increment(op: Deno.AtomicOperation, key: Deno.KvKey, by = 1): void {
  op.sum(key, by === 1 ? ONE.value : BigInt(by));
}

/** Subtracts one from a counter within `op`. */
export function decrement(op: Deno.AtomicOperation, key: Deno.KvKey): void {
  op.sum(key, MINUS_ONE.value);
}

/** A counter's value as a number; a wrapped (negative) value reads as 0. */
export function counterValue(value: Deno.KvU64 | null | undefined): number {
  if (!value) return 0;
  return value.value >= 1n << 63n ? 0 : Number(value.value);
}
