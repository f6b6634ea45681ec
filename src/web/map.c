/*
 * map.c - the public map (/map): the complaints whose authors agreed to
 * show them, without personal data (GET /api/v1/map), filtered by category
 * and state with a plain GET form.
 *
 * The page lists them, which is all there is without JavaScript or when
 * the map tiles cannot load; map.js loads Leaflet on this page only, puts
 * the markers of the visible box on it and keeps the list to the same
 * data. The API reads the page's own query (category, state), so the
 * filter form's field names are the API's.
 */
#include "web_int.h"
#include "../base/mw.h"
#include "../core/complaint.h"

#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* More rows than this make a page nobody reads: the list says to filter. */
#define MAP_LIST_MAX 100

static const char *const map_states[] = { "all", "open", "done" };

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* What map.js needs to draw the list as the server does: the state names
 * and the date pattern of the page's language. */
static void script_texts(mw_page *pg)
{
	json_t *names = json_object();
	char *s;

	for (int st = 0; st < MW_STATUS__COUNT; st++)
		json_object_set_new(names, mw_status_name((mw_status)st),
				    json_string(mw_page_msg2(pg, "status.", mw_status_name((mw_status)st))));
	s = json_dumps(names, JSON_COMPACT);
	json_decref(names);
	json_object_set_new(pg->view, "status_names", json_string(s ? s : "{}"));
	free(s);
}

/* One row of the list from one GeoJSON feature of the API. */
static json_t *list_item(mw_page *pg, json_t *feature)
{
	json_t *p = json_object_get(feature, "properties");
	json_t *xy = json_object_get(json_object_get(feature, "geometry"), "coordinates");
	const char *status = jstr(p, "status");

	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:O?, s:O?, s:O?}",
			 "title", jstr(p, "title"),
			 "category_text", mw_page_category(pg, jstr(p, "category"), jstr(p, "category_name")),
			 "status", status,
			 "status_text", mw_page_msg2(pg, "status.", status),
			 "received_text", mw_page_date(pg, jstr(p, "received_at"), false),
			 "supporters", json_object_get(p, "supporters"),
			 "lon", json_array_get(xy, 0), "lat", json_array_get(xy, 1));
}

static void map_render(mw_page *pg, int status, json_t *answer)
{
	json_t *features = json_object_get(answer, "features"), *items = json_array(), *sel;
	const char *state = mw_req_query(pg->r, "state");
	size_t i, n = json_array_size(features);
	json_t *f;

	json_array_foreach(features, i, f) {
		if (i == MAP_LIST_MAX)
			break;
		json_array_append_new(items, list_item(pg, f));
	}
	sel = json_object();
	for (size_t k = 0; k < MW_ARRAY_LEN(map_states); k++)
		json_object_set_new(sel, map_states[k],
				    json_boolean(state ? !strcmp(state, map_states[k]) : k == 0));
	json_object_set_new(pg->view, "state_sel", sel);
	json_object_set_new(pg->view, "items", items);
	json_object_set_new(pg->view, "count", json_integer((json_int_t)n));
	json_object_set_new(pg->view, "more",
			    json_boolean(n > MAP_LIST_MAX || json_is_true(json_object_get(answer, "truncated"))));
	json_object_set_new(pg->view, "list_max", json_integer(MAP_LIST_MAX));
	if (status != 200)
		json_object_set_new(pg->view, "error", json_string(mw_page_msg(pg, "map.err.filter")));
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, "map.title")));
	script_texts(pg);
	mw_page_assets(pg, "map.css", "map.js");
	mw_page_render(pg, status == 200 ? 200 : 400, "map");
}

static void map_categories(mw_page *pg, int status, json_t *answer)
{
	(void)status;
	json_object_set_new(pg->view, "categories",
			    mw_page_categories(pg, json_object_get(answer, "items"),
					       mw_req_query(pg->r, "category")));
	mw_page_call(pg, api_public_map, NULL, map_render);
}

int web_map(mw_req *r)
{
	mw_page *pg = mw_page_begin(r);

	if (pg)
		mw_page_call(pg, api_categories, NULL, map_categories);
	return MW_OK;
}
