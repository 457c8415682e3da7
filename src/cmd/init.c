/* init.c - skillpay init: create the database (0600) and apply the migrations. */
#include <stdio.h>
#include "skillpay/cmd.h"

static const char usage[] = "usage: skillpay [--db PATH] init\n";

int cmd_init(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct sp_error err = { 0 };
	struct store *s;
	int applied = 0;

	if (cmd_wants_help(argc, argv))
		return fputs(usage, stdout), 0;
	if (argc > 1)
		return cmd_usage_error(usage, "init takes no arguments");
	if (store_open(ctx->db_path, true, &s, &err) < 0)
		return cmd_fail(&err);
	s->busy_wait_seconds = ctx->wait_seconds;
	if (store_migrate(s, &applied, &err) < 0) {
		store_close(s);
		return cmd_fail(&err);
	}
	store_close(s);
	if (!ctx->quiet)
		fprintf(stderr, "%s: %d migration%s applied\n", ctx->db_path, applied, applied == 1 ? "" : "s");
	return 0;
}
