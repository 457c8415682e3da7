/* report_table.c - the generic report table: typed columns (text, fen, count), rows and a
 * totals row (include/skillpay/report.h). The reports build them (report.c); the renderers
 * write them (report_render.c). */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/money.h"
#include "skillpay/report.h"

/* ================================================================ tables */

static const char *const kind_names[] = { "summary", "changes", "reconciliation", "balances" };
static const char *const format_names[] = { "text", "csv", "xlsx" };

int report_kind_parse(const char *s, enum report_kind *ret)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return *ret = (enum report_kind)i, 0;
	return -1;
}

int report_format_parse(const char *s, enum report_format *ret)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, format_names[i]) == 0)
			return *ret = (enum report_format)i, 0;
	return -1;
}

void report_init(struct report *r)
{
	assert(r);
	memset(r, 0, sizeof(*r));
}

static void table_free(struct report_table *t)
{
	if (!t)
		return;
	free(t->title);
	for (int c = 0; c < t->n_columns; c++)
		free(t->headers[c]);
	for (int i = 0; i < t->n_rows * t->n_columns; i++)
		free(t->cells[i].text);
	free(t->cells);
	free(t);
}

void report_release(struct report *r)
{
	if (!r)
		return;
	free(r->title);
	for (int i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	for (int i = 0; i < r->n_tables; i++)
		table_free(r->tables[i]);
	memset(r, 0, sizeof(*r));
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	char *s;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static int out_of_memory(struct sp_error *err)
{
	return sp_error_set(err, SP_EXIT_INTERNAL, "report: out of memory");
}

int report_set_title(struct report *r, struct sp_error *err, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s)
		return out_of_memory(err);
	free(r->title);
	r->title = s;
	return 0;
}

int report_add_note(struct report *r, struct sp_error *err, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (r->n_notes >= REPORT_NOTES_MAX)
		return sp_error_set(err, SP_EXIT_INTERNAL, "report: more than %d notes", REPORT_NOTES_MAX);
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s)
		return out_of_memory(err);
	r->notes[r->n_notes++] = s;
	return 0;
}

int report_add_table(struct report *r, const char *name, const char *title, const char *types,
		     const char *const headers[], struct report_table **ret, struct sp_error *err)
{
	int n_columns = (int)strlen(types);
	struct report_table *t;

	assert(n_columns >= 1 && n_columns <= REPORT_COLUMNS_MAX);
	assert(strspn(types, "tfc") == (size_t)n_columns);
	assert(strlen(name) <= REPORT_SHEET_NAME_MAX);
	if (r->n_tables >= REPORT_TABLES_MAX)
		return sp_error_set(err, SP_EXIT_INTERNAL, "report: more than %d tables", REPORT_TABLES_MAX);
	if (!(t = calloc(1, sizeof(*t))))
		return out_of_memory(err);
	r->tables[r->n_tables++] = t;   /* owned by r from here on, also on failure below */
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->types, sizeof(t->types), "%s", types);
	t->totals_row = -1;
	if (!(t->title = strdup(title)))
		return out_of_memory(err);
	for (int c = 0; c < n_columns; c++) {
		if (!(t->headers[c] = strdup(headers[c])))
			return out_of_memory(err);
		t->n_columns = c + 1;
	}
	*ret = t;
	return 0;
}

struct report_cell *report_cell_at(const struct report_table *t, int row, int col)
{
	assert(row >= 0 && row < t->n_rows && col >= 0 && col < t->n_columns);
	return &t->cells[(size_t)row * (size_t)t->n_columns + (size_t)col];
}

/* Makes room for one more row, zeroed. */
static int row_grow(struct report_table *t, struct sp_error *err)
{
	struct report_cell *v;
	int cap;

	if (t->n_rows >= REPORT_ROWS_MAX)
		return sp_error_set(err, SP_EXIT_INTERNAL, "report: table '%s' has more than %d rows",
				    t->name, REPORT_ROWS_MAX);
	if (t->n_rows == t->cap_rows) {
		cap = t->cap_rows ? t->cap_rows * 2 : 16;
		v = realloc(t->cells, (size_t)cap * (size_t)t->n_columns * sizeof(*v));
		if (!v)
			return out_of_memory(err);
		t->cells = v;
		t->cap_rows = cap;
	}
	memset(&t->cells[(size_t)t->n_rows * (size_t)t->n_columns], 0,
	       (size_t)t->n_columns * sizeof(*t->cells));
	return 0;
}

int report_add_row(struct report_table *t, struct sp_error *err, const char *types, ...)
{
	struct report_cell *row;
	bool failed = false;
	va_list ap;

	assert(strlen(types) == (size_t)t->n_columns);
	assert(t->totals_row < 0);   /* the totals row comes last */
	if (row_grow(t, err) < 0)
		return -1;
	row = &t->cells[(size_t)t->n_rows * (size_t)t->n_columns];
	t->n_rows++;
	va_start(ap, types);
	for (int c = 0; c < t->n_columns; c++) {
		const char *s;

		/* A cell is of its column's type or empty: a mismatch would read the wrong vararg. */
		assert(types[c] == '-' || types[c] == t->types[c]);
		switch (types[c]) {
		case 't':
			if (!(s = va_arg(ap, const char *)))
				break;
			row[c].type = REPORT_CELL_TEXT;
			if (!(row[c].text = strdup(s)))
				failed = true;
			break;
		case 'f':
			row[c].type = REPORT_CELL_FEN;
			row[c].value = va_arg(ap, int64_t);
			break;
		case 'c':
			row[c].type = REPORT_CELL_COUNT;
			row[c].value = va_arg(ap, int64_t);
			break;
		default:
			assert(types[c] == '-');
			break;
		}
	}
	va_end(ap);
	return failed ? out_of_memory(err) : 0;
}

/* The sum of the cells of fen or count column col in rows [0, n) (0 when n is 0); a text
 * column stays empty. */
static int column_total(const struct report_table *t, int n, int col, struct report_cell *ret,
			struct sp_error *err)
{
	if (t->types[col] == 't')
		return 0;
	ret->type = t->types[col] == 'f' ? REPORT_CELL_FEN : REPORT_CELL_COUNT;
	for (int i = 0; i < n; i++) {
		const struct report_cell *c = report_cell_at(t, i, col);

		if (c->type != ret->type)
			continue;
		if (money_add(ret->value, c->value, &ret->value) < 0)
			return sp_error_set(err, SP_EXIT_INTERNAL, "report: the total of '%s' in '%s' overflows",
					    t->headers[col], t->name);
	}
	return 0;
}

int report_add_totals(struct report_table *t, const char *label, struct sp_error *err)
{
	int data_rows = t->n_rows;
	struct report_cell *total;

	assert(t->totals_row < 0);
	if (row_grow(t, err) < 0)
		return -1;
	t->n_rows++;
	t->totals_row = data_rows;
	total = report_cell_at(t, data_rows, 0);
	total->type = REPORT_CELL_TEXT;
	if (!(total->text = strdup(label)))
		return out_of_memory(err);
	for (int c = 1; c < t->n_columns; c++)
		if (column_total(t, data_rows, c, &total[c], err) < 0)
			return -1;
	return 0;
}

