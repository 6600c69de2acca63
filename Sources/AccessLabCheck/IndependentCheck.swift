import AccessLabEvents
import AccessLabLog

/// A second, independent reading of a run's log (the TigerBeetle pattern): it folds the events itself,
/// sharing no code with the simulator's meter or the projections, recomputes every measured figure and
/// checks the invariants a correct run keeps. Where it and the report disagree, one of them is wrong.
public enum IndependentCheck {
    /// Checks the whole log. Fails only when the log cannot be read or was not written by `run`.
    public static func run(_ reader: some EventLogReader) throws(CheckError) -> CheckResult {
        let context = try CheckContext(parameters: reader.metadata.parameters)
        var fold = CheckFold(context: context)
        let last = reader.head.lastSeq
        if last > 0 {
            do {
                try reader.forEachEvent(in: 1...last) { event in
                    fold.apply(event)
                    return true
                }
            } catch {
                throw CheckError(kind: .unreadableLog(String(describing: error)))
            }
        }
        return fold.finish()
    }
}
