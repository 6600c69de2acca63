@testable import AccessLabEvents
import Foundation
import Testing

/// Times as AWS CLI users type them, accepted by every command that takes one.
@Suite struct WrittenTimeTests {
    @Test("offsets, no seconds, a bare date, a space for T and Unix seconds land on the same instant")
    func theFormsAWSCLIUsersWrite() throws {
        let ten = try #require(ISO8601.parse("2026-01-05T10:00:00Z"))
        for text in ["2026-01-05T10:00:00Z", "2026-01-05T10:00Z", "2026-01-05T11:00:00+01:00", "2026-01-05T11:00+0100", "2026-01-05T05:00-05:00",
                     "2026-01-05 10:00", "2026-01-05T10:00:00", "2026-01-05T10:00:00.000Z", "1767607200"] {
            #expect(try TimeSpec(parsing: text) == .instant(ten), "\(text)")
        }
        #expect(try TimeSpec(parsing: "2026-01-05") == .instant(ten - .hours(10)))
        #expect(try TimeSpec(parsing: "2026-01-05T10:00:00.25+00:00") == .instant(ten + Duration_ms(250)))
        #expect(try TimeSpec(parsing: "+3d4h") == .offset(.days(3) + .hours(4)))
        #expect(try TimeSpec(parsing: "end") == .beforeEnd(.zero))
        #expect(try TimeSpec(parsing: "END-6h") == .beforeEnd(.hours(6)))
        #expect(try TimeSpec(parsing: "start") == .offset(.zero))
    }

    @Test("an impossible date or a malformed offset is refused with the forms that work")
    func badTimesSayWhatIsAccepted() {
        for bad in ["2026-02-30", "2026-01-05T24:00Z", "2026-01-05T10:00+25:00", "2026-01-05T10", "end-", "end-soon", "2026-1-5", "next tuesday", "2026", "10:00"] {
            #expect(throws: TimeSpecError.self, "\(bad)") { try TimeSpec(parsing: bad) }
        }
        do { _ = try TimeSpec(parsing: "2026-02-30") } catch {
            #expect(error.description.contains("2026-01-05T11:00+01:00") && error.description.contains("end"))
        }
    }

    @Test("access answers the same for the same instant written three ways, and `end` is where the run ended")
    func commandsTakeEveryForm() throws {
        let db = QueryCommandTests.tiny
        func access(_ at: String) throws -> String {
            let r = try runAccesslab(["access", "--db", db, "--at", at, "--user", "u00002"])
            #expect(r.code == 0, "\(at): \(r.err)")
            return r.out
        }
        let utc = try access("2026-01-06T11:00:00Z")
        #expect(try access("2026-01-06T12:00+01:00") == utc)
        #expect(try access("+1d11h") == utc)
        #expect(utc.hasPrefix("As of 2026-01-06T11:00:00Z"))
        #expect(try access("2026-01-06").hasPrefix("As of 2026-01-06T00:00:00Z"))
        // tiny runs 14 days from 2026-01-05: `end` is the simulated end, end-1d the day before.
        #expect(try access("end").hasPrefix("As of 2026-01-19T00:00:00Z"))
        #expect(try access("end-1d").hasPrefix("As of 2026-01-18T00:00:00Z"))
        let log = try runAccesslab(["log", "--db", db, "--from", "2026-01-06T11:00+01:00", "--to", "2026-01-06T10:00:00.001Z"])
        #expect(log.code == 0 && log.out.split(separator: "\n").allSatisfy { $0.contains("2026-01-06T10:00:00Z") } && !log.out.isEmpty)
        let bad = try runAccesslab(["access", "--db", db, "--at", "2026-02-30"])
        #expect(bad.code == 1 && bad.err.contains("--at '2026-02-30': not a valid date or time"))
    }
}
