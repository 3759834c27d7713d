/**
 * Settings (`a:settings:0`): Info (configuration in force, secrets redacted,
 * and the version), Debug (diagnostics) and "Backup now".
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
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

settingsFeature.on(
  "callback_query:data",
  adminButton(
    (cb) =>
      cb.kind === "admin" &&
        (cb.screen === "settings" || cb.screen === "info" || cb.screen === "debug" ||
          cb.screen === "backup")
        ? cb.screen
        : undefined,
    (ctx, screen) =>
      screen === "settings"
        ? showSettings(ctx)
        : screen === "info"
        ? showInfo(ctx)
        : screen === "debug"
        ? showDebug(ctx)
        : runBackup(ctx),
  ),
);
