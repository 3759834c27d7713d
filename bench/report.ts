/**
 * Figures and their presentation: percentiles, rounding, the table.
 *
 * @module
 */

/** The `p`-th percentile (0..100) of `values`, nearest-rank. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** The median of `values`. */
export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

/** Rounds for display and for the JSON line. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A plain-text table with a header row; numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? "").length))
  );
  const line = (row: string[]) =>
    row.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])
    ).join("  ");
  return [
    line(header),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}

/** A short description of the machine the run happened on. */
export function machine(): string {
  const cpus = navigator.hardwareConcurrency;
  let model = "";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? "";
  } catch {
    // not Linux
  }
  const memGb = Deno.systemMemoryInfo().total / 1_073_741_824;
  return `${Deno.build.os}/${Deno.build.arch}, ${cpus} CPU${cpus === 1 ? "" : "s"}${
    model ? ` (${model})` : ""
  }, ${memGb.toFixed(0)} GB RAM, Deno ${Deno.version.deno}, V8 ${Deno.version.v8}`;
}
