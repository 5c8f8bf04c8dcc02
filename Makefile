# vigil: build, test and run. `make V=1` shows every command.
.DELETE_ON_ERROR:
.SUFFIXES:

prefix ?= /usr/local
sysconfdir ?= /etc
DESTDIR ?=
OUT ?= build
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

CLANG ?= clang
BPFTOOL ?= $(firstword $(wildcard /usr/sbin/bpftool) bpftool)
CC ?= cc
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Debian packages the build and the tests need; `make deps` installs them.
DEB_BUILD := clang libbpf-dev bpftool libelf-dev zlib1g-dev libsystemd-dev libyaml-dev \
	libcmocka-dev libmicrohttpd-dev pkg-config make gcc
DEB_TEST := podman runc busybox-static util-linux bsdutils procps systemd jq rsyslog \
	qemu-system-x86 cpio gcc-multilib liburing-dev python3 valgrind
# Building the image (tests/deploy/): buildah, and mmdebstrap for a Debian base
# where no registry is reachable.
DEB_DEPLOY := buildah mmdebstrap
# make bench: the reference tracers vigild is compared with.
DEB_BENCH := libbpf-tools bpftrace

WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Werror
CFLAGS ?= -O2 -g
# What the code needs, kept apart from CFLAGS so that `make CFLAGS=...` (say,
# with -fsanitize=address,undefined) only adds to it.
VIGIL_CFLAGS := $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Idaemon -I$(OUT)
LDLIBS := -lbpf -lelf -lz -lsystemd -lyaml -lmicrohttpd -lpthread
BPF_CFLAGS := -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude -I$(OUT)

# The task iterator (bpf/iter.bpf.c) is an object of its own, so that a kernel
# that refuses it costs only the seeding of the process table.
BPF_SRCS := $(filter-out bpf/iter.bpf.c,$(sort $(wildcard bpf/*.bpf.c)))
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(BPF_SRCS))
# Everything in daemon/ except main.c and the BPF-facing bpf_*.c goes into a
# library that the unit tests link, so they need neither root nor BPF.
LIB_SRCS := $(filter-out daemon/main.c daemon/bpf_%.c,$(sort $(wildcard daemon/*.c)))
LIB_OBJS := $(patsubst daemon/%.c,$(OUT)/daemon/%.o,$(LIB_SRCS))
BPF_USER_SRCS := $(sort $(wildcard daemon/bpf_*.c))
BPF_USER_OBJS := $(patsubst daemon/%.c,$(OUT)/daemon/%.o,$(BPF_USER_SRCS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
KTEST_SRCS := $(sort $(wildcard tests/kernel/test_*.c))
KTEST_BINS := $(patsubst tests/kernel/%.c,$(OUT)/tests/kernel_%,$(KTEST_SRCS))
BENCH_SRCS := $(filter-out %.bpf.c,$(sort $(wildcard bench/*.c)))
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRCS)) $(OUT)/bench/empty_hooks.bpf.o

.PHONY: all deps run test unit-test unit-test-asan rules-test fuzz kernel-test test-kernels e2e-test soak bench \
	valgrind-test \
	install image image-pins deploy-test clean FORCE
all: $(OUT)/vigild

# Installs whichever of the packages are missing (as root), or says how.
deps:
	$(Q)tests/setup-host.sh deps $(DEB_BUILD) $(DEB_TEST) $(DEB_DEPLOY) $(DEB_BENCH)

$(OUT)/vmlinux.h:
	$(Q)mkdir -p $(@D)
ifdef VMLINUX_H
	$(call msg,CP,$@)cp $(VMLINUX_H) $@
else
	$(Q)test -r $(VMLINUX_BTF) || { echo "no BTF at $(VMLINUX_BTF): set VMLINUX_BTF= or VMLINUX_H=" >&2; exit 1; }
	$(call msg,GEN,$@)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@
endif

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.bpf.h) include/events.h $(OUT)/vmlinux.h
	$(Q)mkdir -p $(@D)
	$(call msg,BPF,$@)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/vigil.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)$(BPFTOOL) gen object $@ $^

$(OUT)/vigil.skel.h: $(OUT)/vigil.bpf.o
	$(call msg,GEN-SKEL,$@)$(BPFTOOL) gen skeleton $< name vigil_bpf > $@

$(OUT)/iter.bpf.o: $(OUT)/bpf/iter.bpf.o $(OUT)/bpf/license.bpf.o
	$(call msg,LINK,$@)$(BPFTOOL) gen object $@ $^

$(OUT)/iter.skel.h: $(OUT)/iter.bpf.o
	$(call msg,GEN-SKEL,$@)$(BPFTOOL) gen skeleton $< name vigil_iter > $@

$(OUT)/daemon/%.o: daemon/%.c $(wildcard daemon/*.h) include/events.h
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) $(VIGIL_CFLAGS) $(CFLAGS) -c $< -o $@

$(BPF_USER_OBJS) $(OUT)/daemon/main.o: $(OUT)/vigil.skel.h $(OUT)/iter.skel.h

$(OUT)/libvigil.a: $(LIB_OBJS)
	$(call msg,AR,$@)$(AR) rcs $@ $^

$(OUT)/vigild: $(OUT)/daemon/main.o $(BPF_USER_OBJS) $(OUT)/libvigil.a
	$(call msg,LD,$@)$(CC) $(VIGIL_CFLAGS) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tests/%: tests/unit/%.c $(OUT)/libvigil.a
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) $(VIGIL_CFLAGS) $(CFLAGS) -Wno-missing-prototypes $< $(OUT)/libvigil.a $(LDLIBS) -lcmocka -o $@

$(OUT)/tests/kernel_%: tests/kernel/%.c $(OUT)/vigil.skel.h $(BPF_USER_OBJS) $(OUT)/libvigil.a
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) $(VIGIL_CFLAGS) $(CFLAGS) -Wno-missing-prototypes $< $(BPF_USER_OBJS) $(OUT)/libvigil.a $(LDLIBS) -lcmocka -l:liburing.a -o $@

$(OUT)/bench/%: bench/%.c $(wildcard bench/*.h)
	$(Q)mkdir -p $(@D)
	$(call msg,CC,$@)$(CC) $(VIGIL_CFLAGS) $(CFLAGS) $< -lbpf -o $@

$(OUT)/bench/%.bpf.o: bench/%.bpf.c
	$(Q)mkdir -p $(@D)
	$(call msg,BPF,$@)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The default rules, from the tree or installed.
RULES ?= rules
run: deps
	$(Q)$(MAKE) --no-print-directory $(OUT)/vigild
	$(Q)tests/setup-host.sh journald
	$(OUT)/vigild -r $(RULES)

unit-test: $(UNIT_BINS)
	$(Q)set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# The unit tests again with AddressSanitizer (leaks included) and UBSan.
SANITIZE := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
unit-test-asan:
	$(Q)$(MAKE) --no-print-directory OUT=$(OUT)/asan CFLAGS='$(SANITIZE)' unit-test

# libFuzzer targets: tests/fuzz/fuzz_NAME.c, seeds in tests/fuzz/corpus/NAME/.
# The library is rebuilt with clang and coverage; each target runs FUZZ_SECONDS.
FUZZ_SECONDS ?= 20
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_OUT := $(OUT)/fuzz
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

# The library is made by a make of its own, which this one cannot see into:
# once per run (fuzz-lib, phony), so that targets linked in parallel (-j) do
# not build it twice at once; relinking each time is cheap and never leaves a
# stale target.
.PHONY: fuzz-lib
fuzz-lib:
	$(Q)$(MAKE) --no-print-directory OUT=$(FUZZ_OUT) CC=clang CFLAGS='$(FUZZ_CFLAGS)' \
		$(FUZZ_OUT)/libvigil.a

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c fuzz-lib
	$(call msg,FUZZ,$@)clang $(VIGIL_CFLAGS) -I$(FUZZ_OUT) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		-Wno-missing-prototypes $< $(FUZZ_OUT)/libvigil.a $(LDLIBS) -o $@

fuzz: $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_NAMES))
	$(Q)set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_OUT)/corpus/$$n; \
		echo "== fuzz $$n ($(FUZZ_SECONDS) s)"; \
		$(FUZZ_OUT)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) $(FUZZ_OUT)/corpus/$$n \
			tests/fuzz/corpus/$$n >$(FUZZ_OUT)/$$n.log 2>&1 || \
			{ tail -n 40 $(FUZZ_OUT)/$$n.log; exit 1; }; \
		tail -n 1 $(FUZZ_OUT)/$$n.log; \
	done

kernel-test: $(KTEST_BINS)
	$(Q)set -e; for t in $(KTEST_BINS); do echo "== $$t"; $$t; done

# The kernel tests on a matrix of kernels (tests/qemu/run.sh): Debian kernel
# packages by name or glob (the newest match, fetched once into $(OUT)/kernels),
# each booted under qemu; "running" is this machine's kernel.
TEST_KERNELS ?= linux-image-6.1.0-*-cloud-amd64 linux-image-6.12.*-cloud-amd64 running
KERNEL_TIMEOUT ?= 300
test-kernels: deps
	$(Q)$(MAKE) --no-print-directory $(OUT)/tests/kernel_test_events
	$(Q)tests/qemu/run.sh -t $(KERNEL_TIMEOUT) $(OUT) $(OUT)/tests/kernel_test_events \
		$(foreach k,$(TEST_KERNELS),'$(k)')

# One after another: sinks.sh restarts journald under the others' feet.
# Each default rule replayed against events that must and must not fire it.
rules-test: $(OUT)/vigild
	tests/rules/run.sh $(OUT)/vigild

e2e-test: $(OUT)/vigild
	tests/e2e/run.sh $(OUT)/vigild
	tests/e2e/reload.sh $(OUT)/vigild
	tests/e2e/containers.sh $(OUT)/vigild
	tests/e2e/sinks.sh $(OUT)/vigild
	tests/e2e/evasion.sh $(OUT)/vigild
	tests/e2e/anomaly.sh $(OUT)/vigild
	tests/e2e/evasion_kernel.sh $(OUT)/vigild
	tests/e2e/seccomp.sh $(OUT)/vigild
	tests/e2e/hostile.sh $(OUT)/vigild
	tests/e2e/faults.sh $(OUT)/vigild

# vigild under valgrind (memcheck, leaks) through a short real scenario.
valgrind-test: $(OUT)/vigild
	tests/e2e/valgrind.sh $(OUT)/vigild

# Mixed load for SOAK_SECONDS with vigild's memory sampled (tests/soak/run.sh).
SOAK_SECONDS ?= 600
soak: $(OUT)/vigild
	SOAK_SECONDS=$(SOAK_SECONDS) tests/soak/run.sh $(OUT)/vigild

# Set-up first, in its own make so that the build sees the installed tools.
test: deps
	$(Q)$(MAKE) --no-print-directory unit-test unit-test-asan rules-test fuzz kernel-test \
		test-kernels e2e-test valgrind-test deploy-test soak

bench: deps
	$(Q)$(MAKE) --no-print-directory $(OUT)/vigild $(BENCH_BINS)
	bench/run.sh $(OUT)

# The binary, the default rules, the config (an installed one is kept), the
# service unit pointed at the installed paths, and the journal catalog.
unitdir ?= $(prefix)/lib/systemd/system
catalogdir ?= $(prefix)/lib/systemd/catalog
# vigild looks in /etc/vigil by itself; elsewhere the unit says where.
VIGILD_ARGS := $(if $(filter /etc,$(sysconfdir)),,$(if $(wildcard etc/vigil.yaml), \
	-c $(sysconfdir)/vigil/vigil.yaml) -r $(sysconfdir)/vigil/rules.d)

install: $(OUT)/vigild
	install -D -m 0755 $(OUT)/vigild $(DESTDIR)$(prefix)/sbin/vigild
	install -d $(DESTDIR)$(sysconfdir)/vigil/rules.d
	install -m 0644 rules/*.yaml $(DESTDIR)$(sysconfdir)/vigil/rules.d/
	$(Q)if [ -f etc/vigil.yaml ] && [ ! -e $(DESTDIR)$(sysconfdir)/vigil/vigil.yaml ]; then \
		echo "install -m 0644 etc/vigil.yaml $(DESTDIR)$(sysconfdir)/vigil/vigil.yaml"; \
		install -m 0644 etc/vigil.yaml $(DESTDIR)$(sysconfdir)/vigil/vigil.yaml; \
	fi
	install -d $(DESTDIR)$(unitdir)
	sed 's|^ExecStart=/usr/local/sbin/vigild$$|ExecStart=$(prefix)/sbin/vigild$(VIGILD_ARGS)|' \
		systemd/vigild.service > $(DESTDIR)$(unitdir)/vigild.service
	$(Q)if [ -f systemd/vigil.catalog ]; then \
		echo "install -m 0644 systemd/vigil.catalog $(DESTDIR)$(catalogdir)/vigil.catalog"; \
		install -D -m 0644 systemd/vigil.catalog $(DESTDIR)$(catalogdir)/vigil.catalog; \
	fi

# The container image (deploy/Containerfile), built with buildah; its SBOM is
# copied to $(OUT)/sbom.spdx.json. deploy/image.sh tells how the build stage's
# base is chosen (BUILD_IMAGE=NAME picks one).
VIGIL_VERSION = $(shell sed -n 's/^\#define VIGIL_VERSION "\(.*\)"/\1/p' daemon/vigil.h)
IMAGE ?= localhost/vigil:$(VIGIL_VERSION)
image:
	$(Q)mkdir -p $(OUT)
	$(Q)DEB_BUILD="$(DEB_BUILD)" deploy/image.sh build $(IMAGE) $(OUT)/sbom.spdx.json

# Resolves the build stage's base tag to the digest a registry serves now and
# rewrites the pin in deploy/Containerfile.
image-pins:
	$(Q)deploy/image.sh pins

# The deployment: privileges, the systemd unit, the image, the container and
# the Kubernetes manifests (tests/deploy/). Each runs to its end.
deploy-test: $(OUT)/vigild
	$(Q)status=0; \
	tests/deploy/caps.sh $(OUT)/vigild || status=1; \
	tests/deploy/systemd.sh $(OUT)/vigild || status=1; \
	tests/deploy/image.sh || status=1; \
	VIGIL_IMAGE_NO_BUILD=1 tests/deploy/container.sh || status=1; \
	VIGIL_IMAGE_NO_BUILD=1 tests/deploy/kubernetes.sh || status=1; \
	exit $$status

FORCE:

clean:
	rm -rf $(OUT)
