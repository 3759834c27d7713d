import assert from "node:assert/strict";
import {
  BatchingKv,
  batchingKv,
  flushLazy,
  keyId,
  KV_LIMITS,
  lazyAtomic,
} from "../../src/store/batching_kv.ts";
import { kvWith } from "../helpers/kv_with.ts";

/** What the wrapped store saw: every atomic commit (its checks and mutations). */
interface Seen {
  commits: { checks: number; mutations: number }[];
  /** Commits Deno refused with an error (a limit, a value it cannot store). */
  refused: number;
}

/** A real store that records the commits made to it. */
function recording(kv: Deno.Kv): { kv: Deno.Kv; seen: Seen } {
  const seen: Seen = { commits: [], refused: 0 };
  const wrapped = kvWith(kv, {
    atomic: () => {
      const op = kv.atomic();
      const counts = { checks: 0, mutations: 0 };
      const proxy: Deno.AtomicOperation = new Proxy(op, {
        get(opTarget, opName) {
          const method = Reflect.get(opTarget, opName, opTarget);
          if (typeof method !== "function") return method;
          return (...args: unknown[]) => {
            if (opName === "commit") {
              seen.commits.push(counts);
              return (method.apply(opTarget, args) as Promise<unknown>).catch((error) => {
                seen.refused++;
                throw error;
              });
            }
            if (opName === "check") counts.checks += args.length;
            else if (opName === "mutate") counts.mutations += args.length;
            else counts.mutations++;
            method.apply(opTarget, args);
            return proxy;
          };
        },
      });
      return proxy;
    },
  });
  return { kv: wrapped, seen };
}

/** Runs a test on `:memory:` and on a temp file, through the batching layer. */
function batchingTest(name: string, fn: (kv: Deno.Kv, seen: Seen) => Promise<void>) {
  Deno.test(`batching kv: ${name} (:memory:)`, async () => {
    const inner = await Deno.openKv(":memory:");
    const { kv, seen } = recording(inner);
    try {
      await fn(batchingKv(kv), seen);
    } finally {
      inner.close();
    }
  });
  Deno.test(`batching kv: ${name} (file)`, async () => {
    const dir = await Deno.makeTempDir();
    const inner = await Deno.openKv(`${dir}/bot.kv`);
    const { kv, seen } = recording(inner);
    try {
      await fn(batchingKv(kv), seen);
    } finally {
      inner.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

batchingTest("concurrent commits share atomic operations and all land", async (kv, seen) => {
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => kv.atomic().set(["item", i], i).commit()),
  );
  assert.ok(results.every((result) => result.ok));
  assert.ok(seen.commits.length < 50, `${seen.commits.length} commits for 50 operations`);
  const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => kv.get(["item", i])));
  assert.deepStrictEqual(
    entries.map((entry) => entry.value),
    Array.from({ length: 50 }, (_, i) => i),
  );
  // Every key written by a batch carries the version its callers were told.
  for (const [i, entry] of entries.entries()) {
    assert.strictEqual(entry.versionstamp, (results[i] as Deno.KvCommitResult).versionstamp);
  }
});

batchingTest("counters summed by concurrent operations add up", async (kv, seen) => {
  const results = await Promise.all(
    Array.from(
      { length: 200 },
      (_, i) =>
        kv.atomic().sum(["count"], 1n).sum(["total"], BigInt(i)).set(["done", i], true).commit(),
    ),
  );
  assert.ok(results.every((result) => result.ok));
  assert.ok(seen.commits.length < 200);
  assert.strictEqual((await kv.get<Deno.KvU64>(["count"])).value?.value, 200n);
  assert.strictEqual((await kv.get<Deno.KvU64>(["total"])).value?.value, 19_900n);
});

batchingTest("of concurrent claims checked on one key, exactly one wins", async (kv) => {
  const claims = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) =>
        kv.atomic().check({ key: ["claim"], versionstamp: null }).set(["claim"], i).sum(
          ["claims"],
          1n,
        ).commit(),
    ),
  );
  const winners = claims.flatMap((result, i) => result.ok ? [i] : []);
  assert.strictEqual(winners.length, 1);
  assert.strictEqual((await kv.get(["claim"])).value, winners[0]);
  assert.strictEqual((await kv.get<Deno.KvU64>(["claims"])).value?.value, 1n);
});

batchingTest(
  "version-checked updates of one record from a read all apply, one at a time",
  async (kv) => {
    await kv.set(["record"], 0);
    // Each writer retries with a fresh read, as the repositories do.
    const increment = async () => {
      for (;;) {
        const entry = await kv.get<number>(["record"]);
        const result = await kv.atomic().check(entry).set(["record"], entry.value! + 1).commit();
        if (result.ok) return;
      }
    };
    await Promise.all(Array.from({ length: 30 }, increment));
    assert.strictEqual((await kv.get(["record"])).value, 30);
  },
);

batchingTest("a failing check fails only its own operation in a batch", async (kv, seen) => {
  await kv.set(["stale"], "v1");
  const old = await kv.get(["stale"]);
  await kv.set(["stale"], "v2");
  const before = seen.commits.length;
  const [failing, ...others] = await Promise.all([
    kv.atomic().check(old).set(["stale"], "lost").commit(),
    ...Array.from(
      { length: 5 },
      (_, i) => kv.atomic().set(["other", i], i).sum(["n"], 1n).commit(),
    ),
  ]);
  assert.strictEqual(failing.ok, false);
  assert.ok(others.every((result) => result.ok));
  assert.strictEqual((await kv.get(["stale"])).value, "v2");
  assert.strictEqual((await kv.get<Deno.KvU64>(["n"])).value?.value, 5n);
  // One combined attempt, then each operation on its own.
  assert.strictEqual(seen.commits.length - before, 1 + 6);
  assert.strictEqual(seen.commits[before].checks, 1);
  assert.strictEqual(seen.commits[before].mutations, 1 + 5 * 2);
});

batchingTest(
  "operations that touch one key in conflicting ways go in separate batches",
  async (kv, seen) => {
    await kv.set(["shared"], new Deno.KvU64(5n));
    const entry = await kv.get(["shared"]);
    const before = seen.commits.length;
    const [checked, summed, set] = await Promise.all([
      kv.atomic().check(entry).set(["mark"], true).commit(),
      kv.atomic().sum(["shared"], 1n).commit(),
      kv.atomic().set(["shared"], new Deno.KvU64(100n)).commit(),
    ]);
    // In call order, as if committed one after another: the check met the version read.
    assert.ok(checked.ok && summed.ok && set.ok);
    assert.strictEqual(seen.commits.length - before, 3);
    assert.strictEqual((await kv.get<Deno.KvU64>(["shared"])).value?.value, 100n);
  },
);

batchingTest("batches stay within Deno KV's limits on checks and mutations", async (kv, seen) => {
  const results = await Promise.all([
    ...Array.from(
      { length: 150 },
      (_, i) => kv.atomic().check({ key: ["fresh", i], versionstamp: null }).commit(),
    ),
    ...Array.from({ length: 1_500 }, (_, i) => kv.atomic().set(["bulk", i], i).commit()),
  ]);
  assert.ok(results.every((result) => result.ok));
  assert.strictEqual(seen.refused, 0);
  assert.ok(seen.commits.every((c) => c.checks <= KV_LIMITS.checks));
  assert.ok(seen.commits.every((c) => c.mutations <= KV_LIMITS.mutations));
  assert.ok(seen.commits.length >= 3, "1,500 mutations need at least two batches");
});

batchingTest("batches stay within the limits on key and value sizes", async (kv, seen) => {
  const longKey = (i: number) => ["long", "k".repeat(1_900), i];
  const bigValue = new Uint8Array(60_000);
  const results = await Promise.all([
    ...Array.from({ length: 60 }, (_, i) => kv.atomic().set(longKey(i), i).commit()),
    ...Array.from({ length: 30 }, (_, i) => kv.atomic().set(["big", i], bigValue).commit()),
    ...Array.from(
      { length: 30 },
      (_, i) => kv.atomic().set(["text", i], { body: "Ж".repeat(20_000) }).commit(),
    ),
  ]);
  // Together these exceed 80 KiB of keys and 800 KiB of values many times over;
  // split into batches, every one of them commits, and Deno refuses none.
  assert.ok(results.every((result) => result.ok));
  assert.strictEqual(seen.refused, 0);
  assert.ok(seen.commits.length > 3);
  assert.strictEqual((await kv.get(longKey(59))).value, 59);
  assert.strictEqual((await kv.get<Uint8Array>(["big", 29])).value?.length, 60_000);
});

batchingTest("an operation over a limit fails as it would alone; the others commit", async (kv) => {
  const tooMany = kv.atomic();
  for (let i = 0; i <= KV_LIMITS.mutations; i++) tooMany.set(["many", i], i);
  const tooLarge = kv.atomic().set(["huge"], new Uint8Array(70_000));
  const [many, large, small] = await Promise.allSettled([
    tooMany.commit(),
    tooLarge.commit(),
    kv.atomic().set(["small"], 1).commit(),
  ]);
  assert.strictEqual(many.status, "rejected");
  assert.match(String(many.reason), /Too many mutations/);
  assert.strictEqual(large.status, "rejected");
  assert.match(String(large.reason), /too large/i);
  assert.deepStrictEqual(small.status === "fulfilled" && small.value.ok, true);
  assert.strictEqual((await kv.get(["many", 0])).versionstamp, null);
  assert.strictEqual((await kv.get(["small"])).value, 1);
});

batchingTest("a value Deno cannot store fails its own operation only", async (kv) => {
  const outcomes = await Promise.allSettled([
    kv.atomic().set(["ok", 1], 1).commit(),
    // Deno cannot store a function: this operation throws when committed.
    kv.atomic().set(["bad"], { run: () => {} }).commit(),
    kv.atomic().sum(["counter"], 1n).commit(),
    kv.atomic().set(["ok", 2], 2).commit(),
  ]);
  assert.deepStrictEqual(outcomes.map((outcome) => outcome.status), [
    "fulfilled",
    "rejected",
    "fulfilled",
    "fulfilled",
  ]);
  assert.strictEqual((await kv.get(["bad"])).versionstamp, null);
  assert.strictEqual((await kv.get(["ok", 2])).value, 2);
  assert.strictEqual((await kv.get<Deno.KvU64>(["counter"])).value?.value, 1n);
});

batchingTest("a sum on a key that is not a counter fails its own operation only", async (kv) => {
  await kv.set(["text"], "not a number");
  const [bad, good] = await Promise.allSettled([
    kv.atomic().sum(["text"], 1n).commit(),
    kv.atomic().sum(["fine"], 1n).commit(),
  ]);
  assert.strictEqual(bad.status, "rejected");
  assert.strictEqual(good.status, "fulfilled");
  assert.strictEqual((await kv.get<Deno.KvU64>(["fine"])).value?.value, 1n);
});

batchingTest(
  "a read after a commit sees it, while other commits keep the committer busy",
  async (kv) => {
    let writing = true;
    const noise = (async () => {
      for (let i = 0; writing; i++) {
        await kv.atomic().set(["noise", i % 5], i).sum(["n"], 1n)
          .commit();
      }
    })();
    for (let value = 1; value <= 30; value++) {
      await kv.atomic().set(["x"], value).sum(["n"], 1n).commit();
      assert.strictEqual((await kv.get(["x"])).value, value);
      const [entry] = await kv.getMany([["x"], ["noise", 1]]);
      assert.strictEqual(entry.value, value);
    }
    writing = false;
    await noise;
  },
);

batchingTest("a lazy commit waits for company, and flushLazy sends it", async (kv, seen) => {
  const lazy = lazyAtomic(kv).set(["lazy"], 1).commit();
  await Promise.resolve();
  await Promise.resolve();
  assert.strictEqual(seen.commits.length, 0, "not committed on its own at once");
  flushLazy(kv);
  assert.ok((await lazy).ok);
  assert.strictEqual(seen.commits.length, 1);
  assert.strictEqual((await kv.get(["lazy"])).value, 1);
});

batchingTest("a lazy commit alone lands without a flush", async (kv, seen) => {
  assert.ok((await lazyAtomic(kv).set(["lazy"], 1).commit()).ok);
  assert.strictEqual(seen.commits.length, 1);
});

batchingTest("a lazy commit goes with the next commit, in call order", async (kv, seen) => {
  const lazy = lazyAtomic(kv).set(["mark"], 1).delete(["journal"]).commit();
  const eager = kv.atomic().set(["work"], 2).commit();
  assert.ok((await lazy).ok && (await eager).ok);
  assert.deepStrictEqual(seen.commits, [{ checks: 0, mutations: 3 }], "one commit for both");
  // On one key they do not share a batch, and the later write wins.
  const first = lazyAtomic(kv).set(["key"], "lazy").commit();
  const second = kv.atomic().set(["key"], "eager").commit();
  assert.ok((await first).ok && (await second).ok);
  assert.strictEqual((await kv.get(["key"])).value, "eager");
});

Deno.test("batching kv: lazyAtomic on a plain store is an ordinary atomic operation", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.ok((await lazyAtomic(kv).set(["a"], 1).commit()).ok);
  flushLazy(kv);
  assert.strictEqual((await kv.get(["a"])).value, 1);
});

Deno.test("batching kv: commits waiting when the store closes (lazy ones too) are rejected, not lost", async () => {
  const inner = await Deno.openKv(":memory:");
  const kv = batchingKv(inner);
  const first = kv.atomic().set(["a"], 1).commit();
  const waiting = Array.from({ length: 5 }, (_, i) => kv.atomic().set(["b", i], i).commit());
  const lazy = lazyAtomic(kv).set(["c"], 1).commit();
  kv.close();
  const outcomes = await Promise.allSettled([first, ...waiting, lazy]);
  assert.ok(outcomes.every((outcome) => outcome.status === "rejected"));
});

Deno.test("batching kv: a wrapped store is not wrapped again", async () => {
  using inner = await Deno.openKv(":memory:");
  const kv = batchingKv(inner);
  assert.strictEqual(batchingKv(kv), kv);
});

Deno.test("batching kv: equal keys share an id, different keys do not", () => {
  assert.strictEqual(keyId(["a", 1, 2n, true]), keyId(["a", 1, 2n, true]));
  assert.notStrictEqual(keyId(["a", 1]), keyId(["a", "1"]));
  assert.notStrictEqual(keyId(["a", 1]), keyId(["a", 1n]));
  assert.notStrictEqual(keyId(["ab", "c"]), keyId(["a", "bc"]));
  assert.notStrictEqual(keyId([new Uint8Array([1, 2])]), keyId([new Uint8Array([12])]));
  assert.strictEqual(keyId([0]), keyId([-0]));
});

batchingTest(
  "a value is stored as it was at set(), as plain Deno KV does, not as at commit",
  async (kv) => {
    // Keep the committer busy so the operations below wait in the queue.
    const busy = kv.atomic().set(["busy"], 0).commit();
    const record = { n: 1, list: [1] };
    const check = { key: ["checked"], versionstamp: null as string | null };
    const op = kv.atomic().check(check).set(["record"], record)
      .mutate({ type: "set", key: ["mutated"], value: record });
    const bytes = new Uint8Array([1]);
    op.set(["bytes"], bytes);
    const committed = op.commit();
    const direct = kv.set(["direct"], record);
    const lazy = lazyAtomic(kv).set(["lazy"], record).commit();
    // Changed after set() and the commit() call, before the commit lands.
    record.n = 2;
    record.list.push(2);
    check.versionstamp = "00000000000000ff0000";
    bytes[0] = 9;
    flushLazy(kv);
    await busy;
    assert.ok((await committed).ok, "the check met the version it was given");
    await direct;
    await lazy;
    for (const key of [["record"], ["mutated"], ["direct"], ["lazy"]]) {
      assert.deepStrictEqual((await kv.get(key)).value, { n: 1, list: [1] }, String(key));
    }
    // Raw bytes are taken as they are when committed, as Deno does.
    assert.deepStrictEqual((await kv.get(["bytes"])).value, new Uint8Array([9]));
  },
);

Deno.test("batching kv: a batch whose commit may have landed is not committed again", async () => {
  using inner = await Deno.openKv(":memory:");
  // A remote store that loses one answer (the second commit's): written, yet rejected.
  let commits = 0;
  const flaky = kvWith(inner, {
    atomic: () => {
      const op = inner.atomic();
      const commit = op.commit.bind(op);
      op.commit = async () => {
        const lost = ++commits === 2;
        const result = await commit();
        if (lost) throw new Error("error sending request: connection reset");
        return result;
      };
      return op;
    },
  });
  const kv = batchingKv(flaky);
  await kv.set(["first"], 0);
  // Three commits made together go as one batch: the second commit of the store.
  const sums = Array.from({ length: 3 }, () => kv.atomic().sum(["count"], 1n).commit());
  const checked = kv.atomic().check({ key: ["claim"], versionstamp: null }).set(["claim"], 1)
    .commit();
  const mark = lazyAtomic(kv).set(["seen"], true).delete(["journal"]).commit();
  const outcomes = await Promise.allSettled([...sums, checked]);
  // Each caller learns its commit failed, as with its own commit; none is applied twice.
  assert.strictEqual((await kv.get<Deno.KvU64>(["count"])).value?.value, 3n);
  assert.ok(outcomes.every((outcome) => outcome.status === "rejected"));
  // What may go twice (a journal mark) is committed again and lands.
  assert.ok((await mark).ok);
  assert.strictEqual((await kv.get(["seen"])).value, true);
});

batchingTest("a key Deno refuses fails its own operation only; commits go on", async (kv) => {
  const timeout = new Promise<"stuck">((resolve) => {
    const timer = setTimeout(() => resolve("stuck"), 2_000);
    Deno.unrefTimer(timer);
  });
  const throwing = {
    get boom(): number {
      throw new Error("getter");
    },
  };
  const commits = Promise.allSettled([
    kv.atomic().set(["bad", undefined as unknown as number], 1).commit(),
    kv.atomic().set(["ok", 1], 1).commit(),
    kv.atomic().set(["log", kv.commitVersionstamp()], "stamped").commit(),
    kv.atomic().set(["odd"], throwing).commit(),
    kv.atomic().set(["ok", 2], 2).commit(),
  ]);
  const outcomes = await Promise.race([commits, timeout]);
  assert.notStrictEqual(outcomes, "stuck", "the committer stopped");
  assert.deepStrictEqual(
    (outcomes as PromiseSettledResult<unknown>[]).map((outcome) => outcome.status),
    ["rejected", "fulfilled", "fulfilled", "rejected", "fulfilled"],
  );
  assert.strictEqual((await kv.get(["ok", 2])).value, 2);
  const stamped = await Array.fromAsync(kv.list({ prefix: ["log"] }));
  assert.deepStrictEqual(stamped.map((entry) => entry.value), ["stamped"]);
});

Deno.test("batching kv: with a reader, reads go to it and writes never do; close closes both", async () => {
  const writer = await Deno.openKv(":memory:");
  const reader = await Deno.openKv(":memory:");
  await reader.set(["where"], "reader");
  await reader.set(["list", 1], "r1");
  const kv = batchingKv(writer, { reader });
  assert.strictEqual((kv as BatchingKv).readsApart, true);
  using plain = await Deno.openKv(":memory:");
  assert.strictEqual((batchingKv(plain) as BatchingKv).readsApart, false);
  assert.ok((await kv.atomic().set(["where"], "writer").commit()).ok);
  await kv.set(["list", 2], "w2");
  await kv.delete(["list", 1]);
  // Three kinds of read, all answered by the reader.
  assert.strictEqual((await kv.get(["where"])).value, "reader");
  assert.deepStrictEqual((await kv.getMany([["where"], ["list", 2]])).map((e) => e.value), [
    "reader",
    null,
  ]);
  const listed = [];
  for await (const entry of kv.list({ prefix: ["list"] })) listed.push(entry.value);
  assert.deepStrictEqual(listed, ["r1"]);
  // The writes landed on the writer only.
  assert.strictEqual((await writer.get(["where"])).value, "writer");
  assert.strictEqual((await writer.get(["list", 2])).value, "w2");
  assert.strictEqual((await reader.get(["list", 2])).value, null);
  kv.close();
  await assert.rejects(() => writer.get(["where"]));
  await assert.rejects(() => reader.get(["where"]));
});

Deno.test("batching kv: on one file, a read through the reader sees every commit that resolved before it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bot.kv`;
    const kv = batchingKv(await Deno.openKv(path), { reader: await Deno.openKv(path) });
    // Twenty writers at once (so commits share batches), each reading back at once.
    let stale = 0;
    await Promise.all(Array.from({ length: 20 }, async (_, writerIndex) => {
      for (let round = 1; round <= 25; round++) {
        const key = ["counter", writerIndex];
        const before = await kv.get<number>(key);
        const result = await kv.atomic().check(before).set(key, round).sum(["total"], 1n)
          .commit();
        assert.ok(result.ok);
        const after = await kv.getMany<[number, Deno.KvU64]>([key, ["total"]]);
        if (after[0].value !== round || after[0].versionstamp !== result.versionstamp) stale++;
        // The total counts at least this writer's own commits so far.
        if (after[1].value!.value < BigInt(round)) stale++;
      }
    }));
    assert.strictEqual(stale, 0);
    assert.strictEqual((await kv.get<Deno.KvU64>(["total"])).value?.value, 500n);
    kv.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
