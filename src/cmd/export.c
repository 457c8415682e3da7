/* export.c - skillpay export --month M --format pain001|cn-batch [--encoding E] --out DIR:
 * the bank files of a closed month (CLI.md "Bank files"). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "skillpay/bankfile.h"
#include "skillpay/calendar.h"
#include "skillpay/cmd.h"
#include "skillpay/config.h"
#include "skillpay/money.h"

static const char usage[] =
	"usage: skillpay export --month YYYY-MM --format pain001|cn-batch [--encoding gbk|utf-8] --out DIR\n";

struct export_args {
	int32_t month;                /* yyyymm */
	enum bankfile_format format;
	const char *encoding;         /* NULL: the configuration's */
	const char *out_dir;
};

static int parse_args(int argc, char **argv, struct export_args *a)
{
	static const struct option options[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month_arg = NULL, *format = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'm': month_arg = optarg; break;
		case 'f': format = optarg; break;
		case 'e': a->encoding = optarg; break;
		case 'o': a->out_dir = optarg; break;
		case 'h': return fputs(usage, stdout), -1;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if ((c = cmd_month_arg(month_arg, usage, &a->month)) != 0)
		return c;
	if (!format)
		return cmd_usage_error(usage, "--format pain001|cn-batch is required");
	if (strcmp(format, "pain001") == 0)
		a->format = BANKFILE_PAIN001;
	else if (strcmp(format, "cn-batch") == 0)
		a->format = BANKFILE_CN_BATCH;
	else
		return cmd_usage_error(usage, "'%s' is not a bank file format (pain001 or cn-batch)", format);
	if (a->encoding && a->format != BANKFILE_CN_BATCH)
		return cmd_usage_error(usage, "--encoding applies to cn-batch only (pain001 is always UTF-8)");
	if (!a->out_dir)
		return cmd_usage_error(usage, "--out DIR is required");
	return 0;
}

/* The configuration with --encoding applied; it must name the payer. */
static int load_config(const struct cmd_ctx *ctx, const struct export_args *a, struct config *ret)
{
	struct sp_error err = { 0 };

	if (config_load(ctx->config_path, ret, &err) < 0 || config_require_payer(ret, ctx->config_path, &err) < 0)
		return cmd_fail(&err);
	if (a->encoding && config_encoding_parse(a->encoding, &ret->cn_encoding) < 0)
		return cmd_usage_error(usage, "'%s' is not an encoding (gbk or utf-8)", a->encoding);
	return 0;
}

static int check_out_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return cmd_usage_error(usage, "cannot use '%s' as --out: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cmd_usage_error(usage, "'%s' is not a directory", dir);
	return 0;
}

static int render(const struct bankfile_month *m, const struct config *cfg, enum bankfile_format format,
		  struct bankfile_buffer *ret, struct sp_error *err)
{
	struct bankfile_cn_options o = {
		.encoding = cfg->cn_encoding, .delimiter = cfg->cn_delimiter, .summary = cfg->cn_summary,
	};

	if (format == BANKFILE_PAIN001)
		return bankfile_pain001(m, &cfg->payer, ret, err);
	return bankfile_cn_batch(m, &cfg->payer, &o, ret, err);
}

/* The inside of a JSON string: the directory is whatever the user typed. */
static void json_chars(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned)*s);
		else if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else
			putchar(*s);
	}
}

static void report(const struct cmd_ctx *ctx, const struct bankfile_month *m, const char *dir, const char *name,
		   const char *hex, struct sp_error *err)
{
	char month[8], total[32];
	size_t count = 0;
	int64_t total_fen = 0;

	bankfile_totals(m, NULL, &count, &total_fen, err);   /* already checked by the writer */
	month_format(month_from_int(m->month), month);
	money_format(total_fen, total);
	if (ctx->json) {
		printf("{\"month\":\"%s\",\"file\":\"", month);
		json_chars(dir);
		printf("/%s\",\"sha256\":\"%s\",\"payments\":%zu,\"total\":\"%s\"}\n", name, hex, count, total);
	} else if (!ctx->quiet) {
		printf("wrote %s/%s: %zu payments totalling %s (sha256 %s)\n", dir, name, count, total, hex);
	}
}

static int export_month(struct cmd_ctx *ctx, const struct export_args *a, const struct config *cfg)
{
	struct bankfile_buffer buf = { 0 };
	struct bankfile_month *m = NULL;
	struct sp_error err = { 0 };
	struct store *s;
	char name[BANKFILE_NAME_MAX], hex[65], month[8], message[80];
	int rc;

	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	rc = bankfile_load(s, a->month, &m, &err);
	store_close(s);
	if (rc < 0)
		return cmd_fail(&err);
	if (m->count == 0) {
		/* CLI.md: a month with no payments writes no file, says so, and exits 0. */
		month_format(month_from_int(a->month), month);
		snprintf(message, sizeof(message), "month '%s' has no payments: no bank file written", month);
		cmd_message("skillpay: ", message);
		bankfile_month_free(m);
		return 0;
	}
	bankfile_name(a->month, a->format, name);
	if (render(m, cfg, a->format, &buf, &err) < 0 || bankfile_write(a->out_dir, name, &buf, hex, &err) < 0) {
		bankfile_buffer_release(&buf);
		bankfile_month_free(m);
		return cmd_fail(&err);
	}
	report(ctx, m, a->out_dir, name, hex, &err);
	bankfile_buffer_release(&buf);
	bankfile_month_free(m);
	return fflush(stdout) == 0 ? 0 : SP_EXIT_INTERNAL;
}

int cmd_export(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct export_args a = { 0 };
	struct config cfg;
	int rc;

	if (cmd_wants_help(argc, argv))
		return fputs(usage, stdout), 0;
	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = load_config(ctx, &a, &cfg)) != 0 || (rc = check_out_dir(a.out_dir)) != 0)
		return rc;
	return export_month(ctx, &a, &cfg);
}
