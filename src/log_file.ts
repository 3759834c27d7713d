/**
 * The log file `DATA_DIR/bot.log`, rotated by size: when a line would take it
 * past `maxBytes`, `bot.log` becomes `bot.log.1`, `bot.log.1` becomes
 * `bot.log.2` and so on; the oldest beyond `keep` is deleted.
 *
 * @module
 */
import { join } from "node:path";
import type { LogSink } from "./log.ts";

/** A log sink writing to a file; `close` flushes and closes it. */
export interface LogFile extends LogSink {
  close(): void;
}

/** Rotation settings of {@link openLogFile}. */
export interface LogFileOptions {
  /** Size at which the file is rotated; default 5 MB. */
  maxBytes?: number;
  /** Rotated files kept besides `bot.log`; default 3. */
  keep?: number;
  /** File name inside the data directory; default `bot.log`. */
  name?: string;
}

/** Default rotation: 5 MB per file, three old files. */
export const LOG_ROTATION = { maxBytes: 5 * 1024 * 1024, keep: 3 } as const;

/**
 * Opens `DATA_DIR/bot.log` for appending, with size-based rotation.
 *
 * @example
 * ```ts
 * const file = await openLogFile(config.dataDir);
 * const log = createLogger("info", { sinks: [file] });
 * ```
 */
export async function openLogFile(dataDir: string, options: LogFileOptions = {}): Promise<LogFile> {
  const maxBytes = options.maxBytes ?? LOG_ROTATION.maxBytes;
  const keep = options.keep ?? LOG_ROTATION.keep;
  const path = join(dataDir, options.name ?? "bot.log");
  await Deno.mkdir(dataDir, { recursive: true });
  const encoder = new TextEncoder();
  let file: Deno.FsFile | undefined = Deno.openSync(path, { append: true, create: true });
  let size = file.statSync().size;

  const rotate = () => {
    file?.close();
    file = undefined;
    for (let index = keep; index >= 1; index--) {
      const from = index === 1 ? path : `${path}.${index - 1}`;
      try {
        if (index === keep) Deno.removeSync(`${path}.${keep}`);
      } catch { /* nothing to delete */ }
      try {
        Deno.renameSync(from, `${path}.${index}`);
      } catch { /* a missing older file is fine */ }
    }
    if (keep === 0) {
      try {
        Deno.removeSync(path);
      } catch { /* already gone */ }
    }
    file = Deno.openSync(path, { append: true, create: true });
    size = 0;
  };

  return {
    write(line) {
      const bytes = encoder.encode(line + "\n");
      if (size > 0 && size + bytes.length > maxBytes) rotate();
      if (!file) return;
      let written = 0;
      while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
      size += bytes.length;
    },
    close() {
      file?.close();
      file = undefined;
    },
  };
}
