/**
 * The support group (SUPPORT_CHAT_ID): one forum topic per customer, named
 * after the open ticket, created on the first event that needs it and
 * recreated when someone deleted it.
 *
 * Everything the bot posts into a topic goes through {@link inTopic}: it
 * finds (or creates, or renames) the customer's topic, and when Telegram
 * answers that the topic is gone ("message thread not found",
 * `TOPIC_DELETED`) it forgets it, creates a new one with the ticket's card,
 * and sends there: the message that met the deleted topic is delivered once.
 *
 * @module
 */
import { type Api, GrammyError } from "grammy";
import type { Config } from "../config.ts";
import type { BotDeps } from "../deps.ts";
import type { Ticket } from "../domain/ticket.ts";
import { displayName, renderCardKeyboard, renderCardText } from "../render/card.ts";
import { keys } from "../store/keys.ts";
import { commit } from "../store/locked.ts";
import { getTicket } from "../store/tickets.ts";
import { stageOutbox } from "../store/outbox.ts";
import {
  claimTopic,
  forgetTopic,
  getTopic,
  saveTopic,
  TOPIC_CLAIM_MS,
  type TopicRecord,
} from "../store/topics.ts";
import { getUser, type UserRecord } from "../store/users.ts";
import { loadCardData } from "./card_data.ts";
import { adminLocale } from "./notify.ts";

/** Telegram's longest topic name. */
export const TOPIC_NAME_LIMIT = 128;

/** The status marks that lead a topic's name. */
const STATUS_MARK = { new: "🆕", in_progress: "💬", closed: "✅" } as const;

/** Where agents get what concerns tickets: the support group, or each agent's private chat. */
export function agentChats(config: Pick<Config, "supportChatId" | "adminIds">): readonly number[] {
  return config.supportChatId === undefined ? config.adminIds : [config.supportChatId];
}

/** A topic's name: status mark, `#id` of the ticket, the customer's name; at most 128 characters. */
export function topicName(ticket: Ticket, user: UserRecord | null): string {
  const name = `${STATUS_MARK[ticket.status]} #${ticket.id} ${displayName(user, ticket.userId)}`;
  const chars = [...name];
  return chars.length > TOPIC_NAME_LIMIT
    ? chars.slice(0, TOPIC_NAME_LIMIT - 1).join("") + "…"
    : name;
}

/** Whether Telegram answered that the topic is gone (someone deleted it). */
export function isTopicGone(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 &&
    /message thread not found|TOPIC_DELETED|TOPIC_ID_INVALID/i.test(error.description);
}

/** Another call is creating this customer's topic right now: try again shortly. */
export class TopicBusyError extends Error {
  constructor(userId: number) {
    super(`The topic of user ${userId} is being created`);
    this.name = "TopicBusyError";
  }
}

/**
 * Runs `send` with the thread of the customer's topic in the support group,
 * creating the topic (and posting the ticket's card in it, unless `send`
 * posts the card itself) when there is none, and renaming it when the ticket
 * it should name or its status changed. A topic found deleted is replaced and
 * `send` runs again in the new one.
 */
export async function inTopic<T>(
  deps: BotDeps,
  api: Api,
  options: { ticket: Ticket; postsCard?: boolean },
  send: (threadId: number) => Promise<T>,
): Promise<T> {
  const chatId = deps.config.supportChatId!;
  const { userId } = options.ticket;
  for (let attempt = 1;; attempt++) {
    const topic = await whileBusy(() => ensureTopic(deps, api, options.ticket));
    try {
      if (topic.created && !options.postsCard) {
        // A new topic for a ticket already under way (a deleted topic, or the group set since).
        const current = await getTicket(deps.kv, options.ticket.id) ?? options.ticket;
        await postCard(deps, api, { chatId, threadId: topic.threadId }, current);
      }
      return await send(topic.threadId);
    } catch (error) {
      if (!isTopicGone(error) || attempt >= 3) throw error;
      deps.log.warn("A customer's topic was deleted; it is created again", {
        userId,
        threadId: topic.threadId,
      });
      await forgetTopic(deps.kv, { chatId, userId, threadId: topic.threadId });
    }
  }
}

/** Runs `task` again while another caller creates the topic (a second or two), then gives up. */
async function whileBusy<T>(task: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (!(error instanceof TopicBusyError) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 100));
    }
  }
}

/**
 * The customer's topic, created when missing (claimed first, so that it is
 * created once) and renamed when it should name a later ticket or another
 * status. A rename that would change nothing is not sent.
 */
async function ensureTopic(
  deps: BotDeps,
  api: Api,
  ticket: Ticket,
): Promise<{ threadId: number; created: boolean }> {
  const chatId = deps.config.supportChatId!;
  const { userId } = ticket;
  const entry = await getTopic(deps.kv, chatId, userId);
  const found = entry.value;
  const user = await getUser(deps.kv, userId);
  if (found && "threadId" in found) {
    await rename(deps, api, { chatId, userId, topic: found, ticket, user });
    return { threadId: found.threadId, created: false };
  }
  if (found && found.creatingUntil > Date.now()) throw new TopicBusyError(userId);
  if (!await claimTopic(deps.kv, entry, Date.now() + TOPIC_CLAIM_MS)) {
    throw new TopicBusyError(userId);
  }
  const name = topicName(ticket, user);
  const created = await api.createForumTopic(chatId, name).catch(async (error) => {
    // The claim is let go at once, so the next attempt does not wait for it to lapse.
    const claim = await getTopic(deps.kv, chatId, userId);
    if (claim.value && "creatingUntil" in claim.value) {
      await commit(deps.kv.atomic().check(claim).delete(claim.key));
    }
    throw error;
  });
  await saveTopic(deps.kv, {
    chatId,
    userId,
    threadId: created.message_thread_id,
    name,
    ticketId: ticket.id,
  });
  return { threadId: created.message_thread_id, created: true };
}

/** Renames the topic to name `ticket` as it is now; never back to an older ticket. */
async function rename(
  deps: BotDeps,
  api: Api,
  input: {
    chatId: number;
    userId: number;
    topic: TopicRecord;
    ticket: Ticket;
    user: UserRecord | null;
  },
): Promise<void> {
  const { chatId, userId, topic, user } = input;
  if (input.ticket.id < topic.ticketId) return;
  // The ticket as stored now: the item being sent may carry an older state.
  const ticket = await getTicket(deps.kv, input.ticket.id) ?? input.ticket;
  const name = topicName(ticket, user);
  if (name === topic.name) return;
  try {
    await api.editForumTopic(chatId, topic.threadId, { name });
  } catch (error) {
    // Telegram has that name already (another process renamed it): only our record is behind.
    if (!(error instanceof GrammyError && /TOPIC_NOT_MODIFIED/.test(error.description))) {
      throw error;
    }
  }
  await saveTopic(deps.kv, { chatId, userId, threadId: topic.threadId, name, ticketId: ticket.id });
}

/**
 * Posts a ticket's card into a chat (a topic of the support group, or an
 * agent's private chat) and links it, so that a Telegram reply to the card
 * answers the ticket. `extra` adds mutations to that commit.
 */
export async function postCard(
  deps: BotDeps,
  api: Api,
  to: { chatId: number; threadId?: number },
  ticket: Ticket,
  extra?: (op: Deno.AtomicOperation) => void,
): Promise<void> {
  const locale = await adminLocale(deps, to.chatId);
  const card = await loadCardData(deps, ticket);
  const sent = await api.sendMessage(to.chatId, renderCardText(card, locale, deps.i18n), {
    reply_markup: renderCardKeyboard(card, locale, deps.i18n),
    link_preview_options: { is_disabled: true },
    ...(to.threadId === undefined ? {} : { message_thread_id: to.threadId }),
  });
  const op = deps.kv.atomic().set(keys.copy(to.chatId, sent.message_id), {
    ticketId: ticket.id,
    seq: 0,
  });
  extra?.(op);
  await commit(op);
}

/**
 * Adds to `op` what the customer's topic shows of a change of `ticket`: its
 * name follows the status ("topic"), the closure and the rating are posted.
 * Nothing without a support group. The caller wakes the group's sender.
 */
export function stageTopicNotice(
  op: Deno.AtomicOperation,
  config: Pick<Config, "supportChatId">,
  ticket: Pick<Ticket, "id" | "messageCount">,
  kind: "topic" | "closed" | "rated",
): void {
  if (config.supportChatId === undefined) return;
  // After the ticket's messages: a closure or rating right after the last one.
  const seq = ticket.messageCount + (kind === "topic" ? 0 : 1);
  stageOutbox(op, { chatId: config.supportChatId, ticketId: ticket.id, seq, kind });
}

/** Wakes the support group's sender, when there is a group. */
export function wakeGroup(deps: Pick<BotDeps, "config" | "wake">): void {
  if (deps.config.supportChatId !== undefined) deps.wake(deps.config.supportChatId);
}
