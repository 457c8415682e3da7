/* ingest.c - one file, one batch, one transaction (FEEDS.md "Rules for every feed").
 *
 * Strict mode streams the file once: every row is checked and written; the first problem
 * makes the whole file fail, but checking goes on so that every bad row is named, and the
 * transaction is rolled back at the end. A duplicate key inside the file shows up as a
 * current row that this very batch wrote. --accept-partial streams twice: a first pass finds
 * the bad rows (duplicates through a temporary key table), the second loads the others and
 * writes the bad ones to the rejects CSV. Good rows wait in blocks of INGEST_BLOCK_ROWS and
 * go in with one INSERT a block (a statement per row was half of the time); a row whose key
 * is held then takes the path of a single row, in line order, and problems are said in line
 * order too. Memory is one block of records (plus the list of bad rows). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "fields.h"
#include "skillpay/calendar.h"
#include "skillpay/csvread.h"
#include "skillpay/fault.h"
#include "skillpay/feeds.h"
#include "skillpay/identity.h"
#include "skillpay/rules.h"

enum pass { PASS_STRICT, PASS_PREVIEW, PASS_LOAD };

struct bad_row {
	long line;
	char column[40];
	char reason[256];
};

/* A problem of the row being checked, said once the rows before it are stored. */
struct note {
	char column[40];
	char reason[300];
};
enum { ROW_NOTES_MAX = 12 };  /* a row has a problem per column (8 at most), op, or its field count */

/* A good row waiting for its block's INSERT: its line, key and values. */
struct pending {
	long line;
	bool retract;
	char key[8 * (SP_FIELD_MAX_BYTES + 1)];
	struct field_value values[8];
};
enum { INGEST_BLOCK_ROWS = 64 };

struct ingest {
	struct store *s;
	const struct feed_def *def;
	const struct ingest_options *opt;
	const char *path;
	ingest_problem_fn problem_fn;
	void *problem_ctx;
	int64_t batch;
	sp_day today;
	enum pass pass;
	int n_header;
	int op_index;                   /* CSV position of op, -1 when absent */
	int position[8];                /* CSV position of each feed column, -1 when absent */
	long rows_read, rows_loaded, rows_rejected, problems;
	sqlite3_stmt *insert, *find, *retire, *unstore, *key_add, *key_get;
	struct bad_row *bad;            /* PASS_PREVIEW collects, PASS_LOAD consumes in line order */
	size_t n_bad, cap_bad, next_bad;
	FILE *rejects;
	struct field_value values[8];
	char key[8 * (SP_FIELD_MAX_BYTES + 1)];
	struct note notes[ROW_NOTES_MAX];  /* the problems of the row being checked */
	int n_notes;
	/* Rows waiting to be inserted together: one statement per INGEST_BLOCK_ROWS rows. */
	sqlite3_stmt *insert_block;
	int hot_from;                   /* social_insurance_hot.from_month (FEED_HOT_FROM) */
	struct pending *pending;
	int n_pending;
};

static void report(struct ingest *in, long line, const char *column, const char *reason)
{
	in->problems++;
	if (in->problem_fn && in->problems <= SP_ROW_ERRORS_MAX)
		in->problem_fn(in->problem_ctx, in->path, line, column, reason);
}

static int bad_add(struct ingest *in, long line, const char *column, const char *reason,
		   struct sp_error *err)
{
	if (in->n_bad == in->cap_bad) {
		size_t cap = in->cap_bad ? in->cap_bad * 2 : 64;
		struct bad_row *nb = realloc(in->bad, cap * sizeof(*nb));

		if (!nb)
			return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
		in->bad = nb;
		in->cap_bad = cap;
	}
	in->bad[in->n_bad].line = line;
	snprintf(in->bad[in->n_bad].column, sizeof(in->bad[0].column), "%s", column);
	snprintf(in->bad[in->n_bad].reason, sizeof(in->bad[0].reason), "%s", reason);
	in->n_bad++;
	return 0;
}

/* A problem with a row: reported always, remembered in the preview pass. */
static int row_problem(struct ingest *in, long line, const char *column, const char *reason,
		       struct sp_error *err)
{
	report(in, line, column, reason);
	return in->pass == PASS_PREVIEW ? bad_add(in, line, column, reason, err) : 0;
}

static int header_check(struct ingest *in, const struct csv_record *rec, struct sp_error *err)
{
	const struct feed_def *def = in->def;
	int bad = 0;

	in->n_header = rec->n;
	in->op_index = -1;
	for (int c = 0; c < def->n_columns; c++)
		in->position[c] = -1;
	for (int i = 0; i < rec->n && i < CSVREAD_FIELDS_MAX; i++) {
		const char *name = rec->field[i];
		int c;

		if (strcmp(name, "op") == 0) {
			if (in->op_index >= 0)
				bad++, report(in, 1, name, "repeated column");
			in->op_index = i;
			continue;
		}
		for (c = 0; c < def->n_columns && strcmp(def->columns[c].name, name) != 0; c++)
			;
		if (c == def->n_columns) {
			bad++;
			report(in, 1, name[0] ? name : "-", "unknown column");
		} else if (in->position[c] >= 0) {
			bad++;
			report(in, 1, name, "repeated column");
		} else {
			in->position[c] = i;
		}
	}
	for (int c = 0; c < def->n_columns; c++)
		if (in->position[c] < 0 && !def->columns[c].optional) {
			bad++;
			report(in, 1, def->columns[c].name, "missing required column");
		}
	if (rec->overflow)
		bad++, report(in, 1, "-", "too many columns");
	if (bad)
		return sp_error_set(err, SP_EXIT_INPUT, "'%s': the header is not that of feed '%s'",
				    in->path, def->name);
	return 0;
}

/* Notes a problem of the row being checked; on_row says it (row_problem) after the rows
 * before it are stored, so that problems come in line order. */
static int row_note(struct ingest *in, const char *column, const char *reason)
{
	if (in->n_notes < ROW_NOTES_MAX) {
		struct note *n = &in->notes[in->n_notes++];

		snprintf(n->column, sizeof(n->column), "%s", column);
		snprintf(n->reason, sizeof(n->reason), "%s", reason);
	}
	return 1;
}

/* Checks that span fields of one row (FEEDS.md notes column). */
static int row_cross_check(struct ingest *in)
{
	const char *feed = in->def->name;
	struct field_value *v = in->values;

	if (strcmp(feed, "persons") == 0) {
		bool male = identity_person_male(v[0].text);

		if (male != (strcmp(v[2].text, "M60") == 0))
			return row_note(in, "retire_group", male
					? "a man (odd 17th digit) must be in group M60"
					: "a woman (even 17th digit) must be in group F55 or F50");
	} else if (strcmp(feed, "employment") == 0) {
		if (!v[3].null && v[3].i < v[2].i)
			return row_note(in, "end_date", "is before start_date");
	} else if (strcmp(feed, "paid_history") == 0) {
		/* Some identity numbers also pass the GB 32100 check: decide by the kind. */
		bool chief = strcmp(v[3].text, "CHIEF") == 0;
		const char *why = NULL;
		bool bad = chief ? identity_credit_check(v[0].text, &why) < 0 || strcmp(v[0].text, v[1].text) == 0
				 : strcmp(v[0].text, v[1].text) != 0;

		if (bad)
			return row_note(in, "payee_id", chief
					? "a CHIEF payment's payee must be the employer"
					: "a person's allowance must have the person as payee");
	}
	return 0;
}

/* Checks every field of a row into in->values and builds its key. Returns the number of
 * problems (0: good), noted in in->notes. */
static int row_check(struct ingest *in, const struct csv_record *rec, bool *ret_retract)
{
	const struct feed_def *def = in->def;
	int problems = 0;
	size_t klen = 0;
	bool retract = false;
	char reason[300];

	in->n_notes = 0;
	if (rec->n != in->n_header || rec->overflow) {
		snprintf(reason, sizeof(reason), "has %d fields, the header has %d", rec->n, in->n_header);
		return row_note(in, "-", reason);
	}
	if (in->op_index >= 0) {
		const char *op = rec->field[in->op_index];

		if (strcmp(op, "retract") == 0)
			retract = true;
		else if (op[0] && strcmp(op, "upsert") != 0) {
			snprintf(reason, sizeof(reason), "'%.40s' is not upsert or retract", op);
			problems += row_note(in, "op", reason);
		}
	}
	for (int c = 0; c < def->n_columns; c++) {
		const struct feed_column *col = &def->columns[c];
		int pos = in->position[c];
		const char *raw = pos >= 0 ? rec->field[pos] : "";
		size_t len = pos >= 0 ? rec->len[pos] : 0;

		if (retract && !col->key) {
			in->values[c].null = true;  /* R: a retraction needs only its key */
			continue;
		}
		if (field_check(col, raw, len, in->today, &in->values[c], reason, sizeof(reason)) < 0) {
			problems += row_note(in, col->name, reason);
			continue;
		}
		if (col->key) {
			size_t n = strlen(in->values[c].text);

			if (klen)
				in->key[klen++] = '|';
			memcpy(in->key + klen, in->values[c].text, n + 1);
			klen += n;
		}
	}
	if (problems == 0 && !retract)
		problems += row_cross_check(in);
	*ret_retract = retract;
	return problems;
}

static int step_done(struct ingest *in, sqlite3_stmt *st, struct sp_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(in->s, in->def->name, err);
	return 0;
}

/* Binds the key's columns, in feed order, from parameter first on. */
static void bind_key_columns(struct ingest *in, sqlite3_stmt *st, int first)
{
	for (int c = 0; c < in->def->n_columns; c++) {
		const struct field_value *v = &in->values[c];

		if (!in->def->columns[c].key)
			continue;
		if (v->is_int)
			sqlite3_bind_int64(st, first++, v->i);
		else
			sqlite3_bind_text(st, first++, v->text, -1, SQLITE_STATIC);
	}
}

/* The current row of in->key: *ret_id 0 when none. */
static int find_current(struct ingest *in, int64_t *ret_id, int64_t *ret_batch, long *ret_line,
			struct sp_error *err)
{
	int rc;

	if (!in->def->by_columns)
		sqlite3_bind_text(in->find, 1, in->key, -1, SQLITE_STATIC);
	else
		bind_key_columns(in, in->find, 1);
	rc = sqlite3_step(in->find);
	*ret_id = 0;
	if (rc == SQLITE_ROW) {
		*ret_id = sqlite3_column_int64(in->find, 0);
		*ret_batch = sqlite3_column_int64(in->find, 1);
		*ret_line = (long)sqlite3_column_int64(in->find, 2);
	}
	sqlite3_reset(in->find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(in->s, in->def->name, err);
	return 0;
}

/* Inserts the row; *ret_inserted is false when a current row already holds its key. */
/* Binds a row of insert_sql (batch, line, key, the feed's columns) from parameter base + 1 on. */
static void bind_row(struct ingest *in, sqlite3_stmt *st, int base, long line, const char *key,
		     const struct field_value *values)
{
	sqlite3_bind_int64(st, base + 1, in->batch);
	sqlite3_bind_int64(st, base + 2, line);
	sqlite3_bind_text(st, base + 3, key, -1, SQLITE_STATIC);
	for (int c = 0; c < in->def->n_columns; c++) {
		const struct field_value *v = &values[c];

		if (v->null)
			sqlite3_bind_null(st, base + 4 + c);
		else if (v->is_int)
			sqlite3_bind_int64(st, base + 4 + c, v->i);
		else
			sqlite3_bind_text(st, base + 4 + c, v->text, -1, SQLITE_STATIC);
	}
}

static int row_insert(struct ingest *in, long line, bool *ret_inserted, struct sp_error *err)
{
	bind_row(in, in->insert, 0, line, in->key, in->values);
	if (step_done(in, in->insert, err) < 0)
		return -1;
	*ret_inserted = sqlite3_changes(in->s->db) > 0;
	return 0;
}

/* Supersedes or retracts the current row of the key (batch_out = this batch), then inserts. */
static int row_replace(struct ingest *in, long line, bool retract, int64_t current_id,
		       struct sp_error *err)
{
	bool inserted;

	if (current_id) {
		sqlite3_bind_int64(in->retire, 1, current_id);
		sqlite3_bind_int64(in->retire, 2, in->batch);
		if (in->def->by_columns)
			bind_key_columns(in, in->retire, 3);
		if (step_done(in, in->retire, err) < 0)
			return -1;
	}
	if (retract)
		return 0;
	if (row_insert(in, line, &inserted, err) < 0)
		return -1;
	if (!inserted)  /* a constraint other than the key refused it: a bug, never data */
		return sp_error_set(err, SP_EXIT_INTERNAL, "%s:%ld: the row was not stored", in->path, line);
	return 0;
}

static int duplicate_problem(struct ingest *in, long line, long first_line, struct sp_error *err)
{
	char reason[400];

	snprintf(reason, sizeof(reason), "duplicate key '%.300s', also on line %ld", in->key, first_line);
	return row_problem(in, line, in->def->columns[0].name, reason, err);
}

/* Preview: a key seen before in this file makes both rows bad. */
static int preview_key(struct ingest *in, long line, bool *ret_dup, struct sp_error *err)
{
	int rc;

	sqlite3_bind_text(in->key_get, 1, in->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(in->key_get);
	*ret_dup = rc == SQLITE_ROW;
	if (*ret_dup) {
		long first = (long)sqlite3_column_int64(in->key_get, 0);
		bool marked = sqlite3_column_int(in->key_get, 1);
		char reason[400];

		sqlite3_reset(in->key_get);
		if (duplicate_problem(in, line, first, err) < 0)
			return -1;
		if (!marked) {
			snprintf(reason, sizeof(reason), "duplicate key '%.300s', also on line %ld", in->key, line);
			if (bad_add(in, first, in->def->columns[0].name, reason, err) < 0)
				return -1;
			sqlite3_bind_text(in->key_add, 1, in->key, -1, SQLITE_STATIC);
			sqlite3_bind_int64(in->key_add, 2, first);
			sqlite3_bind_int(in->key_add, 3, 1);
			return step_done(in, in->key_add, err);
		}
		return 0;
	}
	sqlite3_reset(in->key_get);
	sqlite3_bind_text(in->key_add, 1, in->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(in->key_add, 2, line);
	sqlite3_bind_int(in->key_add, 3, 0);
	return step_done(in, in->key_add, err);
}

static bool line_is_bad(struct ingest *in, long line)
{
	while (in->next_bad < in->n_bad && in->bad[in->next_bad].line < line)
		in->next_bad++;
	return in->next_bad < in->n_bad && in->bad[in->next_bad].line == line;
}

static int reject_write(struct ingest *in, const struct csv_record *rec, struct sp_error *err)
{
	const struct bad_row *b = &in->bad[in->next_bad];
	char line[32], reason[2048], row[16384];
	size_t used = 0;

	snprintf(line, sizeof(line), "%ld", rec->line);
	snprintf(reason, sizeof(reason), "%s", b->reason);
	/* Every further problem of the same row joins the first, column named. */
	for (size_t k = in->next_bad + 1; k < in->n_bad && in->bad[k].line == rec->line; k++) {
		size_t n = strlen(reason);

		snprintf(reason + n, sizeof(reason) - n, "; %s: %s", in->bad[k].column, in->bad[k].reason);
	}
	/* The row as it came: its fields joined again, quoted only where a field needs it. */
	for (int i = 0; i < rec->n && i < CSVREAD_FIELDS_MAX; i++) {
		bool quote = strpbrk(rec->field[i], ",\"\r\n") != NULL;

		if (used + 2 * rec->len[i] + 4 >= sizeof(row))
			break;
		if (i)
			row[used++] = ',';
		if (quote)
			row[used++] = '"';
		for (size_t k = 0; k < rec->len[i]; k++) {
			if (rec->field[i][k] == '"')
				row[used++] = '"';
			row[used++] = rec->field[i][k];
		}
		if (quote)
			row[used++] = '"';
	}
	row[used] = '\0';
	if (fprintf(in->rejects, "%s,", line) < 0 || csvwrite_field(in->rejects, b->column) < 0 ||
	    fputc(',', in->rejects) == EOF || csvwrite_field(in->rejects, reason) < 0 ||
	    fputc(',', in->rejects) == EOF || csvwrite_field(in->rejects, row) < 0 ||
	    fputc('\n', in->rejects) == EOF)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write rejects file: %s", strerror(errno));
	return 0;
}

static int row_loaded(struct ingest *in)
{
	if (in->rows_loaded++ == 0)  /* with the first block stored, or the first row */
		fault_point("ingest.after_first_row");
	if (in->s->progress && in->rows_loaded % 100000 == 0)
		in->s->progress(in->s->progress_ctx, in->path, in->rows_loaded, -1);
	return 0;
}

/* A row whose insert did nothing, or a retraction: its key is held by a current row. Looks
 * the row up; a row of this very batch makes it a duplicate, any other is superseded. */
static int row_held(struct ingest *in, long line, bool retract, struct sp_error *err)
{
	int64_t current = 0, current_batch = 0;
	long current_line = 0;

	if (find_current(in, &current, &current_batch, &current_line, err) < 0)
		return -1;
	if (current && current_batch == in->batch)
		return duplicate_problem(in, line, current_line, err);
	if (retract && !current)
		return row_problem(in, line, "op", "retracts a key that is not known", err);
	if (in->pass == PASS_PREVIEW)
		return 0;
	if (row_replace(in, line, retract, current, err) < 0)
		return -1;
	return row_loaded(in);
}

/* Most rows bring a new key: insert first, look the key up only when it is held. */
static int row_store(struct ingest *in, long line, struct sp_error *err)
{
	bool inserted;

	if (row_insert(in, line, &inserted, err) < 0)
		return -1;
	return inserted ? row_loaded(in) : row_held(in, line, false, err);
}

/* Copies a checked value, its text by length (a field_value holds room for the longest). */
static void value_copy(struct field_value *dst, const struct field_value *src)
{
	dst->null = src->null;
	dst->is_int = src->is_int;
	dst->i = src->i;
	memcpy(dst->text, src->text, strlen(src->text) + 1);
}

static void pending_set(struct ingest *in, struct pending *p, long line, bool retract)
{
	p->line = line;
	p->retract = retract;
	memcpy(p->key, in->key, strlen(in->key) + 1);
	for (int c = 0; c < in->def->n_columns; c++)
		value_copy(&p->values[c], &in->values[c]);
}

/* Puts a pending row back into in->values and in->key. */
static void pending_restore(struct ingest *in, const struct pending *p)
{
	memcpy(in->key, p->key, strlen(p->key) + 1);
	for (int c = 0; c < in->def->n_columns; c++)
		value_copy(&in->values[c], &p->values[c]);
}

/* Inserts a full block with one statement (the parameters of row k are those of insert_sql
 * moved up by k times its count). */
static int block_insert(struct ingest *in, int n, int *ret_changes, struct sp_error *err)
{
	sqlite3_stmt *st = in->insert_block;
	int per_row = sqlite3_bind_parameter_count(in->insert);

	for (int k = 0; k < n; k++)
		bind_row(in, st, k * per_row, in->pending[k].line, in->pending[k].key, in->pending[k].values);
	if (step_done(in, st, err) < 0)
		return -1;
	*ret_changes = sqlite3_changes(in->s->db);
	return 0;
}

/* Deletes the row of the restored pending row if the block statement stored it: when a block
 * finds a held key, its rows are undone and stored again one at a time, so that they get the
 * ids, supersedes and problems of a row-by-row load, in line order. */
static int block_undo_row(struct ingest *in, long line, struct sp_error *err)
{
	int64_t current = 0, current_batch = 0;
	long current_line = 0;

	if (find_current(in, &current, &current_batch, &current_line, err) < 0)
		return -1;
	if (!current || current_batch != in->batch || current_line != line)
		return 0;
	sqlite3_bind_int64(in->unstore, 1, current);
	sqlite3_bind_int64(in->unstore, 2, in->batch);
	if (in->def->by_columns)
		bind_key_columns(in, in->unstore, 3);
	if (step_done(in, in->unstore, err) < 0)
		return -1;
	if (sqlite3_changes(in->s->db) != 1)
		return sp_error_set(err, SP_EXIT_INTERNAL, "%s:%ld: the row stored by its block was not found again",
				    in->path, line);
	return 0;
}

/* Stores the pending rows in line order. A full block without retractions goes in with one
 * statement; in the common case every row of it is new. Otherwise (a held key, a retraction, the
 * last rows of the file) the rows take the path of a single row. */
static int block_flush(struct ingest *in, struct sp_error *err)
{
	int n = in->n_pending, changes = 0;
	bool stored = false;

	if (n == 0)
		return 0;
	in->n_pending = 0;
	if (n == INGEST_BLOCK_ROWS && in->insert_block) {
		bool retraction = false;

		for (int k = 0; k < n; k++)
			retraction = retraction || in->pending[k].retract;
		if (!retraction && block_insert(in, n, &changes, err) < 0)
			return -1;
		stored = !retraction && changes == n;
		for (int k = 0; k < n && !retraction && !stored; k++) {
			pending_restore(in, &in->pending[k]);
			if (block_undo_row(in, in->pending[k].line, err) < 0)
				return -1;
		}
	}
	for (int k = 0; k < n; k++) {
		long line = in->pending[k].line;
		int rc;

		pending_restore(in, &in->pending[k]);
		if (stored)
			rc = row_loaded(in);
		else if (in->pending[k].retract)
			rc = row_held(in, line, true, err);
		else
			rc = row_store(in, line, err);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int block_add(struct ingest *in, long line, bool retract, struct sp_error *err)
{
	pending_set(in, &in->pending[in->n_pending++], line, retract);
	return in->n_pending == INGEST_BLOCK_ROWS ? block_flush(in, err) : 0;
}

static int on_row(void *ctx, const struct csv_record *rec, struct sp_error *err)
{
	struct ingest *in = ctx;
	bool retract, dup;
	int problems;

	if (in->n_header == 0 && in->rows_read == 0 && in->pass != PASS_LOAD)
		return header_check(in, rec, err);
	if (in->n_header == 0)
		return in->n_header = rec->n, 0;
	in->rows_read++;
	if (in->pass == PASS_LOAD && line_is_bad(in, rec->line)) {
		in->rows_rejected++;
		return reject_write(in, rec, err);
	}
	problems = row_check(in, rec, &retract);
	if (problems != 0) {
		if (block_flush(in, err) < 0)
			return -1;
		for (int k = 0; k < in->n_notes; k++)
			if (row_problem(in, rec->line, in->notes[k].column, in->notes[k].reason, err) < 0)
				return -1;
		return 0;
	}
	if (in->pass == PASS_PREVIEW) {
		if (preview_key(in, rec->line, &dup, err) < 0)
			return -1;
		return dup ? 0 : row_held(in, rec->line, retract, err);
	}
	return block_add(in, rec->line, retract, err);
}

static int cmp_bad(const void *a, const void *b)
{
	const struct bad_row *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* insert_sql for INGEST_BLOCK_ROWS rows: its VALUES tuple repeated, the parameters of row k
 * numbered up by k times the count of one row. */
static char *block_sql(const char *insert_sql, int per_row)
{
	const char *open = strstr(insert_sql, " VALUES (");
	const char *close = NULL;
	size_t size;
	char *sql;
	size_t used;
	int depth = 0;

	if (!open)
		return NULL;
	for (const char *p = open + 8; *p && !close; p++) {  /* the ')' that closes the row */
		depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		if (depth == 0)
			close = p;
	}
	if (!close)
		return NULL;
	size = strlen(insert_sql) + (size_t)INGEST_BLOCK_ROWS * (size_t)(close - open + 64);
	if (!(sql = malloc(size)))
		return NULL;
	used = (size_t)snprintf(sql, size, "%.*s VALUES ", (int)(open - insert_sql), insert_sql);
	for (int k = 0; k < INGEST_BLOCK_ROWS; k++) {
		sql[used++] = k ? ',' : ' ';
		for (const char *p = open + 8; p <= close; p++) {
			if (*p == '?') {
				char *end;
				long n = strtol(p + 1, &end, 10);

				used += (size_t)snprintf(sql + used, size - used, "?%ld", n + (long)k * per_row);
				p = end - 1;
			} else {
				sql[used++] = *p;
			}
		}
	}
	snprintf(sql + used, size - used, "%s", close + 1);
	return sql;
}

/* The feed's SQL with FEED_HOT_FROM replaced by social_insurance_hot.from_month, which holds
 * still while ingest holds the writer lock: a literal costs nothing a row, a subquery did. */
static char *sql_expand(struct ingest *in, const char *sql)
{
	const char *at = strstr(sql, FEED_HOT_FROM);
	size_t size = strlen(sql) + 16 * INGEST_BLOCK_ROWS + 1, used = 0;
	char *out = malloc(size);

	if (!out)
		return NULL;
	for (; at; sql = at + strlen(FEED_HOT_FROM), at = strstr(sql, FEED_HOT_FROM))
		used += (size_t)snprintf(out + used, size - used, "%.*s%d", (int)(at - sql), sql, in->hot_from);
	snprintf(out + used, size - used, "%s", sql);
	return out;
}

static int prepare_expanded(struct ingest *in, const char *sql, sqlite3_stmt **ret, struct sp_error *err)
{
	char *expanded = sql_expand(in, sql);
	int rc = expanded ? store_prepare(in->s, expanded, ret, err)
			  : sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");

	free(expanded);
	return rc;
}

static int prepare(struct ingest *in, struct sp_error *err)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	if (strstr(in->def->insert_sql, FEED_HOT_FROM)) {
		if (store_prepare(in->s, "SELECT from_month FROM social_insurance_hot", &st, err) < 0)
			return -1;
		rc = sqlite3_step(st);
		in->hot_from = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return sp_error_set(err, SP_EXIT_INTERNAL, "social_insurance_hot has no row");
	}
	if (prepare_expanded(in, in->def->insert_sql, &in->insert, err) < 0 ||
	    prepare_expanded(in, in->def->find_sql, &in->find, err) < 0 ||
	    prepare_expanded(in, in->def->retire_sql, &in->retire, err) < 0 ||
	    prepare_expanded(in, in->def->unstore_sql, &in->unstore, err) < 0)
		return -1;
	sql = block_sql(in->def->insert_sql, sqlite3_bind_parameter_count(in->insert));
	rc = sql ? prepare_expanded(in, sql, &in->insert_block, err) : -1;
	free(sql);
	if (rc < 0)
		return err && err->code ? -1 : sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
	in->pending = calloc(INGEST_BLOCK_ROWS, sizeof(*in->pending));
	if (!in->pending)
		return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
	if (!in->opt->accept_partial)
		return 0;
	if (store_exec(in->s, "CREATE TEMP TABLE IF NOT EXISTS ingest_keys("
			      "k TEXT PRIMARY KEY, line INTEGER NOT NULL, marked INTEGER NOT NULL);"
			      "DELETE FROM temp.ingest_keys;", err) < 0)
		return -1;
	return store_prepare(in->s, "INSERT OR REPLACE INTO temp.ingest_keys(k, line, marked) VALUES (?1, ?2, ?3)",
			     &in->key_add, err) < 0 ||
	       store_prepare(in->s, "SELECT line, marked FROM temp.ingest_keys WHERE k = ?1", &in->key_get, err) < 0
		       ? -1 : 0;
}

static void finalize(struct ingest *in)
{
	sqlite3_finalize(in->insert);
	sqlite3_finalize(in->find);
	sqlite3_finalize(in->retire);
	sqlite3_finalize(in->unstore);
	sqlite3_finalize(in->insert_block);
	free(in->pending);
	sqlite3_finalize(in->key_add);
	sqlite3_finalize(in->key_get);
	free(in->bad);
	if (in->rejects)
		fclose(in->rejects);
}

int file_sha256(const char *path, char ret_hex[static 65], struct sp_error *err)
{
	FILE *f = fopen(path, "rb");
	EVP_MD_CTX *md;
	unsigned char buf[65536], digest[32];
	unsigned int n = 0;
	size_t got;

	if (!f)
		return sp_error_set(err, SP_EXIT_INPUT, "cannot open '%s': %s", path, strerror(errno));
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		fclose(f);
		EVP_MD_CTX_free(md);
		return sp_error_set(err, SP_EXIT_INTERNAL, "sha-256 unavailable");
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(md, buf, got);
	EVP_DigestFinal_ex(md, digest, &n);
	EVP_MD_CTX_free(md);
	if (ferror(f)) {
		fclose(f);
		return sp_error_set(err, SP_EXIT_INPUT, "cannot read '%s'", path);
	}
	fclose(f);
	for (int i = 0; i < 32; i++)
		snprintf(ret_hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

static int stream_pass(struct ingest *in, enum pass pass, struct sp_error *err)
{
	FILE *f = fopen(in->path, "rb");
	int rc;

	if (!f)
		return sp_error_set(err, SP_EXIT_INPUT, "cannot open '%s': %s", in->path, strerror(errno));
	in->pass = pass;
	in->rows_read = in->rows_loaded = in->rows_rejected = 0;
	in->next_bad = 0;
	if (pass == PASS_LOAD)
		in->n_header = 0;  /* the header was checked in the preview; skip it again */
	rc = csvread_stream(f, in->path, in->opt->encoding, on_row, in, err);
	fclose(f);
	if (rc == 0) {
		rc = block_flush(in, err);
	} else if (err && err->code == SP_EXIT_INPUT) {
		/* The file is refused for its bytes; still name the problems of the rows read. */
		struct sp_error flush_err = { 0 };

		block_flush(in, &flush_err);
	}
	if (rc == 0 && in->n_header == 0 && pass != PASS_LOAD)
		rc = sp_error_set(err, SP_EXIT_INPUT, "%s:1: -: the file is empty (no header)", in->path);
	return rc;
}

static void rejects_default(const char *path, char out[static 4096])
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	snprintf(out, 4096, "%.*s.rejects.csv", (int)n, base);
}

static int load(struct ingest *in, struct ingest_report *ret, struct sp_error *err)
{
	if (!in->opt->accept_partial) {
		if (stream_pass(in, PASS_STRICT, err) < 0)
			return -1;
		if (in->problems)
			return sp_error_set(err, SP_EXIT_INPUT, "'%s': %ld problem%s, nothing loaded", in->path,
					    in->problems, in->problems == 1 ? "" : "s");
		return 0;
	}
	if (stream_pass(in, PASS_PREVIEW, err) < 0)
		return -1;
	if (in->n_bad > 0)
		qsort(in->bad, in->n_bad, sizeof(*in->bad), cmp_bad);
	if (in->n_bad) {
		if (in->opt->rejects_path)
			snprintf(ret->rejects_path, sizeof(ret->rejects_path), "%s", in->opt->rejects_path);
		else
			rejects_default(in->path, ret->rejects_path);
		/* The rejects hold identity numbers: 0600, like the database. */
		int fd = open(ret->rejects_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		in->rejects = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!in->rejects)
			return sp_error_set(err, SP_EXIT_INPUT, "cannot write '%s': %s", ret->rejects_path,
					    strerror(errno));
		fputs("line,column,reason,row\n", in->rejects);
	}
	in->problems = 0;
	in->problem_fn = NULL;  /* the preview reported them already */
	if (stream_pass(in, PASS_LOAD, err) < 0)
		return -1;
	if (in->rejects && fflush(in->rejects) != 0)
		return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write '%s'", ret->rejects_path);
	return 0;
}

static int closed_month_exists(struct store *s)
{
	return store_last_closed(s) != 0;
}

int ingest_file(struct store *s, const char *path, const struct ingest_options *opt,
		ingest_problem_fn problem_fn, void *ctx, struct ingest_report *ret,
		struct sp_error *err)
{
	struct ingest in;
	struct store_batch batch;
	char sha[65];
	int64_t existing;
	int rc;

	memset(ret, 0, sizeof(*ret));
	memset(&in, 0, sizeof(in));
	in.def = opt->feed ? feed_find(opt->feed) : feed_from_path(path);
	if (!in.def)
		return sp_error_set(err, opt->feed ? SP_EXIT_USAGE : SP_EXIT_INPUT,
				    "'%s': no feed named '%s' (name the file after its feed or use --feed)",
				    path, opt->feed ? opt->feed : path);
	ret->feed = in.def->name;
	if (file_sha256(path, sha, err) < 0 || store_batch_begin(s, sha, &existing, err) < 0)
		return -1;
	if (existing) {
		ret->batch_id = existing;
		ret->already = true;
		return 0;
	}
	if (strcmp(in.def->name, "paid_history") == 0 && closed_month_exists(s)) {
		sp_error_set(err, SP_EXIT_STATE, "'%s': paid_history is accepted only before the first close", path);
		goto fail;
	}
	in.s = s;
	in.opt = opt;
	in.path = path;
	in.problem_fn = problem_fn;
	in.problem_ctx = ctx;
	in.today = day_today();
	batch = (struct store_batch){ .feed = in.def->name, .file_name = path, .sha256 = sha,
				      .appeal = opt->appeal, .encoding = opt->encoding };
	if (store_batch_open(s, &batch, &in.batch, err) < 0 || prepare(&in, err) < 0 || load(&in, ret, err) < 0 ||
	    store_batch_counts(s, in.batch, in.rows_read, in.rows_loaded, in.rows_rejected, err) < 0)
		goto fail;
	fault_point("ingest.before_commit");
	finalize(&in);
	if (store_commit(s, err) < 0)
		return -1;
	ret->batch_id = in.batch;
	ret->rows_read = in.rows_read;
	ret->rows_loaded = in.rows_loaded;
	ret->rows_rejected = in.rows_rejected;
	return 0;
fail:
	rc = -1;
	finalize(&in);
	store_rollback(s);
	if (ret->rejects_path[0])
		remove(ret->rejects_path);
	return rc;
}
