/* cmd.h - what every subcommand gets, and the helpers they share. Only src/cmd/ talks to
 * the user: messages on stderr, data on stdout or --out. */
#ifndef SKILLPAY_CMD_H
#define SKILLPAY_CMD_H

#include <stdbool.h>
#include "skillpay/error.h"
#include "skillpay/store.h"

struct cmd_ctx {
	const char *db_path;       /* --db, $SKILLPAY_DB, ./skillpay.db */
	const char *config_path;   /* --config, $SKILLPAY_CONFIG, ./skillpay.ini */
	bool json;                 /* --json: machine-readable output on stdout */
	bool quiet;                /* -q */
	int wait_seconds;          /* --wait: wait for another writer instead of refusing */
};

int cmd_init(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_ingest(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_run(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_close(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_ledger(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_explain(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_verify(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_export(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_reconcile(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_report(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_replay(int argc, char **argv, struct cmd_ctx *ctx);

/* Prints PREFIX MESSAGE on stderr with identity and account numbers masked (privacy). */
void cmd_message(const char *prefix, const char *message);
/* Prints "skillpay: MESSAGE" for err (masked) and returns its exit code. */
int cmd_fail(const struct sp_error *err);
/* Prints "skillpay CMD: usage: ..." style usage and returns SP_EXIT_USAGE. */
int cmd_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens ctx->db_path (not creating it) with ctx's --wait. Returns 0 or an exit code printed. */
int cmd_open(struct cmd_ctx *ctx, struct store **ret);
/* True when argv holds -h or --help. */
bool cmd_wants_help(int argc, char **argv);
/* Parses --month YYYY-MM into *ret (yyyymm); prints and returns SP_EXIT_USAGE on error. */
int cmd_month_arg(const char *arg, const char *usage, int32_t *ret_yyyymm);

/* After option parsing: no operand may be left (optind), --month must be a month, and the
 * database must open. Returns 0, or the exit code of what it printed. */
int cmd_month_open(int argc, char **argv, const char *month_arg, const char *usage,
		   struct cmd_ctx *ctx, int32_t *ret_month, struct store **ret);

#endif
