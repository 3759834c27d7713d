/**
 * The sim behind a real HTTP server, for end-to-end tests of the bot process
 * (set TELEGRAM_API_ROOT / grammY's `apiRoot` to `url`). Serves
 * `{url}/bot<token>/<method>` and implements getUpdates long polling with
 * Telegram's offset semantics; every other method goes to the sim.
 *
 * Webhook mode, as strict as Telegram: once setWebhook is active, getUpdates
 * answers 409 and pushed updates are POSTed as JSON to the webhook with the
 * `X-Telegram-Bot-Api-Secret-Token` header (when a secret_token was
 * registered). Updates of one chat go one at a time, in order (Telegram's
 * per-chat queues); different chats go concurrently, up to max_connections.
 * Any non-2xx answer, network failure or timeout is retried with a growing
 * pause (the first retry at once), the update staying pending and holding back
 * the later updates of its chat; getWebhookInfo reports pending_update_count
 * and last_error_message. A 2xx answer whose JSON body names a `method` is
 * executed, as Telegram does with webhook replies. Tests cannot serve https,
 * so {@link FakeApiOptions.webhookTargets} maps the registered URL to local
 * http URLs; with several it alternates between them like a load balancer,
 * and retries a failed delivery on the next one.
 *
 * @example
 * ```ts
 * await using api = await startFakeApi(sim);
 * api.pushUpdate(command(user(1), "start"));
 * const sent = await api.waitForCall("sendMessage");
 * ```
 *
 * @module
 */

import type { Update } from "grammy/types";
import { BodyError, type Params, readParams } from "./http_body.ts";
import { type WebhookSettings, webhookSettings } from "./sim_methods.ts";
import type { FloodLimits } from "./sim_limits.ts";
import type { SimResponse, TelegramSim } from "./telegram_sim.ts";
import { findFileByPath, rememberCallbackQuery, rememberMessage } from "./world.ts";

/** A call the server received. */
export interface ReceivedCall {
  method: string;
  payload: Params;
  response: SimResponse;
}

/** One webhook request the fake sent (see {@link FakeApi.deliveries}). */
export interface WebhookAttempt {
  /** The local URL it went to. */
  target: string;
  update_id: number;
  /** The HTTP status answered; 0 for a network failure or a timeout. */
  status: number;
  /** For a failure: the text getWebhookInfo shows as last_error_message. */
  error?: string;
  /** The secret header sent (undefined when none was registered). */
  secret?: string;
  /** Date.now() when it was sent and when it was answered. */
  sentAt: number;
  answeredAt: number;
}

/** A running fake Bot API server. */
export interface FakeApi extends AsyncDisposable {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash), for TELEGRAM_API_ROOT. */
  url: string;
  /**
   * Queues an update: for getUpdates (wakes a waiting long poll), or, while a
   * webhook is set, for delivery to it.
   */
  pushUpdate(u: Update): void;
  /**
   * Resolves with the first call of `method` matching `predicate` that no
   * earlier waitForCall returned, including calls that already happened.
   */
  waitForCall(
    method: string,
    predicate?: (payload: Params) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedCall>;
  /** Highest offset the bot confirmed via getUpdates (0 before any). */
  acknowledgedOffset(): number;
  /** Updates not yet confirmed by the bot (by getUpdates' offset or a 2xx webhook answer). */
  pendingUpdates(): number;
  /** The webhook set now (undefined while none is). */
  webhook(): WebhookSettings | undefined;
  /** Every webhook request sent so far, in the order they were answered. */
  deliveries(): WebhookAttempt[];
  /** Resolves once no update is pending; rejects after `timeoutMs` (default 10 s). */
  waitForNoPending(timeoutMs?: number): Promise<void>;
  /** All calls received, in order. */
  received(): ReceivedCall[];
  /** Releases held long polls and stops the server. */
  close(): Promise<void>;
}

/** Options of {@link startFakeApi}. */
export interface FakeApiOptions {
  /** Accept only this bot token (others get 401 Unauthorized). */
  token?: string;
  /** Milliseconds to hold a call before answering it (a slow Telegram); 0 or undefined: none. */
  delay?: (method: string, payload: Params) => number | undefined;
  /**
   * Where webhook requests go: the local http URLs standing for the
   * registered https URL, e.g. `() => ["http://127.0.0.1:8081/tg/hook"]`.
   * Requests alternate between several (round robin); a failed one is retried
   * on the next. Without it (or with []) nothing is delivered: updates stay
   * pending, as with a webhook Telegram cannot reach.
   */
  webhookTargets?: (registeredUrl: string) => string[];
  /**
   * The pause before retrying an update that failed `failures` times
   * (Telegram: at once, then 2 s doubling up to a minute or two). Default, scaled
   * down for tests: 0, then 100 ms doubling up to 2 s.
   */
  webhookRetryDelay?: (failures: number) => number;
  /** Milliseconds a webhook request may take before it counts as failed (default 30 000). */
  webhookTimeoutMs?: number;
  /**
   * Telegram's flood limits (sim_limits.ts), enforced in front of the sim:
   * a call over a limit gets a 429 and never reaches the sim (none by default).
   */
  limits?: FloodLimits;
}

/** Telegram's per-chat queues: one update of a queue is sent at a time, in order. */
function deliveryQueue(u: Update): string {
  const m = u.message ?? u.edited_message ?? u.channel_post ?? u.edited_channel_post ??
    u.business_message ?? u.edited_business_message;
  if (m) return `chat ${m.chat.id}`;
  if (u.callback_query) return `callback ${u.callback_query.from.id}`;
  if (u.my_chat_member) return `my ${u.my_chat_member.chat.id}`;
  if (u.chat_member) return `member ${u.chat_member.new_chat_member.user.id}`;
  if (u.chat_join_request) return `member ${u.chat_join_request.from.id}`;
  return `update ${u.update_id}`;
}

/** The update's type: its one field besides update_id. */
const updateType = (u: Update) => Object.keys(u).find((k) => k !== "update_id") ?? "";

const defaultRetryDelay = (failures: number) =>
  failures <= 1 ? 0 : Math.min(2000, 100 * 2 ** (failures - 2));

/** Telegram's last_error_message for a request that got no HTTP answer. */
function networkError(error: unknown, timedOut: boolean): string {
  if (timedOut) return "Read timeout expired";
  const text = `${error} ${(error as Error)?.cause ?? ""}`;
  return /refused/i.test(text) ? "Connection refused" : "Webhook connection closed";
}

interface Waiter {
  matches(c: ReceivedCall): boolean;
  resolve(c: ReceivedCall): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Poll {
  wake(): void;
  conflict(description: string): void;
}

/** Delivery state of one pending update. */
interface Pending {
  failures: number;
  /** No retry before this Date.now(). */
  retryAt: number;
  /** Its first target's index (round robin); retry n goes to the n-th next. */
  first: number;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const failure = (error_code: number, description: string) => ({
  ok: false as const,
  error_code,
  description,
});

/** Starts the server on 127.0.0.1 with a free port. */
export async function startFakeApi(sim: TelegramSim, opts: FakeApiOptions = {}): Promise<FakeApi> {
  let queue: Update[] = [];
  let acked = 0;
  let closed = false;
  let held: Poll | undefined;
  // Webhook delivery.
  let hook: WebhookSettings | undefined;
  let lastError: { date: number; message: string } | undefined;
  let roundRobin = 0;
  const pending = new Map<number, Pending>();
  const sending = new Map<number, AbortController>();
  const inFlight = new Set<Promise<void>>();
  const retryTimers = new Set<ReturnType<typeof setTimeout>>();
  const attempts: WebhookAttempt[] = [];
  const log: (ReceivedCall & { consumed: boolean })[] = [];
  let waiters: Waiter[] = [];

  sim.pendingUpdateCount = () => queue.length;

  const note = (method: string, payload: Params, response: SimResponse) => {
    const entry = { method, payload, response, consumed: false };
    log.push(entry);
    const waiter = waiters.find((w) => w.matches(entry));
    if (waiter) {
      entry.consumed = true;
      waiters = waiters.filter((w) => w !== waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(entry);
    }
  };

  const answer = (method: string, payload: Params, response: SimResponse) => {
    note(method, payload, response);
    return json(response, response.ok ? 200 : response.error_code);
  };

  // Client disconnects are not watched (Deno's request.signal also fires after every
  // response); a poll the client gave up on just ends at its timeout or on close().
  async function getUpdates(payload: Params): Promise<Response> {
    const reply = (response: SimResponse) => {
      sim.record("getUpdates", payload, response);
      return answer("getUpdates", payload, response);
    };
    const fault = sim.takeFault("getUpdates", payload);
    if (fault) return reply({ ok: false, ...fault });
    if (sim.webhookUrl) {
      return reply(failure(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      ));
    }
    const offset = Number(payload.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(payload.limit ?? 100)));
    const timeout = Math.max(0, Number(payload.timeout ?? 0));
    if (offset > 0) {
      // Confirms (and forgets) every update below offset.
      queue = queue.filter((u) => u.update_id >= offset);
      acked = Math.max(acked, offset);
    } else if (offset < 0) {
      queue = queue.slice(offset);
    }
    if (queue.length === 0 && timeout > 0 && !closed) {
      // A second poller ends the first one, as Telegram does.
      held?.conflict(
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      );
      const outcome = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => done(undefined), timeout * 1000);
        const poll: Poll = { wake: () => done(undefined), conflict: (why) => done(why) };
        function done(conflict: string | undefined) {
          clearTimeout(timer);
          if (held === poll) held = undefined;
          resolve(conflict);
        }
        held = poll;
      });
      if (outcome !== undefined) return reply(failure(409, outcome));
    }
    return reply({ ok: true, result: structuredClone(queue.slice(0, limit)) });
  }

  async function handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (file) return download(file[1], file[2]);
    const route = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(path);
    if (!route) return json(failure(404, "Not Found"), 404);
    const [, token, method] = route;
    if (opts.token !== undefined && token !== opts.token) {
      return json(failure(401, "Unauthorized"), 401);
    }
    let payload: Params;
    try {
      payload = await readParams(req);
    } catch (e) {
      if (e instanceof BodyError) {
        return answer(method, {}, failure(400, `Bad Request: ${e.message}`));
      }
      throw e;
    }
    if (method.toLowerCase() === "getupdates") return await getUpdates(payload);
    const delay = opts.delay?.(method, payload);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const limited = opts.limits?.check(method, payload);
    if (limited) return answer(method, payload, limited);
    const response = await sim.call(method, payload);
    const name = method.toLowerCase();
    const drops = /^(deletewebhook|setwebhook)$/.test(name) &&
      payload.drop_pending_updates === true;
    if (response.ok && drops) {
      queue = [];
      pending.clear();
    }
    if (response.ok && (name === "setwebhook" || name === "deletewebhook")) {
      const was = hook;
      hook = name === "setwebhook" ? webhookSettings(payload) : undefined;
      if (was?.url !== hook?.url || was?.secretToken !== hook?.secretToken) lastError = undefined;
      // Telegram ends a waiting long poll when a webhook is set.
      if (hook) held?.conflict("Conflict: terminated by setWebhook request");
      pump();
    }
    if (response.ok && name === "getwebhookinfo" && lastError) {
      Object.assign(response.result as Record<string, unknown>, {
        last_error_date: lastError.date,
        last_error_message: lastError.message,
      });
    }
    return answer(method, payload, response);
  }

  /** Starts every delivery that may go now (see the module's comment). */
  function pump(): void {
    if (!hook || closed) return;
    const targets = opts.webhookTargets?.(hook.url) ?? [];
    if (targets.length === 0) return;
    // Telegram never queues an update of a type the webhook did not ask for.
    const allowed = new Set(hook.allowedUpdates);
    queue = queue.filter((u) => allowed.has(updateType(u)));
    const now = Date.now();
    const busy = new Set<string>();
    for (const u of queue) {
      if (sending.size >= hook.maxConnections) break;
      const key = deliveryQueue(u);
      if (busy.has(key)) continue; // an earlier update of its chat goes first
      busy.add(key);
      const state = pending.get(u.update_id);
      if (sending.has(u.update_id) || (state && state.retryAt > now)) continue;
      const run = deliver(u, hook, targets).finally(() => inFlight.delete(run));
      inFlight.add(run);
    }
  }

  async function deliver(u: Update, to: WebhookSettings, targets: string[]): Promise<void> {
    let state = pending.get(u.update_id);
    if (!state) pending.set(u.update_id, state = { failures: 0, retryAt: 0, first: roundRobin++ });
    const target = targets[(state.first + state.failures) % targets.length];
    const controller = new AbortController();
    sending.set(u.update_id, controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, opts.webhookTimeoutMs ?? 30_000);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (to.secretToken) headers["x-telegram-bot-api-secret-token"] = to.secretToken;
    const sentAt = Date.now();
    let status = 0;
    let error: string | undefined;
    let body = "";
    try {
      const res = await fetch(target, {
        method: "POST",
        headers,
        body: JSON.stringify(u),
        signal: controller.signal,
      });
      status = res.status;
      body = await res.text();
      if (!res.ok) error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } catch (e) {
      error = networkError(e, timedOut);
    } finally {
      clearTimeout(timer);
      sending.delete(u.update_id);
    }
    attempts.push({
      target,
      update_id: u.update_id,
      status,
      ...(error ? { error } : {}),
      ...(to.secretToken ? { secret: to.secretToken } : {}),
      sentAt,
      answeredAt: Date.now(),
    });
    if (closed) return;
    if (error === undefined) {
      queue = queue.filter((q) => q.update_id !== u.update_id);
      pending.delete(u.update_id);
      await webhookReply(body);
    } else {
      lastError = { date: Math.floor(Date.now() / 1000), message: error };
      state.failures++;
      const pause = (opts.webhookRetryDelay ?? defaultRetryDelay)(state.failures);
      state.retryAt = Date.now() + pause;
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        pump();
      }, pause);
      retryTimers.add(timer);
    }
    pump();
  }

  /** A method in a 2xx webhook answer is executed, as Telegram does (not get*, nor these). */
  async function webhookReply(body: string): Promise<void> {
    let reply: unknown;
    try {
      reply = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof reply !== "object" || reply === null) return;
    const { method, ...payload } = reply as Params;
    if (typeof method !== "string" || method === "") return;
    const name = method.toLowerCase();
    if (/^(get|setwebhook$|deletewebhook$|close$|logout$)/.test(name)) return;
    note(method, payload, await sim.call(method, payload));
  }

  function download(token: string, filePath: string): Response {
    if (opts.token !== undefined && token !== opts.token) {
      return json(failure(401, "Unauthorized"), 401);
    }
    const info = findFileByPath(filePath);
    if (!info) return json(failure(404, "Not Found"), 404);
    return new Response(new Uint8Array(Math.min(info.file_size ?? 1024, 20 * 1024 * 1024)));
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, handle);
  const addr = await listening.promise;

  const api: FakeApi = {
    url: `http://127.0.0.1:${addr.port}`,
    pushUpdate(u) {
      // Hand-built updates become known to the sim like factory-made ones.
      const m = u.message ?? u.edited_message ?? u.channel_post ?? u.edited_channel_post;
      if (m) rememberMessage(m);
      if (u.callback_query) rememberCallbackQuery(u.callback_query.id);
      queue = [...queue.filter((q) => q.update_id !== u.update_id), structuredClone(u)]
        .sort((a, b) => a.update_id - b.update_id);
      held?.wake();
      pump();
    },
    waitForCall(method, predicate, timeoutMs = 5000) {
      const name = method.toLowerCase();
      const matches = (c: ReceivedCall & { consumed?: boolean }) =>
        !c.consumed && c.method.toLowerCase() === name && (!predicate || predicate(c.payload));
      const seen = log.find(matches);
      if (seen) {
        seen.consumed = true;
        return Promise.resolve(seen);
      }
      if (closed) return Promise.reject(new Error("fake Bot API is closed"));
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          matches,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters = waiters.filter((w) => w !== waiter);
            const seenMethods = log.map((c) => c.method).join(", ") || "none";
            reject(
              new Error(`no ${method} call within ${timeoutMs} ms (calls seen: ${seenMethods})`),
            );
          }, timeoutMs),
        };
        waiters.push(waiter);
      });
    },
    acknowledgedOffset: () => acked,
    pendingUpdates: () => queue.length,
    webhook: () => hook && structuredClone(hook),
    deliveries: () => structuredClone(attempts),
    async waitForNoPending(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length > 0) {
        if (closed) throw new Error("fake Bot API is closed");
        if (Date.now() > deadline) {
          throw new Error(
            `${queue.length} update(s) still pending after ${timeoutMs} ms; last webhook error: ${
              lastError?.message ?? "none"
            }`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    received: () => log.map(({ method, payload, response }) => ({ method, payload, response })),
    async close() {
      if (closed) return;
      closed = true;
      held?.wake();
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error("fake Bot API closed while waiting"));
      }
      waiters = [];
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      for (const controller of sending.values()) controller.abort();
      await Promise.allSettled([...inFlight]);
      await server.shutdown();
      sim.pendingUpdateCount = () => 0;
    },
    [Symbol.asyncDispose]: () => api.close(),
  };
  return api;
}
