// SPDX-License-Identifier: GPL-2.0-only
/*
 * fd.*: the file an open names and the socket a connect uses. vigil sees
 * the descriptor only at those two calls and captures the remote end of a
 * connection, not the local one: fd.cip, fd.cport, fd.lip, fd.lport and
 * fd.l4proto are always missing, and fd.net/fd.ip compare the server end.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "rules_internal.h"

static bool is_inet(const struct evt *evt)
{
	return evt->type == VIGIL_EVENT_CONNECT &&
	       (evt->connect.family == AF_INET || evt->connect.family == AF_INET6);
}

static bool get_fd_num(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_CONNECT)
		v->num = evt->connect.fd;
	else if (evt->type == VIGIL_EVENT_OPEN)
		/* The new descriptor, or -errno as Falco has it when the open failed. */
		v->num = evt->hdr->retval;
	else
		return false;
	return true;
}

/*
 * An absolute path with "//", "." and ".." taken out, as text alone (a
 * symlink is not followed): into sb, returned; NULL when it does not fit.
 */
static const char *path_normalize(const char *path, struct strbuf *sb)
{
	char out[VIGIL_PATH_MAX + 1];
	size_t len = 0, n, start = sb->len;
	const char *p = path;

	while (*p) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the slash before the name */
		} else {
			if (len + 1 + n >= sizeof(out))
				return NULL;
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	if (len == 0)
		out[len++] = '/';
	if (!sb->cap || sb->cap - 1 - sb->len < len)
		return NULL;
	strbuf__append(sb, out, len);
	return sb->buf + start;
}

/*
 * The opened file's absolute path; when the kernel gave none (the open
 * failed, or it is an io_uring request seen before it ran), the path as
 * given, normalized when absolute so that "/etc/../etc/shadow" is
 * "/etc/shadow" as it would have been opened.
 */
static const char *open_name(const struct evt *evt, struct strbuf *sb)
{
	const char *normal;

	if (evt->open.resolved && *evt->open.resolved)
		return evt->open.resolved;
	if (evt->open.path[0] != '/')
		return evt->open.path;
	normal = path_normalize(evt->open.path, sb);
	return normal ? normal : evt->open.path;
}

/* A connect's fd.name: Falco's client->server tuple (the local end is not
 * captured), or the socket path. Also evt.arg.tuple. */
bool field__connect_tuple(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	char text[INET6_ADDRSTRLEN];
	size_t start = sb->len;

	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	switch (evt->connect.family) {
	case AF_UNIX:
		v->str = evt->connect.unix_path;
		return true;
	case AF_INET:
	case AF_INET6:
		if (!inet_ntop(evt->connect.family, evt->connect.addr, text, sizeof(text)))
			return false;
		strbuf__printf(sb, "%s->%s:%u",
			       evt->connect.family == AF_INET ? "0.0.0.0:0" : ":::0", text,
			       evt->connect.port);
		v->str = sb->buf + start;
		return true;
	default:
		return false;
	}
}

static bool get_fd_name(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	if (evt->type == VIGIL_EVENT_OPEN) {
		v->str = open_name(evt, sb);
		return true;
	}
	return field__connect_tuple(evt, v, sb);
}

static bool get_fd_nameraw(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	v->str = evt->open.path;
	return true;
}

static bool get_fd_directory(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *name, *slash;
	size_t start;

	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	name = open_name(evt, sb);
	start = sb->len; /* after the name, which may be in sb too */
	slash = strrchr(name, '/');
	/* A relative name of a failed open: the directory is the unknown cwd. */
	if (!slash)
		return false;
	if (slash == name)
		strbuf__puts(sb, "/");
	else
		strbuf__append(sb, name, (size_t)(slash - name));
	v->str = sb->buf + start;
	return true;
}

static bool get_fd_filename(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	const char *name, *slash;

	if (evt->type != VIGIL_EVENT_OPEN)
		return false;
	name = open_name(evt, sb);
	slash = strrchr(name, '/');
	v->str = slash ? slash + 1 : name;
	return true;
}

static bool get_fd_typechar(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_OPEN) {
		v->str = "f";
		return true;
	}
	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	switch (evt->connect.family) {
	case AF_INET:
		v->str = "4";
		return true;
	case AF_INET6:
		v->str = "6";
		return true;
	case AF_UNIX:
		v->str = "u";
		return true;
	default:
		return false;
	}
}

static bool get_fd_type(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type == VIGIL_EVENT_OPEN) {
		v->str = "file";
		return true;
	}
	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	switch (evt->connect.family) {
	case AF_INET:
		v->str = "ipv4";
		return true;
	case AF_INET6:
		v->str = "ipv6";
		return true;
	case AF_UNIX:
		v->str = "unix";
		return true;
	default:
		return false;
	}
}

static bool get_fd_sockfamily(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (evt->type != VIGIL_EVENT_CONNECT)
		return false;
	if (is_inet(evt))
		v->str = "ip";
	else if (evt->connect.family == AF_UNIX)
		v->str = "unix";
	else
		return false;
	return true;
}

static bool get_fd_sip(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_inet(evt))
		return false;
	memset(&v->ip, 0, sizeof(v->ip));
	v->ip.family = (uint8_t)evt->connect.family;
	memcpy(v->ip.addr, evt->connect.addr, evt->connect.family == AF_INET ? 4 : 16);
	return true;
}

static bool get_fd_sport(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)sb;
	if (!is_inet(evt))
		return false;
	v->num = evt->connect.port;
	return true;
}

/* The local end of a connection: not captured. */
static bool get_missing(const struct evt *evt, struct field_value *v, struct strbuf *sb)
{
	(void)evt;
	(void)v;
	(void)sb;
	return false;
}

/* Sorted by name: field__lookup searches it. */
static const struct field fields[] = {
	{ "fd.cip", FIELD_IP, "the client address: not captured, always missing", 0,
	  get_missing, NULL },
	{ "fd.cnet", FIELD_IPNET, "the client address, against networks: always missing", 0,
	  get_missing, NULL },
	{ "fd.cport", FIELD_PORT, "the client port: not captured, always missing", 0, get_missing,
	  NULL },
	{ "fd.directory", FIELD_STRING, "open: the directory of fd.name", 0, get_fd_directory,
	  NULL },
	{ "fd.filename", FIELD_STRING, "open: the last component of fd.name", 0, get_fd_filename,
	  NULL },
	{ "fd.ip", FIELD_IP, "connect: either end's address; vigil knows the server's", 0,
	  get_fd_sip, NULL },
	{ "fd.l4proto", FIELD_STRING, "the transport protocol: not captured, always missing", 0,
	  get_missing, NULL },
	{ "fd.lip", FIELD_IP, "the local address: not captured, always missing", 0, get_missing,
	  NULL },
	{ "fd.lport", FIELD_PORT, "the local port: not captured, always missing", 0, get_missing,
	  NULL },
	{ "fd.name", FIELD_STRING,
	  "open: the absolute path (as given if it failed; its first 4095 bytes if longer); "
	  "connect: 0.0.0.0:0->ip:port or the unix socket path",
	  0, get_fd_name, NULL },
	{ "fd.nameraw", FIELD_STRING, "open: the path as given", 0, get_fd_nameraw, NULL },
	{ "fd.net", FIELD_IPNET, "connect: either end's address against networks (10.0.0.0/8)",
	  0, get_fd_sip, NULL },
	{ "fd.num", FIELD_NUMBER, "the descriptor; open: -errno when it failed", 0, get_fd_num,
	  NULL },
	{ "fd.port", FIELD_PORT, "connect: either end's port; vigil knows the server's", 0,
	  get_fd_sport, NULL },
	{ "fd.rip", FIELD_IP, "connect: the remote address", 0, get_fd_sip, NULL },
	{ "fd.rnet", FIELD_IPNET, "connect: the remote address against networks", 0, get_fd_sip,
	  NULL },
	{ "fd.rport", FIELD_PORT, "connect: the remote port", 0, get_fd_sport, NULL },
	{ "fd.sip", FIELD_IP, "connect: the server address", 0, get_fd_sip, NULL },
	{ "fd.snet", FIELD_IPNET, "connect: the server address against networks", 0, get_fd_sip,
	  NULL },
	{ "fd.sockfamily", FIELD_STRING, "connect: ip or unix", 0, get_fd_sockfamily, NULL },
	{ "fd.sport", FIELD_PORT, "connect: the server port", 0, get_fd_sport, NULL },
	{ "fd.type", FIELD_STRING, "file, ipv4, ipv6 or unix", 0, get_fd_type, NULL },
	{ "fd.typechar", FIELD_STRING, "f for a file, 4 or 6 for an IP socket, u for unix", 0,
	  get_fd_typechar, NULL },
};

const struct field_class field_class_fd = {
	.name = "fd",
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
};
