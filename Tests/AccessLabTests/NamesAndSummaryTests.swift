import Foundation
import Testing

/// Users by user name and accounts by name everywhere, and `access` on a whole organization in a screen.
@Suite struct NamesAndSummaryTests {
    var db: String { QueryCommandTests.tiny }

    @Test func usersAreFoundByUserNameOrEmailAndShownWithIt() throws {
        let byId = try runAccesslab(["access", "--db", db, "--at", "2026-01-06T11:00:00Z", "--user", "u00002", "--account", "100000000002"])
        let byName = try runAccesslab(["access", "--db", db, "--at", "2026-01-06T11:00:00Z", "--user", "U00002@example.com", "--account", "payments-dev"])
        #expect(byId.code == 0 && byName.code == 0, "\(byName.err)")
        #expect(byName.out == byId.out)
        #expect(byId.out.contains("u00002 <u00002@example.com>  payments-dev (100000000002)"))

        let explain = try runAccesslab(["explain", "--db", db, "--at", "2026-01-06T11:00:00Z", "--user", "u00002@example.com",
                                        "--account", "payments-dev", "--action", "iam:CreateUser"])
        #expect(explain.code == 0 && explain.out.contains("Explicitly denied: u00002 (u00002@example.com) iam:CreateUser"), "\(explain.err)")

        let timeline = try runAccesslab(["timeline", "--db", db, "--user", "u00002@example.com"])
        #expect(timeline.code == 0 && timeline.out.hasPrefix("Timeline of u00002 (u00002@example.com)"))
        #expect(timeline.out == (try runAccesslab(["timeline", "--db", db, "--user", "u00002"])).out)

        let log = try runAccesslab(["log", "--db", db, "--user", "u00002@example.com", "--account", "shared", "--type", "RoleCredentialsIssued"])
        let logById = try runAccesslab(["log", "--db", db, "--user", "u00002", "--account", "100000000006", "--type", "RoleCredentialsIssued"])
        #expect(log.code == 0 && !log.out.isEmpty && log.out == logById.out)
    }

    @Test func unknownNamesAreErrorsThatSayWhatWasLookedFor() throws {
        let user = try runAccesslab(["log", "--db", db, "--user", "bob@example.com"])
        #expect(user.code == 1 && user.err.contains("no user 'bob@example.com' (by id, user name or email)"))
        let account = try runAccesslab(["explain", "--db", db, "--at", "+1d", "--user", "u00002", "--account", "payments-staging", "--action", "s3:GetObject"])
        #expect(account.code == 1 && account.err.contains("no account 'payments-staging' (by id or name)"))
    }

    @Test func accessWithoutAFilterSummarisesAndListsRowsOnlyOnRequest() throws {
        let summary = try runAccesslab(["access", "--db", db, "--at", "2026-01-06T11:00:00Z"])
        #expect(summary.code == 0, "\(summary.err)")
        let lines = summary.out.split(separator: "\n")
        #expect(lines.count < 25, "a summary fits a screen: \(lines.count) lines")
        #expect(lines.contains { $0.hasPrefix("  users ") && $0.contains("can act") && $0.contains("entitled") })
        #expect(lines.contains { $0.hasPrefix("  live now") && $0.contains("portal sessions") })
        #expect(lines.contains { $0.hasPrefix("By account") })
        #expect(!summary.out.contains("sign-in:"), "no per-user rows in the summary")
        #expect(summary.out.contains("--all lists them"))

        let all = try runAccesslab(["access", "--db", db, "--at", "2026-01-06T11:00:00Z", "--all"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try runAccesslab(["access", "--db", db, "--at", "2026-01-06T11:00:00Z", "--json"]).out.utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        let counted = try #require((json["summary"] as? [String: Any])?["rows"] as? Int)
        #expect(all.out.split(separator: "\n").filter { $0.contains("sign-in:") }.count == rows.count && rows.count == counted)
        #expect(summary.out.contains("\(counted) (user, account, permission set) rows"))

        let byTeam = try runAccesslab(["access", "--db", db, "--at", "2026-01-06T11:00:00Z", "--by", "team"])
        #expect(byTeam.out.contains("By team") && byTeam.out.contains("  payments ") && byTeam.out.contains("  search "))
    }
}
