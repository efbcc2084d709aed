/* web_html.c: HTML building, escaping and the interface's words. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/web_html.h"
#include "core/catalog.h"
#include "core/report.h"
#include "core/workflow.h"
#include "http/http.h"

static const char *const msgs[M__MAX][LANG__MAX] = {
	[M_SITE] = { "Вече", "Veche" },
	[M_TAGLINE] = { "обращения горожан", "citizens' reports" },
	[M_SKIP] = { "Перейти к содержанию", "Skip to content" },
	[M_NAV_MAP] = { "Карта", "Map" },
	[M_NAV_LIST] = { "Все обращения", "All reports" },
	[M_NAV_NEW] = { "Сообщить о проблеме", "Report a problem" },
	[M_LANG_OTHER] = { "English", "Русский" },
	[M_LANG_OTHER_CODE] = { "en", "ru" },
	[M_FOOTER] = { "Обращения рассматриваются по Федеральному закону "
	    "№ 59-ФЗ. Открытые данные: Open311 API.",
	    "Reports are handled under Federal Law 59-FZ. Open data: the "
	    "Open311 API." },
	[M_MAP_TITLE] = { "Карта обращений", "Map of reports" },
	[M_MAP_LABEL] = { "Карта обращений; обращения также перечислены в "
	    "списке", "Map of reports; the reports are also in the list" },
	[M_FILTERS] = { "Фильтры", "Filters" },
	[M_F_CATEGORY] = { "Категория", "Category" },
	[M_F_STATUS] = { "Статус", "Status" },
	[M_F_AGENCY] = { "Исполнитель", "Agency" },
	[M_F_PERIOD] = { "Период", "Period" },
	[M_F_ALL] = { "Все", "All" },
	[M_F_OPEN] = { "Открытые", "Open" },
	[M_F_CLOSED] = { "Закрытые", "Closed" },
	[M_F_APPLY] = { "Показать", "Show" },
	[M_DAYS_7] = { "7 дней", "7 days" },
	[M_DAYS_30] = { "30 дней", "30 days" },
	[M_DAYS_90] = { "90 дней", "90 days" },
	[M_LIST_TITLE] = { "Обращения на карте", "Reports on the map" },
	[M_LIST_EMPTY] = { "Обращений не найдено.", "No reports found." },
	[M_LIST_ALL_TITLE] = { "Все обращения", "All reports" },
	[M_PREV] = { "← Предыдущая", "← Previous" },
	[M_NEXT] = { "Следующая →", "Next →" },
	[M_PAGE] = { "Страница", "Page" },
	[M_RSS] = { "RSS-лента", "RSS feed" },
	[M_REPORT_NO] = { "Обращение №", "Report no. " },
	[M_ADDRESS] = { "Адрес", "Address" },
	[M_SUBMITTED] = { "Подано", "Submitted" },
	[M_REGISTER_DUE] = { "Регистрация до", "To be registered by" },
	[M_ANSWER_DUE] = { "Ответ до", "To be answered by" },
	[M_AGENCY] = { "Исполнитель", "Agency" },
	[M_DESCRIPTION] = { "Описание", "Description" },
	[M_PHOTOS] = { "Фотографии", "Photos" },
	[M_PHOTO_ALT] = { "Фотография к обращению", "Photo of the report" },
	[M_TIMELINE] = { "Ход рассмотрения", "Timeline" },
	[M_TL_CREATED] = { "Обращение подано", "Report submitted" },
	[M_VOTES] = { "Поддержка", "Support" },
	[M_VOTES_COUNT] = { "Поддержали:", "Supported by:" },
	[M_VOTE] = { "Меня это тоже касается", "Me too" },
	[M_VOTED] = { "Вы поддержали это обращение", "You support this report" },
	[M_COMMENTS] = { "Комментарии", "Comments" },
	[M_NO_COMMENTS] = { "Комментариев пока нет.", "No comments yet." },
	[M_C_AUTHOR] = { "Имя (необязательно)", "Name (optional)" },
	[M_C_BODY] = { "Комментарий", "Comment" },
	[M_C_SEND] = { "Отправить комментарий", "Post comment" },
	[M_ANONYMOUS] = { "Житель", "A resident" },
	[M_SHARE] = { "Поделиться", "Share" },
	[M_SHARE_LINK] = { "Ссылка на обращение", "Link to this report" },
	[M_COPY] = { "Скопировать ссылку", "Copy link" },
	[M_THANKS] = { "Спасибо! Обращение принято", "Thank you! Your report "
	    "is received" },
	[M_THANKS_TEXT] = { "Сохраните ссылку на эту страницу: здесь видно, "
	    "как идёт рассмотрение.", "Keep the link to this page: it shows "
	    "how the report progresses." },
	[M_DEADLINE_TEXT] = { "По закону 59-ФЗ обращение регистрируют в "
	    "течение 3 дней, ответ дают в течение 30 дней после регистрации.",
	    "Under Federal Law 59-FZ a report is registered within 3 days and "
	    "answered within 30 days of registration." },
	[M_NOT_FOUND] = { "Не найдено", "Not found" },
	[M_NOT_FOUND_TEXT] = { "Такой страницы или обращения нет.",
	    "There is no such page or report." },
	[M_ERROR] = { "Не получилось", "That did not work" },
	[M_BACK] = { "Вернуться назад", "Go back" },
	[M_NO_ADDRESS] = { "адрес не указан", "no address given" },
	[M_REPORT_MAP] = { "Место на карте", "Location on the map" },
	[M_NEW_TITLE] = { "Сообщить о проблеме", "Report a problem" },
	[M_STEP_PLACE] = { "1. Где проблема?", "1. Where is the problem?" },
	[M_PICK_HINT] = { "Нажмите на карту, чтобы отметить место, или "
	    "найдите адрес. Без карты укажите координаты.",
	    "Click the map to mark the place, or search an address. Without "
	    "the map, give the coordinates." },
	[M_ADDR_SEARCH] = { "Поиск по адресу", "Search an address" },
	[M_ADDR_SEARCH_BTN] = { "Найти", "Search" },
	[M_ADDR] = { "Адрес или ориентир", "Address or landmark" },
	[M_LAT] = { "Широта", "Latitude" },
	[M_LON] = { "Долгота", "Longitude" },
	[M_STEP_SERVICE] = { "2. Что случилось?", "2. What is wrong?" },
	[M_SERVICE_SEARCH] = { "Поиск категории", "Search categories" },
	[M_STEP_DETAILS] = { "3. Описание и фотографии",
	    "3. Description and photos" },
	[M_PHOTOS_LABEL] = { "Фотографии (необязательно)",
	    "Photos (optional)" },
	[M_PHOTOS_HINT] = { "JPEG, PNG или WebP, до 8 МБ каждая. Данные о "
	    "месте съёмки и камере (EXIF) удаляются.", "JPEG, PNG or WebP, up "
	    "to 8 MB each. Camera and location data (EXIF) are removed." },
	[M_STEP_CONTACT] = { "4. Контакты (необязательно)",
	    "4. Contact details (optional)" },
	[M_PRIVACY] = { "Публикуются только категория, место, описание и "
	    "фотографии. Имя, e-mail и телефон видят лишь сотрудники, которые "
	    "рассматривают обращение; на сайте и в открытых данных их нет. "
	    "Для официального ответа по 59-ФЗ укажите имя и e-mail.",
	    "Only the category, place, description and photos are published. "
	    "Your name, e-mail and phone are seen only by the staff handling "
	    "the report; they are never on the site or in the open data. For "
	    "an official answer under 59-FZ give your name and e-mail." },
	[M_FIRST_NAME] = { "Имя", "First name" },
	[M_LAST_NAME] = { "Фамилия", "Last name" },
	[M_EMAIL] = { "E-mail", "E-mail" },
	[M_PHONE] = { "Телефон", "Phone" },
	[M_SUBMIT] = { "Отправить обращение", "Send report" },
	[M_NEARBY] = { "Рядом уже есть похожие обращения",
	    "Similar reports nearby" },
	[M_NEARBY_TEXT] = { "Может быть, это ваша проблема? Поддержите "
	    "обращение вместо нового — так его рассмотрят быстрее.",
	    "Is this yours? Add your voice instead of a new report: it "
	    "helps it along." },
	[M_ATTRS_FOR] = { "Подробности: ", "Details: " },
	[M_CHOOSE] = { "— выберите —", "— choose —" },
	[M_TOO_MANY] = { "Слишком много запросов с вашего адреса; попробуйте "
	    "позже.", "Too many requests from your address; try again later." },
	[M_STATUS_TITLE] = { "Статус", "Status" },
	[M_NAV_DESK] = { "Рабочее место",
	    "Desk" },
	[M_SIGN_IN] = { "Вход",
	    "Sign in" },
	[M_LOGIN] = { "Логин или e-mail",
	    "Login or e-mail" },
	[M_PASSWORD] = { "Пароль",
	    "Password" },
	[M_SIGN_IN_BTN] = { "Войти",
	    "Sign in" },
	[M_SIGN_OUT] = { "Выйти",
	    "Sign out" },
	[M_LOGIN_FAILED] = { "Неверный логин или пароль.",
	    "Wrong login or password." },
	[M_SIGNED_IN_AS] = { "Вы вошли как",
	    "Signed in as" },
	[M_DESK_TITLE] = { "Очередь обращений",
	    "Report queue" },
	[M_DEADLINE] = { "Срок",
	    "Deadline" },
	[M_OVERDUE] = { "просрочено",
	    "overdue" },
	[M_OVERDUE_ONLY] = { "Только просроченные",
	    "Overdue only" },
	[M_SELECT_REPORT] = { "Выбрать обращение",
	    "Select report" },
	[M_BULK] = { "С отмеченными",
	    "With the selected" },
	[M_QUEUE_EMPTY] = { "Очередь пуста.",
	    "The queue is empty." },
	[M_DL_REGISTER] = { "регистрация",
	    "registration" },
	[M_DL_ANSWER] = { "ответ",
	    "answer" },
	[M_REPORT] = { "Обращение",
	    "Report" },
	[M_CONTACT] = { "Контакты заявителя",
	    "Reporter's contact" },
	[M_ACTIONS] = { "Действия",
	    "Actions" },
	[M_NOTE_OPT] = { "Комментарий (необязательно)",
	    "Note (optional)" },
	[M_ANSWER_TEXT] = { "Текст ответа",
	    "Answer text" },
	[M_TEMPLATE] = { "Шаблон ответа",
	    "Answer template" },
	[M_TEMPLATE_NONE] = { "— без шаблона —",
	    "— no template —" },
	[M_REASON] = { "Причина",
	    "Reason" },
	[M_DAYS] = { "Дней (1–30)",
	    "Days (1–30)" },
	[M_TO_AGENCY] = { "Новый исполнитель",
	    "New agency" },
	[M_DONE] = { "Готово:",
	    "Done:" },
	[M_NO_ACTIONS] = { "Сейчас с этим обращением действий нет.",
	    "No actions are open for this report now." },
	[M_MODERATION] = { "Модерация",
	    "Moderation" },
	[M_M_PENDING] = { "Комментарии на проверке",
	    "Comments awaiting review" },
	[M_M_RECENT] = { "Недавние комментарии",
	    "Recent comments" },
	[M_M_HIDDEN] = { "Скрытые комментарии",
	    "Hidden comments" },
	[M_M_REPORTS] = { "Новые обращения (отклонить при нарушении)",
	    "New reports (reject if they break the rules)" },
	[M_HIDE] = { "Скрыть",
	    "Hide" },
	[M_PUBLISH] = { "Опубликовать",
	    "Publish" },
	[M_NONE] = { "Нет.",
	    "None." },
	[M_ADMIN] = { "Администрирование",
	    "Administration" },
	[M_CALENDAR_GAP] = { "Нет производственного календаря на год",
	    "No working-day calendar for the year" },
	[M_CALENDAR_GAP_FIX] = { "Сроки 59-ФЗ в нём будут считаться по будням "
	    "(пн–пт), без праздников и переносов. Добавьте файл",
	    "59-FZ deadlines in it will count Monday to Friday, with no "
	    "holidays or transfers. Add the file" },
	[M_USERS] = { "Пользователи",
	    "Users" },
	[M_KEYS] = { "API-ключи",
	    "API keys" },
	[M_SERVICES] = { "Категории",
	    "Services" },
	[M_AGENCIES] = { "Исполнители",
	    "Agencies" },
	[M_OUTBOX] = { "Недоставленные события",
	    "Dead deliveries" },
	[M_ROLE] = { "Роль",
	    "Role" },
	[M_CREATE_USER] = { "Создать пользователя",
	    "Create user" },
	[M_SET_ROLE] = { "Изменить роль",
	    "Change role" },
	[M_NAME] = { "Название",
	    "Name" },
	[M_CODE] = { "Код",
	    "Code" },
	[M_CREATE_KEY] = { "Создать ключ",
	    "Create key" },
	[M_KEY_ONCE] = { "Новый ключ показан только сейчас — сохраните его:",
	    "The new key is shown only now: keep it:" },
	[M_REVOKED] = { "отозван",
	    "revoked" },
	[M_ACTIVE] = { "действует",
	    "active" },
	[M_CREATED] = { "Создан",
	    "Created" },
	[M_OPTIONAL] = { "(необязательно)",
	    "(optional)" },
	[M_AREAS] = { "Зоны",
	    "Areas" },
	[M_AREA_FILE] = { "Файл зоны (GeoJSON: Polygon, MultiPolygon, Feature)",
	    "Area file (GeoJSON: Polygon, MultiPolygon, Feature)" },
	[M_UPLOAD] = { "Загрузить",
	    "Upload" },
	[M_AREA_SAVED] = { "Зона сохранена: новые обращения уже распределяются с её учётом.",
	    "Area saved: new reports are routed by it from now on." },
	[M_AGENCY_MAP] = { "Зоны исполнителей на карте",
	    "Agencies' areas on the map" },
	[M_WHOLE_CITY] = { "весь город",
	    "the whole city" },
	[M_REPLAY] = { "Отправить снова",
	    "Send again" },
	[M_EVENT] = { "Событие",
	    "Event" },
	[M_RECIPIENT] = { "Получатель",
	    "Recipient" },
	[M_LAST_ERROR] = { "Ошибка",
	    "Error" },
	[M_ATTEMPTS] = { "Попыток",
	    "Attempts" },
	[M_USER_CREATED] = { "Пользователь создан:",
	    "User created:" },
	[M_ROLE_SET] = { "Роль изменена:",
	    "Role changed:" },
	[M_REPLAYED] = { "Поставлено в очередь снова:",
	    "Queued again:" },
	[M_HIDDEN_DONE] = { "Комментарий скрыт.",
	    "Comment hidden." },
	[M_PUBLISHED_DONE] = { "Комментарий опубликован.",
	    "Comment published." },
	[M_FIXED_Q] = { "Проблема решена?",
	    "Is it fixed?" },
	[M_FIXED_HINT] = { "Вы подали это обращение: сообщите, помог ли ответ.",
	    "You sent this report: tell us whether the answer helped." },
	[M_YES] = { "Да, решена",
	    "Yes, fixed" },
	[M_NO] = { "Нет, не решена",
	    "No, not fixed" },
	[M_FIXED_STATE] = { "Оценка заявителя",
	    "The reporter says" },
	[M_FIXED_YES] = { "проблема решена",
	    "fixed" },
	[M_FIXED_NO] = { "проблема не решена",
	    "not fixed" },
	[M_ANSWER] = { "Официальный ответ",
	    "Official answer" },
	[M_EXTENDED] = { "Срок продлён",
	    "Deadline extended" },
	[M_THANKS_FIXED] = { "Спасибо! Ваш ответ учтён.",
	    "Thank you! Your answer is recorded." },
	[M_PAGE_OF] = { "Страницы очереди",
	    "Queue pages" },
	[M_DESK_NAV] = { "Разделы рабочего места",
	    "Desk sections" },
	/* Listening (web_listen.c) */
	[M_LISTEN] = { "Мониторинг публикаций", "Listening" },
	[M_L_SOURCE] = { "Источник", "Source" },
	[M_L_SENTIMENT] = { "Тональность", "Sentiment" },
	[M_L_QUERY] = { "Сохранённый запрос", "Saved query" },
	[M_L_SINCE] = { "С даты", "From" },
	[M_L_UNTIL] = { "По дату", "Until" },
	[M_L_COMPLAINT] = { "Жалоба (оценка)", "Complaint score" },
	[M_L_PLACE] = { "Место", "Place" },
	[M_L_AUTHOR] = { "Автор", "Author" },
	[M_L_GROUP] = { "Группа повторов", "Near-copy group" },
	[M_L_LANGUAGE] = { "Язык", "Language" },
	[M_L_CSV] = { "Выгрузить CSV", "Export CSV" },
	[M_L_SOURCES] = { "Источники", "Sources" },
	[M_L_LAST_SUCCESS] = { "Последний успех", "Last success" },
	[M_L_NEXT_FETCH] = { "Следующая загрузка", "Next fetch" },
	[M_L_PER_DAY] = { "Публикаций за сутки", "Posts per day" },
	[M_L_NEGATIVE] = { "негативная", "negative" },
	[M_L_NEUTRAL] = { "нейтральная", "neutral" },
	[M_L_POSITIVE] = { "позитивная", "positive" },
	[M_L_POST] = { "Публикация", "Post" },
	[M_L_EMPTY] = { "Публикаций не найдено.", "No posts found." },
	[M_L_TEXT] = { "Текст", "Text" },
	[M_L_PUBLISHED] = { "Опубликовано", "Published" },
	[M_L_FETCHES] = { "Загрузок", "Fetches" },
	/* Citizens' accounts (web_account.c). */
	[M_MY_REPORTS] = { "Мои обращения", "My reports" },
	[M_ACCOUNT_NAV] = { "Учётная запись", "Account" },
	/* Admin catalogue editing (issue 12 item 6). */
	[M_AREA] = { "Зона", "Area" },
	[M_AREA_DELETE] = { "Удалить зону", "Delete the area" },
	[M_AREA_DELETED] = { "Зона удалена: обращения уже распределяются без неё.",
	    "Area deleted: reports are routed without it from now on." },
	[M_ROUTING] = { "Кому направляется", "Routed to" },
	[M_BY_AREA] = { "по зонам:", "by area:" },
	[M_ELSEWHERE] = { "в остальном городе:", "elsewhere:" },
	[M_FALLBACK] = { "(исполнитель по умолчанию)", "(the fallback agency)" },
	[M_NOBODY] = { "никому", "nobody" },
	[M_EDIT] = { "Изменить", "Edit" },
	[M_SAVE] = { "Сохранить", "Save" },
	[M_NEW_AGENCY] = { "Новый исполнитель", "New agency" },
	[M_AGENCY_SAVED] = { "Исполнитель сохранён:", "Agency saved:" },
	[M_NAME_RU] = { "Название (по-русски)", "Name (Russian)" },
	[M_NAME_EN] = { "Название (по-английски)", "Name (English)" },
	[M_HANDLES] = { "Категории обращений", "Services handled" },
	[M_NEW_SERVICE] = { "Новая категория", "New service" },
	[M_SERVICE_SAVED] = { "Категория сохранена:", "Service saved:" },
	[M_DESC_RU] = { "Описание (по-русски)", "Description (Russian)" },
	[M_DESC_EN] = { "Описание (по-английски)", "Description (English)" },
	[M_GROUP_RU] = { "Группа (по-русски)", "Group (Russian)" },
	[M_GROUP_EN] = { "Группа (по-английски)", "Group (English)" },
	[M_KEYWORDS] = { "Ключевые слова (через запятую)",
	    "Keywords (comma-separated)" },
	[M_DISABLED] = { "Отключена: не принимать новые обращения",
	    "Disabled: take no new reports" },
	[M_ATTRIBUTE] = { "Дополнительное поле", "Attribute" },
	[M_DATATYPE] = { "Тип", "Datatype" },
	[M_REQUIRED] = { "Обязательное", "Required" },
	[M_VALUES] = { "Варианты", "Values" },
	[M_VALUES_HINT] = { "Для списков: по строке на вариант, «ключ = название по-русски | по-английски».",
	    "For lists: one line per value, \"key = Russian name | English name\"." },
	[M_ATTRS_HINT] = { "Поле с пустым кодом удаляется; новое поле — в последней строке.",
	    "An attribute with an empty code is removed; add one in the last row." },
	[M_ACTIVE_SERVICE] = { "действует", "active" },
	[M_TEMPLATES] = { "Шаблоны ответов", "Answer templates" },
	[M_NEW_TEMPLATE] = { "Новый шаблон", "New template" },
	[M_TITLE_RU] = { "Заголовок (по-русски)", "Title (Russian)" },
	[M_TITLE_EN] = { "Заголовок (по-английски)", "Title (English)" },
	[M_TEXT_RU] = { "Текст (по-русски)", "Text (Russian)" },
	[M_TEXT_EN] = { "Текст (по-английски)", "Text (English)" },
	[M_DELETE] = { "Удалить", "Delete" },
	[M_TEMPLATE_SAVED] = { "Шаблон сохранён.", "Template saved." },
	[M_TEMPLATE_DELETED] = { "Шаблон удалён.", "Template deleted." },
	/* reopen (issue 12): "not fixed", follow-ups, comments */
	[M_CLOSED_UNFIXED] = { "Закрыто, проблема не решена",
	    "Closed, not fixed" },
	[M_REOPENED_NOTICE] = { "Заявитель сообщил, что проблема не решена: "
	    "обращение возобновлено и снова передано исполнителю. Новый срок "
	    "ответа:", "The reporter says the problem is not fixed: the "
	    "report is reopened and back with the agency. The new answer "
	    "deadline:" },
	[M_FIXED_HINT_REOPEN] = { "Если проблема не решена, обращение будет "
	    "возобновлено и снова отправлено исполнителю.",
	    "If it is not fixed, the report is reopened and goes back to the "
	    "agency." },
	[M_FIXED_HINT_LATE] = { "Прошло больше 30 дней с ответа: если проблема "
	    "не решена, подайте новое обращение, связанное с этим.",
	    "More than 30 days have passed since the answer: if it is not "
	    "fixed, send a new report linked to this one." },
	[M_FOLLOWUP_OFFER] = { "Подать новое обращение, связанное с этим",
	    "Send a new report linked to this one" },
	[M_FOLLOWUP_OF] = { "Продолжение обращения",
	    "Follows up report" },
	[M_FOLLOWUPS] = { "Новые обращения по этой проблеме:",
	    "New reports about this problem:" },
	[M_THANKS_REOPENED] = { "Спасибо! Обращение возобновлено, исполнитель "
	    "получил уведомление.", "Thank you! The report is reopened and "
	    "the agency is told." },
	[M_REOPENED_MARK] = { "возобновлено", "reopened" },
	[M_NEW_RELATED] = { "Новое обращение, связанное с обращением",
	    "A new report linked to report" },
	[M_C_FLAG] = { "Пожаловаться", "Report comment" },
	[M_C_FLAGGED] = { "Жалоба отправлена модератору.",
	    "Sent to a moderator." },
	[M_C_USEFUL] = { "Полезно", "Useful" },
	[M_C_NOT_USEFUL] = { "Бесполезно", "Not useful" },
	[M_C_SCORE] = { "Полезность", "Usefulness" },
	[M_C_ORDER] = { "Порядок комментариев", "Order of comments" },
	[M_C_ORDER_NEW] = { "по времени", "by time" },
	[M_C_ORDER_USEFUL] = { "сначала полезные", "most useful first" },
	[M_C_PHOTO] = { "Фото (необязательно)", "Photo (optional)" },
	[M_M_FLAGGED] = { "Комментарии с жалобами", "Flagged comments" },
	[M_C_VOTED] = { "Ваша оценка учтена.", "Your vote is counted." },
	/* ratings and open data (web_ratings.c, web_data.c) */
	[M_NAV_RATINGS] = { "Рейтинг", "Ratings" },
	[M_NAV_DATA] = { "Открытые данные", "Open data" },
	/* listening's admin page (web_listen.c) */
	[M_LA_MANAGE] = { "Управление источниками", "Manage sources" },
	[M_LA_ADD] = { "Добавить источник", "Add a source" },
	[M_LA_KIND] = { "Формат", "Format" },
	[M_LA_URL] = { "Адрес ленты (для RSS, Atom и JSON Feed)",
	    "Feed address (for RSS, Atom and JSON Feed)" },
	[M_LA_INTERVAL] = { "Интервал загрузки, секунд",
	    "Fetch interval, seconds" },
	[M_LA_REMOVE] = { "Удалить", "Remove" },
	[M_LA_IMPORT] = { "Загрузить выгрузку VK или Telegram",
	    "Upload a VK or Telegram export" },
	[M_LA_FILE] = { "Файл выгрузки (JSON)", "Export file (JSON)" },
	[M_LA_ADDED] = { "Источник добавлен.", "Source added." },
	[M_LA_REMOVED] = { "Источник удалён вместе с его публикациями.",
	    "Source removed with its posts." },
	[M_LA_IMPORTED] = { "Выгрузка прочитана. Новых публикаций:",
	    "Export read. New posts:" },
	[M_LA_NO_UPLOAD] = { "Источников для выгрузок нет: добавьте источник "
	    "формата vk или telegram.", "There are no upload sources: add a "
	    "source of format vk or telegram." },
	/* Help map (web_help.c, issue 15). */
	[M_HELP_NAV] = { "Помощь", "Help" },
	[M_HELP_TITLE] = { "Карта помощи", "Help map" },
	[M_HELP_NONE] = { "Сейчас нет открытых ситуаций.",
	    "No situation is open now." },
	[M_HELP_OPEN_SIT] = { "Открыть ситуацию", "Open a situation" },
	[M_HELP_SLUG] = { "Код (латиница, цифры и дефис; в адресе страницы)",
	    "Code (a-z, digits and hyphens; in the page's address)" },
	[M_HELP_SIT_TITLE] = { "Название", "Title" },
	[M_HELP_KINDS] = { "Виды помощи", "Kinds of help" },
	[M_HELP_AREA] = { "Область (GeoJSON, многоугольник)",
	    "Area (GeoJSON polygon)" },
	[M_HELP_CENTRE] = { "Или центр и радиус", "Or a centre and a radius" },
	[M_HELP_RADIUS] = { "Радиус, м", "Radius, m" },
	[M_HELP_CLOSE] = { "Закрыть ситуацию", "Close the situation" },
	[M_HELP_CLOSED] = { "Ситуация закрыта: новые публикации не принимаются.",
	    "The situation is closed: it takes no new posts." },
	[M_HELP_NEED] = { "Нужна помощь", "Need" },
	[M_HELP_OFFER] = { "Могу помочь", "Offer" },
	[M_HELP_POST_NEW] = { "Нужна помощь или можете помочь?",
	    "Need help, or can help?" },
	[M_HELP_TYPE] = { "Что вы публикуете", "What you post" },
	[M_HELP_KIND] = { "Вид помощи", "Kind of help" },
	[M_HELP_COUNT] = { "Сколько (человек, мест, единиц)",
	    "How many (people, places, items)" },
	[M_HELP_UNTIL] = { "Актуально до", "Until" },
	[M_HELP_H6] = { "6 часов", "6 hours" },
	[M_HELP_H12] = { "12 часов", "12 hours" },
	[M_HELP_H24] = { "24 часа", "24 hours" },
	[M_HELP_D3] = { "3 дня", "3 days" },
	[M_HELP_D7] = { "7 дней", "7 days" },
	[M_HELP_PRIVATE] = { "Контакты не публикуются: их видят только координаторы и волонтёр, взявший просьбу.",
	    "Your contact is not published: only coordinators and the volunteer who takes the need see it." },
	[M_HELP_POST_BTN] = { "Опубликовать", "Post" },
	[M_HELP_URGENT] = { "Срочно", "Urgent" },
	[M_HELP_UNVERIFIED] = { "Не проверено", "Unverified" },
	[M_HELP_VERIFIED] = { "Проверено", "Verified" },
	[M_HELP_STATE] = { "Состояние", "State" },
	[M_HELP_S_OPEN] = { "Открыто", "Open" },
	[M_HELP_S_TAKEN] = { "Взято волонтёром", "Taken by a volunteer" },
	[M_HELP_S_DONE] = { "Выполнено", "Done" },
	[M_HELP_S_EXPIRED] = { "Срок истёк", "Expired" },
	[M_HELP_S_LIVE] = { "Актуальные", "Current" },
	[M_HELP_PERIOD] = { "Опубликовано", "Posted" },
	[M_HELP_P_24] = { "за сутки", "in the last day" },
	[M_HELP_P_72] = { "за 3 дня", "in the last 3 days" },
	[M_HELP_P_168] = { "за неделю", "in the last week" },
	[M_HELP_MATCHES] = { "Подходящие предложения рядом",
	    "Matching offers nearby" },
	[M_HELP_NO_MATCHES] = { "Подходящих предложений рядом нет.",
	    "No matching offer nearby." },
	[M_HELP_DISTANCE] = { "Расстояние", "Distance" },
	[M_HELP_TAKE] = { "Взять просьбу", "Take this need" },
	[M_HELP_DONE_BTN] = { "Отметить выполненной", "Mark done" },
	[M_HELP_VERIFY] = { "Отметить проверенной", "Mark verified" },
	[M_HELP_UNVERIFY] = { "Снять отметку о проверке",
	    "Remove the verification" },
	[M_HELP_SIGN_IN_TAKE] = { "Войдите, чтобы взять просьбу.",
	    "Sign in to take this need." },
	[M_HELP_POST] = { "Публикация", "Post" },
	[M_HELP_EXPORT] = { "Открытые данные (без контактов)",
	    "Open data (without contacts)" },
	[M_HELP_LIST] = { "Публикации", "Posts" },
	[M_HELP_LIST_EMPTY] = { "Публикаций нет.", "No posts." },
	[M_HELP_MAP_LABEL] = { "Карта: просьбы и предложения помощи",
	    "Map: needs and offers of help" },
	[M_HELP_POSTED] = { "Опубликовано, спасибо. Сохраните ссылку на эту страницу.",
	    "Posted, thank you. Keep the link to this page." },
	[M_HELP_TAKEN_MSG] = { "Вы взяли просьбу: свяжитесь с её автором.",
	    "You took the need: get in touch with its author." },
	[M_HELP_DONE_MSG] = { "Отмечено как выполненное. Спасибо!",
	    "Marked done. Thank you!" },
	[M_HELP_VERIFIED_MSG] = { "Отметка о проверке сохранена.",
	    "The verification is saved." },
	[M_HELP_MAP_HINT] = { "Нажмите на карту, чтобы поставить точку, или введите координаты.",
	    "Click the map to place the point, or type the coordinates." },
	[M_HELP_K_EVACUATION] = { "Эвакуация", "Evacuation" },
	[M_HELP_K_WATER] = { "Вода", "Water" },
	[M_HELP_K_FOOD] = { "Еда", "Food" },
	[M_HELP_K_MEDICINE] = { "Лекарства", "Medicine" },
	[M_HELP_K_TRANSPORT] = { "Транспорт", "Transport" },
	[M_HELP_K_HOUSING] = { "Жильё", "Housing" },
	[M_HELP_K_EQUIPMENT] = { "Снаряжение", "Equipment" },
	[M_HELP_K_VOLUNTEERS] = { "Волонтёры", "Volunteers" },
	/* Proposals (web_proposals.c, issue 15). */
	[M_PROP_NAV] = { "Предложения", "Proposals" },
	/* Evaluation of comments (web_comments.c, issue 15). */
	[M_C_HELD] = { "Комментарий задержан до решения модератора: в нём "
	    "есть слова, которые запрещает ст. 11 59-ФЗ.", "The comment is "
	    "held until a moderator decides: it has words that 59-FZ art. 11 "
	    "forbids." },
	[M_C_REP] = { "репутация", "reputation" },
	[M_C_PREMARK] = { "Пометка", "Pre-mark" },
	[M_C_REASON] = { "Причина", "Reason" },
	[M_C_OBSCENE] = { "нецензурные или оскорбительные слова",
	    "obscene or offensive words" },
	[M_C_THREAT] = { "угроза", "a threat" },
	[M_C_HIDDEN_WHY] = { "Скрыт модератором. Причина:",
	    "Hidden by a moderator. Reason:" },
	[M_PROFILE] = { "Участник", "Member" },
	[M_PROFILE_REP_HINT] = { "Репутация складывается из оценок "
	    "комментариев и помощи на карте помощи; она влияет только на "
	    "порядок комментариев и очередь модерации, но не на голоса и "
	    "поддержку предложений.", "Reputation comes from how comments "
	    "were rated and from help on the help map; it only orders "
	    "comments and the moderation queue, never votes or supports of "
	    "proposals." },
	[M_C_ON] = { "к", "on" },
	/* Appeals against a hidden comment. */
	[M_A_TITLE] = { "Обжалования", "Appeals" },
	[M_A_TEXT] = { "Почему комментарий нужно вернуть",
	    "Why the comment should be restored" },
	[M_A_SEND] = { "Обжаловать", "Appeal" },
	[M_A_OPEN] = { "Обжалование ждёт решения модератора.",
	    "The appeal awaits a moderator's decision." },
	[M_A_UPHELD] = { "Решение оставлено в силе, комментарий скрыт:",
	    "Decision upheld, the comment stays hidden:" },
	[M_A_RESTORED] = { "Комментарий восстановлен:",
	    "The comment is restored:" },
	[M_A_UPHOLD] = { "Оставить скрытым", "Keep hidden" },
	[M_A_RESTORE] = { "Восстановить", "Restore" },
	[M_A_DONE] = { "Решение по обжалованию принято.",
	    "The appeal is decided." },
	[M_A_MAIL_SUBJECT] = { "Решение по вашему обжалованию",
	    "The decision on your appeal" },
	[M_A_YOURS] = { "Ваш скрытый комментарий", "Your hidden comment" },
	[M_A_AGAINST] = { "Обжалование", "Appeal" },
	[M_MY_PROFILE] = { "Мой профиль", "My profile" },
	/* Officials' pages (web_officials.c, issue 14). */
	[M_OFFICIALS_NAV] = { "Должностные лица", "Officials" },
	/* Service suggestions (issue 13) */
	[M_SUGGEST_TITLE] = { "Похоже, ваше описание подходит к этим темам:",
	    "Your description seems to fit these services:" },
	/* Open calls (web_calls.c, issue 15). */
	[M_CALL_NAV] = { "Конкурсы", "Open calls" },
	/* Drafts of regulations (web_drafts.c). */
	[M_DRAFT_NAV] = { "Проекты актов", "Draft regulations" },
	/* partfix: comments on a kind that needs an account. */
	[M_C_SIGN_IN] = { "Войдите, чтобы комментировать: участники "
	    "публичного обсуждения называют себя.",
	    "Sign in to comment: the participants of a public discussion "
	    "are identified." },
};

static const char *const status_text[STATUS__MAX][LANG__MAX] = {
	[STATUS_SUBMITTED] = { "Подано", "Submitted" },
	[STATUS_REGISTERED] = { "Зарегистрировано", "Registered" },
	[STATUS_IN_PROGRESS] = { "В работе", "In progress" },
	[STATUS_ANSWERED] = { "Дан ответ", "Answered" },
	[STATUS_CLOSED] = { "Закрыто", "Closed" },
	[STATUS_REJECTED] = { "Отклонено", "Rejected" },
};

static const char *const action_text[WF__MAX][LANG__MAX] = {
	[WF_REGISTER] = { "Зарегистрировать", "Register" },
	[WF_START] = { "Взять в работу", "Start work" },
	[WF_ANSWER] = { "Ответить", "Answer" },
	[WF_CLOSE] = { "Закрыть", "Close" },
	[WF_REJECT] = { "Отклонить", "Reject" },
	[WF_FORWARD] = { "Перенаправить", "Forward" },
	[WF_EXTEND] = { "Продлить срок", "Extend the deadline" },
	[WF_REOPEN] = { "Возобновить", "Reopen" },
	[WF_FIXED] = { "Ответить «решено ли»", "Say whether fixed" },
	[WF_NOTE] = { "Добавить публичную заметку", "Add a public note" },
};

static const char *const action_done[WF__MAX][LANG__MAX] = {
	[WF_REGISTER] = { "Зарегистрировано", "Registered" },
	[WF_START] = { "Взято в работу", "Work started" },
	[WF_ANSWER] = { "Официальный ответ", "Official answer" },
	[WF_CLOSE] = { "Закрыто", "Closed" },
	[WF_REJECT] = { "Отклонено", "Rejected" },
	[WF_FORWARD] = { "Перенаправлено", "Forwarded" },
	[WF_EXTEND] = { "Срок продлён", "Deadline extended" },
	[WF_REOPEN] = { "Возобновлено заявителем", "Reopened by the reporter" },
	[WF_FIXED] = { "Оценка заявителя", "The reporter's verdict" },
	[WF_NOTE] = { "Заметка", "Note" },
};

static const char *const reject_words[REJECT__MAX][LANG__MAX] = {
	[REJECT_DUPLICATE] = { "Повторное обращение", "A duplicate" },
	[REJECT_NO_CONTACT] = { "Нет контактных данных",
	    "No contact details" },
	[REJECT_OBSCENE] = { "Нецензурные выражения или угрозы",
	    "Obscene language or threats" },
	[REJECT_NOT_GOVERNMENT] = { "Не относится к ведению органов власти",
	    "Not a government matter" },
	[REJECT_UNREADABLE] = { "Текст не поддаётся прочтению",
	    "Unreadable" },
};

static const char *
pick(const char *const v[LANG__MAX], enum lang lang)
{
	if ((unsigned)lang >= LANG__MAX || v[lang] == NULL)
		lang = LANG_RU;
	return v[lang] != NULL ? v[lang] : "";
}

const char *
web_action_text(int action, enum lang lang)
{
	return (unsigned)action < WF__MAX ? pick(action_text[action], lang) :
	    "";
}

const char *
web_action_done(int action, enum lang lang)
{
	return (unsigned)action < WF__MAX ? pick(action_done[action], lang) :
	    "";
}

const char *
web_reject_text(int reason, enum lang lang)
{
	return (unsigned)reason < REJECT__MAX ? pick(reject_words[reason],
	    lang) : "";
}

size_t
web_ntemplates(const struct catalog *c)
{
	return catalog_ntemplates(c);
}

const char *
web_template_title(const struct catalog *c, size_t i, enum lang lang)
{
	const struct answer_template *t = catalog_template_at(c, i);

	return t != NULL ? pick(t->title, lang) : "";
}

const char *
web_template_text(const struct catalog *c, size_t i, enum lang lang)
{
	const struct answer_template *t = catalog_template_at(c, i);

	return t != NULL ? pick(t->text, lang) : "";
}

const char *
web_msg(enum msg m, enum lang lang)
{
	if ((unsigned)m >= M__MAX)
		return "";
	if ((unsigned)lang >= LANG__MAX || msgs[m][lang] == NULL)
		lang = LANG_RU;
	return msgs[m][lang] != NULL ? msgs[m][lang] : "";
}

const char *
web_status_text(enum report_status st, enum lang lang)
{
	if ((unsigned)st >= STATUS__MAX)
		return "?";
	return status_text[st][(unsigned)lang < LANG__MAX ? lang : LANG_RU];
}

static void
put(struct html *h, const char *s, size_t n)
{
	if (n > 0 && http_response_append(h->res, s, n) == -1)
		h->failed = 1;
}

void
html_raw(struct html *h, const char *s)
{
	if (s != NULL)
		put(h, s, strlen(s));
}

const char *
html_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

void
html_text(struct html *h, const char *s)
{
	const char *run, *ent;

	if (s == NULL)
		return;
	for (run = s; *s != '\0'; s++) {
		if ((ent = html_entity(*s)) == NULL)
			continue;
		put(h, run, (size_t)(s - run));
		html_raw(h, ent);
		run = s + 1;
	}
	put(h, run, (size_t)(s - run));
}

void
html_f(struct html *h, const char *fmt, ...)
{
	const char *run = fmt;
	char num[64];
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%' || fmt[1] == '\0')
			continue;
		put(h, run, (size_t)(fmt - run));
		fmt++;
		switch (*fmt) {
		case 's':
			html_text(h, va_arg(ap, const char *));
			break;
		case 'r':
			html_raw(h, va_arg(ap, const char *));
			break;
		case 'm':
			html_text(h, web_msg((enum msg)va_arg(ap, int), h->lang));
			break;
		case 'd':
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			html_raw(h, num);
			break;
		case 'D':
			snprintf(num, sizeof(num), "%lld",
			    (long long)va_arg(ap, int64_t));
			html_raw(h, num);
			break;
		case 'f':
			snprintf(num, sizeof(num), "%.6f", va_arg(ap, double));
			html_raw(h, num);
			break;
		case '%':
			html_raw(h, "%");
			break;
		default:
			put(h, fmt - 1, 2);
			break;
		}
		run = fmt + 1;
	}
	put(h, run, (size_t)(fmt - run));
	va_end(ap);
}

void
html_date(struct html *h, int64_t t)
{
	time_t tt = (time_t)t;
	char buf[32], iso[32];
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL)
		return;
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M", &tm);
	strftime(buf, sizeof(buf), h->lang == LANG_EN ? "%Y-%m-%d" :
	    "%d.%m.%Y", &tm);
	html_f(h, "<time datetime=\"%s\">%s</time>", iso, buf);
}

void
html_page_begin(struct html *h, const char *title, const char *page,
    const char *path, const char *csrf, int with_map)
{
	html_f(h, "<!DOCTYPE html>\n<html lang=\"%r\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<title>%s — %m</title>\n", h->lang == LANG_EN ? "en" : "ru",
	    title, M_SITE);
	if (csrf != NULL)
		html_f(h, "<meta name=\"csrf-token\" content=\"%s\">\n", csrf);
	if (with_map)
		html_raw(h, "<link rel=\"stylesheet\" "
		    "href=\"/static/vendor/leaflet/leaflet.css\">\n"
		    "<link rel=\"stylesheet\" href=\"/static/vendor/"
		    "markercluster/MarkerCluster.css\">\n"
		    "<link rel=\"stylesheet\" href=\"/static/vendor/"
		    "markercluster/MarkerCluster.Default.css\">\n");
	html_f(h, "<link rel=\"stylesheet\" href=\"/static/css/veche.css\">\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "title=\"%m\" href=\"%s\">\n", M_RSS,
	    h->feed != NULL ? h->feed : "/rss");
	if (with_map)
		html_raw(h, "<script src=\"/static/vendor/leaflet/leaflet.js\" "
		    "defer></script>\n<script src=\"/static/vendor/"
		    "markercluster/leaflet.markercluster.js\" defer></script>\n");
	html_raw(h, "<script src=\"/static/js/i18n.js\" defer></script>\n"
	    "<script src=\"/static/js/veche.js\" defer></script>\n");
	/* The help map's pages (web_help.c) have a script of their own. */
	if (strncmp(page, "help", 4) == 0)
		html_raw(h, "<script src=\"/static/js/help.js\" defer>"
		    "</script>\n");
	html_f(h, "</head>\n<body data-page=\"%s\">\n"
	    "<a class=\"skip\" href=\"#main\">%m</a>\n"
	    "<header class=\"site\">\n"
	    "<a class=\"brand\" href=\"/\">%m <span>%m</span></a>\n"
	    "<nav aria-label=\"%m\"><ul>\n"
	    "<li><a href=\"/\">%m</a></li>\n"
	    "<li><a href=\"/reports\">%m</a></li>\n"
	    "<li><a href=\"/ratings\">%m</a></li>\n"
	    "<li><a href=\"/data\">%m</a></li>\n"
	    "<li><a class=\"button\" href=\"/new\">%m</a></li>\n",
	    page, M_SKIP, M_SITE, M_TAGLINE, M_NAV_MAP, M_NAV_MAP,
	    M_NAV_LIST, M_NAV_RATINGS, M_NAV_DATA, M_NAV_NEW);
	/* The help map: on the home page and its own pages (web_help.c). */
	if (strcmp(page, "map") == 0 || strncmp(page, "help", 4) == 0)
		html_f(h, "<li><a href=\"/help\" id=\"nav-help\">%m</a></li>\n",
		    M_HELP_NAV);
	/* Proposals (web_proposals.c). */
	html_f(h, "<li><a href=\"/proposals\" id=\"nav-proposals\">%m</a>"
	    "</li>\n", M_PROP_NAV);
	/* Officials' pages (web_officials.c). */
	html_f(h, "<li><a href=\"/officials\" id=\"nav-officials\">%m</a>"
	    "</li>\n", M_OFFICIALS_NAV);
	/* Open calls for a public post (web_calls.c). */
	html_f(h, "<li><a href=\"/calls\" id=\"nav-calls\">%m</a></li>\n",
	    M_CALL_NAV);
	/* Drafts of regulations (web_drafts.c). */
	html_f(h, "<li><a href=\"/drafts\" id=\"nav-drafts\">%m</a></li>\n",
	    M_DRAFT_NAV);
	html_raw(h, "</ul></nav>\n");
	/* Citizens' accounts: sign in, or the signed-in user's links. */
	if (h->account == NULL)
		html_f(h, "<nav class=\"account\" aria-label=\"%m\"><ul>\n"
		    "<li><a href=\"/login\" id=\"sign-in\">%m</a></li>\n"
		    "</ul></nav>\n", M_ACCOUNT_NAV, M_SIGN_IN_BTN);
	else
		html_f(h, "<nav class=\"account\" aria-label=\"%m\"><ul>\n"
		    "<li><a href=\"/account\" id=\"account-name\">%s</a></li>\n"
		    "<li><a href=\"/my\" id=\"my-reports\">%m</a></li>\n"
		    "<li><form method=\"post\" action=\"/logout\" "
		    "class=\"inline\"><input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\"><button type=\"submit\" class=\"link\" "
		    "id=\"sign-out\">%m</button></form></li>\n</ul></nav>\n",
		    M_ACCOUNT_NAV, h->account, M_MY_REPORTS,
		    h->account_csrf != NULL ? h->account_csrf : "", M_SIGN_OUT);
	html_f(h, "<a class=\"lang\" id=\"lang-switch\" lang=\"%r\" "
	    "hreflang=\"%r\" href=\"%s?lang=%r\">%m</a>\n"
	    "</header>\n<main id=\"main\">\n",
	    web_msg(M_LANG_OTHER_CODE, h->lang),
	    web_msg(M_LANG_OTHER_CODE, h->lang), path,
	    web_msg(M_LANG_OTHER_CODE, h->lang), M_LANG_OTHER);
}

void
html_page_end(struct html *h)
{
	html_f(h, "</main>\n<footer class=\"site\"><p>%m "
	    "<a href=\"/open311/v2/discovery.json\">Open311</a> · "
	    "<a href=\"%s\" id=\"rss-link\">%m</a></p></footer>\n</body>\n"
	    "</html>\n", M_FOOTER, h->feed != NULL ? h->feed : "/rss", M_RSS);
}

/* unify (issue 12): the status badge of pages and lists. */
void
html_status_badge(struct html *h, enum report_status st, int fixed,
    const char *id)
{
	int unfixed = report_closed_unfixed(st, fixed);

	html_f(h, "<span class=\"badge status-%r\"", unfixed ? "unfixed" :
	    report_status_name(st));
	if (id != NULL)
		html_f(h, " id=\"%r\"", id);
	html_f(h, ">%s</span>", unfixed ? web_msg(M_CLOSED_UNFIXED, h->lang) :
	    web_status_text(st, h->lang));
}
