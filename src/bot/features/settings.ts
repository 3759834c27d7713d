/**
 * Settings (`a:settings:0`): Info (configuration in force, secrets redacted,
 * and the version), Debug (diagnostics), Export (every ticket as a CSV
 * document, services/export.ts) and "Backup now".
 *
 * @module
 */
import { Composer, InputFile } from "grammy";
import type { BotContext, RuntimeState } from "../context.ts";
import { redactedConfig } from "../../config.ts";
import { APP_VERSION } from "../../version.ts";
import { escapeHtml } from "../../html.ts";
import { getLastAutoClose, getLastBackup } from "../../store/meta.ts";
import { readCounters } from "../../store/stats.ts";
import { storeLocation } from "../../store/mod.ts";
import { backupNow, describeNotSent } from "../../jobs/backup.ts";
import { renderInfo, renderSettings } from "../../render/settings.ts";
import { GRAMMY_VERSION, renderDebug } from "../../render/debug.ts";
import { countSetAside } from "../journal.ts";
import { formatBytes } from "../../bytes.ts";
import { adminButton, showScreen } from "../screen.ts";
import { exportFileName, prepareExport } from "../../services/export.ts";
import { reportFailure } from "../../services/alerts.ts";

/** The settings feature. */
export const settingsFeature = new Composer<BotContext>();

/** Shows the Settings menu, with an optional status line. */
export async function showSettings(
  ctx: BotContext,
  options: { status?: string; answered?: boolean } = {},
): Promise<void> {
  await showScreen(
    ctx,
    renderSettings(
      { backupEnabled: ctx.deps.config.backupEnabled, status: options.status },
      ctx.locale,
      ctx.deps.i18n,
    ),
    { answered: options.answered },
  );
}

/** Shows Settings → Info. */
export async function showInfo(ctx: BotContext): Promise<void> {
  await showScreen(
    ctx,
    renderInfo(
      { version: APP_VERSION, config: redactedConfig(ctx.deps.config) },
      ctx.locale,
      ctx.deps.i18n,
    ),
  );
}

/** Shows Settings → Debug: counters and meta records only, no scans of history. */
export async function showDebug(ctx: BotContext): Promise<void> {
  const { kv, config, clock, runtime } = ctx.deps;
  const [counters, lastBackup, lastAutoClose, setAside] = await Promise.all([
    readCounters(kv, [
      "users",
      "tickets_total",
      "tickets_new",
      "tickets_in_progress",
      "ratings_count",
      "feedback_count",
      "blocked",
    ]),
    getLastBackup(kv),
    getLastAutoClose(kv),
    countSetAside(kv),
  ]);
  const memory = Deno.memoryUsage();
  const storeFile = await fileSize(config.kvUrl ? undefined : storeLocation(config));
  await showScreen(
    ctx,
    renderDebug(
      {
        now: clock.now(),
        startedAt: runtime.startedAt,
        timezone: config.timezone,
        memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal },
        store: {
          users: counters.users,
          tickets: counters.tickets_total,
          open: counters.tickets_new + counters.tickets_in_progress,
          ratings: counters.ratings_count,
          feedback: counters.feedback_count,
          blocked: counters.blocked,
        },
        storeFile,
        lastBackup,
        backupEnabled: config.backupEnabled,
        lastAutoClose,
        autoCloseAfterHours: config.autoCloseAfterHours,
        errorCount: runtime.errorCount,
        setAside,
        versions: {
          app: APP_VERSION,
          deno: Deno.version.deno,
          v8: Deno.version.v8,
          typescript: Deno.version.typescript,
          grammy: GRAMMY_VERSION,
        },
      },
      ctx.locale,
      ctx.deps.i18n,
    ),
  );
}

/** The size of the local store file (one stat call), or undefined when there is none. */
async function fileSize(path: string | undefined) {
  if (!path) return undefined;
  try {
    return { path, bytes: (await Deno.stat(path)).size };
  } catch {
    return undefined;
  }
}

/** "Backup now": writes an archive at once and shows the outcome on the Settings screen. */
export async function runBackup(ctx: BotContext): Promise<void> {
  // One backup at a time per process; a second press while it runs gets a toast.
  const { runtime } = ctx.deps;
  if (runtime.backupRunning) {
    await ctx.answerCallbackQuery({ text: ctx.t("backup-busy") });
    return;
  }
  runtime.backupRunning = true;
  try {
    // Answer first: an archive can take longer than Telegram waits for an answer.
    await ctx.answerCallbackQuery({ text: ctx.t("backup-running") });
    const result = await backupNow(ctx.deps, ctx.api);
    const lines = result.ok
      ? [
        ctx.t("backup-done", {
          path: escapeHtml(result.path ?? "?"),
          size: formatBytes(result.bytes ?? 0, ctx.t),
        }),
      ]
      : [ctx.t("backup-failed", { error: escapeHtml((result.error ?? "?").slice(0, 300)) })];
    if (result.ok && result.sentToTelegram) lines.push(ctx.t("backup-sent"));
    if (result.ok && result.notSent) {
      lines.push(ctx.t("backup-not-sent", { reason: describeNotSent(result.notSent, ctx.t) }));
    }
    await showSettings(ctx, { status: lines.join("\n"), answered: true });
  } finally {
    runtime.backupRunning = false;
  }
}

/**
 * An upload made afresh each time it is read: auto-retry sends a failed
 * call's payload again, and a stream can be read only once.
 */
class RepeatableUpload extends InputFile {
  readonly #open: () => AsyncIterable<Uint8Array>;

  constructor(open: () => AsyncIterable<Uint8Array>, filename: string) {
    // Nothing is read until an upload iterates it.
    super({ [Symbol.asyncIterator]: () => open()[Symbol.asyncIterator]() }, filename);
    this.#open = open;
  }

  override toRaw(): Promise<AsyncIterable<Uint8Array>> {
    return Promise.resolve(this.#open());
  }
}

/** The export this process is sending now, if any; settled when it is sent or has failed. */
export function exportInProgress(runtime: RuntimeState): Promise<void> | undefined {
  return runtime.exportRunning;
}

/**
 * Export: every ticket as a CSV document, sent to the chat (and topic) where
 * the button was pressed, read from the store a page at a time as it uploads.
 *
 * The upload runs after the press is answered, outside the update: updates of
 * one chat are handled one at a time, so the agent's chat stays usable while a
 * large export uploads, and a second press meanwhile (a double tap included)
 * only gets a toast. Shutdown waits for it as for an update in flight.
 */
export async function runExport(ctx: BotContext): Promise<void> {
  const runtime = ctx.deps.runtime;
  if (runtime.exportRunning) {
    await ctx.answerCallbackQuery({ text: ctx.t("export-busy") });
    return;
  }
  const { promise, resolve } = Promise.withResolvers<void>();
  runtime.exportRunning = promise;
  try {
    await ctx.answerCallbackQuery({ text: ctx.t("export-running") });
  } catch (error) {
    runtime.exportRunning = undefined;
    resolve();
    throw error;
  }
  runtime.inFlight++;
  sendExport(ctx).finally(() => {
    runtime.inFlight--;
    runtime.exportRunning = undefined;
    resolve();
  });
}

/** Uploads the export; a failure is told to the agent and reported, never thrown. */
async function sendExport(ctx: BotContext): Promise<void> {
  const { deps } = ctx;
  try {
    const prepared = await prepareExport(deps);
    const name = exportFileName(deps.clock.now(), deps.config.timezone);
    await ctx.replyWithDocument(new RepeatableUpload(() => prepared.chunks(), name), {
      caption: ctx.t("export-caption", { count: prepared.count }),
    });
  } catch (error) {
    reportFailure(deps, error, "Could not send the export", { chatId: ctx.chat?.id });
    await ctx.reply(ctx.t("export-failed")).catch((failure) =>
      deps.log.warn("Could not tell that the export failed", { error: failure })
    );
  }
}

settingsFeature.on(
  "callback_query:data",
  adminButton(
    (cb) =>
      cb.kind === "admin" &&
        (cb.screen === "settings" || cb.screen === "info" || cb.screen === "debug" ||
          cb.screen === "backup" || cb.screen === "export")
        ? cb.screen
        : undefined,
    (ctx, screen) =>
      screen === "settings"
        ? showSettings(ctx)
        : screen === "info"
        ? showInfo(ctx)
        : screen === "debug"
        ? showDebug(ctx)
        : screen === "export"
        ? runExport(ctx)
        : runBackup(ctx),
  ),
);
