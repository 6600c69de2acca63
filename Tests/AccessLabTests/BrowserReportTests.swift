import AccessLabReport
import Foundation
import Testing

/// Renders reports in Debian's headless Chromium (installed by `tools/setup.sh --browser`, which the
/// test command runs): a PNG screenshot of the page, then the same page with a measuring script added
/// that reads each chart's laid-out size and path lengths from the browser and counts the coloured
/// pixels the screenshot has inside each chart's plot area.
@Suite(.serialized) struct BrowserReportTests {
    struct ChartMeasure: Decodable {
        var paths: Int
        var length: Double
        var width: Double
        var height: Double
        var painted: Int
        /// Pairs of text labels whose laid-out boxes intersect, as "a | b".
        var overlaps: [String]
    }

    @Test func theReportRendersEveryChartInChromium() throws {
        let dir = TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("db")]).code == 0)
        #expect(try runAccesslab(["report", "--db", dir.sub("db"), "--out", dir.sub("report.html")]).code == 0)
        let (png, measures) = try Self.render(dir, page: "report.html")
        let size = try #require(Self.pngSize(png), "the screenshot is not a PNG")
        #expect(size.0 == 1100 && size.1 == 4200)
        for id in Report.chartIds {
            let m = try #require(measures[id], "chart \(id) is not on the rendered page")
            #expect(m.paths > 0 && m.length > 100, "\(id): \(m.paths) paths, length \(m.length)")
            #expect(m.width > 900 && m.height > 150, "\(id): laid out \(m.width) x \(m.height)")
            // tiny has one leaver: the benign CDF is a single step near the right edge (about 260 pixels).
            #expect(m.painted > 200, "\(id): \(m.painted) coloured pixels in the plot area of the screenshot")
        }
    }

    /// At the narrowest width the report supports, no two labels of any chart overlap: a run whose
    /// leaver's marks crowd together (a runbook's deny minutes after the termination) and a sweep.
    @Test func noLabelsOverlapAtTheNarrowestWidth() throws {
        let dir = TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("checks/runbook-deny.yaml"), "--db", dir.sub("db")]).code == 0)
        #expect(try runAccesslab(["report", "--db", dir.sub("db"), "--out", dir.sub("run.html")]).code == 0)
        #expect(try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--set", "idp.model=cycle,push", "--seeds", "1..2", "--jobs", "2", "--out", dir.sub("sweep")]).code == 0)
        #expect(try runAccesslab(["report", "--from-sweep", dir.sub("sweep"), "--out", dir.sub("sweep.html")]).code == 0)
        for page in ["run.html", "sweep.html"] {
            let (_, measures) = try Self.render(dir, page: page, window: Self.narrowest)
            #expect(measures.count >= Report.chartIds.count, "\(page): \(measures.keys.sorted())")
            for (id, m) in measures.sorted(by: { $0.key < $1.key }) {
                #expect(m.overlaps.isEmpty, "\(page) \(id): \(m.overlaps)")
                #expect(m.width < 480, "\(page) \(id) is laid out \(m.width) wide")
            }
        }
    }

    /// The check can fail: with benign leavers only, the persisting chart's plot area stays blank.
    @Test func aChartWithoutDataPaintsNothing() throws {
        let dir = TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("db"), "--set", "churn.leaver_behaviour=benign"]).code == 0)
        #expect(try runAccesslab(["report", "--db", dir.sub("db"), "--out", dir.sub("report.html")]).code == 0)
        let (_, measures) = try Self.render(dir, page: "report.html")
        let persisting = try #require(measures["latency-cdf-persisting"])
        #expect(persisting.paths == 0 && persisting.painted == 0, "\(persisting)")
        #expect((measures["joiner-time-to-access"]?.painted ?? 0) > 300)
    }

    static let window = "1100,4200"
    /// The narrowest window the report is laid out for (README, "Reports"): a phone held upright.
    static let narrowest = "480,3000"

    static func render(_ dir: TemporaryDirectory, page: String, window: String = window) throws -> (Data, [String: ChartMeasure]) {
        let chromium = try #require(Self.chromium(), "Chromium is not installed: run `bash tools/setup.sh --browser` (the test command does)")
        let shot = dir.sub("shot.png")
        let screenshot = try Self.run(chromium, ["--screenshot=\(shot)", "--window-size=\(window)", "file://\(dir.sub(page))"])
        let png = try #require(FileManager.default.contents(atPath: shot), "no screenshot: \(screenshot)")
        let html = try readFile(dir.sub(page))
        try html.replacingOccurrences(of: "</body>", with: "<pre id=\"accesslab-measure\"></pre><script>\(measureScript)</script></body>")
            .write(toFile: dir.sub("measure.html"), atomically: true, encoding: .utf8)
        let dom = try Self.run(chromium, ["--allow-file-access-from-files", "--virtual-time-budget=10000", "--window-size=\(window)", "--dump-dom",
                                          "file://\(dir.sub("measure.html"))"])
        guard let start = dom.range(of: "<pre id=\"accesslab-measure\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            Issue.record("the measuring page did not come back: \(dom.prefix(300))")
            return (png, [:])
        }
        let json = String(dom[start.upperBound..<end.lowerBound])
        let measures = try JSONDecoder().decode([String: ChartMeasure].self, from: Data(json.utf8))
        return (png, measures)
    }

    static func chromium() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }

    /// Headless Chromium as a test runner can start it: as root it needs --no-sandbox, and containers
    /// have neither a GPU nor a large /dev/shm.
    static func run(_ chromium: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Width and height from a PNG's header, nil when it is not a PNG.
    static func pngSize(_ data: Data) -> (Int, Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        func be32(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    /// Runs in the page: for each chart, its size, its data paths' total length, and the pixels of the
    /// screenshot inside its plot area that are clearly coloured (not white, grey or black).
    static let measureScript = """
    const out = {};
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = img.width; canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      for (const svg of document.querySelectorAll('svg.chart')) {
        const r = svg.getBoundingClientRect();
        const paths = [...svg.querySelectorAll('path.series')];
        let length = 0;
        for (const p of paths) length += p.getTotalLength();
        const area = svg.querySelector('rect.plot-area').getBoundingClientRect();
        const x0 = Math.max(0, Math.floor(area.left + window.scrollX)), y0 = Math.max(0, Math.floor(area.top + window.scrollY));
        const w = Math.min(img.width - x0, Math.floor(area.width)), h = Math.min(img.height - y0, Math.floor(area.height));
        let painted = 0;
        if (w > 0 && h > 0) {
          const d = ctx.getImageData(x0, y0, w, h).data;
          for (let i = 0; i < d.length; i += 4) {
            if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) painted++;
          }
        }
        const boxes = [...svg.querySelectorAll('text')].map(t => ({t: t.textContent, b: t.getBoundingClientRect()})).filter(x => x.b.width > 0);
        const overlaps = [];
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].b, b = boxes[j].b;
          const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left), dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (dx > 0.5 && dy > 0.5 * Math.min(a.height, b.height)) overlaps.push(boxes[i].t + ' | ' + boxes[j].t);
        }
        out[svg.id] = {paths: paths.length, length: length, width: r.width, height: r.height, painted: painted, overlaps: overlaps};
      }
      document.getElementById('accesslab-measure').textContent = JSON.stringify(out);
    };
    img.onerror = () => { document.getElementById('accesslab-measure').textContent = '{}'; };
    img.src = 'shot.png';
    """
}
