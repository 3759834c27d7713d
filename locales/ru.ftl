## Shared: statuses, buttons, ticket card

status-new = 🆕 новый
status-in_progress = 🛠 в работе
status-closed = ✅ закрыт

btn-ask = ❓ Задать вопрос
btn-feedback = 💬 Отправить отзыв
btn-language = 🌐 Язык
btn-take = 🛠 Взять в работу
btn-reply = ✍️ Ответить
btn-close = ✅ Закрыть
btn-block = 🚫 Заблокировать
btn-unblock = ♻️ Разблокировать
btn-history = 📜 История
btn-back = ⬅️ Назад
btn-cancel = ✖️ Отмена

card-title = 🎫 <b>Тикет #{ $id }</b> · { $status }
card-user = 👤 { $mention } · { $username } · id <code>{ $userId }</code>
card-created = 🕒 Создан: { $time }
card-activity = 🕑 Последняя активность: { $time }
card-closed = ✅ Закрыт: { $time }
card-turn-support = ⏳ Очередь: <b>поддержка</b> (пользователь ждёт)
card-turn-user = 💤 Очередь: <b>пользователь</b> (поддержка ответила)
card-autoclose = ⌛ Автозакрытие через { $left }
card-messages = 💬 { $count ->
    [one] { $count } сообщение
    [few] { $count } сообщения
   *[many] { $count } сообщений
}
card-taken-by = 🧑‍💻 Взял в работу: { $name }
card-replied-by = ↩️ Последний ответ: { $name }
card-user-blocked = 🚫 Пользователь заблокирован.
card-rating = ⭐ Оценка: { $stars }

## Errors and generic answers

error-generic = ⚠️ У нас что-то пошло не так. Ваше сообщение сохранено, попробуйте ещё раз чуть позже.
not-allowed = ⛔ Это действие доступно только команде поддержки.
button-expired = Эта кнопка больше не действует.
