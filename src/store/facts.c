/* facts.c - fact tables into the rules engine's structs, as known at a batch. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skillpay/calendar.h"
#include "skillpay/facts.h"
#include "skillpay/identity.h"

#define AS_OF " batch_in <= ?1 AND (batch_out IS NULL OR batch_out > ?1) "

static void *grow(void *p, int *cap, int need, size_t size)
{
	int n = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	np = realloc(p, (size_t)n * size);
	if (np)
		*cap = n;
	return np;
}

static enum sp_ownership ownership_parse(const char *s)
{
	if (strcmp(s, "provincial") == 0)
		return OWN_PROVINCIAL;
	if (strcmp(s, "central") == 0)
		return OWN_CENTRAL;
	if (strcmp(s, "public") == 0)
		return OWN_PUBLIC;
	return OWN_LOCAL;
}

static int load_params(struct store *s, int64_t as_of, struct rules_params *p, struct sp_error *err)
{
	sqlite3_stmt *st;
	int cap[PARAM_COUNT] = { 0 };

	if (store_prepare(s, "SELECT name, effective_from, value FROM parameters WHERE" AS_OF
			     "ORDER BY name, effective_from", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, as_of);
	while (sqlite3_step(st) == SQLITE_ROW) {
		enum sp_param k;
		struct rules_param_row *rows;

		if (param_parse(store_text(st, 0), &k) < 0)
			continue;
		rows = grow(p->rows[k], &cap[k], p->n[k] + 1, sizeof(*rows));
		if (!rows) {
			sqlite3_finalize(st);
			return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
		}
		p->rows[k] = rows;
		rows[p->n[k]].effective_from = day_from_int(sqlite3_column_int(st, 1));
		rows[p->n[k]].value = sqlite3_column_int64(st, 2);
		p->n[k]++;
	}
	sqlite3_finalize(st);
	for (int k = 0; k < PARAM_COUNT; k++)
		if (p->n[k] == 0)
			return sp_error_set(err, SP_EXIT_INTERNAL, "parameter '%s' has no value", param_name(k));
	return 0;
}

static int load_employers(struct store *s, int64_t as_of, struct rules_employers *e, struct sp_error *err)
{
	sqlite3_stmt *st;
	int cap = 0, rcap = 0;

	if (store_prepare(s, "SELECT employer_id, valid_from, region, ownership, skill_allowance_since,"
			     " chief_qualified_since, batch_in FROM employers WHERE" AS_OF
			     "ORDER BY employer_id, valid_from", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, as_of);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = store_text(st, 0);
		struct rules_employer *cur = e->n ? &e->v[e->n - 1] : NULL;
		struct rules_employer_row *row;

		if (!cur || strcmp(cur->id, id) != 0) {
			struct rules_employer *nv = grow(e->v, &cap, e->n + 1, sizeof(*nv));

			if (!nv)
				goto oom;
			e->v = nv;
			cur = &e->v[e->n++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->id, sizeof(cur->id), "%s", id);
			rcap = 0;
		}
		row = grow(cur->rows, &rcap, cur->n_rows + 1, sizeof(*row));
		if (!row)
			goto oom;
		cur->rows = row;
		row = &cur->rows[cur->n_rows++];
		row->valid_from = day_from_int(sqlite3_column_int(st, 1));
		row->region = sqlite3_column_int(st, 2);
		row->ownership = ownership_parse(store_text(st, 3));
		row->skill_allowance_since = day_from_int(sqlite3_column_int(st, 4));
		row->chief_qualified_since = day_from_int(sqlite3_column_int(st, 5));
		row->batch = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return 0;
oom:
	sqlite3_finalize(st);
	return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
}

static int load_chiefs(struct store *s, struct facts_world *w, struct sp_error *err)
{
	sqlite3_stmt *st;
	int cap = 0;

	if (store_prepare(s, "SELECT employer_id, person_id, appointed_on, ended_on FROM chief_craftsmen"
			     " c WHERE" AS_OF "AND EXISTS (SELECT 1 FROM persons p WHERE p.person_id = c.person_id"
			     " AND p.batch_in <= ?1 AND (p.batch_out IS NULL OR p.batch_out > ?1))"
			     " ORDER BY employer_id, appointed_on, person_id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, w->as_of);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rules_chief *nv = grow(w->chiefs, &cap, w->n_chiefs + 1, sizeof(*nv));
		struct rules_chief *c;

		if (!nv) {
			sqlite3_finalize(st);
			return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");
		}
		w->chiefs = nv;
		c = &w->chiefs[w->n_chiefs++];
		c->employer = rules_employer_find(&w->employers, store_text(st, 0));
		snprintf(c->person_id, sizeof(c->person_id), "%s", store_text(st, 1));
		c->appointed_on = day_from_int(sqlite3_column_int(st, 2));
		c->ended_on = day_from_int(sqlite3_column_int(st, 3));
	}
	sqlite3_finalize(st);
	return 0;
}

int facts_world_load(struct store *s, int64_t as_of, struct facts_world *ret, struct sp_error *err)
{
	ret->as_of = as_of;
	if (load_params(s, as_of, &ret->params, err) < 0 ||
	    load_employers(s, as_of, &ret->employers, err) < 0 || load_chiefs(s, ret, err) < 0)
		return -1;
	return 0;
}

void facts_world_release(struct facts_world *w)
{
	params_release(&w->params);
	for (int i = 0; i < w->employers.n; i++)
		free(w->employers.v[i].rows);
	free(w->employers.v);
	free(w->chiefs);
	memset(w, 0, sizeof(*w));
}

enum { ST_PERSON, ST_SI, ST_EMPLOYMENT, ST_CERTS, ST_TITLES, ST_ALLOWANCE, ST_DISCIPLINE };

static const char *const reader_sql[7] = {
	"SELECT retire_group, retired_on FROM persons WHERE person_id = ?2 AND" AS_OF,
	"SELECT month, employer_id, region, batch_in FROM social_insurance WHERE hot IN (0, 1) AND person_id = ?2 AND" AS_OF
	"ORDER BY month, employer_id",
	"SELECT employer_id, start_date, end_date, occupation_code, appointed_level, batch_in FROM employment"
	" WHERE person_id = ?2 AND" AS_OF "ORDER BY start_date, employer_id",
	"SELECT cert_no, level, occupation_code, issued_on, batch_in FROM certificates WHERE person_id = ?2 AND" AS_OF
	"ORDER BY issued_on, cert_no",
	"SELECT title, doc_date, doc_no, batch_in FROM titles WHERE person_id = ?2 AND" AS_OF
	"ORDER BY doc_date, doc_no",
	"SELECT employer_id, month, amount_fen, batch_in FROM enterprise_allowance WHERE person_id = ?2 AND" AS_OF
	"ORDER BY month, employer_id",
	"SELECT case_no, decided_on, batch_in FROM discipline WHERE person_id = ?2 AND" AS_OF
	"ORDER BY decided_on, case_no",
};

int facts_reader_open(struct store *s, const struct facts_world *world, struct facts_reader *ret,
		      struct sp_error *err)
{
	memset(ret, 0, sizeof(*ret));
	ret->s = s;
	ret->world = world;
	for (int i = 0; i < 7; i++) {
		if (store_prepare(s, reader_sql[i], &ret->st[i], err) < 0) {
			facts_reader_close(ret);
			return -1;
		}
		sqlite3_bind_int64(ret->st[i], 1, world->as_of);
	}
	return 0;
}

void facts_reader_close(struct facts_reader *r)
{
	for (int i = 0; i < 7; i++)
		sqlite3_finalize(r->st[i]);
	free(r->person.si);
	free(r->person.employment);
	free(r->person.certs);
	free(r->person.titles);
	free(r->person.allowances);
	free(r->person.discipline);
	memset(r, 0, sizeof(*r));
}

static enum sp_title title_parse(const char *s)
{
	if (strcmp(s, "top_talent") == 0)
		return TITLE_TOP;
	return strcmp(s, "skill_star") == 0 ? TITLE_STAR : TITLE_ACE;
}

/* Steps st (already bound) and appends one struct per row through fill. */
#define READ_ROWS(r, idx, arr, n, capi, fill)                                              \
	do {                                                                                   \
		sqlite3_stmt *st_ = (r)->st[idx];                                              \
		sqlite3_bind_text(st_, 2, person_id, -1, SQLITE_STATIC);                       \
		(n) = 0;                                                                       \
		while ((rc = sqlite3_step(st_)) == SQLITE_ROW) {                               \
			void *g_ = grow((arr), &(r)->cap[capi], (n) + 1, sizeof(*(arr)));      \
			if (!g_) {                                                             \
				sqlite3_reset(st_);                                            \
				return sp_error_set(err, SP_EXIT_INTERNAL, "out of memory");   \
			}                                                                      \
			(arr) = g_;                                                            \
			memset(&(arr)[n], 0, sizeof(*(arr)));                                  \
			fill;                                                                  \
			(n)++;                                                                 \
		}                                                                              \
		sqlite3_reset(st_);                                                            \
		if (rc != SQLITE_DONE)                                                         \
			return store_fail((r)->s, "reading facts", err);                       \
	} while (0)

int facts_read_person(struct facts_reader *r, const char *person_id, struct sp_error *err)
{
	struct rules_person *p = &r->person;
	const struct rules_employers *emp = &r->world->employers;
	sqlite3_stmt *st = r->st[ST_PERSON];
	int rc;

	assert(strlen(person_id) == SP_ID_LEN);
	snprintf(p->id, sizeof(p->id), "%s", person_id);
	p->birth = identity_person_birth(person_id);
	p->known = false;
	p->group = identity_person_male(person_id) ? RETIRE_M60 : RETIRE_F55;
	p->retired_on = SP_DAY_NONE;
	sqlite3_bind_text(st, 2, person_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *g = store_text(st, 0);

		p->known = true;
		p->group = strcmp(g, "M60") == 0 ? RETIRE_M60 : strcmp(g, "F55") == 0 ? RETIRE_F55 : RETIRE_F50;
		p->retired_on = day_from_int(sqlite3_column_int(st, 1));
	}
	sqlite3_reset(st);
	READ_ROWS(r, ST_SI, p->si, p->n_si, 0, {
		p->si[p->n_si].month = month_from_int(sqlite3_column_int(st_, 0));
		p->si[p->n_si].employer = rules_employer_find(emp, store_text(st_, 1));
		p->si[p->n_si].region = sqlite3_column_int(st_, 2);
		p->si[p->n_si].batch = sqlite3_column_int64(st_, 3);
	});
	READ_ROWS(r, ST_EMPLOYMENT, p->employment, p->n_employment, 1, {
		struct rules_employment *e = &p->employment[p->n_employment];
		e->employer = rules_employer_find(emp, store_text(st_, 0));
		e->start_date = day_from_int(sqlite3_column_int(st_, 1));
		e->end_date = day_from_int(sqlite3_column_int(st_, 2));
		snprintf(e->occupation, sizeof(e->occupation), "%s", store_text(st_, 3));
		e->appointed_level = sqlite3_column_int(st_, 4);
		e->batch = sqlite3_column_int64(st_, 5);
	});
	READ_ROWS(r, ST_CERTS, p->certs, p->n_certs, 2, {
		struct rules_cert *c = &p->certs[p->n_certs];
		snprintf(c->cert_no, sizeof(c->cert_no), "%s", store_text(st_, 0));
		c->level = sqlite3_column_int(st_, 1);
		snprintf(c->occupation, sizeof(c->occupation), "%s", store_text(st_, 2));
		c->issued_on = day_from_int(sqlite3_column_int(st_, 3));
		c->batch = sqlite3_column_int64(st_, 4);
	});
	READ_ROWS(r, ST_TITLES, p->titles, p->n_titles, 3, {
		struct rules_title_rec *t = &p->titles[p->n_titles];
		t->title = title_parse(store_text(st_, 0));
		t->doc_date = day_from_int(sqlite3_column_int(st_, 1));
		snprintf(t->doc_no, sizeof(t->doc_no), "%s", store_text(st_, 2));
		t->batch = sqlite3_column_int64(st_, 3);
	});
	READ_ROWS(r, ST_ALLOWANCE, p->allowances, p->n_allowances, 4, {
		struct rules_allowance *a = &p->allowances[p->n_allowances];
		a->employer = rules_employer_find(emp, store_text(st_, 0));
		a->month = month_from_int(sqlite3_column_int(st_, 1));
		a->amount_fen = sqlite3_column_int64(st_, 2);
		a->batch = sqlite3_column_int64(st_, 3);
	});
	READ_ROWS(r, ST_DISCIPLINE, p->discipline, p->n_discipline, 5, {
		struct rules_discipline *d = &p->discipline[p->n_discipline];
		snprintf(d->case_no, sizeof(d->case_no), "%s", store_text(st_, 0));
		d->decided_on = day_from_int(sqlite3_column_int(st_, 1));
		d->batch = sqlite3_column_int64(st_, 2);
	});
	return 0;
}
