/**
 * Store faults at start-up that need help from the machine: a full disk (a
 * tiny tmpfs, when this process may mount one) and a store locked by another
 * program (python3's sqlite3, when present). Where the machine cannot provide
 * the fault, the test is reported as ignored, never as passed.
 */
import assert from "node:assert/strict";
import { openStore, StoreError } from "../../src/store/mod.ts";

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, { args, stdout: "null", stderr: "null" })
      .output();
    return success;
  } catch {
    return false;
  }
}

const probe = await Deno.makeTempDir();
const canMount = await succeeds("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", probe]);
if (canMount) await succeeds("umount", [probe]);
await Deno.remove(probe);
const hasSqlite = await succeeds("python3", ["-c", "import sqlite3"]);

Deno.test({
  name: "store: a full disk stops the start with a clear error and keeps the data",
  ignore: !canMount,
  async fn() {
    const dir = await Deno.makeTempDir();
    assert.ok(await succeeds("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir]));
    try {
      const kv = await openStore({ dataDir: `${dir}/data` });
      await kv.set(["probe"], "kept");
      kv.close();
      const before = await Deno.readFile(`${dir}/data/bot.kv`);
      const filler = await Deno.open(`${dir}/filler`, { write: true, create: true });
      try {
        while (true) filler.writeSync(new Uint8Array(4096));
      } catch (error) {
        assert.match((error as Error).message, /No space left/);
      } finally {
        filler.close();
      }
      await assert.rejects(
        () => openStore({ dataDir: `${dir}/data` }),
        (error: Error) =>
          error instanceof StoreError && error.message.includes(`${dir}/data/bot.kv`),
      );
      assert.deepStrictEqual(await Deno.readFile(`${dir}/data/bot.kv`), before);
      // With room again, the same data is there.
      await Deno.remove(`${dir}/filler`);
      const again = await openStore({ dataDir: `${dir}/data` });
      assert.strictEqual((await again.get(["probe"])).value, "kept");
      again.close();
    } finally {
      await succeeds("umount", [dir]);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "store: a store locked by another program stops the start with a clear error",
  ignore: !hasSqlite,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const kv = await openStore({ dataDir: dir });
      kv.close();
      // Another program holds an exclusive lock on the file until it is told to stop.
      const locker = new Deno.Command("python3", {
        args: [
          "-c",
          "import sqlite3,sys\n" +
          "c=sqlite3.connect(sys.argv[1],isolation_level=None)\n" +
          "c.execute('PRAGMA locking_mode=EXCLUSIVE')\nc.execute('BEGIN EXCLUSIVE')\n" +
          "print('locked',flush=True)\nsys.stdin.read()",
          `${dir}/bot.kv`,
        ],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      const reader = locker.stdout.getReader();
      const first = await reader.read();
      assert.match(new TextDecoder().decode(first.value), /locked/);
      try {
        await assert.rejects(
          () => openStore({ dataDir: dir }),
          (error: Error) =>
            error instanceof StoreError && /locked|busy/i.test(error.message) &&
            error.message.includes(`${dir}/bot.kv`),
        );
      } finally {
        await locker.stdin.close();
        reader.releaseLock();
        await locker.stdout.cancel();
        await locker.status;
      }
      const after = await openStore({ dataDir: dir });
      after.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
