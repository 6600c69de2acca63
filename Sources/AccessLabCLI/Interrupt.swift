import Foundation
import Synchronization

/// The signal that asked the process to stop (SIGINT or SIGTERM); 0 while none has.
private let raisedSignal = Atomic<Int32>(0)

/// Ctrl-C and SIGTERM (what `timeout`, systemd and batch schedulers send) as a flag: the handler only
/// stores the signal's number; the run loop and the sweep read it between steps and stop cleanly.
enum Interrupt {
    static func install() {
        signal(SIGINT) { raisedSignal.store($0, ordering: .relaxed) }
        signal(SIGTERM) { raisedSignal.store($0, ordering: .relaxed) }
        // A parent may start us with them blocked (a blocked mask survives exec); they would never arrive.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Back to the default (the process dies at once): for phases with nothing to leave half done.
    static func restoreDefaults() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// What a handler does, for `run --stop-at` (tests stop a run at a virtual time through the same path).
    static func raise(_ signal: Int32) { raisedSignal.store(signal, ordering: .relaxed) }

    /// The signal received, 0 when none.
    static var raised: Int32 { raisedSignal.load(ordering: .relaxed) }

    static func name(_ signal: Int32) -> String { signal == SIGTERM ? "SIGTERM" : "SIGINT (Ctrl-C)" }

    /// The shell's convention: 128 + the signal's number.
    static func exitCode(_ signal: Int32) -> Int32 { 128 + signal }
}
