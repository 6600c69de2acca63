import AccessLabAWS
import AccessLabEvents
import AccessLabProjections

/// organizations: the organisation's tree, accounts and SCPs.
extension ServedOrganization {
    static let organizationsOperations: [String: JSONOperation] = [:]
}
