#!/usr/bin/env python3
"""Generates Sources/AccessLabEvents/EventPayload+Compact.swift: hand-unrolled compact encoders and
decoders for every payload struct, byte-identical to the positional Codable encoder (which stays as
the reference the tests compare against) but without Codable's per-field dynamic dispatch.

Reads the payload structs' `public var` fields, in declaration order, from the four payload files, and
the event table from gen-event-body.py. Run `python3 tools/gen-compact-codec.py` after changing a
payload; the output is committed.
"""
import importlib.util
import os
import re

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, "..", "Sources", "AccessLabEvents")
spec = importlib.util.spec_from_file_location("gen_event_body", os.path.join(here, "gen-event-body.py"))
geb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(geb)

struct_re = re.compile(r"^(\s*)public (?:final class|struct) (\w+)\s*:")
enum_re = re.compile(r"^\s*public enum (\w+)\s*:\s*String")
field_re = re.compile(r"^\s+public (?:var|let) ([\w, ]+): ([^=]+?)\s*(=.*)?$")


def parse(paths):
    """Structs (qualified name -> [(field, type)]) and String enums (simple names) in the files."""
    found, raw_enums = {}, set()
    for path in paths:
        stack = []  # (indent, qualified name)
        for line in open(path):
            m = enum_re.match(line)
            if m:
                raw_enums.add(m.group(1))
                continue
            m = struct_re.match(line)
            if m:
                stack = [s for s in stack if len(s[0]) < len(m.group(1))]
                qualified = ".".join([s[1] for s in stack] + [m.group(2)])
                stack.append((m.group(1), qualified))
                found[qualified] = []
                continue
            m = field_re.match(line)
            if m and stack:
                indent = len(line) - len(line.lstrip())
                owner = [s for s in stack if len(s[0]) + 4 == indent]
                if owner:
                    for field in m.group(1).split(","):
                        found[owner[-1][1]].append((field.strip(), m.group(2).strip()))
    return found, raw_enums


structs, enums = parse([os.path.join(src, n) for n in ["Organizations.swift", "SSOAdmin.swift", "IdentityStore.swift", "Runtime.swift"]])


TOP_ENUMS = {"PrincipalType", "DenyScope", "UserStatus"}


def resolve(owner, t, known):
    """The qualified name of a type used inside `owner` (nested types first, then top level)."""
    parts = owner.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i]) + "." + t
        if candidate in known:
            return candidate
    return t


def enc(expr, t, owner, depth=0):
    v = f"v{depth}"
    if t.endswith("?"):
        return f"if let {v} = {expr} {{ w.byte(1); {enc(v, t[:-1], owner, depth + 1)} }} else {{ w.byte(0) }}"
    if t.startswith("[") and t.endswith("]"):
        return f"w.varint(UInt64({expr}.count)); for {v} in {expr} {{ {enc(v, t[1:-1], owner, depth + 1)} }}"
    if t == "String":
        return f"w.string({expr})"
    if t == "Bool":
        return f"w.byte({expr} ? 1 : 0)"
    if t in ("Int64", "Int"):
        return f"w.zigzag(Int64({expr}))"
    if t == "UInt64":
        return f"w.varint({expr})"
    if t == "Instant":
        return f"w.zigzag({expr}.ms)"
    if t.split(".")[-1] in enums or t in TOP_ENUMS:
        return f"w.string({expr}.rawValue)"
    return f"{expr}.compactEncode(into: &w)"


def dec(t, owner, depth=0):
    if t.endswith("?"):
        return f"(try r.present() ? {dec(t[:-1], owner, depth + 1)} : nil)"
    if t.startswith("[") and t.endswith("]"):
        return f"try r.array {{ r throws(ByteReaderError) in {dec(t[1:-1], owner, depth + 1)} }}"
    if t == "String":
        return "try r.string()"
    if t == "Bool":
        return "try r.bool()"
    if t == "Int64":
        return "try r.zigzag()"
    if t == "Int":
        return "try r.int()"
    if t == "UInt64":
        return "try r.varint()"
    if t == "Instant":
        return "Instant(ms: try r.zigzag())"
    if t in TOP_ENUMS:
        return f"try r.raw({t}.self)"
    if t.split(".")[-1] in enums:
        return f"try r.raw({resolve(owner, t, enum_owners)}.self)"
    return f"try {resolve(owner, t, structs)}(compact: &r)"


def emit(types, access):
    lines = []
    for name, fields in types.items():
        lines.append(f"extension {name} {{")
        lines.append(f"    @inline(__always) {access}func compactEncode(into w: inout ByteWriter) {{")
        for f, t in fields:
            lines.append(f"        {enc(f, t, name)}")
        lines.append("    }")
        lines.append("")
        lines.append(f"    {access}init(compact r: inout ByteReader) throws(ByteReaderError) {{")
        for f, t in fields:
            lines.append(f"        self.{f} = {dec(t, name)}")
        lines.append("    }")
        lines.append("}")
        lines.append("")
    return lines


# Nested enums are qualified by the struct that declares them.
enum_owners = {f"{owner}.{e}" for owner in structs for e in enums}
out = ["// GENERATED by tools/gen-compact-codec.py from the payload structs. Do not edit.", "",
       "// Byte for byte what CompactEncoder writes for the same value (tests compare the two).", ""]
out += emit(structs, "public ")

out.append("extension EventBody {")
out.append("    func compactEncode(into w: inout ByteWriter) {")
out.append("        switch self {")
for n, tag, p in geb.TYPES:
    out.append(f"        case .{geb.case_name(n)}(let p): p.compactEncode(into: &w)")
out.append("        }")
out.append("    }")
out.append("")
out.append("    static func compactDecode(_ type: EventType, from r: inout ByteReader) throws(ByteReaderError) -> EventBody {")
out.append("        switch type {")
for n, tag, p in geb.TYPES:
    out.append(f"        case .{n}: .{geb.case_name(n)}(try {p}(compact: &r))")
out.append("        }")
out.append("    }")
out.append("}")
out.append("")
with open(os.path.join(src, "EventPayload+Compact.swift"), "w") as f:
    f.write("\n".join(out))

# The projection snapshot, in AccessLabProjections, built on the payload codecs above.
proj = os.path.join(here, "..", "Sources", "AccessLabProjections")
payload_structs = structs
snap_structs, snap_enums = parse([os.path.join(proj, "StateSnapshot.swift")])
enums |= snap_enums
structs = dict(payload_structs)
structs.update(snap_structs)
enum_owners = {f"{owner}.{e}" for owner in structs for e in enums}
out = ["// GENERATED by tools/gen-compact-codec.py from StateSnapshot.swift. Do not edit.", "",
       "// Byte for byte what the Codable CompactCodec writes for the same snapshot (tests compare the two).", "",
       "import AccessLabEvents", ""]
out += emit(snap_structs, "")
with open(os.path.join(proj, "StateSnapshot+Compact.swift"), "w") as f:
    f.write("\n".join(out))
print(f"{len(payload_structs)} payload structs, {len(snap_structs)} snapshot structs, {len(enums)} enums")
