import AccessLabEvents
import AccessLabProjections
import AccessLabSimulation
import Foundation

/// Builds a `Scenario` from a YAML file (and the files it names: `extends`, policies). File access is
/// injected, so that only the CLI touches the file system. Every error is a `ScenarioError` with the
/// position of the offending value.
public struct ScenarioLoader {
    /// Reads a file's text; throws with a readable reason when it cannot.
    public typealias ReadFile = (String) throws -> String
    let read: ReadFile
    /// Reads an AccessLab database's state at its end (for `organization: {from: DIR}`).
    public typealias ReadDatabase = (String) throws -> AccessState
    let readDatabase: ReadDatabase?

    public init(read: @escaping ReadFile, readDatabase: ReadDatabase? = nil) { self.read = read; self.readDatabase = readDatabase }

    /// Loads `path`, following `extends` (at most 8 levels) and reading policy files next to it.
    public func load(path: String, settings: [(key: String, value: String)] = []) throws(ScenarioError) -> Scenario {
        var root = try tree(path: path, from: nil, depth: 0)
        for (key, value) in settings { root = try root.setting(key, to: value) }
        return try ScenarioBuilder(root: root, file: path, loader: self).build()
    }

    func text(of path: String, at location: SourceLocation?, field: String) throws(ScenarioError) -> String {
        do {
            return try read(path)
        } catch {
            throw ScenarioError(location ?? SourceLocation(file: path, line: 1, column: 1), field: field, "cannot read '\(path)': \(error)")
        }
    }

    private func tree(path: String, from location: SourceLocation?, depth: Int) throws(ScenarioError) -> ScenarioNode {
        let node = try ScenarioNode.parse(try text(of: path, at: location, field: "extends"), file: path)
        guard case .mapping(let pairs) = node.value else { throw ScenarioError(node.location, field: "", "a scenario is a mapping of fields") }
        guard let ext = pairs.first(where: { $0.key == "extends" }) else { return node }
        guard depth < 8 else { throw ScenarioError(ext.keyLocation, field: "extends", "more than 8 levels of extends (a cycle?)") }
        let base = try tree(path: Self.resolve(try MappingReader.scalar(ext.value, "extends"), relativeTo: path),
                            from: ext.value.location, depth: depth + 1)
        var own = node
        own.value = .mapping(pairs.filter { $0.key != "extends" })
        return base.merged(with: own)
    }

    /// A path relative to the directory of `file` (absolute paths stay as they are).
    static func resolve(_ path: String, relativeTo file: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        guard let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}

/// Turns the merged tree into a `Scenario`, section by section.
struct ScenarioBuilder {
    let root: ScenarioNode
    let file: String
    let loader: ScenarioLoader

    func build() throws(ScenarioError) -> Scenario {
        let top = try MappingReader(root, path: "")
        _ = top.value("description")
        let baseName = String(file.split(separator: "/").last ?? "scenario").replacingOccurrences(of: ".yaml", with: "")
        let name = try top.string("name") ?? baseName
        let seed = try top.int("seed", 1, in: 0...Int.max)
        let start = try top.instant("start") ?? Instant(ms: 1_767_571_200_000) // 2026-01-05T00:00:00Z, a Monday
        let duration = try top.duration("duration", .days(90), in: .minutes(1)...Duration_ms.days(3650))
        var s = Scenario(name: name, seed: UInt64(seed), start: start, duration: duration)
        if let c = try top.mapping("calendar") { s.calendar = try calendar(c) }
        var org = OrganizationBuilder()
        var imported: ImportedOrganization?
        if let o = try top.mapping("organization") {
            if let from = o.value("from") {
                try o.finish()
                imported = try importedOrganization(from, field: o.field("from"), top: top)
            } else {
                try org.read(o)
            }
        }
        if let imported {
            s.organizationalUnits = imported.units
            s.accounts = imported.accounts
            s.teams = imported.teams
            s.permissionSets = imported.permissionSets
            s.assignments = imported.assignments
            s.userAssignments = imported.userAssignments
            s.serviceControlPolicies = imported.serviceControlPolicies
            s.resourceControlPolicies = imported.resourceControlPolicies
            s.accessControlAttributes = imported.accessControlAttributes
        } else {
            s.organizationalUnits = org.units
            s.teams = try teams(top.list("teams"), field: "teams")
            s.accounts = try org.expandAccounts(teams: s.teams)
            s.permissionSets = try permissionSets(top.list("permission_sets"))
            s.assignments = try assignments(top.list("assignments"), scenario: s)
        }
        s.assignmentMode = try top.oneOf("assignment_mode", AssignmentMode.group)
        if imported == nil {
            s.resourceControlPolicies = try organizationPolicies(top.list("resource_control_policies"), section: "resource_control_policies", kind: "RCP",
                                                                 org: org, accounts: s.accounts)
            s.serviceControlPolicies = try organizationPolicies(top.list("service_control_policies"), section: "service_control_policies", kind: "SCP",
                                                                org: org, accounts: s.accounts)
            if let a = try top.mapping("abac") { s.accessControlAttributes = try abac(a) }
        }
        s.resources = try resources(top.list("resources"), scenario: s)
        if let m = try top.mapping("idp") { s.idp = try idp(m, start: start) }
        if let m = try top.mapping("identity_center") { s.identityCenter = try identityCenter(m) }
        if let m = try top.mapping("users") { s.users = try users(m) }
        if let m = try top.mapping("churn") { s.churn = try churn(m, scenario: s) }
        if let m = try top.mapping("runbook") {
            let r = try runbook(m)
            s.runbook = r.enabled ? r.spec : nil
        }
        if let m = try top.mapping("abac_comparison") { s.abacComparison = try abacComparison(m, scenario: s) }
        if let m = try top.mapping("snapshots") {
            s.snapshots.daily = try m.bool("daily", true)
            let every = try m.int("every_events", 100_000, in: 0...1_000_000_000)
            s.snapshots.everyEvents = every == 0 ? nil : every
            try m.finish()
        }
        try top.finish()
        return s
    }

    private func calendar(_ m: MappingReader) throws(ScenarioError) -> WorkCalendar {
        var c = WorkCalendar()
        if let v = m.value("utc_offset") {
            let text = try MappingReader.scalar(v, m.field("utc_offset"))
            guard let minutes = Self.utcOffset(text) else {
                throw ScenarioError(v.location, field: m.field("utc_offset"), "expected +HH:MM or -HH:MM, got '\(text)'")
            }
            c.utcOffset_min = minutes
        }
        if let days = try m.strings("working_days") {
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            var set = Set<Int>()
            for d in days {
                guard let i = names.firstIndex(of: String(d.lowercased().prefix(3))) else {
                    throw ScenarioError(m.value("working_days")!.location, field: m.field("working_days"), "unknown day '\(d)' (mon ... sun)")
                }
                set.insert(i)
            }
            c.workingDays = set
        }
        if let v = m.value("working_hours") { c.workingHours = try Self.clockRange(v, m.field("working_hours")) }
        try m.finish()
        return c
    }

    static func utcOffset(_ text: String) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let parts = text.dropFirst().split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), h <= 14, m < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (h * 60 + m)
    }

    /// `09:00-17:00` as minutes after midnight.
    static func clockRange(_ node: ScenarioNode, _ field: String) throws(ScenarioError) -> Range<Int> {
        let text = try MappingReader.scalar(node, field)
        let ends = text.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        guard ends.count == 2, ends.allSatisfy({ $0.count == 2 && $0[0] <= 24 && $0[1] < 60 }) else {
            throw ScenarioError(node.location, field: field, "expected a local time range such as 09:00-17:00, got '\(text)'")
        }
        let lo = ends[0][0] * 60 + ends[0][1], hi = ends[1][0] * 60 + ends[1][1]
        guard lo < hi, hi <= 24 * 60 else { throw ScenarioError(node.location, field: field, "the range must start before it ends within one day") }
        return lo..<hi
    }

    private func teams(_ items: [ScenarioNode], field: String) throws(ScenarioError) -> [TeamSpec] {
        var out: [TeamSpec] = []
        for (i, item) in items.enumerated() {
            let m = try MappingReader(item, path: "\(field)[\(i)]")
            var names = try m.strings("names") ?? []
            if names.isEmpty { names = [try m.requiredString("name")] }
            let department = try m.string("department") ?? "Engineering"
            let size = try m.int("size", 10, in: 0...100_000)
            try m.finish()
            for n in names {
                guard !out.contains(where: { $0.name == n }) else { throw ScenarioError(item.location, field: m.field("name"), "team '\(n)' is declared twice") }
                out.append(TeamSpec(name: n, department: department, size: size))
            }
        }
        return out
    }
}
