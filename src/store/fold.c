/* fold.c - the recent range of social_insurance (migration 0005) moved into the big one.
 *
 * social_insurance keeps the months from social_insurance_hot.from_month on in a small range of
 * its own (hot = 1), so that a monthly delivery writes few pages. A close moves the recent rows
 * of the closed months into the big person-clustered range once they span FOLD_MONTHS: one
 * page of every person then, instead of one every month. Which range a row is in follows from
 * its month and from_month alone; the facts themselves (keys, values, batches, lines) do not
 * change, and every reader sees both ranges. */
#include <stdio.h>
#include "skillpay/calendar.h"
#include "skillpay/store.h"

enum { FOLD_MONTHS = 6, NO_MONTH = 999999 };

static int fold_step(struct store *s, const char *sql, int32_t a, struct sp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, sql, &st, err) < 0)
		return -1;
	sqlite3_bind_int(st, 1, a);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_fail(s, "social_insurance ranges", err);
}

int store_fold(struct store *s, int32_t closed_month, struct sp_error *err)
{
	sqlite3_stmt *st;
	int32_t from = NO_MONTH, next = month_to_int(month_from_int(closed_month) + 1);

	if (store_prepare(s, "SELECT from_month FROM social_insurance_hot", &st, err) < 0)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {  /* never guess: a wrong boundary misplaces rows */
		sqlite3_finalize(st);
		return sp_error_set(err, SP_EXIT_INTERNAL, "social_insurance_hot has no row");
	}
	from = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (from == NO_MONTH) {
		/* The first close: months after it are recent from now on (rows of them already
		 * delivered move over; one scan of the table, once). */
		if (fold_step(s, "UPDATE social_insurance SET hot = 1 WHERE hot = 0 AND month >= ?1", next, err) < 0)
			return -1;
	} else if (month_from_int(next) - month_from_int(from) >= FOLD_MONTHS) {
		if (fold_step(s, "UPDATE social_insurance SET hot = 0 WHERE hot = 1 AND month < ?1", next, err) < 0)
			return -1;
	} else {
		return 0;
	}
	return fold_step(s, "UPDATE social_insurance_hot SET from_month = ?1", next, err);
}
