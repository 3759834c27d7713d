/**
 * The support group's topics: one per customer, under ["topic", chatId,
 * userId], with the way back from a topic to its customer under
 * ["topic_user", chatId, threadId].
 *
 * A topic is created once, also when several messages of a new customer
 * arrive together or two processes share the store: the creator first claims
 * the record (a version-checked write of a "creating" marker that lapses),
 * then creates the topic and records it. Keys carry the group's id, so
 * pointing SUPPORT_CHAT_ID at another group starts new topics there.
 *
 * @module
 */
import { keys } from "./keys.ts";
import { commit, whileLocked } from "./locked.ts";

/** A customer's topic: where it is, its name as last set, and the ticket it names. */
export interface TopicRecord {
  threadId: number;
  name: string;
  ticketId: number;
}

/** What ["topic", chatId, userId] holds: the topic, or a creation under way. */
export type TopicEntry = TopicRecord | { creatingUntil: number };

/** How long a claim to create a topic holds (a process killed meanwhile leaves it). */
export const TOPIC_CLAIM_MS = 30_000;

/** The customer's topic, or the creation under way. */
export function getTopic(
  kv: Deno.Kv,
  chatId: number,
  userId: number,
): Promise<Deno.KvEntryMaybe<TopicEntry>> {
  return kv.get<TopicEntry>(keys.topic(chatId, userId));
}

/** The customer whose topic `threadId` is, or null (General, or a topic not ours). */
export async function topicUser(
  kv: Deno.Kv,
  chatId: number,
  threadId: number,
): Promise<number | null> {
  return (await kv.get<number>(keys.topicUser(chatId, threadId))).value;
}

/** Claims the creation of the customer's topic; false when another caller has it. */
export async function claimTopic(
  kv: Deno.Kv,
  entry: Deno.KvEntryMaybe<TopicEntry>,
  until: number,
): Promise<boolean> {
  const claim: TopicEntry = { creatingUntil: until };
  return (await commit(kv.atomic().check(entry).set(entry.key, claim))).ok;
}

/** Records a topic (created, or renamed) and the way back to its customer. */
export async function saveTopic(
  kv: Deno.Kv,
  topic: { chatId: number; userId: number } & TopicRecord,
): Promise<void> {
  const { chatId, userId, threadId, name, ticketId } = topic;
  await commit(
    kv.atomic()
      .set(keys.topic(chatId, userId), { threadId, name, ticketId } satisfies TopicEntry)
      .set(keys.topicUser(chatId, threadId), userId),
  );
}

/**
 * Forgets a topic someone deleted, unless it was replaced meanwhile: the
 * next event for the customer creates a new one.
 */
export async function forgetTopic(
  kv: Deno.Kv,
  topic: { chatId: number; userId: number; threadId: number },
): Promise<void> {
  const entry = await getTopic(kv, topic.chatId, topic.userId);
  const op = kv.atomic().delete(keys.topicUser(topic.chatId, topic.threadId));
  if (entry.value && "threadId" in entry.value && entry.value.threadId === topic.threadId) {
    op.check(entry).delete(entry.key);
  }
  await commit(op);
}

/**
 * Whether a non-agent member is told now that only agents answer in this
 * topic: true once per member and topic.
 */
export async function warnOnce(
  kv: Deno.Kv,
  topic: { chatId: number; threadId: number; memberId: number },
): Promise<boolean> {
  const key = keys.topicWarned(topic.chatId, topic.threadId, topic.memberId);
  const result = await whileLocked(() =>
    kv.atomic().check({ key, versionstamp: null }).set(key, true).commit()
  );
  return result.ok;
}
