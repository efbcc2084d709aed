/* web.c: the web routes.  None yet. */
#include "api/web.h"
#include "http/http.h"

const struct http_route *
web_routes(size_t *n)
{
	*n = 0;
	return NULL;
}
