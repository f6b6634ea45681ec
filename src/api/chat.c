/*
 * chat.c - the counselling chatbot over HTTP (상담 챗봇).
 *
 * POST /api/v1/chat {session?, text, lat?, lon?} answers from the office's
 * knowledge base (faq), offers to file a reported problem (report) and
 * walks the citizen through it (confirm -> location -> photo -> filed
 * through the core intake; photos arrive by POST /api/v1/chat/photo and
 * wait in the session until the complaint is filed), or hands the conversation to a person (human): the
 * session then waits in the counsellor queue of the staff API with its
 * transcript, and the citizen is told by when to expect an answer.
 * Every bot reply can be rated helpful or not (POST /api/v1/chat/rating).
 *
 * The bot's own words come from data/chat_replies.tsv (mw_chat_reply) in
 * the conversation's language: the "lang" of the request, else the one the
 * conversation was held in, else Korean. The decision itself reads Korean;
 * English text mostly ends with a person, in English. An FAQ entry's
 * answer_en answers on the English pages; without one, the Korean answer
 * comes with a note that it is in Korean only.
 *
 * The citizen holds the session token; the store keeps its digest only.
 */
#include "api.h"
#include "routing.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../notify/notify.h"
#include "../core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/banned.h"

#define CHAT_TEXT_MAX 2000
#define CHAT_PHOTOS_MAX 5
#define COUNSEL_PERIOD ((mw_period){ MW_COUNSEL_HOURS, MW_PERIOD_HOURS })

/* How a short answer to "shall I file it?" starts when it means yes or
 * no, in either language (Latin letters in any case). Anything longer, or
 * a question, is a new message instead. */
static const char *const yes_words[] = { "네", "예", "응", "넵", "좋아", "접수", "부탁", "그래",
					 "yes", "ok", "ㅇㅇ", "해 주", "해주", "yeah", "yep",
					 "sure", "please", "go ahead", "file it" };
static const char *const no_words[] = { "아니", "괜찮", "됐어", "no", "취소", "싫", "안 해",
					"안해", "cancel", "don't", "do not", "stop" };
/* At the photo step: "file it now, there are no (more) photos", as the
 * start of a short answer or anywhere in it ("사진은 없어요"). */
static const char *const done_words[] = { "접수", "없", "아니", "됐", "완료", "그냥", "괜찮", "네",
					  "예", "다 했", "다했", "끝", "skip", "no", "done", "ok",
					  "file", "submit", "finish", "that's all" };
static const char *const done_inside[] = { "없어", "없음", "없습", "접수해", "접수 해", "완료",
					   "no photo", "no more", "done" };

static bool short_answer(const char *text, const char *const *words, size_t n)
{
	if (strlen(text) > 40 || strchr(text, '?'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strncasecmp(text, words[i], strlen(words[i])))
			return true;
	return false;
}

/* Whether a short text holds word, Latin letters in any case. */
static bool holds(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; *p; p++)
		if (!strncasecmp(p, word, n))
			return true;
	return false;
}

static bool done_with_photos(const char *text)
{
	if (short_answer(text, done_words, MW_ARRAY_LEN(done_words)))
		return true;
	if (strlen(text) > 40)
		return false;
	for (size_t i = 0; i < MW_ARRAY_LEN(done_inside); i++)
		if (holds(text, done_inside[i]))
			return true;
	return false;
}

struct chat_turn {
	mw_work w;
	mw_app *app;
	mw_arena *a;
	mw_chat_lang lang;          /* of the bot's words */
	mw_chat_session s;
	mw_chat_message in, out;
	/* a complaint filed in this turn, with the photos sent before */
	bool file;
	mw_attachment_row *photos;
	size_t nphotos;
	mw_complaint c;
	mw_complaint_secret sec;
	char token[MW_TOKEN_CHARS + 1];
};

/* The bot's words in the conversation's language, in the request's
 * arena: reply key (and more keys, each after a space) with the
 * placeholders of the pairs that follow, as mw_chat_reply. */
static const char *say(struct chat_turn *t, const char *key, ...)
{
	mw_buf b = MW_BUF_INIT;
	va_list ap;
	char *text;
	const char *out;

	va_start(ap, key);
	mw_chat_vreply(&b, t->lang, key, ap);
	va_end(ap);
	text = mw_buf_detach(&b, NULL);
	out = text ? mw_arena_strdup(t->a, text) : NULL;
	free(text);
	return out ? out : "";
}

/* Two replies, one after the other. */
static const char *say_both(struct chat_turn *t, const char *first, const char *second)
{
	const char *s = mw_arena_printf(t->a, "%s %s", first, second);

	return s ? s : first;
}

static int chat_run(mw_tx *tx, mw_work *w)
{
	struct chat_turn *t = (struct chat_turn *)w;
	char n[24];
	int rc;

	if (t->file) {
		if ((rc = mw_intake_write(tx, t->app, t->a, &t->c, &t->sec, NULL, 0)))
			return rc;
		t->s.complaint_id = t->c.id;
		for (size_t i = 0; i < t->nphotos; i++) {
			mw_attachment_row *p = &t->photos[i];
			bool locate = p->has_gps && !t->c.has_location;

			p->at = t->c.received_at;
			if ((rc = mw_api_attachment_write(tx, p, &t->c, locate, "citizen")))
				return rc;
			if (locate) {
				t->c.has_location = true;
				t->c.lat = p->lat;
				t->c.lon = p->lon;
			}
		}
		/* The receipt number exists only now. */
		snprintf(n, sizeof(n), "%zu", t->nphotos);
		t->out.body = say(t, t->nphotos ? "report.filed_photos" : "report.filed", "n", n,
				  "receipt_no", t->c.receipt_no, NULL);
	}
	if ((rc = mw_tx_chat_session_put(tx, &t->s, &t->s.id)))
		return rc;
	t->in.session_id = t->out.session_id = t->s.id;
	if ((rc = mw_tx_chat_message_add(tx, &t->in, &t->in.id)) ||
	    (rc = mw_tx_chat_message_add(tx, &t->out, &t->out.id)))
		return rc;
	/* Handed to a person in this turn: the counsellors hear of it. */
	if (t->s.handoff && t->s.handoff_at == t->in.at)
		return mw_notify_on_handoff(tx, t->app->notify, t->s.id, t->s.handoff_reason);
	return MW_OK;
}

static const char *state_str(json_t *st, const char *key)
{
	return json_string_value(json_object_get(st, key));
}

/* The photos of the report flow are kept in the session state until the
 * complaint exists: their blobs are stored already, the rows are not. */
static int photo_to_state(json_t *st, const mw_attachment_row *p)
{
	json_t *arr = json_object_get(st, "photos"), *o;

	if (!json_is_array(arr)) {
		arr = json_array();
		if (!arr || json_object_set_new(st, "photos", arr))
			return MW_ERR_NOMEM;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "sha256", p->sha256, "public_sha256",
		      p->public_sha256, "mime", p->mime, "public_mime", p->public_mime, "size",
		      (json_int_t)p->size);
	if (!o)
		return MW_ERR_NOMEM;
	if (p->has_gps) {
		json_object_set_new(o, "lat", json_real(p->lat));
		json_object_set_new(o, "lon", json_real(p->lon));
	}
	return json_array_append_new(arr, o) ? MW_ERR_NOMEM : MW_OK;
}

static int photos_from_state(mw_req *r, struct chat_turn *t, json_t *st)
{
	json_t *arr = json_object_get(st, "photos"), *o;
	size_t i;

	t->nphotos = json_is_array(arr) ? json_array_size(arr) : 0;
	if (!t->nphotos)
		return MW_OK;
	t->photos = mw_arena_alloc(&r->arena, t->nphotos * sizeof(*t->photos));
	if (!t->photos)
		return MW_ERR_NOMEM;
	json_array_foreach(arr, i, o) {
		mw_attachment_row *p = &t->photos[i];
		json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");

		*p = (mw_attachment_row){ .size = json_integer_value(json_object_get(o, "size")) };
		mw_strlcpy(p->sha256, state_str(o, "sha256") ? state_str(o, "sha256") : "",
			   sizeof(p->sha256));
		mw_strlcpy(p->public_sha256,
			   state_str(o, "public_sha256") ? state_str(o, "public_sha256") : "",
			   sizeof(p->public_sha256));
		p->mime = mw_arena_strdup(&r->arena, state_str(o, "mime"));
		p->public_mime = mw_arena_strdup(&r->arena, state_str(o, "public_mime"));
		if (!p->mime || !p->public_mime || strlen(p->sha256) != 64 ||
		    strlen(p->public_sha256) != 64)
			return MW_ERR_INVALID;
		if (json_is_number(lat) && json_is_number(lon)) {
			p->has_gps = true;
			p->lat = json_number_value(lat);
			p->lon = json_number_value(lon);
		}
	}
	return MW_OK;
}

/* Files the reported problem through the core: the same rows, events and
 * routing as POST /api/v1/complaints, channel "app". */
static int prepare_filing(mw_req *r, struct chat_turn *t, json_t *st, mw_refdata *ref)
{
	mw_complaint *c = &t->c;
	const char *cat_code = state_str(st, "category"), *text = state_str(st, "text");
	const mw_category *cat = cat_code ? mw_ref_category(ref, cat_code) : NULL;
	json_t *lat = json_object_get(st, "lat"), *lon = json_object_get(st, "lon");
	mw_time now = mw_now();

	c->text = mw_arena_strdup(&r->arena, text ? text : "");
	c->address = mw_arena_strdup(&r->arena, state_str(st, "address"));
	if (json_is_number(lat) && json_is_number(lon)) {
		c->has_location = true;
		c->lat = json_number_value(lat);
		c->lon = json_number_value(lon);
	}
	cat = mw_routing_decide(r->app, ref, &r->arena, c, cat);
	if (!cat)
		return MW_ERR_INVALID;
	c->category = cat->code;
	c->department = cat->department;
	c->channel = MW_CHANNEL_APP;
	c->consent_privacy = true;
	c->status = MW_STATUS_RECEIVED;
	c->version = 1;
	c->received_at = c->updated_at = now;
	c->title = mw_api_derive_title(&r->arena, c->text);
	mw_lifecycle_start_clock(ref->cal, c, now, cat->period);
	mw_token_new(t->token);
	mw_token_digest(t->token, t->sec.token_hash);
	t->file = true;
	return photos_from_state(r, t, st);
}

static void reply_json(mw_req *r, struct chat_turn *t, const char *session_token,
		       const mw_refdata *ref, const char *reason, mw_time answer_by,
		       const char *answer_lang)
{
	mw_buf b = MW_BUF_INIT;
	const mw_category *cat = t->out.category ? mw_ref_category(ref, t->out.category) : NULL;

	mw_buf_puts(&b, "{\"session\":");
	mw_buf_json_str(&b, session_token);
	mw_buf_printf(&b, ",\"message_id\":%lld,\"kind\":", (long long)t->out.id);
	mw_buf_json_str(&b, t->out.kind);
	mw_buf_puts(&b, ",\"answer\":");
	mw_buf_json_str(&b, t->out.body);
	mw_buf_puts(&b, ",\"faq_id\":");
	mw_buf_json_str(&b, t->out.faq_id);
	mw_buf_puts(&b, ",\"category\":");
	mw_buf_json_str(&b, t->out.category);
	mw_buf_puts(&b, ",\"category_name\":");
	mw_buf_json_str(&b, cat ? cat->name_ko : NULL);
	mw_buf_printf(&b, ",\"confidence\":%.3f", t->out.confidence);
	mw_buf_puts(&b, ",\"reason\":");
	mw_buf_json_str(&b, reason);
	mw_api_json_time(&b, "answer_by", answer_by, true);
	mw_buf_printf(&b, ",\"lang\":\"%s\"", mw_chat_lang_code(t->lang));
	if (answer_lang)
		mw_buf_printf(&b, ",\"answer_lang\":\"%s\"", answer_lang);
	if (t->file) {
		mw_buf_puts(&b, ",\"complaint\":{\"receipt_no\":");
		mw_buf_json_str(&b, t->c.receipt_no);
		mw_buf_puts(&b, ",\"token\":");
		mw_buf_json_str(&b, t->token);
		mw_api_json_time(&b, "due_at", t->c.due_at, true);
		mw_api_track_url_json(&b, r->app->public_url, t->c.receipt_no, t->token);
		mw_buf_putc(&b, '}');
	}
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
}

/* The conversation a citizen's session token names. */
static int session_by_token(mw_req *r, const char *token, mw_chat_session *s)
{
	char digest[MW_DIGEST_HEX];

	if (!token || strlen(token) != MW_TOKEN_CHARS)
		return MW_ERR_NOTFOUND;
	mw_token_digest(token, digest);
	return mw_store_chat_session(r->app->store, digest, &r->arena, s);
}

/* The conversation's language: the request's lang (body member or query
 * parameter), else the one in the session's state, else Korean. Answers
 * 400 for a lang that is neither ko nor en. The state remembers it. */
static int chat_lang(mw_req *r, const char *given, json_t *st, mw_chat_lang *out)
{
	const char *kept = state_str(st, "lang");

	*out = MW_CHAT_KO;
	if (given && mw_chat_lang_parse(given, out)) {
		mw_resp_error(r, 400, "invalid", "lang must be ko or en");
		return MW_ERR_INVALID;
	}
	if (!given && kept)
		mw_chat_lang_parse(kept, out);
	json_object_set_new(st, "lang", json_string(mw_chat_lang_code(*out)));
	return MW_OK;
}

/* The state of a session (an empty object for a new or broken one). */
static json_t *state_of(const mw_chat_session *s)
{
	json_t *st = json_loads(s->state ? s->state : "{}", 0, NULL);

	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	return st;
}

/* The hand-off's words: why a person answers, then by when. */
static const char *handoff_text(struct chat_turn *t, const char *reason, mw_time answer_by)
{
	char when[32], key[64];
	const char *by;

	mw_time_format_kst(answer_by, when);
	by = say(t, "handoff.by", "when", mw_arena_printf(t->a, "%.10s %.5s", when, when + 11),
		 NULL);
	snprintf(key, sizeof(key), "handoff.%s", reason);
	if (!mw_chat_reply_text(MW_CHAT_KO, key))
		mw_strlcpy(key, "handoff.not_covered", sizeof(key));
	return say_both(t, say(t, key, NULL), by);
}

/* An FAQ answer in the conversation's language: the English one when the
 * office wrote it, else the Korean one (on the English pages after a note
 * that it is in Korean only). *answer_lang says which. */
static const char *faq_answer(struct chat_turn *t, const mw_faq_entry *e, const char **answer_lang)
{
	*answer_lang = "ko";
	if (t->lang != MW_CHAT_EN)
		return e->answer;
	if (e->answer_en) {
		*answer_lang = "en";
		return e->answer_en;
	}
	return mw_arena_printf(t->a, "%s\n%s", say(t, "faq.korean_only", NULL), e->answer);
}

int api_chat(mw_req *r)
{
	json_t *body = mw_api_json_body(r), *st = NULL;
	const char *text, *given, *lang;
	char token[MW_TOKEN_CHARS + 1];
	struct chat_turn *t;
	mw_refdata *ref = NULL;
	mw_models *m = NULL;
	mw_chat_decision d;
	const char *reason = NULL, *stage, *answer_lang = NULL;
	double lat = 0, lon = 0;
	bool has_lat, has_lon;
	mw_time now = mw_now(), answer_by = 0;
	char *state_text;
	int rc;

	if (!body)
		return MW_OK;
	t = mw_arena_alloc(&r->arena, sizeof(*t));
	if (!t) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	memset(t, 0, sizeof(*t));
	if (mw_api_text_field(r, body, "text", CHAT_TEXT_MAX, true, true, &text) ||
	    mw_api_opt_string(r, body, "session", &given) ||
	    mw_api_opt_string(r, body, "lang", &lang) ||
	    mw_api_opt_number(r, body, "lat", &lat, &has_lat) ||
	    mw_api_opt_number(r, body, "lon", &lon, &has_lon))
		goto out;
	if (has_lat != has_lon || (has_lat && (lat < -90 || lat > 90 || lon < -180 || lon > 180))) {
		mw_resp_error(r, 400, "invalid", "give lat and lon together, within range");
		goto out;
	}
	t->app = r->app;
	t->a = &r->arena;
	/* An unknown or missing session starts a new conversation. */
	if (session_by_token(r, given, &t->s) == MW_OK)
		mw_strlcpy(token, given, sizeof(token));
	else
		given = NULL;
	if (!given) {
		mw_token_new(token);
		mw_token_digest(token, t->s.token_hash);
		t->s.created_at = now;
		t->s.state = "{}";
	}
	t->s.updated_at = now;
	st = state_of(&t->s);
	if (chat_lang(r, lang, st, &t->lang))
		goto out;
	stage = state_str(st, "stage");
	ref = mw_app_ref_get(r->app);
	m = mw_app_models_get(r->app);
	t->in = (mw_chat_message){ .at = now, .sender = "citizen", .body = text };
	t->out = (mw_chat_message){ .at = now, .sender = "bot" };

	if (t->s.handoff) {
		/* Already with a person: the message joins the transcript. */
		t->out.kind = "human";
		t->out.body = say(t, "handoff.waiting", NULL);
		answer_by = t->s.handoff_at ? mw_deadline_due(ref->cal, t->s.handoff_at, COUNSEL_PERIOD,
							      NULL, 0) : 0;
	} else if (stage && !strcmp(stage, "confirm") &&
		   short_answer(text, no_words, MW_ARRAY_LEN(no_words))) {
		json_object_set_new(st, "stage", json_string("none"));
		t->out.kind = "report";
		t->out.body = say(t, "report.declined", NULL);
	} else if (stage && !strcmp(stage, "confirm") &&
		   (short_answer(text, yes_words, MW_ARRAY_LEN(yes_words)) || has_lat)) {
		json_object_set_new(st, "stage", json_string("location"));
		t->out.kind = "report";
		t->out.category = state_str(st, "category");
		t->out.body = say(t, "report.ask_location", NULL);
	} else if (stage && !strcmp(stage, "location")) {
		if (has_lat) {
			json_object_set_new(st, "lat", json_real(lat));
			json_object_set_new(st, "lon", json_real(lon));
		}
		if (!has_lat || strlen(text) > 1)
			json_object_set_new(st, "address", json_string(text));
		json_object_set_new(st, "stage", json_string("photo"));
		t->out.kind = "report";
		t->out.category = state_str(st, "category");
		t->out.body = say(t, "report.ask_photo", NULL);
	} else if (stage && !strcmp(stage, "photo")) {
		/* Anything but "file it now" is more about the problem. */
		if (!done_with_photos(text)) {
			const char *was = state_str(st, "text");

			json_object_set_new(st, "text", json_string(mw_arena_printf(
				&r->arena, "%s\n%s", was ? was : "", text)));
		}
		if ((rc = prepare_filing(r, t, st, ref))) {
			mw_resp_err(r, rc, "the complaint could not be prepared");
			goto out;
		}
		json_object_set_new(st, "stage", json_string("filed"));
		json_object_del(st, "photos");
		t->out.kind = "report";
		t->out.category = t->c.category;
		/* The words with the receipt number come once it is filed
		 * (chat_run). */
	} else {
		/* A new message (also one that is neither yes nor no to the
		 * filing offer, which then lapses). */
		json_object_set_new(st, "stage", json_string("none"));
		rc = mw_chat_decide(m ? m->faq : NULL, m ? m->cls : NULL, text, strlen(text), &d);
		if (rc) {
			mw_resp_err(r, rc, "cannot understand this text");
			goto out;
		}
		t->out.confidence = d.confidence;
		switch (d.kind) {
		case MW_CHAT_FAQ:
			t->out.kind = "faq";
			t->out.faq_id = d.faq->id;
			t->out.body = faq_answer(t, d.faq, &answer_lang);
			break;
		case MW_CHAT_REPORT: {
			const mw_category *cat = d.category[0] ? mw_ref_category_active(ref, d.category)
							       : NULL;

			t->out.kind = "report";
			t->out.category = cat ? cat->code : NULL;
			json_object_set_new(st, "stage", json_string("confirm"));
			json_object_set_new(st, "text", json_string(text));
			if (cat)
				json_object_set_new(st, "category", json_string(cat->code));
			/* Category names are the office's, in Korean: the English
			 * offer leaves it to the page to name it. */
			t->out.body = say_both(t, cat && t->lang == MW_CHAT_KO
							  ? say(t, "report.offer", "category", cat->name_ko,
								NULL)
							  : say(t, "report.offer_any", NULL),
					       say(t, "report.consent", NULL));
			break;
		}
		default:
			t->out.kind = "human";
			reason = d.reason ? d.reason : "not_covered";
			t->s.handoff = true;
			t->s.handoff_reason = reason;
			t->s.handoff_at = now;
			answer_by = mw_deadline_due(ref->cal, now, COUNSEL_PERIOD, NULL, 0);
			t->out.body = handoff_text(t, reason, answer_by);
			break;
		}
	}
	state_text = json_dumps(st, JSON_COMPACT);
	t->s.state = mw_arena_strdup(&r->arena, state_text ? state_text : "{}");
	free(state_text);
	t->w.run = chat_run;
	rc = mw_store_exec(r->app->store, &t->w);
	if (rc) {
		mw_resp_err(r, rc, "the conversation could not be saved");
		goto out;
	}
	reply_json(r, t, token, ref, reason, answer_by, answer_lang);
out:
	if (m)
		mw_app_models_put(r->app, m);
	if (ref)
		mw_app_ref_put(r->app, ref);
	json_decref(st);
	json_decref(body);
	return MW_OK;
}

/* The session token of a GET or a photo: the X-Chat-Session header (no
 * token in a URL; the /chat page sends it so), else ?session=. */
static const char *session_param(mw_req *r)
{
	const char *t = mw_req_header(r, "X-Chat-Session");

	return t ? t : mw_req_query(r, "session");
}

/* POST /api/v1/chat/photo?session=...: a photo for the report being
 * collected (at the location or photo step), the image itself as the body.
 * A photo with a GPS position answers the location question. */
int api_chat_photo(mw_req *r)
{
	const char *token = session_param(r);
	struct chat_turn *t = mw_arena_alloc(&r->arena, sizeof(*t));
	json_t *st = NULL, *photos;
	const char *stage;
	mw_attachment_row row;
	mw_time now = mw_now();
	size_t n;
	char *state_text, count[24];
	int rc;

	if (!t) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		return MW_OK;
	}
	memset(t, 0, sizeof(*t));
	if (session_by_token(r, token, &t->s)) {
		mw_resp_error(r, 404, "not_found", "no such conversation");
		return MW_OK;
	}
	st = state_of(&t->s);
	t->a = &r->arena;
	if (chat_lang(r, mw_req_query(r, "lang"), st, &t->lang))
		goto out;
	stage = state_str(st, "stage");
	if (t->s.handoff || !stage || (strcmp(stage, "location") && strcmp(stage, "photo"))) {
		mw_resp_error(r, 409, "no_report",
			      "no report is being collected in this conversation; describe the problem first");
		goto out;
	}
	photos = json_object_get(st, "photos");
	n = json_is_array(photos) ? json_array_size(photos) : 0;
	if (n >= CHAT_PHOTOS_MAX) {
		mw_resp_error(r, 409, "too_many_attachments", "a report holds at most %d photos",
			      CHAT_PHOTOS_MAX);
		goto out;
	}
	if (mw_api_photo_store(r, &row))
		goto out;
	if ((rc = photo_to_state(st, &row))) {
		mw_resp_err(r, rc, "out of memory");
		goto out;
	}
	n++;
	snprintf(count, sizeof(count), "%zu", n);
	t->app = r->app;
	t->s.updated_at = now;
	t->in = (mw_chat_message){ .at = now, .sender = "citizen",
				   .body = say(t, "photo.message", "n", count, NULL) };
	t->out = (mw_chat_message){ .at = now, .sender = "bot", .kind = "report",
				    .category = state_str(st, "category") };
	if (!strcmp(stage, "location") && row.has_gps && !json_object_get(st, "lat")) {
		json_object_set_new(st, "lat", json_real(row.lat));
		json_object_set_new(st, "lon", json_real(row.lon));
		json_object_set_new(st, "stage", json_string("photo"));
		t->out.body = say(t, "photo.located", NULL);
	} else if (!strcmp(stage, "location")) {
		t->out.body = say(t, "photo.need_location", NULL);
	} else {
		t->out.body = say(t, "photo.received", "n", count, NULL);
	}
	state_text = json_dumps(st, JSON_COMPACT);
	t->s.state = mw_arena_strdup(&r->arena, state_text ? state_text : "{}");
	free(state_text);
	t->w.run = chat_run;
	if ((rc = mw_store_exec(r->app->store, &t->w))) {
		mw_resp_err(r, rc, "the photo could not be saved");
		goto out;
	}
	{
		mw_refdata *ref = mw_app_ref_get(r->app);

		reply_json(r, t, token, ref, NULL, 0, NULL);
		mw_app_ref_put(r->app, ref);
	}
out:
	json_decref(st);
	return MW_OK;
}

static void transcript_json(mw_buf *b, const mw_chat_message *msg, size_t n)
{
	mw_buf_puts(b, "\"messages\":[");
	for (size_t i = 0; i < n; i++) {
		mw_buf_printf(b, "%s{\"id\":%lld", i ? "," : "", (long long)msg[i].id);
		mw_api_json_time(b, "at", msg[i].at, true);
		mw_buf_puts(b, ",\"from\":");
		/* Staff are shown as "staff", never by login. */
		mw_buf_json_str(b, !strcmp(msg[i].sender, "citizen") || !strcmp(msg[i].sender, "bot")
					   ? msg[i].sender : "staff");
		mw_buf_puts(b, ",\"text\":");
		mw_buf_json_str(b, msg[i].body);
		mw_buf_puts(b, ",\"kind\":");
		mw_buf_json_str(b, msg[i].kind);
		/* "Was this helpful?" as the citizen answered it, and the
		 * category a report is about (bot replies). */
		if (!strcmp(msg[i].sender, "bot")) {
			mw_buf_printf(b, ",\"helpful\":%s",
				      msg[i].helpful < 0 ? "null" : msg[i].helpful ? "true" : "false");
			mw_buf_puts(b, ",\"category\":");
			mw_buf_json_str(b, msg[i].category);
		}
		mw_buf_putc(b, '}');
	}
	mw_buf_putc(b, ']');
}

int api_chat_transcript(mw_req *r)
{
	mw_chat_session s;
	mw_chat_message *msg;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	json_t *st;
	const char *stage;
	mw_time answer_by = 0;

	if (session_by_token(r, session_param(r), &s) ||
	    mw_store_chat_messages(r->app->store, s.id, &r->arena, &msg, &n)) {
		mw_resp_error(r, 404, "not_found", "no such conversation");
		return MW_OK;
	}
	st = state_of(&s);
	stage = state_str(st, "stage");
	mw_buf_printf(&b, "{\"waiting_for_staff\":%s", s.handoff ? "true" : "false");
	if (s.handoff && s.handoff_at) {
		mw_refdata *ref = mw_app_ref_get(r->app);

		answer_by = mw_deadline_due(ref->cal, s.handoff_at, COUNSEL_PERIOD, NULL, 0);
		mw_app_ref_put(r->app, ref);
	}
	mw_api_json_time(&b, "answer_by", answer_by, true);
	mw_buf_puts(&b, ",\"stage\":");
	mw_buf_json_str(&b, stage ? stage : "none");
	mw_buf_puts(&b, ",\"lang\":");
	mw_buf_json_str(&b, state_str(st, "lang") ? state_str(st, "lang") : "ko");
	json_decref(st);
	mw_buf_putc(&b, ',');
	transcript_json(&b, msg, n);
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

struct rate_work {
	mw_work w;
	int64_t session_id, message_id;
	bool helpful;
};

static int rate_run(mw_tx *tx, mw_work *w)
{
	struct rate_work *rw = (struct rate_work *)w;

	return mw_tx_chat_rate(tx, rw->session_id, rw->message_id, rw->helpful);
}

int api_chat_rating(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	const char *token;
	struct rate_work rw = { .w = { .run = rate_run } };
	mw_chat_session s;
	bool present;
	int rc;

	if (!body)
		return MW_OK;
	if (mw_api_opt_string(r, body, "session", &token) ||
	    mw_api_opt_int(r, body, "message_id", &rw.message_id, &present) ||
	    mw_api_opt_bool(r, body, "helpful", &rw.helpful, &present))
		goto out;
	if (!present || !rw.message_id) {
		mw_resp_error(r, 400, "missing_field", "session, message_id and helpful are required");
		goto out;
	}
	if (session_by_token(r, token, &s)) {
		mw_resp_error(r, 404, "not_found", "no such conversation");
		goto out;
	}
	rw.session_id = s.id;
	rc = mw_store_exec(r->app->store, &rw.w);
	if (rc == MW_ERR_NOTFOUND)
		mw_resp_error(r, 404, "not_found", "no such bot reply in this conversation");
	else if (rc)
		mw_resp_err(r, rc, "the rating could not be saved");
	else
		mw_resp_text(r, 200, "application/json; charset=utf-8", "{\"saved\":true}");
out:
	json_decref(body);
	return MW_OK;
}

/* ---- the counsellor queue (staff) ---------------------------------- */

#define COUNSEL_PAGE 50
#define COUNSEL_MAX_LIMIT 100

/* GET /api/v1/staff/counsel[?limit=N&cursor=C]: the conversations waiting,
 * longest waiting first, a page at a time (next_cursor: the next page). */
int api_counsel_queue(mw_req *r)
{
	const char *v;
	mw_chat_session *s;
	size_t n;
	mw_refdata *ref;
	mw_buf b = MW_BUF_INIT;
	int64_t limit = COUNSEL_PAGE;
	long long after_at = 0, after_id = 0;
	int rc;

	if ((v = mw_req_query(r, "limit")) && mw_parse_i64(v, 1, COUNSEL_MAX_LIMIT, &limit)) {
		mw_resp_error(r, 400, "invalid", "limit must be 1 to %d", COUNSEL_MAX_LIMIT);
		return MW_OK;
	}
	if (mw_api_cursor(r, &after_at, &after_id, NULL))
		return MW_OK;
	/* One more than asked tells whether there is a next page. */
	rc = mw_store_chat_handoffs(r->app->store, (int)limit + 1, after_at, after_id, &r->arena,
				    &s, &n);
	if (rc) {
		mw_resp_err(r, rc, "cannot read the counsellor queue");
		return MW_OK;
	}
	ref = mw_app_ref_get(r->app);
	mw_buf_puts(&b, "{\"items\":[");
	for (size_t i = 0; i < n && i < (size_t)limit; i++) {
		mw_chat_message *msg;
		size_t nm = 0;

		mw_store_chat_messages(r->app->store, s[i].id, &r->arena, &msg, &nm);
		mw_buf_printf(&b, "%s{\"id\":%lld,\"reason\":", i ? "," : "", (long long)s[i].id);
		mw_buf_json_str(&b, s[i].handoff_reason);
		mw_api_json_time(&b, "handed_off_at", s[i].handoff_at, true);
		mw_api_json_time(&b, "answer_by",
				 mw_deadline_due(ref->cal, s[i].handoff_at, COUNSEL_PERIOD, NULL, 0),
				 true);
		mw_buf_puts(&b, ",\"last_message\":");
		mw_buf_json_str(&b, nm ? msg[nm > 1 ? nm - 2 : 0].body : NULL);
		mw_buf_printf(&b, ",\"messages\":%zu}", nm);
	}
	mw_buf_puts(&b, "],\"next_cursor\":");
	if (n > (size_t)limit)
		mw_buf_printf(&b, "\"%lld.%lld\"}", (long long)s[limit - 1].handoff_at,
			      (long long)s[limit - 1].id);
	else
		mw_buf_puts(&b, "null}");
	mw_app_ref_put(r->app, ref);
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

static int load_session(mw_req *r, mw_chat_session *s)
{
	int64_t id;

	if (mw_parse_i64(mw_req_param(r, 0), 1, INT64_MAX, &id) ||
	    mw_store_chat_session_by_id(r->app->store, id, &r->arena, s)) {
		mw_resp_error(r, 404, "not_found", "no such conversation");
		return MW_ERR_NOTFOUND;
	}
	return MW_OK;
}

int api_counsel_get(mw_req *r)
{
	mw_chat_session s;
	mw_chat_message *msg;
	size_t n;
	mw_buf b = MW_BUF_INIT;
	int rc;

	if (load_session(r, &s))
		return MW_OK;
	/* Staff read the conversations that were handed to a person, not
	 * every chat a citizen had with the bot. */
	if (!s.handoff_at) {
		mw_resp_error(r, 404, "not_found", "no such conversation in the counsellor queue");
		return MW_OK;
	}
	if ((rc = mw_store_chat_messages(r->app->store, s.id, &r->arena, &msg, &n))) {
		mw_resp_err(r, rc, "cannot read the conversation");
		return MW_OK;
	}
	mw_buf_printf(&b, "{\"id\":%lld,\"waiting\":%s,\"reason\":", (long long)s.id,
		      s.handoff ? "true" : "false");
	mw_buf_json_str(&b, s.handoff_reason);
	mw_buf_printf(&b, ",\"complaint_id\":%lld,", (long long)s.complaint_id);
	transcript_json(&b, msg, n);
	mw_buf_putc(&b, '}');
	mw_resp_json(r, 200, &b);
	return MW_OK;
}

struct counsel_work {
	mw_work w;
	mw_chat_session s;
	mw_chat_message m;
};

static int counsel_run(mw_tx *tx, mw_work *w)
{
	struct counsel_work *cw = (struct counsel_work *)w;
	int rc = mw_tx_chat_session_put(tx, &cw->s, NULL);

	return rc ? rc : mw_tx_chat_message_add(tx, &cw->m, &cw->m.id);
}

int api_counsel_reply(mw_req *r)
{
	json_t *body = mw_api_json_body(r);
	struct counsel_work cw = { .w = { .run = counsel_run } };
	bool done = true;
	int rc;

	if (!body)
		return MW_OK;
	if (load_session(r, &cw.s))
		goto out;
	if (!cw.s.handoff_at) {
		mw_resp_error(r, 404, "not_found", "no such conversation in the counsellor queue");
		goto out;
	}
	if (mw_api_text_field(r, body, "text", CHAT_TEXT_MAX, true, true, &cw.m.body) ||
	    mw_api_opt_bool(r, body, "close", &done, NULL))
		goto out;
	cw.m.session_id = cw.s.id;
	cw.m.at = cw.s.updated_at = mw_now();
	cw.m.sender = r->auth->login;
	/* Answered: the conversation leaves the queue unless kept open. */
	cw.s.handoff = !done;
	rc = mw_store_exec(r->app->store, &cw.w);
	if (rc) {
		mw_resp_err(r, rc, "the reply could not be saved");
		goto out;
	}
	{
		mw_buf b = MW_BUF_INIT;

		mw_buf_printf(&b, "{\"message_id\":%lld,\"waiting\":%s}", (long long)cw.m.id,
			      cw.s.handoff ? "true" : "false");
		mw_resp_json(r, 200, &b);
	}
out:
	json_decref(body);
	return MW_OK;
}
