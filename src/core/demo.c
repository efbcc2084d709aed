/* demo.c: plausible reports for a demo city. */
#include <stdio.h>
#include <string.h>

#include "veche.h"
#include "core/catalog.h"
#include "core/demo.h"
#include "core/report.h"
#include "store/store.h"
#include "store/store_bulk.h"
#include "store/store_deadlines.h"

/*
 * Reports per transaction, and between progress reports.  A bulk load
 * (store_bulk.h) writes without fsync: a batch's cost is writing its pages,
 * fewer rewrites of half-filled ones the larger it is.
 */
#define DEMO_BATCH 50000
#define DEMO_PROGRESS 5000

struct rng {
	uint64_t s;
};

/* xorshift64*: deterministic, good enough for demo data. */
static uint64_t
rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / (double)(1ULL << 53);
}

static size_t
rng_below(struct rng *r, size_t n)
{
	return n ? (size_t)(rng_next(r) % n) : 0;
}

static const char *const streets[] = {
	"ул. Свободы", "пр-т Ленина", "ул. Советская", "ул. Кирова",
	"Московский пр-т", "ул. Чкалова", "ул. Победы", "Республиканская ул.",
	"ул. Пушкина", "Красноперекопская ул.", "ул. Гагарина",
	"Фрунзе пр-т", "ул. Некрасова", "Угличская ул.", "ул. Труфанова",
};

struct template {
	const char *service;
	const char *before;
	const char *after;
};

/* The text around the address. */
static const struct template templates[] = {
	{ "pothole", "Огромная яма на проезжей части у дома ",
	    ", машины объезжают по встречной. Просим заделать до заморозков." },
	{ "pothole", "Провал асфальта возле остановки, ",
	    ". Вчера пробил колесо, и не я один." },
	{ "road_sign", "Знак «Пешеходный переход» повёрнут и не виден водителям, ",
	    "." },
	{ "snow", "Тротуар не чистили неделю, сплошной лёд, ",
	    ". Пожилые люди падают." },
	{ "snow", "С крыши дома ",
	    " свисают сосульки над входом в подъезд." },
	{ "streetlight", "Не горят фонари во дворе дома ",
	    ", вечером темно и страшно идти." },
	{ "heating", "В квартирах дома ",
	    " холодные батареи третий день, дома +16. Управляющая компания не отвечает." },
	{ "heating", "Отопление в подъезде ",
	    " не работает, дети болеют." },
	{ "hot_water", "Нет горячей воды в доме ",
	    " уже пять дней, никаких объявлений о плановом отключении не было." },
	{ "yard", "Сломанные качели на детской площадке у дома ",
	    ", торчат острые края." },
	{ "garbage", "Контейнерная площадка у дома ",
	    " переполнена, мусор не вывозили с понедельника." },
	{ "graffiti", "Фасад дома ",
	    " исписан граффити и заклеен объявлениями." },
	{ "other", "Брошенный автомобиль во дворе ",
	    ", стоит больше года." },
};

static const char *const first_names[] = {
	"Анна", "Иван", "Мария", "Сергей", "Ольга", "Дмитрий", "Елена", "Пётр",
};
static const char *const last_names[] = {
	"Иванова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев",
};

static const char *const notes[STATUS__MAX] = {
	[STATUS_REGISTERED] = "Обращение зарегистрировано и передано "
	    "исполнителю.",
	[STATUS_IN_PROGRESS] = "Работы запланированы, бригада выйдет на "
	    "место в ближайшие дни.",
	[STATUS_ANSWERED] = "Работы выполнены. Просим подтвердить, что "
	    "проблема решена.",
	[STATUS_CLOSED] = "Заявитель подтвердил устранение проблемы.",
	[STATUS_REJECTED] = "Отклонено: дублирует ранее поданное обращение.",
};

/* Attribute values that satisfy the service's definition. */
static size_t
demo_attrs(struct rng *r, const struct service *svc, struct attr_value *out,
    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < svc->nattrs && n < max; i++) {
		const struct service_attr *a = &svc->attrs[i];

		if (!a->variable)
			continue;
		if ((a->type == ATTR_SINGLEVALUELIST ||
		    a->type == ATTR_MULTIVALUELIST) && a->nchoices > 0 &&
		    (a->required || rng_below(r, 2))) {
			out[n].code = a->code;
			out[n++].value = a->choices[rng_below(r,
			    a->nchoices)].key;
		} else if (a->required) {
			out[n].code = a->code;
			out[n++].value = a->type == ATTR_NUMBER ? "1" :
			    a->type == ATTR_DATETIME ?
			    "2026-01-15T08:00:00+03:00" : "—";
		}
	}
	return n;
}

/* Move an older report along its life, as agencies would. */
static int
demo_progress_status(struct store *s, struct rng *r, int64_t id,
    int64_t received, int64_t now, struct verr *e)
{
	static const enum report_status path[] = {
		STATUS_REGISTERED, STATUS_IN_PROGRESS, STATUS_ANSWERED,
		STATUS_CLOSED,
	};
	int64_t age = now - received, t = received;
	size_t steps, i;

	/* The older the report, the further it has likely gone. */
	steps = rng_below(r, (size_t)(age / (7 * 86400)) + 2);
	if (steps > 4)
		steps = 4;
	if (steps > 0 && rng_below(r, 20) == 0)
		return report_set_status(s, id, STATUS_REJECTED,
		    notes[STATUS_REJECTED], received + 86400, e);
	for (i = 0; i < steps; i++) {
		t += (int64_t)(rng_unit(r) * (double)(now - t) / 2.0);
		if (report_set_status(s, id, path[i], notes[path[i]], t, e))
			return -1;
	}
	return 0;
}

int
demo_seed(struct store *s, const struct catalog *c, size_t n, int days,
    uint64_t seed, int64_t now, const struct demo_progress *progress,
    struct verr *e)
{
	double min_lat, min_lon, max_lat, max_lon;
	struct rng r = { seed ? seed : 0x9e3779b97f4a7c15ULL };
	size_t i, j, nt = sizeof(templates) / sizeof(templates[0]);
	struct store_bulk *bulk;
	struct store *w;
	int in_tx = 0;

	if (catalog_nservices(c) == 0)
		return verr_set(e, VERR_INVALID, "city", "the city has no "
		    "services: import a city first (veche city import)");
	if (catalog_bounds(c, &min_lat, &min_lon, &max_lat, &max_lon) == -1)
		return verr_set(e, VERR_INVALID, "city", "no agency has an "
		    "area, so there is nowhere to put demo reports");
	/* Search, spatial and secondary indexes once at the end (store_bulk.h). */
	if ((bulk = store_bulk_begin(s, n)) == NULL)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	/* s itself, or a scratch file the end copies into s. */
	w = store_bulk_store(s, bulk);
	if (progress != NULL)
		store_bulk_on_copy(s, progress->copied, progress->arg);
	for (i = 0; i < n; i++) {
		const struct template *t = &templates[rng_below(&r, nt)];
		const struct service *svc = catalog_service(c, t->service);
		struct attr_value attrs[8];
		struct report_input in;
		struct report_receipt rc;
		char address[160], text[VECHE_MAX_DESCRIPTION];

		if (!in_tx) {
			if (store_begin(w) == -1) {
				verr_set(e, VERR_INTERNAL, NULL, "%s",
				    store_error(w));
				goto fail;
			}
			in_tx = 1;
		}
		if (svc == NULL)
			svc = catalog_service_at(c, rng_below(&r,
			    catalog_nservices(c)));
		memset(&in, 0, sizeof(in));
		snprintf(address, sizeof(address), "%s, %zu",
		    streets[rng_below(&r, sizeof(streets) /
		    sizeof(streets[0]))], rng_below(&r, 120) + 1);
		snprintf(text, sizeof(text), "%s%s%s", t->before, address,
		    t->after);
		in.service_code = svc->code;
		in.has_point = 1;
		in.lat = min_lat + rng_unit(&r) * (max_lat - min_lat);
		in.lon = min_lon + rng_unit(&r) * (max_lon - min_lon);
		in.address = address;
		in.description = text;
		in.attrs = attrs;
		in.nattrs = demo_attrs(&r, svc, attrs, 8);
		if (rng_below(&r, 3) == 0) {
			in.contact.first_name = first_names[rng_below(&r,
			    sizeof(first_names) / sizeof(first_names[0]))];
			in.contact.last_name = last_names[rng_below(&r,
			    sizeof(last_names) / sizeof(last_names[0]))];
			in.contact.email = "citizen@demograd.example";
			in.contact.phone = "+7 900 000-00-00";
		}
		in.now = now - (int64_t)(rng_unit(&r) * days * 86400.0);
		if (report_submit(w, c, &in, &rc, e) == -1 ||
		    demo_progress_status(w, &r, rc.id, in.now, now, e) == -1)
			goto fail;
		j = i + 1;
		if (j % DEMO_BATCH == 0 || j == n) {
			if (store_commit(w) == -1) {
				verr_set(e, VERR_INTERNAL, NULL, "%s",
				    store_error(w));
				goto fail;
			}
			in_tx = 0;
			store_bulk_committed(bulk);
		}
		if ((j % DEMO_PROGRESS == 0 || j == n) && progress != NULL &&
		    progress->fn != NULL)
			progress->fn(j, n, progress->arg);
	}
	if (store_bulk_end(s, bulk) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	/*
	 * The reports changed at times before the last deadline scan: the
	 * next scan reads every report, not what changed since.
	 */
	if (store_deadline_full_mark(s, 0) == -1)
		return verr_set(e, VERR_INTERNAL, NULL, "%s", store_error(s));
	return 0;
fail:
	if (in_tx)
		store_rollback(w);
	/* The batches committed before get their indexes all the same. */
	store_bulk_end(s, bulk);
	return -1;
}

int
demo_seed_unfinished(const char *path, char *err, size_t errlen)
{
	return store_bulk_unfinished(path, err, errlen);
}
