/* explain.c - skillpay explain PERSON_ID --month M: every rule checked, what was paid and
 * suppressed, cap counters, what the ledger holds, and the batches the facts came from. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/facts.h"
#include "skillpay/identity.h"
#include "skillpay/money.h"
#include "skillpay/report.h"

static const char usage[] = "usage: skillpay explain PERSON_ID|- --month YYYY-MM [--json]\n"
	"  (- reads PERSON_ID from stdin, keeping it out of ps)\n";

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

struct explanation {
	struct facts_world world;
	struct facts_reader reader;
	struct rules_chief_plan plan;
	struct rules_result result;
	struct rules_trace trace;
	int64_t due_fen[KIND_COUNT];
	int64_t posted_fen[KIND_COUNT];
	bool posted_any[KIND_COUNT];   /* lines exist, even when they sum to zero */
};

static int evaluate(struct store *s, const char *person_id, sp_month month, struct explanation *x,
		    struct sp_error *err)
{
	const struct rules_chief_month *slice;
	int n_slice;

	if (facts_world_load(s, store_last_batch(s), &x->world, err) < 0 ||
	    rules_chief_plan_build(&x->world.employers, x->world.chiefs, x->world.n_chiefs, month, &x->plan, err) < 0 ||
	    facts_reader_open(s, &x->world, &x->reader, err) < 0 ||
	    facts_read_person(&x->reader, person_id, err) < 0)
		return -1;
	slice = rules_chief_plan_for(&x->plan, person_id, &n_slice);
	rules_trace_init(&x->trace, month);
	if (rules_person_evaluate(&x->world.params, &x->world.employers, &x->reader.person, slice, n_slice,
				  month, &x->result, &x->trace, err) < 0)
		return -1;
	for (int i = 0; i < x->result.n; i++)
		if (x->result.v[i].month == month)
			x->due_fen[x->result.v[i].kind] += x->result.v[i].amount_fen;
	return 0;
}

static int read_posted(struct store *s, const char *person_id, sp_month month, struct explanation *x,
		       struct sp_error *err)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "SELECT kind, sum(amount_fen) FROM ledger WHERE person_id = ?1 AND service_month = ?2"
			     " GROUP BY kind", &st, err) < 0)
		return -1;
	sqlite3_bind_text(st, 1, person_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, month_to_int(month));
	while (sqlite3_step(st) == SQLITE_ROW) {
		enum sp_kind k;

		if (kind_parse(store_text(st, 0), &k) == 0) {
			x->posted_fen[k] = sqlite3_column_int64(st, 1);
			x->posted_any[k] = true;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

static const char batches_sql[] =
	"SELECT batch_id, feed, file_name, coalesce(appeal, ''), ingested_at FROM batches WHERE batch_id IN ("
	" SELECT batch_in FROM persons WHERE person_id = ?1 UNION SELECT batch_out FROM persons WHERE person_id = ?1"
	" UNION SELECT batch_in FROM employment WHERE person_id = ?1 UNION SELECT batch_out FROM employment WHERE person_id = ?1"
	" UNION SELECT batch_in FROM certificates WHERE person_id = ?1 UNION SELECT batch_out FROM certificates WHERE person_id = ?1"
	" UNION SELECT batch_in FROM titles WHERE person_id = ?1 UNION SELECT batch_out FROM titles WHERE person_id = ?1"
	" UNION SELECT batch_in FROM social_insurance WHERE hot IN (0, 1) AND person_id = ?1 UNION SELECT batch_out FROM social_insurance WHERE hot IN (0, 1) AND person_id = ?1"
	" UNION SELECT batch_in FROM enterprise_allowance WHERE person_id = ?1 UNION SELECT batch_out FROM enterprise_allowance WHERE person_id = ?1"
	" UNION SELECT batch_in FROM discipline WHERE person_id = ?1 UNION SELECT batch_out FROM discipline WHERE person_id = ?1"
	" UNION SELECT batch_in FROM chief_craftsmen WHERE person_id = ?1 UNION SELECT batch_out FROM chief_craftsmen WHERE person_id = ?1)"
	" ORDER BY batch_id";

/* Prints s left-aligned in width terminal columns (a CJK character takes two). */
static void put_padded(const char *s, int width)
{
	int pad = width - report_display_width(s);

	fputs(s, stdout);
	for (int i = 0; i < (pad > 0 ? pad : 0) + 1; i++)
		putchar(' ');
}

static void print_text(struct store *s, const char *person_id, sp_month month, const struct explanation *x)
{
	const struct rules_trace *t = &x->trace;
	char m[8], a[32], b[32], c[32];
	sqlite3_stmt *st;

	month_format(month, m);
	printf("explain %s for %s (facts as of batch %lld)%s\n", person_id, m, (long long)x->world.as_of,
	       x->reader.person.known ? "" : " - no persons row: never paid");
	printf("\n%-5s %-6s %-4s %-28s %s\n", "rule", "clause", "", "subject", "why");
	for (int i = 0; i < t->n; i++) {
		put_padded(t->v[i].rule, 5);
		put_padded(t->v[i].clause, 6);
		put_padded(t->v[i].passed ? "ok" : "FAIL", 4);
		put_padded(t->v[i].subject, 28);
		puts(t->v[i].why);
	}
	printf("\npaid (R5): %s\n", t->paid == KIND_COUNT ? "none" : kind_name(t->paid));
	printf("suppressed (R5):");
	for (int k = 0; k < KIND_CHIEF; k++)
		if (t->eligible[k] && k != (int)t->paid && !kind_is_award(k))
			printf(" %s", kind_name(k));
	printf("\ncap counters (R4h): SRTECH used %d, TECH used %d before %s\n", t->cap_used[KIND_SRTECH],
	       t->cap_used[KIND_TECH], m);
	printf("\n%-10s %12s %12s %12s\n", "kind", "due", "posted", "a run posts");
	for (int k = 0; k < KIND_COUNT; k++)
		if (x->due_fen[k] || x->posted_any[k])
			printf("%-10s %12s %12s %12s\n", kind_name(k), money_format(x->due_fen[k], a),
			       money_format(x->posted_fen[k], b), money_format(x->due_fen[k] - x->posted_fen[k], c));
	printf("\nfacts from batches:\n");
	if (sqlite3_prepare_v2(s->db, batches_sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, person_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("  batch %lld  %-20s %s  %s%s%s\n", (long long)sqlite3_column_int64(st, 0), store_text(st, 1),
		       store_text(st, 4), store_text(st, 2), store_text(st, 3)[0] ? "  appeal " : "", store_text(st, 3));
	sqlite3_finalize(st);
}

static void print_json(const char *person_id, sp_month month, const struct explanation *x)
{
	const struct rules_trace *t = &x->trace;
	char m[8], a[32];

	month_format(month, m);
	printf("{\"person_id\":\"%s\",\"month\":\"%s\",\"as_of_batch\":%lld,\"known\":%s,\"rules\":[", person_id, m,
	       (long long)x->world.as_of, x->reader.person.known ? "true" : "false");
	for (int i = 0; i < t->n; i++) {
		printf("%s{\"rule\":", i ? "," : "");
		json_string(t->v[i].rule);
		printf(",\"clause\":");
		json_string(t->v[i].clause);
		printf(",\"subject\":");
		json_string(t->v[i].subject);
		printf(",\"passed\":%s,\"why\":", t->v[i].passed ? "true" : "false");
		json_string(t->v[i].why);
		putchar('}');
	}
	printf("],\"paid\":%s%s%s,\"suppressed\":[", t->paid == KIND_COUNT ? "" : "\"",
	       t->paid == KIND_COUNT ? "null" : kind_name(t->paid), t->paid == KIND_COUNT ? "" : "\"");
	for (int k = 0, n = 0; k < KIND_CHIEF; k++)
		if (t->eligible[k] && k != (int)t->paid && !kind_is_award(k))
			printf("%s\"%s\"", n++ ? "," : "", kind_name(k));
	printf("],\"cap_used\":{\"SRTECH\":%d,\"TECH\":%d},\"amounts\":{", t->cap_used[KIND_SRTECH], t->cap_used[KIND_TECH]);
	for (int k = 0, n = 0; k < KIND_COUNT; k++) {
		if (!x->due_fen[k] && !x->posted_any[k])
			continue;
		printf("%s\"%s\":{\"due\":\"%s\",", n++ ? "," : "", kind_name(k), money_format(x->due_fen[k], a));
		printf("\"posted\":\"%s\",", money_format(x->posted_fen[k], a));
		printf("\"difference\":\"%s\"}", money_format(x->due_fen[k] - x->posted_fen[k], a));
	}
	printf("}}\n");
}

int cmd_explain(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month_arg = NULL, *why = NULL;
	struct sp_error err = { 0 };
	struct explanation x;
	struct store *s;
	char person_id[19], line[64];
	int32_t month;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'm': month_arg = optarg; break;
		case 'j': ctx->json = true; break;
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error(usage, "explain takes one PERSON_ID");
	/* "-" reads the identity number from stdin, so that it does not show in ps (privacy). */
	if (strcmp(argv[optind], "-") == 0) {
		if (!fgets(line, sizeof(line), stdin))
			return cmd_usage_error(usage, "no PERSON_ID on stdin");
		line[strcspn(line, "\r\n")] = '\0';
	} else {
		snprintf(line, sizeof(line), "%s", argv[optind]);
	}
	if (identity_person_check(line, day_today(), person_id, &why) < 0)
		return cmd_usage_error(usage, "'%s' is not a person_id: %s", line, why);
	if ((rc = cmd_month_arg(month_arg, usage, &month)) != 0)
		return rc;
	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	memset(&x, 0, sizeof(x));
	rc = evaluate(s, person_id, month_from_int(month), &x, &err) < 0 ||
	     read_posted(s, person_id, month_from_int(month), &x, &err) < 0;
	if (!rc) {
		if (ctx->json)
			print_json(person_id, month_from_int(month), &x);
		else
			print_text(s, person_id, month_from_int(month), &x);
	}
	rules_trace_release(&x.trace);
	rules_result_release(&x.result);
	rules_chief_plan_release(&x.plan);
	facts_reader_close(&x.reader);
	facts_world_release(&x.world);
	store_close(s);
	return rc ? cmd_fail(&err) : 0;
}
