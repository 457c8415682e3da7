/* reconcile.c - skillpay reconcile FILE: read a bank return (pain.002 or CSV) and mark the
 * payments settled or rejected (CLI.md "Bank returns"); print what the file said, with amounts. */
#include <getopt.h>
#include <stdio.h>
#include "skillpay/bankreturn.h"
#include "skillpay/cmd.h"
#include "skillpay/money.h"

static const char usage[] = "usage: skillpay reconcile FILE   (pain.002.001.10 XML or CSV end_to_end_id,status,reason_code)\n";

/* The reason may echo any text of the file: it is masked (privacy), as ingest masks its reasons.
 * The subject is a column name or a skillpay EndToEndId, which names no person. */
static void print_problem(void *ctx, const char *file, long line, const char *subject, const char *reason)
{
	char head[4200];

	(void)ctx;
	if (line > 0)
		snprintf(head, sizeof(head), "%s:%ld: %s: ", file, line, subject);
	else
		snprintf(head, sizeof(head), "%s: %s: ", file, subject);
	fputs(head, stderr);
	cmd_message("", reason);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const char *path, const struct bankreturn_report *r)
{
	char a[32];

	printf("{\"file\":");
	json_string(path);
	printf(",\"batch\":%lld,\"already\":%s", (long long)r->batch_id, r->already ? "true" : "false");
	if (!r->already) {
		printf(",\"format\":\"%s\",\"payments\":%ld", r->format == BANKRETURN_CSV ? "csv" : "pain.002", r->entries);
		printf(",\"settled\":%ld,\"settled_total\":\"%s\"", r->settled, money_format(r->settled_fen, a));
		printf(",\"rejected\":%ld,\"rejected_total\":\"%s\",\"rejected_by_reason\":{", r->rejected,
		       money_format(r->rejected_fen, a));
		for (int i = 0; i < r->n_reasons; i++)
			printf("%s\"%s\":{\"count\":%ld,\"total\":\"%s\"}", i ? "," : "", r->reasons[i].code,
			       r->reasons[i].n, money_format(r->reasons[i].amount_fen, a));
		printf("},\"pending\":%ld,\"pending_total\":\"%s\"", r->pending, money_format(r->pending_fen, a));
		printf(",\"returns\":%ld,\"recorded\":%ld,\"unchanged\":%ld", r->returns, r->recorded, r->unchanged);
	}
	printf("}\n");
}

static void print_summary(const char *path, const struct bankreturn_report *r)
{
	char a[32];

	printf("reconcile %s (batch %lld, %s): %ld payments\n", path, (long long)r->batch_id,
	       r->format == BANKRETURN_CSV ? "csv" : "pain.002", r->entries);
	printf("  %-12s %6s %14s\n", "status", "count", "amount");
	printf("  %-12s %6ld %14s\n", "settled", r->settled, money_format(r->settled_fen, a));
	printf("  %-12s %6ld %14s\n", "rejected", r->rejected, money_format(r->rejected_fen, a));
	for (int i = 0; i < r->n_reasons; i++)
		printf("    %-10s %6ld %14s\n", r->reasons[i].code, r->reasons[i].n,
		       money_format(r->reasons[i].amount_fen, a));
	printf("  %-12s %6ld %14s\n", "pending", r->pending, money_format(r->pending_fen, a));
	printf("  returns      %6ld   (settled before, rejected now: back in the balance)\n", r->returns);
	printf("  recorded     %6ld   status rows (%ld unchanged)\n", r->recorded, r->unchanged);
}

int cmd_reconcile(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sp_error err = { 0 };
	struct bankreturn_report rep;
	struct store *s;
	const char *path;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error(usage, "no bank return file given");
	if (argc - optind > 1)
		return cmd_usage_error(usage, "unexpected argument '%s' (one file at a time)", argv[optind + 1]);
	path = argv[optind];
	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	rc = bankreturn_reconcile(s, path, print_problem, NULL, &rep, &err);
	store_close(s);
	if (rc < 0)
		return cmd_fail(&err);
	if (ctx->json)
		print_json(path, &rep);
	else if (rep.already)
		fprintf(stderr, "%s: already read as batch %lld, nothing to do\n", path, (long long)rep.batch_id);
	else
		print_summary(path, &rep);
	return 0;
}
