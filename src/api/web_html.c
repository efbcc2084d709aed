/* web_html.c: HTML building, escaping and the interface's words. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/web_html.h"
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
};

static const char *const status_text[STATUS__MAX][LANG__MAX] = {
	[STATUS_SUBMITTED] = { "Подано", "Submitted" },
	[STATUS_REGISTERED] = { "Зарегистрировано", "Registered" },
	[STATUS_IN_PROGRESS] = { "В работе", "In progress" },
	[STATUS_ANSWERED] = { "Дан ответ", "Answered" },
	[STATUS_CLOSED] = { "Решено", "Closed" },
	[STATUS_REJECTED] = { "Отклонено", "Rejected" },
};

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

void
html_text(struct html *h, const char *s)
{
	const char *run;

	if (s == NULL)
		return;
	for (run = s; *s != '\0'; s++) {
		const char *ent;

		switch (*s) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			continue;
		}
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
	    "title=\"%m\" href=\"/rss\">\n", M_RSS);
	if (with_map)
		html_raw(h, "<script src=\"/static/vendor/leaflet/leaflet.js\" "
		    "defer></script>\n<script src=\"/static/vendor/"
		    "markercluster/leaflet.markercluster.js\" defer></script>\n");
	html_raw(h, "<script src=\"/static/js/i18n.js\" defer></script>\n"
	    "<script src=\"/static/js/veche.js\" defer></script>\n");
	html_f(h, "</head>\n<body data-page=\"%s\">\n"
	    "<a class=\"skip\" href=\"#main\">%m</a>\n"
	    "<header class=\"site\">\n"
	    "<a class=\"brand\" href=\"/\">%m <span>%m</span></a>\n"
	    "<nav aria-label=\"%m\"><ul>\n"
	    "<li><a href=\"/\">%m</a></li>\n"
	    "<li><a href=\"/reports\">%m</a></li>\n"
	    "<li><a class=\"button\" href=\"/new\">%m</a></li>\n"
	    "</ul></nav>\n"
	    "<a class=\"lang\" id=\"lang-switch\" lang=\"%r\" hreflang=\"%r\" "
	    "href=\"%s?lang=%r\">%m</a>\n"
	    "</header>\n<main id=\"main\">\n", page, M_SKIP, M_SITE, M_TAGLINE,
	    M_NAV_MAP, M_NAV_MAP, M_NAV_LIST, M_NAV_NEW,
	    web_msg(M_LANG_OTHER_CODE, h->lang),
	    web_msg(M_LANG_OTHER_CODE, h->lang), path,
	    web_msg(M_LANG_OTHER_CODE, h->lang), M_LANG_OTHER);
}

void
html_page_end(struct html *h)
{
	html_f(h, "</main>\n<footer class=\"site\"><p>%m "
	    "<a href=\"/open311/v2/discovery.json\">Open311</a> · "
	    "<a href=\"/rss\">%m</a></p></footer>\n</body>\n</html>\n",
	    M_FOOTER, M_RSS);
}
