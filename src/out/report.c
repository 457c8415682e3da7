/* report.c - the finance bureau's four reports, built from the database as tables
 * (include/skillpay/report.h; the tables are report_table.c, their rendering report_render.c).
 * A report of a closed month reads what its close posted; a report of the current draft reads
 * the draft tables instead and says so in its title. */
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/facts.h"
#include "skillpay/money.h"
#include "skillpay/report.h"


/* ================================================================ the month */

/* The pay month reported: closed, or the current draft. as_of is the batch whose facts decided
 * it (closes.as_of_batch or runs.as_of_batch). */
struct month_ctx {
	int32_t month, prev;          /* yyyymm of M and M - 1 */
	char m[8], p[8];
	bool draft;
	int64_t as_of;
	char when[32];                /* closed_at or ran_at */
	char posted[48];              /* "posted by the close of M" or "in the draft of M" */
};

static int month_load(struct store *s, int32_t yyyymm, struct month_ctx *mc, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(mc, 0, sizeof(*mc));
	mc->month = yyyymm;
	mc->prev = month_to_int(month_from_int(yyyymm) - 1);
	month_format(month_from_int(yyyymm), mc->m);
	month_format(month_from_int(mc->prev), mc->p);
	if (store_prepare(s, "SELECT as_of_batch, closed_at, 0 FROM closes WHERE run_month = ?1"
			     " UNION ALL SELECT as_of_batch, ran_at, 1 FROM runs WHERE run_month = ?1"
			     " AND run_month NOT IN (SELECT run_month FROM closes)", &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, yyyymm);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		mc->as_of = sqlite3_column_int64(st, 0);
		snprintf(mc->when, sizeof(mc->when), "%s", store_text(st, 1));
		mc->draft = sqlite3_column_int(st, 2) != 0;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_fail(s, "closes", err);
	sqlite3_finalize(st);
	snprintf(mc->posted, sizeof(mc->posted), "%s %s", mc->draft ? "in the draft of" : "posted by the close of", mc->m);
	if (rc == SQLITE_ROW)
		return 0;
	return sp_error_set(err, SP_EXIT_STATE, "month '%s' is neither closed nor drafted: run it first", mc->m);
}

static int month_title(struct report *r, const char *what, const struct month_ctx *mc,
		       struct sp_error *err)
{
	if (report_set_title(r, err, "skillpay %s %s (%s %s, facts as of batch %lld)", what, mc->m,
			     mc->draft ? "DRAFT run" : "closed", mc->when, (long long)mc->as_of) < 0)
		return -1;
	if (mc->draft)
		return report_add_note(r, err, "draft: %s is not closed; a new run or ingest may change "
				       "every amount", mc->m);
	return 0;
}

/* Every query binds ?1 = M (yyyymm), ?2 = the as-of batch, ?3 = M - 1. */
#define AS_OF(b) " batch_in <= " b " AND (batch_out IS NULL OR batch_out > " b ") "

/* The name of a payee (a person or an employer) as known at the month's batch. */
#define NAME_OF(col)                                                                          \
	" coalesce((SELECT name FROM persons WHERE person_id = " col " AND" AS_OF("?2") "LIMIT 1),"  \
	" (SELECT name FROM employers WHERE employer_id = " col " AND" AS_OF("?2")                \
	"ORDER BY valid_from DESC LIMIT 1), '') "

/* The lines posted by M's close and every close before, and M's draft when M is a draft
 * (a close deletes its draft, so for a closed M the second part is empty). */
#define LINES_CTE                                                                             \
	" lines AS (SELECT run_month, payee_id, person_id, service_month, kind, line_type,"       \
	" amount_fen, funding FROM ledger WHERE run_month <= ?1 UNION ALL SELECT run_month,"      \
	" payee_id, person_id, service_month, kind, line_type, amount_fen, funding"               \
	" FROM draft_lines WHERE run_month = ?1) "

static int query_prepare(struct store *s, const char *sql, const struct month_ctx *mc,
			 sqlite3_stmt **ret, struct sp_error *err)
{
	if (store_prepare(s, sql, ret, err) < 0)
		return -1;
	/* A statement without ?2 or ?3 refuses the binding (SQLITE_RANGE): harmless. */
	sqlite3_bind_int(*ret, 1, mc->month);
	sqlite3_bind_int64(*ret, 2, mc->as_of);
	sqlite3_bind_int(*ret, 3, mc->prev);
	return 0;
}

/* Finalizes st; rc is the last sqlite3_step result, which must be SQLITE_DONE. */
static int query_done(struct store *s, sqlite3_stmt *st, int rc, const char *what, struct sp_error *err)
{
	if (rc != SQLITE_DONE)
		store_fail(s, what, err);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One row of two integers (a count and a sum). */
static int query_pair(struct store *s, const char *sql, const struct month_ctx *mc,
		      int64_t *ret_a, int64_t *ret_b, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (query_prepare(s, sql, mc, &st, err) < 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ret_a = sqlite3_column_int64(st, 0);
		*ret_b = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	return query_done(s, st, rc, "report", err);
}

/* ================================================================ summary */

#define GROUPS_MAX 64

struct group_row {
	char key[64];
	int64_t persons, lines, amount_fen;
	bool used;
};

static int group_find(const struct group_row *rows, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].key, key) == 0)
			return i;
	return -1;
}

static int group_read(struct store *s, const struct month_ctx *mc, const char *sql,
		      struct group_row rows[static GROUPS_MAX], int *ret_n, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (query_prepare(s, sql, mc, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < GROUPS_MAX) {
		snprintf(rows[n].key, sizeof(rows[n].key), "%s", store_text(st, 0));
		rows[n].persons = sqlite3_column_int64(st, 1);
		rows[n].lines = sqlite3_column_int64(st, 2);
		rows[n].amount_fen = sqlite3_column_int64(st, 3);
		rows[n++].used = false;
	}
	if (rc == SQLITE_ROW) {
		sqlite3_finalize(st);
		return sp_error_set(err, SP_EXIT_INTERNAL, "report: more than %d groups", GROUPS_MAX);
	}
	*ret_n = n;
	return query_done(s, st, rc, "ledger", err);
}

/* The rows of a "key, persons, lines, amount" query into t: the keys of order first (every
 * one of them when list_all, else those present), then any other key in the query's order. */
static int group_table(struct store *s, const struct month_ctx *mc, struct report_table *t,
		       const char *sql, const char *const order[], int n_order, bool list_all,
		       struct sp_error *err)
{
	struct group_row rows[GROUPS_MAX];
	int n;

	if (group_read(s, mc, sql, rows, &n, err) < 0)
		return -1;
	for (int i = 0; i < n_order; i++) {
		int j = group_find(rows, n, order[i]);

		if (j >= 0)
			rows[j].used = true;
		if ((j >= 0 || list_all) &&
		    report_add_row(t, err, "tccf", order[i], j >= 0 ? rows[j].persons : (int64_t)0,
				   j >= 0 ? rows[j].lines : (int64_t)0, j >= 0 ? rows[j].amount_fen : (int64_t)0) < 0)
			return -1;
	}
	for (int j = 0; j < n; j++)
		if (!rows[j].used && report_add_row(t, err, "tccf", rows[j].key, rows[j].persons,
						     rows[j].lines, rows[j].amount_fen) < 0)
			return -1;
	return 0;
}

/* The totals row of a group table; its persons are the distinct persons of all of M's lines,
 * not the sum (a person may have lines of several kinds). */
static int group_totals(struct store *s, const struct month_ctx *mc, struct report_table *t,
			struct sp_error *err)
{
	int64_t persons, unused;

	if (report_add_totals(t, "total", err) < 0 ||
	    query_pair(s, "WITH" LINES_CTE "SELECT count(DISTINCT person_id), 0 FROM lines WHERE run_month = ?1",
		       mc, &persons, &unused, err) < 0)
		return -1;
	report_cell_at(t, t->totals_row, 1)->value = persons;
	return 0;
}

static int summary_groups(struct store *s, const struct month_ctx *mc, struct report *r,
			  struct sp_error *err)
{
	static const char *const headers_kind[] = { "kind", "persons", "lines", "amount" };
	static const char *const headers_type[] = { "line type", "persons", "lines", "amount" };
	static const char *const headers_fund[] = { "funding", "persons", "lines", "amount" };
	static const char *const line_types[] = { "regular", "retro", "award", "opening" };
	static const char *const fundings[] = { "TALENT" };
	const char *kinds[KIND_COUNT];
	struct report_table *t;
	char title[128];

	for (int k = 0; k < KIND_COUNT; k++)
		kinds[k] = kind_name((enum sp_kind)k);
	snprintf(title, sizeof(title), "lines %s, by kind", mc->posted);
	if (report_add_table(r, "by kind", title, "tccf", headers_kind, &t, err) < 0 ||
	    group_table(s, mc, t, "WITH" LINES_CTE "SELECT kind, count(DISTINCT person_id), count(*),"
			" sum(amount_fen) FROM lines WHERE run_month = ?1 GROUP BY kind ORDER BY kind",
			kinds, KIND_COUNT, false, err) < 0 || group_totals(s, mc, t, err) < 0)
		return -1;
	snprintf(title, sizeof(title), "lines %s, by line type", mc->posted);
	if (report_add_table(r, "by line type", title, "tccf", headers_type, &t, err) < 0 ||
	    group_table(s, mc, t, "WITH" LINES_CTE "SELECT line_type, count(DISTINCT person_id), count(*),"
			" sum(amount_fen) FROM lines WHERE run_month = ?1 GROUP BY line_type ORDER BY line_type",
			line_types, 4, true, err) < 0 || group_totals(s, mc, t, err) < 0)
		return -1;
	snprintf(title, sizeof(title), "lines %s, by funding source", mc->posted);
	if (report_add_table(r, "by funding", title, "tccf", headers_fund, &t, err) < 0 ||
	    group_table(s, mc, t, "WITH" LINES_CTE "SELECT funding, count(DISTINCT person_id), count(*),"
			" sum(amount_fen) FROM lines WHERE run_month = ?1 GROUP BY funding ORDER BY funding",
			fundings, 1, false, err) < 0)
		return -1;
	return group_totals(s, mc, t, err);
}

static int summary_payments(struct store *s, const struct month_ctx *mc, struct report *r,
			    struct sp_error *err)
{
	static const char *const headers[] = { "", "payees", "amount" };
	int64_t paid_n, paid_fen, held_n, held_fen;
	struct report_table *t;
	char title[128];

	if (query_pair(s, "SELECT count(*), coalesce(sum(amount_fen), 0) FROM (SELECT amount_fen FROM payments"
		       " WHERE run_month = ?1 UNION ALL SELECT amount_fen FROM draft_payments WHERE run_month = ?1"
		       " AND hold_reason IS NULL)", mc, &paid_n, &paid_fen, err) < 0 ||
	    query_pair(s, "SELECT count(*), coalesce(sum(amount_fen), 0) FROM (SELECT amount_fen FROM holds"
		       " WHERE run_month = ?1 UNION ALL SELECT amount_fen FROM draft_payments WHERE run_month = ?1"
		       " AND hold_reason IS NOT NULL)", mc, &held_n, &held_fen, err) < 0)
		return -1;
	snprintf(title, sizeof(title), "positive balances after %s: transferred or held (R10, R11)", mc->m);
	return report_add_table(r, "payments", title, "tcf", headers, &t, err) < 0 ||
	       report_add_row(t, err, "tcf", "payments made", paid_n, paid_fen) < 0 ||
	       report_add_row(t, err, "tcf", "payments held", held_n, held_fen) < 0 ||
	       report_add_totals(t, "total", err) < 0 ? -1 : 0;
}

static int build_summary(struct store *s, const struct month_ctx *mc, struct report *r,
			 struct sp_error *err)
{
	return month_title(r, "summary", mc, err) < 0 || summary_groups(s, mc, r, err) < 0 ||
	       summary_payments(s, mc, r, err) < 0 ? -1 : 0;
}

/* ================================================================ changes */

/* A rule of the trace and what its failure means to the bureau. */
struct stop_reason {
	const char *rule;
	const char *text;
};

static const struct stop_reason stop_reasons[] = {
	{ "R0", "not a known person" },
	{ "R1", "no local social insurance" },
	{ "R2", "title window ended" },
	{ "R3", "title window ended" },
	{ "R2a", "moved away (insured only outside the county)" },
	{ "R2b", "disciplined" },
	{ "R4a", "no qualifying certificate" },
	{ "R4b", "employer not eligible or no employment spell" },
	{ "R4c", "too few days of service" },
	{ "R4s", "too few days of service" },
	{ "R4d", "no social insurance at the employer" },
	{ "R4e", "no enterprise allowance" },
	{ "R4f", "disciplined" },
	{ "R4g", "retired" },
	{ "R6", "retired" },
	{ "R4h", "cap reached" },
	{ "R4i", "senior technician paid before" },
	{ "R13", "no social insurance or enterprise allowance at the employer" },
};

/* True when the trace subject names kind: "TECH", "TECH Y0000..." but not "SRTECH ...". */
static bool subject_is(const char *subject, const char *kind, const char *name)
{
	size_t n = strlen(kind);

	if (strncmp(subject, kind, n) != 0)
		return false;
	if (name)
		return subject[n] == ' ' && strcmp(subject + n + 1, name) == 0;
	return subject[n] == '\0' || subject[n] == ' ';
}

/* Whether trace entry e bears on kind. R1 (subject "person") bears on the person's own kinds;
 * CHIEF depends on R13 for its employer only (the engine writes "CHIEF <employer_id>"). */
static bool entry_bears_on(const struct rules_trace_entry *e, enum sp_kind kind, const char *employer_id)
{
	if (strcmp(e->rule, "R0") == 0)
		return true;
	if (kind == KIND_CHIEF)
		return strcmp(e->rule, "R13") == 0 && employer_id && subject_is(e->subject, "CHIEF", employer_id);
	if (strcmp(e->subject, "person") == 0)
		return strcmp(e->rule, "R1") == 0;
	return subject_is(e->subject, kind_name(kind), NULL);
}

/* A failure of one record (a title's window, one certificate, one spell) decides nothing when
 * another record of the kind passed the same rule; a short service (R4c) is made good by the
 * stepped upgrade (R4s). */
static bool failure_decides(const struct rules_trace *t, const struct rules_trace_entry *e,
			    enum sp_kind kind, const char *employer_id)
{
	bool r4c = strcmp(e->rule, "R4c") == 0;

	for (int i = 0; i < t->n; i++) {
		const struct rules_trace_entry *f = &t->v[i];

		if (!f->passed || !entry_bears_on(f, kind, employer_id))
			continue;
		if (strcmp(f->rule, e->rule) == 0 || (r4c && strcmp(f->rule, "R4s") == 0))
			return false;
	}
	return true;
}

static const char *reason_text(const char *rule)
{
	for (size_t i = 0; i < sizeof(stop_reasons) / sizeof(stop_reasons[0]); i++)
		if (strcmp(stop_reasons[i].rule, rule) == 0)
			return stop_reasons[i].text;
	return NULL;
}

const char *report_stop_reason(const struct rules_trace *trace, enum sp_kind kind,
			       const char *employer_id, const char **ret_rule)
{
	bool chief_seen = false;

	assert(trace && ret_rule && kind < KIND_COUNT);
	*ret_rule = "";
	if (kind_is_award(kind)) {
		*ret_rule = "R7";   /* an award is paid once, in the first window month */
		return "one-time award";
	}
	/* The first decisive failure in the order the engine checked (R1, windows, R4f, R6/R4g,
	 * R4h, then certificate by certificate and spell by spell). */
	for (int i = 0; i < trace->n; i++) {
		const struct rules_trace_entry *e = &trace->v[i];
		const char *text;

		if (!entry_bears_on(e, kind, employer_id))
			continue;
		chief_seen = chief_seen || strcmp(e->rule, "R13") == 0;
		if (e->passed || !failure_decides(trace, e, kind, employer_id) || !(text = reason_text(e->rule)))
			continue;
		*ret_rule = e->rule;
		return text;
	}
	if (kind == KIND_CHIEF && !chief_seen) {
		*ret_rule = "R13";  /* R13 steps 1-2: another chief counts, or the record ended */
		return "no longer the counting chief craftsman";
	}
	return "facts changed";
}

/* The rules engine with the facts of the month, loaded on first use (only for stopped payees). */
struct evaluator {
	bool loaded;
	struct facts_world world;
	struct rules_chief_plan plan;
	struct facts_reader reader;
	struct rules_result result;
	struct rules_trace trace;
};

static void evaluator_release(struct evaluator *ev)
{
	rules_trace_release(&ev->trace);
	rules_result_release(&ev->result);
	if (ev->loaded) {
		facts_reader_close(&ev->reader);
		rules_chief_plan_release(&ev->plan);
		facts_world_release(&ev->world);
	}
}

static int evaluator_load(struct store *s, const struct month_ctx *mc, struct evaluator *ev,
			  struct sp_error *err)
{
	if (ev->loaded)
		return 0;
	ev->loaded = true;
	return facts_world_load(s, mc->as_of, &ev->world, err) < 0 ||
	       rules_chief_plan_build(&ev->world.employers, ev->world.chiefs, ev->world.n_chiefs,
				      month_from_int(mc->month), &ev->plan, err) < 0 ||
	       facts_reader_open(s, &ev->world, &ev->reader, err) < 0 ? -1 : 0;
}

/* Evaluates person in M with the facts M was decided on (as explain does) and maps the
 * trace to why kind is no longer paid to payee. */
static int evaluate_stop(struct store *s, const struct month_ctx *mc, struct evaluator *ev,
			 const char *payee, const char *person, enum sp_kind kind,
			 const char **ret_reason, const char **ret_rule, struct sp_error *err)
{
	const struct rules_chief_month *slice;
	int n_slice;

	*ret_reason = "facts changed";
	*ret_rule = "";
	if (strlen(person) != SP_ID_LEN)
		return 0;
	if (evaluator_load(s, mc, ev, err) < 0 || facts_read_person(&ev->reader, person, err) < 0)
		return -1;
	slice = rules_chief_plan_for(&ev->plan, person, &n_slice);
	rules_trace_release(&ev->trace);
	rules_trace_init(&ev->trace, month_from_int(mc->month));
	rules_result_reset(&ev->result);
	if (rules_person_evaluate(&ev->world.params, &ev->world.employers, &ev->reader.person, slice,
				  n_slice, month_from_int(mc->month), &ev->result, &ev->trace, err) < 0)
		return -1;
	*ret_reason = report_stop_reason(&ev->trace, kind, kind == KIND_CHIEF ? payee : NULL, ret_rule);
	return 0;
}

/* The tables of the changes report and the statements they reuse per payee. */
struct changes {
	struct report_table *overview, *added, *stopped, *changed;
	sqlite3_stmt *kinds, *paid_kind;
	struct evaluator ev;
	int64_t n[4], prev_fen[4], cur_fen[4];   /* unchanged, changed, new, stopped */
	int negative;
};

enum { CH_UNCHANGED, CH_CHANGED, CH_NEW, CH_STOPPED };

/* New payee: the kinds with a positive amount in M. */
static int change_new(struct store *s, struct changes *c, const char *payee, const char *name,
		      int64_t cur_fen, struct sp_error *err)
{
	char kinds[128];
	int rc;

	sqlite3_reset(c->kinds);
	sqlite3_bind_text(c->kinds, 4, payee, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(c->kinds);
	if (rc != SQLITE_ROW)
		return store_fail(s, "ledger", err);
	snprintf(kinds, sizeof(kinds), "%s", store_text(c->kinds, 0));
	sqlite3_reset(c->kinds);
	return report_add_row(c->added, err, "tttf", payee, name, kinds, cur_fen);
}

/* Stopped payee: the kind paid in M - 1 (a monthly kind before an award, the largest), and
 * why the rules no longer pay it in M. */
static int change_stopped(struct store *s, const struct month_ctx *mc, struct changes *c,
			  const char *payee, const char *name, int64_t prev_fen, struct sp_error *err)
{
	char person[64] = "", kind_text[32] = "";
	const char *reason = "facts changed", *rule = "";
	enum sp_kind kind;
	int rc;

	sqlite3_reset(c->paid_kind);
	sqlite3_bind_text(c->paid_kind, 4, payee, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(c->paid_kind)) == SQLITE_ROW) {
		snprintf(person, sizeof(person), "%s", store_text(c->paid_kind, 0));
		snprintf(kind_text, sizeof(kind_text), "%s", store_text(c->paid_kind, 1));
	} else if (rc != SQLITE_DONE) {
		return store_fail(s, "ledger", err);
	}
	sqlite3_reset(c->paid_kind);
	if (kind_parse(kind_text, &kind) == 0 &&
	    evaluate_stop(s, mc, &c->ev, payee, person, kind, &reason, &rule, err) < 0)
		return -1;
	return report_add_row(c->stopped, err, "tttftt", payee, name, kind_text, prev_fen, reason, rule);
}

static int change_row(struct store *s, const struct month_ctx *mc, struct changes *c,
		      sqlite3_stmt *st, struct sp_error *err)
{
	char payee[64], name[SP_FIELD_MAX_BYTES + 1];
	int64_t prev_fen = sqlite3_column_int64(st, 2), cur_fen = sqlite3_column_int64(st, 3), diff_fen;
	int group;

	snprintf(payee, sizeof(payee), "%s", store_text(st, 0));
	snprintf(name, sizeof(name), "%s", store_text(st, 1));
	if (prev_fen < 0 || cur_fen < 0)
		c->negative++;   /* an entitlement is never negative: the ledger says otherwise */
	if (prev_fen <= 0 && cur_fen <= 0)
		return 0;
	group = prev_fen <= 0 ? CH_NEW : cur_fen <= 0 ? CH_STOPPED
		: prev_fen == cur_fen ? CH_UNCHANGED : CH_CHANGED;
	c->n[group]++;
	if (money_add(c->prev_fen[group], prev_fen > 0 ? prev_fen : 0, &c->prev_fen[group]) < 0 ||
	    money_add(c->cur_fen[group], cur_fen > 0 ? cur_fen : 0, &c->cur_fen[group]) < 0 ||
	    money_sub(cur_fen, prev_fen, &diff_fen) < 0)
		return sp_error_set(err, SP_EXIT_INTERNAL, "report: the entitlements of '%s' overflow", payee);
	if (group == CH_NEW)
		return change_new(s, c, payee, name, cur_fen, err);
	if (group == CH_STOPPED)
		return change_stopped(s, mc, c, payee, name, prev_fen, err);
	if (group == CH_CHANGED)
		return report_add_row(c->changed, err, "ttfff", payee, name, prev_fen, cur_fen, diff_fen);
	return 0;
}

static int changes_tables(struct report *r, const struct month_ctx *mc, struct changes *c,
			  struct sp_error *err)
{
	const char *h_over[] = { "payees", "count", mc->p, mc->m, "difference" };
	const char *h_new[] = { "payee_id", "name", "kinds", mc->m };
	const char *h_stop[] = { "payee_id", "name", "kind", mc->p, "reason", "rule" };
	const char *h_chg[] = { "payee_id", "name", mc->p, mc->m, "difference" };
	char t1[160], t2[160], t3[160], t4[160];

	snprintf(t1, sizeof(t1), "entitlements for service month %s against %s, lines up to those %s",
		 mc->m, mc->p, mc->posted);
	snprintf(t2, sizeof(t2), "new payees: entitled for %s, not for %s", mc->m, mc->p);
	snprintf(t3, sizeof(t3), "payees who stopped: entitled for %s, not for %s", mc->p, mc->m);
	snprintf(t4, sizeof(t4), "payees whose amount changed from %s to %s", mc->p, mc->m);
	return report_add_table(r, "overview", t1, "tcfff", h_over, &c->overview, err) < 0 ||
	       report_add_table(r, "new", t2, "tttf", h_new, &c->added, err) < 0 ||
	       report_add_table(r, "stopped", t3, "tttftt", h_stop, &c->stopped, err) < 0 ||
	       report_add_table(r, "changed", t4, "ttfff", h_chg, &c->changed, err) < 0 ? -1 : 0;
}

static int changes_overview(struct changes *c, struct sp_error *err)
{
	static const char *const labels[] = { "unchanged", "changed", "new", "stopped" };

	for (int g = 0; g < 4; g++) {
		int64_t diff_fen;

		if (money_sub(c->cur_fen[g], c->prev_fen[g], &diff_fen) < 0)
			return sp_error_set(err, SP_EXIT_INTERNAL, "report: the %s entitlements overflow", labels[g]);
		if (report_add_row(c->overview, err, "tcfff", labels[g], c->n[g], c->prev_fen[g],
				   c->cur_fen[g], diff_fen) < 0)
			return -1;
	}
	return report_add_totals(c->overview, "entitled in either month", err) < 0 ||
	       report_add_totals(c->added, "total", err) < 0 ||
	       report_add_totals(c->stopped, "total", err) < 0 ||
	       report_add_totals(c->changed, "total", err) < 0 ? -1 : 0;
}

static const char changes_sql[] =
	"WITH" LINES_CTE ", per AS (SELECT payee_id, service_month, sum(amount_fen) AS a FROM lines"
	" WHERE service_month IN (?1, ?3) GROUP BY payee_id, service_month)"
	" SELECT payee_id," NAME_OF("payee_id") ", coalesce(sum(CASE WHEN service_month = ?3 THEN a END), 0),"
	" coalesce(sum(CASE WHEN service_month = ?1 THEN a END), 0) FROM per GROUP BY payee_id ORDER BY payee_id";

static int changes_walk(struct store *s, const struct month_ctx *mc, struct changes *c,
			struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (query_prepare(s, "WITH" LINES_CTE "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM lines"
			  " WHERE payee_id = ?4 AND service_month = ?1 GROUP BY kind HAVING sum(amount_fen) > 0"
			  " ORDER BY kind)", mc, &c->kinds, err) < 0 ||
	    query_prepare(s, "WITH" LINES_CTE "SELECT person_id, kind FROM lines WHERE payee_id = ?4"
			  " AND service_month = ?3 GROUP BY person_id, kind HAVING sum(amount_fen) > 0"
			  " ORDER BY kind IN ('TOP_AWARD', 'STAR_AWARD', 'ACE_AWARD'), sum(amount_fen) DESC,"
			  " kind, person_id LIMIT 1", mc, &c->paid_kind, err) < 0 ||
	    query_prepare(s, changes_sql, mc, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (change_row(s, mc, c, st, err) < 0)
			break;
	if (rc == SQLITE_ROW) {
		sqlite3_finalize(st);
		return -1;
	}
	return query_done(s, st, rc, "ledger", err);
}

static int build_changes(struct store *s, const struct month_ctx *mc, struct report *r,
			 struct sp_error *err)
{
	struct changes c;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = month_title(r, "changes", mc, err) < 0 ||
	     report_add_note(r, err, "a payee is entitled for a month when its ledger lines for that "
			     "service month, up to those %s, sum to more than zero", mc->posted) < 0 ||
	     changes_tables(r, mc, &c, err) < 0 || changes_walk(s, mc, &c, err) < 0 ||
	     changes_overview(&c, err) < 0 ? -1 : 0;
	if (rc == 0 && c.negative > 0)
		rc = report_add_note(r, err, "does not add up: %d payees have a negative sum for %s or %s "
				     "(an entitlement is never negative: run verify)", c.negative, mc->p, mc->m);
	sqlite3_finalize(c.kinds);
	sqlite3_finalize(c.paid_kind);
	evaluator_release(&c.ev);
	return rc;
}

/* ================================================================ reconciliation */

/* Every payment up to M with its status: the latest payment_status row, NULL while no bank
 * return has named it (outstanding). A draft's transfers are outstanding by definition. */
#define PAY_CTE                                                                               \
	" pay AS (SELECT p.run_month, p.payee_id, p.amount_fen, p.end_to_end_id,"                \
	" (SELECT status FROM payment_status ps WHERE ps.payment_id = p.payment_id"              \
	" ORDER BY ps.id DESC LIMIT 1) AS status,"                                               \
	" (SELECT reason_code FROM payment_status ps WHERE ps.payment_id = p.payment_id"         \
	" ORDER BY ps.id DESC LIMIT 1) AS reason FROM payments p WHERE p.run_month <= ?1"        \
	" UNION ALL SELECT run_month, payee_id, amount_fen, '(draft)', NULL, NULL"               \
	" FROM draft_payments WHERE run_month = ?1 AND hold_reason IS NULL) "

/* ISO 20022 status reasons a bank return names (CLI.md), in words. */
static const char *rejection_meaning(const char *code)
{
	static const char *const meanings[][2] = {
		{ "AC01", "wrong account number" }, { "AC03", "invalid creditor account number" },
		{ "AC04", "closed account" }, { "AC06", "blocked account" },
		{ "AG01", "transaction forbidden" }, { "AM04", "insufficient funds" },
		{ "AM05", "duplication" }, { "BE01", "name does not match account" },
		{ "MS03", "reason not specified" }, { "RR04", "regulatory reason" },
	};

	for (size_t i = 0; i < sizeof(meanings) / sizeof(meanings[0]); i++)
		if (strcmp(meanings[i][0], code) == 0)
			return meanings[i][1];
	return "";
}

/* The note that says whether instructed = settled + rejected + outstanding, and where not. */
static int status_check(struct store *s, const struct month_ctx *mc, struct report *r,
			const struct group_row *rows, int n, struct sp_error *err)
{
	static const char *const parts[] = { "settled", "rejected", "outstanding" };
	int64_t instructed_n, instructed_fen, parts_n = 0, parts_fen = 0;
	char a[32], b[32];
	sqlite3_stmt *st;
	int rc;

	if (query_pair(s, "WITH" PAY_CTE "SELECT count(*), coalesce(sum(amount_fen), 0) FROM pay"
		       " WHERE run_month = ?1", mc, &instructed_n, &instructed_fen, err) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		int j = group_find(rows, n, parts[i]);

		if (j >= 0 && (money_add(parts_n, rows[j].lines, &parts_n) < 0 ||
			       money_add(parts_fen, rows[j].amount_fen, &parts_fen) < 0))
			return sp_error_set(err, SP_EXIT_INTERNAL, "report: the payments of %s overflow", mc->m);
	}
	if (instructed_n == parts_n && instructed_fen == parts_fen)
		return report_add_note(r, err, "instructed for %s: %lld payments, %s = settled + rejected + "
				       "outstanding: adds up", mc->m, (long long)instructed_n,
				       money_format(instructed_fen, a));
	if (report_add_note(r, err, "DOES NOT ADD UP: instructed for %s %lld payments, %s; settled + rejected + "
			    "outstanding %lld payments, %s", mc->m, (long long)instructed_n,
			    money_format(instructed_fen, a), (long long)parts_n, money_format(parts_fen, b)) < 0 ||
	    query_prepare(s, "WITH" PAY_CTE "SELECT end_to_end_id, status, amount_fen FROM pay WHERE run_month = ?1"
			  " AND status IS NOT NULL AND status NOT IN ('settled', 'rejected') ORDER BY end_to_end_id"
			  " LIMIT 20", mc, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (report_add_note(r, err, "  payment '%s' of %s has the status '%s'", store_text(st, 0),
				    money_format(sqlite3_column_int64(st, 2), a), store_text(st, 1)) < 0)
			break;
	if (rc == SQLITE_ROW) {
		sqlite3_finalize(st);
		return -1;
	}
	return query_done(s, st, rc, "payments", err);
}

static int reconciliation_status(struct store *s, const struct month_ctx *mc, struct report *r,
				 struct sp_error *err)
{
	static const char *const headers[] = { "status", "payments", "amount" };
	static const char *const order[] = { "settled", "rejected", "outstanding" };
	struct group_row rows[GROUPS_MAX];
	struct report_table *t;
	char title[128];
	int n;

	snprintf(title, sizeof(title), "payments instructed for %s, by their latest bank status", mc->m);
	if (report_add_table(r, "status", title, "tcf", headers, &t, err) < 0 ||
	    group_read(s, mc, "WITH" PAY_CTE "SELECT coalesce(status, 'outstanding'), 0, count(*),"
		       " sum(amount_fen) FROM pay WHERE run_month = ?1 GROUP BY 1 ORDER BY 1", rows, &n, err) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		int j = group_find(rows, n, order[i]);

		if (j >= 0)
			rows[j].used = true;
		if (report_add_row(t, err, "tcf", order[i], j >= 0 ? rows[j].lines : (int64_t)0,
				   j >= 0 ? rows[j].amount_fen : (int64_t)0) < 0)
			return -1;
	}
	for (int j = 0; j < n; j++)
		if (!rows[j].used && report_add_row(t, err, "tcf", rows[j].key, rows[j].lines, rows[j].amount_fen) < 0)
			return -1;
	return report_add_totals(t, "instructed", err) < 0 || status_check(s, mc, r, rows, n, err) < 0 ? -1 : 0;
}

/* Rows of st into t, columns typed by types ('t' text, 'f' fen, 'c' count, 'm' a yyyymm
 * month shown as YYYY-MM, 'r' a rejection code followed by its meaning). */
static int rows_from(struct store *s, sqlite3_stmt *st, struct report_table *t, const char *types,
		     struct sp_error *err)
{
	static const char empty_row[] = "--------";
	int rc;

	_Static_assert(sizeof(empty_row) == REPORT_COLUMNS_MAX + 1, "one '-' per column");
	assert(strlen(types) <= REPORT_COLUMNS_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_cell *row;

		/* An empty row of n_columns cells, then filled column by column. */
		if (report_add_row(t, err, empty_row + (REPORT_COLUMNS_MAX - t->n_columns)) < 0)
			break;
		row = report_cell_at(t, t->n_rows - 1, 0);
		for (int c = 0, col = 0; types[c] && col < t->n_columns; c++, col++) {
			char m[8];
			const char *text = store_text(st, c);

			assert(t->types[col] == (types[c] == 'f' || types[c] == 'c' ? types[c] : 't'));
			if (types[c] == 'f' || types[c] == 'c') {
				row[col].type = types[c] == 'f' ? REPORT_CELL_FEN : REPORT_CELL_COUNT;
				row[col].value = sqlite3_column_int64(st, c);
				continue;
			}
			if (types[c] == 'm') {
				month_format(month_from_int(sqlite3_column_int(st, c)), m);
				text = m;
			}
			row[col].type = REPORT_CELL_TEXT;
			if (!(row[col].text = strdup(text)))
				return sqlite3_finalize(st), sp_error_set(err, SP_EXIT_INTERNAL, "report: out of memory");
			if (types[c] == 'r' && col + 1 < t->n_columns) {
				row[++col].type = REPORT_CELL_TEXT;
				if (!(row[col].text = strdup(rejection_meaning(text))))
					return sqlite3_finalize(st), sp_error_set(err, SP_EXIT_INTERNAL, "report: out of memory");
			}
		}
	}
	if (rc == SQLITE_ROW) {
		sqlite3_finalize(st);
		return -1;
	}
	return query_done(s, st, rc, "report", err);
}

/* A table filled from one query, with a totals row. */
static int query_table(struct store *s, const struct month_ctx *mc, struct report *r,
		       const char *name, const char *title, const char *columns, const char *const headers[],
		       const char *sql, const char *types, const char *totals, struct sp_error *err)
{
	struct report_table *t;
	sqlite3_stmt *st;

	return report_add_table(r, name, title, columns, headers, &t, err) < 0 ||
	       query_prepare(s, sql, mc, &st, err) < 0 || rows_from(s, st, t, types, err) < 0 ||
	       report_add_totals(t, totals, err) < 0 ? -1 : 0;
}

static int build_reconciliation(struct store *s, const struct month_ctx *mc, struct report *r,
				struct sp_error *err)
{
	static const char *const h_reason[] = { "reason_code", "meaning", "payments", "amount" };
	static const char *const h_rejected[] = { "end_to_end_id", "payee_id", "name", "amount", "reason_code" };
	static const char *const h_open[] = { "month", "end_to_end_id", "payee_id", "name", "amount" };
	char t1[128], t2[128], t3[160];

	snprintf(t1, sizeof(t1), "payments of %s rejected, by reason", mc->m);
	snprintf(t2, sizeof(t2), "payments of %s rejected (their money is owed again, R10)", mc->m);
	snprintf(t3, sizeof(t3), "outstanding: payments of %s and earlier months that no bank return has named", mc->m);
	return month_title(r, "reconciliation", mc, err) < 0 ||
	       report_add_note(r, err, "statuses are the latest the bank returns read so far have given") < 0 ||
	       reconciliation_status(s, mc, r, err) < 0 ||
	       query_table(s, mc, r, "rejected by reason", t1, "ttcf", h_reason,
			   "WITH" PAY_CTE "SELECT coalesce(reason, ''), count(*), sum(amount_fen) FROM pay"
			   " WHERE run_month = ?1 AND status = 'rejected' GROUP BY 1 ORDER BY 1", "rcf", "rejected", err) < 0 ||
	       query_table(s, mc, r, "rejected", t2, "tttft", h_rejected,
			   "WITH" PAY_CTE "SELECT end_to_end_id, payee_id," NAME_OF("payee_id") ", amount_fen,"
			   " coalesce(reason, '') FROM pay WHERE run_month = ?1 AND status = 'rejected'"
			   " ORDER BY end_to_end_id", "tttft", "total", err) < 0 ||
	       query_table(s, mc, r, "outstanding", t3, "ttttf", h_open,
			   "WITH" PAY_CTE "SELECT run_month, end_to_end_id, payee_id," NAME_OF("payee_id") ","
			   " amount_fen FROM pay WHERE status IS NULL ORDER BY run_month, end_to_end_id, payee_id",
			   "mtttf", "total", err) < 0 ? -1 : 0;
}

/* ================================================================ balances */

/* R10 at the close of M: non-opening lines up to M less the payments up to M that the bank
 * has not rejected (as src/store/payments.c computes it for a run), with M's draft when M is
 * a draft. */
static const char negative_sql[] =
	"WITH rejected AS (SELECT ps.payment_id FROM payment_status ps"
	"  WHERE ps.id = (SELECT max(id) FROM payment_status p2 WHERE p2.payment_id = ps.payment_id)"
	"  AND ps.status = 'rejected'),"
	" owed(payee_id, a) AS ("
	"  SELECT payee_id, amount_fen FROM ledger WHERE line_type <> 'opening' AND run_month <= ?1"
	"  UNION ALL SELECT payee_id, amount_fen FROM draft_lines WHERE run_month = ?1 AND line_type <> 'opening'"
	"  UNION ALL SELECT payee_id, -amount_fen FROM payments WHERE run_month <= ?1"
	"   AND payment_id NOT IN (SELECT payment_id FROM rejected)"
	"  UNION ALL SELECT payee_id, -amount_fen FROM draft_payments WHERE run_month = ?1 AND hold_reason IS NULL),"
	" bal AS (SELECT payee_id, sum(a) AS balance FROM owed GROUP BY payee_id HAVING sum(a) < 0)"
	" SELECT payee_id," NAME_OF("payee_id") ", (SELECT coalesce(sum(amount_fen), 0) FROM ("
	"  SELECT amount_fen FROM ledger l WHERE l.payee_id = bal.payee_id AND l.run_month = ?1"
	"  UNION ALL SELECT amount_fen FROM draft_lines d WHERE d.payee_id = bal.payee_id AND d.run_month = ?1)),"
	" balance FROM bal ORDER BY payee_id";

static int build_balances(struct store *s, const struct month_ctx *mc, struct report *r,
			  struct sp_error *err)
{
	const char *h_neg[] = { "payee_id", "name", mc->m, "balance" };
	static const char *const h_held[] = { "payee_id", "name", "amount", "hold_reason" };
	char t1[160], t2[128];

	snprintf(t1, sizeof(t1), "negative balances after %s, recovered from later entitlements (R10); "
		 "column %s: the lines %s", mc->m, mc->m, mc->posted);
	snprintf(t2, sizeof(t2), "payments of %s held (R11)", mc->m);
	return month_title(r, "balances", mc, err) < 0 ||
	       report_add_note(r, err, "balance = ledger lines other than opening - payments not rejected "
			       "(bank returns read so far)") < 0 ||
	       query_table(s, mc, r, "negative balances", t1, "ttff", h_neg, negative_sql, "ttff", "total", err) < 0 ||
	       query_table(s, mc, r, "held", t2, "ttft", h_held,
			   "WITH h AS (SELECT payee_id, amount_fen, hold_reason FROM holds WHERE run_month = ?1"
			   " UNION ALL SELECT payee_id, amount_fen, hold_reason FROM draft_payments"
			   " WHERE run_month = ?1 AND hold_reason IS NOT NULL)"
			   " SELECT payee_id," NAME_OF("payee_id") ", amount_fen, hold_reason FROM h ORDER BY payee_id",
			   "ttft", "total", err) < 0 ? -1 : 0;
}

/* ================================================================ entry */

int report_build(struct store *s, enum report_kind kind, int32_t yyyymm, struct report *r,
		 struct sp_error *err)
{
	struct month_ctx mc;

	assert(s && r);
	if (month_load(s, yyyymm, &mc, err) < 0)
		return -1;
	switch (kind) {
	case REPORT_SUMMARY: return build_summary(s, &mc, r, err);
	case REPORT_CHANGES: return build_changes(s, &mc, r, err);
	case REPORT_RECONCILIATION: return build_reconciliation(s, &mc, r, err);
	case REPORT_BALANCES: return build_balances(s, &mc, r, err);
	}
	return sp_error_set(err, SP_EXIT_INTERNAL, "report: unknown report %d", (int)kind);
}
