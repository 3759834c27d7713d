import assert from "node:assert/strict";
import { createTestApp } from "../helpers/app.ts";
import { createAlerts } from "../../src/services/alerts.ts";

const ALERT_CHAT = -1009876543210;

async function setup(env: Record<string, string> = {}, options: { group?: boolean } = {}) {
  const app = await createTestApp({ env: { ALERT_CHAT_ID: String(ALERT_CHAT), ...env } });
  if (options.group !== false) app.sim.addGroup(ALERT_CHAT, { isForum: true });
  const alerts = createAlerts(app.deps);
  alerts.attach(app.bot.api);
  return { app, alerts };
}

Deno.test("alerts: start-up and shutdown send the localized defaults", async () => {
  const { app, alerts } = await setup({ DEFAULT_LOCALE: "ru" });
  await using _ = app;
  await alerts.started();
  await alerts.stopped();
  const texts = app.sim.textsTo(ALERT_CHAT);
  assert.equal(texts.length, 2);
  assert.match(texts[0], /запущен/);
  assert.match(texts[1], /остановлен/);
});

Deno.test("alerts: START_ALERT and SHUTDOWN_ALERT are texts, escaped, sent in ALERT_TOPIC_ID", async () => {
  const { app, alerts } = await setup({
    START_ALERT: "Bot <up> & running",
    SHUTDOWN_ALERT: "Bye <b>now</b>",
    ALERT_TOPIC_ID: "42",
  });
  await using _ = app;
  app.sim.addTopic(ALERT_CHAT, 42);
  await alerts.started();
  await alerts.stopped();
  const sent = app.sim.sentTo(ALERT_CHAT);
  assert.deepEqual(sent.map((c) => String(c.payload.text)), [
    "Bot &lt;up&gt; &amp; running",
    "Bye &lt;b&gt;now&lt;/b&gt;",
  ]);
  assert.deepEqual(sent.map((c) => Number(c.payload.message_thread_id)), [42, 42]);
  assert.deepEqual(
    app.sim.messagesIn(ALERT_CHAT).map((m) => m.text),
    ["Bot <up> & running", "Bye <b>now</b>"],
  );
});

Deno.test("alerts: without ALERT_CHAT_ID nothing is sent and nothing fails", async () => {
  await using app = await createTestApp({ env: { ERROR_ALERTS_ENABLED: "true" } });
  const alerts = createAlerts(app.deps);
  alerts.attach(app.bot.api);
  await alerts.started();
  await alerts.send("hello");
  alerts.error(new Error("boom"), "somewhere");
  await alerts.stopped();
  assert.equal(app.sim.calls.length, 0);
});

Deno.test("alerts: a failing alert send never throws into the caller", async () => {
  const { app, alerts } = await setup({ ERROR_ALERTS_ENABLED: "true" }, { group: false });
  await using _ = app;
  // The alert chat does not exist: every send fails on purpose.
  app.sim.allowErrors((e) => e.error.description === "Bad Request: chat not found");
  await alerts.started(); // "chat not found"
  await alerts.send("<b>x</b>");
  alerts.error(new Error("boom"), "job");
  await alerts.flush();
  await alerts.stopped();
  assert.ok(app.sim.calls.length >= 3);
  assert.equal(app.sim.calls.filter((c) => c.response.ok).length, 0);
});

Deno.test("alerts: errors are throttled and the next alert says how many were held back", async () => {
  const { app, alerts } = await setup({
    ERROR_ALERTS_ENABLED: "true",
    ERROR_ALERT_THROTTLE_SEC: "60",
  });
  await using _ = app;
  const failure = new TypeError("Cannot read <properties> of undefined");
  failure.stack = "TypeError: secret stack\n    at handler (file:///src/x.ts:1:1)";
  alerts.error(failure, "update 17");
  alerts.error(new Error("second"), "update 18");
  app.clock.advance(30_000);
  alerts.error(new Error("third"), "update 19");
  await alerts.flush();
  let texts = app.sim.textsTo(ALERT_CHAT);
  assert.equal(texts.length, 1);
  assert.match(texts[0], /update 17/);
  assert.match(texts[0], /Cannot read &lt;properties&gt; of undefined/);
  assert.ok(!texts[0].includes("file:///"), "no stack trace");

  app.clock.advance(31_000);
  alerts.error(new Error("fourth"), "job backup");
  await alerts.flush();
  texts = app.sim.textsTo(ALERT_CHAT);
  assert.equal(texts.length, 2);
  assert.match(texts[1], /fourth/);
  assert.match(texts[1], /2 more errors were held back/);
});

Deno.test("alerts: error alerts are off unless ERROR_ALERTS_ENABLED=true, and never show the token", async () => {
  const off = await setup();
  await using _off = off.app;
  off.alerts.error(new Error("boom"), "x");
  await off.alerts.flush();
  assert.equal(off.app.sim.calls.length, 0);

  const on = await setup({ ERROR_ALERTS_ENABLED: "true" });
  await using _on = on.app;
  on.alerts.error(
    new Error(`fetch https://api.telegram.org/bot${on.app.config.botToken}/getMe failed`),
    "x",
  );
  await on.alerts.flush();
  const text = on.app.sim.textsTo(ALERT_CHAT)[0];
  assert.ok(!text.includes(on.app.config.botToken));
  assert.match(text, /bot\*\*\*\/getMe/);
});
