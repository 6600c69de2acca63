import AccessLabLog
import AccessLabProjections
import AccessLabSimulation
import ArgumentParser
import Foundation

/// `accesslab check`: the independent check `run` does, on a database it wrote earlier.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Measure a run's log again and prove its figures with the independent checker.",
        discussion: """
        The meter measures the log from its first event as the run did; the independent checker (its own \
        fold of the log, sharing no code with the meter) recomputes every leaver's, mover's and joiner's \
        figure and checks the invariants. Exits 0 when they agree person by person and every invariant \
        holds, 1 otherwise, naming the first differing person and both answers. `run` does this after \
        every run unless given --no-check.

        Examples:
          accesslab run scenarios/tiny.yaml --db /tmp/tiny --no-check && accesslab check --db /tmp/tiny
          accesslab check --db /tmp/tiny --json
        """
    )

    @OptionGroup var database: DatabaseOption
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        let log = try database.openExisting()
        let check: RunCheck = try log.read { reader in
            if let stopped = reader.metadata.runStoppedAt {
                throw CLIError("\(database.db): the run stopped at \(stopped) (interrupted), so its figures are not the run's; finish it with `accesslab run --resume --db \(database.db)`, which checks it")
            }
            guard let context = MeasurementContext(parameters: reader.metadata.parameters) else {
                throw CLIError("\(database.db): the log does not say how to measure it (written by `import`, or by `run` of AccessLab before 0.3)")
            }
            let report = try RevocationMeter.measure(reader, rules: AccessRules(parameters: reader.metadata.parameters), context: context)
            return try RunCheck(reader, report: report)
        }
        Console.out(json ? try JSONOutput.encode(check) : check.text(wall_s: nil))
        if let failure = check.failure { throw failure }
    }
}
