/**
 * The fake Bot API's webhook mode (fake_api_server.ts) against tiny receivers
 * served with Deno.serve: setWebhook checked like Telegram, the secret header,
 * retries of non-2xx answers and network failures, order per chat, the
 * connection limit, round robin over several targets, 409 for getUpdates.
 */
import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { type FakeApi, startFakeApi } from "../helpers/fake_api_server.ts";
import { FloodLimits } from "../helpers/sim_limits.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import { callback, privateText, user } from "../helpers/updates.ts";

const TOKEN = "123:TEST";
const HOOK = "https://bot.example.com/tg/hook";
const SECRET = "s3cret_-Token";

// Raw Bot API JSON, read field by field in the assertions.
// deno-lint-ignore no-explicit-any
type ApiJson = any;

async function call(api: FakeApi, method: string, body: unknown = {}) {
  const res = await fetch(`${api.url}/bot${TOKEN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() as ApiJson };
}

/** A request the receiver got. */
interface Got {
  update: Update;
  secret: string | null;
}

/** A webhook receiver on a free port; `answer` decides the response (default 200). */
function receiver(
  answer: (got: Got, index: number) => Response | Promise<Response> = () => new Response("ok"),
) {
  const got: Got[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const entry = {
      update: await req.json() as Update,
      secret: req.headers.get("x-telegram-bot-api-secret-token"),
    };
    got.push(entry);
    return await answer(entry, got.length - 1);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/tg/hook`,
    got,
    ids: () => got.map((g) => g.update.update_id),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function until(test: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const setHook = (api: FakeApi, extra: Record<string, unknown> = {}) =>
  call(api, "setWebhook", {
    url: HOOK,
    secret_token: SECRET,
    allowed_updates: ["message", "callback_query"],
    ...extra,
  });

Deno.test("fake webhook: setWebhook is checked like Telegram", async () => {
  const refused = async (params: Record<string, unknown>, description: string) => {
    const sim = new TelegramSim();
    const answer = await sim.call("setWebhook", params);
    assert.deepEqual(answer, { ok: false, error_code: 400, description }, JSON.stringify(params));
    assert.equal(sim.webhookUrl, "");
  };
  await refused(
    { url: "http://bot.example.com/tg/hook" },
    "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
  );
  await refused(
    { url: "https://bot.example.com:8080/tg/hook" },
    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
  );
  await refused({ url: "not a url" }, "Bad Request: invalid webhook URL specified");
  await refused(
    { url: HOOK, secret_token: "has space" },
    "Bad Request: secret token contains unallowed characters",
  );
  await refused(
    { url: HOOK, secret_token: "x".repeat(257) },
    "Bad Request: secret token is too long",
  );
  await refused(
    { url: HOOK, allowed_updates: '"message"' },
    "Bad Request: allowed_updates must be a JSON array of update types (the sim's check)",
  );
  await refused(
    { url: HOOK, allowed_updates: ["message", "messages"] },
    `Bad Request: unknown update type "messages" in allowed_updates (the sim's check)`,
  );

  const sim = new TelegramSim();
  assert.deepEqual(
    await sim.call("setWebhook", {
      url: HOOK,
      secret_token: "x".repeat(256),
      allowed_updates: JSON.stringify(["message"]),
    }),
    { ok: true, result: true },
  );
  assert.equal(sim.webhookUrl, HOOK);
  const info = await sim.call("getWebhookInfo");
  assert.ok(info.ok);
  assert.deepEqual(info.result, {
    url: HOOK,
    has_custom_certificate: false,
    pending_update_count: 0,
    max_connections: 40,
    ip_address: "127.0.0.1",
    allowed_updates: ["message"],
  });
  // One setWebhook with a URL per second: another process of the bot cannot know.
  const again = await sim.call("setWebhook", { url: HOOK });
  assert.deepEqual(again, {
    ok: false,
    error_code: 429,
    description: "Too Many Requests: retry after 1",
    parameters: { retry_after: 1 },
  });
  assert.deepEqual(sim.unexpectedErrors(), []);
  // Removing it is not limited; an empty URL removes it too.
  assert.deepEqual(await sim.call("deleteWebhook"), { ok: true, result: true });
  assert.equal(sim.webhookUrl, "");
});

Deno.test("fake webhook: updates are POSTed with the secret header, getUpdates gets 409", async () => {
  await using hook = receiver();
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN, webhookTargets: () => [hook.url] });
  const alice = user(701);
  const early = privateText(alice, "before the webhook");
  api.pushUpdate(early);

  const set = await setHook(api);
  assert.deepEqual(set.json, { ok: true, result: true });
  assert.equal(api.webhook()?.secretToken, SECRET);
  const later = [privateText(alice, "one"), callback(alice, "data:1")];
  for (const u of later) api.pushUpdate(u);
  await api.waitForNoPending();

  // A chat's messages and a user's button presses are separate queues: no order between them.
  assert.deepEqual(hook.ids().sort(), [early, ...later].map((u) => u.update_id));
  assert.ok(hook.ids().indexOf(early.update_id) < hook.ids().indexOf(later[0].update_id));
  assert.ok(hook.got.every((g) => g.secret === SECRET));
  assert.deepEqual(
    hook.got.find((g) => g.update.update_id === later[0].update_id)?.update,
    later[0],
  );
  assert.deepEqual(
    api.deliveries().map((d) => [d.target, d.update_id, d.status, d.secret])
      .sort((a, b) => Number(a[1]) - Number(b[1])),
    [early, ...later].map((u) => [hook.url, u.update_id, 200, SECRET]),
  );

  const polled = await call(api, "getUpdates", { timeout: 0 });
  assert.equal(polled.status, 409);
  assert.equal(
    polled.json.description,
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  );
  sim.allowErrors((e) => e.method === "getUpdates" && e.error.error_code === 409);
  const info = await call(api, "getWebhookInfo");
  assert.equal(info.json.result.url, HOOK);
  assert.equal(info.json.result.pending_update_count, 0);
  assert.equal(info.json.result.last_error_message, undefined);
  assert.deepEqual(sim.unexpectedErrors(), []);
});

Deno.test("fake webhook: a non-2xx answer is retried with growing pauses; the chat's later updates wait", async () => {
  const failing = new Set<number>();
  await using hook = receiver(({ update }) =>
    failing.has(update.update_id)
      ? new Response("down", { status: 500 })
      : new Response(null, { status: 204 })
  );
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, {
    token: TOKEN,
    webhookTargets: () => [hook.url],
    webhookRetryDelay: (n) => n <= 1 ? 0 : 150 * 2 ** (n - 2),
  });
  await setHook(api);
  const alice = user(711);
  const bob = user(712);
  const a1 = privateText(alice, "a1");
  const a2 = privateText(alice, "a2");
  const b1 = privateText(bob, "b1");
  failing.add(a1.update_id);
  for (const u of [a1, a2, b1]) api.pushUpdate(u);

  // Bob's chat is not held back by Alice's failing update; Alice's second waits.
  await until(() => hook.ids().includes(b1.update_id), "b1");
  await until(
    () => hook.ids().filter((id) => id === a1.update_id).length >= 3,
    "three tries of a1",
  );
  assert.ok(!hook.ids().includes(a2.update_id), "a2 waits for a1");
  const info = await call(api, "getWebhookInfo");
  assert.equal(info.json.result.pending_update_count, 2);
  assert.equal(
    info.json.result.last_error_message,
    "Wrong response from the webhook: 500 Internal Server Error",
  );
  assert.equal(typeof info.json.result.last_error_date, "number");

  failing.clear();
  await api.waitForNoPending();
  const ids = hook.ids();
  assert.deepEqual(ids.filter((id) => id !== b1.update_id).slice(-2), [a1.update_id, a2.update_id]);
  assert.equal(ids.filter((id) => id === a2.update_id).length, 1);
  // The first retry at once, then growing pauses.
  const tries = api.deliveries().filter((d) => d.update_id === a1.update_id);
  assert.ok(tries.length >= 4, `tries: ${tries.length}`);
  const gaps = tries.slice(1).map((t, i) => t.sentAt - tries[i].answeredAt);
  assert.ok(gaps[1] >= 140 && gaps[2] >= 290, `gaps ${gaps}`);
  assert.deepEqual(
    tries.map((t) => t.status),
    [...tries.slice(0, -1).map(() => 500), 204],
  );
});

Deno.test("fake webhook: a receiver with another secret answers 401 and the update stays pending", async () => {
  await using hook = receiver(({ secret }) =>
    new Response(null, { status: secret === "other" ? 200 : 401 })
  );
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN, webhookTargets: () => [hook.url] });
  await setHook(api);
  api.pushUpdate(privateText(user(721), "hi"));
  await until(() => hook.got.length >= 2, "a retry");
  assert.equal(api.pendingUpdates(), 1);
  const info = await call(api, "getWebhookInfo");
  assert.equal(
    info.json.result.last_error_message,
    "Wrong response from the webhook: 401 Unauthorized",
  );
});

Deno.test("fake webhook: round robin over two targets; a failure is retried on the other", async () => {
  await using first = receiver();
  await using second = receiver();
  const down = `http://127.0.0.1:${closedPort()}/tg/hook`;
  const sim = new TelegramSim();
  let targets = [first.url, second.url];
  await using api = await startFakeApi(sim, { token: TOKEN, webhookTargets: () => targets });
  await setHook(api);
  const updates = Array.from({ length: 6 }, (_, i) => privateText(user(730 + i), `m${i}`));
  for (const u of updates) api.pushUpdate(u);
  await api.waitForNoPending();
  assert.equal(first.got.length, 3);
  assert.equal(second.got.length, 3);

  // One target down: every update it got is retried on the next one.
  targets = [down, first.url];
  const more = Array.from({ length: 4 }, (_, i) => privateText(user(740 + i), `n${i}`));
  for (const u of more) api.pushUpdate(u);
  await api.waitForNoPending();
  const tries = api.deliveries().slice(6);
  const failed = tries.filter((t) => t.status === 0);
  assert.ok(failed.length >= 1 && failed.every((t) => t.target === down));
  assert.ok(failed.every((t) => t.error === "Connection refused"), JSON.stringify(failed));
  for (const t of failed) {
    const next = tries.find((x) => x.update_id === t.update_id && x.sentAt >= t.answeredAt);
    assert.equal(next?.target, first.url);
  }
  assert.deepEqual(
    first.ids().slice(3).sort(),
    more.map((u) => u.update_id).sort(),
  );
});

Deno.test("fake webhook: at most max_connections at once, one per chat", async () => {
  let open = 0;
  let most = 0;
  const openChats = new Set<number>();
  let overlap = false;
  await using hook = receiver(async ({ update }) => {
    const chat = update.message!.chat.id;
    if (openChats.has(chat)) overlap = true;
    openChats.add(chat);
    most = Math.max(most, ++open);
    await new Promise((resolve) => setTimeout(resolve, 30));
    open--;
    openChats.delete(chat);
    return new Response("ok");
  });
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN, webhookTargets: () => [hook.url] });
  await setHook(api, { max_connections: 3 });
  const users = [751, 752, 753, 754, 755].map((id) => user(id));
  const updates = [0, 1, 2].flatMap((round) => users.map((u) => privateText(u, `r${round}`)));
  for (const u of updates) api.pushUpdate(u);
  await api.waitForNoPending();
  assert.equal(most, 3);
  assert.equal(overlap, false);
  for (const u of users) {
    const texts = hook.got.filter((g) => g.update.message!.chat.id === u.id)
      .map((g) => g.update.message!.text);
    assert.deepEqual(texts, ["r0", "r1", "r2"]);
  }
});

Deno.test("fake webhook: a method in the answer is executed; types not asked for are not sent", async () => {
  const alice = user(761);
  await using hook = receiver(({ update }) =>
    Response.json({ method: "sendMessage", chat_id: update.message!.chat.id, text: "pong" })
  );
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN, webhookTargets: () => [hook.url] });
  await setHook(api, { allowed_updates: ["message"] });
  api.pushUpdate(callback(alice, "ignored"));
  api.pushUpdate(privateText(alice, "ping"));
  await api.waitForNoPending();
  await api.waitForCall("sendMessage");
  assert.deepEqual(sim.textsTo(alice.id), ["pong"]);
  assert.equal(hook.got.length, 1);
  assert.equal(hook.got[0].update.message?.text, "ping");
});

Deno.test("fake webhook: setWebhook ends a waiting long poll; deleteWebhook keeps pending updates", async () => {
  const sim = new TelegramSim();
  // No target: Telegram cannot reach the webhook, the update stays pending.
  await using api = await startFakeApi(sim, { token: TOKEN });
  const polling = call(api, "getUpdates", { timeout: 10 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await setHook(api);
  const ended = await polling;
  assert.equal(ended.status, 409);
  assert.equal(ended.json.description, "Conflict: terminated by setWebhook request");
  sim.allowErrors((e) => e.method === "getUpdates" && e.error.error_code === 409);

  const u = privateText(user(771), "kept");
  api.pushUpdate(u);
  assert.equal((await call(api, "getWebhookInfo")).json.result.pending_update_count, 1);
  assert.deepEqual((await call(api, "deleteWebhook")).json, { ok: true, result: true });
  assert.equal(api.webhook(), undefined);
  const polled = await call(api, "getUpdates", { timeout: 0 });
  assert.deepEqual(polled.json.result.map((x: Update) => x.update_id), [u.update_id]);
  assert.deepEqual(api.deliveries(), []);
  assert.deepEqual(sim.unexpectedErrors(), []);
});

Deno.test("fake api: flood limits answer 429 in front of the sim", async () => {
  const sim = new TelegramSim();
  const limits = new FloodLimits(1);
  await using api = await startFakeApi(sim, { token: TOKEN, limits });
  const alice = user(781);
  api.pushUpdate(privateText(alice, "hi"));
  const answers = [];
  for (let i = 0; i < 4; i++) {
    answers.push(await call(api, "sendMessage", { chat_id: alice.id, text: `m${i}` }));
  }
  // A burst of three passes in a private chat; the fourth gets Telegram's 429.
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 429]);
  assert.equal(answers[3].json.parameters.retry_after, 1);
  assert.deepEqual(sim.textsTo(alice.id), ["m0", "m1", "m2"]);
  assert.deepEqual(limits.limited, [{ chatId: alice.id, method: "sendMessage" }]);
  assert.deepEqual(sim.unexpectedErrors(), []);
});
