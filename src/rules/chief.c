/* chief.c - R13 steps 1 and 2: which person is the counting chief craftsman of which
 * employer in each month (二.4: 原则上每家企业一名, 每人每月). Step 3 needs the person's
 * facts and happens in rules_person_evaluate. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/rules.h"

/* A counting chief of step 1, competing in step 2. */
struct chief_candidate {
	const char *person_id;
	sp_day appointed_on;
	const char *employer_id;
	int employer;
};

/* Step 1 order: by employer, then earliest appointed_on, then smaller person_id. */
static int chief_cmp_step1(const void *a, const void *b)
{
	const struct rules_chief *x = *(const struct rules_chief *const *)a;
	const struct rules_chief *y = *(const struct rules_chief *const *)b;

	if (x->employer != y->employer)
		return x->employer < y->employer ? -1 : 1;
	if (x->appointed_on != y->appointed_on)
		return x->appointed_on < y->appointed_on ? -1 : 1;
	return strcmp(x->person_id, y->person_id);
}

/* Step 2 order: by person, then earliest appointed_on, then smaller employer id. */
static int chief_cmp_step2(const void *a, const void *b)
{
	const struct chief_candidate *x = a, *y = b;
	int c = strcmp(x->person_id, y->person_id);

	if (c != 0)
		return c;
	if (x->appointed_on != y->appointed_on)
		return x->appointed_on < y->appointed_on ? -1 : 1;
	return strcmp(x->employer_id, y->employer_id);
}

/* The plan's order: person_id, month, employer. */
static int chief_cmp_plan(const void *a, const void *b)
{
	const struct rules_chief_month *x = a, *y = b;
	int c = strcmp(x->person_id, y->person_id);

	if (c != 0)
		return c;
	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return (x->employer > y->employer) - (x->employer < y->employer);
}

static bool chief_covers(const struct rules_chief *c, sp_day d)
{
	return c->appointed_on <= d && (c->ended_on == SP_DAY_NONE || c->ended_on >= d);
}

static int plan_append(struct rules_chief_plan *plan, const struct chief_candidate *cand,
		       sp_month m)
{
	struct rules_chief_month *row;

	if (plan->n == plan->cap) {
		int cap = plan->cap ? plan->cap * 2 : 64;
		struct rules_chief_month *v = realloc(plan->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -1;
		plan->v = v;
		plan->cap = cap;
	}
	row = &plan->v[plan->n++];
	memset(row, 0, sizeof(*row));
	memcpy(row->person_id, cand->person_id, strnlen(cand->person_id, SP_ID_LEN));
	row->month = m;
	row->employer = cand->employer;
	return 0;
}

/* R13 step 1 for month m: of each qualified employer's records covering d(m), the first in
 * step-1 order (the sorted group) counts. Writes the candidates, returns their number. */
static int chief_step1(const struct rules_employers *employers,
		       const struct rules_chief *const *sorted, int n, sp_day d,
		       struct chief_candidate *ret_cands)
{
	int n_cands = 0;

	for (int i = 0; i < n;) {
		int e = sorted[i]->employer, end = i;
		const struct rules_employer_row *row;

		while (end < n && sorted[end]->employer == e)
			end++;
		/* R13.1: only an employer whose row in force has chief_qualified_since <= d(m). */
		row = rules_employer_row_at(&employers->v[e], d);
		for (int j = i; j < end && row->chief_qualified_since <= d; j++) {
			if (chief_covers(sorted[j], d)) {
				ret_cands[n_cands++] = (struct chief_candidate){
					sorted[j]->person_id, sorted[j]->appointed_on,
					employers->v[e].id, e };
				break;
			}
		}
		i = end;
	}
	return n_cands;
}

/* R13 step 2 for month m: a person who counts for several employers keeps the first in
 * step-2 order; the others get nothing (no fall-back). Appends the survivors to plan. */
static int chief_step2(struct chief_candidate *cands, int n_cands, sp_month m,
		       struct rules_chief_plan *plan)
{
	if (n_cands > 0)
		qsort(cands, (size_t)n_cands, sizeof(*cands), chief_cmp_step2);
	for (int i = 0; i < n_cands; i++) {
		if (i > 0 && strcmp(cands[i].person_id, cands[i - 1].person_id) == 0)
			continue;
		if (plan_append(plan, &cands[i], m) < 0)
			return -1;
	}
	return 0;
}

/* Sorted pointers to the chief records with a known employer; *ret_n their number. */
static const struct rules_chief **chief_sorted(const struct rules_employers *employers,
					       const struct rules_chief *chiefs, int n_chiefs,
					       int *ret_n)
{
	const struct rules_chief **sorted = malloc((size_t)(n_chiefs > 0 ? n_chiefs : 1) *
						   sizeof(*sorted));
	int n = 0;

	if (!sorted)
		return NULL;
	for (int i = 0; i < n_chiefs; i++)
		if (chiefs[i].employer >= 0 && chiefs[i].employer < employers->n)
			sorted[n++] = &chiefs[i];
	if (n > 0)
		qsort(sorted, (size_t)n, sizeof(*sorted), chief_cmp_step1);
	*ret_n = n;
	return sorted;
}

int rules_chief_plan_build(const struct rules_employers *employers,
			   const struct rules_chief *chiefs, int n_chiefs, sp_month last,
			   struct rules_chief_plan *ret, struct sp_error *err)
{
	const struct rules_chief **sorted;
	struct chief_candidate *cands;
	int n = 0, rc = 0;

	assert(employers && ret && n_chiefs >= 0);
	assert(n_chiefs == 0 || chiefs);
	memset(ret, 0, sizeof(*ret));
	if (last >= SP_FIRST_MONTH && last - SP_FIRST_MONTH >= SP_MONTHS_MAX)
		return sp_error_set(err, SP_EXIT_INTERNAL, "chief plan: too many months");
	sorted = chief_sorted(employers, chiefs, n_chiefs, &n);
	cands = malloc((size_t)(n > 0 ? n : 1) * sizeof(*cands));
	if (!sorted || !cands) {
		free(sorted);
		free(cands);
		return sp_error_set(err, SP_EXIT_INTERNAL, "chief plan: out of memory");
	}
	for (sp_month m = SP_FIRST_MONTH; m <= last && rc == 0; m++) {
		int n_cands = chief_step1(employers, sorted, n, month_first_day(m), cands);

		assert(n_cands <= n);
		rc = chief_step2(cands, n_cands, m, ret);
	}
	free(sorted);
	free(cands);
	if (rc < 0) {
		rules_chief_plan_release(ret);
		return sp_error_set(err, SP_EXIT_INTERNAL, "chief plan: out of memory");
	}
	if (ret->n > 0)  /* qsort may not be given NULL, even for no elements */
		qsort(ret->v, (size_t)ret->n, sizeof(*ret->v), chief_cmp_plan);
	return 0;
}

/* Binary search for the first row of person_id; the slice is contiguous by the plan order. */
const struct rules_chief_month *rules_chief_plan_for(const struct rules_chief_plan *plan,
						     const char *person_id, int *ret_n)
{
	int lo = 0, hi, end;

	assert(plan && person_id && ret_n);
	*ret_n = 0;
	hi = plan->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (strcmp(plan->v[mid].person_id, person_id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < plan->n && strcmp(plan->v[end].person_id, person_id) == 0; end++)
		;
	*ret_n = end - lo;
	return *ret_n > 0 ? &plan->v[lo] : NULL;
}

/* Frees the plan; accepts NULL. */
void rules_chief_plan_release(struct rules_chief_plan *plan)
{
	if (!plan)
		return;
	free(plan->v);
	plan->v = NULL;
	plan->n = 0;
	plan->cap = 0;
}
