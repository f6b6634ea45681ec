/*
 * qr.c - QR codes as inline SVG (libqrencode): one path of unit squares,
 * with the quiet zone of four modules the standard asks for. No script,
 * no style attribute: the pages' CSP allows it inline.
 */
#include "web_int.h"
#include "../base/mw.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define QUIET 4

char *mw_qr_svg(mw_arena *a, const char *text, const char *label)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	mw_buf b = MW_BUF_INIT;
	char *s, *out;
	int size;

	if (!qr)
		return NULL;
	size = qr->width + 2 * QUIET;
	mw_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			  "class=\"qr\" role=\"img\" aria-label=\"", size, size);
	mw_html_escape(&b, label, strlen(label));
	mw_buf_printf(&b, "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
			  "fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size);
	/* One rectangle per horizontal run of dark modules. */
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width;) {
			int run = 0;

			while (x + run < qr->width && (qr->data[y * qr->width + x + run] & 1))
				run++;
			if (run)
				mw_buf_printf(&b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run ? run : 1;
		}
	mw_buf_puts(&b, "\"/></svg>");
	QRcode_free(qr);
	s = mw_buf_detach(&b, NULL);
	out = s ? mw_arena_strdup(a, s) : NULL;
	free(s);
	return out;
}
