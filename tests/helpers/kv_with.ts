/**
 * A store with some of its methods replaced, for tests that hold, fail, count
 * or record calls; every other member is the real store's, bound to it.
 *
 * @module
 */

/**
 * `kv` with `overrides` in place of its own methods.
 *
 * @example
 * ```ts
 * let commits = 0;
 * const counted = kvWith(kv, { atomic: () => { commits++; return kv.atomic(); } });
 * ```
 */
export function kvWith(kv: Deno.Kv, overrides: Partial<Deno.Kv>): Deno.Kv {
  return new Proxy(kv, {
    get(target, name) {
      if (Object.hasOwn(overrides, name)) return overrides[name as keyof Deno.Kv];
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
