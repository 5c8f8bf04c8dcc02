// SPDX-License-Identifier: GPL-2.0-only
/*
 * Alerts to the journal as structured entries: the message for people, and
 * every field of the rule's output as its own journal field for
 * `journalctl VIGIL_RULE=... VIGIL_CONTAINER_ID=...`. The entry is laid out
 * in one buffer on the stack: the alert path allocates nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
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

int sink_journald__build(const struct alert *alert, struct iovec *iov, size_t max, char *buf,
			 size_t buflen)
{
	const struct rule *r = alert->rule;
	enum rule_priority prio = rule__priority(r);
	struct journal_entry je = { .iov = iov, .max = max };
	char name[JOURNAL_NAME_MAX + 1];
	const char *prio_name;
	bool first = true;
	size_t i, ntags;

	strbuf__init(&je.sb, buf, buflen);

	journal_entry__begin(&je);
	strbuf__puts(&je.sb, "MESSAGE=");
	strbuf__append(&je.sb, alert->message, strnlen(alert->message, sizeof(alert->message)));
	journal_entry__end(&je);
	journal_entry__begin(&je);
	/* syslog levels and rule priorities are the same scale, 0..7. */
	strbuf__printf(&je.sb, "PRIORITY=%d", (int)prio);
	journal_entry__end(&je);
	journal_entry__add(&je, "SYSLOG_IDENTIFIER", VIGIL_IDENT);
	journal_entry__add(&je, "VIGIL_RULE", rule__name(r));
	prio_name = priority__name(prio);
	journal_entry__add(&je, "VIGIL_PRIORITY", prio_name ? prio_name : "");

	journal_entry__begin(&je);
	strbuf__puts(&je.sb, "VIGIL_TAGS=");
	ntags = rule__ntags(r);
	for (i = 0; i < ntags; i++) {
		const char *tag = rule__tag(r, i);

		if (!tag)
			continue;
		if (!first)
			strbuf__puts(&je.sb, ",");
		strbuf__puts(&je.sb, tag);
		first = false;
	}
	journal_entry__end(&je);

	for (i = 0; i < alert->nfields && i < ALERT_FIELDS_MAX; i++) {
		const struct alert_field *f = &alert->fields[i];

		if (!f->name || !f->value)
			continue;
		if (output__journal_name(f->name, name, sizeof(name)) < 0)
			continue;
		if (!journal_name__valid(name))
			continue;
		journal_entry__add(&je, name, f->value);
	}
	return je.n;
}

int sink_journald__send(const struct alert *alert)
{
	struct iovec iov[SINK_JOURNALD_IOV_MAX];
	char buf[SINK_JOURNALD_BUF_SIZE];
	int n;

	n = sink_journald__build(alert, iov, SINK_JOURNALD_IOV_MAX, buf, sizeof(buf));
	/* A value with a newline goes out in journald's binary-safe form:
	 * sd_journal_sendv() picks it per field. */
	return sd_journal_sendv(iov, n);
}
