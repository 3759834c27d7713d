/**
 * Bounded retries of API calls that failed on the network (no answer from
 * Telegram at all). auto-retry handles 429 and 5xx answers; its own network
 * retry never gives up, which would hang a chat's updates (and the start-up)
 * for as long as the network is down, so it is turned off in favour of this.
 *
 * @module
 */
import { HttpError, type Transformer } from "grammy";

/** Options of {@link retryNetworkErrors}. */
export interface NetworkRetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** The pause before the second attempt; it doubles after each one. */
  firstDelayMs?: number;
}

/**
 * Retries a call that threw an HttpError, a few times with growing pauses.
 * getUpdates is left to the runner, which has its own retry loop.
 */
export function retryNetworkErrors(options: NetworkRetryOptions = {}): Transformer {
  const attempts = options.attempts ?? 3;
  const firstDelayMs = options.firstDelayMs ?? 1000;
  return async (prev, method, payload, signal) => {
    for (let attempt = 1;; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        const retry = error instanceof HttpError && attempt < attempts &&
          method !== "getUpdates" && !signal?.aborted;
        if (!retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, firstDelayMs * 2 ** (attempt - 1)));
      }
    }
  };
}
