/* guard.c: the connect-time address guard (guard.h). */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "net/addr.h"
#include "net/guard.h"

/* Open the socket of an allowed address; remember the first refusal. */
static curl_socket_t
on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct net_guard *g = arg;
	enum net_addr_class c;
	char ip[INET6_ADDRSTRLEN] = "?";
	const void *raw = NULL;

	(void)purpose;
	c = net_addr_classify(&a->addr, (socklen_t)a->addrlen);
	if (c == NET_ADDR_PUBLIC || (g->allow_private && c != NET_ADDR_UNKNOWN))
		return socket(a->family, a->socktype, a->protocol);
	if (a->family == AF_INET)
		raw = &((const struct sockaddr_in *)(const void *)&a->addr)->
		    sin_addr;
	else if (a->family == AF_INET6)
		raw = &((const struct sockaddr_in6 *)(const void *)&a->addr)->
		    sin6_addr;
	if (raw != NULL)
		inet_ntop(a->family, raw, ip, sizeof(ip));
	if (g->refused[0] == '\0')
		snprintf(g->refused, sizeof(g->refused),
		    "address not allowed: %s is %s", ip,
		    net_addr_class_words(c));
	return CURL_SOCKET_BAD;
}

void
net_guard_apply(CURL *c, struct net_guard *g, int allow_private)
{
	memset(g, 0, sizeof(*g));
	g->allow_private = allow_private;
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, g);
	/* "" overrides the proxy environment variables: no proxy. */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
}
