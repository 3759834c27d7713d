/**
 * Times as people see them: in the configured TIMEZONE, in the reader's
 * language format.
 *
 * @module
 */
import type { Locale } from "./config.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(key, found);
  }
  return found;
}

/** A date and time like `24.11.2026, 14:05` (ru) or `24/11/2026, 14:05` (en), in `timeZone`. */
export function formatDateTime(ms: number, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone).format(new Date(ms));
}

/** A short duration like `2 d 3 h`, `3 h 5 min` or `4 min` (`2 д 3 ч` in Russian). */
export function formatDuration(ms: number, locale: Locale): string {
  const units = locale === "ru" ? { d: "д", h: "ч", m: "мин" } : { d: "d", h: "h", m: "min" };
  const totalMinutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return hours ? `${days} ${units.d} ${hours} ${units.h}` : `${days} ${units.d}`;
  if (hours > 0) {
    return minutes ? `${hours} ${units.h} ${minutes} ${units.m}` : `${hours} ${units.h}`;
  }
  return `${minutes} ${units.m}`;
}

/**
 * The UTC instant of a local wall-clock time in `timeZone` on the day of
 * `reference` (used to schedule the daily backup across DST changes).
 */
export function zonedTimeToUtc(
  date: { year: number; month: number; day: number; hour: number; minute: number },
  timeZone: string,
): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day, date.hour, date.minute);
  // Two passes settle the offset also right after a DST switch.
  let result = guess - offsetAt(guess, timeZone);
  result = guess - offsetAt(result, timeZone);
  return result;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let found = partsFormatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormatters.set(timeZone, found);
  }
  return found;
}

/** The offset of `timeZone` from UTC at instant `ms`, in milliseconds. */
export function offsetAt(ms: number, timeZone: string): number {
  const parts = partsFormatter(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The calendar date and time of instant `ms` in `timeZone`. */
export function zonedParts(ms: number, timeZone: string) {
  const local = ms + offsetAt(ms, timeZone);
  const date = new Date(local);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
  };
}

/** The local calendar day of instant `ms` in `timeZone`, as `YYYY-MM-DD`. */
export function localDay(ms: number, timeZone: string): string {
  const { year, month, day } = zonedParts(ms, timeZone);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${
    String(day).padStart(2, "0")
  }`;
}
