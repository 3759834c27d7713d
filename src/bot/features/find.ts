/**
 * `/find <query>` for agents, in their private chats and in the support
 * group: `#12` sends ticket #12's card; `@username` lists that customer's
 * tickets; a bare number is tried as a ticket id (its card) and as a user id
 * (their tickets), and as text when it is neither; any other text lists the
 * tickets whose customer name or messages contain its words (each query word
 * matches words that begin with it, case and ё/е aside). Results come newest
 * first, ten per page, one button each; a button sends the ticket's card.
 *
 * The first searches after an upgrade also build the index of older tickets
 * a little at a time (store/search.ts), and say so while it is not complete.
 *
 * @module
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { adminButton, showScreen } from "../screen.ts";
import { cardScreen } from "./card_view.ts";
import { getTicket, getTickets, linkCard } from "../../store/tickets.ts";
import { findUsersByUsername, getUser, getUsers } from "../../store/users.ts";
import { leaveReplyModeUnlessFor } from "../../store/reply_modes.ts";
import {
  FIRST_PAGE,
  type PageRequest,
  queryWords,
  reindexSearch,
  searchIndexProgress,
  type SearchQuery,
  searchTickets,
} from "../../store/search.ts";
import { keys } from "../../store/keys.ts";
import { escapeHtml } from "../../html.ts";
import { whileLocked } from "../../store/locked.ts";
import { encode, fitsCallbackData } from "../../render/callbacks.ts";
import {
  FIND_PAGE_SIZE,
  type FindTitle,
  renderFindResults,
  renderNothingFound,
} from "../../render/find.ts";

/** What a `/find` query asks for. */
export type FindQuery =
  | { kind: "empty" }
  | { kind: "ticket"; ticketId: number }
  | { kind: "username"; username: string }
  | { kind: "number"; id: number }
  | { kind: "text"; words: string[] };

/** Reads a `/find` query. */
export function parseFindQuery(raw: string): FindQuery {
  const text = raw.trim();
  if (!text) return { kind: "empty" };
  const ticket = /^#(\d{1,15})$/.exec(text);
  if (ticket && Number(ticket[1]) > 0) return { kind: "ticket", ticketId: Number(ticket[1]) };
  const username = /^@([A-Za-z0-9_]{1,32})$/.exec(text);
  if (username) return { kind: "username", username: username[1] };
  if (/^\d{1,15}$/.test(text) && Number(text) > 0) return { kind: "number", id: Number(text) };
  return { kind: "text", words: queryWords(text) };
}

/** How long the first searches after an upgrade help build the index of older tickets. */
const REINDEX_SLICE_MS = 300;

/** The find feature. */
export const findFeature = new Composer<BotContext>();

const agents = findFeature.filter((ctx) => ctx.isAdmin);

agents.command("find", async (ctx) => {
  const raw = typeof ctx.match === "string" ? ctx.match : "";
  const query = parseFindQuery(raw);
  const { deps } = ctx;
  switch (query.kind) {
    case "empty":
      return void await ctx.reply(ctx.t("find-usage"));
    case "ticket":
      if (await sendCard(ctx, query.ticketId)) return;
      return void await ctx.reply(ctx.t("card-not-found", { id: String(query.ticketId) }));
    case "username": {
      const users = await findUsersByUsername(deps.kv, query.username);
      const ids = users.map((user) => user.id);
      if (ids.length && await showResults(ctx, { userIds: ids }, FIRST_PAGE)) return;
      return void await ctx.reply(renderNothingFound(raw.trim(), ctx.locale, deps.i18n));
    }
    case "number": {
      const card = await sendCard(ctx, query.id);
      const listed = await showResults(ctx, { userIds: [query.id] }, FIRST_PAGE);
      if (card || listed) return;
      // Neither a ticket nor a customer: an order number, a phone number in the messages.
      if (await showResults(ctx, { words: queryWords(String(query.id)) }, FIRST_PAGE)) return;
      return void await ctx.reply(renderNothingFound(raw.trim(), ctx.locale, deps.i18n));
    }
    case "text":
      if (query.words.length === 0) {
        return void await ctx.reply(ctx.t("find-too-short", { query: escapeHtml(raw.trim()) }));
      }
      if (await showResults(ctx, { words: query.words }, FIRST_PAGE)) return;
      return void await ctx.reply(renderNothingFound(raw.trim(), ctx.locale, deps.i18n));
  }
});

findFeature.on(
  "callback_query:data",
  adminButton(
    (callback) => callback.kind === "find_open" ? callback.ticketId : undefined,
    async (ctx, ticketId) => {
      if (await sendCard(ctx, ticketId)) return void await ctx.answerCallbackQuery();
      await ctx.answerCallbackQuery({ text: ctx.t("card-not-found", { id: String(ticketId) }) });
    },
  ),
);

findFeature.on(
  "callback_query:data",
  adminButton(
    (callback) => callback.kind === "find_page" ? callback : undefined,
    async (ctx, callback) => {
      const query = await readRef(ctx, callback.ref);
      if (!query) return void await ctx.answerCallbackQuery({ text: ctx.t("find-expired") });
      const page = callback.direction === "older" ? { older: callback.at } : { newer: callback.at };
      await showResults(ctx, query, page, { always: true });
    },
  ),
);

/**
 * Sends ticket `ticketId`'s card as a new message in this chat (in the
 * support group: in this topic), linked so that a Telegram reply to it
 * answers the ticket. False when the ticket does not exist.
 */
async function sendCard(ctx: BotContext, ticketId: number): Promise<boolean> {
  const { deps } = ctx;
  const ticket = await getTicket(deps.kv, ticketId);
  if (!ticket) return false;
  // Opening another ticket's card ends reply mode: the next message must not go astray.
  await leaveReplyModeUnlessFor(deps.kv, ctx.from!.id, ticketId);
  const screen = await cardScreen(deps, ticket, ctx.locale);
  const sent = await ctx.reply(screen.text, {
    reply_markup: screen.keyboard,
    link_preview_options: { is_disabled: true },
  });
  await linkCard(deps.kv, { chatId: sent.chat.id, messageId: sent.message_id, ticketId });
  return true;
}

/**
 * Shows a page of results: a new message for a command, the pressed message
 * edited for a page button. A first page with no results shows nothing and
 * returns false (unless `always`: a page button shows the empty page).
 */
async function showResults(
  ctx: BotContext,
  query: SearchQuery,
  request: PageRequest,
  options: { always?: boolean } = {},
): Promise<boolean> {
  const { deps } = ctx;
  // Older stores: each search helps build the index for a moment (one process at a time).
  let indexing = await searchIndexProgress(deps.kv);
  if (indexing !== undefined) {
    await reindexSearch(deps.kv, {
      owner: deps.runtime.processId,
      budgetMs: REINDEX_SLICE_MS,
    });
    indexing = await searchIndexProgress(deps.kv);
  }
  const page = await searchTickets(deps.kv, query, request, { limit: FIND_PAGE_SIZE });
  if (page.ticketIds.length === 0 && !page.stopped && !options.always) return false;
  const tickets = await getTickets(deps.kv, page.ticketIds);
  const users = await getUsers(deps.kv, [...new Set(tickets.map((ticket) => ticket.userId))]);
  let title: FindTitle;
  if ("words" in query) title = { kind: "words", words: query.words };
  else {
    const userId = query.userIds[0];
    title = { kind: "user", userId, user: users.get(userId) ?? await getUser(deps.kv, userId) };
  }
  const ref = await refOf(ctx, query);
  const screen = renderFindResults(
    { title, page, tickets, users, ref, indexing },
    ctx.locale,
    deps.i18n,
  );
  await showScreen(ctx, screen);
  return true;
}

/**
 * The search as the page buttons carry it: in the data when it fits
 * Telegram's 64 bytes with any page position, else stored under a hash of it.
 */
async function refOf(ctx: BotContext, query: SearchQuery): Promise<string> {
  const inline = "words" in query
    ? `q${query.words.join(" ")}`
    : query.userIds.length === 1
    ? `u${query.userIds[0]}`
    : undefined;
  const longest = (ref: string) =>
    encode({ kind: "find_page", ref, direction: "newer", at: Number.MAX_SAFE_INTEGER });
  if (inline !== undefined && fitsCallbackData(longest(inline))) return inline;
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(JSON.stringify(query)),
  );
  const ref = "k" + btoa(String.fromCharCode(...new Uint8Array(digest).slice(0, 12)))
    .replaceAll("+", "-").replaceAll("/", "_");
  // The same search keeps the same key; unused for a month, it goes (its buttons then say so).
  await whileLocked(() =>
    ctx.deps.kv.set(keys.findQuery(ref.slice(1)), query, { expireIn: FIND_QUERY_TTL_MS })
  );
  return ref;
}

/** How long a stored long search stays after its last use. */
const FIND_QUERY_TTL_MS = 30 * 24 * 3_600_000;

/** The search a page button carries, or null when it is no longer known. */
async function readRef(ctx: BotContext, ref: string): Promise<SearchQuery | null> {
  if (ref.startsWith("u")) return { userIds: [Number(ref.slice(1))] };
  if (ref.startsWith("q")) return { words: ref.slice(1).split(" ") };
  return (await ctx.deps.kv.get<SearchQuery>(keys.findQuery(ref.slice(1)))).value;
}
