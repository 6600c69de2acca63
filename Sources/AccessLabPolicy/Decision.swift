/// The outcome, with the statements that decided it.
public struct Decision: Sendable, Equatable, Encodable {
    public enum Response: String, Sendable, Codable { case Allowed, ImplicitlyDenied, ExplicitlyDenied }
    public struct StatementRef: Sendable, Equatable, Encodable {
        enum Layer: Sendable, Equatable {
            case scp(String), rcp(String), boundary, identity, resource
            /// RCPs are written like resource policies: their statements carry a Principal.
            var isResourceSide: Bool {
                switch self {
                case .resource, .rcp: true
                default: false
                }
            }
        }
        let layer: Layer
        let policyIndex: Int
        public let index: Int
        public let sid: String?
        let allow: Bool
        public var effect: String { allow ? "Allow" : "Deny" }
        /// Where the statement's policy came from: `identityPolicies[0]`, `serviceControlPolicies[ou-prod][1]`, ...
        public var source: String {
            switch layer {
            case .scp(let id): "serviceControlPolicies[\(id)][\(policyIndex)]"
            case .rcp(let id): "resourceControlPolicies[\(id)][\(policyIndex)]"
            case .boundary: "permissionBoundaries[\(policyIndex)]"
            case .identity: "identityPolicies[\(policyIndex)]"
            case .resource: "resourcePolicy"
            }
        }
        enum CodingKeys: String, CodingKey { case source, index, sid, effect }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(source, forKey: .source)
            try c.encode(index, forKey: .index)
            try c.encodeIfPresent(sid, forKey: .sid)
            try c.encode(effect, forKey: .effect)
        }
    }
    public var response: Response
    public var statements: [StatementRef]
    /// For an implicit deny: the layer that did not allow. For a service guard: the guard. For an allow
    /// that no identity policy gave: why.
    public var reason: String?
}
