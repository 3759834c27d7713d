/**
 * Reading the Python bot's DATA_DIR: `data.json` (or `data.json.bak` when
 * data.json is missing, truncated or invalid, which its non-atomic writes could
 * leave behind) and `banned.json`.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  type Finding,
  type LegacyBan,
  LegacyFormatError,
  parseBanned,
  parseDataJson,
  type ParsedData,
} from "./parse.ts";

/** Nothing can be imported from the folder; the message says why and is meant for people. */
export class LegacyReadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LegacyReadError";
  }
}

/** Everything read from the folder. */
export interface LegacySource extends ParsedData {
  folder: string;
  /** The file the tickets and users came from: data.json, or data.json.bak. */
  dataFile: string;
  bans: LegacyBan[];
  /** banned.json when it exists. */
  banFile?: string;
}

type Attempt = { data: ParsedData } | { missing: true } | { damaged: string };

async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new LegacyReadError(`Cannot read '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function attempt(path: string, timeZone: string): Promise<Attempt> {
  const text = await readText(path);
  if (text === null) return { missing: true };
  try {
    return { data: parseDataJson(text, timeZone, basename(path)) };
  } catch (error) {
    if (error instanceof LegacyFormatError) return { damaged: error.message };
    throw error;
  }
}

/** What is wrong with a file that cannot be read, after its name: "is missing", "is not valid JSON …". */
function describe(result: Attempt): string {
  return "missing" in result
    ? "is missing"
    : "damaged" in result
    ? `is ${result.damaged}`
    : "is readable";
}

function tickets(count: number): string {
  return `${count} ${count === 1 ? "ticket" : "tickets"}`;
}

/**
 * Reads the old bot's folder (`path` may also be its data.json). Timestamps
 * without an offset are read in `timeZone`.
 *
 * @throws {LegacyReadError} when the folder does not exist, or neither
 * data.json nor data.json.bak can be read.
 */
export async function readLegacyFolder(path: string, timeZone: string): Promise<LegacySource> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw new LegacyReadError(
      error instanceof Deno.errors.NotFound
        ? `Cannot import from '${path}': it does not exist.`
        : `Cannot import from '${path}': ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (info.isFile && basename(path) !== "data.json") {
    throw new LegacyReadError(
      `Cannot import from '${path}': expected the Python bot's data folder (its DATA_DIR, ` +
        `with data.json and banned.json).`,
    );
  }
  const folder = info.isFile ? dirname(path) : path;
  const dataPath = join(folder, "data.json");
  const backupPath = `${dataPath}.bak`;

  const problems: Finding[] = [];
  const notes: Finding[] = [];
  let dataFile = dataPath;
  let main = await attempt(dataPath, timeZone);
  if (!("data" in main)) {
    const backup = await attempt(backupPath, timeZone);
    if (!("data" in backup)) {
      throw new LegacyReadError(
        "missing" in main && "missing" in backup
          ? `Cannot import from '${folder}': there is no data.json in it (the Python bot's ` +
            `DATA_DIR holds data.json and banned.json).`
          : `Cannot import from '${folder}': data.json ${describe(main)}, and data.json.bak ` +
            `${describe(backup)}. Nothing was written.`,
      );
    }
    // Said loudly and counted as a problem: the backup may miss the latest changes.
    problems.push({
      where: "data.json",
      reason:
        `${
          "damaged" in main ? main.damaged : "missing"
        }; read data.json.bak instead, which may miss the ` +
        `latest changes`,
    });
    dataFile = backupPath;
    main = backup;
  } else if (main.data.ticketRecords === 0) {
    // The Python bot copies data.json to data.json.bak before each rewrite: an
    // empty data.json beside a full backup was emptied by that rewrite (its
    // loader started empty after a damaged file). Importing "nothing" would
    // hide that, and importing the backup silently would guess.
    const backup = await attempt(backupPath, timeZone);
    if ("data" in backup && backup.data.ticketRecords > 0) {
      throw new LegacyReadError(
        `Cannot import from '${folder}': data.json holds no tickets, but data.json.bak holds ` +
          `${tickets(backup.data.ticketRecords)}. The Python bot writes data.json.bak just ` +
          `before it rewrites data.json, so data.json was probably emptied by a crash. If ` +
          `data.json.bak holds the data you want, copy it over data.json (keep a copy of both) ` +
          `and run the import again; if the old bot really had no tickets left, move ` +
          `data.json.bak out of the folder. Nothing was written.`,
      );
    }
    if ("damaged" in backup) {
      notes.push({ where: "data.json.bak", reason: `${backup.damaged}; not used` });
    }
  }

  const banPath = join(folder, "banned.json");
  const banText = await readText(banPath);
  const bans = banText === null ? { bans: [], problems: [] } : parseBanned(banText);
  return {
    folder,
    dataFile,
    ticketRecords: main.data.ticketRecords,
    tickets: main.data.tickets,
    users: main.data.users,
    bans: bans.bans,
    banFile: banText === null ? undefined : banPath,
    problems: [...problems, ...main.data.problems, ...bans.problems],
    notes: [...notes, ...main.data.notes],
  };
}
