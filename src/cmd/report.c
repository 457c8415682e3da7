/* report.c - skillpay report summary|changes|reconciliation|balances --month M: the finance
 * bureau's reports (src/out/report.c builds and renders them). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "skillpay/cmd.h"
#include "skillpay/report.h"

static const char usage[] =
	"usage: skillpay report summary|changes|reconciliation|balances --month YYYY-MM\n"
	"                       [--format text|csv|xlsx] [--out FILE]\n"
	"  summary         persons and amounts posted by the month's close, by kind, line type and\n"
	"                  funding; payments made and held\n"
	"  changes         new payees, payees who stopped (with the rule why) and changed amounts\n"
	"                  against the month before\n"
	"  reconciliation  the month's payments settled, rejected (by reason) and outstanding\n"
	"  balances        negative balances being recovered and the month's held payments\n"
	"A closed month is reported as closed; the month of the current draft as a draft.\n"
	"--out is required for xlsx; text and csv go to stdout without it. Files are mode 0600.\n";

/* Creates (or truncates) path with mode 0600: reports name people and their money. */
static int create_private(const char *path, struct sp_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return sp_error_set(err, SP_EXIT_USAGE, "cannot write '%s': %s", path, strerror(errno));
	if (fchmod(fd, 0600) != 0) {   /* an existing file keeps its mode through O_CREAT */
		close(fd);
		return sp_error_set(err, SP_EXIT_USAGE, "cannot write '%s': %s", path, strerror(errno));
	}
	return fd;
}

static int write_stream(const struct report *r, enum report_format format, const char *out_path,
			struct sp_error *err)
{
	FILE *f = stdout;
	int fd, rc;

	if (out_path) {
		if ((fd = create_private(out_path, err)) < 0)
			return -1;
		if (!(f = fdopen(fd, "w"))) {
			close(fd);
			return sp_error_set(err, SP_EXIT_INTERNAL, "cannot write '%s': %s", out_path, strerror(errno));
		}
	}
	rc = format == REPORT_CSV ? report_write_csv(r, f, err) : report_write_text(r, f, err);
	if (f != stdout && fclose(f) != 0 && rc == 0)
		rc = sp_error_set(err, SP_EXIT_INTERNAL, "cannot write '%s': %s", out_path, strerror(errno));
	if (f == stdout && fflush(stdout) != 0 && rc == 0)
		rc = sp_error_set(err, SP_EXIT_INTERNAL, "cannot write the report to stdout");
	return rc;
}

static int write_report(const struct report *r, enum report_format format, const char *out_path,
			struct sp_error *err)
{
	int fd;

	if (format != REPORT_XLSX)
		return write_stream(r, format, out_path, err);
	/* libxlsxwriter opens the file itself: make it 0600 first, it keeps the mode. */
	if ((fd = create_private(out_path, err)) < 0)
		return -1;
	close(fd);
	if (report_write_xlsx(r, out_path, err) < 0) {
		unlink(out_path);
		return -1;
	}
	return 0;
}

struct report_args {
	enum report_kind kind;
	enum report_format format;
	int32_t month;
	const char *out_path;
};

static int parse_args(int argc, char **argv, struct report_args *a)
{
	static const struct option options[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month_arg = NULL, *format_arg = "text";
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'm': month_arg = optarg; break;
		case 'f': format_arg = optarg; break;
		case 'o': a->out_path = optarg; break;
		default: return cmd_usage_error(usage, "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error(usage, "which report? summary, changes, reconciliation or balances");
	if (report_kind_parse(argv[optind], &a->kind) < 0)
		return cmd_usage_error(usage, "'%s' is not a report", argv[optind]);
	if (optind + 1 < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind + 1]);
	if (report_format_parse(format_arg, &a->format) < 0)
		return cmd_usage_error(usage, "'%s' is not a format (text, csv or xlsx)", format_arg);
	if (a->format == REPORT_XLSX && !a->out_path)
		return cmd_usage_error(usage, "--format xlsx needs --out FILE");
	if (a->out_path && !a->out_path[0])
		return cmd_usage_error(usage, "--out needs a file name");
	return cmd_month_arg(month_arg, usage, &a->month);
}

int cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct report_args a = { .format = REPORT_TEXT };
	struct sp_error err = { 0 };
	struct report r;
	struct store *s;
	int rc;

	if (cmd_wants_help(argc, argv))
		return fputs(usage, stdout), 0;
	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc;
	if ((rc = cmd_open(ctx, &s)) != 0)
		return rc;
	report_init(&r);
	/* Read-only: one read transaction, so that every table sees the same database. */
	rc = store_exec(s, "BEGIN", &err) < 0 || report_build(s, a.kind, a.month, &r, &err) < 0 ? -1 : 0;
	store_rollback(s);
	store_close(s);
	if (rc == 0)
		rc = write_report(&r, a.format, a.out_path, &err);
	report_release(&r);
	return rc < 0 ? cmd_fail(&err) : 0;
}
