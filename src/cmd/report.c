/* report.c - skillpay report: being written. */
#include <stdio.h>
#include "skillpay/cmd.h"

int cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fputs("skillpay: 'report' is not built yet\n", stderr);
	return SP_EXIT_INTERNAL;
}
