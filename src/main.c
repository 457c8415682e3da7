/* main.c - the command table and the global options, nothing else (git.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/cmd.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "create the database and apply the migrations" },
	{ "ingest", cmd_ingest, "load feed files (FEEDS.md)" },
	{ "run", cmd_run, "compute a pay month as a draft" },
	{ "close", cmd_close, "post a draft to the ledger and fix its payments" },
	{ "ledger", cmd_ledger, "print the ledger as CSV" },
	{ "explain", cmd_explain, "show every rule checked for a person and month" },
	{ "export", cmd_export, "write the bank files of a closed month" },
	{ "reconcile", cmd_reconcile, "read a bank return and mark payments settled or rejected" },
	{ "report", cmd_report, "the finance bureau's reports" },
	{ "verify", cmd_verify, "check the ledger's hash chain and the money invariants" },
	{ "replay", cmd_replay, "recompute a closed month from the facts known when it closed" },
};

static const char usage[] =
	"usage: skillpay [--db PATH] [--config FILE] [--json] [-q] [--wait SECONDS] COMMAND [ARGS]\n";

static int help(FILE *out)
{
	fputs(usage, out);
	fputs("\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "   %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'skillpay COMMAND -h' shows a command's options.\n", out);
	return out == stdout ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx = { 0 };
	int c;

	ctx.db_path = getenv("SKILLPAY_DB") ? getenv("SKILLPAY_DB") : "skillpay.db";
	ctx.config_path = getenv("SKILLPAY_CONFIG") ? getenv("SKILLPAY_CONFIG") : "skillpay.ini";
	/* "+": stop at the first non-option, the subcommand, as git does. */
	while ((c = getopt_long(argc, argv, "+qh", options, NULL)) != -1) {
		switch (c) {
		case 'd': ctx.db_path = optarg; break;
		case 'c': ctx.config_path = optarg; break;
		case 'j': ctx.json = true; break;
		case 'q': ctx.quiet = true; break;
		case 'w': ctx.wait_seconds = atoi(optarg); break;
		case 'h': return help(stdout);
		default: return help(stderr);
		}
	}
	if (optind >= argc)
		return help(stderr);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			char **sub = argv + optind;
			int n = argc - optind;

			optind = 0;  /* reset getopt for the subcommand's own options */
			return commands[i].fn(n, sub, &ctx);
		}
	}
	fprintf(stderr, "skillpay: '%s' is not a skillpay command\n", argv[optind]);
	return help(stderr);
}
