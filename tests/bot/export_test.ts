/**
 * Settings → Export through the bot against the strict fake Telegram: the
 * CSV document in the chat (and the support group's topic) where it was
 * pressed, its caption, one export at a time, the admin re-check, a retried
 * upload, and a failure told politely and reported.
 */
import assert from "node:assert/strict";
import { InputFile } from "grammy";
import type { Message, User } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { TelegramSim } from "../helpers/telegram_sim.ts";
import { isInputFile } from "../helpers/media.ts";
import { callback, command, privateText, topicUpdate, user } from "../helpers/updates.ts";
import {
  admin,
  button,
  lastMessage,
  supportAnswers,
  toasts,
  userWrites,
} from "./admin_fixtures.ts";
import { findButton } from "./conversation_support.ts";
import { parseCsv } from "../helpers/csv.ts";
import type { Alerts } from "../../src/deps.ts";
import { exportInProgress } from "../../src/bot/features/settings.ts";

const HEADER =
  "id,status,user_id,user_name,username,created,first_response,closed,closed_by,rating,messages,agent";

/** A document the bot uploaded, with its bytes as text. */
interface Captured {
  name?: string;
  text: string;
}

/**
 * Reads every uploaded document before the sim sees it (the sim keeps only
 * sizes), handing the sim the same bytes. `gate` holds sendDocument until it
 * resolves; `reached` says that a sendDocument is waiting there.
 */
function captureDocuments(sim: TelegramSim, options: { gate?: Promise<void> } = {}) {
  const documents: Captured[] = [];
  const { promise: reached, resolve: arrived } = Promise.withResolvers<void>();
  const call = sim.call.bind(sim);
  sim.call = async (method, payload = {}) => {
    if (method === "sendDocument" && isInputFile(payload.document)) {
      const file = payload.document as unknown as InputFile;
      const parts: Uint8Array[] = [];
      for await (const chunk of await file.toRaw() as AsyncIterable<Uint8Array>) parts.push(chunk);
      const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
      parts.reduce((at, part) => (bytes.set(part, at), at + part.length), 0);
      documents.push({ name: file.filename, text: new TextDecoder().decode(bytes) });
      payload = { ...payload, document: new InputFile(bytes, file.filename) };
      arrived();
      await options.gate;
    }
    return await call(method, payload);
  };
  return { documents, reached };
}

/** Opens Admin → Settings as `agent`; returns the Settings message's Export button. */
async function openSettings(app: TestApp, agent = admin(ADMIN_A)) {
  await app.send(command(agent, "admin"));
  await app.send(callback(agent, "a:settings:0", lastMessage(app, agent.id)));
  const label = agent.language_code === "ru" ? "Экспорт" : "Export";
  return button(app.sim.lastSentTo(agent.id), label);
}

/** Presses a button and waits until the export it started has been sent (or has failed). */
async function pressAndWait(app: TestApp, agent: User, data: string, message?: Message) {
  await app.send(callback(agent, data, message ?? lastMessage(app, agent.id)));
  await exportInProgress(app.deps.runtime);
}

async function pressExport(app: TestApp, agent = admin(ADMIN_A)) {
  const found = await openSettings(app, agent);
  await pressAndWait(app, agent, found.data);
}

async function someTickets(app: TestApp) {
  const ann = user(501, { first_name: "Smith, Ann", username: "ann" });
  const eve = user(502, { first_name: "=cmd|' /C calc'!A0", last_name: '"E"' });
  const first = await userWrites(app, ann, "Where is my order?");
  await userWrites(app, eve, "Hello");
  await app.send(command(admin(ADMIN_B, "en", "Bea"), "start"));
  app.clock.advance(90_000);
  await supportAnswers(app, first.id, ADMIN_B);
}

Deno.test("export: Settings → Export sends every ticket as a CSV document with the count in the caption", async () => {
  await using app = await createTestApp({ env: { TIMEZONE: "Europe/Moscow" } });
  const { documents } = captureDocuments(app.sim);
  await someTickets(app);
  await pressExport(app);

  assert.equal(toasts(app).at(-1), "⏳ Preparing the export…");
  const [sent] = app.sim.callsTo("sendDocument");
  assert.ok(sent?.response.ok, JSON.stringify(sent?.response));
  assert.equal(sent.payload.chat_id, ADMIN_A);
  assert.equal(sent.payload.caption, "📤 Export of 2 tickets (CSV).");
  assert.equal(sent.uploads[0].file_name, "tickets-2026-11-24-1201.csv");
  assert.equal(documents.length, 1);
  assert.equal(sent.uploads[0].size, new TextEncoder().encode(documents[0].text).length);

  const text = documents[0].text;
  assert.ok(text.startsWith(HEADER + "\r\n"), text);
  assert.deepEqual(parseCsv(text).slice(1), [
    [
      "1",
      "in_progress",
      "501",
      "Smith, Ann",
      "ann",
      "2026-11-24T12:00:00+03:00",
      "2026-11-24T12:01:30+03:00",
      "",
      "",
      "",
      "2",
      "Bea",
    ],
    // A name that would run as a formula in a spreadsheet stays text.
    [
      "2",
      "new",
      "502",
      `'=cmd|' /C calc'!A0 "E"`,
      "",
      "2026-11-24T12:00:00+03:00",
      "",
      "",
      "",
      "",
      "1",
      "",
    ],
  ]);
  assert.ok(text.includes(`"'=cmd|' /C calc'!A0 ""E"""`), "quotes doubled inside a quoted field");
});

Deno.test("export: the caption in Russian, and an empty store gives the header only", async () => {
  await using app = await createTestApp();
  const { documents } = captureDocuments(app.sim);
  const agent = admin(ADMIN_A, "ru");
  const found = await openSettings(app, agent);
  assert.equal(found.data, "a:export:0");
  await pressAndWait(app, agent, found.data);
  assert.equal(app.sim.callsTo("sendDocument")[0].payload.caption, "📤 Экспорт: 0 тикетов (CSV).");
  assert.equal(documents[0].text, HEADER + "\r\n");

  await userWrites(app, user(501, { first_name: "Ann" }), "Hi");
  await userWrites(app, user(502, { first_name: "Bob" }), "Hi");
  await pressAndWait(app, agent, found.data);
  assert.equal(app.sim.callsTo("sendDocument")[1].payload.caption, "📤 Экспорт: 2 тикета (CSV).");
});

Deno.test("export: in the support group the document goes to the topic where Export was pressed", async () => {
  const GROUP = -1009876543210;
  const sim = new TelegramSim();
  sim.addGroup(GROUP, { isForum: true, title: "Support" });
  await using app = await createTestApp({ sim, env: { SUPPORT_CHAT_ID: String(GROUP) } });
  const { documents } = captureDocuments(app.sim);
  const agent = admin(ADMIN_A);
  await app.send(
    privateText(user(501, { first_name: "Ann" }), "My order never arrived, please help"),
  );
  const threadId = app.sim.topicByName(GROUP, "Ann")!.message_thread_id;

  await app.send(topicUpdate(app.sim, GROUP, threadId, agent, "/admin"));
  const settings = findButton(app, GROUP, "Settings");
  await app.send(callback(agent, settings.data, settings.message));
  const exportButton = findButton(app, GROUP, "Export");
  await pressAndWait(app, agent, exportButton.data, exportButton.message);

  const [sent] = app.sim.callsTo("sendDocument");
  assert.ok(sent?.response.ok, JSON.stringify(sent?.response));
  assert.equal(sent.payload.chat_id, GROUP);
  assert.equal(sent.payload.message_thread_id, threadId);
  assert.equal(parseCsv(documents[0].text).length, 2);
});

Deno.test("export: while an export uploads, the agent's chat works and a second press (a double tap, another agent) gets a toast", async () => {
  await using app = await createTestApp();
  const { promise: gate, resolve: open } = Promise.withResolvers<void>();
  const { documents, reached } = captureDocuments(app.sim, { gate });
  await userWrites(app, user(501, { first_name: "Ann" }), "Hi");
  const agent = admin(ADMIN_A);
  const found = await openSettings(app, agent);
  const settings = lastMessage(app, ADMIN_A);

  await app.send(callback(agent, found.data, settings));
  await reached;
  const busy = "⏳ An export is already being prepared; it arrives here in a moment.";
  await app.send(callback(agent, found.data, settings));
  assert.equal(toasts(app).at(-1), busy);
  const other = admin(ADMIN_B);
  const otherButton = await openSettings(app, other);
  await app.send(callback(other, otherButton.data, lastMessage(app, ADMIN_B)));
  assert.equal(toasts(app).at(-1), busy);
  // The agent's updates are not held up by the upload.
  await app.send(command(agent, "admin"));
  assert.equal(app.sim.lastSentTo(ADMIN_A)?.method, "sendMessage");

  open();
  await exportInProgress(app.deps.runtime);
  assert.equal(app.sim.callsTo("sendDocument").length, 1);
  assert.equal(documents.length, 1);
  assert.equal(app.deps.runtime.inFlight, 0);

  // Done: the next press exports again.
  await pressAndWait(app, agent, found.data, settings);
  assert.equal(app.sim.callsTo("sendDocument").length, 2);
});

Deno.test("export: someone who is not an admin cannot export, even with forged callback data", async () => {
  await using app = await createTestApp();
  const stranger = user(777, { first_name: "Mallory" });
  await userWrites(app, user(501, { first_name: "Ann" }), "Hi");
  await app.send(command(stranger, "start"));
  await app.send(callback(stranger, "a:export:0"));
  assert.equal(exportInProgress(app.deps.runtime), undefined);
  assert.equal(app.sim.callsTo("sendDocument").length, 0);
  assert.equal(toasts(app).at(-1), app.deps.i18n.t("en", "not-allowed"));
});

Deno.test("export: an upload Telegram asks to retry is read again from the start", async () => {
  await using app = await createTestApp();
  const { documents } = captureDocuments(app.sim);
  await userWrites(app, user(501, { first_name: "Ann" }), "Hi");
  app.sim.failNext("sendDocument", {
    error_code: 429,
    description: "Too Many Requests: retry after 1",
    parameters: { retry_after: 1 },
  });
  await pressExport(app);
  const calls = app.sim.callsTo("sendDocument");
  assert.equal(calls.length, 2);
  assert.ok(calls[1].response.ok);
  assert.equal(documents.length, 2);
  assert.equal(documents[1].text, documents[0].text);
  assert.equal(parseCsv(documents[1].text).length, 2);
});

Deno.test("export: a failure is told to the agent politely and reported", async () => {
  const reported: string[] = [];
  const alerts: Alerts = {
    send: () => Promise.resolve(),
    error: (_e, where) => reported.push(where),
  };
  await using app = await createTestApp({ deps: { alerts } });
  await userWrites(app, user(501, { first_name: "Ann" }), "Hi");
  app.sim.failNext("sendDocument", { error_code: 400, description: "Bad Request: file is broken" });
  await pressExport(app);
  const told = app.sim.lastSentTo(ADMIN_A);
  assert.equal(told?.method, "sendMessage");
  assert.match(String(told?.payload.text), /Sorry, the export could not be sent/);
  assert.deepEqual(reported, ["Could not send the export"]);
  assert.equal(app.deps.runtime.errorCount, 0, "handled, not an error of the update");

  // The next press works.
  await pressExport(app);
  assert.ok(app.sim.callsTo("sendDocument").at(-1)?.response.ok);
});
