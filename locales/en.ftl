## Shared: statuses, buttons, ticket card

status-new = 🆕 new
status-in_progress = 🛠 in progress
status-closed = ✅ closed

btn-ask = ❓ Ask a question
btn-feedback = 💬 Send Feedback
btn-language = 🌐 Language
btn-take = 🛠 Take in progress
btn-reply = ✍️ Reply
btn-close = ✅ Close
btn-block = 🚫 Block user
btn-unblock = ♻️ Unblock user
btn-history = 📜 History
btn-back = ⬅️ Back
btn-cancel = ✖️ Cancel

card-title = 🎫 <b>Ticket #{ $id }</b> · { $status }
card-user = 👤 { $mention } · { $username } · id <code>{ $userId }</code>
card-created = 🕒 Created: { $time }
card-activity = 🕑 Last activity: { $time }
card-closed = ✅ Closed: { $time }
card-turn-support = ⏳ Turn: <b>support</b> (the user is waiting)
card-turn-user = 💤 Turn: <b>user</b> (support answered)
card-autoclose = ⌛ Auto-close in { $left }
card-messages = 💬 { $count ->
    [one] { $count } message
   *[other] { $count } messages
}
card-taken-by = 🧑‍💻 Taken by: { $name }
card-replied-by = ↩️ Last answer by: { $name }
card-user-blocked = 🚫 This user is blocked.
card-rating = ⭐ Rating: { $stars }
card-legacy = 🗂 Old bot id: <code>{ $legacyId }</code>

## Errors and generic answers

error-generic = ⚠️ Something went wrong on our side, and this could not be processed yet. The bot will try again by itself; there is no need to send it again.
not-allowed = ⛔ This action is for the support team only.
button-expired = This button is no longer valid.

## Conversation: start, menu, language, /id

conv-greeting = 👋 Hello, { $name }! This is the support desk.
    Ask a question and the team will answer right here, or send us your feedback.
conv-menu = What would you like to do?
conv-lang-en = English
conv-lang-ru = Русский
conv-language-choose = 🌐 Choose your language:
conv-language-set = ✅ The bot now speaks English.
conv-id-user = 🆔 Your id: <code>{ $userId }</code>
conv-id-chat = 💬 Chat id: <code>{ $chatId }</code>
conv-id-topic = 🧵 Topic id: <code>{ $topicId }</code>
conv-cancelled = ✖️ Cancelled.
conv-unknown-command = 🤔 Unknown command. Here is the menu:
conv-blocked-notice = 🚫 You are blocked: your messages are not delivered to the support team.
cmd-start = Main menu
cmd-id = Show my Telegram id
cmd-admin-start = Admin panel
cmd-note = Keep an internal note in this customer's ticket (the customer does not see it)
cmd-admin = Admin panel
cmd-help = How every button and command works
cmd-ban = Block a user: /ban <user id>
cmd-unban = Unblock a user: /unban <user id>

## Conversation: tickets (user side)

conv-ask-prompt = ✍️ Describe your question in one message, at least { $min ->
    [one] { $min } character
   *[other] { $min } characters
}. You may attach a photo, a video or a file with a caption.
conv-ask-prompt-open = ✍️ Your ticket #{ $id } is still open: just write, and your message is added to it.
conv-ask-too-short = ✍️ Please describe your question in a little more detail: at least { $min ->
    [one] { $min } character
   *[other] { $min } characters
}.
conv-ask-needs-caption = 📎 Please add a caption that describes your question, or write it as a text message.
conv-ticket-created = ✅ Your ticket #{ $id } is created. The support team will answer here; write any time to add details.
conv-user-header = 💬 <b>Support</b> · ticket #{ $id }
conv-user-closed = ✅ Your ticket #{ $id } is closed. Thank you for reaching out! Please rate our support:
conv-user-autoclosed = ⌛ Your ticket #{ $id } was closed automatically because we had no answer from you. Please rate our support, or ask a new question:
conv-rate-thanks = 🙏 Thank you! Your rating of ticket #{ $id }: { $stars }
conv-rate-already = You have already rated ticket #{ $id }.

## Conversation: tickets (support side)

conv-admin-new = 🆕 New ticket #{ $id }
conv-admin-header = 📩 <b>#{ $id }</b> · { $name }
conv-edited-mark = ✏️ edited
conv-reply-prompt = ✍️ Send your reply to ticket #{ $id }: text or any media. It goes to the user as it is.
conv-reply-toast = Replying to #{ $id }
conv-reply-sent = ✅ Sent to the user · ticket #{ $id }
conv-reply-cancelled = ✖️ Reply to ticket #{ $id } cancelled.
conv-reply-closed = ⚠️ Ticket #{ $id } is closed; the message was not sent.
conv-reply-blocked = 🚫 The user blocked the bot: the message for ticket #{ $id } was not delivered.
conv-reply-failed = ⚠️ The message for ticket #{ $id } was not delivered: Telegram refused it (details in the log). Please send it again in another form.
conv-admin-hint = ℹ️ To answer a user, press Reply on a ticket card, or reply (swipe left) to a message of the ticket.
conv-take-done = 🛠 Ticket #{ $id } is in progress.
conv-take-already = Ticket #{ $id } is already in progress.
conv-close-done = ✅ Ticket #{ $id } is closed.
conv-close-unreachable = ✅ Ticket #{ $id } is closed, but the user blocked the bot and was not notified.
conv-close-failed = ✅ Ticket #{ $id } is closed, but the notice to the user could not be sent (Telegram did not accept it; see the log).
conv-stale-closed = Ticket #{ $id } is already closed.
conv-ticket-missing = Ticket #{ $id } does not exist.
conv-block-done = 🚫 The user of ticket #{ $id } is blocked.
conv-unblock-done = ♻️ The user of ticket #{ $id } is unblocked.
conv-block-already = Nothing changed: the user of ticket #{ $id } already has this status.
conv-admin-rating = ⭐ { $name } rated ticket { $ticket }: { $stars }

## Conversation: feedback

conv-feedback-prompt = 💬 Write your feedback or suggestion in one message, at least { $min ->
    [one] { $min } character
   *[other] { $min } characters
}.
conv-feedback-too-short = 💬 Please write a little more: at least { $min ->
    [one] { $min } character
   *[other] { $min } characters
}.
conv-feedback-thanks = 🙏 Thank you for your feedback! The team will read it.
conv-feedback-cooldown = ⏳ You have sent feedback recently. You can send the next one after { $time } (in { $left }).
conv-admin-feedback = 💬 <b>Feedback</b> from { $name }

## Jobs: auto-close, backups, alerts

jobs-autoclose-admin-one = ⌛ Ticket #{ $id } was closed automatically: the user did not answer for { $hours } h.
jobs-autoclose-admin-many = ⌛ { $count } tickets were closed automatically (the users did not answer for { $hours } h): { $ids }
jobs-autoclose-admin-more = and { $count } more
jobs-backup-ok = 🗄 Backup made: <code>{ $name }</code> ({ $size }, { $entries ->
    [one] { $entries } entry
   *[other] { $entries } entries
}).
jobs-backup-failed = ❌ Backup failed: { $error }
jobs-backup-not-sent = 📭 Not sent to Telegram: { $reason }
jobs-backup-not-sent-size = 📦 Backup <code>{ $name }</code> is { $size }, over the { $limit } limit, so it is not sent here. It is kept on the server in DATA_DIR/backups/.
jobs-backup-caption = 🗄 Backup <code>{ $name }</code> · { $size } · { $entries ->
    [one] { $entries } entry
   *[other] { $entries } entries
}
jobs-alert-started = 🟢 Support bot started (version { $version }, { $time }).
jobs-alert-stopped = 🔴 Support bot stopped (version { $version }, { $time }).
jobs-alert-error = ⚠️ Error in { $where } ({ $time }): <code>{ $error }</code>
jobs-alert-error-held-back = { $count ->
    [one] { $count } more error was held back since the previous alert.
   *[other] { $count } more errors were held back since the previous alert.
}

## Admin panel: menu, inbox, card, history

btn-inbox = 📥 Inbox
btn-stats = 📊 Statistics
btn-blocked = 🚫 Blocked users
btn-settings = ⚙️ Settings
btn-help = ❓ Help
btn-info = ℹ️ Info
btn-debug = 🐞 Debug
btn-backup = 💾 Backup now
btn-refresh = 🔄 Refresh
btn-prev = ◀️ Previous
btn-next = Next ▶️
btn-back-card = ⬅️ Back to the card
btn-unblock-user = ♻️ Unblock { $name }

panel-title = 🛠 <b>Support panel</b>
panel-open = 📬 Open tickets: <b>{ $open }</b> (new: { $new }, in progress: { $inProgress })
panel-autoclose = ⌛ Waiting for auto-close: { $count }
panel-hint = Choose a section. Help explains every action and command.

inbox-title = 📥 <b>Inbox</b> · open tickets: { $open } · page { $page }/{ $pages }
inbox-empty = 📭 No open tickets. All caught up!
inbox-row = <b>#{ $id }</b> · { $status } · { $turn } · { $name }{ $username } · { $age } old
inbox-turn-support = ⏳ user waits { $wait }
inbox-turn-user = 💤 user's turn
inbox-button = #{ $id } { $icon } { $name } · { $age }
inbox-hint = ⏳ the user waits for support (longest wait first) · 💤 support answered, the user's turn. Tap a ticket to open its card.

card-closed-auto = ⌛ Closed automatically (no answer from the user).
card-closed-by = ✅ Closed by: { $name }
card-not-found = Ticket #{ $id } does not exist.
card-legacy-not-found = No ticket imported from the old bot has the id <code>{ $legacyId }</code>.

history-title = 📜 <b>History of ticket #{ $id }</b> · last { $shown } of { $total ->
    [one] { $total } message
   *[other] { $total } messages
}
history-empty = No messages yet.
history-in = ⬅️ user
history-out = ➡️ support
history-note = 📝 Note (internal)
history-row = <b>{ $time }</b> · { $direction } · { $kind }

kind-text = 💬 text
kind-photo = 🖼 photo
kind-video = 🎬 video
kind-document = 📄 document
kind-voice = 🎤 voice
kind-audio = 🎵 audio
kind-animation = 🎞 animation
kind-sticker = 🏷 sticker
kind-video_note = 📹 video note
kind-album = 🗂 album
kind-edit = ✏️ edit
kind-other = 📦 other
kind-legacy_media = 📎 media (the old bot did not keep it)

## Admin panel: blocked users, /ban, /unban

blocked-title = 🚫 <b>Blocked users</b>: { $count } · page { $page }
blocked-empty = Nobody is blocked.
blocked-row = • { $mention }{ $username } · id <code>{ $id }</code> · since { $time }
blocked-hint = Tap a button to unblock a user. Commands: <code>/ban &lt;user id&gt;</code>, <code>/unban &lt;user id&gt;</code>.
blocked-unblocked = ♻️ { $name } is unblocked.
blocked-not-blocked = { $name } was not blocked anymore.
ban-usage = Usage: <code>/ban &lt;user id&gt;</code>, for example <code>/ban 123456789</code>. The id is a number: it is shown on the ticket card, and a user can learn it with /id.
unban-usage = Usage: <code>/unban &lt;user id&gt;</code>, for example <code>/unban 123456789</code>. The blocked users and their ids are listed under Blocked users in /admin.
ban-bad-id = ⚠️ “{ $value }” is not a Telegram user id: expected a positive whole number.
ban-admin = ⚠️ <code>{ $id }</code> is an admin (ADMIN_ID) and cannot be blocked.
ban-done = 🚫 { $mention } (id <code>{ $id }</code>) is blocked: their messages no longer reach the support team.
ban-done-unknown = 🚫 User <code>{ $id }</code> has never written to the bot; the id is blocked in advance.
ban-already = { $mention } (id <code>{ $id }</code>) is already blocked. Nothing changed.
unban-done = ♻️ { $mention } (id <code>{ $id }</code>) is unblocked.
unban-not-blocked = { $mention } (id <code>{ $id }</code>) is not blocked. Nothing changed.
unban-unknown = ⚠️ User <code>{ $id }</code> is unknown: this id has never written to the bot and is not blocked.

## Admin panel: statistics

stats-title = 📊 <b>Statistics</b>
stats-users = 👥 Users: <b>{ $users }</b> (blocked: { $blocked })
stats-tickets = 🎫 Tickets: <b>{ $total }</b> · new: { $new } · in progress: { $inProgress } · closed: { $closed }
stats-autoclose = ⌛ Waiting for auto-close: { $count }
stats-ratings = ⭐ Ratings: { $count } · average: { $average }
stats-distribution = { "   " }⭐ { $one } · ⭐⭐ { $two } · ⭐⭐⭐ { $three }
stats-feedback = 💬 Feedback: { $count }
stats-30d-title = 📅 <b>Last 30 days</b>
stats-30d-tickets = 🎫 Created: { $created } · closed: { $closed }
stats-30d-rating = ⭐ Average rating: { $average }
stats-30d-first-response = ⏱ Median first response: { $time }

## Admin panel: settings, info, debug, backup

settings-title = ⚙️ <b>Settings</b>
settings-body = ℹ️ Info: the configuration in force (secrets hidden) and the version.
    🐞 Debug: uptime, memory, store, last backup and auto-close, errors, versions.
    💾 Backup now: writes an archive of the store to DATA_DIR/backups/ at once.
settings-backup-scheduled = 🗓 Scheduled backups are on.
settings-backup-off = 🗓 Scheduled backups are off (BACKUP_ENABLED); "Backup now" still works.
info-title = ℹ️ <b>Info</b>
info-version = Version: <b>{ $version }</b>
info-hint = Secrets are hidden. To change a setting, edit .env and restart the bot.
debug-title = 🐞 <b>Debug</b>
debug-uptime = ⏱ Uptime: { $uptime } (since { $since })
debug-memory = 🧠 Memory: RSS { $rss } · heap { $heapUsed } of { $heapTotal }
debug-store = 🗄 Store: users { $users } · tickets { $tickets } (open { $open }) · ratings { $ratings } · feedback { $feedback } · blocked { $blocked }
debug-store-file = 📁 Store file: <code>{ $path }</code> · { $size }
debug-backup = 💾 Last backup: { $time } · { $result }
debug-backup-ok = ✅ ok, { $size }
debug-backup-failed = ❌ failed: { $error }
debug-backup-path = { "   " }<code>{ $path }</code>
debug-backup-never = 💾 Last backup: none yet (scheduled backups { $enabled })
debug-on = on
debug-off = off
debug-autoclose = ⌛ Last auto-close run: { $time } · closed { $count }
debug-autoclose-never = ⌛ Last auto-close run: none yet
debug-autoclose-off = ⌛ Auto-close is off (AUTO_CLOSE_AFTER_HOURS=0)
debug-errors = ⚠️ Errors since start: { $count }
debug-set-aside = 🧾 Updates set aside after repeated failures: { $count }
debug-versions = 🦕 Bot { $app } · Deno { $deno } · V8 { $v8 } · TypeScript { $typescript } · grammY { $grammy }
backup-running = ⏳ Backup started…
backup-busy = ⏳ A backup is already running.
backup-done = ✅ Backup written: <code>{ $path }</code> ({ $size })
backup-failed = ❌ Backup failed: { $error }
backup-sent = 📤 The archive was sent to Telegram.
backup-not-sent = 📭 Not sent to Telegram: { $reason }
backup-reason-too-large = the archive is { $size }, over the { $limit } limit (BACKUP_MAX_SIZE_MB, and Telegram's 50 MB)
backup-reason-refused = Telegram refused the upload ({ $error })

## Admin panel: help

help-title = ❓ <b>Help for the support team</b>
help-panel = <b>Panel</b> · /start or /admin opens it: Inbox, Statistics, Blocked users, Settings, Help. Buttons change the screen in place; Back returns one level up.
help-inbox = <b>📥 Inbox</b> · every open ticket, one button each. Tickets where the user waits for an answer (⏳) come first, the longest wait on top; then the ones where support answered (💤). A row shows #id, status, whose turn it is, the user and the age. Tap a row to open the ticket card; ◀️ ▶️ turn pages, 🔄 refreshes.
help-card = <b>🎫 Ticket card</b> · status, the user (name, @username, id; the name opens the profile), created and last activity, whose turn it is, the time left until auto-close, the message count, who took the ticket and who answered last.
    • 🛠 Take in progress: marks the ticket as yours (status "in progress").
    • ✍️ Reply: your next message (text or any media) goes to the user; Cancel leaves reply mode.
    • ✅ Close: closes the ticket, tells the user and asks for a rating.
    • 🚫 Block / ♻️ Unblock: stops or restores the user's messages.
    • 📜 History: the last messages with direction, time and kind.
    If another agent changed the ticket meanwhile, the button says so and the card is refreshed.
help-reply = <b>✍️ Answering</b> · besides Reply on the card, you can reply (swipe left) to any message of a ticket that the bot delivered to you: the answer goes to that ticket's user. You get a confirmation naming the #id. If the user blocked the bot, you are told so.
help-group = <b>👥 Support group</b> · with SUPPORT_CHAT_ID set, each customer has a topic in the group: the card, their messages, the closure and the rating land there. Anything an agent writes in the topic goes to the customer; /note text stays internal (kept in the history as a note). The topic's name shows the status and the #id.
help-status = <b>🔄 Status flow</b> · new → in progress → closed. A reply moves a new ticket to in progress and gives the turn to the user. When the user does not answer for { $hours } h after the last support message, the ticket closes automatically (never while the user waits). A closed ticket stays closed: the user's next message opens a new one.
help-block = <b>🚫 Blocked users</b> · the list has an Unblock button per user. A blocked user gets a short notice and nothing of theirs reaches the team.
help-stats = <b>📊 Statistics</b> · users, tickets by status, tickets waiting for auto-close, ratings (count, average, distribution), feedback, and the last 30 days: created, closed, average rating, median time to the first answer.
help-settings = <b>⚙️ Settings</b> · ℹ️ Info: the configuration in force, secrets hidden, and the version. 🐞 Debug: uptime, memory, store counts, the last backup and auto-close run, errors since start, Deno, V8, TypeScript and grammY versions. 💾 Backup now: writes an archive at once (sent to Telegram when BACKUP_SEND_TO_TELEGRAM is on).
help-notifications = <b>🔔 Notifications</b> · every admin gets new tickets, new messages on open tickets, ratings, feedback and auto-closed tickets. A clickable #id opens the card.
help-legacy = <b>🗂 Tickets from the old bot</b> · tickets imported from the Python bot keep its id (T-20240101-0001) on the card. Send that id here as a message to open the card. Their media were not kept by the old bot: the history shows 📎 in their place.
help-commands = <b>⌨️ Commands</b>
    /admin, /start: the panel
    /ban &lt;user id&gt;: block a user (also an id that never wrote)
    /unban &lt;user id&gt;: unblock a user
    /id: your id; in a group also the chat and topic ids
    /help: this screen

## Hardening: unsupported messages, delivery failures

hardening-not-supported = 🙏 Sorry, this kind of message is not supported. Please send text, a photo, a video, a file, a voice or audio message, a sticker, a contact or a location.

## Sizes (backups, Debug)

size-b = { $value } B
size-kb = { NUMBER($value, maximumFractionDigits: 1) } KB
size-mb = { NUMBER($value, maximumFractionDigits: 1) } MB
size-gb = { NUMBER($value, maximumFractionDigits: 1) } GB

## The support group (SUPPORT_CHAT_ID)
group-agents-only = 🔒 Only agents can answer customers here: your messages in this topic reach no one.
group-note-kept = 📝 Note kept in the history of ticket #{ $id }; the customer does not see it.
group-note-empty = 📝 Write the note after the command: /note the customer prefers email.
group-reply-toast = To answer ticket #{ $id }, just write in this topic: every message of an agent here goes to the customer.
conv-topic-closed = ✅ Ticket #{ $id } was closed by { $agent }.
conv-topic-rated = ⭐ The customer rated ticket #{ $id }: { $stars }

## Saved replies
saved-usage = 💾 To save a reply, answer (swipe left on) the message to keep with <code>/save name</code>: 1 to 32 letters, digits, _ or -. Send it later with <code>/r name</code> wherever you answer a ticket; /saved lists them.
saved-unsupported = 💾 That message cannot be saved: only text, or media (photo, video, document, voice, audio, GIF, sticker, video note) with its caption.
saved-done = 💾 Saved as <b>{ $name }</b>. Send it with <code>/r { $name }</code> wherever you answer a ticket.
saved-full = 💾 There are already { $limit } saved replies: delete one in /saved first, or save under an existing name to replace it.
saved-empty = 💾 No saved replies yet. Answer any message with <code>/save name</code> to keep it.
saved-title = 💾 <b>Saved replies</b> ({ $count }) · send one with <code>/r name</code>
saved-row = <b>{ $name }</b> · { $kind } · <i>{ $preview }</i>
saved-delete = 🗑 Delete { $name }
saved-deleted = Deleted: { $name }
saved-gone = Already deleted
saved-unknown = 💾 No saved reply is called <b>{ $name }</b>. Saved: { $names }.
cmd-save = Save the message you answer as a reply: /save name
cmd-saved = Saved replies (list, delete)
cmd-r = Answer with a saved reply: /r name

## Export (Settings → Export, the `export` sub-command)
btn-export = 📤 Export CSV
settings-export = 📤 Export: every ticket as a CSV file, sent here (the <code>export</code> sub-command writes the same file on the server).
export-running = ⏳ Preparing the export…
export-busy = ⏳ An export is already being prepared; it arrives here in a moment.
export-caption = 📤 Export of { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
} (CSV).
export-failed = ⚠️ Sorry, the export could not be sent. Please try again later; on the server, the <code>export</code> sub-command writes the same file.

## Who did what: answers signed by agents (AGENT_NAMES), per-agent statistics
conv-user-header-agent = 💬 <b>{ $name }</b> · ticket #{ $id }
stats-agents-title = 🧑‍💻 <b>Agents, last 30 days</b>
stats-agent = { $name }: answers { $answers } · closed { $closed } · first response { $time }
stats-agents-none = No answers in these 30 days.
stats-agents-more = …and { $count ->
    [one] { $count } more agent
   *[other] { $count } more agents
}

## Search (/find)
cmd-find = Find tickets: /find #id, @username, a user id or words
find-usage = 🔎 <b>/find</b> what to look for:
    • <code>/find #12</code>: ticket #12's card
    • <code>/find @username</code>: that customer's tickets
    • <code>/find 12345</code>: ticket #12345 and the tickets of user 12345 (else the number in messages)
    • <code>/find words</code>: tickets whose customer name or messages contain all the words; a word also finds longer words it begins (<i>refund</i> finds <i>refunded</i>), case does not matter
    Newest first, ten per page.
find-title-words = 🔎 <b>{ $query }</b> · newest first
find-title-user = 🔎 Tickets of <b>{ $name }</b> (id <code>{ $userId }</code>) · newest first
find-hint = Tap a ticket for its card.
find-no-more = No more results this way.
find-button = #{ $id } · { $status } · { $name }
find-cut = ⚠️ Too many words begin with { $words }: only some of them were searched. Type more of the word.
find-stopped = ⏳ This page looked through part of the history only: ▶️ goes on from there.
find-indexing = ⏳ Older tickets are still being indexed ({ $percent }%): some may be missing for now.
find-nothing = 🔎 Nothing found for <b>{ $query }</b>.
find-too-short = 🔎 Nothing to look for in <b>{ $query }</b>: search words need at least two letters or digits.
find-expired = This search is no longer known: send /find again.
help-find = <b>🔎 Search</b> · <code>/find #12</code> opens ticket #12; <code>/find @username</code> lists a customer's tickets; a bare number is tried as a ticket id and as a user id; other text finds the tickets whose customer name or messages contain all its words (a word also finds the longer words it begins, case and ё/е do not matter). Newest first, ten per page; tap one for its card.
