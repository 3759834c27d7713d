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
    // Docker's HEALTHCHECK: another process reads the heartbeat the bot writes.
    const env = botEnv(api.url, dataDir, TOKEN);
    const healthy = await runBot(env, ["healthcheck"]);
    assert.strictEqual(healthy.code, 0, healthy.output);
    assert.match(healthy.output, /^healthy: 1 process alive, version /m);
    bot.child.kill("SIGTERM");
    const { code, output } = await bot.finished;
    assert.strictEqual(code, 0, output);
    const stopped = await runBot(env, ["healthcheck"]);
    assert.strictEqual(stopped.code, 1);
    assert.match(stopped.output, /unhealthy: the bot stopped/);
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
    // …and how to get one.
    assert.match(output, /@BotFather/);
    assert.match(output, /\/newbot/);
    assert.match(output, /BOT_TOKEN=<token>/);
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
      /Telegram refused BOT_TOKEN: Unauthorized \(Bot API at http:\/\/127\.0\.0\.1:\d+\)/,
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

Deno.test("process: without a network the bot says so, keeps trying, and stops cleanly", async () => {
  const dataDir = await Deno.makeTempDir();
  // A port nobody listens on: every call is refused, as with no network.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const bot = startBot(botEnv(`http://127.0.0.1:${port}`, dataDir, TOKEN));
  try {
    const deadline = Date.now() + 30_000;
    const attempts = () => bot.output().match(/Telegram cannot be reached/g)?.length ?? 0;
    while (attempts() < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(attempts() >= 2, bot.output());
    assert.match(bot.output(), /trying again in 1 s/);
    assert.match(bot.output(), /trying again in 2 s/);
    bot.child.kill("SIGTERM");
    const { code, output } = await bot.finished;
    assert.strictEqual(code, 0, output);
    assert.match(output, /Stopped before the Bot API answered/);
  } finally {
    await killBot(bot);
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: one Ctrl-C seen twice (deno task forwards it) still drains and exits 0", async () => {
  const dataDir = await Deno.makeTempDir();
  const sim = new TelegramSim();
  // The shutdown alert is slow to be answered, so the drain is still running at the repeat.
  const api = await startFakeApi(sim, {
    token: TOKEN,
    delay: (method, payload) =>
      method === "sendMessage" && Number(payload.chat_id) === -100777 ? 1_500 : 0,
  });
  const bot = startBot(
    botEnv(api.url, dataDir, TOKEN, { ALERT_CHAT_ID: "-100777", SHUTDOWN_ALERT: "true" }),
  );
  try {
    const user = make.user(4343, { first_name: "Ivy", language_code: "en" });
    api.pushUpdate(make.command(user, "start"));
    await api.waitForCall("sendMessage", (payload) => Number(payload.chat_id) === 4343, 30_000);
    // The terminal signals the process group, and `deno task` forwards the same signal.
    bot.child.kill("SIGINT");
    // Apart enough that the process sees two signals (close ones may merge into one).
    await new Promise((resolve) => setTimeout(resolve, 300));
    bot.child.kill("SIGINT");
    const { code, output } = await bot.finished;
    assert.strictEqual(code, 0, output);
    assert.doesNotMatch(output, /SIGINT again/);
    assert.match(output, /Stopped/);
    // The drain went to its end: the shutdown alert was sent.
    assert.ok(
      api.received().some((c) =>
        c.method === "sendMessage" && Number(c.payload.chat_id) === -100777
      ),
    );
  } finally {
    await killBot(bot);
    await api.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: an unexpected Bot API answer at start-up is one line and exit 1", async () => {
  const dataDir = await Deno.makeTempDir();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    new Response(
      JSON.stringify({ ok: false, error_code: 400, description: "Bad Request: no such method" }),
      { status: 400, headers: { "content-type": "application/json" } },
    ));
  try {
    const { code, output } = await runBot(
      botEnv(`http://127.0.0.1:${server.addr.port}`, dataDir, TOKEN),
    );
    assert.strictEqual(code, 1, output);
    assert.match(output, /Telegram answered getMe with error 400: Bad Request: no such method/);
    assert.doesNotMatch(output, /\n\s+at /, "no stack trace");
  } finally {
    await server.shutdown();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: a .env that is a folder stops the start with one line naming it", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dataDir}/.env`);
    const { code, output } = await runBot({ DATA_DIR: dataDir });
    assert.strictEqual(code, 2, output);
    assert.match(output, /Configuration error: Cannot parse '\.env'/);
    assert.doesNotMatch(output, /\n\s+at /, "no stack trace");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("process: healthcheck without a store says so and creates nothing", async () => {
  const parent = await Deno.makeTempDir();
  const dataDir = `${parent}/never_started`;
  try {
    const { code, output } = await runBot(
      { BOT_TOKEN: TOKEN, ADMIN_ID: "1001", DATA_DIR: dataDir },
      ["healthcheck"],
      parent,
    );
    assert.strictEqual(code, 1, output);
    assert.match(output, /^unhealthy: No store at '.*never_started\/bot\.kv'/m);
    await assert.rejects(Deno.stat(dataDir), Deno.errors.NotFound);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("process: a SUPPORT_CHAT_ID that is not a forum, or where the bot may not manage topics, stops the start with exit 2 naming it", async () => {
  const dataDir = await Deno.makeTempDir();
  const sim = new TelegramSim();
  sim.addGroup(-100555, { title: "Plain supergroup" });
  sim.addGroup(-100556, { isForum: true, canManageTopics: false });
  const api = await startFakeApi(sim, { token: TOKEN });
  try {
    for (
      const [chat, missing] of [["-100555", /not a forum/], ["-100556", /manage topics/]] as const
    ) {
      const { code, output } = await runBot(
        botEnv(api.url, dataDir, TOKEN, { SUPPORT_CHAT_ID: chat }),
      );
      assert.strictEqual(code, 2, output);
      assert.match(output, new RegExp(`SUPPORT_CHAT_ID '${chat}'`));
      assert.match(output, missing);
      assert.doesNotMatch(output, /\n\s+at /, "no stack trace");
    }
  } finally {
    await api.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
