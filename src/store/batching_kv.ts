/**
 * Group commit for a `Deno.Kv`, below the repositories.
 *
 * Every commit to a file store ends in an fsync, a fixed cost that is large
 * next to the work of one small update. With many chats in flight,
 * {@link batchingKv} shares it: commits (`atomic().commit()`, `set`, `delete`)
 * go through one committer. When nothing is being committed, an operation is
 * committed at once, on its own. While a commit is under way, later operations
 * wait and then go together as one atomic operation. Each caller gets that
 * commit's result; the versionstamp is the shared one, which is also the
 * version every key written by the batch now has.
 *
 * Reads (`get`, `getMany`, `list`) and everything else go straight to the
 * store. A read made after a commit resolved therefore sees it. Reads may go
 * to a second connection to the same file (`reader`, see {@link batchingKv}):
 * Deno KV runs each connection's calls in turn on that connection's own
 * thread, so a read then no longer waits behind a commit in progress, and it
 * still sees every commit that resolved before it was made (SQLite's WAL gives
 * each read the newest committed state). Writes never go to the reader, so
 * the file keeps one connection that commits (Deno KV's own clean-up of
 * expired keys runs on every connection, about once a minute, and SQLite
 * makes concurrent writers take turns). (Coalescing
 * reads into `getMany` calls was tried and left out: Deno KV's cost of a read
 * grows with its keys rather than its calls, so it saved no measurable time,
 * and it made single-update latencies less steady; see bench/README.md.)
 *
 * Combining never changes an outcome:
 *
 * - A batch is a prefix of the waiting operations, in the order `commit()` was
 *   called, and it ends before an operation that conflicts with one already in
 *   it: one that checks, sets or deletes a key another sets, deletes or checks,
 *   or that changes a key with a different kind of sum/min/max. Two sums (or
 *   two mins, two maxes) on one key commute and may share a batch, and so may
 *   two checks of one key. So the batch's checks are exactly the checks each
 *   operation would have met on its own, right after the ones before it.
 * - A batch ends before it would exceed a Deno KV limit (100 checks, 1,000
 *   mutations, 80 KiB of keys, 800 KiB of keys and values, all estimated from
 *   above). An operation that exceeds one alone, that uses `enqueue`, or
 *   whose keys or values cannot be measured (a key Deno may refuse, one made
 *   with `commitVersionstamp()`), is committed alone and fails (or not) as it
 *   would on a plain store.
 * - When a combined commit fails a check (`ok: false`) or Deno refuses it (a
 *   TypeError: a value it cannot store, a sum on a non-counter), nothing of it
 *   was written: its operations are committed again one by one, so each caller
 *   gets its own verdict or its own error. Any other error (a full disk, a
 *   closed store, a remote store's lost answer) may come after the batch
 *   landed: only operations that may be applied twice (no check, sum or
 *   enqueue) are committed again; the others' callers get the error.
 *
 * A commit that nobody waits for (a journal mark, see bot/journal.ts) can be
 * made with {@link lazyAtomic}: it takes its place in the queue like any other
 * but does not start a commit by itself. It goes with the next batch, or after
 * {@link LINGER_MS} when no other commit comes, or at {@link flushLazy}. Under
 * load that saves it a commit (an fsync) of its own; the order of commits is
 * unchanged.
 *
 * A value is copied when it is given (`set`, `mutate`, `enqueue`), as Deno
 * serializes it then: a change made to it while its commit waits is not stored.
 *
 * A difference from a plain `Deno.Kv`: errors Deno raises while an operation is
 * built (a malformed key, a value it cannot serialize) come from `commit()`
 * rather than from the `set()` call; both reject the caller's commit.
 *
 * @example
 * ```ts
 * const kv = batchingKv(await Deno.openKv("bot.kv"));
 * // Used exactly like a Deno.Kv; concurrent commits share round trips.
 * await Promise.all([
 *   kv.atomic().sum(["stat", "a"], 1n).commit(),
 *   kv.atomic().set(["user", 1], { name: "Ann" }).commit(),
 * ]);
 * ```
 *
 * @module
 */

/** Deno KV's limits per atomic operation, and keys per `getMany` (deno_kv's defaults). */
export const KV_LIMITS = {
  checks: 100,
  mutations: 1_000,
  totalKeyBytes: 81_920,
  totalMutationBytes: 819_200,
  readKeys: 10,
} as const;

/** How long a lazy commit waits for company before it is committed alone. */
export const LINGER_MS = 5;

/** A commit's outcome as Deno KV reports it. */
type CommitOutcome = Deno.KvCommitResult | Deno.KvCommitError;

type EnqueueOptions = Parameters<Deno.AtomicOperation["enqueue"]>[1];

/** One recorded call of an atomic operation, replayed onto a real one at commit. */
type Step =
  | { kind: "check"; checks: Deno.AtomicCheck[] }
  | { kind: "mutate"; mutations: Deno.KvMutation[] }
  | { kind: "set"; key: Deno.KvKey; value: unknown; options?: { expireIn?: number } }
  | { kind: "delete"; key: Deno.KvKey }
  | { kind: "sum" | "min" | "max"; key: Deno.KvKey; value: Deno.KvU64 }
  | { kind: "enqueue"; value: unknown; options?: EnqueueOptions };

// How an operation touches a key; conflicts are decided on these bits.
const CHECK = 1;
const WRITE = 2;
const SUM = 4;
const MIN = 8;
const MAX = 16;

/** Whether two operations touching one key (as `a` and `b`) may share a batch. */
function compatible(a: number, b: number): boolean {
  if (a === CHECK && b === CHECK) return true;
  if (((a | b) & (WRITE | CHECK)) !== 0) return false;
  // Only sums, mins or maxes: they commute when both are of one kind.
  return a === b && (a === SUM || a === MIN || a === MAX);
}

/** What batching needs to know of an operation: its keys, and its size from above. */
interface Footprint {
  keys: Map<string, number>;
  checks: number;
  mutations: number;
  keyBytes: number;
  payloadBytes: number;
  /** Must be committed on its own (enqueue, a value that cannot be sized). */
  alone: boolean;
}

/** A commit waiting for its turn. */
interface Waiting {
  steps: Step[];
  footprint?: Footprint;
  done: PromiseWithResolvers<CommitOutcome>;
  /** Does not start a commit by itself (see {@link lazyAtomic}). */
  lazy: boolean;
}

/** A `Deno.Kv` whose concurrent commits share atomic operations; see the module doc. */
export class BatchingKv implements Deno.Kv {
  readonly #kv: Deno.Kv;
  /** Where `get`, `getMany` and `list` go: a second connection, or `#kv` itself. */
  readonly #reader: Deno.Kv;
  #commits: Waiting[] = [];
  #committing = false;
  /** Commits that start a batch by themselves, in the queue. */
  #eager = 0;
  /** Lazy commits go as soon as possible (set by a flush until the queue is empty). */
  #flushing = false;
  #linger: ReturnType<typeof setTimeout> | undefined;

  /** Wraps `kv`; prefer {@link batchingKv}, which does not wrap twice. */
  constructor(kv: Deno.Kv, reader: Deno.Kv = kv) {
    this.#kv = kv;
    this.#reader = reader;
  }

  /** Whether reads go to a connection of their own (see {@link batchingKv}). */
  get readsApart(): boolean {
    return this.#reader !== this.#kv;
  }

  // ---------------------------------------------------------------- commits

  atomic(): Deno.AtomicOperation {
    return new RecordingOperation((steps) => this.#commit(steps, false));
  }

  /** An atomic operation committed lazily; prefer {@link lazyAtomic}. */
  lazyAtomic(): Deno.AtomicOperation {
    return new RecordingOperation((steps) => this.#commit(steps, true));
  }

  /** Starts committing the lazy operations now; prefer {@link flushLazy}. */
  flush(): void {
    if (this.#commits.length === 0) return;
    this.#flushing = true;
    this.#start();
  }

  async set(
    key: Deno.KvKey,
    value: unknown,
    options?: { expireIn?: number },
  ): Promise<Deno.KvCommitResult> {
    const step: Step = { kind: "set", key, value: snapshot(value), options };
    const outcome = await this.#commit([step], false);
    return outcome as Deno.KvCommitResult;
  }

  async delete(key: Deno.KvKey): Promise<void> {
    await this.#commit([{ kind: "delete", key }], false);
  }

  #commit(steps: Step[], lazy: boolean): Promise<CommitOutcome> {
    const waiting: Waiting = { steps, done: Promise.withResolvers(), lazy };
    this.#commits.push(waiting);
    if (!lazy) this.#eager++;
    if (!lazy || this.#flushing) this.#start();
    else if (!this.#committing) this.#linger ??= setTimeout(() => this.flush(), LINGER_MS);
    return waiting.done.promise;
  }

  /** Runs the committer unless it runs already. */
  #start(): void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    if (this.#committing) return;
    this.#committing = true;
    queueMicrotask(() => void this.#runCommits());
  }

  async #runCommits(): Promise<void> {
    try {
      // Lazy commits at the head of the queue go with the next batch; alone they wait.
      while (this.#commits.length > 0 && (this.#eager > 0 || this.#flushing)) {
        let batch: Waiting[];
        try {
          batch = this.#takeBatch();
        } catch {
          // An operation that cannot be measured (a getter that throws) must not
          // stop the committer: the head goes alone, and Deno judges it.
          batch = this.#commits.splice(0, 1);
        }
        for (const waiting of batch) if (!waiting.lazy) this.#eager--;
        if (batch.length === 1) await this.#commitAlone(batch[0]);
        else await this.#commitTogether(batch);
      }
    } finally {
      this.#committing = false;
      if (this.#commits.length === 0) this.#flushing = false;
      else this.#linger ??= setTimeout(() => this.flush(), LINGER_MS);
    }
  }

  /** The longest prefix of the waiting commits that can go as one atomic operation. */
  #takeBatch(): Waiting[] {
    const queue = this.#commits;
    if (queue.length === 1) return queue.splice(0, 1);
    const first = footprintOf(queue[0]);
    if (first.alone) return queue.splice(0, 1);
    const keys = new Map(first.keys);
    let { checks, mutations, keyBytes, payloadBytes } = first;
    let end = 1;
    for (; end < queue.length; end++) {
      const next = footprintOf(queue[end]);
      if (
        next.alone ||
        checks + next.checks > KV_LIMITS.checks ||
        mutations + next.mutations > KV_LIMITS.mutations ||
        keyBytes + next.keyBytes > KV_LIMITS.totalKeyBytes ||
        payloadBytes + next.payloadBytes > KV_LIMITS.totalMutationBytes
      ) break;
      let clash = false;
      for (const [key, use] of next.keys) {
        const held = keys.get(key);
        if (held !== undefined && !compatible(held, use)) {
          clash = true;
          break;
        }
      }
      if (clash) break;
      for (const [key, use] of next.keys) keys.set(key, (keys.get(key) ?? 0) | use);
      checks += next.checks;
      mutations += next.mutations;
      keyBytes += next.keyBytes;
      payloadBytes += next.payloadBytes;
    }
    return queue.splice(0, end);
  }

  async #commitAlone(waiting: Waiting): Promise<void> {
    try {
      const op = this.#kv.atomic();
      replay(op, waiting.steps);
      waiting.done.resolve(await op.commit());
    } catch (error) {
      waiting.done.reject(error);
    }
  }

  async #commitTogether(batch: Waiting[]): Promise<void> {
    let result: CommitOutcome | undefined;
    try {
      const op = this.#kv.atomic();
      for (const waiting of batch) replay(op, waiting.steps);
      result = await op.commit();
    } catch (error) {
      // A TypeError is Deno refusing the operation (a key, a value, a limit, a
      // sum on a non-counter): nothing was written, so one by one below, and the
      // error reaches its owner. Any other error (I/O, a lost answer from a
      // remote store) may come after the batch landed: an operation is committed
      // again only when twice is the same as once, else its caller gets the error.
      if (!(error instanceof TypeError)) {
        for (const waiting of batch) {
          if (idempotent(waiting.steps)) await this.#commitAlone(waiting);
          else waiting.done.reject(error);
        }
        return;
      }
    }
    if (result?.ok) {
      for (const waiting of batch) waiting.done.resolve(result);
      return;
    }
    // A check failed, or Deno refused the batch: each operation gets its own verdict.
    for (const waiting of batch) await this.#commitAlone(waiting);
  }

  // ----------------------------------------------------------- pass-through

  get<T = unknown>(
    key: Deno.KvKey,
    options?: { consistency?: Deno.KvConsistencyLevel },
  ): Promise<Deno.KvEntryMaybe<T>> {
    return this.#reader.get<T>(key, options);
  }

  getMany<T extends readonly unknown[]>(
    keys: readonly [...{ [K in keyof T]: Deno.KvKey }],
    options?: { consistency?: Deno.KvConsistencyLevel },
  ): Promise<{ [K in keyof T]: Deno.KvEntryMaybe<T[K]> }> {
    return this.#reader.getMany<T>(keys, options);
  }

  list<T = unknown>(
    selector: Deno.KvListSelector,
    options?: Deno.KvListOptions,
  ): Deno.KvListIterator<T> {
    return this.#reader.list<T>(selector, options);
  }

  enqueue(value: unknown, options?: EnqueueOptions): Promise<Deno.KvCommitResult> {
    return this.#kv.enqueue(value, options);
  }

  // deno-lint-ignore no-explicit-any
  listenQueue(handler: (value: any) => Promise<void> | void): Promise<void> {
    return this.#kv.listenQueue(handler);
  }

  watch<T extends readonly unknown[]>(
    keys: readonly [...{ [K in keyof T]: Deno.KvKey }],
    options?: { raw?: boolean },
  ): ReadableStream<{ [K in keyof T]: Deno.KvEntryMaybe<T[K]> }> {
    return this.#kv.watch<T>(keys, options);
  }

  commitVersionstamp(): symbol {
    return this.#kv.commitVersionstamp();
  }

  close(): void {
    // Whatever still waits fails on the closed store, rather than waiting forever.
    this.flush();
    this.#kv.close();
    if (this.#reader !== this.#kv) this.#reader.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Wraps `kv` in a {@link BatchingKv}; a store already wrapped is returned as it is.
 * With `reader`, a second connection to the same local file, reads go there
 * (and closing the store closes both). Never give a reader for `:memory:`
 * (each such connection is a store of its own) or a remote store.
 *
 * @example
 * ```ts
 * const kv = batchingKv(await Deno.openKv(":memory:"));
 * await kv.set(["greeting"], "hello");
 * ```
 *
 * @example
 * ```ts
 * const kv = batchingKv(await Deno.openKv("bot.kv"), { reader: await Deno.openKv("bot.kv") });
 * ```
 */
export function batchingKv(kv: Deno.Kv, options: { reader?: Deno.Kv } = {}): Deno.Kv {
  return kv instanceof BatchingKv ? kv : new BatchingKv(kv, options.reader);
}

/**
 * An atomic operation whose commit nobody needs soon: on a {@link BatchingKv}
 * it goes with the next batch, after {@link LINGER_MS} at the latest, or at
 * {@link flushLazy}; on another store it is an ordinary atomic operation.
 *
 * @example
 * ```ts
 * const kv = batchingKv(await Deno.openKv(":memory:"));
 * const marked = lazyAtomic(kv).set(["seen", 1], true).commit();
 * flushLazy(kv);
 * await marked;
 * ```
 */
export function lazyAtomic(kv: Deno.Kv): Deno.AtomicOperation {
  return kv instanceof BatchingKv ? kv.lazyAtomic() : kv.atomic();
}

/** Starts committing the lazy operations waiting on `kv` now (none on another store). */
export function flushLazy(kv: Deno.Kv): void {
  if (kv instanceof BatchingKv) kv.flush();
}

/** An atomic operation that records its calls; `commit()` hands them to the committer. */
class RecordingOperation implements Deno.AtomicOperation {
  readonly #steps: Step[] = [];
  readonly #submit: (steps: Step[]) => Promise<CommitOutcome>;

  constructor(submit: (steps: Step[]) => Promise<CommitOutcome>) {
    this.#submit = submit;
  }

  check(...checks: Deno.AtomicCheck[]): this {
    // Taken now, as Deno does: a caller may change its entry before the commit lands.
    checks = checks.map(({ key, versionstamp }) => ({ key, versionstamp }));
    this.#steps.push({ kind: "check", checks });
    return this;
  }

  mutate(...mutations: Deno.KvMutation[]): this {
    mutations = mutations.map((m) => m.type === "set" ? { ...m, value: snapshot(m.value) } : m);
    this.#steps.push({ kind: "mutate", mutations });
    return this;
  }

  sum(key: Deno.KvKey, n: bigint): this {
    // KvU64 checks the range now, as Deno's own sum() does.
    this.#steps.push({ kind: "sum", key, value: new Deno.KvU64(n) });
    return this;
  }

  min(key: Deno.KvKey, n: bigint): this {
    this.#steps.push({ kind: "min", key, value: new Deno.KvU64(n) });
    return this;
  }

  max(key: Deno.KvKey, n: bigint): this {
    this.#steps.push({ kind: "max", key, value: new Deno.KvU64(n) });
    return this;
  }

  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): this {
    this.#steps.push({ kind: "set", key, value: snapshot(value), options });
    return this;
  }

  delete(key: Deno.KvKey): this {
    this.#steps.push({ kind: "delete", key });
    return this;
  }

  enqueue(value: unknown, options?: EnqueueOptions): this {
    this.#steps.push({ kind: "enqueue", value: snapshot(value), options });
    return this;
  }

  commit(): Promise<CommitOutcome> {
    return this.#submit(this.#steps.slice());
  }
}

/**
 * A value as it is now. Deno serializes a value when it is given (set, mutate,
 * enqueue), so a change made to it later, while the commit waits for its
 * batch, must not be stored. Raw bytes and a KvU64 are kept as they are, as
 * Deno keeps them. A value that cannot be cloned is kept too: Deno refuses it
 * at commit, which then rejects.
 */
function snapshot(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array || value instanceof Deno.KvU64) return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/** Applies recorded steps to a real atomic operation. */
function replay(op: Deno.AtomicOperation, steps: Step[]): void {
  for (const step of steps) {
    switch (step.kind) {
      case "check":
        op.check(...step.checks);
        break;
      case "mutate":
        op.mutate(...step.mutations);
        break;
      case "set":
        op.set(step.key, step.value, step.options);
        break;
      case "delete":
        op.delete(step.key);
        break;
      case "sum":
        op.sum(step.key, step.value.value);
        break;
      case "min":
        op.min(step.key, step.value.value);
        break;
      case "max":
        op.max(step.key, step.value.value);
        break;
      case "enqueue":
        op.enqueue(step.value, step.options);
        break;
    }
  }
}

/**
 * Whether applying `steps` twice leaves what once does: sets, deletes, mins and
 * maxes only. A sum adds again; a check would fail against the first write.
 */
function idempotent(steps: Step[]): boolean {
  return steps.every((step) =>
    step.kind === "set" || step.kind === "delete" || step.kind === "min" ||
    step.kind === "max" ||
    (step.kind === "mutate" &&
      step.mutations.every((m) => m.type !== "sum" && MUTATION_USE[m.type] !== undefined))
  );
}

function footprintOf(waiting: Waiting): Footprint {
  return waiting.footprint ??= measure(waiting.steps);
}

const MUTATION_USE: Record<string, number> = {
  set: WRITE,
  delete: WRITE,
  sum: SUM,
  min: MIN,
  max: MAX,
};

/** Keys, counts and sizes of recorded steps (sizes from above: see {@link valueBytes}). */
function measure(steps: Step[]): Footprint {
  const footprint: Footprint = {
    keys: new Map(),
    checks: 0,
    mutations: 0,
    keyBytes: 0,
    payloadBytes: 0,
    alone: false,
  };
  // Deno counts the keys of checks and mutations, and the keys again with the
  // values of mutations that carry one; every key counts here, which is more.
  const touch = (key: Deno.KvKey, use: number) => {
    if (!plainKey(key)) {
      // A key Deno may refuse, or one with commitVersionstamp(): alone, Deno judges it.
      footprint.alone = true;
      return 0;
    }
    const id = keyId(key);
    footprint.keys.set(id, (footprint.keys.get(id) ?? 0) | use);
    const bytes = keyBytes(key);
    footprint.keyBytes += bytes;
    footprint.payloadBytes += bytes;
    return bytes;
  };
  /** A mutation; `value` is the stored value's size (none for a delete). */
  const mutation = (key: Deno.KvKey, use: number, value?: number) => {
    footprint.mutations++;
    const bytes = touch(key, use);
    if (value !== undefined) footprint.payloadBytes += bytes + value;
  };
  for (const step of steps) {
    switch (step.kind) {
      case "check":
        for (const check of step.checks) {
          footprint.checks++;
          touch(check.key, CHECK);
        }
        break;
      case "mutate":
        for (const m of step.mutations) {
          const use = MUTATION_USE[m.type];
          // A kind this module does not know goes alone.
          if (use === undefined) footprint.alone = true;
          const value = "value" in m ? valueBytes(m.value, true) : undefined;
          mutation(m.key, use ?? WRITE, value);
        }
        break;
      case "set":
        mutation(step.key, WRITE, valueBytes(step.value, true));
        break;
      case "delete":
        mutation(step.key, WRITE);
        break;
      case "sum":
        mutation(step.key, SUM, 8);
        break;
      case "min":
        mutation(step.key, MIN, 8);
        break;
      case "max":
        mutation(step.key, MAX, 8);
        break;
      case "enqueue":
        footprint.alone = true;
        break;
    }
  }
  if (!Number.isFinite(footprint.payloadBytes)) footprint.alone = true;
  return footprint;
}

/** Whether every part of `key` is of a kind {@link keyId} and the size estimate know. */
function plainKey(key: Deno.KvKey): boolean {
  if (!Array.isArray(key)) return false;
  for (const part of key) {
    const kind = typeof part;
    if (
      kind !== "string" && kind !== "number" && kind !== "bigint" && kind !== "boolean" &&
      !(part instanceof Uint8Array)
    ) return false;
  }
  return true;
}

/**
 * A string that is equal for equal keys. Unequal keys may rarely share one
 * (0 and -0, two NaNs), which only ends a batch that could have gone on.
 */
export function keyId(key: Deno.KvKey): string {
  let id = "";
  for (const part of key) {
    switch (typeof part) {
      case "string":
        id += `s${part.length}:${part}`;
        break;
      case "number":
        id += `n${part === 0 ? 0 : part}|`;
        break;
      case "bigint":
        id += `b${part}|`;
        break;
      case "boolean":
        id += part ? "T" : "F";
        break;
      default:
        id += `u${(part as Uint8Array).join(",")}|`;
    }
  }
  return id;
}

/** Bytes of a key as Deno KV encodes it, from above. */
function keyBytes(key: Deno.KvKey): number {
  let bytes = 0;
  for (const part of key) {
    if (typeof part === "string") bytes += 2 + 3 * part.length;
    else if (typeof part === "number") bytes += 9;
    else if (typeof part === "bigint") bytes += 4 + part.toString(16).length;
    else if (typeof part === "boolean") bytes += 1;
    else bytes += 2 + 2 * (part as Uint8Array).length;
  }
  return bytes;
}

/**
 * Bytes of a value as Deno KV stores it (raw bytes, a KvU64, or V8's
 * serialization), from above. Infinity when it cannot tell (a cycle, a type it
 * does not know): such an operation is committed alone.
 */
function valueBytes(value: unknown, top: boolean, depth = 0): number {
  if (depth > 64) return Infinity;
  switch (typeof value) {
    case "string":
      return 10 + 2 * value.length;
    case "number":
      return 10;
    case "boolean":
    case "undefined":
      return 2;
    case "bigint":
      return 16 + value.toString(16).length;
    case "object": {
      if (value === null) return 2;
      if (top && value instanceof Uint8Array) return value.byteLength;
      if (top && value instanceof Deno.KvU64) return 8;
      const head = top ? 16 : 0;
      if (ArrayBuffer.isView(value)) return head + 32 + value.byteLength;
      if (value instanceof Date) return head + 16;
      if (Array.isArray(value)) {
        let bytes = head + 20;
        for (const item of value) bytes += valueBytes(item, false, depth + 1);
        return bytes;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return Infinity;
      let bytes = head + 20;
      for (const name in value) {
        bytes += 10 + 2 * name.length +
          valueBytes((value as Record<string, unknown>)[name], false, depth + 1);
      }
      return bytes;
    }
    default:
      return Infinity;
  }
}
