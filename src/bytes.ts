/**
 * Sizes for people: `12.3 MB`, `12,3 МБ`. The units are locale keys
 * (`size-*`), so they are translated like every other text.
 *
 * @module
 */

const UNITS = ["size-b", "size-kb", "size-mb", "size-gb"] as const;

/** A translator bound to the reader's locale (`ctx.t`, or `i18n.t` with the locale fixed). */
type Translate = (key: string, args?: Record<string, string | number>) => string;

/** `bytes` in the largest unit under 1024, with one decimal from KB on. */
export function formatBytes(bytes: number, t: Translate): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return t(UNITS[unit], { value: unit === 0 ? value : Math.round(value * 10) / 10 });
}
