import Foundation
import Testing
@testable import AccessLabReport

/// What a reader of the report notices: an axis an outlier does not blow up, accounts by name, the
/// runbook's deny on the timeline, every variant's worst leaver, and how many values each figure has.
@Suite struct ReportFigureTests {
    @Test func oneSlowJoinerDoesNotStretchTheAxisAndIsMarked() throws {
        let values = Array(repeating: 3600.0, count: 40) + Array(repeating: 5400.0, count: 40) + [6 * 86_400.0]
        let series = [Charts.Series(label: "all team accounts", color: "#000", dash: nil, values: values)]
        let clipped = Charts.cdf(id: "j", title: "t", xTitle: "x", series: series, clipOutliers: true).svg
        #expect(clipped.contains("1 value beyond 2h30m, up to 6d (axis clipped)"))
        #expect(!clipped.contains(">6d<"), "no tick at the outlier")
        let plain = Charts.cdf(id: "j", title: "t", xTitle: "x", series: series).svg
        #expect(!plain.contains("axis clipped") && plain.contains(">6d<"))
        // Without an outlier the axis is the usual one.
        let even = [Charts.Series(label: "a", color: "#000", dash: nil, values: [3600, 5400, 7200])]
        #expect(!Charts.cdf(id: "j", title: "t", xTitle: "x", series: even, clipOutliers: true).svg.contains("axis clipped"))
    }

    @Test func aRunbookReportNamesAccountsMarksTheDenyAndCountsEveryFigure() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("checks/runbook-deny.yaml"), "--db", dir.sub("db")]).code == 0)
        let r = try runAccesslab(["report", "--db", dir.sub("db")])
        #expect(r.code == 0, "\(r.err)")
        let html = r.out
        #expect(html.contains(">deny in force (runbook) +10m<"))
        #expect(html.contains("u00001 (u00001@example.com): persisting leaver, 10m to the last working credential"))
        #expect(html.contains(">workload ReadOnly<"), "the lane names the account, not 100000000001")
        let captions = html.components(separatedBy: "<figcaption>").dropFirst()
        #expect(captions.count == Report.chartIds.count)
        for caption in captions { #expect(caption.contains("Stands on "), "\(caption.prefix(80))") }
        #expect(html.contains("Stands on 1 persisting leavers from 1 run."))
        let text = try runAccesslab(["run", scenarioPath("checks/runbook-deny.yaml")])
        #expect(text.out.contains("worst: u00001 10m4s (workload 100000000001)"), "\(text.out)")
    }

    @Test func aSweepReportShowsEachVariantsWorstLeaver() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--set", "idp.model=cycle,push", "--seeds", "1..2", "--jobs", "2", "--out", dir.sub("s")]).code == 0)
        let html = try runAccesslab(["report", "--from-sweep", dir.sub("s")]).out
        #expect(html.contains("<h2>The worst leaver of each variant</h2>"))
        #expect(html.contains("id=\"worst-leaver-timeline\"") && html.contains("id=\"worst-leaver-timeline-2\""))
        #expect(!html.contains("id=\"worst-leaver-timeline-3\""))
        #expect(html.contains("persisting leavers from 4 runs: 2 per variant (n in the legend)."))
        let md = try runAccesslab(["report", "--from-sweep", dir.sub("s"), "--format", "md"]).out
        #expect(md.contains("## The worst leaver of each variant") && md.contains("| idp.model=push | u"))
    }
}
