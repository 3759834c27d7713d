/**
 * The outbox sender: sends what waits in the outbox (store/outbox.ts), one
 * chat at a time, in order, within Telegram's limits.
 *
 * Each chat with waiting items gets one loop. Before each send it waits for
 * the chat's turn (telegram/pacing.ts) and only then looks at what waits, so
 * that the texts of one ticket that piled up meanwhile (a busy agent chat, a
 * burst) go as one message. A ticket's items go in order; another ticket's
 * items are not held up by an album still being received or a failed send
 * waiting for its retry. A send that fails for a while (429, 5xx, no network)
 * is tried again with a growing pause, for as long as it takes: nothing is
 * dropped but what Telegram refuses for good (a 403: the chat blocked the
 * bot; a 400), and an agent whose answer is refused is told so.
 *
 * Several processes may share a store: an item is claimed (version checked)
 * right before it is sent, for {@link CLAIM_MS}, and the claim is renewed
 * while the send runs (a send may wait out a 429 for minutes). So a live
 * sender keeps its items, and a claim left by a killed process lapses within
 * seconds: the next process sends the item soon after its start. Delivery is
 * at-least-once: a kill between a send and the commit that records it sends
 * that item again.
 *
 * @module
 */
import type { Api } from "grammy";
import type { BotDeps } from "../deps.ts";
import { reportFailure } from "./alerts.ts";
import { answerDelivered } from "../domain/ticket.ts";
import { escapeHtml } from "../html.ts";
import { userLocale } from "../i18n.ts";
import { bindT, ticketReplyKeyboard } from "../render/menu.ts";
import { adminHeader } from "../render/notices.ts";
import { keys } from "../store/keys.ts";
import {
  claimOutbox,
  listOutbox,
  outboxChats,
  type OutboxEntry,
  retryOutboxLater,
  stageOutbox,
} from "../store/outbox.ts";
import {
  getMessage,
  getTicket,
  type MessageRef,
  recordCopies,
  recordShown,
  STORED_TEXT_LIMIT,
  type TicketMessage,
  updateTicket,
} from "../store/tickets.ts";
import { getUser, markUnreachable } from "../store/users.ts";
import {
  CAPTION_LIMIT,
  CAPTIONED,
  isUnreachableError,
  splitForHtml,
  storedMessages,
  TEXT_LIMIT,
} from "../telegram/content.ts";
import type { Pacer } from "../telegram/pacing.ts";
import { deliver } from "../telegram/send.ts";
import { agentChats, inTopic, postCard } from "./topics.ts";
import { displayName } from "../render/card.ts";
import type { Ticket } from "../domain/ticket.ts";
import { adminLocale } from "./notify.ts";
import { GrammyError } from "grammy";
import { commit, whileLocked } from "../store/locked.ts";

/**
 * How long a claim lasts unless its sender renews it (every third of it while
 * the send runs): what a process killed mid-send delays its items by.
 */
export const CLAIM_MS = 15_000;
/** The longest pause between two attempts of a failed send. */
const MAX_BACKOFF_MS = 5 * 60_000;
/** A 429 that holds a chat this long is alerted at once (auto-retry gave up on it). */
const LONG_WAIT_MS = 60_000;
/** How often every chat's outbox is looked at (items other processes left, expired claims). */
const SWEEP_MS = 30_000;

/** The per-process sender. */
export interface Outbox {
  /** Sends what waits for `chatId` (starts its loop unless it runs). */
  wake(chatId: number): void;
  /** Wakes every chat that has something waiting (start-up, and every half minute). */
  wakeAll(): Promise<void>;
  /** Resolves once nothing is being sent and nothing will be ready within a second (tests, shutdown). */
  settle(): Promise<void>;
  /** Stops the loops and timers; waits for sends in flight. */
  stop(): Promise<void>;
}

/** One send: a ticket's item, or its texts that waited together. */
type Batch = OutboxEntry[];

/**
 * Creates the sender of one process.
 *
 * @example
 * ```ts
 * const outbox = createOutbox({ deps, api: bot.api, pacer });
 * deps.wake = outbox.wake;
 * await outbox.wakeAll();
 * ```
 */
export function createOutbox(options: { deps: BotDeps; api: Api; pacer: Pacer }): Outbox {
  const { deps, api, pacer } = options;
  const loops = new Map<number, Promise<void>>();
  const dirty = new Set<number>();
  const timers = new Map<number, { timer: ReturnType<typeof setTimeout>; at: number }>();
  const stopping = new AbortController();
  let sweep: ReturnType<typeof setInterval> | undefined;

  const later = (chatId: number, ms: number) => {
    const at = Date.now() + ms;
    const pending = timers.get(chatId);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      timers.delete(chatId);
      wake(chatId);
    }, ms);
    timers.set(chatId, { timer, at });
  };

  const wake = (chatId: number) => {
    if (stopping.signal.aborted) return;
    dirty.add(chatId);
    if (loops.has(chatId)) return;
    const loop = drain(chatId).catch((error) => {
      reportFailure(deps, error, "The outbox sender failed", { chatId });
      later(chatId, 5_000);
    }).finally(() => {
      loops.delete(chatId);
      if (dirty.has(chatId)) wake(chatId);
    });
    loops.set(chatId, loop);
  };

  const drain = async (chatId: number) => {
    while (dirty.delete(chatId) && !stopping.signal.aborted) {
      for (;;) {
        let batch = await next(chatId);
        if (!batch) break;
        if (pacer.delay(chatId) > 0) {
          await pacer.ready(chatId, stopping.signal);
          if (stopping.signal.aborted) return;
          // What waits now, after the wait for the chat's turn: texts that came meanwhile join.
          batch = await next(chatId);
          if (!batch) break;
        }
        const claimed = await claimOutbox(deps.kv, batch, Date.now() + CLAIM_MS);
        if (claimed) await send(chatId, claimed);
      }
    }
  };

  /** The next batch of a chat, or null (a timer is set for what is not ready yet). */
  const next = async (chatId: number): Promise<Batch | null> => {
    const entries = await listOutbox(deps.kv, chatId);
    const now = Date.now();
    let wait = Infinity;
    let held: number | undefined;
    for (const [index, entry] of entries.entries()) {
      const item = entry.value;
      if (item.ticketId === held) continue;
      const until = Math.max(item.readyAt, item.claimedUntil ?? 0);
      if (until > now) {
        // This ticket's later items wait behind it; other tickets go on.
        held = item.ticketId;
        wait = Math.min(wait, until - now);
        continue;
      }
      return await withWaitingTexts(entries.slice(index), now);
    }
    if (wait < Infinity) later(chatId, wait);
    return null;
  };

  /** `entries[0]`, with the texts of its ticket right after it when it is one. */
  const withWaitingTexts = async (entries: OutboxEntry[], now: number): Promise<Batch> => {
    const [head] = entries;
    if (head.value.kind !== "copy") return [head];
    // A ticket's items lie side by side (keys sort by chat, then ticket).
    const followers: OutboxEntry[] = [];
    for (const entry of entries.slice(1, 10)) {
      const item = entry.value;
      const free = item.readyAt <= now && (item.claimedUntil ?? 0) <= now;
      if (item.ticketId !== head.value.ticketId || item.kind !== "copy" || !free) break;
      followers.push(entry);
    }
    if (followers.length === 0) return [head];
    const records = await deps.kv.getMany<TicketMessage[]>(
      [head, ...followers].map((e) => keys.ticketMessage(e.value.ticketId, e.value.seq)),
    );
    if (!groupable(records[0].value)) return [head];
    const batch = [head];
    let length = records[0].value!.text!.length;
    for (const [index, entry] of followers.entries()) {
      const record = records[index + 1].value;
      if (!groupable(record)) break;
      length += record!.text!.length + 2;
      if (length > TEXT_LIMIT - 300) break;
      batch.push(entry);
    }
    return batch;
  };

  const send = async (chatId: number, batch: Batch) => {
    const item = batch[0].value;
    if (chatId < 0 && chatId !== deps.config.supportChatId) return await moveToAgents(batch);
    const release = holdClaim(batch);
    try {
      if (item.kind === "card") await sendCard(batch[0]);
      else if (item.kind === "copy") await sendCopies(batch);
      else if (item.kind === "edit") await sendEdit(batch[0]);
      else if (item.kind === "sent" || item.kind === "blocked" || item.kind === "failed") {
        await sendNote(batch[0]);
      } else await sendTopicNotice(batch[0]);
    } catch (error) {
      await release();
      await failed(chatId, batch, error);
    } finally {
      await release();
    }
  };

  /**
   * Renews the claim on `batch` while its send runs (the entries get the new
   * versions); the returned function stops renewing and waits for a renewal
   * under way. The commits that end a send delete the items unchecked, so a
   * renewal that lands before them changes nothing and one after them fails.
   */
  const holdClaim = (batch: Batch): () => Promise<void> => {
    let renewing = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        const renewed = await claimOutbox(deps.kv, batch, Date.now() + CLAIM_MS);
        if (renewed) batch.splice(0, batch.length, ...renewed);
      }).catch((error) => deps.log.warn("Could not renew an outbox claim", { error }));
    }, CLAIM_MS / 3);
    return async () => {
      clearInterval(timer);
      await renewing;
    };
  };

  /**
   * Items left for a support group that is no longer SUPPORT_CHAT_ID (the
   * setting changed): cards and customers' messages go to where agents are
   * now; the group's own notices are dropped with it.
   */
  const moveToAgents = async (batch: Batch) => {
    const to = agentChats(deps.config);
    const op = deps.kv.atomic();
    for (const entry of batch) {
      op.check(entry).delete(entry.key);
      const { ticketId, seq, kind } = entry.value;
      if (kind !== "card" && kind !== "copy") continue;
      for (const chatId of to) stageOutbox(op, { chatId, ticketId, seq, kind });
    }
    if ((await commit(op)).ok) to.forEach(wake);
  };

  const sendCard = async (entry: OutboxEntry) => {
    const { chatId, ticketId } = entry.value;
    const ticket = await getTicket(deps.kv, ticketId);
    if (!ticket) return await whileLocked(() => deps.kv.delete(entry.key));
    const done = (op: Deno.AtomicOperation) => void op.delete(entry.key);
    if (chatId !== deps.config.supportChatId) {
      return await postCard(deps, api, { chatId }, ticket, done);
    }
    await inTopic(
      deps,
      api,
      { ticket, postsCard: true },
      (threadId) => postCard(deps, api, { chatId, threadId }, ticket, done),
    );
  };

  /** Runs `send` in the customer's topic when `chatId` is the support group. */
  const where = <T>(
    chatId: number,
    ticket: Ticket,
    send: (to: { chatId: number; threadId?: number }) => Promise<T>,
  ): Promise<T> =>
    chatId === deps.config.supportChatId
      ? inTopic(deps, api, { ticket }, (threadId) => send({ chatId, threadId }))
      : send({ chatId });

  const sendCopies = async (batch: Batch) => {
    const { chatId, ticketId } = batch[0].value;
    const records = (await deps.kv.getMany<TicketMessage[]>(
      batch.map((e) => keys.ticketMessage(e.value.ticketId, e.value.seq)),
    )).map((entry) => entry.value);
    const ticket = await getTicket(deps.kv, ticketId);
    const first = records[0];
    if (!ticket || !first) {
      const op = deps.kv.atomic();
      for (const entry of batch) op.delete(entry.key);
      return void await commit(op);
    }
    const { headerHtml, keyboard } = await headerOf(first, chatId, ticket);
    let ids: number[];
    if (first.direction === "in") {
      ids = await where(chatId, ticket, async (to) => {
        if (batch.length === 1) {
          // A ticket's first message comes right under its card, which has the buttons.
          return await deliver(api, to, storedMessages(first), {
            headerHtml,
            keyboard: first.seq === 1 ? undefined : keyboard,
          });
        }
        const texts = records.map((r) => escapeHtml(r!.current ?? r!.text!)).join("\n\n");
        const sent = await api.sendMessage(chatId, `${headerHtml}\n\n${texts}`, {
          reply_markup: keyboard,
          ...(to.threadId === undefined ? {} : { message_thread_id: to.threadId }),
        });
        return [sent.message_id];
      });
    } else {
      ids = await deliver(api, { chatId }, storedMessages(first), { headerHtml });
    }
    const copy: MessageRef = { chatId, messageIds: ids, ...editable(first, batch.length, ids) };
    const answer = first.direction === "out";
    // An answer written in the support group needs no note: the agents see it there.
    const note = answer && first.source.chatId !== deps.config.supportChatId;
    for (const [index, entry] of batch.entries()) {
      const { seq } = entry.value;
      await recordCopies(deps.kv, { ticketId, seq, copies: [copy] }, (op) => {
        op.delete(entry.key);
        if (note) stageOutbox(op, { chatId: first.authorId, ticketId, seq, kind: "sent" });
      });
      if (answer && index === 0) {
        // The customer has the answer: auto-close counts from now.
        const now = deps.clock.now();
        await updateTicket(
          deps.kv,
          ticketId,
          (t) => answerDelivered(t, now, deps.config.autoCloseAfterHours),
        );
        if (note) wake(first.authorId);
      }
    }
  };

  /**
   * The header of a message's copies in `chatId`, and the buttons under them:
   * for agents, the ticket and the customer; for the customer, "Support" (or,
   * with AGENT_NAMES, the first name of the agent who wrote it).
   */
  const headerOf = async (record: TicketMessage, chatId: number, ticket: Ticket) => {
    const user = await getUser(deps.kv, ticket.userId);
    if (record.direction === "in") {
      const t = bindT(deps.i18n, await adminLocale(deps, chatId));
      return {
        t,
        headerHtml: adminHeader(t, ticket.id, user, ticket.userId),
        keyboard: ticketReplyKeyboard(t, ticket.id),
      };
    }
    const t = bindT(deps.i18n, userLocale(user, deps.config.defaultLocale));
    const id = String(ticket.id);
    const agent = deps.config.agentNames ? await agentFirstName(record.authorId) : undefined;
    const headerHtml = agent
      ? t("conv-user-header-agent", { id, name: escapeHtml(agent) })
      : t("conv-user-header", { id });
    return { t, headerHtml, keyboard: undefined };
  };

  /** An agent's first name as customers see it (AGENT_NAMES); undefined when not known. */
  const agentFirstName = async (agentId: number): Promise<string | undefined> => {
    const first = (await getUser(deps.kv, agentId))?.firstName.trim();
    // A record made without a profile holds the id as its name: not a name.
    if (!first || first === String(agentId)) return undefined;
    return [...first].slice(0, 64).join("");
  };

  /**
   * Copies follow an edit of their message: edited in place where the copy is
   * one message with the text (or the caption) under its header, else
   * answered with a new message carrying the new text. A copy not sent yet
   * needs nothing: it will be sent with the new text.
   */
  const sendEdit = async (entry: OutboxEntry) => {
    const { chatId, ticketId, seq } = entry.value;
    const done = () => whileLocked(() => deps.kv.delete(entry.key));
    const edit = await getMessage(deps.kv, ticketId, seq);
    const original = edit?.editOf === undefined
      ? null
      : await getMessage(deps.kv, ticketId, edit.editOf);
    const ticket = await getTicket(deps.kv, ticketId);
    if (!original || !ticket) return await done();
    const text = original.current ?? original.text ?? "";
    const { t, headerHtml, keyboard } = await headerOf(original, chatId, ticket);
    const header = `${headerHtml} · ${t("conv-edited-mark")}`;
    // Buttons stay as they were: the first message of a ticket has none (its card has them).
    const buttons = keyboard && original.seq !== 1 ? { reply_markup: keyboard } : {};
    for (const copy of original.copies.filter((c) => c.chatId === chatId)) {
      if (copy.form && copy.shown === text) continue;
      const html = `${header}\n\n${escapeHtml(text)}`;
      const messageId = copy.messageIds[0];
      try {
        if (copy.form === "text" && html.length <= TEXT_LIMIT) {
          await api.editMessageText(chatId, messageId, html, {
            ...buttons,
            link_preview_options: { is_disabled: true },
          });
        } else if (copy.form === "caption" && html.length <= CAPTION_LIMIT) {
          await api.editMessageCaption(chatId, messageId, { caption: html, ...buttons });
        } else {
          await answerCopy(chatId, ticket, { copy, header, text, seq: original.seq });
          continue;
        }
      } catch (error) {
        // Too old, or gone: Telegram will not edit it; the new text answers it instead.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
        await answerCopy(chatId, ticket, { copy, header, text, seq: original.seq });
        continue;
      }
      await recordShown(deps.kv, { ticketId, seq: original.seq, chatId, shown: text });
    }
    await done();
  };

  /** A new message with the edited text, answering a copy that cannot be edited. */
  const answerCopy = async (
    chatId: number,
    ticket: Ticket,
    edit: { copy: MessageRef; header: string; text: string; seq: number },
  ) => {
    const budget = TEXT_LIMIT - edit.header.length - 2;
    const [first = ""] = splitForHtml(edit.text, budget);
    const sent = await where(
      chatId,
      ticket,
      (to) =>
        api.sendMessage(chatId, `${edit.header}\n\n${escapeHtml(first)}`, {
          reply_parameters: {
            message_id: edit.copy.messageIds.at(-1)!,
            allow_sending_without_reply: true,
          },
          ...(to.threadId === undefined ? {} : { message_thread_id: to.threadId }),
        }),
    );
    // A Telegram reply to it answers the ticket, as to the copy it answers.
    await commit(
      deps.kv.atomic().set(keys.copy(chatId, sent.message_id), {
        ticketId: ticket.id,
        seq: edit.seq,
      }),
    );
  };

  /** The agent's note about an answer: sent, the customer blocked the bot, or refused. */
  const sendNote = async (entry: OutboxEntry) => {
    const { chatId, ticketId, seq, kind } = entry.value;
    const record = await getMessage(deps.kv, ticketId, seq);
    const t = bindT(deps.i18n, await adminLocale(deps, chatId));
    const key = kind === "sent"
      ? "conv-reply-sent"
      : kind === "blocked"
      ? "conv-reply-blocked"
      : "conv-reply-failed";
    const replyTo = record?.source.chatId === chatId
      ? {
        reply_parameters: {
          message_id: record.source.messageIds[0],
          allow_sending_without_reply: true,
        },
      }
      : {};
    const ticket = await getTicket(deps.kv, ticketId);
    if (!ticket) return await whileLocked(() => deps.kv.delete(entry.key));
    const sent = await where(
      chatId,
      ticket,
      (to) =>
        api.sendMessage(chatId, t(key, { id: String(ticketId) }), {
          ...(kind === "sent" ? { reply_markup: ticketReplyKeyboard(t, ticketId) } : {}),
          ...(to.threadId === undefined ? {} : { message_thread_id: to.threadId }),
          ...replyTo,
        }),
    );
    await commit(
      deps.kv.atomic().set(keys.copy(chatId, sent.message_id), { ticketId, seq }).delete(entry.key),
    );
  };

  const failed = async (chatId: number, batch: Batch, error: unknown) => {
    const item = batch[0].value;
    const permanent = error instanceof GrammyError && error.error_code !== 429 &&
      error.error_code < 500;
    if (!permanent) {
      const attempts = item.attempts + 1;
      // A 429 names how long Telegram refuses the chat: no sooner than that.
      const retryAfter = error instanceof GrammyError
        ? (error.parameters.retry_after ?? 0) * 1000
        : 0;
      const pause = Math.max(
        retryAfter,
        Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 9)),
      );
      if (attempts === 1 && retryAfter >= LONG_WAIT_MS) {
        reportFailure(deps, error, "Telegram holds a chat for long; its message waits", {
          chatId,
          ticketId: item.ticketId,
          pause,
        });
      } else if (attempts === 3) {
        reportFailure(deps, error, "Telegram keeps refusing a message; it is tried again", {
          chatId,
          ticketId: item.ticketId,
        });
      } else deps.log.warn("A send failed; it is tried again", { chatId, error, pause });
      for (const entry of batch) await retryOutboxLater(deps.kv, entry, Date.now() + pause);
      later(chatId, pause);
      return;
    }
    // Refused for good: the chat blocked the bot (403), or Telegram will not take it (400).
    const unreachable = isUnreachableError(error);
    if (!unreachable) {
      reportFailure(deps, error, "Telegram refused a message", { chatId, ticketId: item.ticketId });
    }
    const record = item.kind === "copy" ? await getMessage(deps.kv, item.ticketId, item.seq) : null;
    const answer = record?.direction === "out";
    if (answer && unreachable) await markUnreachable(deps.kv, chatId);
    const op = deps.kv.atomic();
    for (const entry of batch) op.delete(entry.key);
    // The agent hears of it where the answer was written: the support group, or their chat.
    const noteChat = record?.source.chatId === deps.config.supportChatId
      ? record!.source.chatId
      : record?.authorId ?? 0;
    if (answer) {
      stageOutbox(op, {
        chatId: noteChat,
        ticketId: item.ticketId,
        seq: item.seq,
        kind: unreachable ? "blocked" : "failed",
      });
    }
    await commit(op);
    if (answer) wake(noteChat);
  };

  /**
   * What the support group's topic shows of a ticket besides its messages:
   * its closure, its rating, or (with every item there) its status in the
   * topic's name.
   */
  const sendTopicNotice = async (entry: OutboxEntry) => {
    const { chatId, ticketId, kind } = entry.value;
    const ticket = await getTicket(deps.kv, ticketId);
    if (!ticket || chatId !== deps.config.supportChatId) {
      return await whileLocked(() => deps.kv.delete(entry.key));
    }
    const t = bindT(deps.i18n, await adminLocale(deps, chatId));
    const text = kind === "closed"
      ? await closureText(t, ticket)
      : kind === "rated"
      ? t("conv-topic-rated", { id: String(ticketId), stars: "⭐".repeat(ticket.rating ?? 0) })
      : undefined;
    await inTopic(deps, api, { ticket }, async (threadId) => {
      if (text) await api.sendMessage(chatId, text, { message_thread_id: threadId });
    });
    await whileLocked(() => deps.kv.delete(entry.key));
  };

  const closureText = async (t: ReturnType<typeof bindT>, ticket: Ticket): Promise<string> => {
    const id = String(ticket.id);
    if (ticket.closedBy === "auto" || ticket.closedBy === undefined) {
      return t("jobs-autoclose-admin-one", { id, hours: deps.config.autoCloseAfterHours });
    }
    const agent = await getUser(deps.kv, ticket.closedBy);
    return t("conv-topic-closed", { id, agent: escapeHtml(displayName(agent, ticket.closedBy)) });
  };

  return {
    wake,
    async wakeAll() {
      for (const chatId of await outboxChats(deps.kv)) wake(chatId);
      sweep ??= setInterval(() => {
        outboxChats(deps.kv).then((chats) => chats.forEach(wake)).catch((error) =>
          reportFailure(deps, error, "Could not read the outbox")
        );
      }, SWEEP_MS);
    },
    async settle() {
      for (;;) {
        if (loops.size) {
          await Promise.all([...loops.values()]);
          continue;
        }
        const soon = [...timers.values()].filter((t) => t.at - Date.now() < 1000);
        if (soon.length === 0) return;
        const until = Math.max(...soon.map((t) => t.at)) - Date.now() + 5;
        await new Promise((resolve) => setTimeout(resolve, Math.max(until, 1)));
      }
    },
    async stop() {
      stopping.abort();
      clearInterval(sweep);
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all([...loops.values()]);
    },
  };
}

/** How a copy just sent can follow a later edit of its message (see MessageRef). */
function editable(
  record: TicketMessage,
  batchSize: number,
  ids: number[],
): Pick<MessageRef, "form" | "shown"> {
  if (batchSize > 1 || ids.length !== 1) return {};
  const shown = record.current ?? record.text ?? "";
  if (record.kind === "text" && shown.length <= STORED_TEXT_LIMIT) return { form: "text", shown };
  return CAPTIONED.has(record.kind) ? { form: "caption", shown } : {};
}

/** Whether a stored message is a text that can go together with others. */
function groupable(record: TicketMessage | null): boolean {
  return record !== null && record.direction === "in" && record.kind === "text" &&
    record.text !== undefined && record.text.length <= STORED_TEXT_LIMIT &&
    record.text.length < TEXT_LIMIT - 300;
}
