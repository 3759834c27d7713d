/**
 * What `import-legacy` prints: the figures of a plan, findings, and the
 * result. CLI output, in English like the other sub-commands.
 *
 * @module
 */
import type { Finding } from "./parse.ts";
import type { LegacySource } from "./folder.ts";
import type { ImportPlan, ImportResult } from "./import.ts";

/** Problems listed by name before "… and N more" (all of them with `--list-all`). */
export const PROBLEMS_SHOWN = 20;
/** Notes listed by name before "… and N more" (all of them with `--list-all`). */
export const NOTES_SHOWN = 10;

/** `count` with the word for it: "1 ticket", "2 tickets". */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "#1" for one ticket, "#1 to #8" for several. */
function idRange(first: number, last: number): string {
  return first === last ? `#${first}` : `#${first} to #${last}`;
}

/** The figures of a plan, one kind per line. */
export function describePlan(
  source: LegacySource,
  plan: ImportPlan,
  autoCloseHours: number,
): string[] {
  const c = plan.counts;
  const total = plan.tickets.length;
  const read = source.banFile
    ? `Read ${source.dataFile} and ${source.banFile}.`
    : `Read ${source.dataFile} (no banned.json).`;
  const already = plan.alreadyImported.length
    ? `; already imported, skipped: ${plan.alreadyImported.length}`
    : "";
  const ids = total
    ? [
      `Ticket ids: ${idRange(plan.tickets[0].ticket.id, plan.tickets[total - 1].ticket.id)}, ` +
      `in order of creation; the old ${
        total === 1 ? "id stays on the card" : "ids stay on the cards"
      }.`,
    ]
    : [];
  const due = c.autoCloseDue
    ? [
      `Auto-close: ${plural(c.autoCloseDue, "open ticket was", "open tickets were")} ` +
      `answered more than ${autoCloseHours} h ago; the bot closes ` +
      `${
        c.autoCloseDue === 1
          ? "it at its next start and tells its user"
          : "them at its next start and tells their users"
      }.`,
    ]
    : [];
  return [
    read,
    `Tickets: ${total} (new ${c.tickets.new}, in progress ${c.tickets.in_progress}, ` +
    `closed ${c.tickets.closed})${already}`,
    `Messages: ${c.messages}` +
    (c.mediaPlaceholders ? ` (${c.mediaPlaceholders} media the old bot did not keep)` : ""),
    `Users: ${c.usersNew} new, ${c.usersUpdated} updated; languages: en ${c.languages.en}, ` +
    `ru ${c.languages.ru}; feedback cooldowns: ${c.feedbackCooldowns}`,
    `Ratings: ${c.ratings[1] + c.ratings[2] + c.ratings[3]} (3 stars: ${c.ratings[3]}, ` +
    `2 stars: ${c.ratings[2]}, 1 star: ${c.ratings[1]})`,
    `Blocks: ${c.blocks}`,
    ...ids,
    ...due,
  ];
}

/**
 * A titled list of findings, the first `shown` of them; when some are left
 * out, a last line says how many and how to see them all.
 */
export function describeFindings(title: string, findings: Finding[], shown: number): string[] {
  if (findings.length === 0) return [];
  const lines = findings.slice(0, shown).map((f) => `  ${f.where}: ${f.reason}`);
  if (findings.length > shown) {
    lines.push(
      `  … and ${findings.length - shown} more (re-run with --list-all to list every one)`,
    );
  }
  return [`${title} (${findings.length}):`, ...lines];
}

/** The line after a successful import. */
export function describeResult(result: ImportResult, seconds: number): string {
  const range = result.firstId !== undefined && result.lastId !== undefined
    ? ` (${idRange(result.firstId, result.lastId)})`
    : "";
  return `Imported ${plural(result.tickets, "ticket", "tickets")}${range} and ` +
    `${plural(result.users, "user record", "user records")} ` +
    `in ${seconds.toFixed(1)} s (${plural(result.commits, "commit", "commits")}).`;
}
