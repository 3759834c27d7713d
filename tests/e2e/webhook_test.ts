/**
 * Webhook mode end to end: two real bot processes (`main.ts`) on one
 * DATA_DIR, each on its own PORT with the same WEBHOOK_URL and
 * WEBHOOK_SECRET, behind a fake Telegram that delivers by webhook (the secret
 * header, retries of non-2xx answers) alternating between them, as a load
 * balancer would. Relies only on PRODUCT.md: "Webhook mode and several
 * processes".
 */
import assert from "node:assert/strict";
import type { Update, User } from "grammy/types";
import { startFakeApi, type WebhookAttempt } from "../helpers/fake_api_server.ts";
import { FloodLimits } from "../helpers/sim_limits.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import * as make from "../helpers/updates.ts";
import { opts, type Sent, sentSince, sleep, TOKEN, until } from "./harness.ts";
import { botEnv, type BotProcess, freePort, killBot, runBot, startBot } from "./process.ts";

const AGENT = 1001;
const HOOK = "https://bot.example.com/tg/hook";
const SECRET = "e2e_Webhook-secret_42";
const CUSTOMERS = 20;
const PER_CUSTOMER = 3;
const TICKET = /#(\d+)(?!\d)/g;
/** TELEGRAM_RATE_SCALE of the processes, and the scale of the fake's flood limits. */
const RATE_SCALE = 20;

/** A customer's n-th message: unique, long enough to open a ticket. */
const text = (customer: number, n: number) => `Customer ${customer} writes message ${n} (webhook)`;

/** The ticket ids a message to the agent names. */
const ticketIds = (s: Sent) => [...s.text.matchAll(TICKET)].map((m) => Number(m[1]));

/**
 * A proxy in front of a bot process that forwards every request and answers
 * 502 instead of the bot's 200 for the updates `fail` picks: the bot stored
 * them, Telegram believes they failed and sends them again (to the next
 * process). A bot that is gone is a 502 too.
 */
function flakyProxy(target: string, fail: (update: Update) => boolean) {
  const forced: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    let res: Response;
    try {
      res = await fetch(target, { method: req.method, headers: req.headers, body });
    } catch {
      return new Response("bad gateway", { status: 502 });
    }
    const answer = await res.text();
    const update = JSON.parse(body) as Update;
    if (res.ok && fail(update)) {
      forced.push(update.update_id);
      return new Response("bad gateway", { status: 502 });
    }
    return new Response(answer, { status: res.status, headers: res.headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}${new URL(HOOK).pathname}`,
    forced,
    close: () => server.shutdown(),
  };
}

/** The status of GET /healthz on a port (0: nothing answers). */
async function health(port: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

/** POSTs an update to a bot process as Telegram would (or with another secret header). */
async function post(url: string, update: Update, secret?: string): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }),
    },
    body: JSON.stringify(update),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test(
  "webhook: two processes on one store behind a load balancer; each message reaches the agent once",
  opts,
  async (t) => {
    const sim = new TelegramSim();
    const dataDir = await Deno.makeTempDir({ prefix: "desk_e2e_webhook_" });
    const ports = [freePort(), freePort()];
    const path = new URL(HOOK).pathname;
    const direct = ports.map((port) => `http://127.0.0.1:${port}${path}`);
    // Every third update process A stored is answered 502 on its way back: Telegram sends it again.
    let storedByA = 0;
    let failSome = true;
    const proxy = flakyProxy(direct[0], () => failSome && ++storedByA % 3 === 0);
    let targets = [proxy.url, direct[1]];
    // A slow Telegram keeps the handling of updates in flight (for the SIGTERM step).
    let slow = false;
    // Telegram's flood limits (scaled like the bot's pace): a call over them gets a 429.
    const flood = new FloodLimits(RATE_SCALE);
    const api = await startFakeApi(sim, {
      token: TOKEN,
      limits: flood,
      webhookTargets: (url) => url === HOOK ? targets : [],
      delay: (method) => slow && !/webhook|getupdates/i.test(method) ? 250 : undefined,
    });
    const bots: BotProcess[] = [];
    const exited = new Set<BotProcess>();
    const output = () =>
      bots.map((b, i) => `--- process ${"AB"[i]}:\n${b.output().slice(-3000)}`).join("\n");
    const customers: User[] = Array.from(
      { length: CUSTOMERS },
      (_, i) => make.user(6001 + i, { first_name: `Cust${i + 1}`, language_code: "en" }),
    );
    const env = (port: number) =>
      botEnv(api.url, dataDir, TOKEN, {
        WEBHOOK_URL: HOOK,
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        // Telegram's pace into the agent's chat, sped up: the test is about delivery.
        TELEGRAM_RATE_SCALE: String(RATE_SCALE),
      });
    /** Messages to the agent containing `needle`. */
    const toAgent = (needle: string) =>
      sentSince(sim, AGENT).filter((s) => s.text.includes(needle));
    const waitAllDelivered = async (texts: string[], what: string) =>
      await until(
        () => texts.every((x) => toAgent(x).length > 0),
        40_000,
        () =>
          `${what}: missing at the agent: ${
            texts.filter((x) => toAgent(x).length === 0).slice(0, 5).join(" | ")
          }; pending ${api.pendingUpdates()}, deliveries ${api.deliveries().length}\n${output()}`,
      );

    try {
      await t.step("both processes start in webhook mode and answer /healthz", async () => {
        for (const port of ports) {
          const bot = startBot(env(port));
          bot.finished.then(() => exited.add(bot));
          bots.push(bot);
        }
        for (const port of ports) {
          const deadline = Date.now() + 40_000;
          while (await health(port) !== 200) {
            if (Date.now() > deadline || exited.size > 0) {
              throw new Error(`GET /healthz on ${port} never answered 200\n${output()}`);
            }
            await sleep(100);
          }
        }
        await until(() => api.webhook() !== undefined, 10_000, () => `setWebhook\n${output()}`);
        const sets = sim.callsTo("setWebhook").filter((c) => c.response.ok);
        assert.ok(sets.length >= 1);
        for (const c of sets) {
          assert.equal(c.payload.url, HOOK);
          assert.equal(c.payload.secret_token, SECRET);
          const allowed = typeof c.payload.allowed_updates === "string"
            ? JSON.parse(c.payload.allowed_updates)
            : c.payload.allowed_updates;
          assert.ok(Array.isArray(allowed) && allowed.includes("message"), String(allowed));
        }
        assert.deepEqual(api.webhook()?.secretToken, SECRET);
        // One heartbeat per process: healthcheck counts both.
        const check = await runBot(env(ports[0]), ["healthcheck"]);
        assert.equal(check.code, 0, check.output);
        assert.match(check.output, /\b2 processes alive\b/);
      });

      await t.step(
        "20 customers × 3 messages at once: each reaches the agent once, under one #id per customer",
        async () => {
          const updates: Update[] = [];
          for (let n = 1; n <= PER_CUSTOMER; n++) {
            customers.forEach((c, i) => updates.push(make.privateText(c, text(i + 1, n))));
          }
          for (const u of updates) api.pushUpdate(u);
          const texts = customers.flatMap((_, i) =>
            Array.from({ length: PER_CUSTOMER }, (_, n) => text(i + 1, n + 1))
          );
          await waitAllDelivered(texts, "the burst");
          await api.waitForNoPending(20_000);
          // Late duplicates would come after the first copies.
          await sleep(1500);

          const ticketOf = new Map<number, number>();
          customers.forEach((_, i) => {
            const ids = new Set<number>();
            for (let n = 1; n <= PER_CUSTOMER; n++) {
              const copies = toAgent(text(i + 1, n));
              assert.equal(copies.length, 1, `${text(i + 1, n)}: ${copies.length} copies`);
              const named = ticketIds(copies[0]);
              assert.equal(
                new Set(named).size,
                1,
                `one #id with ${JSON.stringify(copies[0].text)}`,
              );
              ids.add(named[0]);
            }
            assert.equal(ids.size, 1, `customer ${i + 1}: tickets ${[...ids]}`);
            ticketOf.set(i + 1, [...ids][0]);
          });
          assert.deepEqual(
            [...ticketOf.values()].sort((a, b) => a - b),
            Array.from({ length: CUSTOMERS }, (_, i) => i + 1),
            "ticket ids unique across customers, 1..20",
          );

          // Delivered as Telegram does: to both processes, with the secret, some twice.
          const ok = api.deliveries().filter((d) => d.status === 200);
          const byTarget = (url: string) => ok.filter((d) => d.target === url).length;
          assert.ok(
            byTarget(proxy.url) > 0 && byTarget(direct[1]) > 0,
            "both processes got updates",
          );
          assert.ok(api.deliveries().every((d: WebhookAttempt) => d.secret === SECRET));
          assert.ok(proxy.forced.length > 0, "some updates were sent again after a 502");
          for (const id of proxy.forced) {
            assert.ok(
              ok.some((d) => d.update_id === id && d.target === direct[1]),
              `update ${id} was re-sent to the other process`,
            );
          }
          assert.deepEqual(sim.callsTo("getUpdates"), [], "no getUpdates in webhook mode");
          assert.deepEqual(sim.callsTo("deleteWebhook"), []);
        },
      );

      // Known gaps (issue 19 note): per-chat order and pacing are kept within one process
      // only. The two steps stay here, ignored, until a per-chat lease in the store lands.
      await t.step({
        name: "each customer's messages reach the agent in order",
        ignore: true,
        fn: () => {
          // PRODUCT.md: "each customer's messages reach the agents in order". Telegram sends
          // one chat's updates one at a time, each after the previous one's 200.
          const stream = sentSince(sim, AGENT).map((s) => s.text).join("\n");
          const disordered = customers.flatMap((_, i) => {
            const at = Array.from(
              { length: PER_CUSTOMER },
              (_, n) => stream.indexOf(text(i + 1, n + 1)),
            );
            return at.every((x, n) => n === 0 || x > at[n - 1]) ? [] : [
              `customer ${i + 1}: messages in the order ${
                at.map((x, n) => [x, n + 1]).sort((a, b) => a[0] - b[0]).map(([, n]) => n).join(
                  ", ",
                )
              }`,
            ];
          });
          assert.deepEqual(disordered, []);
        },
      });

      await t.step({
        name: "the two processes together keep within Telegram's limits (no 429)",
        ignore: true,
        fn: () => {
          // PRODUCT.md: "outgoing messages are paced per chat and overall, instead of being
          // fired until Telegram answers 429". The limits are the bot's, not each process's.
          const byChat = new Map<number, number>();
          for (const { chatId } of flood.limited) byChat.set(chatId, (byChat.get(chatId) ?? 0) + 1);
          assert.deepEqual(Object.fromEntries(byChat), {}, "429s given, by chat");
        },
      });

      await t.step(
        "a missing or wrong secret gets 401 and nothing is stored or handled",
        async () => {
          const stranger = make.user(6101, { first_name: "Mallory", language_code: "en" });
          const forged = make.privateText(stranger, "Forged update that must not be handled");
          for (const url of direct) {
            assert.equal(await post(url, forged), 401);
            assert.equal(await post(url, forged, "wrong_secret"), 401);
          }
          await sleep(2500);
          assert.deepEqual(toAgent("Forged update"), []);
          assert.deepEqual(sentSince(sim, stranger.id), [], "the sender got nothing either");
          // Nothing was stored under its id: the genuine delivery of it is handled.
          api.pushUpdate(forged);
          await waitAllDelivered(["Forged update that must not be handled"], "the genuine update");
        },
      );

      await t.step("the same update POSTed twice with the secret is handled once", async () => {
        const again = make.privateText(customers[0], "Sent twice by Telegram, handled once");
        assert.equal(await post(direct[0], again, SECRET), 200);
        assert.equal(await post(direct[1], again, SECRET), 200);
        assert.equal(await post(direct[0], again, SECRET), 200);
        await waitAllDelivered(["Sent twice by Telegram"], "the repeated update");
        await sleep(1500);
        assert.equal(toAgent("Sent twice by Telegram").length, 1);
      });

      await t.step("SIGTERM stops a process cleanly while requests are in flight", async () => {
        failSome = false;
        slow = true;
        const before = api.deliveries().length;
        const updates = customers.map((c, i) =>
          make.privateText(c, `Customer ${i + 1} writes during the shutdown`)
        );
        const textOf = new Map(updates.map((u) => [u.update_id, u.message!.text!]));
        for (const u of updates) api.pushUpdate(u);
        // Process A took (stored) some of them and is handling them, slowly.
        const takenByA = () =>
          api.deliveries().slice(before)
            .filter((d) => d.target === proxy.url && d.status === 200)
            .map((d) => textOf.get(d.update_id)!);
        await until(() => takenByA().length >= 3, 10_000, () => `deliveries to A\n${output()}`);
        const inFlight = takenByA().filter((x) => toAgent(x).length === 0);
        assert.ok(inFlight.length > 0, "A has updates in flight");
        bots[0].child.kill("SIGTERM");
        const { code, output: out } = await bots[0].finished;
        assert.equal(code, 0, out.slice(-3000));
        slow = false;
        // The balancer notices: process B alone takes what is left.
        targets = [direct[1]];
        const texts = updates.map((u) => u.message!.text!);
        await waitAllDelivered(texts, "the messages sent during the shutdown");
        await api.waitForNoPending(20_000);
        await sleep(1500);
        // Those A was handling at the signal included: A finished them or B took them up.
        for (const x of texts) assert.equal(toAgent(x).length, 1, `${x}: exactly once`);
        assert.deepEqual(sim.unexpectedErrors(), [], "the bot provoked no Bot API error");
        bots[1].child.kill("SIGTERM");
        assert.equal((await bots[1].finished).code, 0);
      });
    } finally {
      for (const bot of bots) await killBot(bot);
      await proxy.close();
      await api.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
);
