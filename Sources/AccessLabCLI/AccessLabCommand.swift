import ArgumentParser

/// The `accesslab` command: the root of every subcommand.
public struct AccessLabCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "accesslab",
        abstract: "Simulate AWS IAM Identity Center across an organization, event by event.",
        discussion: """
        Every admin, IdP, HR and runtime action is an event in an append-only LMDB log. Times are \
        written as ISO-8601 UTC (2026-03-02T09:00:00Z), an offset from the log's first event \
        (+90m, +36h, +3d) or a sequence number (@12345).

        Example:
          accesslab demo --db /tmp/demo
          accesslab log --db /tmp/demo --user u-alice
          accesslab verify --db /tmp/demo
        """,
        version: AccessLabVersion.current,
        subcommands: [RunCommand.self, AccessCommand.self, ExplainCommand.self, TimelineCommand.self, DiffCommand.self, SnapshotCommand.self, PolicyCommand.self, BenchCommand.self, SweepCommand.self, MergeCommand.self, DemoCommand.self, ImportCommand.self, LogCommand.self, VerifyCommand.self, DigestCommand.self,
                      AppendStressCommand.self]
    )
    public init() {}
}

/// The version printed by `--version` and written into reports.
public enum AccessLabVersion {
    public static let current = "0.1.0"
}
