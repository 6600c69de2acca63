#!/usr/bin/env python3
"""Generates Sources/AccessLabAWS/Generated/*.swift from botocore's service models.

The operations AccessLab speaks are listed in OPERATIONS below; every shape they reach is generated
as a Codable struct whose members keep AWS's names on the wire and whose required members are not
optional. Each service also gets its description (protocol, target prefix, HTTP route, errors,
pagination with the model's largest page). Adding an operation or a service is an entry in
OPERATIONS, then:

    python3 tools/gen-aws-shapes.py            # botocore from the current Python
    swift build

The output is committed; CI never runs this. The botocore version is written into the output, and the
interop tests validate AccessLab's responses with the same botocore version (Tests/interop/requirements.txt).
"""
import glob
import gzip
import json
import os
import sys

import botocore

OPERATIONS = {
    "identitystore": "*",
    "sso-admin": [
        "ListInstances", "DescribeInstance",
        "CreatePermissionSet", "DescribePermissionSet", "ListPermissionSets", "UpdatePermissionSet", "DeletePermissionSet",
        "AttachManagedPolicyToPermissionSet", "DetachManagedPolicyFromPermissionSet", "ListManagedPoliciesInPermissionSet",
        "AttachCustomerManagedPolicyReferenceToPermissionSet", "DetachCustomerManagedPolicyReferenceFromPermissionSet",
        "ListCustomerManagedPolicyReferencesInPermissionSet",
        "PutInlinePolicyToPermissionSet", "GetInlinePolicyForPermissionSet", "DeleteInlinePolicyFromPermissionSet",
        "PutPermissionsBoundaryToPermissionSet", "GetPermissionsBoundaryForPermissionSet", "DeletePermissionsBoundaryFromPermissionSet",
        "TagResource", "UntagResource", "ListTagsForResource",
        "CreateAccountAssignment", "DescribeAccountAssignmentCreationStatus", "ListAccountAssignmentCreationStatus",
        "DeleteAccountAssignment", "DescribeAccountAssignmentDeletionStatus", "ListAccountAssignmentDeletionStatus",
        "ListAccountAssignments", "ListAccountAssignmentsForPrincipal",
        "ProvisionPermissionSet", "DescribePermissionSetProvisioningStatus", "ListPermissionSetProvisioningStatus",
        "ListPermissionSetsProvisionedToAccount", "ListAccountsForProvisionedPermissionSet",
        "CreateInstanceAccessControlAttributeConfiguration", "DescribeInstanceAccessControlAttributeConfiguration",
        "UpdateInstanceAccessControlAttributeConfiguration", "DeleteInstanceAccessControlAttributeConfiguration",
    ],
    "organizations": [
        "DescribeOrganization", "ListRoots", "ListOrganizationalUnitsForParent", "DescribeOrganizationalUnit",
        "ListAccounts", "ListAccountsForParent", "DescribeAccount", "ListChildren", "ListParents", "MoveAccount",
        "CreatePolicy", "DescribePolicy", "ListPolicies", "ListPoliciesForTarget", "AttachPolicy", "DetachPolicy",
        "ListTargetsForPolicy", "ListTagsForResource",
    ],
    "sso": "*",
    "sso-oidc": "*",
    "sts": ["GetCallerIdentity"],
    "iam": ["GetRole", "ListRoles"],
}

NAMESPACES = {
    "identitystore": "IdentityStore", "sso-admin": "SSOAdmin", "organizations": "Organizations",
    "sso": "SSOPortal", "sso-oidc": "SSOOIDC", "sts": "STS", "iam": "IAM",
}
PROTOCOLS = {"json": ".json", "rest-json": ".restJSON", "query": ".query"}
SWIFT_KEYWORDS = {"default", "protocol", "operator", "extension", "class", "struct", "import", "return", "self", "in",
                  "for", "where", "is", "as", "case", "enum", "func", "let", "var", "static", "public", "internal",
                  "private", "init", "deinit", "subscript", "switch", "while", "repeat", "do", "try", "throw", "throws",
                  "catch", "defer", "guard", "if", "else", "break", "continue", "fallthrough", "nil", "true", "false", "super", "Type"}
RESERVED_TYPE_NAMES = {"String", "Int", "Bool", "Double", "Type", "Error", "Protocol", "Self", "Data", "Date", "Result"}

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")


def load(service, kind):
    paths = sorted(glob.glob(f"{DATA}/{service}/*/{kind}.json*"))
    if not paths:
        return {}
    path = paths[-1]
    with (gzip.open(path) if path.endswith(".gz") else open(path)) as f:
        return json.load(f)


def lower_camel(name):
    i = 0
    while i < len(name) and name[i].isupper():
        i += 1
    if i == 0:
        out = name
    elif i == 1 or i == len(name):
        out = name[:i].lower() + name[i:]
    else:
        out = name[:i - 1].lower() + name[i - 1:]
    out = out.replace("-", "_")
    return f"`{out}`" if out in SWIFT_KEYWORDS else out


def type_name(shape_name):
    return shape_name + "Shape" if shape_name in RESERVED_TYPE_NAMES else shape_name


def swift_type(model, shape_name, reached):
    shape = model["shapes"][shape_name]
    t = shape["type"]
    if t == "string" or t == "blob":
        return "String"
    if t in ("integer", "long"):
        return "Int"
    if t in ("double", "float"):
        return "Double"
    if t == "boolean":
        return "Bool"
    if t == "timestamp":
        return "AWSTimestamp"
    if t == "list":
        return "[" + swift_type(model, shape["member"]["shape"], reached) + "]"
    if t == "map":
        return "[String: " + swift_type(model, shape["value"]["shape"], reached) + "]"
    if t == "structure":
        reached.add(shape_name)
        return type_name(shape_name)
    if t == "document":
        return "AWSDocument"
    raise SystemExit(f"unsupported shape type {t} for {shape_name}")


def reach(model, shape_name, reached):
    """Every structure reachable from shape_name."""
    stack = [shape_name]
    while stack:
        name = stack.pop()
        shape = model["shapes"][name]
        if shape["type"] == "structure":
            if name in reached:
                continue
            reached.add(name)
            stack.extend(m["shape"] for m in shape["members"].values())
        elif shape["type"] == "list":
            stack.append(shape["member"]["shape"])
        elif shape["type"] == "map":
            stack.append(shape["value"]["shape"])


def structure(model, name, out):
    shape = model["shapes"][name]
    required = set(shape.get("required", []))
    members = shape["members"]
    tn = type_name(name)
    out.append(f"    public struct {tn}: Codable, Sendable, Equatable {{")
    params, assigns, keys = [], [], []
    for member, ref in members.items():
        prop = lower_camel(member)
        t = swift_type(model, ref["shape"], set())
        opt = "" if member in required else "?"
        location = ref.get("location")
        note = f"  // HTTP {location}: {ref.get('locationName', member)}" if location in ("header", "querystring", "uri") else ""
        out.append(f"        public var {prop}: {t}{opt}{note}")
        bare = prop.strip("`")
        params.append(f"{bare}: {t}{opt}" + ("" if member in required else " = nil"))
        assigns.append(f"self.{bare} = {bare}")
        keys.append(f'case {prop} = "{ref.get("locationName", member) if model["metadata"]["protocol"] == "query" else member}"')
    if members:
        out.append(f"        public init({', '.join(params)}) {{")
        for a in assigns:
            out.append(f"            {a}")
        out.append("        }")
        out.append("        enum CodingKeys: String, CodingKey {")
        for k in keys:
            out.append(f"            {k}")
        out.append("        }")
    else:
        out.append("        public init() {}")
    out.append("    }")


def writer(model, ns, name, out):
    """The shape's AWSJSONWritable conformance: its members in the model's order, absent optionals left out."""
    shape = model["shapes"][name]
    required = set(shape.get("required", []))
    query = model["metadata"]["protocol"] == "query"
    out.append(f"extension AWS.{ns}.{type_name(name)}: AWSJSONWritable {{")
    out.append("    public func writeJSON(to w: inout AWSJSONWriter) {")
    if not shape["members"]:
        out.append('        w.raw(UInt8(ascii: "{")); w.raw(UInt8(ascii: "}"))')
    else:
        out.append('        var first = true')
        out.append('        w.raw(UInt8(ascii: "{"))')
        for member, ref in shape["members"].items():
            prop = lower_camel(member)
            key = swift_string(ref.get("locationName", member) if query else member)
            if member in required:
                out.append(f"        w.member({key}, {prop}, &first)")
            else:
                out.append(f"        if let v = {prop} {{ w.member({key}, v, &first) }}")
        out.append('        w.raw(UInt8(ascii: "}"))')
    out.append("    }")
    out.append("}")
    out.append("")


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(service, wanted):
    model = load(service, "service-2")
    paginators = load(service, "paginators-1").get("pagination", {})
    meta = model["metadata"]
    ns = NAMESPACES[service]
    ops = sorted(model["operations"]) if wanted == "*" else wanted
    reached = set()
    rows = []
    for op in ops:
        o = model["operations"][op]
        inp = o.get("input", {}).get("shape")
        outp = o.get("output", {}).get("shape")
        for s in (inp, outp):
            if s:
                reach(model, s, reached)
        for e in o.get("errors", []):
            reach(model, e["shape"], reached)
        page = "nil"
        p = paginators.get(op)
        if p and isinstance(p.get("input_token"), str):
            limit = p.get("limit_key")
            largest = "nil"
            if limit and inp:
                ref = model["shapes"][inp]["members"].get(limit)
                if ref and "max" in model["shapes"][ref["shape"]]:
                    largest = str(model["shapes"][ref["shape"]]["max"])
            result = p["result_key"] if isinstance(p["result_key"], str) else p["result_key"][0]
            page = (f'AWSPaginator(inputToken: {swift_string(p["input_token"])}, outputToken: {swift_string(p["output_token"])}, '
                    f'limitKey: {swift_string(limit) if limit else "nil"}, resultKey: {swift_string(result)}, largestPage: {largest})')
        errors = ", ".join(swift_string(e["shape"]) for e in o.get("errors", []))
        http = o.get("http", {})
        rows.append(f'            AWSOperation(name: {swift_string(op)}, httpMethod: {swift_string(http.get("method", "POST"))}, '
                    f'requestURI: {swift_string(http.get("requestUri", "/"))}, input: {swift_string(inp) if inp else "nil"}, '
                    f'output: {swift_string(outp) if outp else "nil"}, errors: [{errors}], paginator: {page}),')
    out = [
        f"// Generated by tools/gen-aws-shapes.py from botocore {botocore.__version__}'s {service} {meta['apiVersion']} model. Do not edit.",
        "",
        f"extension AWS {{",
        f"    /// {meta.get('serviceFullName', service)}: the shapes of the operations AccessLab speaks.",
        f"    public enum {ns} {{}}",
        "}",
        "",
        f"extension AWS.{ns} {{",
        "    public static let service = AWSService(",
        f"        name: {swift_string(service)}, apiVersion: {swift_string(meta['apiVersion'])}, protocol: {PROTOCOLS[meta['protocol']]},",
        f"        targetPrefix: {swift_string(meta['targetPrefix']) if meta.get('targetPrefix') else 'nil'}, "
        f"signingName: {swift_string(meta.get('signingName', meta['endpointPrefix']))}, endpointPrefix: {swift_string(meta['endpointPrefix'])},",
        "        operations: [",
        *rows,
        "        ])",
        "",
    ]
    for name in sorted(reached):
        structure(model, name, out)
        out.append("")
    out[-1] = "}"
    out.append("")
    for name in sorted(reached):
        writer(model, ns, name, out)
    return "\n".join(out).rstrip("\n") + "\n"


def main():
    target = os.path.join(ROOT, "Sources", "AccessLabAWS", "Generated")
    os.makedirs(target, exist_ok=True)
    for service, wanted in OPERATIONS.items():
        path = os.path.join(target, f"AWS+{NAMESPACES[service]}.swift")
        with open(path, "w") as f:
            f.write(generate(service, wanted))
        print(f"wrote {os.path.relpath(path, ROOT)}")
    with open(os.path.join(target, "AWS+Models.swift"), "w") as f:
        f.write(f"// Generated by tools/gen-aws-shapes.py. Do not edit.\n\nextension AWS {{\n"
                f"    /// The botocore release whose service models the shapes were generated from.\n"
                f"    public static let botocoreVersion = {swift_string(botocore.__version__)}\n"
                f"    public static let services: [AWSService] = [{', '.join(f'{NAMESPACES[s]}.service' for s in OPERATIONS)}]\n}}\n")


if __name__ == "__main__":
    sys.exit(main())
