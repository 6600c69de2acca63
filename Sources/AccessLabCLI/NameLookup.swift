import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabQuery

/// `--user` and `--account` for commands that read the whole log rather than one moment (`log`,
/// `timeline`): an id any event touches is taken as it is; anything else is looked up by name in the
/// state at the log's end.
enum NameLookup {
    static func user(_ text: String?, in reader: any EventLogReader) throws -> String? {
        guard let text else { return nil }
        if try !reader.seqs(touching: .user(text)).isEmpty { return text }
        do { return try Names.userId(text, in: try finalState(reader)) } catch let e as QueryError {
            throw CLIError("--user: \(e.description); no events concern user '\(text)' in this log")
        }
    }

    static func account(_ text: String?, in reader: any EventLogReader) throws -> String? {
        guard let text else { return nil }
        if try !reader.seqs(touching: .account(text)).isEmpty { return text }
        do { return try Names.accountId(text, in: try finalState(reader)) } catch let e as QueryError {
            throw CLIError("--account: \(e.description)")
        }
    }

    private static func finalState(_ reader: any EventLogReader) throws -> AccessState {
        do { return try History(reader: reader).state(through: reader.head.lastSeq) } catch let e as QueryError { throw CLIError(e.description) }
    }
}
