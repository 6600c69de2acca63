import Foundation
import Yams

/// Where a value came from, for `file:line:column` errors.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var description: String { "\(file):\(line):\(column)" }
}

/// A scenario validation error: `file:line:column: field: problem`. Nothing is run when one is raised.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var field: String
    public var problem: String
    public init(_ location: SourceLocation, field: String, _ problem: String) {
        self.location = location; self.field = field; self.problem = problem
    }
    public var description: String { "\(location): \(field.isEmpty ? "" : field + ": ")\(problem)" }
}

/// A YAML value with the location of every node, independent of Yams once built, so that files can be
/// merged (`extends`) and each value still says which file it came from.
public struct ScenarioNode: Sendable {
    public enum Value: Sendable {
        case scalar(String)
        case mapping([(key: String, keyLocation: SourceLocation, value: ScenarioNode)])
        case sequence([ScenarioNode])
        case null
    }
    public var value: Value
    public var location: SourceLocation

    /// Parses one YAML document. Syntax errors and duplicate keys become `ScenarioError`s with the position.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> ScenarioNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.describe(error, file: file, text: text)
        } catch {
            throw ScenarioError(SourceLocation(file: file, line: 1, column: 1), field: "", "not YAML: \(error)")
        }
        guard let root else { throw ScenarioError(SourceLocation(file: file, line: 1, column: 1), field: "", "the file is empty") }
        return try convert(root, file: file)
    }

    private static func location(_ mark: Mark?, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, file: String) throws(ScenarioError) -> ScenarioNode {
        let here = location(node.mark, file)
        switch node {
        case .scalar(let s):
            if s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) {
                return ScenarioNode(value: .null, location: here)
            }
            return ScenarioNode(value: .scalar(s.string), location: here)
        case .sequence(let seq):
            var items: [ScenarioNode] = []
            for item in seq { items.append(try convert(item, file: file)) }
            return ScenarioNode(value: .sequence(items), location: here)
        case .mapping(let map):
            var pairs: [(key: String, keyLocation: SourceLocation, value: ScenarioNode)] = []
            for (k, v) in map {
                let keyLocation = location(k.mark, file)
                guard case .scalar(let key) = k else { throw ScenarioError(keyLocation, field: "", "a key must be a plain name") }
                if pairs.contains(where: { $0.key == key.string }) {
                    throw ScenarioError(keyLocation, field: key.string, "appears twice in this mapping")
                }
                pairs.append((key.string, keyLocation, try convert(v, file: file)))
            }
            return ScenarioNode(value: .mapping(pairs), location: here)
        case .alias:
            throw ScenarioError(here, field: "", "YAML aliases are not supported in scenarios; use `extends`")
        }
    }

    private static func describe(_ error: YamlError, file: String, text: String) -> ScenarioError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ScenarioError(location(mark, file), field: "", "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the mapping; point at the key's second appearance, which is what needs fixing.
            let key = duplicates.first ?? ""
            var found: [SourceLocation] = []
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let indent = line.prefix { $0 == " " }.count
                if line.dropFirst(indent).hasPrefix(key + ":") { found.append(SourceLocation(file: file, line: i + 1, column: indent + 1)) }
            }
            return ScenarioError(found.count >= 2 ? found[1] : location(context.mark, file), field: key, "appears twice in this mapping")
        default:
            return ScenarioError(SourceLocation(file: file, line: 1, column: 1), field: "", "YAML: \(error)")
        }
    }

    /// `self` with `override` laid over it: mappings merge key by key (recursively); anything else is replaced.
    public func merged(with override: ScenarioNode) -> ScenarioNode {
        guard case .mapping(var base) = value, case .mapping(let over) = override.value else { return override }
        for pair in over {
            if let i = base.firstIndex(where: { $0.key == pair.key }) {
                base[i] = (pair.key, pair.keyLocation, base[i].value.merged(with: pair.value))
            } else {
                base.append(pair)
            }
        }
        return ScenarioNode(value: .mapping(base), location: override.location)
    }
}

extension ScenarioNode {
    static let settingLocation = SourceLocation(file: "--set", line: 1, column: 1)

    /// The tree with the value at a dotted path (`idp.cycle_interval`, `permission_sets.Developer.session_duration`)
    /// set to `value`, read as YAML: `20m`, `{uniform: [5m, 2h]}`, `[a, b]`. A path segment under a list picks the
    /// item whose `name` (or one of whose `names`) it is. Missing mapping keys are created; the builder then
    /// reports any that are not scenario fields.
    public func setting(_ path: String, to value: String) throws(ScenarioError) -> ScenarioNode {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, !segments.contains(where: \.isEmpty) else { throw ScenarioError(Self.settingLocation, field: path, "an empty segment in the setting path") }
        return try set(segments[...], try Self.settingValue(value, path: path), path)
    }

    /// A `--set` value parsed as YAML, its errors placed at `--set PATH:line:column`.
    public static func settingValue(_ text: String, path: String) throws(ScenarioError) -> ScenarioNode {
        let file = "--set \(path)"
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ScenarioError(SourceLocation(file: file, line: 1, column: 1), field: path, "no value after '='")
        }
        return try parse(text, file: file)
    }

    private func set(_ segments: ArraySlice<String>, _ value: ScenarioNode, _ path: String) throws(ScenarioError) -> ScenarioNode {
        guard let head = segments.first else { return value }
        let rest = segments.dropFirst()
        switch self.value {
        case .mapping(var pairs):
            if let i = pairs.firstIndex(where: { $0.key == head }) {
                pairs[i].value = try pairs[i].value.set(rest, value, path)
            } else {
                let empty = ScenarioNode(value: .mapping([]), location: Self.settingLocation)
                pairs.append((head, Self.settingLocation, try empty.set(rest, value, path)))
            }
            return ScenarioNode(value: .mapping(pairs), location: location)
        case .null:
            return try ScenarioNode(value: .mapping([]), location: location).set(segments, value, path)
        case .sequence(var items):
            guard let i = items.firstIndex(where: { $0.names.contains(head) }) else {
                throw ScenarioError(location, field: path, "no item named '\(head)' in this list")
            }
            items[i] = try items[i].set(rest, value, path)
            return ScenarioNode(value: .sequence(items), location: location)
        case .scalar:
            throw ScenarioError(location, field: path, "'\(head)' is below a single value")
        }
    }

    /// The `name`, or the `names`, of a list item.
    var names: [String] {
        guard case .mapping(let pairs) = value else { return [] }
        var out: [String] = []
        for pair in pairs where pair.key == "name" || pair.key == "names" {
            switch pair.value.value {
            case .scalar(let s): out.append(s)
            case .sequence(let items):
                for item in items { if case .scalar(let s) = item.value { out.append(s) } }
            default: break
            }
        }
        return out
    }
}
