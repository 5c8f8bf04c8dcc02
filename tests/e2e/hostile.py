#!/usr/bin/env python3
# Hostile strings through vigild, for tests/e2e/hostile.sh: `inject` makes the
# real syscalls on the host (a file of each name opened, a program of each
# name run with it in its argv) and prints the container script's printf
# formats; `check` reads every sink's output back and compares each value
# with the original, or with the original as README's escaping policy says.
import base64
import json
import re
import subprocess
import sys

# Name, bytes. File names: no '/', at most 255 bytes with the prefix.
CASES = [
    ("quotes", b"dq\"sq'bt`"),
    ("backslash", b"back\\slash\\"),
    ("brackets", b"br]ack[et] }{"),
    ("newlines", b"new\nline\r\nend"),
    ("ansi", b"\x1b[31mred\x1b[0m\x1b]0;title\x07\x1b[2J"),
    ("controls", b"ctl\x01\x02\x7f\x1f\tx"),
    ("invalid-utf8", b"bad\xff\xfe\xc3(\xed\xa0\x80z"),
    ("utf8", "caf\u00e9 \U0001f427 \u00fc".encode()),
    ("c1-bidi", b"c1\xc2\x9b2J\xe2\x80\xaeevil\xe2\x80\xa8"),
    ("format", b"%s%n%x{}$(id)"),
    ("sd-like", b'a=b "x" [y@1 z="w"]'),
    ("long-name", (b"L\x1b\xff\\\"]" * 40)[:230]),
]
ARG_MARK = b"vigil-ho-arg"
# The container's label: podman passes it through JSON, so UTF-8 only.
LABEL = 'lbl\x1b[31m "q" \\] \n\u00e9'.encode()
# An argument much longer than a file name may be.
LONG_ARG = (b"A\x1b[0m\n\xff\\\"]" * 400)[:3000]


# What must never reach a terminal raw: C0, DEL, C1 (as UTF-8), U+2028..U+202E,
# U+2066..U+2069.
RAW = re.compile(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def tag(i):
    return b"%02d-" % i


def escape(b):
    """README's policy for event data in a message: C0/C1 controls, DEL,
    U+2028..U+202E, U+2066..U+2069 and invalid UTF-8 as \\xHH, '\\' doubled."""
    out = []
    i = 0
    while i < len(b):
        for n in (1, 2, 3, 4):
            chunk = b[i:i + n]
            try:
                ch = chunk.decode("utf-8")
            except UnicodeDecodeError:
                continue
            break
        else:
            # Not UTF-8: the maximal subpart, as Python's decoder finds it.
            bad = b[i:].decode("utf-8", "replace")[0]
            assert bad == "\ufffd"
            n = 1
            for m in (3, 2):
                if len(b[i:i + m]) == m and b[i:i + m].decode("utf-8", "replace") == "\ufffd":
                    n = m
                    break
            out.append("".join("\\x%02x" % c for c in b[i:i + n]))
            i += n
            continue
        c = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif c < 0x20 or c == 0x7f or 0x80 <= c <= 0x9f or 0x2028 <= c <= 0x202e \
                or 0x2066 <= c <= 0x2069:
            out.append("".join("\\x%02x" % x for x in chunk))
        else:
            out.append(ch)
        i += n
    return "".join(out)


def printf_format(b):
    """The bytes as a format for busybox printf: every byte octal."""
    return "".join("\\%03o" % c for c in b)


def inject(work):
    h = work.encode() + b"/h/"
    subprocess.run(["mkdir", "-p", h], check=True)
    for i, (_, s) in enumerate(CASES):
        # A file of that name, opened for writing.
        with open(h + tag(i) + s, "wb"):
            pass
        # A program of that name (its comm is the name's first 15 bytes)
        # run with the string as an argument.
        prog = h + b"x" + tag(i) + s
        subprocess.run(["ln", "-sf", "/bin/true", prog], check=True)
        subprocess.run([prog, ARG_MARK, tag(i), s], check=True)
    # A path near PATH_MAX, hostile bytes in each directory's name.
    d = h + b"deep"
    for _ in range(14):
        d += b"/" + (b"D\x1b[1m\n\xff\\" * 40)[:240]
    subprocess.run(["mkdir", "-p", d], check=True)
    with open(d + b"/" + tag(len(CASES)) + b"end\x1b]", "wb"):
        pass
    subprocess.run([b"/bin/true", ARG_MARK, tag(len(CASES) + 1), LONG_ARG], check=True)
    # The container's strings, as printf formats (podman passes arguments
    # through JSON, which would mangle invalid UTF-8).
    for i, (_, s) in enumerate(CASES):
        print(printf_format(s))


def journal_value(v):
    """journalctl -o json gives a value that is not printable UTF-8 as bytes."""
    if v is None:
        return None
    if isinstance(v, list):
        return bytes(v)
    return v.encode()


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   - " + what)
        else:
            self.failed += 1
            print("FAIL - " + what + (": " + detail if detail else ""))


def parse_5424(dgram):
    """RFC 5424: HEADER SP STRUCTURED-DATA [SP MSG]; SD-PARAM values unescaped."""
    m = re.match(rb"<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) ", dgram)
    if not m:
        return None
    pos = m.end()
    sd = {}
    if dgram[pos:pos + 1] != b"[":
        return None
    pos += 1
    m2 = re.match(rb"[^ \]=\"]+", dgram[pos:])
    sd_id = m2.group(0)
    pos += m2.end()
    while dgram[pos:pos + 1] == b" ":
        m3 = re.match(rb" ([^ =\]\"]{1,32})=\"", dgram[pos:])
        if not m3:
            return None
        name = m3.group(1).decode()
        pos += m3.end()
        val = bytearray()
        while True:
            c = dgram[pos:pos + 1]
            if c == b"\\" and dgram[pos + 1:pos + 2] in (b'"', b"\\", b"]"):
                val += dgram[pos + 1:pos + 2]
                pos += 2
            elif c in (b'"', b"]"):
                break
            elif not c:
                return None
            else:
                # A lone backslash before any other character is itself (6.3.3).
                val += c
                pos += 1
        if dgram[pos:pos + 1] != b'"':
            return None
        pos += 1
        sd[name] = bytes(val)
    if dgram[pos:pos + 1] != b"]":
        return None
    pos += 1
    msg = dgram[pos + 1:] if dgram[pos:pos + 1] == b" " else b""
    return {"sd_id": sd_id, "sd": sd, "msg": msg, "msgid": m.group(6)}


def check(work, vigild_pid, since, cid):
    c = Checker()
    j = subprocess.run(["journalctl", "-o", "json", "--all", "--no-pager", "--since", "@" + since,
                        "SYSLOG_IDENTIFIER=vigild", "_PID=" + vigild_pid],
                       capture_output=True, check=True).stdout
    journal = [json.loads(line) for line in j.splitlines() if line.strip()]
    journal = [e for e in journal if (journal_value(e.get("VIGIL_RULE")) or b"")
               .startswith(b"vigil-ho ")]
    dgrams = [base64.b64decode(line) for line in open(work + "/udp.b64", "rb").read().split()]
    syslog = [p for p in (parse_5424(d) for d in dgrams) if p]
    c.check("every datagram parses as RFC 5424 with structured data",
            len(syslog) == len(dgrams), "%d of %d" % (len(syslog), len(dgrams)))
    lines = open(work + "/alerts.json", "rb").read().splitlines()
    jsons = []
    for line in lines:
        try:
            jsons.append(json.loads(line))
        except ValueError as e:
            c.check("JSON line parses", False, "%s: %r" % (e, line[:200]))
    c.check("every JSON line is UTF-8 without raw control or reordering characters",
            all(l.decode("utf-8", "strict") is not None and not RAW.search(l) for l in lines))

    def entries(field, value):
        return [e for e in journal if journal_value(e.get(field)) == value]

    def others(e):
        """The syslog message and JSON line of the same alert: same process,
        rule and message (one process may make several)."""
        pid = journal_value(e["VIGIL_PROC_PID"])
        rule = journal_value(e["VIGIL_RULE"])
        msg = journal_value(e["MESSAGE"])
        s = [p for p in syslog if p["sd"].get("proc_pid") == pid and
             p["sd"].get("rule") == rule and p["msg"] == msg]
        js = [x for x in jsons if str(x["output_fields"].get("proc.pid")).encode() == pid and
              x["rule"].encode() == rule and
              x["output"].endswith(" " + msg.decode("utf-8", "replace"))]
        return (s[0] if s else None), (js[0] if js else None)

    def message_checks(what, e, fields):
        msg = journal_value(e["MESSAGE"])
        c.check(what + ": journald MESSAGE is the output with each value escaped",
                msg == fields(e), "%r" % msg[:300])
        c.check(what + ": journald MESSAGE is UTF-8 without raw control or reordering "
                "characters", not RAW.search(msg) and msg.decode("utf-8", "replace")
                .encode() == msg)
        s, js = others(e)
        c.check(what + ": syslog message with MSG (no BOM) equal to journald MESSAGE", s is not None)
        if s:
            c.check(what + ": syslog SD-PARAM proc_name unescapes to proc.name (U+FFFD for "
                    "invalid UTF-8)", s["sd"].get("proc_name") ==
                    journal_value(e["VIGIL_PROC_NAME"]).decode("utf-8", "replace").encode(),
                    "%r" % s["sd"].get("proc_name"))
            c.check(what + ": syslog SD-PARAM container_name",
                    s["sd"].get("container_name") == journal_value(e["VIGIL_CONTAINER_NAME"]))
        c.check(what + ": JSON line whose output ends with the message", js is not None)
        if js:
            bad = []
            for k, v in js["output_fields"].items():
                jv = journal_value(e.get("VIGIL_" + re.sub(r"[^A-Z0-9]", "_", k.upper())))
                if isinstance(v, int) or v is None:
                    continue
                if jv is None or v != jv.decode("utf-8", "replace"):
                    bad.append(k)
            c.check(what + ": every JSON output field equals the journald field (U+FFFD for "
                    "invalid UTF-8)", not bad, repr(bad))

    def f_of(e):
        def f(k):
            v = journal_value(e.get(k))
            return b"<NA>" if v is None else escape(v).encode()
        return f

    def open_msg(e):
        f = f_of(e)
        return (b"hostile open (file=" + f("VIGIL_FD_NAME") + b" command=" +
                f("VIGIL_PROC_CMDLINE") + b" name=" + f("VIGIL_PROC_NAME") + b" label=" +
                f("VIGIL_CONTAINER_LABEL_VIGIL_HO_") + b")")

    def exec_msg(e):
        f = f_of(e)
        return (b"hostile exec (args=" + f("VIGIL_PROC_ARGS") + b" name=" +
                f("VIGIL_PROC_NAME") + b" container=" + f("VIGIL_CONTAINER_NAME") + b")")

    h = work.encode() + b"/h/"
    for where in ("host", "container"):
        for i, (name, s) in enumerate(CASES):
            what = "%s %s" % (where, name)
            path = (h if where == "host" else b"/tmp/vigil-ho-c-") + tag(i) + s
            es = entries("VIGIL_FD_NAME", path)
            c.check(what + ": open alert in journald with fd.name exact", len(es) >= 1,
                    "%r" % path)
            if es:
                e = es[0]
                if where == "container":
                    c.check(what + ": container id and label exact",
                            journal_value(e.get("VIGIL_CONTAINER_FULL_ID")) == cid.encode() and
                            journal_value(e.get("VIGIL_CONTAINER_LABEL_VIGIL_HO_")) == LABEL,
                            "%r" % e.get("VIGIL_CONTAINER_LABEL_VIGIL_HO_"))
                message_checks(what + " open", e, open_msg)
            args = ARG_MARK + b" " + tag(i) + b" " + s
            es = [e for e in entries("VIGIL_PROC_ARGS", args)
                  if (journal_value(e.get("VIGIL_CONTAINER_FULL_ID")) == cid.encode())
                  == (where == "container")]
            c.check(what + ": exec alert in journald with proc.args exact", len(es) >= 1,
                    "%r" % args)
            if es:
                e = es[0]
                comm = (b"x" + tag(i) + s)[:15]
                c.check(what + ": proc.name is the program name's first 15 bytes",
                        journal_value(e.get("VIGIL_PROC_NAME")) == comm,
                        "%r" % e.get("VIGIL_PROC_NAME"))
                message_checks(what + " exec", e, exec_msg)
    # Long values, host only.
    es = [e for e in journal if (journal_value(e.get("VIGIL_FD_NAME")) or b"")
          .endswith(b"/" + tag(len(CASES)) + b"end\x1b]")]
    c.check("long path: open alert with the whole path", len(es) == 1 and
            len(journal_value(es[0]["VIGIL_FD_NAME"])) > 3400)
    if es:
        message_checks("long path", es[0], open_msg)
    es = entries("VIGIL_PROC_ARGS", ARG_MARK + b" " + tag(len(CASES) + 1) + b" " + LONG_ARG)
    c.check("long argument: exec alert with the whole argument", len(es) == 1)
    if es:
        message_checks("long argument", es[0], exec_msg)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return c.failed == 0


if __name__ == "__main__":
    if sys.argv[1] == "inject":
        inject(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(0 if check(*sys.argv[2:6]) else 1)
    elif sys.argv[1] == "listen":
        # A syslog collector: each UDP datagram, raw, as a base64 line.
        import socket
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # Room for every alert of the test at once: UDP drops what does not fit.
        sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 8 << 20)
        sock.bind(("127.0.0.1", 0))
        out = open(sys.argv[2], "ab", buffering=0)
        print(sock.getsockname()[1], flush=True)
        while True:
            out.write(base64.b64encode(sock.recv(65536)) + b"\n")
