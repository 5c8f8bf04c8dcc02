// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Opens and connects submitted through io_uring (IORING_OP_OPENAT,
 * IORING_OP_OPENAT2, IORING_OP_CONNECT): they never pass the syscall
 * tracepoints. The submission tracepoint fires once the request is prepared,
 * and preparing an open copies its file name into the kernel (getname()), so
 * what is read here is exactly the name the kernel will open. A connect's
 * address is read from the caller's memory, as for connect(2).
 *
 * The operation itself runs later (inline, or in an io-wq worker) and its
 * result may never be posted (IOSQE_CQE_SKIP_SUCCESS): the record is made at
 * submission, with the arguments as given and no result (retval 0). The
 * submission tracepoint was io_uring_submit_sqe before Linux 6.4; vigild
 * loads whichever of the two programs the kernel has.
 */
#include "sockaddr.bpf.h"

/* dispatch.bpf.c's: what the rules want, and vigild's own process. */
extern __u8 syscall_enabled[VIGIL_SC_MAX];
extern const volatile __u32 targ_self_tgid;

/* Mirrors struct io_open (io_uring/openclose.c), which lives in the
 * request's command area. */
struct io_open___vigil {
	int dfd;
	struct filename *filename;
	struct open_how how;
} __attribute__((preserve_access_index));

/* Mirrors struct io_connect (io_uring/net.c). */
struct io_connect___vigil {
	struct sockaddr *addr;
	int addr_len;
} __attribute__((preserve_access_index));

struct io_kiocb___vigil {
	struct io_cmd_data cmd;
	u8 opcode;
	struct io_cqe cqe; /* cqe.fd: the request's descriptor until it completes */
} __attribute__((preserve_access_index));

static __always_inline bool uring_wanted(__u32 sc)
{
	return sc < VIGIL_SC_MAX && syscall_enabled[sc] &&
	       (bpf_get_current_pid_tgid() >> 32) != targ_self_tgid;
}

static __always_inline int uring_connect(struct io_kiocb___vigil *req)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vigil_connect_event *ev;
	struct io_connect___vigil *conn;

	if (!bpf_core_type_exists(struct io_connect___vigil) || !uring_wanted(VIGIL_SC_CONNECT))
		return 0;
	ev = scratch_event();
	if (!ev)
		return 0;
	conn = (void *)req + bpf_core_field_offset(req->cmd);
	fill_header(&ev->hdr, task, VIGIL_EVENT_CONNECT, VIGIL_SC_CONNECT, 0);
	ev->hdr.flags |= VIGIL_HDR_IO_URING;
	ev->fd = BPF_CORE_READ(req, cqe.fd);
	fill_sockaddr(ev, BPF_CORE_READ(conn, addr), (__u32)BPF_CORE_READ(conn, addr_len));
	submit_event(task, ev, sizeof(*ev), false);
	return 0;
}

static __always_inline int uring_open(struct io_kiocb___vigil *req, __u32 sc)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vigil_open_event *ev;
	struct io_open___vigil *open;
	const char *name;
	long len;

	if (!bpf_core_type_exists(struct io_open___vigil) || !uring_wanted(sc))
		return 0;
	ev = scratch_event();
	if (!ev)
		return 0;
	open = (void *)req + bpf_core_field_offset(req->cmd);
	fill_header(&ev->hdr, task, VIGIL_EVENT_OPEN, sc, 0);
	ev->hdr.flags |= VIGIL_HDR_IO_URING;
	ev->dirfd = BPF_CORE_READ(open, dfd);
	ev->flags = BPF_CORE_READ(open, how.flags);
	ev->mode = BPF_CORE_READ(open, how.mode);
	ev->open_flags = 0;
	ev->reserved = 0;
	name = BPF_CORE_READ(open, filename, name);
	len = bpf_probe_read_kernel_str(&ev->data[0], EVENT_STRING_MAX, name);
	if (len <= 0) {
		ev->data[0] = '\0';
		len = 1;
	} else if (len == EVENT_STRING_MAX) {
		ev->open_flags |= VIGIL_OPEN_PATH_TRUNCATED;
	}
	ev->path_len = len;
	/* Not opened yet: no resolved path. */
	ev->data[len & EVENT_DATA_MASK] = '\0';
	ev->resolved_len = 1;
	submit_event(task, ev, sizeof(*ev) + len + 1, false);
	return 0;
}

/* Opcodes are uapi: the numbers are the same on every kernel. */
static __always_inline int uring_submit(struct io_kiocb___vigil *req)
{
	/* Before Linux 6.0 a request had no command area (and before 5.19 the
	 * tracepoint did not pass the request): nothing is read there. */
	if (!bpf_core_field_exists(req->cmd))
		return 0;
	switch (BPF_CORE_READ(req, opcode)) {
	case IORING_OP_OPENAT:
		return uring_open(req, VIGIL_SC_OPENAT);
	case IORING_OP_OPENAT2:
		return uring_open(req, VIGIL_SC_OPENAT2);
	case IORING_OP_CONNECT:
		return uring_connect(req);
	default:
		return 0;
	}
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(handle__io_uring_submit_req, void *req)
{
	return uring_submit(req);
}

/* Linux 5.19 to 6.3: the same tracepoint under its old name. */
SEC("tp_btf/io_uring_submit_sqe")
int BPF_PROG(handle__io_uring_submit_sqe, void *req)
{
	return uring_submit(req);
}
