/**
 * Deno KV's limits that the repositories plan around.
 *
 * @module
 */

/** Deno KV's documented limits (see `Deno.AtomicOperation`). */
export const KV_LIMITS = {
  /** Keys per `getMany`. */
  readKeys: 10,
  /** Mutations (and checks) per atomic operation. */
  mutations: 1000,
  /** Bytes of keys and values per atomic operation (800 KiB), with room to spare. */
  bytes: 800 * 1024,
  /** Bytes of one value. */
  valueBytes: 64 * 1024,
  /** Bytes of one key. */
  keyBytes: 2048,
} as const;
