/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rule engine's private interfaces, shared by its files and their unit
 * tests: srctext.c, rules_load.c, rules_yaml.c, rules_rule.c,
 * rules_exceptions.c, fields*.c, cond_parse.c, strpool.c, rules_compile.c,
 * rules_eval.c, rules_kfilter.c and output.c. The rest of the daemon sees
 * only the rules and output sections of vigil.h.
 */
#ifndef VIGIL_RULES_INTERNAL_H
#define VIGIL_RULES_INTERNAL_H

#include <regex.h>

#include "vigil.h"

/* srctext.c: text that remembers where each byte came from */

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
/* Appends " " and src to dst (Falco's append). Returns 0 or -ENOMEM. */
int srctext__append(struct srctext *dst, const struct srctext *src);
/* Drops leading and trailing blanks: a folded ">" scalar ends in "\n". */
void srctext__trim(struct srctext *st);

/* Builds a srctext piece by piece; a failed allocation is remembered and
 * reported by finish, so callers need not check every step. */
struct srctext_builder {
	struct srctext *out;
	size_t cap;
	bool failed;
};
void srctext_builder__init(struct srctext_builder *b, struct srctext *out);
void srctext_builder__put(struct srctext_builder *b, const char *s, size_t n,
			  const struct srcpos *pos);
void srctext_builder__puts(struct srctext_builder *b, const char *s, const struct srcpos *pos);
/* Appends src's bytes [from, to) with their own positions. */
void srctext_builder__copy(struct srctext_builder *b, const struct srctext *src, size_t from,
			   size_t to);
/* Returns 0, or -ENOMEM (out is then freed). */
int srctext_builder__finish(struct srctext_builder *b, const struct srcpos *end);

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
/* "0.31.0", or Falco's legacy integer 31 (meaning 0.31.0), into numbers. */
bool engine_version__parse(const char *s, unsigned int v[3]);

/* The keys of a rule file's items. */
enum item_key {
	KEY_LIST,
	KEY_MACRO,
	KEY_RULE,
	KEY_ANOMALY,
	KEY_REQUIRED_ENGINE_VERSION,
	KEY_REQUIRED_PLUGIN_VERSIONS,
	KEY_ITEMS,
	KEY_DESC,
	KEY_CONDITION,
	KEY_OUTPUT,
	KEY_PRIORITY,
	KEY_TAGS,
	KEY_ENABLED,
	KEY_EXCEPTIONS,
	KEY_SOURCE,
	KEY_WARN_EVTTYPES,
	KEY_SKIP_UNKNOWN,
	KEY_APPEND,
	KEY_OVERRIDE,
	KEY_SCOPE,
	KEY_LEARN,
	KEY_LEARNING_PERIOD,
	KEY_ON_NEW,
	KEY_MAX,
};
#define KEY_BIT(k) (1u << (k))

enum item_override {
	OVERRIDE_NONE,
	OVERRIDE_APPEND,
	OVERRIDE_REPLACE,
};

/* One item of a rule file, its values by key. */
struct item {
	const struct ynode *node;
	enum item_key kind;
	const char *name;
	const struct ynode *key[KEY_MAX];
	const struct ynode *val[KEY_MAX];
	unsigned int keys;
	uint8_t override[KEY_MAX];
	const struct ynode *override_key[KEY_MAX];
	bool has_override;
};

struct loader {
	struct ruleset *rs;
	struct rules_diag *d;
	struct rules_file *f;
};

extern const char *const item_key_names[KEY_MAX];
struct srcpos item__pos(const struct loader *ld, const struct item *it);
/* A string value, or NULL with an error naming the key. */
const struct ynode *item__string(struct loader *ld, const struct item *it, enum item_key k);
/* A boolean value; dflt when absent or, with an error, not a boolean. */
bool item__flag(struct loader *ld, const struct item *it, enum item_key k, bool dflt);
void item__missing(struct loader *ld, const struct item *it, enum item_key k);
/* A sequence of strings, copied. Returns 0, -EINVAL (reported; *out still
 * holds the strings that were read, for the caller to free) or -ENOMEM. */
int item__strings(struct loader *ld, const struct item *it, enum item_key k, char ***out,
		  size_t *n);
/* Reads 'override'; false after an error. can_* are KEY_BIT sets. */
bool item__overrides(struct loader *ld, struct item *it, unsigned int can_append,
		     unsigned int can_replace);
/* With 'override', every overridable key given has an entry and every entry
 * a key; false after an error. */
bool item__overrides_match(struct loader *ld, const struct item *it, unsigned int overridable);
void loader__nomem(struct loader *ld, const struct item *it);
void strings__free(char **strs, size_t n);
char *string__trim(const char *s);

/* rules_rule.c: rule items: definitions, appends, overrides and toggles */
void loader__rule(struct loader *ld, struct item *it);
/* A rule (or anomaly item) defined anew from the item's keys; NULL after an
 * error that left nothing to attach to. */
struct rule *loader__rule_define(struct loader *ld, struct item *it);
void rule__free(struct rule *r);
struct rule *ruleset__rule(const struct ruleset *rs, const char *name);

/* rules_yaml.c: a rule file's YAML as a tree of nodes that know where they start */
enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

enum ynode_style {
	YSTYLE_PLAIN,
	YSTYLE_SINGLE_QUOTED,
	YSTYLE_DOUBLE_QUOTED,
	YSTYLE_LITERAL,
	YSTYLE_FOLDED,
	YSTYLE_OTHER,
};

struct ynode {
	enum ynode_type type;
	enum ynode_style style;
	size_t line; /* 0-based, as libyaml counts */
	size_t col;  /* 0-based, in characters */
	char *value; /* YNODE_SCALAR */
	size_t len;
	struct ynode **kids; /* YNODE_SEQ: items; YNODE_MAP: key, value, key, value... */
	size_t nkids;
};

/* One rule file being read. */
struct rules_file {
	struct rules_diag *d;
	const char *name; /* owned by the ruleset */
	const char *buf;
	size_t len;
	size_t *lines; /* byte offset of each line */
	size_t nlines;
	bool broken;   /* could not be read through: what follows is not seen */
};

typedef void (*rules_yaml_doc_fn)(void *ctx, struct rules_file *f, const struct ynode *root);
/* Calls fn with the root of each document, in order. Returns false when the
 * file could not be read through (invalid YAML, out of memory). */
bool rules_yaml__read(struct rules_file *f, rules_yaml_doc_fn fn, void *ctx);
struct srcpos ynode__pos(const struct rules_file *f, const struct ynode *n);
/* A scalar's value with the position of each of its bytes. 0 or -ENOMEM. */
int ynode__srctext(const struct rules_file *f, const struct ynode *n, struct srctext *st);
bool ynode__is_scalar(const struct ynode *n);
/* A plain "key:" with nothing after it is YAML's null. */
bool ynode__is_null(const struct ynode *n);
bool ynode__bool(const struct ynode *n, bool *b);
/* The value of key in a mapping, or NULL. */
const struct ynode *ynode__get(const struct ynode *map, const char *key);

/* rules_exceptions.c: a rule's exceptions, Falco's way */

/* An exception's fields, comps or one of its values, as written: a string,
 * or a sequence (whose items may be sequences once more, for values). */
struct exc_item {
	char *s; /* NULL for a sequence */
	struct srcpos pos;
	struct exc_item *items;
	size_t nitems;
};

struct rule_exception {
	char *name;
	struct srcpos pos;
	bool has_fields;
	bool has_comps;
	struct exc_item fields; /* a string: the single-field form */
	struct exc_item comps;
	struct exc_item *values;
	size_t nvalues;
};

/* Reads a rule's 'exceptions' node. For an append, fields may be left out
 * (values for an exception defined before). Errors go to f's diagnostics.
 * Returns 0, -EINVAL or -ENOMEM. */
int exceptions__read(struct rules_file *f, const struct ynode *n, const char *rule, bool append,
		     struct rule_exception **out, size_t *nout);
void exceptions__free(struct rule_exception *ex, size_t n);
struct rule;
/* Falco's append: values of an exception of the same name join it, other
 * exceptions are added. Takes the exceptions in every case. */
int exceptions__append(struct rule *r, struct rule_exception *ex, size_t n, struct rules_diag *d);
/* r's condition with its exceptions: "(condition) and not (...) ...".
 * Checks the exceptions on the way; returns 0, -EINVAL or -ENOMEM. */
int exceptions__condition(const struct rule *r, struct rules_diag *d, struct srctext *out);

/* fields.c, fields_evt.c, fields_fd.c, fields_proc.c, fields_container.c */
enum field_type {
	FIELD_STRING,
	FIELD_NUMBER, /* signed 64-bit */
	FIELD_BOOL,
	FIELD_IP,
	FIELD_IPNET,  /* an address compared against networks: fd.net, fd.snet */
	FIELD_PORT,
	FIELD_MODE,   /* file mode bits, written and shown in octal */
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
/* How far up the process tree proc.aname and friends can look; the process
 * table's ancestry depth says how far they do. */
#define FIELD_ANCESTORS_MAX PROC_ANCESTRY_DEPTH_MAX

/* What a field takes in brackets: proc.aname[2], proc.env[HOME]. */
enum field_arg_kind {
	FIELD_ARG_NONE,
	FIELD_ARG_ANCESTOR, /* optional generation; without: any ancestor, in conditions */
	FIELD_ARG_INDEX,    /* required number */
	FIELD_ARG_KEY_OPT,  /* optional name */
	FIELD_ARG_KEY,      /* required name */
};

struct field_arg {
	bool set;
	int32_t index;
	const char *key;
};

struct field {
	const char *name;
	enum field_type type;
	const char *help;
	enum field_arg_kind arg;
	/* False when the event has no value for the field. A string the field
	 * has to build goes into sb; v->str may also point into the event.
	 * Fields that take an argument have get_arg instead of get. */
	bool (*get)(const struct evt *evt, struct field_value *v, struct strbuf *sb);
	bool (*get_arg)(const struct evt *evt, const struct field_arg *arg, struct field_value *v,
			struct strbuf *sb);
};

/* One class of fields ("proc"), sorted by name. */
struct field_class {
	const char *name;
	const struct field *fields;
	size_t nfields;
};
extern const struct field_class field_class_container;
extern const struct field_class field_class_evt;
extern const struct field_class field_class_fd;
extern const struct field_class field_class_group;
extern const struct field_class field_class_k8s;
extern const struct field_class field_class_proc;
extern const struct field_class field_class_thread;
extern const struct field_class field_class_user;

/* The field of exactly this name (no argument, no transformer), or NULL. */
const struct field *field__lookup(const char *name, size_t len);
/* fields_fd.c: a connect's client->server tuple or socket path (fd.name). */
bool field__connect_tuple(const struct evt *evt, struct field_value *v, struct strbuf *sb);
/* The same, with Falco's evt.rawarg.X standing for evt.arg.X where vigil has
 * no raw form of its own. */
const struct field *field__resolve(const char *name, size_t len);
/* JSON can take the rendered value as is: numbers and booleans. */
bool field_type__numeric(enum field_type type);
const char *field_type__name(enum field_type type);
void field__render(enum field_type type, const struct field_value *v, struct strbuf *sb);

/* Transformers, applied innermost first: tolower(basename(proc.exepath)). */
enum field_xform {
	XFORM_TOLOWER,
	XFORM_TOUPPER,
	XFORM_BASENAME,
	XFORM_LEN,
	XFORM_MAX,
};
#define FIELD_XFORMS_MAX 4
/* The transformer whose name is s[0..n), or -1. */
int field_xform__lookup(const char *s, size_t n);

/* A field as a condition or an output names it. */
struct field_ref {
	const struct field *field;
	struct field_arg arg;
	uint8_t xforms[FIELD_XFORMS_MAX];
	uint8_t nxforms;
	enum field_type type; /* of the value, after the transformers */
	const char *name;     /* as written: "tolower(proc.aname[2])" */
	char *owned;          /* name and key storage, when not the table's */
};

/* Parses "tolower(proc.aname[2])", exactly text[0..len). Returns 0, -ENOENT
 * for a field vigil does not know, -EINVAL for another mistake, -ENOMEM;
 * msg says what is wrong. */
int field_ref__parse(struct field_ref *r, const char *text, size_t len, char *msg, size_t msglen);
void field_ref__free(struct field_ref *r);
/* No generation given for a proc.aname-like field: any ancestor matches. */
bool field_ref__any_ancestor(const struct field_ref *r);
/* The value, transformed. generation >= 0 overrides the ref's own index
 * (for the any-ancestor walk); -1 uses it, or generation 0 when it has none. */
bool field_ref__get(const struct field_ref *r, const struct evt *evt, int32_t generation,
		    struct field_value *v, struct strbuf *sb);

/* fields_proc.c: the process generation steps up from the event's (1: parent) */
const struct process *process__ancestor(const struct evt *evt, int32_t generation);

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
	OP_INTERSECTS,
	OP_PMATCH,
	OP_STARTSWITH,
	OP_ENDSWITH,
	OP_CONTAINS,
	OP_ICONTAINS,
	OP_GLOB,
	OP_IGLOB,
	OP_REGEX,
	OP_EXISTS,
	OP_MAX,
};
const char *cond_op__name(enum cond_op op);
/* The operator named s[0..n) ("=", "in"...), or -1. */
int cond_op__lookup(const char *s, size_t n);
/* in, intersects and pmatch take a parenthesized list. */
bool cond_op__takes_list(enum cond_op op);

struct cond_value {
	char *text; /* unquoted */
	struct srcpos pos;
	struct field_value v; /* rules_compile.c; strings point to interned text */
};

/* A network for in/intersects on addresses: 10.0.0.0/8, ::1 (/128). */
struct ip_net {
	uint8_t family;
	uint8_t prefix;
	uint8_t addr[16];
};

struct macro;

struct cond {
	enum cond_kind kind;
	struct srcpos pos;
	struct cond *left;  /* COND_AND, COND_OR, COND_NOT */
	struct cond *right; /* COND_AND, COND_OR */
	const struct macro *macro; /* COND_MACRO */
	/* COND_CHECK: field_name op values, or field_name op rhs_name */
	char *field_name;   /* "tolower(proc.aname[2])", blanks taken out */
	enum cond_op op;
	size_t nvalues;
	struct cond_value *values;
	char *rhs_name;     /* "val(proc.pname)" or "tolower(proc.pname)"; NULL for values */
	struct srcpos rhs_pos;
	/* rules_compile.c */
	struct field_ref lhs;
	struct field_ref rhs;
	regex_t *re;
	struct ip_net *nets;
	size_t nnets;
	const char **paths; /* pmatch: directories without their trailing '/', sorted */
	size_t npaths;
	bool compiled;
	bool any_ancestor;  /* proc.aname without a generation: walk the ancestors */
	bool direct;        /* lhs is a plain field: its extractor is called as is */
};

/* Resolves an identifier that is not a field: a macro, or NULL. later is set
 * when the macro exists but may not be used here. */
typedef const struct macro *(*cond_macro_lookup_t)(void *ctx, const char *name, bool *later);

struct cond_error {
	struct srcpos pos;
	char msg[256];
};

struct rules_list;
/* Substitutes lists into src, Falco's way: a list's name standing alone is
 * replaced by its items. Returns 0 or -ENOMEM. */
int cond__expand_lists(const struct srctext *src, struct rules_list *const *lists, size_t nlists,
		       struct srctext *out);
/* Returns the tree, or NULL with err filled. */
struct cond *cond__parse(const struct srctext *src, cond_macro_lookup_t lookup, void *ctx,
			 struct cond_error *err);
void cond__free(struct cond *c);
/* s as the parser reads it back as one value: quoted when it has to be.
 * NULL when out of memory. */
char *cond__quote(const char *s);
/* An s-expression of the tree, for tests and --debug. */
void cond__dump(const struct cond *c, struct strbuf *sb);

/* rules_compile.c: fields resolved, constants parsed, rules bucketed */

/* Event types as bits: 1 << VIGIL_SC_x for each syscall, and bit 0 for the
 * events that have none (clone and procexit). */
#define EVTTYPES_ALL ((UINT64_C(1) << VIGIL_SC_MAX) - 1)
_Static_assert(VIGIL_SC_MAX <= 64, "event types fit a uint64_t");

/* strpool.c: equal strings stored once, for the ruleset's lifetime */
struct strpool;
struct strpool *strpool__new(void);
void strpool__free(struct strpool *p);
/* The pooled copy of s, or NULL when out of memory. */
const char *strpool__intern(struct strpool *p, const char *s);

/* What compiling a condition needs. */
struct cond_compile {
	struct rules_diag *d;
	const char *what;      /* "rule 'x'", for messages */
	struct strpool *pool;  /* may be NULL */
	/* Set: a field vigil does not know is kept here (the first), not
	 * reported, so that skip-if-unknown-filter can decide. */
	struct cond_error *unknown;
	bool has_unknown;
};

/* Resolves c's fields and constants; errors go to cc->d. Returns 0 or -EINVAL. */
int cond__compile(struct cond *c, struct cond_compile *cc);
void cond__evttypes(const struct cond *c, uint64_t *may_true, uint64_t *may_false);

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
	struct field_ref fields[ALERT_FIELDS_MAX]; /* each once, in order of appearance */
	size_t nfields;
};

/* Returns 0, -ENOENT (a field vigil does not know) or -EINVAL, with msg and
 * *erroff (a byte of text) set. */
int output__compile(struct output_tmpl *t, const char *text, size_t *erroff, char *msg,
		    size_t msglen);
void output__free(struct output_tmpl *t);

/* The ruleset: items as loaded (rules_load.c, rules_rule.c), then compiled.
 * index is an item's place in load order, kept when it is defined again;
 * visibility grows with each definition and append, and decides which lists
 * and macros it may use (Falco's rule). */
struct rules_list {
	char *name;
	struct srcpos pos;
	uint32_t index;
	uint32_t visibility;
	char **items; /* as written in the file */
	size_t nitems;
	/* rules_compile.c: items with earlier lists expanded, quoted as needed */
	char **expanded;
	size_t nexpanded;
	int state; /* rules_compile.c */
};

struct macro {
	char *name;
	struct srcpos pos;
	uint32_t index;
	uint32_t visibility;
	struct srctext cond;
	struct cond *tree; /* NULL until compiled, or when it failed to */
	bool failed;
	/* A field vigil does not know: reported with the first rule that uses
	 * the macro, so that skip-if-unknown-filter can skip that rule. */
	bool has_unknown;
	bool unknown_reported;
	struct cond_error unknown;
	bool used;
	int state; /* rules_compile.c */
};

struct rule {
	char *name;
	char *desc;
	struct srcpos pos;
	uint32_t index;
	struct srctext cond;
	struct srctext output;
	enum rule_priority priority;
	char **tags;
	size_t ntags;
	struct rule_exception *exceptions;
	size_t nexceptions;
	bool enabled;
	bool warn_evttypes;
	bool skip_unknown;  /* skip-if-unknown-filter */
	bool foreign;       /* another source than syscall: kept for appends, never run */
	bool skipped;       /* left out by skip-if-unknown-filter */
	struct cond *tree;
	uint64_t evttypes;
	struct output_tmpl tmpl;
	struct anomaly_spec *anomaly; /* an anomaly item (rules_anomaly.c); NULL for a rule */
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
	uint32_t next_index;
	struct strpool *pool;
	/* Enabled rules by the syscall they can match, in load order; [0] for
	 * the events without one. */
	const struct rule **bucket[VIGIL_SC_MAX];
	size_t nbucket[VIGIL_SC_MAX];
	/* Enabled anomaly items, in load order: never in the buckets, they do
	 * not take part in first-match. */
	const struct rule **anomalies;
	size_t nanomalies;
};

/* After every file is read: lists, macros, rules, buckets. Returns 0 or -EINVAL. */
int rules__compile(struct ruleset *rs, struct rules_diag *d);

/* rules_eval.c */
bool cond__eval(const struct cond *c, const struct evt *evt);

/* rules_anomaly.c: anomaly items: a rule whose matches feed a baseline */
struct anomaly_spec {
	char *scope;                        /* the scope's field, as written */
	struct srcpos scope_pos;
	char *learn[ANOMALY_FIELDS_MAX];    /* the tuple's fields, as written */
	struct srcpos learn_pos[ANOMALY_FIELDS_MAX];
	size_t nlearn;
	uint64_t learning_s;                /* from a scope's first event */
	bool alert_once;                    /* on_new: alert once and learn it */
	/* compiled */
	struct field_ref scope_ref;
	struct field_ref learn_ref[ANOMALY_FIELDS_MAX];
	bool compiled;
};
void loader__anomaly(struct loader *ld, struct item *it);
void anomaly_spec__free(struct anomaly_spec *a);
/* Resolves the scope and tuple fields; errors to d. 0 or -EINVAL. */
int anomaly_spec__compile(struct anomaly_spec *a, const char *name, struct rules_diag *d);
/* "30s", "15m", "24h", "7d" or a number of seconds; false when it is none. */
bool duration__parse(const char *s, uint64_t *seconds);

#endif /* VIGIL_RULES_INTERNAL_H */
