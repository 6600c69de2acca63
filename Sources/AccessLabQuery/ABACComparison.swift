import AccessLabEvents
import AccessLabPolicy
import AccessLabProjections

/// Whether one ABAC permission set grants what per-team policies grant, apart from what its
/// permissions boundary removes: every (team, tagged resource, action) is decided both ways.
public struct ABACComparison: Codable, Sendable, Equatable {
    public struct Difference: Codable, Sendable, Equatable {
        public var team, accountId, resource, action, perTeam, abac: String
    }
    public var permissionSet: String
    public var probes: Int
    public var same: Int
    /// Allowed per team, explicitly denied by the ABAC set's boundary: the intended removals.
    public var removedByBoundary: Int
    public var onlyPerTeam: Int
    public var onlyABAC: Int
    public var examples: [Difference]
    public var equivalentApartFromBoundary: Bool
    public var notes: [String]

    /// `perTeamPolicy` is a policy with `{team}` standing for the team; `tagKey` the ABAC tag.
    public static func run(_ state: AccessState, permissionSetId: String, perTeamPolicy: String, accountIds: [String],
                           actions: [String], tagKey: String = "team",
                           identityCenterRegion: String = ReservedRoleIdentifiers.defaultRegion) -> ABACComparison {
        let probeRole = "AWSReservedSSO_probe"
        var out = ABACComparison(permissionSet: state.permissionSets[permissionSetId]?.name ?? permissionSetId, probes: 0, same: 0,
                                 removedByBoundary: 0, onlyPerTeam: 0, onlyABAC: 0, examples: [], equivalentApartFromBoundary: false, notes: [])
        guard let ps = state.permissionSets[permissionSetId] else { out.notes.append("no permission set \(permissionSetId)"); return out }
        var identity: [Policy] = [], boundary: [Policy] = []
        func add(_ text: String?, _ name: String, _ list: inout [Policy]) {
            guard let text else { out.notes.append("\(name) is not carried by AccessLab; left out"); return }
            do { list.append(try Policy.parse(text, path: name)) } catch { out.notes.append("\(error)") }
        }
        for arn in ps.managedPolicyArns { add(ManagedPolicies.document(arn: arn), arn, &identity) }
        if let inline = ps.inlinePolicy { add(inline, "inline", &identity) }
        if let b = ps.permissionsBoundary {
            if let arn = b.managedPolicyArn { add(ManagedPolicies.document(arn: arn), arn, &boundary) }
            if let ref = b.customerManagedPolicyReference {
                add(accountIds.first.flatMap { state.customerManagedPolicies[$0]?[ref.name] }, ref.name, &boundary)
            }
        }
        var resources: [(account: String, arn: String, tags: [Tag])] = []
        for account in accountIds {
            for (arn, tags) in (state.resourceTags[account] ?? [:]).sorted(by: { $0.key < $1.key }) where tags.contains(where: { $0.key == tagKey }) {
                resources.append((account, arn, tags))
            }
        }
        let teams = Set(resources.flatMap { $0.tags.filter { $0.key == tagKey }.map(\.value) }).sorted()
        var perTeam: [String: Policy] = [:]
        for team in teams {
            do { perTeam[team] = try Policy.parse(perTeamPolicy.replacingAll("{team}", with: team), path: "per-team policy for \(team)") } catch {
                out.notes.append("\(error)")
                return out
            }
        }
        for team in teams {
            for r in resources {
                for action in actions {
                    var context = RequestContext()
                    context.set("aws:PrincipalTag/\(tagKey)", [team])
                    for t in r.tags { context.set("aws:ResourceTag/\(t.key)", [t.value]) }
                    context.set("aws:PrincipalArn", [ReservedRoleIdentifiers.roleArn(accountId: r.account, roleName: probeRole,
                                                                                      identityCenterRegion: identityCenterRegion)])
                    let principal = ReservedRoleIdentifiers.sessionArn(accountId: r.account, roleName: probeRole, sessionName: "\(team)-engineer")
                    let request = Request(action: action, resource: r.arn, resourceAccount: r.account, principal: principal, context: context)
                    let a = Evaluator.evaluate(EvaluationCase(request: request, identityPolicies: perTeam[team].map { [$0] } ?? []))
                    let b = Evaluator.evaluate(EvaluationCase(request: request, identityPolicies: identity, permissionBoundaries: boundary))
                    out.probes += 1
                    let aAllowed = a.response == .Allowed, bAllowed = b.response == .Allowed
                    if aAllowed == bAllowed { out.same += 1; continue }
                    if aAllowed, b.response == .ExplicitlyDenied, b.statements.allSatisfy({ $0.source.hasPrefix("permissionBoundaries") }) {
                        out.removedByBoundary += 1
                        continue
                    }
                    if aAllowed { out.onlyPerTeam += 1 } else { out.onlyABAC += 1 }
                    if out.examples.count < 10 {
                        out.examples.append(Difference(team: team, accountId: r.account, resource: r.arn, action: action,
                                                       perTeam: a.response.rawValue, abac: b.response.rawValue))
                    }
                }
            }
        }
        out.equivalentApartFromBoundary = out.onlyPerTeam == 0 && out.onlyABAC == 0 && out.probes > 0
        return out
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = "", rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
