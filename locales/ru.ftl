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
card-legacy = 🗂 Номер в старом боте: <code>{ $legacyId }</code>

## Errors and generic answers

error-generic = ⚠️ У нас что-то пошло не так, и это пока не удалось обработать. Бот сам попробует ещё раз, повторять не нужно.
not-allowed = ⛔ Это действие доступно только команде поддержки.
button-expired = Эта кнопка больше не действует.

## Conversation: start, menu, language, /id

conv-greeting = 👋 Здравствуйте, { $name }! Это служба поддержки.
    Задайте вопрос, и команда ответит прямо здесь, или отправьте нам отзыв.
conv-menu = Что вы хотите сделать?
conv-lang-en = English
conv-lang-ru = Русский
conv-language-choose = 🌐 Выберите язык:
conv-language-set = ✅ Теперь бот говорит по-русски.
conv-id-user = 🆔 Ваш id: <code>{ $userId }</code>
conv-id-chat = 💬 Id чата: <code>{ $chatId }</code>
conv-id-topic = 🧵 Id темы: <code>{ $topicId }</code>
conv-cancelled = ✖️ Отменено.
conv-unknown-command = 🤔 Неизвестная команда. Вот меню:
conv-blocked-notice = 🚫 Вы заблокированы: ваши сообщения не доходят до поддержки.
cmd-start = Главное меню
cmd-id = Показать мой Telegram id
cmd-admin-start = Панель администратора
cmd-note = Внутренняя заметка в тикете этого клиента (клиент её не видит)
cmd-admin = Панель администратора
cmd-help = Как работают кнопки и команды
cmd-ban = Заблокировать: /ban <id пользователя>
cmd-unban = Разблокировать: /unban <id пользователя>

## Conversation: tickets (user side)

conv-ask-prompt = ✍️ Опишите вопрос одним сообщением, не короче { $min ->
    [one] { $min } символа
    [few] { $min } символов
   *[many] { $min } символов
}. Можно приложить фото, видео или файл с подписью.
conv-ask-prompt-open = ✍️ Ваш тикет #{ $id } ещё открыт: просто напишите, и сообщение добавится к нему.
conv-ask-too-short = ✍️ Опишите, пожалуйста, вопрос подробнее: нужно не меньше { $min ->
    [one] { $min } символа
    [few] { $min } символов
   *[many] { $min } символов
}.
conv-ask-needs-caption = 📎 Добавьте, пожалуйста, подпись с описанием вопроса или напишите его текстом.
conv-ticket-created = ✅ Ваш тикет #{ $id } создан. Поддержка ответит здесь; пишите в любое время, чтобы дополнить.
conv-user-header = 💬 <b>Поддержка</b> · тикет #{ $id }
conv-user-closed = ✅ Ваш тикет #{ $id } закрыт. Спасибо за обращение! Оцените, пожалуйста, работу поддержки:
conv-user-autoclosed = ⌛ Ваш тикет #{ $id } закрыт автоматически: мы не получили от вас ответа. Оцените, пожалуйста, работу поддержки или задайте новый вопрос:
conv-rate-thanks = 🙏 Спасибо! Ваша оценка тикета #{ $id }: { $stars }
conv-rate-already = Вы уже оценили тикет #{ $id }.

## Conversation: tickets (support side)

conv-admin-new = 🆕 Новый тикет #{ $id }
conv-admin-header = 📩 <b>#{ $id }</b> · { $name }
conv-edited-mark = ✏️ изменено
conv-reply-prompt = ✍️ Отправьте ответ на тикет #{ $id }: текст или любое медиа. Пользователь получит его как есть.
conv-reply-toast = Ответ на #{ $id }
conv-reply-sent = ✅ Отправлено пользователю · тикет #{ $id }
conv-reply-cancelled = ✖️ Ответ на тикет #{ $id } отменён.
conv-reply-closed = ⚠️ Тикет #{ $id } закрыт; сообщение не отправлено.
conv-reply-blocked = 🚫 Пользователь заблокировал бота: сообщение по тикету #{ $id } не доставлено.
conv-reply-failed = ⚠️ Сообщение по тикету #{ $id } не доставлено: Telegram его отклонил (подробности в логе). Отправьте его ещё раз в другом виде.
conv-admin-hint = ℹ️ Чтобы ответить пользователю, нажмите «Ответить» в карточке тикета или ответьте (свайп влево) на сообщение тикета.
conv-take-done = 🛠 Тикет #{ $id } взят в работу.
conv-take-already = Тикет #{ $id } уже в работе.
conv-close-done = ✅ Тикет #{ $id } закрыт.
conv-close-unreachable = ✅ Тикет #{ $id } закрыт, но пользователь заблокировал бота и не получил уведомление.
conv-close-failed = ✅ Тикет #{ $id } закрыт, но уведомление пользователю отправить не удалось (Telegram его не принял; подробности в логе).
conv-stale-closed = Тикет #{ $id } уже закрыт.
conv-ticket-missing = Тикета #{ $id } не существует.
conv-block-done = 🚫 Пользователь тикета #{ $id } заблокирован.
conv-unblock-done = ♻️ Пользователь тикета #{ $id } разблокирован.
conv-block-already = Ничего не изменилось: у пользователя тикета #{ $id } уже такой статус.
conv-admin-rating = ⭐ { $name } оценил(а) тикет { $ticket }: { $stars }

## Conversation: feedback

conv-feedback-prompt = 💬 Напишите отзыв или предложение одним сообщением, не короче { $min ->
    [one] { $min } символа
    [few] { $min } символов
   *[many] { $min } символов
}.
conv-feedback-too-short = 💬 Напишите, пожалуйста, чуть подробнее: не меньше { $min ->
    [one] { $min } символа
    [few] { $min } символов
   *[many] { $min } символов
}.
conv-feedback-thanks = 🙏 Спасибо за отзыв! Команда его прочитает.
conv-feedback-cooldown = ⏳ Вы недавно отправляли отзыв. Следующий можно отправить после { $time } (через { $left }).
conv-admin-feedback = 💬 <b>Отзыв</b> от { $name }

## Jobs: auto-close, backups, alerts

jobs-autoclose-admin-one = ⌛ Тикет #{ $id } закрыт автоматически: пользователь не отвечал { $hours } ч.
jobs-autoclose-admin-many = ⌛ Автоматически закрыто тикетов: { $count } (пользователи не отвечали { $hours } ч): { $ids }
jobs-autoclose-admin-more = и ещё { $count }
jobs-backup-ok = 🗄 Резервная копия создана: <code>{ $name }</code> ({ $size }, записей: { $entries }).
jobs-backup-failed = ❌ Резервное копирование не удалось: { $error }
jobs-backup-not-sent = 📭 В Telegram не отправлено: { $reason }
jobs-backup-not-sent-size = 📦 Резервная копия <code>{ $name }</code> занимает { $size }, больше лимита { $limit }, поэтому сюда не отправлена. Она хранится на сервере в DATA_DIR/backups/.
jobs-backup-caption = 🗄 Резервная копия <code>{ $name }</code> · { $size } · записей: { $entries }
jobs-alert-started = 🟢 Бот поддержки запущен (версия { $version }, { $time }).
jobs-alert-stopped = 🔴 Бот поддержки остановлен (версия { $version }, { $time }).
jobs-alert-error = ⚠️ Ошибка в { $where } ({ $time }): <code>{ $error }</code>
jobs-alert-error-held-back = Сдержано ошибок с прошлого оповещения: { $count }.

## Admin panel: menu, inbox, card, history

btn-inbox = 📥 Входящие
btn-stats = 📊 Статистика
btn-blocked = 🚫 Заблокированные
btn-settings = ⚙️ Настройки
btn-help = ❓ Помощь
btn-info = ℹ️ Информация
btn-debug = 🐞 Отладка
btn-backup = 💾 Резервная копия
btn-refresh = 🔄 Обновить
btn-prev = ◀️ Предыдущая
btn-next = Следующая ▶️
btn-back-card = ⬅️ К карточке
btn-unblock-user = ♻️ Разблокировать { $name }

panel-title = 🛠 <b>Панель поддержки</b>
panel-open = 📬 Открытых тикетов: <b>{ $open }</b> (новых: { $new }, в работе: { $inProgress })
panel-autoclose = ⌛ Ждут автозакрытия: { $count }
panel-hint = Выберите раздел. В «Помощи» описаны все действия и команды.

inbox-title = 📥 <b>Входящие</b> · открытых тикетов: { $open } · страница { $page }/{ $pages }
inbox-empty = 📭 Открытых тикетов нет. Всё разобрано!
inbox-row = <b>#{ $id }</b> · { $status } · { $turn } · { $name }{ $username } · возраст { $age }
inbox-turn-support = ⏳ пользователь ждёт { $wait }
inbox-turn-user = 💤 очередь пользователя
inbox-button = #{ $id } { $icon } { $name } · { $age }
inbox-hint = ⏳ пользователь ждёт ответа (дольше всех ждущие сверху) · 💤 поддержка ответила, очередь пользователя. Нажмите на тикет, чтобы открыть карточку.

card-closed-auto = ⌛ Закрыт автоматически (пользователь не ответил).
card-closed-by = ✅ Закрыл: { $name }
card-not-found = Тикета #{ $id } не существует.
card-legacy-not-found = Среди перенесённых из старого бота нет тикета <code>{ $legacyId }</code>.

history-title = 📜 <b>История тикета #{ $id }</b> · последние { $shown } из { $total ->
    [one] { $total } сообщения
   *[other] { $total } сообщений
}
history-empty = Сообщений пока нет.
history-in = ⬅️ пользователь
history-out = ➡️ поддержка
history-note = 📝 Заметка (внутренняя)
history-row = <b>{ $time }</b> · { $direction } · { $kind }

kind-text = 💬 текст
kind-photo = 🖼 фото
kind-video = 🎬 видео
kind-document = 📄 документ
kind-voice = 🎤 голосовое
kind-audio = 🎵 аудио
kind-animation = 🎞 анимация
kind-sticker = 🏷 стикер
kind-video_note = 📹 видеосообщение
kind-album = 🗂 альбом
kind-edit = ✏️ правка
kind-other = 📦 другое
kind-legacy_media = 📎 медиа (старый бот его не сохранял)

## Admin panel: blocked users, /ban, /unban

blocked-title = 🚫 <b>Заблокированные пользователи</b>: { $count } · страница { $page }
blocked-empty = Никто не заблокирован.
blocked-row = • { $mention }{ $username } · id <code>{ $id }</code> · с { $time }
blocked-hint = Нажмите кнопку, чтобы разблокировать пользователя. Команды: <code>/ban &lt;id пользователя&gt;</code>, <code>/unban &lt;id пользователя&gt;</code>.
blocked-unblocked = ♻️ { $name } разблокирован.
blocked-not-blocked = { $name } уже не заблокирован.
ban-usage = Использование: <code>/ban &lt;id пользователя&gt;</code>, например <code>/ban 123456789</code>. Id — это число: оно есть в карточке тикета, а пользователь может узнать его командой /id.
unban-usage = Использование: <code>/unban &lt;id пользователя&gt;</code>, например <code>/unban 123456789</code>. Заблокированные и их id перечислены в разделе «Заблокированные» в /admin.
ban-bad-id = ⚠️ «{ $value }» — не id пользователя Telegram: ожидается целое положительное число.
ban-admin = ⚠️ <code>{ $id }</code> — администратор (ADMIN_ID), его нельзя заблокировать.
ban-done = 🚫 { $mention } (id <code>{ $id }</code>) заблокирован: его сообщения больше не доходят до поддержки.
ban-done-unknown = 🚫 Пользователь <code>{ $id }</code> ещё не писал боту; id заблокирован заранее.
ban-already = { $mention } (id <code>{ $id }</code>) уже заблокирован. Ничего не изменилось.
unban-done = ♻️ { $mention } (id <code>{ $id }</code>) разблокирован.
unban-not-blocked = { $mention } (id <code>{ $id }</code>) не заблокирован. Ничего не изменилось.
unban-unknown = ⚠️ Пользователь <code>{ $id }</code> неизвестен: этот id не писал боту и не заблокирован.

## Admin panel: statistics

stats-title = 📊 <b>Статистика</b>
stats-users = 👥 Пользователей: <b>{ $users }</b> (заблокировано: { $blocked })
stats-tickets = 🎫 Тикетов: <b>{ $total }</b> · новых: { $new } · в работе: { $inProgress } · закрыто: { $closed }
stats-autoclose = ⌛ Ждут автозакрытия: { $count }
stats-ratings = ⭐ Оценок: { $count } · средняя: { $average }
stats-distribution = { "   " }⭐ { $one } · ⭐⭐ { $two } · ⭐⭐⭐ { $three }
stats-feedback = 💬 Отзывов: { $count }
stats-30d-title = 📅 <b>За последние 30 дней</b>
stats-30d-tickets = 🎫 Создано: { $created } · закрыто: { $closed }
stats-30d-rating = ⭐ Средняя оценка: { $average }
stats-30d-first-response = ⏱ Медиана первого ответа: { $time }

## Admin panel: settings, info, debug, backup

settings-title = ⚙️ <b>Настройки</b>
settings-body = ℹ️ Информация: действующая конфигурация (секреты скрыты) и версия.
    🐞 Отладка: время работы, память, хранилище, последние резервная копия и автозакрытие, ошибки, версии.
    💾 Резервная копия: сразу записывает архив хранилища в DATA_DIR/backups/.
settings-backup-scheduled = 🗓 Резервное копирование по расписанию включено.
settings-backup-off = 🗓 Резервное копирование по расписанию выключено (BACKUP_ENABLED); кнопка «Резервная копия» работает.
info-title = ℹ️ <b>Информация</b>
info-version = Версия: <b>{ $version }</b>
info-hint = Секреты скрыты. Чтобы изменить настройку, отредактируйте .env и перезапустите бота.
debug-title = 🐞 <b>Отладка</b>
debug-uptime = ⏱ Время работы: { $uptime } (с { $since })
debug-memory = 🧠 Память: RSS { $rss } · куча { $heapUsed } из { $heapTotal }
debug-store = 🗄 Хранилище: пользователей { $users } · тикетов { $tickets } (открыто { $open }) · оценок { $ratings } · отзывов { $feedback } · заблокировано { $blocked }
debug-store-file = 📁 Файл хранилища: <code>{ $path }</code> · { $size }
debug-backup = 💾 Последняя резервная копия: { $time } · { $result }
debug-backup-ok = ✅ успешно, { $size }
debug-backup-failed = ❌ ошибка: { $error }
debug-backup-path = { "   " }<code>{ $path }</code>
debug-backup-never = 💾 Резервных копий ещё не было (по расписанию: { $enabled })
debug-on = включено
debug-off = выключено
debug-autoclose = ⌛ Последнее автозакрытие: { $time } · закрыто { $count }
debug-autoclose-never = ⌛ Автозакрытие ещё не запускалось
debug-autoclose-off = ⌛ Автозакрытие выключено (AUTO_CLOSE_AFTER_HOURS=0)
debug-errors = ⚠️ Ошибок с момента запуска: { $count }
debug-set-aside = 🧾 Отложено обновлений после повторных сбоев: { $count }
debug-versions = 🦕 Бот { $app } · Deno { $deno } · V8 { $v8 } · TypeScript { $typescript } · grammY { $grammy }
backup-running = ⏳ Резервное копирование началось…
backup-busy = ⏳ Резервное копирование уже идёт.
backup-done = ✅ Резервная копия записана: <code>{ $path }</code> ({ $size })
backup-failed = ❌ Резервное копирование не удалось: { $error }
backup-sent = 📤 Архив отправлен в Telegram.
backup-not-sent = 📭 В Telegram не отправлен: { $reason }
backup-reason-too-large = архив занимает { $size }, больше лимита { $limit } (BACKUP_MAX_SIZE_MB и 50 МБ Telegram)
backup-reason-refused = Telegram не принял файл ({ $error })

## Admin panel: help

help-title = ❓ <b>Помощь для команды поддержки</b>
help-panel = <b>Панель</b> · открывается командой /start или /admin: Входящие, Статистика, Заблокированные, Настройки, Помощь. Кнопки меняют экран на месте; «Назад» возвращает на уровень выше.
help-inbox = <b>📥 Входящие</b> · все открытые тикеты, по кнопке на каждый. Сначала те, где пользователь ждёт ответа (⏳), дольше всех ждущие сверху; затем те, где поддержка ответила (💤). В строке: #id, статус, чья очередь, пользователь и возраст. Нажмите на строку, чтобы открыть карточку; ◀️ ▶️ листают страницы, 🔄 обновляет.
help-card = <b>🎫 Карточка тикета</b> · статус, пользователь (имя, @username, id; имя открывает профиль), время создания и последней активности, чья очередь, сколько осталось до автозакрытия, число сообщений, кто взял тикет и кто ответил последним.
    • 🛠 Взять в работу: тикет ваш (статус «в работе»).
    • ✍️ Ответить: ваше следующее сообщение (текст или любое медиа) уйдёт пользователю; «Отмена» выходит из режима ответа.
    • ✅ Закрыть: закрывает тикет, сообщает пользователю и просит оценку.
    • 🚫 Заблокировать / ♻️ Разблокировать: останавливает или возвращает сообщения пользователя.
    • 📜 История: последние сообщения с направлением, временем и типом.
    Если другой агент уже изменил тикет, кнопка сообщит об этом, а карточка обновится.
help-reply = <b>✍️ Ответы</b> · кроме кнопки «Ответить» можно ответить (свайп влево) на любое сообщение тикета, которое бот вам доставил: ответ уйдёт пользователю этого тикета. Вы получите подтверждение с #id. Если пользователь заблокировал бота, вы об этом узнаете.
help-group = <b>👥 Группа поддержки</b> · если задан SUPPORT_CHAT_ID, у каждого клиента своя тема в группе: туда приходят карточка, его сообщения, закрытие и оценка. Всё, что агент пишет в теме, уходит клиенту; /note текст остаётся внутренним (в истории как заметка). Название темы показывает статус и #id.
help-status = <b>🔄 Статусы</b> · новый → в работе → закрыт. Ответ переводит новый тикет в работу и передаёт очередь пользователю. Если пользователь не отвечает { $hours } ч после последнего ответа поддержки, тикет закрывается автоматически (но никогда, пока ждёт пользователь). Закрытый тикет остаётся закрытым: следующее сообщение пользователя откроет новый.
help-block = <b>🚫 Заблокированные</b> · в списке у каждого пользователя кнопка «Разблокировать». Заблокированный получает короткое уведомление, и ничего от него не доходит до команды.
help-stats = <b>📊 Статистика</b> · пользователи, тикеты по статусам, ожидающие автозакрытия, оценки (число, средняя, распределение), отзывы и последние 30 дней: создано, закрыто, средняя оценка, медиана времени до первого ответа.
help-settings = <b>⚙️ Настройки</b> · ℹ️ Информация: действующая конфигурация (секреты скрыты) и версия. 🐞 Отладка: время работы, память, счётчики хранилища, последние резервная копия и автозакрытие, ошибки с запуска, версии Deno, V8, TypeScript и grammY. 💾 Резервная копия: сразу записывает архив (и отправляет в Telegram, если включён BACKUP_SEND_TO_TELEGRAM).
help-notifications = <b>🔔 Уведомления</b> · каждый администратор получает новые тикеты, новые сообщения в открытых тикетах, оценки, отзывы и автозакрытые тикеты. Кликабельный #id открывает карточку.
help-legacy = <b>🗂 Тикеты из старого бота</b> · у тикетов, перенесённых из бота на Python, на карточке остаётся его номер (T-20240101-0001). Отправьте этот номер сюда сообщением, чтобы открыть карточку. Медиа старый бот не сохранял: в истории на их месте 📎.
help-commands = <b>⌨️ Команды</b>
    /admin, /start: панель
    /ban &lt;id пользователя&gt;: заблокировать (в том числе id, который ещё не писал)
    /unban &lt;id пользователя&gt;: разблокировать
    /id: ваш id; в группе ещё id чата и темы
    /help: этот экран

## Hardening: unsupported messages, delivery failures

hardening-not-supported = 🙏 Извините, такой тип сообщений не поддерживается. Отправьте текст, фото, видео, файл, голосовое или аудио, стикер, контакт или геопозицию.

## Размеры (резервные копии, Debug)

size-b = { $value } Б
size-kb = { NUMBER($value, maximumFractionDigits: 1) } КБ
size-mb = { NUMBER($value, maximumFractionDigits: 1) } МБ
size-gb = { NUMBER($value, maximumFractionDigits: 1) } ГБ

## Группа поддержки (SUPPORT_CHAT_ID)
group-agents-only = 🔒 Отвечать клиентам здесь могут только агенты: ваши сообщения в этой теме никому не доставляются.
group-note-kept = 📝 Заметка сохранена в истории тикета #{ $id }; клиент её не видит.
group-note-empty = 📝 Напишите заметку после команды: /note клиент предпочитает почту.
group-reply-toast = Чтобы ответить на тикет #{ $id }, просто напишите в этой теме: каждое сообщение агента здесь уходит клиенту.
conv-topic-closed = ✅ Тикет #{ $id } закрыл(а) { $agent }.
conv-topic-rated = ⭐ Клиент оценил тикет #{ $id }: { $stars }

## Сохранённые ответы
saved-usage = 💾 Чтобы сохранить ответ, ответьте (свайп влево) на нужное сообщение командой <code>/save имя</code>: от 1 до 32 букв, цифр, _ или -. Потом отправляйте его командой <code>/r имя</code> везде, где вы отвечаете на тикет; список — /saved.
saved-unsupported = 💾 Это сообщение нельзя сохранить: только текст или медиа (фото, видео, документ, голосовое, аудио, GIF, стикер, видеосообщение) с подписью.
saved-done = 💾 Сохранено как <b>{ $name }</b>. Отправляйте командой <code>/r { $name }</code> везде, где вы отвечаете на тикет.
saved-full = 💾 Сохранённых ответов уже { $limit }: сначала удалите один в /saved или сохраните под существующим именем, чтобы заменить его.
saved-empty = 💾 Сохранённых ответов пока нет. Ответьте на любое сообщение командой <code>/save имя</code>, чтобы сохранить его.
saved-title = 💾 <b>Сохранённые ответы</b> ({ $count }) · отправить: <code>/r имя</code>
saved-row = <b>{ $name }</b> · { $kind } · <i>{ $preview }</i>
saved-delete = 🗑 Удалить { $name }
saved-deleted = Удалено: { $name }
saved-gone = Уже удалено
saved-unknown = 💾 Сохранённого ответа <b>{ $name }</b> нет. Есть: { $names }.
cmd-save = Сохранить сообщение, на которое вы отвечаете: /save имя
cmd-saved = Сохранённые ответы (список, удаление)
cmd-r = Ответить сохранённым ответом: /r имя

## Export (Settings → Export, the `export` sub-command)
btn-export = 📤 Экспорт CSV
settings-export = 📤 Экспорт: все тикеты файлом CSV, прямо сюда (команда <code>export</code> на сервере пишет такой же файл).
export-running = ⏳ Готовлю экспорт…
export-busy = ⏳ Экспорт уже готовится; файл скоро придёт сюда.
export-caption = 📤 Экспорт: { $count ->
    [one] { $count } тикет
    [few] { $count } тикета
   *[many] { $count } тикетов
} (CSV).
export-failed = ⚠️ К сожалению, экспорт не удалось отправить. Попробуйте позже; на сервере команда <code>export</code> пишет такой же файл.

## Who did what: answers signed by agents (AGENT_NAMES), per-agent statistics
conv-user-header-agent = 💬 <b>{ $name }</b> · тикет #{ $id }
stats-agents-title = 🧑‍💻 <b>Агенты за последние 30 дней</b>
stats-agent = { $name }: ответов { $answers } · закрыто { $closed } · первый ответ { $time }
stats-agents-none = За эти 30 дней ответов не было.
stats-agents-more = …и ещё { $count ->
    [one] { $count } агент
    [few] { $count } агента
   *[many] { $count } агентов
}

## Search (/find)
cmd-find = Найти тикеты: /find #номер, @username, id пользователя или слова
find-usage = 🔎 <b>/find</b> что искать:
    • <code>/find #12</code>: карточка тикета #12
    • <code>/find @username</code>: тикеты этого клиента
    • <code>/find 12345</code>: тикет #12345 и тикеты пользователя 12345 (иначе число в сообщениях)
    • <code>/find слова</code>: тикеты, в имени клиента или сообщениях которых есть все слова; слово находит и более длинные слова, которые с него начинаются (<i>заказ</i> найдёт <i>заказа</i>), регистр не важен
    Сначала новые, по десять на странице.
find-title-words = 🔎 <b>{ $query }</b> · сначала новые
find-title-user = 🔎 Тикеты <b>{ $name }</b> (id <code>{ $userId }</code>) · сначала новые
find-hint = Нажмите на тикет, чтобы открыть карточку.
find-no-more = Больше результатов в эту сторону нет.
find-button = #{ $id } · { $status } · { $name }
find-cut = ⚠️ С { $words } начинается слишком много слов: искали только по части из них. Допишите слово.
find-stopped = ⏳ Эта страница просмотрела только часть истории: ▶️ продолжит поиск.
find-indexing = ⏳ Старые тикеты ещё индексируются ({ $percent }%): часть из них пока может не находиться.
find-nothing = 🔎 По запросу <b>{ $query }</b> ничего не найдено.
find-too-short = 🔎 В <b>{ $query }</b> нечего искать: в слове поиска нужно хотя бы две буквы или цифры.
find-expired = Этот поиск больше не известен: отправьте /find ещё раз.
help-find = <b>🔎 Поиск</b> · <code>/find #12</code> открывает тикет #12; <code>/find @username</code> показывает тикеты клиента; число без знаков ищется и как номер тикета, и как id пользователя; другой текст находит тикеты, в имени клиента или сообщениях которых есть все его слова (слово находит и более длинные слова, которые с него начинаются; регистр и ё/е не важны). Сначала новые, по десять на странице; нажмите на тикет, чтобы открыть карточку.
