/* close.c - skillpay close --month M: post the draft to the ledger and fix its payments. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/money.h"
#include "skillpay/payrun.h"

static const char usage[] = "usage: skillpay close --month YYYY-MM [--by NAME]\n";

static const char *default_by(void)
{
	const struct passwd *pw = getpwuid(getuid());

	if (getenv("USER"))
		return getenv("USER");
	return pw ? pw->pw_name : "unknown";
}

int cmd_close(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month_arg = NULL, *by = NULL;
	struct sp_error err = { 0 };
	struct payrun_close_result res;
	struct store *s;
	int32_t month;
	int c, rc;
	char m[8], a[32];

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'm': month_arg = optarg; break;
		case 'b': by = optarg; break;
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if ((rc = cmd_month_open(argc, argv, month_arg, usage, ctx, &month, &s)) != 0)
		return rc;
	if (payrun_close(s, month, by ? by : default_by(), &res, &err) < 0) {
		store_close(s);
		return cmd_fail(&err);
	}
	store_close(s);
	month_format(month_from_int(month), m);
	if (ctx->json)
		printf("{\"month\":\"%s\",\"lines\":%ld,\"payments\":%ld,\"payments_total\":\"%s\",\"held\":%ld}\n",
		       m, res.lines, res.payments, money_format(res.payments_fen, a), res.held);
	else if (!ctx->quiet)
		printf("closed %s: %ld ledger lines posted, %ld payments totalling %s, %ld held\n", m, res.lines,
		       res.payments, money_format(res.payments_fen, a), res.held);
	return 0;
}
