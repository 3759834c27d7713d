/**
 * Switching from the Python bot: the `import-legacy` sub-command and its parts.
 *
 * folder.ts and parse.ts read the old files, map.ts turns their records into
 * ours, import.ts plans and writes (batch.ts batches the commits), report.ts
 * and command.ts are the CLI. See README.md, "Switching from the Python bot".
 *
 * @module
 */
export { importLegacyCommand, type LegacyDeps } from "./command.ts";
export { LegacyReadError, type LegacySource, readLegacyFolder } from "./folder.ts";
export { applyImport, type ImportPlan, type ImportResult, planImport } from "./import.ts";
export { parseBanned, parseDataJson } from "./parse.ts";
