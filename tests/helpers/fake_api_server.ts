/**
 * The sim behind a real HTTP server, for end-to-end tests of the bot process
 * (set TELEGRAM_API_ROOT / grammY's `apiRoot` to `url`). Serves
 * `{url}/bot<token>/<method>` and implements getUpdates long polling with
 * Telegram's offset semantics; every other method goes to the sim.
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
import type { SimResponse, TelegramSim } from "./telegram_sim.ts";
import { findFileByPath, rememberCallbackQuery, rememberMessage } from "./world.ts";

/** A call the server received. */
export interface ReceivedCall {
  method: string;
  payload: Params;
  response: SimResponse;
}

/** A running fake Bot API server. */
export interface FakeApi extends AsyncDisposable {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash), for TELEGRAM_API_ROOT. */
  url: string;
  /** Queues an update for getUpdates (wakes a waiting long poll). */
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
  /** Updates not yet confirmed by the bot. */
  pendingUpdates(): number;
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
}

interface Waiter {
  matches(c: ReceivedCall): boolean;
  resolve(c: ReceivedCall): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Poll {
  wake(): void;
  conflict(): void;
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
      held?.conflict();
      const outcome = await new Promise<"wake" | "conflict">((resolve) => {
        const timer = setTimeout(() => done("wake"), timeout * 1000);
        const poll: Poll = { wake: () => done("wake"), conflict: () => done("conflict") };
        function done(how: "wake" | "conflict") {
          clearTimeout(timer);
          if (held === poll) held = undefined;
          resolve(how);
        }
        held = poll;
      });
      if (outcome === "conflict") {
        return reply(failure(
          409,
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        ));
      }
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
    const response = await sim.call(method, payload);
    const drops = /^(deletewebhook|setwebhook)$/i.test(method) &&
      payload.drop_pending_updates === true;
    if (response.ok && drops) queue = [];
    return answer(method, payload, response);
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
      await server.shutdown();
      sim.pendingUpdateCount = () => 0;
    },
    [Symbol.asyncDispose]: () => api.close(),
  };
  return api;
}
