import assert from "node:assert/strict";
import { ADMIN_A, ADMIN_B, createTestApp } from "../helpers/app.ts";
import { registerCommands } from "../../src/bot/commands.ts";
import { setLocale } from "../../src/store/users.ts";

type Command = { command: string; description: string };

Deno.test("commands: users get start and id per language; each admin gets the admin list in their chat", async () => {
  await using app = await createTestApp();
  await setLocale(app.kv, ADMIN_B, "ru");
  await registerCommands(app.bot.api, app.deps);
  const names = (list: unknown[]) => (list as Command[]).map((c) => c.command);
  assert.deepEqual(names(app.sim.commands()), ["start", "id"]);
  assert.deepEqual(names(app.sim.commands({ type: "default" }, "ru")), ["start", "id"]);
  const adminA = app.sim.commands({ type: "chat", chat_id: ADMIN_A }) as Command[];
  assert.ok(names(adminA).includes("ban"));
  assert.ok(!names(app.sim.commands()).includes("ban"));
  const adminB = app.sim.commands({ type: "chat", chat_id: ADMIN_B }) as Command[];
  assert.match(adminB.find((c) => c.command === "ban")!.description, /Заблокировать/);
});

Deno.test("commands: a failure is logged, never thrown", async () => {
  await using app = await createTestApp();
  const api = app.bot.api;
  const failing = Object.create(api);
  failing.setMyCommands = () => Promise.reject(new Error("network down"));
  await registerCommands(failing, app.deps);
});
