"""`accesslab snapshot --format aws` read the way AWS clients read AWS: every response checked against
botocore's service model, pages followed by NextToken, and the organisation loaded into moto's server
through boto3 and read back."""
import json
import os
import subprocess
import tempfile
import unittest

import boto3
from moto.server import ThreadedMotoServer

import aws_models

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("ACCESSLAB_BIN", os.path.join(ROOT, ".build", "debug", "accesslab"))


def accesslab(*args):
    done = subprocess.run([BIN, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"accesslab {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def reset_moto(host, port):
    """moto's backends live in the process, not the server: every test starts from an empty AWS."""
    import urllib.request
    urllib.request.urlopen(urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")).read()


def iso_ms(text):
    """Milliseconds since the epoch of an ISO-8601 UTC time."""
    import datetime
    return round(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


class Export:
    def __init__(self, directory):
        self.dir = directory
        with open(os.path.join(directory, "export.json")) as f:
            self.manifest = json.load(f)

    def calls(self, service=None, operation=None):
        return [c for c in self.manifest["calls"]
                if (service is None or c["service"] == service) and (operation is None or c["operation"] == operation)]

    def body(self, call):
        with open(os.path.join(self.dir, call["file"])) as f:
            return json.load(f)

    def items(self, service, operation, key, **request):
        """Every item of a paginated call, following NextToken from the first page as a client would."""
        first = [c for c in self.calls(service, operation)
                 if all(c["request"].get(k) == v for k, v in request.items()) and "NextToken" not in c["request"]
                 and "nextToken" not in c["request"]]
        assert len(first) == 1, f"{operation} {request}: {len(first)} first pages"
        call, out = first[0], []
        while True:
            body = self.body(call)
            out += body[key]
            token = body.get("NextToken") or body.get("nextToken")
            if not token:
                return out
            following = [c for c in self.calls(service, operation)
                         if (c["request"].get("NextToken") or c["request"].get("nextToken")) == token
                         and all(c["request"].get(k) == v for k, v in request.items())]
            assert len(following) == 1, f"{operation}: no page for token {token}"
            call = following[0]


class SnapshotAWSFormatTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        accesslab("run", os.path.join(ROOT, "scenarios", "tiny.yaml"), "--db", f"{t}/tiny", "--no-check")
        cls.exports = {}
        for at in ("+2d", "+9d12h"):
            accesslab("snapshot", "--db", f"{t}/tiny", "--at", at, "--format", "aws", "--out", f"{t}/aws{at}")
            accesslab("snapshot", "--db", f"{t}/tiny", "--at", at, "--out", f"{t}/canonical{at}.json")
            cls.exports[at] = Export(f"{t}/aws{at}")
        # Enough users for several pages of ListUsers.
        accesslab("run", os.path.join(ROOT, "scenarios", "org-120-jml.yaml"), "--db", f"{t}/org", "--until", "1d", "--no-check")
        accesslab("snapshot", "--db", f"{t}/org", "--at", "+23h", "--format", "aws", "--out", f"{t}/org-aws")
        cls.org = Export(f"{t}/org-aws")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def canonical(self, at):
        with open(f"{self.tmp.name}/canonical{at}.json") as f:
            return json.load(f)["state"]

    def test_every_response_and_request_matches_botocores_model(self):
        for export in [*self.exports.values(), self.org]:
            self.assertGreater(len(export.manifest["calls"]), 20)
            for call in export.manifest["calls"]:
                problems = aws_models.check_response(call["service"], call["operation"], export.body(call))
                problems += aws_models.check_request(call["service"], call["operation"], call["request"])
                self.assertEqual(problems, [], f"{call['file']}")

    def test_the_validator_refuses_what_aws_would_not_send(self):
        self.assertTrue(aws_models.check_response("identitystore", "ListUsers", {"Users": [{"UserId": "u00001", "Invented": 1}]}))
        self.assertTrue(aws_models.check_response("sso-admin", "DescribePermissionSet",
                                                  {"PermissionSet": {"SessionDuration": "12 hours"}}))

    def test_ids_and_arns_have_awss_formats(self):
        export = self.exports["+9d12h"]
        users = export.items("identitystore", "ListUsers", "Users")
        self.assertTrue(all(len(u["UserId"]) == 36 and u["UserId"].count("-") == 4 for u in users))
        self.assertTrue(all(u["UserStatus"] in ("ENABLED", "DISABLED") for u in users))
        instance = export.body(export.calls("sso-admin", "ListInstances")[0])["Instances"][0]
        self.assertRegex(instance["InstanceArn"], r"^arn:aws:sso:::instance/ssoins-[0-9a-f]{16}$")
        self.assertRegex(instance["IdentityStoreId"], r"^d-[0-9a-f]{10}$")
        sets = export.items("sso-admin", "ListPermissionSets", "PermissionSets")
        self.assertTrue(all(a.startswith(instance["InstanceArn"].replace("instance/", "permissionSet/") + "/ps-") for a in sets))

    def test_users_and_statuses_are_the_simulated_state(self):
        for at, export in self.exports.items():
            state = self.canonical(at)
            expected = {u["attributes"]["userName"]: "ENABLED" if u["status"] == "active" else "DISABLED"
                        for u in state["identityCenter"]["users"] if u["status"] != "deleted"}
            got = {u["UserName"]: u["UserStatus"] for u in export.items("identitystore", "ListUsers", "Users")}
            self.assertEqual(got, expected, at)
        # By day 9 the tiny scenario's leaver is disabled: the export says so.
        self.assertIn("DISABLED", {u["UserStatus"] for u in self.exports["+9d12h"].items("identitystore", "ListUsers", "Users")})

    def test_live_credentials_are_get_role_credentials_answers(self):
        at = "+9d12h"
        export = self.exports[at]
        with open(f"{self.tmp.name}/canonical{at}.json") as f:
            when = iso_ms(json.load(f)["at"])
        live = sorted(iso_ms(c["expiresAt"]) for c in self.canonical(at)["credentials"]
                      if iso_ms(c["issuedAt"]) <= when < iso_ms(c["expiresAt"]))
        answers = [export.body(c)["roleCredentials"] for c in export.calls("sso", "GetRoleCredentials")]
        self.assertGreater(len(live), 0)
        self.assertEqual(sorted(rc["expiration"] for rc in answers), live)
        for rc in answers:
            self.assertRegex(rc["accessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        self.assertEqual(len({rc["accessKeyId"] for rc in answers}), len(answers))

    def test_pages_chain_by_next_token_and_respect_the_models_page_size(self):
        users = self.org.calls("identitystore", "ListUsers")
        self.assertGreater(len(users), 1, "the 120-account organisation needs several pages of users")
        for call in users:
            self.assertLessEqual(len(self.org.body(call)["Users"]), 100)
        everyone = self.org.items("identitystore", "ListUsers", "Users")
        self.assertEqual(len(everyone), len({u["UserId"] for u in everyone}))
        self.assertEqual(len(everyone), sum(len(self.org.body(c)["Users"]) for c in users))
        accounts = self.org.items("organizations", "ListAccounts", "Accounts")
        self.assertEqual(len(accounts), 120)
        self.assertTrue(all(len(self.org.body(c)["Accounts"]) <= 20 for c in self.org.calls("organizations", "ListAccounts")))

    def test_the_organisation_loads_into_motos_server_and_reads_back_the_same(self):
        export = self.exports["+9d12h"]
        server = ThreadedMotoServer(port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            reset_moto(host, port)
            kw = dict(endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
            loaded = load_into_moto(export, {s: boto3.client(s, **kw) for s in ("organizations", "sso-admin", "identitystore")})
            read = read_from_moto({s: boto3.client(s, **kw) for s in ("organizations", "sso-admin", "identitystore")})
        finally:
            server.stop()
        self.assertEqual(read, loaded)
        self.assertEqual(len(read["accounts"]), 5)  # the management account is moto's own
        self.assertGreater(len(read["assignments"]), 0)


def load_into_moto(export, c):
    """Creates the export's organisation in moto by name, returning what it created, by name."""
    org, sso, ids = c["organizations"], c["sso-admin"], c["identitystore"]
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou_names, account_ids, expected = {}, {}, {"accounts": set(), "users": set(), "groups": {}, "sets": {}, "assignments": set()}
    ous = [(root, c0) for c0 in export.calls("organizations", "ListOrganizationalUnitsForParent")]
    parents = {export.body(c0)["OrganizationalUnits"][i]["Id"]: c0["request"]["ParentId"]
               for c0 in export.calls("organizations", "ListOrganizationalUnitsForParent")
               for i in range(len(export.body(c0)["OrganizationalUnits"]))}
    made = {export.body(export.calls("organizations", "ListRoots")[0])["Roots"][0]["Id"]: root}
    pending = [ou for c0 in export.calls("organizations", "ListOrganizationalUnitsForParent") for ou in export.body(c0)["OrganizationalUnits"]]
    while pending:
        ou = next(o for o in pending if parents[o["Id"]] in made)
        made[ou["Id"]] = org.create_organizational_unit(ParentId=made[parents[ou["Id"]]], Name=ou["Name"])["OrganizationalUnit"]["Id"]
        ou_names[ou["Id"]] = ou["Name"]
        pending.remove(ou)
    account_parent = {a["Id"]: c0["request"]["ParentId"] for c0 in export.calls("organizations", "ListAccountsForParent") for a in export.body(c0)["Accounts"]}
    management = export.body(export.calls("organizations", "DescribeOrganization")[0])["Organization"]["MasterAccountId"]
    names = {}
    for a in export.items("organizations", "ListAccounts", "Accounts"):
        names[a["Id"]] = a["Name"]
        if a["Id"] == management:
            continue
        status = org.create_account(Email=a["Email"], AccountName=a["Name"])["CreateAccountStatus"]
        account_ids[a["Id"]] = status["AccountId"]
        if account_parent[a["Id"]] in made and made[account_parent[a["Id"]]] != root:
            org.move_account(AccountId=status["AccountId"], SourceParentId=root, DestinationParentId=made[account_parent[a["Id"]]])
        expected["accounts"].add((a["Name"], ou_names.get(account_parent[a["Id"]], "Root")))

    instance = sso.list_instances()["Instances"][0]
    store, arn = instance["IdentityStoreId"], instance["InstanceArn"]
    user_ids, group_ids, user_names, group_names = {}, {}, {}, {}
    for u in export.items("identitystore", "ListUsers", "Users"):
        user_ids[u["UserId"]] = ids.create_user(IdentityStoreId=store, UserName=u["UserName"], DisplayName=u["DisplayName"],
                                                Name={k: v for k, v in u["Name"].items() if k in ("GivenName", "FamilyName", "Formatted")},
                                                Emails=u["Emails"])["UserId"]
        user_names[u["UserId"]] = u["UserName"]
        expected["users"].add((u["UserName"], u["DisplayName"]))
    for g in export.items("identitystore", "ListGroups", "Groups"):
        group_ids[g["GroupId"]] = ids.create_group(IdentityStoreId=store, DisplayName=g["DisplayName"])["GroupId"]
        group_names[g["GroupId"]] = g["DisplayName"]
        members = export.items("identitystore", "ListGroupMemberships", "GroupMemberships", GroupId=g["GroupId"])
        for m in members:
            ids.create_group_membership(IdentityStoreId=store, GroupId=group_ids[g["GroupId"]], MemberId={"UserId": user_ids[m["MemberId"]["UserId"]]})
        expected["groups"][g["DisplayName"]] = sorted(user_names[m["MemberId"]["UserId"]] for m in members)

    set_arns, set_names = {}, {}
    for ps_arn in export.items("sso-admin", "ListPermissionSets", "PermissionSets"):
        ps = [export.body(c0)["PermissionSet"] for c0 in export.calls("sso-admin", "DescribePermissionSet") if c0["request"]["PermissionSetArn"] == ps_arn][0]
        set_arns[ps_arn] = sso.create_permission_set(InstanceArn=arn, Name=ps["Name"], SessionDuration=ps["SessionDuration"])["PermissionSet"]["PermissionSetArn"]
        set_names[ps_arn] = ps["Name"]
        inline = [export.body(c0).get("InlinePolicy") for c0 in export.calls("sso-admin", "GetInlinePolicyForPermissionSet") if c0["request"]["PermissionSetArn"] == ps_arn]
        if inline and inline[0]:
            sso.put_inline_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=set_arns[ps_arn], InlinePolicy=inline[0])
        expected["sets"][ps["Name"]] = (ps["SessionDuration"], bool(inline and inline[0]))
    for call in export.calls("sso-admin", "ListAccountAssignments"):
        for a in export.body(call)["AccountAssignments"]:
            target = account_ids.get(a["AccountId"], a["AccountId"])
            principal = (group_ids if a["PrincipalType"] == "GROUP" else user_ids)[a["PrincipalId"]]
            sso.create_account_assignment(InstanceArn=arn, TargetId=target, TargetType="AWS_ACCOUNT", PermissionSetArn=set_arns[a["PermissionSetArn"]],
                                          PrincipalType=a["PrincipalType"], PrincipalId=principal)
            who = (group_names if a["PrincipalType"] == "GROUP" else user_names)[a["PrincipalId"]]
            expected["assignments"].add((names[a["AccountId"]], set_names[a["PermissionSetArn"]], a["PrincipalType"], who))
    return expected


def read_from_moto(c):
    """The organisation as moto answers it, by name, with boto3's paginators."""
    org, sso, ids = c["organizations"], c["sso-admin"], c["identitystore"]
    def pages(client, op, key, **kw):
        return [x for p in client.get_paginator(op).paginate(**kw) for x in p[key]]
    root = org.list_roots()["Roots"][0]["Id"]
    ou_names = {ou["Id"]: ou["Name"] for ou in pages(org, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=root)}
    management = org.describe_organization()["Organization"]["MasterAccountId"]
    parent = {}
    for pid in [root, *ou_names]:
        for a in pages(org, "list_accounts_for_parent", "Accounts", ParentId=pid):
            parent[a["Id"]] = ou_names.get(pid, "Root")
    accounts = {a["Id"]: a["Name"] for a in pages(org, "list_accounts", "Accounts")}
    instance = sso.list_instances()["Instances"][0]
    store, arn = instance["IdentityStoreId"], instance["InstanceArn"]
    users = {u["UserId"]: u for u in pages(ids, "list_users", "Users", IdentityStoreId=store)}
    groups = {g["GroupId"]: g["DisplayName"] for g in pages(ids, "list_groups", "Groups", IdentityStoreId=store)}
    out = {"accounts": {(n, parent[i]) for i, n in accounts.items() if i != management}, "users": {(u["UserName"], u["DisplayName"]) for u in users.values()},
           "groups": {}, "sets": {}, "assignments": set()}
    for gid, name in groups.items():
        out["groups"][name] = sorted(users[m["MemberId"]["UserId"]]["UserName"]
                                     for m in pages(ids, "list_group_memberships", "GroupMemberships", IdentityStoreId=store, GroupId=gid))
    for ps_arn in pages(sso, "list_permission_sets", "PermissionSets", InstanceArn=arn):
        ps = sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn)["PermissionSet"]
        inline = sso.get_inline_policy_for_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn).get("InlinePolicy")
        out["sets"][ps["Name"]] = (ps["SessionDuration"], bool(inline))
        for account_id, account_name in accounts.items():
            for a in pages(sso, "list_account_assignments", "AccountAssignments", InstanceArn=arn, AccountId=account_id, PermissionSetArn=ps_arn):
                who = groups[a["PrincipalId"]] if a["PrincipalType"] == "GROUP" else users[a["PrincipalId"]]["UserName"]
                out["assignments"].add((account_name, ps["Name"], a["PrincipalType"], who))
    return out


if __name__ == "__main__":
    unittest.main()
