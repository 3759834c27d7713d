/**
 * Start-up's first call: getMe, until Telegram answers.
 *
 * The network may come up after the bot (a server's boot, a container that
 * starts before its network), so an unreachable Bot API is not fatal: the bot
 * says so and tries again with growing pauses, for as long as it takes or
 * until it is told to stop. A refused token is fatal at once: no retry fixes it.
 * grammY's own `bot.init()` retries too, but silently and with pauses of up to
 * 20 minutes; this loop says what is going on and never waits more than a minute.
 *
 * @module
 */
import { type Api, type Bot, GrammyError, HttpError } from "grammy";
import type { BotContext } from "./context.ts";
import { describeError, type Logger } from "../log.ts";
import { redactUrl } from "../config.ts";

/** The pause after the first failure; it doubles up to {@link MAX_PAUSE_MS}. */
export const FIRST_PAUSE_MS = 1_000;
/** The longest pause between two attempts. */
export const MAX_PAUSE_MS = 60_000;

/** Telegram answered, and refused: the token is wrong or revoked. */
export class TokenRefusedError extends Error {
  constructor(readonly description: string) {
    super(`Telegram refused BOT_TOKEN: ${description}`);
    this.name = "TokenRefusedError";
  }
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  log: Logger;
  apiRoot: string;
  /** Aborted on a stop signal: connect then throws the abort reason. */
  stopping: AbortSignal;
  /** The pause between attempts (replaceable in tests). */
  pause?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Calls getMe until it succeeds and gives the bot its identity.
 *
 * @throws {TokenRefusedError} when Telegram refuses the token (401, 404).
 * @throws the abort reason when `stopping` is aborted first.
 */
export async function connect(bot: Bot<BotContext>, options: ConnectOptions): Promise<void> {
  const pause = options.pause ?? abortableSleep;
  let delay = FIRST_PAUSE_MS;
  for (let attempt = 1;; attempt++) {
    options.stopping.throwIfAborted();
    try {
      bot.botInfo = await bot.api.getMe(
        // grammY types the signal with its Node shim; the standard one is what it uses.
        options.stopping as unknown as Parameters<typeof bot.api.getMe>[0],
      );
      if (attempt > 1) options.log.info("Telegram answered", { attempts: attempt });
      return;
    } catch (error) {
      options.stopping.throwIfAborted();
      if (isTokenRefusal(error)) throw new TokenRefusedError(error.description);
      if (!isTransient(error)) throw error;
      options.log.warn(
        `Telegram cannot be reached; trying again in ${Math.round(delay / 1000)} s`,
        { apiRoot: redactUrl(options.apiRoot), attempt, reason: describeError(error) },
      );
      await pause(delay, options.stopping);
      delay = Math.min(MAX_PAUSE_MS, delay * 2);
    }
  }
}

function isTokenRefusal(error: unknown): error is GrammyError {
  return error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404);
}

/** No answer at all, or an answer that says "later": worth another try. */
function isTransient(error: unknown): boolean {
  return error instanceof HttpError ||
    (error instanceof GrammyError && (error.error_code >= 500 || error.error_code === 429));
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * What keeps SUPPORT_CHAT_ID from working, in words for the self-hoster, or
 * null when the chat is a forum where the bot may manage topics. Network
 * failures are thrown (the caller decides); Telegram's refusals are answers.
 */
export async function supportGroupProblem(
  api: Api,
  chatId: number,
  botId: number,
): Promise<string | null> {
  let chat;
  try {
    chat = await api.getChat(chatId);
  } catch (error) {
    if (error instanceof GrammyError && error.error_code < 500 && error.error_code !== 429) {
      return `Telegram does not show the bot that chat (${error.description}): add the bot to the group`;
    }
    throw error;
  }
  if (chat.type !== "supergroup" || !chat.is_forum) {
    return "the chat is not a forum: turn on Topics in the group's settings (this makes it a supergroup)";
  }
  const member = await api.getChatMember(chatId, botId);
  if (member.status === "creator") return null;
  if (member.status !== "administrator") {
    return "the bot is not an administrator of the group: promote it with the right to manage topics";
  }
  if (!member.can_manage_topics) {
    return "the bot may not manage topics: give it the administrator right 'Manage topics'";
  }
  return null;
}
