/// The command-line forms of a sweep: `--set KEY=VALUES`, `--seeds` and `--shard`, parsed without I/O
/// (the environment `--shard auto/N` reads is passed in).
public enum SweepArguments {
    /// `--set` options in order; a key given again adds its values (its first place is kept). The values
    /// of one option are separated by `;` or by commas outside YAML brackets and quotes, so that
    /// `idp.cycle_interval=20m,40m`, `idp.hr_lag={uniform: [5m, 2h]};{fixed: 1h}` and repeated
    /// `--set idp.hr_lag=...` all work.
    public static func settings(_ raw: [String]) throws(SweepError) -> [(key: String, values: [String])] {
        var out: [(key: String, values: [String])] = []
        for text in raw {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw SweepError("--set '\(text)': expected key=v1,v2 (or key=v1;v2, or the option repeated)") }
            let key = String(text[..<eq]).trimmingSpaces()
            let values = try splitValues(String(text[text.index(after: eq)...]), option: text)
            guard !values.isEmpty else { throw SweepError("--set '\(text)': no value after '='") }
            if let i = out.firstIndex(where: { $0.key == key }) {
                for v in values where out[i].values.contains(v) { throw SweepError("--set \(key): the value '\(v)' is given twice") }
                out[i].values += values
            } else {
                out.append((key, values))
            }
        }
        return out
    }

    /// Splits at `;` and at commas that are not inside `[]`, `{}` or quotes.
    static func splitValues(_ text: String, option: String) throws(SweepError) -> [String] {
        var values: [String] = [], current = "", depth = 0
        var quote: Character?
        for ch in text {
            if let q = quote {
                if ch == q { quote = nil }
                current.append(ch)
                continue
            }
            switch ch {
            case "\"", "'": quote = ch; current.append(ch)
            case "[", "{": depth += 1; current.append(ch)
            case "]", "}":
                depth -= 1
                guard depth >= 0 else { throw SweepError("--set '\(option)': '\(ch)' closes nothing") }
                current.append(ch)
            case ";" where depth == 0, "," where depth == 0:
                values.append(current)
                current = ""
            default: current.append(ch)
            }
        }
        guard quote == nil, depth == 0 else { throw SweepError("--set '\(option)': an unclosed \(quote.map { "quote \($0)" } ?? "bracket")") }
        values.append(current)
        let trimmed = values.map { $0.trimmingSpaces() }
        if trimmed.contains(where: \.isEmpty) && trimmed.count > 1 { throw SweepError("--set '\(option)': an empty value between separators") }
        return trimmed.filter { !$0.isEmpty }
    }

    /// `--seeds`: numbers and ranges separated by commas, `1..3,5,9`, in that order; at most 100,000 seeds.
    public static func seeds(_ text: String) throws(SweepError) -> [UInt64] {
        var out: [UInt64] = []
        var seen = Set<UInt64>()
        let problem = "--seeds '\(text)': expected seeds and ranges such as 1..10 or 1..3,5,9"
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingSpaces() }) {
            let range: ClosedRange<UInt64>
            if let dots = part.range(of: "..") {
                guard let lo = UInt64(part[..<dots.lowerBound]), let hi = UInt64(part[dots.upperBound...]) else { throw SweepError(problem) }
                guard lo <= hi else { throw SweepError("--seeds '\(text)': the range \(part) runs backwards") }
                range = lo...hi
            } else {
                guard let n = UInt64(part) else { throw SweepError(problem) }
                range = n...n
            }
            guard range.upperBound - range.lowerBound < 100_000, out.count + Int(range.upperBound - range.lowerBound) < 100_000 else {
                throw SweepError("--seeds '\(text)': more than 100,000 seeds")
            }
            for s in range {
                guard seen.insert(s).inserted else { throw SweepError("--seeds '\(text)': seed \(s) is given twice") }
                out.append(s)
            }
        }
        return out
    }

    /// `--shard I/N` (1-based), or `auto/N` with I from a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`,
    /// 0-based) or a Slurm job array (`SLURM_ARRAY_TASK_ID`, counted from `SLURM_ARRAY_TASK_MIN`, 1 when unset).
    public static func shard(_ text: String, environment: [String: String]) throws(SweepError) -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        guard parts.count == 2, let n = Int(parts[1]), n >= 1 else { throw SweepError("--shard '\(text)': expected I/N with 1 <= I <= N, or auto/N") }
        let i: Int
        if parts[0] == "auto" {
            if let k8s = environment["JOB_COMPLETION_INDEX"] {
                guard let zeroBased = Int(k8s), zeroBased >= 0 else { throw SweepError("--shard auto/\(n): JOB_COMPLETION_INDEX is '\(k8s)', not a number") }
                i = zeroBased + 1
                guard i <= n else { throw SweepError("--shard auto/\(n): JOB_COMPLETION_INDEX \(zeroBased) is shard \(i), past \(n); the Job's completions must equal N") }
            } else if let slurm = environment["SLURM_ARRAY_TASK_ID"] {
                guard let id = Int(slurm) else { throw SweepError("--shard auto/\(n): SLURM_ARRAY_TASK_ID is '\(slurm)', not a number") }
                let min = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 1
                i = id - min + 1
                if let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }), count != n {
                    throw SweepError("--shard auto/\(n): the Slurm array has \(count) tasks; N must equal it (--array=1-\(n))")
                }
                guard i >= 1, i <= n else { throw SweepError("--shard auto/\(n): SLURM_ARRAY_TASK_ID \(id) (array from \(min)) is shard \(i), outside 1...\(n)") }
            } else {
                throw SweepError("--shard auto/\(n): neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a Slurm job array) is set; give I/N")
            }
        } else {
            guard let given = Int(parts[0]), (1...n).contains(given) else { throw SweepError("--shard '\(text)': expected I/N with 1 <= I <= N, or auto/N") }
            i = given
        }
        return (i, n)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
