/**
 * A Deno KV wrapper that counts round trips (reads, list calls, commits), for
 * the per-update breakdown. Used only in a separate diagnostic pass, never in
 * a timed one.
 *
 * @module
 */

/** Round trips seen by a {@link countingKv}. */
export interface KvCounts {
  get: number;
  getMany: number;
  list: number;
  commit: number;
}

/** Wraps `kv`; every call is forwarded and counted in `counts`. */
export function countingKv(kv: Deno.Kv): { kv: Deno.Kv; counts: KvCounts; reset(): void } {
  const counts: KvCounts = { get: 0, getMany: 0, list: 0, commit: 0 };
  const wrapOp = (op: Deno.AtomicOperation): Deno.AtomicOperation => {
    const proxy: Deno.AtomicOperation = new Proxy(op, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        if (name === "commit") {
          return () => {
            counts.commit++;
            return target.commit();
          };
        }
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  const wrapped = new Proxy(kv, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (name === "get") counts.get++;
        else if (name === "getMany") counts.getMany++;
        else if (name === "list") counts.list++;
        else if (name === "set" || name === "delete") counts.commit++;
        const result = value.apply(target, args);
        return name === "atomic" ? wrapOp(result as Deno.AtomicOperation) : result;
      };
    },
  });
  return {
    kv: wrapped,
    counts,
    reset() {
      counts.get =
        counts.getMany =
        counts.list =
        counts.commit =
          0;
    },
  };
}
