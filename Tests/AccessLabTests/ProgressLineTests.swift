@testable import AccessLabCLI
import AccessLabEvents
import Testing

/// What the progress line on a terminal reads like.
@Suite struct ProgressLineTests {
    @Test func theLineGivesTheVirtualDateEventsAndRate() throws {
        let start = try #require(ISO8601.parse("2026-01-05T00:00:00Z"))
        let line = ProgressLine.text(at: start + .days(16) + .hours(6), events: 172_345, start: start, end: start + .days(90), elapsed_s: 3.25)
        #expect(line == "  2026-01-21T06:00Z  day 16 of 90 (18%)  172345 events  53029 events/s")
    }
}
