/**
 * Settings → Debug: uptime, memory, store counts, the last backup and
 * auto-close run, errors since start, updates set aside (they kept failing;
 * bot/journal.ts) and the runtime versions.
 *
 * @module
 */
import { InlineKeyboard } from "grammy";
import type { Locale } from "../config.ts";
import type { Translator } from "../i18n.ts";
import type { AutoCloseMeta, BackupMeta } from "../store/meta.ts";
import { encode } from "./callbacks.ts";
import { escapeHtml } from "../html.ts";
import { formatBytes } from "../bytes.ts";
import { formatDateTime, formatDuration } from "../time.ts";
import { backKeyboard } from "./panel.ts";
import type { Screen } from "./screen.ts";

/**
 * The grammY version resolved in deno.lock. grammY exports no version constant
 * and the lock file cannot be imported, so a test compares this with the lock.
 */
export const GRAMMY_VERSION = "1.46.0";

/** What the Debug screen shows. */
export interface DebugData {
  now: number;
  startedAt: number;
  timezone: string;
  memory: { rss: number; heapUsed: number; heapTotal: number };
  store: {
    users: number;
    tickets: number;
    open: number;
    ratings: number;
    feedback: number;
    blocked: number;
  };
  /** The local store file and its size on disk; absent for a remote KV_URL or before it exists. */
  storeFile?: { path: string; bytes: number };
  lastBackup: BackupMeta | null;
  backupEnabled: boolean;
  lastAutoClose: AutoCloseMeta | null;
  autoCloseAfterHours: number;
  errorCount: number;
  /** Updates that kept failing and were set aside (bot/journal.ts). */
  setAside: number;
  versions: { app: string; deno: string; v8: string; typescript: string; grammy: string };
}

/** The Debug screen, with Refresh and Back (to Settings). */
export function renderDebug(data: DebugData, locale: Locale, i18n: Translator): Screen {
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(locale, key, args);
  const time = (ms: number) => formatDateTime(ms, locale, data.timezone);
  const backup = data.lastBackup;
  const autoClose = data.lastAutoClose;
  const lines = [
    t("debug-title"),
    "",
    t("debug-uptime", {
      uptime: formatDuration(data.now - data.startedAt, locale),
      since: time(data.startedAt),
    }),
    t("debug-memory", {
      rss: formatBytes(data.memory.rss, t),
      heapUsed: formatBytes(data.memory.heapUsed, t),
      heapTotal: formatBytes(data.memory.heapTotal, t),
    }),
    t("debug-store", {
      users: data.store.users,
      tickets: data.store.tickets,
      open: data.store.open,
      ratings: data.store.ratings,
      feedback: data.store.feedback,
      blocked: data.store.blocked,
    }),
    backup
      ? t("debug-backup", {
        time: time(backup.at),
        result: backup.ok
          ? t("debug-backup-ok", { size: formatBytes(backup.bytes ?? 0, t) })
          : t("debug-backup-failed", { error: escapeHtml(backup.error ?? "?") }),
      })
      : t("debug-backup-never", {
        enabled: t(data.backupEnabled ? "debug-on" : "debug-off"),
      }),
    autoClose
      ? t("debug-autoclose", { time: time(autoClose.at), count: autoClose.closed })
      : t(data.autoCloseAfterHours > 0 ? "debug-autoclose-never" : "debug-autoclose-off"),
    t("debug-errors", { count: data.errorCount }),
    t("debug-set-aside", { count: data.setAside }),
    t("debug-versions", {
      app: escapeHtml(data.versions.app),
      deno: escapeHtml(data.versions.deno),
      v8: escapeHtml(data.versions.v8),
      typescript: escapeHtml(data.versions.typescript),
      grammy: escapeHtml(data.versions.grammy),
    }),
  ];
  if (backup?.path) lines.splice(6, 0, t("debug-backup-path", { path: escapeHtml(backup.path) }));
  if (data.storeFile) {
    lines.splice(
      5,
      0,
      t("debug-store-file", {
        path: escapeHtml(data.storeFile.path),
        size: formatBytes(data.storeFile.bytes, t),
      }),
    );
  }
  const keyboard = new InlineKeyboard()
    .text(t("btn-refresh"), encode({ kind: "admin", screen: "debug", page: 0 })).row()
    .append(backKeyboard(locale, i18n, { kind: "admin", screen: "settings", page: 0 }));
  return { text: lines.join("\n"), keyboard };
}
