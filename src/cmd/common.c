/* common.c - helpers every subcommand shares (include/skillpay/cmd.h). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/identity.h"

/* CLI.md: a progress bar on long work when stderr is a terminal, never otherwise. It is one
 * line rewritten in place; a message or the exit clears it first. */
static bool progress_shown;

static void progress_clear(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = false;
}

void cmd_message(const char *prefix, const char *message)
{
	char masked[2 * SP_MESSAGE_MAX];

	identity_mask_text(message, masked, sizeof(masked));
	progress_clear();
	fprintf(stderr, "%s%s\n", prefix, masked);
}

int cmd_fail(const struct sp_error *err)
{
	cmd_message("skillpay: ", err->message[0] ? err->message : "internal error");
	return err->code ? err->code : SP_EXIT_INTERNAL;
}

int cmd_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("skillpay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return SP_EXIT_USAGE;
}

static void progress_bar(void *vctx, const char *what, long done, long total)
{
	(void)vctx;
	if (!progress_shown)
		atexit(progress_clear);
	progress_shown = true;
	if (total > 0)
		fprintf(stderr, "\r%s: %ld of %ld (%ld%%)%s", what, done, total, done * 100 / total,
			done >= total ? "\n" : "");
	else
		fprintf(stderr, "\r%s: %ld", what, done);
	fflush(stderr);
}

int cmd_open(struct cmd_ctx *ctx, struct store **ret)
{
	struct sp_error err = { 0 };

	if (store_open(ctx->db_path, false, ret, &err) < 0)
		return cmd_fail(&err);
	(*ret)->busy_wait_seconds = ctx->wait_seconds;
	if (!ctx->quiet && !ctx->json && isatty(STDERR_FILENO))
		(*ret)->progress = progress_bar;
	return 0;
}

bool cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int cmd_month_arg(const char *arg, const char *usage, int32_t *ret_yyyymm)
{
	sp_month m;

	if (!arg)
		return cmd_usage_error(usage, "--month YYYY-MM is required");
	if (month_parse(arg, &m) < 0)
		return cmd_usage_error(usage, "'%s' is not a month (YYYY-MM)", arg);
	if (m < SP_FIRST_MONTH)
		return cmd_usage_error(usage, "'%s' is before the policy start (2021-08)", arg);
	*ret_yyyymm = month_to_int(m);
	return 0;
}

int cmd_month_open(int argc, char **argv, const char *month_arg, const char *usage,
		   struct cmd_ctx *ctx, int32_t *ret_month, struct store **ret)
{
	int rc;

	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if ((rc = cmd_month_arg(month_arg, usage, ret_month)) != 0)
		return rc;
	return cmd_open(ctx, ret);
}
