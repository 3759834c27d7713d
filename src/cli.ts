/**
 * Sub-commands:
 *
 * - `backup`: writes an archive to DATA_DIR/backups/ and prints its path on
 *   stdout (and nothing else there, so scripts can use it). Works while a bot
 *   process uses the store. Does not send the archive to Telegram.
 * - `restore <file> [--force]`: restores an archive into an empty store;
 *   `--force` deletes the contents of a non-empty one first. A damaged,
 *   truncated or foreign file is refused with one message and exit code 1,
 *   and the store is left unchanged.
 * - `import-legacy <folder> [--dry-run] [--force] [--skip-invalid] [--list-all]`: imports
 *   the Python bot's data.json and banned.json (src/legacy/).
 * - `healthcheck`: exit 0 when the running bot's heartbeat is fresh, 1 when
 *   it is stale, says "stopped" or is missing (Docker's HEALTHCHECK).
 * - `export [file]`: writes every ticket as CSV (services/export.ts) to `file`,
 *   or to DATA_DIR/exports/tickets-YYYY-MM-DD-HHMM.csv (local time in
 *   TIMEZONE) when none is given, and prints its path on stdout; `-` writes
 *   the CSV itself to stdout. The file appears under its name only when
 *   complete (a named file is replaced then). Works while a bot process uses
 *   the store.
 *
 * @module
 */
import type { BotDeps } from "./bot/context.ts";
import { setLastBackup } from "./store/meta.ts";
import { createBackup } from "./jobs/backup.ts";
import { formatBytes } from "./bytes.ts";
import { restoreBackup, RestoreError } from "./jobs/restore.ts";
import { whileLocked } from "./store/locked.ts";
import { botIsRunning, checkHealth, runningRefusal } from "./bot/heartbeat.ts";
import { importLegacyCommand } from "./legacy/mod.ts";
import { exportFileName, prepareExport } from "./services/export.ts";
import { join } from "node:path";

type CliDeps = Omit<BotDeps, "alerts">;

/** The sub-commands `main.ts` hands to {@link runCli}. */
export const SUB_COMMANDS = [
  "backup",
  "restore",
  "healthcheck",
  "import-legacy",
  "export",
] as const;

/** Output streams, replaceable in tests. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: CliOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Runs a sub-command; returns the exit code (0 done, 1 failed, 2 usage error).
 *
 * @example
 * ```ts
 * Deno.exit(await runCli("backup", [], deps));
 * ```
 */
export async function runCli(
  command: string,
  args: string[],
  deps: CliDeps,
  output: CliOutput = consoleOutput,
): Promise<number> {
  switch (command) {
    case "backup":
      return await backupCommand(args, deps, output);
    case "restore":
      return await restoreCommand(args, deps, output);
    case "healthcheck":
      return await healthcheckCommand(args, deps, output);
    case "import-legacy":
      return await importLegacyCommand(args, deps, output);
    case "export":
      return await exportCommand(args, deps, output);
    default:
      output.err(
        `Unknown sub-command '${command}'. Expected 'backup', 'restore <file>', ` +
          "'healthcheck', 'import-legacy <folder>' or 'export [file]'.",
      );
      return 2;
  }
}

async function backupCommand(args: string[], deps: CliDeps, output: CliOutput): Promise<number> {
  if (args.length > 0) {
    output.err(`'backup' takes no arguments, got '${args.join(" ")}'.`);
    return 2;
  }
  const at = deps.clock.now();
  try {
    const written = await createBackup(deps);
    await whileLocked(() =>
      setLastBackup(deps.kv, { at, ok: true, path: written.path, bytes: written.bytes })
    );
    output.err(
      `Backup of ${written.entries} entries, ${
        formatBytes(written.bytes, (key, args) => deps.i18n.t("en", key, args))
      }.`,
    );
    output.out(written.path);
    return 0;
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    try {
      await setLastBackup(deps.kv, { at, ok: false, error: message });
    } catch { /* the store itself may be what failed */ }
    output.err(`Backup failed: ${message}`);
    return 1;
  }
}

async function restoreCommand(args: string[], deps: CliDeps, output: CliOutput): Promise<number> {
  const force = args.includes("--force");
  const rest = args.filter((arg) => arg !== "--force");
  const unknownFlag = rest.find((arg) => arg.startsWith("--"));
  if (rest.length !== 1 || unknownFlag) {
    output.err(
      unknownFlag
        ? `Unknown option '${unknownFlag}'. Usage: restore <file> [--force]`
        : "Usage: restore <file> [--force] (the path of a .tar.gz made by 'backup').",
    );
    return 2;
  }
  const path = rest[0];
  if (await botIsRunning(deps.kv, deps.clock.now())) {
    output.err(runningRefusal("restore"));
    return 1;
  }
  try {
    const result = await restoreBackup(deps.kv, path, { force });
    output.out(
      `Restored ${result.restored} entries from '${path}' ` +
        `(made ${result.manifest.createdAt} by version ${result.manifest.appVersion})` +
        (force ? `, after deleting ${result.cleared} existing entries.` : "."),
    );
    return 0;
  } catch (error) {
    if (error instanceof RestoreError) {
      output.err(error.message);
      return 1;
    }
    output.err(`Restore of '${path}' failed: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}

async function healthcheckCommand(
  args: string[],
  deps: CliDeps,
  output: CliOutput,
): Promise<number> {
  if (args.length > 0) {
    output.err(`'healthcheck' takes no arguments, got '${args.join(" ")}'.`);
    return 2;
  }
  const health = await checkHealth(deps.kv, deps.clock.now());
  (health.healthy ? output.out : output.err)(health.summary);
  return health.healthy ? 0 : 1;
}

/** Where `export` writes without a file argument. */
function exportDir(dataDir: string): string {
  return join(dataDir, "exports");
}

function exported(rows: number): string {
  return `Exported ${rows} ticket${rows === 1 ? "" : "s"}.`;
}

/** Options of {@link exportCommand} that tests replace. */
export interface ExportCommandOptions {
  /** Where `export -` writes (default: the process's stdout). */
  stdout?: WritableStream<Uint8Array>;
  /** Tickets per page (default: services/export.ts). */
  pageSize?: number;
}

/** `export [file]`: the tickets as CSV (see the module comment). */
export async function exportCommand(
  args: string[],
  deps: CliDeps,
  output: CliOutput,
  options: ExportCommandOptions = {},
): Promise<number> {
  const unknownFlag = args.find((arg) => arg.startsWith("--"));
  if (args.length > 1 || unknownFlag) {
    output.err(
      unknownFlag
        ? `Unknown option '${unknownFlag}'. Usage: export [file]`
        : "Usage: export [file] (default: DATA_DIR/exports/tickets-<date>-<time>.csv; - for stdout).",
    );
    return 2;
  }
  const target = args[0];
  let path = target;
  try {
    const prepared = await prepareExport(deps, { pageSize: options.pageSize });
    const progress = { rows: 0 };
    if (target === "-") {
      // The CSV is the output; the summary goes to stderr.
      await prepared.stream(progress).pipeTo(
        options.stdout ?? Deno.stdout.writable,
        { preventClose: options.stdout === undefined },
      );
      output.err(exported(progress.rows));
      return 0;
    }
    if (path === undefined) {
      const dir = exportDir(deps.config.dataDir);
      await Deno.mkdir(dir, { recursive: true });
      path = await freeName(dir, exportFileName(deps.clock.now(), deps.config.timezone));
    }
    await writeWhole(path, prepared.stream(progress));
    output.err(exported(progress.rows));
    output.out(path);
    return 0;
  } catch (error) {
    const where = path === undefined || path === "-" ? "" : ` to '${path}'`;
    output.err(`Export${where} failed: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}

/** `name` in `dir`, or `name-2`, `name-3`… when an export of the same minute is there. */
async function freeName(dir: string, name: string): Promise<string> {
  const stem = name.replace(/\.csv$/, "");
  for (let counter = 1;; counter++) {
    const path = join(dir, counter === 1 ? name : `${stem}-${counter}.csv`);
    try {
      await Deno.lstat(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return path;
      throw error;
    }
  }
}

/** Writes `data` to `path` through a temporary file: `path` appears only when complete. */
async function writeWhole(path: string, data: ReadableStream<Uint8Array>): Promise<void> {
  const temporary = `${path}.partial`;
  const file = await Deno.open(temporary, { write: true, create: true, truncate: true });
  try {
    await data.pipeTo(file.writable);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
  await Deno.rename(temporary, path);
}
