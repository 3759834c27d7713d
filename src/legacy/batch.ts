/**
 * Many records in few commits. The repositories' stage functions write into
 * {@link BatchWriter.op} as into an atomic operation; each record with its
 * indexes and counters is one unit ({@link BatchWriter.endUnit}), and units
 * are committed together up to Deno KV's limits of one atomic operation. A
 * unit is one commit, except the part its caller marks as safe to write ahead
 * when the unit alone exceeds those limits.
 *
 * Version checks are dropped: like `restore`, an import runs while no bot
 * process writes to the store.
 *
 * @module
 */

import { commit } from "../store/locked.ts";

type Mutation =
  & (
    | { type: "set"; key: Deno.KvKey; value: unknown }
    | { type: "delete"; key: Deno.KvKey }
    | { type: "sum"; key: Deno.KvKey; n: bigint }
  )
  & { size?: number };

/** Limits of one commit, below Deno KV's 1,000 mutations and 800 KiB. */
export interface BatchLimits {
  mutations: number;
  bytes: number;
}

const DEFAULT_LIMITS: BatchLimits = { mutations: 900, bytes: 600 * 1024 };
const U64 = 1n << 64n;

/** An upper bound of a mutation's size (V8 keeps non-Latin-1 text at two bytes per unit). */
function sizeOf(mutation: Mutation): number {
  return mutation.size ??= measure(mutation);
}

function measure(mutation: Mutation): number {
  const key = JSON.stringify(mutation.key).length * 2 + 16;
  if (mutation.type !== "set") return key + 16;
  const value = mutation.value;
  const body = typeof value === "object" && value !== null && !(value instanceof Deno.KvU64)
    ? JSON.stringify(value).length * 2
    : typeof value === "string"
    ? value.length * 2
    : 16;
  return key + body;
}

/** Collects the mutations of many records and commits them in few atomic operations. */
export class BatchWriter {
  #unit: Mutation[] = [];
  /** Set and delete: the last one per key wins, as within one atomic operation. */
  #writes = new Map<string, Mutation>();
  #sums = new Map<string, { key: Deno.KvKey; n: bigint }>();
  #bytes = 0;
  /** Commits so far. */
  commits = 0;

  constructor(private kv: Deno.Kv, private limits: BatchLimits = DEFAULT_LIMITS) {}

  /** What the repositories' stage functions write into, typed as the operation they expect. */
  readonly op = {
    set: (key: Deno.KvKey, value: unknown) => this.#record({ type: "set", key, value }),
    delete: (key: Deno.KvKey) => this.#record({ type: "delete", key }),
    sum: (key: Deno.KvKey, n: bigint) => this.#record({ type: "sum", key, n }),
    check: () => this.op, // see the module note
  } as unknown as Deno.AtomicOperation;

  #record(mutation: Mutation): Deno.AtomicOperation {
    this.#unit.push(mutation);
    return this.op;
  }

  #count(): number {
    return this.#writes.size + this.#sums.size;
  }

  #add(mutation: Mutation): void {
    const id = JSON.stringify(mutation.key);
    if (mutation.type === "sum") {
      const sum = this.#sums.get(id);
      if (sum) sum.n = (sum.n + mutation.n) % U64;
      else this.#sums.set(id, { key: mutation.key, n: mutation.n });
    } else {
      this.#writes.delete(id); // keeps the order of the last write per key
      this.#writes.set(id, mutation);
    }
    this.#bytes += sizeOf(mutation);
  }

  #fits(unit: Mutation[]): boolean {
    const bytes = unit.reduce((total, mutation) => total + sizeOf(mutation), 0);
    return this.#count() + unit.length <= this.limits.mutations &&
      this.#bytes + bytes <= this.limits.bytes;
  }

  /**
   * Ends the current unit: it joins the batch, after a commit of the batch when
   * it would not fit. A unit too large for any one commit writes its first
   * `ahead` mutations (records nothing points to yet, like a ticket's
   * messages) in commits of their own, then the rest in one commit; a re-run
   * after a crash in between writes the same records again.
   */
  async endUnit(options: { ahead?: number } = {}): Promise<void> {
    const unit = this.#unit;
    this.#unit = [];
    if (!this.#fits(unit)) await this.flush();
    if (!this.#fits(unit)) {
      const ahead = options.ahead ?? 0;
      for (const mutation of unit.slice(0, ahead)) {
        if (!this.#fits([mutation])) await this.flush();
        this.#add(mutation);
      }
      await this.flush();
      unit.splice(0, ahead);
      if (!this.#fits(unit)) {
        throw new Error(`A record with ${unit.length} mutations is too large for one commit`);
      }
    }
    for (const mutation of unit) this.#add(mutation);
  }

  /** Commits what was collected. */
  async flush(): Promise<void> {
    if (this.#count() === 0) return;
    const op = this.kv.atomic();
    for (const mutation of this.#writes.values()) {
      if (mutation.type === "set") op.set(mutation.key, mutation.value);
      else if (mutation.type === "delete") op.delete(mutation.key);
    }
    for (const { key, n } of this.#sums.values()) op.sum(key, n);
    const result = await commit(op);
    if (!result.ok) throw new Error("An import batch was not committed");
    this.commits++;
    this.#writes.clear();
    this.#sums.clear();
    this.#bytes = 0;
  }
}
