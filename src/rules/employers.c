/* employers.c - dated employer facts and eligible_employer (RULES.md section 3). */
#include <assert.h>
#include <string.h>
#include "skillpay/rules.h"

/* Binary search on the id; employers->v is sorted by strcmp of id. */
int rules_employer_find(const struct rules_employers *employers, const char *id)
{
	int lo = 0, hi;

	assert(employers && id);
	hi = employers->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(employers->v[mid].id, id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* RULES §3: the row with the latest valid_from <= d; the earliest row also stands for every
 * day before its valid_from. Rows are sorted by valid_from ascending. */
const struct rules_employer_row *rules_employer_row_at(const struct rules_employer *e, sp_day d)
{
	int lo = 0, hi;

	assert(e && e->n_rows >= 1 && e->rows);
	hi = e->n_rows;
	if (d < e->rows[0].valid_from)
		return &e->rows[0];
	/* Invariant: rows[lo].valid_from <= d; the answer is in [lo, hi). */
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		if (e->rows[mid].valid_from <= d)
			lo = mid;
		else
			hi = mid;
	}
	assert(e->rows[lo].valid_from <= d);
	return &e->rows[lo];
}

/* RULES §3 (二.10: 我县企业, 不含省部属企业): in the row in force, region = county_region and
 * ownership = local. An unknown employer (NULL) is never eligible. */
bool rules_employer_eligible(const struct rules_employer *e, sp_day d)
{
	const struct rules_employer_row *row;

	if (!e || e->n_rows < 1)
		return false;
	row = rules_employer_row_at(e, d);
	return row->region == SP_COUNTY_REGION && row->ownership == OWN_LOCAL;
}
