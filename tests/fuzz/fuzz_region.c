/*
 * fuzz_region.c: the region file of veche serve --region (api/region.h).
 *
 * The whole input is one region file: it is either refused with a message
 * naming the field, or read whole, and then every city has a database and
 * a host, the hosts are lower case host names, and no two cities share a
 * host or a database, nor the region's host.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/region.h"
#include "core/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_host(const char *h)
{
	if (h == NULL || *h == '\0')
		abort();
	for (; *h != '\0'; h++)
		if (!(islower((unsigned char)*h) || isdigit((unsigned char)*h) ||
		    *h == '-' || *h == '.'))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct region_conf *rc;
	char err[512];
	size_t i, j;

	err[0] = '\0';
	rc = region_conf_parse((const char *)data, size, "/etc/veche/r.json",
	    err, sizeof(err));
	if (rc == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	check_host(rc->host);
	if (rc->name[0] == NULL || rc->name[1] == NULL ||
	    rc->staff_db == NULL || (rc->staff_db[0] != '/' &&
	    !db_is_url(rc->staff_db)) ||
	    rc->ncities == 0)
		abort();
	for (i = 0; i < rc->ncities; i++) {
		check_host(rc->cities[i].host);
		if (rc->cities[i].db == NULL || (rc->cities[i].db[0] != '/' &&
		    !db_is_url(rc->cities[i].db)) ||
		    (rc->cities[i].media != NULL &&
		    rc->cities[i].media[0] != '/') ||
		    strcmp(rc->cities[i].host, rc->host) == 0)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(rc->cities[i].host, rc->cities[j].host) == 0 ||
			    strcmp(rc->cities[i].db, rc->cities[j].db) == 0)
				abort();
	}
	region_conf_free(rc);
	return 0;
}
