/**
 * Sub-commands `backup` and `restore`. Placeholder until the jobs issue.
 *
 * @module
 */
import type { BotDeps } from "./bot/context.ts";

/** Runs a sub-command; returns the exit code. */
export function runCli(
  command: string,
  _args: string[],
  _deps: Omit<BotDeps, "alerts">,
): Promise<number> {
  console.error(`'${command}' is not available yet.`);
  return Promise.resolve(1);
}
