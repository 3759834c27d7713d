/**
 * The log file `DATA_DIR/bot.log`.
 *
 * @module
 */
import { join } from "node:path";
import type { LogSink } from "./log.ts";

/** A log sink writing to a file; `close` flushes and closes it. */
export interface LogFile extends LogSink {
  close(): void;
}

/** Opens `DATA_DIR/bot.log` for appending. */
export async function openLogFile(dataDir: string): Promise<LogFile> {
  await Deno.mkdir(dataDir, { recursive: true });
  const file = await Deno.open(join(dataDir, "bot.log"), { append: true, create: true });
  const encoder = new TextEncoder();
  return {
    write(line) {
      file.writeSync(encoder.encode(line + "\n"));
    },
    close() {
      file.close();
    },
  };
}
