/* replay.c - skillpay replay --month M: recompute a closed month from the facts known when it
 * closed and compare with the ledger; exit 4 listing the differences. */
#include <getopt.h>
#include <stdio.h>
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/money.h"
#include "skillpay/payrun.h"

static const char usage[] = "usage: skillpay replay --month YYYY-MM\n";

static void print_diff(void *ctx, const char *payee_id, const char *person_id, int32_t service_month,
		       const char *kind, int64_t replayed_fen, int64_t posted_fen)
{
	char m[8], a[32], b[32];

	(void)ctx;
	month_format(month_from_int(service_month), m);
	char msg[512];

	snprintf(msg, sizeof(msg), "payee '%s' person '%s' %s %s: recomputed %s, ledger %s", payee_id, person_id, m,
		 kind, money_format(replayed_fen, a), money_format(posted_fen, b));
	cmd_message("replay: ", msg);
}

int cmd_replay(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month_arg = NULL;
	struct sp_error err = { 0 };
	struct payrun_replay_result res;
	struct store *s;
	int32_t month;
	int c, rc;
	char m[8];

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'm': month_arg = optarg; break;
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if ((rc = cmd_month_open(argc, argv, month_arg, usage, ctx, &month, &s)) != 0)
		return rc;
	rc = payrun_replay(s, month, print_diff, NULL, &res, &err);
	store_close(s);
	if (rc < 0)
		return cmd_fail(&err);
	month_format(month_from_int(month), m);
	if (ctx->json)
		printf("{\"month\":\"%s\",\"as_of_batch\":%lld,\"persons\":%ld,\"lines_recomputed\":%ld,"
		       "\"lines_posted\":%ld,\"differences\":%ld}\n", m, (long long)res.as_of_batch,
		       res.persons_evaluated, res.lines_recomputed, res.lines_posted, res.differences);
	else
		printf("replay %s (facts as of batch %lld): %ld persons, %ld lines recomputed, %ld posted, %ld difference%s\n",
		       m, (long long)res.as_of_batch, res.persons_evaluated, res.lines_recomputed, res.lines_posted,
		       res.differences, res.differences == 1 ? "" : "s");
	return res.differences ? SP_EXIT_INTEGRITY : 0;
}
