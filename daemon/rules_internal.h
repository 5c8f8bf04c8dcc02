/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rule engine's private interfaces, shared by rules_load.c, cond_parse.c,
 * rules_compile.c, rules_eval.c, fields.c and output.c, and by their unit
 * tests. The rest of the daemon sees only the rules and output sections of
 * vigil.h.
 */
#ifndef VIGIL_RULES_INTERNAL_H
#define VIGIL_RULES_INTERNAL_H

#include "vigil.h"

/* Where a byte of a rule file came from. file belongs to the ruleset. */
struct srcpos {
	const char *file;
	uint32_t line; /* 1-based; 0 when only the file is known */
	uint32_t col;  /* 1-based, in characters */
};

/* A condition or output as loaded, with the position of every byte, so that
 * an error deep in an appended or list-expanded condition still points into
 * the file that wrote it. pos[len] is where the text ends. */
struct srctext {
	char *text;
	struct srcpos *pos;
	size_t len;
};

void srctext__free(struct srctext *st);
/* Appends " " and src to dst (Falco's append: true). Returns 0 or -ENOMEM. */
int srctext__append(struct srctext *dst, const struct srctext *src);

/* rules_load.c: diagnostics, printed as "file:line:col: error: message" */
struct rules_diag {
	FILE *err;
	unsigned int errors;
	unsigned int warnings;
};
void rules_diag__error(struct rules_diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rules_diag__warning(struct rules_diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Loads rules from memory, name standing for the file in diagnostics. */
struct ruleset *rules__load_buffer(const char *name, const char *text, size_t len, FILE *err);
bool priority__from_name(const char *name, enum rule_priority *p);

/* fields.c: the fields conditions and outputs can name */
enum field_type {
	FIELD_STRING,
	FIELD_NUMBER, /* signed 64-bit */
	FIELD_BOOL,
	FIELD_IP,
	FIELD_PORT,
	FIELD_MODE, /* file mode bits, written and shown in octal */
};

struct field_ip {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

struct field_value {
	union {
		const char *str; /* FIELD_STRING */
		int64_t num;     /* FIELD_NUMBER, FIELD_PORT, FIELD_MODE; FIELD_BOOL as 0 or 1 */
		struct field_ip ip;
	};
};

/* Room for the longest string a field builds: proc.cmdline, comm and argv. */
#define FIELD_BUF_MAX (VIGIL_COMM_LEN + VIGIL_ARGS_MAX + 64)

struct field {
	const char *name;
	enum field_type type;
	const char *help;
	/* False when the event has no value for the field. A string the field
	 * has to build goes into sb; v->str may also point into the event. */
	bool (*get)(const struct evt *evt, struct field_value *v, struct strbuf *sb);
};

const struct field *field__lookup(const char *name, size_t len);
/* JSON can take the rendered value as is: numbers and booleans. */
bool field__numeric(const struct field *f);
const char *field_type__name(enum field_type type);
void field__render(const struct field *f, const struct field_value *v, struct strbuf *sb);

/* cond_parse.c: conditions into trees */
enum cond_kind {
	COND_AND,
	COND_OR,
	COND_NOT,
	COND_CHECK,
	COND_MACRO,
};

enum cond_op {
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_IN,
	OP_PMATCH,
	OP_STARTSWITH,
	OP_ENDSWITH,
	OP_CONTAINS,
	OP_ICONTAINS,
	OP_GLOB,
	OP_EXISTS,
};
const char *cond_op__name(enum cond_op op);

struct cond_value {
	char *text; /* unquoted */
	struct srcpos pos;
	struct field_value v; /* rules_compile.c; strings point to text */
};

struct macro;

struct cond {
	enum cond_kind kind;
	struct srcpos pos;
	struct cond *left;  /* COND_AND, COND_OR, COND_NOT */
	struct cond *right; /* COND_AND, COND_OR */
	const struct macro *macro; /* COND_MACRO */
	/* COND_CHECK */
	char *field_name;
	const struct field *field; /* rules_compile.c */
	enum cond_op op;
	size_t nvalues;
	struct cond_value *values;
};

struct rules_list {
	char *name;
	struct srcpos pos;
	char **items; /* as written in the file */
	size_t nitems;
	/* rules_compile.c: items with earlier lists expanded, quoted as needed */
	char **expanded;
	size_t nexpanded;
};

struct macro {
	char *name;
	struct srcpos pos;
	struct srctext cond;
	struct cond *tree; /* NULL until compiled, or when it failed to */
	bool failed;
	uint64_t evttypes;
};

/* Resolves an identifier that is not a field: a macro, or NULL. later is set
 * when the macro exists but may not be used here. */
typedef const struct macro *(*cond_macro_lookup_t)(void *ctx, const char *name, bool *later);

struct cond_error {
	struct srcpos pos;
	char msg[256];
};

/* Substitutes lists into src, Falco's way: a list's name standing alone is
 * replaced by its items. Returns 0 or -ENOMEM. */
int cond__expand_lists(const struct srctext *src, struct rules_list *const *lists, size_t nlists,
		       struct srctext *out);
/* Returns the tree, or NULL with err filled. */
struct cond *cond__parse(const struct srctext *src, cond_macro_lookup_t lookup, void *ctx,
			 struct cond_error *err);
void cond__free(struct cond *c);
/* An s-expression of the tree, for tests and --debug. */
void cond__dump(const struct cond *c, struct strbuf *sb);

/* rules_compile.c: fields resolved, constants parsed, rules bucketed */

/* Event types as bits: 1 << VIGIL_SC_x for each syscall, and bit 0 for the
 * events that have none (clone and procexit). */
#define EVTTYPES_ALL ((UINT64_C(1) << VIGIL_SC_MAX) - 1)
_Static_assert(VIGIL_SC_MAX <= 64, "event types fit a uint64_t");

/* Resolves c's fields and constants; every error goes to d. Returns 0 or
 * -EINVAL. what names the item in messages ("rule 'x'"). */
int cond__compile(struct cond *c, struct rules_diag *d, const char *what);
uint64_t cond__evttypes(const struct cond *c);

/* output.c: output templates */
struct output_seg {
	size_t lit_off; /* literal text before the field, in the template's text */
	size_t lit_len;
	int field; /* index in fields, or -1 after the last field */
};

struct output_tmpl {
	char *text;
	struct output_seg *segs;
	size_t nsegs;
	const struct field *fields[ALERT_FIELDS_MAX]; /* each once, in order of appearance */
	size_t nfields;
};

/* Returns 0, or -EINVAL with msg and *erroff (a byte of text) set. */
int output__compile(struct output_tmpl *t, const char *text, size_t *erroff, char *msg,
		    size_t msglen);
void output__free(struct output_tmpl *t);

struct rule {
	char *name;
	char *desc;
	struct srcpos pos;
	struct srctext cond;
	struct srctext output;
	enum rule_priority priority;
	char **tags;
	size_t ntags;
	bool enabled;
	struct cond *tree;
	uint64_t evttypes;
	struct output_tmpl tmpl;
};

struct ruleset {
	char **files; /* every struct srcpos's file */
	size_t nfiles;
	struct rules_list **lists;
	size_t nlists;
	struct macro **macros;
	size_t nmacros;
	struct rule **rules;
	size_t nrules;
	/* Enabled rules by the syscall they can match, in load order; [0] for
	 * the events without one. */
	const struct rule **bucket[VIGIL_SC_MAX];
	size_t nbucket[VIGIL_SC_MAX];
};

/* After every file is read: lists, macros, rules, buckets. Returns 0 or -EINVAL. */
int rules__compile(struct ruleset *rs, struct rules_diag *d);

/* rules_eval.c */
bool cond__eval(const struct cond *c, const struct evt *evt);

#endif /* VIGIL_RULES_INTERNAL_H */
