/* gen_feeds.c - synthetic county for skillpay benchmarks (scripts/gen-feeds compiles and runs it).
 *
 *   gen_feeds --persons N --months K --seed S --out DIR            the twelve feeds, 2021-08 + K months
 *   gen_feeds --persons N --months K --seed S --out DIR --delivery [YYYY-MM]  month K+1: SI and
 *             enterprise-allowance rows for it, late rows for month K, 1% corrections, a few retractions
 *
 * Deterministic: the same arguments write byte-identical files (no clock, own PRNG). Streams its
 * output: memory is O(employers + birth days), never O(rows). Plain C99/C17 + POSIX, no libraries,
 * not part of the meson build (it is a tool, not the product).
 *
 * Proportions (of persons): 1% 高级技师 (level 1; half of them also hold an older level-2
 * certificate), 4% 技师 (level 2), 10% level 3, 7% levels 4-5, the rest no certificate; titles
 * ~0.35% (top_talent 0.05%, skill_star 0.1%, skill_ace 0.2%); discipline 0.2%. Employers: one per
 * 50 persons: 84% local county firms, 5% provincial, 2% central, 4% public institutions, 5% firms
 * in other regions of Jinhua; 45% of firms run a skill allowance system, 15% of those are chief
 * qualified, 10% of employers get a second dated row.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define COUNTY "330723"
#define FIRST_YEAR 2021
#define FIRST_MON 8

/* ----------------------------------------------------------------------------------------- */
/* PRNG: splitmix64, seeded per entity so that every person is independent of the others.   */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

struct rng { uint64_t s; };

static uint64_t rnext(struct rng *r)
{
	r->s += 0x9E3779B97F4A7C15ULL;
	return mix64(r->s);
}

static void rseed(struct rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
	r->s = mix64(seed * 0x9E3779B97F4A7C15ULL ^ mix64(stream * 0xD1B54A32D192ED03ULL + index));
}

/* uniform integer in [lo, hi] */
static int64_t runi(struct rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(rnext(r) % (uint64_t)(hi - lo + 1));
}

/* true with probability ppm / 1,000,000 */
static int rppm(struct rng *r, uint32_t ppm)
{
	return rnext(r) % 1000000u < ppm;
}

static int hppm(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b, uint32_t ppm)
{
	return mix64(mix64(seed ^ stream * 0xA24BAED4963EE407ULL) ^ (a << 8) ^ b) % 1000000u < ppm;
}

/* ----------------------------------------------------------------------------------------- */
/* Calendar: days since 1970-01-01 (H. Hinnant's civil algorithms).                          */

static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

static char *put2(char *p, int v) { p[0] = (char)('0' + v / 10 % 10); p[1] = (char)('0' + v % 10); return p + 2; }
static char *put4(char *p, int v) { p = put2(p, v / 100); return put2(p, v % 100); }

/* writes YYYY-MM-DD (10 chars, no NUL), returns the end */
static char *put_date(char *p, int32_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	p = put4(p, y); *p++ = '-'; p = put2(p, m); *p++ = '-';
	return put2(p, d);
}

static int32_t add_years(int32_t day, int years)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	return days_from_civil(y + years, m, d);
}

/* month index k (0 = 2021-08) */
static int32_t month_first(int k)
{
	int t = FIRST_YEAR * 12 + (FIRST_MON - 1) + k;
	return days_from_civil(t / 12, t % 12 + 1, 1);
}

static void month_text(int k, char out[8])
{
	int t = FIRST_YEAR * 12 + (FIRST_MON - 1) + k;
	char *p = put4(out, t / 12);
	*p++ = '-';
	p = put2(p, t % 12 + 1);
	*p = '\0';
}

/* ----------------------------------------------------------------------------------------- */
/* Identity numbers (GB 11643) and credit codes (GB 32100 / GB 11714).                       */

static const int ID_W[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char ID_MAP[] = "10X98765432";
static const char CREDIT_ALPHA[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int CREDIT_W[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };

static void make_person_id(int32_t birth, int seq3, char out[19])
{
	char *p = out;
	int y, m, d, s = 0;

	memcpy(p, COUNTY, 6); p += 6;
	civil_from_days(birth, &y, &m, &d);
	p = put4(p, y); p = put2(p, m); p = put2(p, d);
	*p++ = (char)('0' + seq3 / 100); *p++ = (char)('0' + seq3 / 10 % 10); *p++ = (char)('0' + seq3 % 10);
	for (int i = 0; i < 17; i++)
		s += (out[i] - '0') * ID_W[i];
	out[17] = ID_MAP[s % 11];
	out[18] = '\0';
}

static int credit_value(char c)
{
	const char *p = strchr(CREDIT_ALPHA, c);
	return p ? (int)(p - CREDIT_ALPHA) : -1;
}

/* auth (2 chars) + region (6) + organisation code (8 + check) + check */
static void make_credit_code(const char *auth, const char *region, uint32_t body, char out[19])
{
	static const int ORG_W[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int s = 0, c;

	memcpy(out, auth, 2);
	memcpy(out + 2, region, 6);
	for (int i = 7; i >= 0; i--) {
		out[8 + i] = (char)('0' + body % 10);
		body /= 10;
	}
	for (int i = 0; i < 8; i++)
		s += (out[8 + i] - '0') * ORG_W[i];
	c = 11 - s % 11;
	out[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	s = 0;
	for (int i = 0; i < 17; i++)
		s += credit_value(out[i]) * CREDIT_W[i];
	out[17] = CREDIT_ALPHA[(31 - s % 31) % 31];
	out[18] = '\0';
}

/* true when an 18-character text also passes the GB 32100 check (about 1 person id in 31 does) */
static int passes_credit_check(const char *id)
{
	int s = 0, v;

	for (int i = 0; i < 17; i++) {
		if ((v = credit_value(id[i])) < 0)
			return 0;
		s += v * CREDIT_W[i];
	}
	return id[17] == CREDIT_ALPHA[(31 - s % 31) % 31];
}

/* ----------------------------------------------------------------------------------------- */
/* Output: one buffered stream per feed.                                                     */

struct out {
	FILE *f;
	long rows;
	const char *name;
};

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "gen-feeds: %s: %s\n", what, detail);
	exit(1);
}

static void out_open(struct out *o, const char *dir, const char *name, const char *header)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s.csv", dir, name);
	o->f = fopen(path, "wb");
	if (!o->f)
		die(path, strerror(errno));
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	fputs(header, o->f);
	fputc('\n', o->f);
	o->rows = 0;
	o->name = name;
}

static void out_line(struct out *o, const char *line, size_t len)
{
	if (fwrite(line, 1, len, o->f) != len)
		die(o->name, "write failed");
	o->rows++;
}

static void out_close(struct out *o)
{
	if (fclose(o->f) != 0)
		die(o->name, "close failed");
	fprintf(stderr, "  %-28s %10ld rows\n", o->name, o->rows);
}

static char *put_str(char *p, const char *s) { size_t n = strlen(s); memcpy(p, s, n); return p + n; }

static char *put_yuan(char *p, int64_t fen)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
	memcpy(p, tmp, (size_t)n);
	return p + n;
}

/* ----------------------------------------------------------------------------------------- */
/* Word lists (made up).                                                                     */

static const char *const SURNAMES[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
	"徐", "孙", "朱", "何", "胡", "郑", "潘", "汤", "邵", "钟", "雷", "蓝", "金", "应", "楼", "叶",
	"巩", "范", "陶", "俞", "祝", "施", "鲍", "童", "傅", "章" };
static const char *const GIVEN[] = { "建", "明", "志", "强", "国", "平", "晓", "东", "海", "峰",
	"俊", "杰", "德", "兴", "丽", "娟", "秀", "芳", "卫", "文", "博", "美", "华", "小", "燕", "伟",
	"永", "立", "新", "军", "红", "英", "斌", "玲", "勇", "霞", "刚", "敏", "磊", "静" };
static const char *const FIRM_WORDS[] = { "恒达", "金帆", "瑞丰", "精工", "华通", "宏源", "鑫泰",
	"永康", "新力", "正阳", "天诚", "博远", "安泰", "嘉禾", "富强", "远东", "星火", "明珠" };
static const char *const FIRM_TRADES[] = { "五金工具", "电器", "门业", "机械", "电动工具", "汽车配件",
	"不锈钢制品", "文旅用品", "塑业", "铸造", "电子", "家具" };
static const char *const OCCUPATIONS[] = { "6-18-01-01", "6-18-01-02", "6-18-02-04", "6-20-01-01",
	"6-31-01-03", "6-22-02-01", "6-18-01-06", "6-05-02-01", "6-29-01-05", "4-03-02-01",
	"4-03-01-01", "6-25-03-00" };
static const char *const OTHER_REGIONS[] = { "330702", "330703", "330781", "330782", "330784" };
static const char *const BANK_CODES[] = { "102338500016", "103338500028", "104338500011",
	"105338000012", "313338707013", "402338200017" };

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ----------------------------------------------------------------------------------------- */
/* The county.                                                                               */

enum own { OWN_LOCAL, OWN_PROVINCIAL, OWN_CENTRAL, OWN_PUBLIC };
static const char *const OWN_NAME[] = { "local", "provincial", "central", "public" };

struct employer {
	char id[19];
	char region[7];
	uint8_t own;
	uint8_t chief_target, chiefs;   /* chief craftsmen to appoint / appointed so far */
	uint8_t word, trade;
	int32_t valid_from, valid_from2; /* valid_from2 = 0: one row only */
	int32_t skill1, skill2;          /* skill_allowance_since per row, 0 = none */
	int32_t chief_since;             /* chief_qualified_since (both rows), 0 = none */
};

struct cfg {
	long persons;
	int months;
	uint64_t seed;
	const char *out;
	int delivery;
};

static struct employer *EMP;
static long N_EMP;

enum { STREAM_EMP = 1, STREAM_PERSON, STREAM_GAP, STREAM_LATE, STREAM_DELIVERY, STREAM_ACCOUNT };

static int32_t skill_since_on(const struct employer *e, int32_t day)
{
	return e->valid_from2 && e->valid_from2 <= day ? e->skill2 : e->skill1;
}

static void employer_name(const struct employer *e, int second_row, char *out, size_t cap)
{
	const char *suffix = second_row ? "集团有限公司" : "有限公司";

	if (e->own == OWN_PUBLIC)
		snprintf(out, cap, "武义县%s%s服务中心", FIRM_WORDS[e->word], FIRM_TRADES[e->trade]);
	else if (strcmp(e->region, COUNTY) != 0)
		snprintf(out, cap, "金华市%s%s%s", FIRM_WORDS[e->word], FIRM_TRADES[e->trade], suffix);
	else if (e->own == OWN_PROVINCIAL)
		snprintf(out, cap, "浙江省%s集团武义%s%s", FIRM_WORDS[e->word], FIRM_TRADES[e->trade], suffix);
	else if (e->own == OWN_CENTRAL)
		snprintf(out, cap, "中国%s%s武义分公司", FIRM_WORDS[e->word], FIRM_TRADES[e->trade]);
	else
		snprintf(out, cap, "武义%s%s%s", FIRM_WORDS[e->word], FIRM_TRADES[e->trade], suffix);
}

static void make_employers(const struct cfg *c)
{
	N_EMP = c->persons / 50 > 0 ? c->persons / 50 : 1;
	EMP = calloc((size_t)N_EMP, sizeof *EMP);
	if (!EMP)
		die("employers", "out of memory");
	for (long j = 0; j < N_EMP; j++) {
		struct employer *e = &EMP[j];
		struct rng r;
		int64_t t;
		/* 48271 is prime and does not divide 9e7: a bijection on [0, 9e7) keeps codes unique. */
		uint32_t body = (uint32_t)(((uint64_t)j * 48271u + 1234567u) % 90000000u + 10000000u);

		rseed(&r, c->seed, STREAM_EMP, (uint64_t)j);
		t = runi(&r, 0, 99);
		memcpy(e->region, COUNTY, 7);
		e->own = OWN_LOCAL;
		if (t >= 84 && t < 89)
			e->own = OWN_PROVINCIAL;
		else if (t >= 89 && t < 91)
			e->own = OWN_CENTRAL;
		else if (t >= 91 && t < 95)
			e->own = OWN_PUBLIC;
		else if (t >= 95)
			memcpy(e->region, OTHER_REGIONS[runi(&r, 0, NELEM(OTHER_REGIONS) - 1)], 7);
		make_credit_code(e->own == OWN_PUBLIC ? "12" : "91", e->region, body, e->id);
		e->word = (uint8_t)runi(&r, 0, NELEM(FIRM_WORDS) - 1);
		e->trade = (uint8_t)runi(&r, 0, NELEM(FIRM_TRADES) - 1);
		e->valid_from = (int32_t)runi(&r, days_from_civil(1990, 1, 1), days_from_civil(2020, 12, 31));
		if (e->own != OWN_PUBLIC && rppm(&r, 450000))
			e->skill1 = (int32_t)runi(&r, days_from_civil(2015, 1, 1), days_from_civil(2025, 6, 30));
		if (e->own == OWN_LOCAL && !strcmp(e->region, COUNTY) && e->skill1 && rppm(&r, 150000)) {
			e->chief_since = (int32_t)runi(&r, days_from_civil(2019, 1, 1), days_from_civil(2024, 12, 31));
			e->chief_target = rppm(&r, 200000) ? 2 : 1;
		}
		e->skill2 = e->skill1;
		if (rppm(&r, 100000)) {
			e->valid_from2 = (int32_t)runi(&r, days_from_civil(2022, 1, 1), days_from_civil(2025, 12, 31));
			if (!e->skill1 && e->own != OWN_PUBLIC)
				e->skill2 = e->valid_from2;  /* the firm introduces its skill allowance system */
		}
	}
}

static void write_employers(const struct cfg *c, struct out *emp, struct out *bank)
{
	char line[1024], name[256], *p;

	for (long j = 0; j < N_EMP; j++) {
		const struct employer *e = &EMP[j];
		struct rng r;

		for (int row = 0; row < (e->valid_from2 ? 2 : 1); row++) {
			int32_t skill = row ? e->skill2 : e->skill1;

			employer_name(e, row, name, sizeof name);
			p = line;
			p = put_str(p, e->id); *p++ = ',';
			p = put_date(p, row ? e->valid_from2 : e->valid_from); *p++ = ',';
			p = put_str(p, name); *p++ = ',';
			p = put_str(p, e->region); *p++ = ',';
			p = put_str(p, OWN_NAME[e->own]); *p++ = ',';
			if (skill)
				p = put_date(p, skill);
			*p++ = ',';
			if (e->chief_since)
				p = put_date(p, e->chief_since);
			*p++ = '\n';
			out_line(emp, line, (size_t)(p - line));
		}
		if (!e->chief_since)
			continue;
		/* CHIEF is paid to the employer: its account, named as in its latest row (R11). */
		rseed(&r, c->seed, STREAM_ACCOUNT, (uint64_t)j + 0x100000000ULL);
		employer_name(e, e->valid_from2 != 0, name, sizeof name);
		p = line;
		p = put_str(p, e->id); *p++ = ',';
		p = put_date(p, (int32_t)runi(&r, days_from_civil(2021, 1, 1), days_from_civil(2024, 12, 31))); *p++ = ',';
		p += sprintf(p, "3301%016llu", (unsigned long long)(rnext(&r) % 10000000000000000ULL));
		*p++ = ',';
		p = put_str(p, name); *p++ = ',';
		p = put_str(p, BANK_CODES[runi(&r, 0, NELEM(BANK_CODES) - 1)]);
		*p++ = '\n';
		out_line(bank, line, (size_t)(p - line));
	}
}

/* One person, generated from its own PRNG stream (plus the birth-day counters, which only
 * depend on the persons before it): both modes see exactly the same person. */
struct spell {
	long emp;
	int32_t start, end;   /* end = 0: open */
	int occ;
	int appointed;        /* appointed_level, 0 = empty */
};

struct cert {
	int level, occ;
	int32_t issued;
	uint64_t no;
};

struct person {
	long index;
	char id[19];
	char name[32];
	char group[4];
	int male;
	int32_t birth, retired_on;
	int nspells;
	struct spell sp[2];
	int ncerts;
	struct cert cert[2];
	int title;            /* 0 none, 1 top_talent, 2 skill_star, 3 skill_ace */
	int32_t title_date;
	int discipline;
	int32_t decided_on;
	int64_t allowance_fen; /* enterprise skill allowance per month, 0 = none */
	int chief;            /* appointed chief craftsman of sp[0].emp */
	int32_t chief_from, chief_to;
	int payee;            /* may be paid: certificate level 1-2 or a title */
};

#define BIRTH_FIRST_Y 1960
#define BIRTH_LAST_Y 2000
static uint16_t *BIRTH_SEQ; /* [day][sex] persons issued so far */
static int32_t BIRTH_D0, BIRTH_ND;
static uint64_t CERT_SEQ = 100000, CASE_SEQ = 0, DOC_SEQ = 0;

static long pick_employer(struct rng *r)
{
	/* A skewed size distribution: a few large firms, many small ones. */
	double u = (double)(rnext(r) >> 11) / 9007199254740992.0;
	long j = (long)(u * u * (double)N_EMP);

	return j < N_EMP ? j : N_EMP - 1;
}

static void gen_person(const struct cfg *c, long i, struct person *p)
{
	struct rng r;
	int32_t day, policy = month_first(0), last = month_first(c->months + 1) - 1;
	int32_t earliest, retire, start;
	int seq, sex, t;

	memset(p, 0, sizeof *p);
	p->index = i;
	rseed(&r, c->seed, STREAM_PERSON, (uint64_t)i);
	if (rppm(&r, 250000))
		day = (int32_t)runi(&r, 0, BIRTH_ND - 1);
	else
		day = (int32_t)runi(&r, days_from_civil(1975, 1, 1) - BIRTH_D0, days_from_civil(1998, 12, 31) - BIRTH_D0);
	p->male = rppm(&r, 560000);
	sex = p->male;
	seq = BIRTH_SEQ[day * 2 + sex]++;
	if (seq >= 500)
		die("persons", "too many persons born on one day: lower --persons");
	/* digits 15-16 a sequence, digit 17 odd for men and even for women */
	p->birth = BIRTH_D0 + day;
	make_person_id(p->birth, (seq % 100) * 10 + (seq / 100) * 2 + sex, p->id);
	t = (int)runi(&r, 1, 2);
	snprintf(p->name, sizeof p->name, "%s%s%s", SURNAMES[runi(&r, 0, NELEM(SURNAMES) - 1)],
		 GIVEN[runi(&r, 0, NELEM(GIVEN) - 1)], t == 2 ? GIVEN[runi(&r, 0, NELEM(GIVEN) - 1)] : "");
	strcpy(p->group, p->male ? "M60" : rppm(&r, 300000) ? "F55" : "F50");
	retire = add_years(p->birth, p->male ? 60 : p->group[1] == '5' && p->group[2] == '5' ? 55 : 50);
	if (rppm(&r, 5000))
		p->retired_on = (int32_t)runi(&r, policy, last);

	/* employment: a main spell, for some a move to a second employer */
	earliest = add_years(p->birth, 18);
	if (earliest < days_from_civil(1990, 1, 1))
		earliest = days_from_civil(1990, 1, 1);
	if (rppm(&r, 800000) && earliest < policy)
		start = (int32_t)runi(&r, earliest, policy - 1);
	else
		start = (int32_t)runi(&r, earliest > policy ? earliest : policy, month_first(c->months - 1));
	p->nspells = 1;
	p->sp[0].emp = pick_employer(&r);
	p->sp[0].start = start;
	p->sp[0].occ = (int)runi(&r, 0, NELEM(OCCUPATIONS) - 1);
	if (rppm(&r, 120000)) {
		int32_t lo = start + 30 > policy ? start + 30 : policy;
		int32_t leave = (int32_t)runi(&r, lo, last + 200);

		if (leave <= last) {
			p->sp[0].end = leave;
			if (rppm(&r, 600000)) {
				p->nspells = 2;
				p->sp[1].emp = pick_employer(&r);
				p->sp[1].start = leave + 1 + (int32_t)runi(&r, 0, 90);
				p->sp[1].occ = rppm(&r, 700000) ? p->sp[0].occ : (int)runi(&r, 0, NELEM(OCCUPATIONS) - 1);
			}
		}
	}
	/* insured until the statutory age (base age; the delay is the rules' business) */
	for (int k = 0; k < p->nspells; k++) {
		struct spell *s = &p->sp[k];

		if (s->start > retire) {
			p->nspells = k;
			break;
		}
		if (retire <= last && (!s->end || s->end > retire))
			s->end = retire;
		if (s->end > 0 && s->end < s->start)
			s->end = s->start;
	}
	if (p->nspells == 0) {  /* retired before starting: keep an old spell */
		p->nspells = 1;
		p->sp[0].start = earliest < retire ? earliest : retire;
		p->sp[0].end = retire;
	}

	/* certificates */
	t = (int)runi(&r, 0, 999999);
	if (t < 10000) {
		p->cert[0].level = 1;
		p->ncerts = 1;
		if (rppm(&r, 500000)) {
			p->cert[1].level = 2;
			p->ncerts = 2;
		}
	} else if (t < 50000) {
		p->cert[0].level = 2, p->ncerts = 1;
	} else if (t < 150000) {
		p->cert[0].level = 3, p->ncerts = 1;
	} else if (t < 220000) {
		p->cert[0].level = (int)runi(&r, 4, 5), p->ncerts = 1;
	}
	for (int k = 0; k < p->ncerts; k++) {
		struct cert *ce = &p->cert[k];

		ce->occ = rppm(&r, 900000) ? p->sp[0].occ : (int)runi(&r, 0, NELEM(OCCUPATIONS) - 1);
		ce->issued = (int32_t)runi(&r, days_from_civil(2012, 1, 1), last - 30);
		ce->no = CERT_SEQ++;
	}
	if (p->ncerts == 2) {  /* the level-2 certificate came first, same occupation */
		p->cert[1].occ = p->cert[0].occ;
		p->cert[1].issued = p->cert[0].issued - (int32_t)runi(&r, 700, 2200);
		if (rppm(&r, 500000))  /* appointed 高级技师 by the firm */
			p->sp[0].appointed = 1;
	} else if (p->ncerts == 1 && p->cert[0].level == 1 && rppm(&r, 500000)) {
		p->sp[0].appointed = 1;
	}

	/* titles, discipline */
	t = (int)runi(&r, 0, 999999);
	p->title = t < 500 ? 1 : t < 1500 ? 2 : t < 3500 ? 3 : 0;
	if (p->title) {
		p->title_date = (int32_t)runi(&r, days_from_civil(2019, 6, 1), last - 60);
		DOC_SEQ++;
	}
	if (rppm(&r, 2000)) {
		p->discipline = 1;
		p->decided_on = (int32_t)runi(&r, policy, last);
		CASE_SEQ++;
	}

	/* enterprise skill allowance and chief craftsmen */
	{
		int lvl = p->ncerts ? p->cert[0].level : 9;
		struct employer *e = &EMP[p->sp[0].emp];

		if (lvl == 1)
			p->allowance_fen = 100 * runi(&r, 20, 40) * 10;
		else if (lvl == 2)
			p->allowance_fen = 100 * runi(&r, 10, 20) * 10;
		else if (lvl == 3)
			p->allowance_fen = 100 * runi(&r, 5, 10) * 10;
		else if (p->title && rppm(&r, 300000))
			p->allowance_fen = 100 * runi(&r, 10, 30) * 10;
		if (e->chief_target > e->chiefs && p->sp[0].start < policy &&
		    (p->sp[0].end == 0 || p->sp[0].end > month_first(c->months)) && rppm(&r, 300000)) {
			e->chiefs++;
			p->chief = 1;
			p->chief_from = (int32_t)runi(&r, days_from_civil(2021, 9, 1), days_from_civil(2025, 6, 30));
			if (e->chiefs == 2 && rppm(&r, 500000))
				p->chief_to = (int32_t)runi(&r, p->chief_from + 100, last);
			p->allowance_fen = 100 * runi(&r, 30, 180) * 10;
		}
		p->payee = lvl <= 2 || p->title;
	}
}

static const struct spell *spell_on(const struct person *p, int32_t day)
{
	for (int k = 0; k < p->nspells; k++)
		if (p->sp[k].start <= day && (p->sp[k].end == 0 || p->sp[k].end >= day))
			return &p->sp[k];
	return NULL;
}

/* A social-insurance row is never delivered for 0.3% of person-months (gaps), and delivered
 * late (with the next month) for 0.5% of the person-months of the last base month. */
static int si_gap(const struct cfg *c, long i, int k) { return hppm(c->seed, STREAM_GAP, (uint64_t)i, (uint64_t)k, 3000); }
static int si_late(const struct cfg *c, long i, int k) { return k == c->months - 1 && hppm(c->seed, STREAM_LATE, (uint64_t)i, (uint64_t)k, 5000); }

static size_t si_line(char *line, const struct person *p, const char *month, const struct employer *e,
		      const char *region, const char *op)
{
	char *q = line;

	q = put_str(q, p->id); *q++ = ',';
	q = put_str(q, month); *q++ = ',';
	q = put_str(q, e->id); *q++ = ',';
	q = put_str(q, region);
	if (op) {
		*q++ = ',';
		q = put_str(q, op);
	}
	*q++ = '\n';
	return (size_t)(q - line);
}

static size_t ea_line(char *line, const struct person *p, const struct employer *e, const char *month,
		      int64_t fen, const char *op)
{
	char *q = line;

	q = put_str(q, p->id); *q++ = ',';
	q = put_str(q, e->id); *q++ = ',';
	q = put_str(q, month); *q++ = ',';
	if (fen >= 0)
		q = put_yuan(q, fen);
	if (op) {
		*q++ = ',';
		q = put_str(q, op);
	}
	*q++ = '\n';
	return (size_t)(q - line);
}

static int ea_due(const struct person *p, const struct spell *s, int32_t day)
{
	const struct employer *e = &EMP[s->emp];
	int32_t since;

	if (!p->allowance_fen || s != &p->sp[0])
		return 0;
	since = skill_since_on(e, day);
	return since && since <= day;
}

/* An approximation of RULES R4 for the go-live history (2021-08 ... 2022-12 only: no
 * retirement delay, caps not reached yet): the old system paid what it thought was due. */
static int paid_month(const struct cfg *c, const struct person *p, int k)
{
	int32_t day = month_first(k);
	const struct spell *s = spell_on(p, day);
	const struct cert *ce = &p->cert[0];
	const struct employer *e;
	int32_t from;

	if (!s || s != &p->sp[0] || si_gap(c, p->index, k) || !ea_due(p, s, day) || s->occ != ce->occ)
		return 0;
	e = &EMP[s->emp];
	if (e->own != OWN_LOCAL || strcmp(e->region, COUNTY) != 0)
		return 0;
	from = s->start > ce->issued ? s->start : ce->issued;
	if (from + 365 > day || (p->retired_on && p->retired_on <= day))
		return 0;
	return !(p->discipline && p->decided_on <= day && day < add_years(p->decided_on, 1));
}

enum { F_PERSONS, F_EMPLOYERS, F_EMPLOYMENT, F_CERTS, F_TITLES, F_SI, F_EA, F_DISC, F_CHIEF, F_BANK,
	F_PARAMS, F_PAID, F_COUNT };

static void write_person(const struct cfg *c, const struct person *p, struct out *o, char months[][8])
{
	char line[1024], *q;
	const char *title_name[] = { "", "top_talent", "skill_star", "skill_ace" };

	q = line;
	q = put_str(q, p->id); *q++ = ',';
	q = put_str(q, p->name); *q++ = ',';
	q = put_str(q, p->group); *q++ = ',';
	if (p->retired_on)
		q = put_date(q, p->retired_on);
	*q++ = '\n';
	out_line(&o[F_PERSONS], line, (size_t)(q - line));

	for (int k = 0; k < p->nspells; k++) {
		const struct spell *s = &p->sp[k];

		q = line;
		q = put_str(q, p->id); *q++ = ',';
		q = put_str(q, EMP[s->emp].id); *q++ = ',';
		q = put_date(q, s->start); *q++ = ',';
		if (s->end)
			q = put_date(q, s->end);
		*q++ = ',';
		q = put_str(q, OCCUPATIONS[s->occ]); *q++ = ',';
		if (s->appointed)
			*q++ = (char)('0' + s->appointed);
		*q++ = '\n';
		out_line(&o[F_EMPLOYMENT], line, (size_t)(q - line));
	}
	for (int k = 0; k < p->ncerts; k++) {
		const struct cert *ce = &p->cert[k];

		q = line;
		q += sprintf(q, "%s%012llu,", ce->level <= 2 ? "1733" : "Y000", (unsigned long long)ce->no);
		q = put_str(q, p->id); *q++ = ',';
		q = put_str(q, OCCUPATIONS[ce->occ]); *q++ = ',';
		*q++ = (char)('0' + ce->level); *q++ = ',';
		q = put_date(q, ce->issued);
		*q++ = '\n';
		out_line(&o[F_CERTS], line, (size_t)(q - line));
	}
	if (p->title) {
		int y, m, d;

		civil_from_days(p->title_date, &y, &m, &d);
		q = line;
		q = put_str(q, p->id); *q++ = ',';
		q = put_str(q, title_name[p->title]); *q++ = ',';
		q += sprintf(q, "%s〔%d〕%llu号,", p->title == 1 ? "武委人" : "武人社", y, (unsigned long long)DOC_SEQ);
		q = put_date(q, p->title_date);
		*q++ = '\n';
		out_line(&o[F_TITLES], line, (size_t)(q - line));
	}
	if (p->discipline) {
		int y, m, d;

		civil_from_days(p->decided_on, &y, &m, &d);
		q = line;
		q += sprintf(q, "武监处〔%d〕%llu号,", y, (unsigned long long)CASE_SEQ);
		q = put_str(q, p->id); *q++ = ',';
		q = put_date(q, p->decided_on);
		*q++ = '\n';
		out_line(&o[F_DISC], line, (size_t)(q - line));
	}
	if (p->chief) {
		q = line;
		q = put_str(q, EMP[p->sp[0].emp].id); *q++ = ',';
		q = put_str(q, p->id); *q++ = ',';
		q = put_date(q, p->chief_from); *q++ = ',';
		if (p->chief_to)
			q = put_date(q, p->chief_to);
		*q++ = '\n';
		out_line(&o[F_CHIEF], line, (size_t)(q - line));
	}

	/* monthly facts */
	for (int k = 0; k < c->months; k++) {
		int32_t day = month_first(k);
		const struct spell *s = spell_on(p, day);
		const struct employer *e;

		if (!s || si_gap(c, p->index, k))
			continue;
		e = &EMP[s->emp];
		if (!si_late(c, p->index, k))
			out_line(&o[F_SI], line, si_line(line, p, months[k], e, e->region, NULL));
		if (ea_due(p, s, day))
			out_line(&o[F_EA], line, ea_line(line, p, e, months[k], p->allowance_fen, NULL));
	}

	/* bank accounts for possible payees; a few missing, a few in another name (R11 holds) */
	if (p->payee) {
		struct rng r;

		rseed(&r, c->seed, STREAM_ACCOUNT, (uint64_t)p->index);
		if (!rppm(&r, 30000)) {
			int rows = rppm(&r, 50000) ? 2 : 1;
			int32_t from = (int32_t)runi(&r, days_from_civil(2020, 1, 1), days_from_civil(2025, 12, 31));

			for (int k = 0; k < rows; k++) {
				q = line;
				q = put_str(q, p->id); *q++ = ',';
				q = put_date(q, from); *q++ = ',';
				q += sprintf(q, "6217%015llu,", (unsigned long long)(rnext(&r) % 1000000000000000ULL));
				if (rppm(&r, 30000))
					q = put_str(q, "蓝志勇");
				else
					q = put_str(q, p->name);
				*q++ = ',';
				q = put_str(q, BANK_CODES[runi(&r, 0, NELEM(BANK_CODES) - 1)]);
				*q++ = '\n';
				out_line(&o[F_BANK], line, (size_t)(q - line));
				from += (int32_t)runi(&r, 60, 400);
			}
		}
		/* go-live: the old system paid half of the early technicians for 2021-08 ... 2022-12,
		 * in the months they were (roughly, see paid_month) entitled. Skipped for a person id
		 * that also passes the credit-code check: skillpay's ingest (src/feeds/ingest.c) takes
		 * such a payee_id for an employer and refuses the row. */
		if (p->ncerts && p->cert[0].level <= 2 && !p->title && rppm(&r, 500000) &&
		    !passes_credit_check(p->id)) {
			for (int k = 0; k < 17 && k < c->months; k++) {
				if (!paid_month(c, p, k))
					continue;
				q = line;
				q = put_str(q, p->id); *q++ = ',';
				q = put_str(q, p->id); *q++ = ',';
				q = put_str(q, months[k]); *q++ = ',';
				q = put_str(q, p->cert[0].level == 1 ? "SRTECH,300.00" : "TECH,200.00");
				*q++ = '\n';
				out_line(&o[F_PAID], line, (size_t)(q - line));
			}
		}
	}
}

/* The delivery of month K (index c->months): its rows, the late rows of month K-1, corrections
 * (1% of persons: one earlier social-insurance row with another region, and 1% of allowance
 * receivers: one earlier amount) and retractions (0.1% of persons: one earlier SI row). */
static void write_delivery(const struct cfg *c, const struct person *p, struct out *si, struct out *ea,
			   char months[][8])
{
	char line[512];
	int K = c->months;
	int32_t day = month_first(K);
	const struct spell *s = spell_on(p, day);
	struct rng r;
	int32_t t;

	if (s && !si_gap(c, p->index, K)) {
		const struct employer *e = &EMP[s->emp];

		out_line(si, line, si_line(line, p, months[K], e, e->region, ""));
		if (ea_due(p, s, day))
			out_line(ea, line, ea_line(line, p, e, months[K], p->allowance_fen, ""));
	}
	if (K >= 1) {
		int32_t d1 = month_first(K - 1);
		const struct spell *s1 = spell_on(p, d1);

		if (s1 && !si_gap(c, p->index, K - 1) && si_late(c, p->index, K - 1))
			out_line(si, line, si_line(line, p, months[K - 1], &EMP[s1->emp], EMP[s1->emp].region, ""));
	}

	rseed(&r, c->seed, STREAM_DELIVERY, (uint64_t)p->index);
	t = (int32_t)runi(&r, 0, 999999);
	if (t < 11000) {
		/* an earlier month that was delivered in the base load */
		int k = (int)runi(&r, 0, K - 1), tries;
		const struct spell *s0 = NULL;

		for (tries = 0; tries < K; tries++, k = (k + 1) % K) {
			s0 = spell_on(p, month_first(k));
			if (s0 && !si_gap(c, p->index, k) && !si_late(c, p->index, k))
				break;
			s0 = NULL;
		}
		if (s0) {
			const struct employer *e = &EMP[s0->emp];

			if (t < 10000)
				out_line(si, line, si_line(line, p, months[k], e,
							   strcmp(e->region, COUNTY) ? COUNTY : "330702", ""));
			else
				out_line(si, line, si_line(line, p, months[k], e, "", "retract"));
		}
	}
	if (p->allowance_fen && rppm(&r, 10000)) {
		int k = (int)runi(&r, 0, K - 1), tries;

		for (tries = 0; tries < K; tries++, k = (k + 1) % K) {
			const struct spell *s0 = spell_on(p, month_first(k));

			if (s0 && !si_gap(c, p->index, k) && ea_due(p, s0, month_first(k))) {
				out_line(ea, line, ea_line(line, p, &EMP[s0->emp], months[k], p->allowance_fen + 5000, ""));
				break;
			}
		}
	}
}

/* mkdir -p */
static void mkdir_p(const char *dir)
{
	char path[4096];

	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		die(dir, "path too long");
	for (char *q = path + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die(path, strerror(errno));
		*q = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die(path, strerror(errno));
}

static void usage(FILE *f)
{
	fputs("usage: gen-feeds --persons N --months K --seed S --out DIR [--delivery [YYYY-MM]]\n"
	      "  writes the twelve feeds of a synthetic county (social insurance from 2021-08 for K months)\n"
	      "  --delivery: instead, one more month (K+1): social_insurance-YYYY-MM.csv and\n"
	      "              enterprise_allowance-YYYY-MM.csv with late rows, 1% corrections, retractions\n", f);
}

static long parse_long(const char *opt, const char *v, long lo, long hi)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v ? v : "", &end, 10);
	if (!v || errno || *end || end == v || x < lo || x > hi) {
		fprintf(stderr, "gen-feeds: %s: '%s' is not a whole number in %ld..%ld\n", opt, v ? v : "", lo, hi);
		usage(stderr);
		exit(1);
	}
	return x;
}

int main(int argc, char **argv)
{
	struct cfg c = { .persons = 1000, .months = 64, .seed = 1, .out = NULL };
	const char *want = NULL;
	char (*months)[8];
	struct out o[F_COUNT];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--persons")) {
			c.persons = parse_long(a, v, 1, 5000000), i++;
		} else if (!strcmp(a, "--months")) {
			c.months = (int)parse_long(a, v, 1, 600), i++;
		} else if (!strcmp(a, "--seed")) {
			c.seed = (uint64_t)parse_long(a, v, 0, 0x7fffffffL), i++;
		} else if (!strcmp(a, "--out")) {
			if (!v)
				die("--out", "needs a directory");
			c.out = v, i++;
		} else if (!strcmp(a, "--delivery")) {
			c.delivery = 1;
			if (v && strlen(v) == 7 && v[4] == '-' && strspn(v, "0123456789-") == 7)
				want = v, i++;  /* --delivery YYYY-MM */
		} else if (!strncmp(a, "--delivery=", 11)) {
			c.delivery = 1, want = a + 11;
		} else {
			fprintf(stderr, "gen-feeds: unknown argument '%s'\n", a);
			usage(stderr);
			return 1;
		}
	}
	if (!c.out) {
		usage(stderr);
		return 1;
	}
	mkdir_p(c.out);
	months = calloc((size_t)c.months + 1, sizeof *months);
	if (!months)
		die("months", "out of memory");
	for (int k = 0; k <= c.months; k++)
		month_text(k, months[k]);
	if (want && strcmp(want, months[c.months]) != 0) {
		fprintf(stderr, "gen-feeds: --delivery=%s: with --months %d the delivery month is %s\n",
			want, c.months, months[c.months]);
		return 1;
	}
	BIRTH_D0 = days_from_civil(BIRTH_FIRST_Y, 1, 1);
	BIRTH_ND = days_from_civil(BIRTH_LAST_Y, 12, 31) - BIRTH_D0 + 1;
	BIRTH_SEQ = calloc((size_t)BIRTH_ND * 2, sizeof *BIRTH_SEQ);
	if (!BIRTH_SEQ)
		die("persons", "out of memory");
	make_employers(&c);

	if (c.delivery) {
		char si_name[64], ea_name[64];
		struct person p;

		fprintf(stderr, "gen-feeds: delivery %s for %ld persons (seed %llu) -> %s\n", months[c.months],
			c.persons, (unsigned long long)c.seed, c.out);
		snprintf(si_name, sizeof si_name, "social_insurance-%s", months[c.months]);
		snprintf(ea_name, sizeof ea_name, "enterprise_allowance-%s", months[c.months]);
		out_open(&o[F_SI], c.out, si_name, "person_id,month,employer_id,region,op");
		out_open(&o[F_EA], c.out, ea_name, "person_id,employer_id,month,amount,op");
		for (long i = 0; i < c.persons; i++) {
			gen_person(&c, i, &p);
			write_delivery(&c, &p, &o[F_SI], &o[F_EA], months);
		}
		out_close(&o[F_SI]);
		out_close(&o[F_EA]);
		return 0;
	}

	fprintf(stderr, "gen-feeds: %ld persons, %ld employers, %s ... %s (seed %llu) -> %s\n", c.persons, N_EMP,
		months[0], months[c.months - 1], (unsigned long long)c.seed, c.out);
	out_open(&o[F_PERSONS], c.out, "persons", "person_id,name,retire_group,retired_on");
	out_open(&o[F_EMPLOYERS], c.out, "employers",
		 "employer_id,valid_from,name,region,ownership,skill_allowance_since,chief_qualified_since");
	out_open(&o[F_EMPLOYMENT], c.out, "employment",
		 "person_id,employer_id,start_date,end_date,occupation_code,appointed_level");
	out_open(&o[F_CERTS], c.out, "certificates", "cert_no,person_id,occupation_code,level,issued_on");
	out_open(&o[F_TITLES], c.out, "titles", "person_id,title,doc_no,doc_date");
	out_open(&o[F_SI], c.out, "social_insurance", "person_id,month,employer_id,region");
	out_open(&o[F_EA], c.out, "enterprise_allowance", "person_id,employer_id,month,amount");
	out_open(&o[F_DISC], c.out, "discipline", "case_no,person_id,decided_on");
	out_open(&o[F_CHIEF], c.out, "chief_craftsmen", "employer_id,person_id,appointed_on,ended_on");
	out_open(&o[F_BANK], c.out, "bank_accounts", "payee_id,valid_from,account_no,account_name,bank_code");
	out_open(&o[F_PARAMS], c.out, "parameters", "name,effective_from,value");
	out_open(&o[F_PAID], c.out, "paid_history", "payee_id,person_id,month,kind,amount");
	write_employers(&c, &o[F_EMPLOYERS], &o[F_BANK]);
	{
		static const char params[] = "CHIEF.cap,2026-01-01,50000\n";
		struct person p;

		out_line(&o[F_PARAMS], params, sizeof params - 1);
		for (long i = 0; i < c.persons; i++) {
			gen_person(&c, i, &p);
			write_person(&c, &p, o, months);
		}
	}
	for (int f = 0; f < F_COUNT; f++)
		out_close(&o[f]);
	return 0;
}
