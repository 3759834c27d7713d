## Shared: statuses, buttons, ticket card

status-new = 🆕 new
status-in_progress = 🛠 in progress
status-closed = ✅ closed

btn-ask = ❓ Ask a question
btn-feedback = 💬 Send feedback
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

## Errors and generic answers

error-generic = ⚠️ Something went wrong on our side. Your message is saved; please try again in a moment.
not-allowed = ⛔ This action is for the support team only.
button-expired = This button is no longer valid.
