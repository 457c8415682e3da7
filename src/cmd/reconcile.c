/* reconcile.c - skillpay reconcile: being written. */
#include <stdio.h>
#include "skillpay/cmd.h"

int cmd_reconcile(int argc, char **argv, struct cmd_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fputs("skillpay: 'reconcile' is not built yet\n", stderr);
	return SP_EXIT_INTERNAL;
}
