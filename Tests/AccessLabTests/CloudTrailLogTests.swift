import Foundation
import Testing

/// `log --cloudtrail`: the log as a trail would deliver it.
@Suite(.serialized) struct CloudTrailLogTests {
    static let tiny = sharedRun("cloudtrail-tests", [scenarioPath("tiny.yaml"), "--until", "3d", "--no-check"])

    static func records(_ extra: [String] = []) throws -> (records: [[String: Any]], text: String, err: String) {
        let r = try runAccesslab(["log", "--db", tiny, "--cloudtrail"] + extra)
        #expect(r.code == 0, "\(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        return (try #require(object["Records"] as? [[String: Any]]), r.out, r.err)
    }

    @Test func everyRecordHasCloudTrailsTopLevelShapeAndAUniqueEventID() throws {
        let (records, text, err) = try Self.records()
        #expect(records.count > 50)
        let required = ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
                        "requestParameters", "responseElements", "eventID", "eventType", "eventCategory", "readOnly", "recipientAccountId"]
        for r in records { #expect(Set(r.keys).isSuperset(of: required), "\(r["eventName"]!)") }
        #expect(Set(records.compactMap { $0["eventID"] as? String }).count == records.count)
        #expect(records.allSatisfy { ($0["eventTime"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil })
        // Outside AWS, or not logged by AWS: counted, not invented.
        #expect(err.contains("events AWS does not log") && err.contains("IdPDirectoryChange"))
        #expect(try Self.records().text == text, "the same log gives the same trail")
    }

    @Test func credentialsAppearInThePortalAndTheMemberAccountAsAWSRecordsThem() throws {
        let (records, _, _) = try Self.records()
        let issued = try runAccesslab(["log", "--db", Self.tiny, "--type", "RoleCredentialsIssued"]).out.split(separator: "\n").count
        let portal = records.filter { $0["eventName"] as? String == "GetRoleCredentials" && $0["errorCode"] == nil }
        let assume = records.filter { $0["eventName"] as? String == "AssumeRoleWithSAML" }
        #expect(issued > 0 && portal.count == issued && assume.count == issued)
        let user = try #require(portal.first?["userIdentity"] as? [String: Any])
        #expect(user["type"] as? String == "IdentityCenterUser" && user["userName"] == nil && user["principalId"] == nil)
        #expect((user["onBehalfOf"] as? [String: Any])?["identityStoreArn"] as? String != nil)
        #expect(portal.first?["eventType"] as? String == "AwsServiceEvent" && portal.first?["requestParameters"] is NSNull)
        let details = try #require(portal.first?["serviceEventDetails"] as? [String: Any])
        #expect(details["role_name"] is String && details["account_id"] is String)
        #expect(assume.allSatisfy { ($0["userIdentity"] as? [String: Any])?["type"] as? String == "SAMLUser" && $0["recipientAccountId"] as? String != "100000000001" })
    }

    @Test func scimBodiesAreHiddenAsAWSHidesThemAndShownOnlyWithBodies() throws {
        let hidden = try Self.records().records.filter { $0["eventSource"] as? String == "identitystore-scim.amazonaws.com" }
        let patch = try #require(hidden.first { $0["eventName"] as? String == "PatchUser" })
        let ops = try #require(((patch["requestParameters"] as? [String: Any])?["httpBody"] as? [String: Any])?["operations"] as? [[String: Any]])
        #expect(ops.allSatisfy { $0["value"] as? String == "HIDDEN_DUE_TO_SECURITY_REASONS" } && patch["additionalEventData"] == nil)
        #expect(hidden.allSatisfy { ($0["userIdentity"] as? [String: Any])?["type"] as? String == "WebIdentityUser" })

        let shown = try Self.records(["--with-bodies"]).records.filter { $0["eventName"] as? String == "PatchUser" }
        let body = try #require(((shown.first?["additionalEventData"] as? [String: Any])?["accesslab:body"] as? [String: Any])?["operations"] as? [[String: Any]])
        #expect(body.contains { $0["path"] as? String == "active" && $0["value"] as? String == "false" })
        #expect(try runAccesslab(["log", "--db", Self.tiny, "--with-bodies"]).code != 0)
    }
}
