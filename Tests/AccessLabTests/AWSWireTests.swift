@testable import AccessLabAWS
import AccessLabEvents
import Foundation
import Testing

/// AWS's formats as AccessLab writes them: ids, ARNs, page tokens, timestamps.
struct AWSWireTests {
    let ids = AWSIdentifiers(managementAccountId: "100000000001")

    /// The server's streaming encoder writes the same JSON values as Foundation's, for nested shapes,
    /// optionals, lists, timestamps, documents, escapes and an empty answer.
    @Test func theStreamingEncoderAgreesWithFoundation() throws {
        typealias I = AWS.IdentityStore
        typealias S = AWS.SSOAdmin
        let user = I.User(identityStoreId: "d-1234567890", userId: ids.userId("u1"), userArn: ids.userArn("u1"), revision: "7", userName: "zoë \"q\" \\ /\n\u{1}",
                          name: I.Name(formatted: "Zoë Q", familyName: "Q", givenName: "Zoë"), displayName: "Zoë",
                          emails: [I.Email(value: "z@example.com", type: "work", primary: true)], userStatus: "ENABLED")
        func same<T: Encodable & AWSJSONWritable>(_ value: T) throws {
            let streamed = try JSONSerialization.jsonObject(with: Data(AWSWireJSON.stream(value)), options: .fragmentsAllowed)
            let foundation = try JSONSerialization.jsonObject(with: AWSWireJSON.encode(value), options: .fragmentsAllowed)
            // Key order differs (declared vs sorted); written again with sorted keys, the two must be the same text.
            let a = try JSONSerialization.data(withJSONObject: streamed, options: [.sortedKeys, .fragmentsAllowed])
            let b = try JSONSerialization.data(withJSONObject: foundation, options: [.sortedKeys, .fragmentsAllowed])
            let text = String(decoding: AWSWireJSON.stream(value), as: UTF8.self)
            #expect(a == b, "\(T.self): \(text)")
            // The generated writer and the Codable reference write the same bytes (members in the model's order).
            let sink = JSONSink()
            try sink.value(value)
            #expect(sink.bytes == AWSWireJSON.stream(value), "\(T.self): \(text)")
        }
        try same(I.ListUsersResponse(users: [user, user], nextToken: "abc"))
        try same(I.ListUsersResponse(users: []))
        try same(S.DescribePermissionSetResponse(permissionSet: S.PermissionSet(name: "Dev", permissionSetArn: "arn:aws:sso:::permissionSet/x/ps-1",
                                                                                createdDate: AWSTimestamp(Instant(ms: 1_767_571_200_123)), sessionDuration: "PT8H")))
        try same(S.DescribePermissionSetResponse(permissionSet: S.PermissionSet(createdDate: AWSTimestamp(Instant(ms: 1_767_571_200_000)))))
        try same(S.DeletePermissionSetResponse())
        try same(AWS.SSOPortal.GetRoleCredentialsResponse(roleCredentials: AWS.SSOPortal.RoleCredentials(accessKeyId: "ASIA", expiration: 1_767_571_200_000)))
        try same(S.ListInstancesResponse(instances: [S.InstanceMetadata(instanceArn: "arn:aws:sso:::instance/ssoins-1", status: "ACTIVE")]))
        try same(S.ListPermissionSetsRequest(instanceArn: "arn:aws:sso:::instance/ssoins-1", maxResults: 100))
        try same(AWS.SSOOIDC.CreateTokenResponse(accessToken: "t\u{7f}é", tokenType: "Bearer", expiresIn: -1))
        try same(I.IsMemberInGroupsResponse(results: [I.GroupMembershipExistenceResult(groupId: "g", membershipExists: false)]))
    }

    @Test func scenarioNamesMapToAWSFormatsTheSameWayEveryTime() {
        let again = AWSIdentifiers(managementAccountId: "100000000001")
        #expect(ids.userId("u00062") == again.userId("u00062") && ids.groupId("g-catalog") == again.groupId("g-catalog"))
        #expect(AWSIdentifiers.isUUID(ids.userId("u00062")) && AWSIdentifiers.isUUID(ids.groupId("g-catalog")))
        #expect(ids.userId("u00001") != ids.userId("u00002") && ids.userId("x") != ids.groupId("x"))
        #expect(ids.identityStoreId.wholeMatch(of: /d-[0-9a-f]{10}/) != nil)
        #expect(ids.instanceArn.wholeMatch(of: /arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}/) != nil)
        #expect(ids.organizationId.wholeMatch(of: /o-[a-z0-9]{10}/) != nil)
        #expect(ids.organizationalUnitId("ou-workloads").wholeMatch(of: /ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}/) != nil)
        #expect(ids.policyId("scp-deny-leavers").wholeMatch(of: /p-[0-9a-z]{10}/) != nil)
        #expect(ids.accountId("payments-dev").wholeMatch(of: /[1-9][0-9]{11}/) != nil)
        // Another organisation gets other ids for the same names.
        #expect(AWSIdentifiers(managementAccountId: "200000000001").userId("u00062") != ids.userId("u00062"))
    }

    @Test func idsThatAlreadyHaveAWSsFormAreKept() {
        #expect(ids.userId("906722b2be-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b") == "906722b2be-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b")
        #expect(ids.accountId("123456789012") == "123456789012")
        #expect(ids.permissionSetId("ps-28c44a36e8a8215e") == "ps-28c44a36e8a8215e")
        #expect(ids.organizationalUnitId("ou-ab12-cd34ef56") == "ou-ab12-cd34ef56")
        #expect(ids.policyId("p-abcdef012345") == "p-abcdef012345")
    }

    @Test func pageTokensNameTheirOperationAndOffset() {
        let pages = AWSPages.split(Array(0..<250), size: 100, operation: "ListUsers")
        #expect(pages.map(\.items.count) == [100, 100, 50])
        #expect(pages[0].token == nil && pages[2].next == nil)
        #expect(pages[0].next == pages[1].token && pages[1].next == pages[2].token)
        #expect(AWSPages.offset(token: pages[1].token!, operation: "ListUsers") == 100)
        #expect(AWSPages.offset(token: pages[1].token!, operation: "ListGroups") == nil)
        #expect(AWSPages.offset(token: "not a token!", operation: "ListUsers") == nil)
        #expect(AWSPages.split([Int](), size: 100, operation: "ListUsers").map(\.items.count) == [0])
    }

    @Test func timestampsTravelAsEpochSecondsAndReadBackFromEitherCLI() throws {
        struct Box: Codable { var t: AWSTimestamp }
        let text = String(decoding: try AWSWireJSON.encode(Box(t: AWSTimestamp(Instant(ms: 1_767_571_206_943)))), as: UTF8.self)
        #expect(text == #"{"t":1767571206.943}"#)
        #expect(String(decoding: try AWSWireJSON.encode(Box(t: AWSTimestamp(Instant(ms: 1_767_571_200_000)))), as: UTF8.self) == #"{"t":1767571200}"#)
        let v1 = try AWSWireJSON.decode(Box.self, from: Data(#"{"t":1767571206.943}"#.utf8))
        let v2 = try AWSWireJSON.decode(Box.self, from: Data(#"{"t":"2026-01-05T00:00:06.943Z"}"#.utf8))
        #expect(v1.t.instant.ms == 1_767_571_206_943 && v2.t == v1.t)
    }

    @Test func requiredMembersFromTheModelAreNotOptional() throws {
        // ListUsersResponse.Users is required in botocore's model; decoding a response without it fails.
        #expect(throws: DecodingError.self) { try AWSWireJSON.decode(AWS.IdentityStore.ListUsersResponse.self, from: Data("{}".utf8)) }
        let request = AWSRequest(AWS.IdentityStore.ListUsersRequest(identityStoreId: "d-0123456789"), pageToken: ("NextToken", "abc"))
        #expect(String(decoding: try AWSWireJSON.encode(request), as: UTF8.self) == #"{"IdentityStoreId":"d-0123456789","NextToken":"abc"}"#)
        #expect(AWS.SSOAdmin.service.operation("ListAccountAssignments")?.paginator?.largestPage == 100)
        #expect(AWS.Organizations.service.operation("ListAccounts")?.paginator?.largestPage == 20)
    }
}
