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

type CliDeps = Omit<BotDeps, "alerts">;

/** The sub-commands `main.ts` hands to {@link runCli}. */
export const SUB_COMMANDS = ["backup", "restore", "healthcheck", "import-legacy"] as const;

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
    default:
      output.err(
        `Unknown sub-command '${command}'. ` +
          "Expected 'backup', 'restore <file>', 'healthcheck' or 'import-legacy <folder>'.",
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
