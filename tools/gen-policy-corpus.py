#!/usr/bin/env python3
"""Writes Tests/AccessLabTests/PolicyCorpus/corpus.json: IAM evaluation cases written from the IAM User
Guide (and the Organizations User Guide for SCPs), each naming the section it comes from.

Run `python3 tools/gen-policy-corpus.py` after editing; the output is committed and read by
PolicyCorpusTests. Every case is also a valid input to `accesslab policy eval`.
"""
import json
import os

UG = "IAM User Guide"
SEC_LOGIC = UG + ", Policy evaluation logic"
SEC_DENY = UG + ", Policy evaluation logic: explicit deny overrides allow"
SEC_ACTION = UG + ", IAM JSON policy elements: Action"
SEC_NOTACTION = UG + ", IAM JSON policy elements: NotAction"
SEC_RESOURCE = UG + ", IAM JSON policy elements: Resource"
SEC_NOTRESOURCE = UG + ", IAM JSON policy elements: NotResource"
SEC_PRINCIPAL = UG + ", IAM JSON policy elements: Principal"
SEC_NOTPRINCIPAL = UG + ", IAM JSON policy elements: NotPrincipal"
SEC_COND = UG + ", IAM JSON policy elements: Condition operators"
SEC_STRING = SEC_COND + " (String condition operators)"
SEC_NUMERIC = SEC_COND + " (Numeric condition operators)"
SEC_DATE = SEC_COND + " (Date condition operators)"
SEC_BOOL = SEC_COND + " (Boolean condition operators)"
SEC_BINARY = SEC_COND + " (Binary condition operators)"
SEC_IP = SEC_COND + " (IP address condition operators)"
SEC_ARN = SEC_COND + " (Amazon Resource Name (ARN) condition operators)"
SEC_IFEXISTS = SEC_COND + " (...IfExists condition operators)"
SEC_NULL = SEC_COND + " (Condition operator to check existence of condition keys)"
SEC_MISSING = UG + ", Condition element: condition keys that are not present in the request"
SEC_MULTI = UG + ", Single-valued vs. multivalued context keys (set operators ForAnyValue and ForAllValues)"
SEC_LOGIC_COND = UG + ", Creating a condition with multiple keys or values"
SEC_VARS = UG + ", IAM policy elements: Variables and tags"
SEC_BOUNDARY = UG + ", Permissions boundaries for IAM entities"
SEC_SCP = "AWS Organizations User Guide, Service control policies (SCPs): SCP evaluation"
SEC_SCP_MGMT = "AWS Organizations User Guide, SCPs: SCPs do not affect users or roles in the management account"
SEC_RBP = UG + ", Identity-based policies and resource-based policies"
SEC_CROSS = UG + ", Cross-account policy evaluation logic"
SEC_ABAC = UG + ", Define permissions based on attributes with ABAC authorization (tutorial)"
SEC_PRINCIPAL_ACCOUNT = UG + ", AWS JSON policy elements: Principal (AWS account principals delegate to the account)"
SEC_EVAL_RBP = UG + ", Policy evaluation logic: how AWS enforcement code evaluates requests (resource-based policies)"
SEC_MUST_ALLOW = SEC_EVAL_RBP + ": role trust policies and KMS key policies must explicitly allow"
SEC_KMS_DEFAULT = "AWS KMS Developer Guide, Key policies: the default key policy allows the account and enables IAM policies"
SEC_BOUNDARY_RBP = SEC_BOUNDARY + ": evaluating effective permissions with resource-based policies"
SEC_BOUNDARY_NOTPRINCIPAL = SEC_BOUNDARY + " (a NotPrincipal Deny always denies a principal with a boundary); " + SEC_NOTPRINCIPAL
SEC_GUARD_MANAGED = UG + ", AWS managed policies (customers cannot change them)"
SEC_GUARD_ALIAS = "AWS KMS Developer Guide, Aliases in AWS KMS (alias/aws/ is reserved)"
SEC_GUARD_GCI = "AWS STS API Reference, GetCallerIdentity (no permissions are required; a Deny does not stop it)"
SEC_GUARD_SSO = ("IAM Identity Center User Guide, AWS managed policies for IAM Identity Center (AWSSSOServiceRolePolicy manages "
                 "roles under /aws-reserved/sso.amazonaws.com/); refusal from the member account is observed behaviour")
SEC_RCP = "AWS Organizations User Guide, Resource control policies (RCPs): RCP evaluation, supported services, RCPFullAWSAccess"
SEC_RCP_MGMT = "AWS Organizations User Guide, Resource control policies (RCPs): RCPs do not affect resources in the management account"
SEC_FACTS = "identity-center-facts.md, boundary denying iam, organizations and account (from the IAM User Guide's boundary examples)"

ACCOUNT = "111122223333"
OTHER = "444455556666"
ROLE = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice"
BUCKET = "arn:aws:s3:::examplebucket"
OBJECT = "arn:aws:s3:::examplebucket/reports/2026.csv"
INSTANCE = "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"

cases = []


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action="*", resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def deny(action="*", resource="*", **extra):
    s = {"Effect": "Deny", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def request(action, resource="*", context=None, principal=ROLE, account=ACCOUNT):
    r = {"action": action, "resource": {"resource": resource, "accountId": account}, "principal": principal}
    if context:
        r["context"] = context
    return r


def case(name, source, expect, req, identity=None, scps=None, boundaries=None, resource_policy=None, management=None, sids=None):
    c = {"request": req}
    if identity is not None:
        c["identityPolicies"] = identity
    if scps is not None:
        c["serviceControlPolicies"] = scps
    if boundaries is not None:
        c["permissionBoundaries"] = boundaries
    if resource_policy is not None:
        c["resourcePolicy"] = resource_policy
    if management is not None:
        c["managementAccountId"] = management
    entry = {"name": name, "source": source, "case": c, "expect": expect}
    if sids is not None:
        entry["sids"] = sids
    cases.append(entry)


def cond(op, key, value, action="s3:GetObject", ctx=None, expect="Allowed", source=SEC_STRING, name=None):
    """A one-statement identity policy whose only test is one condition."""
    st = allow(action, "*", Condition={op: {key: value}})
    case(name or f"{op} {key}={value!r} with context {ctx!r}", source, expect,
         request(action, OBJECT, ctx), identity=[policy(st)])


# --- Evaluation logic -------------------------------------------------------------------------
case("no policy at all: implicit deny", SEC_LOGIC, "ImplicitlyDenied", request("s3:GetObject", OBJECT), identity=[])
case("an identity allow for the action allows", SEC_LOGIC, "Allowed", request("s3:GetObject", OBJECT), identity=[policy(allow("s3:GetObject"))])
case("an allow for another action does not", SEC_LOGIC, "ImplicitlyDenied", request("s3:PutObject", OBJECT), identity=[policy(allow("s3:GetObject"))])
case("explicit deny overrides an allow in the same policy", SEC_DENY, "ExplicitlyDenied", request("s3:DeleteObject", OBJECT),
     identity=[policy(allow("s3:*"), dict(deny("s3:DeleteObject"), Sid="NoDelete"))], sids=["NoDelete"])
case("explicit deny in another identity policy wins", SEC_DENY, "ExplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[policy(allow("*")), policy(deny("s3:GetObject"))])
case("deny for another action does not affect this one", SEC_DENY, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"), deny("s3:DeleteObject"))])
case("statement as a single object, not an array", SEC_LOGIC, "Allowed", request("s3:GetObject", OBJECT),
     identity=[{"Version": "2012-10-17", "Statement": allow("s3:GetObject")}])
case("two allows: both are named", SEC_LOGIC, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(dict(allow("s3:Get*"), Sid="A"), dict(allow("s3:GetObject"), Sid="B"))], sids=["A", "B"])
case("deny with a false condition does not apply", SEC_DENY, "Allowed", request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "a"}),
     identity=[policy(allow("s3:*"), deny("s3:*", Condition={"StringEquals": {"aws:PrincipalTag/team": "b"}}))])
case("deny with a true condition applies", SEC_DENY, "ExplicitlyDenied", request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "b"}),
     identity=[policy(allow("s3:*"), deny("s3:*", Condition={"StringEquals": {"aws:PrincipalTag/team": "b"}}))])

# --- Action / NotAction ------------------------------------------------------------------------
for action, pattern, expect in [
    ("s3:GetObject", "s3:GetObject", "Allowed"),
    ("s3:getobject", "s3:GetObject", "Allowed"),
    ("S3:GETOBJECT", "s3:getObject", "Allowed"),
    ("s3:GetObject", "s3:*", "Allowed"),
    ("s3:GetObject", "s3:Get*", "Allowed"),
    ("s3:GetObjectAcl", "s3:Get*Acl", "Allowed"),
    ("s3:PutObject", "s3:Get*", "ImplicitlyDenied"),
    ("s3:GetObject", "s3:GetObjec?", "Allowed"),
    ("s3:GetObjects", "s3:GetObjec?", "ImplicitlyDenied"),
    ("ec2:StartInstances", "*", "Allowed"),
    ("ec2:StartInstances", "s3:*", "ImplicitlyDenied"),
    ("iam:PassRole", "iam:Pass*", "Allowed"),
]:
    case(f"Action {pattern!r} vs request {action!r}", SEC_ACTION, expect, request(action, "*"), identity=[policy(allow(pattern))])
case("Action list: any entry matches", SEC_ACTION, "Allowed", request("sqs:SendMessage"), identity=[policy(allow(["s3:GetObject", "sqs:Send*"]))])
case("Action list: no entry matches", SEC_ACTION, "ImplicitlyDenied", request("sns:Publish"), identity=[policy(allow(["s3:GetObject", "sqs:Send*"]))])
case("NotAction allow covers everything else", SEC_NOTACTION, "Allowed", request("ec2:RunInstances"),
     identity=[policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})])
case("NotAction allow excludes the listed service", SEC_NOTACTION, "ImplicitlyDenied", request("iam:CreateUser"),
     identity=[policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})])
case("NotAction list: excludes each", SEC_NOTACTION, "ImplicitlyDenied", request("organizations:LeaveOrganization"),
     identity=[policy({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"})])
case("NotAction deny: denies everything but the listed", SEC_NOTACTION, "ExplicitlyDenied", request("ec2:RunInstances"),
     identity=[policy(allow("*"), {"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*"})])
case("NotAction deny: the listed actions pass", SEC_NOTACTION, "Allowed", request("iam:GetUser"),
     identity=[policy(allow("*"), {"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*"})])
case("PowerUserAccess shape: NotAction iam/organizations/account plus specific iam allows",
     SEC_NOTACTION + " (AWS managed policy PowerUserAccess)", "Allowed", request("iam:CreateServiceLinkedRole"),
     identity=[policy({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
                      allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"]))])
case("PowerUserAccess shape: other iam actions stay out", SEC_NOTACTION + " (AWS managed policy PowerUserAccess)", "ImplicitlyDenied",
     request("iam:AttachRolePolicy"),
     identity=[policy({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
                      allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"]))])

# --- Resource / NotResource ---------------------------------------------------------------------
for res, pattern, expect in [
    (OBJECT, "arn:aws:s3:::examplebucket/*", "Allowed"),
    (OBJECT, "arn:aws:s3:::examplebucket/reports/*", "Allowed"),
    (OBJECT, "arn:aws:s3:::otherbucket/*", "ImplicitlyDenied"),
    (BUCKET, "arn:aws:s3:::examplebucket/*", "ImplicitlyDenied"),
    (BUCKET, "arn:aws:s3:::examplebucket", "Allowed"),
    (BUCKET, "arn:aws:s3:::example*", "Allowed"),
    (INSTANCE, "arn:aws:ec2:us-east-1:111122223333:instance/*", "Allowed"),
    (INSTANCE, "arn:aws:ec2:*:111122223333:instance/*", "Allowed"),
    (INSTANCE, "arn:aws:ec2:us-west-2:111122223333:instance/*", "ImplicitlyDenied"),
    (INSTANCE, "arn:aws:ec2:us-east-1:444455556666:instance/*", "ImplicitlyDenied"),
    (INSTANCE, "arn:aws:ec2:us-east-1:*:instance/i-0123456789abcdef?", "Allowed"),
    (INSTANCE, "arn:aws:ec2:us-east-1:111122223333:*", "Allowed"),
    (INSTANCE, "arn:aws:*:us-east-1:111122223333:instance/*", "Allowed"),
    (INSTANCE, "arn:aws:ec2:us-east-1*111122223333:instance/*", "ImplicitlyDenied"),
    (INSTANCE, "*", "Allowed"),
    ("arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/fn:log-stream:abc", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/*", "Allowed"),
    (OBJECT, "arn:aws:s3:::ExampleBucket/*", "ImplicitlyDenied"),
]:
    case(f"Resource {pattern!r} vs {res!r}", SEC_RESOURCE, expect, request("s3:GetObject", res), identity=[policy(allow("s3:GetObject", pattern))])
case("Resource list: any entry", SEC_RESOURCE, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:GetObject", ["arn:aws:s3:::a/*", "arn:aws:s3:::examplebucket/*"]))])
case("NotResource allow: everything but the listed", SEC_NOTRESOURCE, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})])
case("NotResource allow: the listed is not allowed", SEC_NOTRESOURCE, "ImplicitlyDenied", request("s3:GetObject", "arn:aws:s3:::secret/x"),
     identity=[policy({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})])
case("NotResource deny: denies outside the listed", SEC_NOTRESOURCE, "ExplicitlyDenied", request("s3:GetObject", "arn:aws:s3:::other/x"),
     identity=[policy(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*"]})])
case("NotResource deny: the listed pass", SEC_NOTRESOURCE, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*"]})])

# --- String operators ---------------------------------------------------------------------------
K = "aws:PrincipalTag/team"
for op, val, ctx, exp in [
    ("StringEquals", "payments", "payments", "Allowed"),
    ("StringEquals", "payments", "Payments", "ImplicitlyDenied"),
    ("StringEquals", ["search", "payments"], "payments", "Allowed"),
    ("StringEquals", "pay*", "payments", "ImplicitlyDenied"),
    ("StringEquals", "pay*", "pay*", "Allowed"),
    ("StringNotEquals", "payments", "search", "Allowed"),
    ("StringNotEquals", "payments", "payments", "ImplicitlyDenied"),
    ("StringNotEquals", ["a", "b"], "b", "ImplicitlyDenied"),
    ("StringNotEquals", ["a", "b"], "c", "Allowed"),
    ("StringEqualsIgnoreCase", "PAYMENTS", "payments", "Allowed"),
    ("StringEqualsIgnoreCase", "payments", "search", "ImplicitlyDenied"),
    ("StringNotEqualsIgnoreCase", "PAYMENTS", "payments", "ImplicitlyDenied"),
    ("StringNotEqualsIgnoreCase", "PAYMENTS", "search", "Allowed"),
    ("StringLike", "pay*", "payments", "Allowed"),
    ("StringLike", "pay?ents", "payments", "Allowed"),
    ("StringLike", "pay?", "payments", "ImplicitlyDenied"),
    ("StringLike", ["x*", "*ments"], "payments", "Allowed"),
    ("StringLike", "Pay*", "payments", "ImplicitlyDenied"),
    ("StringNotLike", "pay*", "search", "Allowed"),
    ("StringNotLike", "pay*", "payments", "ImplicitlyDenied"),
]:
    cond(op, K, val, ctx={K: ctx}, expect=exp, source=SEC_STRING)

# --- Missing keys -------------------------------------------------------------------------------
for op, exp in [("StringEquals", "ImplicitlyDenied"), ("StringLike", "ImplicitlyDenied"), ("StringNotEquals", "Allowed"),
                ("StringNotLike", "Allowed"), ("NumericLessThan", "ImplicitlyDenied"), ("NumericNotEquals", "Allowed"),
                ("DateGreaterThan", "ImplicitlyDenied"), ("DateNotEquals", "Allowed"), ("Bool", "ImplicitlyDenied"),
                ("IpAddress", "ImplicitlyDenied"), ("NotIpAddress", "Allowed"), ("ArnLike", "ImplicitlyDenied"),
                ("ArnNotLike", "Allowed"), ("StringEqualsIgnoreCase", "ImplicitlyDenied")]:
    value = {"NumericLessThan": "10", "NumericNotEquals": "10", "DateGreaterThan": "2020-01-01T00:00:00Z",
             "DateNotEquals": "2020-01-01T00:00:00Z", "Bool": "true", "IpAddress": "203.0.113.0/24",
             "NotIpAddress": "203.0.113.0/24", "ArnLike": "arn:aws:iam::*:role/x", "ArnNotLike": "arn:aws:iam::*:role/x"}.get(op, "v")
    cond(op, "aws:SomeMissingKey", value, ctx={}, expect=exp, source=SEC_MISSING, name=f"{op} on a key absent from the request")

# --- IfExists -----------------------------------------------------------------------------------
cond("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", action="ec2:RunInstances", ctx={}, expect="Allowed", source=SEC_IFEXISTS,
     name="StringEqualsIfExists: key absent -> true")
cond("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", action="ec2:RunInstances", ctx={"ec2:InstanceType": "t3.micro"}, expect="Allowed",
     source=SEC_IFEXISTS, name="StringEqualsIfExists: key present and equal")
cond("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", action="ec2:RunInstances", ctx={"ec2:InstanceType": "m5.24xlarge"},
     expect="ImplicitlyDenied", source=SEC_IFEXISTS, name="StringEqualsIfExists: key present and different")
cond("StringNotEqualsIfExists", "ec2:InstanceType", "m5.24xlarge", action="ec2:RunInstances", ctx={}, expect="Allowed", source=SEC_IFEXISTS,
     name="StringNotEqualsIfExists: key absent -> true")
cond("NumericLessThanIfExists", "s3:max-keys", "10", action="s3:ListBucket", ctx={}, expect="Allowed", source=SEC_IFEXISTS,
     name="NumericLessThanIfExists: key absent -> true")
cond("NumericLessThanIfExists", "s3:max-keys", "10", action="s3:ListBucket", ctx={"s3:max-keys": "50"}, expect="ImplicitlyDenied",
     source=SEC_IFEXISTS, name="NumericLessThanIfExists: present and too large")
cond("BoolIfExists", "aws:MultiFactorAuthPresent", "true", ctx={}, expect="Allowed", source=SEC_IFEXISTS, name="BoolIfExists: absent -> true")
cond("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", ctx={"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"},
     expect="Allowed", source=SEC_IFEXISTS, name="ArnLikeIfExists: present and matching")
case("Deny with BoolIfExists false MFA: applies when the key is absent (the classic MFA policy)", SEC_IFEXISTS, "ExplicitlyDenied",
     request("ec2:StopInstances", INSTANCE, {}),
     identity=[policy(allow("ec2:*"), deny("ec2:StopInstances", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))])
case("Deny with BoolIfExists false MFA: MFA present passes", SEC_IFEXISTS, "Allowed",
     request("ec2:StopInstances", INSTANCE, {"aws:MultiFactorAuthPresent": "true"}),
     identity=[policy(allow("ec2:*"), deny("ec2:StopInstances", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))])

# --- Null ---------------------------------------------------------------------------------------
cond("Null", "aws:TokenIssueTime", "true", ctx={}, expect="Allowed", source=SEC_NULL, name="Null true: key absent (long-term credentials)")
cond("Null", "aws:TokenIssueTime", "true", ctx={"aws:TokenIssueTime": "2026-01-05T09:00:00Z"}, expect="ImplicitlyDenied", source=SEC_NULL,
     name="Null true: key present")
cond("Null", "aws:TokenIssueTime", "false", ctx={"aws:TokenIssueTime": "2026-01-05T09:00:00Z"}, expect="Allowed", source=SEC_NULL,
     name="Null false: key present (temporary credentials)")
cond("Null", "aws:TokenIssueTime", "false", ctx={}, expect="ImplicitlyDenied", source=SEC_NULL, name="Null false: key absent")
case("Deny when a tag is missing (Null true)", SEC_NULL, "ExplicitlyDenied", request("ec2:RunInstances", INSTANCE, {}),
     identity=[policy(allow("ec2:*"), deny("ec2:RunInstances", Condition={"Null": {"aws:RequestTag/team": "true"}}))])
case("Deny when a tag is missing: tag given", SEC_NULL, "Allowed", request("ec2:RunInstances", INSTANCE, {"aws:RequestTag/team": "a"}),
     identity=[policy(allow("ec2:*"), deny("ec2:RunInstances", Condition={"Null": {"aws:RequestTag/team": "true"}}))])

# --- Numeric ------------------------------------------------------------------------------------
for op, pv, rv, exp in [
    ("NumericEquals", "10", "10", "Allowed"), ("NumericEquals", "10", "10.0", "Allowed"), ("NumericEquals", "10", "11", "ImplicitlyDenied"),
    ("NumericNotEquals", "10", "11", "Allowed"), ("NumericNotEquals", "10", "10", "ImplicitlyDenied"),
    ("NumericLessThan", "10", "9", "Allowed"), ("NumericLessThan", "10", "10", "ImplicitlyDenied"),
    ("NumericLessThanEquals", "10", "10", "Allowed"), ("NumericGreaterThan", "10", "11", "Allowed"),
    ("NumericGreaterThan", "10", "10", "ImplicitlyDenied"), ("NumericGreaterThanEquals", "10", "10", "Allowed"),
    ("NumericLessThan", "10", "ten", "ImplicitlyDenied"), ("NumericLessThan", 10, "5", "Allowed"),
]:
    cond(op, "s3:max-keys", pv, action="s3:ListBucket", ctx={"s3:max-keys": rv}, expect=exp, source=SEC_NUMERIC)

# --- Date ---------------------------------------------------------------------------------------
for op, pv, rv, exp in [
    ("DateLessThan", "2026-06-30T00:00:00Z", "2026-01-05T09:00:00Z", "Allowed"),
    ("DateLessThan", "2026-06-30T00:00:00Z", "2026-07-01T00:00:00Z", "ImplicitlyDenied"),
    ("DateGreaterThan", "2026-01-01", "2026-01-05T09:00:00Z", "Allowed"),
    ("DateGreaterThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", "ImplicitlyDenied"),
    ("DateEquals", "2026-01-05T09:00:00Z", "2026-01-05T10:00:00+01:00", "Allowed"),
    ("DateNotEquals", "2026-01-05T09:00:00Z", "2026-01-05T09:00:01Z", "Allowed"),
    ("DateLessThanEquals", "1767603600", "2026-01-05T09:00:00Z", "Allowed"),
    ("DateGreaterThanEquals", "2026-01-05T09:00:00.000Z", "2026-01-05T09:00:00Z", "Allowed"),
    ("DateLessThan", "not a date", "2026-01-05T09:00:00Z", "ImplicitlyDenied"),
]:
    cond(op, "aws:CurrentTime", pv, ctx={"aws:CurrentTime": rv}, expect=exp, source=SEC_DATE)
case("Deny credentials issued before a cut-off (aws:TokenIssueTime, the IAM 'revoke sessions' policy)", SEC_DATE, "ExplicitlyDenied",
     request("s3:GetObject", OBJECT, {"aws:TokenIssueTime": "2026-01-05T08:00:00Z"}),
     identity=[policy(allow("*"), deny("*", Condition={"DateLessThan": {"aws:TokenIssueTime": "2026-01-05T09:00:00Z"}}))])
case("Revoke-sessions deny: newer credentials pass", SEC_DATE, "Allowed",
     request("s3:GetObject", OBJECT, {"aws:TokenIssueTime": "2026-01-05T10:00:00Z"}),
     identity=[policy(allow("*"), deny("*", Condition={"DateLessThan": {"aws:TokenIssueTime": "2026-01-05T09:00:00Z"}}))])

# --- Bool, Binary, IP, ARN ----------------------------------------------------------------------
cond("Bool", "aws:SecureTransport", "true", ctx={"aws:SecureTransport": "true"}, source=SEC_BOOL)
cond("Bool", "aws:SecureTransport", "true", ctx={"aws:SecureTransport": "false"}, expect="ImplicitlyDenied", source=SEC_BOOL)
cond("Bool", "aws:SecureTransport", True, ctx={"aws:SecureTransport": "TRUE"}, source=SEC_BOOL)
case("Deny without TLS (aws:SecureTransport false)", SEC_BOOL, "ExplicitlyDenied", request("s3:GetObject", OBJECT, {"aws:SecureTransport": "false"}),
     identity=[policy(allow("s3:*"), deny("s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}}))])
cond("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", ctx={"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, source=SEC_BINARY)
cond("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", ctx={"key": "b3RoZXI="}, expect="ImplicitlyDenied", source=SEC_BINARY)
for op, pv, rv, exp in [
    ("IpAddress", "203.0.113.0/24", "203.0.113.45", "Allowed"),
    ("IpAddress", "203.0.113.0/24", "198.51.100.7", "ImplicitlyDenied"),
    ("IpAddress", "203.0.113.45", "203.0.113.45", "Allowed"),
    ("IpAddress", ["198.51.100.0/24", "203.0.113.0/24"], "198.51.100.9", "Allowed"),
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678:abcd::1", "Allowed"),
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:9999::1", "ImplicitlyDenied"),
    ("IpAddress", "203.0.113.0/24", "2001:db8::1", "ImplicitlyDenied"),
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", "Allowed"),
    ("NotIpAddress", "203.0.113.0/24", "203.0.113.1", "ImplicitlyDenied"),
    ("IpAddress", "0.0.0.0/0", "192.0.2.1", "Allowed"),
]:
    cond(op, "aws:SourceIp", pv, ctx={"aws:SourceIp": rv}, expect=exp, source=SEC_IP)
for op, pv, rv, exp in [
    ("ArnEquals", "arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:topic", "Allowed"),
    ("ArnLike", "arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:111122223333:alerts", "Allowed"),
    ("ArnLike", "arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:444455556666:alerts", "ImplicitlyDenied"),
    ("ArnLike", "arn:aws:iam::111122223333:role/AWSReservedSSO_*", "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123456789abcdef", "Allowed"),
    ("ArnNotEquals", "arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:other", "Allowed"),
    ("ArnNotLike", "arn:aws:sns:*:111122223333:*", "arn:aws:sns:us-east-1:111122223333:topic", "ImplicitlyDenied"),
    ("ArnLike", "arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-logs", "Allowed"),
]:
    cond(op, "aws:SourceArn", pv, ctx={"aws:SourceArn": rv}, expect=exp, source=SEC_ARN)

# --- Multiple keys and values -------------------------------------------------------------------
case("two keys in one operator are ANDed: both hold", SEC_LOGIC_COND, "Allowed",
     request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "a", "aws:PrincipalTag/env": "dev"}),
     identity=[policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "a", "aws:PrincipalTag/env": "dev"}}))])
case("two keys in one operator are ANDed: one fails", SEC_LOGIC_COND, "ImplicitlyDenied",
     request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "a", "aws:PrincipalTag/env": "prod"}),
     identity=[policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "a", "aws:PrincipalTag/env": "dev"}}))])
case("two operators are ANDed", SEC_LOGIC_COND, "ImplicitlyDenied",
     request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "a", "aws:SourceIp": "198.51.100.1"}),
     identity=[policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "a"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))])
case("several values for one key are ORed", SEC_LOGIC_COND, "Allowed", request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "c"}),
     identity=[policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": ["a", "b", "c"]}}))])
case("condition key names are case-insensitive", SEC_LOGIC_COND, "Allowed", request("s3:GetObject", OBJECT, {"AWS:PRINCIPALTAG/TEAM": "a"}),
     identity=[policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "a"}}))])

# --- Set operators ------------------------------------------------------------------------------
TK = "aws:TagKeys"
for op, pv, rv, exp in [
    ("ForAllValues:StringEquals", ["team", "env"], ["team"], "Allowed"),
    ("ForAllValues:StringEquals", ["team", "env"], ["team", "env"], "Allowed"),
    ("ForAllValues:StringEquals", ["team", "env"], ["team", "owner"], "ImplicitlyDenied"),
    ("ForAllValues:StringEquals", ["team", "env"], None, "Allowed"),
    ("ForAllValues:StringEquals", ["team", "env"], [], "Allowed"),
    ("ForAnyValue:StringEquals", ["team", "env"], ["owner", "env"], "Allowed"),
    ("ForAnyValue:StringEquals", ["team", "env"], ["owner"], "ImplicitlyDenied"),
    ("ForAnyValue:StringEquals", ["team", "env"], None, "ImplicitlyDenied"),
    ("ForAnyValue:StringEquals", ["team", "env"], [], "ImplicitlyDenied"),
    ("ForAnyValue:StringLike", ["te*"], ["owner", "team"], "Allowed"),
    ("ForAllValues:StringLike", ["t*", "e*"], ["team", "env"], "Allowed"),
    ("ForAllValues:StringNotEquals", ["secret"], ["team", "env"], "Allowed"),
    ("ForAllValues:StringNotEquals", ["secret"], ["team", "secret"], "ImplicitlyDenied"),
    ("ForAnyValue:StringNotEquals", ["team"], ["team", "env"], "Allowed"),
    ("ForAnyValue:StringNotEquals", ["team"], ["team"], "ImplicitlyDenied"),
    ("ForAllValues:StringEqualsIfExists", ["team"], None, "Allowed"),
    ("ForAnyValue:StringEqualsIfExists", ["team"], None, "Allowed"),
]:
    ctx = {} if rv is None else {TK: rv}
    cond(op, TK, pv, action="ec2:CreateTags", ctx=ctx, expect=exp, source=SEC_MULTI,
         name=f"{op} {pv} against {('absent' if rv is None else rv)}")
case("Deny with ForAnyValue: any forbidden tag key denies", SEC_MULTI, "ExplicitlyDenied",
     request("ec2:CreateTags", INSTANCE, {TK: ["team", "cost-center"]}),
     identity=[policy(allow("ec2:*"), deny("ec2:CreateTags", Condition={"ForAnyValue:StringEquals": {TK: ["cost-center"]}}))])
case("Single-valued key without a set operator, several request values: any match", SEC_MULTI, "Allowed",
     request("s3:GetObject", OBJECT, {"aws:PrincipalTag/groups": ["a", "b"]}),
     identity=[policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/groups": "b"}}))])

# --- Variables ----------------------------------------------------------------------------------
case("${aws:PrincipalTag/team} in a condition: tags match", SEC_VARS, "Allowed",
     request("ec2:StopInstances", INSTANCE, {"aws:PrincipalTag/team": "payments", "aws:ResourceTag/team": "payments"}),
     identity=[policy(allow("ec2:StopInstances", Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))])
case("${aws:PrincipalTag/team} in a condition: tags differ", SEC_VARS, "ImplicitlyDenied",
     request("ec2:StopInstances", INSTANCE, {"aws:PrincipalTag/team": "payments", "aws:ResourceTag/team": "search"}),
     identity=[policy(allow("ec2:StopInstances", Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))])
case("unresolved variable (principal has no tag) makes the comparison false", SEC_VARS, "ImplicitlyDenied",
     request("ec2:StopInstances", INSTANCE, {"aws:ResourceTag/team": "payments"}),
     identity=[policy(allow("ec2:StopInstances", Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))])
case("unresolved variable with a default", SEC_VARS, "Allowed", request("ec2:StopInstances", INSTANCE, {"aws:ResourceTag/team": "none"}),
     identity=[policy(allow("ec2:StopInstances", Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team, 'none'}"}}))])
case("variable default not used when the tag exists", SEC_VARS, "ImplicitlyDenied",
     request("ec2:StopInstances", INSTANCE, {"aws:ResourceTag/team": "none", "aws:PrincipalTag/team": "a"}),
     identity=[policy(allow("ec2:StopInstances", Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team, 'none'}"}}))])
case("${aws:username} in a Resource", SEC_VARS, "Allowed", request("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt", {"aws:username": "alice"}),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))])
case("${aws:username} in a Resource: another user's folder", SEC_VARS, "ImplicitlyDenied",
     request("s3:GetObject", "arn:aws:s3:::home/bob/notes.txt", {"aws:username": "alice"}),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))])
case("${aws:username} unresolved in a Resource: no match", SEC_VARS, "ImplicitlyDenied",
     request("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt", {}),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))])
case("${aws:userid} (role id:session name)", SEC_VARS, "Allowed",
     request("s3:GetObject", "arn:aws:s3:::home/AROAEXAMPLEID:alice/x", {"aws:userid": "AROAEXAMPLEID:alice"}),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:userid}/*"))])
case("${aws:PrincipalAccount} in a Resource", SEC_VARS, "Allowed",
     request("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t"),
     identity=[policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/*"))])
case("${identitystore:UserId} in a condition", SEC_VARS, "Allowed",
     request("s3:GetObject", OBJECT, {"identitystore:UserId": "u00042", "s3:prefix": "u00042"}),
     identity=[policy(allow("s3:GetObject", Condition={"StringEquals": {"s3:prefix": "${identitystore:UserId}"}}))])
case("${aws:CurrentTime} resolves from the context", SEC_VARS, "Allowed",
     request("s3:GetObject", OBJECT, {"aws:CurrentTime": "2026-01-05T09:00:00Z", "aws:TokenIssueTime": "2026-01-05T09:00:00Z"}),
     identity=[policy(allow("s3:GetObject", Condition={"DateEquals": {"aws:TokenIssueTime": "${aws:CurrentTime}"}}))])
case("${*} is a literal asterisk (no wildcard)", SEC_VARS, "ImplicitlyDenied", request("s3:GetObject", "arn:aws:s3:::b/anything"),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::b/${*}"))])
case("${*} matches a literal asterisk", SEC_VARS, "Allowed", request("s3:GetObject", "arn:aws:s3:::b/*"),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::b/${*}"))])
case("${?} is a literal question mark", SEC_VARS, "Allowed", request("s3:GetObject", "arn:aws:s3:::b/why?"),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::b/why${?}"))])
case("${$} is a literal dollar sign", SEC_VARS, "Allowed", request("s3:GetObject", "arn:aws:s3:::b/${x}"),
     identity=[policy(allow("s3:GetObject", "arn:aws:s3:::b/${$}{x}"))])
case("variables are literal text in a 2008-10-17 policy", SEC_VARS, "Allowed",
     request("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x", {"aws:username": "alice"}),
     identity=[{"Version": "2008-10-17", "Statement": [allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")]}])
case("StringLike with a variable and a wildcard", SEC_VARS, "Allowed",
     request("s3:ListBucket", BUCKET, {"aws:username": "alice", "s3:prefix": "home/alice/photos"}),
     identity=[policy(allow("s3:ListBucket", BUCKET, Condition={"StringLike": {"s3:prefix": "home/${aws:username}/*"}}))])

# --- ABAC (team tag) ----------------------------------------------------------------------------
ENGINEER = policy(
    {"Sid": "OwnTeamResources", "Effect": "Allow", "Action": ["s3:*", "dynamodb:*", "ec2:*"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
    {"Sid": "ReadEverything", "Effect": "Allow", "Action": ["s3:List*", "s3:Get*", "ec2:Describe*"], "Resource": "*"})
BOUNDARY = policy({"Sid": "AllowAllButIdentity", "Effect": "Allow", "Action": "*", "Resource": "*"},
                  {"Sid": "DenyIdentityAndOrganization", "Effect": "Deny", "Action": ["iam:*", "organizations:*", "account:*"], "Resource": "*"})
for team, rtag, action, exp, sids in [
    ("payments", "payments", "s3:PutObject", "Allowed", ["OwnTeamResources", "AllowAllButIdentity"]),
    ("payments", "search", "s3:PutObject", "ImplicitlyDenied", None),
    ("payments", "search", "s3:GetObject", "Allowed", ["ReadEverything", "AllowAllButIdentity"]),
    ("payments", None, "dynamodb:PutItem", "ImplicitlyDenied", None),
    (None, "payments", "dynamodb:PutItem", "ImplicitlyDenied", None),
    ("search", "search", "ec2:TerminateInstances", "Allowed", None),
]:
    ctx = {}
    if team:
        ctx["aws:PrincipalTag/team"] = team
    if rtag:
        ctx["aws:ResourceTag/team"] = rtag
    case(f"ABAC EngineerStandard: principal team {team}, resource team {rtag}, {action}", SEC_ABAC, exp, request(action, OBJECT, ctx),
         identity=[ENGINEER], boundaries=[BOUNDARY], sids=sids)
case("a mover's frozen session tag still matches the old team's resource", SEC_ABAC, "Allowed",
     request("s3:PutObject", OBJECT, {"aws:PrincipalTag/team": "payments", "aws:ResourceTag/team": "payments"}),
     identity=[ENGINEER], boundaries=[BOUNDARY])
for action in ["iam:CreateUser", "iam:PassRole", "organizations:LeaveOrganization", "account:CloseAccount"]:
    case(f"the boundary denies {action} even with AdministratorAccess", SEC_FACTS, "ExplicitlyDenied", request(action, "*"),
         identity=[policy(allow("*"))], boundaries=[BOUNDARY], sids=["DenyIdentityAndOrganization"])

# --- Permissions boundaries ---------------------------------------------------------------------
case("boundary allows, identity allows: allowed", SEC_BOUNDARY, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"))], boundaries=[policy(allow("s3:GetObject"))])
case("boundary does not allow: implicit deny despite the identity allow", SEC_BOUNDARY, "ImplicitlyDenied", request("ec2:RunInstances"),
     identity=[policy(allow("*"))], boundaries=[policy(allow("s3:*"))])
case("boundary allows, identity does not: implicit deny", SEC_BOUNDARY, "ImplicitlyDenied", request("ec2:RunInstances"),
     identity=[policy(allow("s3:*"))], boundaries=[policy(allow("*"))])
case("boundary with a deny: explicit deny", SEC_BOUNDARY, "ExplicitlyDenied", request("s3:DeleteBucket", BUCKET),
     identity=[policy(allow("*"))], boundaries=[policy(allow("*"), deny("s3:DeleteBucket"))])
case("boundary with a condition", SEC_BOUNDARY, "ImplicitlyDenied", request("s3:GetObject", OBJECT, {"aws:RequestedRegion": "eu-west-1"}),
     identity=[policy(allow("*"))], boundaries=[policy(allow("*", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))])

# --- SCPs ---------------------------------------------------------------------------------------
FULL = policy(allow("*"))
case("FullAWSAccess at root and OU: identity decides", SEC_SCP, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL]}, {"orgIdentifier": "ou-prod", "policies": [FULL]}])
case("an OU level without an allow: implicit deny", SEC_SCP, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL]}, {"orgIdentifier": "ou-prod", "policies": [policy(allow("ec2:*"))]}])
case("the root level without an allow: implicit deny", SEC_SCP, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"))], scps=[{"orgIdentifier": "r-root", "policies": [policy(allow("ec2:*"))]}, {"orgIdentifier": "ou-prod", "policies": [FULL]}])
case("a deny SCP at an OU: explicit deny", SEC_SCP, "ExplicitlyDenied", request("organizations:LeaveOrganization"),
     identity=[policy(allow("*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL, policy(deny("organizations:LeaveOrganization"))]}])
case("SCP allow alone grants nothing", SEC_SCP, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[], scps=[{"orgIdentifier": "r-root", "policies": [FULL]}])
case("allow-list SCP: listed service passes", SEC_SCP, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(allow("*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL]}, {"orgIdentifier": "ou-sandbox", "policies": [policy(allow(["s3:*", "ec2:*"]))]}])
case("allow-list SCP: other service blocked", SEC_SCP, "ImplicitlyDenied", request("rds:CreateDBInstance"),
     identity=[policy(allow("*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL]}, {"orgIdentifier": "ou-sandbox", "policies": [policy(allow(["s3:*", "ec2:*"]))]}])
case("three levels: account level blocks", SEC_SCP, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[policy(allow("*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL]}, {"orgIdentifier": "ou-prod", "policies": [FULL]},
                                          {"orgIdentifier": ACCOUNT, "policies": [policy(allow("ec2:*"))]}])
case("region deny SCP with NotAction", SEC_SCP, "ExplicitlyDenied", request("ec2:RunInstances", INSTANCE, {"aws:RequestedRegion": "ap-south-1"}),
     identity=[policy(allow("*"))],
     scps=[{"orgIdentifier": "r-root", "policies": [FULL, policy({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
                                                                  "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}})]}])
case("region deny SCP: global service exempted by NotAction", SEC_SCP, "Allowed", request("iam:ListRoles", "*", {"aws:RequestedRegion": "ap-south-1"}),
     identity=[policy(allow("*"))],
     scps=[{"orgIdentifier": "r-root", "policies": [FULL, policy({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
                                                                  "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}})]}])
DENY_USER = policy({"Sid": "DenyLeaver", "Effect": "Deny", "Action": "*", "Resource": "*",
                    "Condition": {"StringEquals": {"identitystore:UserId": ["u00042"]}}})
case("Deny on identitystore:UserId in an SCP cuts the leaver", SEC_SCP + "; identity-center-facts.md revocation", "ExplicitlyDenied",
     request("s3:GetObject", OBJECT, {"identitystore:UserId": "u00042"}), identity=[policy(allow("*"))],
     scps=[{"orgIdentifier": "r-root", "policies": [FULL, DENY_USER]}], sids=["DenyLeaver"])
case("Deny on identitystore:UserId spares other users", SEC_SCP + "; identity-center-facts.md revocation", "Allowed",
     request("s3:GetObject", OBJECT, {"identitystore:UserId": "u00007"}), identity=[policy(allow("*"))],
     scps=[{"orgIdentifier": "r-root", "policies": [FULL, DENY_USER]}])
case("SCPs do not apply to the management account (deny ignored)", SEC_SCP_MGMT, "Allowed",
     request("s3:GetObject", OBJECT, {"identitystore:UserId": "u00042"}, principal="arn:aws:sts::999999999999:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice", account="999999999999"),
     identity=[policy(allow("*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL, DENY_USER]}], management="999999999999")
case("SCPs do not apply to the management account (no allow needed)", SEC_SCP_MGMT, "Allowed",
     request("rds:CreateDBInstance", "*", principal="arn:aws:sts::999999999999:assumed-role/R/alice", account="999999999999"),
     identity=[policy(allow("*"))], scps=[{"orgIdentifier": "r-root", "policies": [policy(allow("s3:*"))]}], management="999999999999")
case("member accounts are not exempt", SEC_SCP_MGMT, "ExplicitlyDenied", request("s3:GetObject", OBJECT, {"identitystore:UserId": "u00042"}),
     identity=[policy(allow("*"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL, DENY_USER]}], management="999999999999")

# --- Resource-based policies and principals -----------------------------------------------------
def bucket_policy(principal, effect="Allow", action="s3:GetObject", not_principal=False, **extra):
    s = {"Effect": effect, "Action": action, "Resource": "arn:aws:s3:::examplebucket/*"}
    s["NotPrincipal" if not_principal else "Principal"] = principal
    s.update(extra)
    return policy(s)

case("same-account resource policy allows without an identity allow", SEC_RBP, "Allowed", request("s3:GetObject", OBJECT),
     identity=[], resource_policy=bucket_policy({"AWS": "arn:aws:iam::111122223333:role/AWSReservedSSO_Developer_0123456789abcdef"}))
case("resource policy naming the account root", SEC_PRINCIPAL_ACCOUNT, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[], resource_policy=bucket_policy({"AWS": "arn:aws:iam::111122223333:root"}))
case("resource policy naming the account id", SEC_PRINCIPAL_ACCOUNT, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[], resource_policy=bucket_policy({"AWS": "111122223333"}))
case("resource policy naming the session ARN", SEC_PRINCIPAL, "Allowed", request("s3:GetObject", OBJECT),
     identity=[], resource_policy=bucket_policy({"AWS": ROLE}))
case("resource policy with Principal *", SEC_PRINCIPAL, "Allowed", request("s3:GetObject", OBJECT), identity=[], resource_policy=bucket_policy("*"))
case("resource policy for another principal", SEC_PRINCIPAL, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[], resource_policy=bucket_policy({"AWS": "arn:aws:iam::111122223333:role/Other"}))
case("resource policy for a service principal only", SEC_PRINCIPAL, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[], resource_policy=bucket_policy({"Service": "cloudtrail.amazonaws.com"}))
case("resource policy deny for the principal wins over identity allow", SEC_RBP, "ExplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"))], resource_policy=bucket_policy({"AWS": "111122223333"}, effect="Deny"))
case("NotPrincipal deny: everyone but the named is denied", SEC_NOTPRINCIPAL, "ExplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:*"))], resource_policy=bucket_policy({"AWS": "arn:aws:iam::111122223333:role/BreakGlass"}, effect="Deny", not_principal=True))
case("NotPrincipal deny: the named passes", SEC_NOTPRINCIPAL, "Allowed",
     request("s3:GetObject", OBJECT, principal="arn:aws:sts::111122223333:assumed-role/BreakGlass/ops"),
     identity=[policy(allow("s3:*"))], resource_policy=bucket_policy({"AWS": "arn:aws:iam::111122223333:role/BreakGlass"}, effect="Deny", not_principal=True))
case("cross-account: resource policy alone is not enough", SEC_CROSS, "ImplicitlyDenied",
     request("s3:GetObject", OBJECT, principal="arn:aws:sts::444455556666:assumed-role/R/bob", account=ACCOUNT),
     identity=[], resource_policy=bucket_policy({"AWS": "444455556666"}))
case("cross-account: resource policy plus identity allow", SEC_CROSS, "Allowed",
     request("s3:GetObject", OBJECT, principal="arn:aws:sts::444455556666:assumed-role/R/bob", account=ACCOUNT),
     identity=[policy(allow("s3:GetObject"))], resource_policy=bucket_policy({"AWS": "444455556666"}))
case("cross-account: identity allow alone is not enough", SEC_CROSS, "ImplicitlyDenied",
     request("s3:GetObject", OBJECT, principal="arn:aws:sts::444455556666:assumed-role/R/bob", account=ACCOUNT),
     identity=[policy(allow("s3:GetObject"))], resource_policy=bucket_policy({"AWS": "arn:aws:iam::444455556666:role/Other"}))
case("resource policy condition on aws:PrincipalTag", SEC_RBP + "; " + SEC_PRINCIPAL_ACCOUNT, "ImplicitlyDenied", request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "payments"}),
     identity=[], resource_policy=bucket_policy({"AWS": "111122223333"}, Condition={"StringEquals": {"aws:PrincipalTag/team": "payments"}}))
case("resource policy condition fails", SEC_RBP, "ImplicitlyDenied", request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "search"}),
     identity=[], resource_policy=bucket_policy({"AWS": "111122223333"}, Condition={"StringEquals": {"aws:PrincipalTag/team": "payments"}}))
case("resource policy with aws:PrincipalOrgID", SEC_RBP, "Allowed", request("s3:GetObject", OBJECT, {"aws:PrincipalOrgID": "o-exampleorgid"}),
     identity=[], resource_policy=bucket_policy("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}))
case("SCP deny still applies to a resource-policy allow", SEC_LOGIC, "ExplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[], scps=[{"orgIdentifier": "r-root", "policies": [FULL, policy(deny("s3:GetObject"))]}],
     resource_policy=bucket_policy({"AWS": "111122223333"}))

# --- Account principals delegate; trust and key policies must allow; boundaries and resource policies ------
USER = "arn:aws:iam::111122223333:user/carlos"
ROLE_ARN = "arn:aws:iam::111122223333:role/AWSReservedSSO_Developer_0123456789abcdef"
case("account principal plus an identity allow: allowed", SEC_PRINCIPAL_ACCOUNT, "Allowed", request("s3:GetObject", OBJECT),
     identity=[policy(allow("s3:GetObject"))], resource_policy=bucket_policy({"AWS": "arn:aws:iam::111122223333:root"}))
case("account principal (root ARN) from another account without an identity allow", SEC_PRINCIPAL_ACCOUNT + "; " + SEC_CROSS, "ImplicitlyDenied",
     request("s3:GetObject", OBJECT, principal="arn:aws:sts::444455556666:assumed-role/R/bob", account=ACCOUNT),
     identity=[], resource_policy=bucket_policy({"AWS": "arn:aws:iam::444455556666:root"}))
case("resource policy condition on aws:PrincipalTag naming the role", SEC_RBP, "Allowed", request("s3:GetObject", OBJECT, {"aws:PrincipalTag/team": "payments"}),
     identity=[], resource_policy=bucket_policy({"AWS": ROLE_ARN}, Condition={"StringEquals": {"aws:PrincipalTag/team": "payments"}}))
case("bucket policy naming an IAM user's ARN grants without an identity policy", SEC_EVAL_RBP, "Allowed",
     request("s3:GetObject", OBJECT, principal=USER), identity=[], resource_policy=bucket_policy({"AWS": USER}))

TRUST = "arn:aws:iam::111122223333:role/Deploy"
def trust(principal):
    return policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
case("AssumeRole: an identity allow is not enough when the trust policy names someone else", SEC_MUST_ALLOW, "ImplicitlyDenied",
     request("sts:AssumeRole", TRUST), identity=[policy(allow("sts:AssumeRole", TRUST))],
     resource_policy=trust({"AWS": "arn:aws:iam::111122223333:role/Other"}))
case("AssumeRole: no trust policy given, identity allow only", SEC_MUST_ALLOW, "ImplicitlyDenied",
     request("sts:AssumeRole", TRUST), identity=[policy(allow("sts:AssumeRole", TRUST))])
case("AssumeRole: trust policy names the account and an identity policy allows", SEC_MUST_ALLOW, "Allowed",
     request("sts:AssumeRole", TRUST), identity=[policy(allow("sts:AssumeRole", TRUST))], resource_policy=trust({"AWS": "111122223333"}))
case("AssumeRole: trust policy names the account, no identity allow", SEC_MUST_ALLOW + "; " + SEC_PRINCIPAL_ACCOUNT, "ImplicitlyDenied",
     request("sts:AssumeRole", TRUST), identity=[], resource_policy=trust({"AWS": "arn:aws:iam::111122223333:root"}))
case("AssumeRole: trust policy names the calling user's ARN, same account, no identity allow", SEC_MUST_ALLOW, "Allowed",
     request("sts:AssumeRoleWithSAML", TRUST, principal=USER), identity=[],
     resource_policy=policy({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole*"}))

KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DEFAULT_KEY_POLICY = policy({"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                             "Action": "kms:*", "Resource": "*"})
case("KMS: identity allow has no effect when the key policy does not let IAM in", SEC_MUST_ALLOW + "; " + SEC_KMS_DEFAULT, "ImplicitlyDenied",
     request("kms:Decrypt", KEY), identity=[policy(allow("kms:Decrypt"))],
     resource_policy=policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"}, "Action": "kms:*", "Resource": "*"}))
case("KMS: default key policy plus an identity allow", SEC_KMS_DEFAULT, "Allowed", request("kms:Decrypt", KEY),
     identity=[policy(allow("kms:Decrypt"))], resource_policy=DEFAULT_KEY_POLICY)
case("KMS: default key policy alone grants nothing", SEC_KMS_DEFAULT + "; " + SEC_PRINCIPAL_ACCOUNT, "ImplicitlyDenied", request("kms:Decrypt", KEY),
     identity=[], resource_policy=DEFAULT_KEY_POLICY)
case("KMS: no key policy given is the default key policy", SEC_KMS_DEFAULT, "Allowed", request("kms:Decrypt", KEY), identity=[policy(allow("kms:Decrypt"))])
case("KMS: key policy naming the role grants without an identity allow", SEC_MUST_ALLOW, "Allowed", request("kms:Decrypt", KEY), identity=[],
     resource_policy=policy({"Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": "kms:Decrypt", "Resource": "*"}))

EC2_ONLY = [policy(allow("ec2:*"))]
case("boundary does not limit a same-account grant to the role session ARN", SEC_BOUNDARY_RBP, "Allowed", request("s3:GetObject", OBJECT),
     identity=[], boundaries=EC2_ONLY, resource_policy=bucket_policy({"AWS": ROLE}))
case("boundary limits a same-account grant to the role ARN", SEC_BOUNDARY_RBP, "ImplicitlyDenied", request("s3:GetObject", OBJECT),
     identity=[], boundaries=EC2_ONLY, resource_policy=bucket_policy({"AWS": ROLE_ARN}))
case("boundary does not limit a same-account grant to the IAM user ARN", SEC_BOUNDARY_RBP, "Allowed", request("s3:GetObject", OBJECT, principal=USER),
     identity=[], boundaries=EC2_ONLY, resource_policy=bucket_policy({"AWS": USER}))
case("grant to the role ARN within a boundary that allows it", SEC_BOUNDARY_RBP, "Allowed", request("s3:GetObject", OBJECT),
     identity=[], boundaries=[policy(allow("s3:*"))], resource_policy=bucket_policy({"AWS": ROLE_ARN}))
case("NotPrincipal Deny denies a caller with a boundary even when it names the caller", SEC_BOUNDARY_NOTPRINCIPAL, "ExplicitlyDenied",
     request("s3:GetObject", OBJECT, principal="arn:aws:sts::111122223333:assumed-role/BreakGlass/ops"),
     identity=[policy(allow("s3:*"))], boundaries=[policy(allow("s3:*"))],
     resource_policy=bucket_policy({"AWS": ["arn:aws:iam::111122223333:role/BreakGlass", "arn:aws:sts::111122223333:assumed-role/BreakGlass/ops"]},
                                   effect="Deny", not_principal=True))

# --- Service guards -----------------------------------------------------------------------------
ADMIN = [policy(allow("*"))]
case("GetCallerIdentity with no policy at all", SEC_GUARD_GCI, "Allowed", request("sts:GetCallerIdentity"), identity=[])
case("GetCallerIdentity despite an explicit deny", SEC_GUARD_GCI, "Allowed", request("sts:GetCallerIdentity"),
     identity=[policy(deny("sts:GetCallerIdentity"))], scps=[{"orgIdentifier": "r-root", "policies": [FULL, policy(deny("*"))]}])
case("an administrator cannot change an AWS managed policy", SEC_GUARD_MANAGED, "ExplicitlyDenied",
     request("iam:CreatePolicyVersion", "arn:aws:iam::aws:policy/AdministratorAccess"), identity=ADMIN)
case("an administrator cannot delete an AWS managed policy", SEC_GUARD_MANAGED, "ExplicitlyDenied",
     request("iam:DeletePolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess"), identity=ADMIN)
case("an administrator can change a customer managed policy", SEC_GUARD_MANAGED, "Allowed",
     request("iam:CreatePolicyVersion", "arn:aws:iam::111122223333:policy/Mine"), identity=ADMIN)
case("alias/aws/ is reserved", SEC_GUARD_ALIAS, "ExplicitlyDenied",
     request("kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/aws/mine"), identity=ADMIN)
case("an ordinary alias can be created", SEC_GUARD_ALIAS, "Allowed",
     request("kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/mine"), identity=ADMIN)
SSO_ROLE = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
case("an AWSReservedSSO role cannot be deleted from the member account", SEC_GUARD_SSO, "ExplicitlyDenied",
     request("iam:DeleteRole", SSO_ROLE), identity=ADMIN)
case("an AWSReservedSSO role's policy cannot be changed from the member account", SEC_GUARD_SSO, "ExplicitlyDenied",
     request("iam:PutRolePolicy", SSO_ROLE), identity=ADMIN)
case("an AWSReservedSSO role can be read", SEC_GUARD_SSO, "Allowed", request("iam:GetRole", SSO_ROLE), identity=ADMIN)

# --- Resource control policies -------------------------------------------------------------------
RCP_PERIMETER = policy({"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "kms:*", "sqs:*"], "Resource": "*",
                        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"}}})
OUTSIDER = "arn:aws:sts::444455556666:assumed-role/R/bob"
def rcp_case(name, source, expect, req, **kw):
    c = {"request": req, "identityPolicies": [policy(allow("*"))],
         "resourcePolicy": bucket_policy("*", action="s3:*")}
    c.update(kw)
    entry = {"name": name, "source": source, "case": c, "expect": expect}
    cases.append(entry)
rcp_case("RCP perimeter denies a principal outside the organization", SEC_RCP, "ExplicitlyDenied",
         request("s3:GetObject", OBJECT, {"aws:PrincipalOrgID": "o-other"}, principal=OUTSIDER),
         resourceControlPolicies=[{"orgIdentifier": "r-root", "policies": [RCP_PERIMETER]}])
rcp_case("RCP perimeter spares a principal inside the organization", SEC_RCP, "Allowed",
         request("s3:GetObject", OBJECT, {"aws:PrincipalOrgID": "o-exampleorgid"}, principal=OUTSIDER),
         resourceControlPolicies=[{"orgIdentifier": "r-root", "policies": [RCP_PERIMETER]}])
rcp_case("RCP at an OU level below the root also applies", SEC_RCP, "ExplicitlyDenied",
         request("s3:PutObject", OBJECT, {"aws:PrincipalOrgID": "o-other"}, principal=OUTSIDER),
         resourceControlPolicies=[{"orgIdentifier": "r-root", "policies": []}, {"orgIdentifier": "ou-prod", "policies": [RCP_PERIMETER]}])
rcp_case("RCPs do not affect resources in the management account", SEC_RCP_MGMT, "Allowed",
         request("s3:GetObject", OBJECT, {"aws:PrincipalOrgID": "o-other"}, principal=OUTSIDER),
         resourceControlPolicies=[{"orgIdentifier": "r-root", "policies": [RCP_PERIMETER]}], managementAccountId=ACCOUNT)
rcp_case("RCPs apply only to the services AWS lists (not EC2)", SEC_RCP, "Allowed",
         request("ec2:StartInstances", INSTANCE, {"aws:PrincipalOrgID": "o-other"}),
         resourceControlPolicies=[{"orgIdentifier": "r-root", "policies": [policy({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"})]}])
rcp_case("RCPFullAWSAccess is implied: an RCP level with no Allow does not deny", SEC_RCP, "Allowed",
         request("s3:GetObject", OBJECT, {"aws:PrincipalOrgID": "o-exampleorgid"}),
         resourceControlPolicies=[{"orgIdentifier": "r-root", "policies": [RCP_PERIMETER]}])

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "Tests", "AccessLabTests", "PolicyCorpus", "corpus.json")
os.makedirs(os.path.dirname(out), exist_ok=True)
names = [c["name"] for c in cases]
assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1][:5]
with open(out, "w") as f:
    json.dump(cases, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"{len(cases)} cases -> {os.path.relpath(out)}")
