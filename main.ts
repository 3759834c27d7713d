/**
 * Entry point: read config → open store → create bot → register jobs → long polling.
 *
 * Sub-commands: `backup`, `restore <file> [--force]`, `healthcheck`,
 * `import-legacy <folder>` and `export [file]`; flags `--help`, `--version`.
 *
 * @module
 */
import "./src/quiet_warnings.ts";
import { run } from "@grammyjs/runner";
import { BotError, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import {
  ConfigError,
  exportRuntimeVariables,
  parseConfig,
  readEnvironment,
  redactUrl,
} from "./src/config.ts";
import { openStore, StoreError } from "./src/store/mod.ts";
import { createLogger, describeError } from "./src/log.ts";
import { openLogFile } from "./src/log_file.ts";
import { loadTranslator } from "./src/i18n.ts";
import { systemClock } from "./src/clock.ts";
import { APP_VERSION } from "./src/version.ts";
import { createBot } from "./src/bot/mod.ts";
import { journaledUpdates, retryJournal } from "./src/bot/journal.ts";
import type { BotDeps } from "./src/deps.ts";
import { createOutbox } from "./src/services/outbox.ts";
import { Pacer } from "./src/telegram/pacing.ts";
import { createAlerts } from "./src/services/alerts.ts";
import { registerCommands } from "./src/bot/commands.ts";
import { CRON_NAMES, type Jobs, startJobs } from "./src/jobs/mod.ts";
import { runCli, SUB_COMMANDS } from "./src/cli.ts";
import { connect, supportGroupProblem, TokenRefusedError } from "./src/bot/connect.ts";
import { beat, HEARTBEAT_EVERY_MS } from "./src/bot/heartbeat.ts";
import { ALLOWED_UPDATES, serveWebhook } from "./src/webhook.ts";

const USAGE = `Support Desk Bot ${APP_VERSION}: a self-hosted Telegram help desk.

Usage:
  main.ts                      run the bot (long polling; webhook mode with WEBHOOK_URL)
  main.ts backup               write a backup archive to DATA_DIR/backups/ and print its path
  main.ts restore <file> [--force]
                               restore an archive into an empty store (--force: a non-empty one)
  main.ts healthcheck          exit 0 when the running bot polls Telegram, 1 when it does not
  main.ts import-legacy <folder> [--dry-run] [--force] [--skip-invalid] [--list-all]
                               import the Python bot's data.json and banned.json from its folder
  main.ts export [file]        write every ticket as CSV to file (default: a new file in
                               DATA_DIR/exports/) and print its path; - writes to stdout
  main.ts --help | --version

Configuration comes from the environment and from .env in the working directory
(the real environment wins). See README.md for every variable.`;

const TOKEN_HELP = `To get a token: open @BotFather in Telegram, send /newbot and follow its
questions; it answers with a token like 123456789:ABCdef... Put it in .env
beside the bot (see .env.example) as BOT_TOKEN=<token>, or set BOT_TOKEN in the
environment.`;

/**
 * A repeat of the first stop signal within this time is the same Ctrl-C: the
 * terminal signals the whole process group and `deno task` forwards it too.
 */
const REPEAT_SIGNAL_MS = 2_000;
/** How long shutdown waits for updates in flight before closing the store. */
const DRAIN_TIMEOUT_MS = 20_000;
/** How often failed updates are looked at for a retry. */
const JOURNAL_RETRY_MS = 2_000;
/** Everything after a stop signal, inside Docker's default 30 s grace period (compose: 30 s). */
const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * The schedules, registered at the top level of the main module as Deno
 * Deploy requires (it does not pick up definitions made later). Each tick
 * goes to the jobs of the running bot; sub-commands start none.
 */
let jobs: Jobs | undefined;
if (typeof Deno.cron === "function") {
  Deno.cron(CRON_NAMES.autoClose, "* * * * *", () => jobs?.autoClose());
  Deno.cron(CRON_NAMES.backup, "* * * * *", () => jobs?.backup());
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (args.includes("--version") || args.includes("-V")) {
    console.log(APP_VERSION);
    return 0;
  }
  const command = args[0];
  if (command !== undefined && !(SUB_COMMANDS as readonly string[]).includes(command)) {
    console.error(`Unknown argument '${command}'.\n\n${USAGE}`);
    return 2;
  }

  let config;
  try {
    const environment = readEnvironment();
    config = parseConfig(environment);
    exportRuntimeVariables(environment);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      if (error.variable === "BOT_TOKEN" && error.value === undefined) console.error(TOKEN_HELP);
      return 2;
    }
    throw error;
  }

  // Deno Deploy has no writable disk: it needs webhook mode, logs go to stdout, backups to Telegram.
  const diskless = Deno.env.get("DENO_DEPLOYMENT_ID") !== undefined;
  const deployProblem = !diskless
    ? undefined
    : config.webhookUrl === undefined
    ? "WEBHOOK_URL is required on Deno Deploy (it only takes updates over HTTP)"
    : config.backupEnabled && !config.backupSendToTelegram
    ? "BACKUP_SEND_TO_TELEGRAM must be true with BACKUP_ENABLED on Deno Deploy (no disk keeps archives)"
    : undefined;
  if (deployProblem && command === undefined) {
    console.error(`Configuration error: ${deployProblem}.`);
    return 2;
  }
  const logFile = command === undefined && !diskless
    ? await openLogFile(config.dataDir)
    : undefined;
  const log = createLogger(config.logLevel, {
    redact: [config.botToken],
    sinks: logFile ? [logFile] : [],
  });

  let kv: Deno.Kv;
  try {
    kv = await openStore(config, { existingOnly: command === "healthcheck", diskless });
  } catch (error) {
    if (error instanceof StoreError) {
      console.error(`${command === "healthcheck" ? "unhealthy" : "Store error"}: ${error.message}`);
      return 1;
    }
    throw error;
  }

  const i18n = loadTranslator();
  const runtime = {
    processId: crypto.randomUUID(),
    startedAt: Date.now(),
    errorCount: 0,
    inFlight: 0,
    diskless,
  };
  // The outbox sender is wired in once the bot exists; sub-commands send nothing.
  const partial = { kv, config, clock: systemClock, log, i18n, runtime, wake: () => {} };

  if (command !== undefined) {
    try {
      return await runCli(command, args.slice(1), partial);
    } finally {
      kv.close();
    }
  }

  // Signals are heard from here on, so a stop during start-up is not a crash.
  let stopReason: string | undefined;
  let stopAt = 0;
  const stopSignal = new AbortController();
  const { promise: stopped, resolve: stop } = Promise.withResolvers<string>();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      if (stopReason === signal && Date.now() - stopAt < REPEAT_SIGNAL_MS) return;
      if (stopReason !== undefined) {
        // A second signal: the operator does not want to wait for the drain.
        console.error(`${signal} again: stopping now, without waiting for updates in flight.`);
        Deno.exit(1);
      }
      stopReason = signal;
      stopAt = Date.now();
      stopSignal.abort();
      stop(signal);
    });
  }

  // This process's own state: pacing shared by every call and the outbox sender.
  const alerts = createAlerts(partial);
  const deps: BotDeps = { ...partial, alerts };
  const pacer = new Pacer(config.telegramRateScale);
  const bot = createBot(deps, { pacer });
  alerts.attach(bot.api);
  const outbox = createOutbox({ deps, api: bot.api, pacer });
  deps.wake = outbox.wake;

  try {
    await connect(bot, { log, apiRoot: config.telegramApiRoot, stopping: stopSignal.signal });
  } catch (error) {
    kv.close();
    if (stopReason) log.info("Stopped before the Bot API answered", { reason: stopReason });
    logFile?.close();
    if (stopReason) return 0;
    if (error instanceof TokenRefusedError) {
      console.error(
        `${error.message} (Bot API at ${redactUrl(config.telegramApiRoot)}). ` +
          "Check BOT_TOKEN: @BotFather shows it with /mybots → API Token.",
      );
      return 1;
    }
    if (error instanceof GrammyError) {
      console.error(
        `Telegram answered getMe with error ${error.error_code}: ${error.description} ` +
          `(Bot API at ${
            redactUrl(config.telegramApiRoot)
          }). Check BOT_TOKEN and TELEGRAM_API_ROOT.`,
      );
      return 1;
    }
    throw error;
  }
  if (config.supportChatId !== undefined) {
    const problem = await supportGroupProblem(bot.api, config.supportChatId, bot.botInfo.id)
      .catch((error) => `Telegram did not answer (${describeError(error)})`);
    if (problem) {
      console.error(
        `Configuration error: SUPPORT_CHAT_ID '${config.supportChatId}' cannot be used: ${problem}.`,
      );
      kv.close();
      logFile?.close();
      return 2;
    }
  }
  const webhook = config.webhookUrl !== undefined;
  log.info("Bot started", {
    username: bot.botInfo.username,
    version: APP_VERSION,
    mode: webhook ? "webhook" : "long polling",
  });
  await beat(deps, "running");
  if (webhook) {
    try {
      await bot.api.setWebhook(config.webhookUrl!, {
        secret_token: config.webhookSecret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
    } catch (error) {
      console.error(
        `Telegram refused the webhook at WEBHOOK_URL '${config.webhookUrl}': ${
          describeError(error)
        }.`,
      );
      kv.close();
      logFile?.close();
      return 1;
    }
  } else {
    try {
      // Pending updates are kept: long polling fetches them next.
      await bot.api.deleteWebhook();
    } catch (error) {
      log.warn("deleteWebhook failed; long polling may conflict with a webhook", { error });
    }
  }
  await registerCommands(bot.api, deps);

  // Updates received but not finished when the last run was killed (journal.ts).
  const unfinished = await journaledUpdates(kv);
  if (unfinished.length) {
    log.warn("Handling updates left over from the last run", { count: unfinished.length });
  }
  const handle = async (update: Update) => {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      // As the runner does: a failing update goes to the error boundary (it stays journaled).
      if (error instanceof BotError) await bot.errorHandler(error);
      else log.error("An update failed", { updateId: update.update_id, error });
    }
  };
  for (const update of unfinished) await handle(update);
  // What waits in the outbox: left by a crash, an outage, or another process.
  await outbox.wakeAll();
  // Updates that failed are tried again after their pause (journal.ts).
  let retrying = Promise.resolve();
  const retryTimer = setInterval(() => {
    retrying = retrying.then(() => retryJournal(kv, handle).then(() => {})).catch((error) =>
      log.error("Retrying failed updates failed", { error })
    );
  }, JOURNAL_RETRY_MS);

  jobs = startJobs(deps, bot.api, { timers: typeof Deno.cron !== "function" });
  const runner = stopReason || webhook ? undefined : run(bot, {
    runner: { silent: true, fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
  });
  // Webhook mode: Telegram posts updates; the heartbeat says this process and its store live.
  const server = webhook && !stopReason
    ? serveWebhook(deps, {
      botInfo: bot.botInfo,
      handle,
      onListen: (address) => log.info("Webhook listening", { port: address.port }),
    })
    : undefined;
  const heartbeat = webhook ? setInterval(() => beat(deps, "running"), HEARTBEAT_EVERY_MS) : 0;
  await alerts.started();

  const reason = await Promise.race([
    stopped,
    runner?.task()?.then(
      () => "runner ended",
      (error) => `runner failed: ${(error as Error).message}`,
    ) ?? (server ? new Promise<string>(() => {}) : Promise.resolve(stopReason ?? "runner ended")),
  ]);
  const failed = reason.startsWith("runner failed");
  (failed ? log.error : log.info)("Shutting down", { reason });
  if (failed) alerts.error(new Error(reason), "long polling");
  const drained = await withDeadline(SHUTDOWN_DEADLINE_MS, async () => {
    if (runner?.isRunning()) await runner.stop();
    // Requests in flight are answered; the updates they brought are handled.
    await server?.shutdown();
    clearInterval(heartbeat);
    clearInterval(retryTimer);
    await retrying;
    await jobs?.stop();
    await waitForInFlight(deps, DRAIN_TIMEOUT_MS);
    await outbox.stop();
    await alerts.stopped();
    await beat(deps, "stopped");
  });
  if (!drained) log.warn("Shutdown took too long; closing the store anyway");
  kv.close();
  log.info("Stopped");
  logFile?.close();
  // A revoked token (401) or a second poller (409) ends the runner: not a clean stop.
  return failed ? 1 : 0;
}

/** Runs `task`; false when it did not finish within `ms` (it is then left behind). */
async function withDeadline(ms: number, task: () => Promise<void>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  try {
    return await Promise.race([task().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForInFlight(deps: BotDeps, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (deps.runtime.inFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (error) {
    // Whatever start-up did not foresee still gets one line, not a stack trace.
    console.error(`Support Desk Bot stopped: ${error instanceof Error ? error.message : error}`);
    code = 1;
  }
  Deno.exit(code);
}
