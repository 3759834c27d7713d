/**
 * Small helpers for work started early and awaited later.
 *
 * @module
 */

/**
 * Returns `promise`, marked as handled: a read started ahead (to overlap with a
 * commit) may end up not awaited when the commit fails, and its rejection must
 * not then count as unhandled. Awaiting the result still throws its error.
 *
 * @example
 * ```ts
 * const user = started(getUser(kv, ticket.userId)); // runs while the ticket is committed
 * await updateTicket(kv, ticket.id, close);
 * notify(await user);
 * ```
 */
export function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
