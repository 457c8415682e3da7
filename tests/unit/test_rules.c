/* test_rules.c - the rules engine against RULES.md: the worked examples of section 8, the
 * boundaries of every rule (service days, caps, windows, retirement, look-back), R5, R7,
 * R13 and the trace. Facts are built as structs; expected amounts come from the rules, never
 * from running the code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "skillpay/calendar.h"
#include "skillpay/rules.h"

#define EMP_A 0   /* local county enterprise */
#define EMP_B 1
#define EMP_C 2
#define N_EMP 3
#define OTHER_REGION 330702
#define OCC "6-18-01-01"
#define PERSON "330723199005050011"

struct fx {
	struct rules_params params;
	struct rules_employer emp[N_EMP];
	struct rules_employer_row rows[N_EMP][4];
	struct rules_employers employers;
	struct rules_person p;
	struct rules_si si[800];
	struct rules_employment spells[8];
	struct rules_cert certs[8];
	struct rules_title_rec titles[8];
	struct rules_allowance al[800];
	struct rules_discipline dis[4];
	struct rules_result res;
	sp_month last;
};

static sp_day D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

static sp_month M(int y, int m)
{
	return month_from_ym(y, m);
}

/* ---- building facts ---- */

static void fx_employer_row(struct fx *f, int e, int r, sp_day valid_from, int32_t region,
			    enum sp_ownership own, sp_day skill_since, sp_day chief_since)
{
	f->rows[e][r] = (struct rules_employer_row){ valid_from, region, own, skill_since,
						     chief_since, 1 };
	if (f->emp[e].n_rows < r + 1)
		f->emp[e].n_rows = r + 1;
}

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	static const char *const ids[N_EMP] = { "EMP-A", "EMP-B", "EMP-C" };

	assert_non_null(f);
	params_init_defaults(&f->params);
	for (int e = 0; e < N_EMP; e++) {
		snprintf(f->emp[e].id, sizeof(f->emp[e].id), "%s", ids[e]);
		f->emp[e].rows = f->rows[e];
		fx_employer_row(f, e, 0, D(2000, 1, 1), SP_COUNTY_REGION, OWN_LOCAL,
				D(2020, 1, 1), SP_DAY_NONE);
	}
	f->employers = (struct rules_employers){ N_EMP, f->emp };
	snprintf(f->p.id, sizeof(f->p.id), "%s", PERSON);
	f->p.known = true;
	f->p.birth = D(1990, 5, 5);
	f->p.group = RETIRE_M60;
	f->p.retired_on = SP_DAY_NONE;
	f->p.si = f->si;
	f->p.employment = f->spells;
	f->p.certs = f->certs;
	f->p.titles = f->titles;
	f->p.allowances = f->al;
	f->p.discipline = f->dis;
	return f;
}

static void fx_free(struct fx *f)
{
	params_release(&f->params);
	rules_result_release(&f->res);
	free(f);
}

static void add_si(struct fx *f, sp_month from, sp_month to, int employer, int32_t region)
{
	for (sp_month m = from; m <= to; m++) {
		assert_true(f->p.n_si < (int)(sizeof(f->si) / sizeof(f->si[0])));
		f->si[f->p.n_si++] = (struct rules_si){ m, employer, region, 1 };
	}
}

/* Removes every SI row of month m. */
static void drop_si(struct fx *f, sp_month m)
{
	int out = 0;

	for (int i = 0; i < f->p.n_si; i++)
		if (f->si[i].month != m)
			f->si[out++] = f->si[i];
	f->p.n_si = out;
}

static void add_allowance(struct fx *f, sp_month from, sp_month to, int employer, int64_t fen)
{
	for (sp_month m = from; m <= to; m++) {
		assert_true(f->p.n_allowances < (int)(sizeof(f->al) / sizeof(f->al[0])));
		f->al[f->p.n_allowances++] = (struct rules_allowance){ employer, m, fen, 1 };
	}
}

static void set_allowance(struct fx *f, sp_month m, int64_t fen)
{
	for (int i = 0; i < f->p.n_allowances; i++)
		if (f->al[i].month == m)
			f->al[i].amount_fen = fen;
}

static void add_spell(struct fx *f, int employer, sp_day start, sp_day end, const char *occ,
		      int appointed_level)
{
	struct rules_employment *s = &f->spells[f->p.n_employment++];

	s->employer = employer;
	s->start_date = start;
	s->end_date = end;
	snprintf(s->occupation, sizeof(s->occupation), "%s", occ);
	s->appointed_level = appointed_level;
	s->batch = 1;
}

static void add_cert(struct fx *f, const char *no, int level, const char *occ, sp_day issued)
{
	struct rules_cert *c = &f->certs[f->p.n_certs++];

	snprintf(c->cert_no, sizeof(c->cert_no), "%s", no);
	c->level = level;
	snprintf(c->occupation, sizeof(c->occupation), "%s", occ);
	c->issued_on = issued;
	c->batch = 1;
}

static void add_title(struct fx *f, enum sp_title title, sp_day doc_date, const char *doc_no)
{
	struct rules_title_rec *t = &f->titles[f->p.n_titles++];

	t->title = title;
	t->doc_date = doc_date;
	snprintf(t->doc_no, sizeof(t->doc_no), "%s", doc_no);
	t->batch = 1;
}

static void add_discipline(struct fx *f, const char *case_no, sp_day decided_on)
{
	struct rules_discipline *d = &f->dis[f->p.n_discipline++];

	snprintf(d->case_no, sizeof(d->case_no), "%s", case_no);
	d->decided_on = decided_on;
	d->batch = 1;
}

/* Insured locally at EMP_A every month 2021-08 .. 2030-12 with an enterprise allowance of
 * 100.00 (RULES §8 example 1 keeps these for every month). */
static void add_local_history(struct fx *f)
{
	add_si(f, SP_FIRST_MONTH, M(2030, 12), EMP_A, SP_COUNTY_REGION);
	add_allowance(f, M(2021, 1), M(2030, 12), EMP_A, 10000);
}

/* RULES §8 example 1: level-2 certificate 2021-03-10 in OCC, spell at EMP_A since
 * 2019-05-01, employer skill_allowance_since 2020-01-01. */
static void technician(struct fx *f)
{
	add_cert(f, "TECH-1", 2, OCC, D(2021, 3, 10));
	add_spell(f, EMP_A, D(2019, 5, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
}

/* A fresh rows array for one parameter: (effective_from, value) pairs. */
static void set_param(struct fx *f, enum sp_param p, int n, const struct rules_param_row *rows)
{
	free(f->params.rows[p]);
	f->params.rows[p] = malloc((size_t)n * sizeof(*rows));
	assert_non_null(f->params.rows[p]);
	memcpy(f->params.rows[p], rows, (size_t)n * sizeof(*rows));
	f->params.n[p] = n;
}

/* ---- evaluating and reading results ---- */

static void eval_full(struct fx *f, sp_month last, const struct rules_chief_month *slice,
		      int n_slice, struct rules_trace *trace)
{
	struct sp_error err;

	sp_error_clear(&err);
	rules_result_reset(&f->res);
	f->last = last;
	assert_int_equal(rules_person_evaluate(&f->params, &f->employers, &f->p, slice, n_slice,
					       last, &f->res, trace, &err), 0);
	assert_int_equal(err.code, 0);
	/* Lines are sorted by month, kind, employer and never zero. */
	for (int i = 0; i < f->res.n; i++) {
		const struct rules_line *l = &f->res.v[i];

		assert_true(l->amount_fen != 0);
		assert_true(l->month >= SP_FIRST_MONTH && l->month <= last);
		if (i > 0) {
			const struct rules_line *k = &f->res.v[i - 1];

			assert_true(k->month < l->month || (k->month == l->month &&
				    (k->kind < l->kind || (k->kind == l->kind &&
				     k->employer < l->employer))));
		}
	}
}

static void eval(struct fx *f, sp_month last)
{
	eval_full(f, last, NULL, 0, NULL);
}

static int64_t amount(const struct fx *f, sp_month m, enum sp_kind kind)
{
	int64_t sum = 0;

	for (int i = 0; i < f->res.n; i++)
		if (f->res.v[i].month == m && f->res.v[i].kind == kind)
			sum += f->res.v[i].amount_fen;
	return sum;
}

static int count_kind(const struct fx *f, enum sp_kind kind)
{
	int n = 0;

	for (int i = 0; i < f->res.n; i++)
		n += f->res.v[i].kind == kind;
	return n;
}

/* kind pays fen in every month of [from, to] and nothing in any other evaluated month. */
static void assert_series(const struct fx *f, enum sp_kind kind, sp_month from, sp_month to,
			  int64_t fen)
{
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		int64_t want = m >= from && m <= to ? fen : 0;
		int64_t got = amount(f, m, kind);

		if (got != want) {
			char buf[8];

			month_format(m, buf);
			print_error("%s in %s: got %lld, want %lld\n", kind_name(kind), buf,
				    (long long)got, (long long)want);
			fail();
		}
	}
}

static void assert_none(const struct fx *f, enum sp_kind kind)
{
	assert_int_equal(count_kind(f, kind), 0);
}

/* The first trace entry with this rule whose subject starts with prefix, or NULL. */
static const struct rules_trace_entry *trace_find(const struct rules_trace *t, const char *rule,
						  const char *prefix)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->v[i].rule, rule) == 0 &&
		    strncmp(t->v[i].subject, prefix, strlen(prefix)) == 0)
			return &t->v[i];
	return NULL;
}

/* ---- kinds, parameters, employers ---- */

static void test_kinds(void **state)
{
	enum sp_kind k;

	(void)state;
	for (int i = 0; i < KIND_COUNT; i++) {
		assert_int_equal(kind_parse(kind_name((enum sp_kind)i), &k), 0);
		assert_int_equal(k, i);
		assert_string_equal(kind_funding((enum sp_kind)i), "TALENT");
	}
	assert_int_equal(kind_parse("BOSS", &k), -1);
	assert_string_equal(kind_name(KIND_SRTECH), "SRTECH");
	assert_string_equal(kind_rule(KIND_TOP), "R2");
	assert_string_equal(kind_rule(KIND_ACE), "R3");
	assert_string_equal(kind_rule(KIND_TECH), "R4");
	assert_string_equal(kind_rule(KIND_STAR_AWARD), "R7");
	assert_string_equal(kind_rule(KIND_CHIEF), "R13");
	assert_string_equal(kind_clause(KIND_TOP_AWARD), "二.1");
	assert_string_equal(kind_clause(KIND_ACE), "二.2");
	assert_string_equal(kind_clause(KIND_SRTECH), "二.10");
	assert_string_equal(kind_clause(KIND_CHIEF), "二.4");
	assert_true(kind_is_award(KIND_ACE_AWARD));
	assert_false(kind_is_award(KIND_TOP));
	assert_false(kind_is_award(KIND_CHIEF));
}

static void test_params(void **state)
{
	struct fx *f = fx_new();
	enum sp_param p;
	const struct rules_param_row rows[] = { { D(2022, 1, 1), 21000 }, { D(2024, 1, 1), 25000 } };

	(void)state;
	assert_int_equal(param_parse("TECH.service_days", &p), 0);
	assert_int_equal(p, PARAM_TECH_SERVICE_DAYS);
	assert_int_equal(param_parse("ethics_lookback_months", &p), 0);
	assert_int_equal(p, PARAM_ETHICS_LOOKBACK_MONTHS);
	assert_int_equal(param_parse("policy_start", &p), -1);
	for (int i = 0; i < PARAM_COUNT; i++) {
		assert_int_equal(param_parse(param_name((enum sp_param)i), &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(param_initial_value(PARAM_TOP_AWARD), 600000);
	assert_int_equal(param_initial_value(PARAM_CHIEF_CAP), 50000);
	assert_int_equal(params_value(&f->params, PARAM_SRTECH_MONTHLY, D(2030, 1, 1)), 30000);
	assert_int_equal(params_value(&f->params, PARAM_CHIEF_RATE_PCT, D(2019, 1, 1)), 30);
	set_param(f, PARAM_TECH_MONTHLY, 2, rows);
	assert_int_equal(params_value(&f->params, PARAM_TECH_MONTHLY, D(2021, 12, 31)), 21000);
	assert_int_equal(params_value(&f->params, PARAM_TECH_MONTHLY, D(2022, 1, 1)), 21000);
	assert_int_equal(params_value(&f->params, PARAM_TECH_MONTHLY, D(2023, 12, 31)), 21000);
	assert_int_equal(params_value(&f->params, PARAM_TECH_MONTHLY, D(2024, 1, 1)), 25000);
	fx_free(f);
}

static void test_employers(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(rules_employer_find(&f->employers, "EMP-A"), 0);
	assert_int_equal(rules_employer_find(&f->employers, "EMP-C"), 2);
	assert_int_equal(rules_employer_find(&f->employers, "EMP-0"), -1);
	assert_int_equal(rules_employer_find(&f->employers, "EMP-D"), -1);
	fx_employer_row(f, EMP_B, 0, D(2020, 1, 1), SP_COUNTY_REGION, OWN_PROVINCIAL,
			SP_DAY_NONE, SP_DAY_NONE);
	fx_employer_row(f, EMP_B, 1, D(2023, 1, 1), SP_COUNTY_REGION, OWN_LOCAL,
			SP_DAY_NONE, SP_DAY_NONE);
	fx_employer_row(f, EMP_B, 2, D(2024, 1, 1), OTHER_REGION, OWN_LOCAL,
			SP_DAY_NONE, SP_DAY_NONE);
	/* The earliest row stands for the days before it. */
	assert_ptr_equal(rules_employer_row_at(&f->emp[EMP_B], D(2010, 1, 1)), &f->rows[EMP_B][0]);
	assert_ptr_equal(rules_employer_row_at(&f->emp[EMP_B], D(2022, 12, 31)), &f->rows[EMP_B][0]);
	assert_ptr_equal(rules_employer_row_at(&f->emp[EMP_B], D(2023, 1, 1)), &f->rows[EMP_B][1]);
	assert_ptr_equal(rules_employer_row_at(&f->emp[EMP_B], D(2030, 1, 1)), &f->rows[EMP_B][2]);
	assert_false(rules_employer_eligible(&f->emp[EMP_B], D(2022, 12, 31)));
	assert_true(rules_employer_eligible(&f->emp[EMP_B], D(2023, 1, 1)));
	assert_false(rules_employer_eligible(&f->emp[EMP_B], D(2024, 1, 1)));
	assert_false(rules_employer_eligible(NULL, D(2024, 1, 1)));
	fx_free(f);
}

/* ---- RULES §8 worked examples ---- */

/* Example 1: 365 days after 2021-03-10 are reached on 2022-03-10: TECH 2022-04 .. 2025-03. */
static void test_example1_technician(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	eval(f, M(2026, 11));
	assert_series(f, KIND_TECH, M(2022, 4), M(2025, 3), 20000);
	assert_int_equal(f->res.n, 36);
	fx_free(f);
}

/* Example 2: promotion with an appointed level-1 spell: SRTECH from 2023-07 by R4s. */
static void test_example2_promotion(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;
	const struct rules_trace_entry *e;

	(void)state;
	add_cert(f, "TECH-1", 2, OCC, D(2021, 3, 10));
	add_cert(f, "SR-1", 1, OCC, D(2023, 6, 15));
	add_spell(f, EMP_A, D(2019, 5, 1), D(2023, 6, 30), OCC, 0);
	add_spell(f, EMP_A, D(2023, 7, 1), SP_DAY_NONE, OCC, 1);
	add_local_history(f);
	rules_trace_init(&trace, M(2023, 8));
	eval_full(f, M(2027, 6), NULL, 0, &trace);
	assert_series(f, KIND_TECH, M(2022, 4), M(2023, 6), 20000);
	assert_series(f, KIND_SRTECH, M(2023, 7), M(2026, 6), 30000);
	assert_int_equal(count_kind(f, KIND_TECH), 15);
	assert_int_equal(f->res.n, 15 + 36);
	/* 2023-08: SRTECH paid by R4s, TECH barred by R4i. */
	assert_int_equal(trace.paid, KIND_SRTECH);
	assert_true(trace.eligible[KIND_SRTECH]);
	assert_false(trace.eligible[KIND_TECH]);
	assert_int_equal(trace.cap_used[KIND_SRTECH], 1);
	e = trace_find(&trace, "R4s", "SRTECH SR-1");
	assert_non_null(e);
	assert_true(e->passed);
	e = trace_find(&trace, "R4i", "TECH");
	assert_non_null(e);
	assert_false(e->passed);
	rules_trace_release(&trace);
	fx_free(f);
}

/* Example 3: TOP 2022-10 .. 2025-09 suppresses TECH, whose cap is not used. */
static void test_example3_highest_only(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;
	const struct rules_trace_entry *e;

	(void)state;
	technician(f);
	add_title(f, TITLE_TOP, D(2022, 9, 20), "武政〔2022〕88号");
	rules_trace_init(&trace, M(2023, 1));
	eval_full(f, M(2028, 12), NULL, 0, &trace);
	assert_series(f, KIND_TOP, M(2022, 10), M(2025, 9), 50000);
	assert_series(f, KIND_TOP_AWARD, M(2022, 10), M(2022, 10), 600000);
	/* 6 months before the window, the remaining 30 after it. */
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		bool paid = (m >= M(2022, 4) && m <= M(2022, 9)) ||
			    (m >= M(2025, 10) && m <= M(2028, 3));

		assert_int_equal(amount(f, m, KIND_TECH), paid ? 20000 : 0);
	}
	assert_int_equal(count_kind(f, KIND_TECH), 36);
	assert_int_equal(trace.paid, KIND_TOP);
	assert_true(trace.eligible[KIND_TOP]);
	assert_true(trace.eligible[KIND_TECH]);
	assert_int_equal(trace.cap_used[KIND_TECH], 6);
	e = trace_find(&trace, "R5", "TOP");
	assert_non_null(e);
	assert_true(e->passed);
	e = trace_find(&trace, "R2", "TOP 武政〔2022〕88号");
	assert_non_null(e);
	assert_true(e->passed);
	assert_non_null(strstr(e->why, "2022-09-20"));
	e = trace_find(&trace, "R4c", "TECH TECH-1");
	assert_non_null(e);
	assert_true(e->passed);
	assert_non_null(strstr(e->why, "of 365"));
	e = trace_find(&trace, "R4h", "TECH");
	assert_non_null(e);
	assert_string_equal(e->why, "used 6 of 36");
	rules_trace_release(&trace);
	fx_free(f);
}

/* Example 4: insured only in 330702 for 2023-05: TOP stops for good from 2023-05. */
static void test_example4_moved_away(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_TOP, D(2021, 12, 15), "T-1");
	add_si(f, SP_FIRST_MONTH, M(2023, 4), EMP_A, SP_COUNTY_REGION);
	add_si(f, M(2023, 5), M(2023, 5), EMP_B, OTHER_REGION);
	add_si(f, M(2023, 6), M(2026, 12), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2026, 12));
	assert_series(f, KIND_TOP, M(2022, 1), M(2023, 4), 50000);
	assert_series(f, KIND_TOP_AWARD, M(2022, 1), M(2022, 1), 600000);
	assert_int_equal(f->res.n, 16 + 1);
	fx_free(f);
}

/* Example 5: the 2024-03 SI row arrives late: without it 2024-03 pays nothing (and uses
 * no cap); with it 2024-03 and 2024-04 are both paid. */
static void test_example5_late_si(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	drop_si(f, M(2024, 3));
	eval(f, M(2024, 4));
	assert_int_equal(amount(f, M(2024, 3), KIND_TECH), 0);
	assert_int_equal(amount(f, M(2024, 4), KIND_TECH), 20000);
	eval(f, M(2026, 12));
	assert_int_equal(amount(f, M(2025, 4), KIND_TECH), 20000);  /* the 36th month moves on */
	assert_int_equal(count_kind(f, KIND_TECH), 36);
	add_si(f, M(2024, 3), M(2024, 3), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2024, 4));
	assert_int_equal(amount(f, M(2024, 3), KIND_TECH), 20000);
	assert_int_equal(amount(f, M(2024, 4), KIND_TECH), 20000);
	fx_free(f);
}

/* Example 6: with the certificate five months are due; retracted, none: -1000.00 owed. */
static void test_example6_retraction(void **state)
{
	struct fx *f = fx_new();
	int64_t before = 0;

	(void)state;
	technician(f);
	eval(f, M(2022, 8));
	for (int i = 0; i < f->res.n; i++)
		before += f->res.v[i].amount_fen;
	assert_int_equal(f->res.n, 5);
	assert_int_equal(before, 100000);
	f->p.n_certs = 0;
	eval(f, M(2022, 8));
	assert_int_equal(f->res.n, 0);
	fx_free(f);
}

/* Example 7: a man born 1965-01-10 is paid up to 2025-02 (statutory date 2025-02-10). */
static void test_example7_retirement(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;
	const struct rules_trace_entry *e;

	(void)state;
	f->p.birth = D(1965, 1, 10);
	add_cert(f, "TECH-1", 2, OCC, D(2022, 6, 1));
	add_spell(f, EMP_A, D(2019, 5, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
	rules_trace_init(&trace, M(2025, 3));
	eval_full(f, M(2026, 12), NULL, 0, &trace);
	assert_series(f, KIND_TECH, M(2023, 6), M(2025, 2), 20000);
	e = trace_find(&trace, "R6", "TECH");
	assert_non_null(e);
	assert_false(e->passed);
	assert_non_null(strstr(e->why, "2025-02-10"));
	e = trace_find(&trace, "R4g", "TECH");
	assert_non_null(e);
	assert_false(e->passed);
	rules_trace_release(&trace);
	fx_free(f);
}

/* R4g: retired_on 2024-01-15: 2024-01 is the last month (d = 2024-01-01 < retired_on). */
static void test_retired_on(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	f->p.retired_on = D(2024, 1, 15);
	eval(f, M(2026, 12));
	assert_series(f, KIND_TECH, M(2022, 4), M(2024, 1), 20000);
	f->p.retired_on = D(2024, 1, 1);
	eval(f, M(2026, 12));
	assert_series(f, KIND_TECH, M(2022, 4), M(2023, 12), 20000);
	fx_free(f);
}

/* ---- R4c service days ---- */

/* Issued 2022-03-01: 365 days on d(2023-03) = 2023-03-01; issued 2022-03-02: 364 days then,
 * so the first month is 2023-04. */
static void test_service_364_365(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;
	const struct rules_trace_entry *e;

	(void)state;
	add_cert(f, "TECH-1", 2, OCC, D(2022, 3, 1));
	add_spell(f, EMP_A, D(2019, 5, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
	eval(f, M(2023, 6));
	assert_series(f, KIND_TECH, M(2023, 3), M(2023, 6), 20000);
	f->certs[0].issued_on = D(2022, 3, 2);
	rules_trace_init(&trace, M(2023, 3));
	eval_full(f, M(2023, 6), NULL, 0, &trace);
	assert_series(f, KIND_TECH, M(2023, 4), M(2023, 6), 20000);
	e = trace_find(&trace, "R4c", "TECH TECH-1");
	assert_non_null(e);
	assert_false(e->passed);
	assert_non_null(strstr(e->why, "364 service days of 365"));
	rules_trace_release(&trace);
	fx_free(f);
}

/* Overlapping spells count each day once; a gap and another occupation do not count. */
static void test_service_overlap_and_gap(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_cert(f, "TECH-1", 2, OCC, D(2022, 3, 1));
	add_spell(f, EMP_A, D(2022, 1, 1), D(2022, 12, 31), OCC, 0);
	add_spell(f, EMP_B, D(2022, 6, 1), SP_DAY_NONE, OCC, 0);
	add_si(f, SP_FIRST_MONTH, M(2024, 12), EMP_B, SP_COUNTY_REGION);
	add_allowance(f, SP_FIRST_MONTH, M(2024, 12), EMP_B, 10000);
	eval(f, M(2023, 6));
	assert_series(f, KIND_TECH, M(2023, 3), M(2023, 6), 20000);
	/* A 31-day gap (2022-05) instead: 365 days only on 2023-04-01. */
	f->spells[0].end_date = D(2022, 4, 30);
	eval(f, M(2023, 6));
	assert_series(f, KIND_TECH, M(2023, 4), M(2023, 6), 20000);
	/* A spell lying inside another one adds no day and takes none away. */
	f->spells[0].end_date = D(2022, 12, 31);
	add_spell(f, EMP_A, D(2022, 7, 1), D(2022, 7, 31), OCC, 0);
	eval(f, M(2023, 6));
	assert_series(f, KIND_TECH, M(2023, 3), M(2023, 6), 20000);
	f->p.n_employment = 2;
	f->spells[0].end_date = D(2022, 4, 30);
	/* The same gap filled by a spell of another occupation changes nothing. */
	add_spell(f, EMP_A, D(2022, 5, 1), D(2022, 5, 31), "4-01-02-00", 0);
	eval(f, M(2023, 6));
	assert_series(f, KIND_TECH, M(2023, 4), M(2023, 6), 20000);
	fx_free(f);
}

/* Days at the employer while its row made it provincial do not count (R4c), and the
 * months in which it is provincial are not paid (R4b). */
static void test_service_employer_rows(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_cert(f, "TECH-1", 2, OCC, D(2022, 6, 1));
	add_spell(f, EMP_A, D(2019, 5, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
	fx_employer_row(f, EMP_A, 1, D(2022, 9, 1), SP_COUNTY_REGION, OWN_PROVINCIAL,
			D(2020, 1, 1), SP_DAY_NONE);
	fx_employer_row(f, EMP_A, 2, D(2023, 1, 1), SP_COUNTY_REGION, OWN_LOCAL,
			D(2020, 1, 1), SP_DAY_NONE);
	/* 92 days 2022-06-01 .. 2022-08-31, then 273 from 2023-01-01: 365 on 2023-10-01. */
	eval(f, M(2024, 1));
	assert_series(f, KIND_TECH, M(2023, 10), M(2024, 1), 20000);
	fx_free(f);
}

/* ---- R4 conditions ---- */

/* R4b: provincial and public employers are never eligible. */
static void test_employer_not_local(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	f->rows[EMP_A][0].ownership = OWN_PROVINCIAL;
	eval(f, M(2026, 11));
	assert_int_equal(f->res.n, 0);
	f->rows[EMP_A][0].ownership = OWN_PUBLIC;
	eval(f, M(2026, 11));
	assert_int_equal(f->res.n, 0);
	f->rows[EMP_A][0].ownership = OWN_CENTRAL;
	eval(f, M(2026, 11));
	assert_int_equal(f->res.n, 0);
	f->rows[EMP_A][0].ownership = OWN_LOCAL;
	f->rows[EMP_A][0].region = OTHER_REGION;
	eval(f, M(2026, 11));
	assert_int_equal(f->res.n, 0);
	fx_free(f);
}

/* R4b: a dated row making the employer provincial for 2023 stops TECH for those months;
 * they do not use the cap. */
static void test_employer_dated_rows(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	fx_employer_row(f, EMP_A, 1, D(2023, 1, 1), SP_COUNTY_REGION, OWN_PROVINCIAL,
			D(2020, 1, 1), SP_DAY_NONE);
	fx_employer_row(f, EMP_A, 2, D(2024, 1, 1), SP_COUNTY_REGION, OWN_LOCAL,
			D(2020, 1, 1), SP_DAY_NONE);
	eval(f, M(2026, 11));
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		bool paid = (m >= M(2022, 4) && m <= M(2022, 12)) ||
			    (m >= M(2024, 1) && m <= M(2026, 3));

		assert_int_equal(amount(f, m, KIND_TECH), paid ? 20000 : 0);
	}
	assert_int_equal(count_kind(f, KIND_TECH), 36);
	fx_free(f);
}

/* R4d: the SI row must be at the spell's employer in the county. */
static void test_si_other_employer(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	drop_si(f, M(2022, 5));
	add_si(f, M(2022, 5), M(2022, 5), EMP_B, SP_COUNTY_REGION);
	eval(f, M(2022, 6));
	assert_int_equal(amount(f, M(2022, 4), KIND_TECH), 20000);
	assert_int_equal(amount(f, M(2022, 5), KIND_TECH), 0);
	assert_int_equal(amount(f, M(2022, 6), KIND_TECH), 20000);
	fx_free(f);
}

/* R4e: an enterprise allowance of 0.00, or skill_allowance_since after d(m), is not enough. */
static void test_allowance_zero_and_since(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	set_allowance(f, M(2022, 6), 0);
	eval(f, M(2022, 7));
	assert_int_equal(amount(f, M(2022, 5), KIND_TECH), 20000);
	assert_int_equal(amount(f, M(2022, 6), KIND_TECH), 0);
	assert_int_equal(amount(f, M(2022, 7), KIND_TECH), 20000);
	f->rows[EMP_A][0].skill_allowance_since = D(2022, 6, 2);
	eval(f, M(2022, 8));
	assert_series(f, KIND_TECH, M(2022, 7), M(2022, 8), 20000);
	f->rows[EMP_A][0].skill_allowance_since = SP_DAY_NONE;
	eval(f, M(2022, 8));
	assert_int_equal(f->res.n, 0);
	fx_free(f);
}

/* R4f: a discipline decided 2023-01-01 bars 2023-01 .. 2023-12; 2024-01 is paid again. */
static void test_ethics_lookback(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	technician(f);
	add_discipline(f, "CASE-1", D(2023, 1, 1));
	eval(f, M(2026, 11));
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		bool paid = (m >= M(2022, 4) && m <= M(2022, 12)) ||
			    (m >= M(2024, 1) && m <= M(2026, 3));

		assert_int_equal(amount(f, m, KIND_TECH), paid ? 20000 : 0);
	}
	/* Decided 2023-01-02: 2023-01 is still paid, 2024-01 is not (d < 2024-01-02). */
	f->dis[0].decided_on = D(2023, 1, 2);
	eval(f, M(2024, 2));
	assert_int_equal(amount(f, M(2023, 1), KIND_TECH), 20000);
	assert_int_equal(amount(f, M(2023, 2), KIND_TECH), 0);
	assert_int_equal(amount(f, M(2024, 1), KIND_TECH), 0);
	assert_int_equal(amount(f, M(2024, 2), KIND_TECH), 20000);
	fx_free(f);
}

/* A parameter changed from 2024-01-01: TECH pays 250.00 from 2024-01. */
static void test_param_change(void **state)
{
	struct fx *f = fx_new();
	const struct rules_param_row rows[] = { { D(2021, 8, 1), 20000 }, { D(2024, 1, 1), 25000 } };

	(void)state;
	technician(f);
	set_param(f, PARAM_TECH_MONTHLY, 2, rows);
	eval(f, M(2026, 11));
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		int64_t want = m < M(2022, 4) || m > M(2025, 3) ? 0 : m < M(2024, 1) ? 20000 : 25000;

		assert_int_equal(amount(f, m, KIND_TECH), want);
	}
	fx_free(f);
}

/* R4h with a changed cap and service days read on d(m). */
static void test_param_cap_and_service(void **state)
{
	struct fx *f = fx_new();
	const struct rules_param_row cap[] = { { D(2021, 8, 1), 12 } };
	const struct rules_param_row days[] = { { D(2021, 8, 1), 365 }, { D(2022, 1, 1), 200 } };

	(void)state;
	technician(f);
	set_param(f, PARAM_TECH_CAP_MONTHS, 1, cap);
	set_param(f, PARAM_TECH_SERVICE_DAYS, 2, days);
	/* 200 days from 2021-03-10 are reached by 2021-09-26; 200 applies from 2022-01. */
	eval(f, M(2026, 11));
	assert_series(f, KIND_TECH, M(2022, 1), M(2022, 12), 20000);
	fx_free(f);
}

/* ---- R2, R3 windows ---- */

/* A window is 36 months: STAR dated 2021-09-01 pays 2021-09 .. 2024-08 (month 37 not). */
static void test_window_36_37(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_STAR, D(2021, 9, 1), "S-1");
	add_title(f, TITLE_ACE, D(2022, 1, 15), "A-1");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2026, 12));
	assert_series(f, KIND_STAR, M(2021, 9), M(2024, 8), 30000);
	assert_series(f, KIND_STAR_AWARD, M(2021, 9), M(2021, 9), 200000);
	/* ACE 2022-02 .. 2025-01 is suppressed by STAR until 2024-08 (R5), then paid. */
	assert_series(f, KIND_ACE, M(2024, 9), M(2025, 1), 20000);
	assert_series(f, KIND_ACE_AWARD, M(2022, 2), M(2022, 2), 100000);
	fx_free(f);
}

/* A TOP window of 36 months from 2022-09-01: 2022-09 .. 2025-08. */
static void test_top_window_36_37(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_TOP, D(2022, 9, 1), "T-1");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2026, 12));
	assert_series(f, KIND_TOP, M(2022, 9), M(2025, 8), 50000);
	assert_int_equal(count_kind(f, KIND_TOP), 36);
	fx_free(f);
}

/* R2b: a discipline decided 2023-03-15 terminates TOP from 2023-04 for good; one decided
 * before doc_date does not. */
static void test_top_discipline(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;
	const struct rules_trace_entry *e;

	(void)state;
	add_title(f, TITLE_TOP, D(2022, 1, 10), "T-1");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	add_discipline(f, "OLD", D(2021, 12, 1));
	eval(f, M(2026, 12));
	assert_series(f, KIND_TOP, M(2022, 2), M(2025, 1), 50000);
	add_discipline(f, "CASE-9", D(2023, 3, 15));
	rules_trace_init(&trace, M(2023, 6));
	eval_full(f, M(2026, 12), NULL, 0, &trace);
	assert_series(f, KIND_TOP, M(2022, 2), M(2023, 3), 50000);
	assert_series(f, KIND_TOP_AWARD, M(2022, 2), M(2022, 2), 600000);
	e = trace_find(&trace, "R2b", "TOP T-1");
	assert_non_null(e);
	assert_false(e->passed);
	assert_non_null(strstr(e->why, "CASE-9"));
	assert_non_null(strstr(e->why, "2023-04"));
	rules_trace_release(&trace);
	fx_free(f);
}

/* R2: a month with no SI row is unpaid but does not terminate; R2a needs a row elsewhere. */
static void test_top_no_si_month(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_TOP, D(2022, 1, 10), "T-1");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	drop_si(f, M(2023, 5));
	eval(f, M(2026, 12));
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		bool paid = m >= M(2022, 2) && m <= M(2025, 1) && m != M(2023, 5);

		assert_int_equal(amount(f, m, KIND_TOP), paid ? 50000 : 0);
	}
	/* Insured both in and out of the county: local, not elsewhere. */
	add_si(f, M(2023, 6), M(2023, 6), EMP_B, OTHER_REGION);
	eval(f, M(2026, 12));
	assert_int_equal(amount(f, M(2023, 6), KIND_TOP), 50000);
	assert_int_equal(amount(f, M(2025, 1), KIND_TOP), 50000);
	fx_free(f);
}

/* R2 termination is for that record only: STAR is not terminated by moving away. */
static void test_elsewhere_star_not_terminated(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_STAR, D(2022, 1, 10), "S-1");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	drop_si(f, M(2023, 5));
	add_si(f, M(2023, 5), M(2023, 5), EMP_B, OTHER_REGION);
	eval(f, M(2026, 12));
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		bool paid = m >= M(2022, 2) && m <= M(2025, 1) && m != M(2023, 5);

		assert_int_equal(amount(f, m, KIND_STAR), paid ? 30000 : 0);
	}
	fx_free(f);
}

/* ---- R5 ---- */

/* STAR 300.00 ties SRTECH 300.00: the window kind is paid, SRTECH's cap waits. */
static void test_r5_star_over_srtech(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_cert(f, "SR-1", 1, OCC, D(2020, 1, 1));
	add_spell(f, EMP_A, D(2019, 5, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
	add_title(f, TITLE_STAR, D(2022, 1, 10), "S-1");
	eval(f, M(2027, 12));
	assert_series(f, KIND_STAR, M(2022, 2), M(2025, 1), 30000);
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		bool paid = m <= M(2022, 1) || (m >= M(2025, 2) && m <= M(2027, 7));

		assert_int_equal(amount(f, m, KIND_SRTECH), paid ? 30000 : 0);
	}
	assert_int_equal(count_kind(f, KIND_SRTECH), 36);
	fx_free(f);
}

/* ACE 200.00 ties TECH 200.00: ACE is paid. */
static void test_r5_ace_over_tech(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;

	(void)state;
	technician(f);
	add_title(f, TITLE_ACE, D(2022, 6, 10), "A-1");
	rules_trace_init(&trace, M(2022, 7));
	eval_full(f, M(2028, 12), NULL, 0, &trace);
	assert_series(f, KIND_ACE, M(2022, 7), M(2025, 6), 20000);
	for (sp_month m = SP_FIRST_MONTH; m <= f->last; m++) {
		bool paid = (m >= M(2022, 4) && m <= M(2022, 6)) ||
			    (m >= M(2025, 7) && m <= M(2028, 3));

		assert_int_equal(amount(f, m, KIND_TECH), paid ? 20000 : 0);
	}
	assert_int_equal(trace.paid, KIND_ACE);
	assert_true(trace.eligible[KIND_TECH]);
	assert_int_equal(trace.cap_used[KIND_TECH], 3);
	rules_trace_release(&trace);
	fx_free(f);
}

/* TOP over everything; the highest amount, not the kind order, decides first. */
static void test_r5_top_first_then_amount(void **state)
{
	struct fx *f = fx_new();
	const struct rules_param_row rich[] = { { D(2021, 8, 1), 60000 } };

	(void)state;
	add_cert(f, "SR-1", 1, OCC, D(2020, 1, 1));
	add_cert(f, "TECH-1", 2, OCC, D(2019, 1, 1));
	add_spell(f, EMP_A, D(2018, 1, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
	add_title(f, TITLE_ACE, D(2021, 8, 1), "A-1");
	add_title(f, TITLE_STAR, D(2021, 8, 1), "S-1");
	add_title(f, TITLE_TOP, D(2021, 8, 1), "T-1");
	eval(f, M(2021, 12));
	assert_series(f, KIND_TOP, M(2021, 8), M(2021, 12), 50000);
	assert_none(f, KIND_STAR);
	assert_none(f, KIND_ACE);
	assert_none(f, KIND_SRTECH);
	assert_none(f, KIND_TECH);
	/* Awards are not subject to R5: all three in 2021-08. */
	assert_int_equal(amount(f, M(2021, 8), KIND_TOP_AWARD), 600000);
	assert_int_equal(amount(f, M(2021, 8), KIND_STAR_AWARD), 200000);
	assert_int_equal(amount(f, M(2021, 8), KIND_ACE_AWARD), 100000);
	set_param(f, PARAM_TECH_MONTHLY, 1, rich);
	eval(f, M(2021, 12));
	assert_series(f, KIND_TECH, M(2021, 8), M(2021, 12), 60000);
	assert_none(f, KIND_TOP);
	fx_free(f);
}

/* R4i: after SRTECH was paid, TECH is never paid again, even when SRTECH's cap is used up. */
static void test_r4i_no_fallback(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;
	const struct rules_trace_entry *e;

	(void)state;
	add_cert(f, "SR-1", 1, OCC, D(2020, 1, 1));
	add_cert(f, "TECH-1", 2, OCC, D(2019, 1, 1));
	add_spell(f, EMP_A, D(2018, 1, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
	rules_trace_init(&trace, M(2024, 8));
	eval_full(f, M(2026, 12), NULL, 0, &trace);
	assert_series(f, KIND_SRTECH, M(2021, 8), M(2024, 7), 30000);
	assert_none(f, KIND_TECH);
	assert_int_equal(trace.paid, KIND_COUNT);
	assert_false(trace.eligible[KIND_SRTECH]);
	assert_false(trace.eligible[KIND_TECH]);
	assert_int_equal(trace.cap_used[KIND_SRTECH], 36);
	e = trace_find(&trace, "R4h", "SRTECH");
	assert_non_null(e);
	assert_false(e->passed);
	assert_string_equal(e->why, "used 36 of 36");
	e = trace_find(&trace, "R4i", "TECH");
	assert_non_null(e);
	assert_false(e->passed);
	rules_trace_release(&trace);
	fx_free(f);
}

/* R4s needs appointed_level 1: without it SRTECH waits a year of service after the level-1
 * certificate (2023-06-15 + 365 days: first month 2024-07), TECH going on meanwhile. */
static void test_r4s_needs_appointment(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_cert(f, "TECH-1", 2, OCC, D(2021, 3, 10));
	add_cert(f, "SR-1", 1, OCC, D(2023, 6, 15));
	add_spell(f, EMP_A, D(2019, 5, 1), D(2023, 6, 30), OCC, 0);
	add_spell(f, EMP_A, D(2023, 7, 1), SP_DAY_NONE, OCC, 0);
	add_local_history(f);
	eval(f, M(2027, 12));
	assert_series(f, KIND_TECH, M(2022, 4), M(2024, 6), 20000);
	assert_series(f, KIND_SRTECH, M(2024, 7), M(2027, 6), 30000);
	fx_free(f);
}

/* R4s needs TECH paid (not merely eligible) earlier: a level-1 holder never paid TECH
 * (suppressed by STAR) waits for a year of service. */
static void test_r4s_needs_tech_paid(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_cert(f, "TECH-1", 2, OCC, D(2021, 3, 10));
	add_cert(f, "SR-1", 1, OCC, D(2023, 6, 15));
	add_spell(f, EMP_A, D(2019, 5, 1), D(2023, 6, 30), OCC, 0);
	add_spell(f, EMP_A, D(2023, 7, 1), SP_DAY_NONE, OCC, 1);
	add_local_history(f);
	add_title(f, TITLE_STAR, D(2021, 8, 1), "S-1");   /* STAR 2021-08 .. 2024-07 */
	eval(f, M(2027, 12));
	assert_none(f, KIND_TECH);
	assert_series(f, KIND_STAR, M(2021, 8), M(2024, 7), 30000);
	assert_series(f, KIND_SRTECH, M(2024, 8), M(2027, 7), 30000);
	fx_free(f);
}

/* R4s needs TECH paid earlier: without any TECH, the appointed level-1 holder waits a year
 * of service after the certificate (2023-06-15: first month 2024-07). */
static void test_r4s_without_tech(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_cert(f, "SR-1", 1, OCC, D(2023, 6, 15));
	add_spell(f, EMP_A, D(2019, 5, 1), SP_DAY_NONE, OCC, 1);
	add_local_history(f);
	eval(f, M(2024, 9));
	assert_series(f, KIND_SRTECH, M(2024, 7), M(2024, 9), 30000);
	assert_none(f, KIND_TECH);
	fx_free(f);
}

/* ---- R7 awards ---- */

/* Dated before 2021-08-01: no award, the rest of the window is paid. */
static void test_r7_pre_policy(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_STAR, D(2020, 10, 10), "S-0");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2026, 12));
	assert_series(f, KIND_STAR, M(2021, 8), M(2023, 10), 30000);
	assert_none(f, KIND_STAR_AWARD);
	/* Dated exactly 2021-08-01: awarded. */
	f->titles[0].doc_date = D(2021, 8, 1);
	eval(f, M(2026, 12));
	assert_series(f, KIND_STAR_AWARD, M(2021, 8), M(2021, 8), 200000);
	fx_free(f);
}

/* Overlapping designations of one kind: only the earlier is awarded; months of both count. */
static void test_r7_duplicate(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_ACE, D(2023, 3, 10), "A-2");
	add_title(f, TITLE_ACE, D(2022, 1, 10), "A-1");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2026, 12));
	assert_series(f, KIND_ACE, M(2022, 2), M(2026, 3), 20000);
	assert_series(f, KIND_ACE_AWARD, M(2022, 2), M(2022, 2), 100000);
	fx_free(f);
}

/* Windows that only touch do not share a month: both awards. A pre-policy record that
 * overlaps makes the later one a duplicate. */
static void test_r7_adjacent_and_pre_policy_overlap(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_STAR, D(2021, 9, 1), "S-1");   /* 2021-09 .. 2024-08 */
	add_title(f, TITLE_STAR, D(2024, 9, 1), "S-2");   /* 2024-09 .. 2027-08 */
	add_si(f, SP_FIRST_MONTH, M(2027, 12), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2027, 12));
	assert_int_equal(amount(f, M(2021, 9), KIND_STAR_AWARD), 200000);
	assert_int_equal(amount(f, M(2024, 9), KIND_STAR_AWARD), 200000);
	assert_int_equal(count_kind(f, KIND_STAR_AWARD), 2);
	f->titles[0].doc_date = D(2021, 7, 1);           /* 2021-07 .. 2024-06, pre-policy */
	f->titles[1].doc_date = D(2024, 6, 1);           /* shares 2024-06 */
	eval(f, M(2027, 12));
	assert_none(f, KIND_STAR_AWARD);
	fx_free(f);
}

/* Same doc_date: the smaller doc_no (as text) is the earlier record and gets the award. */
static void test_r7_doc_no_order(void **state)
{
	struct fx *f = fx_new();
	struct rules_trace trace;
	const struct rules_trace_entry *e;

	(void)state;
	add_title(f, TITLE_ACE, D(2022, 1, 10), "B-7");
	add_title(f, TITLE_ACE, D(2022, 1, 10), "B-10");
	add_si(f, SP_FIRST_MONTH, M(2022, 6), EMP_A, SP_COUNTY_REGION);
	rules_trace_init(&trace, M(2022, 2));
	eval_full(f, M(2022, 6), NULL, 0, &trace);
	assert_series(f, KIND_ACE_AWARD, M(2022, 2), M(2022, 2), 100000);
	e = trace_find(&trace, "R7", "ACE_AWARD B-10");
	assert_non_null(e);
	assert_true(e->passed);
	e = trace_find(&trace, "R7", "ACE_AWARD B-7");
	assert_non_null(e);
	assert_false(e->passed);
	rules_trace_release(&trace);
	fx_free(f);
}

/* The award waits for the first local month, is paid once, and its amount is read then. */
static void test_r7_first_local_month_once(void **state)
{
	struct fx *f = fx_new();
	const struct rules_param_row award[] = { { D(2021, 8, 1), 200000 }, { D(2022, 3, 1), 250000 } };

	(void)state;
	add_title(f, TITLE_STAR, D(2022, 1, 10), "S-1");
	add_si(f, SP_FIRST_MONTH, M(2026, 12), EMP_A, SP_COUNTY_REGION);
	drop_si(f, M(2022, 2));
	set_param(f, PARAM_STAR_AWARD, 2, award);
	eval(f, M(2026, 12));
	assert_series(f, KIND_STAR_AWARD, M(2022, 3), M(2022, 3), 250000);
	assert_series(f, KIND_STAR, M(2022, 3), M(2025, 1), 30000);
	fx_free(f);
}

/* A TOP record never local in its window, or terminated first, earns nothing. */
static void test_r7_top_terminated(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_title(f, TITLE_TOP, D(2022, 1, 10), "T-1");
	add_si(f, M(2022, 2), M(2022, 2), EMP_B, OTHER_REGION);
	add_si(f, M(2022, 3), M(2026, 12), EMP_A, SP_COUNTY_REGION);
	eval(f, M(2026, 12));
	assert_int_equal(f->res.n, 0);
	fx_free(f);
}

/* ---- persons with nothing, unknown persons ---- */

static void test_unknown_person(void **state)
{
	struct fx *f = fx_new();
	struct rules_chief_month slice = { PERSON, M(2022, 1), EMP_A };
	struct rules_trace trace;

	(void)state;
	technician(f);
	add_title(f, TITLE_TOP, D(2022, 1, 10), "T-1");
	f->p.known = false;
	rules_trace_init(&trace, M(2022, 5));
	eval_full(f, M(2026, 12), &slice, 1, &trace);
	assert_int_equal(f->res.n, 0);
	assert_int_equal(trace.paid, KIND_COUNT);
	assert_true(trace.n >= 1);
	rules_trace_release(&trace);
	fx_free(f);
}

static void test_nothing_and_before_policy(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_local_history(f);
	eval(f, M(2026, 12));
	assert_int_equal(f->res.n, 0);
	technician(f);
	eval(f, M(2021, 7));   /* R0: no month before 2021-08 */
	assert_int_equal(f->res.n, 0);
	fx_free(f);
}

/* The result array is appended to: two persons' lines can share one result. */
static void test_result_appends(void **state)
{
	struct fx *f = fx_new();
	struct sp_error err;

	(void)state;
	technician(f);
	eval(f, M(2022, 5));
	assert_int_equal(f->res.n, 2);
	sp_error_clear(&err);
	assert_int_equal(rules_person_evaluate(&f->params, &f->employers, &f->p, NULL, 0,
					       M(2022, 5), &f->res, NULL, &err), 0);
	assert_int_equal(f->res.n, 4);
	rules_result_reset(&f->res);
	assert_int_equal(f->res.n, 0);
	fx_free(f);
}

/* ---- R13 ---- */

static void chief_qualify(struct fx *f, int e, sp_day since)
{
	f->rows[e][0].chief_qualified_since = since;
}

static const struct rules_chief_month *plan_for(const struct rules_chief_plan *plan,
						const char *person, int *n)
{
	return rules_chief_plan_for(plan, person, n);
}

/* The plan rows of person: employer per month over [from, to]; -1 where none. */
static void assert_plan(const struct rules_chief_plan *plan, const char *person,
			sp_month from, sp_month to, int employer, sp_month last)
{
	int n;
	const struct rules_chief_month *v = plan_for(plan, person, &n);

	for (sp_month m = SP_FIRST_MONTH; m <= last; m++) {
		int got = -1;

		for (int i = 0; i < n; i++) {
			assert_string_equal(v[i].person_id, person);
			if (v[i].month == m)
				got = v[i].employer;
		}
		assert_int_equal(got, m >= from && m <= to ? employer : -1);
	}
}

static void build_plan(struct fx *f, const struct rules_chief *chiefs, int n, sp_month last,
		       struct rules_chief_plan *plan)
{
	struct sp_error err;

	sp_error_clear(&err);
	memset(plan, 0, sizeof(*plan));
	assert_int_equal(rules_chief_plan_build(&f->employers, chiefs, n, last, plan, &err), 0);
	for (int i = 1; i < plan->n; i++) {
		int c = strcmp(plan->v[i - 1].person_id, plan->v[i].person_id);

		assert_true(c < 0 || (c == 0 && plan->v[i - 1].month <= plan->v[i].month));
	}
}

/* Step 1: one per enterprise, the earliest appointed_on, then the smaller person_id. */
static void test_r13_one_per_enterprise(void **state)
{
	struct fx *f = fx_new();
	struct rules_chief_plan plan;
	const struct rules_chief chiefs[] = {
		{ EMP_A, "P1", D(2021, 1, 1), SP_DAY_NONE },
		{ EMP_A, "P2", D(2020, 6, 1), SP_DAY_NONE },
		{ EMP_B, "P4", D(2020, 1, 1), SP_DAY_NONE },
		{ EMP_B, "P3", D(2020, 1, 1), SP_DAY_NONE },
		{ EMP_C, "P5", D(2020, 1, 1), D(2022, 5, 31) },
		{ EMP_C, "P6", D(2021, 1, 1), SP_DAY_NONE },
	};

	(void)state;
	chief_qualify(f, EMP_A, D(2021, 1, 1));
	chief_qualify(f, EMP_B, D(2021, 1, 1));
	chief_qualify(f, EMP_C, D(2021, 1, 1));
	build_plan(f, chiefs, 6, M(2022, 12), &plan);
	assert_plan(&plan, "P2", SP_FIRST_MONTH, M(2022, 12), EMP_A, M(2022, 12));
	assert_plan(&plan, "P1", 1, 0, -1, M(2022, 12));
	assert_plan(&plan, "P3", SP_FIRST_MONTH, M(2022, 12), EMP_B, M(2022, 12));
	assert_plan(&plan, "P4", 1, 0, -1, M(2022, 12));
	/* P5's record ends 2022-05-31: P6 counts from 2022-06. */
	assert_plan(&plan, "P5", SP_FIRST_MONTH, M(2022, 5), EMP_C, M(2022, 12));
	assert_plan(&plan, "P6", M(2022, 6), M(2022, 12), EMP_C, M(2022, 12));
	assert_int_equal(plan.n, 17 * 3);
	rules_chief_plan_release(&plan);
	fx_free(f);
}

/* Step 2: once per person, the earliest appointed_on, then the smaller employer id; the
 * losing employer gets nothing (no fall-back to its next record). */
static void test_r13_once_per_person(void **state)
{
	struct fx *f = fx_new();
	struct rules_chief_plan plan;
	const struct rules_chief chiefs[] = {
		{ EMP_A, "P1", D(2021, 3, 1), SP_DAY_NONE },
		{ EMP_B, "P1", D(2021, 2, 1), SP_DAY_NONE },
		{ EMP_A, "P5", D(2021, 5, 1), SP_DAY_NONE },
	};
	const struct rules_chief tie[] = {
		{ EMP_C, "P6", D(2020, 1, 1), SP_DAY_NONE },
		{ EMP_A, "P6", D(2020, 1, 1), SP_DAY_NONE },
	};

	(void)state;
	chief_qualify(f, EMP_A, D(2021, 1, 1));
	chief_qualify(f, EMP_B, D(2021, 1, 1));
	chief_qualify(f, EMP_C, D(2021, 1, 1));
	build_plan(f, chiefs, 3, M(2022, 12), &plan);
	assert_plan(&plan, "P1", SP_FIRST_MONTH, M(2022, 12), EMP_B, M(2022, 12));
	assert_plan(&plan, "P5", 1, 0, -1, M(2022, 12));
	assert_int_equal(plan.n, 17);
	rules_chief_plan_release(&plan);
	build_plan(f, tie, 2, M(2022, 12), &plan);
	assert_plan(&plan, "P6", SP_FIRST_MONTH, M(2022, 12), EMP_A, M(2022, 12));
	rules_chief_plan_release(&plan);
	fx_free(f);
}

/* Step 1 only for employers whose row in force has chief_qualified_since <= d(m). */
static void test_r13_qualified_since(void **state)
{
	struct fx *f = fx_new();
	struct rules_chief_plan plan;
	const struct rules_chief chiefs[] = {
		{ EMP_A, "P1", D(2020, 1, 1), SP_DAY_NONE },
		{ EMP_B, "P2", D(2020, 1, 1), SP_DAY_NONE },
		{ EMP_C, "P3", D(2020, 1, 1), SP_DAY_NONE },
	};

	(void)state;
	chief_qualify(f, EMP_A, D(2022, 3, 15));
	chief_qualify(f, EMP_B, D(2022, 3, 1));
	build_plan(f, chiefs, 3, M(2022, 12), &plan);
	assert_plan(&plan, "P1", M(2022, 4), M(2022, 12), EMP_A, M(2022, 12));
	assert_plan(&plan, "P2", M(2022, 3), M(2022, 12), EMP_B, M(2022, 12));
	assert_plan(&plan, "P3", 1, 0, -1, M(2022, 12));
	rules_chief_plan_release(&plan);
	fx_free(f);
}

/* Step 3: 30% of the enterprise allowance, half up, capped at 500.00; only with an SI row
 * at the employer in the county and an allowance above zero. */
static void test_r13_amounts(void **state)
{
	struct fx *f = fx_new();
	struct rules_chief_plan plan;
	const struct rules_chief chiefs[] = { { EMP_A, PERSON, D(2020, 1, 1), SP_DAY_NONE } };
	const struct rules_chief_month *slice;
	struct rules_trace trace;
	const struct rules_trace_entry *e;
	int n;

	(void)state;
	chief_qualify(f, EMP_A, D(2021, 1, 1));
	build_plan(f, chiefs, 1, M(2021, 12), &plan);
	add_si(f, SP_FIRST_MONTH, M(2021, 10), EMP_A, SP_COUNTY_REGION);
	add_si(f, M(2021, 11), M(2021, 11), EMP_B, SP_COUNTY_REGION);
	add_si(f, M(2021, 12), M(2021, 12), EMP_A, SP_COUNTY_REGION);
	add_allowance(f, M(2021, 8), M(2021, 8), EMP_A, 33335);   /* 333.35 -> 100.005 */
	add_allowance(f, M(2021, 9), M(2021, 9), EMP_A, 200000);  /* 600.00 -> cap 500.00 */
	add_allowance(f, M(2021, 10), M(2021, 10), EMP_A, 0);
	add_allowance(f, M(2021, 11), M(2021, 11), EMP_A, 10000); /* SI at another employer */
	add_allowance(f, M(2021, 12), M(2021, 12), EMP_A, 33333); /* 99.999 -> 100.00 */
	slice = rules_chief_plan_for(&plan, PERSON, &n);
	assert_int_equal(n, 5);
	rules_trace_init(&trace, M(2021, 8));
	eval_full(f, M(2021, 12), slice, n, &trace);
	assert_int_equal(amount(f, M(2021, 8), KIND_CHIEF), 10001);
	assert_int_equal(amount(f, M(2021, 9), KIND_CHIEF), 50000);
	assert_int_equal(amount(f, M(2021, 10), KIND_CHIEF), 0);
	assert_int_equal(amount(f, M(2021, 11), KIND_CHIEF), 0);
	assert_int_equal(amount(f, M(2021, 12), KIND_CHIEF), 10000);
	assert_int_equal(f->res.n, 3);
	for (int i = 0; i < f->res.n; i++)
		assert_int_equal(f->res.v[i].employer, EMP_A);
	e = trace_find(&trace, "R13", "CHIEF EMP-A");
	assert_non_null(e);
	assert_true(e->passed);
	assert_non_null(strstr(e->why, "100.01"));
	rules_trace_release(&trace);
	rules_chief_plan_release(&plan);
	fx_free(f);
}

/* A chief who is also a paid technician: TECH line and CHIEF line, sorted by kind. */
static void test_r13_with_tech(void **state)
{
	struct fx *f = fx_new();
	struct rules_chief_plan plan;
	const struct rules_chief chiefs[] = { { EMP_A, PERSON, D(2020, 1, 1), SP_DAY_NONE } };
	const struct rules_chief_month *slice;
	int n;

	(void)state;
	technician(f);
	chief_qualify(f, EMP_A, D(2021, 1, 1));
	build_plan(f, chiefs, 1, M(2022, 4), &plan);
	slice = rules_chief_plan_for(&plan, PERSON, &n);
	assert_int_equal(n, 9);
	eval_full(f, M(2022, 4), slice, n, NULL);
	assert_int_equal(f->res.n, 10);
	assert_int_equal(f->res.v[8].kind, KIND_TECH);
	assert_int_equal(f->res.v[8].month, M(2022, 4));
	assert_int_equal(f->res.v[9].kind, KIND_CHIEF);
	assert_int_equal(f->res.v[9].amount_fen, 3000);
	assert_null(rules_chief_plan_for(&plan, "NOBODY", &n));
	assert_int_equal(n, 0);
	rules_chief_plan_release(&plan);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_employers),
		cmocka_unit_test(test_example1_technician),
		cmocka_unit_test(test_example2_promotion),
		cmocka_unit_test(test_example3_highest_only),
		cmocka_unit_test(test_example4_moved_away),
		cmocka_unit_test(test_example5_late_si),
		cmocka_unit_test(test_example6_retraction),
		cmocka_unit_test(test_example7_retirement),
		cmocka_unit_test(test_retired_on),
		cmocka_unit_test(test_service_364_365),
		cmocka_unit_test(test_service_overlap_and_gap),
		cmocka_unit_test(test_service_employer_rows),
		cmocka_unit_test(test_employer_not_local),
		cmocka_unit_test(test_employer_dated_rows),
		cmocka_unit_test(test_si_other_employer),
		cmocka_unit_test(test_allowance_zero_and_since),
		cmocka_unit_test(test_ethics_lookback),
		cmocka_unit_test(test_param_change),
		cmocka_unit_test(test_param_cap_and_service),
		cmocka_unit_test(test_window_36_37),
		cmocka_unit_test(test_top_window_36_37),
		cmocka_unit_test(test_top_discipline),
		cmocka_unit_test(test_top_no_si_month),
		cmocka_unit_test(test_elsewhere_star_not_terminated),
		cmocka_unit_test(test_r5_star_over_srtech),
		cmocka_unit_test(test_r5_ace_over_tech),
		cmocka_unit_test(test_r5_top_first_then_amount),
		cmocka_unit_test(test_r4i_no_fallback),
		cmocka_unit_test(test_r4s_needs_appointment),
		cmocka_unit_test(test_r4s_needs_tech_paid),
		cmocka_unit_test(test_r4s_without_tech),
		cmocka_unit_test(test_r7_pre_policy),
		cmocka_unit_test(test_r7_duplicate),
		cmocka_unit_test(test_r7_adjacent_and_pre_policy_overlap),
		cmocka_unit_test(test_r7_doc_no_order),
		cmocka_unit_test(test_r7_first_local_month_once),
		cmocka_unit_test(test_r7_top_terminated),
		cmocka_unit_test(test_unknown_person),
		cmocka_unit_test(test_nothing_and_before_policy),
		cmocka_unit_test(test_result_appends),
		cmocka_unit_test(test_r13_one_per_enterprise),
		cmocka_unit_test(test_r13_once_per_person),
		cmocka_unit_test(test_r13_qualified_since),
		cmocka_unit_test(test_r13_amounts),
		cmocka_unit_test(test_r13_with_tech),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
