import AccessLabEvents
import AccessLabPolicy

/// Evaluation cases shaped like the reference scenario's: its managed permission sets, the ABAC
/// EngineerStandard policy with its boundary, and SCP levels with FullAWSAccess, a guardrail and a
/// deny on one user.
enum PolicyWorkload {
    static let engineerStandard = #"{"Version":"2012-10-17","Statement":[{"Sid":"OwnTeamResources","Effect":"Allow","Action":["s3:*","dynamodb:*","sqs:*","sns:*","lambda:*","ecs:*","ec2:*"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}},{"Sid":"ReadEverything","Effect":"Allow","Action":["s3:List*","s3:Get*","dynamodb:Describe*","ec2:Describe*","cloudwatch:Get*","logs:Get*"],"Resource":"*"}]}"#
    static let boundary = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:*","organizations:*","account:*"],"Resource":"*"}]}"#
    static let guardrail = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#
    static let denyUser = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"identitystore:UserId":["u00042"]}}}]}"#
    static let full = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    static func cases() throws -> [EvaluationCase] {
        func p(_ text: String?) throws -> Policy { try Policy.parse(text ?? full) }
        let scps = [EvaluationCase.SCPLevel(orgIdentifier: "r-root", policies: [try p(full), try p(guardrail), try p(denyUser)]),
                    EvaluationCase.SCPLevel(orgIdentifier: "ou-workloads", policies: [try p(full)]),
                    EvaluationCase.SCPLevel(orgIdentifier: "111122223333", policies: [try p(full)])]
        let sets: [([Policy], [Policy])] = [
            ([try p(engineerStandard)], [try p(boundary)]),
            ([try p(ManagedPolicies.document(arn: "arn:aws:iam::aws:policy/PowerUserAccess"))], []),
            ([try p(ManagedPolicies.document(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess"))], []),
        ]
        let actions = ["s3:GetObject", "s3:PutObject", "ec2:TerminateInstances", "iam:CreateUser", "dynamodb:PutItem",
                       "organizations:LeaveOrganization", "sqs:SendMessage", "rds:DescribeDBInstances"]
        let teams = ["payments", "search", "checkout", "data"]
        let account = "111122223333", role = "AWSReservedSSO_Engineer_0123456789abcdef"
        var out: [EvaluationCase] = []
        for (identity, boundaries) in sets {
            for action in actions {
                for (i, team) in teams.enumerated() {
                    let resourceTeam = teams[(i + out.count) % teams.count]
                    var context = RequestContext()
                    context.set("aws:PrincipalTag/team", [team])
                    context.set("aws:ResourceTag/team", [resourceTeam])
                    context.set("identitystore:UserId", [out.count % 50 == 0 ? "u00042" : "u0\(1000 + i)"])
                    context.set("aws:TokenIssueTime", ["2026-01-05T09:00:00Z"])
                    context.set("aws:PrincipalArn", [ReservedRoleIdentifiers.roleArn(accountId: account, roleName: role,
                                                                                      identityCenterRegion: ReservedRoleIdentifiers.defaultRegion)])
                    let request = Request(action: action, resource: "arn:aws:s3:::\(resourceTeam)-data/object", resourceAccount: account,
                                          principal: ReservedRoleIdentifiers.sessionArn(accountId: account, roleName: role, sessionName: "\(team)-dev"),
                                          context: context)
                    out.append(EvaluationCase(request: request, identityPolicies: identity, serviceControlPolicies: scps,
                                              permissionBoundaries: boundaries, managementAccountId: "999999999999"))
                }
            }
        }
        return out
    }
}
