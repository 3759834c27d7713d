import assert from "node:assert/strict";
import { Bot, GrammyError, InputFile } from "grammy";
import type { Update } from "grammy/types";
import { TEST_BOT_INFO } from "../helpers/bot_api.ts";
import { startFakeApi } from "../helpers/fake_api_server.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import { command, privateText, user } from "../helpers/updates.ts";

const TOKEN = "123:TEST";

// Raw Bot API JSON, read field by field in the assertions.
// deno-lint-ignore no-explicit-any
type ApiJson = any;

async function post(url: string, body: unknown): Promise<{ status: number; json: ApiJson }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

Deno.test("fake api: getUpdates long poll returns a pushed update and confirms by offset", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN });
  const base = `${api.url}/bot${TOKEN}`;
  const polling = post(`${base}/getUpdates`, { timeout: 10, offset: 0 });
  // Let the poll arrive and be held before the update is pushed.
  await new Promise((r) => setTimeout(r, 50));
  const update = privateText(user(601), "hello");
  api.pushUpdate(update);
  const first = await polling;
  assert.equal(first.status, 200);
  assert.deepEqual(first.json.result.map((u: Update) => u.update_id), [update.update_id]);
  assert.equal(api.pendingUpdates(), 1, "not confirmed until a higher offset is sent");

  // Asking again without a new offset redelivers it.
  const again = await post(`${base}/getUpdates`, { timeout: 0 });
  assert.equal(again.json.result.length, 1);

  const confirm = await post(`${base}/getUpdates`, { offset: update.update_id + 1, timeout: 0 });
  assert.deepEqual(confirm.json, { ok: true, result: [] });
  assert.equal(api.acknowledgedOffset(), update.update_id + 1);
  assert.equal(api.pendingUpdates(), 0);
});

Deno.test("fake api: getUpdates honours limit and returns [] when the timeout passes", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim);
  const base = `${api.url}/bot${TOKEN}`;
  const u = user(602);
  for (let i = 0; i < 3; i++) api.pushUpdate(privateText(u, `m${i}`));
  const limited = await post(`${base}/getUpdates`, { limit: 2 });
  assert.equal(limited.json.result.length, 2);
  const last = limited.json.result.at(-1).update_id;
  await post(`${base}/getUpdates`, { offset: last + 2 });
  const started = Date.now();
  const empty = await post(`${base}/getUpdates`, { timeout: 1 });
  assert.deepEqual(empty.json.result, []);
  assert.ok(Date.now() - started >= 900, "the request was held for the timeout");
});

Deno.test("fake api: close releases a held long poll promptly", async () => {
  const sim = new TelegramSim();
  const api = await startFakeApi(sim);
  const polling = post(`${api.url}/bot${TOKEN}/getUpdates`, { timeout: 30 });
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  const closing = api.close();
  const res = await polling;
  await closing;
  assert.deepEqual(res.json, { ok: true, result: [] });
  assert.ok(Date.now() - started < 2000);
});

Deno.test("fake api: a second poller ends the first with 409 Conflict", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim);
  const base = `${api.url}/bot${TOKEN}`;
  const first = post(`${base}/getUpdates`, { timeout: 30 });
  await new Promise((r) => setTimeout(r, 50));
  const second = post(`${base}/getUpdates`, { timeout: 30 });
  const ended = await first;
  assert.equal(ended.status, 409);
  assert.match(ended.json.description, /^Conflict: terminated by other getUpdates request/);
  api.pushUpdate(privateText(user(603), "x"));
  assert.equal((await second).json.result.length, 1);
});

Deno.test("fake api: a wrong token is answered 401 Unauthorized", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN });
  const res = await post(`${api.url}/bot999:WRONG/getMe`, {});
  assert.equal(res.status, 401);
  assert.deepEqual(res.json, { ok: false, error_code: 401, description: "Unauthorized" });
  assert.equal((await post(`${api.url}/bot${TOKEN}/getMe`, {})).json.result.id, TEST_BOT_INFO.id);
});

Deno.test("fake api: form bodies keep text as text and parse JSON fields", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim);
  const body = new URLSearchParams({
    chat_id: "604",
    text: "42",
    reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }),
  });
  const res = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, { method: "POST", body });
  const json = await res.json();
  assert.equal(json.ok, true);
  assert.equal(json.result.text, "42");
  assert.equal(json.result.reply_markup.inline_keyboard[0][0].callback_data, "a");
  assert.equal(sim.lastSentTo(604)?.payload.chat_id, 604);
});

Deno.test("fake api: a grammY bot's HTML message arrives in the sim", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN });
  const bot = new Bot(TOKEN, { botInfo: TEST_BOT_INFO, client: { apiRoot: api.url } });
  const m = await bot.api.sendMessage(1, "<b>x</b>", { parse_mode: "HTML" });
  assert.equal(m.text, "x");
  assert.deepEqual(sim.textsTo(1), ["<b>x</b>"]);
  const call = await api.waitForCall("sendMessage");
  assert.equal(call.payload.parse_mode, "HTML");

  sim.failNext("sendMessage", {
    error_code: 429,
    description: "Too Many Requests: retry after 1",
    parameters: { retry_after: 1 },
  });
  await assert.rejects(bot.api.sendMessage(1, "y"), (e: unknown) => {
    assert.ok(e instanceof GrammyError);
    assert.equal(e.error_code, 429);
    assert.deepEqual(e.parameters, { retry_after: 1 });
    return true;
  });
});

Deno.test("fake api: a multipart upload from grammY is recorded with name and size", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim);
  const bot = new Bot(TOKEN, { botInfo: TEST_BOT_INFO, client: { apiRoot: api.url } });
  const bytes = new TextEncoder().encode("id,name\n1,Ann\n");
  const m = await bot.api.sendDocument(605, new InputFile(bytes, "export.csv"), {
    caption: "<i>export</i>",
    parse_mode: "HTML",
    reply_markup: { inline_keyboard: [[{ text: "OK", callback_data: "ok" }]] },
  });
  assert.equal(m.document?.file_name, "export.csv");
  assert.equal(m.document?.file_size, bytes.length);
  assert.equal(m.caption, "export");
  const [call] = sim.callsTo("sendDocument");
  assert.deepEqual(call.uploads, [
    { kind: "upload", file_name: "export.csv", size: bytes.length, field: "document" },
  ]);
  assert.equal(call.payload.chat_id, 605);
});

Deno.test("fake api: a polling grammY bot answers a pushed /start and confirms it", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim, { token: TOKEN });
  const bot = new Bot(TOKEN, { botInfo: TEST_BOT_INFO, client: { apiRoot: api.url } });
  bot.command("start", (ctx) => ctx.reply("Welcome!"));
  const running = bot.start();
  const u = user(606);
  const update = command(u, "start");
  api.pushUpdate(update);
  const sent = await api.waitForCall("sendMessage", (p) => p.chat_id === u.id);
  assert.equal(sent.payload.text, "Welcome!");
  await bot.stop();
  await running;
  assert.equal(api.acknowledgedOffset(), update.update_id + 1);
  assert.equal(api.pendingUpdates(), 0);
  assert.ok(sim.callsTo("getUpdates").length >= 1);
});

Deno.test("fake api: an upload over 50 MB is answered 413 Request Entity Too Large", async () => {
  const sim = new TelegramSim();
  await using api = await startFakeApi(sim);
  const bot = new Bot(TOKEN, { botInfo: TEST_BOT_INFO, client: { apiRoot: api.url } });
  const big = new InputFile(new Uint8Array(50 * 1024 * 1024 + 1), "dump.tar.gz");
  await assert.rejects(bot.api.sendDocument(607, big), (e: unknown) => {
    assert.ok(e instanceof GrammyError);
    assert.equal(e.error_code, 413);
    assert.equal(e.description, "Request Entity Too Large");
    return true;
  });
  assert.equal(sim.callsTo("sendDocument")[0].uploads[0].size, 50 * 1024 * 1024 + 1);
});
