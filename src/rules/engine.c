/* engine.c - rules_person_evaluate: R0-R7 for one person's own kinds and R13 step 3 for the
 * months in which the person is a counting chief craftsman. RULES.md is the contract; each
 * rule has its own function below, named after its id.
 *
 * Months are evaluated in order from 2021-08 (R0) because R4h, R4i and R4s depend on what R5
 * paid earlier. Scratch (facts indexed by month, sorted title copies, service intervals) is
 * allocated per call and freed before returning; nothing is global. */
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/money.h"
#include "skillpay/rules.h"
#include "trace_internal.h"

#define MONTHLY_KINDS (KIND_TECH + 1)   /* TOP .. TECH: the kinds R5 chooses from */
#define MONTH_NONE INT32_MAX
#define WINDOW_MONTHS_MAX (12 * 300)    /* a window longer than this is clamped (nonsense data) */

/* R5 breaks ties by the enum order, which must be the order of RULES R5. */
_Static_assert(KIND_TOP == 0 && KIND_STAR == 1 && KIND_ACE == 2 && KIND_SRTECH == 3 &&
	       KIND_TECH == 4, "R5 tie order is TOP, STAR, ACE, SRTECH, TECH");
_Static_assert(TITLE_TOP == 0 && TITLE_STAR == 1 && TITLE_ACE == 2, "titles map onto kinds");

static const enum sp_param monthly_param[MONTHLY_KINDS] = {
	PARAM_TOP_MONTHLY, PARAM_STAR_MONTHLY, PARAM_ACE_MONTHLY,
	PARAM_SRTECH_MONTHLY, PARAM_TECH_MONTHLY,
};
static const enum sp_param window_param[3] = {
	PARAM_TOP_WINDOW_MONTHS, PARAM_STAR_WINDOW_MONTHS, PARAM_ACE_WINDOW_MONTHS,
};
static const enum sp_param award_param[3] = {
	PARAM_TOP_AWARD, PARAM_STAR_AWARD, PARAM_ACE_AWARD,
};

/* A title record with what the engine works out about it once. */
struct title_state {
	const struct rules_title_rec *rec;
	int index;                     /* position in p->titles: the last tie-break */
	enum sp_kind kind;             /* KIND_TOP, KIND_STAR or KIND_ACE */
	int64_t window_months;         /* read on doc_date (RULES §1) */
	sp_day window_end;             /* add_months(doc_date, window_months), exclusive */
	sp_month first_month;          /* the months m with window(t, m) ... */
	sp_month last_month;           /* ... (empty when last_month < first_month) */
	sp_month terminated_from;      /* R2: MONTH_NONE while not terminated */
	char terminated_by;            /* R2: 'a' (elsewhere) or 'b' (discipline) */
	const struct rules_discipline *discipline;   /* R2b: the record that terminated it */
	const struct rules_title_rec *duplicate_of;  /* R7: the earlier overlapping record */
	sp_month awarded_in;           /* R7: MONTH_NONE until the award month */
};

/* [lo, hi) days of eligible service; hi = SP_DAY_NONE is open. */
struct span {
	sp_day lo, hi;
};

/* A level-1 or level-2 certificate with its merged service spans (R4c). */
struct cert_state {
	const struct rules_cert *cert;
	enum sp_kind kind;             /* KIND_SRTECH or KIND_TECH */
	int span_start, span_n;        /* into engine.spans, sorted and disjoint */
};

/* Row indexes of one fact array grouped by month offset (counting sort). */
struct month_index {
	int *start;                    /* n_months + 1 offsets into idx */
	int *idx;
};

struct engine {
	const struct rules_params *params;
	const struct rules_employers *employers;
	const struct rules_person *p;
	sp_month last;
	int n_months;
	struct month_index si, al;
	struct title_state *titles;
	int n_titles;
	struct cert_state *certs;
	int n_certs;
	struct span *spans;
	int n_spans;
	sp_day statutory;              /* R6 */
	int paid_months[MONTHLY_KINDS];  /* months each kind was paid by R5 so far (R4h, R4i, R4s) */
	struct rules_result *ret;
	int ret_start;
	struct rules_trace *trace;     /* the caller's trace, or NULL */
	struct rules_trace *tr;        /* the trace while evaluating its month, else NULL */
	bool trace_failed;
	struct sp_error *err;
};

/* ---- small helpers ---- */

static void note_entry(struct engine *en, const char *rule, const char *clause,
		       const char *subject, bool passed, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void note_entry(struct engine *en, const char *rule, const char *clause,
		       const char *subject, bool passed, const char *fmt, ...)
{
	va_list ap;

	assert(en->tr);
	va_start(ap, fmt);
	if (trace_addv(en->tr, rule, clause, subject, passed, fmt, ap) < 0)
		en->trace_failed = true;
	va_end(ap);
}

/* Records a trace entry only in the traced month; the arguments (dates formatted for the
 * why text) are not even evaluated in the other months. */
#define NOTE(en, ...)                                   \
	do {                                            \
		if ((en)->tr)                           \
			note_entry((en), __VA_ARGS__);  \
	} while (0)

static const char *subject_of(char buf[static 32], enum sp_kind kind, const char *name)
{
	trace_subject(buf, kind, name);
	return buf;
}

static int result_append(struct engine *en, sp_month m, enum sp_kind kind, int employer,
			 int64_t amount_fen)
{
	struct rules_result *r = en->ret;

	assert(r->n >= 0 && r->n <= r->cap);
	if (amount_fen == 0)
		return 0;   /* zero amounts are not listed */
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 64;
		struct rules_line *v = realloc(r->v, (size_t)cap * sizeof(*v));

		if (!v)
			return sp_error_set(en->err, SP_EXIT_INTERNAL, "rules: out of memory");
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (struct rules_line){ m, kind, employer, amount_fen };
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	const struct rules_line *x = a, *y = b;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->employer > y->employer) - (x->employer < y->employer);
}

static const struct rules_employer *employer_at(const struct engine *en, int index)
{
	if (index < 0 || index >= en->employers->n)
		return NULL;
	return &en->employers->v[index];
}

static const char *employer_name(const struct engine *en, int index)
{
	const struct rules_employer *e = employer_at(en, index);

	return e ? e->id : "unknown";
}

static sp_day max_day(sp_day a, sp_day b)
{
	return a > b ? a : b;
}

static sp_day min_day(sp_day a, sp_day b)
{
	return a < b ? a : b;
}

/* ---- scratch: facts by month ---- */

static int month_index_build(struct month_index *ix, int n_months, int n_rows,
			     const sp_month *(*month_of)(const struct rules_person *, int),
			     const struct rules_person *p)
{
	ix->start = calloc((size_t)n_months + 1, sizeof(*ix->start));
	ix->idx = malloc((size_t)(n_rows > 0 ? n_rows : 1) * sizeof(*ix->idx));
	if (!ix->start || !ix->idx)
		return -1;
	/* Counting sort: start[o + 1] counts month offset o, then prefix sums. Rows outside
	 * 2021-08 .. last are not indexed (R0). */
	for (int i = 0; i < n_rows; i++) {
		sp_month o = *month_of(p, i) - SP_FIRST_MONTH;

		if (o >= 0 && o < n_months)
			ix->start[o + 1]++;
	}
	for (int o = 0; o < n_months; o++)
		ix->start[o + 1] += ix->start[o];
	/* start[o] serves as the fill cursor of month o; it ends at the start of month o + 1. */
	for (int i = 0; i < n_rows; i++) {
		sp_month o = *month_of(p, i) - SP_FIRST_MONTH;

		if (o >= 0 && o < n_months)
			ix->idx[ix->start[o]++] = i;
	}
	for (int o = n_months; o > 0; o--)
		ix->start[o] = ix->start[o - 1];
	ix->start[0] = 0;
	assert(ix->start[n_months] <= n_rows);
	return 0;
}

static const sp_month *si_month(const struct rules_person *p, int i)
{
	return &p->si[i].month;
}

static const sp_month *allowance_month(const struct rules_person *p, int i)
{
	return &p->allowances[i].month;
}

static void month_index_free(struct month_index *ix)
{
	free(ix->start);
	free(ix->idx);
}

/* ---- scratch: titles ---- */

static int title_cmp(const void *a, const void *b)
{
	const struct title_state *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->rec->doc_date != y->rec->doc_date)
		return x->rec->doc_date < y->rec->doc_date ? -1 : 1;
	c = strcmp(x->rec->doc_no, y->rec->doc_no);
	if (c != 0)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

/* window(t, m) of RULES §3, with the window length read on doc_date (RULES §1). */
static void title_window(const struct engine *en, struct title_state *t)
{
	sp_day doc = t->rec->doc_date;
	int64_t wm = params_value(en->params, window_param[t->kind], doc);

	if (wm < 0)
		wm = 0;
	if (wm > WINDOW_MONTHS_MAX)
		wm = WINDOW_MONTHS_MAX;
	t->window_months = wm;
	t->window_end = day_add_months(doc, (int32_t)wm);
	t->first_month = month_of_day(doc) + (month_first_day(month_of_day(doc)) == doc ? 0 : 1);
	t->last_month = t->window_end > doc ? month_of_day(t->window_end - 1) : t->first_month - 1;
}

static bool in_window(const struct title_state *t, sp_day d)
{
	return t->rec->doc_date <= d && d < t->window_end;
}

/* R7: a record whose window shares a month with that of an earlier record of the same kind
 * (sorted before it: doc_date, then doc_no as text) is a duplicate designation. */
static void title_mark_duplicates(struct engine *en)
{
	for (int i = 0; i < en->n_titles; i++) {
		struct title_state *t = &en->titles[i];

		for (int j = 0; j < i && !t->duplicate_of; j++) {
			const struct title_state *u = &en->titles[j];
			sp_month lo = t->first_month > u->first_month ? t->first_month : u->first_month;
			sp_month hi = t->last_month < u->last_month ? t->last_month : u->last_month;

			if (u->kind == t->kind && lo <= hi)
				t->duplicate_of = u->rec;
		}
	}
}

static int titles_prepare(struct engine *en)
{
	const struct rules_person *p = en->p;

	en->n_titles = p->n_titles;
	if (p->n_titles == 0)
		return 0;
	en->titles = calloc((size_t)p->n_titles, sizeof(*en->titles));
	if (!en->titles)
		return -1;
	for (int i = 0; i < p->n_titles; i++) {
		struct title_state *t = &en->titles[i];

		assert(p->titles[i].title >= TITLE_TOP && p->titles[i].title <= TITLE_ACE);
		t->rec = &p->titles[i];
		t->index = i;
		t->kind = (enum sp_kind)p->titles[i].title;
		t->terminated_from = MONTH_NONE;
		t->awarded_in = MONTH_NONE;
		title_window(en, t);
	}
	if (en->n_titles > 0)
		qsort(en->titles, (size_t)en->n_titles, sizeof(*en->titles), title_cmp);
	title_mark_duplicates(en);
	return 0;
}

/* ---- scratch: R4c service spans ---- */

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Sorts spans[0..n) and merges overlapping or touching ones in place; returns the new n,
 * so that overlapping spells count each day once (R4c). */
static int spans_merge(struct span *spans, int n)
{
	int out = 0;

	if (n > 0)
		qsort(spans, (size_t)n, sizeof(*spans), span_cmp);
	for (int i = 0; i < n; i++) {
		if (out > 0 && spans[i].lo <= spans[out - 1].hi) {
			spans[out - 1].hi = max_day(spans[out - 1].hi, spans[i].hi);
			continue;
		}
		spans[out++] = spans[i];
	}
	assert(out <= n);
	return out;
}

/* R4c: the days of spell s from the certificate on, [max(start, issued), end + 1), cut to
 * the periods in which the row in force of s's employer made it eligible. */
static void spans_of_spell(struct engine *en, const struct rules_employment *s, sp_day issued)
{
	const struct rules_employer *e = employer_at(en, s->employer);
	sp_day lo = max_day(s->start_date, issued);
	sp_day hi = s->end_date == SP_DAY_NONE ? SP_DAY_NONE : s->end_date + 1;

	if (!e || lo >= hi)
		return;
	for (int r = 0; r < e->n_rows; r++) {
		const struct rules_employer_row *row = &e->rows[r];
		/* The earliest row also stands for every day before its valid_from (RULES §3). */
		sp_day row_lo = r == 0 ? INT32_MIN : row->valid_from;
		sp_day row_hi = r + 1 < e->n_rows ? e->rows[r + 1].valid_from : SP_DAY_NONE;
		struct span sp = { max_day(lo, row_lo), min_day(hi, row_hi) };

		if (row->region != SP_COUNTY_REGION || row->ownership != OWN_LOCAL || sp.lo >= sp.hi)
			continue;
		en->spans[en->n_spans++] = sp;
	}
}

static bool cert_counts(const struct rules_cert *c)
{
	return c->level == 1 || c->level == 2;
}

static bool same_occupation(const struct rules_employment *s, const struct rules_cert *c)
{
	return strncmp(s->occupation, c->occupation, sizeof(s->occupation)) == 0;
}

static int certs_spans_capacity(const struct engine *en)
{
	const struct rules_person *p = en->p;
	int total = 0;

	for (int i = 0; i < p->n_certs; i++) {
		for (int j = 0; j < p->n_employment && cert_counts(&p->certs[i]); j++) {
			const struct rules_employer *e = employer_at(en, p->employment[j].employer);

			if (e && same_occupation(&p->employment[j], &p->certs[i]))
				total += e->n_rows;
		}
	}
	return total;
}

static int certs_prepare(struct engine *en)
{
	const struct rules_person *p = en->p;
	int cap = certs_spans_capacity(en);

	en->certs = malloc((size_t)(p->n_certs > 0 ? p->n_certs : 1) * sizeof(*en->certs));
	en->spans = malloc((size_t)(cap > 0 ? cap : 1) * sizeof(*en->spans));
	if (!en->certs || !en->spans)
		return -1;
	for (int i = 0; i < p->n_certs; i++) {
		struct cert_state *cs;

		if (!cert_counts(&p->certs[i]))
			continue;
		cs = &en->certs[en->n_certs++];
		cs->cert = &p->certs[i];
		cs->kind = p->certs[i].level == 1 ? KIND_SRTECH : KIND_TECH;
		cs->span_start = en->n_spans;
		for (int j = 0; j < p->n_employment; j++)
			if (same_occupation(&p->employment[j], cs->cert))
				spans_of_spell(en, &p->employment[j], cs->cert->issued_on);
		assert(en->n_spans <= cap);
		cs->span_n = spans_merge(en->spans + cs->span_start, en->n_spans - cs->span_start);
		en->n_spans = cs->span_start + cs->span_n;
	}
	return 0;
}

/* R4c: eligible service days of a certificate before day d. */
static int64_t service_days(const struct engine *en, const struct cert_state *cs, sp_day d)
{
	int64_t days = 0;

	for (int i = 0; i < cs->span_n; i++) {
		const struct span *s = &en->spans[cs->span_start + i];

		if (s->lo >= d)
			break;
		days += (int64_t)min_day(s->hi, d) - s->lo;
	}
	assert(days >= 0);
	return days;
}

/* ---- month facts ---- */

struct month_facts {
	sp_month m;
	sp_day d;                      /* d(m): every condition is evaluated on it */
	bool local;                    /* R1 */
	bool elsewhere;                /* R2a */
	int n_si;
	int32_t other_region;          /* a region of an SI row when elsewhere, for the trace */
};

static void month_facts_load(const struct engine *en, sp_month m, struct month_facts *ret)
{
	int o = m - SP_FIRST_MONTH;

	assert(o >= 0 && o < en->n_months);
	memset(ret, 0, sizeof(*ret));
	ret->m = m;
	ret->d = month_first_day(m);
	for (int k = en->si.start[o]; k < en->si.start[o + 1]; k++) {
		const struct rules_si *si = &en->p->si[en->si.idx[k]];

		ret->n_si++;
		if (si->region == SP_COUNTY_REGION)
			ret->local = true;
		else
			ret->other_region = si->region;
	}
	/* R2a: insured in the month, and only outside the county. */
	ret->elsewhere = ret->n_si > 0 && !ret->local;
}

/* R4d, R13.3: an SI row for m with this employer and region = county_region. */
static bool si_at_employer(const struct engine *en, sp_month m, int employer)
{
	int o = m - SP_FIRST_MONTH;

	for (int k = en->si.start[o]; k < en->si.start[o + 1]; k++) {
		const struct rules_si *si = &en->p->si[en->si.idx[k]];

		if (si->employer == employer && employer >= 0 && si->region == SP_COUNTY_REGION)
			return true;
	}
	return false;
}

/* R4e, R13.3: the enterprise allowance of (p, employer, m); with several rows the largest. */
static int64_t allowance_at(const struct engine *en, sp_month m, int employer)
{
	int o = m - SP_FIRST_MONTH;
	int64_t best = 0;

	for (int k = en->al.start[o]; k < en->al.start[o + 1]; k++) {
		const struct rules_allowance *a = &en->p->allowances[en->al.idx[k]];

		if (a->employer == employer && employer >= 0 && a->amount_fen > best)
			best = a->amount_fen;
	}
	return best;
}

/* ---- R1, R2, R3 ---- */

static void r1_note(struct engine *en, const struct month_facts *mf)
{
	if (mf->local)
		NOTE(en, "R1", "三.2", "person", true, "social insurance in %d for %s",
		     SP_COUNTY_REGION, trace_month(mf->m).s);
	else if (mf->elsewhere)
		NOTE(en, "R1", "三.2", "person", false, "social insurance for %s only outside %d "
		     "(region %d)", trace_month(mf->m).s, SP_COUNTY_REGION, (int)mf->other_region);
	else
		NOTE(en, "R1", "三.2", "person", false, "no social-insurance row for %s",
		     trace_month(mf->m).s);
}

/* R2: termination is permanent for the record from the first month of its window (from
 * 2021-08) with a. elsewhere(p, m') or b. a discipline decided in [doc_date, d(m')]. Runs
 * every month, before R1 is looked at: a month away terminates although it is unpaid. */
static void r2_update_terminations(struct engine *en, const struct month_facts *mf)
{
	const struct rules_person *p = en->p;

	for (int i = 0; i < en->n_titles; i++) {
		struct title_state *t = &en->titles[i];

		if (t->kind != KIND_TOP || t->terminated_from != MONTH_NONE || !in_window(t, mf->d))
			continue;
		if (mf->elsewhere) {
			t->terminated_from = mf->m;
			t->terminated_by = 'a';
			continue;
		}
		for (int k = 0; k < p->n_discipline; k++) {
			const struct rules_discipline *dis = &p->discipline[k];

			if (t->rec->doc_date <= dis->decided_on && dis->decided_on <= mf->d) {
				t->terminated_from = mf->m;
				t->terminated_by = 'b';
				t->discipline = dis;
				break;
			}
		}
	}
}

static void window_note(struct engine *en, const struct title_state *t, const char *rule,
			const char *clause, const struct month_facts *mf)
{
	char subject[32];
	bool w = in_window(t, mf->d);

	NOTE(en, rule, clause, subject_of(subject, t->kind, t->rec->doc_no), w,
	     "window(t,m): doc_date %s <= d(m) %s < %s (%lld months from doc_date)",
	     trace_day(t->rec->doc_date).s, trace_day(mf->d).s, trace_day(t->window_end).s,
	     (long long)t->window_months);
}

static void r2_termination_note(struct engine *en, const struct title_state *t,
				const struct month_facts *mf)
{
	char subject[32];
	bool by_a = t->terminated_from <= mf->m && t->terminated_by == 'a';
	bool by_b = t->terminated_from <= mf->m && t->terminated_by == 'b';

	subject_of(subject, t->kind, t->rec->doc_no);
	if (by_a)
		NOTE(en, "R2a", "二.1", subject, false, "insured only outside %d in %s: "
		     "terminated from %s", SP_COUNTY_REGION, trace_month(t->terminated_from).s,
		     trace_month(t->terminated_from).s);
	else
		NOTE(en, "R2a", "二.1", subject, true, "no window month from %s to %s insured "
		     "only outside %d", trace_month(t->first_month > SP_FIRST_MONTH ? t->first_month
							 : SP_FIRST_MONTH).s,
		     trace_month(mf->m).s, SP_COUNTY_REGION);
	if (by_b)
		NOTE(en, "R2b", "二.1", subject, false, "discipline %s decided %s (on or after "
		     "doc_date %s): terminated from %s", t->discipline->case_no,
		     trace_day(t->discipline->decided_on).s, trace_day(t->rec->doc_date).s,
		     trace_month(t->terminated_from).s);
	else if (!by_a)
		NOTE(en, "R2b", "二.1", subject, true, "no discipline decided between doc_date "
		     "%s and %s", trace_day(t->rec->doc_date).s, trace_day(mf->d).s);
}

/* R2 (TOP) and R3 (STAR, ACE): some record of the kind has window(t, m) and, for TOP, is
 * not terminated at m; R1 holds. */
static bool r2_r3_window_kind(struct engine *en, enum sp_kind kind, const struct month_facts *mf)
{
	const char *rule = kind == KIND_TOP ? "R2" : "R3";
	const char *clause = kind == KIND_TOP ? "二.1" : "二.2";
	bool any = false, seen = false;

	for (int i = 0; i < en->n_titles; i++) {
		const struct title_state *t = &en->titles[i];

		if (t->kind != kind)
			continue;
		seen = true;
		window_note(en, t, rule, clause, mf);
		if (!in_window(t, mf->d))
			continue;
		if (kind == KIND_TOP)
			r2_termination_note(en, t, mf);
		if (kind != KIND_TOP || t->terminated_from > mf->m)
			any = true;
	}
	if (!seen)
		NOTE(en, rule, clause, kind_name(kind), false, "no %s title record", kind_name(kind));
	return any && mf->local;
}

/* ---- R4 ---- */

/* R4f: no discipline with decided_on <= d(m) < add_months(decided_on, lookback). */
static bool r4f_ethics(struct engine *en, enum sp_kind kind, const struct month_facts *mf)
{
	const struct rules_person *p = en->p;
	int64_t lookback = params_value(en->params, PARAM_ETHICS_LOOKBACK_MONTHS, mf->d);

	if (lookback > WINDOW_MONTHS_MAX)
		lookback = WINDOW_MONTHS_MAX;
	for (int k = 0; k < p->n_discipline; k++) {
		const struct rules_discipline *dis = &p->discipline[k];
		sp_day until = day_add_months(dis->decided_on, (int32_t)lookback);

		if (dis->decided_on <= mf->d && mf->d < until) {
			NOTE(en, "R4f", "二.10", kind_name(kind), false, "discipline %s decided %s: "
			     "look-back of %lld months runs to %s", dis->case_no,
			     trace_day(dis->decided_on).s, (long long)lookback, trace_day(until).s);
			return false;
		}
	}
	NOTE(en, "R4f", "二.10", kind_name(kind), true, "no discipline within %lld months "
	     "before %s (%d records)", (long long)lookback, trace_day(mf->d).s, p->n_discipline);
	return true;
}

/* R4g with R6: not retired(p, m). */
static bool r4g_not_retired(struct engine *en, enum sp_kind kind, const struct month_facts *mf)
{
	const struct rules_person *p = en->p;
	bool by_age = en->statutory <= mf->d;
	bool by_record = p->retired_on <= mf->d;
	static const char *const groups[] = { "M60", "F55", "F50" };
	const char *group = (unsigned)p->group < 3 ? groups[p->group] : "unknown";

	NOTE(en, "R6", "二.10", kind_name(kind), !by_age, "statutory retirement date %s "
	     "(birth %s, group %s)", trace_day(en->statutory).s, trace_day(p->birth).s, group);
	NOTE(en, "R4g", "二.10", kind_name(kind), !by_age && !by_record, "d(m) %s; retired_on "
	     "%s; statutory date %s", trace_day(mf->d).s, trace_day(p->retired_on).s,
	     trace_day(en->statutory).s);
	return !by_age && !by_record;
}

/* R4h: fewer than cap_months earlier months in which this level was paid by R5;
 * R4i: TECH only, SRTECH never paid in an earlier month. */
static bool r4h_r4i_cap(struct engine *en, enum sp_kind kind, const struct month_facts *mf)
{
	enum sp_param cap_param = kind == KIND_SRTECH ? PARAM_SRTECH_CAP_MONTHS
						      : PARAM_TECH_CAP_MONTHS;
	int64_t cap = params_value(en->params, cap_param, mf->d);
	int used = en->paid_months[kind];
	bool h = used < cap;
	bool i = kind != KIND_TECH || en->paid_months[KIND_SRTECH] == 0;

	if (en->tr)
		en->tr->cap_used[kind] = used;
	NOTE(en, "R4h", "二.10", kind_name(kind), h, "used %d of %lld", used, (long long)cap);
	if (kind == KIND_TECH)
		NOTE(en, "R4i", "二.10", kind_name(kind), i, "SRTECH paid in %d earlier months",
		     en->paid_months[KIND_SRTECH]);
	return h && i;
}

/* R4f, R4g, R4h, R4i: the conditions that do not depend on the certificate or spell. */
static bool r4_person(struct engine *en, enum sp_kind kind, const struct month_facts *mf)
{
	bool ok;

	if (!en->tr) {
		/* Cheapest first; the trace wants all of them. */
		return r4h_r4i_cap(en, kind, mf) && r4g_not_retired(en, kind, mf) &&
		       r4f_ethics(en, kind, mf);
	}
	ok = r4f_ethics(en, kind, mf);
	ok = r4g_not_retired(en, kind, mf) && ok;
	ok = r4h_r4i_cap(en, kind, mf) && ok;
	return ok;
}

static const char *ownership_name(enum sp_ownership own)
{
	static const char *const names[] = { "local", "provincial", "central", "public" };

	return (unsigned)own < sizeof(names) / sizeof(names[0]) ? names[own] : "unknown";
}

/* R4b: s covers d(m), its employer is eligible (the occupation was matched by the caller). */
static bool r4b_spell(struct engine *en, const char *subject, const struct rules_employment *s,
		      const struct month_facts *mf)
{
	bool covers = s->start_date <= mf->d && (s->end_date == SP_DAY_NONE || s->end_date >= mf->d);
	const struct rules_employer *e = employer_at(en, s->employer);
	bool eligible = rules_employer_eligible(e, mf->d);

	if (en->tr) {
		const struct rules_employer_row *row = e ? rules_employer_row_at(e, mf->d) : NULL;

		NOTE(en, "R4b", "二.10", subject, covers && eligible, "spell at %s %s..%s in %s "
		     "%s d(m) %s; employer region %d ownership %s (%s)",
		     employer_name(en, s->employer), trace_day(s->start_date).s,
		     trace_day(s->end_date).s, s->occupation, covers ? "covers" : "does not cover",
		     trace_day(mf->d).s, row ? (int)row->region : 0,
		     row ? ownership_name(row->ownership) : "unknown",
		     eligible ? "eligible" : "not eligible");
	}
	return covers && eligible;
}

/* R4d and R4e for the covering spell's employer. */
static bool r4d_r4e_employer(struct engine *en, const char *subject, int employer,
			     const struct month_facts *mf)
{
	const struct rules_employer *e = employer_at(en, employer);
	bool d_ok = si_at_employer(en, mf->m, employer);
	sp_day since = e ? rules_employer_row_at(e, mf->d)->skill_allowance_since : SP_DAY_NONE;
	int64_t amount = allowance_at(en, mf->m, employer);
	bool e_ok = since <= mf->d && amount > 0;

	NOTE(en, "R4d", "二.10", subject, d_ok, "%s social-insurance row for %s at %s in %d",
	     d_ok ? "a" : "no", trace_month(mf->m).s, employer_name(en, employer), SP_COUNTY_REGION);
	NOTE(en, "R4e", "二.10", subject, e_ok, "skill_allowance_since %s; enterprise allowance "
	     "for %s %s", trace_day(since).s, trace_month(mf->m).s, trace_money(amount).s);
	return d_ok && e_ok;
}

/* R4b to R4e (with R4s) for one certificate and one spell of the same occupation. */
static bool r4_spell(struct engine *en, const struct cert_state *cs,
		     const struct rules_employment *s, bool service_ok, const struct month_facts *mf)
{
	char subject[32];
	bool ok;

	subject_of(subject, cs->kind, cs->cert->cert_no);
	if (!r4b_spell(en, subject, s, mf))
		return false;
	ok = service_ok;
	if (!ok && cs->kind == KIND_SRTECH) {
		/* R4s: TECH paid in an earlier month and the enterprise appointed p 高级技师. */
		ok = en->paid_months[KIND_TECH] > 0 && s->appointed_level == 1;
		NOTE(en, "R4s", "二.10", subject, ok, "TECH paid in %d earlier months; spell "
		     "appointed_level %d", en->paid_months[KIND_TECH], s->appointed_level);
	}
	if (!ok && !en->tr)
		return false;
	return r4d_r4e_employer(en, subject, s->employer, mf) && ok;
}

/* R4a and R4c for one certificate, then R4b-R4e over the spells of its occupation. */
static bool r4_cert(struct engine *en, const struct cert_state *cs, const struct month_facts *mf)
{
	const struct rules_person *p = en->p;
	const struct rules_cert *c = cs->cert;
	char subject[32];
	bool a = c->issued_on <= mf->d, service_ok, any = false, seen = false;
	int64_t days, need;

	subject_of(subject, cs->kind, c->cert_no);
	NOTE(en, "R4a", "二.10", subject, a, "issued_on %s, d(m) %s", trace_day(c->issued_on).s,
	     trace_day(mf->d).s);
	if (!a && !en->tr)
		return false;
	days = service_days(en, cs, mf->d);
	need = params_value(en->params, PARAM_TECH_SERVICE_DAYS, mf->d);
	service_ok = days >= need;
	NOTE(en, "R4c", "二.10", subject, service_ok, "%lld service days of %lld required in %s "
	     "from %s to %s", (long long)days, (long long)need, c->occupation,
	     trace_day(c->issued_on).s, trace_day(mf->d).s);
	for (int j = 0; j < p->n_employment && (en->tr || !any); j++) {
		if (!same_occupation(&p->employment[j], c))
			continue;
		seen = true;
		if (r4_spell(en, cs, &p->employment[j], service_ok, mf))
			any = true;
	}
	if (!seen)
		NOTE(en, "R4b", "二.10", subject, false, "no employment spell in occupation %s",
		     c->occupation);
	return a && any;
}

/* R4: eligible at the level of kind (SRTECH level 1, TECH level 2) in month m. */
static bool r4_level(struct engine *en, enum sp_kind kind, const struct month_facts *mf)
{
	bool person_ok, any = false, seen = false;

	assert(kind == KIND_SRTECH || kind == KIND_TECH);
	if (!en->tr) {
		bool has = false;

		for (int i = 0; i < en->n_certs && !has; i++)
			has = en->certs[i].kind == kind;
		if (!has)
			return false;
	}
	person_ok = r4_person(en, kind, mf);
	if (!person_ok && !en->tr)
		return false;
	for (int i = 0; i < en->n_certs && (en->tr || !any); i++) {
		if (en->certs[i].kind != kind)
			continue;
		seen = true;
		if (r4_cert(en, &en->certs[i], mf))
			any = true;
	}
	if (!seen)
		NOTE(en, "R4a", "二.10", kind_name(kind), false, "no certificate of level %d",
		     kind == KIND_SRTECH ? 1 : 2);
	return person_ok && any && mf->local;
}

/* ---- R5, R7 ---- */

/* R5: exactly one eligible allowance is paid, the highest monthly amount; on a tie the
 * lower kind in enum order (window kinds first, then TOP, STAR, ACE, SRTECH, TECH). */
static int r5_pay(struct engine *en, const struct month_facts *mf,
		  const bool eligible[MONTHLY_KINDS])
{
	enum sp_kind paid = KIND_COUNT;
	int64_t amount[MONTHLY_KINDS] = { 0 }, best = 0;

	for (int k = 0; k < MONTHLY_KINDS; k++) {
		if (!eligible[k])
			continue;
		amount[k] = params_value(en->params, monthly_param[k], mf->d);
		if (paid == KIND_COUNT || amount[k] > best) {
			paid = (enum sp_kind)k;
			best = amount[k];
		}
	}
	if (en->tr) {
		en->tr->paid = paid;
		for (int k = 0; k < MONTHLY_KINDS; k++)
			en->tr->eligible[k] = eligible[k];
		NOTE(en, "R5", "三.2", paid == KIND_COUNT ? "none" : kind_name(paid),
		     paid != KIND_COUNT, "eligible: TOP %s, STAR %s, ACE %s, SRTECH %s, TECH %s; "
		     "paid %s %s", eligible[0] ? trace_money(amount[0]).s : "-",
		     eligible[1] ? trace_money(amount[1]).s : "-",
		     eligible[2] ? trace_money(amount[2]).s : "-",
		     eligible[3] ? trace_money(amount[3]).s : "-",
		     eligible[4] ? trace_money(amount[4]).s : "-",
		     paid == KIND_COUNT ? "none" : kind_name(paid), trace_money(best).s);
	}
	if (paid == KIND_COUNT)
		return 0;
	en->paid_months[paid]++;
	return result_append(en, mf->m, paid, -1, best);
}

static void r7_note(struct engine *en, const struct title_state *t, enum sp_kind award,
		    const struct month_facts *mf, bool earned)
{
	char subject[32];
	const char *clause = kind_clause(award);

	subject_of(subject, award, t->rec->doc_no);
	if (earned)
		NOTE(en, "R7", clause, subject, true, "first window month with R1%s: award %s",
		     t->kind == KIND_TOP ? " and not terminated" : "",
		     trace_money(params_value(en->params, award_param[t->kind], mf->d)).s);
	else if (t->rec->doc_date < month_first_day(SP_FIRST_MONTH))
		NOTE(en, "R7", clause, subject, false, "doc_date %s before policy_start 2021-08-01",
		     trace_day(t->rec->doc_date).s);
	else if (t->duplicate_of)
		NOTE(en, "R7", clause, subject, false, "window shares a month with earlier %s of %s",
		     t->duplicate_of->doc_no, trace_day(t->duplicate_of->doc_date).s);
	else if (t->awarded_in != MONTH_NONE)
		NOTE(en, "R7", clause, subject, false, "award already earned in %s",
		     trace_month(t->awarded_in).s);
	else
		NOTE(en, "R7", clause, subject, false, "not local or terminated in %s",
		     trace_month(mf->m).s);
}

/* R7: each record dated from policy_start, not a duplicate, earns its award once, in the
 * first month with window(t, m), R1 and (TOP) not terminated. Not subject to R5. */
static int r7_awards(struct engine *en, const struct month_facts *mf)
{
	sp_day start = month_first_day(SP_FIRST_MONTH);

	for (int i = 0; i < en->n_titles; i++) {
		struct title_state *t = &en->titles[i];
		enum sp_kind award = (enum sp_kind)(KIND_TOP_AWARD + t->kind);
		bool earned;

		if (!in_window(t, mf->d))
			continue;
		earned = t->rec->doc_date >= start && !t->duplicate_of &&
			 t->awarded_in == MONTH_NONE && mf->local &&
			 (t->kind != KIND_TOP || t->terminated_from > mf->m);
		r7_note(en, t, award, mf, earned);
		if (!earned)
			continue;
		t->awarded_in = mf->m;
		if (result_append(en, mf->m, award, -1,
				  params_value(en->params, award_param[t->kind], mf->d)) < 0)
			return -1;
	}
	return 0;
}

/* ---- one month, all months ---- */

static int evaluate_month(struct engine *en, sp_month m)
{
	struct month_facts mf;
	bool eligible[MONTHLY_KINDS];

	month_facts_load(en, m, &mf);
	r2_update_terminations(en, &mf);
	if (!mf.local && !en->tr)
		return 0;   /* R1: every kind of the person needs local(p, m) */
	r1_note(en, &mf);
	eligible[KIND_TOP] = r2_r3_window_kind(en, KIND_TOP, &mf);
	eligible[KIND_STAR] = r2_r3_window_kind(en, KIND_STAR, &mf);
	eligible[KIND_ACE] = r2_r3_window_kind(en, KIND_ACE, &mf);
	eligible[KIND_SRTECH] = r4_level(en, KIND_SRTECH, &mf);
	eligible[KIND_TECH] = r4_level(en, KIND_TECH, &mf);
	if (r5_pay(en, &mf, eligible) < 0)
		return -1;
	return r7_awards(en, &mf);
}

/* R13 step 3 for one month of the person's chief slice. */
static int r13_chief_month(struct engine *en, const struct rules_chief_month *cm)
{
	sp_day d = month_first_day(cm->month);
	bool si = si_at_employer(en, cm->month, cm->employer);
	int64_t allowance = allowance_at(en, cm->month, cm->employer);
	int64_t rate = params_value(en->params, PARAM_CHIEF_RATE_PCT, d);
	int64_t cap = params_value(en->params, PARAM_CHIEF_CAP, d);
	int64_t amount = 0;
	char subject[32];

	if (rate < 0)
		return sp_error_set(en->err, SP_EXIT_INTERNAL, "rules: CHIEF.rate_pct %lld is "
				    "negative", (long long)rate);
	if (si && allowance > 0) {
		if (money_percent_half_up(allowance, rate, &amount) < 0)
			return sp_error_set(en->err, SP_EXIT_INTERNAL, "rules: CHIEF amount for "
					    "'%s' overflows", en->p->id);
		amount = amount < cap ? amount : cap;
	}
	NOTE(en, "R13", "二.4", subject_of(subject, KIND_CHIEF, employer_name(en, cm->employer)),
	     si && allowance > 0, "counting chief; %s social-insurance row at the employer in %d; "
	     "enterprise allowance %s x %lld%% capped at %s = %s", si ? "a" : "no",
	     SP_COUNTY_REGION, trace_money(allowance).s, (long long)rate, trace_money(cap).s,
	     trace_money(amount).s);
	return result_append(en, cm->month, KIND_CHIEF, cm->employer, amount);
}

static int r13_chief(struct engine *en, const struct rules_chief_month *slice, int n)
{
	for (int i = 0; i < n; i++) {
		assert(strcmp(slice[i].person_id, en->p->id) == 0);
		if (slice[i].month < SP_FIRST_MONTH || slice[i].month > en->last ||
		    !employer_at(en, slice[i].employer))
			continue;
		en->tr = en->trace && en->trace->month == slice[i].month ? en->trace : NULL;
		if (r13_chief_month(en, &slice[i]) < 0)
			return -1;
	}
	en->tr = NULL;
	return 0;
}

static int engine_prepare(struct engine *en)
{
	const struct rules_person *p = en->p;

	if (month_index_build(&en->si, en->n_months, p->n_si, si_month, p) < 0 ||
	    month_index_build(&en->al, en->n_months, p->n_allowances, allowance_month, p) < 0 ||
	    titles_prepare(en) < 0 || certs_prepare(en) < 0)
		return sp_error_set(en->err, SP_EXIT_INTERNAL, "rules: out of memory");
	en->statutory = rules_statutory_date(p->birth, p->group);
	return 0;
}

static void engine_free(struct engine *en)
{
	month_index_free(&en->si);
	month_index_free(&en->al);
	free(en->titles);
	free(en->certs);
	free(en->spans);
}

static int engine_run(struct engine *en, const struct rules_chief_month *chief_slice,
		      int n_chief)
{
	const struct rules_person *p = en->p;

	if (engine_prepare(en) < 0)
		return -1;
	/* Months carry the person's own kinds only with a title or a certificate. */
	for (sp_month m = SP_FIRST_MONTH; m <= en->last && (p->n_titles > 0 || p->n_certs > 0 ||
							     en->trace); m++) {
		en->tr = en->trace && en->trace->month == m ? en->trace : NULL;
		if (evaluate_month(en, m) < 0)
			return -1;
	}
	en->tr = NULL;
	if (r13_chief(en, chief_slice, n_chief) < 0)
		return -1;
	if (en->trace_failed)
		return sp_error_set(en->err, SP_EXIT_INTERNAL, "rules: out of memory for the trace");
	if (en->ret->n > en->ret_start)
		qsort(en->ret->v + en->ret_start, (size_t)(en->ret->n - en->ret_start),
		      sizeof(*en->ret->v), line_cmp);
	return 0;
}

/* R0 and the unknown person, recorded when the traced month is not evaluated. */
static void trace_not_evaluated(struct rules_trace *trace, const struct rules_person *p,
				sp_month last)
{
	struct engine en = { .tr = trace };
	const char *why = !p->known ? "no persons row: an unknown person is never paid"
		: trace->month < SP_FIRST_MONTH ? "before policy_start 2021-08-01"
		: trace->month > last ? "after the last month evaluated" : NULL;

	if (why)
		NOTE(&en, "R0", "", "person", false, "%s", why);
}

int rules_person_evaluate(const struct rules_params *params,
			  const struct rules_employers *employers,
			  const struct rules_person *p,
			  const struct rules_chief_month *chief_slice, int n_chief,
			  sp_month last, struct rules_result *ret,
			  struct rules_trace *trace, struct sp_error *err)
{
	struct engine en;
	int rc;

	assert(params && employers && p && ret);
	assert(n_chief == 0 || chief_slice);
	if (trace)
		trace_not_evaluated(trace, p, last);
	/* Unknown persons get nothing at all (no CHIEF either); R0: nothing before 2021-08. */
	if (!p->known || last < SP_FIRST_MONTH)
		return 0;
	/* The common case of the population: nothing that could ever be paid. */
	if (p->n_titles == 0 && p->n_certs == 0 && n_chief == 0 && !trace)
		return 0;
	if (last - SP_FIRST_MONTH >= SP_MONTHS_MAX)
		return sp_error_set(err, SP_EXIT_INTERNAL, "rules: too many months to evaluate");
	memset(&en, 0, sizeof(en));
	en.params = params;
	en.employers = employers;
	en.p = p;
	en.last = last;
	en.n_months = last - SP_FIRST_MONTH + 1;
	en.ret = ret;
	en.ret_start = ret->n;
	en.trace = trace;
	en.err = err;
	rc = engine_run(&en, chief_slice, n_chief);
	engine_free(&en);
	if (rc < 0)
		ret->n = en.ret_start;
	assert(ret->n >= en.ret_start);
	return rc;
}
