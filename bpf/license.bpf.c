// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* GPL-compatible: bpf_probe_read_user_str and friends need it. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";
