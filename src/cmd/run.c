/* run.c - skillpay run --month M: compute the pay month as a draft and print its summary. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/money.h"
#include "skillpay/payrun.h"

static const char usage[] = "usage: skillpay run --month YYYY-MM [--full]\n";

static void print_warning(void *ctx, const char *message)
{
	const struct cmd_ctx *c = ctx;

	if (!c->quiet)
		cmd_message("warning: ", message);
}

static void print_summary(const struct payrun_summary *s, bool json)
{
	char m[8], a[32];

	month_format(month_from_int(s->month), m);
	if (json) {
		printf("{\"month\":\"%s\",\"incremental\":%s,\"as_of_batch\":%lld,\"persons\":%ld,\"payees_with_lines\":%ld,\"lines\":%ld,",
		       m, s->incremental ? "true" : "false", (long long)s->as_of_batch, s->persons_evaluated, s->payees_with_lines, s->lines);
		printf("\"by_kind\":{");
		for (int k = 0; k < KIND_COUNT; k++)
			printf("%s\"%s\":\"%s\"", k ? "," : "", kind_name(k), money_format(s->by_kind_fen[k], a));
		printf("},\"by_line_type\":{");
		for (int t = 0; t < PAYRUN_LINE_TYPES - 1; t++)
			printf("%s\"%s\":\"%s\"", t ? "," : "", payrun_line_types[t], money_format(s->by_type_fen[t], a));
		printf("},\"payments\":%ld,\"payments_total\":\"%s\",", s->payments, money_format(s->payments_fen, a));
		printf("\"held\":%ld,\"held_total\":\"%s\",", s->held, money_format(s->held_fen, a));
		printf("\"negative_balances\":%ld,\"warnings\":%ld}\n", s->negative_balances, s->warnings);
		return;
	}
	printf("run %s (facts as of batch %lld, %s): %ld persons evaluated, %ld lines for %ld payees\n", m,
	       (long long)s->as_of_batch, s->incremental ? "incremental" : "full recompute",
	       s->persons_evaluated, s->lines, s->payees_with_lines);
	printf("  %-12s %14s\n", "kind", "amount");
	for (int k = 0; k < KIND_COUNT; k++)
		if (s->by_kind_fen[k])
			printf("  %-12s %14s\n", kind_name(k), money_format(s->by_kind_fen[k], a));
	printf("  %-12s %14s\n", "line type", "amount");
	for (int t = 0; t < PAYRUN_LINE_TYPES - 1; t++)
		printf("  %-12s %14s\n", payrun_line_types[t], money_format(s->by_type_fen[t], a));
	printf("  payments     %6ld %14s\n", s->payments, money_format(s->payments_fen, a));
	printf("  held         %6ld %14s\n", s->held, money_format(s->held_fen, a));
	printf("  negative     %6ld %14s\n", s->negative_balances, money_format(s->negative_fen, a));
	printf("  warnings     %6ld\n", s->warnings);
}

int cmd_run(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "full", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month_arg = NULL;
	struct sp_error err = { 0 };
	struct payrun_summary sum;
	bool full = false;
	struct store *s;
	int32_t month;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'm': month_arg = optarg; break;
		case 'f': full = true; break;
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if ((rc = cmd_month_open(argc, argv, month_arg, usage, ctx, &month, &s)) != 0)
		return rc;
	if (payrun_run(s, month, full, print_warning, ctx, &sum, &err) < 0) {
		store_close(s);
		return cmd_fail(&err);
	}
	store_close(s);
	print_summary(&sum, ctx->json);
	return 0;
}
