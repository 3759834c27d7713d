/**
 * A lean fake Telegram behind an API transformer: answers every call at once
 * with a realistic result and counts calls per method. Deliberately much
 * cheaper than the strict test simulator, so the benchmark measures our code,
 * not the fake.
 *
 * @module
 */
import type { Transformer } from "grammy";

/** Calls seen by a {@link FakeApi}. */
export interface FakeApi {
  /** The transformer to install with `bot.api.config.use(...)`. */
  transformer: Transformer;
  /** Calls per method. */
  calls: Map<string, number>;
  /** All calls. */
  total(): number;
  /** Forgets the counts. */
  reset(): void;
}

/** Creates a fake Telegram whose results look like the real ones. */
export function createFakeApi(): FakeApi {
  const calls = new Map<string, number>();
  let nextMessageId = 1_000_000;
  const message = (payload: Record<string, unknown>) => ({
    message_id: nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number(payload.chat_id ?? 0), type: "private", first_name: "Chat" },
    text: typeof payload.text === "string" ? payload.text : undefined,
    caption: typeof payload.caption === "string" ? payload.caption : undefined,
  });
  const result = (method: string, payload: Record<string, unknown>): unknown => {
    if (method === "copyMessage") return { message_id: nextMessageId++ };
    if (method === "copyMessages" || method === "forwardMessages") {
      const ids = (payload.message_ids as number[] | undefined) ?? [];
      return ids.map(() => ({ message_id: nextMessageId++ }));
    }
    if (method === "sendMediaGroup") {
      const media = (payload.media as unknown[] | undefined) ?? [];
      return media.map(() => message(payload));
    }
    if (method.startsWith("send") || method === "forwardMessage") return message(payload);
    if (method.startsWith("editMessage")) {
      return payload.inline_message_id ? true : message(payload);
    }
    if (method === "getChat") {
      return { id: Number(payload.chat_id ?? 0), type: "private", first_name: "Chat" };
    }
    if (method === "getMyCommands") return [];
    return true;
  };
  const transformer: Transformer = (_prev, method, payload) => {
    calls.set(method, (calls.get(method) ?? 0) + 1);
    return Promise.resolve({
      ok: true,
      result: result(method, (payload ?? {}) as Record<string, unknown>),
    }) as never;
  };
  return {
    transformer,
    calls,
    total: () => [...calls.values()].reduce((sum, n) => sum + n, 0),
    reset: () => calls.clear(),
  };
}
