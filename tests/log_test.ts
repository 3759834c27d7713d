import assert from "node:assert/strict";
import { join } from "node:path";
import { Bot, GrammyError, HttpError } from "grammy";
import { createLogger, describeError, type LogSink } from "../src/log.ts";
import { openLogFile } from "../src/log_file.ts";

function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

Deno.test("log: LOG_LEVEL drops lower levels, and the token never appears", () => {
  const sink = memorySink();
  const log = createLogger("warn", {
    console: false,
    sinks: [sink],
    redact: ["123456:SECRET-token"],
  });
  log.debug("debug line");
  log.info("info line");
  log.warn("warn line", { url: "https://x/bot123456:SECRET-token/getMe" });
  log.error("error line", { error: new Error("boom") });
  assert.equal(sink.lines.length, 2);
  assert.match(sink.lines[0], /WARN warn line url=https:\/\/x\/bot\*\*\*\/getMe$/);
  assert.match(sink.lines[1], /ERROR error line error="boom"$/);
});

Deno.test("log: a failing sink does not throw into the caller", () => {
  const log = createLogger("info", {
    console: false,
    sinks: [{
      write() {
        throw new Error("disk full");
      },
    }],
  });
  const original = console.error;
  console.error = () => {};
  try {
    log.info("still fine");
  } finally {
    console.error = original;
  }
});

Deno.test("log: bot.log is rotated by size and only `keep` old files stay", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = await openLogFile(dir, { maxBytes: 1000, keep: 3 });
    const log = createLogger("info", { console: false, sinks: [file] });
    for (let i = 0; i < 200; i++) log.info(`line ${i}`, { padding: "x".repeat(40) });
    file.close();
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names.sort(), ["bot.log", "bot.log.1", "bot.log.2", "bot.log.3"]);
    for (const name of names) {
      assert.ok((await Deno.stat(join(dir, name))).size <= 1000, name);
    }
    const newest = await Deno.readTextFile(join(dir, "bot.log"));
    assert.match(newest, /line 199 /);
    const older = await Deno.readTextFile(join(dir, "bot.log.1"));
    const lastOfOlder = Number(/line (\d+) [^\n]*\n$/.exec(older)?.[1]);
    const firstOfNewest = Number(/^\S+ INFO line (\d+)/.exec(newest)?.[1]);
    assert.equal(firstOfNewest, lastOfOlder + 1, "no line lost between files");

    // Reopening appends to the existing file.
    const again = await openLogFile(dir, { maxBytes: 1000, keep: 3 });
    again.write("appended");
    again.close();
    assert.match(await Deno.readTextFile(join(dir, "bot.log")), /appended\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A bot whose every call is answered with `answer`. */
function botAnswering(answer: unknown): Bot {
  const bot = new Bot("1:x");
  bot.api.config.use(() => Promise.resolve(answer as never));
  return bot;
}

async function thrownBy(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}

function logged(fields: Record<string, unknown>): string {
  const sink = memorySink();
  createLogger("debug", { console: false, sinks: [sink] }).warn("failed", fields);
  return sink.lines[0];
}

Deno.test("log: a Bot API error is logged as method, code and description", async () => {
  const error = await thrownBy(
    botAnswering({ ok: false, error_code: 502, description: "Bad Gateway" }).api.getMe(),
  );
  assert.ok(error instanceof GrammyError);
  assert.match(logged({ error }), / error="getMe: 502 Bad Gateway"$/);
  assert.equal(describeError(error), "getMe: 502 Bad Gateway");
});

Deno.test("log: an answer not shaped like a Bot API error is never 'undefined: undefined'", async () => {
  const error = await thrownBy(botAnswering({ message: "upstream timed out" }).api.getMe());
  const line = logged({ error });
  assert.ok(!line.includes("undefined"), line);
  assert.match(line, / error="getMe: an answer that is not a Bot API response"$/);
});

Deno.test("log: a network failure is logged with its cause", async () => {
  const bot = new Bot("1:x", {
    client: {
      fetch: () => Promise.reject(new TypeError("error sending request: connection refused")),
    },
  });
  const error = await thrownBy(bot.api.getMe());
  assert.ok(error instanceof HttpError);
  const line = logged({ error });
  assert.match(
    line,
    / error="Network request for 'getMe' failed! \(error sending request: connection refused\)"$/,
  );
});

Deno.test("log: errors, causes, strings, answers and other values are described usefully", () => {
  assert.equal(describeError(new Error("boom")), "boom");
  assert.equal(describeError(new Error("outer", { cause: new Error("inner") })), "outer (inner)");
  assert.equal(describeError("plain words"), "plain words");
  assert.equal(describeError({ ok: false, error_code: 500, description: "Later" }), "500 Later");
  assert.equal(describeError({ status: "down" }), '{"status":"down"}');
  assert.equal(describeError(42), "42");
  assert.equal(describeError(undefined), "undefined");
  assert.ok(describeError({ page: "x".repeat(5000) }).length <= 500);
  assert.equal(
    describeError(new TypeError("error sending request for url (https://u:pw@host/bot1/getMe)")),
    "error sending request for url (https://***@host/bot1/getMe)",
  );
  // Any field holding an Error is described the same way; other fields keep their format.
  assert.match(logged({ cause: new Error("x", { cause: "y" }), n: 1 }), / cause="x \(y\)" n=1$/);
});
