@testable import AccessLabCLI
import AccessLabEvents
import Foundation
import Testing

/// What the progress line on a terminal reads like.
@Suite struct ProgressLineTests {
    @Test func theLineGivesTheVirtualDateEventsAndRate() throws {
        let start = try #require(ISO8601.parse("2026-01-05T00:00:00Z"))
        let line = ProgressLine.text(at: start + .days(16) + .hours(6), events: 172_345, start: start, end: start + .days(90), elapsed_s: 3.25)
        #expect(line == "  2026-01-21T06:00Z  day 16 of 90 (18%)  172345 events  53029 events/s")
    }

    /// On a terminal (a pseudo-terminal from `script`), the line shows; --quiet and --json silence it.
    @Test func theLineShowsOnATerminalUnlessQuiet() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        func onTerminal(_ extra: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            let command = "\(accesslabExecutable().path) run \(scenarioPath("tiny.yaml")) --no-check --progress-after 0 \(extra) > /dev/null"
            process.arguments = ["-qec", command, "/dev/null"]
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let shown = try onTerminal("")
        #expect(shown.contains("2026-01-") && shown.contains("day ") && shown.contains("events/s"), "\(shown)")
        #expect(!(try onTerminal("--quiet")).contains("events/s"))
        #expect(!(try onTerminal("--json")).contains("events/s"))
    }
}
