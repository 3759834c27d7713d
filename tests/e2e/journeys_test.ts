/**
 * Black-box journeys through the real program (`deno task start`) against the
 * fake Bot API, relying only on PRODUCT.md: buttons are found by label.
 */
import assert from "node:assert/strict";
import type { Message } from "grammy/types";
import * as make from "../helpers/updates.ts";
import {
  ADMIN_A,
  ADMIN_B,
  ALERT_CHAT,
  allButtons,
  buttonsOf,
  type Desk,
  findButton,
  launch,
  mark,
  opts,
  press,
  sentSince,
  textsTo,
  until,
  waitButton,
  waitSent,
  waitText,
} from "./harness.ts";

const GROUP = -100777;
const FORUM = -1009876543210;

const T1 = /#1(?!\d)/;
const T2 = /#2(?!\d)/;
const STAR = "⭐";
const CYRILLIC = /[А-Яа-яЁё]/;

/** Label of the first button; used for readable messages. */
const labels = (m: Message | undefined) =>
  (m?.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);

const hasAll = (buttons: string[], words: string[]) =>
  words.filter((w) => !buttons.some((b) => b.includes(w)));

Deno.test(
  "journeys: users, tickets, replies, rating, panel, blocking, feedback",
  opts,
  async (t) => {
    const desk: Desk = await launch({
      env: {
        ADMIN_ID: `${ADMIN_A},${ADMIN_B}`,
        ALERT_CHAT_ID: String(ALERT_CHAT),
        START_ALERT: "Desk is UP (e2e)",
        SHUTDOWN_ALERT: "Desk is DOWN (e2e)",
      },
      prepare: (sim) => {
        sim.addGroup(ALERT_CHAT);
        sim.addGroup(GROUP);
        sim.addGroup(FORUM, { isForum: true });
        sim.addTopic(FORUM, 77);
      },
    });
    const adminA = make.user(ADMIN_A, {
      first_name: "Agent",
      last_name: "Smith",
      language_code: "en",
    });
    const adminB = make.user(ADMIN_B, { first_name: "Bea", language_code: "en" });
    const alice = make.user(5001, {
      first_name: "Alice",
      last_name: "W",
      username: "alice_w",
      language_code: "en",
    });
    const carol = make.user(5003, { first_name: "Carol", language_code: "en" });
    const dave = make.user(5004, { first_name: "Dave", language_code: "en" });
    const erin = make.user(5005, { first_name: "Erin", language_code: "en" });
    const sim = desk.sim;

    try {
      await t.step("START_ALERT text goes to the alert chat on start", async () => {
        await waitText(desk, ALERT_CHAT, /Desk is UP \(e2e\)/);
      });

      await t.step("user /start: greeting and menu with Ask, Feedback, Language", async () => {
        const since = mark(desk);
        desk.push(make.command(alice, "start"));
        const s = await waitSent(desk, alice.id, (s) => buttonsOf(s).length > 0, since);
        const buttons = allButtons(sim, alice.id);
        assert.deepEqual(hasAll(buttons, ["Ask", "Feedback", "Language"]), [], String(buttons));
        assert.ok(s.text.length > 0);
      });

      await t.step("Language offers English and Русский; switching changes the texts", async () => {
        const { since } = await press(desk, alice, "Language");
        await until(
          () => findButton(sim, alice.id, "Русский") && findButton(sim, alice.id, "English"),
          15_000,
          () => `English/Русский buttons; have ${allButtons(sim, alice.id)}`,
        );
        void since;
        const ru = await press(desk, alice, "Русский");
        // A confirmation or an edited screen in Russian.
        await waitSent(desk, alice.id, (s) => CYRILLIC.test(s.text), ru.since);
        const again = mark(desk);
        desk.push(make.command(alice, "start"));
        const menu = await waitSent(desk, alice.id, (s) => buttonsOf(s).length > 0, again);
        assert.match(menu.text + buttonsOf(menu).join(" "), CYRILLIC, "after Русский: Russian");
        assert.ok(
          !buttonsOf(menu).some((b) => /\bAsk\b/.test(b)),
          `Russian menu still shows English labels: ${buttonsOf(menu)}`,
        );
        // Back to English.
        await press(desk, alice, /Language|Язык/);
        const en = await press(desk, alice, "English");
        await waitSent(desk, alice.id, (s) => /[A-Za-z]{4}/.test(s.text), en.since);
        const third = mark(desk);
        desk.push(make.command(alice, "start"));
        const menu2 = await waitSent(desk, alice.id, (s) => buttonsOf(s).length > 0, third);
        assert.deepEqual(hasAll(buttonsOf(menu2), ["Ask", "Feedback", "Language"]), []);
        assert.doesNotMatch(menu2.text, CYRILLIC);
      });

      await t.step("/id in private chat replies with the user's id", async () => {
        const since = mark(desk);
        desk.push(make.command(alice, "id"));
        await waitText(desk, alice.id, /5001/, since);
      });

      await t.step("/id in a group: user id and chat id", async () => {
        const since = mark(desk);
        desk.push(make.groupCommand(GROUP, alice, "id"));
        const s = await waitText(desk, GROUP, /5001/, since);
        assert.match(s.text, new RegExp(String(GROUP)));
      });

      await t.step("/id in a forum topic: user, chat and topic id (in that topic)", async () => {
        const since = mark(desk);
        desk.push(
          make.groupCommand(FORUM, alice, "id", undefined, { threadId: 77, withUsername: true }),
        );
        const s = await waitText(desk, FORUM, /5001/, since);
        assert.match(s.text, new RegExp(String(FORUM)));
        assert.match(s.text, /\b77\b/);
        assert.equal(Number(s.call.payload.message_thread_id ?? s.message?.message_thread_id), 77);
      });

      await t.step(
        "Ask: the bot asks for a description; too short gets a hint, no ticket",
        async () => {
          const { since } = await press(desk, alice, "Ask");
          await waitSent(desk, alice.id, (s) => s.text.length > 10, since);
          const before = mark(desk);
          desk.push(make.privateText(alice, "help"));
          const hint = await waitSent(desk, alice.id, () => true, before);
          assert.doesNotMatch(hint.text, /#\d/, "a hint, no ticket");
          // Nothing reached the admins.
          await new Promise((r) => setTimeout(r, 500));
          assert.equal(sentSince(sim, ADMIN_A, before).length, 0, "admins got nothing");
        },
      );

      let cardA: Message | undefined;
      await t.step(
        "a message creates ticket #1; every admin gets a card with buttons",
        async () => {
          const since = mark(desk);
          desk.push(make.privateText(alice, "My printer is on fire, what should I do?"));
          await waitText(desk, alice.id, T1, since);
          for (const admin of [ADMIN_A, ADMIN_B]) {
            const card = await waitSent(
              desk,
              admin,
              (s) => T1.test(s.text) && buttonsOf(s).length >= 4,
              since,
            );
            const buttons = buttonsOf(card);
            assert.deepEqual(
              hasAll(buttons, ["Take", "Reply", "Close", "Block"]),
              [],
              String(buttons),
            );
            if (admin === ADMIN_A) cardA = card.message;
          }
          // The user's text reached the admins too.
          await waitText(desk, ADMIN_A, /printer is on fire/, since);
          await waitText(desk, ADMIN_B, /printer is on fire/, since);
          assert.ok(cardA);
        },
      );

      await t.step("a follow-up joins #1 and reaches the admins naming #1", async () => {
        const since = mark(desk);
        desk.push(make.privateText(alice, "Also, the smoke is green."));
        for (const admin of [ADMIN_A, ADMIN_B]) {
          const s = await waitText(desk, admin, /smoke is green/, since);
          // The header naming #1 is in the same message or in one sent right before it.
          const around = sentSince(sim, admin, since).filter((x) => x.index <= s.index);
          assert.ok(around.some((x) => T1.test(x.text)), `#1 named: ${around.map((x) => x.text)}`);
        }
        assert.ok(!textsTo(sim, alice.id, since).some((x) => T2.test(x)), "no new ticket #2");
      });

      await t.step(
        "Reply button, then text: the user gets it with a header naming #1",
        async () => {
          const { since } = await press(desk, adminA, "Reply", (m) => T1.test(m.text ?? ""));
          const before = mark(desk);
          assert.ok(before >= since);
          desk.push(make.privateText(adminA, "Unplug it and step away, please."));
          const got = await waitText(desk, alice.id, /Unplug it/, before);
          const around = sentSince(sim, alice.id, before).filter((x) => x.index <= got.index);
          assert.ok(around.some((x) => T1.test(x.text)), `header #1: ${around.map((x) => x.text)}`);
          await waitText(desk, ADMIN_A, T1, before);
        },
      );

      await t.step("admin's Telegram reply to a delivered message reaches the user", async () => {
        const delivered = sentSince(sim, ADMIN_B, 0).find((s) => /smoke is green/.test(s.text));
        assert.ok(delivered?.message, "the follow-up copy in admin B's chat");
        const before = mark(desk);
        desk.push(make.replyTo(adminB, delivered.message, "Green smoke is fine, relax."));
        await waitText(desk, alice.id, /Green smoke is fine/, before);
        await waitText(desk, ADMIN_B, T1, before);
      });

      await t.step("a photo from the user reaches the admins as a copy", async () => {
        const before = mark(desk);
        desk.push(make.photo(alice, "see the photo"));
        for (const admin of [ADMIN_A, ADMIN_B]) {
          const s = await waitSent(
            desk,
            admin,
            (s) => s.method === "copymessage" || s.method === "sendphoto" || !!s.message?.photo,
            before,
          );
          assert.ok(s.message?.photo, `a photo in admin ${admin}'s chat (${s.method})`);
        }
      });

      await t.step("a photo from the admin (Reply mode) reaches the user", async () => {
        await press(desk, adminA, "Reply", (m) => T1.test(m.text ?? ""));
        const before = mark(desk);
        desk.push(make.photo(adminA, "here is a diagram"));
        const s = await waitSent(desk, alice.id, (s) => !!s.message?.photo, before);
        assert.ok(s.message?.photo);
        await waitText(desk, ADMIN_A, T1, before);
      });

      await t.step("Take in progress changes the status", async () => {
        const { since } = await press(desk, adminA, "Take", (m) => T1.test(m.text ?? ""));
        await until(
          () =>
            sentSince(sim, ADMIN_A, since).some((s) => /in progress/i.test(s.text)) ||
            sim.callsTo("answerCallbackQuery").slice(-3).some((c) =>
              /in progress/i.test(String(c.payload.text ?? ""))
            ),
          15_000,
          () => "the card or a toast saying in progress",
        );
      });

      await t.step("Close: the user is notified and gets 1–3 ⭐ rating buttons", async () => {
        const { since } = await press(desk, adminA, "Close", (m) => T1.test(m.text ?? ""));
        const notice = await waitText(desk, alice.id, T1, since);
        void notice;
        const rating = await waitButton(desk, alice.id, STAR);
        const stars = labels(rating.message).filter((l) => l.includes(STAR));
        const counts = stars.map((l) => [...l.matchAll(/⭐/g)].length).sort();
        // 1, 2 and 3 stars (labels may also use a digit with one star).
        const digits = stars.map((l) => Number(/\d/.exec(l)?.[0] ?? 0)).sort();
        assert.ok(
          JSON.stringify(counts) === "[1,2,3]" || JSON.stringify(digits) === "[1,2,3]",
          `rating buttons: ${stars}`,
        );
      });

      await t.step(
        "a rating notifies the admins with the user's name/@username and #1",
        async () => {
          const three = findButton(sim, alice.id, /⭐⭐⭐|3\s*⭐|⭐\s*3/);
          assert.ok(three);
          const { since } = await press(desk, alice, three.button.text);
          for (const admin of [ADMIN_A, ADMIN_B]) {
            const s = await waitSent(
              desk,
              admin,
              (s) => T1.test(s.text) && s.text.includes(STAR),
              since,
            );
            assert.match(s.text, /Alice|@alice_w/);
            // The ticket id is clickable: a link or a button opening the card.
            const clickable = /<a [^>]*>[^<]*#1(?!\d)/.test(s.text) ||
              buttonsOf(s).some((b) => T1.test(b)) ||
              (s.message?.entities ?? []).some((e) =>
                ["text_link", "url"].includes(e.type) &&
                T1.test((s.message?.text ?? "").slice(e.offset, e.offset + e.length))
              );
            assert.ok(clickable, `a clickable #1 in ${JSON.stringify(s.text)} ${buttonsOf(s)}`);
          }
        },
      );

      await t.step("after close, the user's next message opens #2", async () => {
        const since = mark(desk);
        desk.push(make.privateText(alice, "A brand new question about invoices"));
        await waitText(desk, alice.id, T2, since);
        await waitText(desk, ADMIN_A, T2, since);
      });

      await t.step(
        "admin /start: panel with Inbox, Statistics, Blocked, Settings, Help",
        async () => {
          const since = mark(desk);
          desk.push(make.command(adminA, "start"));
          const s = await waitSent(desk, ADMIN_A, (s) => buttonsOf(s).length >= 5, since);
          assert.deepEqual(
            hasAll(buttonsOf(s), ["Inbox", "Statistics", "Blocked", "Settings", "Help"]),
            [],
            String(buttonsOf(s)),
          );
        },
      );

      await t.step("/admin opens the panel too", async () => {
        const since = mark(desk);
        desk.push(make.command(adminB, "admin"));
        const s = await waitSent(desk, ADMIN_B, (s) => buttonsOf(s).length >= 5, since);
        assert.deepEqual(hasAll(buttonsOf(s), ["Inbox", "Statistics", "Settings"]), []);
      });

      await t.step("Inbox rows are buttons containing #id; a row opens the card", async () => {
        const { since } = await press(desk, adminA, "Inbox");
        const row = await waitButton(desk, ADMIN_A, T2);
        assert.ok(!findButton(sim, ADMIN_A, T1, (m) => m.message_id === row.message.message_id));
        const opened = await press(
          desk,
          adminA,
          T2,
          (m) => m.message_id === row.message.message_id,
        );
        await waitSent(
          desk,
          ADMIN_A,
          (s) => T2.test(s.text) && buttonsOf(s).some((b) => b.includes("Reply")),
          opened.since,
        );
        void since;
      });

      await t.step("Statistics shows numbers", async () => {
        desk.push(make.command(adminA, "admin"));
        await waitButton(desk, ADMIN_A, "Statistics");
        const { since } = await press(desk, adminA, "Statistics");
        const s = await waitSent(
          desk,
          ADMIN_A,
          (s) => /\d/.test(s.text) && s.text.length > 40,
          since,
        );
        assert.match(s.text, /ticket/i);
      });

      await t.step("Settings offers Info, Debug, Backup; each works", async () => {
        desk.push(make.command(adminA, "admin"));
        await waitButton(desk, ADMIN_A, "Settings");
        const settings = await press(desk, adminA, "Settings");
        await until(
          () =>
            findButton(sim, ADMIN_A, "Info") && findButton(sim, ADMIN_A, "Debug") &&
            findButton(sim, ADMIN_A, "Backup"),
          15_000,
          () => `Info/Debug/Backup buttons; have ${allButtons(sim, ADMIN_A)}`,
        );
        void settings;
        const info = await press(desk, adminA, "Info");
        const infoText = await waitSent(desk, ADMIN_A, (s) => /version/i.test(s.text), info.since);
        assert.ok(!infoText.text.includes("E2E-journeys_token"), "secrets redacted");
        await press(desk, adminA, "Back");
        const debug = await press(desk, adminA, "Debug");
        await waitSent(desk, ADMIN_A, (s) => /uptime/i.test(s.text), debug.since);
        await press(desk, adminA, "Back");
        const backup = await press(desk, adminA, "Backup");
        await waitSent(
          desk,
          ADMIN_A,
          (s) => /backups\/.+\.tar\.gz/.test(s.text),
          backup.since,
          30_000,
        );
        const files = [...Deno.readDirSync(`${desk.dataDir}/backups`)].map((e) => e.name);
        assert.ok(files.some((f) => f.endsWith(".tar.gz")), String(files));
      });

      await t.step("Help explains the admin actions", async () => {
        desk.push(make.command(adminA, "admin"));
        await waitButton(desk, ADMIN_A, "Help");
        const { since } = await press(desk, adminA, "Help");
        const s = await waitSent(desk, ADMIN_A, (s) => s.text.length > 300, since);
        for (const word of ["Reply", "Close", "Inbox", "/ban"]) {
          assert.ok(s.text.includes(word), word);
        }
      });

      await t.step("/ban <id>: the user's messages no longer reach the admins", async () => {
        const since = mark(desk);
        desk.push(make.privateText(carol, "Hello, I need help with my account please"));
        await waitText(desk, ADMIN_A, /my account/, since);
        const banAt = mark(desk);
        desk.push(make.command(adminA, "ban", String(carol.id)));
        await waitText(desk, ADMIN_A, /5003/, banAt);
        const after = mark(desk);
        desk.push(make.privateText(carol, "Why is nobody answering me here?"));
        desk.push(make.privateText(carol, "Hello? Anybody there at all?"));
        // A short notice to the user, and nothing to the admins.
        const notice = await waitSent(desk, carol.id, () => true, after);
        assert.ok(notice.text.length > 0);
        await new Promise((r) => setTimeout(r, 1000));
        for (const admin of [ADMIN_A, ADMIN_B]) {
          const leaked = textsTo(sim, admin, after).filter((x) =>
            /nobody answering|Anybody there/.test(x)
          );
          assert.deepEqual(leaked, [], `admin ${admin} got a blocked user's message`);
        }
        const notices = sentSince(sim, carol.id, after).length;
        assert.ok(notices <= 1, `notice not on every message: ${notices} messages`);
      });

      await t.step("Blocked users lists the banned user", async () => {
        desk.push(make.command(adminA, "admin"));
        await waitButton(desk, ADMIN_A, "Blocked");
        const { since } = await press(desk, adminA, "Blocked");
        await waitSent(
          desk,
          ADMIN_A,
          (s) => /Carol|5003/.test(s.text + buttonsOf(s).join(" ")),
          since,
        );
      });

      await t.step("/unban <id>: messages reach the admins again", async () => {
        const at = mark(desk);
        desk.push(make.command(adminA, "unban", String(carol.id)));
        await waitText(desk, ADMIN_A, /5003/, at);
        const after = mark(desk);
        desk.push(make.privateText(carol, "Thanks for unblocking me, still need help"));
        await waitText(desk, ADMIN_A, /Thanks for unblocking/, after);
      });

      await t.step("a user who blocked the bot: the replying admin is told 'blocked'", async () => {
        const since = mark(desk);
        desk.push(make.privateText(dave, "Dave here, something is broken badly"));
        const delivered = await waitText(desk, ADMIN_A, /Dave here/, since);
        sim.blockBot(dave.id);
        const before = mark(desk);
        desk.push(make.replyTo(adminA, delivered.message!, "Hi Dave, what exactly is broken?"));
        await waitText(desk, ADMIN_A, /blocked/i, before);
        // Also through the Reply button.
        const card = findButton(sim, ADMIN_A, "Reply", (m) => /Dave/.test(m.text ?? ""));
        if (card) {
          await press(desk, adminA, "Reply", (m) => m.message_id === card.message.message_id);
          const b2 = mark(desk);
          desk.push(make.privateText(adminA, "Dave, are you still there?"));
          await waitText(desk, ADMIN_A, /blocked/i, b2);
        }
      });

      await t.step("a non-admin gets no admin screen from /admin", async () => {
        const since = mark(desk);
        desk.push(make.command(erin, "admin"));
        await until(() => sentSince(sim, erin.id, since).length > 0 || undefined, 3000, () => "")
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
        const buttons = sentSince(sim, erin.id, since).flatMap((s) => buttonsOf(s));
        for (const word of ["Inbox", "Statistics", "Settings", "Blocked"]) {
          assert.ok(!buttons.some((b) => b.includes(word)), `non-admin sees ${word}: ${buttons}`);
        }
        assert.ok(!textsTo(sim, erin.id, since).some((x) => /Inbox|Statistics/.test(x)));
      });

      await t.step("feedback: prompt, thanks, delivered to the admins", async () => {
        const since0 = mark(desk);
        desk.push(make.command(erin, "start"));
        await waitButton(desk, erin.id, "Feedback");
        void since0;
        const { since } = await press(desk, erin, "Feedback");
        await waitSent(desk, erin.id, () => true, since);
        const before = mark(desk);
        desk.push(make.privateText(erin, "Your bot is lovely, please add dark mode!"));
        await waitSent(desk, erin.id, () => true, before);
        const where = [ADMIN_A, ADMIN_B, ALERT_CHAT];
        await until(
          () => where.some((c) => textsTo(sim, c, before).some((x) => /dark mode/.test(x))),
          15_000,
          () => "the feedback at an admin or the alert chat",
        );
        // Feedback is not a ticket.
        assert.ok(!textsTo(sim, erin.id, before).some((x) => /#\d/.test(x)), "no ticket number");
      });

      await t.step("SIGTERM: SHUTDOWN_ALERT text to the alert chat, exit 0", async () => {
        const { code, output } = await desk.stop();
        assert.equal(code, 0, output.slice(-2000));
        assert.ok(
          textsTo(sim, ALERT_CHAT).some((x) => /Desk is DOWN \(e2e\)/.test(x)),
          `alert chat got: ${textsTo(sim, ALERT_CHAT)}`,
        );
        assert.ok(!output.includes("E2E-journeys_token"), "the token is never printed");
      });
    } finally {
      await desk.dispose();
    }
  },
);
