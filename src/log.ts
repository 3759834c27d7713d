/**
 * Logging to stdout (and, when a sink is attached, to DATA_DIR/bot.log).
 * Lines are `time level message key=value ...`; the bot token never appears.
 *
 * @module
 */
import { GrammyError, HttpError } from "grammy";
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

/** The longest description of a value that is not an Error (a proxy's answer can be a page). */
const DESCRIPTION_LIMIT = 500;

/**
 * One line saying what went wrong, whatever was thrown or answered: a Bot API
 * error as `method: code description`, a network failure with its cause, an
 * Error by its message, a Bot API answer by its code and description, and
 * anything else as JSON. Credentials in URLs (`user:password@`) are hidden.
 */
export function describeError(error: unknown): string {
  return describe(error, 0).replace(/(\w+:\/\/)[^\s/@]+@/g, "$1***@");
}

function describe(error: unknown, depth: number): string {
  if (error instanceof GrammyError) {
    if (typeof error.error_code === "number") {
      return `${error.method}: ${error.error_code} ${error.description}`;
    }
    // grammY turns any JSON answer without `ok` into a GrammyError of undefined fields.
    return `${error.method}: an answer that is not a Bot API response`;
  }
  if (error instanceof HttpError) {
    const cause = error.error === undefined || depth > 2 ? "" : describe(error.error, depth + 1);
    return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
  }
  if (error instanceof Error) {
    const cause = error.cause === undefined || depth > 2 ? "" : describe(error.cause, depth + 1);
    const text = error.message || error.name;
    return cause ? `${text} (${cause})` : text;
  }
  if (typeof error === "string") return error;
  if (isBotApiError(error)) {
    return `${error.error_code} ${error.description ?? ""}`.trim();
  }
  let text: string;
  try {
    text = JSON.stringify(error) ?? String(error);
  } catch {
    text = String(error);
  }
  return text.length > DESCRIPTION_LIMIT ? text.slice(0, DESCRIPTION_LIMIT - 1) + "…" : text;
}

function isBotApiError(value: unknown): value is { error_code: number; description?: string } {
  return typeof value === "object" && value !== null && "error_code" in value &&
    typeof value.error_code === "number";
}

function formatValue(key: string, value: unknown): string {
  if (key === "error" || value instanceof Error) return JSON.stringify(describeError(value));
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

/** Formats one log line. */
export function formatLine(level: LogLevel, message: string, fields?: LogFields, at = new Date()) {
  const extra = fields
    ? Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) =>
      ` ${k}=${formatValue(k, v)}`
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
