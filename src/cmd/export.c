/* export.c - skillpay export: being written. */
#include <stdio.h>
#include "skillpay/cmd.h"

int cmd_export(int argc, char **argv, struct cmd_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fputs("skillpay: 'export' is not built yet\n", stderr);
	return SP_EXIT_INTERNAL;
}
