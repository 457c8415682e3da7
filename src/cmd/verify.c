/* verify.c - skillpay verify: the ledger's hash chain and the money invariants (exit 4). */
#include <stdio.h>
#include <string.h>
#include "skillpay/cmd.h"
#include "skillpay/payrun.h"

static const char usage[] = "usage: skillpay verify\n";

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Recomputes every line's hash from its fields and the previous line's hash; line ids must
 * run 1, 2, 3 ... without a gap. */
static int verify_chain(struct store *s, long *ret_lines, struct sp_error *err)
{
	sqlite3_stmt *st;
	char prev[65] = ZERO_HASH, hash[65];
	int64_t expect = 1;
	int rc;

	if (store_prepare(s, "SELECT line_id, run_month, payee_id, person_id, service_month, kind, line_type,"
			     " amount_fen, funding, rule, clause, appeal, prev_hash, hash FROM ledger ORDER BY line_id",
			  &st, err) < 0)
		return -1;
	*ret_lines = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *appeal = sqlite3_column_type(st, 11) == SQLITE_NULL ? NULL : store_text(st, 11);

		if (id != expect) {
			sqlite3_finalize(st);
			return sp_error_set(err, SP_EXIT_INTEGRITY,
					    "ledger line %lld: expected line %lld (a line is missing or reordered)",
					    (long long)id, (long long)expect);
		}
		ledger_line_hash(prev, id, sqlite3_column_int(st, 1), store_text(st, 2), store_text(st, 3),
				 sqlite3_column_int(st, 4), store_text(st, 5), store_text(st, 6),
				 sqlite3_column_int64(st, 7), store_text(st, 8), store_text(st, 9),
				 store_text(st, 10), appeal, hash);
		if (strcmp(prev, store_text(st, 12)) != 0 || strcmp(hash, store_text(st, 13)) != 0) {
			sqlite3_finalize(st);
			return sp_error_set(err, SP_EXIT_INTEGRITY,
					    "ledger line %lld: hash does not match its fields or the line before", (long long)id);
		}
		memcpy(prev, hash, sizeof(prev));
		expect++;
		(*ret_lines)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "ledger", err);
}

/* The closes' recorded line ranges must match the ledger: a line deleted at the end shows. */
static int verify_closes(struct store *s, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (store_prepare(s, "SELECT (SELECT max(last_line) FROM closes), (SELECT max(line_id) FROM ledger),"
			     " (SELECT count(*) FROM payments GROUP BY end_to_end_id HAVING count(*) > 1)", &st, err) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t last_close = sqlite3_column_int64(st, 0), last_line = sqlite3_column_int64(st, 1);

		if (last_close != last_line)
			rc = sp_error_set(err, SP_EXIT_INTEGRITY, "ledger ends at line %lld but the closes posted up to line %lld",
					  (long long)last_line, (long long)last_close);
		else if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			rc = sp_error_set(err, SP_EXIT_INTEGRITY, "an EndToEndId is used by more than one payment");
	}
	sqlite3_finalize(st);
	return rc;
}

int cmd_verify(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct sp_error err = { 0 };
	struct store *s;
	long lines = 0;
	int rc;

	if (cmd_wants_help(argc, argv))
		return fputs(usage, stdout), 0;
	if (argc > 1)
		return cmd_usage_error(usage, "verify takes no arguments");
	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	rc = verify_chain(s, &lines, &err) < 0 || verify_closes(s, &err) < 0;
	store_close(s);
	if (rc)
		return cmd_fail(&err);
	if (!ctx->quiet)
		printf("ledger verified: %ld lines, hash chain intact\n", lines);
	return 0;
}
