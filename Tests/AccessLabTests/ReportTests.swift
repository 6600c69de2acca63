import AccessLabCLI
import AccessLabEvents
import AccessLabLog
import AccessLabProjections
@testable import AccessLabReport
import AccessLabSimulation
import Foundation
import Testing

@Suite struct ReportTests {
    @Test(arguments: ["closed-form persisting", "closed-form benign", "abac mover"])
    func measuringAFinishedLogGivesTheRunsOwnReport(_ name: String) throws {
        let scenario = switch name {
        case "closed-form benign": closedFormScenario(behaviour: .benign)
        case "abac mover": abacMoverScenario()
        default: closedFormScenario()
        }
        let (_, summary, log) = try simulate(scenario)
        let (report, metadata) = try log.read { reader in
            let metadata = reader.metadata
            let context = try #require(MeasurementContext(parameters: metadata.parameters))
            return (try RevocationMeter.measure(reader, rules: AccessRules(parameters: metadata.parameters), context: context), metadata)
        }
        #expect(report == summary.report)
        #expect(metadata.parameters["leaver_behaviour"] == scenario.churn.leaverBehaviour.rawValue)
    }

    @Test func theWorstLeaversTimelineMarksEachStageInOrder() throws {
        let (_, summary, _) = try simulate(closedFormScenario())
        let t = try #require(summary.report.leavers.worst_timeline)
        #expect(t.user == "u00001" && t.behaviour == "persisting")
        let marks = Dictionary(uniqueKeysWithValues: t.marks.map { ($0.name, $0.offset_s) })
        // Closed form (see RevocationLatencyTests): HR lag 10 m, sync at the 40 m cycle boundary (35 m after
        // the 10:05 termination), the last credential minted at the end of the 1 h sign-in cache, lasting 12 h.
        #expect(marks["termination"] == 0)
        #expect(marks["idp_deactivated"] == 600)
        #expect(marks["sign_in_lost"] == 2100.0)
        #expect(marks["last_mint"] == 5700.0)
        #expect(marks["last_access"] == t.latency_s)
        #expect(t.latency_s == summary.report.leavers.persisting?.latency.max_s)
        let lane = try #require(t.lanes.first)
        #expect(lane.account == "111111111111" && lane.permission_set_name == "ReadOnly" && lane.entitled)
        // A disabled user's assignment stays in Identity Center: the lane is entitled to the end of the run.
        #expect(lane.entitled_until_s == nil)
        #expect(lane.credentials.contains { $0.after_termination && $0.ends_s == t.latency_s })
    }

    @Test func exposureByDayAddsUpToTheTotal() throws {
        let (_, summary, _) = try simulate(try loadScenario("tiny.yaml"))
        for section in [summary.report.leavers.benign, summary.report.leavers.persisting].compactMap({ $0 }) {
            #expect(section.exposure_by_day_h.count == 14)
            #expect(abs(section.exposure_by_day_h.reduce(0, +) - section.exposure_credential_hours_total) < 0.01)
        }
        #expect(summary.report.joiners.full_access_samples_s.count == summary.report.joiners.time_to_full_access.count)
    }

    @Test func reportFromADatabaseHasEveryChartAndTheRunsDigest() throws {
        let dir = TemporaryDirectory()
        let run = try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("db"), "--json"])
        #expect(run.code == 0, "\(run.err)")
        let digest = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])["digest"] as? String
        let r = try runAccesslab(["report", "--db", dir.sub("db"), "--out", dir.sub("r.html")])
        #expect(r.code == 0, "\(r.err)")
        let html = try readFile(dir.sub("r.html"))
        for id in Report.chartIds {
            let paths = Self.seriesPaths(html, chart: id)
            #expect(!paths.isEmpty, "chart \(id) has no data paths")
            #expect(paths.allSatisfy { $0.count > 4 && $0.hasPrefix("M") }, "chart \(id): \(paths)")
        }
        #expect(html.contains(try #require(digest)))
        #expect(html.contains("AccessLab \(AccessLabVersion.current)") && !html.contains("<script"))
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"), "nothing is fetched from a network")
        // The same database gives the same bytes.
        #expect(try runAccesslab(["report", "--db", dir.sub("db"), "--out", dir.sub("again.html")]).code == 0)
        #expect(try readFile(dir.sub("again.html")) == html)
        let md = try runAccesslab(["report", "--db", dir.sub("db"), "--format", "md"])
        #expect(md.code == 0 && md.out.contains("| tiny | 1 | 1 | 13h40m |") && md.out.contains(digest ?? "-"), "\(md.out)")
    }

    @Test func reportFromASweepDrawsOneCurvePerVariant() throws {
        let dir = TemporaryDirectory()
        let sweep = try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--set", "permission_sets.ReadOnly.session_duration=1h,12h", "--seeds", "1..2",
                                      "--jobs", "2", "--out", dir.sub("s")])
        #expect(sweep.code == 0, "\(sweep.err)")
        let r = try runAccesslab(["report", "--from-sweep", dir.sub("s"), "--out", dir.sub("s.md")])
        #expect(r.code == 0, "\(r.err)")
        let md = try readFile(dir.sub("s.md"))
        #expect(md.contains("| ReadOnly.session_duration=1h | 2 | 2 |") && md.contains("| ReadOnly.session_duration=12h | 2 | 2 |"), "\(md)")
        let html = try runAccesslab(["report", "--from-sweep", dir.sub("s")]).out
        #expect(Self.seriesPaths(html, chart: "latency-cdf-persisting").count == 2)
        #expect(Self.seriesPaths(html, chart: "latency-stages").count == 8)

        // The report pools a variant's seeds as the sweep's summary rows do.
        let json = try runAccesslab(["report", "--from-sweep", dir.sub("s"), "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let variants = try #require(report["variants"] as? [[String: Any]])
        let results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.sub("s") + "/results.json"))) as? [String: Any])
        let summaries = try #require(results["summaries"] as? [[String: Any]])
        #expect(variants.count == 2 && summaries.count == 2)
        for (variant, summary) in zip(variants, summaries) {
            let pooled = (summary["pooled"] as? [[String: Any]])?.first { $0["name"] as? String == "persisting_p50_s" }?["value"] as? Double
            let latency = variant["latency"] as? [String: Any]
            #expect(latency?["p50_s"] as? Double == pooled, "\(variant["label"] ?? "")")
            #expect((variant["runs"] as? [Any])?.count == 2)
        }
    }

    @Test func badReportArgumentsAreClearErrors() throws {
        let dir = TemporaryDirectory()
        let neither = try runAccesslab(["report"])
        #expect(neither.code != 0 && neither.err.contains("exactly one of --db DIR and --from-sweep DIR"))
        let missing = try runAccesslab(["report", "--db", dir.sub("nothing")])
        #expect(missing.code != 0 && missing.err.contains(dir.sub("nothing")) && !missing.err.contains("Fatal"))
        try "{\"time\":\"2026-03-02T00:00:00Z\",\"actor\":\"scim\",\"type\":\"DeleteUser\",\"payload\":{\"userId\":\"u1\"}}\n"
            .write(toFile: dir.sub("one.jsonl"), atomically: true, encoding: .utf8)
        let imported = try runAccesslab(["import", dir.sub("one.jsonl"), "--db", dir.sub("imported")])
        #expect(imported.code == 0, "\(imported.err)")
        let noContext = try runAccesslab(["report", "--db", dir.sub("imported")])
        #expect(noContext.code != 0 && noContext.err.contains("does not say how to measure it"), "\(noContext.err)")
        let noSweep = try runAccesslab(["report", "--from-sweep", dir.path])
        #expect(noSweep.code != 0 && noSweep.err.contains("has no runs/ directory"))
        #expect(!FileManager.default.fileExists(atPath: dir.sub("r.html")))
    }

    /// The `d` attributes of a chart's data paths.
    static func seriesPaths(_ html: String, chart id: String) -> [String] {
        guard let start = html.range(of: "<svg class=\"chart\" id=\"\(id)\""), let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex) else { return [] }
        return html[start.lowerBound..<end.lowerBound].components(separatedBy: "<path class=\"series\" d=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}


@Suite struct ChartPathTests {
    /// A curve is no larger than the chart is wide, however many people it has, and still ends at 100%.
    @Test func aCDFOfManyPeopleIsDrawnAtPixelResolution() {
        let x = Scale(domain: 0...100_000, pixels: (70, 936)), y = Scale(domain: 0...1, pixels: (300, 40))
        let many = Charts.stepPath((0..<100_000).map(Double.init), x: x, y: y)
        #expect(many.count < 20_000, "\(many.count) characters")
        #expect(many.hasSuffix("V40H936"))
        let few = Charts.stepPath([10_000, 50_000, 50_000, 90_000], x: x, y: y)
        #expect(few == "M70 300H156.6V235H503V105H849.4V40H936")
    }
}
