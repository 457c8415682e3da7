/* params.c - the dated parameter table of RULES.md section 1. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/rules.h"

struct param_info {
	const char *name;
	int64_t initial;
};

/* RULES.md section 1: names as the parameters feed writes them, and the initial values. */
static const struct param_info param_table[PARAM_COUNT] = {
	[PARAM_TOP_MONTHLY] = { "TOP.monthly", 50000 },
	[PARAM_TOP_WINDOW_MONTHS] = { "TOP.window_months", 36 },
	[PARAM_TOP_AWARD] = { "TOP.award", 600000 },
	[PARAM_STAR_MONTHLY] = { "STAR.monthly", 30000 },
	[PARAM_STAR_WINDOW_MONTHS] = { "STAR.window_months", 36 },
	[PARAM_STAR_AWARD] = { "STAR.award", 200000 },
	[PARAM_ACE_MONTHLY] = { "ACE.monthly", 20000 },
	[PARAM_ACE_WINDOW_MONTHS] = { "ACE.window_months", 36 },
	[PARAM_ACE_AWARD] = { "ACE.award", 100000 },
	[PARAM_SRTECH_MONTHLY] = { "SRTECH.monthly", 30000 },
	[PARAM_SRTECH_CAP_MONTHS] = { "SRTECH.cap_months", 36 },
	[PARAM_TECH_MONTHLY] = { "TECH.monthly", 20000 },
	[PARAM_TECH_CAP_MONTHS] = { "TECH.cap_months", 36 },
	[PARAM_TECH_SERVICE_DAYS] = { "TECH.service_days", 365 },
	[PARAM_ETHICS_LOOKBACK_MONTHS] = { "ethics_lookback_months", 12 },
	[PARAM_CHIEF_RATE_PCT] = { "CHIEF.rate_pct", 30 },
	[PARAM_CHIEF_CAP] = { "CHIEF.cap", 50000 },
};

static bool param_valid(enum sp_param p)
{
	return (int)p >= 0 && p < PARAM_COUNT;
}

const char *param_name(enum sp_param p)
{
	assert(param_valid(p));
	return param_valid(p) ? param_table[p].name : "?";
}

int param_parse(const char *s, enum sp_param *ret)
{
	assert(ret);
	if (!s)
		return -1;
	for (int p = 0; p < PARAM_COUNT; p++) {
		if (strcmp(s, param_table[p].name) == 0) {
			*ret = (enum sp_param)p;
			return 0;
		}
	}
	return -1;
}

int64_t param_initial_value(enum sp_param p)
{
	assert(param_valid(p));
	return param_valid(p) ? param_table[p].initial : 0;
}

/* RULES §1: the row with the latest effective_from <= day; before the first row, the first
 * value. A parameter without rows (params_init_defaults could not allocate) has its initial
 * value, which is what the single default row would hold. */
int64_t params_value(const struct rules_params *params, enum sp_param p, sp_day day)
{
	const struct rules_param_row *rows;
	int lo = 0, hi;

	assert(params && param_valid(p));
	if (!param_valid(p))
		return 0;
	hi = params->n[p];
	rows = params->rows[p];
	if (hi <= 0 || !rows)
		return param_initial_value(p);
	if (day < rows[0].effective_from)
		return rows[0].value;
	/* Invariant: rows[lo].effective_from <= day; the answer is in [lo, hi). */
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		if (rows[mid].effective_from <= day)
			lo = mid;
		else
			hi = mid;
	}
	assert(rows[lo].effective_from <= day);
	return rows[lo].value;
}

/* One row per parameter, effective from policy_start (2021-08-01). Should an allocation
 * fail, that parameter is left without rows and params_value still answers its initial
 * value, so the table is usable either way. */
void params_init_defaults(struct rules_params *params)
{
	sp_day start = month_first_day(SP_FIRST_MONTH);

	assert(params);
	for (int p = 0; p < PARAM_COUNT; p++) {
		params->rows[p] = malloc(sizeof(*params->rows[p]));
		params->n[p] = params->rows[p] ? 1 : 0;
		if (params->rows[p]) {
			params->rows[p][0].effective_from = start;
			params->rows[p][0].value = param_table[p].initial;
		}
	}
}

/* Frees every parameter's rows (malloc'd by whoever filled them); accepts NULL. */
void params_release(struct rules_params *params)
{
	if (!params)
		return;
	for (int p = 0; p < PARAM_COUNT; p++) {
		free(params->rows[p]);
		params->rows[p] = NULL;
		params->n[p] = 0;
	}
}
