// SPDX-License-Identifier: GPL-2.0-only
/*
 * Alerts as JSON lines in the shape of Falco's json_output, so that what
 * already reads Falco (falcosidekick, SIEM parsers) reads vigild. Every line
 * is valid JSON whatever the event held: strings are escaped per RFC 8259,
 * bytes that are not UTF-8 become U+FFFD, and a line that would not fit the
 * buffer is rebuilt smaller instead of being cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "vigil.h"

#define SINK_JSON_LINE_MAX (64 * 1024)
#define NSEC_PER_SEC 1000000000ull

enum json_fields {
	FIELDS_VALUES,
	FIELDS_NULL, /* every value null */
	FIELDS_NONE, /* an empty object */
};

/* What goes into the line; the fallbacks shrink it until it fits. */
struct json_plan {
	enum json_fields fields;
	size_t hostname_max; /* escaped bytes of each string, quotes excluded */
	size_t output_max;
	size_t rule_max;
	size_t ntags;
};


static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json__is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0') {
		s++;
	} else if (*s >= '1' && *s <= '9') {
		while (is_digit(*s))
			s++;
	} else {
		return false;
	}
	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

struct json_times {
	char output[32]; /* "14:19:08.123456789: ", local time of day */
	char iso[48];    /* "2026-12-03T14:19:08.123456789Z" */
};

static void json_times__init(struct json_times *t, uint64_t time_ns)
{
	time_t sec = time_ns / NSEC_PER_SEC;
	unsigned int nsec = time_ns % NSEC_PER_SEC;
	struct tm tm;
	char hms[16], date[32];

	if (!localtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	if (!strftime(hms, sizeof(hms), "%H:%M:%S", &tm))
		hms[0] = '\0';
	snprintf(t->output, sizeof(t->output), "%s.%09u: ", hms, nsec);
	if (!gmtime_r(&sec, &tm))
		memset(&tm, 0, sizeof(tm));
	if (!strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		date[0] = '\0';
	snprintf(t->iso, sizeof(t->iso), "%s.%09uZ", date, nsec);
}

static void json__output_fields(struct strbuf *sb, const struct sink_record *rec,
				enum json_fields mode)
{
	size_t i;

	strbuf__puts(sb, "\"output_fields\":{");
	for (i = 0; mode != FIELDS_NONE && i < rec->nfields; i++) {
		const struct sink_field *f = &rec->fields[i];

		if (i)
			strbuf__puts(sb, ",");
		json_str__put(sb, f->name, SIZE_MAX);
		strbuf__puts(sb, ":");
		if (mode == FIELDS_NULL || !f->value)
			strbuf__puts(sb, "null");
		else if (f->numeric && json__is_number(f->value))
			strbuf__puts(sb, f->value);
		else
			json_str__put(sb, f->value, SIZE_MAX);
	}
	strbuf__puts(sb, "}");
}

static void json__alert(struct strbuf *sb, const struct sink_record *rec, const char *hostname,
			const struct json_times *t, const struct json_plan *plan)
{
	const char *prio = priority__name(rec->priority);
	size_t i, used;

	strbuf__puts(sb, "{\"hostname\":");
	json_str__put(sb, hostname, plan->hostname_max);

	/* Falco's output: "<time of day>: <Priority> <message>". */
	strbuf__puts(sb, ",\"output\":\"");
	used = json_str__escape(sb, t->output, plan->output_max);
	used += json_str__escape(sb, prio, plan->output_max - used);
	used += json_str__escape(sb, " ", plan->output_max - used);
	json_str__escape(sb, rec->message, plan->output_max - used);
	strbuf__puts(sb, "\",");

	json__output_fields(sb, rec, plan->fields);
	strbuf__puts(sb, ",\"priority\":");
	json_str__put(sb, prio, SIZE_MAX);
	strbuf__puts(sb, ",\"rule\":");
	json_str__put(sb, rec->rule, plan->rule_max);
	/* vigild's own entries are not about a syscall, as Falco's internal ones. */
	strbuf__puts(sb, rec->kind == ALERT_KIND_RULE || rec->kind == ALERT_KIND_SUMMARY
				 ? ",\"source\":\"syscall\",\"tags\":["
				 : ",\"source\":\"internal\",\"tags\":[");
	for (i = 0; i < plan->ntags; i++) {
		if (i)
			strbuf__puts(sb, ",");
		json_str__put(sb, rec->tags[i], SIZE_MAX);
	}
	strbuf__puts(sb, "],\"time\":\"");
	strbuf__puts(sb, t->iso);
	strbuf__puts(sb, "\"}");
}

static void json__rewind(struct strbuf *sb, size_t len)
{
	sb->len = len;
	sb->truncated = false;
	if (sb->cap)
		sb->buf[len] = '\0';
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * The last resort: no output_fields, and the strings cut so that the whole
 * fits in room bytes. The skeleton (everything at its shortest) is measured
 * first; what is left is shared out, a quarter each at most to the hostname,
 * the rule name and the tags, the rest to the output.
 */
static void json__alert_cut(struct strbuf *sb, const struct sink_record *rec,
			    const char *hostname, const struct json_times *t, size_t room)
{
	struct json_plan plan = { .fields = FIELDS_NONE };
	size_t start = sb->len, skeleton, budget, tags = 0, n, i;

	json__alert(sb, rec, hostname, t, &plan);
	skeleton = sb->len - start;
	if (sb->truncated)
		return;
	json__rewind(sb, start);
	budget = room - skeleton;

	plan.hostname_max = min_size(json_str__escape(NULL, hostname, SIZE_MAX), budget / 4);
	plan.rule_max = min_size(json_str__escape(NULL, rec->rule, SIZE_MAX), budget / 4);
	for (i = 0; i < rec->ntags; i++) {
		/* Quotes, and a comma after the first. */
		n = json_str__escape(NULL, rec->tags[i], SIZE_MAX) + 2 + (i > 0);
		if (tags + n > budget / 4)
			break;
		tags += n;
	}
	plan.ntags = i;
	plan.output_max = budget - plan.hostname_max - plan.rule_max - tags;
	json__alert(sb, rec, hostname, t, &plan);
}

void sink_json__format(const struct sink_record *rec, const char *hostname, struct strbuf *sb)
{
	struct json_plan plan = {
		.fields = FIELDS_VALUES,
		.hostname_max = SIZE_MAX,
		.output_max = SIZE_MAX,
		.rule_max = SIZE_MAX,
		.ntags = rec->ntags,
	};
	size_t start = sb->len;
	bool was_truncated = sb->truncated;
	struct json_times t;

	if (!sb->cap)
		return;
	/* The flag says whether this line fit; what was cut before stays cut. */
	sb->truncated = false;
	json_times__init(&t, rec->time_ns);
	json__alert(sb, rec, hostname, &t, &plan);
	if (!sb->truncated)
		goto out;
	/* The field values are the bulk of a long alert and repeat the message. */
	json__rewind(sb, start);
	plan.fields = FIELDS_NULL;
	json__alert(sb, rec, hostname, &t, &plan);
	if (!sb->truncated)
		goto out;
	json__rewind(sb, start);
	json__alert_cut(sb, rec, hostname, &t, sb->cap - 1 - start);
	if (sb->truncated) {
		/* Not even the skeleton fits: better nothing than half a line. */
		json__rewind(sb, start);
		sb->truncated = true;
	}
out:
	sb->truncated |= was_truncated;
}

/* The line and its newline in line[]; returns its length or -ENOBUFS. */
static ssize_t json__line(const struct sink_record *rec, const char *hostname, char *line,
			  size_t size)
{
	struct strbuf sb;

	/* The last byte is kept for the newline. */
	strbuf__init(&sb, line, size - 1);
	sink_json__format(rec, hostname, &sb);
	if (sb.truncated)
		return -ENOBUFS;
	line[sb.len] = '\n';
	return sb.len + 1;
}

int sink_json__write(const struct alert *alert, const char *hostname, FILE *out)
{
	char line[SINK_JSON_LINE_MAX];
	struct sink_record *rec;
	ssize_t n;

	rec = sink_record__from_alert(alert);
	if (!rec)
		return -ENOMEM;
	n = json__line(rec, hostname, line, sizeof(line));
	sink_record__put(rec);
	if (n < 0)
		return n;
	errno = 0;
	if (fwrite(line, 1, n, out) != (size_t)n || fflush(out) == EOF)
		return errno ? -errno : -EIO;
	return 0;
}

struct sink_jsonfile {
	char *path;
	int fd;          /* -1 while it cannot be opened */
	bool is_stdout;
	int last_error;
};

static int jsonfile__open(struct sink_jsonfile *j)
{
	if (j->is_stdout) {
		j->fd = STDOUT_FILENO;
		return 0;
	}
	/* O_APPEND: every line lands whole at the end, whoever else writes. */
	j->fd = open(j->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (j->fd < 0) {
		j->last_error = -errno;
		return j->last_error;
	}
	return 0;
}

int sink_jsonfile__open(struct sink_jsonfile **out, const char *path)
{
	struct sink_jsonfile *j;
	int err;

	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->fd = -1;
	j->is_stdout = !strcmp(path, "-");
	j->path = strdup(path);
	if (!j->path) {
		free(j);
		return -ENOMEM;
	}
	err = jsonfile__open(j);
	if (err)
		log_warnx("json %s: cannot open: %s; alerts wait in its queue until it can be",
			  path, strerror(-err));
	*out = j;
	return 0;
}

int sink_jsonfile__write(struct sink_jsonfile *j, const struct sink_record *rec,
			 const char *hostname)
{
	char line[SINK_JSON_LINE_MAX];
	ssize_t n, done = 0, w;

	if (j->fd < 0 && jsonfile__open(j) < 0)
		return -ENOTCONN;
	n = json__line(rec, hostname, line, sizeof(line));
	if (n < 0)
		return n;
	while (done < n) {
		w = write(j->fd, line + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			j->last_error = w < 0 ? -errno : -EIO;
			return j->last_error;
		}
		done += w;
	}
	return 0;
}

int sink_jsonfile__reopen(struct sink_jsonfile *j)
{
	if (!j || j->is_stdout)
		return 0;
	if (j->fd >= 0)
		close(j->fd);
	return jsonfile__open(j);
}

int sink_jsonfile__last_error(const struct sink_jsonfile *j)
{
	return j->last_error ? j->last_error : -ENOTCONN;
}

void sink_jsonfile__close(struct sink_jsonfile *j)
{
	if (!j)
		return;
	if (j->fd >= 0 && !j->is_stdout)
		close(j->fd);
	free(j->path);
	free(j);
}
