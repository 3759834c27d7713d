/**
 * Restoring a backup archive into the store.
 *
 * The whole archive is read and verified (format, version, checksum, every
 * entry decoded) before the store is touched, so a damaged, truncated or
 * foreign file changes nothing.
 *
 * @module
 */
import { clearStore, isStoreEmpty, writeEntries } from "../store/snapshot.ts";
import { BackupFormatError, encodeEntry, type Manifest, readArchive } from "./backup_format.ts";

/** A restore that was refused; the message is meant for people and says why. */
export class RestoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RestoreError";
  }
}

/** What {@link restoreBackup} did. */
export interface RestoreResult {
  manifest: Manifest;
  /** Entries written. */
  restored: number;
  /** Entries deleted first (with `force`). */
  cleared: number;
}

/**
 * Restores the archive at `path` into `kv`. The store must be empty (nothing
 * but ["meta", ...]) unless `force`, which clears it first.
 *
 * @throws {RestoreError} when the file is missing, unreadable, damaged or
 * foreign, or the store is not empty; the store is then unchanged.
 */
export async function restoreBackup(
  kv: Deno.Kv,
  path: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new RestoreError(
      error instanceof Deno.errors.NotFound
        ? `Cannot restore '${path}': the file does not exist.`
        : `Cannot restore '${path}': ${(error as Error).message}.`,
      { cause: error },
    );
  }
  let archive;
  try {
    archive = await readArchive(bytes);
  } catch (error) {
    if (error instanceof BackupFormatError) {
      throw new RestoreError(
        `Cannot restore '${path}': ${error.message}. The store was not changed.`,
        { cause: error },
      );
    }
    throw error;
  }
  if (!options.force && !(await isStoreEmpty(kv))) {
    throw new RestoreError(
      `Cannot restore '${path}': the store is not empty. Restore into an empty store, ` +
        `or pass --force to delete its contents first. The store was not changed.`,
    );
  }
  const cleared = options.force ? await clearStore(kv) : 0;
  // UTF-8 JSON is at least as long as Deno KV's own encoding for our values.
  const encoder = new TextEncoder();
  await writeEntries(kv, archive.entries, (entry) => encoder.encode(encodeEntry(entry)).length);
  return { manifest: archive.manifest, restored: archive.entries.length, cleared };
}
