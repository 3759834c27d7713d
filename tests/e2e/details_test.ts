/**
 * Black-box details of PRODUCT.md through the real program: locales, media in
 * both directions, server-side admin checks, rating once, feedback cooldown,
 * card actions (block/unblock, history, cancel), inbox order, TIMEZONE.
 */
import assert from "node:assert/strict";
import type { Message, Update } from "grammy/types";
import * as make from "../helpers/updates.ts";
import {
  ADMIN_A,
  ADMIN_B,
  allButtons,
  buttonsOf,
  type Desk,
  findButton,
  launch,
  mark,
  opts,
  press,
  sentSince,
  sleep,
  textsTo,
  tid,
  until,
  waitButton,
  waitSent,
  waitText,
} from "./harness.ts";

const CYRILLIC = /[А-Яа-яЁё]/;

/** A reply (Telegram's) carrying a photo, from `from` to `replied`, in that chat. */
function photoReply(from: ReturnType<typeof make.user>, replied: Message, caption: string): Update {
  const u = make.photo(from, caption);
  const { reply_to_message: _n, ...rest } = replied;
  (u.message as Message).reply_to_message = rest as Message & { reply_to_message: undefined };
  return u;
}

/** The ticket number the user was told last. */
function lastTicketOf(desk: Desk, chatId: number): number {
  const texts = textsTo(desk.sim, chatId);
  for (let i = texts.length - 1; i >= 0; i--) {
    const m = /#(\d+)/.exec(texts[i]);
    if (m) return Number(m[1]);
  }
  throw new Error(`no ticket number told to ${chatId}`);
}

Deno.test("details: locales, media, admin checks, rating once, cooldown, card", opts, async (t) => {
  const desk = await launch({
    env: {
      ADMIN_ID: `${ADMIN_A},${ADMIN_B}`,
      DEFAULT_LOCALE: "ru",
      FEEDBACK_COOLDOWN_ENABLED: "true",
      FEEDBACK_COOLDOWN_HOURS: "1.5",
      TIMEZONE: "Asia/Tokyo",
    },
  });
  const sim = desk.sim;
  const adminA = make.user(ADMIN_A, { first_name: "Agent", language_code: "en" });
  const adminB = make.user(ADMIN_B, { first_name: "Борис", language_code: "ru" });
  const hans = make.user(7001, { first_name: "Hans", language_code: "de" });
  const ivan = make.user(7002, { first_name: "Ivan", language_code: "ru" });
  const jane = make.user(7003, { first_name: "Jane", username: "jane_d", language_code: "en" });
  const kim = make.user(7004, { first_name: "Kim", language_code: "en" });
  const mallory = make.user(7666, { first_name: "Mallory", language_code: "en" });

  try {
    await t.step("DEFAULT_LOCALE=ru for a user whose language is neither ru nor en", async () => {
      const since = mark(desk);
      desk.push(make.command(hans, "start"));
      const s = await waitSent(desk, hans.id, (s) => buttonsOf(s).length > 0, since);
      assert.match(s.text, CYRILLIC);
      assert.ok(buttonsOf(s).some((b) => CYRILLIC.test(b)), String(buttonsOf(s)));
    });

    await t.step("a Russian user gets Russian, an English user English", async () => {
      let since = mark(desk);
      desk.push(make.command(ivan, "start"));
      const ru = await waitSent(desk, ivan.id, (s) => buttonsOf(s).length > 0, since);
      assert.match(ru.text, CYRILLIC);
      since = mark(desk);
      desk.push(make.command(jane, "start"));
      const en = await waitSent(desk, jane.id, (s) => buttonsOf(s).length > 0, since);
      assert.doesNotMatch(en.text, CYRILLIC);
    });

    await t.step("the Russian admin's panel is Russian", async () => {
      const since = mark(desk);
      desk.push(make.command(adminB, "start"));
      const s = await waitSent(desk, ADMIN_B, (s) => buttonsOf(s).length >= 5, since);
      assert.match(s.text + buttonsOf(s).join(" "), CYRILLIC);
    });

    let janeTicket = 0;
    await t.step(
      "media without a caption cannot start a ticket; with a caption it does",
      async () => {
        let since = mark(desk);
        desk.push(make.photo(jane));
        const hint = await waitSent(desk, jane.id, () => true, since);
        assert.doesNotMatch(hint.text, /#\d/);
        await sleep(300);
        assert.ok(
          !sentSince(sim, ADMIN_A, since).some((s) => !!s.message?.photo),
          "no photo sent on",
        );
        since = mark(desk);
        desk.push(make.photo(jane, "The error screen I keep getting"));
        const ok = await waitText(desk, jane.id, /#\d+/, since);
        janeTicket = Number(/#(\d+)/.exec(ok.text)![1]);
        await waitSent(desk, ADMIN_A, (s) => !!s.message?.photo, since);
      },
    );

    await t.step("every media kind from the user reaches the admins", async () => {
      const kinds: [string, Update, (m: Message) => boolean][] = [
        ["video", make.video(jane, "a video"), (m) => !!m.video],
        ["document", make.document(jane, { caption: "a file" }), (m) => !!m.document],
        ["voice", make.voice(jane), (m) => !!m.voice],
        ["audio", make.audio(jane), (m) => !!m.audio],
        ["animation", make.animation(jane), (m) => !!m.animation],
        ["sticker", make.sticker(jane), (m) => !!m.sticker],
        ["video note", make.videoNote(jane), (m) => !!m.video_note],
      ];
      for (const [name, update, has] of kinds) {
        const since = mark(desk);
        desk.push(update);
        for (const admin of [ADMIN_A, ADMIN_B]) {
          await waitSent(desk, admin, (s) => !!s.message && has(s.message), since, 15_000, name);
        }
      }
    });

    await t.step("an album from the user reaches the admins as an album", async () => {
      const since = mark(desk);
      desk.push(make.album(jane, ["photo", "photo", "video"], "three at once"));
      for (const admin of [ADMIN_A, ADMIN_B]) {
        await until(
          () => {
            const got = sentSince(sim, admin, since);
            const items = got.filter((s) =>
              s.method === "sendmediagroup" || s.method === "copymessages" ||
              !!s.message?.photo || !!s.message?.video
            );
            return got.some((s) => s.method === "sendmediagroup" || s.method === "copymessages") ||
              items.length >= 3;
          },
          15_000,
          () => `the album at ${admin}: ${sentSince(sim, admin, since).map((s) => s.method)}`,
        );
      }
      await waitSent(desk, ADMIN_A, (s) => /three at once/.test(s.text), since);
    });

    await t.step(
      "media from the admin (Telegram reply) reaches the user: photo, document, album",
      async () => {
        const delivered = sentSince(sim, ADMIN_A).find((s) => /error screen/.test(s.text));
        assert.ok(delivered?.message);
        let since = mark(desk);
        desk.push(photoReply(adminA, delivered.message, "annotated screenshot"));
        await waitSent(desk, jane.id, (s) => !!s.message?.photo, since);
        await waitText(desk, ADMIN_A, tid(janeTicket), since);
        await press(
          desk,
          adminA,
          /Reply|Ответить/,
          (m) => tid(janeTicket).test(m.text ?? m.caption ?? ""),
        );
        since = mark(desk);
        desk.push(make.document(adminA, { caption: "the manual", file_name: "manual.pdf" }));
        await waitSent(desk, jane.id, (s) => !!s.message?.document, since);
        await press(
          desk,
          adminA,
          /Reply|Ответить/,
          (m) => tid(janeTicket).test(m.text ?? m.caption ?? ""),
        );
        since = mark(desk);
        desk.push(make.album(adminA, ["photo", "photo"], "two pictures for you"));
        await until(
          () =>
            sentSince(sim, jane.id, since).filter((s) => !!s.message?.photo).length >= 2 ||
            sentSince(sim, jane.id, since).some((s) =>
              s.method === "sendmediagroup" || s.method === "copymessages"
            ),
          15_000,
          () => `the album at jane: ${sentSince(sim, jane.id, since).map((s) => s.method)}`,
        );
      },
    );

    await t.step("Cancel leaves reply mode: the next admin message is not sent", async () => {
      await press(
        desk,
        adminA,
        /Reply|Ответить/,
        (m) => tid(janeTicket).test(m.text ?? m.caption ?? ""),
      );
      await press(desk, adminA, /Cancel|Отмена/);
      const since = mark(desk);
      desk.push(make.privateText(adminA, "this must not reach the user"));
      await sleep(800);
      assert.ok(
        !textsTo(sim, jane.id, since).some((x) => /must not reach/.test(x)),
        "sent after Cancel",
      );
    });

    await t.step("History lists the ticket's messages", async () => {
      const { since } = await press(
        desk,
        adminA,
        /History|История/,
        (m) => tid(janeTicket).test(m.text ?? ""),
      );
      await waitSent(
        desk,
        ADMIN_A,
        (s) => tid(janeTicket).test(s.text) && /photo|video/i.test(s.text),
        since,
      );
      const back = findButton(sim, ADMIN_A, /Back|Назад/);
      assert.ok(back, "History has Back");
    });

    await t.step("the card shows times in TIMEZONE", async () => {
      const since = mark(desk);
      desk.push(make.privateText(kim, "Kim has a timezone question, hello"));
      const card = await waitSent(
        desk,
        ADMIN_A,
        (s) => /Kim/.test(s.text) && buttonsOf(s).length >= 4,
        since,
      );
      const fmt = (d: Date) =>
        new Intl.DateTimeFormat("en-GB", {
          timeZone: "Asia/Tokyo",
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
        }).format(d);
      const now = Date.now();
      const options = [
        fmt(new Date(now - 60_000)),
        fmt(new Date(now)),
        fmt(new Date(now + 60_000)),
      ];
      assert.ok(options.some((hm) => card.text.includes(hm)), `${options} in ${card.text}`);
    });

    await t.step(
      "an English admin (Telegram language en) gets English cards under DEFAULT_LOCALE=ru",
      () => {
        // Admin A has used the bot a lot by now (buttons, replies, media), always with language_code en.
        const card = sentSince(sim, ADMIN_A).findLast((s) =>
          /Kim/.test(s.text) && buttonsOf(s).length >= 4
        );
        assert.ok(card);
        const missing = ["Take", "Reply", "Close", "Block"].filter((w) =>
          !buttonsOf(card).some((b) => b.includes(w))
        );
        assert.deepEqual(missing, [], `card buttons for an English admin: ${buttonsOf(card)}`);
        assert.doesNotMatch(card.text, CYRILLIC, card.text);
      },
    );

    await t.step("a non-admin pressing an admin button changes nothing", async () => {
      const kimTicket = lastTicketOf(desk, kim.id);
      const close = findButton(
        sim,
        ADMIN_A,
        /Close|Закрыть/,
        (m) => tid(kimTicket).test(m.text ?? ""),
      );
      assert.ok(close);
      const since = mark(desk);
      // Mallory replays the card's callback data (from a message in her own chat and the admin's).
      const own = make.botMessage(make.privateChat(mallory), {
        text: "x",
        reply_markup: {
          inline_keyboard: [[close.button as { text: string; callback_data: string }]],
        },
      });
      desk.push(make.callback(mallory, close.button.callback_data!, own));
      desk.push(make.callback(mallory, close.button.callback_data!, close.message));
      await sleep(1000);
      assert.ok(
        !textsTo(sim, kim.id, since).some((x) => tid(kimTicket).test(x)),
        "Kim not notified",
      );
      // The ticket is still open: Kim's next message joins it.
      const s2 = mark(desk);
      desk.push(make.privateText(kim, "Kim again with more details"));
      const got = await waitText(desk, ADMIN_A, /Kim again/, s2);
      const around = sentSince(sim, ADMIN_A, s2).filter((x) => x.index <= got.index);
      assert.ok(around.some((x) => tid(kimTicket).test(x.text)), "still the same ticket");
    });

    await t.step("a non-admin /ban is refused", async () => {
      const since = mark(desk);
      desk.push(make.command(mallory, "ban", String(kim.id)));
      await sleep(800);
      const s2 = mark(desk);
      desk.push(make.privateText(kim, "Kim still reaching support?"));
      await waitText(desk, ADMIN_A, /Kim still reaching/, s2);
      assert.ok(!textsTo(sim, mallory.id, since).some((x) => /blocked/i.test(x)));
    });

    await t.step("Block from the card, then Unblock from the card", async () => {
      const kimTicket = lastTicketOf(desk, kim.id);
      const onCard = (m: Message) => tid(kimTicket).test(m.text ?? "") && /Kim/.test(m.text ?? "");
      const blocked = await press(desk, adminA, /Block|Заблокировать/, onCard);
      await until(
        () => findButton(sim, ADMIN_A, /Unblock|Разблокировать/, onCard),
        15_000,
        () => `Unblock on the card; buttons ${allButtons(sim, ADMIN_A)}`,
      );
      void blocked;
      let since = mark(desk);
      desk.push(make.privateText(kim, "Kim while blocked: hello?"));
      await waitSent(desk, kim.id, () => true, since);
      await sleep(500);
      assert.ok(!textsTo(sim, ADMIN_A, since).some((x) => /while blocked/.test(x)));
      await press(desk, adminA, /Unblock|Разблокировать/, onCard);
      since = mark(desk);
      desk.push(make.privateText(kim, "Kim after unblock: hello!"));
      await waitText(desk, ADMIN_A, /after unblock/, since);
    });

    await t.step("Unblock from the Blocked users list", async () => {
      let since = mark(desk);
      desk.push(make.command(adminA, "ban", String(kim.id)));
      await waitText(desk, ADMIN_A, /7004/, since);
      desk.push(make.command(adminA, "admin"));
      await waitButton(desk, ADMIN_A, "Blocked");
      await press(desk, adminA, "Blocked");
      await press(desk, adminA, /Unblock/);
      since = mark(desk);
      desk.push(make.privateText(kim, "Kim unblocked from the list"));
      await waitText(desk, ADMIN_A, /unblocked from the list/, since);
    });

    await t.step("Ask while a ticket is open says so, naming the ticket", async () => {
      const kimTicket = lastTicketOf(desk, kim.id);
      desk.push(make.command(kim, "start"));
      await waitButton(desk, kim.id, "Ask");
      const { since } = await press(desk, kim, "Ask");
      await waitText(desk, kim.id, tid(kimTicket), since);
    });

    await t.step("a rating counts once per ticket", async () => {
      const n = lastTicketOf(desk, kim.id);
      await press(
        desk,
        adminA,
        /Close|Закрыть/,
        (m) => tid(n).test(m.text ?? "") && /Kim/.test(m.text ?? ""),
      );
      await waitButton(desk, kim.id, "⭐");
      const rating = findButton(sim, kim.id, "⭐")!;
      const stars = (rating.message.reply_markup?.inline_keyboard ?? []).flat();
      const one = stars.find((b) => b.text.includes("⭐"))!;
      const two = stars.find((b) => (b.text.match(/⭐/g) ?? []).length === 2) ?? one;
      const since = mark(desk);
      desk.push(
        make.callback(kim, (one as { callback_data: string }).callback_data, rating.message),
      );
      await waitSent(desk, ADMIN_A, (s) => tid(n).test(s.text) && s.text.includes("⭐"), since);
      const again = mark(desk);
      desk.push(
        make.callback(kim, (two as { callback_data: string }).callback_data, rating.message),
      );
      await sleep(1000);
      assert.ok(
        !sentSince(sim, ADMIN_A, again).some((s) => tid(n).test(s.text) && s.text.includes("⭐")),
        "a second rating notified the admins",
      );
      // Statistics count one rating for this ticket (1 star average among ratings so far).
      desk.push(make.command(adminA, "admin"));
      await waitButton(desk, ADMIN_A, "Statistics");
      const st = await press(desk, adminA, "Statistics");
      const s = await waitSent(desk, ADMIN_A, (s) => /Ratings?/i.test(s.text), st.since);
      assert.match(s.text, /Ratings?\D{0,10}1\b/, s.text);
    });

    await t.step("the clickable #id of the rating notice opens the ticket card", async () => {
      const n = lastTicketOf(desk, kim.id);
      const notice = sentSince(sim, ADMIN_A).findLast((s) =>
        tid(n).test(s.text) && s.text.includes("⭐")
      );
      assert.ok(notice);
      const href = /<a href="([^"]+)">#\d+<\/a>/.exec(notice.text)?.[1];
      const button = buttonsOf(notice).find((b) => tid(n).test(b));
      assert.ok(href || button, notice.text);
      if (href) {
        const start = /[?&]start=([^&]+)/.exec(href)?.[1];
        assert.ok(start, `a deep link: ${href}`);
        const since = mark(desk);
        desk.push(make.command(adminA, "start", start));
        await waitSent(
          desk,
          ADMIN_A,
          // A card (the ticket is closed, so no Reply; History/Back are always there).
          (s) => tid(n).test(s.text) && buttonsOf(s).some((b) => /History|История/.test(b)),
          since,
        );
      }
    });

    await t.step("Russian admin is told 'заблокировал' when the user blocked the bot", async () => {
      const since = mark(desk);
      desk.push(make.privateText(ivan, "Иван: у меня не работает оплата"));
      const delivered = await waitText(desk, ADMIN_B, /не работает оплата/, since);
      sim.blockBot(ivan.id);
      const before = mark(desk);
      desk.push(make.replyTo(adminB, delivered.message!, "Иван, уточните, пожалуйста"));
      await waitText(desk, ADMIN_B, /заблокировал/, before);
    });

    await t.step("a reply to a message of a closed ticket is not sent", async () => {
      const n = janeTicket;
      await press(
        desk,
        adminA,
        /Close|Закрыть/,
        (m) => tid(n).test(m.text ?? "") && /Jane/.test(m.text ?? ""),
      );
      await waitText(desk, jane.id, tid(n));
      const old = sentSince(sim, ADMIN_A).find((s) => /error screen/.test(s.text));
      const since = mark(desk);
      desk.push(make.replyTo(adminA, old!.message!, "late answer after closing"));
      await waitText(desk, ADMIN_A, tid(n), since);
      assert.ok(!textsTo(sim, jane.id, since).some((x) => /late answer/.test(x)));
    });

    await t.step("two admins press Close at once: the user is told once", async () => {
      const leo = make.user(7010, { first_name: "Leo", language_code: "en" });
      const since = mark(desk);
      desk.push(make.privateText(leo, "Leo needs a hand with the setup wizard"));
      const created = await waitText(desk, leo.id, /#\d+/, since);
      const n = Number(/#(\d+)/.exec(created.text)![1]);
      const onCard = (m: Message) => tid(n).test(m.text ?? "") && /Leo/.test(m.text ?? "");
      const a = await waitButton(desk, ADMIN_A, /Close|Закрыть/, onCard);
      const b = await waitButton(desk, ADMIN_B, /Close|Закрыть/, onCard);
      const before = mark(desk);
      desk.push([
        make.callback(adminA, a.button.callback_data!, a.message),
        make.callback(adminB, b.button.callback_data!, b.message),
      ]);
      await waitText(desk, leo.id, tid(n), before);
      await sleep(1500);
      const notices = sentSince(sim, leo.id, before).filter((s) =>
        s.method === "sendmessage" && tid(n).test(s.text)
      );
      assert.equal(notices.length, 1, notices.map((s) => s.text).join(" / "));
    });

    await t.step("feedback cooldown: the second feedback is refused and says when", async () => {
      desk.push(make.command(jane, "start"));
      await waitButton(desk, jane.id, "Feedback");
      await press(desk, jane, "Feedback");
      let since = mark(desk);
      desk.push(make.privateText(jane, "First feedback: great support team!"));
      await waitSent(desk, jane.id, () => true, since);
      await until(() => textsTo(sim, ADMIN_A, since).some((x) => /First feedback/.test(x)), 15_000);
      desk.push(make.command(jane, "start"));
      await waitButton(desk, jane.id, "Feedback");
      const second = await press(desk, jane, "Feedback");
      since = second.since;
      // Either the press already says when, or the message after it does.
      let refusal = sentSince(sim, jane.id, since).find((s) => /\d{1,2}:\d{2}/.test(s.text));
      const toast = sim.callsTo("answerCallbackQuery").slice(-1)[0];
      if (!refusal && !/\d{1,2}:\d{2}/.test(String(toast.payload.text ?? ""))) {
        desk.push(make.privateText(jane, "Second feedback: still great, really!"));
        refusal = await waitSent(
          desk,
          jane.id,
          (s) => /\d{1,2}:\d{2}|\d+\s*(h|min)/.test(s.text),
          since,
        );
      }
      await sleep(500);
      assert.ok(!textsTo(sim, ADMIN_A, since).some((x) => /Second feedback/.test(x)));
    });
  } finally {
    await desk.dispose();
  }
});

Deno.test(
  "details: inbox order (user waiting first, oldest first) and pagination",
  opts,
  async () => {
    const desk = await launch({ env: { ADMIN_ID: `${ADMIN_A}` } });
    const sim = desk.sim;
    const admin = make.user(ADMIN_A, { first_name: "Agent", language_code: "en" });
    try {
      const users = Array.from(
        { length: 14 },
        (_, i) => make.user(8000 + i, { first_name: `U${i}`, language_code: "en" }),
      );
      for (const u of users) {
        const since = mark(desk);
        desk.push(make.privateText(u, `Question number ${u.id} for support`));
        await waitText(desk, u.id, /#\d+/, since);
      }
      // Support answers ticket #1: its user's turn now, so it goes after all waiting ones.
      await press(
        desk,
        admin,
        "Reply",
        (m) => tid(1).test(m.text ?? "") && /Ticket|#1/.test(m.text ?? ""),
      );
      const since = mark(desk);
      desk.push(make.privateText(admin, "Answer to the first one"));
      await waitText(desk, users[0].id, /Answer to the first/, since);
      desk.push(make.command(admin, "admin"));
      await waitButton(desk, ADMIN_A, "Inbox");
      await press(desk, admin, "Inbox");
      const page1 = await waitButton(desk, ADMIN_A, /#\d+/);
      const rows = (page1.message.reply_markup?.inline_keyboard ?? []).flat()
        .map((b) => /#(\d+)/.exec(b.text)?.[1]).filter((x): x is string => !!x).map(Number);
      assert.ok(rows.length > 0 && rows.length < 14, `paginated: ${rows.length} rows on page 1`);
      assert.equal(rows[0], 2, `oldest waiting first: ${rows}`);
      assert.deepEqual(rows, [...rows].sort((a, b) => a - b), `waiting ones oldest first: ${rows}`);
      assert.ok(
        !rows.includes(1) || rows.at(-1) === 1,
        `answered #1 after the waiting ones: ${rows}`,
      );
      // Following the pages shows every open ticket once.
      const seen = new Set(rows);
      for (let i = 0; i < 5 && seen.size < 14; i++) {
        const next = findButton(
          sim,
          ADMIN_A,
          /Next|▶/,
          (m) => /#\d+/.test(JSON.stringify(m.reply_markup)),
        );
        if (!next) break;
        const { since: s } = await press(desk, admin, next.button.text);
        await until(() => sentSince(sim, ADMIN_A, s).length > 0, 15_000);
        const m = sentSince(sim, ADMIN_A, s).at(-1)!.message!;
        for (const b of (m.reply_markup?.inline_keyboard ?? []).flat()) {
          const id = /#(\d+)/.exec(b.text)?.[1];
          if (id) seen.add(Number(id));
        }
      }
      assert.equal(seen.size, 14, `all open tickets across pages: ${[...seen]}`);
      assert.ok(seen.has(1));
    } finally {
      await desk.dispose();
    }
  },
);
