/* payrun.c - skillpay run and close: recompute, compare with the ledger, post the difference
 * (RULES.md section 7, R9-R11). Persons are read one at a time in id order, so memory does
 * not grow with the county. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "skillpay/calendar.h"
#include "skillpay/facts.h"
#include "skillpay/fault.h"
#include "skillpay/money.h"
#include "skillpay/payrun.h"

const char *const payrun_line_types[PAYRUN_LINE_TYPES] = { "regular", "retro", "award", "opening" };

#define AS_OF(b) " batch_in <= " b " AND (batch_out IS NULL OR batch_out > " b ") "

/* One (payee, month, kind) of a person: what is due now against what the ledger holds. */
struct cell {
	char payee[SP_ID_LEN + 1];
	sp_month month;
	enum sp_kind kind;
	int64_t due_fen;
	int64_t posted_fen;
};

struct run {
	struct store *s;
	sp_month month;
	int32_t month_int;
	int64_t as_of;
	int64_t last_close_batch;     /* as_of_batch of the previous close, 0 when none */
	bool first_close;             /* no month closed yet: paid_history counts as posted */
	bool appeals_pending;         /* an appeal batch was ingested since the previous close */
	bool replay;                  /* recomputing a closed month: lines go to temp.replay_lines */
	bool incremental;             /* past months only for persons whose facts changed (R9) */
	sqlite3_stmt *changed, *posted_month;
	struct facts_world world;
	struct rules_chief_plan plan;
	struct facts_reader reader;
	struct rules_result result;
	struct cell *cells;
	int n_cells, cap_cells;
	sqlite3_stmt *posted, *history, *appeal, *insert;
	payrun_warn_fn warn;
	void *warn_ctx;
	struct payrun_summary *sum;
};

static void warnf(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(struct run *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->sum->warnings++;
	if (r->warn)
		r->warn(r->warn_ctx, msg);
}

static int state_check(struct store *s, int32_t month, bool closing, struct sp_error *err)
{
	int32_t last = store_last_closed(s);
	char m[8], l[8], want[8];

	month_format(month_from_int(month), m);
	if (last == 0)
		return 0;
	month_format(month_from_int(last), l);
	month_format(month_from_int(last) + 1, want);
	if (month <= last)
		return sp_error_set(err, SP_EXIT_STATE, "month '%s' is %s (the last closed month is %s)", m,
				    month == last ? "already closed" : "before the last closed month", l);
	if (month_from_int(month) != month_from_int(last) + 1)
		return sp_error_set(err, SP_EXIT_STATE, "months close in order: the next month to %s is %s, not %s",
				    closing ? "close" : "run", want, m);
	return 0;
}

static int64_t query_i64(struct store *s, const char *sql, int64_t a)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int cell_add(struct run *r, const char *payee, sp_month month, enum sp_kind kind,
		    int64_t due_fen, int64_t posted_fen, struct sp_error *err)
{
	struct cell *c;

	if (r->n_cells == r->cap_cells) {
		int cap = r->cap_cells ? 2 * r->cap_cells : 256;
		struct cell *nc = realloc(r->cells, (size_t)cap * sizeof(*nc));

		if (!nc)
			return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
		r->cells = nc;
		r->cap_cells = cap;
	}
	c = &r->cells[r->n_cells++];
	snprintf(c->payee, sizeof(c->payee), "%s", payee);
	c->month = month;
	c->kind = kind;
	c->due_fen = due_fen;
	c->posted_fen = posted_fen;
	return 0;
}

static int cell_cmp(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	int c = strcmp(x->payee, y->payee);

	if (c)
		return c;
	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* What the ledger holds for the person (and, before the first close, paid_history); with
 * only_month, what it holds for the pay month alone. */
static int read_posted(struct run *r, const char *person_id, bool only_month, struct sp_error *err)
{
	sqlite3_stmt *sts[2] = { only_month ? r->posted_month : r->posted, r->first_close ? r->history : NULL };

	for (int i = 0; i < 2 && sts[i]; i++) {
		sqlite3_stmt *st = sts[i];
		int rc;

		sqlite3_bind_text(st, 1, person_id, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			enum sp_kind kind;

			if (kind_parse(store_text(st, 2), &kind) < 0)
				continue;
			if (cell_add(r, store_text(st, 0), month_from_int(sqlite3_column_int(st, 1)), kind, 0,
				     sqlite3_column_int64(st, 3), err) < 0) {
				sqlite3_reset(st);
				return -1;
			}
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(r->s, "reading the ledger", err);
	}
	return 0;
}

static const char *line_type(const struct run *r, const struct cell *c)
{
	if (kind_is_award(c->kind))
		return "award";
	return c->month == r->month ? "regular" : "retro";
}

static int line_type_index(const char *t)
{
	for (int i = 0; i < PAYRUN_LINE_TYPES; i++)
		if (strcmp(payrun_line_types[i], t) == 0)
			return i;
	return 0;
}

static int draft_insert(struct run *r, const char *payee, const char *person_id, sp_month month,
			enum sp_kind kind, const char *type, int64_t amount_fen, const char *rule,
			const char *appeal, struct sp_error *err)
{
	sqlite3_stmt *st = r->insert;
	int rc;

	sqlite3_bind_int(st, 1, r->month_int);
	sqlite3_bind_text(st, 2, payee, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, person_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, month_to_int(month));
	sqlite3_bind_text(st, 5, kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, amount_fen);
	sqlite3_bind_text(st, 8, kind_funding(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, kind_clause(kind), -1, SQLITE_STATIC);
	if (appeal && appeal[0])
		sqlite3_bind_text(st, 11, appeal, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 11);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(r->s, "draft", err);
	r->sum->lines++;
	if (strcmp(type, "opening") != 0 &&
	    (money_add(r->sum->by_kind_fen[kind], amount_fen, &r->sum->by_kind_fen[kind]) < 0 ||
	     money_add(r->sum->by_type_fen[line_type_index(type)], amount_fen,
		       &r->sum->by_type_fen[line_type_index(type)]) < 0))
		return sp_error_set(err, SP_EXIT_INTERNAL, "amount overflow in the run summary");
	return 0;
}

/* The latest appeal since the previous close that touched the person's facts, or "". */
static int person_appeal(struct run *r, const char *person_id, char ret[static 256], struct sp_error *err)
{
	int rc;

	ret[0] = '\0';
	if (!r->appeals_pending)
		return 0;
	sqlite3_bind_text(r->appeal, 1, person_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r->appeal, 2, r->last_close_batch);
	rc = sqlite3_step(r->appeal);
	if (rc == SQLITE_ROW)
		snprintf(ret, 256, "%s", store_text(r->appeal, 0));
	sqlite3_reset(r->appeal);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(r->s, "appeals", err);
	return 0;
}

/* Before the first close, paid_history becomes opening lines (FEEDS.md "Going live"). */
static int opening_lines(struct run *r, const char *person_id, struct sp_error *err)
{
	sqlite3_stmt *st = r->history;
	int rc;

	if (!r->first_close)
		return 0;
	sqlite3_bind_text(st, 1, person_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum sp_kind kind;

		if (kind_parse(store_text(st, 2), &kind) < 0)
			continue;
		if (draft_insert(r, store_text(st, 0), person_id, month_from_int(sqlite3_column_int(st, 1)),
				 kind, "opening", sqlite3_column_int64(st, 3), "R9", NULL, err) < 0) {
			sqlite3_reset(st);
			return -1;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail(r->s, "paid_history", err);
}

/* Incremental recompute: a person none of whose facts changed since the previous close has
 * the same entitlement for every earlier month as the ledger already holds, so only the pay
 * month is compared. Social-insurance and allowance rows for the pay month or later are not
 * changes of the past: a row of month m decides nothing before m. */
static const char changed_sql[] =
	"SELECT 1 FROM persons WHERE person_id = ?1 AND (batch_in > ?2 OR batch_out > ?2)"
	" UNION ALL SELECT 1 FROM employment WHERE person_id = ?1 AND (batch_in > ?2 OR batch_out > ?2)"
	" UNION ALL SELECT 1 FROM certificates WHERE person_id = ?1 AND (batch_in > ?2 OR batch_out > ?2)"
	" UNION ALL SELECT 1 FROM titles WHERE person_id = ?1 AND (batch_in > ?2 OR batch_out > ?2)"
	" UNION ALL SELECT 1 FROM discipline WHERE person_id = ?1 AND (batch_in > ?2 OR batch_out > ?2)"
	" UNION ALL SELECT 1 FROM chief_craftsmen WHERE person_id = ?1 AND (batch_in > ?2 OR batch_out > ?2)"
	" UNION ALL SELECT 1 FROM social_insurance WHERE hot IN (0, 1) AND person_id = ?1 AND month < ?3 AND (batch_in > ?2 OR batch_out > ?2)"
	" UNION ALL SELECT 1 FROM enterprise_allowance WHERE person_id = ?1 AND month < ?3 AND (batch_in > ?2 OR batch_out > ?2)"
	" LIMIT 1";

static int person_changed(struct run *r, const char *person_id, bool *ret_only_month, struct sp_error *err)
{
	int rc;

	sqlite3_bind_text(r->changed, 1, person_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(r->changed);
	sqlite3_reset(r->changed);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(r->s, "changed facts", err);
	*ret_only_month = rc == SQLITE_DONE;
	return 0;
}

static int person_run(struct run *r, const char *person_id, struct sp_error *err)
{
	const struct rules_chief_month *slice;
	char appeal[256];
	int n_slice;

	bool only_month = false;

	if (facts_read_person(&r->reader, person_id, err) < 0)
		return -1;
	if (r->incremental && person_changed(r, person_id, &only_month, err) < 0)
		return -1;
	slice = rules_chief_plan_for(&r->plan, person_id, &n_slice);
	rules_result_reset(&r->result);
	if (rules_person_evaluate(&r->world.params, &r->world.employers, &r->reader.person, slice, n_slice,
				  r->month, &r->result, NULL, err) < 0)
		return -1;
	r->sum->persons_evaluated++;
	r->n_cells = 0;
	for (int i = 0; i < r->result.n; i++) {
		const struct rules_line *l = &r->result.v[i];
		const char *payee = l->employer >= 0 ? r->world.employers.v[l->employer].id : person_id;

		if (only_month && l->month != r->month)
			continue;
		if (cell_add(r, payee, l->month, l->kind, l->amount_fen, 0, err) < 0)
			return -1;
	}
	if (read_posted(r, person_id, only_month, err) < 0 || person_appeal(r, person_id, appeal, err) < 0 ||
	    opening_lines(r, person_id, err) < 0)
		return -1;
	if (r->n_cells > 0)
		qsort(r->cells, (size_t)r->n_cells, sizeof(*r->cells), cell_cmp);
	/* Sum each key's due and posted amounts; post what differs. */
	for (int i = 0; i < r->n_cells;) {
		struct cell key = r->cells[i];
		int64_t due = 0, posted = 0, diff;

		for (; i < r->n_cells && cell_cmp(&r->cells[i], &key) == 0; i++)
			if (money_add(due, r->cells[i].due_fen, &due) < 0 ||
			    money_add(posted, r->cells[i].posted_fen, &posted) < 0)
				return sp_error_set(err, SP_EXIT_INTERNAL, "amount overflow for '%s'", person_id);
		if (money_sub(due, posted, &diff) < 0)
			return sp_error_set(err, SP_EXIT_INTERNAL, "amount overflow for '%s'", person_id);
		if (diff == 0)
			continue;
		if (draft_insert(r, key.payee, person_id, key.month, key.kind, line_type(r, &key), diff,
				 kind_rule(key.kind), appeal, err) < 0)
			return -1;
	}
	return 0;
}

/* Every person who can be owed anything or has anything posted, in id order. Certificates
 * of levels 3 to 5 pay nothing (R4a): most certificate holders are not read at all. */
static const char driver_sql[] =
	"SELECT person_id FROM titles WHERE" AS_OF("?1")
	" UNION SELECT person_id FROM certificates WHERE level <= 2 AND" AS_OF("?1")
	" UNION SELECT person_id FROM chief_craftsmen WHERE" AS_OF("?1")
	" UNION SELECT person_id FROM paid_history WHERE" AS_OF("?1")
	" UNION SELECT person_id FROM ledger ORDER BY 1";

static const char appeal_sql[] =
	"SELECT appeal FROM batches WHERE appeal IS NOT NULL AND batch_id > ?2 AND batch_id IN ("
	" SELECT batch_in FROM persons WHERE person_id = ?1 UNION ALL SELECT batch_out FROM persons WHERE person_id = ?1"
	" UNION ALL SELECT batch_in FROM employment WHERE person_id = ?1 UNION ALL SELECT batch_out FROM employment WHERE person_id = ?1"
	" UNION ALL SELECT batch_in FROM certificates WHERE person_id = ?1 UNION ALL SELECT batch_out FROM certificates WHERE person_id = ?1"
	" UNION ALL SELECT batch_in FROM titles WHERE person_id = ?1 UNION ALL SELECT batch_out FROM titles WHERE person_id = ?1"
	" UNION ALL SELECT batch_in FROM social_insurance WHERE hot IN (0, 1) AND person_id = ?1 UNION ALL SELECT batch_out FROM social_insurance WHERE hot IN (0, 1) AND person_id = ?1"
	" UNION ALL SELECT batch_in FROM enterprise_allowance WHERE person_id = ?1 UNION ALL SELECT batch_out FROM enterprise_allowance WHERE person_id = ?1"
	" UNION ALL SELECT batch_in FROM discipline WHERE person_id = ?1 UNION ALL SELECT batch_out FROM discipline WHERE person_id = ?1"
	" UNION ALL SELECT batch_in FROM chief_craftsmen WHERE person_id = ?1 UNION ALL SELECT batch_out FROM chief_craftsmen WHERE person_id = ?1"
	" UNION ALL SELECT batch_in FROM paid_history WHERE person_id = ?1 UNION ALL SELECT batch_out FROM paid_history WHERE person_id = ?1)"
	" ORDER BY batch_id DESC LIMIT 1";

/* What a run compares with: every posted line. A replay of month M compares with what was
 * posted before M's close, plus M's own opening lines (they stood for paid_history then). */
static const char posted_sql[] =
	"SELECT payee_id, service_month, kind, sum(amount_fen) FROM ledger"
	" WHERE person_id = ?1 GROUP BY payee_id, service_month, kind";
static const char posted_before_sql[] =
	"SELECT payee_id, service_month, kind, sum(amount_fen) FROM ledger"
	" WHERE person_id = ?1 AND (run_month < ?2 OR (run_month = ?2 AND line_type = 'opening'))"
	" GROUP BY payee_id, service_month, kind";

static int run_prepare(struct run *r, struct sp_error *err)
{
	const char *insert = r->replay
		? "INSERT INTO temp.replay_lines(run_month, payee_id, person_id, service_month, kind,"
		  " line_type, amount_fen, funding, rule, clause, appeal)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		: "INSERT INTO draft_lines(run_month, payee_id, person_id, service_month, kind,"
		  " line_type, amount_fen, funding, rule, clause, appeal)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

	if (store_prepare(r->s, r->replay ? posted_before_sql : posted_sql, &r->posted, err) < 0 ||
	    store_prepare(r->s, "SELECT payee_id, month, kind, amount_fen FROM paid_history WHERE person_id = ?1"
				" AND" AS_OF("?2") "ORDER BY payee_id, month, kind", &r->history, err) < 0 ||
	    store_prepare(r->s, appeal_sql, &r->appeal, err) < 0 ||
	    store_prepare(r->s, insert, &r->insert, err) < 0)
		return -1;
	if (r->replay)
		sqlite3_bind_int(r->posted, 2, r->month_int);
	sqlite3_bind_int64(r->history, 2, r->as_of);
	if (!r->incremental)
		return 0;
	if (store_prepare(r->s, changed_sql, &r->changed, err) < 0 ||
	    store_prepare(r->s, "SELECT payee_id, service_month, kind, sum(amount_fen) FROM ledger"
				" WHERE person_id = ?1 AND service_month = ?2 GROUP BY payee_id, service_month, kind",
			  &r->posted_month, err) < 0)
		return -1;
	sqlite3_bind_int64(r->changed, 2, r->last_close_batch);
	sqlite3_bind_int(r->changed, 3, r->month_int);
	sqlite3_bind_int(r->posted_month, 2, r->month_int);
	return 0;
}

static int persons_run(struct run *r, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(r->s, driver_sql, &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, r->as_of);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char id[SP_ID_LEN + 1];

		snprintf(id, sizeof(id), "%s", store_text(st, 0));
		if (r->s->progress && r->sum->persons_evaluated % 1000 == 999)
			r->s->progress(r->s->progress_ctx, "persons", r->sum->persons_evaluated + 1, -1);
		if (strlen(id) != SP_ID_LEN || person_run(r, id, err) < 0) {
			sqlite3_finalize(st);
			return err && err->code ? -1 : sp_error_set(err, SP_EXIT_INTERNAL, "bad person id '%s'", id);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fail(r->s, "persons", err);
}

/* References that do not resolve never pay (FEEDS.md); the run names them. */
static int unresolved_warnings(struct run *r, struct sp_error *err)
{
	static const char sql[] =
		"SELECT 'titles', person_id, 'persons' FROM titles t WHERE" AS_OF("?1") "AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = t.person_id AND" AS_OF("?1") ")"
		" UNION SELECT 'certificates', person_id, 'persons' FROM certificates t WHERE" AS_OF("?1") "AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = t.person_id AND" AS_OF("?1") ")"
		" UNION SELECT 'chief_craftsmen', person_id, 'persons' FROM chief_craftsmen t WHERE" AS_OF("?1") "AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = t.person_id AND" AS_OF("?1") ")"
		/* employment is big and employers small: the employers list once, not a lookup a row */
		" UNION SELECT 'employment', employer_id, 'employers' FROM employment WHERE" AS_OF("?1") "AND employer_id NOT IN (SELECT employer_id FROM employers WHERE" AS_OF("?1") ")"
		" UNION SELECT 'chief_craftsmen', employer_id, 'employers' FROM chief_craftsmen t WHERE" AS_OF("?1") "AND NOT EXISTS (SELECT 1 FROM employers p WHERE p.employer_id = t.employer_id AND" AS_OF("?1") ")"
		" ORDER BY 1, 2 LIMIT 1000";
	sqlite3_stmt *st;

	if (store_prepare(r->s, sql, &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, r->as_of);
	while (sqlite3_step(st) == SQLITE_ROW) {
		warnf(r, "%s: '%s' is not in %s: it is never paid", store_text(st, 0), store_text(st, 1),
		      store_text(st, 2));
	}
	sqlite3_finalize(st);
	return 0;
}

static void run_release(struct run *r)
{
	sqlite3_finalize(r->posted);
	sqlite3_finalize(r->changed);
	sqlite3_finalize(r->posted_month);
	sqlite3_finalize(r->history);
	sqlite3_finalize(r->appeal);
	sqlite3_finalize(r->insert);
	facts_reader_close(&r->reader);
	rules_chief_plan_release(&r->plan);
	rules_result_release(&r->result);
	facts_world_release(&r->world);
	free(r->cells);
}

int payrun_payments(struct store *s, int32_t month, int64_t as_of, struct payrun_summary *sum,
		    payrun_warn_fn warn, void *warn_ctx, struct sp_error *err);

/* The incremental path holds only while the world every person shares is as the previous
 * close saw it: employers, parameters, and the chief plan of R13, which ties persons together
 * (one chief per enterprise), so a chief's persons row counts too. Otherwise everyone is
 * recomputed. */
static bool world_unchanged(struct store *s, int64_t since)
{
	return query_i64(s, "SELECT (SELECT count(*) FROM employers WHERE batch_in > ?1 OR batch_out > ?1)"
			    " + (SELECT count(*) FROM chief_craftsmen WHERE batch_in > ?1 OR batch_out > ?1)"
			    " + (SELECT count(*) FROM parameters WHERE batch_in > ?1 OR batch_out > ?1)"
			    " + (SELECT count(*) FROM chief_craftsmen c JOIN persons p ON p.person_id = c.person_id"
			    "    WHERE p.batch_in > ?1 OR p.batch_out > ?1)", since) == 0;
}

int payrun_run(struct store *s, int32_t month, bool full, payrun_warn_fn warn, void *warn_ctx,
	       struct payrun_summary *ret, struct sp_error *err)
{
	struct run r;
	char now[24];
	sqlite3_stmt *st;

	memset(&r, 0, sizeof(r));
	memset(ret, 0, sizeof(*ret));
	if (store_begin(s, err) < 0)
		return -1;
	if (state_check(s, month, false, err) < 0)
		goto fail;
	r.s = s;
	r.month_int = month;
	r.month = month_from_int(month);
	r.as_of = store_last_batch(s);
	r.first_close = store_last_closed(s) == 0;
	r.last_close_batch = query_i64(s, "SELECT coalesce(max(as_of_batch), 0) FROM closes WHERE run_month < ?1", month);
	r.incremental = !full && !r.first_close && world_unchanged(s, r.last_close_batch);
	ret->incremental = r.incremental;
	r.appeals_pending = query_i64(s, "SELECT count(*) FROM batches WHERE appeal IS NOT NULL AND batch_id > ?1",
				      r.last_close_batch) > 0;
	r.warn = warn;
	r.warn_ctx = warn_ctx;
	r.sum = ret;
	ret->month = month;
	ret->as_of_batch = r.as_of;
	if (store_prepare(s, "DELETE FROM draft_lines WHERE run_month = ?1", &st, err) < 0)
		goto fail;
	sqlite3_bind_int(st, 1, month);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (facts_world_load(s, r.as_of, &r.world, err) < 0 ||
	    rules_chief_plan_build(&r.world.employers, r.world.chiefs, r.world.n_chiefs, r.month, &r.plan, err) < 0 ||
	    facts_reader_open(s, &r.world, &r.reader, err) < 0 || run_prepare(&r, err) < 0 ||
	    unresolved_warnings(&r, err) < 0 || persons_run(&r, err) < 0)
		goto fail;
	fault_point("run.after_lines");
	ret->payees_with_lines = query_i64(s, "SELECT count(DISTINCT payee_id) FROM draft_lines WHERE run_month = ?1", month);
	if (payrun_payments(s, month, r.as_of, ret, warn, warn_ctx, err) < 0)
		goto fail;
	store_now_utc(now);
	if (store_prepare(s, "INSERT OR REPLACE INTO runs(run_month, as_of_batch, ran_at) VALUES (?1, ?2, ?3)", &st, err) < 0)
		goto fail;
	sqlite3_bind_int(st, 1, month);
	sqlite3_bind_int64(st, 2, r.as_of);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		store_fail(s, "runs", err);
		goto fail;
	}
	sqlite3_finalize(st);
	run_release(&r);
	fault_point("run.before_commit");
	return store_commit(s, err);
fail:
	run_release(&r);
	store_rollback(s);
	return -1;
}

static const char replay_compare_sql[] =
	"WITH a AS (SELECT payee_id, person_id, service_month, kind, sum(amount_fen) AS amt"
	"  FROM temp.replay_lines GROUP BY 1, 2, 3, 4),"
	" b AS (SELECT payee_id, person_id, service_month, kind, sum(amount_fen) AS amt FROM ledger"
	"  WHERE run_month = ?1 AND line_type <> 'opening' GROUP BY 1, 2, 3, 4)"
	" SELECT coalesce(a.payee_id, b.payee_id), coalesce(a.person_id, b.person_id),"
	"  coalesce(a.service_month, b.service_month), coalesce(a.kind, b.kind),"
	"  coalesce(a.amt, 0), coalesce(b.amt, 0)"
	" FROM a FULL OUTER JOIN b ON a.payee_id = b.payee_id AND a.person_id = b.person_id"
	"  AND a.service_month = b.service_month AND a.kind = b.kind"
	" WHERE coalesce(a.amt, 0) <> coalesce(b.amt, 0) ORDER BY 1, 2, 3, 4";

static int replay_compare(struct run *r, payrun_diff_fn diff, void *ctx, struct payrun_replay_result *ret,
			  struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	ret->lines_recomputed = query_i64(r->s, "SELECT count(*) FROM temp.replay_lines", 0);
	ret->lines_posted = query_i64(r->s, "SELECT count(*) FROM ledger WHERE run_month = ?1 AND line_type <> 'opening'",
				      r->month_int);
	if (store_prepare(r->s, replay_compare_sql, &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, r->month_int);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret->differences++;
		if (diff)
			diff(ctx, store_text(st, 0), store_text(st, 1), sqlite3_column_int(st, 2), store_text(st, 3),
			     sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fail(r->s, "replay", err);
}

int payrun_replay(struct store *s, int32_t month, payrun_diff_fn diff, void *diff_ctx,
		  struct payrun_replay_result *ret, struct sp_error *err)
{
	struct run r;
	struct payrun_summary sum;
	char m[8];
	int rc = -1;

	memset(&r, 0, sizeof(r));
	memset(&sum, 0, sizeof(sum));
	memset(ret, 0, sizeof(*ret));
	month_format(month_from_int(month), m);
	/* A read transaction: one snapshot of the database for the whole replay. */
	if (store_exec(s, "BEGIN", err) < 0)
		return -1;
	if (query_i64(s, "SELECT count(*) FROM closes WHERE run_month = ?1", month) == 0) {
		sp_error_set(err, SP_EXIT_STATE, "month '%s' is not closed: nothing to replay", m);
		goto out;
	}
	r.s = s;
	r.replay = true;
	r.month_int = month;
	r.month = month_from_int(month);
	r.as_of = query_i64(s, "SELECT as_of_batch FROM closes WHERE run_month = ?1", month);
	r.sum = &sum;
	ret->as_of_batch = r.as_of;
	if (store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS replay_lines AS SELECT * FROM draft_lines WHERE 0;"
			  "DELETE FROM temp.replay_lines;", err) < 0 ||
	    facts_world_load(s, r.as_of, &r.world, err) < 0 ||
	    rules_chief_plan_build(&r.world.employers, r.world.chiefs, r.world.n_chiefs, r.month, &r.plan, err) < 0 ||
	    facts_reader_open(s, &r.world, &r.reader, err) < 0 || run_prepare(&r, err) < 0 ||
	    persons_run(&r, err) < 0 || replay_compare(&r, diff, diff_ctx, ret, err) < 0)
		goto out;
	ret->persons_evaluated = sum.persons_evaluated;
	rc = 0;
out:
	run_release(&r);
	store_rollback(s);
	return rc;
}
