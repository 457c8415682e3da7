/* kinds.c - the kinds of entitlement of RULES.md section 2, and the result array. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/rules.h"

struct kind_info {
	const char *name;
	const char *rule;    /* CLI.md: the rule of the kind on a ledger line */
	const char *clause;  /* the policy clause it comes from */
	bool award;
};

static const struct kind_info kind_table[KIND_COUNT] = {
	[KIND_TOP] = { "TOP", "R2", "二.1", false },
	[KIND_STAR] = { "STAR", "R3", "二.2", false },
	[KIND_ACE] = { "ACE", "R3", "二.2", false },
	[KIND_SRTECH] = { "SRTECH", "R4", "二.10", false },
	[KIND_TECH] = { "TECH", "R4", "二.10", false },
	[KIND_TOP_AWARD] = { "TOP_AWARD", "R7", "二.1", true },
	[KIND_STAR_AWARD] = { "STAR_AWARD", "R7", "二.2", true },
	[KIND_ACE_AWARD] = { "ACE_AWARD", "R7", "二.2", true },
	[KIND_CHIEF] = { "CHIEF", "R13", "二.4", false },
};

static const struct kind_info *kind_info(enum sp_kind k)
{
	assert((int)k >= 0 && k < KIND_COUNT);
	if ((int)k < 0 || k >= KIND_COUNT)
		return NULL;
	return &kind_table[k];
}

const char *kind_name(enum sp_kind k)
{
	const struct kind_info *info = kind_info(k);

	return info ? info->name : "?";
}

int kind_parse(const char *s, enum sp_kind *ret_kind)
{
	assert(ret_kind);
	if (!s)
		return -1;
	for (int k = 0; k < KIND_COUNT; k++) {
		if (strcmp(s, kind_table[k].name) == 0) {
			*ret_kind = (enum sp_kind)k;
			return 0;
		}
	}
	return -1;
}

const char *kind_rule(enum sp_kind k)
{
	const struct kind_info *info = kind_info(k);

	return info ? info->rule : "?";
}

const char *kind_clause(enum sp_kind k)
{
	const struct kind_info *info = kind_info(k);

	return info ? info->clause : "?";
}

/* RULES.md section 1: every kind is paid from the talent fund (人才专项经费). */
const char *kind_funding(enum sp_kind k)
{
	assert((int)k >= 0 && k < KIND_COUNT);
	(void)k;
	return "TALENT";
}

bool kind_is_award(enum sp_kind k)
{
	const struct kind_info *info = kind_info(k);

	return info ? info->award : false;
}

void rules_result_reset(struct rules_result *r)
{
	assert(r);
	assert(r->n >= 0 && r->n <= r->cap);
	r->n = 0;
}

/* Frees the lines; accepts NULL and leaves *r empty and reusable. */
void rules_result_release(struct rules_result *r)
{
	if (!r)
		return;
	free(r->v);
	r->v = NULL;
	r->n = 0;
	r->cap = 0;
}
