import AccessLabEvents

extension LogMetadata {
    /// Names under which `run` records its period and whether it finished.
    public enum RunKey {
        public static let simulatedStart = "simulated_start_ms"
        public static let simulatedEnd = "simulated_end_ms"
        /// Present while a run is interrupted: the virtual time it stopped at. `run --resume` removes it.
        public static let stoppedAt = "run_stopped_at_ms"
        /// How to run it again: the scenario path, the seed and the options that shape the events.
        public static let scenarioPath = "run_scenario_path"
        public static let settings = "run_settings"
        public static let duration = "run_duration_ms"
        public static let until = "run_until_ms"
    }

    /// The virtual time an interrupted run stopped at; nil for a finished run or a log `run` did not write.
    public var runStoppedAt: Instant? { parameters[RunKey.stoppedAt].flatMap(Int64.init).map(Instant.init(ms:)) }

    /// The end of the simulated period the run was asked for.
    public var simulatedEnd: Instant? { parameters[RunKey.simulatedEnd].flatMap(Int64.init).map(Instant.init(ms:)) }

    /// Where the run ends: where it stopped when interrupted, else its simulated end.
    public var runEnd: Instant? { runStoppedAt ?? simulatedEnd }

    /// "run stopped at T ..." for every answer read from an interrupted run; nil otherwise.
    public var interruptionNote: String? {
        guard let t = runStoppedAt else { return nil }
        let planned = simulatedEnd.map { " of a period ending \($0)" } ?? ""
        return "run stopped at \(t)\(planned) (interrupted; `accesslab run --resume --db DIR` continues it): nothing after \(t) was simulated"
    }
}
