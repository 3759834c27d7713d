/**
 * The `import-legacy <folder> [--dry-run] [--force] [--skip-invalid] [--list-all]`
 * sub-command: brings the Python bot's data.json and banned.json into the
 * store. Exit codes as the other sub-commands: 0 done, 1 refused or failed
 * (nothing written unless said), 2 usage error.
 *
 * - Refuses a non-empty store unless `--force`; tickets imported before are
 *   recognised by their old id and skipped, so a second run adds nothing twice.
 * - Any problem in the files (a bad record, a damaged data.json replaced by
 *   data.json.bak) refuses the import unless `--skip-invalid`, which imports
 *   the good records and leaves the listed ones out.
 * - `--dry-run` prints the same figures and findings and writes nothing; its
 *   exit code says whether the real run would go ahead (0) or be refused (1).
 * - Findings are listed up to {@link PROBLEMS_SHOWN} problems and
 *   {@link NOTES_SHOWN} notes, then counted; `--list-all` lists every one.
 *
 * @module
 */
import type { BotDeps } from "../deps.ts";
import type { CliOutput } from "../cli.ts";
import { botIsRunning, runningRefusal } from "../bot/heartbeat.ts";
import { LegacyReadError, readLegacyFolder } from "./folder.ts";
import { applyImport, planImport } from "./import.ts";
import {
  describeFindings,
  describePlan,
  describeResult,
  NOTES_SHOWN,
  plural,
  PROBLEMS_SHOWN,
} from "./report.ts";

/** What the command needs: the store, TIMEZONE, AUTO_CLOSE_AFTER_HOURS, ADMIN_ID and a clock. */
export type LegacyDeps = Pick<BotDeps, "kv" | "config" | "clock">;

const FLAGS = ["--dry-run", "--force", "--skip-invalid", "--list-all"];
/** Said when the bot polls on this store: the import writes without version checks. */
export const RUNNING_REFUSAL = runningRefusal("run the import");
const USAGE = "Usage: import-legacy <folder> [--dry-run] [--force] [--skip-invalid] " +
  "[--list-all] (the Python bot's data folder, with data.json and banned.json).";

/**
 * Runs `import-legacy`; returns the exit code (0 done, 1 refused or failed, 2 usage error).
 *
 * @example
 * ```ts
 * Deno.exit(await importLegacyCommand(["./old_bot_data", "--dry-run"], deps, output));
 * ```
 */
export async function importLegacyCommand(
  args: string[],
  deps: LegacyDeps,
  output: CliOutput,
): Promise<number> {
  const flags = args.filter((arg) => arg.startsWith("--"));
  const rest = args.filter((arg) => !arg.startsWith("--"));
  const unknownFlag = flags.find((flag) => !FLAGS.includes(flag));
  if (unknownFlag || rest.length !== 1) {
    output.err(unknownFlag ? `Unknown option '${unknownFlag}'. ${USAGE}` : USAGE);
    return 2;
  }
  const [folder] = rest;
  const dryRun = flags.includes("--dry-run");
  const listAll = flags.includes("--list-all");
  const started = performance.now();
  try {
    const source = await readLegacyFolder(folder, deps.config.timezone);
    const now = deps.clock.now();
    const plan = await planImport(deps.kv, source, {
      now,
      autoCloseHours: deps.config.autoCloseAfterHours,
      adminIds: deps.config.adminIds,
    });
    for (const line of describePlan(source, plan, deps.config.autoCloseAfterHours)) {
      output.out(line);
    }
    const notes = [...source.notes, ...plan.notes];
    const shown = (count: number) => listAll ? Infinity : count;
    for (const line of describeFindings("Notes", notes, shown(NOTES_SHOWN))) output.out(line);
    for (const line of describeFindings("Problems", source.problems, shown(PROBLEMS_SHOWN))) {
      output.err(line);
    }

    const refusals: string[] = [];
    if (source.problems.length > 0 && !flags.includes("--skip-invalid")) {
      const one = source.problems.length === 1;
      refusals.push(
        `${plural(source.problems.length, "problem", "problems")} in the files. ` +
          `Fix ${one ? "it" : "them"}, or re-run with --skip-invalid to import the ` +
          `${plural(plan.tickets.length, "good ticket", "good tickets")} and leave the listed ` +
          `${one ? "record" : "records"} out.`,
      );
    }
    if (!plan.storeEmpty && !flags.includes("--force")) {
      refusals.push(
        "The store is not empty. Import into an empty store, or pass --force to add to it " +
          "(tickets imported before are recognised by their old ids and skipped).",
      );
    }
    if (await botIsRunning(deps.kv, now)) {
      refusals.push(RUNNING_REFUSAL);
    }
    if (refusals.length > 0) {
      for (const line of refusals) output.err(line);
      output.err(dryRun ? "Dry run: nothing was written." : "Nothing was written.");
      return 1;
    }
    if (dryRun) {
      output.out("Dry run: nothing was written.");
      return 0;
    }
    const result = await applyImport(deps.kv, plan, { now });
    output.out(describeResult(result, (performance.now() - started) / 1000));
    return 0;
  } catch (error) {
    if (error instanceof LegacyReadError) {
      output.err(error.message);
      return 1;
    }
    output.err(
      `Import from '${folder}' failed: ${(error as Error)?.message ?? String(error)}. ` +
        `Tickets committed before the failure, if any, keep their old ids: run the import ` +
        `again with --force to complete it.`,
    );
    return 1;
  }
}
