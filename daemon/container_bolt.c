// SPDX-License-Identifier: GPL-2.0-only
/*
 * Just enough of bbolt (go.etcd.io/bbolt) to look keys up, read-only, in the
 * databases podman (libpod/bolt_state.db) and containerd (meta.db) keep.
 *
 * The file is a B+tree of fixed-size pages: two meta pages at the start (the
 * valid one with the higher transaction id is current), then branch and leaf
 * pages; a nested bucket is either a page tree of its own or, when small,
 * inlined into its parent's leaf value. Every write is copy-on-write, so the
 * pages of the last committed transaction stay as they are until a later
 * transaction reuses them: reading without the writer's lock is safe except
 * when that reuse races us. Every offset is therefore checked against the
 * page it points into and every page against its own id, and what makes no
 * sense is -EINVAL, which the caller treats like a torn read and retries.
 *
 * Pages are read with pread rather than mapped: a mapping of a file its
 * owner may truncate or rewrite can fault.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container_internal.h"

#define BOLT_MAGIC 0xED0CDAEDu
#define BOLT_VERSION 2
#define BOLT_PAGE_HEADER 16
#define BOLT_ELEMENT_SIZE 16
#define BOLT_BUCKET_HEADER 16
#define BOLT_META_SIZE 64
#define BOLT_META_CHECKSUMMED 56

#define BOLT_PAGE_BRANCH 0x01
#define BOLT_PAGE_LEAF 0x02
#define BOLT_PAGE_META 0x04
#define BOLT_LEAF_BUCKET 0x01

/* Bounds that no database we read comes near; past them a page is garbage. */
#define BOLT_TREE_DEPTH_MAX 32
#define BOLT_PAGE_BYTES_MAX (64u << 20)

struct bolt {
	int fd;
	uint32_t page_size;
	uint64_t root;      /* root bucket's page */
	uint64_t npages;    /* high water mark: pages at or past it are not in use */
	uint64_t file_pages; /* in the file when opened */
};

/* A page or an inline bucket's page, with the bytes it may address. */
struct bolt_page {
	uint8_t *buf;
	size_t len;
	uint16_t flags;
	uint16_t count;
};

/* A bucket: its root page, or its inlined page (root == 0). */
struct bolt_bucket {
	uint64_t root;
	uint8_t *inline_page;
	size_t inline_len;
};

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static uint64_t fnv1a64(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (uint8_t *)buf + done, len - done, off + done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			return -EINVAL; /* shorter than its pages say: being rewritten */
		done += n;
	}
	return 0;
}

/* Reads the meta page at off; 0 and its fields when valid. */
static int bolt__read_meta(int fd, off_t off, uint32_t *page_size, uint64_t *root,
			   uint64_t *npages, uint64_t *txid)
{
	uint8_t buf[BOLT_PAGE_HEADER + BOLT_META_SIZE];
	const uint8_t *m = buf + BOLT_PAGE_HEADER;
	int err = pread_full(fd, buf, sizeof(buf), off);

	if (err)
		return err;
	if (!(get16(buf + 8) & BOLT_PAGE_META) || get32(m) != BOLT_MAGIC ||
	    get32(m + 4) != BOLT_VERSION)
		return -EINVAL;
	if (get64(m + BOLT_META_CHECKSUMMED) != fnv1a64(m, BOLT_META_CHECKSUMMED))
		return -EINVAL;
	*page_size = get32(m + 8);
	*root = get64(m + 16);
	*npages = get64(m + 40);
	*txid = get64(m + 48);
	if (*page_size < 512 || *page_size > 65536 || (*page_size & (*page_size - 1)))
		return -EINVAL;
	return 0;
}

int bolt__open(struct bolt **out, const char *path)
{
	uint64_t root[2], npages[2], txid[2];
	uint32_t page_size[2];
	struct stat st;
	struct bolt *db;
	int err[2], fd, best;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err[0] = bolt__read_meta(fd, 0, &page_size[0], &root[0], &npages[0], &txid[0]);
	/* The second meta page is one page in: trust the first's page size,
	 * or try the common ones when the first is being rewritten. */
	err[1] = -EINVAL;
	if (!err[0])
		err[1] = bolt__read_meta(fd, page_size[0], &page_size[1], &root[1], &npages[1],
					 &txid[1]);
	else if (bolt__read_meta(fd, 4096, &page_size[1], &root[1], &npages[1], &txid[1]) == 0)
		err[1] = page_size[1] == 4096 ? 0 : -EINVAL;
	if (err[0] && err[1]) {
		close(fd);
		return err[0] == -ENOENT ? -EINVAL : err[0];
	}
	best = err[0] ? 1 : err[1] ? 0 : txid[1] > txid[0];
	db = calloc(1, sizeof(*db));
	if (!db) {
		close(fd);
		return -ENOMEM;
	}
	db->fd = fd;
	db->page_size = page_size[best];
	db->root = root[best];
	db->npages = npages[best];
	if (fstat(fd, &st) == 0)
		db->file_pages = (uint64_t)st.st_size / db->page_size;
	*out = db;
	return 0;
}

void bolt__close(struct bolt *db)
{
	if (!db)
		return;
	close(db->fd);
	free(db);
}

/* Reads page pgid with its overflow pages into p->buf (malloc'd). */
static int bolt__read_page(struct bolt *db, uint64_t pgid, struct bolt_page *p)
{
	uint8_t hdr[BOLT_PAGE_HEADER];
	uint32_t overflow;
	size_t len;
	int err;

	memset(p, 0, sizeof(*p));
	if (pgid < 2 || pgid >= db->npages)
		return -EINVAL;
	err = pread_full(db->fd, hdr, sizeof(hdr), (off_t)(pgid * db->page_size));
	if (err)
		return err;
	overflow = get32(hdr + 12);
	/* overflow + 1 in 64 bits: UINT32_MAX + 1 would be a page of 0 bytes. */
	if (get64(hdr) != pgid || overflow >= db->npages - pgid ||
	    ((uint64_t)overflow + 1) * db->page_size > BOLT_PAGE_BYTES_MAX)
		return -EINVAL;
	len = (size_t)(overflow + 1) * db->page_size;
	p->buf = malloc(len);
	if (!p->buf)
		return -ENOMEM;
	err = pread_full(db->fd, p->buf, len, (off_t)(pgid * db->page_size));
	if (err || get64(p->buf) != pgid) {
		free(p->buf);
		p->buf = NULL;
		return err ? err : -EINVAL;
	}
	p->len = len;
	p->flags = get16(p->buf + 8);
	p->count = get16(p->buf + 10);
	if ((p->flags != BOLT_PAGE_BRANCH && p->flags != BOLT_PAGE_LEAF) ||
	    BOLT_PAGE_HEADER + (size_t)p->count * BOLT_ELEMENT_SIZE > len) {
		free(p->buf);
		p->buf = NULL;
		return -EINVAL;
	}
	return 0;
}

/* Element i of a leaf page: its flags, key and value, inside the page. */
static int leaf__element(const struct bolt_page *p, size_t i, uint32_t *flags, const uint8_t **key,
			 size_t *klen, const uint8_t **val, size_t *vlen)
{
	size_t off = BOLT_PAGE_HEADER + i * BOLT_ELEMENT_SIZE;
	const uint8_t *e = p->buf + off;
	uint64_t pos = get32(e + 4), ks = get32(e + 8), vs = get32(e + 12);

	if (off + pos + ks + vs > p->len)
		return -EINVAL;
	*flags = get32(e);
	*key = e + pos;
	*klen = ks;
	*val = e + pos + ks;
	*vlen = vs;
	return 0;
}

static int branch__element(const struct bolt_page *p, size_t i, const uint8_t **key, size_t *klen,
			   uint64_t *child)
{
	size_t off = BOLT_PAGE_HEADER + i * BOLT_ELEMENT_SIZE;
	const uint8_t *e = p->buf + off;
	uint64_t pos = get32(e), ks = get32(e + 4);

	if (off + pos + ks > p->len)
		return -EINVAL;
	*key = e + pos;
	*klen = ks;
	*child = get64(e + 8);
	return 0;
}

static int key__cmp(const uint8_t *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* The page of an inline bucket, within its parent's value. */
static int inline__page(const struct bolt_bucket *b, struct bolt_page *p)
{
	p->buf = b->inline_page;
	p->len = b->inline_len;
	if (p->len < BOLT_PAGE_HEADER)
		return -EINVAL;
	p->flags = get16(p->buf + 8);
	p->count = get16(p->buf + 10);
	if (p->flags != BOLT_PAGE_LEAF ||
	    BOLT_PAGE_HEADER + (size_t)p->count * BOLT_ELEMENT_SIZE > p->len)
		return -EINVAL;
	return 0;
}

/* Finds key in bucket b: 0 with its flags and a malloc'd copy of its value. */
static int bucket__find(struct bolt *db, const struct bolt_bucket *b, const void *key, size_t klen,
			uint32_t *flags, uint8_t **val, size_t *vlen)
{
	const uint8_t *k, *v;
	struct bolt_page p;
	uint64_t pgid = b->root, child;
	size_t i, kl, vl, depth;
	int err;

	for (depth = 0; depth < BOLT_TREE_DEPTH_MAX; depth++) {
		if (b->inline_page)
			err = inline__page(b, &p);
		else
			err = bolt__read_page(db, pgid, &p);
		if (err)
			return err;
		if (p.flags == BOLT_PAGE_BRANCH) {
			/* The last child whose first key is not after ours. */
			child = 0;
			for (i = 0; i < p.count; i++) {
				err = branch__element(&p, i, &k, &kl, &pgid);
				if (err)
					break;
				if (i && key__cmp(k, kl, key, klen) > 0)
					break;
				child = pgid;
			}
			free(p.buf);
			if (err)
				return err;
			if (!child)
				return -ENOENT;
			pgid = child;
			continue;
		}
		err = -ENOENT;
		for (i = 0; i < p.count; i++) {
			uint32_t f;

			if (leaf__element(&p, i, &f, &k, &kl, &v, &vl)) {
				err = -EINVAL;
				break;
			}
			if (key__cmp(k, kl, key, klen))
				continue;
			*val = malloc(vl + 1);
			if (!*val) {
				err = -ENOMEM;
				break;
			}
			memcpy(*val, v, vl);
			(*val)[vl] = '\0';
			*vlen = vl;
			*flags = f;
			err = 0;
			break;
		}
		if (!b->inline_page)
			free(p.buf);
		return err;
	}
	return -EINVAL;
}

static void bucket__release(struct bolt_bucket *b)
{
	free(b->inline_page);
	b->inline_page = NULL;
}

/* Descends from the root into the bucket names[0..n-1]. */
static int bolt__bucket(struct bolt *db, const char *const *names, size_t n, struct bolt_bucket *b)
{
	uint8_t *val;
	uint32_t flags;
	size_t i, vlen;
	int err;

	memset(b, 0, sizeof(*b));
	b->root = db->root;
	for (i = 0; i < n; i++) {
		err = bucket__find(db, b, names[i], strlen(names[i]), &flags, &val, &vlen);
		bucket__release(b);
		if (err)
			return err;
		if (!(flags & BOLT_LEAF_BUCKET) || vlen < BOLT_BUCKET_HEADER) {
			free(val);
			return flags & BOLT_LEAF_BUCKET ? -EINVAL : -ENOENT;
		}
		b->root = get64(val);
		if (b->root) {
			free(val);
			continue;
		}
		/* Inline: the page follows the bucket header in the value. */
		memmove(val, val + BOLT_BUCKET_HEADER, vlen - BOLT_BUCKET_HEADER);
		b->inline_page = val;
		b->inline_len = vlen - BOLT_BUCKET_HEADER;
	}
	return 0;
}

int bolt__get(struct bolt *db, const char *const *names, size_t n, void **val, size_t *len)
{
	struct bolt_bucket b;
	uint32_t flags;
	uint8_t *v;
	int err;

	if (!n)
		return -EINVAL;
	err = bolt__bucket(db, names, n - 1, &b);
	if (err)
		return err;
	err = bucket__find(db, &b, names[n - 1], strlen(names[n - 1]), &flags, &v, len);
	bucket__release(&b);
	if (err)
		return err;
	if (flags & BOLT_LEAF_BUCKET) {
		free(v);
		return -ENOENT;
	}
	*val = v;
	return 0;
}

/*
 * A walk reads each page of a tree once, so at most as many as the file has:
 * a budget that stops a torn or crafted file whose branches all point at the
 * same pages, which the depth limit alone would let fan out for ever.
 */
struct bolt_walk {
	bolt_fn fn;
	void *ctx;
	uint64_t pages_left;
};

static int page__foreach(struct bolt *db, const struct bolt_page *p, size_t depth,
			 struct bolt_walk *w);

static int pgid__foreach(struct bolt *db, uint64_t pgid, size_t depth, struct bolt_walk *w)
{
	struct bolt_page p;
	int err;

	if (depth >= BOLT_TREE_DEPTH_MAX || !w->pages_left)
		return -EINVAL;
	w->pages_left--;
	err = bolt__read_page(db, pgid, &p);
	if (err)
		return err;
	err = page__foreach(db, &p, depth, w);
	free(p.buf);
	return err;
}

static int page__foreach(struct bolt *db, const struct bolt_page *p, size_t depth,
			 struct bolt_walk *w)
{
	const uint8_t *k, *v;
	size_t i, kl, vl;
	uint64_t child;
	uint32_t flags;
	int err;

	for (i = 0; i < p->count; i++) {
		if (p->flags == BOLT_PAGE_BRANCH) {
			err = branch__element(p, i, &k, &kl, &child);
			if (!err)
				err = pgid__foreach(db, child, depth + 1, w);
		} else {
			err = leaf__element(p, i, &flags, &k, &kl, &v, &vl);
			if (!err && !(flags & BOLT_LEAF_BUCKET))
				err = w->fn(w->ctx, k, kl, v, vl);
		}
		if (err)
			return err;
	}
	return 0;
}

int bolt__foreach(struct bolt *db, const char *const *names, size_t n, bolt_fn fn, void *ctx)
{
	struct bolt_walk w = { .fn = fn, .ctx = ctx };
	struct bolt_bucket b;
	struct bolt_page p;
	int err;

	w.pages_left = db->npages < db->file_pages ? db->npages : db->file_pages;
	err = bolt__bucket(db, names, n, &b);
	if (err)
		return err;
	if (b.inline_page) {
		err = inline__page(&b, &p);
		if (!err)
			err = page__foreach(db, &p, 0, &w);
	} else {
		err = pgid__foreach(db, b.root, 0, &w);
	}
	bucket__release(&b);
	return err;
}
