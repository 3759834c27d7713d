import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import type { Message } from "grammy/types";
import {
  assertNoUnexpectedErrors,
  type SimFailure,
  type SimResponse,
  TelegramSim,
} from "../helpers/telegram_sim.ts";
import { photo, user } from "../helpers/updates.ts";

const GROUP = -1001234500001;
const NOT_MODIFIED =
  "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

function failed(res: SimResponse): SimFailure {
  assert.equal(res.ok, false, `expected a failure, got ${JSON.stringify(res)}`);
  return res as SimFailure;
}

function result<T = Message>(res: SimResponse): T {
  assert.equal(res.ok, true, `expected success, got ${JSON.stringify(res)}`);
  return (res as { result: T }).result;
}

/** The AssertionError `assertNoUnexpectedErrors` throws for `sim`. */
function assertionFor(sim: TelegramSim): AssertionError {
  try {
    assertNoUnexpectedErrors(sim);
  } catch (error) {
    assert.ok(error instanceof AssertionError, String(error));
    return error;
  }
  return assert.fail("assertNoUnexpectedErrors did not throw");
}

const keyboard = { inline_keyboard: [[{ text: "Reply", callback_data: "t:reply:1" }]] };

Deno.test("sim: editing a text to the same text, formatting and keyboard is refused as not modified", async () => {
  const sim = new TelegramSim();
  const m = result(
    await sim.call("sendMessage", {
      chat_id: 701,
      text: "<b>#1</b> open &amp; waiting",
      parse_mode: "HTML",
      reply_markup: keyboard,
    }),
  );
  const same = {
    chat_id: 701,
    message_id: m.message_id,
    text: "<b>#1</b> open &amp; waiting",
    parse_mode: "HTML",
  };
  assert.equal(
    failed(await sim.call("editMessageText", { ...same, reply_markup: keyboard })).description,
    NOT_MODIFIED,
  );
  // The same keyboard with its button's fields in another order, and the same
  // text given as entities instead of HTML, change nothing either.
  const reordered = { inline_keyboard: [[{ callback_data: "t:reply:1", text: "Reply" }]] };
  assert.equal(
    failed(await sim.call("editMessageText", { ...same, reply_markup: reordered })).description,
    NOT_MODIFIED,
  );
  assert.equal(
    failed(
      await sim.call("editMessageText", {
        chat_id: 701,
        message_id: m.message_id,
        text: "#1 open & waiting\n",
        entities: [{ length: 2, offset: 0, type: "bold" }],
        reply_markup: keyboard,
      }),
    ).description,
    NOT_MODIFIED,
  );
  // Only the formatting changes: Telegram accepts it.
  assert.equal(
    result(
      await sim.call("editMessageText", {
        ...same,
        text: "<i>#1</i> open &amp; waiting",
        reply_markup: keyboard,
      }),
    ).entities?.[0].type,
    "italic",
  );
  // Only the keyboard changes (removed): accepted too.
  const edited = result(
    await sim.call("editMessageText", { ...same, text: "<i>#1</i> open &amp; waiting" }),
  );
  assert.equal(edited.reply_markup, undefined);
});

Deno.test("sim: editing a caption or a keyboard to what it already is is refused as not modified", async () => {
  const sim = new TelegramSim();
  const u = user(702);
  const shot = photo(u, "x").message!;
  const copy = result<{ message_id: number }>(
    await sim.call("copyMessage", {
      chat_id: 702,
      from_chat_id: u.id,
      message_id: shot.message_id,
      caption: "<b>#2</b> screenshot",
      parse_mode: "HTML",
      reply_markup: keyboard,
    }),
  );
  const at = { chat_id: 702, message_id: copy.message_id };
  assert.equal(
    failed(
      await sim.call("editMessageCaption", {
        ...at,
        caption: "<b>#2</b> screenshot",
        parse_mode: "HTML",
        reply_markup: keyboard,
      }),
    ).description,
    NOT_MODIFIED,
  );
  assert.equal(
    failed(await sim.call("editMessageReplyMarkup", { ...at, reply_markup: keyboard }))
      .description,
    NOT_MODIFIED,
  );
  result(await sim.call("editMessageReplyMarkup", at));
  // No keyboard to remove: an empty keyboard is no keyboard.
  assert.equal(
    failed(
      await sim.call("editMessageReplyMarkup", { ...at, reply_markup: { inline_keyboard: [] } }),
    )
      .description,
    NOT_MODIFIED,
  );
  assert.equal(sim.unexpectedErrors().length, 3);
});

Deno.test("sim: errors the bot provokes are unexpected and the assertion lists them", async () => {
  const sim = new TelegramSim();
  const m = result(await sim.call("sendMessage", { chat_id: 703, text: "Menu" }));
  assertNoUnexpectedErrors(sim);
  failed(
    await sim.call("editMessageText", { chat_id: 703, message_id: m.message_id, text: "Menu" }),
  );
  failed(await sim.call("sendMessage", { chat_id: 703, text: "<b>open", parse_mode: "HTML" }));
  failed(await sim.call("deleteMessage", { chat_id: 703, message_id: 999_999_999 }));
  // Forgetting the calls does not forget the errors.
  sim.clear();
  assert.deepEqual(
    sim.unexpectedErrors().map((e) => [e.method, e.error.error_code]),
    [["editMessageText", 400], ["sendMessage", 400], ["deleteMessage", 400]],
  );
  const message = assertionFor(sim).message;
  assert.match(message, /3 Bot API error/);
  assert.match(message, /editMessageText \{ chat_id: 703, message_id: \d+, text: "Menu" \}/);
  assert.match(message, /400 Bad Request: message is not modified/);
  assert.match(message, /sendMessage .*"<b>open"/);
  assert.match(message, /can't parse entities/);
  assert.match(message, /message to delete not found/);
});

Deno.test("sim: long parameters are cut in the assertion's summary", async () => {
  const sim = new TelegramSim();
  failed(
    await sim.call("sendMessage", {
      chat_id: 704,
      text: `<b>${"x".repeat(500)}`,
      parse_mode: "HTML",
    }),
  );
  const error = assertionFor(sim);
  assert.ok(error.message.length < 600, error.message);
  assert.match(error.message, /x{20}\.\.\./);
});

Deno.test("sim: errors the test set up are expected", async () => {
  const sim = new TelegramSim();
  sim.failNext("sendMessage", {
    error_code: 429,
    description: "Too Many Requests: retry after 1",
    parameters: { retry_after: 1 },
  });
  sim.failNext("getChat", { error_code: 502, description: "Bad Gateway" });
  failed(await sim.call("sendMessage", { chat_id: 705, text: "a" }));
  failed(await sim.call("getChat", { chat_id: 705 }));
  sim.blockBot(706);
  failed(await sim.call("sendMessage", { chat_id: 706, text: "a" }));
  sim.neverStarted(707);
  failed(await sim.call("sendMessage", { chat_id: 707, text: "a" }));
  sim.addGroup(GROUP);
  sim.kickBot(GROUP);
  failed(await sim.call("sendMessage", { chat_id: GROUP, text: "a" }));
  sim.deleteChat(708);
  failed(await sim.call("sendMessage", { chat_id: 708, text: "a" }));
  assert.equal(sim.errors().length, 6);
  assert.ok(sim.errors().every((e) => e.expected));
  assertNoUnexpectedErrors(sim);
});

Deno.test("sim: writing to a group the bot left, or to an unknown group, is the bot's error", async () => {
  const sim = new TelegramSim();
  sim.addGroup(GROUP);
  result(await sim.call("leaveChat", { chat_id: GROUP }));
  assert.equal(
    failed(await sim.call("sendMessage", { chat_id: GROUP, text: "a" })).description,
    "Forbidden: bot is not a member of the supergroup chat",
  );
  failed(await sim.call("sendMessage", { chat_id: -1009999999999, text: "a" }));
  assert.deepEqual(sim.unexpectedErrors().map((e) => e.error.error_code), [403, 400]);
});

Deno.test("sim: allowErrors lets a test provoke chosen errors, before or after the call", async () => {
  const sim = new TelegramSim();
  const m = result(await sim.call("sendMessage", { chat_id: 709, text: "Menu" }));
  failed(
    await sim.call("editMessageText", { chat_id: 709, message_id: m.message_id, text: "Menu" }),
  );
  sim.allowErrors((e) =>
    e.method === "editMessageText" && /not modified/.test(e.error.description)
  );
  failed(
    await sim.call("editMessageText", { chat_id: 709, message_id: m.message_id, text: "Menu" }),
  );
  assertNoUnexpectedErrors(sim);
  failed(await sim.call("deleteMessage", { chat_id: 709, message_id: 999_999_999 }));
  assert.deepEqual(sim.unexpectedErrors().map((e) => e.method), ["deleteMessage"]);
  assert.throws(() => assertNoUnexpectedErrors(sim), AssertionError);
});

Deno.test("sim: a getUpdates fault the fake server answered is expected, its own 409 is not", () => {
  const sim = new TelegramSim();
  sim.failNext("getUpdates", { error_code: 502, description: "Bad Gateway" });
  const fault = sim.takeFault("getUpdates", {});
  assert.ok(fault);
  sim.record("getUpdates", {}, { ok: false, ...fault });
  assertNoUnexpectedErrors(sim);
  sim.record("getUpdates", {}, {
    ok: false,
    error_code: 409,
    description: "Conflict: terminated by other getUpdates request",
  });
  assert.deepEqual(sim.unexpectedErrors().map((e) => e.error.error_code), [409]);
});
