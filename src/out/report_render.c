/* report_render.c - a report's tables as text (aligned by display width), CSV (UTF-8 with a
 * BOM) or xlsx (libxlsxwriter) (include/skillpay/report.h). */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "skillpay/money.h"
#include "skillpay/report.h"

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
	return t->types[col] != 't';
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

/* One line of a text table: no blanks after the last non-empty cell. */
static void text_line(FILE *f, const char *const cells[], const int widths[], const bool right[], int n)
{
	int last = n - 1;

	while (last > 0 && !cells[last][0])
		last--;
	for (int c = 0; c <= last; c++) {
		put_aligned(f, cells[c], widths[c], right[c], c == last);
		fputs(c == last ? "\n" : "  ", f);
	}
}

static void text_table(const struct report_table *t, FILE *f)
{
	int widths[REPORT_COLUMNS_MAX];
	bool right[REPORT_COLUMNS_MAX];
	const char *cells[REPORT_COLUMNS_MAX];
	char bufs[REPORT_COLUMNS_MAX][32];

	for (int c = 0; c < t->n_columns; c++) {
		widths[c] = column_width(t, c);
		right[c] = column_numeric(t, c);
		cells[c] = t->headers[c];
	}
	fprintf(f, "%s\n", t->title);
	text_line(f, cells, widths, right, t->n_columns);
	put_rule(f, widths, t->n_columns);
	if (t->n_rows == 0 || t->totals_row == 0)
		fputs("(none)\n", f);
	for (int i = 0; i < t->n_rows; i++) {
		if (i == t->totals_row && i > 0)
			put_rule(f, widths, t->n_columns);
		for (int c = 0; c < t->n_columns; c++)
			cells[c] = cell_string(report_cell_at(t, i, c), bufs[c]);
		text_line(f, cells, widths, right, t->n_columns);
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

