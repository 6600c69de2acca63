@testable import AccessLabEvents
import Testing

@Suite("Times")
struct TimeTests {
    @Test("ISO-8601 formats and parses, leap days and milliseconds included")
    func iso() throws {
        let t = try #require(ISO8601.parse("2026-03-02T09:00:00Z"))
        #expect(t.ms == 1_772_442_000_000)
        #expect(t.description == "2026-03-02T09:00:00Z")
        #expect(ISO8601.parse("2024-02-29T23:59:59.250Z")?.description == "2024-02-29T23:59:59.250Z")
        #expect(ISO8601.parse("2025-02-29T00:00:00Z") == nil)
        #expect(ISO8601.parse("2026-03-02 09:00:00") == nil)
        #expect(ISO8601.parse("1969-12-31T23:59:59Z")?.ms == -1000)
        #expect(Instant(ms: -1000).description == "1969-12-31T23:59:59Z")
    }

    @Test("time specs: instants, offsets and sequence numbers")
    func specs() throws {
        #expect(try TimeSpec(parsing: "+90m") == .offset(.minutes(90)))
        #expect(try TimeSpec(parsing: "+36h") == .offset(.hours(36)))
        #expect(try TimeSpec(parsing: "+3d") == .offset(.days(3)))
        #expect(try TimeSpec(parsing: "+1h30m") == .offset(.minutes(90)))
        #expect(try TimeSpec(parsing: "@12345") == .seq(12345))
        #expect(try TimeSpec(parsing: "2026-03-02T09:00:00Z") == .instant(Instant(ms: 1_772_442_000_000)))
        for bad in ["", "+", "+3x", "@", "@-1", "tomorrow", "+99999999999999999999d"] {
            #expect(throws: TimeSpecError.self, "\(bad)") { try TimeSpec(parsing: bad) }
        }
    }

    @Test("durations print compactly")
    func durations() {
        #expect((Duration_ms.hours(13) + .minutes(40)).description == "13h40m")
        #expect(Duration_ms.seconds(4).description == "4s")
        #expect(Duration_ms(250).description == "250ms")
    }
}
