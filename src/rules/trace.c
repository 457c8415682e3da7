/* trace.c - the trace of every rule checked in one month (explain). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/money.h"
#include "trace_internal.h"

#define TRACE_ENTRIES_MAX 100000  /* far above what one person and month can produce */

void rules_trace_init(struct rules_trace *t, sp_month month)
{
	assert(t);
	memset(t, 0, sizeof(*t));
	t->month = month;
	t->paid = KIND_COUNT;
}

/* Frees the entries; accepts NULL. */
void rules_trace_release(struct rules_trace *t)
{
	if (!t)
		return;
	free(t->v);
	t->v = NULL;
	t->n = 0;
	t->cap = 0;
}

struct trace_day trace_day(sp_day d)
{
	struct trace_day r;

	if (d == SP_DAY_NONE)
		snprintf(r.s, sizeof(r.s), "none");
	else
		day_format(d, r.s);
	return r;
}

struct trace_month trace_month(sp_month m)
{
	struct trace_month r;

	month_format(m, r.s);
	return r;
}

struct trace_money trace_money(int64_t amount_fen)
{
	struct trace_money r;

	money_format(amount_fen, r.s);
	return r;
}

/* Drops an incomplete UTF-8 sequence left at the end of s by a byte-wise truncation. */
static void utf8_trim_partial(char *s)
{
	size_t i = strlen(s), cont = 0, need;
	unsigned char lead;

	while (i > 0 && cont < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		cont++;
	}
	if (i == 0 || cont >= 4)
		return;
	lead = (unsigned char)s[i - 1];
	if (lead < 0x80)
		return;
	need = (lead & 0xE0) == 0xC0 ? 1 : (lead & 0xF0) == 0xE0 ? 2 : (lead & 0xF8) == 0xF0 ? 3 : 0;
	if (cont < need)
		s[i - 1] = '\0';
}

/* Copies src into dst of size n, cut at a character boundary. */
static void copy_text(char *dst, size_t n, const char *src)
{
	assert(dst && n > 0);
	snprintf(dst, n, "%s", src ? src : "");
	utf8_trim_partial(dst);
}

void trace_subject(char subject[static 32], enum sp_kind kind, const char *name)
{
	snprintf(subject, 32, "%s%s%s", kind_name(kind), name && name[0] ? " " : "",
		 name ? name : "");
	utf8_trim_partial(subject);
}

static int trace_grow(struct rules_trace *t)
{
	struct rules_trace_entry *v;
	int cap;

	if (t->n < t->cap)
		return 0;
	if (t->cap >= TRACE_ENTRIES_MAX)
		return -1;
	cap = t->cap ? t->cap * 2 : 32;
	v = realloc(t->v, (size_t)cap * sizeof(*v));
	if (!v)
		return -1;
	t->v = v;
	t->cap = cap;
	return 0;
}

int trace_addv(struct rules_trace *t, const char *rule, const char *clause, const char *subject,
	       bool passed, const char *fmt, va_list ap)
{
	struct rules_trace_entry *e;

	assert(t && rule && fmt);
	assert(t->n >= 0 && t->n <= t->cap);
	if (trace_grow(t) < 0)
		return -1;
	e = &t->v[t->n];
	copy_text(e->rule, sizeof(e->rule), rule);
	copy_text(e->clause, sizeof(e->clause), clause);
	copy_text(e->subject, sizeof(e->subject), subject);
	e->passed = passed;
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	utf8_trim_partial(e->why);
	t->n++;
	return 0;
}
