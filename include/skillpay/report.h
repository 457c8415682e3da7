/* report.h - the finance bureau's reports (CLI.md `skillpay report`): each report is built as
 * generic tables (a title, column headers, rows of cells, a totals row) from the database, then
 * rendered as an aligned text table, as CSV or as an xlsx workbook.
 *
 * Money stays int64_t fen in every cell; only the xlsx renderer turns it into a spreadsheet
 * number (a double), at the last moment. Modules never print: the renderers write to the FILE
 * or path the caller gives them.
 *
 * Memory: a struct report owns everything hung on it (titles, notes, tables, cell texts);
 * report_release frees it all and accepts a report that was only zeroed or report_init-ed. */
#ifndef SKILLPAY_REPORT_H
#define SKILLPAY_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "skillpay/error.h"
#include "skillpay/rules.h"
#include "skillpay/store.h"

#define REPORT_COLUMNS_MAX 8          /* the widest table (stopped payees) has 6 */
#define REPORT_TABLES_MAX 8           /* tables in one report */
#define REPORT_NOTES_MAX 64           /* note lines under a report's title */
#define REPORT_ROWS_MAX 10000000      /* rows in one table: far above a county's payees */
#define REPORT_SHEET_NAME_MAX 31      /* Excel's limit on a worksheet name */

enum report_cell_type {
	REPORT_CELL_EMPTY,
	REPORT_CELL_TEXT,                 /* text: UTF-8, owned by the table */
	REPORT_CELL_FEN,                  /* money: value is fen, shown as yuan with two decimals */
	REPORT_CELL_COUNT,                /* a count of persons, payees, lines or payments */
};

struct report_cell {
	enum report_cell_type type;
	int64_t value;                    /* FEN: amount_fen; COUNT: the count */
	char *text;                       /* TEXT only */
};

struct report_table {
	char name[REPORT_SHEET_NAME_MAX * 4 + 1];  /* short name: the xlsx sheet name */
	char *title;                      /* the line above the table */
	char types[REPORT_COLUMNS_MAX + 1]; /* per column: 't' text, 'f' fen, 'c' count */
	int n_columns;
	char *headers[REPORT_COLUMNS_MAX];
	int n_rows, cap_rows;
	struct report_cell *cells;        /* row-major, n_rows x n_columns */
	int totals_row;                   /* index of the totals row, -1 while there is none */
};

struct report {
	char *title;
	int n_notes;
	char *notes[REPORT_NOTES_MAX];    /* lines under the title: state, what does not add up */
	int n_tables;
	struct report_table *tables[REPORT_TABLES_MAX];
};

enum report_kind { REPORT_SUMMARY, REPORT_CHANGES, REPORT_RECONCILIATION, REPORT_BALANCES };
enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_XLSX };

/* "summary" ... into *ret: 0, or -1 for an unknown name. */
int report_kind_parse(const char *s, enum report_kind *ret);
int report_format_parse(const char *s, enum report_format *ret);

/* ---- building ---- */

void report_init(struct report *r);
void report_release(struct report *r);   /* accepts NULL */

int report_set_title(struct report *r, struct sp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int report_add_note(struct report *r, struct sp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds an empty table with one column per letter of types ('t' text, 'f' fen, 'c' count; 1 to
 * REPORT_COLUMNS_MAX of them) and these headers; numeric columns are right-aligned and summed
 * by the totals row. *ret points into r (valid until report_release). Returns 0 or -1. */
int report_add_table(struct report *r, const char *name, const char *title, const char *types,
		     const char *const headers[], struct report_table **ret, struct sp_error *err);

/* Appends a row: one type letter per column of types, then one argument each:
 * 't' const char * (NULL is an empty cell), 'f' int64_t fen, 'c' int64_t count, '-' nothing
 * (empty cell). strlen(types) must be n_columns. Returns 0 or -1 with err set. */
int report_add_row(struct report_table *t, struct sp_error *err, const char *types, ...);

/* Appends the totals row: label in the first column, the sum of every fen and count column
 * in the others (overflow-checked). Returns 0 or -1 with err set. Call it last. */
int report_add_totals(struct report_table *t, const char *label, struct sp_error *err);

/* The cell at (row, col); both must be in range. */
struct report_cell *report_cell_at(const struct report_table *t, int row, int col);

/* ---- the reports ---- */

/* Builds report kind for pay month yyyymm into r (report_init-ed by the caller). The month must
 * be closed, or be the month of the current draft (the report then says "draft"); any other
 * month is SP_EXIT_STATE. Returns 0 or -1 with err set; r is to be released either way. */
int report_build(struct store *s, enum report_kind kind, int32_t yyyymm, struct report *r,
		 struct sp_error *err);

/* Why a payee paid kind in the month before trace->month is not paid in trace->month, from the
 * decisive failing rule of the trace (R1, R2a, R2b, R4b ... R6, R13). employer_id is the
 * payee for KIND_CHIEF, else NULL. Returns a short reason and sets *ret_rule to the rule id
 * ("" when no rule explains it: "facts changed"). The strings live as long as the trace. */
const char *report_stop_reason(const struct rules_trace *trace, enum sp_kind kind,
			       const char *employer_id, const char **ret_rule);

/* ---- rendering ---- */

/* The width of UTF-8 text on a terminal: CJK and fullwidth code points count 2 columns. */
int report_display_width(const char *s);

/* Text: aligned tables by display width, numbers right-aligned. Returns 0 or -1 (write error). */
int report_write_text(const struct report *r, FILE *f, struct sp_error *err);
/* CSV: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting; amounts as yuan with two decimals.
 * Each table comes as its title row, header row, rows and totals row, then an empty line. */
int report_write_csv(const struct report *r, FILE *f, struct sp_error *err);
/* xlsx at path (which must exist or be creatable; its mode is left as it is): one worksheet
 * per table, bold frozen header, amounts as numbers formatted "0.00", bold totals row. */
int report_write_xlsx(const struct report *r, const char *path, struct sp_error *err);

#endif
