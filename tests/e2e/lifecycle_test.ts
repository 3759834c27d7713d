import assert from "node:assert/strict";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import { startFakeApi } from "../helpers/fake_api_server.ts";
import * as make from "../helpers/updates.ts";
import { botEnv, killBot, runBot, startBot } from "./process.ts";
import { APP_VERSION } from "../../src/version.ts";

const TOKEN = "123456789:E2E-test_token";

Deno.test("process: /start through long polling is answered, SIGTERM exits 0", async () => {
  const dataDir = await Deno.makeTempDir();
  const sim = new TelegramSim();
  const api = await startFakeApi(sim, { token: TOKEN });
  const bot = startBot(botEnv(api.url, dataDir, TOKEN));
  try {
    const user = make.user(4242, { first_name: "Eve", language_code: "en" });
    api.pushUpdate(make.command(user, "start"));
    const reply = await api.waitForCall(
      "sendMessage",
      (payload) => Number(payload.chat_id) === 4242,
      30_000,
    );
    assert.ok(String(reply.payload.text).length > 0);
    bot.child.kill("SIGTERM");
    const { code, output } = await bot.finished;
    assert.strictEqual(code, 0, output);
    assert.ok(!output.includes(TOKEN.split(":")[1]), "the token is never printed");
    // The store was closed cleanly and holds the user.
    const kv = await Deno.openKv(`${dataDir}/bot.kv`);
    assert.strictEqual((await kv.get<{ id: number }>(["user", 4242])).value?.id, 4242);
    kv.close();
  } finally {
    await killBot(bot);
    await api.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: a malformed variable stops the start with exit 2 and one clear line", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const { code, output } = await runBot({
      BOT_TOKEN: TOKEN,
      ADMIN_ID: "abc",
      DATA_DIR: dataDir,
    });
    assert.strictEqual(code, 2);
    assert.match(output, /ADMIN_ID/);
    assert.match(output, /'abc'/);
    assert.match(output, /comma-separated Telegram user ids/);
    assert.ok(!output.includes("E2E-test_token"));
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: a missing BOT_TOKEN is named", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const { code, output } = await runBot({ ADMIN_ID: "1", DATA_DIR: dataDir });
    assert.strictEqual(code, 2);
    assert.match(output, /Missing 'BOT_TOKEN'/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: --version and --help", async () => {
  const version = await runBot({}, ["--version"]);
  assert.strictEqual(version.code, 0);
  assert.strictEqual(version.output.trim(), APP_VERSION);
  const help = await runBot({}, ["--help"]);
  assert.strictEqual(help.code, 0);
  assert.match(help.output, /backup/);
  assert.match(help.output, /restore <file>/);
});

Deno.test("process: a token the Bot API refuses stops the start with exit 1 and says why", async () => {
  const dataDir = await Deno.makeTempDir();
  const api = await startFakeApi(new TelegramSim(), { token: TOKEN });
  try {
    const { code, output } = await runBot({
      BOT_TOKEN: "999:wrong-token",
      ADMIN_ID: "1001",
      TELEGRAM_API_ROOT: api.url,
      DATA_DIR: dataDir,
    });
    assert.strictEqual(code, 1, output);
    assert.match(
      output,
      /Cannot reach the Telegram Bot API at http:\/\/127\.0\.0\.1:\d+: Unauthorized/,
    );
    assert.ok(!output.includes("wrong-token"));
  } finally {
    await api.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: a second poller on the same token (409) ends the bot with exit 1", async () => {
  const dataDir = await Deno.makeTempDir();
  const api = await startFakeApi(new TelegramSim(), { token: TOKEN });
  const bot = startBot(botEnv(api.url, dataDir, TOKEN));
  try {
    // Another process polls with the same token: Telegram ends the bot's pending poll
    // with 409. Poll until the bot has gone (its first poll may not have started yet).
    let exited = false;
    bot.finished.then(() => exited = true);
    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline) {
      const other = await fetch(`${api.url}/bot${TOKEN}/getUpdates`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ timeout: 1 }),
      });
      await other.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { code, output } = await bot.finished;
    assert.strictEqual(code, 1, output);
    assert.match(output, /runner failed/);
  } finally {
    await killBot(bot);
    await api.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
