// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a baseline file, imported into a small
 * store as vigild reads its state directory's. What imports is exported
 * again, must import again, and must export the same bytes: the file
 * format round-trips whatever it was given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

static char *export_of(const struct baseline *b, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f || baseline__export(b, NULL, f))
		abort();
	fclose(f);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct baseline_limits lim = { .max_scopes = 64, .max_tuples = 64 };
	static FILE *devnull;
	struct baseline *b, *again;
	char *text, *text2;
	size_t len, len2;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	b = baseline__new(&lim);
	again = baseline__new(&lim);
	if (!b || !again)
		abort();
	if (baseline__import(b, "fuzz", (const char *)data, size, devnull) == 0) {
		text = export_of(b, &len);
		if (baseline__import(again, "again", text, len, devnull))
			abort();
		text2 = export_of(again, &len2);
		if (len != len2 || memcmp(text, text2, len))
			abort();
		free(text);
		free(text2);
	}
	baseline__free(b);
	baseline__free(again);
	return 0;
}
