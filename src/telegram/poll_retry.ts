/**
 * Long polling through an outage. A getUpdates call that failed for a reason
 * that time mends (no answer, a 5xx, a 429, an answer that is not the Bot
 * API's) is tried again here, with pauses that stay short while the outage is
 * young (a network that comes back is noticed within seconds), never exceed a
 * minute, and end at once when the call is aborted: the runner aborts it on
 * stop.
 *
 * @grammyjs/runner retries getUpdates itself, but its pause doubles without a
 * cap (for up to 15 hours) on a timer that a stop cannot interrupt; with this
 * transformer underneath, the runner only sees what no retry mends (401, 409,
 * other 4xx answers) and the aborted calls of a stop. Every failed call is
 * logged here with what the server said (the runner itself runs silent).
 *
 * @module
 */
import type { Transformer } from "grammy";
import type { Logger } from "../log.ts";

/** The pause after the first failure; it doubles up to the cap in force. */
export const FIRST_PAUSE_MS = 1_000;
/** The cap while the outage is younger than {@link QUICK_PHASE_MS}. */
export const QUICK_PAUSE_MS = 5_000;
/** How long an outage counts as young. */
export const QUICK_PHASE_MS = 60_000;
/** The longest pause between two calls, like the start-up's (connect.ts). */
export const MAX_PAUSE_MS = 60_000;

/**
 * The call's abort signal. The runner's comes from a polyfill without
 * `reason` nor `throwIfAborted`, so only these are used.
 */
export type Stopping = Pick<AbortSignal, "aborted" | "addEventListener" | "removeEventListener">;

/** Options of {@link retryPolling}; `sleep` and `now` are replaceable in tests. */
export interface PollRetryOptions {
  /** Where each failure and the recovery are told. */
  log?: Logger;
  /** Waits `ms`; rejects as soon as `signal` is aborted. */
  sleep?: (ms: number, signal?: Stopping) => Promise<void>;
  now?: () => number;
}

/** The pause after `previous` (0 before the first), in an outage `outageMs` old. */
export function nextPollPause(previous: number, outageMs: number): number {
  if (previous <= 0) return FIRST_PAUSE_MS;
  return Math.min(previous * 2, outageMs < QUICK_PHASE_MS ? QUICK_PAUSE_MS : MAX_PAUSE_MS);
}

/** An API transformer that retries failed getUpdates calls until one is answered or aborted. */
export function retryPolling(options: PollRetryOptions = {}): Transformer {
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  return async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return await prev(method, payload, signal);
    const stopping = signal as Stopping | undefined;
    let since: number | undefined;
    let delay = 0;
    for (let attempt = 1;; attempt++) {
      let failure: unknown;
      let retryAfterMs = 0;
      try {
        const response = await prev(method, payload, signal);
        if (response.ok) {
          if (since !== undefined) {
            options.log?.info("Fetching updates works again", {
              attempts: attempt,
              outageSec: Math.round((now() - since) / 1000),
            });
          }
          return response;
        }
        if (!mendsWithTime(response.error_code)) {
          // The runner runs silent: say it here, in our log format, before handing it over.
          options.log?.warn("Fetching updates failed", { error: response });
          return response;
        }
        failure = response;
        retryAfterMs = (response.parameters?.retry_after ?? 0) * 1000;
      } catch (error) {
        if (stopping?.aborted) throw error;
        failure = error;
      }
      if (stopping?.aborted) throw aborted();
      since ??= now();
      delay = nextPollPause(delay, now() - since);
      const pause = Math.max(delay, retryAfterMs);
      options.log?.warn(
        `Fetching updates failed; trying again in ${Math.round(pause / 1000)} s`,
        { attempt, error: failure },
      );
      await sleep(pause, stopping);
    }
  };
}

/** 5xx, 429 and answers without an error code (a proxy's page): worth another try. */
function mendsWithTime(code: unknown): boolean {
  return typeof code !== "number" || code >= 500 || code === 429;
}

function aborted(): Error {
  return new DOMException("getUpdates was aborted", "AbortError");
}

/** A timer that an abort of `signal` ends at once, with an AbortError. */
export function abortableSleep(ms: number, signal?: Stopping): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
