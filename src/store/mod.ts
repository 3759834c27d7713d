/**
 * Opening the store: `DATA_DIR/bot.kv`, or the remote Deno KV at `KV_URL`.
 *
 * @module
 */
import { join } from "node:path";
import type { Config } from "../config.ts";
import { keys } from "./keys.ts";
import { whileLocked } from "./locked.ts";

/** The store could not be opened; the message says where and why. */
export class StoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
}

/** Where the store lives for this configuration. */
export function storeLocation(config: Pick<Config, "dataDir" | "kvUrl">): string {
  return config.kvUrl ?? join(config.dataDir, "bot.kv");
}

/**
 * Opens the store, creating DATA_DIR when needed. Refuses to go on with a
 * store it cannot read or write (never silently starts an empty one elsewhere).
 * The store comes wrapped in {@link batchingKv}: concurrent updates share
 * commits and reads, and every repository gets that unchanged.
 */
export async function openStore(
  config: Pick<Config, "dataDir" | "kvUrl">,
  options: { existingOnly?: boolean; diskless?: boolean } = {},
): Promise<Deno.Kv> {
  // Deno Deploy: the project's own Deno KV, unless KV_URL names another.
  if (options.diskless && !config.kvUrl) return await Deno.openKv();
  const location = storeLocation(config);
  if (options.existingOnly) return await openExisting(location, !config.kvUrl);
  if (!config.kvUrl) {
    try {
      await Deno.mkdir(config.dataDir, { recursive: true });
    } catch (error) {
      throw new StoreError(
        `Cannot create DATA_DIR '${config.dataDir}': ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  let kv: Deno.Kv;
  try {
    kv = await Deno.openKv(location);
  } catch (error) {
    throw new StoreError(
      `Cannot open the store at '${location}': ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    // A write proves the file is usable now rather than at the first customer message.
    await whileLocked(() => kv.set(keys.meta("opened_at"), Date.now()));
  } catch (error) {
    kv.close();
    throw new StoreError(
      `Cannot write to the store at '${location}': ${(error as Error).message}`,
      { cause: error },
    );
  }
  return kv;
}

/**
 * Opens a store that must already be there, writing nothing (the health check
 * runs every 30 s and must not create a store or touch the bot's).
 */
async function openExisting(location: string, local: boolean): Promise<Deno.Kv> {
  if (local) {
    try {
      await Deno.stat(location);
    } catch (error) {
      throw new StoreError(
        `No store at '${location}': the bot has not run with this DATA_DIR`,
        { cause: error },
      );
    }
  }
  try {
    return await Deno.openKv(location);
  } catch (error) {
    throw new StoreError(
      `Cannot open the store at '${location}': ${(error as Error).message}`,
      { cause: error },
    );
  }
}
