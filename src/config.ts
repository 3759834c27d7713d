/**
 * Configuration: every environment variable parsed and validated once, at start.
 *
 * The variables are those of the seed bot's `.env` guide plus TELEGRAM_API_ROOT,
 * TELEGRAM_RATE_SCALE, DATA_DIR, KV_URL, LOG_LEVEL, BACKUP_TIME and BACKUP_KEEP.
 * A variable set to an empty string counts as unset. A bad value throws
 * {@link ConfigError}, whose message names the variable, quotes the value and
 * states the expected form.
 *
 * @module
 */
import { parseEnv } from "node:util";

/** The locales the bot speaks. */
export const LOCALES = ["en", "ru"] as const;
/** One of {@link LOCALES}. */
export type Locale = typeof LOCALES[number];

/** Log levels, from the most verbose. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/**
 * Every variable the bot reads, in the order of the README's table. Our code
 * reads only these (see {@link readEnvironment}); `--allow-env` still cannot
 * name them, because grammY's Node build (loaded by the runner) reads the
 * whole environment through its `debug` dependency.
 */
export const VARIABLES = [
  "BOT_TOKEN",
  "ADMIN_ID",
  "DEFAULT_LOCALE",
  "ALERT_CHAT_ID",
  "ALERT_TOPIC_ID",
  "SUPPORT_CHAT_ID",
  "START_ALERT",
  "SHUTDOWN_ALERT",
  "TIMEZONE",
  "AGENT_NAMES",
  "AUTO_CLOSE_AFTER_HOURS",
  "BACKUP_ENABLED",
  "BACKUP_TIME",
  "BACKUP_KEEP",
  "BACKUP_FULL_PROJECT",
  "BACKUP_SEND_TO_TELEGRAM",
  "BACKUP_MAX_SIZE_MB",
  "FEEDBACK_COOLDOWN_ENABLED",
  "FEEDBACK_COOLDOWN_HOURS",
  "ASK_MIN_LENGTH",
  "ERROR_ALERTS_ENABLED",
  "ERROR_ALERT_THROTTLE_SEC",
  "TELEGRAM_API_ROOT",
  "TELEGRAM_RATE_SCALE",
  "DATA_DIR",
  "KV_URL",
  "LOG_LEVEL",
  "WEBHOOK_URL",
  "WEBHOOK_SECRET",
  "PORT",
] as const;

/**
 * Read by Deno itself, not by {@link parseConfig}: the access token of a remote
 * store (KV_URL). Documented with the others and allowed to the binary.
 */
export const RUNTIME_VARIABLES = ["DENO_KV_ACCESS_TOKEN"] as const;

/** The validated configuration. */
export interface Config {
  botToken: string;
  adminIds: number[];
  defaultLocale: Locale;
  alertChatId?: number;
  alertTopicId?: number;
  /** The support group (a forum supergroup): agents work there, one topic per customer. */
  supportChatId?: number;
  /** Start-up alert text; undefined means the localized default. */
  startAlert?: string;
  /** Shutdown alert text; undefined means the localized default. */
  shutdownAlert?: string;
  timezone: string;
  /** Answers reach customers signed with the agent's first name instead of "Support". */
  agentNames: boolean;
  /** 0 turns auto-close off. */
  autoCloseAfterHours: number;
  backupEnabled: boolean;
  backupFullProject: boolean;
  backupSendToTelegram: boolean;
  backupMaxSizeMb: number;
  /** Local time of the daily backup, in {@link Config.timezone}. */
  backupTime: { hour: number; minute: number };
  backupKeep: number;
  feedbackCooldownEnabled: boolean;
  feedbackCooldownHours: number;
  askMinLength: number;
  errorAlertsEnabled: boolean;
  errorAlertThrottleSec: number;
  telegramApiRoot: string;
  /** Multiplies the message rates the bot paces itself to (Telegram's limits); above 0. */
  telegramRateScale: number;
  dataDir: string;
  kvUrl?: string;
  logLevel: LogLevel;
  /** Webhook mode: the https URL Telegram posts updates to (unset: long polling). */
  webhookUrl?: string;
  /** The secret Telegram sends with every webhook request (required with webhookUrl). */
  webhookSecret?: string;
  /** The port the webhook server (and /healthz) listens on. */
  port: number;
}

/** A missing or malformed variable. The message is meant for the self-hoster. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string | undefined,
    readonly expected: string,
  ) {
    super(
      value === undefined
        ? `Missing '${variable}': expected ${expected}.`
        : `Cannot parse '${variable}': expected ${expected}, got '${value}'.`,
    );
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** Reads a variable; an empty or blank string counts as unset. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function required(env: Env, name: string, expected: string): string {
  const value = read(env, name);
  if (value === undefined) throw new ConfigError(name, undefined, expected);
  return value;
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

function integer(env: Env, name: string, options: { min?: number; fallback?: number }) {
  const value = read(env, name);
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const expected = min === 0
    ? "a whole number, 0 or more"
    : min === 1
    ? "a whole number, 1 or more"
    : "a whole number";
  if (value === undefined) {
    if (options.fallback === undefined) throw new ConfigError(name, undefined, expected);
    return options.fallback;
  }
  const parsed = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(parsed) || parsed < min) {
    throw new ConfigError(name, value, expected);
  }
  return parsed;
}

function optionalChatId(env: Env, name: string, expected: string): number | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(parsed) || parsed === 0) {
    throw new ConfigError(name, value, expected);
  }
  return parsed;
}

function hours(env: Env, name: string, fallback: number, allowZero: boolean): number {
  const value = read(env, name);
  const expected = allowZero
    ? "a number of hours, decimals allowed (e.g. 24 or 0.5; 0 turns it off)"
    : "a positive number of hours, decimals allowed (e.g. 24 or 0.5)";
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(parsed) || (!allowZero && parsed === 0)) {
    throw new ConfigError(name, value, expected);
  }
  return parsed;
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new ConfigError(name, value, "true or false");
}

function isTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function url(env: Env, name: string, fallback?: string): string | undefined {
  const value = read(env, name) ?? fallback;
  if (value === undefined) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
  } catch {
    throw new ConfigError(name, value, "an http:// or https:// URL");
  }
  return value.replace(/\/+$/, "");
}

/**
 * Validates an environment into a {@link Config}.
 *
 * @example
 * ```ts
 * const config = parseConfig({ BOT_TOKEN: "123:abc", ADMIN_ID: "42,43" });
 * config.adminIds; // [42, 43]
 * ```
 * @throws {ConfigError} on the first missing or malformed variable.
 */
export function parseConfig(env: Env): Config {
  const botToken = required(env, "BOT_TOKEN", "the token from @BotFather, like 123456:ABC-def");
  // Telegram tokens are `<bot id>:<secret>`; we only refuse what cannot be put in a URL path.
  if (/[\s/?#]/.test(botToken)) {
    throw new ConfigError(
      "BOT_TOKEN",
      "<hidden>",
      "the token from @BotFather, like 123456:ABC-def, without spaces or slashes",
    );
  }

  const adminExpected = "comma-separated Telegram user ids, like 123456789,987654321";
  const adminRaw = required(env, "ADMIN_ID", adminExpected);
  const adminIds = adminRaw.split(",").map((part) => part.trim());
  if (
    adminIds.some((id) => !/^\d+$/.test(id) || Number(id) <= 0 || !Number.isSafeInteger(Number(id)))
  ) {
    throw new ConfigError("ADMIN_ID", adminRaw, adminExpected);
  }

  const locale = read(env, "DEFAULT_LOCALE")?.toLowerCase() ?? "en";
  if (!(LOCALES as readonly string[]).includes(locale)) {
    throw new ConfigError("DEFAULT_LOCALE", read(env, "DEFAULT_LOCALE"), "ru or en");
  }

  const timezone = read(env, "TIMEZONE") ?? "UTC";
  if (!isTimezone(timezone)) {
    throw new ConfigError(
      "TIMEZONE",
      timezone,
      "an IANA time zone name, like Europe/Moscow or UTC",
    );
  }

  const backupTimeRaw = read(env, "BACKUP_TIME") ?? "03:00";
  const backupMatch = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(backupTimeRaw);
  if (!backupMatch) {
    throw new ConfigError("BACKUP_TIME", backupTimeRaw, "a time of day HH:MM, like 03:00");
  }

  const maxSizeRaw = read(env, "BACKUP_MAX_SIZE_MB");
  const backupMaxSizeMb = maxSizeRaw === undefined ? 50 : Number(maxSizeRaw);
  if (maxSizeRaw !== undefined && (!DECIMAL.test(maxSizeRaw) || backupMaxSizeMb <= 0)) {
    throw new ConfigError(
      "BACKUP_MAX_SIZE_MB",
      maxSizeRaw,
      "a positive number of megabytes, like 50",
    );
  }

  const rateScaleRaw = read(env, "TELEGRAM_RATE_SCALE");
  const telegramRateScale = rateScaleRaw === undefined ? 1 : Number(rateScaleRaw);
  if (
    rateScaleRaw !== undefined &&
    (!DECIMAL.test(rateScaleRaw) || !Number.isFinite(telegramRateScale) || telegramRateScale <= 0)
  ) {
    throw new ConfigError(
      "TELEGRAM_RATE_SCALE",
      rateScaleRaw,
      "a positive number, decimals allowed (e.g. 1, 0.5 or 2)",
    );
  }

  const logLevel = read(env, "LOG_LEVEL")?.toLowerCase() ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError("LOG_LEVEL", read(env, "LOG_LEVEL"), "one of debug, info, warn, error");
  }

  const alertChatId = optionalChatId(
    env,
    "ALERT_CHAT_ID",
    "a Telegram chat id, like -1001234567890 (send /id in the group)",
  );
  const alertTopicId = optionalChatId(
    env,
    "ALERT_TOPIC_ID",
    "a forum topic id, a positive whole number",
  );
  if (alertTopicId !== undefined && alertTopicId < 0) {
    throw new ConfigError(
      "ALERT_TOPIC_ID",
      String(alertTopicId),
      "a forum topic id, a positive whole number",
    );
  }

  const supportExpected = "a forum supergroup's id, like -1001234567890 (send /id in the group)";
  const supportChatId = optionalChatId(env, "SUPPORT_CHAT_ID", supportExpected);
  if (supportChatId !== undefined && supportChatId >= 0) {
    throw new ConfigError("SUPPORT_CHAT_ID", String(supportChatId), supportExpected);
  }

  const webhookUrl = read(env, "WEBHOOK_URL");
  const webhookExpected = "an https:// URL where Telegram can reach the bot, like " +
    "https://bot.example.com/telegram";
  if (webhookUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(webhookUrl);
    } catch { /* refused below */ }
    if (parsed?.protocol !== "https:") {
      throw new ConfigError("WEBHOOK_URL", webhookUrl, webhookExpected);
    }
  }
  const webhookSecret = read(env, "WEBHOOK_SECRET");
  const secretExpected = "1 to 256 characters of A-Z, a-z, 0-9, _ and - " +
    "(required with WEBHOOK_URL), like a long random string";
  if (webhookSecret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(webhookSecret)) {
    throw new ConfigError("WEBHOOK_SECRET", "<hidden>", secretExpected);
  }
  if (webhookUrl !== undefined && webhookSecret === undefined) {
    throw new ConfigError("WEBHOOK_SECRET", undefined, secretExpected);
  }
  const port = integer(env, "PORT", { min: 1, fallback: 8080 });
  if (port > 65535) throw new ConfigError("PORT", String(port), "a port number, 1 to 65535");

  return {
    botToken,
    adminIds: [...new Set(adminIds.map(Number))],
    defaultLocale: locale as Locale,
    alertChatId,
    alertTopicId,
    supportChatId,
    startAlert: read(env, "START_ALERT"),
    shutdownAlert: read(env, "SHUTDOWN_ALERT"),
    timezone,
    agentNames: boolean(env, "AGENT_NAMES", false),
    autoCloseAfterHours: hours(env, "AUTO_CLOSE_AFTER_HOURS", 24, true),
    backupEnabled: boolean(env, "BACKUP_ENABLED", false),
    backupFullProject: boolean(env, "BACKUP_FULL_PROJECT", false),
    backupSendToTelegram: boolean(env, "BACKUP_SEND_TO_TELEGRAM", false),
    backupMaxSizeMb,
    backupTime: { hour: Number(backupMatch[1]), minute: Number(backupMatch[2]) },
    backupKeep: integer(env, "BACKUP_KEEP", { min: 1, fallback: 7 }),
    feedbackCooldownEnabled: boolean(env, "FEEDBACK_COOLDOWN_ENABLED", false),
    feedbackCooldownHours: hours(env, "FEEDBACK_COOLDOWN_HOURS", 24, true),
    askMinLength: integer(env, "ASK_MIN_LENGTH", { min: 0, fallback: 10 }),
    errorAlertsEnabled: boolean(env, "ERROR_ALERTS_ENABLED", false),
    errorAlertThrottleSec: integer(env, "ERROR_ALERT_THROTTLE_SEC", { min: 0, fallback: 300 }),
    telegramApiRoot: url(env, "TELEGRAM_API_ROOT", "https://api.telegram.org")!,
    telegramRateScale,
    dataDir: read(env, "DATA_DIR") ?? "./bot_data",
    kvUrl: url(env, "KV_URL"),
    logLevel: logLevel as LogLevel,
    webhookUrl,
    webhookSecret,
    port,
  };
}

/**
 * Reads `.env` from the working directory when present, without overriding the
 * real environment (Deno's `process.loadEnvFile` would override it), and returns
 * the merged variables. Only `names` are read from the real environment.
 */
export function readEnvironment(
  envFile = ".env",
  names: readonly string[] = [...VARIABLES, ...RUNTIME_VARIABLES],
): Env {
  const merged: Env = {};
  try {
    Object.assign(merged, parseEnv(Deno.readTextFileSync(envFile)));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(envFile, reason, "a readable file of NAME=value lines");
    }
  }
  // An empty variable counts as unset, so it must not hide the value from .env
  // (compose's `${ADMIN_ID}` with the host variable unset gives an empty one).
  for (const name of names) {
    const value = Deno.env.get(name);
    if (value !== undefined && value.trim() !== "") merged[name] = value;
  }
  return merged;
}

/**
 * Hands the variables Deno reads itself (DENO_KV_ACCESS_TOKEN) to the process
 * environment when they came from `.env`, where Deno would not see them.
 */
export function exportRuntimeVariables(env: Env): void {
  for (const name of RUNTIME_VARIABLES) {
    const value = env[name];
    if (value !== undefined && Deno.env.get(name) === undefined) Deno.env.set(name, value);
  }
}

/** The configuration as shown to admins and written into full backups: secrets redacted. */
export function redactedConfig(config: Config): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    shown[key] = key === "botToken"
      ? redactToken(config.botToken)
      : key === "webhookSecret"
      ? "<hidden>"
      : key === "kvUrl" || key === "telegramApiRoot"
      ? redactUrl(String(value))
      : key === "backupTime"
      ? `${String(config.backupTime.hour).padStart(2, "0")}:${
        String(config.backupTime.minute).padStart(2, "0")
      }`
      : Array.isArray(value)
      ? value.join(",")
      : String(value);
  }
  return shown;
}

function redactToken(token: string): string {
  const id = token.split(":")[0];
  return `${/^\d+$/.test(id) ? id : "***"}:***`;
}

/**
 * A URL fit to be shown (Info, full backups, logs): its user name, password,
 * query string and fragment, where credentials travel, become `***`. The host
 * and the path stay. Anything that is not a URL is hidden entirely.
 */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (!parsed.username && !parsed.password && !parsed.search && !parsed.hash) return value;
    if (parsed.password) parsed.password = "***";
    if (parsed.username) parsed.username = "***";
    if (parsed.search) parsed.search = "***";
    if (parsed.hash) parsed.hash = "***";
    return parsed.toString();
  } catch {
    return "***";
  }
}
