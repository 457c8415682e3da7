/* error.c - the first error wins (include/skillpay/error.h). */
#include <stdarg.h>
#include <stdio.h>
#include "skillpay/error.h"

void sp_error_clear(struct sp_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->message[0] = '\0';
}

int sp_error_set(struct sp_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != 0)
		return -1;
	err->code = code ? code : SP_EXIT_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}
