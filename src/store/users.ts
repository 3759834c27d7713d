/**
 * User repository: profile, language, blocked and reachable flags, and the
 * blocked-users index written in the same atomic operation as the record.
 *
 * @module
 */
import type { Locale } from "../config.ts";
import { keys } from "./keys.ts";
import { readMany } from "./read_many.ts";
import { decrement, increment } from "./counters.ts";
import { commit } from "./locked.ts";

/** A user as stored under ["user", id]. Times are epoch milliseconds. */
export interface UserRecord {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  /** The language the user chose or was given; undefined until first seen. */
  locale?: Locale;
  blocked: boolean;
  /** False after Telegram answered 403 (the user blocked the bot). */
  reachable: boolean;
  createdAt: number;
  lastBlockedNoticeAt?: number;
  lastFeedbackAt?: number;
  /** The user's message stored as the last feedback: a replayed update is not stored twice. */
  lastFeedbackMessageId?: number;
}

/** An entry of the blocked list, under ["blocked", id]. */
export interface BlockedRecord {
  userId: number;
  at: number;
  by?: number;
  /** Why, when known (the Python bot's banned.json kept a reason). */
  reason?: string;
}

/** The Telegram fields of a user that we keep. */
export interface TelegramProfile {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

const MAX_ATTEMPTS = 100;

/** Reads one user. */
export async function getUser(kv: Deno.Kv, userId: number): Promise<UserRecord | null> {
  return (await kv.get<UserRecord>(keys.user(userId))).value;
}

/** Reads several users in one round trip per ten ids; a missing user maps to null. */
export async function getUsers(
  kv: Deno.Kv,
  userIds: readonly number[],
): Promise<Map<number, UserRecord | null>> {
  const found = await readMany<number, UserRecord>(kv, userIds, keys.user);
  return new Map(userIds.map((id) => [id, found.get(id) ?? null]));
}

/**
 * Applies `change` to a user record (creating it from `create` when absent) and
 * commits with a version check, retrying on conflicts. Returns the record as stored.
 */
export async function updateUser(
  kv: Deno.Kv,
  userId: number,
  change: (user: UserRecord) => UserRecord,
  extra?: (op: Deno.AtomicOperation, after: UserRecord, before: UserRecord | null) => void,
  create?: () => UserRecord,
): Promise<UserRecord | null> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = await kv.get<UserRecord>(keys.user(userId));
    const base = entry.value ?? create?.();
    if (!base) return null;
    const after = change(base);
    const op = kv.atomic().check(entry);
    stageUser(op, after, entry.value);
    extra?.(op, after, entry.value);
    if ((await commit(op)).ok) return after;
  }
  throw new Error(`Could not update user ${userId}: too much contention`);
}

/**
 * Adds to `op` the write of a user record with its @username index entry; a
 * new one (`before` null) counts as a user.
 */
export function stageUser(
  op: Deno.AtomicOperation,
  after: UserRecord,
  before: UserRecord | null,
): void {
  op.set(keys.user(after.id), after);
  if (!before) increment(op, keys.stat("users"));
  const name = after.username ? usernameKey(after.username) : undefined;
  const old = before?.username ? usernameKey(before.username) : undefined;
  if (old !== undefined && old !== name) op.delete(keys.username(old, after.id));
  if (name !== undefined) op.set(keys.username(name, after.id), null);
}

/** A @username as the index keeps it (Telegram usernames ignore case). */
export function usernameKey(username: string): string {
  return username.replace(/^@/, "").toLowerCase();
}

/**
 * The users whose @username is `username` (any case), from the index: an
 * entry of a user who has another username now is left out.
 */
export async function findUsersByUsername(kv: Deno.Kv, username: string): Promise<UserRecord[]> {
  const name = usernameKey(username);
  const ids: number[] = [];
  for await (const entry of kv.list({ prefix: keys.usernames(name) }, { limit: 50 })) {
    ids.push(entry.key[2] as number);
  }
  const users = await getUsers(kv, ids);
  return ids.flatMap((id) => {
    const user = users.get(id);
    return user?.username && usernameKey(user.username) === name ? [user] : [];
  });
}

/**
 * Adds to `op` a change of the blocked list: the entry and the counter. The
 * user record's `blocked` flag is the caller's, in the same operation.
 */
export function stageBlockedEntry(
  op: Deno.AtomicOperation,
  userId: number,
  entry: Omit<BlockedRecord, "userId"> | null,
): void {
  if (entry) {
    op.set(keys.blocked(userId), { userId, ...entry } as BlockedRecord);
    increment(op, keys.stat("blocked"));
  } else {
    op.delete(keys.blocked(userId));
    decrement(op, keys.stat("blocked"));
  }
}

function sameProfile(user: UserRecord, profile: TelegramProfile): boolean {
  return user.firstName === profile.first_name && user.lastName === profile.last_name &&
    user.username === profile.username && user.languageCode === profile.language_code &&
    user.reachable;
}

/**
 * Records the user's current Telegram profile. Writes only when something
 * changed (a new user, a new name, or the user is reachable again after a 403),
 * so the common case is a single read.
 */
export async function touchUser(
  kv: Deno.Kv,
  profile: TelegramProfile,
  now: number,
): Promise<UserRecord> {
  const entry = await kv.get<UserRecord>(keys.user(profile.id));
  if (entry.value && sameProfile(entry.value, profile)) return entry.value;
  return (await updateUser(
    kv,
    profile.id,
    (user) => ({
      ...user,
      firstName: profile.first_name,
      lastName: profile.last_name,
      username: profile.username,
      languageCode: profile.language_code,
      reachable: true,
    }),
    undefined,
    () => ({
      id: profile.id,
      firstName: profile.first_name,
      blocked: false,
      reachable: true,
      createdAt: now,
    }),
  ))!;
}

/** Stores the user's language. */
export async function setLocale(kv: Deno.Kv, userId: number, locale: Locale): Promise<void> {
  await updateUser(kv, userId, (user) => ({ ...user, locale }), undefined, () => ({
    id: userId,
    firstName: String(userId),
    blocked: false,
    reachable: true,
    createdAt: Date.now(),
  }));
}

/**
 * Blocks or unblocks a user, keeping the blocked index and counter in step.
 * A user never seen before is created when blocked (an admin may /ban an id in
 * advance); unblocking an unknown id changes nothing.
 * Returns whether anything changed.
 */
export async function setBlocked(
  kv: Deno.Kv,
  userId: number,
  blocked: boolean,
  options: { by?: number; now: number },
): Promise<boolean> {
  let changed = false;
  await updateUser(
    kv,
    userId,
    (user) => ({ ...user, blocked }),
    (op, _after, before) => {
      changed = (before?.blocked ?? false) !== blocked;
      if (!changed) return;
      stageBlockedEntry(op, userId, blocked ? { at: options.now, by: options.by } : null);
    },
    // Only a block creates a record (an id banned in advance); unblocking an
    // unknown id changes nothing.
    blocked
      ? () => ({
        id: userId,
        firstName: String(userId),
        blocked: false,
        reachable: true,
        createdAt: options.now,
      })
      : undefined,
  );
  return changed;
}

/** Marks a user unreachable (Telegram said the user blocked the bot). */
export async function markUnreachable(kv: Deno.Kv, userId: number): Promise<void> {
  await updateUser(kv, userId, (user) => ({ ...user, reachable: false }));
}

/** One page of the blocked list, oldest block first. */
export async function listBlocked(
  kv: Deno.Kv,
  options: { offset: number; limit: number },
): Promise<{ users: BlockedRecord[]; hasMore: boolean }> {
  const users: BlockedRecord[] = [];
  let index = 0;
  for await (
    const entry of kv.list<BlockedRecord>({ prefix: keys.blockedAll() }, {
      limit: options.offset + options.limit + 1,
    })
  ) {
    if (index++ >= options.offset) users.push(entry.value);
  }
  return { users: users.slice(0, options.limit), hasMore: users.length > options.limit };
}
