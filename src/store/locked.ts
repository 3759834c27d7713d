/**
 * Retrying store operations that met a lock held by another process.
 *
 * @module
 */

/**
 * Runs `task` again when the store file is locked by another process (SQLite
 * answers "database is locked" instead of waiting). Nothing was written then,
 * and version-checked writes stay exactly-once when retried.
 */
export async function whileLocked<T>(task: () => Promise<T>, attempts = 50): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= attempts || !/database is locked|busy/i.test(String(error))) throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(50, attempt * 5))
      );
    }
  }
}

/**
 * Commits `op`, again while another process holds the store file's lock. Every
 * write of the bot goes through here: two processes may share one store.
 */
export function commit(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  return whileLocked(() => op.commit());
}
