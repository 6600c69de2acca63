import AccessLabEvents
import AccessLabLog
@testable import AccessLabServe
import AccessLabSimulation
import Foundation
import Testing

/// `serve` without a socket: requests as values, signed as an SDK signs them, against the tiny scenario.
@Suite struct ServeTests {
    static let wallClock = Date(timeIntervalSince1970: 1_790_000_000)

    final class Harness {
        let log = InMemoryEventLog()
        let simulation: Simulation
        let served: ServedOrganization

        init(tps: Int? = nil, actors: Bool = false) throws {
            simulation = try Simulation(scenario: try loadScenario("tiny.yaml"), log: log)
            try simulation.startServing(actors: actors)
            served = ServedOrganization(simulation: simulation, configuration: ServeConfiguration(
                transactionsPerSecond: tps, wallClock: { ServeTests.wallClock }))
        }

        var head: UInt64 { (try? log.read { $0.head.lastSeq }) ?? 0 }

        /// A JSON 1.1 call signed with the server's key pair (or `secret`), as botocore signs it.
        func call(_ target: String, _ body: String, secret: String? = nil, date: Date = ServeTests.wallClock) -> ServeResponse {
            served.handle(signed(ServeRequest(method: "POST", path: "/", headers: [
                ("host", "127.0.0.1:8080"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target),
            ], body: Array(body.utf8)), service: "sso", secret: secret, date: date))
        }

        func signed(_ request: ServeRequest, service: String, secret: String? = nil, date: Date = ServeTests.wallClock) -> ServeRequest {
            RequestSigner.signed(request, accessKeyId: served.credentials.accessKeyId, secret: secret ?? served.credentials.secretAccessKey,
                                 region: "us-east-1", service: service, date: date)
        }

        func json(_ response: ServeResponse) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        }

        func control(_ path: String, _ body: String) -> [String: Any] {
            json(served.handle(ServeRequest(method: "POST", path: "/_accesslab/\(path)", headers: [], body: Array(body.utf8))))
        }
    }

    @Test func theSignatureIsAWSsDocumentedExample() {
        // AWS General Reference, "Signature Version 4 signing process" (IAM ListUsers, 2015-08-30).
        let request = ServeRequest(method: "GET", path: "/", query: "Action=ListUsers&Version=2010-05-08", headers: [
            ("content-type", "application/x-www-form-urlencoded; charset=utf-8"), ("host", "iam.amazonaws.com"), ("x-amz-date", "20150830T123600Z"),
        ])
        let claim = SigV4.Claim(accessKeyId: "AKIDEXAMPLE", date: "20150830", region: "us-east-1", service: "iam",
                                signedHeaders: ["content-type", "host", "x-amz-date"], signature: "")
        #expect(SigV4.signature(request, claim: claim, secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", amzDate: "20150830T123600Z")
                == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test func aPermissionSetCreatedOverTheAPIIsAnEventAndReadsBack() throws {
        let h = try Harness()
        let instance = h.served.ids.instanceArn
        let before = h.head
        let created = h.call("SWBExternalService.CreatePermissionSet", #"{"InstanceArn":"\#(instance)","Name":"Auditor","SessionDuration":"PT2H"}"#)
        #expect(created.status == 200)
        let arn = (h.json(created)["PermissionSet"] as? [String: Any])?["PermissionSetArn"] as? String ?? ""
        #expect(arn.hasPrefix("arn:aws:sso:::permissionSet/\(h.served.ids.instanceId)/ps-"))
        #expect(h.head == before + 1)
        let last = try h.log.read { try $0.event($0.head.lastSeq) }
        #expect(last.type == .CreatePermissionSet && last.actor == .admin)
        let described = h.json(h.call("SWBExternalService.DescribePermissionSet", #"{"InstanceArn":"\#(instance)","PermissionSetArn":"\#(arn)"}"#))
        #expect((described["PermissionSet"] as? [String: Any])?["SessionDuration"] as? String == "PT2H")
        #expect(h.call("SWBExternalService.TagResource", #"{"ResourceArn":"\#(arn)","Tags":[{"Key":"team","Value":"audit"},{"Key":"cost","Value":"42"}]}"#).status == 200)
        #expect(h.call("SWBExternalService.UntagResource", #"{"ResourceArn":"\#(arn)","TagKeys":["cost"]}"#).status == 200)
        let tags = h.json(h.call("SWBExternalService.ListTagsForResource", #"{"ResourceArn":"\#(arn)"}"#))["Tags"] as? [[String: String]]
        #expect(tags == [["Key": "team", "Value": "audit"]])
        let duplicate = h.call("SWBExternalService.CreatePermissionSet", #"{"InstanceArn":"\#(instance)","Name":"Auditor"}"#)
        #expect(duplicate.status == 400 && h.json(duplicate)["__type"] as? String == "ConflictException")
        #expect(h.head == before + 3)  // created, tagged, untagged; the duplicate wrote nothing
    }

    @Test func anAssignmentIsInProgressUntilVirtualTimePassesTheModelledDelay() throws {
        let h = try Harness()
        _ = h.control("clock", #"{"advance":"10m"}"#)
        let ids = h.served.ids
        let group = h.served.state.identityCenter.groups.keys.sorted().first!
        let developer = h.served.state.permissionSets.values.first { $0.name == "Developer" }!
        let account = h.served.state.organization.accounts.values.first { $0.name == "shared" }!
        let body = #"{"InstanceArn":"\#(ids.instanceArn)","TargetId":"\#(ids.accountId(account.accountId))","TargetType":"AWS_ACCOUNT","PermissionSetArn":"\#(ids.permissionSetArn(developer.permissionSetId))","PrincipalType":"GROUP","PrincipalId":"\#(ids.groupId(group))"}"#
        let started = h.json(h.call("SWBExternalService.CreateAccountAssignment", body))["AccountAssignmentCreationStatus"] as? [String: Any]
        #expect(started?["Status"] as? String == "IN_PROGRESS")
        let request = started?["RequestId"] as? String ?? ""
        let describe = #"{"InstanceArn":"\#(ids.instanceArn)","AccountAssignmentCreationRequestId":"\#(request)"}"#
        func status() -> String? {
            (h.json(h.call("SWBExternalService.DescribeAccountAssignmentCreationStatus", describe))["AccountAssignmentCreationStatus"] as? [String: Any])?["Status"] as? String
        }
        #expect(status() == "IN_PROGRESS")
        let moved = h.control("clock", #"{"advance":"1m"}"#)
        #expect((moved["events"] as? Int ?? 0) >= 1)
        #expect(status() == "SUCCEEDED")
    }

    @Test func badRequestsAnswerTheDocumentedErrorAndWriteNothing() throws {
        let h = try Harness(tps: 2)
        let before = h.head
        let cases: [(ServeResponse, Int, String)] = [
            (h.call("SWBExternalService.CreatePermissionSet", "{not json"), 400, "SerializationException"),
            (h.call("SWBExternalService.CreatePermissionSet", #"{"InstanceArn":"x"}"#), 400, "ValidationException"),
            (h.call("SWBExternalService.NoSuchThing", "{}"), 400, "UnknownOperationException"),
            (h.call("SWBExternalService.ListInstances", "{}", secret: "wrong"), 403, "InvalidSignatureException"),
            (h.call("SWBExternalService.ListInstances", "{}", date: ServeTests.wallClock.addingTimeInterval(3600)), 403, "InvalidSignatureException"),
            // The TPS bucket (2 a second here) is spent by now on the wall clock the test holds still.
            (h.call("SWBExternalService.ListInstances", "{}"), 400, "ThrottlingException"),
        ]
        for (response, status, code) in cases {
            #expect(response.status == status, "\(code): \(response.text)")
            #expect(h.json(response)["__type"] as? String == code, "\(response.text)")
        }
        let unsigned = h.served.handle(ServeRequest(method: "POST", path: "/", headers: [("x-amz-target", "SWBExternalService.ListInstances")], body: []))
        #expect(unsigned.status == 403 && h.json(unsigned)["__type"] as? String == "MissingAuthenticationTokenException")
        let big = h.served.handle(ServeRequest(method: "POST", path: "/", headers: [], body: Array(repeating: 0x20, count: (1 << 20) + 1)))
        #expect(big.status == 413)
        #expect(h.json(h.served.handle(ServeRequest(method: "POST", path: "/_accesslab/clock", headers: [], body: Array(#"{"advance":"soon"}"#.utf8))))["error"] as? String == "ValidationException")
        #expect(h.head == before)
    }

    /// identitystore's `Revision` moves with every change of the user; an update or delete that names
    /// an older one is a ConflictException and writes nothing, as AWS documents for optimistic concurrency.
    @Test func aUsersRevisionMovesWithEachChangeAndAStaleOneIsAConflict() throws {
        let h = try Harness()
        let store = h.served.ids.identityStoreId
        let created = h.json(h.call("AWSIdentityStore.CreateUser",
                                    #"{"IdentityStoreId":"\#(store)","UserName":"rev","DisplayName":"Rev","Name":{"GivenName":"R","FamilyName":"V"}}"#))
        let id = try #require(created["UserId"] as? String)
        #expect(created["UserArn"] as? String == "arn:aws:identitystore:::user/\(id)")
        let first = try #require(created["Revision"] as? String)
        func update(_ revision: String) -> ServeResponse {
            h.call("AWSIdentityStore.UpdateUser", #"{"IdentityStoreId":"\#(store)","UserId":"\#(id)","Revision":"\#(revision)","#
                   + #""Operations":[{"AttributePath":"displayName","AttributeValue":"Rev \#(revision)"}]}"#)
        }
        let updated = update(first)
        #expect(updated.status == 200, "\(updated.text)")
        let second = try #require(h.json(updated)["Revision"] as? String)
        #expect(second != first && UInt64(second) ?? 0 > UInt64(first) ?? 0)
        let before = h.head
        let stale = update(first)
        #expect(stale.status == 400 && h.json(stale)["__type"] as? String == "ConflictException", "\(stale.text)")
        let staleDelete = h.call("AWSIdentityStore.DeleteUser", #"{"IdentityStoreId":"\#(store)","UserId":"\#(id)","Revision":"\#(first)"}"#)
        #expect(staleDelete.status == 400 && h.json(staleDelete)["__type"] as? String == "ConflictException")
        #expect(h.head == before)
        let described = h.json(h.call("AWSIdentityStore.DescribeUser", #"{"IdentityStoreId":"\#(store)","UserId":"\#(id)"}"#))
        #expect(described["Revision"] as? String == second && described["DisplayName"] as? String == "Rev \(first)")
    }

    @Test func signInIsRefusedAtOnceForADisabledUserAndTheRefusalIsLogged() throws {
        let h = try Harness()
        let user = h.served.state.identityCenter.users.values.sorted { $0.userId < $1.userId }.first!
        let ok = h.control("signin", #"{"userName":"\#(user.attributes.userName)"}"#)
        #expect(ok["sessionId"] != nil)
        h.simulation.record(.patchUser(PatchUser(userId: user.userId, operations: [PatchOperation(op: .replace, path: "active", value: "false")])), actor: .scim)
        try h.simulation.commit()
        let refused = h.control("signin", #"{"userName":"\#(user.attributes.userName)"}"#)
        #expect(refused["error"] as? String == "SignInRefused")
        let last = try h.log.read { try $0.event($0.head.lastSeq) }
        #expect(last.type == .AccessRefused)
    }

    @Test func withActorsTheScenarioLivesAsTheClockAdvancesAndWithoutThemNothingHappensOnItsOwn() throws {
        func signIns(actors: Bool) throws -> Int {
            let h = try Harness(actors: actors)
            _ = h.control("clock", #"{"advance":"2d"}"#)
            return try h.log.read { r in
                var n = 0
                try r.forEachEvent(in: 1...r.head.lastSeq) { if $0.type == .PortalSignIn { n += 1 }; return true }
                return n
            }
        }
        #expect(try signIns(actors: false) == 0)
        #expect(try signIns(actors: true) > 0)
    }

    @Test func theSameRequestsGiveTheSameLog() throws {
        func digest() throws -> String {
            let h = try Harness()
            _ = h.call("SWBExternalService.CreatePermissionSet", #"{"InstanceArn":"\#(h.served.ids.instanceArn)","Name":"Auditor"}"#)
            _ = h.control("clock", #"{"advance":"2h"}"#)
            _ = h.control("signin", #"{"userName":"u00001@example.com"}"#)
            return try h.log.read { $0.head.digest.hex }
        }
        #expect(try digest() == digest())
    }
}
