/**
 * The bare grammY bot the idle memory is compared with: an open Deno KV file
 * and one message handler that does one `kv.set` and one reply, long polling
 * with `bot.start()`. Started by `run.ts` as its own process, like the real bot.
 *
 * Usage: BOT_TOKEN=… TELEGRAM_API_ROOT=… deno run -A bench/bare_bot.ts <store path>
 *
 * @module
 */
import { Bot } from "grammy";

const path = Deno.args[0];
const token = Deno.env.get("BOT_TOKEN");
const apiRoot = Deno.env.get("TELEGRAM_API_ROOT");
if (!path || !token || !apiRoot) {
  throw new Error("Usage: BOT_TOKEN=… TELEGRAM_API_ROOT=… bare_bot.ts <store path>");
}

const kv = await Deno.openKv(path);
const bot = new Bot(token, { client: { apiRoot } });
bot.on("message", async (ctx) => {
  await kv.set(["message", ctx.chat.id, ctx.message.message_id], {
    text: ctx.message.text ?? "",
    at: Date.now(),
  });
  await ctx.reply("Thanks, we got your message.");
});

Deno.addSignalListener("SIGTERM", () => bot.stop());
await bot.start({ drop_pending_updates: false });
kv.close();
