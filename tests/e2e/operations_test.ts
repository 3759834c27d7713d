/**
 * Black-box operations through `deno task`: auto-close at start-up, backup and
 * restore sub-commands, alerts, configuration errors.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as make from "../helpers/updates.ts";
import {
  ADMIN_A,
  ADMIN_B,
  ALERT_CHAT,
  buttonsOf,
  launch,
  mark,
  opts,
  press,
  runTask,
  sentSince,
  sleep,
  TOKEN,
  until,
  waitButton,
  waitSent,
  waitText,
} from "./harness.ts";

const T1 = /#1(?!\d)/;
const T2 = /#2(?!\d)/;

Deno.test(
  "operations: auto-close of answered tickets at start-up, with an Ask button",
  opts,
  async (t) => {
    const desk = await launch({
      env: { ADMIN_ID: `${ADMIN_A},${ADMIN_B}`, AUTO_CLOSE_AFTER_HOURS: "0.0003" },
    });
    const admin = make.user(ADMIN_A, { first_name: "Agent", language_code: "en" });
    const ann = make.user(6001, { first_name: "Ann", language_code: "en" });
    const ben = make.user(6002, { first_name: "Ben", language_code: "en" });
    try {
      await t.step("ticket #1 answered by support, ticket #2 waits for support", async () => {
        let since = mark(desk);
        desk.push(make.privateText(ann, "My order never arrived, can you check?"));
        await waitText(desk, ann.id, T1, since);
        since = mark(desk);
        desk.push(make.privateText(ben, "How do I change my password please?"));
        await waitText(desk, ben.id, T2, since);
        await press(desk, admin, "Reply", (m) => T1.test(m.text ?? ""));
        since = mark(desk);
        desk.push(make.privateText(admin, "It ships tomorrow, sorry for the wait."));
        await waitText(desk, ann.id, /ships tomorrow/, since);
      });

      await t.step("after a restart past the due time, #1 is closed, #2 is not", async () => {
        await desk.stop();
        await sleep(2500);
        await desk.restart();
        const notice = await waitSent(
          desk,
          ann.id,
          (s) => T1.test(s.text) && buttonsOf(s).some((b) => b.includes("Ask")),
          0,
          20_000,
          "the auto-close notice with an Ask button",
        );
        assert.ok(notice);
        for (const a of [ADMIN_A, ADMIN_B]) {
          await waitSent(
            desk,
            a,
            (s) => T1.test(s.text) && /automatic|auto/i.test(s.text),
            0,
            20_000,
            "the admins' auto-close notice",
          );
        }
        await sleep(1000);
        assert.ok(
          !sentSince(desk.sim, ben.id).some((s) => /clos/i.test(s.text)),
          "the ticket where the user waits is never auto-closed",
        );
      });

      await t.step("the Ask button starts a new ticket at once", async () => {
        const { since } = await press(desk, ann, "Ask", (m) => T1.test(m.text ?? ""));
        await waitSent(desk, ann.id, () => true, since);
        const before = mark(desk);
        desk.push(make.privateText(ann, "Another question about my order status"));
        await waitText(desk, ann.id, /#3(?!\d)/, before);
      });

      await t.step("Ben's ticket #2 still takes his messages", async () => {
        const since = mark(desk);
        desk.push(make.privateText(ben, "Any news on the password thing?"));
        const s = await waitText(desk, ADMIN_A, /password thing/, since);
        const around = sentSince(desk.sim, ADMIN_A, since).filter((x) => x.index <= s.index);
        assert.ok(around.some((x) => T2.test(x.text)));
      });
    } finally {
      await desk.dispose();
    }
  },
);

Deno.test("operations: backup while running, backup and restore via deno task", opts, async (t) => {
  const desk = await launch({ env: { ADMIN_ID: `${ADMIN_A}` } });
  const fresh = await Deno.makeTempDir({ prefix: "desk_e2e_restore_" });
  const nonEmpty = await Deno.makeTempDir({ prefix: "desk_e2e_nonempty_" });
  const cy = make.user(6101, { first_name: "Cy", language_code: "en" });
  const dee = make.user(6102, { first_name: "Dee", language_code: "en" });
  const env = (dataDir: string) => ({
    BOT_TOKEN: TOKEN,
    ADMIN_ID: `${ADMIN_A}`,
    DATA_DIR: dataDir,
  });
  let archive = "";
  try {
    await t.step("a ticket exists", async () => {
      const since = mark(desk);
      desk.push(make.privateText(cy, "Please help me with the billing settings"));
      await waitText(desk, cy.id, T1, since);
    });

    await t.step("`deno task backup` works while the bot runs and prints the path", async () => {
      const { code, output } = await runTask(env(desk.dataDir), ["backup"]);
      assert.equal(code, 0, output);
      const path = new RegExp(`${desk.dataDir}/backups/[^\\s'"]+\\.tar\\.gz`).exec(output)?.[0];
      assert.ok(path, `a path under DATA_DIR/backups/ in: ${output}`);
      assert.ok(existsSync(path), path);
    });

    await t.step("`deno task backup` after the bot stopped", async () => {
      const stopped = await desk.stop();
      assert.equal(stopped.code, 0, stopped.output.slice(-2000));
      const { code, output } = await runTask(env(desk.dataDir), ["backup"]);
      assert.equal(code, 0, output);
      const path = new RegExp(`${desk.dataDir}/backups/[^\\s'"]+\\.tar\\.gz`).exec(output)?.[0];
      assert.ok(path && existsSync(path), output);
      archive = path;
    });

    await t.step("a damaged archive is refused and changes nothing", async () => {
      const bytes = await Deno.readFile(archive);
      const damaged = `${fresh}/../damaged-${crypto.randomUUID()}.tar.gz`;
      await Deno.writeFile(damaged, bytes.slice(0, Math.floor(bytes.length / 2)));
      try {
        const { code, output } = await runTask(env(fresh), ["restore", damaged]);
        assert.notEqual(code, 0, output);
        assert.ok(output.trim().length > 0, "a clear error");
      } finally {
        await Deno.remove(damaged).catch(() => {});
      }
      const foreign = `${fresh}/../foreign-${crypto.randomUUID()}.tar.gz`;
      await Deno.writeTextFile(foreign, "this is not an archive at all");
      try {
        const { code, output } = await runTask(env(fresh), ["restore", foreign]);
        assert.notEqual(code, 0, output);
      } finally {
        await Deno.remove(foreign).catch(() => {});
      }
    });

    await t.step("`deno task restore <file>` into a fresh DATA_DIR", async () => {
      const { code, output } = await runTask(env(fresh), ["restore", archive]);
      assert.equal(code, 0, output);
    });

    await t.step("restore into a non-empty store needs --force", async () => {
      // Make a non-empty store: restore once, then again without --force.
      const first = await runTask(env(nonEmpty), ["restore", archive]);
      assert.equal(first.code, 0, first.output);
      const second = await runTask(env(nonEmpty), ["restore", archive]);
      assert.notEqual(second.code, 0, second.output);
      const forced = await runTask(env(nonEmpty), ["restore", archive, "--force"]);
      assert.equal(forced.code, 0, forced.output);
    });

    await t.step("the bot on the restored store knows ticket #1", async () => {
      const { sim, api } = desk;
      void sim;
      void api;
      const restored = await launch({ env: { ADMIN_ID: `${ADMIN_A}`, DATA_DIR: fresh } });
      try {
        let since = mark(restored);
        restored.push(make.privateText(cy, "Any progress on the billing settings?"));
        const s = await waitText(restored, ADMIN_A, /Any progress/, since);
        const around = sentSince(restored.sim, ADMIN_A, since).filter((x) => x.index <= s.index);
        assert.ok(around.some((x) => T1.test(x.text)), "the follow-up joins #1");
        since = mark(restored);
        restored.push(make.privateText(dee, "A new person with a new question"));
        await waitText(restored, dee.id, T2, since);
        await restored.stop();
      } finally {
        await restored.dispose();
      }
    });
  } finally {
    await desk.dispose();
    await Deno.remove(fresh, { recursive: true }).catch(() => {});
    await Deno.remove(nonEmpty, { recursive: true }).catch(() => {});
  }
});

Deno.test(
  "operations: empty START_ALERT/SHUTDOWN_ALERT mean default texts, in the topic",
  opts,
  async () => {
    const desk = await launch({
      env: {
        ALERT_CHAT_ID: String(ALERT_CHAT),
        ALERT_TOPIC_ID: "42",
        START_ALERT: "",
        SHUTDOWN_ALERT: "",
      },
      prepare: (sim) => {
        sim.addGroup(ALERT_CHAT, { isForum: true });
        sim.addTopic(ALERT_CHAT, 42);
      },
    });
    try {
      const start = await waitSent(desk, ALERT_CHAT, (s) => s.text.trim().length > 0);
      assert.equal(Number(start.call.payload.message_thread_id), 42);
      const since = mark(desk);
      desk.bot.child.kill("SIGINT");
      const { code, output } = await desk.bot.finished;
      assert.equal(code, 0, output.slice(-2000));
      const stop = sentSince(desk.sim, ALERT_CHAT, since).find((s) => s.text.trim().length > 0);
      assert.ok(stop, "a shutdown alert with the default text");
      assert.notEqual(stop.text, start.text);
      assert.equal(Number(stop.call.payload.message_thread_id), 42);
      assert.ok(existsSync(`${desk.dataDir}/bot.log`), "DATA_DIR/bot.log");
    } finally {
      await desk.dispose();
    }
  },
);

Deno.test(
  "operations: a malformed variable stops `deno task start` with one clear message",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "desk_e2e_cfg_" });
    try {
      const cases: [Record<string, string>, RegExp][] = [
        [{ ADMIN_ID: "abc" }, /ADMIN_ID/],
        [{ ADMIN_ID: "1001", AUTO_CLOSE_AFTER_HOURS: "soon" }, /AUTO_CLOSE_AFTER_HOURS/],
        [{ ADMIN_ID: "1001", DEFAULT_LOCALE: "de" }, /DEFAULT_LOCALE/],
        [{ ADMIN_ID: "1001", BACKUP_TIME: "25:99" }, /BACKUP_TIME/],
        [{ ADMIN_ID: "1001", TIMEZONE: "Mars/Olympus" }, /TIMEZONE/],
        [{ ADMIN_ID: "1001", BACKUP_ENABLED: "maybe" }, /BACKUP_ENABLED/],
        [{ ADMIN_ID: "" }, /ADMIN_ID/],
      ];
      for (const [vars, name] of cases) {
        const { code, output } = await runTask(
          { BOT_TOKEN: TOKEN, DATA_DIR: dataDir, TELEGRAM_API_ROOT: "http://127.0.0.1:9", ...vars },
          ["start"],
        );
        assert.equal(code, 2, `${JSON.stringify(vars)}: ${output}`);
        assert.match(output, name);
        assert.ok(!output.includes(TOKEN.split(":")[1]), "the token is never printed");
      }
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test("operations: empty optional variables count as unset", opts, async () => {
  const desk = await launch({
    env: {
      DEFAULT_LOCALE: "",
      ASK_MIN_LENGTH: "",
      AUTO_CLOSE_AFTER_HOURS: "",
      TIMEZONE: "",
      ALERT_CHAT_ID: "",
      LOG_LEVEL: "",
      BACKUP_ENABLED: "",
      FEEDBACK_COOLDOWN_HOURS: "",
    },
  });
  try {
    const fay = make.user(6201, { first_name: "Fay", language_code: "de" });
    const since = mark(desk);
    desk.push(make.privateText(fay, "too short"));
    // Default ASK_MIN_LENGTH=10: nine characters are too short; default locale English.
    const hint = await waitSent(desk, fay.id, () => true, since);
    assert.doesNotMatch(hint.text, /#\d/);
    assert.doesNotMatch(hint.text, /[А-Яа-я]/);
    const s2 = mark(desk);
    desk.push(make.privateText(fay, "long enough now"));
    await waitText(desk, fay.id, T1, s2);
    await until(() => desk.sim.callsTo("getUpdates").length > 0 || undefined, 5000).catch(() => {});
    await waitButton(desk, ADMIN_A, "Reply");
  } finally {
    await desk.dispose();
  }
});

/** Member names and the text of a .tar.gz archive. */
async function readArchive(path: string): Promise<{ names: string[]; text: string }> {
  const stream = (await Deno.open(path)).readable.pipeThrough(new DecompressionStream("gzip"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let at = 0; at + 512 <= bytes.length;) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = decoder.decode(header.subarray(0, 100)).replace(/\0.*$/s, "");
    const prefix = decoder.decode(header.subarray(345, 500)).replace(/\0.*$/s, "");
    const size =
      parseInt(decoder.decode(header.subarray(124, 136)).replace(/\0.*$/s, "").trim(), 8) ||
      0;
    names.push(prefix ? `${prefix}/${name}` : name);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { names, text: decoder.decode(bytes) };
}

Deno.test(
  "operations: Backup now sends the archive; BACKUP_FULL_PROJECT; BACKUP_KEEP",
  opts,
  async (t) => {
    const desk = await launch({
      env: {
        ADMIN_ID: `${ADMIN_A}`,
        BACKUP_SEND_TO_TELEGRAM: "true",
        BACKUP_FULL_PROJECT: "true",
        BACKUP_KEEP: "2",
      },
    });
    const admin = make.user(ADMIN_A, { first_name: "Agent", language_code: "en" });
    try {
      await t.step(
        "Backup now: written, sent to the admin as a document, shown in Debug",
        async () => {
          desk.push(make.command(admin, "admin"));
          await waitButton(desk, ADMIN_A, "Settings");
          await press(desk, admin, "Settings");
          const { since } = await press(desk, admin, "Backup");
          await until(
            () =>
              desk.sim.callsTo("sendDocument").some((c, i) =>
                i >= 0 && c.response.ok && String(c.payload.chat_id) === String(ADMIN_A)
              ),
            30_000,
            () =>
              `a sendDocument to the admin; calls: ${
                desk.sim.calls.slice(since).map((c) => c.method)
              }`,
          );
          await waitButton(desk, ADMIN_A, "Debug");
          const debug = await press(desk, admin, "Debug");
          const s = await waitSent(desk, ADMIN_A, (s) => /uptime/i.test(s.text), debug.since);
          assert.doesNotMatch(s.text, /Last backup: none/i, "Debug shows the last backup");
          assert.match(s.text, /backup/i);
        },
      );

      await t.step(
        "BACKUP_FULL_PROJECT: config (secrets redacted) and logs in the archive",
        async () => {
          const dir = `${desk.dataDir}/backups`;
          const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
            n.endsWith(".tar.gz")
          );
          assert.equal(files.length, 1, String(files));
          const { names, text } = await readArchive(`${dir}/${files[0]}`);
          assert.ok(names.some((n) => /config/.test(n)), `config member: ${names}`);
          assert.ok(names.some((n) => /bot\.log/.test(n)), `log member: ${names}`);
          assert.ok(!text.includes(TOKEN.split(":")[1]), "the token is redacted");
        },
      );

      await t.step("BACKUP_KEEP=2 keeps the newest two archives", async () => {
        for (let i = 0; i < 3; i++) {
          const { code, output } = await runTask(
            { BOT_TOKEN: TOKEN, ADMIN_ID: `${ADMIN_A}`, DATA_DIR: desk.dataDir, BACKUP_KEEP: "2" },
            ["backup"],
          );
          assert.equal(code, 0, output);
        }
        const files = [...Deno.readDirSync(`${desk.dataDir}/backups`)].map((e) => e.name)
          .filter((n) => n.endsWith(".tar.gz"));
        assert.equal(files.length, 2, String(files));
      });
    } finally {
      await desk.dispose();
    }
  },
);
