import AccessLabEvents
import AccessLabQuery
import ArgumentParser

/// `accesslab explain`: the decision for one action, with the chain that produced it.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain whether a user could perform an action in an account at a moment, and why.",
        discussion: """
        Walks the chain: the user's status in the IdP and in Identity Center, memberships, the assignment, \
        the permission set and the version provisioned, the role, the credentials (issue, expiry, session \
        tags), then evaluates the permission set's policies, its boundary and the SCPs from the root to the \
        account (each level with the default FullAWSAccess) with the request context those credentials carry. \
        A deny on identitystore:UserId that has taken effect is part of the SCPs or the inline policy.

        Examples:
          accesslab explain --db /tmp/tiny --at 2026-01-06T11:00:00Z --user u00002 --account payments-dev --action s3:PutObject
          accesslab explain --db /tmp/abac --at +10d --user u00031 --account shared-dev --action s3:PutObject \\
              --resource arn:aws:s3:::payments-data-100000000044 --json
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The moment: 2026-01-05T10:00:00Z, 2026-01-05T11:00+01:00, 2026-01-05, +3d4h, end, end-6h or @seq.", valueName: "time")) var at: String
    @Option(help: ArgumentHelp("The user: id, user name or email.", valueName: "user")) var user: String
    @Option(help: ArgumentHelp("The account (id or name).", valueName: "account")) var account: String
    @Option(help: ArgumentHelp("The action, e.g. s3:GetObject.", valueName: "action")) var action: String
    @Option(help: ArgumentHelp("The resource ARN (default *); its declared tags become aws:ResourceTag/*.", valueName: "arn")) var resource: String?
    @Option(name: .customLong("context"), help: ArgumentHelp("Extra request context, repeatable.", valueName: "key=value"))
    var contextPairs: [String] = []
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        CloudTrailSources.annotateOutput(db: database.db, json: json)
        var extra: [String: String] = [:]
        for pair in contextPairs {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, !kv[0].isEmpty else { throw CLIError("--context '\(pair)': expected key=value, e.g. aws:SourceIp=203.0.113.5") }
            extra[String(kv[0])] = String(kv[1])
        }
        guard action.contains(":") else { throw CLIError("--action '\(action)': expected service:Action, e.g. s3:GetObject") }
        let s = try StateAtTime(db: database, at: at, backfillAbove: SnapshotBackfill.worthAbove)
        guard let user = try s.userId(user), let accountId = try s.accountId(account) else { return }
        let e = Explanation.build(s.state, rules: s.rules, at: s.position.time, userId: user, accountId: accountId,
                                  action: action, resource: resource, extraContext: extra)
        if json { Console.out(try JSONOutput.encode(e)); return }
        Console.out(s.header)
        let verdict = ["Allowed": "Allowed", "ExplicitlyDenied": "Explicitly denied", "ImplicitlyDenied": "Implicitly denied"][e.decision] ?? e.decision
        Console.out("\(verdict): \(Names.label(user: user, in: s.state)) \(action) on \(e.resource) in \(e.accountName ?? "?") (\(accountId))")
        let u = e.user
        Console.out("  user         Identity Center \(u.identityCenterStatus)\(u.identityCenterStatusSince.map { " since \($0)" } ?? "")"
                    + "; IdP \(u.idpStatus ?? "absent")\(u.idpStatusSince.map { " since \($0)" } ?? ""); sign-in \(u.canSignIn ? "possible" : "refused")")
        Console.out("  groups       \(u.groups.isEmpty ? "none" : u.groups.joined(separator: ", "))")
        if e.paths.isEmpty { Console.out("  no assignment and no credentials in this account: implicitly denied") }
        for p in e.paths {
            Console.out("  \(p.permissionSet) (\(p.permissionSetId)): \(p.decision)\(p.reason.map { " - \($0)" } ?? "")")
            Console.out("    assignment  \(p.via.isEmpty ? "none now" : p.via.joined(separator: ", "))")
            Console.out("    permission  version \(p.version), provisioned \(p.provisionedVersion.map(String.init) ?? "-") (\(p.provisioningStatus)), session \(Duration_ms(p.sessionDuration_s * 1000))")
            Console.out("    role        \(p.roleName ?? "none")")
            for c in p.credentials {
                let tags = c.sessionTags.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                Console.out("    credential  \(c.credentialId) issued \(c.issuedAt) until \(c.expiresAt)\(c.usable ? "" : " (cut by a deny)")\(tags.isEmpty ? "" : " tags \(tags)")"
                            + (c.credentialId == p.credentialUsed ? "  <- evaluated" : ""))
            }
            Console.out("    new creds   \(p.canGetCredentials ? "can be had" : "refused: \(p.credentialRefusal ?? "")")")
            Console.out("    can act     \(p.canAct ? "yes" : "no")")
            for st in p.statements {
                Console.out("    decided by  \(st.effect) \(st.policy) statement \(st.index)\(st.sid.map { " (\($0))" } ?? "")  [\(st.source)]")
            }
            for n in p.notes { Console.out("    note        \(n)") }
        }
        CloudTrailSources.printUnknowns(database.db, through: s.position.time, about: [user], json: json)
    }
}
