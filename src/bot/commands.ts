/**
 * Bot commands shown in Telegram's menu. Placeholder until the conversation issue.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "./context.ts";

/** Registers the command lists with setMyCommands. */
export async function registerCommands(_api: Api, _deps: BotDeps): Promise<void> {}
