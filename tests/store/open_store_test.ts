import assert from "node:assert/strict";
import { openStore, StoreError, storeLocation } from "../../src/store/mod.ts";

Deno.test("store: a damaged store file stops the start and is left as it was", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const garbage = crypto.getRandomValues(new Uint8Array(8192));
    await Deno.writeFile(`${dir}/bot.kv`, garbage);
    await assert.rejects(
      () => openStore({ dataDir: dir }),
      (error: Error) =>
        error instanceof StoreError && error.message.includes(`${dir}/bot.kv`) &&
        error.message.includes("Cannot open the store"),
    );
    assert.deepStrictEqual(await Deno.readFile(`${dir}/bot.kv`), garbage);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store: a folder where the store file should be stops the start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/bot.kv`);
    await assert.rejects(() => openStore({ dataDir: dir }), StoreError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store: an impossible DATA_DIR names the folder", async () => {
  const file = await Deno.makeTempFile();
  try {
    await assert.rejects(
      () => openStore({ dataDir: `${file}/sub` }),
      (error: Error) => error instanceof StoreError && error.message.includes("DATA_DIR"),
    );
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("store: DATA_DIR is created and the data survives reopening", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = { dataDir: `${dir}/nested/data` };
    assert.strictEqual(storeLocation(config), `${dir}/nested/data/bot.kv`);
    const kv = await openStore(config);
    await kv.set(["probe"], 1);
    kv.close();
    const again = await openStore(config);
    assert.strictEqual((await again.get(["probe"])).value, 1);
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store: KV_URL takes the place of the local file", () => {
  assert.strictEqual(
    storeLocation({ dataDir: "./x", kvUrl: "https://kv.example/db" }),
    "https://kv.example/db",
  );
});

Deno.test("store: a local store reads what it just wrote, and refuses reads and writes once closed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const kv = await openStore({ dataDir: dir });
    for (let i = 0; i < 50; i++) {
      const { versionstamp } = await kv.set(["probe"], i);
      const read = await kv.get(["probe"]);
      assert.deepStrictEqual([read.value, read.versionstamp], [i, versionstamp]);
    }
    kv.close();
    await assert.rejects(() => kv.get(["probe"]));
    await assert.rejects(() => kv.set(["probe"], 0));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
