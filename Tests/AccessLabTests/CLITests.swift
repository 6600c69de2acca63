@testable import AccessLabCLI
@testable import AccessLabEvents
@testable import AccessLabLog
import Foundation
import Testing

@Suite("Command line")
struct CLITests {
    /// Runs a subcommand in process, as `main` would, and returns the error it ended with, if any.
    func run(_ arguments: [String]) -> (any Error)? {
        do {
            var command = try AccessLabCommand.parseAsRoot(arguments)
            try command.run()
            return nil
        } catch {
            return error
        }
    }

    @Test("import of a file with a bad line 7 writes nothing and says line 7")
    func importBadLine() throws {
        let dir = TemporaryDirectory()
        let lines = try sampleEvents(10).enumerated().map { i, e in try EventJSON.line(e.logged(as: UInt64(i + 1))) }
        var broken = lines
        broken[6] = broken[6].replacingOccurrences(of: ",\"userId\":\"u-1\"", with: "")
        let file = dir.sub("events.jsonl")
        try broken.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let error = try #require(run(["import", "--db", dir.sub("db"), file]))
        #expect("\(error)".contains("line 7"))
        #expect("\(error)".contains("field payload.userId: missing"))
        #expect(try LMDBEventLog(path: dir.sub("db")).read { $0.head.lastSeq } == 0)
    }

    @Test("import refuses bad time order, dangling causes and mismatched seqs", arguments: [
        (#"{"time":"2026-03-02T10:00:00Z","type":"DeleteUser","actor":"scim","payload":{"userId":"u"}}"#, "line 2: field time"),
        (#"{"time":"2026-03-02T12:00:00Z","type":"DeleteUser","actor":"scim","cause":5,"payload":{"userId":"u"}}"#, "line 2: field cause"),
        (#"{"seq":9,"time":"2026-03-02T12:00:00Z","type":"DeleteUser","actor":"scim","payload":{"userId":"u"}}"#, "line 2: field seq"),
        (#"{"time":"2026-03-02T12:00:00Z","type":"Nope","actor":"scim","payload":{}}"#, "line 2: field type: unknown event type 'Nope'"),
        (#"{"time":"noon","type":"DeleteUser","actor":"scim","payload":{"userId":"u"}}"#, "line 2: field time"),
        (#"{"time":"2026-03-02T12:00:00Z","type":"DeleteUser","actor":"robot","payload":{"userId":"u"}}"#, "line 2: field actor"),
        (#"{"time": "2026-03-02T12:00:00Z", "type"#, "line 2: not valid JSON"),
        (#"{"time":"2026-03-02T12:00:00Z","type":"PutInlinePolicyToPermissionSet","actor":"admin","payload":{"permissionSetId":"ps","inlinePolicy":""# + String(repeating: "x", count: 32_769) + #""}}"#,
         "line 2: field payload.inlinePolicy: 32769 bytes; Identity Center allows 32768"),
        (#"{"time":"2026-03-02T12:00:00Z","type":"CreateServiceControlPolicy","actor":"admin","payload":{"policyId":"p","name":"n","content":""# + String(repeating: "x", count: 5_121) + #""}}"#,
         "line 2: field payload.content: 5121 characters; an SCP may have 5120"),
    ])
    func importChecks(second: String, expected: String) throws {
        let dir = TemporaryDirectory()
        let first = #"{"time":"2026-03-02T11:00:00Z","type":"DeleteUser","actor":"scim","payload":{"userId":"u"}}"#
        let file = dir.sub("e.jsonl")
        try (first + "\n" + second + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let error = try #require(run(["import", "--db", dir.sub("db"), file]))
        #expect("\(error)".contains(expected), "\(error)")
        #expect(try LMDBEventLog(path: dir.sub("db")).read { $0.head.lastSeq } == 0)
    }

    @Test("log --json then import reproduces the log and its digest")
    func dumpAndReimport() throws {
        let dir = TemporaryDirectory()
        #expect(run(["demo", "--db", dir.sub("a")]) == nil)
        let dump = try runAccesslab(["log", "--db", dir.sub("a"), "--json"])
        #expect(dump.code == 0)
        try dump.out.write(toFile: dir.sub("dump.jsonl"), atomically: true, encoding: .utf8)
        #expect(run(["import", "--db", dir.sub("b"), dir.sub("dump.jsonl")]) == nil)
        let a = try runAccesslab(["digest", "--db", dir.sub("a")]), b = try runAccesslab(["digest", "--db", dir.sub("b")])
        #expect(a.out.count == 65)
        #expect(a.out == b.out)
        // Importing the same dump again is refused: its seqs are taken.
        let again = try #require(run(["import", "--db", dir.sub("b"), dir.sub("dump.jsonl")]))
        #expect("\(again)".contains("line 1: field seq"))
    }

    @Test("log filters by user, account, type and time")
    func logFilters() throws {
        let dir = TemporaryDirectory()
        #expect(run(["demo", "--db", dir.sub("db")]) == nil)
        let issued = try runAccesslab(["log", "--db", dir.sub("db"), "--user", "u-alice", "--account", "222222222222", "--type", "RoleCredentialsIssued"])
        #expect(issued.out.split(separator: "\n").map { $0.split(separator: " ")[0] } == ["@12", "@18"])
        let window = try runAccesslab(["log", "--db", dir.sub("db"), "--from", "2026-03-02T14:00:00Z", "--to", "+6h40m"])
        #expect(window.out.split(separator: "\n").map { $0.split(separator: " ")[0] } == ["@13", "@14", "@15", "@16", "@17"])
        let bad = try runAccesslab(["log", "--db", dir.sub("db"), "--type", "Nope"])
        #expect(bad.code != 0)
        #expect(bad.err.contains("unknown event type 'Nope'"))
    }

    @Test("verify and digest agree, and name missing databases")
    func verifyAndDigest() throws {
        let dir = TemporaryDirectory()
        #expect(run(["demo", "--db", dir.sub("db")]) == nil)
        let verify = try runAccesslab(["verify", "--db", dir.sub("db")])
        let digest = try runAccesslab(["digest", "--db", dir.sub("db")])
        #expect(verify.code == 0)
        #expect(verify.out == "ok 22 events digest \(digest.out)")
        let missing = try runAccesslab(["verify", "--db", dir.sub("nothing")])
        #expect(missing.code != 0)
        #expect(missing.err.contains("no AccessLab database at \(dir.sub("nothing"))"))
    }

    @Test("the demo is deterministic and reports the latency its events imply")
    func demo() throws {
        let dir = TemporaryDirectory()
        let a = try runAccesslab(["demo", "--db", dir.sub("a"), "--json"])
        let b = try runAccesslab(["demo", "--db", dir.sub("b"), "--json"])
        #expect(a.code == 0)
        #expect(a.out == b.out)
        #expect(a.out.contains("\"revocationLatency_s\" : 46200"))
    }
}
