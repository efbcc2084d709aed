/* audit.c: 'veche audit verify', the audit log's hash chain (cli.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "core/audit.h"
#include "core/error.h"
#include "core/db.h"

static const char usage[] =
    "usage: veche audit verify [--db FILE]\n"
    "\n"
    "Walk the audit log's hash chain.  Exit 0 and 'audit: N entries, chain\n"
    "intact' (and, on PostgreSQL, how many entries are queued for the\n"
    "chain), or exit 1 naming the first broken entry.\n";

static int
run(int argc, char **argv)
{
	const char *db;
	struct audit_check chk;
	struct store *s;
	struct verr e;
	int rc;

	if (cli_db_only_args(argc, argv, "verify", usage, 0, &db) == NULL)
		return 2;
	if ((s = cli_open_store(db)) == NULL)
		return 1;
	rc = audit_verify(s, &chk, &e);
	db_close(s);
	if (rc == -1) {
		fprintf(stderr, "veche: %s\n", e.message);
		return 1;
	}
	if (rc == 1) {
		printf("audit: entry %lld is broken: %s\n",
		    (long long)chk.bad_id, chk.why);
		return 1;
	}
	printf("audit: %lld entries, chain intact\naudit: head %s\n",
	    (long long)chk.entries, chk.head);
	/* PostgreSQL: written, committed, chained by the next writer. */
	if (chk.pending > 0)
		printf("audit: %lld entries queued, not yet chained\n",
		    (long long)chk.pending);
	return 0;
}

const struct cli_command cli_audit = {
	"audit", "verify", "check the audit log's hash chain", usage, run,
};
