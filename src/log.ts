/**
 * Logging to stdout (and, when a sink is attached, to DATA_DIR/bot.log).
 * Lines are `time level message key=value ...`; the bot token never appears.
 *
 * @module
 */
import { LOG_LEVELS, type LogLevel } from "./config.ts";

/** Extra fields of a log line. */
export type LogFields = Record<string, unknown>;

/** A leveled logger. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where formatted lines go besides stdout/stderr. */
export interface LogSink {
  write(line: string): void;
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** Formats one log line. */
export function formatLine(level: LogLevel, message: string, fields?: LogFields, at = new Date()) {
  const extra = fields
    ? Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) =>
      ` ${k}=${formatValue(v)}`
    ).join("")
    : "";
  return `${at.toISOString()} ${level.toUpperCase()} ${message}${extra}`;
}

/**
 * A logger that prints lines at `level` or above. `redact` strings (the token)
 * are replaced wherever they appear.
 */
export function createLogger(
  level: LogLevel,
  options: { sinks?: LogSink[]; redact?: string[]; console?: boolean } = {},
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const secrets = (options.redact ?? []).filter((secret) => secret.length >= 6);
  const emit = (lineLevel: LogLevel, message: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
    let line = formatLine(lineLevel, message, fields);
    for (const secret of secrets) line = line.replaceAll(secret, "***");
    if (options.console !== false) {
      (lineLevel === "error" || lineLevel === "warn" ? console.error : console.log)(line);
    }
    for (const sink of options.sinks ?? []) {
      try {
        sink.write(line);
      } catch (error) {
        // A full disk must not take the bot down; stderr still has the line.
        console.error(`Cannot write the log file: ${(error as Error).message}`);
      }
    }
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger("error", { console: false });
