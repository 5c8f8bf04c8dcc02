// SPDX-License-Identifier: GPL-2.0-only
/*
 * Alerts to the journal as structured entries: the message for people, and
 * every field of the rule's output as its own journal field for
 * `journalctl VIGIL_RULE=... VIGIL_CONTAINER_ID=...`, and a MESSAGE_ID per
 * kind of entry that the catalog (systemd/vigil.catalog) explains. The entry
 * is laid out in one buffer on the stack.
 *
 * journald can go away (restarted, killed, its socket gone): entries then go
 * to stderr, counted, and journald is tried again with a growing pause, so
 * that a dead journald costs one failed send per pause, not one per alert.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <systemd/sd-journal.h>

#include "vigil.h"

/* journald ignores a field with a longer name (systemd's journal_field_valid()). */
#define JOURNAL_NAME_MAX 64

struct journal_entry {
	struct iovec *iov;
	size_t max;
	size_t n;
	struct strbuf sb;
	size_t start; /* of the field being built */
};

static void journal_entry__begin(struct journal_entry *je)
{
	je->start = je->sb.len;
	je->sb.truncated = false;
}

/* Adds the field built since begin, or takes it back if it did not fit. */
static void journal_entry__end(struct journal_entry *je)
{
	if (je->sb.truncated || je->n == je->max || !je->sb.cap) {
		je->sb.len = je->start;
		if (je->sb.cap)
			je->sb.buf[je->sb.len] = '\0';
		je->sb.truncated = false;
		return;
	}
	je->iov[je->n].iov_base = je->sb.buf + je->start;
	je->iov[je->n].iov_len = je->sb.len - je->start;
	je->n++;
}

static void journal_entry__add(struct journal_entry *je, const char *name, const char *value)
{
	journal_entry__begin(je);
	strbuf__puts(&je->sb, name);
	strbuf__puts(&je->sb, "=");
	strbuf__puts(&je->sb, value);
	journal_entry__end(je);
}

/*
 * What journald accepts from a client: A-Z, 0-9 and '_', not starting with a
 * digit, and no leading '_', which marks the fields journald itself vouches
 * for. journald drops an invalid field silently; checking here keeps it out
 * of the entry instead of hoping.
 */
static bool journal_name__valid(const char *name)
{
	const char *p;

	if (!*name || *name == '_' || (*name >= '0' && *name <= '9'))
		return false;
	for (p = name; *p; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	}
	return p - name <= JOURNAL_NAME_MAX;
}

int sink_journald__build(const struct sink_record *rec, struct iovec *iov, size_t max, char *buf,
			 size_t buflen)
{
	struct journal_entry je = { .iov = iov, .max = max };
	char name[JOURNAL_NAME_MAX + 1];
	size_t i;

	strbuf__init(&je.sb, buf, buflen);

	journal_entry__begin(&je);
	strbuf__puts(&je.sb, "MESSAGE=");
	strbuf__puts(&je.sb, rec->message);
	journal_entry__end(&je);
	journal_entry__add(&je, "MESSAGE_ID", alert_kind__message_id(rec->kind));
	journal_entry__begin(&je);
	/* syslog levels and rule priorities are the same scale, 0..7. */
	strbuf__printf(&je.sb, "PRIORITY=%d", (int)rec->priority);
	journal_entry__end(&je);
	journal_entry__add(&je, "SYSLOG_IDENTIFIER", VIGIL_IDENT);
	journal_entry__add(&je, "VIGIL_RULE", rec->rule);
	journal_entry__add(&je, "VIGIL_PRIORITY", priority__name(rec->priority));

	journal_entry__begin(&je);
	strbuf__puts(&je.sb, "VIGIL_TAGS=");
	for (i = 0; i < rec->ntags; i++) {
		if (i)
			strbuf__puts(&je.sb, ",");
		strbuf__puts(&je.sb, rec->tags[i]);
	}
	journal_entry__end(&je);

	for (i = 0; i < rec->nfields; i++) {
		const struct sink_field *f = &rec->fields[i];

		if (!f->value)
			continue;
		if (output__journal_name(f->name, name, sizeof(name)) < 0)
			continue;
		if (!journal_name__valid(name))
			continue;
		journal_entry__add(&je, name, f->value);
	}
	return je.n;
}

int sink_journald__send(const struct sink_record *rec)
{
	struct iovec iov[SINK_JOURNALD_IOV_MAX];
	char buf[SINK_JOURNALD_BUF_SIZE];
	int n;

	n = sink_journald__build(rec, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	/* A value with a newline goes out in journald's binary-safe form:
	 * sd_journal_sendv() picks it per field. */
	return sd_journal_sendv(iov, n);
}

#define JOURNALD_RETRY_MIN_NS 500000000ull
#define JOURNALD_RETRY_MAX_NS 5000000000ull

struct sink_journald {
	bool down;
	uint64_t down_since_ns;
	uint64_t retry_ns;   /* when to try journald again */
	uint64_t pause_ns;
	uint64_t to_stderr;  /* since it went away */
};

int sink_journald__open(struct sink_journald **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

/* The entry that closes an outage: how long, and how much went to stderr. */
static void journald__back(struct sink_journald *j, uint64_t now_ns)
{
	char message[256], count[24], seconds[24];
	const struct sink_field fields[] = {
		{ "journald.fallback", count, true },
		{ "journald.down_seconds", seconds, true },
	};
	struct sink_record_spec spec = {
		.kind = ALERT_KIND_OPERATIONAL,
		.priority = PRIORITY_NOTICE,
		.time_ns = clock__ns(CLOCK_REALTIME),
		.rule = "vigil internal: journald back",
		.message = message,
		.fields = fields,
		.nfields = sizeof(fields) / sizeof(fields[0]),
	};
	uint64_t secs = (now_ns - j->down_since_ns + 500000000ull) / 1000000000ull;
	struct sink_record *rec;

	snprintf(count, sizeof(count), "%llu", (unsigned long long)j->to_stderr);
	snprintf(seconds, sizeof(seconds), "%llu", (unsigned long long)secs);
	snprintf(message, sizeof(message),
		 "journald is back after %llu s; %llu entries went to stderr meanwhile",
		 (unsigned long long)secs, (unsigned long long)j->to_stderr);
	log_info("%s", message);
	rec = sink_record__new(&spec);
	if (rec && sink_journald__send(rec) < 0)
		sink_stderr__write(rec);
	sink_record__put(rec);
}

int sink_journald__deliver(struct sink_journald *j, const struct sink_record *rec,
			   uint64_t now_ns)
{
	int err;

	if (j->down && now_ns < j->retry_ns)
		goto fallback;
	err = sink_journald__send(rec);
	if (err >= 0) {
		if (j->down) {
			journald__back(j, now_ns);
			j->down = false;
		}
		return 0;
	}
	if (!j->down) {
		log_warnx("journald: %s; entries go to stderr until it is back", strerror(-err));
		j->down = true;
		j->down_since_ns = now_ns;
		j->to_stderr = 0;
		j->pause_ns = JOURNALD_RETRY_MIN_NS;
	} else {
		j->pause_ns *= 2;
		if (j->pause_ns > JOURNALD_RETRY_MAX_NS)
			j->pause_ns = JOURNALD_RETRY_MAX_NS;
	}
	j->retry_ns = now_ns + j->pause_ns;
fallback:
	err = sink_stderr__write(rec);
	if (err < 0)
		return err;
	j->to_stderr++;
	return 1;
}

void sink_journald__close(struct sink_journald *j)
{
	free(j);
}
