/* rules.h - the pure rules engine: one payee's facts and the parameters in, the entitlement of
 * every month from 2021-08 out, with a trace of every rule checked. RULES.md is the contract;
 * rule ids (R1, R4c ...) are cited in the code and in the trace.
 *
 * Pure: no SQL, no files, no printing, no globals, no clock. The same facts give the same
 * answer, which is what lets run, explain and replay call it with facts from different moments.
 * Memory: results and traces are growable arrays owned by the caller's structs; the engine
 * only allocates inside them (and frees its own scratch). */
#ifndef SKILLPAY_RULES_H
#define SKILLPAY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "skillpay/error.h"
#include "skillpay/limits.h"

/* ---- kinds (RULES.md section 2) ---- */

enum sp_kind {
	KIND_TOP,
	KIND_STAR,
	KIND_ACE,
	KIND_SRTECH,
	KIND_TECH,
	KIND_TOP_AWARD,
	KIND_STAR_AWARD,
	KIND_ACE_AWARD,
	KIND_CHIEF,
	KIND_COUNT
};

const char *kind_name(enum sp_kind k);            /* "TOP", "TECH", "TOP_AWARD" ... */
int kind_parse(const char *s, enum sp_kind *ret_kind);  /* 0 or -1 */
const char *kind_rule(enum sp_kind k);            /* CLI.md: "R2", "R3", "R4", "R7", "R13" */
const char *kind_clause(enum sp_kind k);          /* "二.1", "二.2", "二.10", "二.4" */
const char *kind_funding(enum sp_kind k);         /* "TALENT" for every kind (RULES.md section 1) */
bool kind_is_award(enum sp_kind k);

/* ---- parameters (RULES.md section 1) ---- */

enum sp_param {
	PARAM_TOP_MONTHLY,
	PARAM_TOP_WINDOW_MONTHS,
	PARAM_TOP_AWARD,
	PARAM_STAR_MONTHLY,
	PARAM_STAR_WINDOW_MONTHS,
	PARAM_STAR_AWARD,
	PARAM_ACE_MONTHLY,
	PARAM_ACE_WINDOW_MONTHS,
	PARAM_ACE_AWARD,
	PARAM_SRTECH_MONTHLY,
	PARAM_SRTECH_CAP_MONTHS,
	PARAM_TECH_MONTHLY,
	PARAM_TECH_CAP_MONTHS,
	PARAM_TECH_SERVICE_DAYS,
	PARAM_ETHICS_LOOKBACK_MONTHS,
	PARAM_CHIEF_RATE_PCT,
	PARAM_CHIEF_CAP,
	PARAM_COUNT
};

const char *param_name(enum sp_param p);            /* "TOP.monthly", "ethics_lookback_months" ... */
int param_parse(const char *s, enum sp_param *ret); /* 0, or -1 for an unknown name */
int64_t param_initial_value(enum sp_param p);      /* the initial values of RULES.md section 1 */

struct rules_param_row {
	sp_day effective_from;
	int64_t value;
};

/* One parameter's rows sorted by effective_from ascending (at least one row each). */
struct rules_params {
	struct rules_param_row *rows[PARAM_COUNT];
	int n[PARAM_COUNT];
};

/* The row with the latest effective_from <= day; before the first row, the first value. */
int64_t params_value(const struct rules_params *params, enum sp_param p, sp_day day);
/* Fills params with the initial values only (one row each, effective 2021-08-01). */
void params_init_defaults(struct rules_params *params);
void params_release(struct rules_params *params);

/* ---- facts ---- */

enum sp_ownership { OWN_LOCAL, OWN_PROVINCIAL, OWN_CENTRAL, OWN_PUBLIC };
enum sp_retire_group { RETIRE_M60, RETIRE_F55, RETIRE_F50 };
enum sp_title { TITLE_TOP, TITLE_STAR, TITLE_ACE };

#define SP_COUNTY_REGION 330723  /* county_region, fixed */

struct rules_employer_row {
	sp_day valid_from;
	int32_t region;                 /* 6-digit administrative code */
	enum sp_ownership ownership;
	sp_day skill_allowance_since;   /* SP_DAY_NONE when empty */
	sp_day chief_qualified_since;   /* SP_DAY_NONE when empty */
	int64_t batch;                  /* ingest batch of the row, for explain */
};

struct rules_employer {
	char id[SP_ID_LEN + 1];
	int n_rows;
	struct rules_employer_row *rows;  /* sorted by valid_from ascending, n_rows >= 1 */
};

/* Every employer, sorted by id (strcmp). */
struct rules_employers {
	int n;
	struct rules_employer *v;
};

/* Index of employer id, or -1 when unknown. */
int rules_employer_find(const struct rules_employers *employers, const char *id);
/* RULES §3: the row in force on day d (latest valid_from <= d; the earliest row before that). */
const struct rules_employer_row *rules_employer_row_at(const struct rules_employer *e, sp_day d);
/* RULES §3: eligible_employer(e, m) on day d. e may be NULL (unknown employer: not eligible). */
bool rules_employer_eligible(const struct rules_employer *e, sp_day d);

/* Each fact carries the ingest batch that brought it, so explain can name it. Employer
 * references are indexes into struct rules_employers, -1 for an unknown employer. */

struct rules_si {                 /* social_insurance */
	sp_month month;
	int employer;
	int32_t region;
	int64_t batch;
};

struct rules_employment {
	int employer;
	sp_day start_date;
	sp_day end_date;              /* SP_DAY_NONE when open */
	char occupation[24];
	int appointed_level;          /* 0 when empty, else 1..5 */
	int64_t batch;
};

struct rules_cert {
	char cert_no[64];
	int level;                    /* 1 = 高级技师, 2 = 技师, 3..5 */
	char occupation[24];
	sp_day issued_on;
	int64_t batch;
};

struct rules_title_rec {
	enum sp_title title;
	sp_day doc_date;
	char doc_no[SP_FIELD_MAX_BYTES + 1];
	int64_t batch;
};

struct rules_allowance {          /* enterprise_allowance */
	int employer;
	sp_month month;
	int64_t amount_fen;
	int64_t batch;
};

struct rules_discipline {
	char case_no[64];
	sp_day decided_on;
	int64_t batch;
};

/* One person's facts as known at some batch. Arrays may come in any order; the engine does
 * not reorder the caller's arrays (it sorts copies where it needs order). */
struct rules_person {
	char id[SP_ID_LEN + 1];
	bool known;                   /* has a persons row; an unknown person is never paid */
	sp_day birth;                 /* from the identity number */
	enum sp_retire_group group;
	sp_day retired_on;            /* SP_DAY_NONE when empty */
	struct rules_si *si;                 int n_si;
	struct rules_employment *employment; int n_employment;
	struct rules_cert *certs;            int n_certs;
	struct rules_title_rec *titles;      int n_titles;
	struct rules_allowance *allowances;  int n_allowances;
	struct rules_discipline *discipline; int n_discipline;
};

/* ---- R13: the chief craftsman plan, computed once for all employers ---- */

struct rules_chief {              /* chief_craftsmen row */
	int employer;                 /* index, -1 unknown */
	char person_id[SP_ID_LEN + 1];
	sp_day appointed_on;
	sp_day ended_on;              /* SP_DAY_NONE when open */
};

/* One month in which person_id is the counting chief of employer after R13 steps 1 and 2. */
struct rules_chief_month {
	char person_id[SP_ID_LEN + 1];
	sp_month month;
	int employer;
};

struct rules_chief_plan {
	int n, cap;
	struct rules_chief_month *v;  /* sorted by person_id, then month, then employer */
};

/* R13 steps 1 and 2 for every month from 2021-08 to last. Fills *ret (which the caller has
 * zeroed or released). Returns 0, or -1 with err set (allocation failure). */
int rules_chief_plan_build(const struct rules_employers *employers,
			   const struct rules_chief *chiefs, int n_chiefs, sp_month last,
			   struct rules_chief_plan *ret, struct sp_error *err);
/* The slice of plan for one person (binary search); *ret_n = 0 when none. */
const struct rules_chief_month *rules_chief_plan_for(const struct rules_chief_plan *plan,
						     const char *person_id, int *ret_n);
void rules_chief_plan_release(struct rules_chief_plan *plan);

/* ---- results ---- */

/* One entitlement: amount_fen for (payee, person, month, kind). The payee is the person,
 * except for CHIEF where it is the employer at index `employer`. Zero amounts are not listed. */
struct rules_line {
	sp_month month;
	enum sp_kind kind;
	int employer;                 /* -1 for a person's own kinds; the employer for CHIEF */
	int64_t amount_fen;
};

struct rules_result {
	int n, cap;
	struct rules_line *v;         /* sorted by month, then kind, then employer */
};

void rules_result_reset(struct rules_result *r);   /* n = 0, keeps the memory */
void rules_result_release(struct rules_result *r);

/* ---- trace (explain) ---- */

struct rules_trace_entry {
	char rule[8];                 /* "R4c", "R5", "R6" ... */
	char clause[16];              /* "二.10" ... */
	char subject[32];             /* what was checked: "TECH", "TOP 武政办〔2022〕12号" ... */
	bool passed;
	char why[320];                /* the values that decided it: dates, day counts, counters */
};

/* Filled for one month only (the month asked for); entries in the order checked. */
struct rules_trace {
	sp_month month;
	int n, cap;
	struct rules_trace_entry *v;
	enum sp_kind paid;            /* the kind paid by R5, or KIND_COUNT when none */
	bool eligible[KIND_COUNT];    /* eligible before R5; suppressed = eligible && != paid */
	int cap_used[KIND_COUNT];     /* R4h: months of SRTECH/TECH paid before this month */
};

void rules_trace_init(struct rules_trace *t, sp_month month);
void rules_trace_release(struct rules_trace *t);

/* ---- the engine ---- */

/* Evaluates every month from 2021-08 (SP_FIRST_MONTH) to last for person p: R0-R7 for the
 * person's own kinds and R13 step 3 for the months of chief_slice (the person's slice of the
 * chief plan). Appends to *ret (after rules_result_reset by the caller). When trace is not
 * NULL, records every rule checked in trace->month. Returns 0, or -1 with err set
 * (allocation failure, overflow). p, params and employers are not changed. */
int rules_person_evaluate(const struct rules_params *params,
			  const struct rules_employers *employers,
			  const struct rules_person *p,
			  const struct rules_chief_month *chief_slice, int n_chief,
			  sp_month last, struct rules_result *ret,
			  struct rules_trace *trace, struct sp_error *err);

/* R6: the day p reaches the statutory retirement age (RULES.md section 6). */
sp_day rules_statutory_date(sp_day birth, enum sp_retire_group group);

#endif
