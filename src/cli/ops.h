/*
 * ops.h: the operator's commands (docs/operations.md): 'veche backup' and
 * 'veche restore', and the serve options of metrics and logs.
 */
#ifndef VECHE_CLI_OPS_H
#define VECHE_CLI_OPS_H

#include <stddef.h>

/* The usage text of cmd ("backup", "restore"), or NULL if not one of ours. */
const char *cli_ops_usage(const char *cmd);

/* Run cmd with its arguments (argv[0] is cmd).  Returns the exit status. */
int cli_ops(const char *cmd, int argc, char **argv);

/*
 * Read the metrics token: the first line of path, VECHE_MIN_METRICS_TOKEN
 * to VECHE_MAX_METRICS_TOKEN printable bytes without spaces, into buf (at
 * least VECHE_MAX_METRICS_TOKEN + 2 bytes).  Returns 0, or -1 after saying
 * why on stderr (naming --metrics-token-file).
 */
int cli_ops_metrics_token(const char *path, char *buf, size_t len);

/* "text" (0) or "json" (1) for --log-format; -1 after saying why. */
int cli_ops_log_format(const char *arg);

#endif
