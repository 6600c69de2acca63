import Foundation
import Testing

/// `diff FROM TO` shows what happened between the two instants, not only what differs at them.
@Suite struct DiffWindowTests {
    @Test func credentialsThatCameAndWentAndEveryDenyAreListed() throws {
        let dir = try TemporaryDirectory()
        let db = dir.sub("db")
        // scenarios/checks/runbook-deny.yaml: u00001 terminated 10:05, SCP deny added 10:15, in force 10:15:04.
        #expect(try runAccesslab(["run", scenarioPath("checks/runbook-deny.yaml"), "--db", db]).code == 0)
        let r = try runAccesslab(["diff", "--db", db, "--from", "2026-01-05T10:00Z", "--to", "2026-01-05T12:00Z", "--user", "u00001@example.com"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("denyAdded  u00001  identitystore:UserId deny on scp r-root"))
        #expect(r.out.contains("because @") && r.out.contains("DenyUserEffective 2026-01-05T10:15:04Z"))
        // Minted at 10:05 and expired long after 12:00: in the window's end state, so an ordinary issue.
        #expect(r.out.contains("credentialsIssued  u00001  100000000001 ReadOnly  c3 until"))

        let day = try runAccesslab(["diff", "--db", db, "--from", "2026-01-05T09:00Z", "--to", "2026-01-06T00:00Z", "--user", "u00001", "--json"])
        let changes = try #require((try JSONSerialization.jsonObject(with: Data(day.out.utf8)) as? [String: Any])?["changes"] as? [[String: Any]])
        let cameAndWent = changes.filter { $0["kind"] as? String == "credentialsIssuedAndEnded" }.compactMap { $0["detail"] as? String }
        #expect(cameAndWent.contains { $0.hasPrefix("c3 issued 2026-01-05T10:05:00Z until 2026-01-05T22:05:00Z, cut by a deny at 2026-01-05T10:15:04Z") })
        #expect(changes.contains { $0["kind"] as? String == "denyEffective" })

        let positional = try runAccesslab(["diff", "--db", db, "2026-01-05T10:00Z", "2026-01-05T12:00Z", "--user", "u00001"])
        #expect(positional.code == 0 && positional.out == r.out)
        #expect(try runAccesslab(["diff", "--db", db, "2026-01-05T10:00Z"]).code != 0)
    }
}
