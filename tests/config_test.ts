import assert from "node:assert/strict";
import {
  ConfigError,
  parseConfig,
  readEnvironment,
  redactedConfig,
  redactUrl,
  VARIABLES,
} from "../src/config.ts";

const BASE = { BOT_TOKEN: "123456:ABC-def_ghi", ADMIN_ID: "42" };

Deno.test("config: the minimal environment gets every documented default", () => {
  const config = parseConfig(BASE);
  assert.deepStrictEqual(config, {
    botToken: "123456:ABC-def_ghi",
    adminIds: [42],
    defaultLocale: "en",
    alertChatId: undefined,
    alertTopicId: undefined,
    supportChatId: undefined,
    startAlert: undefined,
    shutdownAlert: undefined,
    timezone: "UTC",
    agentNames: false,
    autoCloseAfterHours: 24,
    backupEnabled: false,
    backupFullProject: false,
    backupSendToTelegram: false,
    backupMaxSizeMb: 50,
    backupTime: { hour: 3, minute: 0 },
    backupKeep: 7,
    feedbackCooldownEnabled: false,
    feedbackCooldownHours: 24,
    askMinLength: 10,
    errorAlertsEnabled: false,
    errorAlertThrottleSec: 300,
    telegramApiRoot: "https://api.telegram.org",
    telegramRateScale: 1,
    dataDir: "./bot_data",
    kvUrl: undefined,
    logLevel: "info",
    webhookUrl: undefined,
    webhookSecret: undefined,
    port: 8080,
  });
});

/** [variable, value, the field, what it parses to] */
const VALID: [string, string, string, unknown][] = [
  ["ADMIN_ID", "1, 2,3", "adminIds", [1, 2, 3]],
  ["ADMIN_ID", "7,7", "adminIds", [7]],
  ["DEFAULT_LOCALE", "ru", "defaultLocale", "ru"],
  ["DEFAULT_LOCALE", "EN", "defaultLocale", "en"],
  ["ALERT_CHAT_ID", "-1001234567890", "alertChatId", -1001234567890],
  ["ALERT_CHAT_ID", "555", "alertChatId", 555],
  ["ALERT_TOPIC_ID", "123", "alertTopicId", 123],
  ["SUPPORT_CHAT_ID", "-1001234567890", "supportChatId", -1001234567890],
  ["START_ALERT", "Bot started ✅", "startAlert", "Bot started ✅"],
  ["SHUTDOWN_ALERT", "<b>bye</b>", "shutdownAlert", "<b>bye</b>"],
  ["TIMEZONE", "Europe/Moscow", "timezone", "Europe/Moscow"],
  ["AGENT_NAMES", "true", "agentNames", true],
  ["AGENT_NAMES", "off", "agentNames", false],
  ["AUTO_CLOSE_AFTER_HOURS", "0.5", "autoCloseAfterHours", 0.5],
  ["AUTO_CLOSE_AFTER_HOURS", "0", "autoCloseAfterHours", 0],
  ["AUTO_CLOSE_AFTER_HOURS", "48", "autoCloseAfterHours", 48],
  ["BACKUP_ENABLED", "true", "backupEnabled", true],
  ["BACKUP_ENABLED", "FALSE", "backupEnabled", false],
  ["BACKUP_FULL_PROJECT", "true", "backupFullProject", true],
  ["BACKUP_SEND_TO_TELEGRAM", "true", "backupSendToTelegram", true],
  ["BACKUP_MAX_SIZE_MB", "20", "backupMaxSizeMb", 20],
  ["BACKUP_MAX_SIZE_MB", "2.5", "backupMaxSizeMb", 2.5],
  ["BACKUP_TIME", "23:59", "backupTime", { hour: 23, minute: 59 }],
  ["BACKUP_TIME", "4:05", "backupTime", { hour: 4, minute: 5 }],
  ["BACKUP_KEEP", "3", "backupKeep", 3],
  ["FEEDBACK_COOLDOWN_ENABLED", "true", "feedbackCooldownEnabled", true],
  ["FEEDBACK_COOLDOWN_HOURS", "1.5", "feedbackCooldownHours", 1.5],
  ["ASK_MIN_LENGTH", "0", "askMinLength", 0],
  ["ASK_MIN_LENGTH", "25", "askMinLength", 25],
  ["ERROR_ALERTS_ENABLED", "true", "errorAlertsEnabled", true],
  ["ERROR_ALERT_THROTTLE_SEC", "60", "errorAlertThrottleSec", 60],
  ["TELEGRAM_API_ROOT", "http://127.0.0.1:8081/", "telegramApiRoot", "http://127.0.0.1:8081"],
  ["TELEGRAM_RATE_SCALE", "0.5", "telegramRateScale", 0.5],
  ["TELEGRAM_RATE_SCALE", "2", "telegramRateScale", 2],
  ["TELEGRAM_RATE_SCALE", " 10.25 ", "telegramRateScale", 10.25],
  ["DATA_DIR", "/var/lib/bot", "dataDir", "/var/lib/bot"],
  ["KV_URL", "https://kv.example.com/db", "kvUrl", "https://kv.example.com/db"],
  ["LOG_LEVEL", "debug", "logLevel", "debug"],
  ["PORT", "3000", "port", 3000],
  ["LOG_LEVEL", "WARN", "logLevel", "warn"],
];

for (const [variable, value, field, expected] of VALID) {
  Deno.test(`config: ${variable}=${value} is accepted`, () => {
    const config = parseConfig({ ...BASE, [variable]: value }) as unknown as Record<
      string,
      unknown
    >;
    assert.deepStrictEqual(config[field], expected);
  });
}

/** [variable, bad value, a phrase of the expected form] */
const INVALID: [string, string | undefined, string][] = [
  ["BOT_TOKEN", undefined, "token from @BotFather"],
  ["BOT_TOKEN", "123 456", "without spaces"],
  ["ADMIN_ID", undefined, "comma-separated Telegram user ids"],
  ["ADMIN_ID", "abc", "comma-separated Telegram user ids"],
  ["ADMIN_ID", "12,,13", "comma-separated Telegram user ids"],
  ["ADMIN_ID", "-5", "comma-separated Telegram user ids"],
  ["DEFAULT_LOCALE", "de", "ru or en"],
  ["ALERT_CHAT_ID", "group", "Telegram chat id"],
  ["ALERT_CHAT_ID", "1.5", "Telegram chat id"],
  ["SUPPORT_CHAT_ID", "555", "forum supergroup's id"],
  ["SUPPORT_CHAT_ID", "support", "forum supergroup's id"],
  ["ALERT_TOPIC_ID", "x", "forum topic id"],
  ["PORT", "0", "whole number, 1 or more"],
  ["PORT", "70000", "port number"],
  ["ALERT_TOPIC_ID", "-3", "forum topic id"],
  ["TIMEZONE", "Mars/Olympus", "IANA time zone"],
  ["AGENT_NAMES", "first names", "true or false"],
  ["AUTO_CLOSE_AFTER_HOURS", "-1", "number of hours"],
  ["AUTO_CLOSE_AFTER_HOURS", "a day", "number of hours"],
  ["BACKUP_ENABLED", "maybe", "true or false"],
  ["BACKUP_FULL_PROJECT", "2", "true or false"],
  ["BACKUP_SEND_TO_TELEGRAM", "yes please", "true or false"],
  ["BACKUP_MAX_SIZE_MB", "0", "positive number of megabytes"],
  ["BACKUP_MAX_SIZE_MB", "big", "positive number of megabytes"],
  ["BACKUP_TIME", "25:00", "HH:MM"],
  ["BACKUP_TIME", "3am", "HH:MM"],
  ["BACKUP_KEEP", "0", "whole number, 1 or more"],
  ["FEEDBACK_COOLDOWN_ENABLED", "on!", "true or false"],
  ["FEEDBACK_COOLDOWN_HOURS", "-2", "number of hours"],
  ["ASK_MIN_LENGTH", "ten", "whole number, 0 or more"],
  ["ASK_MIN_LENGTH", "-1", "whole number, 0 or more"],
  ["ERROR_ALERTS_ENABLED", "sometimes", "true or false"],
  ["ERROR_ALERT_THROTTLE_SEC", "5m", "whole number, 0 or more"],
  ["TELEGRAM_API_ROOT", "ftp://x", "http:// or https:// URL"],
  ["TELEGRAM_RATE_SCALE", "0", "positive number, decimals allowed"],
  ["TELEGRAM_RATE_SCALE", "0.0", "positive number, decimals allowed"],
  ["TELEGRAM_RATE_SCALE", "-1", "positive number, decimals allowed"],
  ["TELEGRAM_RATE_SCALE", "fast", "positive number, decimals allowed"],
  ["TELEGRAM_RATE_SCALE", "1e3", "positive number, decimals allowed"],
  ["TELEGRAM_RATE_SCALE", "1,5", "positive number, decimals allowed"],
  ["KV_URL", "not a url", "http:// or https:// URL"],
  ["LOG_LEVEL", "loud", "debug, info, warn, error"],
];

for (const [variable, value, expected] of INVALID) {
  Deno.test(`config: ${variable}=${value ?? "(missing)"} is refused with a clear message`, () => {
    const env: Record<string, string | undefined> = { ...BASE, [variable]: value };
    let error: unknown;
    try {
      parseConfig(env);
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigError, `expected a ConfigError for ${variable}`);
    assert.strictEqual(error.variable, variable);
    assert.ok(error.message.includes(`'${variable}'`), error.message);
    assert.ok(error.message.includes(expected), error.message);
    if (value !== undefined && variable !== "BOT_TOKEN") {
      assert.ok(error.message.includes(`'${value}'`), error.message);
    }
  });
}

Deno.test("config: an empty string counts as unset", () => {
  const config = parseConfig({ ...BASE, TIMEZONE: "", ALERT_CHAT_ID: " ", START_ALERT: "" });
  assert.strictEqual(config.timezone, "UTC");
  assert.strictEqual(config.alertChatId, undefined);
  assert.strictEqual(config.startAlert, undefined);
});

Deno.test("config: the token never appears in an error or in the redacted view", () => {
  const secret = "987654:SECRET value";
  try {
    parseConfig({ ...BASE, BOT_TOKEN: secret });
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(!(error as Error).message.includes("SECRET"));
  }
  const shown = redactedConfig(
    parseConfig({ ...BASE, BOT_TOKEN: "987654:SECRET", KV_URL: "https://u:pw@kv.example/x?t=1" }),
  );
  assert.strictEqual(shown.botToken, "987654:***");
  assert.ok(!JSON.stringify(shown).includes("SECRET"));
  assert.ok(!shown.kvUrl.includes("pw"));
});

Deno.test("config: a URL shown to people has no credentials, but its host and path", () => {
  assert.equal(
    redactUrl("https://user:secret@botapi.example.com/tg?token=s3cret&key#frag"),
    "https://***:***@botapi.example.com/tg?***#***",
  );
  assert.equal(redactUrl("http://127.0.0.1:8081"), "http://127.0.0.1:8081");
  assert.equal(redactUrl("not a url"), "***");
  const shown = redactedConfig(
    parseConfig({ ...BASE, TELEGRAM_API_ROOT: "https://u:pw@botapi.example.com?token=s3cret" }),
  );
  assert.equal(shown.telegramApiRoot, "https://***:***@botapi.example.com/?***");
});

Deno.test("config: .env is read and the real environment wins over it", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/.env`;
  await Deno.writeTextFile(
    file,
    "SUPPORT_BOT_TEST_A=from-file\nSUPPORT_BOT_TEST_B=from-file\n# comment\n",
  );
  Deno.env.set("SUPPORT_BOT_TEST_B", "from-env");
  try {
    const env = readEnvironment(file, ["SUPPORT_BOT_TEST_A", "SUPPORT_BOT_TEST_B"]);
    assert.strictEqual(env.SUPPORT_BOT_TEST_A, "from-file");
    assert.strictEqual(env.SUPPORT_BOT_TEST_B, "from-env");
    assert.strictEqual(
      Deno.env.get("SUPPORT_BOT_TEST_A"),
      undefined,
      "the process env is untouched",
    );
  } finally {
    Deno.env.delete("SUPPORT_BOT_TEST_B");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config: a missing .env is fine", () => {
  const env = readEnvironment("/nonexistent/.env", ["PATH"]);
  assert.strictEqual(env.PATH, Deno.env.get("PATH"));
});

Deno.test("config: a .env that cannot be read is a configuration error naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/.env`);
    assert.throws(
      () => readEnvironment(`${dir}/.env`, ["PATH"]),
      (error: unknown) =>
        error instanceof ConfigError && error.variable === `${dir}/.env` &&
        /expected a readable file of NAME=value lines/.test(error.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config: an empty variable in the environment does not hide the value in .env", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/.env`;
  await Deno.writeTextFile(file, "SUPPORT_BOT_TEST_C=from-file\n");
  Deno.env.set("SUPPORT_BOT_TEST_C", "");
  try {
    assert.strictEqual(
      readEnvironment(file, ["SUPPORT_BOT_TEST_C"]).SUPPORT_BOT_TEST_C,
      "from-file",
    );
  } finally {
    Deno.env.delete("SUPPORT_BOT_TEST_C");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config: only the known variables are read from the environment", () => {
  Deno.env.set("SUPPORT_BOT_TEST_D", "x");
  try {
    const env = readEnvironment("/nonexistent/.env");
    assert.strictEqual(env.SUPPORT_BOT_TEST_D, undefined);
    assert.strictEqual(env.PATH, undefined);
  } finally {
    Deno.env.delete("SUPPORT_BOT_TEST_D");
  }
});

Deno.test("config: VARIABLES is exactly the set parseConfig reads", () => {
  const asked = new Set<string>();
  // Every variable set to a valid value, so parsing reaches the end.
  const valid: Record<string, string> = { BOT_TOKEN: "1:a", ADMIN_ID: "1" };
  const env = new Proxy(valid, {
    get(target, name) {
      if (typeof name === "string") asked.add(name);
      return target[name as string];
    },
  });
  parseConfig(env);
  assert.deepStrictEqual([...asked].sort(), [...VARIABLES].sort());
});

Deno.test("config: webhook mode needs an https URL and a secret of Telegram's alphabet", () => {
  const hook = { ...BASE, WEBHOOK_URL: "https://bot.example.com/tg/hook", WEBHOOK_SECRET: "a_B-9" };
  const config = parseConfig(hook);
  assert.equal(config.webhookUrl, "https://bot.example.com/tg/hook");
  assert.equal(config.webhookSecret, "a_B-9");
  const refused = (env: Record<string, string>, variable: string, expected: RegExp) => {
    assert.throws(() => parseConfig(env), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.variable, variable);
      assert.match(error.message, expected);
      return true;
    });
  };
  refused({ ...hook, WEBHOOK_URL: "http://bot.example.com/hook" }, "WEBHOOK_URL", /https:\/\//);
  refused({ ...hook, WEBHOOK_URL: "not a url" }, "WEBHOOK_URL", /https:\/\//);
  refused({ ...BASE, WEBHOOK_URL: "https://bot.example.com/hook" }, "WEBHOOK_SECRET", /required/);
  refused({ ...hook, WEBHOOK_SECRET: "has space" }, "WEBHOOK_SECRET", /A-Z, a-z, 0-9/);
  refused({ ...hook, WEBHOOK_SECRET: "x".repeat(257) }, "WEBHOOK_SECRET", /1 to 256/);
  // The secret is never printed.
  assert.throws(() => parseConfig({ ...hook, WEBHOOK_SECRET: "bad secret!" }), (error: unknown) => {
    assert.doesNotMatch(String((error as Error).message), /bad secret/);
    return true;
  });
  assert.equal(redactedConfig(config).webhookSecret, "<hidden>");
});
