/**
 * Black-box export: Settings → Export in the running bot, `deno task export`
 * while it runs and after it stopped, on a real DATA_DIR with tickets.
 */
import assert from "node:assert/strict";
import * as make from "../helpers/updates.ts";
import { parseCsv } from "../helpers/csv.ts";
import {
  ADMIN_A,
  launch,
  mark,
  opts,
  press,
  runTask,
  TOKEN,
  until,
  waitButton,
  waitText,
} from "./harness.ts";

const HEADER =
  "id,status,user_id,user_name,username,created,first_response,closed,closed_by,rating,messages,agent";

Deno.test(
  "export: the Export button and `deno task export` give the same CSV, while running and after",
  opts,
  async (t) => {
    const desk = await launch({ env: { ADMIN_ID: `${ADMIN_A}`, TIMEZONE: "Europe/Moscow" } });
    const admin = make.user(ADMIN_A, { first_name: "Agent", language_code: "en" });
    const ann = make.user(6201, {
      first_name: "Smith, Ann",
      username: "ann_s",
      language_code: "en",
    });
    const eve = make.user(6202, { first_name: "=1+2", language_code: "en" });
    const env = {
      BOT_TOKEN: TOKEN,
      ADMIN_ID: `${ADMIN_A}`,
      DATA_DIR: desk.dataDir,
      TIMEZONE: "Europe/Moscow",
    };
    let uploaded = 0;
    let written = "";
    try {
      await t.step("two customers open tickets", async () => {
        let since = mark(desk);
        desk.push(make.privateText(ann, "My order never arrived, can you check?"));
        await waitText(desk, ann.id, /#1(?!\d)/, since);
        since = mark(desk);
        desk.push(make.privateText(eve, "How do I change my password please?"));
        await waitText(desk, eve.id, /#2(?!\d)/, since);
      });

      await t.step("Settings → Export sends the CSV to the agent with the count", async () => {
        desk.push(make.command(admin, "admin"));
        await waitButton(desk, ADMIN_A, "Settings");
        await press(desk, admin, "Settings");
        await press(desk, admin, "Export");
        const sent = await until(
          () =>
            desk.sim.callsTo("sendDocument").find((c) =>
              c.response.ok && String(c.payload.chat_id) === String(ADMIN_A)
            ),
          30_000,
          () => `a sendDocument to the agent; output:\n${desk.bot.output().slice(-3000)}`,
        );
        assert.match(String(sent.payload.caption), /2 tickets/);
        assert.match(sent.uploads[0].file_name ?? "", /^tickets-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
        uploaded = sent.uploads[0].size;
        assert.ok(uploaded > HEADER.length);
      });

      await t.step("`deno task export` works while the bot runs and prints the path", async () => {
        const { code, output } = await runTask(env, ["export"]);
        assert.equal(code, 0, output);
        const path = new RegExp(`${desk.dataDir}/exports/tickets-[\\d-]+\\.csv`).exec(output)?.[0];
        assert.ok(path, `a path under DATA_DIR/exports/ in: ${output}`);
        assert.match(output, /Exported 2 tickets\./);
        const bytes = await Deno.readFile(path);
        assert.equal(bytes.length, uploaded, "the same file as the button sent");
        written = new TextDecoder().decode(bytes);
        const rows = parseCsv(written);
        assert.equal(rows[0].join(","), HEADER);
        assert.deepEqual(rows.slice(1).map((row) => row.slice(0, 5)), [
          ["1", "new", "6201", "Smith, Ann", "ann_s"],
          ["2", "new", "6202", "'=1+2", ""],
        ]);
        assert.match(rows[1][5], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);
      });

      await t.step(
        "after the bot stopped, `deno task export <file>` writes the same CSV there",
        async () => {
          const stopped = await desk.stop();
          assert.equal(stopped.code, 0, stopped.output.slice(-2000));
          const path = `${desk.dataDir}/named.csv`;
          const { code, output } = await runTask(env, ["export", path]);
          assert.equal(code, 0, output);
          assert.ok(output.includes(path), output);
          assert.equal(await Deno.readTextFile(path), written);
        },
      );
    } finally {
      await desk.dispose();
    }
  },
);
