/*
 * bench_load - fills a database with N synthetic open complaints through
 * the store interface, for the queue and memory benchmarks.
 *
 *   bench_load --db PATH --count 1000000
 *
 * Rows go in through the same mw_tx_* calls the server uses, a thousand
 * per unit of work, so the indexes are the server's own. The texts are
 * short fillers: this measures the queue, not the classifier.
 */
#include "base/crypto.h"
#include "base/mw.h"
#include "core/complaint.h"
#include "core/receipt.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

static const char *const departments[] = {
	"road", "parking", "traffic", "facilities", "sanitation", "environment", "water", "parks",
	"building", "safety", "animals", "design", "welfare", "tax", "civil",
};
static const char *const categories[] = {
	"road_damage", "illegal_parking", "traffic_facility", "streetlight", "illegal_dumping",
	"noise", "water_sewer", "parks_trees", "illegal_building", "safety_hazard", "animals",
	"illegal_ads", "welfare", "tax_fines", "civil_documents",
};

struct load_work {
	mw_work w;
	int64_t first, count;
	mw_time now;
	uint64_t rng;
};

static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int load_run(mw_tx *tx, mw_work *w)
{
	struct load_work *lw = (struct load_work *)w;
	char title[64], token[MW_TOKEN_CHARS + 1];
	int rc;

	for (int64_t i = 0; i < lw->count; i++) {
		uint64_t r = next_rand(&lw->rng);
		size_t d = r % MW_ARRAY_LEN(departments);
		mw_complaint c = { 0 };
		mw_complaint_secret sec = { 0 };
		mw_event ev = { 0 };
		int64_t seq;
		static const mw_status open_states[] = {
			MW_STATUS_RECEIVED, MW_STATUS_ASSIGNED, MW_STATUS_IN_PROGRESS,
			MW_STATUS_IN_PROGRESS, MW_STATUS_ASSIGNED,
		};

		c.received_at = lw->now - (mw_time)(r % (90 * 86400));
		if ((rc = mw_tx_receipt_next(tx, mw_receipt_period(c.received_at), &seq)) ||
		    (rc = mw_receipt_format(mw_receipt_period(c.received_at), seq, c.receipt_no,
					    sizeof(c.receipt_no))))
			return rc;
		snprintf(title, sizeof(title), "부하 시험 민원 %lld", (long long)(lw->first + i));
		c.title = title;
		c.text = "부하 시험용 민원 본문입니다.";
		c.category = categories[d];
		c.department = departments[d];
		c.channel = (mw_channel)(r >> 8) % MW_CHANNEL_OPEN311;
		c.consent_privacy = true;
		c.urgent = (r >> 16) % 50 == 0;
		c.status = open_states[(r >> 24) % MW_ARRAY_LEN(open_states)];
		c.version = 1;
		c.clock_start = c.received_at;
		c.period = c.base_period = (mw_period){ 7, MW_PERIOD_DAYS };
		c.due_at = c.received_at + 9 * 86400;
		c.updated_at = c.received_at;
		mw_token_new(token);
		mw_token_digest(token, sec.token_hash);
		if ((rc = mw_tx_complaint_insert(tx, &c, &sec, &c.id)))
			return rc;
		ev.kind = "received";
		ev.is_public = true;
		ev.at = c.received_at;
		ev.due_at = c.due_at;
		if ((rc = mw_tx_event_insert(tx, c.id, &ev, "citizen", NULL)))
			return rc;
	}
	return MW_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	int64_t count = 100000, done = 0;
	mw_store_config cfg = { .write_cache_kib = 65536 };
	mw_store *s;
	char err[256];
	int c;

	while ((c = getopt_long(argc, argv, "d:n:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n':
			if (mw_parse_i64(optarg, 1, 100000000, &count)) {
				fprintf(stderr, "bench_load: --count must be a positive number\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: bench_load --db PATH [--count N]\n");
			return 2;
		}
	}
	if (!db) {
		fprintf(stderr, "usage: bench_load --db PATH [--count N]\n");
		return 2;
	}
	if (mw_crypto_init() || mw_store_open(db, &cfg, &s, err, sizeof(err))) {
		fprintf(stderr, "bench_load: %s\n", err);
		return 1;
	}
	while (done < count) {
		struct load_work lw = {
			.w = { .run = load_run },
			.first = done,
			.count = count - done < 500 ? count - done : 500,
			.now = mw_now(),
			.rng = (uint64_t)done * 7919 + 1,
		};

		if (mw_store_exec(s, &lw.w)) {
			fprintf(stderr, "bench_load: insert failed at %lld\n", (long long)done);
			mw_store_close(s);
			return 1;
		}
		done += lw.count;
		if (isatty(2))
			fprintf(stderr, "\rbench_load: %lld / %lld", (long long)done, (long long)count);
	}
	if (isatty(2))
		fputc('\n', stderr);
	mw_store_close(s);
	printf("loaded %lld complaints into %s\n", (long long)count, db);
	return 0;
}
