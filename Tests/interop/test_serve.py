"""`accesslab serve` driven by real clients: boto3 (sso-admin, identitystore, organizations, sso-oidc,
the portal through botocore's own SSO credential provider, STS, IAM) and the AWS CLI. Every JSON answer
is checked against botocore's service model. The story: a user provisioned into a group, the group
assigned, provisioning finishing on virtual time, a device-flow sign-in, role credentials, the user
disabled, and the clock advanced until new credentials stop (sign-in cache) and the old ones die
(session duration); then `accesslab timeline` tells the same story from the log."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

import aws_models
from test_snapshot_aws import BIN, ROOT, accesslab

VENV_BIN = os.path.join(ROOT, ".venv", "bin")


class Served:
    """An `accesslab serve` process on a free port, with clients that check every answer."""

    def __init__(self, scenario=None, extra=()):
        self.dir = tempfile.mkdtemp(prefix="accesslab-serve-")
        self.db = os.path.join(self.dir, "db")
        args = [BIN, "serve", *( [scenario] if scenario else []), "--db", self.db, "--port", "0", *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        info_path = os.path.join(self.db, "serve.json")
        for _ in range(300):
            if os.path.exists(info_path):
                try:
                    with open(info_path) as f:
                        self.info = json.load(f)
                    break
                except ValueError:
                    pass
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}: {self.proc.stderr.read()}")
            time.sleep(0.1)
        else:
            raise AssertionError("serve did not write serve.json")
        self.endpoint = self.info["endpoint"]
        self.problems = []

    def stop(self):
        self.proc.send_signal(2)
        out, err = self.proc.communicate(timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode, err

    def _check(self, service):
        def hook(http_response, parsed, model, **_):
            if not http_response.content or http_response.status_code >= 300:
                return
            if model.metadata.get("protocol") not in ("json", "rest-json"):
                return
            body = json.loads(http_response.content)
            for p in aws_models.check_response(service, model.name, body):
                self.problems.append(f"{service} {model.name}: {p}")
        return hook

    def client(self, service, key=None, secret=None, token=None):
        c = boto3.client(service, endpoint_url=self.endpoint, region_name=self.info["region"],
                         aws_access_key_id=key or self.info["accessKeyId"],
                         aws_secret_access_key=secret or self.info["secretAccessKey"], aws_session_token=token,
                         config=Config(retries={"max_attempts": 1}))
        c.meta.events.register("after-call.*", self._check(service))
        return c

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.endpoint}/_accesslab/{path}", data=data, method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(req) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return {"status": e.code, **json.loads(e.read())}

    def advance(self, text):
        return self.control("clock", {"advance": text})


class ServeStoryTest(unittest.TestCase):
    def setUp(self):
        self.s = Served(os.path.join(ROOT, "scenarios", "tiny.yaml"))

    def tearDown(self):
        code, err = self.s.stop()
        self.assertEqual(code, 0, err)
        self.assertIn("log verified", err)

    def test_leaver_story_end_to_end(self):
        s = self.s
        sso, ids, org = s.client("sso-admin"), s.client("identitystore"), s.client("organizations")
        instance = sso.list_instances()["Instances"][0]
        arn, store = instance["InstanceArn"], instance["IdentityStoreId"]
        self.assertTrue(arn.startswith("arn:aws:sso:::instance/ssoins-") and store.startswith("d-"))

        # An account and a permission set from the scenario, found the way a client finds them.
        accounts = {a["Name"]: a["Id"] for a in org.get_paginator("list_accounts").paginate().build_full_result()["Accounts"]}
        self.assertIn("payments-dev", accounts)
        sets = sso.list_permission_sets(InstanceArn=arn)["PermissionSets"]
        names = {sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=p)["PermissionSet"]["Name"]: p for p in sets}
        developer = names["Developer"]

        # Provision a user into a new group and assign the group.
        user = ids.create_user(IdentityStoreId=store, UserName="zoe@example.com", DisplayName="Zoe Q",
                               Name={"GivenName": "Zoe", "FamilyName": "Q"},
                               Emails=[{"Value": "zoe@example.com", "Type": "work", "Primary": True}])["UserId"]
        group = ids.create_group(IdentityStoreId=store, DisplayName="auditors")["GroupId"]
        ids.create_group_membership(IdentityStoreId=store, GroupId=group, MemberId={"UserId": user})
        self.assertEqual(ids.get_user_id(IdentityStoreId=store, AlternateIdentifier={
            "UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "zoe@example.com"}})["UserId"], user)
        status = sso.create_account_assignment(InstanceArn=arn, TargetId=accounts["payments-dev"], TargetType="AWS_ACCOUNT",
                                               PermissionSetArn=developer, PrincipalType="GROUP", PrincipalId=group)["AccountAssignmentCreationStatus"]
        self.assertEqual(status["Status"], "IN_PROGRESS")
        request = status["RequestId"]
        # Virtual time has not moved: still in progress. A minute later (the modelled delay is 3-20 s): done.
        self.assertEqual(sso.describe_account_assignment_creation_status(InstanceArn=arn, AccountAssignmentCreationRequestId=request)
                         ["AccountAssignmentCreationStatus"]["Status"], "IN_PROGRESS")
        s.advance("1m")
        self.assertEqual(sso.describe_account_assignment_creation_status(InstanceArn=arn, AccountAssignmentCreationRequestId=request)
                         ["AccountAssignmentCreationStatus"]["Status"], "SUCCEEDED")
        mine = sso.list_account_assignments_for_principal(InstanceArn=arn, PrincipalId=group, PrincipalType="GROUP")["AccountAssignments"]
        self.assertEqual([(a["AccountId"], a["PermissionSetArn"]) for a in mine], [(accounts["payments-dev"], developer)])

        # The device flow, as `aws sso login` does it: register, start, the user approves, token.
        oidc = s.client("sso-oidc")
        client = oidc.register_client(clientName="test", clientType="public")
        device = oidc.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=s.info["startUrl"])
        with self.assertRaises(botocore.exceptions.ClientError) as pending:
            oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                              grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=device["deviceCode"])
        self.assertEqual(pending.exception.response["Error"]["Code"], "AuthorizationPendingException")
        approved = s.control("signin", {"userName": "zoe@example.com", "userCode": device["userCode"]})
        self.assertIn("sessionId", approved)
        token = oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                                  grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=device["deviceCode"])

        # botocore's own SSO credential provider, reading the token cache `aws sso login` writes.
        home = tempfile.mkdtemp(prefix="accesslab-home-")
        os.makedirs(os.path.join(home, ".aws", "sso", "cache"))
        with open(os.path.join(home, ".aws", "config"), "w") as f:
            f.write(f"[profile served]\nsso_session = accesslab\nsso_account_id = {accounts['payments-dev']}\nsso_role_name = Developer\n"
                    f"region = {s.info['region']}\n\n[sso-session accesslab]\nsso_start_url = {s.info['startUrl']}\n"
                    f"sso_region = {s.info['region']}\nsso_registration_scopes = sso:account:access\n")
        cache = os.path.join(home, ".aws", "sso", "cache", hashlib.sha1(b"accesslab").hexdigest() + ".json")
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + token["expiresIn"]))
        with open(cache, "w") as f:
            json.dump({"startUrl": s.info["startUrl"], "region": s.info["region"], "accessToken": token["accessToken"],
                       "expiresAt": expires, "clientId": client["clientId"], "clientSecret": client["clientSecret"],
                       "registrationExpiresAt": expires, "refreshToken": token["refreshToken"]}, f)
        # botocore reads its cache directory from HOME when it is imported: a child process with this HOME.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"), "HOME": home, "AWS_ENDPOINT_URL": s.endpoint,
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"), "PATH": VENV_BIN + os.pathsep + os.environ["PATH"]})
        script = ("import boto3, json; s = boto3.Session(profile_name='served'); c = s.get_credentials().get_frozen_credentials(); "
                  "print(json.dumps([c.access_key, c.secret_key, c.token]))")
        got = subprocess.run([os.path.join(VENV_BIN, "python"), "-c", script], capture_output=True, text=True, env=env)
        self.assertEqual(got.returncode, 0, got.stderr[-2000:])
        key, secret, session_token = json.loads(got.stdout)
        # The AWS CLI, with the same profile: `aws sts get-caller-identity --profile served`.
        cli = subprocess.run(["aws", "sts", "get-caller-identity", "--profile", "served", "--output", "json"], capture_output=True, text=True, env=env)
        self.assertEqual(cli.returncode, 0, cli.stderr[-2000:])
        identity = json.loads(cli.stdout)
        shutil.rmtree(home, ignore_errors=True)
        self.assertEqual(identity["Account"], accounts["payments-dev"])
        self.assertRegex(identity["Arn"], r"^arn:aws:sts::\d{12}:assumed-role/AWSReservedSSO_Developer_[0-9a-f]{16}/zoe@example.com$")

        # The credentials act in the member account. Developer's inline policy denies iam:*, so IAM refuses
        # GetRole with an explicit deny; no deny ever stops GetCallerIdentity.
        sts = s.client("sts", key, secret, session_token)
        iam = s.client("iam", key, secret, session_token)
        role_name = identity["Arn"].split("/")[1]
        with self.assertRaises(botocore.exceptions.ClientError) as denied:
            iam.get_role(RoleName=role_name)
        self.assertEqual(denied.exception.response["Error"]["Code"], "AccessDenied")
        self.assertIn("explicit deny", denied.exception.response["Error"]["Message"])
        self.assertEqual(sts.get_caller_identity()["Arn"], identity["Arn"])
        verdict = s.control("authorize", {"accessKeyId": key, "action": "iam:GetRole", "resource": "*"})
        self.assertEqual(verdict["decision"], "ExplicitlyDenied")
        self.assertIn("NoIdentityChanges", [st["sid"] for st in verdict["statements"]])

        # A permission set that may read IAM, assigned to the user directly.
        reader = sso.create_permission_set(InstanceArn=arn, Name="IamReader", SessionDuration="PT1H")["PermissionSet"]["PermissionSetArn"]
        sso.put_inline_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=reader, InlinePolicy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"], "Resource": "*"}]}))
        sso.create_account_assignment(InstanceArn=arn, TargetId=accounts["payments-dev"], TargetType="AWS_ACCOUNT",
                                      PermissionSetArn=reader, PrincipalType="USER", PrincipalId=user)
        s.advance("1m")
        portal = s.client("sso")
        roles = portal.list_account_roles(accessToken=token["accessToken"], accountId=accounts["payments-dev"])["roleList"]
        self.assertEqual(sorted(r["roleName"] for r in roles), ["Developer", "IamReader"])
        rc = portal.get_role_credentials(roleName="IamReader", accountId=accounts["payments-dev"], accessToken=token["accessToken"])["roleCredentials"]
        iam_reader = s.client("iam", rc["accessKeyId"], rc["secretAccessKey"], rc["sessionToken"])
        listed = [r["RoleName"] for r in iam_reader.list_roles(PathPrefix="/aws-reserved/")["Roles"]]
        self.assertIn(role_name, listed)
        role = iam_reader.get_role(RoleName=role_name)["Role"]
        self.assertEqual(role["Path"], "/aws-reserved/sso.amazonaws.com/")
        self.assertEqual(role["Arn"], f"arn:aws:iam::{accounts['payments-dev']}:role/aws-reserved/sso.amazonaws.com/{role_name}")

        # The leaver: the IdP disables the user over SCIM (PATCH active=false), as Entra and Okta do.
        patch = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                            "Operations": [{"op": "replace", "path": "active", "value": False}]}).encode()
        req = urllib.request.Request(f"{s.info['scimEndpoint']}Users/{user}", data=patch, method="PATCH",
                                     headers={"Authorization": f"Bearer {s.info['scimToken']}", "Content-Type": "application/scim+json"})
        with urllib.request.urlopen(req) as r:
            self.assertFalse(json.loads(r.read())["active"])
        s.advance("30m")
        # Inside the one-hour sign-in cache the cached session still mints (what AWS documents).
        fresh = portal.get_role_credentials(roleName="Developer", accountId=accounts["payments-dev"], accessToken=token["accessToken"])
        self.assertIn("accessKeyId", fresh["roleCredentials"])
        s.advance("31m")
        with self.assertRaises(botocore.exceptions.ClientError) as refused:
            portal.get_role_credentials(roleName="Developer", accountId=accounts["payments-dev"], accessToken=token["accessToken"])
        self.assertEqual(refused.exception.response["Error"]["Code"], "UnauthorizedException")
        # Credentials already issued still work until they expire (Developer: 8 h)...
        self.assertEqual(sts.get_caller_identity()["Account"], accounts["payments-dev"])
        s.advance("8h")
        with self.assertRaises(botocore.exceptions.ClientError) as expired:
            sts.get_caller_identity()
        self.assertEqual(expired.exception.response["Error"]["Code"], "ExpiredToken")

        self.assertEqual(s.problems, [])

        # The log tells the same story.
        timeline = accesslab("timeline", "--db", s.db, "--user", "zoe@example.com")
        for fact in ("user created (admin)", "active=false (scim)", "payments-dev", "Developer", "IamReader", "Sign-in lost at",
                     "new ones refused: user disabled in Identity Center", "expired"):
            self.assertIn(fact, timeline)
        # The credential minted inside the sign-in cache (30 minutes after the disable) is the last to expire.
        self.assertRegex(timeline, r"last instant able to act: 2026-01-05T08:3\d")
        # The log as CloudTrail names each served request's id and caller.
        trail = json.loads(subprocess.run([BIN, "log", "--db", s.db, "--cloudtrail"], capture_output=True, text=True).stdout)
        created = [r for r in trail["Records"] if r["eventName"] == "CreatePermissionSet"]
        self.assertEqual(created[-1]["userIdentity"]["arn"].split(":")[-1], "user/accesslab-admin")  # IamReader, made over the API (the scenario's own are the simulated admin's)
        # The device flow's token issues are sso-oauth records, their secrets hidden.
        tokens = [r for r in trail["Records"] if r["eventName"] == "CreateToken"]
        self.assertTrue(tokens)
        self.assertEqual({r["eventSource"] for r in tokens}, {"sso-oauth.amazonaws.com"})
        self.assertEqual(tokens[0]["requestParameters"]["clientSecret"], "HIDDEN_DUE_TO_SECURITY_REASONS")

    def test_bad_input_answers_the_documented_error(self):
        s = self.s
        sso = s.client("sso-admin")
        arn = sso.list_instances()["Instances"][0]["InstanceArn"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=arn.replace("instance/", "permissionSet/") + "/ps-0000000000000000")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
        wrong = s.client("sso-admin", secret="wrong" + s.info["secretAccessKey"][5:])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            wrong.list_instances()
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidSignatureException")
        unknown = s.client("sso-admin", key="AKIAUNKNOWNUNKNOWN00")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            unknown.list_instances()
        self.assertEqual(e.exception.response["Error"]["Code"], "UnrecognizedClientException")
        before = s.control("clock")["seq"]
        for body, code in ((b"{not json", 400), (b'{"InstanceArn": 7}', 400)):
            req = urllib.request.Request(s.endpoint, data=body, method="POST",
                                         headers={"X-Amz-Target": "SWBExternalService.CreatePermissionSet", "Content-Type": "application/x-amz-json-1.1"})
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(req)
            self.assertEqual(e.exception.code, 403)  # unsigned: refused before the body is read
        self.assertEqual(s.control("clock")["seq"], before)

    def test_aws_cli_and_export_script_read_the_served_organisation(self):
        """tools/export-aws-org.sh runs unchanged against `serve`; `import aws` of its export gives the
        entitlements the served organisation has."""
        s = self.s
        s.advance("10m")  # the scenario's assignment requests finish (at most 10 outstanding, 3-20 s each)
        out = os.path.join(s.dir, "export")
        env = dict(os.environ, AWS_ACCESS_KEY_ID=s.info["accessKeyId"], AWS_SECRET_ACCESS_KEY=s.info["secretAccessKey"],
                   AWS_DEFAULT_REGION=s.info["region"], PATH=VENV_BIN + os.pathsep + os.environ["PATH"], AWS_MAX_ATTEMPTS="1")
        done = subprocess.run(["bash", os.path.join(ROOT, "tools", "export-aws-org.sh"), "--endpoint-url", s.endpoint, out],
                              capture_output=True, text=True, env=env)
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        imported = os.path.join(s.dir, "imported")
        accesslab("import", "aws", out, "--db", imported)
        with open(os.path.join(out, "export.json")) as f:
            at = json.load(f)["at"]
        served = json.loads(accesslab("access", "--db", s.db, "--at", "end", "--json"))["rows"]
        again = json.loads(accesslab("access", "--db", imported, "--at", at, "--json"))["rows"]

        def entitlements(rows):
            return sorted({(r["userName"], r["accountName"], r["permissionSet"]) for r in rows if r["entitled"]})
        self.assertEqual(len(entitlements(served)), 24)  # tiny: 8 users, each Developer in a dev account and ReadOnly in prod and shared
        self.assertEqual(entitlements(served), entitlements(again))


if __name__ == "__main__":
    unittest.main()
