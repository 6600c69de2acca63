import AccessLabEvents
import Foundation

/// SCIM 2.0 at `/scim/v2/`, with Identity Center's subset and limits.
extension ServedOrganization {
    func scim(_ request: ServeRequest, requestId: String) -> ServeResponse {
        guard request.header("authorization") == "Bearer \(credentials.scimToken)" else {
            return ServiceError("", "Unauthorized: the bearer token is missing or not this endpoint's", status: 401).scim()
        }
        return ServiceError("", "SCIM is not served yet", status: 501).scim()
    }
}
