import AccessLabAWS
import AccessLabEvents
import AccessLabProjections

/// The organisation's parts in the organizations API's shapes, with AWS-format ids: what an export
/// writes and what `serve` answers, from one place.
public struct AWSOrganizationShapes {
    public typealias O = AWS.Organizations
    public let ids: AWSIdentifiers
    let organization: Organization
    var management: String { ids.namespace }

    public init(_ state: AccessState, ids: AWSIdentifiers) {
        self.ids = ids
        organization = state.organization
    }

    public var policyTypes: [O.PolicyTypeSummary] {
        [O.PolicyTypeSummary(type: "SERVICE_CONTROL_POLICY", status: "ENABLED")]
            + (organization.resourceControlPolicies.isEmpty ? [] : [O.PolicyTypeSummary(type: "RESOURCE_CONTROL_POLICY", status: "ENABLED")])
    }

    public func email(_ account: String) -> String { "aws+\(organization.accounts[account]?.name ?? account)@example.com" }

    public var description: O.Organization {
        O.Organization(id: ids.organizationId, arn: ids.organizationArn(management: management), featureSet: "ALL",
                       masterAccountArn: ids.accountArn(management: management, account: management),
                       masterAccountId: management, masterAccountEmail: email(management), availablePolicyTypes: policyTypes)
    }

    public var root: O.Root {
        O.Root(id: ids.root, arn: ids.rootArn(management: management, root: ids.root), name: "Root", policyTypes: policyTypes)
    }

    public func account(_ a: Organization.Account) -> O.Account {
        O.Account(id: ids.accountId(a.accountId), arn: ids.accountArn(management: management, account: a.accountId), email: email(a.accountId),
                  name: a.name, status: "ACTIVE", state: "ACTIVE", joinedMethod: a.isManagementAccount ? "INVITED" : "CREATED",
                  joinedTimestamp: AWSTimestamp(a.createdAt))
    }

    public func organizationalUnit(_ ou: Organization.OrganizationalUnit) -> O.OrganizationalUnit {
        O.OrganizationalUnit(id: ids.organizationalUnitId(ou.ouId), arn: ids.organizationalUnitArn(management: management, ou: ou.ouId), name: ou.name)
    }

    /// SCPs or RCPs by id in the log, with each one's name and content.
    public func policies(type: String) -> [String: (name: String, content: String)] {
        type == "RESOURCE_CONTROL_POLICY" ? organization.resourceControlPolicies.mapValues { ($0.name, $0.content) }
            : organization.serviceControlPolicies.mapValues { ($0.name, $0.content) }
    }

    public func attachments(type: String) -> [String: [String]] {
        type == "RESOURCE_CONTROL_POLICY" ? organization.rcpAttachments : organization.attachments
    }

    public func policySummary(_ id: String, type: String) -> O.PolicySummary? {
        guard let p = policies(type: type)[id] else { return nil }
        return O.PolicySummary(id: ids.policyId(id), arn: ids.policyArn(management: management, policy: id, type: type), name: p.name,
                               description: "", type: type, awsManaged: false)
    }

    /// A policy target (account, OU or root) by its id in the log.
    public func target(_ target: String) -> O.PolicyTargetSummary {
        if let a = organization.accounts[target] {
            return O.PolicyTargetSummary(targetId: ids.accountId(target), arn: ids.accountArn(management: management, account: target), name: a.name, type: "ACCOUNT")
        } else if let ou = organization.organizationalUnits[target] {
            return O.PolicyTargetSummary(targetId: ids.organizationalUnitId(target), arn: ids.organizationalUnitArn(management: management, ou: target),
                                         name: ou.name, type: "ORGANIZATIONAL_UNIT")
        }
        return O.PolicyTargetSummary(targetId: ids.root, arn: ids.rootArn(management: management, root: target), name: "Root", type: "ROOT")
    }
}
