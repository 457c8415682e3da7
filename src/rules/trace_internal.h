/* trace_internal.h - appending to a rules_trace, for the engine only (not installed). */
#ifndef SKILLPAY_RULES_TRACE_INTERNAL_H
#define SKILLPAY_RULES_TRACE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include "skillpay/rules.h"

/* Formatted values for `why` texts, returned by value so that several fit in one printf:
 * trace_day(d).s is "YYYY-MM-DD" ("none" for SP_DAY_NONE), trace_month(m).s "YYYY-MM",
 * trace_money(fen).s yuan with two decimals. */
struct trace_day { char s[11]; };
struct trace_month { char s[8]; };
struct trace_money { char s[32]; };

struct trace_day trace_day(sp_day d);
struct trace_month trace_month(sp_month m);
struct trace_money trace_money(int64_t amount_fen);

/* Copies "<kind> <name>" into subject (32 bytes), cut at a UTF-8 character boundary. */
void trace_subject(char subject[static 32], enum sp_kind kind, const char *name);

/* Appends one entry (rule, clause and subject are cut to their fields at a character
 * boundary, why is formatted). Returns 0, or -1 when the array cannot grow (t unchanged). */
int trace_addv(struct rules_trace *t, const char *rule, const char *clause, const char *subject,
	       bool passed, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

#endif
