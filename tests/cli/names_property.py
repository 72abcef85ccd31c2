#!/usr/bin/env python3
"""names_property.py - property test of names (issue 7, section 5): designs with random names,
seeded, drawn, exported, run and read back, every output checked with a parser that is not ours.

usage: names_property.py DESIGNKIT DOT_NAMES WORKDIR [SEED] [DESIGNS]

For each design of random names (ASCII punctuation, XML and DOT metacharacters, entity look-
alikes, escString escapes, multi-byte UTF-8, 1 to 64 bytes):
  draw -o d.svg   xmllint and Python's XML parser accept it; node ids and titles are the names
  draw -o d.dot   Graphviz's cgraph reads it (DOT_NAMES); node and cluster names are the names,
                  or, for the one kind of name DOT cannot spell, exit 2 naming it
  export -o d.json, run --json r.json: Python's json reads both; the names are exact
  run d.json      the exported model re-imported: the same names in its report
Then names of the rejected classes (NUL, control characters, invalid UTF-8, U+FFFE/U+FFFF) in
every place a name enters, from Lua and from model JSON: exit 2 and a message naming the file,
line, the kind of name, the character and its byte position.
Prints one line per failure and a closing "N passed, N failed"; exit 1 on any failure.
"""
import json
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

DK, DOT_NAMES, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else 7
DESIGNS = int(sys.argv[5]) if len(sys.argv) > 5 else 24
rng = random.Random(SEED)
passed = failed = 0

PIECES = (
    list("&<>\"'\\;#{}[]=-+.:/|!?*%$@^~`,()") +
    ["&#0;", "&amp;", "&lt;", "&#x41;", "&foo;", "&#", "\\N", "\\n", "\\G", "\\\\", "\\\"",
     "]]>", "<!--", "-->", "<b>", "</g>", "node", "edge", "graph", "subgraph", "strict",
     "cluster_", "1", "-1.5", " ", "é", "ß", "日本", "😀", "\u202e", "\u2028", "\ufeff",
     "e\u0301", "\U0010fffd", "\ufdd0"] +
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))


def random_name(taken):
    """A fresh name of 1 to 64 UTF-8 bytes that every output must carry exactly."""
    while True:
        want = rng.choice([1, 2, 3, 5, 8, 13, 21, 40, 64])
        b = b""
        while len(b) < want:
            p = rng.choice(PIECES).encode()
            if len(b) + len(p) > 64:
                break
            b += p
        if rng.random() < 0.25 and len(b) < 64:
            b += b"\\"  # the classic: a trailing backslash
        if b and b not in taken:
            taken.add(b)
            return b


def lua_str(b):
    """A Lua literal for the bytes `b`, every byte outside [A-Za-z0-9 _] as \\xNN."""
    return '"' + "".join(chr(c) if chr(c).isalnum() and c < 128 or c in b" _"
                         else "\\x%02x" % c for c in b) + '"'


def dot_can_spell(b):
    """Independent of dot.c: DOT's reader takes \\\\ as a pair and \\" as a quote, so a name with an
    odd run of backslashes before a quote or at its end can only be written <...>, which needs
    its < and > to nest."""
    odd_end = re.search(rb'(?<!\\)(\\\\)*\\("|$)', b) is not None
    if not odd_end:
        return True
    depth = 0
    for c in b:
        depth += 1 if c == 0x3C else -1 if c == 0x3E else 0
        if depth < 0:
            return False
    return depth == 0


def run(args, cwd):
    p = subprocess.run([DK] + args, cwd=cwd, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def ok(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what + (": " + detail if detail else ""))
    return cond


def strict_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8", "strict"))


def make_design(d):
    taken = set()
    model, group = random_name(taken), random_name(taken)
    client = random_name(taken)
    services = [random_name(taken) for _ in range(6)]
    classes = [random_name(set()) for _ in range(2)]
    while classes[1] == classes[0]:
        classes[1] = random_name(set())
    lines = ['local dk = require "designkit"',
             "local m = dk.model %s" % lua_str(model),
             "local g = m:group %s { kind = \"zone\" }" % lua_str(group),
             "local c = m:client %s { rate = 50, mix = { [%s] = 1, [%s] = 1 } }"
             % (lua_str(client), lua_str(classes[0]), lua_str(classes[1])),
             "local s = {}"]
    for i, name in enumerate(services):
        where = "g" if i % 2 else "m"
        lines.append("s[%d] = %s:service %s { time = dk.exp \"1ms\" }" % (i + 1, where, lua_str(name)))
    lines.append("m:links { c >> s[1] }")
    for i in range(1, len(services)):
        lines.append("m:links { s[%d] >> s[%d] }" % (i, i + 1))
    lines.append("s[1]:on(%s, function(req) end)" % lua_str(classes[1]))
    lines.append("m:expect { availability = 0.1, class = %s }" % lua_str(classes[0]))
    lines.append("return m")
    return model, group, client, services, classes, "\n".join(lines) + "\n"


def check_design(d):
    model, group, client, services, classes, src = make_design(d)
    comps = {n.decode() for n in [client] + services}
    cwd = os.path.join(WORK, "d%d" % d)
    os.makedirs(cwd, exist_ok=True)
    with open(os.path.join(cwd, "d.lua"), "w") as f:
        f.write(src)
    tag = "design %d (seed %d)" % (d, SEED)

    # SVG: xmllint, then Python's parser; the ids and titles of the nodes are the names.
    rc, _, err = run(["draw", "d.lua", "-o", "d.svg"], cwd)
    if ok(rc == 0, tag + ": draw svg", err):
        lint = subprocess.run(["xmllint", "--noout", "--nonet", "d.svg"], cwd=cwd,
                              capture_output=True)
        ok(lint.returncode == 0, tag + ": xmllint d.svg", lint.stderr.decode(errors="replace"))
        try:
            root = ET.parse(os.path.join(cwd, "d.svg")).getroot()
            ns = "{http://www.w3.org/2000/svg}"
            nodes = [g for g in root.iter(ns + "g") if g.get("class") == "node"]
            ids = {g.get("id") for g in nodes}
            titles = {g.find(ns + "title").text for g in nodes}
            ok(ids == comps, tag + ": svg ids", "%r != %r" % (ids, comps))
            ok(titles == comps, tag + ": svg titles", "%r != %r" % (titles, comps))
            clusters = {g.find(ns + "title").text for g in root.iter(ns + "g")
                        if g.get("class") == "cluster"}
            ok(clusters == {"cluster_" + group.decode()}, tag + ": svg cluster title",
               repr(clusters))
        except ET.ParseError as e:
            ok(False, tag + ": Python's XML parser", str(e))

    # DOT: cgraph reads it back with the same node and cluster names.
    rc, _, err = run(["draw", "d.lua", "-o", "d.dot"], cwd)
    bad = [n for n in [client] + services + [b"cluster_" + group] if not dot_can_spell(n)]
    if bad:
        ok(rc == 2 and "cannot write DOT" in err and not os.path.exists(os.path.join(cwd, "d.dot")),
           tag + ": DOT refuses a name it cannot spell", "rc=%d %s" % (rc, err))
    elif ok(rc == 0, tag + ": draw dot", err):
        p = subprocess.run([DOT_NAMES, "d.dot"], cwd=cwd, capture_output=True)
        if ok(p.returncode == 0, tag + ": cgraph reads d.dot", p.stderr.decode(errors="replace")):
            got = {"node": set(), "subgraph": set(), "id": set()}
            for line in p.stdout.decode().split("\n"):
                if line:
                    what, hexname, *hexid = line.split(" ")
                    got[what].add(bytes.fromhex(hexname))
                    if hexid:  # the id attribute: &amp; &#32; &#92; for & space \
                        got["id"].add(re.sub(rb"&(amp|#32|#92);",
                                             lambda m: {b"amp": b"&", b"#32": b" ",
                                                        b"#92": b"\\"}[m.group(1)],
                                             bytes.fromhex(hexid[0])))
            names = {client} | set(services)
            # cgraph's reader takes a name that starts with % as an anonymous one (%1, %3...):
            # the file spells it right, the id attribute carries it.
            ok({n for n in got["node"] if not n.startswith(b"%")} ==
               {n for n in names if not n.startswith(b"%")}, tag + ": DOT node names",
               "%r" % got["node"])
            ok(got["id"] == names, tag + ": DOT node ids", "%r" % got["id"])
            ok(got["subgraph"] == {b"cluster_" + group}, tag + ": DOT cluster name",
               "%r" % got["subgraph"])

    # Model JSON and the run report: strict UTF-8, Python's json, exact names.
    rc, _, err = run(["export", "d.lua", "-o", "d.json"], cwd)
    if ok(rc == 0, tag + ": export", err):
        j = strict_json(os.path.join(cwd, "d.json"))
        ok(j["name"] == model.decode(), tag + ": JSON model name")
        ok({c["name"] for c in j["components"]} == comps, tag + ": JSON component names")
        ok([g["name"] for g in j["groups"]] == [group.decode()], tag + ": JSON group name")
        mix = next(c for c in j["components"] if c["kind"] == "client")["properties"]["mix"]
        ok({x["class"] for x in mix} == {c.decode() for c in classes}, tag + ": JSON classes")
    rc, _, err = run(["run", "d.lua", "--for", "2s", "--json", "r.json", "--quiet", "--force"], cwd)
    if ok(rc in (0, 1), tag + ": run", err):
        r = strict_json(os.path.join(cwd, "r.json"))
        ok(r["model"] == model.decode(), tag + ": report model name")
        names = {c["name"] for c in r["components"]}
        ok(names == comps, tag + ": report component names", "%r" % names)
        ok({c["name"] for c in r["classes"]} == {c.decode() for c in classes},
           tag + ": report class names")
        if os.path.exists(os.path.join(cwd, "d.json")):
            rc, _, err = run(["run", "d.json", "--for", "2s", "--json", "r2.json", "--quiet", "--force"], cwd)
            if ok(rc in (0, 1), tag + ": run the exported JSON", err):
                r2 = strict_json(os.path.join(cwd, "r2.json"))
                ok(r2["model"] == r["model"] and
                   {c["name"] for c in r2["components"]} == names,
                   tag + ": the re-imported JSON has the same names")


# ---- the rejected classes ----

def bad_char():
    """(bytes, reason as the message words it) for one character a name may not hold."""
    kind = rng.choice(["nul", "c0", "del", "c1", "ff", "cont", "overlong", "surrogate",
                       "truncated", "nonchar"])
    if kind == "nul":
        return b"\x00", "NUL character (U+0000)"
    if kind == "c0":
        c = rng.choice([1, 7, 8, 9, 10, 13, 27, 31])
        return bytes([c]), "control character U+%04X" % c
    if kind == "del":
        return b"\x7f", "control character U+007F"
    if kind == "c1":
        c = rng.choice([0x80, 0x85, 0x9b, 0x9f])
        return chr(c).encode(), "control character U+%04X" % c
    if kind == "ff":
        return b"\xff", "invalid UTF-8 (byte 0xff)"
    if kind == "cont":
        return b"\x80", "invalid UTF-8 (byte 0x80)"
    if kind == "overlong":
        return b"\xc0\xaf", "invalid UTF-8 (byte 0xc0)"
    if kind == "surrogate":
        return b"\xed\xa0\x80", "invalid UTF-8 (byte 0xed)"
    if kind == "truncated":
        return b"\xe6\x97", "invalid UTF-8 (byte 0xe6)"
    c = rng.choice([0xFFFE, 0xFFFF])
    return chr(c).encode(), "noncharacter U+%04X" % c


PLACES = [  # (what the message calls it, the Lua line that names it, with %s for the name)
    ("model name", "local m = dk.model %s"),
    ("group name", "local m = dk.model \"m\"; m:group %s { kind = \"zone\" }"),
    ("service name", "local m = dk.model \"m\"; m:service %s {}"),
    ("cache name", "local m = dk.model \"m\"; m:component(\"cache\", %s, {})"),
    ("class name", "local m = dk.model \"m\"; m:service \"s\" {}:on(%s, function() end)"),
    ("class name", "local m = dk.model \"m\"; m:service \"s\" {}:route(%s, dk.call(m:service \"t\" {}))"),
    ("class name", "local m = dk.model \"m\"; m:client \"c\" { mix = { [%s] = 1 } }"),
    ("expect: class name", "local m = dk.model \"m\"; m:expect { p99 = \"1s\", class = %s }"),
]


def quote(b):
    """The name as a message shows it: quoted, \\ and \" escaped, bytes that are not printable
    UTF-8 as \\xNN, cut with "..." after the character that reaches byte 32 (independent of
    name.c: Python's own decoder finds the characters)."""
    out, i = '"', 0
    while i < min(len(b), 32):
        for n in (1, 2, 3, 4):
            try:
                ch = b[i:i + n].decode("utf-8", "strict")
                break
            except UnicodeDecodeError:
                ch = None
        if ch is None or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out += "\\x%02x" % b[i]
            i += 1
        else:
            out += "\\" + ch if ch in '"\\' else ch
            i += len(ch.encode())
    return out + ("..." if i < len(b) else "") + '"'


def check_rejected(i):
    bad, reason = bad_char()
    taken = set()
    head = random_name(taken)[:rng.randint(0, 30)]
    while True:  # cut at a character boundary
        try:
            head.decode()
            break
        except UnicodeDecodeError:
            head = head[:-1]
    tail = random_name(taken)[:10]
    name = head + bad + tail
    if len(name) > 64:
        return
    what, line = rng.choice(PLACES)
    cwd = os.path.join(WORK, "bad%d" % i)
    os.makedirs(cwd, exist_ok=True)
    with open(os.path.join(cwd, "b.lua"), "w") as f:
        f.write('local dk = require "designkit"\n' + (line % lua_str(name)) + "\nreturn m\n")
    rc, _, err = run(["check", "b.lua"], cwd)
    want = "designkit: b.lua:2: "
    at = "%s %s: %s at byte %d" % (what, quote(name), reason, len(head) + 1)
    ok(rc == 2 and err.startswith(want) and at in err and "\n" not in err.strip(),
       "rejected %r as %s" % (name, what), "rc=%d, wanted %r ... %r, got %s" % (rc, want, at, err))


def check_rejected_json(i, good):
    """A name with a bad character in model JSON, as raw bytes or as a \\u escape."""
    bad, reason = bad_char()
    j = strict_json(good)
    victim = j["components"][0]["name"].encode()
    if rng.random() < 0.5 and bad[0] < 0x80:
        spelled = b"\\u%04x" % bad[0]  # JSON's own escape for a control character or NUL
    else:
        spelled = bad  # raw bytes
    j["components"][0]["name"] = "@@BAD@@ok"  # links then name a missing component: the name is checked first
    text = json.dumps(j, ensure_ascii=False).encode().replace(b"@@BAD@@", spelled, 1)
    cwd = os.path.dirname(good)
    with open(os.path.join(cwd, "bad%d.json" % i), "wb") as f:
        f.write(text)
    rc, _, err = run(["check", "bad%d.json" % i], cwd)
    if bad == b"\x00":
        at = "\"\\u0000\" in a string" if spelled != bad else "a NUL byte"
    elif spelled == bad and bad[0] < 0x20:
        at = "components[0]: component name"  # raw control bytes: cJSON takes them as text
    else:
        at = "%s at byte 1" % reason
    ok(rc == 2 and ("bad%d.json:" % i) in err and at in err,
       "JSON rejects %r before %r" % (spelled, victim), "rc=%d, wanted %r, got %s" % (rc, at, err))


for d in range(DESIGNS):
    check_design(d)
for i in range(3 * DESIGNS):
    check_rejected(i)
first_json = os.path.join(WORK, "d0", "d.json")
if os.path.exists(first_json):
    for i in range(DESIGNS):
        check_rejected_json(i, first_json)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
