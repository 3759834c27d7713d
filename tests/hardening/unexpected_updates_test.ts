import assert from "node:assert/strict";
import type { Message, Update, User } from "grammy/types";
import { ADMIN_A, ADMIN_B, createTestApp, type TestApp } from "../helpers/app.ts";
import { TEST_BOT_INFO } from "../helpers/bot_info.ts";
import {
  channelPost,
  command,
  contact,
  dice,
  editedText,
  groupChat,
  groupCommand,
  groupText,
  location,
  nextUpdateId,
  poll,
  privateChat,
  privateText,
  serviceNewMembers,
  user,
} from "../helpers/updates.ts";
import { nextMessageId, rememberMessage } from "../helpers/world.ts";
import { getOpenTicket, lastMessages } from "../../src/store/tickets.ts";
import { press } from "../bot/conversation_support.ts";
import { assertSameStore, assertTicketsWhole, dumpStore } from "./support.ts";

const GROUP = -1001234567890;
const admin = user(ADMIN_A, { first_name: "Agent" });
const bot: User = {
  id: TEST_BOT_INFO.id,
  is_bot: true,
  first_name: TEST_BOT_INFO.first_name,
  username: TEST_BOT_INFO.username,
};

/** A hand-built message in a user's private chat (service messages, stories, ...). */
function privateMessage(from: User, content: Partial<Message>): Update {
  const message = {
    message_id: nextMessageId(),
    from,
    chat: privateChat(from),
    date: Math.floor(Date.now() / 1000),
    ...content,
  } as Message;
  rememberMessage(message);
  return { update_id: nextUpdateId(), message } as Update;
}

function story(from: User): Update {
  return privateMessage(from, { story: { chat: privateChat(user(6599)), id: 7 } });
}

function pinned(from: User, what: Message): Update {
  return privateMessage(from, { pinned_message: what as never });
}

/** Sends `updates` and checks that none failed and the store holds no half-written ticket. */
async function survive(app: TestApp, updates: Update[]): Promise<void> {
  for (const update of updates) await app.bot.handleUpdate(update);
  assert.equal(app.deps.runtime.errorCount, 0);
  await assertTicketsWhole(app.kv);
}

Deno.test("unexpected: a user's edit is kept in the ticket and shown to the admins as an edit", async () => {
  await using app = await createTestApp();
  const u = user(6501);
  const first = privateText(u, "My order number is 1111");
  await app.send(first);
  await survive(app, [editedText(u, first.message!.message_id, "My order number is 2222")]);
  await app.outbox.settle();

  for (const chat of [ADMIN_A, ADMIN_B]) {
    const shown = app.sim.textsTo(chat).at(-1)!;
    assert.match(shown, /edited/);
    assert.match(shown, /#1/);
    assert.match(shown, /2222/);
  }
  const stored = await lastMessages(app.kv, 1, 10);
  assert.deepEqual(stored.map((m) => [m.kind, m.text]), [
    ["text", "My order number is 1111"],
    ["edit", "My order number is 2222"],
  ]);
  assert.equal((await getOpenTicket(app.kv, u.id))?.turn, "support");
});

Deno.test("unexpected: edits outside an open ticket, and admins' edits, change nothing", async () => {
  await using app = await createTestApp();
  const u = user(6502);
  const stray = privateText(u, "hi");
  await app.send(stray);
  const note = privateText(admin, "a note to myself");
  await app.send(note);
  const before = await dumpStore(app.kv);
  app.sim.clear();
  await survive(app, [
    editedText(u, stray.message!.message_id, "hello"),
    editedText(admin, note.message!.message_id, "a better note"),
  ]);
  assertSameStore(before, await dumpStore(app.kv), "edits");
  assert.equal(app.sim.calls.length, 0);
});

Deno.test("unexpected: in groups and channels only /id is answered", async () => {
  await using app = await createTestApp();
  app.sim.addGroup(GROUP);
  const u = user(6503);
  const before = await dumpStore(app.kv);
  await survive(app, [
    groupText(GROUP, u, "Hello everyone, is this the support chat?"),
    groupCommand(GROUP, u, "start"),
    groupCommand(GROUP, admin, "start", "t_1"),
    groupCommand(GROUP, admin, "admin"),
    groupCommand(GROUP, admin, "ban", "6503"),
    groupText(GROUP, admin, "Admins chatting in the group"),
    serviceNewMembers(GROUP, u),
    channelPost(-1002222222222, "A channel post"),
    {
      update_id: nextUpdateId(),
      edited_channel_post: {
        ...channelPost(-1002222222222, "edited").channel_post!,
        edit_date: 1,
      },
    },
    {
      update_id: nextUpdateId(),
      my_chat_member: {
        chat: groupChat(GROUP),
        from: admin,
        date: 1,
        old_chat_member: { status: "left", user: bot },
        new_chat_member: { status: "member", user: bot },
      },
    },
  ]);
  assert.equal(app.sim.sentTo(GROUP).length, 0, "nothing is said in the group");
  assertSameStore(before, await dumpStore(app.kv), "group messages");

  await survive(app, [groupCommand(GROUP, u, "id")]);
  assert.match(app.sim.textsTo(GROUP).at(-1)!, new RegExp(String(GROUP)));
});

Deno.test("unexpected: polls, dice and stories get a polite localized 'not supported'", async () => {
  await using app = await createTestApp();
  const en = user(6504);
  const ru = user(6505, { language_code: "ru" });
  for (const [u, words] of [[en, /not supported/], [ru, /не поддерживается/]] as const) {
    for (const update of [poll(u), dice(u), story(u)]) {
      app.sim.clear();
      await survive(app, [update]);
      assert.match(app.sim.textsTo(u.id).at(-1)!, words);
      assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
    }
  }
  assert.equal(await getOpenTicket(app.kv, en.id), null, "no ticket from unsupported messages");

  // Inside an open ticket too: nothing half-delivered, the ticket unchanged.
  await app.send(privateText(en, "A real question about my account"));
  app.sim.clear();
  await survive(app, [poll(en), dice(en), story(en)]);
  assert.equal((await getOpenTicket(app.kv, en.id))?.messageCount, 1);
  assert.equal(app.sim.sentTo(ADMIN_A).length, 0);
  assert.match(app.sim.textsTo(en.id).at(-1)!, /not supported/);
});

Deno.test("unexpected: contacts and locations are handled (a hint without a ticket, copied within one)", async () => {
  await using app = await createTestApp();
  const u = user(6506);
  await survive(app, [contact(u), location(u)]);
  assert.equal(await getOpenTicket(app.kv, u.id), null);
  assert.ok(app.sim.textsTo(u.id).length >= 2, "each got an answer");
  await app.send(privateText(u, "Here is where I live, see below"));
  await survive(app, [contact(u), location(u)]);
  assert.equal((await getOpenTicket(app.kv, u.id))?.messageCount, 3);
});

Deno.test("unexpected: service messages in a private chat are ignored, also by admins in reply mode", async () => {
  await using app = await createTestApp();
  const u = user(6507);
  const first = privateText(u, "A question that I will pin");
  await app.send(first);
  const adminNote = privateText(admin, "pin me");
  await app.send(adminNote);
  await press(app, admin, "Reply", ADMIN_A);
  const before = await dumpStore(app.kv);
  app.sim.clear();
  await survive(app, [
    pinned(u, first.message! as Message),
    privateMessage(u, { message_auto_delete_timer_changed: { message_auto_delete_time: 86400 } }),
    privateMessage(u, { write_access_allowed: { from_request: true } }),
    pinned(admin, adminNote.message! as Message),
  ]);
  assertSameStore(before, await dumpStore(app.kv), "service messages");
  assert.equal(app.sim.calls.length, 0, "nothing is sent");
});

Deno.test("unexpected: other update kinds pass without an error or a change", async () => {
  await using app = await createTestApp();
  const u = user(6508);
  await app.send(privateText(u, "A question before odd updates"));
  await app.send(command(u, "start"));
  const before = await dumpStore(app.kv);
  app.sim.clear();
  const pollObject = poll(u).message!.poll!;
  await survive(app, [
    { update_id: nextUpdateId(), poll: pollObject },
    {
      update_id: nextUpdateId(),
      poll_answer: {
        poll_id: pollObject.id,
        user: u,
        option_ids: [0],
        option_persistent_ids: ["0"],
      },
    },
    {
      update_id: nextUpdateId(),
      message_reaction: {
        chat: privateChat(u),
        message_id: 1,
        user: u,
        date: 1,
        old_reaction: [],
        new_reaction: [{ type: "emoji", emoji: "👍" }],
      },
    },
    {
      update_id: nextUpdateId(),
      inline_query: { id: "1", from: u, query: "<b>", offset: "" },
    },
    {
      update_id: nextUpdateId(),
      chat_join_request: {
        chat: groupChat(GROUP),
        from: u,
        user_chat_id: u.id,
        date: 1,
      },
    },
  ] as Update[]);
  assertSameStore(before, await dumpStore(app.kv), "odd updates");
});

Deno.test("unexpected: a live location's moves (edits) are not sent to the admins again and again", async () => {
  await using app = await createTestApp();
  const u = user(6509);
  await app.send(privateText(u, "I am waiting at the pick-up point"));
  const shared = location(u);
  await app.send(shared);
  const before = await dumpStore(app.kv);
  app.sim.clear();
  const moved = {
    update_id: nextUpdateId(),
    edited_message: {
      ...shared.message!,
      location: { latitude: 52.53, longitude: 13.41, live_period: 900 },
      edit_date: 2,
    },
  } as Update;
  await survive(app, [moved]);
  assert.equal(app.sim.calls.length, 0);
  assertSameStore(before, await dumpStore(app.kv), "live location");
});
