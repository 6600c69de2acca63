import AccessLabEvents
import AccessLabSimulation
import Foundation

/// OUs and accounts, with account patterns expanded per team, environment or count.
struct OrganizationBuilder {
    var units: [OrganizationalUnitSpec] = []
    var accountEntries: [ScenarioNode] = []
    var accountsField = "organization.accounts"

    mutating func read(_ m: MappingReader) throws(ScenarioError) {
        for (i, item) in try m.list("organizational_units").enumerated() {
            let u = try MappingReader(item, path: "\(m.field("organizational_units"))[\(i)]")
            let name = try u.requiredString("name")
            let parentName = try u.string("parent")
            try u.finish()
            guard ouId(name) == nil else { throw ScenarioError(item.location, field: u.field("name"), "OU '\(name)' is declared twice") }
            var parent = Scenario.rootId
            if let p = parentName {
                guard let id = ouId(p) else { throw ScenarioError(item.location, field: u.field("parent"), "no OU named '\(p)' is declared above") }
                parent = id
            }
            units.append(OrganizationalUnitSpec(ouId: "ou-" + Self.slug(name), name: name, parentId: parent))
        }
        accountEntries = try m.list("accounts")
        accountsField = m.field("accounts")
        try m.finish()
    }

    func ouId(_ name: String) -> String? {
        if name == "root" { return Scenario.rootId }
        return units.first { $0.name.lowercased() == name.lowercased() }?.ouId
    }

    static func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    func expandAccounts(teams: [TeamSpec]) throws(ScenarioError) -> [AccountSpec] {
        var out: [AccountSpec] = []
        var names: Set<String> = []
        func add(_ name: String, ou: String?, management: Bool, labels: [String: String], at item: ScenarioNode, field: String) throws(ScenarioError) {
            guard names.insert(name).inserted else { throw ScenarioError(item.location, field: field, "account '\(name)' is declared twice") }
            var parent = Scenario.rootId
            if let ou {
                guard let id = ouId(ou) else { throw ScenarioError(item.location, field: field, "no OU named '\(ou)'") }
                parent = id
            }
            var all = labels
            all["name"] = name
            all["ou"] = ou ?? "root"
            out.append(AccountSpec(accountId: String(100_000_000_000 + out.count + 1), name: name, parentId: parent,
                                   isManagementAccount: management, labels: all))
        }
        for (i, item) in accountEntries.enumerated() {
            let m = try MappingReader(item, path: "\(accountsField)[\(i)]")
            let ou = try m.string("ou")
            let management = try m.bool("management", false)
            if let name = try m.string("name") {
                try m.finish()
                try add(name, ou: ou, management: management, labels: [:], at: item, field: m.field("name"))
                continue
            }
            let pattern = try m.requiredString("pattern")
            let count = try m.int("count", 0, in: 0...10_000)
            let environments = try m.strings("environments") ?? []
            let selected = try TeamSelection.read(m, teams: teams)
            try m.finish()
            if count > 0 {
                for n in 1...count {
                    let number = String(format: "%03d", n)
                    try add(pattern.replacingOccurrences(of: "{n}", with: number), ou: ou?.replacingOccurrences(of: "{n}", with: number),
                            management: false, labels: [:], at: item, field: m.field("pattern"))
                }
            } else {
                guard pattern.contains("{team}") || pattern.contains("{env}") else {
                    throw ScenarioError(item.location, field: m.field("pattern"), "a pattern needs {n} with count, or {team} / {env}")
                }
                for team in selected ?? teams {
                    for env in environments.isEmpty ? [""] : environments {
                        func fill(_ s: String) -> String { s.replacingOccurrences(of: "{team}", with: team.name).replacingOccurrences(of: "{env}", with: env) }
                        var labels = ["team": team.name]
                        if !env.isEmpty { labels["env"] = env }
                        try add(fill(pattern), ou: ou.map(fill), management: false, labels: labels, at: item, field: m.field("pattern"))
                    }
                }
            }
        }
        return out
    }
}

/// `teams: [a, b]` or `department: Engineering`: which teams an entry applies to (nil: not restricted).
enum TeamSelection {
    static func read(_ m: MappingReader, teams: [TeamSpec]) throws(ScenarioError) -> [TeamSpec]? {
        if let names = try m.strings("teams") {
            var out: [TeamSpec] = []
            for n in names {
                guard let t = teams.first(where: { $0.name == n }) else {
                    throw ScenarioError(m.value("teams")!.location, field: m.field("teams"), "no team named '\(n)'")
                }
                out.append(t)
            }
            return out
        }
        if let dept = try m.string("department") {
            let out = teams.filter { $0.department == dept }
            guard !out.isEmpty else { throw ScenarioError(m.value("department")!.location, field: m.field("department"), "no team is in department '\(dept)'") }
            return out
        }
        return nil
    }
}

/// `*`, or comma-separated `label=value|value` terms (labels: name, ou, team, env), all of which must hold.
struct AccountSelector {
    let terms: [(String, Set<String>)]

    init(_ text: String, team: String?, at node: ScenarioNode, field: String) throws(ScenarioError) {
        let filled = team.map { text.replacingOccurrences(of: "{team}", with: $0) } ?? text
        if filled.trimmingCharacters(in: .whitespaces) == "*" { terms = []; return }
        var terms: [(String, Set<String>)] = []
        for part in filled.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, ["name", "ou", "team", "env"].contains(kv[0]), !kv[1].isEmpty else {
                throw ScenarioError(node.location, field: field, "expected '*' or terms like 'team={team}, env=dev|staging' (labels: name, ou, team, env), got '\(text)'")
            }
            terms.append((kv[0], Set(kv[1].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) })))
        }
        self.terms = terms
    }

    func matches(_ account: AccountSpec) -> Bool {
        terms.allSatisfy { key, values in account.labels[key].map(values.contains) ?? false }
    }
}

/// The accounts by label value, so that a selector made for each of 500 teams looks only at the
/// accounts its first term names, not at all 10,000 (scale-10k's assignments took 9 s that way).
struct AccountLabelIndex {
    let accounts: [AccountSpec]
    private var positions: [String: [String: [Int]]] = [:]

    init(_ accounts: [AccountSpec]) {
        self.accounts = accounts
        for (i, account) in accounts.enumerated() {
            for (key, value) in account.labels { positions[key, default: [:]][value, default: []].append(i) }
        }
    }

    /// The accounts the selector matches, in the scenario's order.
    func matching(_ selector: AccountSelector) -> [AccountSpec] {
        guard let (key, values) = selector.terms.first else { return accounts }
        return values.flatMap { positions[key]?[$0] ?? [] }.sorted().map { accounts[$0] }.filter(selector.matches)
    }
}
