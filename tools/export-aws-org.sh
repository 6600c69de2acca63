#!/usr/bin/env bash
# Exports an organisation's Identity Center state with read-only AWS CLI calls, one JSON file per call
# (the CLI follows every NextToken), and export.json listing each call with its request: the input of
# `accesslab import aws OUT_DIR --db DIR`. Run it with credentials for the management account (or the
# Identity Center delegated administrator; the organizations calls then need delegated access too).
#
#   bash tools/export-aws-org.sh [--profile P] [--endpoint-url URL] [--region R] OUT_DIR
#
# --endpoint-url points every call at one endpoint (moto's server, `accesslab serve`). Works with the
# AWS CLI v1 and v2 (v1 prints timestamps as epoch seconds, v2 as ISO 8601; the importer reads both).
# Only List*/Describe*/Get* operations are called. AWS_CLI names the aws executable (default: aws).
set -euo pipefail

aws_args=()
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --profile|--endpoint-url|--region) aws_args+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "export-aws-org: unknown option $1" >&2; exit 2 ;;
        *) [ -z "$out" ] || { echo "export-aws-org: one OUT_DIR only" >&2; exit 2; }; out="$1"; shift ;;
    esac
done
[ -n "$out" ] || { echo "usage: export-aws-org.sh [--profile P] [--endpoint-url URL] [--region R] OUT_DIR" >&2; exit 2; }
if [ -e "$out" ] && [ ! -f "$out/export.json" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
    echo "export-aws-org: $out exists and is not an export; give a new directory" >&2; exit 2
fi
AWS="${AWS_CLI:-aws}"
command -v "$AWS" >/dev/null 2>&1 || { echo "export-aws-org: '$AWS' not found; install the AWS CLI or set AWS_CLI" >&2; exit 1; }

staging="$out.partial-$$"
rm -rf "$staging"
mkdir -p "$staging/identitystore" "$staging/sso-admin" "$staging/organizations"
trap 'rm -rf "$staging"' EXIT
calls="$staging/.calls"
: > "$calls"
at=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# call SERVICE OPERATION FILE REQUEST-JSON cli-arguments...
call() {
    local service=$1 operation=$2 file=$3 request=$4
    shift 4
    "$AWS" "${aws_args[@]}" --output json "$service" "$@" > "$staging/$file"
    printf '%s\t%s\t%s\t%s\n' "$service" "$operation" "$file" "$request" >> "$calls"
}
# values FILE PYTHON-EXPRESSION: one value a line, from the JSON in FILE bound to `d`.
values() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [print(v) for v in eval(sys.argv[2])]' "$staging/$1" "$2"; }

echo "export-aws-org: organizations" >&2
call organizations DescribeOrganization organizations/DescribeOrganization.json '{}' describe-organization
call organizations ListRoots organizations/ListRoots.json '{}' list-roots
call organizations ListAccounts organizations/ListAccounts.json '{}' list-accounts
parents=$(values organizations/ListRoots.json '[r["Id"] for r in d["Roots"]]')
while [ -n "$parents" ]; do
    next=""
    for p in $parents; do
        call organizations ListOrganizationalUnitsForParent "organizations/ListOrganizationalUnitsForParent.$p.json" "{\"ParentId\":\"$p\"}" \
            list-organizational-units-for-parent --parent-id "$p"
        call organizations ListAccountsForParent "organizations/ListAccountsForParent.$p.json" "{\"ParentId\":\"$p\"}" \
            list-accounts-for-parent --parent-id "$p"
        next="$next $(values "organizations/ListOrganizationalUnitsForParent.$p.json" '[o["Id"] for o in d["OrganizationalUnits"]]')"
    done
    parents=$(echo $next)
done
for type in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
    call organizations ListPolicies "organizations/ListPolicies.$type.json" "{\"Filter\":\"$type\"}" list-policies --filter "$type" \
        || { echo "export-aws-org: $type not listed (not enabled?)" >&2; rm -f "$staging/organizations/ListPolicies.$type.json"; continue; }
    for id in $(values "organizations/ListPolicies.$type.json" '[p["Id"] for p in d["Policies"]]'); do
        call organizations DescribePolicy "organizations/DescribePolicy.$id.json" "{\"PolicyId\":\"$id\"}" describe-policy --policy-id "$id"
        call organizations ListTargetsForPolicy "organizations/ListTargetsForPolicy.$id.json" "{\"PolicyId\":\"$id\"}" list-targets-for-policy --policy-id "$id"
    done
done

echo "export-aws-org: sso-admin" >&2
call sso-admin ListInstances sso-admin/ListInstances.json '{}' list-instances
instance=$(values sso-admin/ListInstances.json '[i["InstanceArn"] for i in d["Instances"]][:1]')
store=$(values sso-admin/ListInstances.json '[i["IdentityStoreId"] for i in d["Instances"]][:1]')
[ -n "$instance" ] || { echo "export-aws-org: no Identity Center instance in this account" >&2; exit 1; }
if "$AWS" "${aws_args[@]}" --output json sso-admin describe-instance-access-control-attribute-configuration --instance-arn "$instance" \
        > "$staging/sso-admin/DescribeInstanceAccessControlAttributeConfiguration.json" 2>/dev/null; then
    printf '%s\t%s\t%s\t%s\n' sso-admin DescribeInstanceAccessControlAttributeConfiguration sso-admin/DescribeInstanceAccessControlAttributeConfiguration.json \
        "{\"InstanceArn\":\"$instance\"}" >> "$calls"
else
    rm -f "$staging/sso-admin/DescribeInstanceAccessControlAttributeConfiguration.json"   # no ABAC configuration
fi
call sso-admin ListPermissionSets sso-admin/ListPermissionSets.json "{\"InstanceArn\":\"$instance\"}" list-permission-sets --instance-arn "$instance"
for ps in $(values sso-admin/ListPermissionSets.json 'd["PermissionSets"]'); do
    id=${ps##*/}
    request="{\"InstanceArn\":\"$instance\",\"PermissionSetArn\":\"$ps\"}"
    call sso-admin DescribePermissionSet "sso-admin/DescribePermissionSet.$id.json" "$request" describe-permission-set --instance-arn "$instance" --permission-set-arn "$ps"
    call sso-admin ListManagedPoliciesInPermissionSet "sso-admin/ListManagedPoliciesInPermissionSet.$id.json" "$request" \
        list-managed-policies-in-permission-set --instance-arn "$instance" --permission-set-arn "$ps"
    call sso-admin ListCustomerManagedPolicyReferencesInPermissionSet "sso-admin/ListCustomerManagedPolicyReferencesInPermissionSet.$id.json" "$request" \
        list-customer-managed-policy-references-in-permission-set --instance-arn "$instance" --permission-set-arn "$ps"
    call sso-admin GetInlinePolicyForPermissionSet "sso-admin/GetInlinePolicyForPermissionSet.$id.json" "$request" \
        get-inline-policy-for-permission-set --instance-arn "$instance" --permission-set-arn "$ps"
    if "$AWS" "${aws_args[@]}" --output json sso-admin get-permissions-boundary-for-permission-set --instance-arn "$instance" --permission-set-arn "$ps" \
            > "$staging/sso-admin/GetPermissionsBoundaryForPermissionSet.$id.json" 2>/dev/null; then
        printf '%s\t%s\t%s\t%s\n' sso-admin GetPermissionsBoundaryForPermissionSet "sso-admin/GetPermissionsBoundaryForPermissionSet.$id.json" "$request" >> "$calls"
    else
        rm -f "$staging/sso-admin/GetPermissionsBoundaryForPermissionSet.$id.json"   # no boundary: AWS answers ResourceNotFoundException
    fi
done
for account in $(values organizations/ListAccounts.json '[a["Id"] for a in d["Accounts"]]'); do
    call sso-admin ListPermissionSetsProvisionedToAccount "sso-admin/ListPermissionSetsProvisionedToAccount.$account.json" \
        "{\"AccountId\":\"$account\",\"InstanceArn\":\"$instance\"}" list-permission-sets-provisioned-to-account --instance-arn "$instance" --account-id "$account"
    # Every permission set, not only the provisioned ones: an assignment the provisioned list misses is
    # an inconsistency the importer reports, and it must be in the export to be seen.
    for ps in $(values sso-admin/ListPermissionSets.json 'd["PermissionSets"]'); do
        id=${ps##*/}
        call sso-admin ListAccountAssignments "sso-admin/ListAccountAssignments.$account.$id.json" \
            "{\"AccountId\":\"$account\",\"InstanceArn\":\"$instance\",\"PermissionSetArn\":\"$ps\"}" \
            list-account-assignments --instance-arn "$instance" --account-id "$account" --permission-set-arn "$ps"
    done
done

echo "export-aws-org: identitystore" >&2
call identitystore ListUsers identitystore/ListUsers.json "{\"IdentityStoreId\":\"$store\"}" list-users --identity-store-id "$store"
call identitystore ListGroups identitystore/ListGroups.json "{\"IdentityStoreId\":\"$store\"}" list-groups --identity-store-id "$store"
for group in $(values identitystore/ListGroups.json '[g["GroupId"] for g in d["Groups"]]'); do
    call identitystore ListGroupMemberships "identitystore/ListGroupMemberships.$group.json" "{\"GroupId\":\"$group\",\"IdentityStoreId\":\"$store\"}" \
        list-group-memberships --identity-store-id "$store" --group-id "$group"
done

version=$("$AWS" --version 2>&1 | cut -d' ' -f1)
python3 - "$calls" "$staging/export.json" "$at" "$version" <<'PY'
import json, sys
calls, out, at, version = sys.argv[1:]
rows = [line.rstrip("\n").split("\t") for line in open(calls) if line.strip()]
manifest = {"accesslab_aws_export_format": 1, "source": f"tools/export-aws-org.sh ({version})", "at": at,
            "calls": [{"service": s, "operation": o, "file": f, "request": json.loads(r)} for s, o, f, r in rows]}
json.dump(manifest, open(out, "w"), indent=2, sort_keys=True)
PY
rm -f "$calls"
rm -rf "$out"
mv "$staging" "$out"
trap - EXIT
echo "export-aws-org: $(grep -c '"operation"' "$out/export.json") calls in $out" >&2
