"""A real client's export goes in: moto's server seeded with boto3, exported by tools/export-aws-org.sh
with the AWS CLI, imported with `accesslab import aws`, and `accesslab access` must name exactly the
entitlements the seed made, user by user and account by account."""
import json
import os
import subprocess
import tempfile
import unittest

import boto3
from moto.server import ThreadedMotoServer

from test_snapshot_aws import ROOT, accesslab, reset_moto

VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def seed(c):
    """An organisation: 3 member accounts in an OU, an SCP, 5 users, 2 groups, 2 permission sets,
    group and user assignments. Returns the expected entitlements by (user name, account name, set name)."""
    org, sso, ids = c["organizations"], c["sso-admin"], c["identitystore"]
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    accounts = {}
    for name in ("payments-dev", "payments-prod", "shared"):
        accounts[name] = org.create_account(Email=f"aws+{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=accounts[name], SourceParentId=root, DestinationParentId=ou)
    scp = org.create_policy(Name="deny-leave", Type="SERVICE_CONTROL_POLICY", Description="",
                            Content=json.dumps({"Version": "2012-10-17", "Statement": [
                                {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=ou)
    instance = sso.list_instances()["Instances"][0]
    store, arn = instance["IdentityStoreId"], instance["InstanceArn"]
    users = {}
    for n in range(1, 6):
        name = f"user{n}@example.com"
        users[name] = ids.create_user(IdentityStoreId=store, UserName=name, DisplayName=f"User {n}",
                                      Name={"GivenName": f"Given{n}", "FamilyName": f"Family{n}"},
                                      Emails=[{"Value": name, "Type": "work", "Primary": True}])["UserId"]
    groups = {"payments": ["user1@example.com", "user2@example.com", "user3@example.com"], "platform": ["user4@example.com"]}
    group_ids = {}
    for g, members in groups.items():
        group_ids[g] = ids.create_group(IdentityStoreId=store, DisplayName=g)["GroupId"]
        for m in members:
            ids.create_group_membership(IdentityStoreId=store, GroupId=group_ids[g], MemberId={"UserId": users[m]})
    sets = {}
    for name, duration in (("Developer", "PT8H"), ("ReadOnly", "PT12H")):
        sets[name] = sso.create_permission_set(InstanceArn=arn, Name=name, SessionDuration=duration)["PermissionSet"]["PermissionSetArn"]
    sso.put_inline_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=sets["Developer"], InlinePolicy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    sso.attach_managed_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=sets["ReadOnly"],
                                                ManagedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    grants = [("GROUP", "payments", "payments-dev", "Developer"), ("GROUP", "payments", "payments-prod", "ReadOnly"),
              ("GROUP", "platform", "shared", "ReadOnly"), ("USER", "user5@example.com", "shared", "Developer")]
    expected = set()
    for kind, who, account, ps in grants:
        principal = group_ids[who] if kind == "GROUP" else users[who]
        sso.create_account_assignment(InstanceArn=arn, TargetId=accounts[account], TargetType="AWS_ACCOUNT",
                                      PermissionSetArn=sets[ps], PrincipalType=kind, PrincipalId=principal)
        for user in (groups[who] if kind == "GROUP" else [who]):
            expected.add((user, account, ps))
    return expected


class ExportImportThroughMotoTests(unittest.TestCase):
    def test_an_export_of_motos_organisation_imports_to_exactly_its_entitlements(self):
        server = ThreadedMotoServer(port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            reset_moto(host, port)
            endpoint = f"http://{host}:{port}"
            kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
            expected = seed({s: boto3.client(s, **kw) for s in ("organizations", "sso-admin", "identitystore")})
            with tempfile.TemporaryDirectory() as t:
                env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                           AWS_CLI=os.path.join(VENV_BIN, "aws"), PATH=VENV_BIN + os.pathsep + os.environ["PATH"])
                done = subprocess.run(["bash", os.path.join(ROOT, "tools", "export-aws-org.sh"), "--endpoint-url", endpoint, f"{t}/export"],
                                      capture_output=True, text=True, env=env)
                self.assertEqual(done.returncode, 0, done.stderr)
                report = json.loads(accesslab("import", "aws", f"{t}/export", "--db", f"{t}/db", "--json"))
                with open(f"{t}/export/export.json") as f:
                    at = json.load(f)["at"]
                rows = json.loads(accesslab("access", "--db", f"{t}/db", "--at", at, "--json"))["rows"]
                with open(f"{t}/export/identitystore/ListUsers.json") as f:
                    users = {u["UserId"]: u["UserName"] for u in json.load(f)["Users"]}
        finally:
            server.stop()
        got = {(users[r["user"]], r["accountName"], r["permissionSet"]) for r in rows if r["entitled"]}
        self.assertEqual(got, expected)
        self.assertEqual(report["counts"]["accounts"], 4)
        self.assertEqual(report["counts"]["service control policies"], 1)
        self.assertEqual(report["counts"]["users"], 5)
        # What moto writes in other forms than AWS documents is listed, not refused.
        self.assertIsInstance(report["idDeviations"], list)


if __name__ == "__main__":
    unittest.main()
