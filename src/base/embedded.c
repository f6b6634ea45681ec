#include "embedded.h"

#include <string.h>

#include "banned.h"

const struct mw_embedded *mw_embedded_find(const char *name)
{
	for (const struct mw_embedded *e = mw_embedded_files; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}
