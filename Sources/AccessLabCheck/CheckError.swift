/// Why the checker could not check a log. A struct over a private kind, so cases can be added without breaking callers.
public struct CheckError: Error, Equatable, Sendable, CustomStringConvertible {
    enum Kind: Equatable, Sendable {
        case missingParameter(String)
        case badParameter(name: String, value: String, expected: String)
        case unreadableLog(String)
    }
    let kind: Kind

    public var description: String {
        switch kind {
        case .missingParameter(let name):
            "the log's metadata has no \(name); only a log written by `run` records what the checker measures against"
        case .badParameter(let name, let value, let expected):
            "the log's metadata has \(name)=\(value); expected \(expected)"
        case .unreadableLog(let message):
            "the log could not be read: \(message)"
        }
    }
}
