/* ledger.c - skillpay ledger: the ledger as the CSV of CLI.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/csvread.h"
#include "skillpay/money.h"

static const char usage[] = "usage: skillpay ledger [--out FILE]\n";

static int write_ledger(struct store *s, FILE *out, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT line_id, run_month, payee_id, person_id, service_month, kind, line_type,"
			     " amount_fen, funding, rule, clause, appeal FROM ledger ORDER BY line_id", &st, err) < 0)
		return -1;
	fputs("line_id,run_month,payee_id,person_id,service_month,kind,line_type,amount,funding,rule,clause,appeal\n", out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char run[8], svc[8], amount[32];

		month_format(month_from_int(sqlite3_column_int(st, 1)), run);
		month_format(month_from_int(sqlite3_column_int(st, 4)), svc);
		fprintf(out, "%lld,%s,", (long long)sqlite3_column_int64(st, 0), run);
		csvwrite_field(out, store_text(st, 2));
		fputc(',', out);
		csvwrite_field(out, store_text(st, 3));
		fprintf(out, ",%s,", svc);
		for (int c = 5; c <= 6; c++) {
			csvwrite_field(out, store_text(st, c));
			fputc(',', out);
		}
		fprintf(out, "%s,", money_format(sqlite3_column_int64(st, 7), amount));
		for (int c = 8; c <= 11; c++) {
			csvwrite_field(out, store_text(st, c));
			fputc(c == 11 ? '\n' : ',', out);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "ledger", err);
}

int cmd_ledger(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL;
	struct sp_error err = { 0 };
	struct store *s;
	FILE *out = stdout;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	if (out_path && !(out = fopen(out_path, "w"))) {
		store_close(s);
		sp_error_set(&err, SP_EXIT_USAGE, "cannot write '%s': %s", out_path, strerror(errno));
		return cmd_fail(&err);
	}
	rc = write_ledger(s, out, &err);
	store_close(s);
	if (out != stdout && fclose(out) != 0 && rc == 0)
		rc = sp_error_set(&err, SP_EXIT_INTERNAL, "cannot write '%s'", out_path);
	if (out == stdout && fflush(stdout) != 0 && rc == 0)
		rc = sp_error_set(&err, SP_EXIT_INTERNAL, "cannot write the ledger to stdout");
	return rc < 0 ? cmd_fail(&err) : 0;
}
