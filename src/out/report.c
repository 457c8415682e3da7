/* report.c - the finance bureau's reports (include/skillpay/report.h).
 *
 * Three layers: generic tables (cells of text, fen or counts, with a totals row), the four
 * reports built from the database as such tables, and the renderers (text, CSV, xlsx).
 * A report of a closed month reads what its close posted; a report of the current draft reads
 * the draft tables instead and says so in its title. */
#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "skillpay/calendar.h"
#include "skillpay/facts.h"
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

int report_add_table(struct report *r, const char *name, const char *title, int n_columns,
		     const char *const headers[], struct report_table **ret, struct sp_error *err)
{
	struct report_table *t;

	assert(n_columns >= 1 && n_columns <= REPORT_COLUMNS_MAX);
	assert(strlen(name) <= REPORT_SHEET_NAME_MAX);
	if (r->n_tables >= REPORT_TABLES_MAX)
		return sp_error_set(err, SP_EXIT_INTERNAL, "report: more than %d tables", REPORT_TABLES_MAX);
	if (!(t = calloc(1, sizeof(*t))))
		return out_of_memory(err);
	r->tables[r->n_tables++] = t;   /* owned by r from here on, also on failure below */
	snprintf(t->name, sizeof(t->name), "%s", name);
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

/* The sum of the fen or count cells of column col in rows [0, n); empty when there are none. */
static int column_total(const struct report_table *t, int n, int col, struct report_cell *ret,
			struct sp_error *err)
{
	for (int i = 0; i < n; i++) {
		const struct report_cell *c = report_cell_at(t, i, col);

		if (c->type != REPORT_CELL_FEN && c->type != REPORT_CELL_COUNT)
			continue;
		if (ret->type == REPORT_CELL_EMPTY)
			ret->type = c->type;
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

/* ================================================================ rendering */

/* Decodes one UTF-8 character at *s and advances past it; a malformed byte counts as one
 * character of its own (U+FFFD), so that widths stay defined for any bytes. */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	int n = p[0] < 0x80 ? 0 : (p[0] & 0xE0) == 0xC0 ? 1 : (p[0] & 0xF0) == 0xE0 ? 2
		: (p[0] & 0xF8) == 0xF0 ? 3 : -1;
	uint32_t cp;

	if (n < 0) {
		*s = p + 1;
		return 0xFFFD;
	}
	cp = n == 0 ? p[0] : (uint32_t)(p[0] & (0x3F >> n));
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s = p + 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*s = p + n + 1;
	return cp;
}

/* East Asian Wide and Fullwidth ranges (Unicode UAX #11) that a county's names, reasons and
 * document numbers use: Hangul Jamo, CJK radicals to CJK symbols (〔〕), kana, CJK ideographs
 * and their extensions, Yi, Hangul syllables, compatibility ideographs, vertical and small
 * forms, fullwidth forms (（），). */
static int codepoint_width(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF },
		{ 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
		{ 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 },
		{ 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
	};

	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

int report_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int width = 0;

	while (*p && width < INT32_MAX / 2)
		width += codepoint_width(utf8_next(&p));
	return width;
}

/* The text of a cell: its own for text, yuan with two decimals for fen, digits for counts. */
static const char *cell_string(const struct report_cell *c, char buf[static 32])
{
	switch (c->type) {
	case REPORT_CELL_TEXT:
		return c->text;
	case REPORT_CELL_FEN:
		return money_format(c->value, buf);
	case REPORT_CELL_COUNT:
		snprintf(buf, 32, "%lld", (long long)c->value);
		return buf;
	default:
		return "";
	}
}

static bool column_numeric(const struct report_table *t, int col)
{
	for (int i = 0; i < t->n_rows; i++) {
		enum report_cell_type type = report_cell_at(t, i, col)->type;

		if (type == REPORT_CELL_FEN || type == REPORT_CELL_COUNT)
			return true;
	}
	return false;
}

static int column_width(const struct report_table *t, int col)
{
	int w = report_display_width(t->headers[col]);
	char buf[32];

	for (int i = 0; i < t->n_rows; i++) {
		int cw = report_display_width(cell_string(report_cell_at(t, i, col), buf));

		w = cw > w ? cw : w;
	}
	return w;
}

/* Writes s in width columns; text is left-aligned, numbers right-aligned; the last column
 * gets no trailing blanks. */
static void put_aligned(FILE *f, const char *s, int width, bool right, bool last)
{
	int pad = width - report_display_width(s);

	if (right)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
	fputs(s, f);
	if (!right && !last)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
}

static void put_rule(FILE *f, const int widths[], int n)
{
	int total = 2 * (n - 1);

	for (int c = 0; c < n; c++)
		total += widths[c];
	for (int i = 0; i < total; i++)
		fputc('-', f);
	fputc('\n', f);
}

static void text_table(const struct report_table *t, FILE *f)
{
	int widths[REPORT_COLUMNS_MAX];
	bool right[REPORT_COLUMNS_MAX];
	char buf[32];

	for (int c = 0; c < t->n_columns; c++) {
		widths[c] = column_width(t, c);
		right[c] = column_numeric(t, c);
	}
	fprintf(f, "%s\n", t->title);
	for (int c = 0; c < t->n_columns; c++) {
		put_aligned(f, t->headers[c], widths[c], right[c], c + 1 == t->n_columns);
		fputs(c + 1 == t->n_columns ? "\n" : "  ", f);
	}
	put_rule(f, widths, t->n_columns);
	if (t->n_rows == 0 || t->totals_row == 0)
		fputs("(none)\n", f);
	for (int i = 0; i < t->n_rows; i++) {
		if (i == t->totals_row && i > 0)
			put_rule(f, widths, t->n_columns);
		for (int c = 0; c < t->n_columns; c++) {
			put_aligned(f, cell_string(report_cell_at(t, i, c), buf), widths[c], right[c],
				    c + 1 == t->n_columns);
			fputs(c + 1 == t->n_columns ? "\n" : "  ", f);
		}
	}
}

int report_write_text(const struct report *r, FILE *f, struct sp_error *err)
{
	fprintf(f, "%s\n", r->title ? r->title : "");
	for (int i = 0; i < r->n_notes; i++)
		fprintf(f, "%s\n", r->notes[i]);
	for (int i = 0; i < r->n_tables; i++) {
		fputc('\n', f);
		text_table(r->tables[i], f);
	}
	if (ferror(f))
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write the report");
	return 0;
}

/* RFC 4180: a field is quoted when it holds a comma, a quote or a line end. A text field
 * that a spreadsheet would take for a formula (=, +, -, @ first) gets a leading apostrophe:
 * names come from outside feeds, and the bureau opens these files in Excel. */
static void csv_field(FILE *f, const char *s, bool text)
{
	bool formula = text && strchr("=+-@\t\r", s[0]) && s[0];

	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_table(const struct report_table *t, FILE *f)
{
	char buf[32];

	csv_field(f, t->title, true);
	fputs("\r\n", f);
	for (int c = 0; c < t->n_columns; c++) {
		csv_field(f, t->headers[c], true);
		fputs(c + 1 == t->n_columns ? "\r\n" : ",", f);
	}
	for (int i = 0; i < t->n_rows; i++) {
		for (int c = 0; c < t->n_columns; c++) {
			const struct report_cell *cell = report_cell_at(t, i, c);

			csv_field(f, cell_string(cell, buf), cell->type == REPORT_CELL_TEXT);
			fputs(c + 1 == t->n_columns ? "\r\n" : ",", f);
		}
	}
}

int report_write_csv(const struct report *r, FILE *f, struct sp_error *err)
{
	fputs("\xEF\xBB\xBF", f);   /* the BOM: Excel reads UTF-8 only with it */
	csv_field(f, r->title ? r->title : "", true);
	fputs("\r\n", f);
	for (int i = 0; i < r->n_notes; i++) {
		csv_field(f, r->notes[i], true);
		fputs("\r\n", f);
	}
	for (int i = 0; i < r->n_tables; i++) {
		fputs("\r\n", f);
		csv_table(r->tables[i], f);
	}
	if (ferror(f))
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write the report");
	return 0;
}

/* ---- xlsx ---- */

struct xlsx_formats {
	lxw_format *bold, *header, *money, *count, *total_text, *total_money, *total_count;
};

static lxw_format *xlsx_format(lxw_workbook *wb, bool bold, int border_top, int border_bottom,
			       const char *num_format)
{
	lxw_format *f = workbook_add_format(wb);

	if (!f)
		return NULL;
	if (bold)
		format_set_bold(f);
	if (border_top)
		format_set_top(f, LXW_BORDER_THIN);
	if (border_bottom)
		format_set_bottom(f, LXW_BORDER_THIN);
	if (num_format)
		format_set_num_format(f, num_format);
	return f;
}

static int xlsx_formats_init(lxw_workbook *wb, struct xlsx_formats *x)
{
	x->bold = xlsx_format(wb, true, 0, 0, NULL);
	x->header = xlsx_format(wb, true, 0, 1, NULL);
	x->money = xlsx_format(wb, false, 0, 0, "0.00");
	x->count = xlsx_format(wb, false, 0, 0, "0");
	x->total_text = xlsx_format(wb, true, 1, 0, NULL);
	x->total_money = xlsx_format(wb, true, 1, 0, "0.00");
	x->total_count = xlsx_format(wb, true, 1, 0, "0");
	return x->bold && x->header && x->money && x->count && x->total_text && x->total_money &&
	       x->total_count ? 0 : -1;
}

/* This is the rendering boundary, the one place where money leaves int64_t fen: a spreadsheet
 * cell holds a double, so fen become yuan as a double here and nowhere else. Every amount
 * below SP_MONEY_MAX_FEN (< 2^53) converts exactly before the division, and the "0.00" format
 * shows the two decimals. */
static double xlsx_yuan(int64_t amount_fen)
{
	return (double)amount_fen / 100.0;
}

static lxw_error xlsx_cell(lxw_worksheet *ws, int row, int col, const struct report_cell *c,
			   bool total, const struct xlsx_formats *x)
{
	switch (c->type) {
	case REPORT_CELL_TEXT:
		return worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, c->text,
					      total ? x->total_text : NULL);
	case REPORT_CELL_FEN:
		return worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, xlsx_yuan(c->value),
					      total ? x->total_money : x->money);
	case REPORT_CELL_COUNT:
		/* Counts stay far below 2^53: exact as a double. */
		return worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)c->value,
					      total ? x->total_count : x->count);
	default:
		return total ? worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, x->total_text)
			     : LXW_NO_ERROR;
	}
}

/* One worksheet: the report title, the table title, the bold header frozen under them, the
 * rows, the totals row, and the report's notes below. */
static lxw_error xlsx_sheet(lxw_workbook *wb, const struct report *r, const struct report_table *t,
			    const struct xlsx_formats *x)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->name);
	lxw_error e = LXW_NO_ERROR;
	int row = 3;

	if (!ws)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	e = e ? e : worksheet_write_string(ws, 0, 0, r->title ? r->title : "", x->bold);
	e = e ? e : worksheet_write_string(ws, 1, 0, t->title, NULL);
	for (int c = 0; c < t->n_columns && !e; c++) {
		int w = column_width(t, c) + 2;

		e = worksheet_write_string(ws, 2, (lxw_col_t)c, t->headers[c], x->header);
		e = e ? e : worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w < 10 ? 10 : w, NULL);
	}
	if (!e)
		worksheet_freeze_panes(ws, 3, 0);   /* title, table title and header stay */
	for (int i = 0; i < t->n_rows && !e; i++, row++)
		for (int c = 0; c < t->n_columns && !e; c++)
			e = xlsx_cell(ws, row, c, report_cell_at(t, i, c), i == t->totals_row, x);
	row++;
	for (int i = 0; i < r->n_notes && !e; i++, row++)
		e = worksheet_write_string(ws, (lxw_row_t)row, 0, r->notes[i], NULL);
	return e;
}

int report_write_xlsx(const struct report *r, const char *path, struct sp_error *err)
{
	lxw_workbook *wb = workbook_new(path);
	struct xlsx_formats x;
	lxw_error e = LXW_NO_ERROR, closed;

	if (!wb)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot create the workbook '%s'", path);
	if (xlsx_formats_init(wb, &x) < 0)
		e = LXW_ERROR_MEMORY_MALLOC_FAILED;
	for (int i = 0; i < r->n_tables && !e; i++)
		e = xlsx_sheet(wb, r, r->tables[i], &x);
	if (r->n_tables == 0 && !e && !workbook_add_worksheet(wb, NULL))
		e = LXW_ERROR_MEMORY_MALLOC_FAILED;
	closed = workbook_close(wb);   /* writes the file; frees wb in any case */
	e = e ? e : closed;
	if (e)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write '%s': %s", path, lxw_strerror(e));
	return 0;
}
