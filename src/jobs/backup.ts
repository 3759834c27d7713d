/**
 * Backups: an archive of the whole store (and, with BACKUP_FULL_PROJECT, the
 * redacted configuration and the logs) written to DATA_DIR/backups/, pruned to
 * BACKUP_KEEP archives, optionally sent to Telegram, recorded for Settings →
 * Debug and reported to the alert chat.
 *
 * @module
 */
import { join } from "node:path";
import { type Api, InputFile } from "grammy";
import type { Locale } from "../config.ts";
import { redactedConfig } from "../config.ts";
import type { BotDeps } from "../deps.ts";
import { APP_VERSION } from "../version.ts";
import { escapeHtml } from "../html.ts";
import { formatBytes } from "../bytes.ts";
import type { TranslationArgs } from "../i18n.ts";
import { allEntries } from "../store/snapshot.ts";
import { setLastBackup } from "../store/meta.ts";
import { adminLocale } from "../services/notify.ts";
import { type ExtraFile, MEMBERS, writeArchive } from "./backup_format.ts";
import { whileLocked } from "../store/locked.ts";

/** Telegram refuses uploads over 50 MB through the public Bot API. */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024;

/** What {@link backupNow} did. */
export interface BackupResult {
  ok: boolean;
  path?: string;
  bytes?: number;
  entries?: number;
  error?: string;
  /** True when at least one recipient received the archive as a document. */
  sentToTelegram?: boolean;
  /** Why the archive was not sent although BACKUP_SEND_TO_TELEGRAM is on. */
  notSent?: NotSent;
}

/** Why an archive did not go to Telegram: too large, or refused (Telegram's description). */
export type NotSent =
  | { reason: "too_large"; bytes: number; limit: number }
  | { reason: "refused"; error?: string };

/** {@link NotSent} in a reader's language (HTML-safe). */
export function describeNotSent(
  notSent: NotSent,
  t: (key: string, args?: Record<string, string | number>) => string,
): string {
  return notSent.reason === "too_large"
    ? t("backup-reason-too-large", {
      size: formatBytes(notSent.bytes, t),
      limit: formatBytes(notSent.limit, t),
    })
    : t("backup-reason-refused", { error: escapeHtml((notSent.error ?? "—").slice(0, 200)) });
}

/** An archive written to disk. */
export interface WrittenBackup {
  path: string;
  name: string;
  bytes: number;
  entries: number;
  data: Uint8Array;
}

type BackupDeps = Pick<BotDeps, "kv" | "config" | "clock" | "log"> & {
  runtime?: Pick<BotDeps["runtime"], "diskless">;
};

/** Where archives are kept. */
export function backupDir(dataDir: string): string {
  return join(dataDir, "backups");
}

const ARCHIVE_NAME = /^backup-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(?:-(\d+))?\.tar\.gz$/;

/** `backup-2026-11-24T09-00-00Z.tar.gz` (UTC; no colons, which some file systems refuse). */
function archiveName(ms: number, counter: number): string {
  const stamp = new Date(ms).toISOString().slice(0, 19).replaceAll(":", "-") + "Z";
  return `backup-${stamp}${counter > 1 ? `-${counter}` : ""}.tar.gz`;
}

/**
 * Builds an archive of the store and writes it to DATA_DIR/backups/, then
 * prunes old archives to BACKUP_KEEP. Works while a bot process uses the store.
 * The file appears under its final name only when complete.
 *
 * @throws when the store cannot be read or the file cannot be written.
 */
export async function createBackup(deps: BackupDeps): Promise<WrittenBackup> {
  const { config } = deps;
  const now = deps.clock.now();
  const entries = await allEntries(deps.kv);
  const extra = config.backupFullProject ? await projectFiles(deps) : [];
  const { bytes } = await writeArchive({
    entries,
    appVersion: APP_VERSION,
    createdAt: now,
    fullProject: config.backupFullProject,
    extra,
  });

  if (deps.runtime?.diskless) {
    // Deno Deploy: no disk to keep it on; it goes to Telegram only.
    const name = archiveName(now, 1);
    return { path: name, name, bytes: bytes.length, entries: entries.length, data: bytes };
  }
  const dir = backupDir(config.dataDir);
  await Deno.mkdir(dir, { recursive: true });
  let name = "";
  let path = "";
  for (let counter = 1;; counter++) {
    name = archiveName(now, counter);
    path = join(dir, name);
    const temporary = `${path}.partial`;
    try {
      await Deno.writeFile(temporary, bytes, { createNew: true });
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) continue;
      throw error;
    }
    if (await exists(path)) {
      await Deno.remove(temporary);
      continue;
    }
    await Deno.rename(temporary, path);
    break;
  }
  await pruneBackups(dir, config.backupKeep, deps);
  deps.log.debug("Backup written", { path, bytes: bytes.length, entries: entries.length });
  return { path, name, bytes: bytes.length, entries: entries.length, data: bytes };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The archives in `dir`, oldest first. */
export async function listBackups(dir: string): Promise<string[]> {
  const found: { name: string; stamp: string; counter: number }[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = entry.isFile ? ARCHIVE_NAME.exec(entry.name) : null;
      if (match) found.push({ name: entry.name, stamp: match[1], counter: Number(match[2] ?? 1) });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  found.sort((a, b) => a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.counter - b.counter);
  return found.map((item) => item.name);
}

/** Deletes the oldest archives beyond `keep`; files we did not name are left alone. */
async function pruneBackups(dir: string, keep: number, deps: BackupDeps): Promise<void> {
  const names = await listBackups(dir);
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    try {
      await Deno.remove(join(dir, name));
    } catch (error) {
      deps.log.warn("Could not delete an old backup", { name, error });
    }
  }
}

/** The redacted configuration and the log files, for BACKUP_FULL_PROJECT. */
async function projectFiles(deps: BackupDeps): Promise<ExtraFile[]> {
  const files: ExtraFile[] = [{
    name: MEMBERS.config,
    data: new TextEncoder().encode(JSON.stringify(redactedConfig(deps.config), null, 2) + "\n"),
  }];
  const logs: string[] = [];
  try {
    for await (const entry of Deno.readDir(deps.config.dataDir)) {
      if (entry.isFile && /^bot\.log(\.\d+)?$/.test(entry.name)) logs.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const name of logs.sort()) {
    try {
      files.push({
        name: MEMBERS.logsDir + name,
        data: await Deno.readFile(join(deps.config.dataDir, name)),
      });
    } catch (error) {
      // A log rotated away between listing and reading is simply left out.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return files;
}

/**
 * Makes a backup now (the daily schedule, the Settings button), then, with
 * BACKUP_SEND_TO_TELEGRAM, sends it to the alert chat or else to the admins,
 * records the result (Settings → Debug) and reports it to the alert chat.
 * Never throws: failures are in the result.
 *
 * @example
 * ```ts
 * const result = await backupNow(deps, bot.api);
 * if (result.ok) console.log(result.path);
 * ```
 */
export async function backupNow(deps: BotDeps, api?: Api): Promise<BackupResult> {
  const at = deps.clock.now();
  let written: WrittenBackup;
  try {
    written = await createBackup(deps);
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    deps.log.error("Backup failed", { error: message });
    await record(deps, { at, ok: false, error: message });
    await alert(
      deps,
      deps.i18n.t(deps.config.defaultLocale, "jobs-backup-failed", {
        error: escapeHtml(message.slice(0, 300)),
      }),
    );
    return { ok: false, error: message };
  }

  const result: BackupResult = {
    ok: true,
    path: written.path,
    bytes: written.bytes,
    entries: written.entries,
  };
  let alertChatGotIt = false;
  if (deps.config.backupSendToTelegram && api) {
    const limit = Math.min(deps.config.backupMaxSizeMb * 1024 * 1024, TELEGRAM_UPLOAD_LIMIT);
    if (written.bytes > limit) {
      result.sentToTelegram = false;
      result.notSent = { reason: "too_large", bytes: written.bytes, limit };
      await tellRecipients(api, deps, (locale) => {
        const t = (key: string, args?: TranslationArgs) => deps.i18n.t(locale, key, args);
        return t("jobs-backup-not-sent-size", {
          name: escapeHtml(written.name),
          size: formatBytes(written.bytes, t),
          limit: formatBytes(limit, t),
        });
      });
      alertChatGotIt = deps.config.alertChatId !== undefined;
    } else {
      const sent = await sendArchive(api, deps, written);
      result.sentToTelegram = sent.delivered > 0;
      if (sent.delivered === 0) {
        result.notSent = { reason: "refused", error: sent.error };
      }
      alertChatGotIt = sent.toAlertChat;
    }
  }
  deps.log.info("Backup made", {
    path: written.path,
    bytes: written.bytes,
    entries: written.entries,
    sent: result.sentToTelegram,
  });
  await record(deps, { at, ok: true, path: written.path, bytes: written.bytes });
  if (!alertChatGotIt) {
    const locale = deps.config.defaultLocale;
    const t = (key: string, args?: TranslationArgs) => deps.i18n.t(locale, key, args);
    let text = t("jobs-backup-ok", {
      name: escapeHtml(written.name),
      size: formatBytes(written.bytes, t),
      entries: written.entries,
    });
    if (result.notSent) {
      text += "\n" + deps.i18n.t(locale, "jobs-backup-not-sent", {
        reason: describeNotSent(result.notSent, (key, args) => deps.i18n.t(locale, key, args)),
      });
    }
    await alert(deps, text);
  }
  return result;
}

async function record(deps: BotDeps, meta: Parameters<typeof setLastBackup>[1]): Promise<void> {
  try {
    await whileLocked(() => setLastBackup(deps.kv, meta));
  } catch (error) {
    deps.log.warn("Could not record the backup result", { error });
  }
}

async function alert(deps: BotDeps, html: string): Promise<void> {
  try {
    await deps.alerts.send(html);
  } catch (error) {
    deps.log.warn("Could not send a backup alert", { error });
  }
}

interface Recipient {
  chatId: number;
  threadId?: number;
  locale: Locale;
}

/** The alert chat (in its topic) when configured, else every admin in their language. */
async function recipients(deps: BotDeps): Promise<Recipient[]> {
  const { config } = deps;
  if (config.alertChatId !== undefined) {
    return [{
      chatId: config.alertChatId,
      threadId: config.alertTopicId,
      locale: config.defaultLocale,
    }];
  }
  return await Promise.all(config.adminIds.map(async (adminId) => ({
    chatId: adminId,
    locale: await adminLocale(deps, adminId),
  })));
}

async function sendArchive(
  api: Api,
  deps: BotDeps,
  written: WrittenBackup,
): Promise<{ delivered: number; toAlertChat: boolean; error?: string }> {
  let delivered = 0;
  let toAlertChat = false;
  let lastError: string | undefined;
  for (const to of await recipients(deps)) {
    try {
      await api.sendDocument(to.chatId, new InputFile(written.data, written.name), {
        caption: deps.i18n.t(to.locale, "jobs-backup-caption", {
          name: escapeHtml(written.name),
          size: formatBytes(written.bytes, (key, args) => deps.i18n.t(to.locale, key, args)),
          entries: written.entries,
        }),
        message_thread_id: to.threadId,
      });
      delivered++;
      if (to.chatId === deps.config.alertChatId) toAlertChat = true;
    } catch (error) {
      lastError = (error as Error)?.message ?? String(error);
      deps.log.warn("Could not send the backup", { chatId: to.chatId, error });
    }
  }
  return { delivered, toAlertChat, error: lastError };
}

async function tellRecipients(
  api: Api,
  deps: BotDeps,
  render: (locale: Locale) => string,
): Promise<void> {
  for (const to of await recipients(deps)) {
    try {
      await api.sendMessage(to.chatId, render(to.locale), {
        message_thread_id: to.threadId,
      });
    } catch (error) {
      deps.log.warn("Could not say why the backup was not sent", { chatId: to.chatId, error });
    }
  }
}
