/**
 * Every Deno KV key of the bot, built here and nowhere else.
 *
 * Key schema (times are epoch milliseconds, ids are numbers):
 *
 * | key                                         | value                  | written with                 |
 * |---------------------------------------------|------------------------|------------------------------|
 * | ["user", userId]                            | UserRecord             | users.ts                     |
 * | ["blocked", userId]                         | BlockedRecord          | same atomic as the user      |
 * | ["ticket_seq"]                              | Deno.KvU64 (last id)   | same atomic as a new ticket  |
 * | ["ticket", ticketId]                        | TicketRecord           | tickets.ts                   |
 * | ["open_ticket", userId]                     | ticketId               | same atomic as the ticket    |
 * | ["inbox", rank, sortTime, ticketId]         | TicketRecord (a copy)  | same atomic as the ticket    |
 * | ["autoclose_due", dueAt, ticketId]          | null                   | same atomic as the ticket    |
 * | ["user_ticket", userId, ticketId]           | null                   | same atomic as a new ticket  |
 * | ["ticket_message", ticketId, seq]           | TicketMessage          | same atomic as the ticket    |
 * | ["copy", chatId, messageId]                 | CopyLink               | same atomic as the message   |
 * | ["outbox", chatId, ticketId, seq, kind]      | OutboxItem             | same atomic as the message   |
 * | ["album", chatId, mediaGroupId]             | AlbumRecord (expires)  | tickets.ts                   |
 * | ["topic", chatId, userId]                   | TopicEntry             | topics.ts                    |
 * | ["topic_user", chatId, threadId]            | userId                 | same atomic as the topic     |
 * | ["topic_warned", chatId, threadId, memberId] | true                  | topics.ts                    |
 * | ["saved_reply", name]                       | SavedReply             | saved_replies.ts             |
 * | ["heartbeat", processId]                    | Heartbeat (expires)    | meta.ts                      |
 * | ["job_slot", name]                          | last slot run (number) | meta.ts                      |
 * | ["first_response", day, ms, ticketId]       | agentId or null        | same atomic as the ticket    |
 * | ["legacy_ticket", legacyId]                 | ticketId               | same atomic as the ticket    |
 * | ["legacy_ban", userId]                      | LegacyBanRecord        | same atomic as the user      |
 * | ["rating", ticketId]                        | RatingRecord           | ratings.ts                   |
 * | ["feedback", at, userId]                    | FeedbackRecord         | feedback.ts                  |
 * | ["stat", name]                              | Deno.KvU64             | sums beside each record      |
 * | ["stat_day", "YYYY-MM-DD", name]            | Deno.KvU64             | sums beside each record      |
 * | ["agent_day", "YYYY-MM-DD", agentId, name]  | Deno.KvU64             | sums beside each record      |
 * | ["reply_mode", adminId]                     | ReplyMode              | reply_modes.ts               |
 * | ["pending", userId]                         | PendingInput           | pending.ts                   |
 * | ["update_seen", updateId]                   | true (expires)         | bot/journal.ts               |
 * | ["journal", updateId]                       | JournalEntry           | bot/journal.ts               |
 * | ["set_aside", updateId]                     | SetAsideEntry          | bot/journal.ts               |
 * | ["meta", name]                              | operations state       | meta.ts                      |
 * | ["search", word, ticketId]                  | null                   | same atomic as the message   |
 * | ["username", lowercased username, userId]   | null                   | same atomic as the user      |
 * | ["find_query", ref]                         | FindQuery (expires)    | bot/features/find.ts         |
 *
 * ["legacy_ticket"] maps the Python bot's ticket id (`T-20240101-0001`) to ours,
 * for tickets brought over by `import-legacy` (src/legacy/): it finds them for
 * the admins and makes a second import skip them instead of duplicating them.
 * ["legacy_ban"] remembers a block brought over, so that a second import does
 * not block again a user the agents have unblocked since.
 *
 * ["outbox"] holds what waits to be sent to a chat: a ticket's card, a
 * message's copy, an answer's confirmation. It is written in the same commit
 * as what it sends (the message, the ticket) and deleted in the commit that
 * records the copy (store/outbox.ts, services/outbox.ts), so nothing stored is
 * left unsent by a crash, an outage or a 429.
 *
 * Inbox rank 0 holds tickets where the user waits for support (sortTime = when
 * the user started waiting, oldest first); rank 1 holds the rest (sortTime = last
 * activity). Each inbox entry holds a copy of its ticket, rewritten with every
 * change of the ticket, so that an inbox page is one range read; entries
 * written before that hold null (their tickets are read). Days in ["stat_day"],
 * ["agent_day"] and ["first_response"] are UTC dates.
 *
 * ["agent_day"] counts what each agent did that day (answers stored, tickets
 * closed), written in the commit of the answer or the closing. A
 * ["first_response"] entry holds the id of the agent who gave that first
 * answer; entries written before agents were recorded hold null (unknown).
 *
 * ["search"] is the word index of `/find` (store/search.ts): one key per
 * word of a ticket's messages and of its customer's name at its creation
 * (words normalised: NFKC, lowercase, ё → е), written in the commit of the
 * message; a ticket's words are never removed (an edit adds the new ones).
 * ["username"] finds users by @username; an entry whose user has another
 * username now is stale and ignored. ["find_query"] keeps a search too long
 * for the callback data of its page buttons (64 bytes), under a hash of it.
 *
 * @module
 */

/** Inbox ranks: the user is waiting for support, or anything else. */
export const INBOX_RANK = { userWaiting: 0, other: 1 } as const;

/** Key builders, one per record kind. */
export const keys = {
  user: (userId: number) => ["user", userId] as const,
  users: () => ["user"] as const,
  blocked: (userId: number) => ["blocked", userId] as const,
  blockedAll: () => ["blocked"] as const,
  ticketSeq: () => ["ticket_seq"] as const,
  ticket: (ticketId: number) => ["ticket", ticketId] as const,
  tickets: () => ["ticket"] as const,
  openTicket: (userId: number) => ["open_ticket", userId] as const,
  inbox: (rank: number, sortTime: number, ticketId: number) =>
    ["inbox", rank, sortTime, ticketId] as const,
  inboxAll: () => ["inbox"] as const,
  autoCloseDue: (dueAt: number, ticketId: number) => ["autoclose_due", dueAt, ticketId] as const,
  autoCloseDueAll: () => ["autoclose_due"] as const,
  userTicket: (userId: number, ticketId: number) => ["user_ticket", userId, ticketId] as const,
  userTickets: (userId: number) => ["user_ticket", userId] as const,
  ticketMessage: (ticketId: number, seq: number) => ["ticket_message", ticketId, seq] as const,
  ticketMessages: (ticketId: number) => ["ticket_message", ticketId] as const,
  copy: (chatId: number, messageId: number) => ["copy", chatId, messageId] as const,
  outbox: (chatId: number, ticketId: number, seq: number, kind: string) =>
    ["outbox", chatId, ticketId, seq, kind] as const,
  outboxOf: (chatId: number) => ["outbox", chatId] as const,
  outboxAll: () => ["outbox"] as const,
  album: (chatId: number, mediaGroupId: string) => ["album", chatId, mediaGroupId] as const,
  topic: (chatId: number, userId: number) => ["topic", chatId, userId] as const,
  topicUser: (chatId: number, threadId: number) => ["topic_user", chatId, threadId] as const,
  topicWarned: (chatId: number, threadId: number, memberId: number) =>
    ["topic_warned", chatId, threadId, memberId] as const,
  savedReply: (name: string) => ["saved_reply", name] as const,
  heartbeat: (processId: string) => ["heartbeat", processId] as const,
  jobSlot: (name: string) => ["job_slot", name] as const,
  heartbeats: () => ["heartbeat"] as const,
  savedReplies: () => ["saved_reply"] as const,
  firstResponse: (day: string, ms: number, ticketId: number) =>
    ["first_response", day, ms, ticketId] as const,
  firstResponsesOfDay: (day: string) => ["first_response", day] as const,
  legacyTicket: (legacyId: string) => ["legacy_ticket", legacyId] as const,
  legacyBan: (userId: number) => ["legacy_ban", userId] as const,
  rating: (ticketId: number) => ["rating", ticketId] as const,
  ratings: () => ["rating"] as const,
  feedback: (at: number, userId: number) => ["feedback", at, userId] as const,
  feedbackAll: () => ["feedback"] as const,
  stat: (name: StatName) => ["stat", name] as const,
  statDay: (day: string, name: DayStatName) => ["stat_day", day, name] as const,
  agentDay: (day: string, agentId: number, name: AgentStatName) =>
    ["agent_day", day, agentId, name] as const,
  agentDays: () => ["agent_day"] as const,
  replyMode: (adminId: number) => ["reply_mode", adminId] as const,
  pending: (userId: number) => ["pending", userId] as const,
  updateSeen: (updateId: number) => ["update_seen", updateId] as const,
  journal: (updateId: number) => ["journal", updateId] as const,
  journalAll: () => ["journal"] as const,
  setAside: (updateId: number) => ["set_aside", updateId] as const,
  setAsideAll: () => ["set_aside"] as const,
  meta: (name: MetaName) => ["meta", name] as const,
  search: (word: string, ticketId: number) => ["search", word, ticketId] as const,
  searchWord: (word: string) => ["search", word] as const,
  username: (username: string, userId: number) => ["username", username, userId] as const,
  usernames: (username: string) => ["username", username] as const,
  findQuery: (ref: string) => ["find_query", ref] as const,
};

/** Running totals kept as `Deno.KvU64` sums. */
export type StatName =
  | "users"
  | "tickets_total"
  | "tickets_new"
  | "tickets_in_progress"
  | "tickets_closed"
  | "tickets_autoclose_waiting"
  | "ratings_count"
  | "ratings_sum"
  | "rating_1"
  | "rating_2"
  | "rating_3"
  | "feedback_count"
  | "blocked";

/** Per-day totals (UTC day) for the last-30-days statistics. */
export type DayStatName =
  | "created"
  | "closed"
  | "ratings_count"
  | "ratings_sum";

/** Per-agent per-day totals (UTC day): answers stored, tickets closed. */
export type AgentStatName = "answers" | "closed";

/** Operations state shown on the Debug screen. */
export type MetaName =
  | "last_backup"
  | "last_autoclose"
  | "opened_at"
  /** The running bot's last successful poll (healthcheck). */
  | "heartbeat"
  /** The local day (YYYY-MM-DD in TIMEZONE) of the last scheduled backup. */
  | "backup_day"
  /** How far the search index of older tickets is built (store/search.ts). */
  | "search_index";

/** The UTC day of an epoch-millisecond time, as `YYYY-MM-DD`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
