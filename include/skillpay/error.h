/* error.h - the error context carried through an operation (after SQLite's and git's error()).
 * The first error wins: sp_error_set() on an error that is already set changes nothing. */
#ifndef SKILLPAY_ERROR_H
#define SKILLPAY_ERROR_H

#include "skillpay/limits.h"

/* Exit codes of CLI.md; error codes use the same numbers so a command can return them. */
enum sp_exit {
	SP_OK = 0,
	SP_EXIT_USAGE = 1,
	SP_EXIT_INPUT = 2,
	SP_EXIT_STATE = 3,
	SP_EXIT_INTEGRITY = 4,
	SP_EXIT_INTERNAL = 70,
};

struct sp_error {
	int code;                      /* enum sp_exit; 0 while no error is set */
	char message[SP_MESSAGE_MAX];  /* lower case, no final period, subject quoted */
};

void sp_error_clear(struct sp_error *err);

/* Sets err (when not yet set) and returns -1, so that callers write
 * `return sp_error_set(err, SP_EXIT_INPUT, "...", ...);`. err may be NULL. */
int sp_error_set(struct sp_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
