/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Constants BTF cannot carry: macros from uapi and arch headers. */
#ifndef VIGIL_MISSING_DEFS_H
#define VIGIL_MISSING_DEFS_H

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

#define AT_FDCWD -100
#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000

#define NAME_MAX 255

/* include/uapi/linux/magic.h */
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

/* arch/x86/include/asm/thread_info.h: thread_info.status while in an ia32 syscall */
#define TS_COMPAT 0x0002

/* include/uapi/linux/seccomp.h */
#define SECCOMP_MODE_FILTER 2

/* arch/x86/entry/syscalls/syscall_64.tbl */
#define X64_open 2
#define X64_connect 42
#define X64_execve 59
#define X64_creat 85
#define X64_setuid 105
#define X64_setgid 106
#define X64_setreuid 113
#define X64_setregid 114
#define X64_setresuid 117
#define X64_setresgid 119
#define X64_openat 257
#define X64_execveat 322
#define X64_openat2 437

/* arch/x86/entry/syscalls/syscall_32.tbl: the 32-bit id variants, the
 * legacy 16-bit ones (old_uid_t) and socketcall, which i386 glibc uses for
 * connect */
#define IA32_open 5
#define IA32_creat 8
#define IA32_execve 11
#define IA32_setuid 23
#define IA32_setgid 46
#define IA32_setreuid 70
#define IA32_setregid 71
#define IA32_socketcall 102
#define IA32_setresuid 164
#define IA32_setresgid 170
#define IA32_setreuid32 203
#define IA32_setregid32 204
#define IA32_setresuid32 208
#define IA32_setresgid32 210
#define IA32_setuid32 213
#define IA32_setgid32 214
#define IA32_openat 295
#define IA32_execveat 358
#define IA32_connect 362
#define IA32_openat2 437

/* include/uapi/linux/net.h: socketcall's call number for connect */
#define SYS_CONNECT 3

#endif /* VIGIL_MISSING_DEFS_H */
