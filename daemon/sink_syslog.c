// SPDX-License-Identifier: GPL-2.0-only
/*
 * Alerts as syslog messages: RFC 5424 with the alert's rule, priority,
 * container and process as structured data, or RFC 3164 for collectors that
 * predate it; to the local socket, or to a collector over UDP or TCP (RFC
 * 6587 octet counting, which survives newlines in a message).
 *
 * A collector that goes away is reconnected with a growing pause (sinks.c),
 * the message in hand kept for it. Over TCP a peer that has closed is noticed
 * before writing to it, not one message later; over UDP the network's "port
 * unreachable" is the only news of a loss, and each one is counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

/* An SD-PARAM value is cut past this many bytes (escaped), whole characters. */
#define SD_VALUE_MAX 1024
/* RFC 5424 section 6.3.3: PARAM-NAME is 1*32 characters. */
#define SD_NAME_MAX 32
#define CONNECT_TIMEOUT_MS 5000
/* A write blocked this long returns, so that the thread can see a stop. */
#define SEND_TIMEOUT_MS 1000
#define NSEC_PER_USEC 1000ull
#define NSEC_PER_SEC 1000000000ull

static const char *const facility_names[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
};

int syslog_facility__parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facility_names) / sizeof(facility_names[0]); i++) {
		if (!strcasecmp(name, facility_names[i]))
			return i;
	}
	return -1;
}

int hostport__split(const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon, *end;
	size_t n;
	char *stop;
	long p;

	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		s++;
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', colon - s))
			return -EINVAL;
		end = colon;
	}
	n = end - s;
	if (!n || n >= hostlen)
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	errno = 0;
	p = strtol(colon + 1, &stop, 10);
	if (colon[1] < '0' || colon[1] > '9' || *stop || errno || p < 1 || p > 65535)
		return -EINVAL;
	snprintf(port, portlen, "%ld", p);
	return 0;
}

int syslog_target__parse(const char *s, struct syslog_target *t, const char **why)
{
	memset(t, 0, sizeof(*t));
	if (!strncmp(s, "unix://", 7)) {
		t->transport = SYSLOG_UNIX;
		if (s[7] != '/') {
			*why = "unix:// takes an absolute path: unix:///dev/log";
			return -EINVAL;
		}
		if (strlen(s + 7) >= sizeof(t->path)) {
			*why = "socket path too long";
			return -EINVAL;
		}
		strcpy(t->path, s + 7);
		return 0;
	}
	if (!strncmp(s, "udp://", 6)) {
		t->transport = SYSLOG_UDP;
	} else if (!strncmp(s, "tcp://", 6)) {
		t->transport = SYSLOG_TCP;
	} else {
		*why = "expected unix:///PATH, udp://HOST:PORT or tcp://HOST:PORT";
		return -EINVAL;
	}
	if (hostport__split(s + 6, t->host, sizeof(t->host), t->port, sizeof(t->port)) < 0) {
		*why = "expected HOST:PORT (or [IPv6]:PORT) with a port from 1 to 65535";
		return -EINVAL;
	}
	return 0;
}

/* Formatting */

/* PRINTUSASCII, RFC 5424 section 6: what HOSTNAME, APP-NAME, MSGID may hold. */
static bool printusascii(unsigned char c)
{
	return c >= 33 && c <= 126;
}

static void put_hostname(struct strbuf *sb, const char *hostname)
{
	char out[256];
	size_t i;

	for (i = 0; hostname && hostname[i] && i < 255; i++)
		out[i] = printusascii(hostname[i]) ? hostname[i] : '_';
	out[i] = '\0';
	strbuf__puts(sb, i ? out : "-");
}

/* Appends v escaped as an SD-PARAM value: '"', '\' and ']' get a backslash,
 * invalid UTF-8 becomes U+FFFD (PARAM-VALUE is UTF-8). */
static void sd__value(struct strbuf *sb, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t used = 0, n, adv;
	const char *out;
	char esc[2];
	bool valid;

	while (*p) {
		if (*p == '"' || *p == '\\' || *p == ']') {
			esc[0] = '\\';
			esc[1] = *p;
			out = esc;
			n = 2;
			adv = 1;
		} else {
			adv = utf8__char_len(p, &valid);
			out = valid ? (const char *)p : "\xef\xbf\xbd";
			n = valid ? adv : 3;
		}
		if (used + n > SD_VALUE_MAX)
			break;
		strbuf__append(sb, out, n);
		used += n;
		p += adv;
	}
}

/* A field name as an SD-NAME: "proc.pid" -> "proc_pid". */
static void sd__name(struct strbuf *sb, const char *name)
{
	char out[SD_NAME_MAX + 1];
	size_t i;

	for (i = 0; name[i] && i < SD_NAME_MAX; i++) {
		unsigned char c = name[i];

		out[i] = printusascii(c) && c != '=' && c != ']' && c != '"' && c != '.' ? c : '_';
	}
	out[i] = '\0';
	strbuf__puts(sb, out);
}

static void sd__param(struct strbuf *sb, const char *name, const char *value)
{
	if (!value)
		return;
	strbuf__puts(sb, " ");
	sd__name(sb, name);
	strbuf__puts(sb, "=\"");
	sd__value(sb, value);
	strbuf__puts(sb, "\"");
}

/* The fields a rule alert's structured data carries, by their names there. */
static const struct {
	const char *field;
	const char *param;
} rule_params[] = {
	{ "container.id", "container_id" },
	{ "container.name", "container_name" },
	{ "proc.name", "proc_name" },
	{ "proc.pid", "proc_pid" },
};

static void sd__element(struct strbuf *sb, const struct sink_record *rec)
{
	size_t i;

	strbuf__printf(sb, "[vigil@%d", VIGIL_SYSLOG_PEN);
	sd__param(sb, "rule", rec->rule);
	sd__param(sb, "priority", priority__name(rec->priority));
	if (rec->kind == ALERT_KIND_RULE) {
		for (i = 0; i < sizeof(rule_params) / sizeof(rule_params[0]); i++)
			sd__param(sb, rule_params[i].param,
				  sink_record__field(rec, rule_params[i].field));
	} else {
		/* vigild's own entries are small and all their fields are the point. */
		for (i = 0; i < rec->nfields; i++)
			sd__param(sb, rec->fields[i].name, rec->fields[i].value);
	}
	strbuf__puts(sb, "]");
}

static void put_timestamp_5424(struct strbuf *sb, uint64_t time_ns)
{
	time_t sec = time_ns / NSEC_PER_SEC;
	struct tm tm;

	if (!gmtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	/* TIME-SECFRAC has six digits at most: microseconds. */
	strbuf__printf(sb, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (unsigned int)(time_ns % NSEC_PER_SEC / NSEC_PER_USEC));
}

static void put_timestamp_3164(struct strbuf *sb, uint64_t time_ns)
{
	/* Not strftime's %b: RFC 3164 wants English whatever the locale. */
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t sec = time_ns / NSEC_PER_SEC;
	struct tm tm;

	if (!localtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	strbuf__printf(sb, "%s %2d %02d:%02d:%02d", months[tm.tm_mon % 12], tm.tm_mday,
		       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void sink_syslog__format(const struct sink_record *rec, const struct syslog_header *h,
			 struct strbuf *sb)
{
	size_t start = sb->len, used, room, n;
	const char *msg = rec->message;

	strbuf__printf(sb, "<%d>", h->facility * 8 + (int)rec->priority);
	if (h->format == SYSLOG_RFC3164) {
		put_timestamp_3164(sb, rec->time_ns);
		strbuf__puts(sb, " ");
		if (!h->local) {
			put_hostname(sb, h->hostname);
			strbuf__puts(sb, " ");
		}
		strbuf__printf(sb, "%s[%d]: ", VIGIL_IDENT, h->pid);
	} else {
		strbuf__puts(sb, "1 ");
		put_timestamp_5424(sb, rec->time_ns);
		strbuf__puts(sb, " ");
		put_hostname(sb, h->hostname);
		strbuf__printf(sb, " %s %d %s ", VIGIL_IDENT, h->pid, alert_kind__name(rec->kind));
	}
	/* RFC 3164 has no structured data; the same element leads the text,
	 * where a pattern can still find it. */
	sd__element(sb, rec);

	used = sb->len - start;
	if (!*msg || used + 1 >= h->max_size)
		return;
	room = h->max_size - used - 1;
	n = strlen(msg);
	if (n > room)
		n = text__cut(msg, room);
	strbuf__puts(sb, " ");
	strbuf__append(sb, msg, n);
}

void sink_syslog__frame(const char *msg, size_t len, struct strbuf *sb)
{
	strbuf__printf(sb, "%zu ", len);
	strbuf__append(sb, msg, len);
}

/* Transport */

struct sink_syslog {
	struct syslog_target target;
	struct syslog_header hdr;
	char hostname[256];
	int fd;                               /* -1: not connected */
	const struct sink_record *frame_rec;  /* the record frame holds */
	char *msg;
	char *frame;
	size_t frame_cap, frame_len, frame_off;
	uint64_t lost;
	int last_error;
};

int sink_syslog__open(struct sink_syslog **out, const struct sink_config *c, const char *hostname)
{
	struct sink_syslog *s;
	const char *why;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	if (syslog_target__parse(c->target, &s->target, &why) < 0) {
		log_warnx("syslog %s: %s", c->target, why);
		free(s);
		return -EINVAL;
	}
	snprintf(s->hostname, sizeof(s->hostname), "%s", hostname ? hostname : "");
	s->hdr.format = c->format;
	s->hdr.facility = c->facility;
	s->hdr.hostname = s->hostname;
	s->hdr.pid = getpid();
	s->hdr.local = s->target.transport == SYSLOG_UNIX;
	s->hdr.max_size = c->max_size ? c->max_size
				      : c->format == SYSLOG_RFC3164 ? SYSLOG_MAX_SIZE_3164
								    : SYSLOG_MAX_SIZE_5424;
	s->frame_cap = s->hdr.max_size + 32;
	s->msg = malloc(s->hdr.max_size + 1);
	s->frame = malloc(s->frame_cap);
	if (!s->msg || !s->frame) {
		sink_syslog__close(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

static void syslog__disconnect(struct sink_syslog *s, int err)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->last_error = err;
}

static void socket__send_timeout(int fd)
{
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_MS / 1000,
			      .tv_usec = SEND_TIMEOUT_MS % 1000 * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* connect() that gives up after CONNECT_TIMEOUT_MS: a collector behind a
 * firewall that drops packets would otherwise take minutes. */
static int socket__connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int flags = fcntl(fd, F_GETFL), err = 0, r;
	socklen_t errlen = sizeof(err);

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS)
			return -errno;
		do {
			r = poll(&pfd, 1, CONNECT_TIMEOUT_MS);
		} while (r < 0 && errno == EINTR);
		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0)
			return -errno;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
			return -errno;
		if (err)
			return -err;
	}
	fcntl(fd, F_SETFL, flags);
	return 0;
}

/*
 * A TCP connect to a local port nobody listens on can pick that very port as
 * its own and connect to itself (simultaneous open): it then "succeeds",
 * takes the port the collector wants to bind, and swallows what is sent.
 */
static bool socket__self_connected(int fd)
{
	struct sockaddr_storage a, b;
	socklen_t alen = sizeof(a), blen = sizeof(b);

	if (getsockname(fd, (struct sockaddr *)&a, &alen) < 0 ||
	    getpeername(fd, (struct sockaddr *)&b, &blen) < 0)
		return false;
	return alen == blen && !memcmp(&a, &b, alen);
}

static int syslog__connect(struct sink_syslog *s)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = -1, err, one = 1;

	if (s->target.transport == SYSLOG_UNIX) {
		strcpy(sun.sun_path, s->target.path);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
			err = -errno;
			close(fd);
			return err;
		}
		goto connected;
	}

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = s->target.transport == SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_ADDRCONFIG;
	/* Resolved on each connect: a collector's address may change. */
	if (getaddrinfo(s->target.host, s->target.port, &hints, &res) != 0)
		return -EHOSTUNREACH;
	err = -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		/* UDP too: a connected socket hears of "port unreachable". */
		err = socket__connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (!err && socket__self_connected(fd))
			err = -ECONNREFUSED;
		if (!err)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err;
	if (s->target.transport == SYSLOG_TCP)
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
connected:
	socket__send_timeout(fd);
	s->fd = fd;
	/* A frame cut by the old connection goes again whole on the new one. */
	s->frame_off = 0;
	return 0;
}

/*
 * A collector that closed the connection (or was killed: its kernel closes
 * it) has sent a FIN or a RST, readable here. Without this check the next
 * message would go into the void: a write after the peer's FIN still
 * succeeds, and only the one after it fails.
 */
static bool tcp__peer_gone(int fd)
{
	char junk[512];
	ssize_t n;

	for (;;) {
		n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n > 0)
			continue; /* a collector has nothing to say; drop it */
		if (n == 0)
			return true;
		return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
	}
}

static void syslog__build(struct sink_syslog *s, const struct sink_record *rec)
{
	struct strbuf sb;
	size_t len;

	strbuf__init(&sb, s->msg, s->hdr.max_size + 1);
	sink_syslog__format(rec, &s->hdr, &sb);
	len = sb.len;
	strbuf__init(&sb, s->frame, s->frame_cap);
	if (s->target.transport == SYSLOG_TCP)
		sink_syslog__frame(s->msg, len, &sb);
	else
		strbuf__append(&sb, s->msg, len);
	s->frame_len = sb.len;
	s->frame_off = 0;
	s->frame_rec = rec;
}

int sink_syslog__send(struct sink_syslog *s, const struct sink_record *rec)
{
	bool refused = false;
	ssize_t n;
	int err;

	if (s->frame_rec != rec)
		syslog__build(s, rec);
	if (s->fd >= 0 && s->target.transport == SYSLOG_TCP && !s->frame_off &&
	    tcp__peer_gone(s->fd))
		syslog__disconnect(s, -ECONNRESET);
	if (s->fd < 0) {
		err = syslog__connect(s);
		if (err) {
			s->last_error = err;
			return -ENOTCONN;
		}
	}
	while (s->frame_off < s->frame_len) {
		n = send(s->fd, s->frame + s->frame_off, s->frame_len - s->frame_off,
			 MSG_NOSIGNAL);
		if (n >= 0) {
			s->frame_off += n;
			continue;
		}
		err = errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN || err == EWOULDBLOCK)
			return -EAGAIN;
		if (s->target.transport == SYSLOG_UDP && err == ECONNREFUSED && !refused) {
			/* The error is an earlier datagram's "port unreachable";
			 * this one has not gone yet. */
			s->lost++;
			refused = true;
			continue;
		}
		if (err == EMSGSIZE) {
			s->frame_rec = NULL;
			return -EMSGSIZE;
		}
		syslog__disconnect(s, -err);
		return -ENOTCONN;
	}
	s->frame_rec = NULL;
	return 0;
}

uint64_t sink_syslog__take_lost(struct sink_syslog *s)
{
	uint64_t n = s->lost;

	s->lost = 0;
	return n;
}

int sink_syslog__last_error(const struct sink_syslog *s)
{
	return s->last_error ? s->last_error : -ENOTCONN;
}

void sink_syslog__close(struct sink_syslog *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->msg);
	free(s->frame);
	free(s);
}
