import assert from "node:assert/strict";
import { join } from "node:path";
import { createLogger, type LogSink } from "../src/log.ts";
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
