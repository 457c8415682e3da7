/* verify.c - skillpay verify: the ledger's hash chain and the money invariants (exit 4). */
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/feeds.h"
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/money.h"
#include "skillpay/payrun.h"

static const char usage[] = "usage: skillpay verify [--bank-dir DIR]\n";

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

/* R10 at every close: a payee's payment or hold of month M equals its balance at that close
 * (its ledger lines up to M, opening lines aside, less its earlier payments that the bank had
 * not rejected by then: statuses of batches up to the close's as_of_batch); and a payee with a
 * positive balance then has a payment or a hold. */
static const char balances_sql[] =
	"WITH pay AS (SELECT run_month, payee_id, amount_fen FROM payments"
	"             UNION ALL SELECT run_month, payee_id, amount_fen FROM holds),"
	" payees AS (SELECT DISTINCT payee_id FROM ledger),"
	" bal AS (SELECT c.run_month AS m, y.payee_id,"
	"   (SELECT coalesce(sum(l.amount_fen), 0) FROM ledger l WHERE l.payee_id = y.payee_id"
	"     AND l.run_month <= c.run_month AND l.line_type <> 'opening')"
	"   - (SELECT coalesce(sum(p.amount_fen), 0) FROM payments p WHERE p.payee_id = y.payee_id"
	"     AND p.run_month < c.run_month AND coalesce((SELECT ps.status FROM payment_status ps"
	"       WHERE ps.payment_id = p.payment_id AND ps.batch_id <= c.as_of_batch ORDER BY ps.id DESC LIMIT 1), '')"
	"       <> 'rejected') AS b"
	"  FROM closes c, payees y)"
	" SELECT bal.m, bal.payee_id, bal.b, coalesce(pay.amount_fen, 0) FROM bal"
	" LEFT JOIN pay ON pay.run_month = bal.m AND pay.payee_id = bal.payee_id"
	" WHERE (bal.b > 0 OR pay.amount_fen IS NOT NULL) AND bal.b <> coalesce(pay.amount_fen, 0)"
	" ORDER BY bal.m, bal.payee_id LIMIT 1";

static int verify_balances(struct store *s, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (store_prepare(s, balances_sql, &st, err) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		char m[8], a[32], b[32];

		month_format(month_from_int(sqlite3_column_int(st, 0)), m);
		rc = sp_error_set(err, SP_EXIT_INTEGRITY,
				  "close of %s: payee '%s' had a balance of %s but was paid or held %s", m,
				  store_text(st, 1), money_format(sqlite3_column_int64(st, 2), a),
				  money_format(sqlite3_column_int64(st, 3), b));
	}
	sqlite3_finalize(st);
	return rc;
}

/* The first "<TAG>" value of a file's text (the pain.001 group header comes first). */
static bool xml_first(const char *text, const char *tag, char *out, size_t size)
{
	char open[32];
	const char *p, *e;

	snprintf(open, sizeof(open), "<%s>", tag);
	if (!(p = strstr(text, open)) || !(e = strchr(p += strlen(open), '<')) || (size_t)(e - p) >= size)
		return false;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return true;
}

/* Reads a whole (small) bank file; NULL when absent. The caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
		buf[n] = '\0';
	else
		free(buf), buf = NULL;
	fclose(f);
	return buf;
}

/* The count and total a bank file declares: pain.001's group header, or the 代发 file's
 * trailer T (or header H when the summary is written first only). */
static bool file_totals(const char *text, bool pain, long *ret_count, int64_t *ret_fen)
{
	char count[32], total[40];
	const char *line;

	if (pain) {
		if (!xml_first(text, "NbOfTxs", count, sizeof(count)) || !xml_first(text, "CtrlSum", total, sizeof(total)))
			return false;
	} else {
		char d;
		const char *f[6];
		int n = 0;

		line = strstr(text, "\nT");
		line = line ? line + 1 : (text[0] == 'H' ? text : NULL);
		if (!line)
			return false;
		d = line[1];
		for (const char *p = line; *p && *p != '\n' && *p != '\r' && n < 6; p++)
			if (*p == d)
				f[n++] = p + 1;
		if (n < (line[0] == 'T' ? 2 : 4))
			return false;
		const char *c = line[0] == 'T' ? f[0] : f[2], *t = line[0] == 'T' ? f[1] : f[3];
		snprintf(count, sizeof(count), "%.*s", (int)strcspn(c, (char[]){ d, '\r', '\n', 0 }), c);
		snprintf(total, sizeof(total), "%.*s", (int)strcspn(t, (char[]){ d, '\r', '\n', 0 }), t);
	}
	*ret_count = strtol(count, NULL, 10);
	return money_parse_yuan(total, ret_fen) == 0;
}

/* Each closed month's exported bank files declare exactly its payments, and match their
 * .sha256 (a file changed after export shows). */
static int verify_bank_files(struct store *s, const char *dir, long *ret_files, struct sp_error *err)
{
	static const char *const kinds[2] = { "pain001.xml", "cn-batch.txt" };
	sqlite3_stmt *st;
	int rc = 0;

	if (store_prepare(s, "SELECT c.run_month, count(p.payment_id), coalesce(sum(p.amount_fen), 0) FROM closes c"
			     " LEFT JOIN payments p ON p.run_month = c.run_month GROUP BY c.run_month ORDER BY 1", &st, err) < 0)
		return -1;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char m[8];

		month_format(month_from_int(sqlite3_column_int(st, 0)), m);
		for (int k = 0; k < 2 && rc == 0; k++) {
			char path[4096], shapath[4200], hex[65], *text, *sha;
			long count;
			int64_t total;

			snprintf(path, sizeof(path), "%s/skillpay-%s.%s", dir, m, kinds[k]);
			if (!(text = slurp(path)))
				continue;
			(*ret_files)++;
			if (!file_totals(text, k == 0, &count, &total) || count != sqlite3_column_int64(st, 1) ||
			    total != sqlite3_column_int64(st, 2))
				rc = sp_error_set(err, SP_EXIT_INTEGRITY, "'%s' does not declare the %lld payments of %s",
						  path, (long long)sqlite3_column_int64(st, 1), m);
			free(text);
			snprintf(shapath, sizeof(shapath), "%s.sha256", path);
			sha = slurp(shapath);
			if (rc == 0 && (!sha || file_sha256(path, hex, err) < 0 || strncmp(sha, hex, 64) != 0))
				rc = sp_error_set(err, SP_EXIT_INTEGRITY, "'%s' does not match its .sha256", path);
			free(sha);
		}
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

	static const struct option options[] = {
		{ "bank-dir", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bank_dir = NULL;
	long files = 0;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'b': bank_dir = optarg; break;
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	rc = verify_chain(s, &lines, &err) < 0 || verify_closes(s, &err) < 0 || verify_balances(s, &err) < 0 ||
	     (bank_dir && verify_bank_files(s, bank_dir, &files, &err) < 0);
	store_close(s);
	if (rc)
		return cmd_fail(&err);
	if (!ctx->quiet)
		printf("ledger verified: %ld lines, hash chain intact, every payment and hold equals its balance at close%s",
		       lines, bank_dir ? "" : "\n");
	if (!ctx->quiet && bank_dir)
		printf("; %ld bank files declare their month's payments and match their .sha256\n", files);
	return 0;
}
