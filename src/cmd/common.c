/* common.c - helpers every subcommand shares (include/skillpay/cmd.h). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/identity.h"

void cmd_message(const char *prefix, const char *message)
{
	char masked[2 * SP_MESSAGE_MAX];

	identity_mask_text(message, masked, sizeof(masked));
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

int cmd_open(struct cmd_ctx *ctx, struct store **ret)
{
	struct sp_error err = { 0 };

	if (store_open(ctx->db_path, false, ret, &err) < 0)
		return cmd_fail(&err);
	(*ret)->busy_wait_seconds = ctx->wait_seconds;
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
