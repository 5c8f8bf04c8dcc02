// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a cgroup path (a container can name its own
 * sub-cgroups anything), parsed into a runtime and container id and a
 * rootless user's uid. What the parser claims is checked: an id is exactly
 * 64 lowercase hex digits and appears in the path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char full_id[CONTAINER_ID_LEN + 1];
	enum container_runtime runtime;
	char *path;
	uint32_t uid;
	size_t i;

	/* A path from the kernel is a C string: up to the first NUL. */
	path = malloc(size + 1);
	if (!path)
		abort();
	memcpy(path, data, size);
	path[size] = '\0';
	if (!cgroup_path__parse(path, &runtime, full_id)) {
		if (strlen(full_id) != CONTAINER_ID_LEN || !strstr(path, full_id) ||
		    runtime == RUNTIME_HOST)
			abort();
		for (i = 0; i < CONTAINER_ID_LEN; i++) {
			if (!strchr("0123456789abcdef", full_id[i]))
				abort();
		}
	} else if (runtime != RUNTIME_HOST || full_id[0]) {
		abort();
	}
	if (!container_runtime__name(runtime))
		abort();
	cgroup_path__rootless_uid(path, &uid);
	free(path);
	return 0;
}
