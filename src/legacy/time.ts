/**
 * The Python bot's timestamps: `datetime.isoformat()` strings, with an offset
 * when its TIMEZONE was set (`2025-11-08T12:00:00.123456+03:00`), else naive
 * local times, which we read in our TIMEZONE.
 *
 * @module
 */
import { zonedTimeToUtc } from "../time.ts";

/** A parsed legacy timestamp; `naive` when it had no UTC offset. */
export interface LegacyTime {
  ms: number;
  naive: boolean;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads an ISO 8601 time as Python writes it (`T` or space, optional seconds
 * and fraction, `Z` or `±HH:MM` or none); a time without an offset is a wall
 * clock time in `timeZone`. Returns null for anything else, an impossible
 * date, or a year below 100 (`0019-…`: a two-digit year padded, which
 * `Date.UTC` would read as 1919).
 */
export function parseLegacyTime(value: string, timeZone: string): LegacyTime | null {
  const match = ISO.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = match;
  const date = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
  };
  const second = Number(s);
  if (!validDate(date) || date.hour > 23 || date.minute > 59 || second > 59) return null;
  const extra = second * 1000 + Number(fraction.slice(0, 3).padEnd(3, "0"));
  if (!zone) return { ms: zonedTimeToUtc(date, timeZone) + extra, naive: true };
  const utc = Date.UTC(date.year, date.month - 1, date.day, date.hour, date.minute) + extra;
  return { ms: utc - offsetMs(zone), naive: false };
}

function validDate(date: { year: number; month: number; day: number }): boolean {
  if (date.year < 100) return false;
  const probe = new Date(Date.UTC(date.year, date.month - 1, date.day));
  return probe.getUTCMonth() === date.month - 1 && probe.getUTCDate() === date.day;
}

function offsetMs(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
  return (zone[0] === "-" ? -1 : 1) * minutes * 60_000;
}
