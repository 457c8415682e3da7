/* ingest.c - skillpay ingest: load feed files, each as one all-or-nothing batch. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "skillpay/cmd.h"
#include "skillpay/feeds.h"

static const char usage[] =
	"usage: skillpay ingest [--feed NAME] [--encoding gbk|utf-8] [--accept-partial]\n"
	"                       [--rejects FILE] [--appeal REF] FILE...\n";

static void print_problem(void *ctx, const char *file, long line, const char *column,
			  const char *reason)
{
	char head[4200];

	(void)ctx;
	snprintf(head, sizeof(head), "%s:%ld: %s: ", file, line, column);
	fputs(head, stderr);
	cmd_message("", reason);
}

static int ingest_one(struct store *s, const char *path, const struct ingest_options *opt,
		      struct cmd_ctx *ctx)
{
	struct sp_error err = { 0 };
	struct ingest_report rep;

	if (ingest_file(s, path, opt, print_problem, NULL, &rep, &err) < 0)
		return cmd_fail(&err);
	if (ctx->json) {
		printf("{\"file\":\"%s\",\"feed\":\"%s\",\"batch\":%lld,\"already\":%s,\"rows_read\":%ld,"
		       "\"rows_loaded\":%ld,\"rows_rejected\":%ld}\n", path, rep.feed,
		       (long long)rep.batch_id, rep.already ? "true" : "false", rep.rows_read,
		       rep.rows_loaded, rep.rows_rejected);
	} else if (rep.already) {
		fprintf(stderr, "%s: already ingested as batch %lld, nothing to do\n", path,
			(long long)rep.batch_id);
	} else if (!ctx->quiet) {
		fprintf(stderr, "%s: batch %lld, feed %s: %ld rows read, %ld loaded, %ld rejected\n",
			path, (long long)rep.batch_id, rep.feed, rep.rows_read, rep.rows_loaded,
			rep.rows_rejected);
		if (rep.rows_rejected)
			fprintf(stderr, "%s: rejected rows written to '%s'\n", path, rep.rejects_path);
	}
	return 0;
}

int cmd_ingest(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "feed", required_argument, NULL, 'f' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "accept-partial", no_argument, NULL, 'p' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "appeal", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ingest_options opt = { .encoding = "utf-8" };
	struct store *s;
	int c, rc, worst = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': opt.feed = optarg; break;
		case 'e': opt.encoding = optarg; break;
		case 'p': opt.accept_partial = true; break;
		case 'r': opt.rejects_path = optarg; break;
		case 'a': opt.appeal = optarg; break;
		case 'h': return fputs(usage, stdout), 0;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if (strcmp(opt.encoding, "gbk") != 0 && strcmp(opt.encoding, "utf-8") != 0)
		return cmd_usage_error(usage, "--encoding: '%s' is not gbk or utf-8", opt.encoding);
	if (optind >= argc)
		return cmd_usage_error(usage, "no file to ingest");
	if (opt.rejects_path && argc - optind > 1)
		return cmd_usage_error(usage, "--rejects names one file: give one input file");
	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	/* Each file stands alone: good files load, bad ones change nothing (FEEDS.md). */
	for (int i = optind; i < argc; i++) {
		rc = ingest_one(s, argv[i], &opt, ctx);
		if (rc == SP_EXIT_INTERNAL || rc == SP_EXIT_USAGE) {
			worst = rc;
			break;
		}
		/* The worst outcome wins: 3 (refused by state) over 2 (input rejected). */
		if (rc > worst)
			worst = rc;
	}
	store_close(s);
	return worst;
}
