/**
 * A {@link CliOutput} that keeps what a sub-command prints, for assertions.
 *
 * @module
 */
import type { CliOutput } from "../../src/cli.ts";

/** The lines printed to stdout (`out`) and stderr (`err`), and the output that collects them. */
export function capture(): { out: string[]; err: string[]; output: CliOutput } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}
